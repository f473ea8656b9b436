//! `explain`: a record file read as a batch row is, a row of a batch file
//! explained as `score` scored it, `--fill least-severe`, `--fired-only`,
//! the words for a missing value, errors that never quote the file, and a
//! closed pipe. Also `rules show --format text`, which carries no Markdown.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::harness::{root, Test, BIN};

fn minimal() -> String {
    root()
        .join("tests/fixtures/rules/minimal")
        .to_string_lossy()
        .into_owned()
}

/// `explain FILE --rules minimal` on a record written to a temporary file.
fn explain_minimal(record: &str, rest: &[&str]) -> crate::harness::Output {
    let rules = minimal();
    Test::in_temp_dir()
        .file("r.yaml", record)
        .args(&["explain", "r.yaml", "--rules", &rules])
        .args(rest)
        .run()
}

/// The "recommended level" line of a result table.
fn level_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.contains("recommended level"))
        .unwrap_or_default()
}

#[test]
fn a_row_of_a_batch_file_is_explained_as_score_scored_it() {
    let scored = Test::new()
        .args(&["score", "examples/intake.csv"])
        .run()
        .code(1);
    let rows = scored.csv_rows();
    assert!(rows.len() >= 6);
    let (mut seen_scored, mut seen_rejected) = (0, 0);
    for row in &rows {
        let id = row["id"].as_str();
        let out = Test::new()
            .args(&["explain", "--data", "examples/intake.csv", "--id", id])
            .run();
        if row["error"].is_empty() {
            let out = out.code(0);
            let line = level_line(&out.stdout);
            assert!(line.contains(&row["level_name"]), "{id}: {line}");
            // Every flag `score` raised is in the explanation.
            for flag in row["flags"].split(';').filter(|f| !f.is_empty()) {
                assert!(
                    out.stdout.contains(&format!("[fired] flag {flag}")),
                    "{id}: {flag}"
                );
            }
            seen_scored += 1;
        } else {
            let out = out.code(1);
            // `row 7, column ...` in the error column; the same problems here.
            let (_, problems) = row["error"].split_once(", ").expect("row number");
            let problems = problems
                .split("; the answers given already raise")
                .next()
                .unwrap_or_default();
            assert!(
                out.stdout.starts_with(&format!(
                    "examples/intake.csv, row 7:\n\nThe record is rejected: {problems}.\n"
                )),
                "{id}: {}",
                out.stdout
            );
            seen_rejected += 1;
        }
    }
    assert!(seen_scored >= 5 && seen_rejected >= 1);
}

