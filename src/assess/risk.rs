//! What a record's answers establish for safety, and what a change of one
//! answer takes away: the crisis route, the grade of a rating a safety
//! flag reads (the C-SSRS risk), and the safety flags. The interview asks
//! for a confirmation in words before any such change is recorded, and
//! records a confirmed one as a retraction (`Answers::retract`), which the
//! engine then reads wherever the record goes.

use crate::answers::Answers;
use crate::model::{FlagIx, IxVec, RatingIx, RuleSet};

/// What answers establish for safety, however their missing answers turn
/// out, every answer given counting (shown or hidden).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Risk {
    pub(crate) crisis: bool,
    /// The least grade of each rating a safety flag reads (0 for others).
    pub(crate) grades: IxVec<RatingIx, usize>,
    /// The safety flags, most severe first.
    pub(crate) flags: Vec<FlagIx>,
}

/// What a change takes away from a record's safety findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Loss {
    /// The crisis route is no longer established.
    pub(crate) crisis: bool,
    /// Ratings a safety flag reads whose grade goes down: (rating, from, to).
    pub(crate) ratings: Vec<(RatingIx, usize, usize)>,
    /// Safety flags no longer established.
    pub(crate) flags: Vec<FlagIx>,
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
    }
}

impl Risk {
    /// What `after` has lost of these findings; `None` when nothing.
    pub(crate) fn loss(&self, after: &Risk) -> Option<Loss> {
        let loss = Loss {
            crisis: self.crisis && !after.crisis,
            ratings: self
                .grades
                .ixs()
                .filter(|&r| after.grades[r] < self.grades[r])
                .map(|r| (r, self.grades[r], after.grades[r]))
                .collect(),
            flags: self
                .flags
                .iter()
                .copied()
                .filter(|f| !after.flags.contains(f))
                .collect(),
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
    if from == code {
        return None;
    }
    let mut after = answers.clone();
    after.set(rules, item, code).ok()?;
    risk(rules, answers).loss(&risk(rules, &after))
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
