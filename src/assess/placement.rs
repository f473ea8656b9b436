//! The placement decision, written once for every executor: the most
//! intensive level that a fired placement rule or a raised flag leads to
//! (never an average), the default level otherwise; a raised crisis flag
//! leads to the most intensive level. What leads where is the rule set's
//! `Paths` table.
//!
//! Generic over the truth values a decision is made in (`model::Logic`):
//! `bool` for one record, `u64` for up to 64 rows at once as bit masks,
//! `Truth` for what a record with unknown answers certainly reaches.

use crate::model::{FlagIx, Logic, RuleIx, RuleSet};

/// Decide placement from which rules fired and which flags were raised:
/// `reached` is called for every level, least to most intensive, with the
/// lanes some rule or flag leads to it. Returns the lanes on the crisis
/// route. The recommended level is the most intensive level reached, and
/// never below the default.
#[inline]
pub(crate) fn decide<L: Logic>(
    rules: &RuleSet,
    fired: impl Fn(RuleIx) -> L,
    raised: impl Fn(FlagIx) -> L,
    mut reached: impl FnMut(usize, L),
) -> L {
    let mut crisis = L::FALSE;
    for (f, flag) in rules.flags.iter_ix() {
        if flag.crisis {
            crisis = crisis.or(raised(f));
        }
    }
    for level in 0..rules.levels.len() {
        let mut at = L::FALSE;
        for &r in &rules.paths.rules[level] {
            at = at.or(fired(r));
        }
        for &f in &rules.paths.flags[level] {
            at = at.or(raised(f));
        }
        reached(level, at);
    }
    crisis
}

/// The decision for one record: (level, crisis).
pub(crate) fn decide_one(
    rules: &RuleSet,
    fired: impl Fn(RuleIx) -> bool,
    raised: impl Fn(FlagIx) -> bool,
) -> (usize, bool) {
    let mut level = rules.default_level;
    let crisis = decide(rules, fired, raised, |at, reached| {
        if reached {
            level = level.max(at);
        }
    });
    (level, crisis)
}
