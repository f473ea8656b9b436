//! The referral note: the rule set's minijinja template rendered with a
//! context built from an assessment. Strict undefined: a misspelt variable
//! is an error, caught by `rules check` (see `check_template`).

use crate::model::{FlagIx, Resource, RuleSet, Show};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::answers::Answers;
use crate::assess::{assess, Assessment, Reason, Warning};
use crate::messages::Lang;
use crate::report::handout;
use crate::report::view::{next_step, urgent_steps, FlagView, GradeView, Provenance, ScaleView};
use crate::report::words;

pub use crate::report::handout::NoteAudience;

const NAME: &str = "note";

/// A compiled note template.
pub(crate) struct NoteRenderer<'a> {
    env: Environment<'a>,
    rules: &'a RuleSet,
    /// The note's date (`YYYY-MM-DD`); empty when not given.
    date: String,
    /// The template in use.
    source: &'a str,
    /// Markdown asked for without a Markdown template: fence the text note.
    fenced: bool,
    /// A Markdown note.
    markdown: bool,
    /// Who the note is for: the referral note, or the client's handout.
    audience: NoteAudience,
}

/// The form of a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteFormat {
    Text,
    /// The rule set's Markdown template (`note_markdown`); without one, the
    /// text note in a fenced block.
    Markdown,
}

impl<'a> NoteRenderer<'a> {
    /// The text note.
    pub(crate) fn new(rules: &'a RuleSet) -> Result<Self, TemplateError> {
        NoteRenderer::in_format(rules, NoteFormat::Text)
    }

    pub(crate) fn in_format(rules: &'a RuleSet, format: NoteFormat) -> Result<Self, TemplateError> {
        let (source, fenced) = match (format, &rules.note_markdown) {
            (NoteFormat::Markdown, Some(markdown)) => (markdown.as_str(), false),
            (NoteFormat::Markdown, None) => (rules.note_template.as_str(), true),
            (NoteFormat::Text, _) => (rules.note_template.as_str(), false),
        };
        NoteRenderer::of_source(rules, source, format, fenced, NoteAudience::Professional)
    }

