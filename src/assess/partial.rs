//! Flags that an incomplete record already establishes.
//!
//! A record with a missing or invalid answer is rejected, but the answers it
//! does give may already prove a risk (a "yes" to suicidal intent, whatever
//! the missing item says). Hiding that would be unsafe, and guessing would
//! be wrong, so this evaluates the flags in three-valued logic: anything not
//! known ranges over every value it could take, and a flag is established
//! only when its condition holds for all of them.

use super::safety::{self, SafetyFacts};
use crate::answers::Answers;
use crate::model::{
    Cmp, Column, Count, FlagIx, Ix, IxVec, Lookup, RatingIx, RuleSet, ScaleIx, Subject, Truth,
    WithMissing,
};

/// What is known about a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Hidden by skip logic: comparisons on it are false.
    Absent,
    /// Shown but left blank (where that is allowed): comparisons on it are
    /// false, and a scale summing it is prorated or has no score.
    Blank,
    /// Somewhere in `lo..=hi`.
    Within(i64, i64),
    /// Absent, or somewhere in `lo..=hi`: a value given for an item whose
    /// skip logic is unknown.
    OrAbsent(i64, i64),
    /// Anything, or absent.
    Unknown,
}

struct Partial<'a> {
    rules: &'a RuleSet,
    items: Vec<Known>,
    scales: IxVec<ScaleIx, Known>,
    bands: IxVec<ScaleIx, Known>,
    ratings: IxVec<RatingIx, Known>,
    flags: IxVec<FlagIx, Truth>,
    /// Safety answers the client took back, while the less severe stands.
    retracted: i64,
}

/// Most missing answers to case-split on; beyond this, plain three-valued
/// evaluation alone decides (still sound, possibly finding fewer flags).
const MAX_SPLITS: usize = 16;

/// Flags (indexes, most severe first) raised by `answers` however their
/// missing or invalid answers turn out.
///
/// Three-valued logic alone misses flags that hold for every value of a
/// missing answer through different rules (C-SSRS behaviour with its
/// recency unknown is moderate or high risk, so at least moderate). So each
/// missing answer is also tried at each of its codes: a flag raised in every
/// case is established too.
pub fn established_flags(rules: &RuleSet, answers: &Answers) -> Vec<FlagIx> {
    let base = evaluate(rules, answers, None);
    let mut established: IxVec<FlagIx, bool> = base.clone();
    // A question its answered gate hides is not asked: its blank is no
    // unknown answer, so it is not split on.
    let shown = crate::assess::shown_items(rules, answers);
    let asked = |i: usize| {
        shown[i] || crate::assess::gate_of(rules, i).is_none_or(|g| answers.get(g).is_none())
    };
    let missing: Vec<usize> = (0..rules.items.len())
        .filter(|&i| answers.get(i).is_none() && rules.items[i].codes().is_some() && asked(i))
        .take(MAX_SPLITS)
        .collect();
    for m in missing {
        // Every code the answer could be, and blank where it may stay blank.
        let mut cases: Vec<Option<i64>> = rules.items[m]
            .codes()
            .unwrap_or_default()
            .into_iter()
            .map(Some)
            .collect();
        // Blank where it may stay blank, and where its gate is unanswered:
        // the gate's "no" would hide it (a recency question with item 6
        // blank is no evidence that item 6 was "yes").
        if !rules.compiled.missing_rejects[m] || !shown[m] {
            cases.push(None);
        }
        let mut in_every_case = vec![true; rules.flags.len()];
        for code in cases {
            let case = evaluate(rules, answers, Some((m, code)));
            for (all, raised) in in_every_case.iter_mut().zip(case) {
                *all &= raised;
            }
        }
        for (e, all) in established.iter_mut().zip(in_every_case) {
            *e |= all;
        }
    }
    rules
        .flags_by_severity
        .iter()
        .copied()
        .filter(|&f| established[f])
        .collect()
}

