//! The client's handout (`--note-audience client`): the rule set's
//! `note_client` template, rendered with a context of its own that holds
//! only what the person screened may read — the level in plain words, the
//! raised flags' `client` texts, the lines they can call, and (if a
//! template asks) the scores. No hashes, no rule ids, no staff messages, no
//! resource for the professional: they are not in the context, so no
//! template can show them.
//!
//! Whatever the template does, a raised flag's client text or a crisis
//! line it leaves out is put in a safety block at the top, in the same
//! plain words, and the not-a-diagnosis statement is added when missing.

use serde::Serialize;

use crate::assess::Assessment;
use crate::messages::Lang;
use crate::model::{FlagIx, Resource, RuleSet, Show};

/// Who a note is written for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteAudience {
    /// The referral note, for staff (`note_template`, `note_markdown`).
    #[default]
    Professional,
    /// A plain-language handout for the person screened (`note_client`).
    Client,
}

impl NoteAudience {
    /// As JSON output and session files name it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NoteAudience::Professional => "professional",
            NoteAudience::Client => "client",
        }
    }

    /// The audience `as_str` names.
    pub(crate) fn of(name: &str) -> Option<NoteAudience> {
        [NoteAudience::Professional, NoteAudience::Client]
            .into_iter()
            .find(|a| a.as_str() == name)
    }
}

/// Whether notes for `audience` can be written: a handout needs the rule
/// set's `note_client`, and (`with_note`) an output that holds a note.
pub(crate) fn available(
    rules: &RuleSet,
    audience: NoteAudience,
    with_note: bool,
) -> Result<(), String> {
    match (audience, rules.note_client.is_some(), with_note) {
        (NoteAudience::Professional, _, _) | (_, true, true) => Ok(()),
        (_, false, _) => Err(
            "the rule set has no client handout template (`note_client`, see rules/README.md)"
                .into(),
        ),
        (_, true, false) => Err(
            "`--note-audience client` shapes the note: add `--note-column`, or use \
             `--format jsonl`"
                .into(),
        ),
    }
}

/// What a client handout template can use. Documented in
/// `rules/README.md` (`note_client`).
#[derive(Serialize)]
pub(crate) struct ClientContext<'a> {
    /// `YYYY-MM-DD`, or empty.
    date: &'a str,
    level: ClientLevel<'a>,
    crisis: bool,
    /// Any safety flag raised: the crisis lines are listed.
    safety: bool,
    /// Raised flags that have a client text, most severe first.
    flags: Vec<ClientFlag<'a>>,
    /// The lines the person can call; never one for the professional only.
    resources: Vec<ClientResource<'a>>,
    /// Scores, for a template that asks for them (the default does not).
    scales: Vec<ClientScale<'a>>,
}

#[derive(Serialize)]
struct ClientLevel<'a> {
    name: &'a str,
    /// The level in plain words (the level's `client`), or empty.
    text: &'a str,
    /// What happens next, in plain words (the level's `client_next`), or
    /// empty.
    next: &'a str,
    hours: Option<&'a str>,
    setting: Option<&'a str>,
    typical_length: Option<&'a str>,
}

#[derive(Serialize)]
struct ClientFlag<'a> {
    text: &'a str,
    safety: bool,
    crisis: bool,
}

#[derive(Serialize)]
struct ClientResource<'a> {
    name: &'a str,
    contact: &'a str,
    hours: Option<&'a str>,
}

#[derive(Serialize)]
struct ClientScale<'a> {
    title: &'a str,
    score: Option<i64>,
    band_label: Option<&'a str>,
}

