//! `carescreen score` and `template` through the real binary.

use std::collections::HashMap;

use serde::Deserialize;

use crate::harness::Test;

/// The header and example row `carescreen template` prints.
pub(crate) fn template() -> (String, Vec<String>) {
    let out = Test::new().args(&["template"]).run().code(0);
    let mut lines = out.stdout.lines();
    let header = lines.next().expect("header").to_string();
    let example: Vec<String> = lines
        .next()
        .expect("example")
        .split(',')
        .map(String::from)
        .collect();
    (header, example)
}

/// A CSV of the template header and one row per list of changes to the
/// example row: (column, value).
pub(crate) fn csv_with(rows: &[(&str, &[(&str, &str)])]) -> String {
    let (header, example) = template();
    let names: Vec<&str> = header.split(',').collect();
    let mut out = format!("{header}\n");
    for (id, changes) in rows {
        let mut row = example.clone();
        row[0] = id.to_string();
        for (column, value) in *changes {
            let at = names
                .iter()
                .position(|n| n == column)
                .unwrap_or_else(|| panic!("no column {column}"));
            row[at] = value.to_string();
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn score_stdin(input: &str, extra: &[&str]) -> crate::harness::Output {
    let mut args = vec!["score", "-"];
    args.extend_from_slice(extra);
    Test::new().args(&args).stdin(input).run()
}

#[test]
fn the_template_row_scores_as_outpatient_with_exit_0() {
    let out = score_stdin(&csv_with(&[("t1", &[])]), &[]).code(0);
    assert_eq!(out.stderr, "");
    let rows = out.csv_rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0]["id"].as_str(),
            rows[0]["level"].as_str(),
            rows[0]["crisis"].as_str()
        ),
        ("t1", "outpatient", "false")
    );
    assert_eq!(rows[0]["error"], "");
}

#[test]
fn output_columns_follow_the_data_contract() {
    let out = score_stdin(&csv_with(&[("t1", &[])]), &[]).code(0);
    let header = out.stdout.lines().next().expect("header");
    assert_eq!(
        header,
        "id,level,level_name,crisis,flags,phq9_score,phq9_band,gad7_score,gad7_band,audit_score,\
         audit_band,auditc_score,auditc_band,audit_dep_score,audit_dep_band,dast10_score,\
         dast10_band,pcptsd5_score,pcptsd5_band,scoff_score,scoff_band,cssrs_risk,reasons,\
         rules_version,rules_sha256,warnings,error"
    );
}

#[test]
fn the_example_file_scores_each_record_and_rejects_the_bad_one() {
    let out = Test::new()
        .args(&["score", "examples/intake.csv"])
        .run()
        .code(1);
    let rows = out.csv_rows();
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["id"].as_str(),
                r["level"].as_str(),
                r["crisis"].as_str(),
                r["flags"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("c001", "outpatient", "false", ""),
            ("c002", "iop", "false", ""),
            (
                "c003",
                "residential",
                "true",
                "suicide_risk_high;suicidal_ideation"
            ),
            (
                "c004",
                "residential",
                "false",
                "withdrawal_danger;withdrawal_history_severe;withdrawal_risk;daily_use_caution;\
                 possible_alcohol_dependence"
            ),
            ("c005", "outpatient", "false", ""),
            ("c006", "", "", ""),
        ]
    );
    assert_eq!(
        rows[5]["error"],
        "row 7, column `phq9_3`: `7` is not a valid answer (expected one of 0, 1, 2, 3)"
    );
    assert_eq!(rows[2]["phq9_score"], "22");
    assert_eq!(rows[2]["cssrs_risk"], "high");
    assert_eq!(rows[3]["audit_band"], "possible_dependence");
    out.stderr_is(
        "1 row(s) need an emergency evaluation now: ids c003\n\
         warning: 1 of 6 rows rejected; the `error` column says which column and why\n",
    );
}

