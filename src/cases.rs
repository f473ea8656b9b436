//! Running a rule set's own test cases, and what they cover.
//!
//! A case names some answers; every other item gets its least severe
//! answer (the lowest-scoring code, or the lowest bound), and skip logic
//! then applies as usual. Only what the case expects is checked.

use crate::answers::Answers;
use crate::assess::{assess, Assessment};
use crate::error::AnswerError;
use crate::model::{Case, GradeOf, RuleSet};

/// One difference between a case's expectation and the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub what: String,
    pub expected: String,
    pub actual: String,
}

/// A case, run.
#[derive(Debug)]
pub struct Outcome<'a> {
    pub case: &'a Case,
    pub result: Result<Assessment, AnswerError>,
    pub mismatches: Vec<Mismatch>,
}

impl Outcome<'_> {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// The answers a case stands for.
pub fn answers(rules: &RuleSet, case: &Case) -> Answers {
    let mut answers = Answers::extreme(rules, false);
    for &(item, code) in &case.answers {
        // Codes were checked when the rule set was loaded.
        let _ = answers.set(rules, item, code);
    }
    answers
}

/// Run every case of the rule set.
pub fn run(rules: &RuleSet) -> Vec<Outcome<'_>> {
    rules
        .cases
        .iter()
        .map(|case| run_one(rules, case))
        .collect()
}

fn run_one<'a>(rules: &RuleSet, case: &'a Case) -> Outcome<'a> {
    let result = assess(rules, &answers(rules, case));
    let e = &case.expect;
    let mut mismatches = Vec::new();
    let mut check = |what: String, expected: String, actual: String| {
        if expected != actual {
            mismatches.push(Mismatch {
                what,
                expected,
                actual,
            });
        }
    };
    match (&result, e.rejected_for) {
        (Err(err), Some(item)) => {
            let actual = rejected_item(err).unwrap_or_default();
            check("rejected for".into(), rules.items[item].id.clone(), actual);
        }
        (Err(err), None) => check("result".into(), "scored".into(), format!("rejected: {err}")),
        (Ok(_), Some(item)) => check(
            "result".into(),
            format!("rejected for `{}`", rules.items[item].id),
            "scored".into(),
        ),
        (Ok(a), None) => {
            if let Some(level) = e.level {
                check(
                    "level".into(),
                    rules.levels[level].id.clone(),
                    rules.levels[a.level].id.clone(),
                );
            }
            if let Some(crisis) = e.crisis {
                check("crisis".into(), crisis.to_string(), a.crisis.to_string());
            }
            if let Some(flags) = &e.flags {
                let mut expected: Vec<&str> =
                    flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
                let mut actual: Vec<&str> = a
                    .raised_flags(rules)
                    .map(|f| rules.flags[f].id.as_str())
                    .collect();
                expected.sort_unstable();
                actual.sort_unstable();
                check("flags".into(), expected.join(", "), actual.join(", "));
            }
            for &(s, score) in &e.scores {
                let actual = a.scales[s]
                    .score
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "no score".into());
                check(
                    format!("{} score", rules.scales[s].id),
                    score.to_string(),
                    actual,
                );
            }
            for &(s, band) in &e.bands {
                let scale = &rules.scales[s];
                let actual = a.scales[s]
                    .band
                    .map_or("no band".to_string(), |b| scale.bands[b].id.clone());
                check(
                    format!("{} band", scale.id),
                    scale.bands[band].id.clone(),
                    actual,
                );
            }
            for &(of, grade) in &e.grades {
                let (rating, actual) = match of {
                    GradeOf::Rating(r) => (&rules.ratings[r], a.ratings[r]),
                    GradeOf::Domain(d) => (&rules.domains[d], a.domains[d]),
                };
                check(
                    rating.id.clone(),
                    rating.grades[grade].id.clone(),
                    rating.grades[actual].id.clone(),
                );
            }
        }
    }
    Outcome {
        case,
        result,
        mismatches,
    }
}

fn rejected_item(err: &AnswerError) -> Option<String> {
    match err {
        AnswerError::Missing { item } | AnswerError::Invalid { item, .. } => Some(item.clone()),
        AnswerError::TooManyMissing { item, .. } => Some(item.clone()),
        AnswerError::FieldCount { .. } | AnswerError::Column { .. } => None,
    }
}

/// What no case exercises.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Placement rules no case fires.
    pub rules: Vec<usize>,
    /// Flags no case raises.
    pub flags: Vec<usize>,
    /// (scale, band) no case reaches.
    pub bands: Vec<(usize, usize)>,
}

impl Coverage {
    pub fn complete(&self) -> bool {
        self.rules.is_empty() && self.flags.is_empty() && self.bands.is_empty()
    }

    /// Total items counted, and how many are covered.
    pub fn counts(&self, rules: &RuleSet) -> (usize, usize) {
        let total = rules.rules.len()
            + rules.flags.len()
            + rules.scales.iter().map(|s| s.bands.len()).sum::<usize>();
        (
            total,
            total - self.rules.len() - self.flags.len() - self.bands.len(),
        )
    }
}

pub fn coverage(rules: &RuleSet, outcomes: &[Outcome<'_>]) -> Coverage {
    let scored: Vec<&Assessment> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    Coverage {
        rules: (0..rules.rules.len())
            .filter(|&r| !scored.iter().any(|a| a.rules[r]))
            .collect(),
        flags: (0..rules.flags.len())
            .filter(|&f| !scored.iter().any(|a| a.flags[f]))
            .collect(),
        bands: rules
            .scales
            .iter()
            .enumerate()
            .flat_map(|(s, scale)| (0..scale.bands.len()).map(move |b| (s, b)))
            .filter(|&(s, b)| !scored.iter().any(|a| a.scales[s].band == Some(b)))
            .collect(),
    }
}