impl<'a> ClientContext<'a> {
    pub(crate) fn of(rules: &'a RuleSet, date: &'a str, a: &Assessment) -> Self {
        let level = &rules.levels[a.level];
        let raised: Vec<FlagIx> = a.raised_flags(rules).collect();
        ClientContext {
            date,
            level: ClientLevel {
                name: &level.name,
                text: level.client.as_deref().unwrap_or_default(),
                next: level.client_next.as_deref().unwrap_or_default(),
                hours: level.hours.as_deref(),
                // A condition on the level may replace its setting
                // ("housing to be arranged"), as in the professional note.
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
            safety: a.safety(rules),
            flags: client_flags(rules, &raised),
            resources: client_resources(rules, &raised)
                .map(|r| ClientResource {
                    name: &r.name,
                    contact: &r.contact,
                    hours: r.hours.as_deref(),
                })
                .collect(),
            scales: rules
                .scales
                .iter()
                .zip(&a.scales)
                .map(|(s, r)| ClientScale {
                    title: &s.title,
                    score: r.score,
                    band_label: r.band.map(|b| s.bands[b].label.as_str()),
                })
                .collect(),
        }
    }
}

fn client_flags<'a>(rules: &'a RuleSet, raised: &[FlagIx]) -> Vec<ClientFlag<'a>> {
    raised
        .iter()
        .filter_map(|&f| {
            let flag = &rules.flags[f];
            let text = flag.client.as_deref()?.trim();
            Some(ClientFlag {
                text,
                safety: flag.is_safety(),
                crisis: flag.crisis,
            })
        })
        .collect()
}

/// The resources a handout lists for these raised flags: never one for
/// the professional only.
pub(crate) fn client_resources<'a: 'b, 'b>(
    rules: &'a RuleSet,
    raised: &'b [FlagIx],
) -> impl Iterator<Item = &'a Resource> + 'b {
    rules
        .resources
        .iter()
        .filter(move |r| !r.professional && r.listed(rules, raised))
}

/// What a rendered handout leaves out that it must show: raised flags'
/// client texts, and the crisis lines when a safety flag is raised (and
/// any line a raised flag lists).
pub(crate) fn omissions<'a>(
    rules: &'a RuleSet,
    raised: &[FlagIx],
    handout: &str,
) -> (Vec<&'a str>, Vec<&'a Resource>) {
    let squeezed = squeeze(handout);
    let texts = raised
        .iter()
        .filter_map(|&f| rules.flags[f].client.as_deref().map(str::trim))
        .filter(|text| !text.is_empty() && !squeezed.contains(&squeeze(text)))
        .collect();
    let safety = raised.iter().any(|&f| rules.flags[f].is_safety());
    let resources = client_resources(rules, raised)
        .filter(|r| safety || r.show != Show::Always)
        .filter(|r| r.contact.trim().is_empty() || !handout.contains(r.contact.trim()))
        .collect();
    (texts, resources)
}

/// The handout as the template rendered it, made safe: anything
/// `omissions` finds goes into a block at the top, and the
/// not-a-diagnosis statement is added when the template leaves it out.
pub(crate) fn guarded(rules: &RuleSet, a: &Assessment, handout: String) -> String {
    let raised: Vec<FlagIx> = a.raised_flags(rules).collect();
    let (texts, resources) = omissions(rules, &raised, &handout);
    let mut out = match texts.is_empty() && resources.is_empty() {
        true => handout,
        false => safety_block(rules, &texts, &resources) + &handout,
    };
    let disclaimer = client_disclaimer(Lang::of(&rules.lang));
    if !squeeze(&out).contains(&squeeze(disclaimer)) {
        out = format!("{}\n\n{disclaimer}\n", out.trim_end());
    }
    out
}

/// The block put above a handout whose template left out a flag's client
/// text or a crisis line.
fn safety_block(rules: &RuleSet, texts: &[&str], resources: &[&Resource]) -> String {
    let lang = Lang::of(&rules.lang);
    let mut out = String::new();
    if !texts.is_empty() {
        out.push_str(safety_title(lang));
        out.push('\n');
        for text in texts {
            out.push_str(&format!("- {text}\n"));
        }
    }
    if !resources.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(lines_title(lang));
        out.push('\n');
        for r in resources {
            out.push_str(&format!("- {}\n", resource_line(lang, r)));
        }
    }
    out.push('\n');
    out
}

