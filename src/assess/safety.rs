//! The safety view (policy 1.1), stated once for every executor that
//! weighs it: every answer given counts for safety, hidden ones too.
//!
//! An executor holds two sets of facts: the plain ones (what skip logic
//! shows) and, when they differ, the given ones (every answer given). Over
//! both, in stage order:
//! - a safety rating's grade is never below its plain grade: the grade over
//!   the given answers raises it, never lowers it, and that grade is the
//!   rating's in both views (the later stages read it);
//! - a safety flag is raised when it holds in either view; any other flag
//!   only when it holds over the plain facts.
//!
//! A hidden value is never scored: scales are the plain view's in both.

use crate::model::{FlagIx, Logic, RatingIx, RuleSet};

/// One executor's facts, as the safety view grades and raises them.
pub(crate) trait SafetyFacts {
    /// A rating's grade as this executor knows it.
    type Grade: Copy;
    /// A flag's truth as this executor knows it.
    type Truth: Logic;
    /// Rating `r` graded by its tests over these facts.
    fn grade(&self, rules: &RuleSet, r: RatingIx) -> Self::Grade;
    fn set_grade(&mut self, rules: &RuleSet, r: RatingIx, grade: Self::Grade);
    /// The grade that is at least both: the higher one, where known.
    fn at_least(plain: Self::Grade, given: Self::Grade) -> Self::Grade;
    /// Flag `f`'s test over these facts.
    fn flag(&self, rules: &RuleSet, f: FlagIx) -> Self::Truth;
    fn set_flag(&mut self, rules: &RuleSet, f: FlagIx, raised: Self::Truth);
}

/// Grade every rating and raise every flag, over `plain` alone or, with
/// `given`, in the safety view. Afterwards `plain` holds the result;
/// `given` holds the same grades and its own flags (raised over the given
/// answers only, which is what a warning about one hidden answer reads).
pub(crate) fn weigh<F: SafetyFacts>(rules: &RuleSet, plain: &mut F, mut given: Option<&mut F>) {
    let compiled = &rules.compiled;
    for r in rules.ratings.ixs() {
        let mut grade = plain.grade(rules, r);
        if let Some(given) = given.as_deref_mut() {
            if compiled.safety_ratings[r] {
                grade = F::at_least(grade, given.grade(rules, r));
            }
            given.set_grade(rules, r, grade);
        }
        plain.set_grade(rules, r, grade);
    }
    for f in rules.flags.ixs() {
        let mut raised = plain.flag(rules, f);
        if let Some(given) = given.as_deref_mut() {
            let over_given = given.flag(rules, f);
            given.set_flag(rules, f, over_given);
            if compiled.safety_flags[f] {
                raised = raised.or(over_given);
            }
        }
        plain.set_flag(rules, f, raised);
    }
}

/// An item's answer, as an executor of the safety view holds it.
pub(crate) trait Given: Copy {
    fn given(self) -> bool;
    fn code(code: i64) -> Self;
}

/// A fact: `NONE` is no answer.
impl Given for i64 {
    fn given(self) -> bool {
        self != crate::model::NONE
    }
    fn code(code: i64) -> i64 {
        code
    }
}

impl Given for Option<i64> {
    fn given(self) -> bool {
        self.is_some()
    }
    fn code(code: i64) -> Option<i64> {
        Some(code)
    }
}

