//! The rules' English wording of each validated instrument is pinned to its
//! published text in `rules/sources/*.en.yaml` (copied, unchanged, from the
//! project's record of the published forms; see `rules/sources/README.md`).
//! Every item and option text marked FOUND there must be the rules' text
//! word for word, so any drift (a changed word, a lost item) is a deliberate,
//! reviewed change: fix the rules, or list the difference in `EXCEPTIONS`
//! with its reason. UNCERTAIN texts are pinned to one of their listed
//! readings; MISSING ones are not pinned.

use serde_yaml::Value;

use crate::harness::root;

/// Deliberate differences from a FOUND text, as (item id, what: `text`,
/// `options` or `help`, why). Each must still differ, or the test asks to
/// remove it. None today: the rules follow every FOUND text.
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// The rules' instruments with no published source: carescreen's own
/// intake questions.
const OWN_INSTRUMENTS: &[&str] = &["context"];

/// Published texts a preamble must contain, as a path into the source file;
/// `Some(n)` takes the n-th “quoted” passage of that text. A FOUND text is
/// pinned as such; the DAST-10 instructions are version A's (Skinner/CAMH,
/// "drug abuse"), whose sentences have one copy each but must not be mixed
/// with version B's "drug use" wording.
const PREAMBLES: &[(&str, &str, Option<usize>)] = &[
    ("phq9", "stem.text", None),
    ("gad7", "stem.text", None),
    // Box 4, interview version: the opening the interviewer reads out ...
    ("audit", "instructions.text", Some(0)),
    // ... and the US standard drink, before items 2-3 ask about "drinks".
    ("audit", "standard_drink.us_niaaa.text", None),
    (
        "dast10",
        "instructions.version_A_drug_abuse.sentences.0.text",
        None,
    ),
    (
        "dast10",
        "instructions.version_A_drug_abuse.sentences.2.text",
        None,
    ),
    (
        "dast10",
        "instructions.version_A_drug_abuse.sentences.3.text",
        None,
    ),
    (
        "dast10",
        "instructions.version_A_drug_abuse.sentences.4.text",
        None,
    ),
    (
        "dast10",
        "instructions.version_A_drug_abuse.sentences.5.text",
        None,
    ),
    ("cssrs", "time_frames.items_1_to_5.label", None),
];

pub(crate) fn read(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A text of the rules: plain, or its English.
fn english(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Mapping(_) => value.get("en").and_then(english),
        _ => None,
    }
}

pub(crate) fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The value at a dotted path (`a.b.0.c`).
fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |v, key| match key.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(key),
        })
}

/// The passages of a text between “ and ”.
fn quoted(text: &str) -> Vec<String> {
    text.split('“')
        .skip(1)
        .filter_map(|part| part.split_once('”').map(|(q, _)| q.to_string()))
        .collect()
}

fn status(value: &Value, key: &str) -> String {
    string(value, key).unwrap_or_else(|| "MISSING".into())
}

/// Where two texts first differ, for a readable failure.
pub(crate) fn first_difference(a: &str, b: &str) -> String {
    let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let tail = |s: &str| s.chars().skip(at).take(24).collect::<String>();
    format!(
        "from character {at}: rules \"{}\", published \"{}\"",
        tail(a),
        tail(b)
    )
}

/// The wording a source gives an item, as the rules ask it: a lead-in
/// ("In the past month, have you…") joins each item it introduces, and a
/// stem with examples (the PC-PTSD-5 exposure question) runs into its
/// question, as the published copies that run them together print it.
fn published_text(item: &Value) -> Option<String> {
    let text = string(item, "text")?;
    let mut parts = Vec::new();
    if let Some(lead) = string(item, "lead_in") {
        parts.push(lead.trim_end_matches('…').trim_end().to_string());
    }
    if let Some(stem) = string(item, "stem") {
        parts.push(stem);
    }
    if let Some(examples) = item.get("examples").and_then(Value::as_sequence) {
        let examples: Vec<&str> = examples.iter().filter_map(Value::as_str).collect();
        parts.push(examples.join(", "));
    }
    parts.push(text);
    Some(parts.join(" "))
}

/// The answers of a rules item as (code or score, lower-case label): a
/// choice item's codes and labels; a yes/no item's score for each answer
/// (the sources give yes/no answers their scores as codes).
fn rules_answers(item: &Value) -> Vec<(String, String)> {
    match item.get("type").and_then(Value::as_str) {
        Some("yes_no") => {
            let score = |answer: &str, default: i64| {
                item.get("scores")
                    .and_then(|s| s.get(answer))
                    .and_then(Value::as_i64)
                    .unwrap_or(default)
            };
            vec![
                (score("no", 0).to_string(), "no".into()),
                (score("yes", 1).to_string(), "yes".into()),
            ]
        }
        _ => item
            .get("options")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .map(|o| {
                (
                    o.get("code")
                        .and_then(Value::as_i64)
                        .unwrap_or(-1)
                        .to_string(),
                    o.get("label").and_then(english).unwrap_or_default(),
                )
            })
            .collect(),
    }
}

