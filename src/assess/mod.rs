//! The assessment engine: answers → scores, bands, ratings, flags, domains,
//! placement. Pure: no I/O, same answers, same result.
//!
//! Stages run in a fixed order, and each condition sees only what earlier
//! stages computed (validation guarantees it): skip logic → scales →
//! ratings → flags → domains → placement rules and program features.

mod condition;
mod partial;
mod trace;

pub use partial::established_flags;

pub use trace::{Reason, Seen, TraceEntry, TraceKind};

use crate::answers::Answers;
use crate::error::AnswerError;
use crate::model::{MissingRule, RuleSet};
use condition::Facts;

/// A scale's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleResult {
    /// `None` when the scale's missing-data rule leaves it without a score.
    pub score: Option<i64>,
    /// Index into the scale's bands.
    pub band: Option<usize>,
    /// Shown items without an answer.
    pub missing: u32,
    /// The score was prorated from the answered items.
    pub prorated: bool,
}

/// Something the reader should know that did not stop scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A value was given for an item that skip logic hides; it was ignored.
    HiddenValueIgnored { item: usize },
    /// A scale was prorated from its answered items.
    Prorated { scale: usize, missing: u32 },
    /// A scale has no score because items are missing (`missing: invalid`).
    ScaleInvalid { scale: usize, missing: u32 },
}

impl Warning {
    pub fn message(&self, rules: &RuleSet) -> String {
        match self {
            Warning::HiddenValueIgnored { item } => format!(
                "an answer to `{}` was ignored: the earlier answers skip that question; \
                 check the record with the client",
                rules.items[*item].id
            ),
            Warning::Prorated { scale, missing } => format!(
                "`{}` was prorated: {missing} item(s) missing",
                rules.scales[*scale].id
            ),
            Warning::ScaleInvalid { scale, missing } => format!(
                "`{}` has no score: {missing} item(s) missing",
                rules.scales[*scale].id
            ),
        }
    }
}

/// The result of assessing one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Answers after skip logic: hidden items hold `None`.
    pub values: Vec<Option<i64>>,
    /// Which items were shown.
    pub shown: Vec<bool>,
    pub scales: Vec<ScaleResult>,
    /// Grade index of each rating.
    pub ratings: Vec<usize>,
    /// Which flags were raised.
    pub flags: Vec<bool>,
    /// Grade index of each domain.
    pub domains: Vec<usize>,
    /// Which placement rules fired.
    pub rules: Vec<bool>,
    /// Which program features apply.
    pub features: Vec<bool>,
    /// Recommended level (index into `RuleSet::levels`).
    pub level: usize,
    /// Acute risk: the crisis route.
    pub crisis: bool,
    pub warnings: Vec<Warning>,
}

impl Assessment {
    /// Whether any raised flag is a safety (or crisis) flag.
    pub fn safety(&self, rules: &RuleSet) -> bool {
        self.crisis || self.raised_flags(rules).any(|f| rules.flags[f].safety)
    }

    /// Indexes of raised flags, most severe first (then in rule-set order).
    pub fn raised_flags<'a>(&'a self, rules: &'a RuleSet) -> impl Iterator<Item = usize> + 'a {
        rules
            .flags_by_severity
            .iter()
            .copied()
            .filter(|&f| self.flags[f])
    }
}

/// Assess one record's answers.
pub fn assess(rules: &RuleSet, answers: &Answers) -> Result<Assessment, AnswerError> {
    let mut out = Assessment::empty();
    assess_into(rules, answers, &mut out)?;
    Ok(out)
}

impl Assessment {
    /// An assessment to be filled by `assess_into`.
    pub fn empty() -> Assessment {
        Assessment {
            values: Vec::new(),
            shown: Vec::new(),
            scales: Vec::new(),
            ratings: Vec::new(),
            flags: Vec::new(),
            domains: Vec::new(),
            rules: Vec::new(),
            features: Vec::new(),
            level: 0,
            crisis: false,
            warnings: Vec::new(),
        }
    }
}

