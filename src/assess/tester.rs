//! Every executor of a rule set's one plan, run on the same records and
//! compared, the way ripgrep's `SearcherTester` runs one search through
//! each of the searcher's strategies:
//! - the one-record engine (`assess_into`), which owns every error and
//!   warning;
//! - the 64-row engine (`Lanes`), which decides only plain rows and must
//!   leave every other row to the one-record engine;
//! - the evaluation of incomplete records (`established_flags`), which on
//!   a complete record must give exactly the engine's flags.
//!
//! It counts what each executor decided, so agreement is never vacuous.
//! The unit tests, the property tests and `rules test` (on any rule set)
//! run through it.

use super::{assess_into, established_flags, Assessment, Lanes, Outcome, LANES};
use crate::answers::Answers;
use crate::assess::LaneRow;
use crate::model::{FlagIx, RuleSet};

/// What the executors made of a set of records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Agreement {
    pub(crate) records: usize,
    /// Records the one-record engine scored (the rest it rejected).
    pub(crate) scored: usize,
    /// Records the 64-row engine decided itself.
    pub(crate) by_lanes: usize,
    /// Scored records answering every question they show whose flags the
    /// incomplete-record evaluation gave.
    pub(crate) by_partial: usize,
    /// Every difference, in words.
    pub(crate) disagreements: Vec<String>,
}

impl Agreement {
    pub(crate) fn agree(&self) -> bool {
        self.disagreements.is_empty()
    }
}

/// Run `records` through every executor and compare them.
pub(crate) fn check(rules: &RuleSet, records: &[Answers]) -> Agreement {
    let mut out = Agreement {
        records: records.len(),
        ..Agreement::default()
    };
    let mut lanes = Lanes::new(rules);
    if lanes.is_none() {
        out.disagreements
            .push("the 64-row engine cannot hold this rule set's values (beyond ±2^30)".into());
    }
    let mut a = Assessment::empty();
    for (g, group) in records.chunks(LANES).enumerate() {
        if let Some(lanes) = lanes.as_mut() {
            lanes.begin(group.len());
            for (row, answers) in group.iter().enumerate() {
                for item in 0..rules.items.len() {
                    lanes.set(item, row, answers.get(item));
                    if answers.unparsed(item).is_some() {
                        lanes.set_slow(row);
                    }
                }
                // As batch does for a row with a `retracted` cell.
                if answers.standing_retractions() > 0 || answers.retraction_problem().is_some() {
                    lanes.set_slow(row);
                }
            }
            lanes.run();
        }
        for (row, answers) in group.iter().enumerate() {
            let k = g * LANES + row;
            let scored = assess_into(rules, answers, &mut a).is_ok();
            let plain = scored && a.warnings.is_empty();
            out.scored += usize::from(scored);
            if let Some(lanes) = lanes.as_ref() {
                match (lanes.is_slow(row), plain) {
                    (false, true) => match compare(rules, &lanes.row(row), &a) {
                        Ok(()) => out.by_lanes += 1,
                        Err(diff) => out.disagreements.push(format!(
                            "record {k}: the 64-row engine differs: {diff}"
                        )),
                    },
                    (true, true) => out.disagreements.push(format!(
                        "record {k}: the 64-row engine left a plain record undecided"
                    )),
                    (false, false) => out.disagreements.push(format!(
                        "record {k}: the 64-row engine decided a record the one-record engine rejects or warns about"
                    )),
                    (true, false) => {}
                }
            }
            // Blank optional answers leave the incomplete-record evaluation
            // unsure (it cannot know they stay blank): compare it on records
            // that answer every question they show.
            let complete = (0..rules.items.len()).all(|i| {
                !a.shown[i] || !rules.items[i].is_answerable() || answers.get(i).is_some()
            });
            if scored && complete {
                let raised: Vec<FlagIx> = a.raised_flags(rules).collect();
                let established = established_flags(rules, answers);
                if established == raised {
                    out.by_partial += 1;
                } else {
                    let ids = |fs: &[FlagIx]| -> Vec<&str> {
                        fs.iter().map(|&f| rules.flags[f].id.as_str()).collect()
                    };
                    out.disagreements.push(format!(
                        "record {k}: the incomplete-record evaluation establishes {:?}, the engine raises {:?}",
                        ids(&established),
                        ids(&raised)
                    ));
                }
            }
        }
    }
    out
}

/// Everything `Outcome` gives, and every fact, for one row of lanes
/// against the one-record engine's assessment.
pub(crate) fn compare(rules: &RuleSet, lane: &LaneRow<'_>, a: &Assessment) -> Result<(), String> {
    let mut diffs = Vec::new();
    if lane.level() != a.level {
        diffs.push(format!("level {} vs {}", lane.level(), a.level));
    }
    if lane.crisis() != a.crisis {
        diffs.push("crisis".into());
    }
    for (f, &raised) in a.flags.iter_ix() {
        if lane.flag(f) != raised {
            diffs.push(format!("flag {}", rules.flags[f].id));
        }
    }
    for (r, &fired) in a.rules.iter_ix() {
        if lane.rule(r) != fired {
            diffs.push(format!("rule {}", rules.rules[r].id));
        }
    }
    for (c, &holds) in a.conditions.iter().enumerate() {
        if lane.condition(c) != holds {
            diffs.push(format!("condition {}", rules.conditions[c].id));
        }
    }
    for (f, &applies) in a.features.iter().enumerate() {
        if lane.feature(f) != applies {
            diffs.push(format!("feature {}", rules.features[f].id));
        }
    }
    for (s, scale) in a.scales.iter_ix() {
        if (lane.score(s), lane.band(s)) != (scale.score, scale.band) {
            diffs.push(format!("scale {}", rules.scales[s].id));
        }
    }
    for (r, &grade) in a.ratings.iter_ix() {
        if lane.rating(r) != grade {
            diffs.push(format!("rating {}", rules.ratings[r].id));
        }
    }
    for (slot, &fact) in a.facts.iter().enumerate() {
        if lane.fact_at(slot) != fact {
            diffs.push(format!(
                "fact slot {slot}: {} vs {fact}",
                lane.fact_at(slot)
            ));
        }
    }
    match diffs.is_empty() {
        true => Ok(()),
        false => Err(diffs.join(", ")),
    }
}
