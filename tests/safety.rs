//! The safety review's cases (policy 1.1), each through the real binary:
//! `score` CSV and JSON Lines, the note as text and Markdown, in English and
//! Spanish, and `explain`. Each case is the `template` example row with the
//! changes the review made.

use std::collections::HashMap;

use crate::batch::csv_with;
use crate::harness::Test;

/// One record scored every way: CSV row, JSON Lines record, and the notes.
struct Scored {
    csv: HashMap<String, String>,
    json: serde_json::Value,
    /// (text, Markdown) notes, English then Spanish.
    notes: [(String, String); 2],
    spanish_csv: HashMap<String, String>,
}

impl Scored {
    /// The result or, for a rejected row, what its answers establish.
    fn view(&self) -> &serde_json::Value {
        match self.json["result"].is_null() {
            true => &self.json["partial"],
            false => &self.json["result"],
        }
    }

    fn flags(&self) -> Vec<&str> {
        self.csv["flags"]
            .split(';')
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Every note, in every language and format.
    fn all_notes(&self) -> impl Iterator<Item = &String> {
        self.notes.iter().flat_map(|(t, m)| [t, m])
    }
}

#[track_caller]
fn score(changes: &[(&str, &str)]) -> Scored {
    let input = csv_with(&[("r", changes)]);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "score",
            "-",
            "--note-date",
            "2026-12-01",
            "--summary",
            "none",
        ];
        args.extend_from_slice(extra);
        Test::new().args(&args).stdin(input.clone()).run()
    };
    let csv = run(&["--note-column"]).csv_rows().remove(0);
    let jsonl = run(&["--format", "jsonl"]);
    let json: serde_json::Value = serde_json::from_str(jsonl.stdout.trim()).expect("json");
    let note = |lang: &str, format: &str| {
        let out = run(&["--note-column", "--lang", lang, "--note-format", format]);
        out.csv_rows().remove(0)["note"].clone()
    };
    let spanish_csv = run(&["--note-column", "--lang", "es"]).csv_rows().remove(0);
    Scored {
        csv,
        json,
        notes: [
            (note("en", "text"), note("en", "markdown")),
            (note("es", "text"), note("es", "markdown")),
        ],
        spanish_csv,
    }
}

/// `explain` on a record given as YAML: the template row plus `changes`.
fn explain(changes: &[(&str, &str)]) -> String {
    let (header, example) = crate::batch::template();
    let mut yaml = String::new();
    for (name, value) in header.split(',').zip(&example).skip(1) {
        let value = changes
            .iter()
            .find(|(c, _)| c == &name)
            .map_or(value.as_str(), |(_, v)| v);
        if !value.is_empty() {
            yaml.push_str(&format!("{name}: {value}\n"));
        }
    }
    for (name, value) in changes {
        if !yaml.contains(&format!("{name}: ")) && !value.is_empty() {
            yaml.push_str(&format!("{name}: {value}\n"));
        }
    }
    Test::in_temp_dir()
        .file("r.yaml", yaml)
        .args(&["explain", "r.yaml"])
        .run()
        .stdout
}

const INTENT_AFTER_NO: &[(&str, &str)] = &[
    ("cssrs_1", "0"),
    ("cssrs_2", "0"),
    ("cssrs_3", "1"),
    ("cssrs_4", "1"),
    ("cssrs_5", "1"),
];

