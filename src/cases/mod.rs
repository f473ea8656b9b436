//! Running a rule set's own test cases, and what they cover.
//!
//! A case names some answers; every other item gets its least severe
//! answer (the lowest-scoring code, or the lowest bound), and skip logic
//! then applies as usual. Only what the case expects is checked.

pub(crate) mod mcdc;
pub(crate) mod mutate;

use crate::answers::Answers;
use crate::assess::{assess, fill_least_severe, Assessment};
use crate::error::AnswerError;
use crate::model::{Case, FlagIx, GradeOf, Ix, IxVec, Rating, RuleIx, RuleSet, ScaleIx};
use crate::report::note::NoteRenderer;
use mcdc::Mcdc;

/// The date a case's note is written on (a note's text may contain its
/// date; a case's expectation must not depend on today's).
const CASE_NOTE_DATE: &str = "2000-01-01";

/// One difference between a case's expectation and the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub(crate) what: String,
    pub(crate) expected: String,
    pub(crate) actual: String,
}

/// A case, run.
#[derive(Debug)]
pub(crate) struct Outcome<'a> {
    pub(crate) case: &'a Case,
    pub(crate) result: Result<Assessment, AnswerError>,
    pub(crate) mismatches: Vec<Mismatch>,
}

impl Outcome<'_> {
    pub(crate) fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// The answers a case stands for: the named answers, and the least severe
/// answer to every other question the answers show (a question skip logic
/// hides gets none, unless the case names it: an answer to a skipped
/// question, as on a paper form).
pub(crate) fn answers(rules: &RuleSet, case: &Case) -> Answers {
    let mut answers = Answers::new(rules);
    for &(item, code) in &case.answers {
        match code {
            // Codes were checked when the rule set was loaded.
            Some(code) => {
                let _ = answers.set(rules, item, code);
            }
            None => answers.clear(item),
        }
    }
    fill_least_severe(rules, &mut answers, |i| {
        case.answers.iter().any(|&(named, _)| named == i)
    });
    if let Some(retracted) = &case.retracted {
        answers.set_retracted_bytes(rules, retracted.as_bytes());
    }
    answers
}

/// Every case through every executor of the rule set's plan (the
/// one-record engine, the 64-row engine, the incomplete-record evaluation),
/// compared.
pub(crate) fn executors(rules: &RuleSet) -> crate::assess::tester::Agreement {
    let records: Vec<Answers> = rules.cases.iter().map(|c| answers(rules, c)).collect();
    crate::assess::tester::check(rules, &records)
}

/// Run every case of the rule set.
pub(crate) fn run(rules: &RuleSet) -> Vec<Outcome<'_>> {
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
                let expected = flags.iter().map(|&f| rules.flags[f].id.as_str());
                let actual = a.raised_flags(rules).map(|f| rules.flags[f].id.as_str());
                check("flags".into(), set(expected), set(actual));
            }
            if let Some(reasons) = &e.reasons {
                let actual: Vec<String> = a.reasons(rules).iter().map(|r| r.id(rules)).collect();
                check(
                    "reasons".into(),
                    set(reasons.iter().map(String::as_str)),
                    set(actual.iter().map(String::as_str)),
                );
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
            if let Some(fired) = &e.fired {
                let expected = fired.iter().map(|&r| rules.rules[r].id.as_str());
                let actual = rules.rules.iter_ix().filter(|&(r, _)| a.rules[r]);
                check(
                    "fired".into(),
                    set(expected),
                    set(actual.map(|(_, rule)| rule.id.as_str())),
                );
            }
            if let Some(features) = &e.features {
                let expected = features.iter().map(|&f| rules.features[f].id.as_str());
                let actual = rules.features.iter().zip(&a.features).filter(|(_, &on)| on);
                check(
                    "features".into(),
                    set(expected),
                    set(actual.map(|(f, _)| f.id.as_str())),
                );
            }
            for &(item, shown) in &e.shown {
                let word = |shown: bool| if shown { "shown" } else { "hidden" };
                check(
                    format!("{} asked", rules.items[item].id),
                    word(shown).into(),
                    word(a.shown[item]).into(),
                );
            }
            if !e.note_contains.is_empty() {
                let note = NoteRenderer::new(rules)
                    .and_then(|n| n.with_date(CASE_NOTE_DATE).render(&case.id, a))
                    .unwrap_or_else(|err| format!("(the note failed: {err})"));
                for text in &e.note_contains {
                    if !note.contains(text.as_str()) {
                        check(
                            "note".into(),
                            format!("contains {text:?}"),
                            "not in the note".into(),
                        );
                    }
                }
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

/// Ids as a set, in words: sorted, comma-separated.
fn set<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    ids.join(", ")
}

fn rejected_item(err: &AnswerError) -> Option<String> {
    match err {
        AnswerError::Missing { item }
        | AnswerError::Invalid { item, .. }
        | AnswerError::Mapped { item, .. } => Some(item.clone()),
        AnswerError::TooManyMissing { item, .. } => Some(item.clone()),
        AnswerError::FieldCount { .. } | AnswerError::Column { .. } => None,
    }
}

/// What no case exercises.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// Placement rules no case fires.
    pub(crate) rules: Vec<RuleIx>,
    /// Flags no case raises.
    pub(crate) flags: Vec<FlagIx>,
    /// Conditions on the level no case meets.
    pub(crate) conditions: Vec<usize>,
    /// (scale, band) no case reaches.
    pub(crate) bands: Vec<(ScaleIx, usize)>,
    /// (rating or domain, grade) no case reaches; baselines are not counted.
    pub(crate) grades: Vec<(GradeOf, usize)>,
    /// Which leaves of every condition the cases prove.
    pub(crate) mcdc: Mcdc,
}