/// The safety view's one reading of a gate: an answered item whose answer
/// implies its gate, with the gate left without an answer, reads the gate
/// as showing it. `items` holds every item's answer, in item order.
pub(crate) fn read_implied_gates<G: Given>(rules: &RuleSet, items: &mut [G]) {
    for (i, implied) in rules.compiled.implied_gates.iter().enumerate() {
        if let Some((gate, code)) = *implied {
            if items[i].given() && !items[gate].given() {
                items[gate] = G::code(code);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::answers::Answers;
    use crate::assess::{assess, established_flags};
    use crate::model::RuleSet;
    use crate::rules::{load, RulesSource};

    /// Item 3 is asked only after a "yes" to item 2. A safety flag reads it
    /// directly (`danger`), a safety rating reads it (`alarm`, read by the
    /// safety flag `alarmed`), and a flag that is not safety reads it too.
    const RULES: &str = r#"
format_version: 1
name: hidden
version: "0.1"
levels:
  - { id: low, name: Low, description: Low intensity., referral: Refer low. }
  - { id: high, name: High, description: High intensity., referral: Refer high. }
instruments:
  - id: mood
    title: Mood
    source: Test instrument.
    items:
      - { id: mood_1, text: Question one, type: yes_no }
      - { id: mood_2, text: Question two, type: yes_no }
      - { id: mood_3, text: Follow-up, type: yes_no, show_if: { item: mood_2, eq: 1 } }
scales:
  - id: mood
    title: Mood total
    items: [mood_1, mood_2, mood_3]
    min: 0
    max: 3
    missing: all_required
    bands:
      - { id: low, label: Low, min: 0, max: 1 }
      - { id: high, label: High, min: 2, max: 3 }
ratings:
  - id: alarm
    title: Alarm
    grades:
      - { id: none, label: None }
      - { id: raised, label: Raised, when: { item: mood_3, eq: 1 } }
flags:
  - id: danger
    severity: critical
    safety: true
    crisis: true
    when: { item: mood_3, eq: 1 }
    message: Danger.
  - id: alarmed
    severity: high
    safety: true
    when: { rating: alarm, at_least: raised }
    message: Alarmed.
  - id: follow_up
    severity: warning
    when: { item: mood_3, eq: 1 }
    message: Follow up.
placement:
  default_level: low
  rules:
    - { id: high_mood, level: high, when: { band: mood, at_least: high }, rationale: High mood score. }
resources:
  - { id: line, name: Crisis line, contact: call 988, show: always }
note_template: |
  {{ level.name }}
  {% for f in flags %}{{ f.message }}
  {% endfor %}
  {% for r in resources %}{{ r.contact }}
  {% endfor %}
"#;

    fn rules() -> RuleSet {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("ruleset.yaml"), RULES).expect("write");
        load(&RulesSource::Path(dir.path().to_path_buf())).expect("the rules load")
    }

    fn answers(rules: &RuleSet, set: &[(usize, i64)]) -> Answers {
        let mut answers = Answers::new(rules);
        for &(i, code) in set {
            answers.set(rules, i, code).expect("a valid code");
        }
        answers
    }

    fn flag_ids(
        rules: &RuleSet,
        raised: impl IntoIterator<Item = crate::model::FlagIx>,
    ) -> Vec<String> {
        let mut ids: Vec<String> = raised
            .into_iter()
            .map(|f| rules.flags[f].id.clone())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn a_hidden_yes_raises_the_safety_flags_in_either_view_and_nothing_else() {
        let rules = rules();
        // Item 3 "yes" after a "no" to item 2: hidden, never scored.
        let a = assess(&rules, &answers(&rules, &[(0, 0), (1, 0), (2, 1)])).expect("complete");
        assert_eq!(
            flag_ids(&rules, a.raised_flags(&rules)),
            ["alarmed", "danger"]
        );
        assert_eq!(
            a.ratings.iter().copied().collect::<Vec<_>>(),
            [1],
            "alarm raised"
        );
        assert!(a.crisis);
        assert_eq!(
            a.scales.iter().map(|s| s.score).collect::<Vec<_>>(),
            [Some(0)],
            "the hidden yes is not scored"
        );
    }

    #[test]
    fn a_hidden_no_lowers_nothing() {
        let rules = rules();
        let a = assess(&rules, &answers(&rules, &[(0, 1), (1, 0), (2, 0)])).expect("complete");
        assert_eq!(
            flag_ids(&rules, a.raised_flags(&rules)),
            Vec::<String>::new()
        );
        let a = assess(&rules, &answers(&rules, &[(0, 0), (1, 1), (2, 1)])).expect("complete");
        assert_eq!(
            flag_ids(&rules, a.raised_flags(&rules)),
            ["alarmed", "danger", "follow_up"],
            "shown, item 3 counts in the plain view"
        );
    }

    #[test]
    fn a_rejected_row_establishes_the_safety_flags_a_hidden_yes_raises() {
        let rules = rules();
        // Item 1 missing: rejected; item 3's hidden "yes" still counts.
        let given = answers(&rules, &[(1, 0), (2, 1)]);
        assert!(assess(&rules, &given).is_err());
        assert_eq!(
            flag_ids(&rules, established_flags(&rules, &given)),
            ["alarmed", "danger"]
        );
    }
}
