//! View types the renderers share (JSON, the note, the interview's
//! result): plain data cut from the model, so the model can change without
//! breaking consumers, and what every renderer says alike.

use crate::model::{FlagIx, Ix, IxVec, Rating, RuleSet};
use serde::Serialize;

use crate::assess::Assessment;
use crate::messages::Lang;

/// The rule set a result came from.
#[derive(Debug, Serialize)]
pub(crate) struct Provenance<'a> {
    pub(crate) name: &'a str,
    pub(crate) version: &'a str,
    pub(crate) sha256: &'a str,
    /// The language of the texts (English where a translation is missing).
    pub(crate) lang: &'a str,
}

impl<'a> Provenance<'a> {
    pub(crate) fn of(rules: &'a RuleSet) -> Self {
        Provenance {
            name: &rules.name,
            version: &rules.version,
            sha256: &rules.sha256,
            lang: &rules.lang,
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct FlagView<'a> {
    pub(crate) id: &'a str,
    pub(crate) severity: &'static str,
    /// Severity `high` or `critical`: belongs at the top of a note.
    pub(crate) urgent: bool,
    pub(crate) safety: bool,
    pub(crate) crisis: bool,
    /// `now`, `today`, or `null`.
    pub(crate) urgency: Option<&'static str>,
    pub(crate) message: &'a str,
    /// What to do next, when the flag is urgent.
    pub(crate) next_step: Option<&'a str>,
    /// The answers and scores behind it, in words ("C-SSRS item 4
    /// (intent): yes"); empty for a rejected record's flags.
    pub(crate) because: Vec<String>,
}

impl<'a> FlagView<'a> {
    /// With the given answers behind a flag an incomplete record establishes.
    pub(crate) fn given_behind(
        mut self,
        rules: &RuleSet,
        answers: &crate::answers::Answers,
        f: FlagIx,
    ) -> Self {
        self.because = crate::report::trace::given_behind(rules, answers, f);
        self
    }

    /// With the answers and scores behind the flag in this assessment.
    pub(crate) fn behind(mut self, rules: &RuleSet, a: &Assessment, f: FlagIx) -> Self {
        self.because = crate::report::trace::behind(rules, a, f);
        self
    }

    pub(crate) fn of(rules: &'a RuleSet, f: FlagIx) -> Self {
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
            because: Vec::new(),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct ScaleView<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) score: Option<i64>,
    pub(crate) band: Option<&'a str>,
    pub(crate) band_label: Option<&'a str>,
    pub(crate) missing: u32,
    pub(crate) prorated: bool,
}

impl<'a> ScaleView<'a> {
    pub(crate) fn all(rules: &'a RuleSet, a: &Assessment) -> Vec<Self> {
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
pub(crate) struct GradeView<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) grade: &'a str,
    pub(crate) label: &'a str,
}

impl<'a> GradeView<'a> {
    pub(crate) fn all<I: Ix>(ratings: &'a IxVec<I, Rating>, grades: &IxVec<I, usize>) -> Vec<Self> {
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
pub(crate) fn urgent_steps<'a>(rules: &'a RuleSet, raised: &[FlagIx]) -> Vec<&'a str> {
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
pub(crate) fn next_step(rules: &RuleSet, raised: &[FlagIx], referral: Option<&str>) -> String {
    let steps = urgent_steps(rules, raised);
    match (steps.is_empty(), referral) {
        (true, Some(referral)) => referral.trim().to_string(),
        _ => steps.join(" "),
    }
}
