//! Exports with other column names and codes, read through a mapping
//! (`--map`), `--keep`, and `map draft` / `map schema`, through the real
//! binary, on a small REDCap export (tests/fixtures/redcap/).

use std::collections::HashMap;

use crate::batch::csv_with;
use crate::harness::{root, Test};

const EXPORT: &str = "tests/fixtures/redcap/export.csv";
const DICTIONARY: &str = "tests/fixtures/redcap/dictionary.csv";
const MAPPING: &str = "tests/fixtures/redcap/mapping.yaml";

fn by_event(rows: &[HashMap<String, String>], id: &str, event: &str) -> HashMap<String, String> {
    rows.iter()
        .find(|r| r["record_id"] == id && r["redcap_event_name"] == event)
        .unwrap_or_else(|| panic!("no row {id} {event}"))
        .clone()
}

#[test]
fn a_redcap_export_scores_through_its_mapping() {
    let out = Test::new()
        .args(&["score", EXPORT, "--map", MAPPING, "--summary", "json"])
        .run()
        .code(1);
    let rows = out.csv_rows();
    let header: Vec<&str> = out.stdout.lines().next().unwrap_or("").split(',').collect();
    assert_eq!(
        &header[..3],
        ["record_id", "redcap_event_name", "level"],
        "kept after the id"
    );
    // 1005's form is not complete (screening_complete 0): skipped, no row.
    let ids: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["record_id"].as_str(), r["redcap_event_name"].as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("1001", "baseline_arm_1"),
            ("1001", "followup_arm_1"),
            ("1002", "baseline_arm_1"),
            ("1003", "baseline_arm_1"),
            ("1004", "baseline_arm_1"),
            ("1006", "baseline_arm_1"),
        ]
    );
    // By hand: 1001 at baseline answered 1,2,1,2,0,1,1,0,0 = 8 (mild);
    // GAD-7 1,1,2,0,1,0,1 = 6.
    let first = by_event(&rows, "1001", "baseline_arm_1");
    assert_eq!(
        (first["phq9_score"].as_str(), first["phq9_band"].as_str()),
        ("8", "mild")
    );
    assert_eq!(first["gad7_score"], "6");
    // No C-SSRS, AUDIT... in the export: no level, never a guessed one, and
    // crisis unknown (empty), never false.
    assert_eq!(
        (first["level"].as_str(), first["crisis"].as_str()),
        ("", "")
    );
    assert_eq!(first["error"], "");
    assert_eq!(first["cssrs_risk"], "");
    assert!(
        first["warnings"].starts_with("not_collected:audit;dast10;cssrs;pcptsd5;scoff"),
        "{}",
        first["warnings"]
    );
    // 1002: 3,3,2,3,2,3,2,1,2 = 21 (severe), and item 9 raises its flag.
    let severe = by_event(&rows, "1002", "baseline_arm_1");
    assert_eq!(
        (severe["phq9_score"].as_str(), severe["phq9_band"].as_str()),
        ("21", "severe")
    );
    assert!(
        severe["flags"].contains("suicidal_ideation"),
        "{}",
        severe["flags"]
    );
    // 1004: withdrawal "1" is yes through the recode table (2 = no).
    let withdrawal = by_event(&rows, "1004", "baseline_arm_1");
    assert!(
        withdrawal["flags"].contains("withdrawal_history_severe"),
        "{}",
        withdrawal["flags"]
    );
    // 1003: "UNK" is no answer, never 0: the PHQ-9 needs every item.
    let unk = by_event(&rows, "1003", "baseline_arm_1");
    assert_eq!(unk["phq9_score"], "");
    assert_eq!(
        unk["error"],
        "row 5, column `phq_3` (item `phq9_3`): missing required answer"
    );
    // 1006: a code out of range and a missing code, each with its column.
    let bad = by_event(&rows, "1006", "baseline_arm_1");
    assert_eq!(
        bad["error"],
        "row 8, column `phq_5` (item `phq9_5`): `7` is not a valid answer (expected one of 0, 1, \
         2, 3); column `withdrawal_hx` (item `withdrawal_history`): missing required answer"
    );
    let summary: serde_json::Value =
        serde_json::from_str(out.stderr.lines().last().expect("the summary line"))
            .expect("summary JSON");
    assert_eq!(summary["rows"], 7);
    assert_eq!(summary["skipped"], 1);
    assert_eq!(summary["incomplete"], 4);
    assert_eq!(summary["rejected"], 2);
    assert_eq!(summary["scored"], 0);
    assert_eq!(summary["incomplete_with_risk_flags"], 2);
    assert!(
        out.stderr
            .contains("2 incomplete row(s) (instruments not collected) already raise risk flags"),
        "{}",
        out.stderr
    );
    // Known columns are not warned about; nothing else is left over.
    assert!(
        !out.stderr.contains("ignored input columns"),
        "{}",
        out.stderr
    );
}

