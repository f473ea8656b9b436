//! A rejected row's problems as data: one entry per problem, each with the
//! input column it is in, the cell as given and a stable code, for the
//! JSON Lines `errors` list.
//!
//! The codes are a contract (listed in the README's output section):
//! `missing`, `not_a_code`, `not_a_number`, `out_of_range`,
//! `too_many_missing`, `field_count`, `missing_id`.

use crate::error::AnswerError;
use crate::model::{ItemKind, RuleSet};
use crate::report::json::ProblemView;

use super::header::Columns;

/// The stable code of a problem.
pub(crate) fn code(rules: &RuleSet, err: &AnswerError) -> &'static str {
    match err {
        AnswerError::Missing { .. } => "missing",
        AnswerError::TooManyMissing { .. } => "too_many_missing",
        AnswerError::FieldCount { .. } => "field_count",
        AnswerError::Column { .. } => "missing_id",
        // A mapped answer that is missing (blank, or a `missing` code).
        AnswerError::Mapped { value: None, .. } => "missing",
        // A mapped value outside the recode table, or no code of the item.
        AnswerError::Mapped { .. } => "not_a_code",
        AnswerError::Invalid { item, value, .. } => {
            let integer = rules
                .item_index(item)
                .is_some_and(|i| matches!(rules.items[i].kind, ItemKind::Integer { .. }));
            match (integer, is_whole_number(value)) {
                (true, true) => "out_of_range",
                (true, false) => "not_a_number",
                (false, _) => "not_a_code",
            }
        }
    }
}

fn is_whole_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Every problem of a rejected row as a view: `id_cell` is the id cell as
/// given (for `missing_id`).
pub(crate) fn views(
    rules: &RuleSet,
    columns: &Columns,
    sheet_row: u64,
    id_cell: &str,
    problems: &[AnswerError],
) -> Vec<ProblemView> {
    problems
        .iter()
        .map(|err| {
            let item_column = |item: &str| {
                rules
                    .item_index(item)
                    .and_then(|i| columns.name_of(i))
                    .unwrap_or(item)
                    .to_string()
            };
            let (column, value) = match err {
                AnswerError::Missing { item } => (Some(item_column(item)), Some(String::new())),
                AnswerError::Invalid { item, value, .. } => {
                    (Some(item_column(item)), Some(value.clone()))
                }
                AnswerError::TooManyMissing { item, .. } => {
                    (Some(item_column(item)), Some(String::new()))
                }
                AnswerError::Mapped { column, value, .. } => (
                    Some(column.clone()),
                    Some(value.clone().unwrap_or_default()),
                ),
                AnswerError::FieldCount { .. } => (None, None),
                AnswerError::Column { .. } => {
                    (Some(columns.id_name.clone()), Some(id_cell.to_string()))
                }
            };
            ProblemView {
                row: sheet_row,
                column,
                value,
                code: code(rules, err),
                message: err.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        crate::rules::load(&crate::rules::RulesSource::Embedded).expect("default rules")
    }

    #[test]
    fn each_kind_of_problem_has_its_own_code() {
        let rules = rules();
        let invalid = |item: &str, value: &str| AnswerError::Invalid {
            item: item.into(),
            value: value.into(),
            expected: String::new(),
        };
        let cases = [
            (
                AnswerError::Missing {
                    item: "phq9_1".into(),
                },
                "missing",
            ),
            (invalid("phq9_1", "7"), "not_a_code"),
            (invalid("phq9_1", "y"), "not_a_code"),
            (
                AnswerError::FieldCount {
                    found: 3,
                    expected: 5,
                },
                "field_count",
            ),
            (
                AnswerError::Column {
                    column: "id".into(),
                    reason: "missing id".into(),
                },
                "missing_id",
            ),
        ];
        for (err, expected) in cases {
            assert_eq!(code(&rules, &err), expected, "{err}");
        }
    }

    #[test]
    fn whole_numbers_are_told_from_other_text() {
        assert!(is_whole_number("12"));
        assert!(is_whole_number("-3"));
        assert!(!is_whole_number("1.0"));
        assert!(!is_whole_number("-"));
        assert!(!is_whole_number(""));
    }
}