impl Coverage {
    pub(crate) fn complete(&self) -> bool {
        self.rules.is_empty()
            && self.flags.is_empty()
            && self.conditions.is_empty()
            && self.bands.is_empty()
            && self.grades.is_empty()
            && self.mcdc.gaps.is_empty()
    }

    /// Total items counted, and how many are covered.
    pub(crate) fn counts(&self, rules: &RuleSet) -> (usize, usize) {
        let grades: usize = rules
            .ratings
            .iter()
            .chain(&rules.domains)
            .map(|r| r.grades.len() - 1)
            .sum();
        let total = rules.rules.len()
            + rules.flags.len()
            + rules.conditions.len()
            + rules.scales.iter().map(|s| s.bands.len()).sum::<usize>()
            + grades;
        let uncovered = self.rules.len()
            + self.flags.len()
            + self.conditions.len()
            + self.bands.len()
            + self.grades.len();
        (total, total - uncovered)
    }
}

/// The grades (beyond the baseline) of ratings or domains that no `scored`
/// outcome reaches.
fn graded<I: Ix>(
    scored: &[&Assessment],
    of: fn(I) -> GradeOf,
    list: &IxVec<I, Rating>,
    pick: fn(&Assessment) -> &IxVec<I, usize>,
) -> Vec<(GradeOf, usize)> {
    let mut out = Vec::new();
    for (r, rating) in list.iter_ix() {
        for g in 1..rating.grades.len() {
            if !scored.iter().any(|a| pick(a)[r] == g) {
                out.push((of(r), g));
            }
        }
    }
    out
}

/// What no passing case exercises (a failing case proves nothing).
pub(crate) fn coverage(rules: &RuleSet, outcomes: &[Outcome<'_>]) -> Coverage {
    let scored: Vec<&Assessment> = outcomes
        .iter()
        .filter(|o| o.passed())
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    let mut grades = graded(&scored, GradeOf::Rating, &rules.ratings, |a| &a.ratings);
    grades.extend(graded(&scored, GradeOf::Domain, &rules.domains, |a| {
        &a.domains
    }));
    Coverage {
        rules: rules
            .rules
            .ixs()
            .filter(|&r| !scored.iter().any(|a| a.rules[r]))
            .collect(),
        flags: rules
            .flags
            .ixs()
            .filter(|&f| !scored.iter().any(|a| a.flags[f]))
            .collect(),
        conditions: (0..rules.conditions.len())
            .filter(|&c| !scored.iter().any(|a| a.conditions[c]))
            .collect(),
        bands: rules
            .scales
            .iter_ix()
            .flat_map(|(s, scale)| (0..scale.bands.len()).map(move |b| (s, b)))
            .filter(|&(s, b)| !scored.iter().any(|a| a.scales[s].band == Some(b)))
            .collect(),
        grades,
        mcdc: mcdc::measure(rules, outcomes),
    }
}