    /// A renderer of the template `source`.
    fn of_source(
        rules: &'a RuleSet,
        source: &'a str,
        format: NoteFormat,
        fenced: bool,
        audience: NoteAudience,
    ) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.add_template(NAME, source)
            .map_err(|e| template_error(source, e))?;
        Ok(NoteRenderer {
            env,
            rules,
            source,
            fenced,
            markdown: format == NoteFormat::Markdown,
            date: String::new(),
            audience,
        })
    }

    /// The note for an audience: the referral note, or the client's
    /// handout (the rule set's `note_client`; in Markdown, fenced as text).
    pub(crate) fn for_audience(
        rules: &'a RuleSet,
        format: NoteFormat,
        audience: NoteAudience,
    ) -> Result<Self, TemplateError> {
        if audience == NoteAudience::Professional {
            return NoteRenderer::in_format(rules, format);
        }
        let Some(source) = rules.note_client.as_deref() else {
            return Err(TemplateError {
                message: "the rule set has no client handout template (`note_client`)".into(),
                line: None,
            });
        };
        // In Markdown, the text handout in a fenced block.
        let fenced = format == NoteFormat::Markdown;
        NoteRenderer::of_source(rules, source, format, fenced, audience)
    }

    /// Date the notes (`YYYY-MM-DD`).
    pub(crate) fn with_date(mut self, date: &str) -> Self {
        self.date = date.to_string();
        self
    }

    /// Render the note for one record. A flag or crisis resource the
    /// template leaves out is put in a safety block at the top.
    pub(crate) fn render(&self, id: &str, a: &Assessment) -> Result<String, TemplateError> {
        if self.audience == NoteAudience::Client {
            let context = handout::ClientContext::of(self.rules, &self.date, a);
            let handout = handout::guarded(self.rules, a, self.render_with(context)?);
            return Ok(self.fence(handout));
        }
        let mut note = self.render_template(id, a)?;
        let (flags, resources, notes) = omissions(self.rules, a, &note);
        if !flags.is_empty() || !resources.is_empty() || !notes.is_empty() {
            note = safety_block(
                self.rules,
                &flags,
                &notes,
                &resources,
                self.markdown && !self.fenced,
            ) + &note;
        }
        // Every note says what the screen does not ask about, and that it
        // is a screening result, not a diagnosis.
        let disclaimer = Lang::of(&self.rules.lang).disclaimer();
        let squeezed = squeeze(&note);
        for text in [self.rules.screen_limits.as_deref(), Some(disclaimer)]
            .into_iter()
            .flatten()
            .map(str::trim)
        {
            if !text.is_empty() && !squeezed.contains(&squeeze(text)) {
                note = format!("{}\n\n{text}\n", note.trim_end());
            }
        }
        Ok(self.fence(note))
    }

    /// The note in a fence when Markdown was asked for without a Markdown
    /// template.
    fn fence(&self, note: String) -> String {
        if self.fenced {
            // A fence longer than any run of backticks in the note.
            let longest = note.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            format!("{fence}text\n{}\n{fence}\n", note.trim_end())
        } else {
            note
        }
    }

    /// The template's own rendering, unguarded.
    fn render_template(&self, id: &str, a: &Assessment) -> Result<String, TemplateError> {
        if self.audience == NoteAudience::Client {
            return self.render_with(handout::ClientContext::of(self.rules, &self.date, a));
        }
        self.render_with(NoteContext::of(
            self.rules,
            &note_id(id, self.markdown && !self.fenced),
            &self.date,
            a,
        ))
    }

    /// The template rendered with a context.
    fn render_with(&self, context: impl Serialize) -> Result<String, TemplateError> {
        let source = self.source;
        let template = self
            .env
            .get_template(NAME)
            .map_err(|e| template_error(source, e))?;
        template
            .render(context)
            .map_err(|e| template_error(source, e))
    }
}

/// A template problem, with the template line when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError {
    pub(crate) message: String,
    /// 1-based line within the template.
    pub(crate) line: Option<usize>,
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
pub(crate) fn check_template(rules: &RuleSet) -> Result<(), (&'static str, TemplateError)> {
    check_one(rules, NoteFormat::Text).map_err(|e| ("note_template", e))?;
    if rules.note_markdown.is_some() {
        check_one(rules, NoteFormat::Markdown).map_err(|e| ("note_markdown", e))?;
    }
    if rules.note_client.is_some() {
        check_client(rules).map_err(|e| ("note_client", e))?;
    }
    Ok(())
}

