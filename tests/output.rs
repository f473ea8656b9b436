//! `score` output shaped for analysts: problems as data, the trace's
//! detail, chosen columns, duplicate ids, other delimiters.

use serde_json::Value;

use crate::batch::csv_with;
use crate::harness::{Output, Test};

fn score(input: &str, extra: &[&str]) -> Output {
    let mut args = vec!["score", "-"];
    args.extend_from_slice(extra);
    Test::new().args(&args).stdin(input).run()
}

fn jsonl(out: &Output) -> Vec<Value> {
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// (column, value, code) of each of a record's `errors`.
fn problems(record: &Value) -> Vec<(String, String, String)> {
    record["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|p| {
            let text = |k: &str| p[k].as_str().unwrap_or("<null>").to_string();
            (text("column"), text("value"), text("code"))
        })
        .collect()
}

#[test]
fn every_problem_of_a_row_is_an_entry_with_its_column_value_and_code() {
    let input = csv_with(&[
        ("ok", &[]),
        (
            "many",
            &[
                ("phq9_3", "7"),
                ("gad7_1", "y"),
                ("phq9_1", ""),
                ("audit_9", "1"),
            ],
        ),
    ]);
    let out = score(&input, &["--format", "jsonl"]).code(1);
    let records = jsonl(&out);
    assert_eq!(records[0]["errors"], Value::Array(vec![]));
    let got = problems(&records[1]);
    let want = [
        ("phq9_1", "", "missing"),
        ("phq9_3", "7", "not_a_code"),
        ("gad7_1", "y", "not_a_code"),
        ("audit_9", "1", "not_a_code"),
    ];
    for (column, value, code) in want {
        assert!(
            got.contains(&(column.into(), value.into(), code.into())),
            "{column} missing from {got:?}"
        );
    }
    assert_eq!(got.len(), want.len(), "{got:?}");
    for p in records[1]["errors"].as_array().expect("errors") {
        assert_eq!(p["row"], 3);
        let message = p["message"].as_str().expect("message");
        assert!(
            records[1]["error"]
                .as_str()
                .expect("error")
                .contains(message),
            "{message}"
        );
    }
}

#[test]
fn a_row_that_does_not_fit_the_header_still_names_its_bad_answers() {
    let input = csv_with(&[("long", &[("phq9_3", "7")])]);
    // One more, non-blank, cell at the end of the data row.
    let input = input.trim_end().to_string() + ",extra\n";
    let out = score(&input, &["--format", "jsonl"]).code(1);
    let got = problems(&jsonl(&out)[0]);
    assert_eq!(
        got,
        [
            ("<null>".into(), "<null>".into(), "field_count".into()),
            ("phq9_3".into(), "7".into(), "not_a_code".into()),
        ]
    );
    // The CSV error names both too.
    let out = score(&input, &[]).code(1);
    let error = &out.csv_rows()[0]["error"];
    assert!(error.contains("fields, the header has"), "{error}");
    assert!(error.contains("column `phq9_3`"), "{error}");
}

#[test]
fn a_row_without_an_id_names_its_bad_answers_too() {
    let input = csv_with(&[(" ", &[("gad7_2", "9")])]);
    let out = score(&input, &["--format", "jsonl"]).code(1);
    assert_eq!(
        problems(&jsonl(&out)[0]),
        [
            ("id".into(), " ".into(), "missing_id".into()),
            ("gad7_2".into(), "9".into(), "not_a_code".into()),
        ]
    );
}

#[test]
fn a_problem_names_the_column_as_the_header_spells_it() {
    let input = csv_with(&[("a", &[("phq9_3", "x")])]).replacen("phq9_3", "PHQ9_3", 1);
    let out = score(&input, &["--format", "jsonl"]).code(1);
    assert_eq!(
        problems(&jsonl(&out)[0]),
        [("PHQ9_3".into(), "x".into(), "not_a_code".into())]
    );
}

