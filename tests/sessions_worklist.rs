//! Sessions as a worklist, through the real binary: `sessions list` puts
//! the interrupted crisis sessions first and says what unfinished
//! sessions establish; `interview --resume ID` finds an id's session in
//! the folder; `sessions export` names, or with `--include-unfinished`
//! writes, the unfinished sessions that hold a safety flag. The session
//! files are written by hand in format 3, with the built-in rules' SHA-256.

use crate::harness::{Test, BIN};

/// The built-in rule set's SHA-256, as `rules check` prints it.
fn builtin_sha() -> &'static str {
    static SHA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SHA.get_or_init(|| {
        let out = std::process::Command::new(BIN)
            .args(["rules", "check"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .find_map(|l| l.strip_prefix("sha256: "))
            .expect("a sha256 line")
            .to_string()
    })
}

/// PHQ-9 to DAST-10 answered, nothing positive but PHQ-9 item 9, then
/// `more`, as a JSON object of item codes.
fn answers(more: &[(&str, i64)]) -> String {
    let mut codes: Vec<(String, i64)> = Vec::new();
    let counts = [("phq9", 10), ("gad7", 7), ("audit", 10), ("dast10", 10)];
    for (ins, n) in counts {
        codes.extend((1..=n).map(|k| (format!("{ins}_{k}"), 0)));
    }
    codes.retain(|(id, _)| id != "phq9_9");
    codes.push(("phq9_9".into(), 1));
    codes.extend(more.iter().map(|&(id, c)| (id.to_string(), c)));
    let cells: Vec<String> = codes
        .iter()
        .map(|(id, c)| format!("\"{id}\": {c}"))
        .collect();
    format!("{{{}}}", cells.join(", "))
}

/// A finished session's result and disposition, decided at `at`.
fn finished(level: &str, crisis: bool, flags: &[&str], at: &str) -> String {
    let flags: Vec<String> = flags.iter().map(|f| format!("\"{f}\"")).collect();
    format!(
        r#", "result": {{"level": "{level}", "level_name": "{level}", "crisis": {crisis},
            "flags": [{}], "note_date": "2026-01-01", "shown": "as shown"}},
          "dispositions": [{{"recommended_level": "{level}", "actual_level": "{level}",
            "accepted": true, "reason": null, "reason_text": null, "decided_by": null,
            "decided_at": "{at}"}}]"#,
        flags.join(", ")
    )
}

/// A format-3 session file of the built-in rules, last answered at `last`.
fn session(id: &str, last: &str, answers: &str, rest: &str) -> String {
    format!(
        r#"{{"format": 3, "rules_name": "carescreen-default", "rules_version": "1.2.1",
          "rules_sha256": "{}", "id": "{id}", "started": "{last}", "last_answer": "{last}",
          "settings": null, "answers": {answers}{rest}}}"#,
        builtin_sha()
    )
}

const LONG_ID: &str = "north-county-intake-20261201-0042";

/// Interrupted at C-SSRS item 5, after a yes to intent: acute risk.
fn crisis_session() -> String {
    let given = answers(&[
        ("cssrs_1", 1),
        ("cssrs_2", 1),
        ("cssrs_3", 1),
        ("cssrs_4", 1),
    ]);
    session(LONG_ID, "2026-12-01T10:00:00Z", &given, "")
}

