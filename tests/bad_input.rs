//! The bad-input corpus: each folder under tests/fixtures/batch/ holds an
//! `input.csv` and what `carescreen score` must make of it with the
//! `minimal` rule set (a small, stable one, so the goldens do not change
//! with the default rules): `expected.out`, `expected.err` and
//! `expected.code`. Set CARESCREEN_BLESS=1 to rewrite them after a
//! deliberate change, then review the diff.

use crate::harness::{root, Test};

#[test]
fn every_bad_input_case_gives_its_expected_output() {
    let bless = std::env::var_os("CARESCREEN_BLESS").is_some();
    let dir = root().join("tests/fixtures/batch");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 17, "cases went missing: {names:?}");
    let mut failures = Vec::new();
    for name in names {
        let case = dir.join(&name);
        let input = std::fs::read(case.join("input.csv")).expect("input.csv");
        let out = Test::new()
            .args(&[
                "score",
                "-",
                "--rules",
                "tests/fixtures/rules/minimal",
                "--threads",
                "1",
            ])
            .stdin(input)
            .run();
        let files = [
            ("expected.out", out.stdout.clone()),
            ("expected.err", out.stderr.clone()),
            ("expected.code", format!("{}\n", out.code)),
        ];
        for (file, actual) in files {
            let path = case.join(file);
            if bless {
                std::fs::write(&path, &actual).expect("write golden");
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if expected != actual {
                failures.push(format!(
                    "{name}/{file}\n--- expected\n{expected}--- actual\n{actual}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