#[test]
fn each_kind_of_bad_row_gets_its_own_error_and_scoring_continues() {
    let input = csv_with(&[
        ("ok1", &[]),
        ("code", &[("phq9_1", "4")]),
        ("word", &[("gad7_2", "often")]),
        ("decimal", &[("gad7_2", "1.0")]),
        ("plus", &[("gad7_2", "+1")]),
        ("huge", &[("audit_1", "99999999999999999999")]),
        ("audit9", &[("audit_9", "3")]),
        ("missing", &[("phq9_5", "")]),
        ("ctx", &[("home_safety", "")]),
        ("noid", &[("id", "")]),
        ("yesword", &[("scoff_1", "YES"), ("scoff_2", " yes ")]),
        ("ok2", &[]),
    ])
    .replace("noid,", ",");
    let extra_field = input.lines().nth(1).expect("row").to_string() + ",extra\n";
    let short = "short,0,0\n";
    let input = format!("{input}{}{short}", extra_field.replacen("ok1", "wide", 1));
    let out = score_stdin(&input, &[]).code(1);
    let rows = out.csv_rows();
    let errors: HashMap<&str, &str> = rows
        .iter()
        .map(|r| (r["id"].as_str(), r["error"].as_str()))
        .collect();
    assert_eq!(errors["ok1"], "");
    assert_eq!(errors["ok2"], "");
    assert_eq!(errors["yesword"], "");
    assert_eq!(
        errors["code"],
        "row 3, column `phq9_1`: `4` is not a valid answer (expected one of 0, 1, 2, 3)"
    );
    assert_eq!(
        errors["word"],
        "row 4, column `gad7_2`: `often` is not a valid answer (expected one of 0, 1, 2, 3)"
    );
    assert_eq!(
        errors["decimal"],
        "row 5, column `gad7_2`: `1.0` is not a valid answer (expected one of 0, 1, 2, 3)"
    );
    assert_eq!(
        errors["plus"],
        "row 6, column `gad7_2`: `+1` is not a valid answer (expected one of 0, 1, 2, 3)"
    );
    assert_eq!(
        errors["huge"],
        "row 7, column `audit_1`: `99999999999999999999` is not a valid answer (expected one of 0, 1, 2, 3, 4)"
    );
    assert_eq!(
        errors["audit9"],
        "row 8, column `audit_9`: `3` is not a valid answer (expected one of 0, 2, 4)"
    );
    assert_eq!(
        errors["missing"],
        "row 9, column `phq9_5`: missing required answer"
    );
    assert_eq!(
        errors["ctx"],
        "row 10, column `home_safety`: missing required answer"
    );
    assert_eq!(errors[""], "row 11, column `id`: missing id");
    assert_eq!(
        errors["wide"],
        "row 14, record has 65 fields, the header has 64"
    );
    assert_eq!(
        errors["short"],
        "row 15, record has 3 fields, the header has 64"
    );
    assert_eq!(rows.len(), 14, "one output row per input row");
    let yes = rows.iter().find(|r| r["id"] == "yesword").expect("row");
    assert_eq!(
        (yes["scoff_score"].as_str(), yes["scoff_band"].as_str()),
        ("2", "positive")
    );
    for r in rows.iter().filter(|r| !r["error"].is_empty()) {
        assert_eq!(
            (
                r["level"].as_str(),
                r["crisis"].as_str(),
                r["flags"].as_str(),
                r["phq9_score"].as_str()
            ),
            ("", "", "", "")
        );
        assert!(
            !r["rules_sha256"].is_empty(),
            "provenance is kept on rejected rows"
        );
    }
    out.stderr_is(
        "warning: 12 of 14 rows rejected; the `error` column says which column and why\n"
            .replace(
                "12",
                &rows
                    .iter()
                    .filter(|r| !r["error"].is_empty())
                    .count()
                    .to_string(),
            )
            .as_str(),
    );
}

#[test]
fn a_missing_required_column_fails_at_the_header_naming_it() {
    let input = csv_with(&[("a", &[])]);
    let dropped: String = input
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(3);
            f.join(",") + "\n"
        })
        .collect();
    score_stdin(&dropped, &[]).code(2).stderr_is(
        "error: input header: missing required column(s) `phq9_3`\n\
         help: `carescreen template` prints the header the rule set expects\n",
    );
}

#[test]
fn header_names_match_ignoring_case_and_spaces_and_extra_columns_are_reported() {
    let input = csv_with(&[("a", &[])]);
    let (header, rest) = input.split_once('\n').expect("header");
    let header = header.replace("phq9_1,", " PHQ9_1 ,") + ",notes";
    let rest: String = rest.lines().map(|l| format!("{l},free text\n")).collect();
    let out = score_stdin(&format!("{header}\n{rest}"), &[]).code(0);
    assert_eq!(out.csv_rows()[0]["level"], "outpatient");
    out.stderr_is("note: ignored input columns that are not items: notes\n");
}

#[test]
fn a_duplicate_header_is_refused() {
    let input = csv_with(&[("a", &[])]);
    let (header, rest) = input.split_once('\n').expect("header");
    let rest: String = rest.lines().map(|l| format!("{l},0\n")).collect();
    score_stdin(&format!("{header},phq9_2\n{rest}"), &[])
        .code(2)
        .stderr_is("error: input header: column `phq9_2` appears more than once\n");
}

#[test]
fn an_empty_input_and_an_unreadable_file_cannot_run() {
    score_stdin("", &[])
        .code(2)
        .stderr_is("error: input is empty: expected a header row\n");
    Test::new()
        .args(&["score", "nope.csv"])
        .run()
        .code(2)
        .stderr_is("error: cannot read `nope.csv`: No such file or directory (os error 2)\n");
}

#[test]
fn a_usage_error_exits_2() {
    Test::new()
        .args(&["score", "--format", "xml"])
        .run()
        .code(2)
        .stderr_has("invalid value 'xml'");
    Test::new().args(&["frobnicate"]).run().code(2);
}

#[test]
fn help_ends_with_examples() {
    Test::new()
        .args(&["score", "--help"])
        .run()
        .code(0)
        .stdout_has("Examples:\n  carescreen score intakes.csv");
    Test::new()
        .args(&["rules", "check", "--help"])
        .run()
        .code(0)
        .stdout_has("Examples:");
    Test::new()
        .args(&["template", "--help"])
        .run()
        .code(0)
        .stdout_has("Examples:");
}