#[test]
fn case_1_intent_and_a_plan_after_a_no_to_item_2_is_the_crisis_route() {
    for first in ["0", "1"] {
        let mut changes = INTENT_AFTER_NO.to_vec();
        changes[0].1 = first;
        let s = score(&changes);
        assert_eq!(s.csv["level"], "residential");
        assert_eq!(s.csv["crisis"], "true");
        assert_eq!(s.csv["cssrs_risk"], "high");
        assert_eq!(s.flags(), ["suicide_risk_high", "suicidal_ideation"]);
        assert_eq!(
            s.csv["warnings"],
            "hidden_kept:cssrs_3;hidden_kept:cssrs_4;hidden_kept:cssrs_5"
        );
        assert_eq!(s.spanish_csv["crisis"], "true");
        assert_eq!(s.view()["crisis"], true);
        for note in s.all_notes() {
            assert!(note.contains("CRISIS"), "{note}");
            assert!(!note.contains("No risk identified"), "{note}");
        }
        let (en, es) = (&s.notes[0].0, &s.notes[1].0);
        assert!(
            en.contains(
                "C-SSRS item 4 (intent): yes, given although C-SSRS item 2 (thoughts of killing \
                 yourself) was 'no', so the form would have skipped it. Treated as high risk"
            ),
            "{en}"
        );
        assert!(en.contains("again now; the level depends on that."), "{en}");
        assert!(
            es.contains("Pregunta 4 de la C-SSRS (intención): sí, respondida aunque"),
            "{es}"
        );
    }
    let explained = explain(INTENT_AFTER_NO);
    assert!(explained.contains("CRISIS"), "{explained}");
    assert!(
        explained.contains("item cssrs_4 = 1 (answer to a skipped question)"),
        "{explained}"
    );
}

#[test]
fn case_2_a_row_rejected_for_item_2_still_raises_the_intent_it_gives() {
    let s = score(&[("cssrs_2", ""), ("cssrs_4", "1")]);
    assert_eq!(s.csv["level"], "");
    assert_eq!(s.csv["crisis"], "true");
    assert_eq!(s.flags(), ["suicide_risk_high", "suicidal_ideation"]);
    assert!(s.csv["error"].contains("column `cssrs_2`: missing required answer"));
    assert_eq!(s.view()["crisis"], true);
    for note in s.all_notes() {
        assert!(note.contains("CRISIS"), "{note}");
        assert!(note.contains("988"), "{note}");
    }
}

#[test]
fn case_4_no_text_claims_there_is_no_withdrawal_danger() {
    // History, no daily use, AUDIT 25 (items 1-6 at 4, item 7 at 1).
    let audit: Vec<(String, &str)> = (1..=6).map(|k| (format!("audit_{k}"), "4")).collect();
    let mut history: Vec<(&str, &str)> = audit.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    history.extend([
        ("audit_7", "1"),
        ("withdrawal_history", "1"),
        ("daily_use", "0"),
    ]);
    let s = score(&history);
    assert_eq!(s.csv["audit_score"], "25");
    assert!(
        s.flags().contains(&"withdrawal_history_severe"),
        "{:?}",
        s.flags()
    );
    assert!(s.notes[0]
        .0
        .contains("medical assessment before cutting down or stopping"));
    // A daily drinker at AUDIT 27, and daily opioid use at DAST-10 7.
    let mut drinker: Vec<(&str, &str)> = audit.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    drinker.extend([("audit_7", "3"), ("daily_use", "1")]);
    let d = score(&drinker);
    assert_eq!(d.csv["audit_score"], "27");
    let dast: Vec<(String, &str)> = [1, 2, 4, 5, 6, 7, 8]
        .map(|k| (format!("dast10_{k}"), "1"))
        .into();
    let mut opioids: Vec<(&str, &str)> = dast.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    opioids.push(("daily_use", "1"));
    let o = score(&opioids);
    assert_eq!(o.csv["dast10_score"], "7");
    for r in [&d, &o] {
        assert!(r.flags().contains(&"withdrawal_risk"), "{:?}", r.flags());
        assert_ne!(r.csv["level"], "outpatient");
        assert!(r.notes[0]
            .0
            .contains("do not stop suddenly without medical advice"));
    }
    assert!(o.notes[0].0.contains("Offer naloxone"));
    for r in [&s, &d, &o] {
        for note in r.all_notes() {
            assert!(!note.contains("without withdrawal danger"), "{note}");
            assert!(!note.contains("sin peligro de abstinencia"), "{note}");
        }
    }
    let doc = Test::new().args(&["rules", "show"]).run().code(0).stdout;
    assert!(!doc.contains("without withdrawal danger") && !doc.contains("no withdrawal danger"));
}