#[test]
fn json_lines_carry_the_kept_columns_and_the_incomplete_screen() {
    let out = Test::new()
        .args(&["score", EXPORT, "--map", MAPPING, "--format", "jsonl"])
        .run()
        .code(1);
    let records: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(records.len(), 6);
    let first = &records[0];
    assert_eq!(
        first["keep"],
        serde_json::json!({"redcap_event_name": "baseline_arm_1"})
    );
    assert_eq!(first["result"], serde_json::Value::Null, "no level");
    assert_eq!(first["error"], serde_json::Value::Null, "not an error");
    assert_eq!(
        first["partial"]["crisis"],
        serde_json::Value::Null,
        "unknown, not false"
    );
    assert_eq!(
        first["incomplete"]["not_collected"],
        serde_json::json!(["audit", "dast10", "cssrs", "pcptsd5", "scoff"])
    );
    let phq9 = first["incomplete"]["scales"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["scale"] == "phq9"))
        .expect("phq9 scored");
    assert_eq!(
        (phq9["score"].as_i64(), phq9["band"].as_str()),
        (Some(8), Some("mild"))
    );
    let note = first["partial"]["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("not a diagnosis") || note.contains("not diagnos"),
        "{note}"
    );
}

/// A mapping that renames the PHQ-9's first item and recodes DAST-10
/// item 1, over the contract's own columns otherwise.
const RENAMING: &str = "mapping: 1\nid: client\ncolumns:\n  - { item: phq9_1, from: PHQ_1 }\n\
    recode:\n  - items: [dast10_1]\n    values: { \"Y\": 1, \"N\": 0 }\nmissing: [\"-99\"]\n";

/// The template's row with `id` renamed `client`, `phq9_1` renamed
/// `PHQ_1` (set to `phq`), and `dast10_1` set to `dast`.
fn renamed(phq: &str, dast: &str) -> String {
    let csv = csv_with(&[("r1", &[("phq9_1", phq), ("dast10_1", dast)])]);
    csv.replacen("id,", "client,", 1)
        .replacen("phq9_1,", "PHQ_1,", 1)
}

#[test]
fn a_mapped_value_is_recoded_and_a_missing_code_is_no_answer_never_0() {
    let t = Test::in_temp_dir().file("m.yaml", RENAMING);
    let out = t
        .args(&["score", "-", "--map", "m.yaml"])
        .stdin(renamed("2", "Y"))
        .run()
        .code(0);
    let rows = out.csv_rows();
    assert_eq!(rows[0]["client"], "r1");
    assert_eq!(rows[0]["phq9_score"], "2");
    // Item 1 "Y" is yes (1); the template's other answers score 0.
    assert_eq!(rows[0]["dast10_score"], "1");
    let t = Test::in_temp_dir().file("m.yaml", RENAMING);
    let out = t
        .args(&["score", "-", "--map", "m.yaml"])
        .stdin(renamed("-99", "1"))
        .run()
        .code(1);
    let rows = out.csv_rows();
    assert_eq!(rows[0]["phq9_score"], "", "never scored as 0");
    assert_eq!(
        rows[0]["error"],
        "row 2, column `PHQ_1` (item `phq9_1`): missing required answer; column `dast10_1` \
         (item `dast10_1`): `1` is not in the recode table (expected one of Y, N)"
    );
}

#[test]
fn a_header_without_a_mapped_column_cannot_run_and_names_it() {
    let t = Test::in_temp_dir().file("m.yaml", RENAMING);
    let csv = renamed("2", "Y").replacen("PHQ_1,", "PHQ_one,", 1);
    t.args(&["score", "-", "--map", "m.yaml"])
        .stdin(csv)
        .run()
        .code(2)
        .stderr_has("error: input header: missing column(s) the mapping `m.yaml` reads: `PHQ_1` (item `phq9_1`)");
}

#[test]
fn a_mapping_with_problems_names_the_file_and_each_field() {
    let bad = "mapping: 1\nid: record_id\ncolumns:\n  - { item: phq9_01, from: a }\n\
               recode:\n  - items: [daily_use]\n    values: { \"1\": 1, \"2\": 0, \"1\": 0 }\n";
    Test::in_temp_dir()
        .file("bad.yaml", bad)
        .args(&["score", "-", "--map", "bad.yaml"])
        .stdin("record_id\n")
        .run()
        .code(2)
        .stderr_has("error[unknown-item]: `phq9_01` is not an item of rule set")
        .stderr_has(" --> bad.yaml: columns[0].item\nhelp: did you mean `phq9_1`?")
        .stderr_has("error[duplicate-recode-key]: the value `1` is given more than once")
        .stderr_has(" --> bad.yaml: recode[0].values")
        .stderr_has("error: the mapping has 2 problem(s)");
}