/// Flags (indexes) that some answer to the missing or invalid `item`
/// would establish: what asking it could reveal.
pub(crate) fn possible_flags(rules: &RuleSet, answers: &Answers, item: usize) -> Vec<FlagIx> {
    let mut possible: IxVec<FlagIx, bool> = IxVec::filled(false, rules.flags.len());
    for code in rules.items[item].codes().unwrap_or_default() {
        // What that answer would establish, the questions it would show
        // (a recency question after item 6 "yes") tried in turn too.
        let mut given = answers.clone();
        given.clear(item);
        given.set_parsed(item, Ok(Some(code)));
        for f in established_flags(rules, &given) {
            possible[f] = true;
        }
    }
    rules
        .flags_by_severity
        .iter()
        .copied()
        .filter(|&f| possible[f])
        .collect()
}

/// Which flags certainly hold, with one missing answer optionally fixed to
/// a code (`Some(code)`) or to staying blank (`None`).
fn evaluate(
    rules: &RuleSet,
    answers: &Answers,
    fixed: Option<(usize, Option<i64>)>,
) -> IxVec<FlagIx, bool> {
    let p = evaluate_partial(rules, answers, fixed);
    p.flags.iter().map(|&t| t == Truth::Yes).collect()
}

/// The least grade of each rating that `answers` certainly give, in the
/// safety view (every answer given counts, shown or hidden).
pub(crate) fn established_grades(rules: &RuleSet, answers: &Answers) -> IxVec<RatingIx, usize> {
    let p = evaluate_partial(rules, answers, None);
    rules
        .ratings
        .ixs()
        .map(|r| match p.ratings.get(r) {
            Some(Known::Within(lo, _)) => usize::try_from(*lo).unwrap_or(0),
            _ => 0,
        })
        .collect()
}