/// The client's handout, for the least and the most severe answers: it
/// renders, it keeps every raised flag's client text and (with a safety
/// flag) every crisis line, and it shows nothing written for staff (a
/// flag's message, a resource for the professional, the rule set's hash).
fn check_client(rules: &RuleSet) -> Result<(), TemplateError> {
    let renderer = NoteRenderer::for_audience(rules, NoteFormat::Text, NoteAudience::Client)?;
    let problem = |message: String| TemplateError {
        message,
        line: None,
    };
    for most_severe in [false, true] {
        let Ok(assessment) = assess(rules, &Answers::extreme(rules, most_severe)) else {
            continue;
        };
        let handout = renderer.render_template("example", &assessment)?;
        let raised: Vec<FlagIx> = assessment.raised_flags(rules).collect();
        let (texts, resources) = handout::omissions(rules, &raised, &handout);
        let left_out = |f: &&FlagIx| {
            let client = rules.flags[**f].client.as_deref().map(str::trim);
            client.is_some_and(|c| texts.contains(&c))
        };
        if let Some(&f) = raised.iter().find(left_out) {
            return Err(problem(format!(
                "the handout leaves out flag `{}` (its client text); every raised flag's \
                 client text must appear",
                rules.flags[f].id
            )));
        }
        if let Some(r) = resources.first() {
            return Err(problem(format!(
                "the handout leaves out resource `{}` while a safety flag is raised",
                r.id
            )));
        }
        let staff = raised
            .iter()
            .map(|&f| {
                (
                    "the message of flag",
                    rules.flags[f].id.as_str(),
                    rules.flags[f].message.as_str(),
                )
            })
            .chain(rules.resources.iter().filter(|r| r.professional).map(|r| {
                (
                    "resource for the professional",
                    r.id.as_str(),
                    r.contact.as_str(),
                )
            }))
            .chain(rules.levels.iter().flat_map(|l| {
                [
                    ("the referral of level", l.id.as_str(), l.referral.as_str()),
                    (
                        "the description of level",
                        l.id.as_str(),
                        l.description.as_str(),
                    ),
                ]
            }))
            .chain(std::iter::once((
                "the rule set's",
                "sha256",
                &rules.sha256[..12.min(rules.sha256.len())],
            )));
        for (what, id, text) in staff {
            let text = text.trim();
            if !text.is_empty() && handout.contains(text) {
                return Err(problem(format!(
                    "the handout shows {what} `{id}`, which is written for staff"
                )));
            }
        }
    }
    Ok(())
}

fn check_one(rules: &RuleSet, format: NoteFormat) -> Result<(), TemplateError> {
    let renderer = NoteRenderer::in_format(rules, format)?;
    for most_severe in [false, true] {
        let Ok(assessment) = assess(rules, &Answers::extreme(rules, most_severe)) else {
            continue;
        };
        let note = renderer.render_template("example", &assessment)?;
        let (flags, resources, _) = omissions(rules, &assessment, &note);
        if let Some(&f) = flags.first() {
            return Err(TemplateError {
                message: format!(
                    "the note leaves out flag `{}` (its message); every raised flag must appear",
                    rules.flags[f].id
                ),
                line: None,
            });
        }
        if let Some(r) = resources.first() {
            return Err(TemplateError {
                message: format!(
                    "the note leaves out resource `{}` while a safety flag is raised",
                    r.id
                ),
                line: None,
            });
        }
    }
    Ok(())
}

/// What a note template can use. Documented in `rules/README.md`.
#[derive(Serialize)]
struct NoteContext<'a> {
    id: &'a str,
    /// `YYYY-MM-DD`, or empty when not given.
    date: &'a str,
    rules: Provenance<'a>,
    level: LevelView<'a>,
    crisis: bool,
    /// Any safety flag raised: list crisis resources first.
    safety: bool,
    flags: Vec<FlagView<'a>>,
    /// The urgent flags' next steps, then (unless an emergency) the level's
    /// referral.
    next_step: String,
    /// Resources for the professional only (duty to protect): their own
    /// section, never among the client's crisis lines.
    professional_resources: Vec<ResourceView<'a>>,
    scales: Vec<ScaleView<'a>>,
    ratings: Vec<GradeView<'a>>,
    domains: Vec<GradeView<'a>>,
    reasons: Vec<String>,
    features: Vec<&'a str>,
    /// What the screen does not ask about (empty when the rule set has no
    /// such text).
    screen_limits: &'a str,
    resources: Vec<ResourceView<'a>>,
    /// Answers to skipped questions that count for safety, or that ask for
    /// a question again, in words: safety findings, listed first.
    safety_notes: Vec<String>,
    /// Other warnings in words (answers ignored by skip logic, prorating).
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct LevelView<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    referral: &'a str,
    hours: Option<&'a str>,
    setting: Option<&'a str>,
    typical_length: Option<&'a str>,
}

#[derive(Serialize)]
struct ResourceView<'a> {
    name: &'a str,
    contact: &'a str,
    hours: Option<&'a str>,
}