/// A source's options, in the same form. Yes/no forms print their answers
/// in capitals or not ("YES", "No"): for a yes/no item only the words are
/// compared, and a code that is not a number (the C-SSRS prints no codes)
/// is left out.
fn source_answers(options: &Value, yes_no: bool) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = options
        .as_sequence()
        .into_iter()
        .flatten()
        .map(|o| {
            let code = o.get("code").and_then(Value::as_i64);
            let label = string(o, "label").unwrap_or_default();
            match yes_no {
                true => (
                    code.map_or_else(|| label.to_lowercase(), |c| c.to_string()),
                    label.to_lowercase(),
                ),
                false => (code.map_or_else(String::new, |c| c.to_string()), label),
            }
        })
        .collect();
    out.sort();
    out
}

/// Every difference between the rules and the published wording, naming
/// the instrument and item. `rules` maps an instrument id to its rules file
/// (parsed), `sources` to its source file.
fn problems(rules: &Files, sources: &Files) -> Vec<String> {
    let mut out = Vec::new();
    let mut used = vec![false; EXCEPTIONS.len()];
    let mut differs =
        |out: &mut Vec<String>, item: &str, what: &str, message: String| match EXCEPTIONS
            .iter()
            .position(|(i, w, _)| *i == item && *w == what)
        {
            Some(k) => used[k] = true,
            None => out.push(message),
        };
    for (id, source) in sources {
        let file = format!("rules/sources/{id}.en.yaml");
        let Some(instrument) = rules.iter().find(|(r, _)| r == id).map(|(_, v)| v) else {
            out.push(format!("{file}: no rules instrument `{id}`"));
            continue;
        };
        let instrument = instrument
            .get("instruments")
            .and_then(|i| i.get(0))
            .expect("an instrument");
        let items: Vec<&Value> = instrument
            .get("items")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .collect();
        let item_by_id = |key: &str| {
            items
                .iter()
                .copied()
                .find(|i| string(i, "id").as_deref() == Some(key))
        };
        let source_items: Vec<&Value> = source
            .get("items")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .collect();
        // Every answerable rules item has its published text.
        for item in &items {
            let item_id = string(item, "id").unwrap_or_default();
            let answerable = item.get("type").and_then(Value::as_str) != Some("info");
            if answerable
                && !source_items
                    .iter()
                    .any(|s| string(s, "id").as_deref() == Some(&item_id))
            {
                out.push(format!("{id}: rules item `{item_id}` is not in {file}"));
            }
        }
        for source_item in &source_items {
            let item_id = string(source_item, "id").unwrap_or_default();
            let Some(item) = item_by_id(&item_id) else {
                out.push(format!(
                    "{id}: published item `{item_id}` ({file}) is missing from the rules"
                ));
                continue;
            };
            let text = item.get("text").and_then(english).unwrap_or_default();
            let published = published_text(source_item).unwrap_or_default();
            match status(source_item, "status").as_str() {
                "FOUND" if text != published => {
                    differs(
                        &mut out,
                        &item_id,
                        "text",
                        format!(
                            "{id}: `{item_id}` text differs from {file}\n    rules:     {text}\n    published: {published}\n    {}",
                            first_difference(&text, &published)
                        ),
                    );
                }
                "UNCERTAIN" => {
                    // One of the readings the source lists.
                    let readings: Vec<String> = std::iter::once(published.clone())
                        .chain(
                            source_item
                                .get("variants")
                                .and_then(Value::as_sequence)
                                .into_iter()
                                .flatten()
                                .filter_map(|v| string(v, "text")),
                        )
                        .collect();
                    if !readings.contains(&text) {
                        differs(
                            &mut out,
                            &item_id,
                            "text",
                            format!("{id}: `{item_id}` text \"{text}\" is none of the readings {file} lists: {readings:?}"),
                        );
                    }
                }
                _ => {}
            }
            // Options, where the item's text is FOUND and its options are
            // not marked otherwise; the instrument's own options when the
            // item lists none (the C-SSRS).
            let options_found = status(source_item, "status") == "FOUND"
                && source_item
                    .get("options_status")
                    .is_none_or(|s| s.as_str() == Some("FOUND"));
            let options = source_item.get("options").or_else(|| source.get("options"));
            if let (true, Some(options)) = (options_found, options) {
                let yes_no = item.get("type").and_then(Value::as_str) == Some("yes_no");
                let mut mine = rules_answers(item);
                mine.sort();
                let theirs = source_answers(options, yes_no);
                let mine_cmp: Vec<_> = match yes_no {
                    // Without numeric codes only the words are compared.
                    true if theirs.iter().any(|(c, _)| c.parse::<i64>().is_err()) => {
                        mine.iter().map(|(_, l)| (l.clone(), l.clone())).collect()
                    }
                    _ => mine.clone(),
                };
                let mut mine_cmp = mine_cmp;
                mine_cmp.sort();
                if mine_cmp != theirs {
                    differs(
                        &mut out,
                        &item_id,
                        "options",
                        format!("{id}: `{item_id}` options differ from {file}\n    rules:     {mine_cmp:?}\n    published: {theirs:?}"),
                    );
                }
            }
            // A FOUND prompt or list of examples is given as the item's help.
            for key in ["prompt", "examples"] {
                let Some(extra) = source_item.get(key).filter(|e| e.is_mapping()) else {
                    continue;
                };
                let Some(extra_text) = string(extra, "text") else {
                    continue;
                };
                let help = item.get("help").and_then(english).unwrap_or_default();
                if status(extra, "status") == "FOUND" && !help.contains(&extra_text) {
                    differs(
                        &mut out,
                        &item_id,
                        "help",
                        format!("{id}: `{item_id}` help lacks the published {key} ({file}): {extra_text}\n    help: {help}"),
                    );
                }
            }
        }
        // The preamble's published texts.
        let preamble = instrument
            .get("preamble")
            .and_then(english)
            .unwrap_or_default();
        for (_, path, quote) in PREAMBLES.iter().filter(|(i, _, _)| i == id) {
            let Some(text) = at(source, path).and_then(Value::as_str) else {
                out.push(format!("{file}: no text at `{path}`"));
                continue;
            };
            let text = match quote {
                Some(n) => quoted(text).get(*n).cloned().unwrap_or_default(),
                None => text.to_string(),
            };
            if text.is_empty() || !preamble.contains(&text) {
                out.push(format!(
                    "{id}: the preamble lacks the published `{path}` ({file}): {text}\n    preamble: {preamble}"
                ));
            }
        }
    }
    for (id, _) in rules {
        if !OWN_INSTRUMENTS.contains(&id.as_str()) && !sources.iter().any(|(s, _)| s == id) {
            out.push(format!(
                "rules instrument `{id}` has no published wording in rules/sources/"
            ));
        }
    }
    for (k, (item, what, _)) in EXCEPTIONS.iter().enumerate() {
        if !used[k] {
            out.push(format!(
                "the exception for `{item}` {what} no longer applies: remove it"
            ));
        }
    }
    out
}

