//! The placement decision, written once for every executor: the most
//! intensive level that a fired placement rule or a raised flag leads to
//! (never an average), the default level otherwise; a raised crisis flag
//! leads to the most intensive level. What leads where is the rule set's
//! `Paths` table.
//!
//! A rule with `from` reads N, the level the other rules and the flags
//! give: it fires only where its test holds and N is its `from` level
//! (policy 1.1: day treatment with no home to return to). The conditions
//! said of a level read the level decided.
//!
//! Generic over the truth values a decision is made in (`model::Logic`):
//! `bool` for one record, `u64` for up to 64 rows at once as bit masks,
//! `Truth` for what a record with unknown answers certainly reaches.

use crate::model::{FlagIx, IxVec, Logic, RuleIx, RuleSet};

/// Decide placement from which rules fired and which flags were raised.
/// `fired` holds each rule's test on entry and whether it fired on return
/// (a rule with `from` fires only at its `from` level). `reached` is
/// called for every level, least to most intensive, with the lanes some
/// rule or flag leads to it. Returns the lanes on the crisis route. The
/// recommended level is the most intensive level reached, and never below
/// the default.
#[inline]
pub(crate) fn decide<L: Logic>(
    rules: &RuleSet,
    fired: &mut IxVec<RuleIx, L>,
    raised: impl Fn(FlagIx) -> L,
    mut reached: impl FnMut(usize, L),
) -> L {
    let mut crisis = L::FALSE;
    for (f, flag) in rules.flags.iter_ix() {
        if flag.crisis {
            crisis = crisis.or(raised(f));
        }
    }
    let reach = |level: usize, fired: &IxVec<RuleIx, L>, moving: bool| {
        let mut at = L::FALSE;
        for &r in &rules.paths.rules[level] {
            if moving || rules.rules[r].from.is_none() {
                at = at.or(fired[r]);
            }
        }
        for &f in &rules.paths.flags[level] {
            at = at.or(raised(f));
        }
        at
    };
    for &r in &rules.paths.moving {
        let Some(from) = rules.rules[r].from else {
            continue;
        };
        // N is `from`: reached there (or the default), and nowhere above.
        let mut n = match from.cmp(&rules.default_level) {
            std::cmp::Ordering::Less => L::FALSE,
            std::cmp::Ordering::Equal => L::TRUE,
            std::cmp::Ordering::Greater => reach(from, fired, false),
        };
        for above in from + 1..rules.levels.len() {
            n = n.and(reach(above, fired, false).not());
        }
        fired[r] = fired[r].and(n);
    }
    for level in 0..rules.levels.len() {
        reached(level, reach(level, fired, true));
    }
    crisis
}

/// Whether a condition said of the recommended level holds: its test, at
/// one of its levels (`is_level` gives the lanes at a level).
#[inline]
pub(crate) fn at_level<L: Logic>(test: L, at: &[usize], is_level: impl Fn(usize) -> L) -> L {
    let mut here = L::FALSE;
    for &level in at {
        here = here.or(is_level(level));
    }
    test.and(here)
}

/// The decision for one record: (level, crisis).
pub(crate) fn decide_one(
    rules: &RuleSet,
    fired: &mut IxVec<RuleIx, bool>,
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