/// Everything certainly known of `answers`, with one missing answer
/// optionally fixed.
fn evaluate_partial<'a>(
    rules: &'a RuleSet,
    answers: &Answers,
    fixed: Option<(usize, Option<i64>)>,
) -> Partial<'a> {
    let mut p = Partial {
        rules,
        items: Vec::with_capacity(rules.items.len()),
        scales: IxVec::new(),
        bands: IxVec::new(),
        ratings: IxVec::new(),
        flags: IxVec::new(),
        retracted: answers.standing_retractions(),
    };
    for (i, item) in rules.items.iter().enumerate() {
        let shown = rules.compiled.show_if[i]
            .as_ref()
            .map_or(Truth::Yes, |t| t.eval(&p));
        let (answer, left_blank) = match fixed {
            Some((at, code)) if at == i => (code, code.is_none()),
            _ => (answers.get(i), false),
        };
        let known = match (shown, answer) {
            (Truth::No, _) => Known::Absent,
            (Truth::Unknown, Some(code)) => Known::OrAbsent(code, code),
            (Truth::Unknown, None) => Known::Unknown,
            (Truth::Yes, Some(code)) => Known::Within(code, code),
            // Blank in this case: comparisons on it are false, as when hidden.
            (Truth::Yes, None) if left_blank => Known::Blank,
            // An answer a complete record may leave blank: anything, or nothing.
            (Truth::Yes, None) if !rules.compiled.missing_rejects[i] => Known::Unknown,
            (Truth::Yes, None) => match item.kind.code_range() {
                Some((lo, hi)) => Known::Within(lo, hi),
                None => Known::Unknown,
            },
        };
        p.items.push(known);
    }
    for scale in &rules.scales {
        let (mut lo, mut hi) = (0i64, 0i64);
        let mut complete = true;
        let blank = scale.items.iter().any(|&i| p.items[i] == Known::Blank);
        for &i in &scale.items {
            let item = &rules.items[i];
            let (min, max) = item.kind.score_range().unwrap_or((0, 0));
            match p.items[i] {
                Known::Absent | Known::Blank => {}
                Known::Within(a, b) if a == b => {
                    let score = item.score(a).unwrap_or(0);
                    lo += score;
                    hi += score;
                }
                Known::Within(..) => {
                    lo += min;
                    hi += max;
                }
                // Hidden adds 0; shown adds its score.
                Known::Unknown => {
                    lo += min.min(0);
                    hi += max.max(0);
                }
                Known::OrAbsent(a, _) => {
                    let score = item.score(a).unwrap_or(0);
                    lo += score.min(0);
                    hi += score.max(0);
                }
            }
            complete &= matches!(p.items[i], Known::Absent)
                || matches!(p.items[i], Known::Within(a, b) if a == b);
        }
        // Under `all_required` the complete record's score lies in lo..=hi;
        // prorated or invalid scales are unknown until complete; an invalid
        // scale with an item left blank has no score at all.
        // What the rule makes of one item missing.
        let one_missing = scale.missing.with_missing(1, 1);
        if blank && one_missing == WithMissing::NoScore {
            p.scales.push(Known::Absent);
            p.bands.push(Known::Absent);
        } else if blank {
            p.scales.push(Known::Unknown);
            p.bands.push(Known::Unknown);
        } else if complete || one_missing == WithMissing::Rejected {
            p.scales.push(Known::Within(lo, hi));
            let band = |score: i64| {
                scale
                    .band_of(score.clamp(scale.min, scale.max))
                    .unwrap_or(0) as i64
            };
            p.bands.push(Known::Within(band(lo), band(hi)));
        } else {
            p.scales.push(Known::Unknown);
            p.bands.push(Known::Unknown);
        }
    }
    // The safety view: every answer given counts, hidden ones too; an
    // invalid one could be any code.
    let answer = |i: usize| match fixed {
        Some((at, code)) if at == i => code,
        _ => answers.get(i),
    };
    let invalid = |i: usize| answer(i).is_none() && answers.unparsed(i).is_some();
    let mut given_answers: Vec<Option<i64>> = (0..rules.items.len()).map(answer).collect();
    safety::read_implied_gates(rules, &mut given_answers);
    let given: Vec<Known> = (0..rules.items.len())
        .map(|i| match given_answers[i] {
            Some(code) => Known::Within(code, code),
            None if invalid(i) => Known::Unknown,
            None => p.items[i],
        })
        .collect();
    // Most incomplete records give no value the skip logic hides: then the
    // safety view is the plain one, and is not evaluated twice.
    let differs = given.iter().zip(&p.items).any(|(g, n)| g != n);
    let mut g = Partial {
        rules,
        items: given,
        scales: if differs {
            p.scales.clone()
        } else {
            IxVec::new()
        },
        bands: if differs {
            p.bands.clone()
        } else {
            IxVec::new()
        },
        ratings: IxVec::new(),
        flags: IxVec::new(),
        retracted: answers.standing_retractions(),
    };
    safety::weigh(rules, &mut p, differs.then_some(&mut g));
    p
}

/// What is known, as the safety view grades and raises it.
impl SafetyFacts for Partial<'_> {
    type Grade = Known;
    type Truth = Truth;

    fn grade(&self, _: &RuleSet, r: RatingIx) -> Known {
        self.grade(r)
    }
    fn set_grade(&mut self, _: &RuleSet, r: RatingIx, grade: Known) {
        set(&mut self.ratings, r, grade);
    }
    fn at_least(plain: Known, given: Known) -> Known {
        match (plain, given) {
            (Known::Within(lo, hi), Known::Within(glo, ghi)) => {
                Known::Within(lo.max(glo), hi.max(ghi))
            }
            _ => plain,
        }
    }
    fn flag(&self, rules: &RuleSet, f: FlagIx) -> Truth {
        rules.compiled.flags[f].eval(self)
    }
    fn set_flag(&mut self, _: &RuleSet, f: FlagIx, raised: Truth) {
        set(&mut self.flags, f, raised);
    }
}

