//! Tables for people: the end-of-run summary of a batch (with its JSON form
//! for scripts) and an assessment's result. This module owns comfy-table.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use serde::Serialize;

use crate::assess::Assessment;
use crate::model::RuleSet;
use crate::summary::Summary;

/// The summary's figures, with timing.
#[derive(Debug, Serialize)]
pub(crate) struct SummaryView<'a> {
    pub(crate) rows: u64,
    pub(crate) scored: u64,
    pub(crate) rejected: u64,
    /// Rows a mapping's `only_if` skipped (no output row).
    pub(crate) skipped: u64,
    /// Of those, rows whose answers already establish risk flags.
    pub(crate) skipped_with_risk_flags: u64,
    /// Rows whose source lacks instruments: no level (`not_collected`).
    pub(crate) incomplete: u64,
    pub(crate) incomplete_with_risk_flags: u64,
    pub(crate) rejected_with_risk_flags: u64,
    /// Rows on the crisis route, rejected ones included.
    pub(crate) crisis: u64,
    /// The first 20 of them, in input order.
    pub(crate) crisis_ids: &'a [String],
    /// Their rows (the header is row 1).
    pub(crate) crisis_rows: &'a [u64],
    /// Scored rows per level id, least to most intensive.
    pub(crate) levels: Vec<LevelCount<'a>>,
    pub(crate) hidden_answers_ignored: u64,
    /// Rows with an answer to a skipped question kept for safety, or one
    /// that asks for its gate question again.
    pub(crate) hidden_answers_kept: u64,
    pub(crate) ignored_columns: &'a [String],
    pub(crate) elapsed_seconds: f64,
    pub(crate) rows_per_second: f64,
}

#[derive(Debug, Serialize)]
pub(crate) struct LevelCount<'a> {
    pub(crate) level: &'a str,
    pub(crate) rows: u64,
}

impl<'a> SummaryView<'a> {
    pub(crate) fn of(
        rules: &'a RuleSet,
        summary: &'a Summary,
        elapsed: std::time::Duration,
    ) -> Self {
        let seconds = elapsed.as_secs_f64();
        SummaryView {
            rows: summary.rows,
            scored: summary.scored,
            rejected: summary.rejected,
            skipped: summary.skipped,
            skipped_with_risk_flags: summary.skipped_with_flags,
            incomplete: summary.incomplete,
            incomplete_with_risk_flags: summary.incomplete_with_flags,
            rejected_with_risk_flags: summary.rejected_with_flags,
            crisis: summary.crisis,
            crisis_ids: &summary.crisis_ids,
            crisis_rows: &summary.crisis_rows,
            levels: rules
                .levels
                .iter()
                .zip(summary.by_level.iter().chain(std::iter::repeat(&0)))
                .map(|(level, &rows)| LevelCount {
                    level: &level.id,
                    rows,
                })
                .collect(),
            hidden_answers_ignored: summary.hidden_values_ignored,
            hidden_answers_kept: summary.hidden_values_kept,
            ignored_columns: &summary.ignored_columns,
            elapsed_seconds: seconds,
            rows_per_second: if seconds > 0.0 {
                summary.rows as f64 / seconds
            } else {
                0.0
            },
        }
    }

    pub(crate) fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A table that fits 80 columns.
    pub(crate) fn table(&self, rules: &RuleSet) -> String {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_header(vec!["batch summary", "rows"]);
        let mut row = |label: String, value: String| {
            table.add_row(vec![
                Cell::new(label),
                Cell::new(value).set_alignment(CellAlignment::Right),
            ]);
        };
        row("read".into(), self.rows.to_string());
        row("scored".into(), self.scored.to_string());
        row(
            "rejected (see the error column)".into(),
            self.rejected.to_string(),
        );
        if self.rejected_with_risk_flags > 0 {
            row(
                "  of which raise risk flags: REVIEW TODAY".into(),
                self.rejected_with_risk_flags.to_string(),
            );
        }
        if self.incomplete > 0 {
            row(
                "incomplete screen, no level (not collected)".into(),
                self.incomplete.to_string(),
            );
        }
        if self.incomplete_with_risk_flags > 0 {
            row(
                "  of which raise risk flags: REVIEW TODAY".into(),
                self.incomplete_with_risk_flags.to_string(),
            );
        }
        if self.skipped > 0 {
            row(
                "skipped by the mapping's only_if (no output row)".into(),
                self.skipped.to_string(),
            );
        }
        row(
            "crisis route: EMERGENCY EVALUATION NOW".into(),
            self.crisis.to_string(),
        );
        for (level, count) in rules.levels.iter().zip(&self.levels) {
            row(format!("level: {}", level.name), count.rows.to_string());
        }
        if self.hidden_answers_kept > 0 {
            row(
                "answers to skipped questions kept for safety".into(),
                self.hidden_answers_kept.to_string(),
            );
        }
        if self.hidden_answers_ignored > 0 {
            row(
                "answers to skipped questions ignored".into(),
                self.hidden_answers_ignored.to_string(),
            );
        }
        row("elapsed".into(), format!("{:.2} s", self.elapsed_seconds));
        row(
            "rows per second".into(),
            format!("{:.0}", self.rows_per_second),
        );
        table.to_string()
    }
}