impl<'a> ResourceView<'a> {
    fn of(r: &'a Resource) -> Self {
        ResourceView {
            name: &r.name,
            contact: &r.contact,
            hours: r.hours.as_deref(),
        }
    }
}

impl<'a> NoteContext<'a> {
    fn of(rules: &'a RuleSet, id: &'a str, date: &'a str, a: &Assessment) -> Self {
        let level = &rules.levels[a.level];
        let safety = a.safety(rules);
        let raised: Vec<FlagIx> = a.raised_flags(rules).collect();
        NoteContext {
            id,
            date,
            rules: Provenance::of(rules),
            level: LevelView {
                id: &level.id,
                name: &level.name,
                description: &level.description,
                referral: &level.referral,
                hours: level.hours.as_deref(),
                // A condition on the level may replace its setting
                // ("housing to be arranged").
                setting: rules
                    .conditions
                    .iter()
                    .zip(&a.conditions)
                    .filter(|(_, on)| **on)
                    .find_map(|(c, _)| c.setting.as_deref())
                    .or(level.setting.as_deref()),
                typical_length: level.typical_length.as_deref(),
            },
            crisis: a.crisis,
            safety,
            flags: raised
                .iter()
                .map(|&f| FlagView::of(rules, f).behind(rules, a, f))
                .collect(),
            next_step: next_step(rules, &raised, Some(&level.referral)),
            scales: ScaleView::all(rules, a),
            ratings: GradeView::all(&rules.ratings, &a.ratings),
            domains: GradeView::all(&rules.domains, &a.domains),
            reasons: a
                .reasons(rules)
                .iter()
                .map(|r| reason_with_answers(rules, a, r))
                .collect(),
            features: rules
                .features
                .iter()
                .zip(&a.features)
                .filter(|(_, on)| **on)
                .map(|(f, _)| f.text.as_str())
                .collect(),
            screen_limits: rules.screen_limits.as_deref().unwrap_or_default(),
            resources: listed_resources(rules, &raised)
                .filter(|r| !r.professional)
                .map(ResourceView::of)
                .collect(),
            professional_resources: listed_resources(rules, &raised)
                .filter(|r| r.professional)
                .map(ResourceView::of)
                .collect(),
            safety_notes: a
                .warnings
                .iter()
                .filter(|w| w.is_safety())
                .map(|w| words::warning(rules, w))
                .collect(),
            warnings: a
                .warnings
                .iter()
                .filter(|w| !w.is_safety())
                .map(|w| words::warning(rules, w))
                .collect(),
        }
    }
}

/// A reason in words; a rule's or a condition's with the answers behind
/// it (a flag's answers are listed with the flag).
fn reason_with_answers(rules: &RuleSet, a: &Assessment, reason: &Reason) -> String {
    let words = words::reason(rules, reason);
    if matches!(reason, Reason::Crisis { .. } | Reason::Flag { .. }) {
        return words;
    }
    match crate::report::trace::behind_reason(rules, a, reason) {
        behind if behind.is_empty() => words,
        behind => format!(
            "{} {}: {}.",
            words.trim_end(),
            Lang::of(&rules.lang).answers_label(),
            behind.join("; ")
        ),
    }
}

/// The resources a note lists for these raised flags (professional-only
/// ones included: a note is for the professional).
fn listed_resources<'a: 'b, 'b>(
    rules: &'a RuleSet,
    raised: &'b [FlagIx],
) -> impl Iterator<Item = &'a Resource> + 'b {
    rules
        .resources
        .iter()
        .filter(move |r| r.listed(rules, raised))
}