#[test]
fn the_trace_is_full_by_default_fired_only_or_left_out() {
    let input = csv_with(&[("w", &[("withdrawal_history", "1"), ("daily_use", "1")])]);
    let trace = |extra: &[&str]| {
        let mut args = vec!["--format", "jsonl"];
        args.extend_from_slice(extra);
        let record = jsonl(&score(&input, &args).code(0)).remove(0);
        record["result"].get("trace").cloned()
    };
    let full = trace(&[]).expect("a full trace");
    let full = full.as_array().expect("list");
    assert_eq!(
        trace(&["--trace", "full"]).as_ref(),
        Some(&Value::Array(full.clone()))
    );
    let fired = trace(&["--trace", "fired"]).expect("a fired trace");
    let fired = fired.as_array().expect("list");
    let fired_in_full: Vec<&Value> = full.iter().filter(|e| e["fired"] == true).collect();
    assert!(!fired.is_empty());
    assert!(fired.len() < full.len());
    assert_eq!(fired.iter().collect::<Vec<_>>(), fired_in_full);
    assert_eq!(trace(&["--trace", "none"]), None, "no trace key");
    score(&input, &["--trace", "fired"])
        .code(2)
        .stderr_has("--trace shapes the JSON Lines trace");
}

#[test]
fn trace_none_keeps_every_flag_and_warning() {
    let input = csv_with(&[(
        "s",
        &[("phq9_9", "2"), ("pcptsd5_0", "0"), ("pcptsd5_1", "1")],
    )]);
    let full = jsonl(&score(&input, &["--format", "jsonl"]).code(0)).remove(0);
    let none = jsonl(&score(&input, &["--format", "jsonl", "--trace", "none"]).code(0)).remove(0);
    for key in ["flags", "level", "crisis", "warning_codes", "note"] {
        assert_eq!(full["result"][key], none["result"][key], "{key}");
    }
    assert!(!full["result"]["flags"]
        .as_array()
        .expect("flags")
        .is_empty());
}

#[test]
fn a_short_row_names_its_invalid_values_not_each_absent_cell() {
    let input = csv_with(&[]) + "short,7\n";
    let header = input.lines().next().expect("header").to_string();
    // Put the bad value in the second column, whatever it is.
    let second = header
        .split(',')
        .nth(1)
        .expect("a second column")
        .to_string();
    let out = score(&input, &["--format", "jsonl"]).code(1);
    let got = problems(&jsonl(&out)[0]);
    assert_eq!(got[0].2, "field_count");
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1], (second, "7".into(), "not_a_code".into()));
}

/// Rows of every kind: scored in a group, scored with a warning, rejected
/// with a flag its answers establish, rejected without an id.
fn mixed_rows() -> String {
    csv_with(&[
        ("plain", &[]),
        ("w", &[("withdrawal_history", "1"), ("daily_use", "1")]),
        ("hidden", &[("cssrs_4", "1")]),
        ("bad", &[("phq9_9", "3"), ("phq9_1", "x")]),
        ("", &[("gad7_1", "1")]),
    ])
}

