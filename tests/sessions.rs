//! `sessions list`, `export` and `purge` over session files written as
//! an interview leaves them (format 2), and a format-1 file.

use crate::harness::Test;

/// A session file: finished (result and disposition recorded at
/// `decided_at`) or, with `None`, in progress since `last_answer`.
fn session(id: &str, decided_at: Option<&str>, last_answer: &str) -> String {
    let finished = match decided_at {
        Some(at) => format!(
            r#","result": {{"level": "low", "level_name": "Low", "crisis": false, "flags": [],
                "note_date": "2025-01-01", "shown": "Low"}},
              "dispositions": [{{"recommended_level": "low", "actual_level": "low",
                "accepted": true, "reason": null, "reason_text": null, "decided_by": null,
                "decided_at": "{at}"}}]"#
        ),
        None => String::new(),
    };
    format!(
        r#"{{"format": 2, "rules_name": "minimal", "rules_version": "0.1", "rules_sha256": "x",
          "id": "{id}", "started": "{last_answer}", "last_answer": "{last_answer}",
          "settings": null, "answers": {{"mood_1": 1, "mood_2": 0}}{finished}}}"#
    )
}

fn sessions() -> Test {
    Test::in_temp_dir()
        .env("TZ", "UTC")
        .file(
            "old.json",
            session("old", Some("2024-03-01T10:00:00Z"), "2024-03-01T09:00:00Z"),
        )
        .file(
            "new.json",
            session("new", Some("2026-11-30T10:00:00Z"), "2026-11-30T09:00:00Z"),
        )
        .file("open.json", session("open", None, "2024-02-01T09:00:00Z"))
        .file(
            "v1.json",
            r#"{"format": 1, "rules_name": "minimal", "rules_version": "0.1",
                "rules_sha256": "x", "id": "v1", "answers": {}}"#,
        )
        .file("notes.json", "not a session")
        .file("result.json", r#"{"id": "old", "result": {}}"#)
        .file("broken.json", r#"{"format": 9, "answers": {}}"#)
        .file(
            "open-copy.json",
            session("open", None, "2026-11-01T09:00:00Z"),
        )
}

#[test]
fn list_shows_every_session_and_names_files_that_are_none() {
    let out = sessions()
        .args(&["sessions", "list", "--dir", ".", "--format", "json"])
        .run()
        .code(0);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let by_id = |id: &str| {
        rows.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no {id} in {rows}"))
    };
    assert_eq!(by_id("old")["status"], "finished");
    assert_eq!(by_id("old")["disposition"], "low (accepted)");
    assert_eq!(by_id("open")["status"], "in progress");
    assert_eq!(by_id("open")["level"], serde_json::Value::Null);
    // Its rule set (sha256 `x`) is not at hand: nothing is known of its
    // flags, and `crisis` is still a boolean.
    assert_eq!(by_id("open")["crisis"], false);
    assert_eq!(by_id("open")["other_rules"], true);
    assert_eq!(by_id("open")["flags"], serde_json::json!([]));
    assert!(
        by_id("v1")["started"].is_string(),
        "a format-1 file: its mtime"
    );
    assert!(
        out.stderr
            .contains("warning: skipped session `./broken.json`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("note: 2 other .json file(s) in . are not sessions"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("warning: more than one session has the id `open`"),
        "{}",
        out.stderr
    );

    let table = sessions()
        .args(&["sessions", "list", "--dir", "."])
        .run()
        .code(0);
    assert!(
        table.stdout.contains("2024-03-01 09:00"),
        "local time: {}",
        table.stdout
    );
    assert!(
        table.stdout.contains("unknown: started with other rules"),
        "{}",
        table.stdout
    );
}

#[test]
fn export_writes_only_finished_sessions_in_the_batch_contract() {
    let minimal = crate::harness::root().join("tests/fixtures/rules/minimal");
    let out = sessions()
        .args(&[
            "sessions",
            "export",
            "--dir",
            ".",
            "--rules",
            &minimal.to_string_lossy(),
        ])
        .run()
        .code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("id,mood_1,mood_2,mood_3,retracted,recommended_level,"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 3, "two finished sessions: {lines:?}");
    assert!(
        lines[1].starts_with("new,1,0,,,low,false,low,"),
        "{}",
        lines[1]
    );
    assert!(out.stderr.contains("health data"), "{}", out.stderr);

    let out = sessions()
        .args(&[
            "sessions",
            "export",
            "--dir",
            ".",
            "--format",
            "jsonl",
            "--rules",
            &minimal.to_string_lossy(),
        ])
        .run()
        .code(0);
    let first: serde_json::Value =
        serde_json::from_str(out.stdout.lines().next().expect("a line")).expect("json");
    assert_eq!(
        first,
        serde_json::json!({"id": "new", "mood_1": 1, "mood_2": 0, "recommended_level": "low",
            "crisis": false, "disposition_level": "low",
            "decided_at": "2026-11-30T10:00:00Z", "disposition_amendments": 0,
            "rules_version": "0.1", "rules_sha256": "x"})
    );
}

#[test]
fn purge_deletes_finished_sessions_before_the_date_and_keeps_unfinished_ones() {
    let t = sessions().args(&[
        "sessions",
        "purge",
        "--dir",
        ".",
        "--finished-before",
        "2025-01-01",
        "--yes",
    ]);
    let out = t.run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!t.path("old.json").exists(), "finished before the date");
    assert!(t.path("new.json").exists(), "finished after it");
    assert!(t.path("open.json").exists(), "unfinished: kept");
    assert!(
        out.stderr.contains("1 session file(s) deleted"),
        "{}",
        out.stderr
    );

    let t = sessions().args(&[
        "sessions",
        "purge",
        "--dir",
        ".",
        "--finished-before",
        "2025-01-01",
        "--include-unfinished",
        "--yes",
    ]);
    t.run();
    assert!(!t.path("open.json").exists(), "unfinished, and asked for");
    assert!(t.path("new.json").exists());
}

#[test]
fn purge_asks_first_and_checks_its_date() {
    let t = sessions().args(&[
        "sessions",
        "purge",
        "--dir",
        ".",
        "--finished-before",
        "2025-01-01",
    ]);
    let out = t.run();
    assert_eq!(out.code, 2, "no terminal to ask on: {}", out.stderr);
    assert!(out.stderr.contains("give --yes"), "{}", out.stderr);
    assert!(t.path("old.json").exists(), "nothing deleted");
    sessions()
        .args(&[
            "sessions",
            "purge",
            "--dir",
            ".",
            "--finished-before",
            "2025-02-30",
            "--yes",
        ])
        .run()
        .code(2)
        .stderr_has("not a calendar date");
}
