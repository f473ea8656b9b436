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

#[cfg(test)]
mod tests {
    use super::super::tests::{rules, run, spread, with};

    /// A PHQ-9 total of 15, no stable or safe place to live: IOP (N), with the
    /// condition and the feature that housing is arranged first, and a
    /// setting that never says "at home".
    #[test]
    fn no_home_below_php_arranges_housing_and_says_so() {
        let rules = rules();
        let a = with(&spread("phq9", 8, 15), &[("phq9_10", 0), ("support", 2)]);
        let reasons: Vec<String> = a.reasons(rules).iter().map(|r| r.id(rules)).collect();
        assert_eq!(
            reasons,
            ["moderately_severe_symptoms", "housing_to_be_arranged"]
        );
        let feature = rules.features.iter().position(|f| f.id == "stable_housing");
        assert!(a.features[feature.expect("feature")]);
        let with_support = with(&spread("phq9", 8, 15), &[("phq9_10", 0), ("support", 1)]);
        assert!(!with_support.features[feature.expect("feature")]);
        assert!(with_support.conditions.iter().all(|&c| !c));
    }

    /// Moved from PHP by `no_home_for_day_treatment`: the reasons are the rule
    /// and what gave PHP.
    #[test]
    fn a_rule_from_php_gives_itself_and_what_gave_php_as_reasons() {
        let rules = rules();
        let a = with(&spread("phq9", 8, 20), &[("phq9_10", 2), ("support", 2)]);
        let reasons: Vec<String> = a.reasons(rules).iter().map(|r| r.id(rules)).collect();
        assert_eq!(
            reasons,
            [
                "no_home_for_day_treatment",
                "severe_symptoms_marked_impairment"
            ]
        );
        // The same rule does not fire when N is IOP.
        let iop = with(&spread("phq9", 8, 15), &[("phq9_10", 0), ("support", 2)]);
        let r = rules
            .rules
            .iter()
            .position(|r| r.id == "no_home_for_day_treatment");
        assert!(!iop.rules[crate::model::RuleIx::new(r.expect("rule"))]);
    }

    /// Policy 1.1: each flag names the answers behind it, and only those that
    /// hold; a rating is followed into the grade reached.
    #[test]
    fn a_flag_names_the_answers_behind_it() {
        let rules = rules();
        let a = run(&[
            ("cssrs_2", 1),
            ("cssrs_3", 0),
            ("cssrs_4", 1),
            ("cssrs_5", 0),
        ]);
        let f = rules
            .flags
            .ixs()
            .find(|&f| rules.flags[f].id == "suicide_risk_high");
        let because = crate::report::trace::behind(rules, &a, f.expect("flag"));
        assert_eq!(because, ["C-SSRS item 4 (intent): yes"]);
        let a = with(
            &spread("phq9", 8, 20),
            &[
                ("daily_use", 1),
                ("audit_1", 4),
                ("audit_2", 4),
                ("audit_3", 4),
                ("audit_4", 4),
                ("audit_5", 4),
            ],
        );
        let f = rules
            .flags
            .ixs()
            .find(|&f| rules.flags[f].id == "withdrawal_risk");
        let because = crate::report::trace::behind(rules, &a, f.expect("flag"));
        assert_eq!(because[0], "Daily alcohol, sedative or opioid use: yes");
        assert!(
            because.iter().any(|b| b.starts_with("AUDIT total: ")),
            "{because:?}"
        );
    }
}