#[test]
fn output_file_is_written_whole_and_never_over_the_input() {
    let t = Test::in_temp_dir().file(
        "in.csv",
        csv_with(&[("a", &[]), ("b", &[("harm_others", "2")])]),
    );
    let t = t.args(&["score", "in.csv", "--output", "out.csv"]);
    let out = t.run().code(0);
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(t.path("out.csv")).expect("output written");
    assert_eq!(written.lines().count(), 3);
    assert!(written.contains("b,residential,Residential / Inpatient,true,harm_others_intent"));
    let leftovers: Vec<_> = std::fs::read_dir(t.path("")).expect("dir").collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left behind");

    let t = Test::in_temp_dir().file("in.csv", csv_with(&[("a", &[])]));
    let before = std::fs::read_to_string(t.path("in.csv")).expect("read");
    let t = t.args(&["score", "in.csv", "-o", "./in.csv"]);
    t.run()
        .code(2)
        .stderr_is("error: the output `./in.csv` is the input file; choose another output\n");
    assert_eq!(
        std::fs::read_to_string(t.path("in.csv")).expect("read"),
        before
    );
}

#[test]
fn a_custom_id_column_is_used_for_input_and_output() {
    let input = csv_with(&[("a", &[])]).replacen("id,", "client,", 1);
    let out = score_stdin(&input, &["--id-column", "client"]).code(0);
    assert!(out.stdout.starts_with("client,level,"));
    score_stdin(&input, &[])
        .code(2)
        .stderr_has("missing required column(s) `id`");
}