#[test]
fn a_row_that_does_not_line_up_is_rejected_as_score_rejects_it() {
    let t = Test::in_temp_dir().file("d.csv", "id,mood_1,mood_2,mood_3\nshort,2,0\n");
    let rules = minimal();
    let out = t
        .args(&[
            "explain", "--rules", &rules, "--data", "d.csv", "--id", "short",
        ])
        .run()
        .code(1);
    assert!(
        out.stdout.starts_with(
            "d.csv, row 2:\n\nThe record is rejected: record has 3 fields, the header has 4.\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn an_id_on_no_row_is_an_error_and_every_row_with_the_id_is_explained() {
    let t = Test::in_temp_dir().file("d.csv", "id,mood_1,mood_2,mood_3\na,2,0,\nb,0,0,\na,0,0,\n");
    let rules = minimal();
    let t = t.args(&["explain", "--rules", &rules, "--data", "d.csv", "--id"]);
    let out = t.args(&["a"]).run().code(0);
    assert!(
        out.stdout
            .starts_with("d.csv, row 2 (1 of 2 rows with the id `a`):\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\nd.csv, row 4 (2 of 2 rows with the id `a`):\n"),
        "{}",
        out.stdout
    );
    let t = Test::in_temp_dir().file("d.csv", "id,mood_1,mood_2,mood_3\na,2,0,\n");
    t.args(&[
        "explain", "--rules", &rules, "--data", "d.csv", "--id", "zz",
    ])
    .run()
    .code(2)
    .stderr_is("error: no row of `d.csv` has the id `zz` in column `id`\n");
}

#[test]
fn answers_given_as_strings_are_read_as_batch_cells_are() {
    let numbers = explain_minimal("{\"mood_1\": 2, \"mood_2\": 0}", &[]).code(0);
    let strings = explain_minimal("{\"mood_1\": \"2\", \"mood_2\": \" 0 \"}", &[]).code(0);
    assert_eq!(numbers.stdout, strings.stdout);
    let words = explain_minimal("mood_1: \"2\"\nmood_2: no\n", &[]).code(0);
    assert_eq!(numbers.stdout, words.stdout);
    assert!(
        level_line(&numbers.stdout).contains("High"),
        "{}",
        numbers.stdout
    );
}

#[test]
fn an_invalid_or_missing_answer_rejects_the_record_as_score_rejects_the_row() {
    for (record, problem) in [
        (
            "mood_1: 9\nmood_2: 0\n",
            "column `mood_1`: `9` is not a valid answer (expected one of 0, 1, 2)",
        ),
        (
            "mood_1: 1.0\nmood_2: 0\n",
            "column `mood_1`: `1.0` is not a valid answer (expected one of 0, 1, 2)",
        ),
        (
            "mood_1: true\nmood_2: 0\n",
            "column `mood_1`: `true` is not a valid answer (expected one of 0, 1, 2)",
        ),
        // A null is no answer, never 0.
        (
            "mood_1: null\nmood_2: 0\n",
            "column `mood_1`: missing required answer",
        ),
        ("mood_2: 0\n", "column `mood_1`: missing required answer"),
        (
            "mood_1: \"\"\nmood_2: 0\n",
            "column `mood_1`: missing required answer",
        ),
    ] {
        let out = explain_minimal(record, &[]).code(1);
        assert!(
            out.stdout
                .starts_with(&format!("The record is rejected: {problem}.\n")),
            "{record}: {}",
            out.stdout
        );
    }
}

#[test]
fn errors_about_the_file_name_its_place_and_never_its_content() {
    let secret = "id,mood_1,mood_2\nsecret-client-name,2,0\n";
    let rules = minimal();
    let cases = [
        (
            secret,
            "error: `r.yaml`: expected a map of item ids to answer codes (`phq9_1: 2`), \
                  found text; a batch CSV file is explained one row at a time with \
                  `--data FILE --id ID`\n --> r.yaml:1:1\n",
        ),
        (
            "mood_1: 2\nmood_2: [secret-client-name]\n",
            "error: `r.yaml`: item `mood_2`: expected an \
                  answer code (a number, or text such as `yes`), found a list\n --> r.yaml:2:9\n",
        ),
        (
            "mood_1: 2\nmood_1: 1\n",
            "error: `r.yaml`: item `mood_1` is given more than once\n",
        ),
        (
            "mood_1: 2\nmood_9: 1\n",
            "error: `r.yaml`: `mood_9` is not an item of this rule set \
                  (`carescreen template` lists the item ids)\n",
        ),
        (
            "mood_1: \"secret-client-name\n",
            "error: `r.yaml`: not valid YAML or JSON\n --> r.yaml:2:1\n",
        ),
    ];
    for (text, expected) in cases {
        let out = Test::in_temp_dir()
            .file("r.yaml", text)
            .args(&["explain", "r.yaml", "--rules", &rules])
            .run()
            .code(2);
        assert!(!out.stderr.contains("secret"), "{}", out.stderr);
        assert_eq!(out.stderr, expected, "{text}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn fill_least_severe_answers_what_the_record_leaves_out_and_lists_it() {
    let partial = "mood_1: 2\n";
    explain_minimal(partial, &[])
        .code(1)
        .stdout_has("The record is rejected: column `mood_2`: missing required answer.");
    let out = explain_minimal(partial, &["--fill", "least-severe"]).code(0);
    assert!(
        out.stdout.starts_with(
            "Filled with their least severe answer, as test cases are (--fill least-severe), \
             not given in the record: mood_2.\n\n"
        ),
        "{}",
        out.stdout
    );
    // mood_2 filled with "no" hides mood_3: it is not filled.
    assert!(
        out.stdout.contains("saw item mood_3 = not asked (skipped)"),
        "{}",
        out.stdout
    );
    assert!(level_line(&out.stdout).contains("High"), "{}", out.stdout);
    // A named blank is never filled (never 0).
    explain_minimal("mood_1: 2\nmood_2: null\n", &["--fill", "least-severe"])
        .code(1)
        .stdout_has("The record is rejected: column `mood_2`: missing required answer.");
    // Filling never hides a risk the record gives.
    let out = explain_minimal("mood_2: 1\nmood_3: 1\n", &["--fill", "least-severe"]).code(0);
    assert!(
        out.stdout.contains("not given in the record: mood_1.\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("[fired] flag danger -> crisis"),
        "{}",
        out.stdout
    );
    // A filled answer to a question a safety flag reads is warned of.
    let out = Test::in_temp_dir()
        .file("r.yaml", "phq9_1: 1\n")
        .args(&["explain", "r.yaml", "--fill", "least-severe"])
        .run()
        .code(0);
    let warning = out
        .stdout
        .lines()
        .find(|l| l.starts_with("warning: a filled answer assumes no risk"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(warning.contains("phq9_9 (suicidal_ideation)"), "{warning}");
    assert!(
        warning.contains("harm_others (harm_others_intent, harm_others_thoughts)"),
        "{warning}"
    );
    // The minimal rules' danger question, given, is not warned of.
    let out = explain_minimal("mood_2: 1\nmood_3: 0\n", &["--fill", "least-severe"]).code(0);
    assert!(
        !out.stdout.contains("warning: a filled answer"),
        "{}",
        out.stdout
    );
    // Nothing left out: said so.
    explain_minimal("mood_1: 0\nmood_2: 0\n", &["--fill", "least-severe"])
        .code(0)
        .stdout_has("Nothing filled (--fill least-severe)");
}

#[test]
fn fill_with_data_answers_the_items_the_file_has_no_column_for() {
    let t = Test::in_temp_dir().file("d.csv", "id,mood_1,mood_2,mood_3\na,2,0,\n");
    let rules = root().join("tests/fixtures/diff/new-item");
    let rules = rules.to_str().expect("path");
    let t = t.args(&["explain", "--rules", rules, "--data", "d.csv", "--id", "a"]);
    t.run()
        .code(2)
        .stderr_has("missing required column(s) `sleep_1`");
    let out = t.args(&["--fill", "least-severe"]).run().code(0);
    assert!(
        out.stdout.starts_with(
            "d.csv, row 2:\n\nFilled with their least severe answer, as test cases are \
             (--fill least-severe), not given in the record: sleep_1.\n\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn fired_only_lists_only_what_fired_and_keeps_every_flag() {
    let scored = Test::new()
        .args(&["score", "examples/intake.csv"])
        .run()
        .code(1);
    let rows = scored.csv_rows();
    let crisis = rows
        .iter()
        .find(|r| r["crisis"] == "true")
        .expect("a crisis row");
    let args = [
        "explain",
        "--data",
        "examples/intake.csv",
        "--id",
        &crisis["id"],
    ];
    let all = Test::new().args(&args).run().code(0);
    assert!(all.stdout.contains("[  -  ]"), "{}", all.stdout);
    let out = Test::new()
        .args(&args)
        .args(&["--fired-only"])
        .run()
        .code(0);
    assert!(!out.stdout.contains("[  -  ]"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("The rules that fired, in the order the engine evaluates them:\n"),
        "{}",
        out.stdout
    );
    let flags: Vec<&str> = crisis["flags"].split(';').collect();
    assert!(flags.len() >= 2, "{flags:?}");
    for flag in flags {
        assert!(
            out.stdout.contains(&format!("[fired] flag {flag}")),
            "{flag}: {}",
            out.stdout
        );
    }
    let fired = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.contains("[fired]"))
            .map(String::from)
            .collect()
    };
    assert_eq!(fired(&out.stdout), fired(&all.stdout));
    // The result table is the same, the crisis in it too.
    // After the heading naming the row.
    let table = |s: &str| s.split("\n\n").nth(1).unwrap_or_default().to_string();
    assert_eq!(table(&out.stdout), table(&all.stdout));
    assert!(table(&out.stdout).contains("CRISIS"), "{}", out.stdout);
}

#[test]
fn a_missing_value_is_named_for_what_it_is_never_none() {
    // A shown question left blank (optional), in the default rules.
    let out = Test::new()
        .args(&[
            "explain",
            "--data",
            "examples/clinical-review.csv",
            "--id",
            "r8-phq9-item10-blank",
        ])
        .run()
        .code(0);
    assert!(
        out.stdout.contains("item phq9_10 = unanswered"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("= not asked (skipped)"),
        "{}",
        out.stdout
    );
    let clinical = out.stdout;
    // A scale without a score.
    let rules = root().join("tests/fixtures/rules/prorate");
    let t = Test::in_temp_dir().file(
        "r.yaml",
        "p_1: 0\np_2: 0\np_3: 0\np_4: 0\nq_1: 1\nr_1: 0\nr_2: 0\nr_3: 0\n",
    );
    let out = t
        .args(&[
            "explain",
            "r.yaml",
            "--rules",
            rules.to_str().expect("path"),
        ])
        .run()
        .code(0);
    assert!(
        out.stdout.contains("saw scale q = no score"),
        "{}",
        out.stdout
    );
    assert!(clinical.contains("rating cssrs_risk = none"), "{clinical}");
    // `none` is a grade's name (C-SSRS risk), never an item's or a scale's value.
    for text in [&clinical, &out.stdout] {
        for line in text.lines().filter(|l| l.trim_start().starts_with("saw ")) {
            for part in line.trim_start()["saw ".len()..].split(", ") {
                // (A band's or a grade's value is its id, and `none` is one.)
                let value_of_answer = ["item ", "scale "].iter().any(|p| part.starts_with(p));
                assert!(!(value_of_answer && part.ends_with("= none")), "{line}");
            }
        }
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // A large file keeps the command reading while the pipe closes.
    let mut csv = String::from("id,mood_1,mood_2,mood_3\n");
    for n in 0..200_000 {
        csv.push_str(&format!("r{n},1,0,\n"));
    }
    csv.push_str("last,2,1,1\n");
    let t = Test::in_temp_dir().file("big.csv", csv);
    let rules = minimal();
    for args in [
        vec![
            "explain", "--rules", &rules, "--data", "big.csv", "--id", "last",
        ],
        vec!["rules", "diff", &rules, &rules, "--data", "big.csv"],
        // These write at once; the pipe is most often closed first.
        vec!["rules", "show"],
        vec!["rules", "check"],
        vec!["rules", "test"],
        vec!["template"],
    ] {
        let mut child = Command::new(BIN)
            .args(&args)
            .current_dir(t.path(""))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start");
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("read");
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn rules_show_as_text_carries_no_markdown() {
    let text = Test::new()
        .args(&["rules", "show", "--format", "text"])
        .run()
        .code(0)
        .stdout;
    for line in text.lines() {
        let t = line.trim();
        assert!(!t.starts_with('#'), "{line}");
        assert!(!(t.starts_with('*') || t.ends_with('*')), "{line}");
        assert!(!t.starts_with('|') && !t.contains("\\|"), "{line}");
        assert!(!line.contains('`') && !line.contains("**"), "{line}");
    }
    // The preamble is kept, as words; nested lists keep their indentation.
    assert!(text.contains("\nOver the last 2 weeks, how often have you been bothered by any of the following problems?\n"));
    assert!(
        text.contains("\n  - none C-SSRS: no item endorsed: otherwise\n"),
        "{text}"
    );
}

/// Words of `explain`'s English output that must never be left in its
/// Spanish output: headings, the rule lines' words, why and why not, the
/// words for a value that is not there, the row and warning labels.
const ENGLISH_EXPLAIN_WORDS: &[&str] = &[
    "Every rule, in the order",
    "The rules that fired",
    "Why ",
    "Why not",
    "the next level up",
    "none of these held",
    "[fired]",
    "        when ",
    "        saw ",
    "] rating ",
    "] flag ",
    "] domain ",
    "] rule ",
    "] condition ",
    "] feature ",
    "item ",
    "band ",
    "scale ",
    "rating ",
    "domain ",
    "flag ",
    "unanswered",
    "not asked (skipped)",
    "no score",
    "not rated",
    "not raised",
    "raised",
    "answer to a skipped question",
    "when the other rules give",
    "said at",
    ", row ",
    "rows with the id",
    "warning:",
    "Nothing filled",
    "Filled with",
    "The record is rejected",
    "The answers given already raise",
    "missing required answer",
    "is not a valid answer",
    "expected ",
];

/// Each line of `text` that holds one of the English words, with the word.
fn english_in(text: &str) -> Vec<(String, &'static str)> {
    text.lines()
        .flat_map(|line| {
            ENGLISH_EXPLAIN_WORDS
                .iter()
                .filter(move |w| line.contains(*w))
                .map(move |w| (line.to_string(), *w))
        })
        .collect()
}

#[test]
fn the_english_word_list_finds_every_kind_of_line_of_the_english_explanation() {
    // The list can fail: run over the English output, it finds each kind of
    // line (a rule, its condition and values, why, why not).
    let out = Test::new()
        .args(&["explain", "--data", "examples/intake.csv", "--id", "c002"])
        .args(&["--fill", "least-severe"])
        .run()
        .code(0);
    let found: Vec<&str> = english_in(&out.stdout).iter().map(|(_, w)| *w).collect();
    for word in [
        "[fired]",
        "        when ",
        "        saw ",
        "Why ",
        "Why not",
        ", row ",
    ] {
        assert!(
            found.contains(&word),
            "{word} not found in:\n{}",
            out.stdout
        );
    }
}

#[test]
fn explain_in_spanish_has_no_english_line() {
    let record = "phq9_1: 2\ncssrs_1: 1\ncssrs_2: 0\ncssrs_4: 1\n";
    let data = root()
        .join("examples/intake.csv")
        .to_string_lossy()
        .into_owned();
    let row = |id: &'static str| vec!["explain", "--data", &data, "--id", id];
    let runs = [
        // A batch row, every rule; the same, the fired ones only; a row
        // whose answers reach the crisis route; a row filled.
        row("c002"),
        [row("c002"), vec!["--fired-only"]].concat(),
        row("c003"),
        // A row rejected for an answer it does not take.
        row("c006"),
        [row("c005"), vec!["--fill", "least-severe"]].concat(),
        // A record file, filled; and rejected as it stands.
        vec!["explain", "r.yaml", "--fill", "least-severe"],
        vec!["explain", "r.yaml"],
    ];
    for args in runs {
        let out = Test::in_temp_dir()
            .file("r.yaml", record)
            .args(&args)
            .args(&["--lang", "es"])
            .run();
        assert!(!out.stdout.is_empty(), "{args:?}");
        // The note of a rejected record is `score`'s, which names each
        // problem as its `error` column does: only the explanation's own
        // lines are checked there.
        let own = out.stdout.split("REGISTRO INCOMPLETO").next().unwrap_or("");
        let english = english_in(own);
        assert!(
            english.is_empty(),
            "{args:?}: English in Spanish: {english:#?}"
        );
    }
}

#[test]
fn explain_in_spanish_says_each_rule_line_in_spanish() {
    let out = Test::new()
        .args(&["explain", "--data", "examples/intake.csv", "--id", "c003"])
        .args(&["--fill", "least-severe", "--lang", "es"])
        .run()
        .code(0);
    for part in [
        "examples/intake.csv, fila 4:",
        "Todas las reglas, en el orden en que se evalúan:",
        "  [se cumple] alerta suicide_risk_high -> crisis\n        cuando valoración cssrs_risk >= high\n        valores: valoración cssrs_risk = high\n",
        "pregunta cssrs_6_recent = no se preguntó (omitida)",
        "alerta withdrawal_danger = no activada",
        "  [    -    ] regla no_home_for_day_treatment -> residential, cuando las demás reglas dan php\n",
        "(Operadores del conjunto de reglas: all = se cumplen todas",
    ] {
        assert!(out.stdout.contains(part), "{part}\n---\n{}", out.stdout);
    }
}

#[test]
fn an_unknown_language_warns_once_and_goes_on_in_english_for_every_command() {
    let warning =
        "warning: neither the rule set nor carescreen has texts in `fr`; English is used\n";
    let runs: [&[&str]; 2] = [
        &[
            "score",
            "examples/intake.csv",
            "--summary",
            "none",
            "--quiet",
        ],
        &[
            "explain",
            "--data",
            "examples/intake.csv",
            "--id",
            "c002",
            "--fill",
            "least-severe",
        ],
    ];
    for args in runs {
        let (fr, en) = (
            Test::new().args(args).args(&["--lang", "fr"]).run(),
            Test::new().args(args).run(),
        );
        assert_eq!(fr.stdout, en.stdout, "{args:?}: English output");
        assert_eq!(
            fr.stderr.matches(warning).count(),
            1,
            "{args:?}: {}",
            fr.stderr
        );
        assert_eq!(fr.stderr.replacen(warning, "", 1), en.stderr, "{args:?}");
    }
}

#[test]
fn a_regional_spanish_code_uses_the_spanish_texts() {
    let out = Test::new()
        .args(&["explain", "--data", "examples/intake.csv", "--id", "c002"])
        .args(&["--fill", "least-severe", "--lang", "es-MX"])
        .run()
        .code(0)
        .stdout_has("Todas las reglas, en el orden en que se evalúan:")
        .stdout_has("Programa Ambulatorio Intensivo (IOP)");
    let note = out.stderr.lines().next().unwrap_or_default();
    assert!(
        note.starts_with("note: ") && note.contains("texts have no `es-MX` or `es` translation"),
        "{}",
        out.stderr
    );
}
