//! View types the renderers share (JSON, the note, the interview's
//! result): plain data cut from the model, so the model can change without
//! breaking consumers, and what every renderer says alike.

use serde::Serialize;

use crate::assess::Assessment;
use crate::messages::Lang;
use crate::model::RuleSet;

/// The rule set a result came from.
#[derive(Debug, Serialize)]
pub struct Provenance<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub sha256: &'a str,
    /// The language of the texts (English where a translation is missing).
    pub lang: &'a str,
}

impl<'a> Provenance<'a> {
    pub fn of(rules: &'a RuleSet) -> Self {
        Provenance {
            name: &rules.name,
            version: &rules.version,
            sha256: &rules.sha256,
            lang: &rules.lang,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct FlagView<'a> {
    pub id: &'a str,
    pub severity: &'static str,
    /// Severity `high` or `critical`: belongs at the top of a note.
    pub urgent: bool,
    pub safety: bool,
    pub crisis: bool,
    /// `now`, `today`, or `null`.
    pub urgency: Option<&'static str>,
    pub message: &'a str,
    /// What to do next, when the flag is urgent.
    pub next_step: Option<&'a str>,
}

impl<'a> FlagView<'a> {
    pub fn of(rules: &'a RuleSet, f: usize) -> Self {
        let flag = &rules.flags[f];
        FlagView {
            id: &flag.id,
            severity: flag.severity.as_str(),
            urgent: flag.severity >= crate::model::Severity::High,
            safety: flag.safety,
            crisis: flag.crisis,
            urgency: flag.urgency.map(|u| u.as_str()),
            message: &flag.message,
            next_step: flag.next_step.as_deref(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ScaleView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub score: Option<i64>,
    pub band: Option<&'a str>,
    pub band_label: Option<&'a str>,
    pub missing: u32,
    pub prorated: bool,
}

impl<'a> ScaleView<'a> {
    pub fn all(rules: &'a RuleSet, a: &Assessment) -> Vec<Self> {
        rules
            .scales
            .iter()
            .zip(&a.scales)
            .map(|(s, r)| ScaleView {
                id: &s.id,
                title: &s.title,
                score: r.score,
                band: r.band.map(|b| s.bands[b].id.as_str()),
                band_label: r.band.map(|b| s.bands[b].label.as_str()),
                missing: r.missing,
                prorated: r.prorated,
            })
            .collect()
    }
}

#[derive(Debug, Serialize)]
pub struct GradeView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub grade: &'a str,
    pub label: &'a str,
}

impl<'a> GradeView<'a> {
    pub fn all(ratings: &'a [crate::model::Rating], grades: &[usize]) -> Vec<Self> {
        ratings
            .iter()
            .zip(grades)
            .map(|(r, &g)| GradeView {
                id: &r.id,
                title: &r.title,
                grade: &r.grades[g].id,
                label: &r.grades[g].label,
            })
            .collect()
    }
}

/// The next steps of the raised urgent flags, most urgent first (the most
/// severe first among equals), each once: nothing another flag asks for
/// the same day is dropped.
pub fn urgent_steps<'a>(rules: &'a RuleSet, raised: &[usize]) -> Vec<&'a str> {
    use crate::model::Urgency;
    let now = raised
        .iter()
        .any(|&f| rules.flags[f].urgency == Some(Urgency::Now));
    let mut urgent: Vec<(Urgency, usize, &'a str)> = Vec::new();
    for (k, &f) in raised.iter().enumerate() {
        let flag = &rules.flags[f];
        // An emergency evaluation covers the same-day safety assessments.
        if now && flag.is_safety() && flag.urgency == Some(Urgency::Today) {
            continue;
        }
        let step = match (&flag.next_step, flag.crisis) {
            (Some(step), _) => step.trim(),
            (None, true) => Lang::of(&rules.lang).emergency_next_step(),
            (None, false) => continue,
        };
        if let Some(urgency) = flag.urgency {
            if !urgent.iter().any(|&(_, _, s)| s == step) {
                urgent.push((urgency, k, step));
            }
        }
    }
    urgent.sort_by_key(|&(urgency, k, _)| (std::cmp::Reverse(urgency), k));
    urgent.into_iter().map(|(_, _, step)| step).collect()
}

/// The note's next step: the urgent flags' steps, else the level's own
/// referral.
pub fn next_step(rules: &RuleSet, raised: &[usize], referral: Option<&str>) -> String {
    let steps = urgent_steps(rules, raised);
    match (steps.is_empty(), referral) {
        (true, Some(referral)) => referral.trim().to_string(),
        _ => steps.join(" "),
    }
}