/// Assess one record into `out`, reusing its buffers (the batch hot path).
/// On error, `out` holds a partial result and must not be used.
pub fn assess_into(
    rules: &RuleSet,
    answers: &Answers,
    out: &mut Assessment,
) -> Result<(), AnswerError> {
    out.values.clear();
    out.values.extend_from_slice(answers.values());
    out.shown.clear();
    out.shown.resize(rules.items.len(), false);
    out.warnings.clear();
    let values = &mut out.values;

    // Skip logic, in item order: show_if only looks at earlier items.
    for (index, item) in rules.items.iter().enumerate() {
        let visible = match &item.show_if {
            None => true,
            Some(cond) => Facts::items_only(values).holds(cond),
        };
        out.shown[index] = visible;
        if !visible {
            if values[index].is_some() || answers.unparsed(index).is_some() {
                out.warnings
                    .push(Warning::HiddenValueIgnored { item: index });
            }
            values[index] = None;
            continue;
        }
        if let Some(err) = answers.unparsed(index) {
            return Err(err.clone());
        }
        if values[index].is_none() && item.is_answerable() {
            let rejected_by_scale = item.scales.iter().any(|&s| match &rules.scales[s].missing {
                MissingRule::AllRequired => true,
                MissingRule::Prorate { never, .. } => never.contains(&index),
                MissingRule::Invalid => false,
            });
            if rejected_by_scale || (item.scales.is_empty() && item.required) {
                return Err(AnswerError::Missing {
                    item: item.id.clone(),
                });
            }
        }
    }

    out.scales.clear();
    for (s, scale) in rules.scales.iter().enumerate() {
        let (mut sum, mut answered, mut missing, mut first_missing) = (0i64, 0i64, 0u32, None);
        let mut counted = 0i64;
        for &i in &scale.items {
            if !out.shown[i] {
                continue;
            }
            counted += 1;
            match values[i] {
                Some(code) => {
                    // Answers only ever hold codes checked against the item.
                    let Some(score) = rules.items[i].score(code) else {
                        return Err(AnswerError::Invalid {
                            item: rules.items[i].id.clone(),
                            value: code.to_string(),
                            expected: crate::answers::expected(&rules.items[i]),
                        });
                    };
                    sum += score;
                    answered += 1;
                }
                None => {
                    missing += 1;
                    first_missing.get_or_insert(i);
                }
            }
        }
        let result = match (&scale.missing, first_missing) {
            (_, None) => ScaleResult {
                score: Some(sum),
                band: None,
                missing: 0,
                prorated: false,
            },
            (MissingRule::Prorate { max_missing, .. }, Some(item)) => {
                if missing > *max_missing || answered == 0 {
                    return Err(AnswerError::TooManyMissing {
                        scale: scale.id.clone(),
                        item: rules.items[item].id.clone(),
                        missing,
                        allowed: *max_missing,
                    });
                }
                out.warnings.push(Warning::Prorated { scale: s, missing });
                // Mean of answered items times the item count, half up.
                let score = (2 * sum * counted + answered).div_euclid(2 * answered);
                ScaleResult {
                    score: Some(score),
                    band: None,
                    missing,
                    prorated: true,
                }
            }
            (MissingRule::Invalid, Some(_)) => {
                out.warnings
                    .push(Warning::ScaleInvalid { scale: s, missing });
                ScaleResult {
                    score: None,
                    band: None,
                    missing,
                    prorated: false,
                }
            }
            // Unreachable: the item walk above rejects the record first.
            (MissingRule::AllRequired, Some(item)) => {
                return Err(AnswerError::Missing {
                    item: rules.items[item].id.clone(),
                })
            }
        };
        let band = result.score.and_then(|score| scale.band_of(score));
        out.scales.push(ScaleResult { band, ..result });
    }

    let mut facts = Facts {
        values: &out.values,
        scales: &out.scales,
        ratings: std::mem::take(&mut out.ratings),
        flags: std::mem::take(&mut out.flags),
        domains: std::mem::take(&mut out.domains),
    };
    facts.ratings.clear();
    facts.flags.clear();
    facts.domains.clear();
    for rating in &rules.ratings {
        let grade = facts.grade(rating);
        facts.ratings.push(grade);
    }
    for flag in &rules.flags {
        let raised = facts.holds(&flag.when);
        facts.flags.push(raised);
    }
    for domain in &rules.domains {
        let grade = facts.grade(domain);
        facts.domains.push(grade);
    }
    out.rules.clear();
    out.rules
        .extend(rules.rules.iter().map(|rule| facts.holds(&rule.when)));
    out.features.clear();
    out.features
        .extend(rules.features.iter().map(|f| facts.holds(&f.when)));
    let Facts {
        ratings,
        flags,
        domains,
        ..
    } = facts;
    out.ratings = ratings;
    out.flags = flags;
    out.domains = domains;

    let mut level = rules.default_level;
    let mut crisis = false;
    for (rule, _) in rules.rules.iter().zip(&out.rules).filter(|(_, on)| **on) {
        level = level.max(rule.level);
    }
    for (flag, _) in rules.flags.iter().zip(&out.flags).filter(|(_, on)| **on) {
        if let Some(min) = flag.min_level {
            level = level.max(min);
        }
        crisis |= flag.crisis;
    }
    if crisis {
        level = rules.top_level();
    }
    out.level = level;
    out.crisis = crisis;
    Ok(())
}

#[cfg(test)]
mod tests;
