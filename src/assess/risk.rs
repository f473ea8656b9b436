//! What a record's answers establish for safety, and what a change of one
//! answer takes away: the crisis route, the grade of a rating a safety
//! flag reads (the C-SSRS risk), and the safety flags. The interview asks
//! for a confirmation in words before any such change is recorded, and
//! records a confirmed one as a retraction (`Answers::retract`), which the
//! engine then reads wherever the record goes.

use crate::answers::Answers;
use crate::model::{FlagIx, IxVec, RatingIx, RuleSet, Subject};

/// What answers establish for safety, however their missing answers turn
/// out, every answer given counting (shown or hidden), with the answers
/// that establish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Risk {
    pub(crate) crisis: bool,
    /// The least grade of each rating a safety flag reads (0 for others).
    pub(crate) grades: IxVec<RatingIx, usize>,
    /// The safety flags, most severe first.
    pub(crate) flags: Vec<FlagIx>,
    /// The answers, by item.
    values: Vec<Option<i64>>,
}

/// What a change takes away from a record's safety findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Loss {
    /// The crisis route is no longer established.
    pub(crate) crisis: bool,
    /// Ratings a safety flag reads whose grade goes down: (rating, from, to).
    pub(crate) ratings: Vec<(RatingIx, usize, usize)>,
    /// Safety flags no longer established, and not because a more severe
    /// finding took their place (C-SSRS moderate risk giving way to high).
    pub(crate) flags: Vec<FlagIx>,
}

impl Loss {
    /// A kept safety answer taken back: nothing counts from it while its
    /// gate's answer stands, but it did, or will again.
    pub(crate) fn kept() -> Loss {
        Loss {
            crisis: false,
            ratings: Vec::new(),
            flags: Vec::new(),
        }
    }

    /// Whether it takes away nothing that counts now (`kept`).
    pub(crate) fn only_kept(&self) -> bool {
        !self.crisis && self.ratings.is_empty() && self.flags.is_empty()
    }
}

/// The safety findings `answers` establish.
pub(crate) fn risk(rules: &RuleSet, answers: &Answers) -> Risk {
    let flags: Vec<FlagIx> = super::established_flags(rules, answers)
        .into_iter()
        .filter(|&f| rules.flags[f].is_safety())
        .collect();
    let grades = super::partial::established_grades(rules, answers);
    Risk {
        crisis: flags.iter().any(|&f| rules.flags[f].crisis),
        grades: rules
            .ratings
            .ixs()
            .map(|r| match rules.compiled.safety_ratings[r] {
                true => grades[r],
                false => 0,
            })
            .collect(),
        flags,
        values: (0..rules.items.len()).map(|i| answers.get(i)).collect(),
    }
}

impl Risk {
    /// What `after` has lost of these findings; `None` when nothing. A flag
    /// no longer established is lost unless nothing it reads went down (no
    /// answer less severe or gone, no rating lower): then a more severe
    /// finding took its place.
    pub(crate) fn loss(&self, rules: &RuleSet, after: &Risk) -> Option<Loss> {
        let ratings: Vec<(RatingIx, usize, usize)> = self
            .grades
            .ixs()
            .filter(|&r| after.grades[r] < self.grades[r])
            .map(|r| (r, self.grades[r], after.grades[r]))
            .collect();
        let item_down = |i: usize| {
            let least = rules.items[i].codes().and_then(|c| c.first().copied());
            match (self.values[i], after.values[i]) {
                (Some(was), Some(now)) => now < was,
                // Gone (skip logic dropped it): down unless it was the
                // least severe answer.
                (Some(was), None) => Some(was) != least,
                _ => false,
            }
        };
        // A flag that reads a rating gave way to a more severe finding when
        // no rating it reads went down and one went up (C-SSRS moderate
        // risk to high); one that reads only answers, when none went down
        // (thoughts of harming someone to intent).
        let superseded = |f: FlagIx| {
            let subjects = crate::model::condition_subjects(&rules.ratings, &rules.flags[f].when);
            let read: Vec<RatingIx> = subjects
                .iter()
                .filter_map(|s| match s {
                    Subject::Rating(r) => Some(*r),
                    _ => None,
                })
                .collect();
            match read.is_empty() {
                false => {
                    read.iter().all(|&r| after.grades[r] >= self.grades[r])
                        && read.iter().any(|&r| after.grades[r] > self.grades[r])
                }
                true => !subjects.iter().any(|s| match s {
                    Subject::Item(i) => item_down(*i),
                    _ => false,
                }),
            }
        };
        let flags: Vec<FlagIx> = self
            .flags
            .iter()
            .copied()
            .filter(|f| !after.flags.contains(f))
            .filter(|&f| !superseded(f))
            .collect();
        let loss = Loss {
            crisis: self.crisis && !after.crisis,
            ratings,
            flags,
        };
        let lost = loss.crisis || !loss.ratings.is_empty() || !loss.flags.is_empty();
        lost.then_some(loss)
    }
}

