//! Rows from a source that lacks whole instruments (a mapping's
//! `not_collected`): the screen is incomplete, so such a row gets the
//! scores of the scales it holds and the flags its answers establish
//! (three-valued, as for a rejected row: whatever the missing instruments
//! would say), but no level, never a guessed one; `crisis` is true only
//! when established, else unknown. It is no error row: a problem in the
//! answers it does hold still rejects it, as without a mapping.

use super::Worker;
use crate::assess::{established_flags, problems, rejected_warnings, scale_scores, Warning};
use crate::error::AnswerError;
use crate::mapping::Mapping;
use crate::model::{RuleSet, ScaleIx};
use crate::summary::Summary;

impl Worker<'_> {
    /// Whether rows are read through a mapping that lists instruments the
    /// source does not hold.
    #[inline]
    pub(super) fn incomplete_screen(&self) -> bool {
        self.columns
            .mapping
            .as_ref()
            .is_some_and(|m| !m.not_collected.is_empty())
    }

    /// Write the row as an incomplete screen; or, when the answers it holds
    /// have a problem, return it (the row is then rejected).
    pub(super) fn incomplete(
        &mut self,
        sheet_row: u64,
        id: &str,
        out: &mut Vec<u8>,
        summary: &mut Summary,
    ) -> Option<AnswerError> {
        let rules = self.rules;
        let mapping = self.columns.mapping.as_deref()?;
        let mut found = problems(rules, &self.answers);
        found.retain(|p| !only_not_collected(rules, mapping, p));
        if let Some(first) = found.into_iter().next() {
            return Some(first);
        }
        summary.incomplete += 1;
        let flags = established_flags(rules, &self.answers);
        let mut warnings = vec![Warning::NotCollected {
            instruments: mapping.not_collected.clone(),
        }];
        warnings.extend(rejected_warnings(rules, &self.answers, &flags));
        let held = |s: ScaleIx| {
            rules.scales[s]
                .items
                .iter()
                .all(|&i| !mapping.not_collected(rules, i))
        };
        let scores = scale_scores(rules, &self.answers, held);
        if flags.iter().any(|&f| rules.flags[f].crisis) {
            summary.count_crisis(sheet_row, id);
        }
        if !flags.is_empty() {
            summary.incomplete_with_flags += 1;
        }
        self.renderer.incomplete(
            sheet_row,
            id,
            &scores,
            &self.answers,
            &flags,
            &warnings,
            out,
        );
        None
    }

    /// For a rejected row read through a mapping with `not_collected`:
    /// drop the problems that are only the instruments not collected, and
    /// say they are not.
    pub(super) fn not_collected(&self, found: &mut Vec<AnswerError>, warnings: &mut Vec<Warning>) {
        let Some(mapping) = self.columns.mapping.as_deref() else {
            return;
        };
        if mapping.not_collected.is_empty() {
            return;
        }
        found.retain(|p| !only_not_collected(self.rules, mapping, p));
        warnings.insert(
            0,
            Warning::NotCollected {
                instruments: mapping.not_collected.clone(),
            },
        );
    }
}

/// Whether a problem is only that an instrument the source lacks is
/// unanswered.
fn only_not_collected(rules: &RuleSet, mapping: &Mapping, problem: &AnswerError) -> bool {
    match problem {
        AnswerError::Missing { item } => rules
            .item_index(item)
            .is_some_and(|i| mapping.not_collected(rules, i)),
        AnswerError::TooManyMissing { scale, .. } => rules
            .scales
            .iter()
            .find(|s| s.id == *scale)
            .is_some_and(|s| s.items.iter().any(|&i| mapping.not_collected(rules, i))),
        _ => false,
    }
}