/// The lines a batch run ends with on stderr, before its summary: crisis
/// rows and risk in rejected rows always (even with `quiet`), then what
/// was ignored, kept for safety or rejected.
pub(crate) fn run_notices(summary: &Summary, quiet: bool) -> Vec<String> {
    let mut out = Vec::new();
    if summary.crisis > 0 {
        out.push(format!(
            "{} row(s) need an emergency evaluation now: ids {}",
            summary.crisis,
            summary.crisis_list()
        ));
    }
    if summary.rejected_with_flags > 0 {
        out.push(format!(
            "warning: {} rejected row(s) already raise risk flags from the answers given; \
             see their `flags` and `error` columns and review them today",
            summary.rejected_with_flags
        ));
    }
    if summary.incomplete_with_flags > 0 {
        out.push(format!(
            "warning: {} incomplete row(s) (instruments not collected) already raise risk flags \
             from the answers given; see their `flags` column and review them today",
            summary.incomplete_with_flags
        ));
    }
    if summary.skipped_with_flags > 0 {
        out.push(format!(
            "warning: {} row(s) the mapping's `only_if` skipped already raise risk flags from \
             the answers given; they have no output row: find them in the input and review \
             them today",
            summary.skipped_with_flags
        ));
    }
    if quiet {
        return out;
    }
    if summary.incomplete > 0 {
        out.push(format!(
            "note: {} row(s) are incomplete screens (the mapping's `not_collected`): scores and \
             flags, but no level",
            summary.incomplete
        ));
    }
    if !summary.ignored_columns.is_empty() {
        out.push(format!(
            "note: ignored input columns that are not items: {}",
            summary.ignored_columns.join(", ")
        ));
    }
    if summary.hidden_values_kept > 0 {
        out.push(format!(
            "warning: {} row(s) gave answers to questions skip logic hides that raise safety flags \
             or ask for a question again; they are not scored but count for safety (see the \
             `warnings` column)",
            summary.hidden_values_kept
        ));
    }
    if summary.hidden_values_ignored > 0 {
        out.push(format!(
            "note: {} row(s) gave answers to questions skip logic hides; those answers were ignored \
             (JSON Lines output and the note name them)",
            summary.hidden_values_ignored
        ));
    }
    if summary.rejected > 0 {
        out.push(format!(
            "warning: {} of {} rows rejected; the `error` column says which column and why",
            summary.rejected, summary.rows
        ));
    }
    out
}

/// An assessment as a table 80 columns wide: crisis first, then level,
/// flags, scales and ratings. Risk is spelt out in words, never shown by
/// colour alone.
pub(crate) fn result_table(rules: &RuleSet, a: &Assessment) -> String {
    result_table_in(rules, a, 80)
}

/// The result table `width` columns wide (a terminal's), its cells wrapped
/// between words.
pub(crate) fn result_table_in(rules: &RuleSet, a: &Assessment, width: u16) -> String {
    let lang = crate::messages::Lang::of(&rules.lang);
    let [header, crisis, crisis_text, level, flag_label, not_scored] = lang.result_labels();
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(vec![header, ""]);
    if a.crisis {
        table.add_row(vec![crisis, crisis_text]);
    }
    table.add_row(vec![level.to_string(), rules.levels[a.level].name.clone()]);
    for f in a.raised_flags(rules) {
        let flag = &rules.flags[f];
        table.add_row(vec![
            format!("{flag_label} [{}]", lang.severity(flag.severity)),
            format!("{}: {}", flag.id, flag.message.trim()),
        ]);
    }
    for (scale, result) in rules.scales.iter().zip(&a.scales) {
        let value = match (result.score, result.band) {
            (Some(score), Some(band)) => format!("{score} ({})", scale.bands[band].label),
            (Some(score), None) => score.to_string(),
            _ => not_scored.to_string(),
        };
        table.add_row(vec![scale.title.clone(), value]);
    }
    for (rating, &grade) in rules.ratings.iter().zip(&a.ratings) {
        table.add_row(vec![
            rating.title.clone(),
            rating.grades[grade].label.clone(),
        ]);
    }
    table.set_width(width);
    table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    table.to_string()
}

/// A rule set's cases: one row each, pass or fail with what differed.
pub(crate) fn cases_table<'a>(rows: impl IntoIterator<Item = (&'a str, bool, String)>) -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(vec!["case", "result", "expected vs actual"]);
    for (id, passed, detail) in rows {
        table.add_row(vec![
            id.to_string(),
            if passed { "pass".into() } else { "FAIL".into() },
            detail,
        ]);
    }
    table.set_width(80);
    table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    table.to_string()
}

/// How records move between levels from one rule set to another: rows are
/// the old levels, columns the new ones, each with "rejected" last.
pub(crate) fn transition_table(old: &RuleSet, new: &RuleSet, counts: &[Vec<u64>]) -> String {
    let name = |r: &RuleSet, i: usize| {
        r.levels
            .get(i)
            .map_or("rejected".to_string(), |l| l.id.clone())
    };
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    let mut header = vec!["old \\ new".to_string()];
    header.extend((0..=new.levels.len()).map(|j| name(new, j)));
    table.set_header(header);
    for (i, row) in counts.iter().enumerate() {
        let mut cells = vec![Cell::new(name(old, i))];
        cells.extend(
            row.iter()
                .map(|n| Cell::new(n).set_alignment(CellAlignment::Right)),
        );
        table.add_row(cells);
    }
    table.to_string()
}