#[test]
fn keep_copies_columns_after_the_id_without_a_mapping() {
    let csv = csv_with(&[("k1", &[])]);
    let csv = csv
        .replacen("id,", "id,site,", 1)
        .replacen("\nk1,", "\nk1,north,", 1);
    let out = Test::new()
        .args(&["score", "-", "--keep", "site"])
        .stdin(csv.clone())
        .run()
        .code(0);
    assert!(out.stdout.starts_with("id,site,level,"), "{}", out.stdout);
    assert_eq!(out.csv_rows()[0]["site"], "north");
    assert_eq!(out.stderr, "", "a kept column is not an ignored one");
    Test::new()
        .args(&["score", "-", "--keep", "clinic"])
        .stdin(csv.clone())
        .run()
        .code(2)
        .stderr_has("error: input header: no column `clinic` to keep");
    // A kept column may not take an output column's name.
    let clash = csv.replacen("id,site,", "id,Level,", 1);
    Test::new()
        .args(&["score", "-", "--keep", "level"])
        .stdin(clash)
        .run()
        .code(2)
        .stderr_has("the kept column `Level` has the name of an output column");
}

#[test]
fn explain_and_rules_diff_read_rows_through_a_mapping() {
    let t = Test::in_temp_dir()
        .file("m.yaml", RENAMING)
        .file("data.csv", renamed("3", "N"));
    t.args(&[
        "explain", "--data", "data.csv", "--map", "m.yaml", "--id", "r1",
    ])
    .run()
    .code(0)
    .stdout_has("row 2");
    let t = Test::in_temp_dir()
        .file("m.yaml", RENAMING)
        .file("data.csv", renamed("3", "N"));
    let rules = root().join("rules");
    let rules = rules.to_str().unwrap_or_default();
    t.args(&[
        "rules", "diff", rules, rules, "--data", "data.csv", "--map", "m.yaml", "--format", "json",
    ])
    .run()
    .code(0)
    .stdout_has("\"records\": 1");
}

#[test]
fn a_draft_for_the_redcap_export_marks_its_guesses_and_scores_once_accepted() {
    let export = root().join(EXPORT);
    let export = export.to_str().unwrap_or_default().to_string();
    let dictionary = root().join(DICTIONARY);
    let dictionary = dictionary.to_str().unwrap_or_default();
    let dir = tempfile::tempdir().expect("a temp dir");
    let draft = dir.path().join("draft.yaml");
    let draft = draft.to_str().unwrap_or_default().to_string();
    Test::new()
        .args(&[
            "map",
            "draft",
            &export,
            "--dictionary",
            dictionary,
            "-o",
            &draft,
        ])
        .run()
        .code(0);
    let text = std::fs::read_to_string(&draft).expect("the draft is written");
    for line in [
        "id: record_id\n",
        "keep: [redcap_event_name]\n",
        "  - { item: phq9_1, from: phq_1 }   # guess: name `phq_1` ~ item phq9_1 (same instrument and item number)\n",
        "  - { item: gad7_7, from: gad_q7 }   # guess: name `gad_q7` ~ item gad7_7",
        "  - { item: support, from: housing_support }   # guess: label and choices",
        "    values: { \"1\": 1, \"2\": 0 }   # guess: from the dictionary's choices\n",
        "missing: [UNK, \"-99\"]   # guess: seen in the data",
        "  - screening_timestamp   # not matched to any item\n",
        "not_collected: [audit, dast10, cssrs, pcptsd5, scoff]",
    ] {
        assert!(text.contains(line), "the draft lacks {line:?}:\n{text}");
    }
    // Accepting every guess: deleting the comments.
    let accepted: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| l.split("   # ").next().unwrap_or(l).to_string() + "\n")
        .collect();
    let t = Test::in_temp_dir().file("accepted.yaml", &accepted);
    let out = t
        .args(&["score", &export, "--map", "accepted.yaml"])
        .run()
        .code(1);
    let rows = out.csv_rows();
    let first = by_event(&rows, "1001", "baseline_arm_1");
    assert_eq!(first["phq9_score"], "8");
    // Without only_if, 1005's incomplete form is scored too.
    assert_eq!(rows.len(), 7);
    // And the draft as written loads, its comments and all.
    Test::new()
        .args(&["score", &export, "--map", &draft])
        .run()
        .code(1);
}