#[test]
fn chosen_columns_hold_the_cells_of_the_whole_row_in_the_order_asked() {
    let input = mixed_rows();
    let whole = score(&input, &[]).code(1).csv_rows();
    let chosen = [
        "flags",
        "reasons",
        "phq9_score",
        "cssrs_risk",
        "error",
        "crisis",
        "level",
    ];
    let list = chosen.join(",");
    let out = score(&input, &["--columns", &list]).code(1);
    let header = out.stdout.lines().next().expect("header");
    assert_eq!(header, format!("id,{list}"));
    let rows = out.csv_rows();
    assert_eq!(rows.len(), whole.len());
    for (row, full) in rows.iter().zip(&whole) {
        assert_eq!(row.len(), chosen.len() + 1);
        for name in std::iter::once("id").chain(chosen) {
            assert_eq!(row[name], full[name], "{name} of {}", full["id"]);
        }
    }
    // The id column is first even when listed later; the checks ran.
    let out = score(
        &input,
        &["--columns", "level,id,crisis,flags", "--threads", "2"],
    )
    .code(1);
    assert!(
        out.stdout.starts_with("id,level,crisis,flags\n"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stderr.contains("--columns leaves out"),
        "{}",
        out.stderr
    );
    assert!(rows.iter().any(|r| !r["flags"].is_empty()));
}

#[test]
fn leaving_out_a_risk_column_warns_once_even_when_quiet() {
    let input = mixed_rows();
    let out = score(&input, &["--columns", "level,phq9_score", "-q"]).code(1);
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("--columns leaves out"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(warnings[0].starts_with("warning: --columns leaves out `crisis`, `flags`"));
    let out = score(&input, &["--columns", "level,flags", "-q"]).code(1);
    assert!(
        out.stderr.contains("leaves out `crisis`:"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_or_repeated_column_is_a_usage_error() {
    let input = mixed_rows();
    score(&input, &["--columns", "level,levle"])
        .code(2)
        .stderr_has(
            "`levle` is not an output column; valid names: level, level_name, crisis, flags,",
        );
    score(&input, &["--columns", "level,flags,level"])
        .code(2)
        .stderr_has("`level` is listed twice");
    score(&input, &["--columns", "level", "--format", "jsonl"])
        .code(2)
        .stderr_has("--columns chooses CSV columns");
}

#[test]
fn chosen_columns_keep_the_note_last() {
    let input = csv_with(&[("a", &[])]);
    let out = score(
        &input,
        &["--columns", "crisis,flags,level", "--note-column"],
    )
    .code(0);
    assert!(out.stdout.starts_with("id,crisis,flags,level,note\n"));
    let rows = out.csv_rows();
    assert!(rows[0]["note"].contains("not a diagnosis"));
}

/// `n` rows whose ids repeat every `period` rows, a blank line after row
/// 100 and a quoted id now and then (read by the parser, not split).
fn repeating_ids(n: usize, period: usize) -> String {
    let base = csv_with(&[("x", &[])]);
    let mut lines = base.lines();
    let header = lines.next().expect("header");
    let example = lines.next().expect("row");
    let rest = &example[example.find(',').expect("cells")..];
    let mut out = format!("{header}\n");
    for i in 0..n {
        let id = format!("r{}", i % period);
        if i % 97 == 5 {
            out.push_str(&format!("\"{id}\"{rest}\n"));
        } else {
            out.push_str(&format!("{id}{rest}\n"));
        }
        if i == 100 {
            out.push('\n');
        }
    }
    out
}

#[test]
fn check_ids_warns_every_later_row_with_an_earlier_id_on_any_thread_count() {
    let (n, period) = (1500, 700);
    let input = repeating_ids(n, period);
    // Sheet row of data row i: the header is row 1, a blank line after i = 100.
    let sheet = |i: usize| i + 2 + usize::from(i > 100);
    let mut outputs = Vec::new();
    for threads in ["1", "3"] {
        let out = score(&input, &["--check-ids", "--threads", threads]).code(0);
        let rows = out.csv_rows();
        assert_eq!(rows.len(), n);
        for (i, row) in rows.iter().enumerate() {
            let want = match i >= period {
                true => format!("duplicate_id:{}", sheet(i % period)),
                false => String::new(),
            };
            assert_eq!(row["warnings"], want, "row {i} on {threads} thread(s)");
        }
        assert!(out
            .stderr
            .contains("800 row(s) repeat the id of an earlier row"));
        outputs.push(out.stdout);
    }
    assert_eq!(outputs[0], outputs[1]);
    let plain = score(&input, &["--threads", "3"]).code(0);
    assert!(!plain.stdout.contains("duplicate_id"));
    assert!(!plain.stderr.contains("repeat the id"));
}

#[test]
fn check_ids_adds_its_warning_to_other_warnings_and_to_json_lines() {
    let input = csv_with(&[
        ("a", &[]),
        ("a", &[("pcptsd5_0", "0"), ("pcptsd5_1", "1")]),
        ("a", &[("phq9_1", "x")]),
    ]);
    let out = score(&input, &["--check-ids"]).code(1);
    let rows = out.csv_rows();
    assert_eq!(rows[0]["warnings"], "");
    assert_eq!(
        rows[1]["warnings"],
        "hidden_ignored:pcptsd5_1;duplicate_id:2"
    );
    assert!(
        rows[2]["warnings"].ends_with("duplicate_id:2"),
        "{}",
        rows[2]["warnings"]
    );
    let records = jsonl(&score(&input, &["--check-ids", "--format", "jsonl"]).code(1));
    let codes = |v: &Value| v["warning_codes"].as_array().expect("codes").clone();
    assert_eq!(codes(&records[0]["result"]), Vec::<Value>::new());
    assert!(codes(&records[1]["result"]).contains(&Value::from("duplicate_id:2")));
    assert!(codes(&records[2]["partial"]).contains(&Value::from("duplicate_id:2")));
}

/// Every record of `text`, cells separated by `delimiter`, as the csv
/// crate reads it.
fn records(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a record").iter().map(String::from).collect())
        .collect()
}

#[test]
fn another_delimiter_reads_and_writes_the_same_cells_as_commas() {
    // A row with a quoted id holding the delimiters goes through the parser.
    let commas = mixed_rows()
        + &csv_with(&[("q", &[("phq9_9", "1")])])
            .lines()
            .nth(1)
            .expect("row")
            .replacen("q,", "\"q;|\t,q\",", 1)
        + "\n";
    let expected = score(&commas, &["--check-ids"]).code(1).stdout;
    let expected = records(&expected, b',');
    assert!(expected.iter().any(|r| r[0] == "q;|\t,q"));
    for (arg, byte) in [(";", b';'), ("tab", b'\t'), ("\\t", b'\t'), ("|", b'|')] {
        let input = records(&commas, b',')
            .iter()
            .map(|cells| {
                let mut line = Vec::new();
                let mut writer = csv::WriterBuilder::new()
                    .delimiter(byte)
                    .from_writer(&mut line);
                writer.write_record(cells).expect("write");
                drop(writer);
                String::from_utf8(line).expect("utf-8")
            })
            .collect::<String>();
        for threads in ["1", "2"] {
            let out = score(&input, &["-d", arg, "--check-ids", "--threads", threads]).code(1);
            assert_eq!(records(&out.stdout, byte), expected, "-d {arg}");
        }
    }
}

#[test]
fn a_semicolon_delimiter_quotes_lists_of_flags_and_reasons() {
    let input =
        csv_with(&[("c", &[("withdrawal_history", "1"), ("daily_use", "1")])]).replace(',', ";");
    let out = score(&input, &["-d", ";", "--columns", "flags,reasons,crisis"]).code(0);
    let row = out.stdout.lines().nth(1).expect("a row");
    assert!(row.starts_with("c;\""), "{row}");
    let cells = &records(&out.stdout, b';')[1];
    assert_eq!(cells.len(), 4, "{row}");
    assert!(cells[1].contains(';'), "{row}");
}

#[test]
fn an_unknown_delimiter_is_a_usage_error() {
    score("id\n", &["-d", "x"])
        .code(2)
        .stderr_has("expected one of `,` `;` `tab`");
}

#[test]
fn rules_diff_and_explain_read_data_with_another_delimiter() {
    let commas = csv_with(&[("a", &[("phq9_9", "2")]), ("b", &[])]);
    let dir = tempfile::tempdir().expect("temp dir");
    let (c, tsv) = (dir.path().join("c.csv"), dir.path().join("t.tsv"));
    std::fs::write(&c, &commas).expect("write");
    std::fs::write(&tsv, commas.replace(',', "\t")).expect("write");
    let (c, tsv) = (c.display().to_string(), tsv.display().to_string());
    let run = |args: &[&str]| Test::new().args(args).run().code(0).stdout;
    let diff = |data: &str, extra: &[&str]| {
        let mut args = vec!["rules", "diff", "rules", "rules", "--data", data];
        args.extend_from_slice(extra);
        run(&args).replace(data, "DATA")
    };
    let by_tab = diff(&tsv, &["-d", "tab"]);
    assert_eq!(by_tab, diff(&c, &[]));
    assert!(by_tab.contains("2 record(s) in DATA"), "{by_tab}");
    let explain = |data: &str, extra: &[&str]| {
        let mut args = vec!["explain", "--data", data, "--id", "a"];
        args.extend_from_slice(extra);
        let name = std::path::Path::new(data).file_name().expect("name");
        run(&args).replace(&*name.to_string_lossy(), "DATA")
    };
    let by_tab = explain(&tsv, &["-d", "\\t"]);
    assert_eq!(by_tab, explain(&c, &[]));
    assert!(by_tab.contains("suicidal_ideation"), "{by_tab}");
}

#[test]
fn check_ids_finds_the_id_in_any_column() {
    // The id column last, so finding it means walking every delimiter.
    let input = csv_with(&[("a", &[]), ("b", &[]), ("a", &[])]);
    let moved: String = input
        .lines()
        .map(|l| {
            let (id, rest) = l.split_once(',').expect("cells");
            format!("{rest};{id}\n")
        })
        .collect::<String>()
        .replace(',', ";");
    let out = score(&moved, &["--check-ids", "-d", ";"]).code(0);
    let warnings: Vec<String> = records(&out.stdout, b';')
        .iter()
        .skip(1)
        .map(|r| r[r.len() - 2].clone())
        .collect();
    assert_eq!(warnings, ["", "", "duplicate_id:2"]);
}
