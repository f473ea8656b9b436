//! `score --format fhir`: one FHIR R4 Bundle per record, checked against
//! the CSV contract row it stands for, the published scoring and the
//! LOINC table of CLINICAL.md. (`scripts/check-fhir.sh` parses the same
//! output with an independent FHIR implementation.)

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::harness::Test;

const LOINC: &str = "http://loinc.org";
const FILES: [&str; 3] = [
    "examples/intake.csv",
    "examples/policy-1.1.csv",
    "examples/clinical-review.csv",
];

fn bundles(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["score"];
    all.extend(args);
    all.extend(["--format", "fhir", "--note-date", "2026-01-15"]);
    let out = Test::new().args(&all).run();
    assert!(out.code <= 1, "score failed: {}", out.stderr);
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The rows of CSV text, as maps from column to cell.
fn rows_of(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The CSV contract rows `score` makes of these arguments.
fn csv_rows_of(args: &[&str]) -> Vec<BTreeMap<String, String>> {
    let mut all = vec!["score"];
    all.extend(args);
    rows_of(&Test::new().args(&all).run().stdout)
}

fn csv_rows(file: &str) -> Vec<BTreeMap<String, String>> {
    csv_rows_of(&[file])
}

/// The input rows of a file, as maps from column to cell.
fn input_rows(file: &str) -> Vec<BTreeMap<String, String>> {
    rows_of(&std::fs::read_to_string(crate::harness::root().join(file)).expect("input"))
}

fn resources<'a>(bundle: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .filter(move |r| r["resourceType"] == kind)
}

/// The Observation coded `code` (in any system).
fn observation<'a>(bundle: &'a Value, code: &str) -> Option<&'a Value> {
    resources(bundle, "Observation").find(|o| o["code"]["coding"][0]["code"] == code)
}

