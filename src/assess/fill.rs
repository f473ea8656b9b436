//! A partial record filled as a rule set's test cases are: every item the
//! record does not name gets its least severe answer (the lowest-scoring
//! code, or the lowest bound), then skip logic applies, and a filled item
//! it hides is cleared. Only done when asked (`--fill least-severe`), and
//! the items filled are always reported: a filled answer is an assumption.

use crate::answers::Answers;
use crate::model::{ItemIdx, RuleSet};

/// Fill the items `named` says the record does not name; return the filled
/// items that skip logic shows (the ones the result depends on), in item
/// order. Named items keep what they hold, blank or invalid included.
pub(crate) fn fill_least_severe(
    rules: &RuleSet,
    answers: &mut Answers,
    named: impl Fn(ItemIdx) -> bool,
) -> Vec<ItemIdx> {
    let least = Answers::extreme(rules, false);
    for index in (0..rules.items.len()).filter(|&i| !named(i)) {
        match least.get(index) {
            // The least severe code is valid for its item.
            Some(code) => {
                let _ = answers.set(rules, index, code);
            }
            None => answers.clear(index),
        }
    }
    let shown = super::shown_items(rules, answers);
    let mut filled = Vec::new();
    for (index, shown) in shown.into_iter().enumerate() {
        if named(index) {
            continue;
        }
        if !shown {
            answers.clear(index);
        } else if answers.get(index).is_some() {
            filled.push(index);
        }
    }
    filled
}

/// The safety flags (crisis or safety) whose condition reads each of
/// `items`, directly or through a rating, for the items some read: a
/// filled answer there assumes no risk, and the output says so.
pub(crate) fn read_by_safety_flags(
    rules: &RuleSet,
    items: &[ItemIdx],
) -> Vec<(ItemIdx, Vec<crate::model::FlagIx>)> {
    let mut out = Vec::new();
    for &item in items {
        let flags: Vec<crate::model::FlagIx> = rules
            .flags
            .iter_ix()
            .filter(|(_, flag)| flag.is_safety())
            .filter(|(_, flag)| {
                crate::model::condition_subjects(&rules.ratings, &flag.when)
                    .contains(&crate::model::Subject::Item(item))
            })
            .map(|(f, _)| f)
            .collect();
        if !flags.is_empty() {
            out.push((item, flags));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{load, RulesSource};

    #[test]
    fn a_named_answer_to_a_hidden_question_is_kept_and_a_shown_follow_up_filled() {
        let rules = load(&RulesSource::Embedded).expect("default rules");
        let ix = |id: &str| rules.item_index(id).expect("item");
        let mut answers = Answers::new(&rules);
        // "No" to item 2 hides item 4, answered anyway (it counts for
        // safety); "yes" to item 6 shows its recency question.
        for (id, code) in [("cssrs_2", 0), ("cssrs_4", 1), ("cssrs_6", 1)] {
            answers.set(&rules, ix(id), code).expect("code");
        }
        let named =
            |i: ItemIdx| ["cssrs_2", "cssrs_4", "cssrs_6"].contains(&rules.items[i].id.as_str());
        let filled = fill_least_severe(&rules, &mut answers, named);
        assert_eq!(answers.get(ix("cssrs_4")), Some(1));
        assert_eq!(
            answers.get(ix("cssrs_6_recent")),
            Some(0),
            "\"no\", the least severe"
        );
        assert!(filled.contains(&ix("cssrs_6_recent")));
        assert!(!filled.contains(&ix("cssrs_4")));
        // Hidden and not named: cleared, not filled.
        assert_eq!(answers.get(ix("cssrs_5")), None);
        assert!(!filled.contains(&ix("cssrs_5")));
    }

    #[test]
    fn only_shown_filled_items_are_reported_and_named_blanks_stay_blank() {
        let rules = load(&RulesSource::Embedded).expect("default rules");
        let ix = |id: &str| rules.item_index(id).expect("item");
        let mut answers = Answers::new(&rules);
        answers.set(&rules, ix("cssrs_2"), 0).expect("code");
        let named = |i: ItemIdx| i == ix("cssrs_2") || i == ix("phq9_1");
        let filled = fill_least_severe(&rules, &mut answers, named);
        let ids: Vec<&str> = filled.iter().map(|&i| rules.items[i].id.as_str()).collect();
        assert!(ids.contains(&"phq9_2"), "{ids:?}");
        // Hidden by cssrs_2 = 0: not filled.
        assert!(!ids.contains(&"cssrs_4"), "{ids:?}");
        assert_eq!(answers.get(ix("cssrs_4")), None);
        // Named, without an answer: never filled, never 0.
        assert!(!ids.contains(&"phq9_1"), "{ids:?}");
        assert_eq!(answers.get(ix("phq9_1")), None);
    }

    #[test]
    fn filled_items_a_safety_flag_reads_are_found_through_ratings_too() {
        let rules = load(&RulesSource::Embedded).expect("default rules");
        let ix = |id: &str| rules.item_index(id).expect("item");
        let found = read_by_safety_flags(&rules, &[ix("phq9_1"), ix("cssrs_4"), ix("phq9_9")]);
        let names: Vec<(&str, Vec<&str>)> = found
            .iter()
            .map(|(i, flags)| {
                let flags = flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
                (rules.items[*i].id.as_str(), flags)
            })
            .collect();
        // phq9_1 feeds no safety flag; cssrs_4 does through the C-SSRS rating.
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(names[0].0, "cssrs_4");
        assert!(names[0].1.contains(&"suicide_risk_high"), "{names:?}");
        assert_eq!(names[1].0, "phq9_9");
        assert!(names[1].1.contains(&"suicidal_ideation"), "{names:?}");
    }
}
