//! The default rule set's LOINC codes are the checked table (the project's
//! clinical reference, "LOINC codes"), pinned here code by code: public
//! code often carries wrong ones, so any change is a reviewed change.

use serde_yaml::Value;

use crate::wording::{read, string};

/// (instrument, panel, items in order with their codes, total scale and
/// its code). `None` where the table has no confirmed code.
type Row = (
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str)],
);

const TABLE: &[Row] = &[
    (
        "phq9",
        Some("44249-1"),
        &[
            ("phq9_1", "44250-9"),
            ("phq9_2", "44255-8"),
            ("phq9_3", "44259-0"),
            ("phq9_4", "44254-1"),
            ("phq9_5", "44251-7"),
            ("phq9_6", "44258-2"),
            ("phq9_7", "44252-5"),
            ("phq9_8", "44253-3"),
            ("phq9_9", "44260-8"),
            ("phq9_10", "69722-7"),
        ],
        &[("phq9", "44261-6")],
    ),
    (
        "gad7",
        Some("69737-5"),
        &[
            ("gad7_1", "69725-0"),
            ("gad7_2", "68509-9"),
            ("gad7_3", "69733-4"),
            ("gad7_4", "69734-2"),
            ("gad7_5", "69735-9"),
            ("gad7_6", "69689-8"),
            ("gad7_7", "69736-7"),
        ],
        &[("gad7", "70274-6")],
    ),
    (
        "audit",
        Some("72110-0"),
        &[
            ("audit_1", "68518-0"),
            ("audit_2", "68519-8"),
            ("audit_3", "68520-6"),
            ("audit_4", "97734-8"),
            ("audit_5", "97735-5"),
            ("audit_6", "97736-3"),
            ("audit_7", "97737-1"),
            ("audit_8", "97738-9"),
            ("audit_9", "97739-7"),
            ("audit_10", "97740-5"),
        ],
        &[("audit", "75624-7"), ("auditc", "75626-2")],
    ),
    ("dast10", Some("82666-9"), &[], &[("dast10", "82667-7")]),
    (
        "cssrs",
        Some("93373-9"),
        &[
            ("cssrs_1", "93246-7"),
            ("cssrs_2", "93247-5"),
            ("cssrs_3", "93248-3"),
            ("cssrs_4", "93249-1"),
            ("cssrs_5", "93250-9"),
            ("cssrs_6", "93267-3"),
            ("cssrs_6_recent", "93269-9"),
        ],
        &[],
    ),
    ("pcptsd5", Some("102010-6"), &[], &[("pcptsd5", "102017-1")]),
    ("scoff", None, &[], &[]),
    ("context", None, &[], &[]),
];

/// Answer codes by (item, answer code).
const ANSWERS: &[(&str, &[&str])] = &[
    ("phq9_1", &["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]),
    ("phq9_10", &["LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3"]),
    ("gad7_1", &["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]),
    (
        "audit_1",
        &[
            "LA6270-8",
            "LA18926-8",
            "LA18927-6",
            "LA18928-4",
            "LA18929-2",
        ],
    ),
    (
        "audit_2",
        &[
            "LA15694-5",
            "LA15695-2",
            "LA18930-0",
            "LA18931-8",
            "LA18932-6",
        ],
    ),
    (
        "audit_3",
        &[
            "LA6270-8",
            "LA18933-4",
            "LA18876-5",
            "LA18891-4",
            "LA18934-2",
        ],
    ),
];

fn codes_of(file: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for section in ["instruments", "scales", "ratings"] {
        for entry in file[section].as_sequence().into_iter().flatten() {
            let id = string(entry, "id").unwrap_or_default();
            out.push((format!("{section}.{id}"), string(entry, "loinc")));
        }
    }
    for item in file["instruments"][0]["items"]
        .as_sequence()
        .into_iter()
        .flatten()
    {
        let id = string(item, "id").unwrap_or_default();
        out.push((format!("items.{id}"), string(item, "loinc")));
        let answers: Vec<String> = item["options"]
            .as_sequence()
            .into_iter()
            .flatten()
            .filter_map(|o| string(o, "loinc"))
            .collect();
        if !answers.is_empty() {
            out.push((format!("answers.{id}"), Some(answers.join(" "))));
        }
        if let Some(yn) = item.get("answer_loinc") {
            let pair = format!(
                "{} {}",
                string(yn, "yes").unwrap_or_default(),
                string(yn, "no").unwrap_or_default()
            );
            out.push((format!("answers.{id}"), Some(pair)));
        }
    }
    out
}

#[test]
fn the_default_rule_sets_loinc_codes_are_the_checked_table() {
    let mut problems = Vec::new();
    for (instrument, panel, items, totals) in TABLE {
        let file = read(&format!("rules/instruments/{instrument}.yaml"));
        let found = codes_of(&file);
        let mut expected: Vec<(String, Option<String>)> = Vec::new();
        expected.push((
            format!("instruments.{instrument}"),
            panel.map(str::to_string),
        ));
        for (id, code) in *items {
            expected.push((format!("items.{id}"), Some(code.to_string())));
        }
        for (id, code) in *totals {
            expected.push((format!("scales.{id}"), Some(code.to_string())));
        }
        if *instrument == "cssrs" {
            expected.push(("ratings.cssrs_risk".into(), Some("93374-7".into())));
        }
        for (item, answers) in ANSWERS {
            if item.starts_with(&format!("{instrument}_")) {
                expected.push((format!("answers.{item}"), Some(answers.join(" "))));
            }
        }
        // The C-SSRS answers: yes LA33-6, no LA32-8, on every item.
        if *instrument == "cssrs" {
            for (id, _) in *items {
                expected.push((format!("answers.{id}"), Some("LA33-6 LA32-8".into())));
            }
        }
        // Every code the file gives is expected, and every expected one given.
        for (place, code) in &found {
            let want = expected.iter().find(|(p, _)| p == place).map(|(_, c)| c);
            let shared = ["answers.phq9_", "answers.gad7_"]
                .iter()
                .any(|p| place.starts_with(p));
            match want {
                Some(want) if want != code => {
                    problems.push(format!("{place}: {code:?}, the table has {want:?}"))
                }
                None if code.is_some() && !shared => {
                    problems.push(format!("{place}: {code:?} is not in the table"))
                }
                _ => {}
            }
        }
        for (place, code) in &expected {
            if code.is_some() && !found.iter().any(|(p, c)| p == place && c == code) {
                problems.push(format!("{place}: the table's {code:?} is missing"));
            }
        }
        // The PHQ-9 and GAD-7 items share their answers' codes.
        let shared = match *instrument {
            "phq9" => Some(("phq9_1", 1..=9)),
            "gad7" => Some(("gad7_1", 1..=7)),
            _ => None,
        };
        if let Some((first, range)) = shared {
            let of = |id: &str| {
                found
                    .iter()
                    .find(|(p, _)| p == &format!("answers.{id}"))
                    .cloned()
            };
            for n in range {
                let id = format!("{instrument}_{n}");
                if of(&id).map(|(_, c)| c) != of(first).map(|(_, c)| c) {
                    problems.push(format!("answers.{id}: not the answers' codes of {first}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
