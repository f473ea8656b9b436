//! A chosen list of CSV result columns (`score --columns`): names checked
//! against the batch contract's columns, and rows written cell by cell.
//!
//! The default output does not come through here: it is the contract's
//! whole row, written from cells rendered ahead (`row::ResultCells`).

use crate::assess::{raised_flags, visit_reasons, Outcome};
use crate::model::{RatingIx, RuleSet, ScaleIx};

use super::row::{self, push_cell_with};

/// One result column of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Level,
    LevelName,
    Crisis,
    Flags,
    Score(ScaleIx),
    Band(ScaleIx),
    Rating(RatingIx),
    Reasons,
    RulesVersion,
    RulesSha256,
    Warnings,
    Error,
}

/// The contract's result columns (everything after the id), in order, as
/// `row::header` names them.
fn contract(rules: &RuleSet) -> Vec<Column> {
    let mut out = vec![
        Column::Level,
        Column::LevelName,
        Column::Crisis,
        Column::Flags,
    ];
    for s in rules.scales.ixs() {
        out.extend([Column::Score(s), Column::Band(s)]);
    }
    out.extend(rules.ratings.ixs().map(Column::Rating));
    out.extend([
        Column::Reasons,
        Column::RulesVersion,
        Column::RulesSha256,
        Column::Warnings,
        Column::Error,
    ]);
    out
}

/// The result columns to write, in order; the id column always comes first.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    /// Each column, with its place among the contract's result columns.
    columns: Vec<(Column, usize)>,
    names: Vec<String>,
}

impl Selection {
    /// Read `--columns`: contract column names, matched after trimming,
    /// ignoring ASCII case. The id column may be named (it is first
    /// anyway); an unknown name or one given twice is an error naming the
    /// valid names.
    pub(crate) fn parse(
        rules: &RuleSet,
        id_column: &str,
        wanted: &[String],
    ) -> Result<Selection, String> {
        let all = contract(rules);
        let names = row::header(rules, id_column);
        let result_names = &names[1..];
        let mut selection = Selection {
            columns: Vec::new(),
            names: Vec::new(),
        };
        for raw in wanted {
            let name = raw.trim().to_ascii_lowercase();
            if name == id_column.to_ascii_lowercase() {
                continue;
            }
            let Some(at) = result_names.iter().position(|n| *n == name) else {
                return Err(format!(
                    "--columns: `{}` is not an output column; valid names: {}",
                    raw.trim(),
                    result_names.join(", ")
                ));
            };
            if selection.columns.iter().any(|&(_, k)| k == at) {
                return Err(format!("--columns: `{name}` is listed twice"));
            }
            selection.columns.push((all[at], at));
            selection.names.push(result_names[at].clone());
        }
        if selection.columns.is_empty() {
            return Err(format!(
                "--columns: name at least one output column besides the id; valid names: {}",
                result_names.join(", ")
            ));
        }
        Ok(selection)
    }