#[test]
fn case_5_rejected_crisis_rows_are_counted_and_named_in_every_summary() {
    let input = csv_with(&[
        ("ok", &[]),
        ("x1", &[("cssrs_2", "1"), ("cssrs_4", "1"), ("gad7_1", "")]),
        ("x2", &[("harm_others", "2"), ("phq9_1", "7")]),
    ]);
    let json = Test::new()
        .args(&["score", "-", "--summary", "json"])
        .stdin(input.clone())
        .run()
        .code(1);
    let line = json.stderr.lines().last().expect("summary");
    let summary: serde_json::Value = serde_json::from_str(line).expect("json");
    assert_eq!(summary["crisis"], 2);
    assert_eq!(summary["crisis_ids"], serde_json::json!(["x1", "x2"]));
    let table = Test::new()
        .args(&["score", "-", "--summary", "table"])
        .stdin(input.clone())
        .run();
    assert!(
        table
            .stderr
            .contains("crisis route: EMERGENCY EVALUATION NOW"),
        "{}",
        table.stderr
    );
    assert!(table.stderr.contains("ids x1, x2\n"), "{}", table.stderr);
    // Ids that could be misread are quoted; a missing id gives its row.
    let odd = csv_with(&[
        ("\"a, b\"", &[("harm_others", "2")]),
        ("", &[("harm_others", "2")]),
    ]);
    let out = Test::new()
        .args(&["score", "-", "--quiet", "--summary", "json"])
        .stdin(odd)
        .run();
    assert!(
        out.stderr.starts_with(
            "2 row(s) need an emergency evaluation now: ids \"a, b\", (row 3, no id)\n"
        ),
        "{}",
        out.stderr
    );
    let summary: serde_json::Value =
        serde_json::from_str(out.stderr.lines().last().expect("json")).expect("json");
    assert_eq!(summary["crisis_rows"], serde_json::json!([2, 3]));
    let quiet = Test::new()
        .args(&["score", "-", "--quiet"])
        .stdin(input)
        .run();
    assert!(
        quiet
            .stderr
            .starts_with("2 row(s) need an emergency evaluation now: ids x1, x2\n"),
        "{}",
        quiet.stderr
    );
}

#[test]
fn the_summary_names_the_first_20_crisis_rows_in_input_order_on_any_thread_count() {
    let rows: Vec<(String, Vec<(&str, &str)>)> = (0..1500)
        .map(|k| {
            let changes = match k % 50 {
                7 => vec![("harm_others", "2")],
                // Rejected, with a crisis its answers establish.
                9 => vec![("cssrs_2", "1"), ("cssrs_5", "1"), ("cssrs_3", "")],
                _ => vec![],
            };
            (format!("c{k}"), changes)
        })
        .collect();
    let refs: Vec<(&str, &[(&str, &str)])> = rows
        .iter()
        .map(|(id, c)| (id.as_str(), c.as_slice()))
        .collect();
    let input = csv_with(&refs);
    let expected: Vec<String> = (0..1500)
        .filter(|k| k % 50 == 7 || k % 50 == 9)
        .take(20)
        .map(|k| format!("c{k}"))
        .collect();
    for threads in ["1", "2", "3"] {
        let out = Test::new()
            .args(&["score", "-", "--summary", "json", "--threads", threads])
            .stdin(input.clone())
            .run();
        let summary: serde_json::Value =
            serde_json::from_str(out.stderr.lines().last().expect("summary")).expect("json");
        assert_eq!(summary["crisis"], 60, "{threads} threads");
        assert_eq!(
            summary["crisis_ids"],
            serde_json::json!(expected),
            "{threads} threads"
        );
    }
}