/// A line to call as the default templates write it: its name and
/// hours, then how to reach it, each a short sentence of its own.
fn resource_line(lang: Lang, r: &Resource) -> String {
    let contact = match lang {
        Lang::En => "Contact",
        Lang::Es => "Contacto",
    };
    match r.hours.as_deref() {
        Some(hours) => format!("{}, {hours}.\n  {contact}: {}.", r.name, r.contact),
        None => format!("{}.\n  {contact}: {}.", r.name, r.contact),
    }
}

/// The handout of a rejected (incomplete) record: no recommendation, but
/// what its answers already raise, in plain words, with the lines to
/// call, and that this is a screening result, not a diagnosis.
pub(crate) fn rejected(rules: &RuleSet, flags: &[FlagIx]) -> String {
    let lang = Lang::of(&rules.lang);
    let mut out = String::new();
    if flags.iter().any(|&f| rules.flags[f].crisis) {
        out.push_str(crisis_now(lang));
        out.push_str("\n\n");
    }
    let texts: Vec<&str> = client_flags(rules, flags).iter().map(|f| f.text).collect();
    if !texts.is_empty() {
        out.push_str(safety_title(lang));
        out.push('\n');
        for text in &texts {
            out.push_str(&format!("- {text}\n"));
        }
        out.push('\n');
    }
    let safety = flags.iter().any(|&f| rules.flags[f].is_safety());
    let resources: Vec<&Resource> = client_resources(rules, flags).collect();
    let lines = |out: &mut String, title: &str| {
        if resources.is_empty() {
            return;
        }
        out.push_str(title);
        out.push('\n');
        for r in &resources {
            out.push_str(&format!("- {}\n", resource_line(lang, r)));
        }
        out.push('\n');
    };
    // The crisis lines come first when a safety flag is raised, as in the
    // default template; other help lines after the result.
    if safety {
        lines(&mut out, lines_title(lang));
    }
    out.push_str(incomplete(lang));
    out.push_str("\n\n");
    if !safety {
        lines(&mut out, help_lines_title(lang));
    }
    out.push_str(client_disclaimer(lang));
    out.push('\n');
    out
}

/// Whitespace collapsed, so a sentence matches however a template wraps it.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The statement every handout carries.
pub(crate) fn client_disclaimer(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "This is a screening result, not a diagnosis. A licensed professional will decide \
             with you what care is right for you."
        }
        Lang::Es => {
            "Este es un resultado de tamizaje, no un diagnóstico. Un profesional con licencia \
             decidirá con usted qué atención le conviene más."
        }
    }
}

fn safety_title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "IMPORTANT FOR YOUR SAFETY",
        Lang::Es => "IMPORTANTE PARA SU SEGURIDAD",
    }
}

fn lines_title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "If you need help right away, call or text one of these lines:",
        Lang::Es => {
            "Si necesita ayuda de inmediato, llame o envíe un mensaje a una de estas líneas:"
        }
    }
}

fn help_lines_title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "You can call or text these lines at any time:",
        Lang::Es => "Puede llamar o enviar un mensaje a estas líneas en cualquier momento:",
    }
}

fn crisis_now(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "GET HELP NOW\nYour answers show that you may be in danger right now. Please stay \
             with a staff member. If you are in danger and no one is with you, call 911."
        }
        Lang::Es => {
            "BUSQUE AYUDA AHORA\nSus respuestas indican que usted podría estar en peligro en \
             este momento. Por favor, quédese con un miembro del personal. Si está en peligro \
             y no hay nadie con usted, llame al 911."
        }
    }
}

fn incomplete(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "YOUR SCREENING RESULT\nSome answers are missing or could not be read, so we cannot \
             suggest a type of care yet. A staff member will go over those questions with you."
        }
        Lang::Es => {
            "SU RESULTADO DEL TAMIZAJE\nFaltan algunas respuestas o no se pudieron leer, así que \
             todavía no podemos sugerir un tipo de atención. Un miembro del personal revisará \
             esas preguntas con usted."
        }
    }
}