#[test]
fn the_committed_mapping_schema_is_current_and_the_fixture_follows_it() {
    let out = Test::new().args(&["map", "schema"]).run().code(0);
    let committed =
        std::fs::read_to_string(root().join("MAPPING.schema.json")).expect("MAPPING.schema.json");
    assert!(
        out.stdout == committed,
        "MAPPING.schema.json is out of date: run `cargo run -- map schema > MAPPING.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let text = std::fs::read_to_string(root().join(MAPPING)).expect("the fixture");
    let value: serde_json::Value = serde_yaml::from_str(&text).expect("YAML");
    assert!(validator.is_valid(&value), "the fixture follows the schema");
    let misspelt = serde_json::json!({"mapping": 1, "id": "r", "colums": []});
    assert!(
        !validator.is_valid(&misspelt),
        "the schema catches a misspelt key"
    );
}

#[test]
fn every_map_command_has_help_with_examples() {
    for args in [
        &["map", "--help"][..],
        &["map", "draft", "--help"],
        &["map", "schema", "--help"],
    ] {
        Test::new().args(args).run().code(0).stdout_has("Examples:");
    }
    Test::new()
        .args(&["score", "--help"])
        .run()
        .code(0)
        .stdout_has("--map export.map.yaml");
}

#[test]
fn a_hidden_answer_read_through_a_recode_table_still_counts_for_safety() {
    // The template's C-SSRS item 2 is "no", so item 4 (intent) is hidden.
    let mapping =
        "mapping: 1\nid: id\nrecode:\n  - items: [cssrs_4]\n    values: { \"Y\": 1, \"N\": 0 }\n";
    let csv = csv_with(&[("yes", &[("cssrs_4", "Y")]), ("junk", &[("cssrs_4", "X")])]);
    let t = Test::in_temp_dir().file("m.yaml", mapping);
    let out = t
        .args(&["score", "-", "--map", "m.yaml"])
        .stdin(csv)
        .run()
        .code(0);
    let rows = out.csv_rows();
    assert_eq!(
        rows[0]["crisis"], "true",
        "a hidden yes to intent is never lost"
    );
    assert!(
        rows[0]["warnings"].contains("hidden_kept:cssrs_4"),
        "{}",
        rows[0]["warnings"]
    );
    assert_eq!(rows[1]["error"], "", "a hidden value is never an error");
    assert!(
        rows[1]["warnings"].contains("hidden_unreadable:cssrs_4"),
        "{}",
        rows[1]["warnings"]
    );
}

#[test]
fn a_row_only_if_skips_still_says_the_risk_its_answers_establish() {
    // 1005's form is not complete, so it is skipped; here it also answers
    // intent to harm others (harm_thoughts = 2), a crisis.
    let export = std::fs::read_to_string(root().join(EXPORT)).expect("export");
    let risky: String = export
        .lines()
        .map(|line| match line.strip_prefix("1005,") {
            Some(_) => {
                let mut cells: Vec<&str> = line.split(',').collect();
                cells[21] = "2";
                cells.join(",")
            }
            None => line.to_string(),
        })
        .map(|l| l + "\n")
        .collect();
    let map = root().join(MAPPING);
    let out = Test::in_temp_dir()
        .file("export.csv", risky)
        .args(&[
            "score",
            "export.csv",
            "--map",
            map.to_str().expect("path"),
            "--quiet",
            "--summary",
            "json",
        ])
        .run();
    assert!(!out.stdout.contains("1005,"), "skipped: no output row");
    assert!(
        out.stderr
            .contains("need an emergency evaluation now: ids 1005"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("`only_if` skipped already raise risk flags"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(r#""skipped_with_risk_flags":1"#),
        "{}",
        out.stderr
    );
}

#[test]
fn map_draft_never_writes_over_its_input() {
    let export = std::fs::read(root().join(EXPORT)).expect("export");
    let test = Test::in_temp_dir().file("export.csv", &export);
    let out = test
        .args(&["map", "draft", "export.csv", "-o", "export.csv"])
        .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is the input"), "{}", out.stderr);
}

#[test]
fn a_missing_code_is_a_missing_answer_in_the_errors_list() {
    let out = Test::new()
        .args(&["score", EXPORT, "--map", MAPPING, "--format", "jsonl"])
        .run();
    let codes: Vec<String> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .flat_map(|r| r["errors"].as_array().cloned().unwrap_or_default())
        .filter(|e| {
            e["message"]
                .as_str()
                .unwrap_or("")
                .contains("missing required answer")
        })
        .map(|e| e["code"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(!codes.is_empty(), "{}", out.stdout);
    assert!(codes.iter().all(|c| c == "missing"), "{codes:?}");
}