#[test]
fn case_6_unsafe_at_home_lists_every_crisis_resource() {
    let s = score(&[("home_safety", "2")]);
    assert_eq!(s.flags(), ["unsafe_at_home"]);
    assert_eq!(s.csv["level"], "residential");
    assert_eq!(s.csv["crisis"], "false");
    for note in s.all_notes() {
        for contact in ["(800) 854-7771", "741741", "1-800-799-7233"] {
            assert!(note.contains(contact), "{contact}: {note}");
        }
    }
    assert!(s.notes[0]
        .0
        .contains("Violence or abuse at home is not screened"));
}

#[test]
fn case_7_intent_to_harm_someone_names_the_duty_to_protect_for_the_clinician() {
    let s = score(&[("harm_others", "2")]);
    assert_eq!(s.csv["crisis"], "true");
    assert!(s.notes[0]
        .0
        .contains("Duty to protect (California; for the clinician)"));
    assert!(s.notes[0].0.contains("Civil Code §43.92"));
    assert!(s.notes[1].0.contains("Deber de proteger"));
    // Thoughts alone: no duty-to-protect text.
    let t = score(&[("harm_others", "1")]);
    assert!(!t.notes[0].0.contains("43.92"));
}

#[test]
fn case_8_the_next_step_follows_the_most_urgent_flag() {
    let passive = score(&[("cssrs_1", "1")]);
    let note = &passive.notes[0].0;
    assert!(
        note.contains(
            "Next step: Suicide-risk assessment by a clinician today, before any referral \
             appointment.\n"
        ),
        "{note}"
    );
    // Severe depression with marked impairment (PHP) and a method (moderate).
    let mut php: Vec<(String, &str)> = (1..=8).map(|k| (format!("phq9_{k}"), "3")).collect();
    php.push(("phq9_10".into(), "3"));
    let mut changes: Vec<(&str, &str)> = php.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    changes.extend([
        ("cssrs_2", "1"),
        ("cssrs_3", "1"),
        ("cssrs_4", "0"),
        ("cssrs_5", "0"),
    ]);
    let moderate = score(&changes);
    assert_eq!(moderate.csv["level"], "php");
    let note = &moderate.notes[0].0;
    assert!(
        note.contains("Next step: Same-day suicide-risk assessment and safety plan"),
        "{note}"
    );
    assert!(!note.contains("within days"), "{note}");
    let crisis = score(&[("harm_others", "2")]);
    let note = &crisis.notes[0].0;
    assert!(
        note.contains("Next step: Emergency evaluation now: 911"),
        "{note}"
    );
    assert!(!note.contains("admission assessment today"), "{note}");
    assert_eq!(
        crisis.view()["next_step"]
            .as_str()
            .map(|s| s.starts_with("Emergency evaluation now")),
        Some(true)
    );
}

#[test]
fn case_9_a_rejected_crisis_row_keeps_banner_resources_and_disclaimer_in_every_format() {
    let s = score(&[("harm_others", "2"), ("gad7_1", "x")]);
    assert_eq!(s.csv["crisis"], "true");
    let [(en, en_md), (es, es_md)] = &s.notes;
    assert!(en.starts_with("!!! CRISIS"), "{en}");
    assert!(en_md.starts_with("> **CRISIS"), "{en_md}");
    assert!(en_md.contains("### CRISIS RESOURCES"), "{en_md}");
    assert!(es.starts_with("!!! CRISIS"), "{es}");
    assert!(es_md.contains("### RECURSOS DE CRISIS"), "{es_md}");
    for note in s.all_notes() {
        assert!(
            note.contains("not a diagnosis") || note.contains("no un diagnóstico"),
            "{note}"
        );
        assert!(note.contains("Civil Code §43.92") || note.contains("Código Civil §43.92"));
    }
}