    /// The chosen columns' names, in output order (without the id).
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// The risk columns (`crisis`, `flags`) the selection leaves out.
    pub(crate) fn risk_left_out(&self) -> Vec<&'static str> {
        let has = |c: Column| self.columns.iter().any(|&(k, _)| k == c);
        [(Column::Crisis, "crisis"), (Column::Flags, "flags")]
            .into_iter()
            .filter(|&(c, _)| !has(c))
            .map(|(_, name)| name)
            .collect()
    }

    /// A scored row's chosen cells, each with its leading delimiter.
    pub(crate) fn write_scored(
        &self,
        rules: &RuleSet,
        outcome: &impl Outcome,
        warnings: &str,
        delimiter: u8,
        out: &mut Vec<u8>,
    ) {
        for &(column, _) in &self.columns {
            match column {
                Column::Level => push(out, &rules.levels[outcome.level()].id, delimiter),
                Column::LevelName => push(out, &rules.levels[outcome.level()].name, delimiter),
                Column::Crisis => push(out, bool_text(outcome.crisis()), delimiter),
                Column::Flags => {
                    // Flag and reason ids are `[a-z][a-z0-9_]*` (validation):
                    // a `;`-joined list needs no quoting.
                    out.push(delimiter);
                    let at = out.len();
                    for (k, f) in raised_flags(rules, outcome).enumerate() {
                        if k > 0 {
                            out.push(b';');
                        }
                        out.extend_from_slice(rules.flags[f].id.as_bytes());
                    }
                    if delimiter == b';' {
                        row::quote_from(at, out);
                    }
                }
                Column::Score(s) => {
                    out.push(delimiter);
                    if let Some(score) = outcome.score(s) {
                        out.extend_from_slice(itoa::Buffer::new().format(score).as_bytes());
                    }
                }
                Column::Band(s) => {
                    let band = outcome.band(s).map_or("", |b| &rules.scales[s].bands[b].id);
                    push(out, band, delimiter);
                }
                Column::Rating(r) => {
                    push(
                        out,
                        &rules.ratings[r].grades[outcome.rating(r)].id,
                        delimiter,
                    );
                }
                Column::Reasons => {
                    out.push(delimiter);
                    let at = out.len();
                    let mut first = true;
                    visit_reasons(rules, outcome, |reason| {
                        if !first {
                            out.push(b';');
                        }
                        first = false;
                        out.extend_from_slice(reason.id_str(rules).as_bytes());
                    });
                    if delimiter == b';' {
                        row::quote_from(at, out);
                    }
                }
                Column::RulesVersion => push(out, &rules.version, delimiter),
                Column::RulesSha256 => push(out, &rules.sha256, delimiter),
                Column::Warnings => push(out, warnings, delimiter),
                Column::Error => out.push(delimiter),
            }
        }
    }

    /// The chosen cells of a row given as all the contract's result cells
    /// in order (a rejected row's).
    pub(crate) fn write_fields(&self, fields: &[String], delimiter: u8, out: &mut Vec<u8>) {
        for &(_, at) in &self.columns {
            push(out, fields.get(at).map_or("", String::as_str), delimiter);
        }
    }
}

fn bool_text(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

fn push(out: &mut Vec<u8>, cell: &str, delimiter: u8) {
    push_cell_with(out, cell, false, delimiter);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{load, RulesSource};

    fn rules() -> RuleSet {
        load(&RulesSource::Embedded).expect("default rules")
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_contract_columns_are_the_header_after_the_id() {
        let rules = rules();
        let header = row::header(&rules, "id");
        assert_eq!(contract(&rules).len(), header.len() - 1);
        let all = Selection::parse(&rules, "id", &header).expect("every name is valid");
        assert_eq!(all.names(), &header[1..]);
        assert!(all.risk_left_out().is_empty());
    }

    #[test]
    fn names_are_kept_in_the_order_given_and_the_id_is_skipped() {
        let rules = rules();
        let s = Selection::parse(&rules, "client", &names(&[" Flags", "client", "level"]))
            .expect("valid");
        assert_eq!(s.names(), ["flags", "level"]);
        assert_eq!(s.risk_left_out(), ["crisis"]);
    }

    #[test]
    fn an_unknown_or_repeated_name_is_refused_with_the_valid_names() {
        let rules = rules();
        let err = Selection::parse(&rules, "id", &names(&["level", "levle"])).expect_err("unknown");
        assert!(err.contains("`levle` is not an output column"), "{err}");
        assert!(
            err.contains("valid names: level, level_name, crisis, flags"),
            "{err}"
        );
        let err = Selection::parse(&rules, "id", &names(&["level", "LEVEL"])).expect_err("twice");
        assert!(err.contains("`level` is listed twice"), "{err}");
        let err = Selection::parse(&rules, "id", &names(&["id"])).expect_err("empty");
        assert!(err.contains("at least one"), "{err}");
    }
}
