//! `rules check` on one fixture per kind of rule-set problem: each folder
//! under tests/fixtures/rules/ holds a broken rule set and `expected.stderr`,
//! the exact diagnostics (message and location). `minimal` is the valid base
//! the others are cut from. Set CARESCREEN_BLESS=1 to rewrite the goldens
//! after a deliberate change, then review the diff.

use crate::harness::{root, Test};

/// Fixtures that are valid rule sets, used by other tests.
const VALID: [&str; 8] = [
    "bilingual",
    "rich",
    "minimal",
    "prorate",
    "note-guard",
    "wrong-case",
    "partial-blank",
    "minimal-lower-band",
];

fn fixtures() -> Vec<String> {
    let dir = root().join("tests/fixtures/rules");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !VALID.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

#[test]
fn every_broken_fixture_reports_exactly_its_expected_diagnostics() {
    let bless = std::env::var_os("CARESCREEN_BLESS").is_some();
    let mut failures = Vec::new();
    let names = fixtures();
    assert!(names.len() >= 25, "fixtures went missing: {names:?}");
    for name in names {
        let path = format!("tests/fixtures/rules/{name}");
        let out = Test::new().args(&["rules", "check", &path]).run();
        let golden = root().join(&path).join("expected.stderr");
        if bless {
            std::fs::write(&golden, &out.stderr).expect("write golden");
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if out.code != 1 || out.stderr != expected || !out.stdout.is_empty() {
            failures.push(format!(
                "{name}: exit {}\n--- expected\n{expected}--- actual\n{}",
                out.code, out.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_diagnostic_names_its_file_and_line() {
    let mut unplaced = Vec::new();
    for name in fixtures() {
        let golden = root().join(format!("tests/fixtures/rules/{name}/expected.stderr"));
        let text = std::fs::read_to_string(golden).unwrap_or_default();
        for place in text.lines().filter_map(|l| l.strip_prefix(" --> ")) {
            // `file:line:col`, then the YAML path in parentheses, if any.
            let at = place.split(" (").next().unwrap_or_default();
            let mut parts = at.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse::<usize>().ok());
            let line = parts.next().and_then(|l| l.parse::<usize>().ok());
            let file = parts.next().unwrap_or_default();
            if col.is_none() || line.is_none() || !file.ends_with(".yaml") {
                unplaced.push(format!("{name}: {place}"));
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "without a line:\n{}",
        unplaced.join("\n")
    );
}

#[test]
fn a_syntax_error_in_one_file_leaves_the_other_files_checked() {
    let dir = "tests/fixtures/rules/syntax-error-keeps-other-checks";
    let out = Test::new().args(&["rules", "check", dir]).run().code(1);
    let broken = format!("{dir}/broken.yaml");
    // The broken file's own problem, at its line.
    assert!(out.stderr.contains(&format!(
        "error[syntax]: unknown key `bandz`\n --> {broken}:8:5 (scales[0])\n"
    )));
    // The other file's problems, in the same run.
    assert!(out.stderr.contains(&format!(
        "error[band-gap]: no band covers score 2\n --> {dir}/ruleset.yaml:36:9 (scales[0].bands[1])\n"
    )));
    // What the broken file might define is not called unknown, and the
    // references that cannot be checked are reported once.
    assert!(!out.stderr.contains("unknown-reference"), "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("error[unchecked-reference]").count(),
        1,
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(&format!(
        "scale `other` and 1 other reference cannot be checked until `{broken}` parses"
    )));
    assert!(out.stderr.contains("3 problem(s) found"));
}

#[test]
fn a_main_file_that_does_not_parse_still_has_its_includes_checked() {
    let dir = "tests/fixtures/rules/broken-main-keeps-includes-checked";
    let out = Test::new().args(&["rules", "check", dir]).run().code(1);
    assert!(out.stderr.contains("error[syntax]: unknown key `nmae`"));
    assert!(out.stderr.contains("help: did you mean `name`?"));
    assert!(out.stderr.contains(&format!(
        "error[bad-id]: item id `Extra_1` is not a valid id\n --> {dir}/extra.yaml:6:13"
    )));
    // What only the main file could have said is not reported missing.
    assert!(!out.stderr.contains("missing-key"), "{}", out.stderr);
    assert!(out.stderr.contains("2 problem(s) found"));
}

#[test]
fn a_misspelt_key_gets_the_closest_valid_key_and_the_full_list() {
    let t = Test::in_temp_dir().file(
        "r.yaml",
        std::fs::read_to_string(root().join("tests/fixtures/rules/minimal/ruleset.yaml"))
            .expect("read")
            .replace("eq: 1 }\n    message", "eg: 1 }\n    message"),
    );
    let out = t.args(&["rules", "check", "r.yaml"]).run().code(1);
    assert!(
        out.stderr.starts_with(
            "error[syntax]: unknown key `eg`\n --> r.yaml:42:27 (flags[0].when)\n\
             note: the YAML reader said: flags[0].when: unknown field `eg`, expected one of"
        ),
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains("help: did you mean `eq`? the keys here are `all`, `any`, `not`,"));
}

#[test]
fn the_valid_fixtures_pass() {
    for name in VALID {
        Test::new()
            .args(&["rules", "check", &format!("tests/fixtures/rules/{name}")])
            .run()
            .code(0);
    }
}

#[test]
fn the_minimal_fixture_and_the_default_rules_are_valid() {
    Test::new()
        .args(&["rules", "check", "tests/fixtures/rules/minimal"])
        .run()
        .code(0)
        .stdout_has("ok: tests/fixtures/rules/minimal: minimal 0.1");
    Test::new()
        .args(&["rules", "check"])
        .run()
        .code(0)
        .stdout_has("carescreen-default");
    Test::new()
        .args(&["rules", "check", "rules"])
        .run()
        .code(0)
        .stdout_has("carescreen-default");
    Test::new()
        .args(&["rules", "check", "rules/ruleset.yaml"])
        .run()
        .code(0);
}

#[test]
fn the_shipped_rules_folder_is_the_embedded_rule_set() {
    let from_disk = Test::new()
        .args(&["rules", "check", "rules"])
        .run()
        .code(0)
        .stdout;
    let embedded = Test::new().args(&["rules", "check"]).run().code(0).stdout;
    let sha = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("sha256:"))
            .map(String::from)
    };
    assert!(sha(&from_disk).is_some());
    assert_eq!(sha(&from_disk), sha(&embedded));
}

#[test]
fn an_invalid_rule_set_stops_scoring_with_exit_2_and_every_problem() {
    Test::new()
        .args(&[
            "score",
            "examples/intake.csv",
            "--rules",
            "tests/fixtures/rules/many-problems",
        ])
        .run()
        .code(2)
        .stderr_has("error[unknown-reference]: unknown item `mod_3`")
        .stderr_has("error[band-gap]")
        .stderr_has("error: the rule set has 4 problem(s)");
}

#[test]
fn a_missing_rules_path_is_a_clear_error() {
    Test::new()
        .args(&["rules", "check", "no/such/rules"])
        .run()
        .code(2)
        .stderr_is("error: cannot read `no/such/rules`: No such file or directory (os error 2)\n");
}

#[test]
fn the_hash_ignores_comments_and_layout() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/rules/minimal/ruleset.yaml"))
        .expect("read");
    let reformatted = format!(
        "# a new comment\n\n{}",
        base.replace("version: \"0.1\"", "version:    \"0.1\"   # same")
    );
    let changed = base
        .replace("max: 1 }", "max: 1 } # note")
        .replace("Refer high.", "Refer high now.");
    let sha = |text: &str| {
        let t = Test::in_temp_dir().file("r.yaml", text);
        let out = t.args(&["rules", "check", "r.yaml"]).run().code(0);
        out.stdout
            .lines()
            .find(|l| l.starts_with("sha256:"))
            .map(String::from)
    };
    assert_eq!(sha(&base), sha(&reformatted));
    assert_ne!(sha(&base), sha(&changed));
}

/// The shipped cases pass, exercise everything, prove every leaf of every
/// condition that can be proven, and pin every threshold.
#[test]
fn the_default_cases_all_pass_cover_every_condition_and_pin_every_threshold() {
    let out = Test::new()
        .args(&["rules", "test", "--coverage", "--mutate"])
        .run()
        .code(0);
    for line in [
        "142 passed, 0 failed\n",
        "coverage: 80 of 80 placement rules, conditions, flags, bands and grades exercised",
        "conditions (MC/DC): 117 of 117 leaves proven (119 in all; 2 cannot be proven, below)",
        "mutation test: 259 of 259 threshold changes fail a case\n",
    ] {
        assert!(out.stdout.contains(line), "{line}\n{}", out.stdout);
    }
    // Passing cases are counted, not listed.
    assert!(out.stdout.starts_with("142 passed"), "{}", out.stdout);
    // The two that cannot: "no" to C-SSRS item 6 hides the recency question.
    let infeasible: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("cannot be proven:"))
        .collect();
    assert_eq!(infeasible.len(), 2, "{infeasible:?}");
    for line in infeasible {
        assert!(line.contains("`item cssrs_6 = 1`"), "{line}");
        assert!(
            line.contains("`cssrs_6_recent` is asked only when item cssrs_6 = 1"),
            "{line}"
        );
    }
}

#[test]
fn a_wrong_case_fails_showing_expected_and_actual_and_what_fired() {
    let out = Test::new()
        .args(&[
            "rules",
            "test",
            "tests/fixtures/rules/wrong-case",
            "--coverage",
        ])
        .run()
        .code(1);
    assert!(
        out.stdout
            .contains("│ deliberately_wrong ┆ FAIL   ┆ level: expected high, got low │"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "case `deliberately_wrong` failed (tests/fixtures/rules/wrong-case/ruleset.yaml:64)"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  what fired: nothing\n"));
    assert!(out.stdout.contains("\n1 passed, 1 failed\n"));
    assert!(out.stdout.contains("  flag `danger` is never raised\n"));
}

#[test]
fn cases_do_not_change_the_rule_set_hash() {
    let sha = |path: &str| {
        let out = Test::new().args(&["rules", "check", path]).run().code(0);
        out.stdout
            .lines()
            .find(|l| l.starts_with("sha256:"))
            .map(String::from)
    };
    assert_eq!(
        sha("tests/fixtures/rules/minimal"),
        sha("tests/fixtures/rules/wrong-case")
    );
}

#[test]
fn explain_shows_every_rule_and_why_this_level_and_not_the_next() {
    let t = Test::in_temp_dir().file("r.yaml", "mood_1: 2\nmood_2: 0\n");
    let rules = root().join("tests/fixtures/rules/minimal");
    let rules = rules.to_string_lossy().into_owned();
    let out = t
        .args(&["explain", "r.yaml", "--rules", &rules])
        .run()
        .code(0);
    assert!(out.stdout.contains("  [fired] rule high_mood -> high\n        when band mood >= high\n        saw band mood = high\n"), "{}", out.stdout);
    assert!(out.stdout.contains("  [  -  ] flag danger -> crisis\n        when item mood_3 = 1\n        saw item mood_3 = not asked (skipped)\n"));
    assert!(out
        .stdout
        .contains("Why High and not a less intensive level:\n  - High mood score. (high_mood)\n"));
    let t = Test::in_temp_dir().file("bad.yaml", "mood_1: 2\nmood_2: 1\n");
    let t = t.args(&["explain", "bad.yaml", "--rules", &rules]);
    let out = t.run().code(1);
    assert!(
        out.stdout.starts_with(
            "The record is rejected: column `mood_3`: missing required answer.\n\n\
             INCOMPLETE RECORD - client bad.yaml\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("- mood_3: no answer, or unreadable; its answer could mean Danger flag message. Ask it now.\n"),
        "{}",
        out.stdout
    );
    let t = Test::in_temp_dir().file("list.json", "[1, 2]");
    let t = t.args(&["explain", "list.json", "--rules", &rules]);
    t.run().code(2).stderr_is(
        "error: `list.json`: expected a map of item ids to answer codes (`phq9_1: 2`), \
             found a list\n --> list.json:1:1\n",
    );
}

#[test]
fn the_committed_rules_md_is_current() {
    let out = Test::new().args(&["rules", "show"]).run().code(0);
    let committed = std::fs::read_to_string(root().join("rules/RULES.md")).expect("rules/RULES.md");
    assert!(
        committed == out.stdout,
        "rules/RULES.md is out of date: run `cargo run -- rules show > rules/RULES.md`"
    );
    assert!(out.stdout.contains(
        "| `severe_symptoms_marked_impairment` | `php` | Symptom severity is 'Severe symptoms' or more and Functioning is 'Marked impairment' or more |"
    ));
}

#[test]
fn rules_diff_lists_changes_and_the_level_matrix_over_past_intakes() {
    let out = Test::new()
        .args(&[
            "rules",
            "diff",
            "tests/fixtures/rules/minimal",
            "tests/fixtures/rules/minimal-lower-band",
            "--data",
            "tests/fixtures/diff/intakes.csv",
        ])
        .run()
        .code(0);
    let expected = "\
2 difference(s):
  band `mood.low`: 0 to 1 (Low) -> 0 to 0 (Low)
  band `mood.high`: 2 to 4 (High) -> 1 to 4 (High)

5 record(s) in tests/fixtures/diff/intakes.csv: 2 change level.
┌───────────┬─────┬──────┬──────────┐
│ old \\ new ┆ low ┆ high ┆ rejected │
╞═══════════╪═════╪══════╪══════════╡
│ low       ┆   1 ┆    2 ┆        0 │
│ high      ┆   0 ┆    1 ┆        0 │
│ rejected  ┆   0 ┆    0 ┆        1 │
└───────────┴─────┴──────┴──────────┘
  low -> high: 2 record(s), e.g. one, yes
0 record(s) change the crisis route.
0 record(s) change their flags.
";
    assert_eq!(out.stdout, expected);
    let same = Test::new()
        .args(&[
            "rules",
            "diff",
            "tests/fixtures/rules/minimal",
            "tests/fixtures/rules/wrong-case",
        ])
        .run()
        .code(0);
    assert_eq!(same.stdout, "No differences in structure.\n");
}

#[test]
fn the_committed_schema_is_current_and_every_default_file_follows_it() {
    let out = Test::new().args(&["rules", "schema"]).run().code(0);
    let committed =
        std::fs::read_to_string(root().join("rules/schema.json")).expect("rules/schema.json");
    assert!(
        committed == out.stdout,
        "rules/schema.json is out of date: run `cargo run -- rules schema > rules/schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut files = vec![
        "rules/ruleset.yaml",
        "rules/placement.yaml",
        "rules/note.yaml",
        "rules/cases.yaml",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    for entry in std::fs::read_dir(root().join("rules/instruments")).expect("instruments") {
        files.push(format!(
            "rules/instruments/{}",
            entry.expect("entry").file_name().to_string_lossy()
        ));
    }
    for file in &files {
        let text = std::fs::read_to_string(root().join(file)).expect("read");
        assert!(
            text.starts_with("# yaml-language-server: $schema="),
            "{file} points editors at the schema"
        );
        let value: serde_json::Value = serde_yaml::from_str(&text).expect("YAML");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
    // And the schema catches a misspelt key, as an editor would show it.
    let wrong: serde_json::Value = serde_json::json!({"levels": [{"id": "x", "name": "X", "description": "d", "referal": "r"}]});
    assert!(!validator.is_valid(&wrong));
}

#[test]
fn rules_show_has_text_and_json_forms() {
    let text = Test::new()
        .args(&["rules", "show", "--format", "text"])
        .run()
        .code(0)
        .stdout;
    assert!(text.starts_with("Rule set carescreen-default"));
    assert!(!text.contains("| ---"));
    let json = Test::new()
        .args(&["rules", "show", "--format", "json"])
        .run()
        .code(0)
        .stdout;
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let rule = value["placement_rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "withdrawal_management")
        .expect("rule");
    assert_eq!(rule["level"], "residential");
    assert_eq!(
        rule["when"],
        "Substance use and withdrawal danger is 'Withdrawal danger' or more"
    );
}

#[test]
fn referral_notes_match_their_golden_text_in_each_language_and_format() {
    let bless = std::env::var_os("CARESCREEN_BLESS").is_some();
    let mut failures = Vec::new();
    for record in ["minimal", "co_occurring", "acute_risk"] {
        for lang in ["en", "es"] {
            for (format, ext) in [("text", "txt"), ("markdown", "md")] {
                let input = format!("tests/fixtures/notes/{record}.csv");
                let args = [
                    "score",
                    &input,
                    "--format",
                    "jsonl",
                    "--lang",
                    lang,
                    "--note-date",
                    "2026-11-23",
                    "--note-format",
                    format,
                ];
                let out = Test::new().args(&args).run();
                let value: serde_json::Value =
                    serde_json::from_str(out.stdout.trim()).expect("one JSON line");
                let note = value["result"]["note"]
                    .as_str()
                    .expect("a note")
                    .to_string();
                let golden = root().join(format!("tests/fixtures/notes/{record}.{lang}.{ext}"));
                if bless {
                    std::fs::write(&golden, &note).expect("write golden");
                    continue;
                }
                let expected = std::fs::read_to_string(&golden).unwrap_or_default();
                if expected != note {
                    failures.push(format!(
                        "{record}.{lang}.{ext}\n--- expected\n{expected}--- actual\n{note}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn client_handouts_match_their_golden_text_in_each_language() {
    let bless = std::env::var_os("CARESCREEN_BLESS").is_some();
    let mut failures = Vec::new();
    for record in ["minimal", "co_occurring", "acute_risk", "harm_others"] {
        for lang in ["en", "es"] {
            let input = format!("tests/fixtures/notes/{record}.csv");
            let args = [
                "score",
                &input,
                "--format",
                "jsonl",
                "--lang",
                lang,
                "--note-date",
                "2026-11-23",
                "--note-audience",
                "client",
            ];
            let out = Test::new().args(&args).run();
            let value: serde_json::Value =
                serde_json::from_str(out.stdout.trim()).expect("one JSON line");
            assert_eq!(value["result"]["note_audience"], "client");
            let note = value["result"]["note"]
                .as_str()
                .expect("a handout")
                .to_string();
            let golden = root().join(format!("tests/fixtures/notes/{record}.{lang}.client.txt"));
            if bless {
                std::fs::write(&golden, &note).expect("write golden");
                continue;
            }
            let expected = std::fs::read_to_string(&golden).unwrap_or_default();
            if expected != note {
                failures.push(format!(
                    "{record}.{lang}.client.txt\n--- expected\n{expected}--- actual\n{note}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn score_writes_handouts_where_a_note_goes_and_refuses_them_where_none_does() {
    let input = "tests/fixtures/notes/harm_others.csv";
    let out = Test::new()
        .args(&["score", input, "--note-audience", "client"])
        .run()
        .code(2);
    assert!(out.stderr.contains("--note-column"), "{}", out.stderr);

    let out = Test::new()
        .args(&["score", input, "--note-column", "--note-audience", "client"])
        .run()
        .code(0);
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let row = reader.records().next().expect("a row").expect("a record");
    let note = &row[headers
        .iter()
        .position(|h| h == "note")
        .expect("note column")];
    assert!(note.starts_with("GET HELP NOW"), "{note}");
    assert!(
        note.contains("988") && !note.contains("Duty to protect"),
        "{note}"
    );

    let out = Test::new()
        .args(&[
            "score",
            input,
            "--format",
            "jsonl",
            "--note-audience",
            "client",
            "--rules",
            "tests/fixtures/rules/minimal",
        ])
        .run()
        .code(2);
    assert!(out.stderr.contains("note_client"), "{}", out.stderr);
}

#[test]
fn a_rejected_rows_handout_keeps_the_crisis_lines_in_plain_words() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/notes/harm_others.csv"))
        .expect("fixture");
    // The same record with its first answer left out: rejected, crisis kept.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let cells: Vec<&str> = lines[1].split(',').collect();
    let mut cells: Vec<String> = cells.into_iter().map(str::to_string).collect();
    cells[1] = String::new();
    lines[1] = cells.join(",");
    let out = Test::in_temp_dir()
        .file("r.csv", &(lines.join("\n") + "\n"))
        .args(&[
            "score",
            "r.csv",
            "--format",
            "jsonl",
            "--note-audience",
            "client",
        ])
        .run()
        .code(1);
    let value: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("one line");
    let partial = &value["partial"];
    assert_eq!(partial["note_audience"], "client");
    let note = partial["note"].as_str().expect("a handout");
    assert!(note.starts_with("GET HELP NOW"), "{note}");
    assert!(note.contains("Contact: call 911"), "{note}");
    assert!(note.contains("Some answers are missing"), "{note}");
    assert!(!note.contains("Duty to protect") && !note.contains("emergency evaluation now"));
    assert!(
        note.trim_end().ends_with("what care is right for you."),
        "{note}"
    );
}

/// The minimal rule set with one case: it pins the level of a high score
/// but nothing about a low one, the flag or the skip logic.
fn one_weak_case() -> Test {
    let base = std::fs::read_to_string(root().join("tests/fixtures/rules/minimal/ruleset.yaml"))
        .expect("fixture");
    let text = format!(
        "{base}cases:\n  - id: much\n    answers: {{mood_1: 2}}\n    expect: {{level: high}}\n"
    );
    Test::in_temp_dir().file("r.yaml", &text)
}

/// The line of the minimal fixture that holds `text`, 1-based.
fn minimal_line(text: &str) -> usize {
    let base = std::fs::read_to_string(root().join("tests/fixtures/rules/minimal/ruleset.yaml"))
        .expect("fixture");
    base.lines()
        .position(|l| l.contains(text))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no line holds {text:?}"))
}

#[test]
fn mutate_lists_each_threshold_no_case_pins_at_its_line() {
    let out = one_weak_case()
        .args(&["rules", "test", "r.yaml", "--mutate"])
        .run()
        .code(1);
    let rule = minimal_line("when: { band: mood, at_least: high }");
    let flag = minimal_line("when: { item: mood_3, eq: 1 }");
    let band = minimal_line("{ id: high, label: High, min: 2, max: 4 }");
    // The rule's threshold moved down, the flag's code both ways, the band
    // edge moved down: no case fails. Moved up, the score of 2 is no
    // longer high and the case fails.
    for line in [
        format!(
            "  r.yaml:{rule}: placement rule high_mood: band mood >= high → band mood >= low\n"
        ),
        format!("  r.yaml:{flag}: flag danger: item mood_3 = 1 → item mood_3 = 0\n"),
        format!("  r.yaml:{flag}: flag danger: item mood_3 = 1 → item mood_3 = 2\n"),
        format!("  r.yaml:{band}: scale mood: `high` from 2 → from 1 (`low` to 0)\n"),
        "mutation test: 2 of 8 threshold changes fail a case; no case fails on these:\n".into(),
    ] {
        assert!(out.stdout.contains(&line), "{line}\n{}", out.stdout);
    }
}

#[test]
fn coverage_lists_each_leaf_no_pair_of_cases_proves_with_answers_that_would() {
    let out = one_weak_case()
        .args(&["rules", "test", "r.yaml", "--coverage"])
        .run()
        .code(1);
    // No case checks whether mood_3 is asked.
    let gap = out
        .stdout
        .lines()
        .position(|l| l.contains("`item mood_2 = 1` in skip logic of mood_3"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    let lines: Vec<&str> = out.stdout.lines().collect();
    let gate = minimal_line("show_if: { item: mood_2, eq: 1 }");
    assert!(
        lines[gap].starts_with(&format!("  r.yaml:{gate}: ")),
        "{}",
        lines[gap]
    );
    assert!(
        lines[gap].contains(
            "no case that checks `shown` or `hidden` with mood_3 shows the outcome turning on \
             it while it is true or false"
        ),
        "{}",
        lines[gap]
    );
    // The one case has the answers of one side (mood_2 "no" hides mood_3):
    // it would count if it checked; the other side needs a new case.
    assert_eq!(
        lines[gap + 1].trim(),
        "case `much` has such answers: it counts once it checks `shown` or `hidden` with mood_3"
    );
    assert_eq!(
        lines[gap + 2].trim(),
        "a new case could use answers {mood_2: 1}, checking `shown` or `hidden` with mood_3"
    );
    // The rule's band leaf is proven while true only.
    assert!(
        out.stdout.contains(
            "`band mood >= high` in placement rule high_mood: no case that checks `level`, \
             `reasons` or `fired` shows the outcome turning on it while it is false"
        ),
        "{}",
        out.stdout
    );
}

/// A case can check what skip logic asks, the rules that fire, the
/// program features and the note's text; each mismatch is said.
#[test]
fn a_case_checks_shown_items_fired_rules_features_and_note_text() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/rules/minimal/ruleset.yaml"))
        .expect("fixture");
    let case = |expect: &str| {
        format!("{base}cases:\n  - id: c\n    answers: {{mood_1: 2}}\n    expect: {expect}\n")
    };
    let right = "{shown: [mood_2], hidden: [mood_3], fired: [high_mood], features: [], \
                 note_contains: [High, call 988]}";
    Test::in_temp_dir()
        .file("r.yaml", case(right))
        .args(&["rules", "test", "r.yaml"])
        .run()
        .code(0)
        .stdout_has("1 passed, 0 failed");
    let wrong = "{shown: [mood_3], fired: [], note_contains: [Refer nowhere]}";
    let out = Test::in_temp_dir()
        .file("r.yaml", case(wrong))
        .args(&["rules", "test", "r.yaml"])
        .run()
        .code(1);
    for line in [
        "mood_3 asked: expected shown, got hidden",
        "fired: expected , got high_mood",
        "note: expected contains \"Refer nowhere\", got not in the note",
    ] {
        assert!(out.stdout.contains(line), "{line}\n{}", out.stdout);
    }
    // An unknown feature or item is a problem of the rule set, at its place.
    Test::in_temp_dir()
        .file("r.yaml", case("{features: [dual], hidden: [mood_9]}"))
        .args(&["rules", "check", "r.yaml"])
        .run()
        .code(1)
        .stderr_has("unknown feature `dual`")
        .stderr_has("cases[0].expect.features[0]")
        .stderr_has("cases[0].expect.hidden[0]");
}