#[test]
fn case_10_spanish_notes_give_the_spanish_text_line() {
    let s = score(&[("phq9_9", "1"), ("phq9_10", "0")]);
    let es = &s.notes[1].0;
    assert!(
        es.contains("envíe AYUDA en un mensaje de texto al 741741 o por WhatsApp al 442-AYUDAME"),
        "{es}"
    );
    assert!(!es.contains("envíe HOME"), "{es}");
    assert!(es.contains("marque 1 para veteranos"), "{es}");
}

/// `examples/policy-1.1.csv` scores as `rules/README.md` says ("Effect").
#[test]
fn the_policy_example_file_scores_as_the_rules_readme_says() {
    let out = Test::new()
        .args(&["score", "examples/policy-1.1.csv", "--summary", "none"])
        .run()
        .code(1);
    let got: Vec<(String, String, String, String)> = out
        .csv_rows()
        .into_iter()
        .map(|r| {
            let id: String = r["id"].chars().take(3).collect();
            (
                id,
                r["level"].clone(),
                r["crisis"].clone(),
                r["warnings"].clone(),
            )
        })
        .collect();
    let row = |id: &str, level: &str, crisis: &str, warnings: &str| {
        (
            id.to_string(),
            level.to_string(),
            crisis.to_string(),
            warnings.to_string(),
        )
    };
    let kept = "hidden_kept:cssrs_3;hidden_kept:cssrs_4;hidden_kept:cssrs_5";
    assert_eq!(
        got,
        vec![
            row("p01", "residential", "true", kept),
            row("p02", "residential", "true", kept),
            row("p03", "iop", "false", "hidden_kept:cssrs_3"),
            row("p04", "", "true", "hidden_kept:cssrs_4"),
            row("p05", "outpatient", "false", "ask_again:cssrs_6"),
            row("p06", "", "true", "gate_read_as_yes:cssrs_6"),
            row("p07", "iop", "false", ""),
            row("p08", "iop", "false", ""),
            row("p09", "iop", "false", ""),
            row("p10", "iop", "false", ""),
            row("p11", "residential", "false", ""),
            row("p12", "residential", "true", ""),
            row("p13", "outpatient", "false", ""),
            row("p14", "", "true", ""),
        ]
    );
}

#[test]
fn a_rejected_row_names_every_bad_or_missing_answer() {
    let s = score(&[("phq9_1", "9"), ("gad7_3", ""), ("harm_others", "x")]);
    let error = &s.csv["error"];
    for column in ["`phq9_1`", "`gad7_3`", "`harm_others`"] {
        assert!(error.contains(column), "{column}: {error}");
    }
    assert!(
        s.notes[0].0.contains("To complete: column `phq9_1`"),
        "{}",
        s.notes[0].0
    );
}

#[test]
fn a_rejected_row_keeps_what_its_answers_to_skipped_questions_say() {
    // A recency "yes" after a "no" to item 6, in a row rejected elsewhere.
    let again = score(&[("cssrs_6", "0"), ("cssrs_6_recent", "1"), ("gad7_1", "")]);
    assert_eq!(again.csv["warnings"], "ask_again:cssrs_6");
    assert_eq!(
        again.view()["warning_codes"],
        serde_json::json!(["ask_again:cssrs_6"])
    );
    assert!(
        again.notes[0].0.contains("Ask C-SSRS item 6"),
        "{}",
        again.notes[0].0
    );
    // Item 6 blank with a recency "yes": read as yes, high risk, ask again.
    let blank = score(&[("cssrs_6", ""), ("cssrs_6_recent", "1")]);
    assert_eq!(blank.csv["crisis"], "true");
    assert_eq!(blank.csv["warnings"], "gate_read_as_yes:cssrs_6");
    let note = &blank.notes[0].0;
    assert!(
        note.contains("given with C-SSRS item 6 (suicidal behavior, lifetime) blank or unreadable"),
        "{note}"
    );
}

