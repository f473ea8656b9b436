//! The rules' Spanish wording of the PHQ-9, GAD-7 and AUDIT is pinned to
//! the published Spanish texts in `rules/sources/*.es.yaml` (copied,
//! unchanged, from the project's record of the published translations).
//! Every FOUND item and option text must be the rules' `es` text exactly;
//! an UNCERTAIN one its first reading, marked `to_compare`. And the other
//! way round: every Spanish text of an instrument's wording that the rules
//! call published is a published text, so the rule set's own Spanish is
//! never passed off as a published version.

use serde_yaml::Value;

use crate::wording::{first_difference, read, string};

/// The instruments with a published Spanish source, and the status their
/// `translations.es` must declare (the GAD-7's copies are to be compared
/// with the publisher's PDF before a release).
const PUBLISHED: &[(&str, &str)] = &[
    ("phq9", "published"),
    ("gad7", "to_compare"),
    ("audit", "published"),
];

/// The rules' own instruments: Spanish of their own, declared `own`.
const OWN: &[&str] = &["context"];

/// The Spanish of a rules text, with the status it gives itself.
fn spanish(value: &Value) -> Option<(String, Option<String>)> {
    match value.get("es")? {
        Value::String(s) => Some((s.trim().to_string(), None)),
        marked => Some((
            string(marked, "text")?.trim().to_string(),
            string(marked, "status"),
        )),
    }
}

/// A source's options for an item: (code, label, status), the option's
/// own status or else its set's.
fn source_options(source: &Value, item: &Value) -> Vec<(i64, String, String)> {
    let set = item.get("options").and_then(Value::as_str).unwrap_or("");
    let set = &source["option_sets"][set];
    let set_status = string(set, "status").unwrap_or_else(|| "MISSING".into());
    set["options"]
        .as_sequence()
        .into_iter()
        .flatten()
        .map(|o| {
            (
                o["code"].as_i64().unwrap_or(-1),
                string(o, "label").unwrap_or_default(),
                string(o, "status").unwrap_or_else(|| set_status.clone()),
            )
        })
        .collect()
}

fn instrument(id: &str) -> Value {
    read(&format!("rules/instruments/{id}.yaml"))["instruments"][0].clone()
}

/// Every difference between the rules' Spanish and the published texts.
fn problems(id: &str, rules: &Value, source: &Value, declared: &str) -> Vec<String> {
    let file = format!("rules/sources/{id}.es.yaml");
    let mut out = Vec::new();
    let translation = &rules["translations"]["es"];
    if string(translation, "status").as_deref() != Some(declared) {
        out.push(format!(
            "{id}: translations.es.status should be `{declared}`"
        ));
    }
    if string(translation, "licence").is_none() {
        out.push(format!("{id}: translations.es has no licence"));
    }
    // Is a rules text, with the status it gives itself, this published text?
    let check = |out: &mut Vec<String>, what: String, rules: &Value, text: &str, found: &str| {
        let Some((mine, own)) = spanish(rules) else {
            out.push(format!("{id}: {what} has no `es` text ({file}: {text})"));
            return;
        };
        let status = own.unwrap_or_else(|| declared.to_string());
        match found {
            "FOUND" if mine != text => out.push(format!(
                "{id}: {what} differs from {file}\n    rules:     {mine}\n    published: {text}\n    {}",
                first_difference(&mine, text)
            )),
            "FOUND" if status == "own" => {
                out.push(format!("{id}: {what} is published but marked `own`"));
            }
            "UNCERTAIN" if mine != text || status != "to_compare" => out.push(format!(
                "{id}: {what} should be the first reading \"{text}\", marked `to_compare` (rules: \"{mine}\", {status})"
            )),
            _ => {}
        }
    };
    let items = rules["items"].as_sequence().cloned().unwrap_or_default();
    for source_item in source["items"].as_sequence().into_iter().flatten() {
        let item_id = string(source_item, "id").unwrap_or_default();
        let Some(item) = items
            .iter()
            .find(|i| string(i, "id").as_deref() == Some(&item_id))
        else {
            out.push(format!("{id}: no rules item `{item_id}`"));
            continue;
        };
        let text = string(source_item, "text").unwrap_or_default();
        let found = string(source_item, "status").unwrap_or_default();
        check(
            &mut out,
            format!("`{item_id}`"),
            &item["text"],
            &text,
            &found,
        );
        for (code, label, found) in source_options(source, source_item) {
            let option = item["options"]
                .as_sequence()
                .into_iter()
                .flatten()
                .find(|o| o["code"].as_i64() == Some(code));
            match option {
                Some(option) => check(
                    &mut out,
                    format!("`{item_id}` answer {code}"),
                    &option["label"],
                    &label,
                    &found,
                ),
                None => out.push(format!("{id}: `{item_id}` has no answer {code}")),
            }
        }
    }
    // Every published-marked text of the rules is a published one: the
    // items above, and the preamble, which is published only when it is
    // the source's preamble word for word.
    let preamble = source["preamble"]["text"]
        .as_str()
        .or_else(|| source["versions"]["interview"]["preamble"]["text"].as_str())
        .unwrap_or_default();
    match spanish(&rules["preamble"]) {
        Some((mine, own)) => {
            let status = own.unwrap_or_else(|| declared.to_string());
            if status != "own" && mine != preamble.trim() {
                out.push(format!(
                    "{id}: the preamble is marked `{status}` but is not the published one\n    rules:     {mine}\n    published: {preamble}"
                ));
            }
        }
        None => out.push(format!("{id}: the preamble has no `es` text")),
    }
    out
}

#[test]
fn every_found_spanish_text_is_quoted_exactly_and_nothing_else_is_called_published() {
    let mut found = Vec::new();
    for (id, declared) in PUBLISHED {
        let source = read(&format!("rules/sources/{id}.es.yaml"));
        found.extend(problems(id, &instrument(id), &source, declared));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_spanish_check_catches_a_reworded_item_an_own_text_called_published_and_a_lost_mark() {
    let source = read("rules/sources/audit.es.yaml");
    let mut audit = instrument("audit");
    // Item 1 reworded; the preamble (the rule set's own) called published;
    // item 2's uncertain answer 3 without its mark.
    audit["items"][0]["text"]["es"] = Value::String("¿Con qué frecuencia bebe alcohol?".into());
    audit["preamble"]["es"]["status"] = Value::String("published".into());
    audit["items"][1]["options"][3]["label"]["es"] = Value::String("7, 8, o 9".into());
    let found = problems("audit", &audit, &source, "published");
    for expected in [
        "audit: `audit_1` differs",
        "audit: the preamble is marked `published`",
        "audit: `audit_2` answer 3 should be the first reading",
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(expected)),
            "{expected:?} not reported in {found:#?}"
        );
    }
    assert_eq!(found.len(), 3, "{found:#?}");
}

#[test]
fn instruments_without_a_published_spanish_version_have_no_spanish_wording() {
    for entry in std::fs::read_dir(crate::harness::root().join("rules/instruments")).expect("dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let id = name.trim_end_matches(".yaml");
        if PUBLISHED.iter().any(|(p, _)| *p == id) {
            continue;
        }
        let rules = instrument(id);
        let declared = string(&rules["translations"]["es"], "status");
        if OWN.contains(&id) {
            assert_eq!(declared.as_deref(), Some("own"), "{id}");
            continue;
        }
        assert_eq!(declared, None, "{id} has no published Spanish source");
        let items = rules["items"].as_sequence().cloned().unwrap_or_default();
        for item in &items {
            assert!(spanish(&item["text"]).is_none(), "{id}: {:?}", item["id"]);
        }
    }
}