/// What a rendered note leaves out that it must show: raised flags, answers
/// to skipped questions that count for safety, and the crisis resources
/// when a safety flag is raised.
fn omissions<'a>(
    rules: &'a RuleSet,
    a: &Assessment,
    note: &str,
) -> (Vec<FlagIx>, Vec<&'a Resource>, Vec<String>) {
    let flags = a
        .raised_flags(rules)
        .filter(|&f| {
            let message = rules.flags[f].message.trim();
            message.is_empty() || !note.contains(message)
        })
        .collect();
    let raised: Vec<FlagIx> = a.raised_flags(rules).collect();
    let safety = a.safety(rules);
    let resources = listed_resources(rules, &raised)
        .filter(|r| safety || r.show != Show::Always)
        .filter(|r| r.contact.trim().is_empty() || !note.contains(r.contact.trim()))
        .collect();
    let notes = a
        .warnings
        .iter()
        .filter(|w| w.is_safety())
        .map(|w| words::warning(rules, w))
        .filter(|words| !squeeze(note).contains(&squeeze(words)))
        .collect();
    (flags, resources, notes)
}

impl NoteRenderer<'_> {
    /// The note of a rejected (incomplete) record: no recommendation, but
    /// the crisis banner when its answers establish a crisis, the flags
    /// they establish, the resources those list, the most urgent next
    /// step, and that this is a screening result, not a diagnosis.
    /// `problems`: what keeps the record from being scored, as the error
    /// column names it (without the row).
    pub(crate) fn render_rejected(
        &self,
        id: &str,
        problems: &str,
        answers: &crate::answers::Answers,
        flags: &[FlagIx],
        warnings: &[Warning],
    ) -> String {
        let rules = self.rules;
        if self.audience == NoteAudience::Client {
            return self.fence(handout::rejected(rules, flags));
        }
        let lang = Lang::of(&rules.lang);
        let markdown = self.markdown && !self.fenced;
        let heading = |title: &str| match markdown {
            true => format!("### {title}\n\n"),
            false => format!("{title}\n"),
        };
        let mut out = String::new();
        if flags.iter().any(|&f| rules.flags[f].crisis) {
            let (banner, stay) = (lang.crisis_banner(), lang.do_not_leave_alone());
            match markdown {
                true => out.push_str(&format!(
                    "> **{}.** {stay}\n\n",
                    banner.trim_matches('!').trim()
                )),
                false => out.push_str(&format!("{banner}\n{stay}\n\n")),
            }
        }
        let id = note_id(id, markdown);
        let (title, first) = lang.incomplete_heading(&id, flags.is_empty());
        let title = match self.date.is_empty() {
            true => title,
            false => format!("{title} - {}", self.date),
        };
        out.push_str(&heading(&title));
        out.push_str(first);
        out.push_str(if markdown { "\n\n" } else { "\n" });
        for &f in flags {
            let flag = &rules.flags[f];
            let behind = crate::report::trace::given_behind(rules, answers, f);
            let answers = match behind.is_empty() {
                true => String::new(),
                false => format!(" {}: {}.", lang.answers_label(), behind.join("; ")),
            };
            match markdown {
                true => out.push_str(&format!(
                    "- **[{}]** {}{answers}\n",
                    lang.severity(flag.severity),
                    flag.message.trim()
                )),
                false => out.push_str(&format!("{}{answers}\n", flag_line(lang, flag).trim_end())),
            }
        }
        for w in warnings.iter().filter(|w| w.is_safety()) {
            out.push_str(&format!("- {}\n", words::warning(rules, w)));
        }
        let safety = flags.iter().any(|&f| rules.flags[f].is_safety());
        let listed: Vec<&Resource> = listed_resources(rules, flags).collect();
        let section = |out: &mut String, title: &str, resources: &[&&Resource]| {
            if resources.is_empty() {
                return;
            }
            out.push('\n');
            out.push_str(&heading(title));
            for r in resources {
                out.push_str(&format!("- {}\n", r.line()));
            }
        };
        let client: Vec<&&Resource> = listed.iter().filter(|r| !r.professional).collect();
        let title = match safety {
            true => lang.crisis_resources_title(),
            false => lang.help_lines_title(),
        };
        section(&mut out, title, &client);
        let professional: Vec<&&Resource> = listed.iter().filter(|r| r.professional).collect();
        section(&mut out, lang.professional_title(), &professional);
        out.push('\n');
        let steps = urgent_steps(rules, flags);
        if !steps.is_empty() {
            out.push_str(&format!(
                "{} {}\n\n",
                lang.next_step_label(),
                steps.join(" ")
            ));
        }
        out.push_str(&lang.to_complete(problems));
        out.push(' ');
        out.push_str(lang.incomplete_close());
        out.push_str("\n\n");
        if let Some(limits) = rules.screen_limits.as_deref().map(str::trim) {
            out.push_str(limits);
            out.push_str("\n\n");
        }
        match markdown {
            true => out.push_str(&format!("*{}*\n", lang.disclaimer())),
            false => out.push_str(&format!("{}\n", lang.disclaimer())),
        }
        if self.fenced {
            return format!("```text\n{}\n```\n", out.trim_end());
        }
        out
    }
}