#[test]
fn an_unreadable_answer_to_a_skipped_safety_question_asks_the_questions_again_now() {
    for value in ["y", "true", "1.0"] {
        let s = score(&[("cssrs_2", "0"), ("cssrs_4", value)]);
        assert_eq!(s.csv["warnings"], "hidden_unreadable:cssrs_4", "{value}");
        let note = &s.notes[0].0;
        assert!(note.starts_with("URGENT FINDINGS\n"), "{note}");
        assert!(
            note.contains(&format!(
                "C-SSRS item 4 (intent): `{value}` could not be read"
            )),
            "{note}"
        );
    }
}

#[test]
fn an_unanswered_recency_after_behaviour_says_what_its_answer_could_mean() {
    let s = score(&[("cssrs_6", "1"), ("cssrs_6_recent", "")]);
    assert_eq!(s.csv["level"], "");
    assert_eq!(s.csv["warnings"], "ask_now:cssrs_6_recent");
    let note = &s.notes[0].0;
    assert!(
        note.contains("C-SSRS item 6, past 3 months: no answer, or unreadable; its answer could mean C-SSRS high risk"),
        "{note}"
    );
}

#[test]
fn the_duty_to_protect_stands_apart_from_the_clients_crisis_lines() {
    let s = score(&[("harm_others", "2")]);
    let (text, markdown) = &s.notes[0];
    let crisis = text.find("CRISIS RESOURCES").expect("crisis resources");
    let clinician = text
        .find("FOR THE CLINICIAN (NOT FOR THE CLIENT)")
        .expect("own heading");
    let duty = text.find("Duty to protect").expect("duty to protect");
    assert!(crisis < clinician && clinician < duty, "{text}");
    assert!(
        markdown.contains("### For the clinician (not for the client)"),
        "{markdown}"
    );
}

#[test]
fn the_next_step_keeps_every_same_day_action() {
    // Withdrawal danger and PHQ-9 item 9: detox assessment and suicide-risk
    // assessment, both today.
    let s = score(&[
        ("withdrawal_history", "1"),
        ("daily_use", "1"),
        ("phq9_9", "1"),
        ("phq9_10", "0"),
    ]);
    let note = &s.notes[0].0;
    let step = note
        .lines()
        .find(|l| l.starts_with("Next step:"))
        .expect("next step");
    assert!(
        step.contains("Suicide-risk assessment by a clinician today"),
        "{step}"
    );
    assert!(
        step.contains("Medical assessment today for medically managed withdrawal"),
        "{step}"
    );
}

/// A rule change that keeps the level but loses the crisis route shows in
/// `rules diff --data`.
#[test]
fn rules_diff_shows_records_that_lose_the_crisis_route_at_the_same_level() {
    let dir = tempfile::tempdir().expect("dir");
    let copy = dir.path().join("rules");
    std::fs::create_dir_all(copy.join("instruments")).expect("dirs");
    let root = crate::harness::root().join("rules");
    for entry in walk(&root) {
        let relative = entry.strip_prefix(&root).expect("inside");
        let mut text = std::fs::read_to_string(&entry).expect("read");
        if relative.ends_with("cssrs.yaml") {
            // Item 5 (a plan) no longer counts as high risk.
            text = text.replace("            - { item: cssrs_5, eq: 1 }\n", "");
        }
        let target = copy.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).expect("dirs");
        }
        std::fs::write(target, text).expect("write");
    }
    let data = dir.path().join("d.csv");
    std::fs::write(
        &data,
        csv_with(&[(
            "plan",
            &[
                ("cssrs_2", "1"),
                ("cssrs_3", "0"),
                ("cssrs_4", "0"),
                ("cssrs_5", "1"),
                ("home_safety", "2"),
            ],
        )]),
    )
    .expect("data");
    let out = Test::new()
        .args(&[
            "rules",
            "diff",
            "rules",
            copy.to_str().expect("path"),
            "--data",
            data.to_str().expect("path"),
        ])
        .run()
        .code(0);
    assert!(out.stdout.contains(": 0 change level."), "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "1 record(s) change the crisis route.\n  crisis true -> false: 1 record(s), e.g. plan"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("plan (-suicide_risk_high)"),
        "{}",
        out.stdout
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        match path.is_dir() {
            true => out.extend(walk(&path)),
            false => out.push(path),
        }
    }
    out
}