/// The worklist folder: two interrupted crisis sessions (the long id the
/// older), one interrupted before the intent question, one before the
/// C-SSRS, one of other rules, and two finished.
fn worklist() -> Test {
    let possible = answers(&[("cssrs_1", 1), ("cssrs_2", 1), ("cssrs_3", 1)]);
    let crisis2 = answers(&[
        ("cssrs_1", 0),
        ("cssrs_2", 0),
        ("cssrs_6", 1),
        ("cssrs_6_recent", 1),
    ]);
    Test::in_temp_dir()
        .env("TZ", "UTC")
        .file("crisis.json", crisis_session())
        .file(
            "crisis2.json",
            session("c-7", "2026-12-02T08:00:00Z", &crisis2, ""),
        )
        .file(
            "possible.json",
            session("c-8", "2026-12-01T09:00:00Z", &possible, ""),
        )
        .file(
            "early.json",
            session("c-9", "2026-12-03T09:00:00Z", &answers(&[]), ""),
        )
        .file(
            "other.json",
            session("c-10", "2026-12-04T09:00:00Z", r#"{"phq9_1": 3}"#, "")
                .replace(builtin_sha(), "0000"),
        )
        .file(
            "done-old.json",
            session(
                "c-5",
                "2024-03-01T09:00:00Z",
                &answers(&[]),
                &finished("iop", false, &["suicidal_ideation"], "2024-03-01T10:00:00Z"),
            ),
        )
        .file(
            "done-new.json",
            session(
                "c-6",
                "2026-11-30T09:00:00Z",
                &answers(&[]),
                &finished(
                    "residential",
                    true,
                    &["suicide_risk_high"],
                    "2026-11-30T10:00:00Z",
                ),
            ),
        )
}

fn list_json(t: &Test) -> Vec<serde_json::Value> {
    let out = t.run().code(0);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    rows.as_array().expect("rows").clone()
}

#[test]
fn sessions_list_puts_interrupted_crisis_sessions_first_then_possible_then_the_rest() {
    let t = worklist().args(&["sessions", "list", "--dir", ".", "--format", "json"]);
    let rows = list_json(&t);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().expect("id")).collect();
    assert_eq!(
        ids,
        ["c-7", LONG_ID, "c-8", "c-10", "c-9", "c-6", "c-5"],
        "crisis, possible crisis, other unfinished, finished; newest first in each"
    );
    let crisis = &rows[1];
    assert_eq!(crisis["id"], LONG_ID, "the id whole in JSON");
    assert_eq!(crisis["status"], "in progress");
    assert_eq!(crisis["crisis"], true);
    assert_eq!(crisis["possible_crisis"], false);
    assert_eq!(
        crisis["flags"],
        serde_json::json!(["suicide_risk_high", "suicidal_ideation"])
    );
    assert_eq!(
        crisis["not_asked"],
        serde_json::json!(["pcptsd5", "scoff", "context"])
    );
    assert_eq!(rows[2]["possible_crisis"], true, "intent not asked yet");
    assert_eq!(rows[2]["crisis"], false);
    // Before the C-SSRS, its blanks are questions not asked: no possible crisis.
    let early = &rows[4];
    assert_eq!(early["possible_crisis"], false);
    assert_eq!(early["flags"], serde_json::json!(["suicidal_ideation"]));
    assert_eq!(early["not_asked"][0], "cssrs");
    let other = &rows[3];
    assert_eq!(other["other_rules"], true);
    assert_eq!(other["crisis"], false, "a boolean, never null");
    assert_eq!(other["flags"], serde_json::json!([]));
    for row in &rows {
        assert!(row["crisis"].is_boolean(), "{row}");
    }
    assert_eq!(rows[5]["crisis"], true, "a finished session's result");
    assert_eq!(rows[6]["crisis"], false);
}

#[test]
fn sessions_list_at_80_columns_is_a_line_a_session_with_the_crisis_in_words() {
    let out = worklist()
        .env("COLUMNS", "80")
        .args(&["sessions", "list", "--dir", "."])
        .run()
        .code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    for line in &lines {
        assert!(line.chars().count() <= 80, "{line:?} in\n{}", out.stdout);
    }
    assert!(
        lines[0].starts_with("id  ") && lines[0].contains("last answer"),
        "{}",
        out.stdout
    );
    assert!(
        lines[0].ends_with("crisis    disposition"),
        "{}",
        out.stdout
    );
    assert!(lines[1].starts_with('─'));
    let row = |id: &str| {
        let at = lines
            .iter()
            .position(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row {id} in\n{}", out.stdout));
        lines[at]
    };
    let crisis = row("north-county-intake…");
    assert!(
        crisis.contains("IN PROGRESS – CRISIS  CRISIS"),
        "{crisis}\n{}",
        out.stdout
    );
    assert!(row("c-8").contains("in progress") && row("c-8").contains("possible"));
    assert!(row("c-9").contains("1 flag"));
    assert!(row("c-10").contains("unknown"));
    assert!(row("c-6").contains("finished") && row("c-6").ends_with("CRISIS    accepted"));
    assert!(row("c-5").contains("2024-03-01 "), "another year: its date");
    // Seven sessions, seven lines, then what the words mean.
    assert_eq!(lines.len(), 2 + 7 + 2, "{}", out.stdout);
    assert!(lines[9].starts_with("possible: "), "{}", out.stdout);
    assert!(lines[10].contains("other rules"), "{}", out.stdout);
}

#[test]
fn interview_resume_id_with_no_session_names_the_folder() {
    let out = worklist()
        .args(&["interview", "--resume", "c-404", "--dir", "."])
        .run()
        .code(2);
    assert_eq!(
        out.stderr,
        "error: no session has the id `c-404` in .\nhelp: `carescreen sessions list --dir .` \
         lists the sessions there; name another folder with --dir, or the session file by its \
         path\n"
    );
    Test::in_temp_dir()
        .args(&["interview", "--resume", "c-404", "--dir", "absent"])
        .run()
        .code(2)
        .stderr_has("no session has the id `c-404` in absent\n");
}

#[test]
fn interview_resume_id_with_one_session_resolves_it_before_asking_for_a_terminal() {
    let out = worklist()
        .args(&["interview", "--resume", "c-8", "--dir", "."])
        .run()
        .code(2);
    assert_eq!(
        out.stderr,
        "note: resuming `c-8` from ./possible.json\nerror: the interview needs a terminal \
         (stdin and stderr); to score answers from a file use `carescreen score FILE`\n"
    );
    // A name with no `/` that is a file is the file, not an id.
    let out = worklist()
        .args(&["interview", "--resume", "possible.json", "--dir", "absent"])
        .run()
        .code(2);
    assert!(
        !out.stderr.contains("no session has the id"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("needs a terminal"), "{}", out.stderr);
    // A path is read as one, whatever the folder holds.
    worklist()
        .args(&["interview", "--resume", "./c-8", "--dir", "."])
        .run()
        .code(2)
        .stderr_has("error: cannot read session `./c-8`");
}

#[test]
fn interview_resume_id_with_several_sessions_and_no_terminal_lists_their_files() {
    let given = answers(&[]);
    let out = worklist()
        .file(
            "again.json",
            session("c-8", "2026-12-05T09:00:00Z", &given, ""),
        )
        .args(&["interview", "--resume", "c-8", "--dir", "."])
        .run()
        .code(2);
    assert_eq!(
        out.stderr,
        "error: `c-8` has 2 sessions in .; name the one to resume by its path:\n  \
         ./again.json\n  ./possible.json\n"
    );
}

#[test]
fn interview_new_and_resume_contradict_each_other() {
    Test::in_temp_dir()
        .args(&["interview", "--resume", "c-8", "--new"])
        .run()
        .code(2)
        .stderr_has("cannot be used with '--new'");
}

const HEADER_END: &str = "retracted,recommended_level,crisis,disposition_level,\
    disposition_reason,disposition_reason_text,decided_by,decided_at,disposition_amendments,\
    languages,rules_version,rules_sha256";

#[test]
fn export_leaves_unfinished_sessions_out_and_names_those_with_a_safety_flag() {
    let out = worklist()
        .args(&["sessions", "export", "--dir", "."])
        .run()
        .code(0);
    let header = out.stdout.lines().next().expect("header");
    assert!(header.ends_with(HEADER_END), "columns unchanged: {header}");
    let ids: Vec<String> = out.csv_rows().iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["c-6", "c-5"], "finished only, by file name");
    let said = out.stderr;
    assert!(said.contains("2 finished intake(s) exported."), "{said}");
    assert!(
        said.contains(
            "warning: 4 unfinished session(s) hold a safety flag and are not exported \
             (--include-unfinished exports them):\n"
        ),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "  {LONG_ID} (CRISIS: suicide_risk_high, suicidal_ideation) ./crisis.json\n"
        )),
        "{said}"
    );
    assert!(
        said.contains("  c-8 (suicidal_ideation; possible crisis) ./possible.json\n"),
        "{said}"
    );
    assert!(
        said.contains("  c-9 (suicidal_ideation) ./early.json\n"),
        "{said}"
    );
    assert!(
        said.contains("started with a rule set not found here, so their flags are not known:\n  c-10 ./other.json\n"),
        "{said}"
    );
}