/// Set `at`, which is at most one past the end (stages run in order).
fn set<I: Ix, T>(all: &mut IxVec<I, T>, at: I, value: T) {
    match all.get_mut(at) {
        Some(slot) => *slot = value,
        None => all.push(value),
    }
}

impl Partial<'_> {
    /// The range of grades rating `r` can take.
    fn grade(&self, r: RatingIx) -> Known {
        let (mut lo, mut hi) = (0usize, 0usize);
        for (g, test) in self.rules.compiled.rating_grades[r]
            .iter()
            .enumerate()
            .skip(1)
        {
            match test.as_ref().map_or(Truth::No, |t| t.eval(self)) {
                Truth::Yes => {
                    lo = g;
                    hi = g;
                }
                Truth::Unknown => hi = g,
                Truth::No => {}
            }
        }
        Known::Within(lo as i64, hi as i64)
    }

    fn known(&self, subject: Subject) -> Known {
        match subject {
            Subject::Item(i) => self.items.get(i).copied().unwrap_or(Known::Unknown),
            Subject::Scale(s) => self.scales.get(s).copied().unwrap_or(Known::Unknown),
            Subject::Band(s) => self.bands.get(s).copied().unwrap_or(Known::Unknown),
            Subject::Rating(r) => self.ratings.get(r).copied().unwrap_or(Known::Unknown),
            // Flags never look at domains; an unknown answer is the safe reading.
            Subject::Domain(_) => Known::Unknown,
            Subject::Count(Count::RetractedSafetyAnswers) => {
                Known::Within(self.retracted, self.retracted)
            }
        }
    }
}

/// What is known, as three-valued facts.
impl Lookup<i64> for Partial<'_> {
    type Out = Truth;

    fn compare(&self, slot: usize, cmp: &Cmp) -> Truth {
        // Flags do not refer to flags; be safe if asked.
        let Some(subject) = self.rules.compiled.slots.subject(slot) else {
            return Truth::Unknown;
        };
        match self.known(subject) {
            Known::Absent | Known::Blank => Truth::No,
            Known::Unknown => Truth::Unknown,
            Known::Within(lo, hi) => within(cmp, lo, hi, self.rules, subject),
            // Absent compares false; present, as its range does.
            Known::OrAbsent(lo, hi) => match within(cmp, lo, hi, self.rules, subject) {
                Truth::No => Truth::No,
                _ => Truth::Unknown,
            },
        }
    }
}

/// A comparison over every value in `lo..=hi` that the subject can take.
fn within(cmp: &Cmp, lo: i64, hi: i64, rules: &RuleSet, subject: Subject) -> Truth {
    let range = lo..=hi;
    // Item codes need not be contiguous: each possible code.
    let mut values: Vec<i64> = match subject {
        Subject::Item(i) => rules.items[i]
            .codes()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| range.contains(c))
            .collect(),
        _ => Vec::new(),
    };
    if values.is_empty() {
        // A comparison's truth changes only at its constants: the ends of
        // the range and each constant with its neighbours inside it stand
        // for every value of the range.
        values = [lo, hi].into();
        for &c in cmp.constants() {
            let near = [c.saturating_sub(1), c, c.saturating_add(1)];
            values.extend(near.into_iter().filter(|v| range.contains(v)));
        }
    }
    cmp.apply(Values(&values))
}

/// Every value a fact could take.
struct Values<'a>(&'a [i64]);

