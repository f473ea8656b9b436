//! What a batch run did: rows read, scored and rejected, the crisis rows
//! (counted, the first few named, in input order), rows per level, and
//! what was ignored. Filled by `batch`, rendered by `report::table`.

use crate::assess::Outcome;

/// What a batch run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub(crate) rows: u64,
    pub scored: u64,
    pub(crate) rejected: u64,
    /// Rows a mapping's `only_if` skipped: read, but no output row.
    pub(crate) skipped: u64,
    /// Of those, rows whose answers already establish risk flags.
    pub(crate) skipped_with_flags: u64,
    /// Rows whose source lacks instruments (a mapping's `not_collected`):
    /// scores and established flags, no level.
    pub(crate) incomplete: u64,
    /// Of those, rows whose answers already raise risk flags.
    pub(crate) incomplete_with_flags: u64,
    /// Scored rows per recommended level (index into the rule set's levels).
    pub(crate) by_level: Vec<u64>,
    /// Rows on the crisis route: scored, or rejected with answers that
    /// already establish a crisis.
    pub(crate) crisis: u64,
    /// The ids of the first `CRISIS_IDS` such rows, in input order.
    pub(crate) crisis_ids: Vec<String>,
    /// Their rows, as a spreadsheet numbers them (the header is row 1).
    pub(crate) crisis_rows: Vec<u64>,
    /// Rejected rows whose given answers already raise risk flags.
    pub(crate) rejected_with_flags: u64,
    /// Scored rows where a value for an item hidden by skip logic was ignored.
    pub(crate) hidden_values_ignored: u64,
    /// Scored rows where a value for a hidden item was kept for safety
    /// (it raises a safety flag) or asks for its gate question again.
    pub(crate) hidden_values_kept: u64,
    /// Input columns that are neither the id nor an item.
    pub(crate) ignored_columns: Vec<String>,
    /// With `--check-ids`: rows whose id an earlier row has.
    pub(crate) repeated_ids: u64,
}

/// Crisis rows named in a summary.
pub(crate) const CRISIS_IDS: usize = 20;

impl Summary {
    /// Count a scored row: its level, and whether it is on the crisis route.
    #[inline]
    pub(crate) fn count_scored(&mut self, sheet_row: u64, id: &str, outcome: &impl Outcome) {
        self.scored += 1;
        self.by_level[outcome.level()] += 1;
        if outcome.crisis() {
            self.count_crisis(sheet_row, id);
        }
    }

    /// Count a row on the crisis route, naming the first few.
    pub(crate) fn count_crisis(&mut self, sheet_row: u64, id: &str) {
        self.crisis += 1;
        if self.crisis_ids.len() < CRISIS_IDS {
            // Shown on a terminal: no control characters.
            let shown = id.chars().map(|c| if c.is_control() { ' ' } else { c });
            self.crisis_ids.push(shown.collect());
            self.crisis_rows.push(sheet_row);
        }
    }

    /// The crisis rows named, for a line of text: each id (quoted when it
    /// holds a comma or a quote), or its row when it has none; `…` when
    /// there are more.
    pub(crate) fn crisis_list(&self) -> String {
        let mut names: Vec<String> = self
            .crisis_ids
            .iter()
            .zip(&self.crisis_rows)
            .map(|(id, row)| match id.as_str() {
                "" => format!("(row {row}, no id)"),
                id if id.contains([',', '"']) || id.trim() != id => format!("{id:?}"),
                id => id.to_string(),
            })
            .collect();
        if self.crisis > self.crisis_ids.len() as u64 {
            names.push("…".into());
        }
        names.join(", ")
    }

    /// Add the tally of the rows after these (input order is kept).
    pub(crate) fn add(&mut self, other: &Summary) {
        self.rows += other.rows;
        self.scored += other.scored;
        self.rejected += other.rejected;
        self.skipped += other.skipped;
        self.skipped_with_flags += other.skipped_with_flags;
        self.incomplete += other.incomplete;
        self.incomplete_with_flags += other.incomplete_with_flags;
        self.crisis += other.crisis;
        let room = CRISIS_IDS.saturating_sub(self.crisis_ids.len());
        self.crisis_ids
            .extend(other.crisis_ids.iter().take(room).cloned());
        self.crisis_rows
            .extend(other.crisis_rows.iter().take(room).copied());
        self.rejected_with_flags += other.rejected_with_flags;
        self.hidden_values_ignored += other.hidden_values_ignored;
        self.hidden_values_kept += other.hidden_values_kept;
        if self.by_level.len() < other.by_level.len() {
            self.by_level.resize(other.by_level.len(), 0);
        }
        for (total, n) in self.by_level.iter_mut().zip(&other.by_level) {
            *total += n;
        }
    }
}