#[test]
fn export_include_unfinished_writes_them_with_their_flags_and_status_at_the_end() {
    let t = worklist().args(&[
        "sessions",
        "export",
        "--dir",
        ".",
        "--include-unfinished",
        "-o",
        "all.csv",
    ]);
    let out = t.run().code(0);
    assert!(
        out.stderr
            .contains("7 intake(s) exported to all.csv (2 finished, 5 unfinished)."),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not exported"), "{}", out.stderr);
    let text = std::fs::read_to_string(t.path("all.csv")).expect("export");
    let header = text.lines().next().expect("header");
    assert!(
        header.ends_with(&format!(
            "{HEADER_END},status,flags,possible_crisis,not_asked"
        )),
        "new columns at the end: {header}"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let names = reader.headers().expect("header").clone();
    let rows: Vec<std::collections::HashMap<String, String>> = reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            names
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).expect("a row").clone();
    let crisis = row(LONG_ID);
    assert_eq!(crisis["status"], "in progress");
    assert_eq!(crisis["crisis"], "true");
    assert_eq!(crisis["flags"], "suicide_risk_high;suicidal_ideation");
    assert_eq!(crisis["possible_crisis"], "");
    assert_eq!(crisis["not_asked"], "pcptsd5;scoff;context");
    assert_eq!(crisis["recommended_level"], "", "no result yet");
    assert_eq!(row("c-8")["possible_crisis"], "true");
    assert_eq!(row("c-8")["crisis"], "false");
    assert_eq!(row("c-10")["crisis"], "", "other rules: not known");
    assert_eq!(row("c-6")["status"], "finished");
    assert_eq!(row("c-6")["flags"], "suicide_risk_high");

    // Scoring the export rejects the unfinished rows, and their flags say
    // what the list said.
    let scored = Test::new()
        .args(&[
            "score",
            &t.path("all.csv").to_string_lossy(),
            "--columns",
            "crisis,flags",
        ])
        .run();
    let rescored = scored
        .csv_rows()
        .into_iter()
        .find(|r| r["id"] == LONG_ID)
        .expect("the row");
    assert_eq!(rescored["crisis"], "true", "{}", scored.stdout);
    assert!(rescored["flags"].contains("suicide_risk_high"));

    let out = worklist()
        .args(&[
            "sessions",
            "export",
            "--dir",
            ".",
            "--include-unfinished",
            "--format",
            "jsonl",
        ])
        .run()
        .code(0);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let possible = lines.iter().find(|l| l["id"] == "c-8").expect("c-8");
    assert_eq!(possible["possible_crisis"], true);
    assert_eq!(possible["crisis"], false);
    assert_eq!(possible["status"], "in progress");
}