impl Column<i64> for Values<'_> {
    type Out = Truth;

    fn test(self, holds: impl Fn(i64) -> bool) -> Truth {
        match (
            self.0.iter().all(|&v| holds(v)),
            self.0.iter().any(|&v| holds(v)),
        ) {
            (true, _) => Truth::Yes,
            (false, false) => Truth::No,
            (false, true) => Truth::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{within, Values};
    use crate::model::{Cmp, RuleSet, ScaleIx, Subject, Truth};
    use crate::rules::{load, RulesSource};

    fn rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| load(&RulesSource::Embedded).expect("default rules"))
    }

    /// Every other suicide answer "no" and C-SSRS item 6 blank: no answer
    /// given establishes a suicide-risk flag (item 6 "no" would hide its
    /// recency question), but item 6 could mean one, so it is asked now.
    #[test]
    fn a_blank_item_6_establishes_no_flag_and_is_asked_now() {
        let rules = rules();
        let mut answers = crate::answers::Answers::extreme(rules, false);
        let item = |id: &str| rules.item_index(id).expect("item");
        answers.clear(item("cssrs_6"));
        answers.clear(item("cssrs_6_recent"));
        let flags = super::established_flags(rules, &answers);
        let ids: Vec<&str> = flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
        assert!(!ids.contains(&"suicidal_ideation"), "{ids:?}");
        let could = super::possible_flags(rules, &answers, item("cssrs_6"));
        let could: Vec<&str> = could.iter().map(|&f| rules.flags[f].id.as_str()).collect();
        assert!(could.contains(&"suicidal_ideation"), "{could:?}");
        let warnings = crate::assess::rejected_warnings(rules, &answers, &flags);
        let codes: Vec<String> = warnings.iter().map(|w| w.code(rules)).collect();
        assert!(codes.contains(&"ask_now:cssrs_6".to_string()), "{codes:?}");
        // Item 6 "yes" with its recency blank still establishes the flag.
        answers.set(rules, item("cssrs_6"), 1).expect("code");
        let flags = super::established_flags(rules, &answers);
        assert!(flags
            .iter()
            .any(|&f| rules.flags[f].id == "suicidal_ideation"));
    }

    /// A comparison with small constants, of every kind.
    fn cmp() -> impl Strategy<Value = Cmp> {
        prop_oneof![
            (-6i64..6).prop_map(Cmp::Eq),
            (-6i64..6).prop_map(Cmp::AtLeast),
            (-6i64..6).prop_map(Cmp::AtMost),
            prop::collection::vec(-6i64..6, 0..5).prop_map(Cmp::In),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// `within` a range of a scale's possible scores (sampled at its
        /// ends and at the comparison's constants) decides a comparison
        /// exactly as every value of the range does.
        #[test]
        fn a_range_is_decided_as_every_value_in_it_decides(cmp in cmp(), lo in -9i64..9, width in 0i64..12) {
            let hi = lo + width;
            let every: Vec<i64> = (lo..=hi).collect();
            let scale = Subject::Scale(ScaleIx::new(0));
            prop_assert_eq!(within(&cmp, lo, hi, rules(), scale), cmp.apply(Values(&every)));
        }

        /// For an item with codes, only its codes in the range count.
        #[test]
        fn an_items_range_is_decided_by_its_codes(cmp in cmp(), lo in -2i64..4, width in 0i64..4) {
            let item = rules().item_index("phq9_1").expect("item");
            let codes: Vec<i64> = (lo..=lo + width).filter(|c| (0..=3).contains(c)).collect();
            prop_assume!(!codes.is_empty());
            prop_assert_eq!(
                within(&cmp, lo, lo + width, rules(), Subject::Item(item)),
                cmp.apply(Values(&codes))
            );
        }
    }

    #[test]
    fn a_range_is_certain_only_when_every_value_agrees() {
        let every = |lo: i64, hi: i64| (lo..=hi).collect::<Vec<_>>();
        assert_eq!(Cmp::AtLeast(3).apply(Values(&every(3, 9))), Truth::Yes);
        assert_eq!(Cmp::AtLeast(3).apply(Values(&every(0, 2))), Truth::No);
        assert_eq!(Cmp::AtLeast(3).apply(Values(&every(2, 3))), Truth::Unknown);
        assert_eq!(Cmp::In(vec![1, 2]).apply(Values(&every(1, 2))), Truth::Yes);
        assert_eq!(Cmp::Eq(4).apply(Values(&every(4, 4))), Truth::Yes);
    }
}