/// Whitespace collapsed, so a sentence matches however a template wraps it.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A record id as a note shows it: control characters become spaces, and
/// in Markdown the characters Markdown would act on are escaped.
fn note_id(id: &str, markdown: bool) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' if markdown => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A flag as a list line: `- [CRITICAL] message`.
fn flag_line(lang: Lang, flag: &crate::model::Flag) -> String {
    format!(
        "- [{}] {}\n",
        lang.severity(flag.severity),
        flag.message.trim()
    )
}

/// The safety block put above a note whose template left something out.
fn safety_block(
    rules: &RuleSet,
    flags: &[FlagIx],
    notes: &[String],
    resources: &[&Resource],
    markdown: bool,
) -> String {
    let lang = Lang::of(&rules.lang);
    // In Markdown a heading needs blank lines around it, or it runs into a list.
    let heading = |title: &str| {
        if markdown {
            format!("\n### {title}\n\n")
        } else {
            format!("{title}\n")
        }
    };
    let mut out = heading(lang.safety_block_title()).trim_start().to_string();
    for &f in flags {
        out.push_str(&flag_line(lang, &rules.flags[f]));
    }
    for words in notes {
        out.push_str(&format!("- {words}\n"));
    }
    if !resources.is_empty() {
        out.push_str(&heading(lang.crisis_resources_title()));
        for r in resources {
            out.push_str(&format!("- {}\n", r.line()));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::{note_id, safety_block, squeeze};
    use crate::model::FlagIx;
    use crate::rules::{load, RulesSource};

    #[test]
    fn ids_lose_control_characters_and_are_escaped_in_markdown() {
        assert_eq!(note_id("x\n\n<!--", true), "x  \\<\\!--");
        assert_eq!(note_id("a*b_c", true), "a\\*b\\_c");
        assert_eq!(note_id("a*b\tc", false), "a*b c");
    }

    #[test]
    fn the_markdown_safety_block_keeps_its_headings_apart_from_the_list() {
        let rules = load(&RulesSource::Embedded).expect("rules");
        let resources: Vec<_> = rules.resources.iter().collect();
        let block = safety_block(&rules, &[FlagIx::new(0)], &[], &resources, true);
        assert!(
            block.starts_with("### SAFETY FINDINGS NOT SHOWN BELOW\n\n- [CRITICAL]"),
            "{block}"
        );
        assert!(
            block.contains(".\n\n### CRISIS RESOURCES\n\n- 988"),
            "{block}"
        );
        let plain = safety_block(&rules, &[FlagIx::new(0)], &[], &resources, false);
        assert!(plain.contains("\nCRISIS RESOURCES\n- 988"), "{plain}");
    }

    #[test]
    fn the_disclaimer_is_found_however_a_template_wraps_it() {
        assert!(squeeze("not a\n   diagnosis.").contains(&squeeze("not a diagnosis.")));
    }
}