fn own_code(bundle: &Value, kind: &str) -> BTreeSet<String> {
    resources(bundle, kind)
        .map(|r| {
            r["code"]["coding"][0]["code"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// Each scale's total code (CLINICAL.md), or the rule set's own code.
const TOTALS: [(&str, &str); 8] = [
    ("phq9", "44261-6"),
    ("gad7", "70274-6"),
    ("audit", "75624-7"),
    ("auditc", "75626-2"),
    ("audit_dep", "score.audit_dep"),
    ("dast10", "82667-7"),
    ("pcptsd5", "102017-1"),
    ("scoff", "score.scoff"),
];

#[test]
fn each_bundle_says_what_its_csv_row_says() {
    for file in FILES {
        let rows = csv_rows(file);
        let bundles = bundles(&[file]);
        assert_eq!(rows.len(), bundles.len(), "{file}: one Bundle per row");
        for (row, bundle) in rows.iter().zip(&bundles) {
            let id = &row["id"];
            assert_eq!(bundle["type"], "collection");
            let flags: BTreeSet<String> = row["flags"]
                .split(';')
                .filter(|f| !f.is_empty())
                .map(|f| format!("flag.{f}"))
                .collect();
            assert_eq!(
                own_code(bundle, "Flag"),
                flags,
                "{file} {id}: every flag is a Flag"
            );
            if !row["error"].is_empty() {
                let outcome = resources(bundle, "OperationOutcome")
                    .next()
                    .expect("outcome");
                let errors = outcome["issue"]
                    .as_array()
                    .expect("issues")
                    .iter()
                    .filter(|i| i["severity"] == "error")
                    .count();
                assert_eq!(
                    errors,
                    row["error"].matches("column `").count().max(1),
                    "{file} {id}: an issue per problem in {}",
                    row["error"]
                );
                assert!(
                    resources(bundle, "QuestionnaireResponse")
                        .all(|r| r["status"] == "in-progress"),
                    "{file} {id}: the answers given, in progress"
                );
                let crisis = observation(bundle, "crisis").map(|o| o["valueBoolean"].to_string());
                match row["crisis"].as_str() {
                    "true" => assert_eq!(crisis.as_deref(), Some("true"), "{file} {id}"),
                    _ => assert_eq!(crisis, None, "{file} {id}: crisis unknown, no Observation"),
                }
                continue;
            }
            for (scale, code) in TOTALS {
                let score = &row[&format!("{scale}_score")];
                let found = observation(bundle, code);
                match score.is_empty() {
                    true => assert!(found.is_none(), "{file} {id}: no score, no Observation"),
                    false => {
                        let obs = found.unwrap_or_else(|| panic!("{file} {id}: {scale} total"));
                        assert_eq!(
                            obs["valueInteger"].to_string(),
                            *score,
                            "{file} {id} {scale}"
                        );
                        let band = &row[&format!("{scale}_band")];
                        assert_eq!(
                            obs["interpretation"][0]["coding"][0]["code"],
                            format!("{scale}.{band}")
                        );
                    }
                }
            }
            let risk = observation(bundle, "93374-7").expect("C-SSRS risk level");
            assert_eq!(
                risk["valueCodeableConcept"]["coding"][0]["code"],
                format!("cssrs_risk.{}", row["cssrs_risk"])
            );
            let level = observation(bundle, "level-of-care").expect("level");
            assert_eq!(
                level["valueCodeableConcept"]["coding"][0]["code"],
                format!("level.{}", row["level"])
            );
            let crisis = observation(bundle, "crisis").expect("crisis");
            assert_eq!(crisis["valueBoolean"].to_string(), row["crisis"]);
            let note = resources(bundle, "DocumentReference").next().expect("note");
            assert_eq!(note["type"]["coding"][0]["code"], "57133-1");
        }
    }
}

/// PHQ-9 and GAD-7 answer codes 0-3 (CLINICAL.md).
const FREQUENCY: [&str; 4] = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];

#[test]
fn phq9_answers_are_loinc_coded_and_the_total_is_their_sum() {
    let file = "examples/intake.csv";
    let inputs = input_rows(file);
    let bundles = bundles(&[file]);
    let mut checked = 0;
    for (input, bundle) in inputs.iter().zip(&bundles) {
        let Some((group, response_url)) = response(bundle, "phq9") else {
            continue;
        };
        if group["status"] != "completed" {
            continue;
        }
        // The published scoring: the sum of items 1-9, each scored 0-3.
        let mut total = 0;
        for n in 1..=9 {
            let cell: usize = input[&format!("phq9_{n}")].parse().expect("answered");
            total += cell;
            let item = group["item"]
                .as_array()
                .expect("items")
                .iter()
                .find(|i| i["linkId"] == format!("phq9_{n}"))
                .expect("item");
            let coding = &item["answer"][0]["valueCoding"];
            assert_eq!(coding["system"], LOINC);
            assert_eq!(coding["code"], FREQUENCY[cell], "phq9_{n} = {cell}");
        }
        let obs = observation(bundle, "44261-6").expect("PHQ-9 total");
        assert_eq!(obs["valueInteger"], total, "{}", input["id"]);
        assert_eq!(obs["category"][0]["coding"][0]["code"], "survey");
        assert_eq!(
            obs["derivedFrom"],
            serde_json::json!([{"reference": response_url}])
        );
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} records checked");
}

#[test]
fn skipped_questions_are_absent_and_a_kept_hidden_answer_is_kept() {
    let file = "examples/policy-1.1.csv";
    let inputs = input_rows(file);
    let rows = csv_rows(file);
    let bundles = bundles(&[file]);
    let mut kept = 0;
    for ((input, row), bundle) in inputs.iter().zip(&rows).zip(&bundles) {
        if !row["error"].is_empty() {
            continue;
        }
        let Some((cssrs, _)) = response(bundle, "cssrs") else {
            continue;
        };
        let linked: BTreeSet<&str> = cssrs["item"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["linkId"].as_str().expect("linkId"))
            .collect();
        // C-SSRS items 3-5 are asked only after a "yes" to item 2: skipped,
        // they are absent, unless an answer given to one counts for safety.
        if input["cssrs_2"] == "0" {
            for hidden in ["cssrs_3", "cssrs_4", "cssrs_5"] {
                let counts = row["warnings"].contains(&format!("hidden_kept:{hidden}"));
                assert_eq!(linked.contains(hidden), counts, "{}: {hidden}", row["id"]);
                kept += usize::from(counts);
            }
        }
    }
    assert!(
        kept > 0,
        "the file has answers to skipped questions kept for safety"
    );
}

/// A Bundle with the run's instant blanked out.
fn without_instant(mut bundle: Value) -> Value {
    bundle["timestamp"] = Value::Null;
    for entry in bundle["entry"].as_array_mut().expect("entries") {
        let resource = &mut entry["resource"];
        match resource["resourceType"].as_str() {
            Some("Provenance") => resource["recorded"] = Value::Null,
            Some("DocumentReference") => resource["date"] = Value::Null,
            _ => {}
        }
    }
    bundle
}

/// The QuestionnaireResponse of one instrument, and its full URL.
fn response<'a>(bundle: &'a Value, instrument: &str) -> Option<(&'a Value, &'a str)> {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .find_map(|e| {
            let questionnaire = e["resource"]["questionnaire"].as_str()?;
            questionnaire
                .contains(&format!("/Questionnaire/{instrument}|"))
                .then(|| (&e["resource"], e["fullUrl"].as_str().expect("url")))
        })
}

#[test]
fn ids_are_stable_across_runs_and_threads_and_unique_across_records() {
    let file = "examples/policy-1.1.csv";
    let one: Vec<Value> = bundles(&[file, "--threads", "1"])
        .into_iter()
        .map(without_instant)
        .collect();
    let two: Vec<Value> = bundles(&[file, "--threads", "2"])
        .into_iter()
        .map(without_instant)
        .collect();
    assert_eq!(one, two, "a re-run gives the same Bundles");
    assert!(one.len() > 10);
    let mut seen = BTreeSet::new();
    for bundle in &one {
        assert!(seen.insert(bundle["id"].to_string()));
        for entry in bundle["entry"].as_array().expect("entries") {
            let id = entry["resource"]["id"].as_str().expect("id");
            assert_eq!(entry["fullUrl"], format!("urn:uuid:{id}"));
            assert!(seen.insert(id.to_string()), "{id} is used twice");
        }
    }
}

#[test]
fn a_rejected_row_points_each_problem_to_its_item_and_keeps_its_flags() {
    let out = Test::new().args(&["template"]).run();
    let mut lines = out.stdout.lines();
    let header = lines.next().expect("header");
    let example = lines.next().expect("example");
    let columns: Vec<&str> = header.split(',').collect();
    let mut cells: Vec<String> = example.split(',').map(String::from).collect();
    let set = |cells: &mut Vec<String>, name: &str, value: &str| {
        let at = columns.iter().position(|c| *c == name).expect(name);
        cells[at] = value.to_string();
    };
    set(&mut cells, "id", "r1");
    set(&mut cells, "phq9_3", "7");
    set(&mut cells, "gad7_2", "x");
    set(&mut cells, "harm_others", "1");
    let input = format!("{header}\n{}\n", cells.join(","));
    let out = Test::new()
        .args(&["score", "-", "--format", "fhir"])
        .stdin(input)
        .run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let bundle: Value = serde_json::from_str(out.stdout.trim()).expect("bundle");
    let outcome = resources(&bundle, "OperationOutcome")
        .next()
        .expect("outcome");
    let issues = outcome["issue"].as_array().expect("issues");
    let codes: Vec<&str> = issues
        .iter()
        .filter(|i| i["severity"] == "error")
        .map(|i| i["details"]["coding"][0]["code"].as_str().expect("code"))
        .collect();
    // PHQ-9 item 3 and GAD-7 item 2, by their LOINC codes.
    assert_eq!(codes, ["44259-0", "68509-9"]);
    assert!(issues[0]["diagnostics"]
        .as_str()
        .expect("text")
        .contains("`7`"));
    let flags = own_code(&bundle, "Flag");
    assert!(
        flags.iter().any(|f| f.contains("harm")),
        "the intent to harm others answered is kept: {flags:?}"
    );
    assert_eq!(resources(&bundle, "Provenance").count(), 1);
    let (context, _) = response(&bundle, "context").expect("the answers given");
    assert_eq!(context["status"], "in-progress");
    assert!(context.to_string().contains(r#""linkId":"harm_others""#));
}

#[test]
fn the_client_handout_is_no_referral_note() {
    let out = Test::new()
        .args(&[
            "score",
            "examples/intake.csv",
            "--format",
            "fhir",
            "--note-audience",
            "client",
        ])
        .run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("fhir"), "{}", out.stderr);
}

#[test]
fn the_bundles_of_a_crisis_and_a_rejected_intake_match_their_goldens() {
    // Reviewed by hand: tests/fixtures/fhir/intake.json (bless with
    // CARESCREEN_BLESS=1 after a deliberate change, then read the diff).
    let chosen: Vec<Value> = bundles(&["examples/intake.csv"])
        .into_iter()
        .map(without_instant)
        .filter(|b| {
            let text = b.to_string();
            text.contains(r#""value":"c003""#) || text.contains(r#""value":"c006""#)
        })
        .collect();
    assert_eq!(chosen.len(), 2);
    let actual = serde_json::to_string_pretty(&chosen).expect("json") + "\n";
    let path = crate::harness::root().join("tests/fixtures/fhir/intake.json");
    if std::env::var_os("CARESCREEN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("folder");
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from the output:\n{actual}",
        path.display()
    );
}

#[test]
fn a_redcap_export_read_through_a_mapping_keeps_its_events_apart_and_guesses_no_level() {
    let args = [
        "tests/fixtures/redcap/export.csv",
        "--map",
        "tests/fixtures/redcap/mapping.yaml",
    ];
    let bundles = bundles(&args);
    let csv = csv_rows_of(&args);
    assert_eq!(bundles.len(), csv.len());
    // Record 1001 at two events: the same person, two screens, other ids.
    let of = |k: usize| bundles[k]["id"].clone();
    assert_eq!(csv[0]["record_id"], csv[1]["record_id"]);
    assert_ne!(csv[0]["redcap_event_name"], csv[1]["redcap_event_name"]);
    assert_ne!(of(0), of(1));
    for (row, bundle) in csv.iter().zip(&bundles) {
        let id = &row["record_id"];
        if !row["warnings"].contains("not_collected") || !row["error"].is_empty() {
            continue;
        }
        assert!(
            observation(bundle, "level-of-care").is_none(),
            "{id}: no level guessed"
        );
        let flags: BTreeSet<String> = row["flags"]
            .split(';')
            .filter(|f| !f.is_empty())
            .map(|f| format!("flag.{f}"))
            .collect();
        assert_eq!(own_code(bundle, "Flag"), flags, "{id}");
        match row["phq9_score"].as_str() {
            "" => assert!(observation(bundle, "44261-6").is_none()),
            score => {
                let obs = observation(bundle, "44261-6").expect("PHQ-9 total");
                assert_eq!(obs["valueInteger"].to_string(), score, "{id}");
            }
        }
        let outcome = resources(bundle, "OperationOutcome")
            .next()
            .expect("outcome");
        assert!(outcome["issue"]
            .as_array()
            .expect("issues")
            .iter()
            .any(|i| i["code"] == "incomplete"));
    }
}

#[test]
fn a_repeated_record_id_does_not_reuse_the_first_screens_ids() {
    // Two screens of c002 in one file, the second on the crisis route: an
    // importer keyed on ids must not write one over the other.
    let input =
        std::fs::read_to_string(crate::harness::root().join("examples/intake.csv")).expect("input");
    let mut lines = input.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.collect();
    let crisis = rows[2].replacen("c003", "c002", 1);
    let file = format!("{header}\n{}\n{}\n{crisis}\n", rows[0], rows[1]);
    let run = || {
        let out = Test::new()
            .args(&["score", "-", "--format", "fhir", "--threads", "1"])
            .stdin(file.clone())
            .run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
            .lines()
            .map(|l| without_instant(serde_json::from_str(l).expect("bundle")))
            .collect::<Vec<Value>>()
    };
    let bundles = run();
    assert_eq!(bundles.len(), 3);
    let ids = |b: &Value| -> BTreeSet<String> {
        b["entry"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["resource"]["id"].as_str().expect("id").to_string())
            .collect()
    };
    assert!(ids(&bundles[1]).is_disjoint(&ids(&bundles[2])));
    assert_ne!(bundles[1]["id"], bundles[2]["id"]);
    let level = observation(&bundles[2], "level-of-care").expect("level");
    assert!(level["note"].to_string().contains("row 3"), "{level}");
    assert_eq!(run(), bundles, "and the ids are stable");
}