/// The clinical review's table (policy 1.1), one record per row in
/// `examples/clinical-review.csv`: each gives the policy's result, in the
/// CSV and in the note of either language.
#[test]
fn the_clinical_review_records_give_the_policy_1_1_results() {
    let out = Test::new()
        .args(&["score", "examples/clinical-review.csv"])
        .run()
        .code(0);
    let rows = out.csv_rows();
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r["id"].as_str(), r["level"].as_str(), r["reasons"].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "r1-difficult-daily-life",
                "iop",
                "marked_impairment_positive_screen"
            ),
            (
                "r2-trauma-eating-help-at-home",
                "iop",
                "marked_impairment_positive_screen"
            ),
            (
                "r3-severe-no-home",
                "residential",
                "no_home_for_day_treatment;severe_symptoms_marked_impairment"
            ),
            (
                "r4-moderately-severe-no-home",
                "iop",
                "moderately_severe_symptoms;housing_to_be_arranged"
            ),
            (
                "r5-eating-medical",
                "php",
                "eating_disorder_medical;medical_with_active_problem"
            ),
            (
                "r6-severe-method",
                "php",
                "severe_symptoms_marked_impairment;php_after_suicide_risk_assessment"
            ),
            ("r7-past-attempt-only", "outpatient", "default"),
            ("r8-phq9-item10-blank", "outpatient", "default"),
        ]
    );
    assert!(rows[4]["flags"].contains("eating_disorder_medical"));
    assert!(rows[6]["flags"].contains("suicide_risk_moderate"));
    for (lang, housing, at_home, conditional) in [
        (
            "en",
            "setting: housing to be arranged",
            "at home",
            "Day treatment only if a same-day suicide-risk assessment",
        ),
        (
            "es",
            "dónde vive: vivienda por organizar antes de empezar",
            "en casa",
            "Tratamiento de día solo si una evaluación del riesgo de suicidio",
        ),
    ] {
        let out = Test::new()
            .args(&[
                "score",
                "examples/clinical-review.csv",
                "--format",
                "jsonl",
                "--lang",
                lang,
            ])
            .run()
            .code(0);
        let notes: Vec<String> = out
            .stdout
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("json");
                v["result"]["note"].as_str().expect("note").to_string()
            })
            .collect();
        assert!(notes[3].contains(housing), "{}", notes[3]);
        assert!(!notes[3].contains(at_home), "{}", notes[3]);
        assert!(notes[5].contains(conditional), "{}", notes[5]);
        assert!(!notes[2].contains(conditional) && !notes[2].contains(housing));
    }
}

/// An incomplete record's flags name the given answers behind them too, in
/// the JSON and in its note.
#[test]
fn a_rejected_records_flags_name_the_answers_behind_them() {
    let out = Test::new()
        .args(&["score", "examples/policy-1.1.csv", "--format", "jsonl"])
        .run()
        .code(1);
    let record: serde_json::Value = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|v| v["id"] == "p14-rejected-crisis")
        .expect("p14");
    let partial = &record["partial"];
    assert_eq!(partial["flags"][0]["id"], "harm_others_intent");
    assert_eq!(
        partial["flags"][0]["because"],
        serde_json::json!(["Thoughts of harming someone else (past month): Intent or a plan"])
    );
    let note = partial["note"].as_str().expect("note");
    assert!(
        note.contains("emergency evaluation now. Answers: Thoughts of harming someone else (past month): Intent or a plan."),
        "{note}"
    );
}
