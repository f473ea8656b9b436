//! Loading a mapping: every problem named with its place; reading cells
//! through it.

use super::parse;
use crate::error::{AnswerError, Error};
use crate::rules::{load, RulesSource};

fn rules() -> crate::model::RuleSet {
    load(&RulesSource::Embedded).expect("built-in rules")
}

/// The problems of a mapping text, as `code: message (path)`.
fn problems(text: &str) -> Vec<String> {
    match parse("m.yaml", text, &rules()) {
        Ok(_) => Vec::new(),
        Err(Error::Mapping(diags)) => diags
            .iter()
            .map(|d| format!("{}: {} ({:?})", d.code, d.message, d.place))
            .collect(),
        Err(other) => vec![format!("other error: {other}")],
    }
}

#[test]
fn a_valid_mapping_loads() {
    let text = "mapping: 1\nid: record_id\nkeep: [redcap_event_name]\n\
                only_if: { column: screening_complete, in: [\"2\"] }\n\
                columns:\n  - { item: phq9_1, from: phq_1 }\n\
                recode:\n  - items: [dast10_1, dast10_2]\n    values: { \"1\": 1, \"2\": 0 }\n\
                missing: [UNK, -99]\nignore: [x]\nnot_collected: [cssrs]\n";
    assert_eq!(problems(text), Vec::<String>::new());
}

#[test]
fn every_problem_is_reported_at_once_with_its_field() {
    let text = "mapping: 1\nid: record_id\n\
                columns:\n  - { item: phq9_01, from: a }\n  - { item: phq9_2, from: b }\n  - { item: phq9_2, from: c }\n\
                recode:\n  - items: [dast10_1]\n    values: { \"1\": 1, \"2\": 0, \"1\": 0 }\n  - items: [phq9_3]\n    values: { \"9\": 7 }\n\
                not_collected: [cssr]\n";
    let found = problems(text);
    let codes: Vec<&str> = found
        .iter()
        .map(|p| p.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        codes,
        [
            "unknown-instrument",
            "unknown-item",
            "item-mapped-twice",
            "duplicate-recode-key",
            "recode-not-a-code"
        ],
        "{found:#?}"
    );
    assert!(found[0].contains("did you mean `cssrs`?") || found[0].contains("not_collected[0]"));
    assert!(found[1].contains("columns[0].item"), "{}", found[1]);
    assert!(
        found[3].contains("`1` is given more than once"),
        "{}",
        found[3]
    );
    assert!(
        found[4].contains("recodes to 7, which is not a code of item `phq9_3`"),
        "{}",
        found[4]
    );
}

#[test]
fn an_unknown_field_or_version_is_refused() {
    let found = problems("mapping: 1\nid: r\ncolumn: []\n");
    assert!(
        found[0].starts_with("mapping-syntax: the mapping cannot be read: unknown field `column`"),
        "{found:?}"
    );
    let found = problems("mapping: 2\nid: r\n");
    assert!(found[0].starts_with("unsupported-version"), "{found:?}");
}

#[test]
fn cells_read_through_recode_missing_values_and_codes() {
    let rules = rules();
    let text = "mapping: 1\nid: record_id\ncolumns:\n  - { item: phq9_1, from: phq_1 }\n  - { item: dast10_1, from: drug_1 }\n\
                recode:\n  - items: [dast10_1]\n    values: { \"1\": 1, \"2\": 0 }\nmissing: [UNK, \"-99\"]\n";
    let mapping = parse("m.yaml", text, &rules).expect("loads");
    let phq = rules.item_index("phq9_1").expect("phq9_1");
    let dast = rules.item_index("dast10_1").expect("dast10_1");
    assert_eq!(mapping.read(&rules, dast, b"2"), Ok(Some(0)));
    assert_eq!(mapping.read(&rules, dast, b" 1 "), Ok(Some(1)));
    assert_eq!(
        mapping.read(&rules, dast, b"UNK"),
        Ok(None),
        "missing, never 0"
    );
    assert_eq!(mapping.read(&rules, phq, b"-99"), Ok(None));
    assert_eq!(mapping.read(&rules, phq, b""), Ok(None));
    assert_eq!(mapping.read(&rules, phq, b"3"), Ok(Some(3)));
    let err = mapping
        .read(&rules, dast, b"0")
        .expect_err("0 is not in the table");
    assert_eq!(
        err.to_string(),
        "column `drug_1` (item `dast10_1`): `0` is not in the recode table (expected one of 1, 2)"
    );
    let err = mapping.read(&rules, phq, b"7").expect_err("7 is no code");
    assert!(matches!(err, AnswerError::Mapped { .. }));
    assert_eq!(
        err.to_string(),
        "column `phq_1` (item `phq9_1`): `7` is not a valid answer (expected one of 0, 1, 2, 3)"
    );
}

#[test]
fn a_header_without_a_mapped_column_is_refused_naming_it() {
    let rules = rules();
    let text = "mapping: 1\nid: record_id\ncolumns:\n  - { item: phq9_1, from: phq_1 }\n";
    let mapping = parse("m.yaml", text, &rules).expect("loads");
    let names: Vec<String> = ["record_id", "phq9_2"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let err = mapping
        .place(&rules, &names)
        .expect_err("columns are missing");
    let text = err.to_string();
    assert!(text.contains("`phq_1` (item `phq9_1`)"), "{text}");
    assert!(
        text.contains("`gad7_1`"),
        "unmapped items are looked up by id: {text}"
    );
}
