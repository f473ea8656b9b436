//! The referral note: the rule set's minijinja template rendered with a
//! context built from an assessment. Strict undefined: a misspelt variable
//! is an error, caught by `rules check` (see `check_template`).

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::answers::Answers;
use crate::assess::{assess, Assessment};
use crate::model::{ItemKind, RuleSet};

const NAME: &str = "note";

/// A compiled note template.
pub struct NoteRenderer<'a> {
    env: Environment<'a>,
    rules: &'a RuleSet,
}

impl<'a> NoteRenderer<'a> {
    pub fn new(rules: &'a RuleSet) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        let source = &rules.note_template;
        env.add_template(NAME, source)
            .map_err(|e| template_error(source, e))?;
        Ok(NoteRenderer { env, rules })
    }

    /// Render the note for one record.
    pub fn render(&self, id: &str, a: &Assessment) -> Result<String, TemplateError> {
        let source = &self.rules.note_template;
        let template = self
            .env
            .get_template(NAME)
            .map_err(|e| template_error(source, e))?;
        template
            .render(NoteContext::of(self.rules, id, a))
            .map_err(|e| template_error(source, e))
    }
}

/// A template problem, with the template line when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub message: String,
    /// 1-based line within the template.
    pub line: Option<usize>,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn template_error(template: &str, err: minijinja::Error) -> TemplateError {
    let line = err.line();
    let mut message = describe(err);
    if let Some(source) = line.and_then(|l| template.lines().nth(l.saturating_sub(1))) {
        message.push_str(&format!(" in `{}`", source.trim()));
    }
    TemplateError { message, line }
}

fn describe(err: minijinja::Error) -> String {
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message.push_str(&format!(": {detail}"));
    }
    let mut source = std::error::Error::source(&err);
    while let Some(inner) = source {
        message.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    message
}

/// Check the template compiles and renders for the least and the most
/// severe answers (so both sides of its conditionals are exercised).
pub(crate) fn check_template(rules: &RuleSet) -> Result<(), TemplateError> {
    let renderer = NoteRenderer::new(rules)?;
    for most_severe in [false, true] {
        let mut answers = Answers::new(rules);
        for (index, item) in rules.items.iter().enumerate() {
            let code = match (&item.kind, item.codes()) {
                (_, Some(codes)) if most_severe => codes.last().copied(),
                (_, Some(codes)) => codes.first().copied(),
                (ItemKind::Integer { max, .. }, None) if most_severe => Some(*max),
                (ItemKind::Integer { min, .. }, None) => Some(*min),
                _ => None,
            };
            if let Some(code) = code {
                // Codes come from the item itself, so setting cannot fail.
                let _ = answers.set(rules, index, code);
            }
        }
        if let Ok(assessment) = assess(rules, &answers) {
            let note = renderer.render("example", &assessment)?;
            check_shows_safety(rules, &assessment, &note).map_err(|message| TemplateError {
                message,
                line: None,
            })?;
        }
    }
    Ok(())
}

/// A note must never drop a flag or, when a safety flag is raised, the
/// crisis resources: a template that does is rejected.
fn check_shows_safety(rules: &RuleSet, a: &Assessment, note: &str) -> Result<(), String> {
    for f in a.raised_flags(rules) {
        let flag = &rules.flags[f];
        if !note.contains(flag.message.trim()) {
            return Err(format!(
                "the note does not show flag `{}` (its message is missing); every raised flag must appear",
                flag.id
            ));
        }
    }
    if a.safety(rules) {
        for resource in &rules.resources {
            if !note.contains(resource.contact.trim()) {
                return Err(format!(
                    "the note does not list resource `{}` when a safety flag is raised",
                    resource.id
                ));
            }
        }
    }
    Ok(())
}

/// What a note template can use. Documented in `rules/README.md`.
#[derive(Serialize)]
struct NoteContext<'a> {
    id: &'a str,
    rules: Meta<'a>,
    level: LevelView<'a>,
    crisis: bool,
    /// Any safety flag raised: list crisis resources first.
    safety: bool,
    flags: Vec<FlagView<'a>>,
    scales: Vec<ScaleView<'a>>,
    ratings: Vec<GradeView<'a>>,
    domains: Vec<GradeView<'a>>,
    reasons: Vec<String>,
    features: Vec<&'a str>,
    resources: Vec<ResourceView<'a>>,
}

#[derive(Serialize)]
struct Meta<'a> {
    name: &'a str,
    version: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct LevelView<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    referral: &'a str,
}

#[derive(Serialize)]
struct FlagView<'a> {
    id: &'a str,
    severity: &'static str,
    safety: bool,
    crisis: bool,
    message: &'a str,
}

#[derive(Serialize)]
struct ScaleView<'a> {
    id: &'a str,
    title: &'a str,
    score: Option<i64>,
    band: Option<&'a str>,
    band_label: Option<&'a str>,
    prorated: bool,
}

#[derive(Serialize)]
struct GradeView<'a> {
    id: &'a str,
    title: &'a str,
    grade: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct ResourceView<'a> {
    name: &'a str,
    contact: &'a str,
    hours: Option<&'a str>,
}

impl<'a> NoteContext<'a> {
    fn of(rules: &'a RuleSet, id: &'a str, a: &Assessment) -> Self {
        let level = &rules.levels[a.level];
        let safety = a.safety(rules);
        let grades =
            |ratings: &'a [crate::model::Rating], grades: &[usize]| -> Vec<GradeView<'a>> {
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
            };
        NoteContext {
            id,
            rules: Meta {
                name: &rules.name,
                version: &rules.version,
                sha256: &rules.sha256,
            },
            level: LevelView {
                id: &level.id,
                name: &level.name,
                description: &level.description,
                referral: &level.referral,
            },
            crisis: a.crisis,
            safety,
            flags: a
                .raised_flags(rules)
                .map(|f| {
                    let flag = &rules.flags[f];
                    FlagView {
                        id: &flag.id,
                        severity: flag.severity.as_str(),
                        safety: flag.safety,
                        crisis: flag.crisis,
                        message: &flag.message,
                    }
                })
                .collect(),
            scales: rules
                .scales
                .iter()
                .zip(&a.scales)
                .map(|(s, r)| ScaleView {
                    id: &s.id,
                    title: &s.title,
                    score: r.score,
                    band: r.band.map(|b| s.bands[b].id.as_str()),
                    band_label: r.band.map(|b| s.bands[b].label.as_str()),
                    prorated: r.prorated,
                })
                .collect(),
            ratings: grades(&rules.ratings, &a.ratings),
            domains: grades(&rules.domains, &a.domains),
            reasons: a.reasons(rules).iter().map(|r| r.text(rules)).collect(),
            features: rules
                .features
                .iter()
                .zip(&a.features)
                .filter(|(_, on)| **on)
                .map(|(f, _)| f.text.as_str())
                .collect(),
            resources: rules
                .resources
                .iter()
                .filter(|r| safety || !r.safety_only)
                .map(|r| ResourceView {
                    name: &r.name,
                    contact: &r.contact,
                    hours: r.hours.as_deref(),
                })
                .collect(),
        }
    }
}