// JSON Lines output, pinned by reading it back into strict view types.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    row: u64,
    id: String,
    error: Option<String>,
    errors: Vec<Problem>,
    result: Option<Result_>,
    partial: Option<Partial>,
    rules: Provenance,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Problem {
    row: u64,
    column: Option<String>,
    value: Option<String>,
    code: String,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Partial {
    crisis: Option<bool>,
    flags: Vec<Flag>,
    warnings: Vec<String>,
    warning_codes: Vec<String>,
    note: Option<String>,
    note_audience: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Provenance {
    name: String,
    version: String,
    sha256: String,
    lang: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Result_ {
    level: String,
    level_name: String,
    crisis: bool,
    flags: Vec<Flag>,
    scales: Vec<Scale>,
    ratings: Vec<Grade>,
    domains: Vec<Grade>,
    reasons: Vec<Reason>,
    program_features: Vec<Feature>,
    next_step: String,
    warnings: Vec<String>,
    warning_codes: Vec<String>,
    note: Option<String>,
    note_audience: String,
    trace: Option<Vec<Trace>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Flag {
    id: String,
    severity: String,
    urgent: bool,
    safety: bool,
    crisis: bool,
    urgency: Option<String>,
    message: String,
    next_step: Option<String>,
    because: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scale {
    id: String,
    title: String,
    score: Option<i64>,
    band: Option<String>,
    band_label: Option<String>,
    missing: u32,
    prorated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Grade {
    id: String,
    title: String,
    grade: String,
    label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reason {
    id: String,
    text: String,
    because: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Feature {
    id: String,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trace {
    kind: String,
    id: String,
    condition: String,
    fired: bool,
    outcome: Option<String>,
    seen: Vec<Seen>,
    defined_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Seen {
    subject: String,
    value: Option<String>,
}

fn jsonl(input: &str) -> Vec<Record> {
    let out = score_stdin(input, &["--format", "jsonl"]);
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn jsonl_carries_the_result_trace_note_and_provenance() {
    let records = jsonl(&csv_with(&[
        (
            "w",
            &[
                ("withdrawal_history", "1"),
                ("daily_use", "1"),
                ("cssrs_4", "0"),
            ],
        ),
        ("bad", &[("gad7_1", "x")]),
    ]));
    assert_eq!(records.len(), 2);
    let w = &records[0];
    assert_eq!((w.row, w.id.as_str(), w.error.as_deref()), (2, "w", None));
    assert_eq!(
        (w.rules.name.as_str(), w.rules.lang.as_str()),
        ("carescreen-default", "en")
    );
    assert_eq!(w.rules.sha256.len(), 64);
    assert!(!w.rules.version.is_empty());
    let r = w.result.as_ref().expect("result");
    assert_eq!(
        (r.level.as_str(), r.level_name.as_str(), r.crisis),
        ("residential", "Residential / Inpatient", false)
    );
    let ids: Vec<&str> = r.flags.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "withdrawal_danger",
            "withdrawal_history_severe",
            "daily_use_caution"
        ]
    );
    let flag = &r.flags[0];
    assert_eq!(
        (
            flag.id.as_str(),
            flag.severity.as_str(),
            flag.urgent,
            flag.safety,
            flag.crisis,
            flag.urgency.as_deref(),
        ),
        (
            "withdrawal_danger",
            "high",
            true,
            false,
            false,
            Some("today")
        )
    );
    assert!(flag.message.starts_with("History of severe withdrawal"));
    assert!(r
        .next_step
        .starts_with(flag.next_step.as_deref().expect("a next step")));
    // Every urgent flag's step: none is dropped.
    assert!(r.next_step.ends_with(
        "Medical assessment before cutting down or stopping any current use, or if use restarts."
    ));
    assert!(
        r.next_step.starts_with("Medical assessment today"),
        "{}",
        r.next_step
    );
    assert_eq!(r.flags[2].urgency, None);
    assert_eq!(r.flags[2].next_step, None);
    // Each flag names the answers behind it (policy 1.1).
    assert_eq!(
        r.flags[0].because,
        [
            "Severe withdrawal ever (seizure, DTs, hallucinations): yes",
            "Daily alcohol, sedative or opioid use: yes"
        ]
    );
    assert_eq!(r.warning_codes, ["hidden_ignored:cssrs_4"]);
    assert!(r
        .reasons
        .iter()
        .any(|x| x.id == "withdrawal_management" && x.text.contains("medically managed")));
    // A reason names the answers behind it, through the domain it reads.
    assert_eq!(
        r.reasons[0].because,
        [
            "Severe withdrawal ever (seizure, DTs, hallucinations): yes",
            "Daily alcohol, sedative or opioid use: yes"
        ]
    );
    assert!(r
        .program_features
        .iter()
        .any(|f| f.id == "medically_managed_withdrawal" && !f.text.is_empty()));
    let ignored = "an answer to C-SSRS item 4 (intent) (`cssrs_4`) was ignored: the earlier \
                   answers skip that question; \
                   check the record with the client";
    assert_eq!(r.warnings, vec![ignored.to_string()]);
    let phq9 = r.scales.iter().find(|s| s.id == "phq9").expect("phq9");
    assert_eq!(
        (
            phq9.title.as_str(),
            phq9.score,
            phq9.band.as_deref(),
            phq9.band_label.as_deref()
        ),
        (
            "PHQ-9 total",
            Some(0),
            Some("minimal"),
            Some("Minimal depression")
        )
    );
    assert_eq!((phq9.missing, phq9.prorated), (0, false));
    let risk = r
        .ratings
        .iter()
        .find(|g| g.id == "cssrs_risk")
        .expect("rating");
    assert_eq!(
        (
            risk.grade.as_str(),
            risk.title.as_str(),
            risk.label.is_empty()
        ),
        ("none", "C-SSRS risk", false)
    );
    assert_eq!(
        r.domains
            .iter()
            .find(|d| d.id == "substance")
            .map(|d| d.grade.as_str()),
        Some("withdrawal_danger")
    );
    let note = r.note.as_deref().expect("note");
    assert_eq!(r.note_audience, "professional");
    assert!(note.contains("Residential / Inpatient"));
    assert!(note.contains("This is a screening result, not a diagnosis."));
    assert!(note.contains(ignored), "the note names the ignored answer");
    assert!(w.partial.is_none());
    let fired = r
        .trace
        .iter()
        .flatten()
        .find(|t| t.kind == "flag" && t.id == "withdrawal_danger")
        .expect("trace");
    assert!(fired.fired);
    assert_eq!(
        fired.condition,
        "all(item withdrawal_history = 1, item daily_use = 1)"
    );
    assert_eq!(fired.outcome, None);
    assert_eq!(
        fired.defined_at.as_deref(),
        Some("placement.yaml (flags[6])")
    );
    assert_eq!(
        fired
            .seen
            .iter()
            .map(|s| (s.subject.as_str(), s.value.as_deref()))
            .collect::<Vec<_>>(),
        vec![
            ("item withdrawal_history", Some("1")),
            ("item daily_use", Some("1"))
        ]
    );
    let bad = &records[1];
    assert!(bad.result.is_none());
    let partial = bad.partial.as_ref().expect("partial");
    assert_eq!((partial.crisis, partial.flags.len()), (None, 0));
    let note = partial.note.as_deref().expect("a rejected row's note");
    assert_eq!(partial.note_audience, "professional");
    assert!(
        note.contains("No recommendation: the record is incomplete."),
        "{note}"
    );
    assert!(!note.contains("CRISIS"), "{note}");
    assert_eq!(
        bad.error.as_deref(),
        Some("row 3, column `gad7_1`: `x` is not a valid answer (expected one of 0, 1, 2, 3)")
    );
    assert!(w.errors.is_empty());
    let problems: Vec<_> = bad
        .errors
        .iter()
        .map(|p| {
            (
                p.row,
                p.column.as_deref(),
                p.value.as_deref(),
                p.code.as_str(),
                p.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [(
            3,
            Some("gad7_1"),
            Some("x"),
            "not_a_code",
            "column `gad7_1`: `x` is not a valid answer (expected one of 0, 1, 2, 3)"
        )]
    );
}

#[test]
fn a_rejected_row_never_drops_the_risk_its_answers_already_show() {
    let input = csv_with(&[
        // Item 9 positive, item 1 left out.
        ("item9", &[("phq9_9", "3"), ("phq9_1", "")]),
        // Intent, with item 5 left out: high risk whatever item 5 says.
        (
            "intent",
            &[("cssrs_2", "1"), ("cssrs_3", "0"), ("cssrs_4", "1")],
        ),
        // Past behaviour with its recency left out: moderate or high, so ideation for sure.
        ("behaviour", &[("cssrs_6", "1")]),
        // A missing answer with nothing risky given.
        ("plain", &[("gad7_1", "")]),
    ]);
    let out = score_stdin(&input, &[]).code(1);
    let rows = out.csv_rows();
    let get = |id: &str| rows.iter().find(|r| r["id"] == id).expect("row");
    let cols = |id: &str| {
        let r = get(id);
        (
            r["level"].clone(),
            r["crisis"].clone(),
            r["flags"].clone(),
            r["error"].clone(),
        )
    };
    assert_eq!(
        cols("item9"),
        (
            "".into(),
            "".into(),
            "suicidal_ideation".into(),
            "row 2, column `phq9_1`: missing required answer; the answers given already raise: suicidal_ideation".into()
        )
    );
    assert_eq!(
        cols("intent"),
        (
            "".into(),
            "true".into(),
            "suicide_risk_high;suicidal_ideation".into(),
            "row 3, column `cssrs_5`: missing required answer; \
             the answers given already raise: suicide_risk_high, suicidal_ideation"
                .into()
        )
    );
    assert_eq!(cols("behaviour").2, "suicidal_ideation");
    assert_eq!(
        cols("plain"),
        (
            "".into(),
            "".into(),
            "".into(),
            "row 5, column `gad7_1`: missing required answer".into()
        )
    );
    assert_eq!(get("intent")["phq9_score"], "");
    out.stderr_is(
        "1 row(s) need an emergency evaluation now: ids intent\n\
         warning: 3 rejected row(s) already raise risk flags from the answers given; \
         see their `flags` and `error` columns and review them today\n\
         warning: 4 of 4 rows rejected; the `error` column says which column and why\n",
    );
    let records = jsonl(&input);
    let partial = records[1].partial.as_ref().expect("partial");
    assert_eq!(partial.crisis, Some(true));
    // Intent given with item 5 unanswered: the plan could not raise more.
    assert_eq!(partial.warnings.len(), partial.warning_codes.len());
    let note = partial
        .note
        .as_deref()
        .expect("a note for a row that raises flags");
    assert!(
        note.starts_with(
            "!!! CRISIS: EMERGENCY EVALUATION NOW !!!\nDo not leave the person alone.\n\n\
             INCOMPLETE RECORD - client intent"
        ),
        "{note}"
    );
    assert!(
        note.contains("\nNo recommendation: the record is incomplete. The answers given already raise:\n- [CRITICAL]"),
        "{note}"
    );
    assert!(note.contains("988 Suicide & Crisis Lifeline"));
    assert!(
        note.contains("Next step: Emergency evaluation now: 911"),
        "{note}"
    );
    assert!(note
        .trim_end()
        .ends_with("not a diagnosis. A licensed professional decides the level of care."));
    // A rejected row that raises nothing still says what it is, and what it is not.
    let plain = records[3].partial.as_ref().and_then(|p| p.note.as_deref());
    let plain = plain.expect("every rejected row has a note");
    assert!(
        plain.starts_with("INCOMPLETE RECORD - client plain"),
        "{plain}"
    );
    assert!(
        plain.contains("\nNo recommendation: the record is incomplete.\n"),
        "{plain}"
    );
    assert!(!plain.contains("CRISIS"), "{plain}");
    assert!(plain.contains("not a diagnosis"), "{plain}");
    assert_eq!(
        partial
            .flags
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>(),
        ["suicide_risk_high", "suicidal_ideation"]
    );
}

#[test]
fn answers_to_hidden_questions_are_kept_for_safety_or_ignored_and_reported() {
    let input = csv_with(&[
        ("kept", &[("cssrs_2", "0"), ("cssrs_4", "1")]),
        ("ignored", &[("cssrs_2", "0"), ("cssrs_4", "0")]),
        ("again", &[("cssrs_6", "0"), ("cssrs_6_recent", "1")]),
    ]);
    let out = score_stdin(&input, &[]).code(0);
    let rows = out.csv_rows();
    assert_eq!(rows[0]["cssrs_risk"], "high");
    assert_eq!(rows[0]["crisis"], "true");
    assert_eq!(rows[0]["warnings"], "hidden_kept:cssrs_4");
    assert_eq!(rows[1]["cssrs_risk"], "none");
    assert_eq!(rows[1]["warnings"], "hidden_ignored:cssrs_4");
    assert_eq!(rows[2]["cssrs_risk"], "none");
    assert_eq!(rows[2]["warnings"], "ask_again:cssrs_6");
    out.stderr_is(
        "1 row(s) need an emergency evaluation now: ids kept\n\
         warning: 2 row(s) gave answers to questions skip logic hides that raise safety flags \
         or ask for a question again; they are not scored but count for safety (see the \
         `warnings` column)\n\
         note: 1 row(s) gave answers to questions skip logic hides; those answers were ignored \
         (JSON Lines output and the note name them)\n",
    );
}

#[test]
fn a_note_template_that_drops_a_flag_is_overruled_by_a_safety_block() {
    let out = Test::new()
        .args(&[
            "score",
            "-",
            "--rules",
            "tests/fixtures/rules/note-guard",
            "--format",
            "jsonl",
        ])
        .stdin("id,mood_1,mood_2\nw,1,0\n")
        .run()
        .code(0);
    let record: Record = serde_json::from_str(out.stdout.trim()).expect("json");
    let note = record.result.expect("result").note.expect("note");
    assert_eq!(
        note,
        "SAFETY FINDINGS NOT SHOWN BELOW\n- [HIGH] Worry flag message.\nCRISIS RESOURCES\n\
         - Crisis line: call 988\n- Text line: text HOME to 741741\n\nLevel: Low\n\n\
         Screen limits text.\n\n\
         This is a screening result, not a diagnosis. A licensed professional decides the level of care.\n"
    );
}

#[test]
fn the_id_column_keeps_its_input_spelling_and_a_missing_one_gets_a_hint() {
    let input = csv_with(&[("a", &[])]).replacen("id,", "Client,", 1);
    let out = score_stdin(&input, &["--id-column", "client"]).code(0);
    assert!(out.stdout.starts_with("Client,level,"), "{}", out.stdout);
    score_stdin(&input, &[]).code(2).stderr_is(
        "error: input header: missing required column(s) `id`\n\
         help: the record id is read from column `id`; name another with --id-column\n",
    );
}

#[test]
fn an_output_folder_that_does_not_exist_is_named() {
    let t = Test::in_temp_dir().file("in.csv", csv_with(&[("a", &[])]));
    let t = t.args(&["score", "in.csv", "-o", "no/such/out.csv"]);
    t.run()
        .code(2)
        .stderr_is("error: cannot write `no/such/out.csv`: folder `no/such` does not exist\n");
}

/// `n` template rows with varied answers and ids `r0`, `r1`, ...
fn many_rows(n: usize) -> String {
    let (header, example) = template();
    let names: Vec<&str> = header.split(',').collect();
    let mut out = format!("{header}\n");
    for k in 0..n {
        let mut row = example.clone();
        row[0] = format!("r{k}");
        for (col, name) in names.iter().enumerate() {
            if name.starts_with("phq9_") && *name != "phq9_10" || name.starts_with("gad7_") {
                row[col] = ((k + col) % 4).to_string();
            }
        }
        // PHQ-9 item 10 is shown once any PHQ-9 item is above 0.
        let at = names.iter().position(|n| *n == "phq9_10").expect("phq9_10");
        row[at] = (k % 4).to_string();
        if k % 97 == 0 {
            row[1] = "x".into();
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn threads_give_the_same_output_in_the_same_order() {
    let input = many_rows(5000);
    let one = score_stdin(&input, &["--threads", "1"]).code(1);
    let two = score_stdin(&input, &["--threads", "2"]).code(1);
    let three = score_stdin(&input, &["--threads", "3", "--format", "jsonl"]).code(1);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout.lines().count(), 5001);
    let ids: Vec<String> = three
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Record>(l).expect("json").id)
        .collect();
    assert_eq!(ids, (0..5000).map(|k| format!("r{k}")).collect::<Vec<_>>());
    assert_eq!(one.stderr, two.stderr);
}

#[test]
fn summary_json_counts_rows_levels_and_rejections() {
    let input = csv_with(&[
        ("a", &[]),
        ("b", &[("harm_others", "2")]),
        ("c", &[("gad7_1", "9")]),
    ]);
    let out = score_stdin(&input, &["--summary", "json"]).code(1);
    let json_line = out.stderr.lines().last().expect("summary line");
    let summary: serde_json::Value = serde_json::from_str(json_line).expect("json");
    assert_eq!(
        (
            summary["rows"].as_u64(),
            summary["scored"].as_u64(),
            summary["rejected"].as_u64()
        ),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(summary["crisis"].as_u64(), Some(1));
    assert_eq!(summary["crisis_ids"], serde_json::json!(["b"]));
    let levels: Vec<(String, u64)> = summary["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| {
            (
                l["level"].as_str().expect("id").to_string(),
                l["rows"].as_u64().expect("rows"),
            )
        })
        .collect();
    assert_eq!(
        levels,
        vec![
            ("outpatient".into(), 1),
            ("iop".into(), 0),
            ("php".into(), 0),
            ("residential".into(), 1)
        ]
    );
    let table = score_stdin(&input, &["--summary", "table"]).code(1);
    assert!(
        table
            .stderr
            .contains("crisis route: EMERGENCY EVALUATION NOW"),
        "{}",
        table.stderr
    );
}

#[test]
fn quiet_keeps_only_the_risk_warning() {
    let input = csv_with(&[
        ("a", &[("gad7_1", "")]),
        ("b", &[("phq9_9", "2"), ("phq9_1", "")]),
    ]);
    score_stdin(&input, &["--quiet"]).code(1).stderr_is(
        "warning: 1 rejected row(s) already raise risk flags from the answers given; \
         see their `flags` and `error` columns and review them today\n",
    );
}

#[test]
fn the_note_column_carries_the_referral_note() {
    let input = csv_with(&[("a", &[("harm_others", "2")]), ("bad", &[("gad7_1", "9")])]);
    let out = score_stdin(&input, &["--note-column"]).code(1);
    let rows = out.csv_rows();
    assert!(rows[0]["note"].starts_with("!!! CRISIS: EMERGENCY EVALUATION NOW !!!"));
    assert!(rows[0]["note"].contains("not a diagnosis"));
    assert!(
        rows[1]["note"].starts_with("INCOMPLETE RECORD - client bad - "),
        "{}",
        rows[1]["note"]
    );
    assert!(rows[1]["note"].contains("not a diagnosis"));
    assert!(
        out.stdout.starts_with("id,level,")
            && out
                .stdout
                .lines()
                .next()
                .expect("header")
                .ends_with(",error,note")
    );
}

#[test]
fn cells_that_a_spreadsheet_would_run_as_formulas_are_neutralized() {
    let input = csv_with(&[
        ("=HYPERLINK(\"x\")", &[]),
        ("+a", &[("gad7_1", "=1+1")]),
        ("-7", &[]),
    ]);
    let out = score_stdin(&input, &[]).code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[1].starts_with("\"'=HYPERLINK(\"\"x\"\")\",outpatient,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("'+a,,"), "{}", lines[2]);
    assert!(
        lines[2].ends_with(
            "\"row 3, column `gad7_1`: `=1+1` is not a valid answer (expected one of 0, 1, 2, 3)\""
        ),
        "{}",
        lines[2]
    );
    // A plain negative number is data, not a formula.
    assert!(lines[3].starts_with("-7,outpatient,"), "{}", lines[3]);
    let rows = out.csv_rows();
    assert_eq!(rows[0]["id"], "'=HYPERLINK(\"x\")");
}

#[test]
fn a_replaced_output_keeps_its_permissions_and_a_new_one_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let t = Test::in_temp_dir()
        .file("in.csv", csv_with(&[("a", &[])]))
        .file("old.csv", "old");
    std::fs::set_permissions(t.path("old.csv"), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let t = t.args(&["score", "in.csv", "-o", "old.csv"]);
    t.run().code(0);
    let mode = |name: &str| {
        std::fs::metadata(t.path(name))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("old.csv"), 0o644);
    let t2 = Test::in_temp_dir().file("in.csv", csv_with(&[("a", &[])]));
    let t2 = t2.args(&["score", "in.csv", "-o", "new.csv"]);
    t2.run().code(0);
    assert_eq!(
        std::fs::metadata(t2.path("new.csv"))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
}

#[test]
fn a_pipe_given_as_output_is_written_into_not_replaced() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let t = Test::in_temp_dir().file("in.csv", csv_with(&[("a", &[])]));
    let fifo = t.path("results.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    // The reader opens the pipe when the writer does; a run that replaced
    // the pipe never opens it, and the wait below times out.
    let (tx, rx) = std::sync::mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        let read = std::fs::File::open(reader_path).and_then(|mut f| f.read_to_string(&mut text));
        let _ = tx.send(read.map(|_| text));
    });
    let t = t.args(&["score", "in.csv", "-o", "results.fifo"]);
    t.run().code(0);
    let text = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the output went into the pipe")
        .expect("read the pipe");
    assert!(text.starts_with("id,level,"), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    let kind = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
    assert!(kind.is_fifo(), "the pipe was replaced by {kind:?}");
}

#[test]
fn the_interview_without_a_terminal_fails_at_once_pointing_to_score() {
    Test::new()
        .args(&["interview"])
        .run()
        .code(2)
        .stderr_has("--id <ID>");
    Test::new().args(&["interview", "--id", "c-1"]).stdin("").run().code(2).stderr_is(
        "error: the interview needs a terminal (stdin and stderr); to score answers from a file use \
         `carescreen score FILE`\n",
    );
}

#[test]
fn a_rejected_row_claims_no_flag_an_answer_left_blank_could_undo() {
    // `c` has no score with an item missing, so `c_high` is not established
    // by c_1 = c_2 = yes while c_3 may stay blank; with all three given, it is.
    let input = "id,a,c_1,c_2,c_3\nblank,x,1,1,\nfull,x,1,1,0\n";
    let out = Test::new()
        .args(&[
            "score",
            "-",
            "--rules",
            "tests/fixtures/rules/partial-blank",
        ])
        .stdin(input)
        .run()
        .code(1);
    let rows = out.csv_rows();
    assert_eq!(rows[0]["flags"], "");
    assert_eq!(rows[1]["flags"], "c_high");
}

#[test]
fn a_trailing_comma_is_no_harm_and_a_short_row_keeps_its_risk() {
    let input = csv_with(&[("a", &[("harm_others", "2")])]);
    let (header, row) = input.split_once('\n').expect("header");
    let row = row.trim_end();
    let trailing = format!("{header}\n{row},\n");
    let out = score_stdin(&trailing, &[]).code(0);
    let rows = out.csv_rows();
    assert_eq!(
        (rows[0]["level"].as_str(), rows[0]["crisis"].as_str()),
        ("residential", "true")
    );
    // The same row cut short after `harm_others`: rejected, the crisis kept.
    let names: Vec<&str> = header.split(',').collect();
    let cut = names
        .iter()
        .position(|n| *n == "harm_others")
        .expect("column")
        + 1;
    let short: Vec<&str> = row.split(',').take(cut).collect();
    let out = score_stdin(&format!("{header}\n{}\n", short.join(",")), &[]).code(1);
    let rows = out.csv_rows();
    assert_eq!(
        (rows[0]["crisis"].as_str(), rows[0]["flags"].as_str()),
        ("true", "harm_others_intent")
    );
    assert!(
        rows[0]["error"].starts_with("row 2, record has "),
        "{}",
        rows[0]["error"]
    );
}

#[test]
fn texts_follow_the_language_and_scoring_never_does() {
    let input = "id,mood_1,mood_2,mood_3\na,2,1,1\nb,1,0,\nc,0,1,0\n";
    let run = |lang: &str| {
        Test::new()
            .args(&[
                "score",
                "-",
                "--rules",
                "tests/fixtures/rules/bilingual",
                "--lang",
                lang,
            ])
            .stdin(input)
            .run()
            .code(0)
    };
    let (en, es) = (run("en"), run("es"));
    let crisis = "1 row(s) need an emergency evaluation now: ids a\n";
    assert_eq!(en.stderr, crisis);
    assert_eq!(
        es.stderr,
        format!(
            "note: 12 of 21 texts have no `es` translation; English is used for them\n{crisis}"
        )
    );
    let (en_rows, es_rows) = (en.csv_rows(), es.csv_rows());
    for (a, b) in en_rows.iter().zip(&es_rows) {
        for column in [
            "id",
            "level",
            "crisis",
            "flags",
            "mood_score",
            "mood_band",
            "reasons",
            "rules_sha256",
            "error",
        ] {
            assert_eq!(a[column], b[column], "{column}");
        }
    }
    assert_eq!(
        (
            en_rows[0]["level_name"].as_str(),
            es_rows[0]["level_name"].as_str()
        ),
        ("High", "Alta")
    );
    let json = Test::new()
        .args(&[
            "score",
            "-",
            "--rules",
            "tests/fixtures/rules/bilingual",
            "--lang",
            "es",
            "--format",
            "jsonl",
        ])
        .stdin(input)
        .run()
        .code(0);
    let first: serde_json::Value =
        serde_json::from_str(json.stdout.lines().next().expect("line")).expect("json");
    assert_eq!(first["rules"]["lang"], "es");
    assert_eq!(
        first["result"]["flags"][0]["message"],
        "Mensaje de peligro."
    );
    assert!(first["result"]["note"]
        .as_str()
        .expect("note")
        .contains("Mensaje de peligro."));
    Test::new()
        .args(&["score", "-", "--lang", "spanish"])
        .stdin(input)
        .run()
        .code(2)
        .stderr_is("error: `spanish` is not a language code; use e.g. `en` or `es`\n");
}

#[test]
fn markdown_notes_fence_the_text_note_when_the_rule_set_has_no_markdown_template() {
    let out = Test::new()
        .args(&[
            "score",
            "-",
            "--rules",
            "tests/fixtures/rules/minimal",
            "--format",
            "jsonl",
            "--note-format",
            "markdown",
        ])
        .stdin("id,mood_1,mood_2,mood_3\na,2,0,\n")
        .run()
        .code(0);
    let value: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("json");
    assert_eq!(
        value["result"]["note"],
        "```text\nHigh\ncall 988\n\nThis is a screening result, not a diagnosis. \
         A licensed professional decides the level of care.\n```\n"
    );
}

#[test]
fn a_markdown_note_without_a_template_fences_the_whole_note_and_its_safety_block() {
    let out = Test::new()
        .args(&[
            "score",
            "-",
            "--rules",
            "tests/fixtures/rules/note-guard",
            "--format",
            "jsonl",
            "--note-format",
            "markdown",
        ])
        .stdin("id,mood_1,mood_2\n\"x\n\n<!--\",1,0\n")
        .run()
        .code(0);
    let value: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("json");
    let note = value["result"]["note"].as_str().expect("note");
    // No Markdown template: the text note is fenced, whole.
    assert!(
        note.starts_with("```text\nSAFETY FINDINGS NOT SHOWN BELOW\n"),
        "{note}"
    );
    assert!(note.contains("This is a screening result, not a diagnosis."));
}

#[test]
fn rows_are_numbered_as_a_spreadsheet_shows_them_blank_lines_and_all() {
    // Row 1 the header, 2 a good row, 3 blank, 4 a quoted id over two
    // lines (one spreadsheet row), 5 and 6 blank (CRLF), 7 a bad answer.
    let good = csv_with(&[("good", &[])]);
    let (header, row) = good.trim_end().split_once('\n').expect("two lines");
    let quoted = row.replacen("good", "\"two\nlines\"", 1);
    let bad = row.replacen("good", "bad", 1).replacen(",0,", ",7,", 1);
    let input = format!("{header}\n{row}\n\n{quoted}\r\n\r\n\r\n{bad}\n");
    for threads in ["1", "2"] {
        let out = score_stdin(&input, &["--threads", threads]).code(1);
        let rows = out.csv_rows();
        let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
        assert_eq!(ids, ["good", "two\nlines", "bad"]);
        assert!(
            rows[2]["error"].starts_with("row 7, column `phq9_"),
            "{threads} thread(s): {}",
            rows[2]["error"]
        );
    }
}

/// A note carries the local calendar date of the machine's time zone, not
/// UTC's: 26 hours apart, UTC-12 and UTC+14 never share a date. (POSIX
/// zone strings need no time-zone database.)
#[test]
fn the_note_date_is_the_local_date() {
    let date = |tz: &str| {
        let out = Test::new()
            .args(&["score", "-", "--format", "jsonl"])
            .env("TZ", tz)
            .stdin(csv_with(&[("d", &[])]))
            .run()
            .code(0);
        let v: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("json");
        let note = v["result"]["note"].as_str().expect("note").to_string();
        let first = note.lines().next().expect("a first line").to_string();
        first.rsplit(" - ").next().expect("a date").to_string()
    };
    let (west, east) = (date("WST+12"), date("EST-14"));
    assert_ne!(west, east, "UTC-12 and UTC+14 gave the same date");
    assert!(west < east, "{west} is not before {east}");
}