/// What changing `item`'s answer to `code` would take away; `None` when
/// nothing (or when the item has no answer to change).
pub(crate) fn loss_of_change(
    rules: &RuleSet,
    answers: &Answers,
    item: usize,
    code: i64,
) -> Option<Loss> {
    let from = answers.get(item)?;
    if from == code || !rules.compiled.safety_relevant[item] {
        return None;
    }
    let mut after = answers.clone();
    after.set(rules, item, code).ok()?;
    risk(rules, answers).loss(rules, &risk(rules, &after))
}

#[cfg(test)]
mod tests {
    use super::loss_of_change;
    use crate::answers::Answers;
    use crate::rules::{load, RulesSource};

    fn answered(rules: &crate::model::RuleSet, pairs: &[(&str, i64)]) -> Answers {
        Answers::from_codes(rules, pairs.iter().copied()).expect("answers")
    }

    #[test]
    fn taking_back_intent_loses_the_crisis_route_and_the_risk_grade() {
        let rules = load(&RulesSource::Embedded).expect("rules");
        let a = answered(
            &rules,
            &[
                ("cssrs_1", 1),
                ("cssrs_2", 1),
                ("cssrs_3", 1),
                ("cssrs_4", 1),
            ],
        );
        let item = rules.item_index("cssrs_4").expect("item");
        let loss = loss_of_change(&rules, &a, item, 0).expect("a loss");
        assert!(loss.crisis, "{loss:?}");
        let cssrs = rules
            .ratings
            .ixs()
            .find(|&r| rules.ratings[r].id == "cssrs_risk")
            .expect("rating");
        let (r, from, to) = loss.ratings[0];
        assert_eq!(r, cssrs);
        assert!(from > to, "{loss:?}");
        let high = loss
            .flags
            .iter()
            .map(|&f| rules.flags[f].id.as_str())
            .collect::<Vec<_>>();
        assert!(high.contains(&"suicide_risk_high"), "{high:?}");
    }

    #[test]
    fn a_more_severe_answer_that_replaces_a_finding_is_no_loss() {
        let rules = load(&RulesSource::Embedded).expect("rules");
        // Past behaviour (moderate) becomes recent (high): escalation.
        let a = answered(&rules, &[("cssrs_6", 1), ("cssrs_6_recent", 0)]);
        let recent = rules.item_index("cssrs_6_recent").expect("item");
        assert_eq!(loss_of_change(&rules, &a, recent, 1), None);
        // Thoughts of harming others become intent.
        let b = answered(&rules, &[("harm_others", 1)]);
        let harm = rules.item_index("harm_others").expect("item");
        assert_eq!(loss_of_change(&rules, &b, harm, 2), None);
        // And back down is a loss.
        let c = answered(&rules, &[("harm_others", 2)]);
        assert!(loss_of_change(&rules, &c, harm, 1).is_some_and(|l| l.crisis));
    }

    #[test]
    fn a_change_that_loses_nothing_is_no_loss() {
        let rules = load(&RulesSource::Embedded).expect("rules");
        let a = answered(&rules, &[("phq9_1", 3), ("cssrs_1", 0)]);
        let phq9_1 = rules.item_index("phq9_1").expect("item");
        assert_eq!(loss_of_change(&rules, &a, phq9_1, 0), None);
        // Raising a safety answer loses nothing either.
        let cssrs_1 = rules.item_index("cssrs_1").expect("item");
        assert_eq!(loss_of_change(&rules, &a, cssrs_1, 1), None);
        // PHQ-9 item 9 from 2 to 0 loses the suicide-risk flag.
        let b = answered(&rules, &[("phq9_9", 2)]);
        let phq9_9 = rules.item_index("phq9_9").expect("item");
        let loss = loss_of_change(&rules, &b, phq9_9, 0).expect("a loss");
        assert!(!loss.crisis);
        assert!(loss
            .flags
            .iter()
            .any(|&f| rules.flags[f].id == "suicidal_ideation"));
    }
}