/// Parsed files by instrument id.
type Files = Vec<(String, Value)>;

/// The default rules' instruments and their sources, by instrument id.
fn load() -> (Files, Files) {
    let mut rules = Vec::new();
    let mut sources = Vec::new();
    for (folder, suffix, into) in [
        ("rules/instruments", ".yaml", &mut rules),
        ("rules/sources", ".en.yaml", &mut sources),
    ] {
        let mut names: Vec<String> = std::fs::read_dir(root().join(folder))
            .unwrap_or_else(|e| panic!("{folder}: {e}"))
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(suffix))
            .collect();
        names.sort();
        for name in names {
            let id = name.trim_end_matches(suffix).to_string();
            into.push((id, read(&format!("{folder}/{name}"))));
        }
    }
    (rules, sources)
}

#[test]
fn every_found_item_and_option_text_is_the_published_wording() {
    let (rules, sources) = load();
    assert_eq!(sources.len(), 7, "one source per validated instrument");
    let problems = problems(&rules, &sources);
    assert!(
        problems.is_empty(),
        "the rules' wording drifted from rules/sources/ ({} differences):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_wording_check_catches_a_changed_word_a_changed_option_and_a_lost_item() {
    let (mut rules, sources) = load();
    let items = |rules: &mut Files, id: &str| -> Value {
        let (_, file) = rules.iter_mut().find(|(r, _)| r == id).expect(id);
        file["instruments"][0]["items"].clone()
    };
    let set = |rules: &mut Files, id: &str, value: Value| {
        let (_, file) = rules.iter_mut().find(|(r, _)| r == id).expect(id);
        file["instruments"][0]["items"] = value;
    };
    // DAST-10 item 2 in version B's words.
    let mut dast = items(&mut rules, "dast10");
    dast[1]["text"] = Value::String("Do you use more than one drug at a time?".into());
    set(&mut rules, "dast10", dast);
    // AUDIT item 2's "7, 8, or 9" shortened.
    let mut audit = items(&mut rules, "audit");
    audit[1]["options"][3]["label"] = Value::String("7 to 9".into());
    set(&mut rules, "audit", audit);
    // SCOFF item 5 lost.
    let mut scoff = items(&mut rules, "scoff");
    scoff.as_sequence_mut().expect("items").pop();
    set(&mut rules, "scoff", scoff);
    let found = problems(&rules, &sources);
    for expected in [
        "dast10: `dast10_2` text differs",
        "audit: `audit_2` options differ",
        "scoff: published item `scoff_5`",
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(expected)),
            "{expected:?} not reported in {found:#?}"
        );
    }
    assert_eq!(found.len(), 3, "{found:#?}");
}
