//! The terminal prompter, on stderr. This module owns dialoguer, console
//! and textwrap.
//!
//! Each question is drawn once, on a cleared screen: its progress, the
//! instrument's opening words (at its first item), help, the text wrapped
//! between words to the terminal's width, then the options and a status
//! line saying how to answer. Going back draws the earlier question the
//! same way, so nothing of the question left stays on screen.
//!
//! Keys: an option's key in brackets (`[2]`; `[y]`/`[n]` for yes/no) or
//! the arrows move, Enter chooses, Esc goes back (`picker.rs`). Integers
//! are typed; `b` goes back. The review (`review.rs`) draws each answer's
//! id, full text and answer, a page at a time, and filters as one types.
//! Risk is never shown by colour alone: crisis
//! notices carry words and markers too, the cursor a `>`.

use std::borrow::Cow;

use console::{style, Key, Term};
use dialoguer::Input;

use super::picker::{OptionKey, Picker, Press, Step};
use super::review::{Line, Outcome, ReviewKey, ReviewList};
use super::{
    Disposition, DispositionReason, HiddenRisk, Lowering, Prompter, Question, Reply, ResultScreen,
    ReviewChoice, ReviewEntry, Stop,
};
use crate::messages::Lang;
use crate::model::{Flag, Instrument, Item, ItemKind, Resource, RuleSet};

pub(crate) mod result;

pub(crate) struct TerminalPrompter {
    term: Term,
    lang: Lang,
    /// The language chosen (`--lang`): an instrument without a version in
    /// it is asked in English, with a notice.
    chosen: String,
    /// Lines shown atop the question screens until the first answer (the
    /// session's id and file, printed before the first screen clears).
    intro: Vec<String>,
    /// A crisis stands: every screen after the notice says so at its top.
    crisis: bool,
    /// The review's filter, and the answer chosen to change (item, code):
    /// the review comes back to them, and says what changed.
    review_memory: Option<(String, usize, i64)>,
}

impl TerminalPrompter {
    /// Prompts in `lang` (the tool's own words; the rule set's texts are
    /// already in the language they were loaded in).
    pub(crate) fn new(lang: Lang, chosen: &str) -> TerminalPrompter {
        TerminalPrompter {
            term: Term::stderr(),
            lang,
            chosen: chosen.to_string(),
            intro: Vec::new(),
            crisis: false,
            review_memory: None,
        }
    }

    /// Whether `ins` is asked in English, not in the language chosen.
    fn in_english(&self, ins: &Instrument) -> bool {
        let base = self.chosen.split('-').next().unwrap_or("en");
        base != "en" && ins.wording_lang == "en"
    }

    /// The language of an instrument's wording, for its yes/no answers.
    fn wording(&self, ins: &Instrument) -> Lang {
        if self.in_english(ins) {
            Lang::En
        } else {
            self.lang
        }
    }

    /// Show `lines` atop the question screens until the first answer.
    pub(crate) fn with_intro(mut self, lines: Vec<String>) -> TerminalPrompter {
        self.intro = lines;
        self
    }

    /// Show the cursor again after a prompt was left without finishing
    /// (Ctrl-C), wherever that happens.
    pub(crate) fn show_cursor() {
        let _ = Term::stderr().show_cursor();
    }

    /// The reason in the interviewer's words; `None` when left blank.
    fn reason_text(&mut self, result: &ResultScreen) -> Result<Option<String>, Stop> {
        let text = self.type_on_result(result, self.lang.reason_text(), None)?;
        Ok(Some(text).filter(|t| !t.is_empty()))
    }

    /// Who decided: a name or role, never blank.
    fn decided_by(&mut self, result: &ResultScreen) -> Result<String, Stop> {
        let say = self.lang.say_who();
        self.type_on_result(result, self.lang.decided_by(), Some(say))
    }

    /// The crisis marker atop a screen, while a crisis stands; in words,
    /// never by colour alone.
    fn crisis_marker(&self) -> Result<(), Stop> {
        if self.crisis {
            let width = self.width();
            for line in wrap(self.lang.crisis_line(true), width, 0, 3) {
                self.line(&style(line).red().bold().to_string())?;
            }
        }
        Ok(())
    }

    /// The width text is wrapped to on this terminal.
    pub(crate) fn width(&self) -> usize {
        screen_width(self.term.size().1)
    }

    fn line(&self, text: &str) -> Result<(), Stop> {
        self.term.write_line(text).map_err(Stop::Io)
    }

    fn lines(&self, lines: &[String]) -> Result<(), Stop> {
        lines.iter().try_for_each(|l| self.line(l))
    }

    /// A question's screen: cleared, then everything above its prompt,
    /// then `body` (the options and the status line, or the answer).
    fn draw(&self, q: &Question<'_>, body: &[String]) -> Result<(), Stop> {
        let width = self.width();
        let (k, n) = q.in_instrument;
        let (at, of) = q.overall;
        self.term.clear_screen().map_err(Stop::Io)?;
        self.crisis_marker()?;
        for line in &self.intro {
            self.lines(&wrap(line, width, 0, 2))?;
        }
        if !self.intro.is_empty() {
            self.line("")?;
        }
        let title = style(&q.instrument.title).bold().to_string();
        self.lines(&wrap(
            &self.lang.progress(&title, k, n, at, of),
            width,
            0,
            2,
        ))?;
        if self.in_english(q.instrument) {
            // In the interviewer's language, before the English wording.
            let words = match k {
                1 => self.lang.wording_notice(&q.instrument.title, &self.chosen),
                _ => self.lang.wording_reminder(&self.chosen),
            };
            for line in wrap(&words, width, 0, 0) {
                self.line(&style(line).yellow().bold().to_string())?;
            }
        }
        self.line("")?;
        if k == 1 {
            if let Some(preamble) = &q.instrument.preamble {
                self.lines(&wrap(preamble, width, 0, 0))?;
                self.line("")?;
            }
        }
        self.lines(&wrap(&q.item.text, width, 0, 0))?;
        self.line("")?;
        // Guidance for the interviewer, under the question and marked as
        // such, so it is not read out as part of it.
        if let Some(help) = &q.item.help {
            let note = self.lang.for_the_interviewer(help);
            self.lines(
                &wrap(&note, width, 2, 4)
                    .iter()
                    .map(|l| dim(l))
                    .collect::<Vec<_>>(),
            )?;
            self.line("")?;
        }
        self.lines(body)
    }

    /// A choice by key or arrows; the options listed under the question,
    /// the status line last.
    fn choose(&mut self, q: &Question<'_>, codes: &[i64]) -> Result<Reply, Stop> {
        let width = self.width();
        let wording = self.wording(q.instrument);
        let keys = option_keys(wording, self.lang, q.item, codes);
        let labels: Vec<String> = keys
            .iter()
            .zip(codes)
            .map(|(key, &code)| option_label(wording, q.item, *key, code))
            .collect();
        let label_of = |code: i64| {
            codes
                .iter()
                .position(|&c| c == code)
                .map_or_else(|| code.to_string(), |i| labels[i].clone())
        };
        // Above the options: the answer already given, which Enter alone
        // keeps, or the earlier answer of a safety question asked again.
        let mut above = Vec::new();
        if let Some(current) = q.current {
            let line = self.lang.current_answer(&label_of(current));
            above.extend(wrap(&line, width, 0, 2).iter().map(|l| bold(l)));
        }
        if let Some(earlier) = q.earlier {
            let line = self.lang.earlier_answer(&label_of(earlier));
            above.extend(wrap(&line, width, 0, 2).iter().map(|l| bold(l)));
        }
        if !above.is_empty() {
            above.push(String::new());
        }
        let shown_keys: Vec<String> = keys.iter().map(|k| k.shown.to_string()).collect();
        let hint = self.lang.choice_hint(q.can_go_back, q.current.is_some());
        let unpicked = self.lang.unpicked(&shown_keys);
        let mut picker = Picker::new(keys, q.can_go_back, q.current.is_some());
        self.term.hide_cursor().map_err(Stop::Io)?;
        let mut redraw = true;
        let mut warn = false;
        let step = loop {
            if redraw {
                let mut body = above.clone();
                for (i, label) in labels.iter().enumerate() {
                    let (mark, label) = if Some(i) == picker.cursor() {
                        (">", style(label).bold().to_string())
                    } else {
                        (" ", label.clone())
                    };
                    body.extend(wrap(&format!("{mark} {label}"), width, 0, 2));
                }
                body.push(String::new());
                // The status line, or in its place which keys work.
                match warn {
                    true => body.extend(wrap(&unpicked, width, 0, 0).iter().map(|l| bold(l))),
                    false => body.extend(wrap(hint, width, 0, 0).iter().map(|l| dim(l))),
                }
                self.draw(q, &body)?;
            }
            let key = self.term.read_key_raw().map_err(Stop::Io)?;
            match picker.press(press(key)) {
                Step::Moved => {
                    redraw = true;
                    warn = false;
                }
                Step::Unpicked => {
                    redraw = !warn;
                    warn = true;
                }
                Step::Ignored => redraw = false,
                done => break done,
            }
        };
        self.term.show_cursor().map_err(Stop::Io)?;
        let chosen = match step {
            Step::Chosen(i) => codes[i],
            Step::Kept => match q.current {
                Some(current) => current,
                None => return Err(Stop::Interrupted),
            },
            Step::Back => return Ok(Reply::Back),
            _ => return Err(Stop::Interrupted),
        };
        let answered = self.lang.answered(&label_of(chosen));
        self.draw(q, &wrap(&answered, width, 0, 2))?;
        self.intro.clear();
        Ok(Reply::Answer(chosen))
    }
}

/// A notice's "Press Enter" read: Ctrl-C there stops the interview as
/// anywhere else (exit 130), not as a failed read.
fn read_stop(err: std::io::Error) -> Stop {
    match err.kind() {
        std::io::ErrorKind::Interrupted => Stop::Interrupted,
        _ => Stop::Io(err),
    }
}

fn stop(err: dialoguer::Error) -> Stop {
    let dialoguer::Error::IO(io) = err;
    if io.kind() == std::io::ErrorKind::Interrupted {
        Stop::Interrupted
    } else {
        Stop::Io(io)
    }
}

/// Text is wrapped to the terminal's width, but never narrower than this
/// (a narrower terminal wraps the lines again itself)...
const MIN_WIDTH: usize = 40;
/// ...nor wider, where long lines are hard to read.
const MAX_WIDTH: usize = 100;

fn screen_width(columns: u16) -> usize {
    usize::from(columns).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// `text` in lines of at most `width` columns, broken between words (never
/// at a hyphen: `854-7771` stays whole), each after `indent` spaces and
/// later lines after `hang` more; only a word longer than a line is
/// broken. Colour codes take no width.
pub(crate) fn wrap(text: &str, width: usize, indent: usize, hang: usize) -> Vec<String> {
    let first = " ".repeat(indent);
    let rest = " ".repeat(indent + hang);
    let options = textwrap::Options::new(width)
        .initial_indent(&first)
        .subsequent_indent(&rest)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options)
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

/// Text of many lines (the note) for a screen `width` wide: each line too
/// long is wrapped between words, keeping its indent, and a list item's
/// later lines hang under its text.
pub(crate) fn fit_lines(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for line in text.lines() {
        if textwrap::core::display_width(line) <= width {
            out.push(line.to_string());
            continue;
        }
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let hang = if body.starts_with("- ") || body.starts_with("* ") {
            2
        } else {
            0
        };
        out.extend(wrap(body, width, indent, hang));
    }
    let mut fitted = out.join("\n");
    if text.ends_with('\n') {
        fitted.push('\n');
    }
    fitted
}

/// `text` in at most `width` columns: cut, with `…`, when longer.
fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

fn dim(text: &str) -> String {
    style(text).dim().to_string()
}

fn bold(text: &str) -> String {
    style(text).bold().to_string()
}

fn press(key: Key) -> Press {
    match key {
        Key::ArrowUp => Press::Up,
        Key::ArrowDown => Press::Down,
        Key::Enter => Press::Enter,
        Key::Escape => Press::Escape,
        Key::CtrlC => Press::Interrupt,
        Key::Char(c) => Press::Char(c),
        _ => Press::Other,
    }
}

/// The keys of a question's options, as on the paper form:
/// - yes/no: `[n]` and `[y]` (`[s]` in Spanish wording); `y` always picks
///   yes, and so does `s` in a Spanish interview;
/// - an item with a digit in an option's label in any language (AUDIT's
///   "1 or 2"): letters `a`, `b`, … in option order, never a digit that
///   could be read as an amount;
/// - otherwise, when every code is one digit, the published code itself
///   (`[0] Not at all` … `[3] Nearly every day`), so a worker types from
///   the paper form; else letters.
///
/// `wording` is the language the item is worded in, `interview` the
/// interviewer's.
pub(crate) fn option_keys(
    wording: Lang,
    interview: Lang,
    item: &Item,
    codes: &[i64],
) -> Vec<OptionKey> {
    match item.kind {
        ItemKind::YesNo { .. } => codes
            .iter()
            .map(|&c| {
                let shown = wording.yes_no_key(c);
                let also = match (c, shown, interview) {
                    (1, 's', _) => Some('y'),
                    (1, 'y', Lang::Es) => Some('s'),
                    _ => None,
                };
                OptionKey { shown, also }
            })
            .collect(),
        _ => {
            let digit = |c: i64| u32::try_from(c).ok().and_then(|c| char::from_digit(c, 10));
            let digits: Option<Vec<char>> = codes.iter().map(|&c| digit(c)).collect();
            match digits {
                Some(digits) if !item.digit_in_labels => {
                    digits.into_iter().map(OptionKey::new).collect()
                }
                _ => ('a'..='z').take(codes.len()).map(OptionKey::new).collect(),
            }
        }
    }
}

/// An answer as the screen shows it: its key in brackets, then its words,
/// so a label that begins with a number (AUDIT's "1 or 2", code 0) never
/// reads as a key or a code.
fn option_label(lang: Lang, item: &Item, key: OptionKey, code: i64) -> String {
    match (&item.kind, item.answer_label(code)) {
        (ItemKind::YesNo { .. }, _) => format!("{key} {}", lang.yes_no(code)),
        (_, Some(label)) => format!("{key} {label}"),
        (_, None) => format!("{key} {code}"),
    }
}

/// An answer as the review shows it: its words, then the code the export
/// writes (`More than half the days (code 2)`).
fn answer_label(lang: Lang, item: &Item, code: i64) -> String {
    let words = match (&item.kind, item.answer_label(code)) {
        (ItemKind::YesNo { .. }, _) => lang.yes_no(code).to_string(),
        (_, Some(label)) => label.to_string(),
        (_, None) => return code.to_string(),
    };
    lang.with_code(&words, code)
}

/// The codes a question offers, in the order shown.
fn item_codes(item: &Item) -> Vec<i64> {
    match &item.kind {
        ItemKind::Choice(options) => options.iter().map(|o| o.code).collect(),
        ItemKind::YesNo { .. } => vec![0, 1],
        _ => Vec::new(),
    }
}

/// Ids up to this long get a column; a longer one has its own row.
const REVIEW_ID_WIDTH: usize = 12;

/// One answer of the review in rows of at most `width` columns, after the
/// two columns of the cursor's mark: its id, its full text wrapped beside
/// the id, then the answer under the text.
///
/// ```text
/// phq9_3  Trouble falling or staying asleep, or sleeping
///         too much
///         → [3] More than half the days
/// ```
fn review_block(id: &str, id_width: usize, text: &str, answer: &str, width: usize) -> Vec<String> {
    let width = width.saturating_sub(2);
    let lead = id_width + 2;
    let room = width.saturating_sub(lead).max(MIN_WIDTH / 2);
    let pad = " ".repeat(lead);
    let mut rows = Vec::new();
    let mut text_rows = wrap(text, room, 0, 0).into_iter();
    if id.chars().count() > id_width {
        rows.push(id.to_string());
    } else if let Some(first) = text_rows.next() {
        rows.push(format!("{id:<id_width$}  {first}"));
    }
    rows.extend(text_rows.map(|r| format!("{pad}{r}")));
    rows.extend(
        wrap(&format!("→ {answer}"), room, 0, 2)
            .into_iter()
            .map(|r| format!("{pad}{r}")),
    );
    rows
}

/// A line of the review with the cursor's mark, bold when the cursor is
/// on it.
fn marked(rows: &[String], on: bool) -> Vec<String> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| match (on, i) {
            (true, 0) => format!("> {}", style(row).bold()),
            (true, _) => format!("  {}", style(row).bold()),
            (false, _) => format!("  {row}"),
        })
        .collect()
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, q: &Question<'_>) -> Result<Reply, Stop> {
        match &q.item.kind {
            ItemKind::Choice(_) | ItemKind::YesNo { .. } => {
                let codes = item_codes(q.item);
                self.choose(q, &codes)
            }
            ItemKind::Integer {
                min,
                max,
                range_message,
            } => {
                let (min, max) = (*min, *max);
                let width = self.width();
                let mut body = Vec::new();
                for (line, answer) in [
                    (self.lang.current_answer(""), q.current),
                    (self.lang.earlier_answer(""), q.earlier),
                ] {
                    if let Some(answer) = answer {
                        let line = format!("{line}{answer}");
                        body.extend(wrap(&line, width, 0, 2).iter().map(|l| bold(l)));
                        body.push(String::new());
                    }
                }
                let hint = self.lang.number_hint(q.can_go_back, q.current.is_some());
                body.extend(wrap(hint, width, 0, 0).iter().map(|l| dim(l)));
                self.draw(q, &body)?;
                let message = range_message
                    .clone()
                    .unwrap_or(self.lang.number_range(min, max));
                // No answer is offered: Enter alone keeps the current one,
                // where there is one, and otherwise records nothing.
                let current = q.current;
                let can_go_back = q.can_go_back;
                let text = Input::<String>::new()
                    .with_prompt(self.lang.number_prompt(min, max))
                    .allow_empty(true)
                    .validate_with(move |text: &String| -> Result<(), String> {
                        let text = text.trim();
                        if text.is_empty() && current.is_some() {
                            return Ok(());
                        }
                        if can_go_back && text.eq_ignore_ascii_case("b") {
                            return Ok(());
                        }
                        match text.parse::<i64>() {
                            Ok(v) if (min..=max).contains(&v) => Ok(()),
                            _ => Err(message.clone()),
                        }
                    })
                    .interact_text_on(&self.term)
                    .map_err(stop)?;
                let text = text.trim();
                if text.eq_ignore_ascii_case("b") {
                    return Ok(Reply::Back);
                }
                self.intro.clear();
                match (text.parse::<i64>(), current) {
                    (Ok(v), _) => Ok(Reply::Answer(v)),
                    (Err(_), Some(current)) => Ok(Reply::Answer(current)),
                    (Err(_), None) => Err(Stop::Interrupted),
                }
            }
            ItemKind::Info => {
                self.lines(&wrap(&q.item.text, self.width(), 0, 0))?;
                Ok(Reply::Answer(0))
            }
        }
    }

    fn confirm_lowering(&mut self, rules: &RuleSet, change: &Lowering) -> Result<bool, Stop> {
        // In the rule set's language, as the item's name and answers are.
        let lang = Lang::of(&rules.lang);
        let width = self.width();
        let bar = style("!".repeat(60.min(width))).yellow().bold().to_string();
        let answer = |code| crate::messages::answer_words(rules, change.item, Some(code));
        let choices = lang.keep_or_record(&answer(change.from), &answer(change.to));
        let keys: Vec<OptionKey> = choices.iter().map(|(k, _)| OptionKey::new(*k)).collect();
        let mut picker = Picker::new(keys, true, true);
        let mut screen = vec![String::new(), bar.clone()];
        screen.extend(
            wrap(&change.words(rules), width, 0, 0)
                .iter()
                .map(|l| bold(l)),
        );
        screen.push(bar);
        screen.push(String::new());
        self.term.hide_cursor().map_err(Stop::Io)?;
        let mut redraw = true;
        let step = loop {
            if redraw {
                let mut body = screen.clone();
                for (i, (key, label)) in choices.iter().enumerate() {
                    let line = format!("[{key}] {label}");
                    let (mark, line) = match picker.cursor() == Some(i) {
                        true => (">", bold(&line)),
                        false => (" ", line),
                    };
                    body.extend(wrap(&format!("{mark} {line}"), width, 0, 2));
                }
                body.push(String::new());
                body.extend(
                    wrap(lang.keep_or_record_hint(), width, 0, 0)
                        .iter()
                        .map(|l| dim(l)),
                );
                self.term.clear_screen().map_err(Stop::Io)?;
                self.lines(&body)?;
            }
            let key = self.term.read_key_raw().map_err(Stop::Io)?;
            match picker.press(press(key)) {
                Step::Moved => redraw = true,
                Step::Ignored | Step::Unpicked => redraw = false,
                done => break done,
            }
        };
        self.term.show_cursor().map_err(Stop::Io)?;
        let record = match step {
            Step::Chosen(i) => i == 1,
            Step::Kept | Step::Back => false,
            _ => return Err(Stop::Interrupted),
        };
        self.lines(&wrap(lang.lowering_done(record), width, 0, 0))?;
        Ok(record)
    }

    fn crisis(&mut self, flags: &[&Flag], resources: &[&Resource]) -> Result<(), Stop> {
        let width = self.width();
        let bar = "!".repeat(60.min(width));
        let red = |l: &String| style(l).red().bold().to_string();
        self.line("")?;
        self.line(&red(&bar))?;
        let banner = wrap(self.lang.crisis_banner(), width, 0, 0);
        self.lines(&banner.iter().map(red).collect::<Vec<_>>())?;
        for flag in flags {
            let line = format!(
                "[{}] {}",
                self.lang.severity(flag.severity),
                flag.message.trim()
            );
            self.lines(&wrap(&line, width, 2, 2))?;
        }
        self.lines(&wrap(self.lang.crisis_stay().trim_start(), width, 2, 0))?;
        for r in resources {
            self.lines(&wrap(&format!("- {}", r.line()), width, 2, 2))?;
        }
        self.line(&red(&bar))?;
        self.lines(&wrap(self.lang.continues(), width, 0, 0))?;
        self.term.read_line().map_err(read_stop)?;
        Ok(())
    }

    fn hidden_risk(&mut self, rules: &RuleSet, hidden: &[HiddenRisk]) -> Result<(), Stop> {
        // In the rule set's language, as the items' names are; in words
        // and markers, not by colour alone.
        let lang = Lang::of(&rules.lang);
        let width = self.width();
        let bar = "!".repeat(60.min(width));
        self.line("")?;
        self.line(&style(&bar).yellow().bold().to_string())?;
        for line in wrap(lang.hidden_risk_title(), width, 0, 0) {
            self.line(&style(line).bold().to_string())?;
        }
        for notice in hidden {
            let (items, why) = notice.words(rules);
            for item in items {
                self.lines(&wrap(&format!("- {item}"), width, 2, 2))?;
            }
            self.lines(&wrap(&why, width, 2, 0))?;
        }
        self.line(&style(&bar).yellow().bold().to_string())?;
        self.lines(&wrap(lang.hidden_risk_continue(), width, 0, 0))?;
        self.term.read_line().map_err(read_stop)?;
        Ok(())
    }

    fn disposition(
        &mut self,
        rules: &RuleSet,
        recommended: usize,
        result: &ResultScreen,
        amending: bool,
    ) -> Result<Disposition, Stop> {
        let lang = self.lang;
        let accept = lang.accept(&rules.levels[recommended].name, result.crisis);
        let options = [
            ('a', accept),
            ('o', lang.other_level().to_string()),
            ('p', lang.read_full().to_string()),
        ];
        // Esc at a later prompt comes back here.
        'top: loop {
            let choice = loop {
                match self.choose_on_result(result, lang.disposition_prompt(), &options, false)? {
                    Some(2) => self.pager(&result.full)?,
                    Some(other) => break other,
                    None => {}
                }
            };
            if choice == 0 {
                // An amendment says why and who, whatever it amends to.
                if !amending {
                    return Ok(Disposition::Accepted {
                        reason_text: None,
                        decided_by: None,
                    });
                }
                let reason_text = self.reason_text(result)?;
                return Ok(Disposition::Accepted {
                    reason_text,
                    decided_by: Some(self.decided_by(result)?),
                });
            }
            let others: Vec<usize> = (0..rules.levels.len())
                .filter(|&l| l != recommended)
                .collect();
            let letters = |n: usize| ('a'..='o').take(n).collect::<Vec<char>>();
            let names: Vec<(char, String)> = letters(others.len())
                .into_iter()
                .zip(&others)
                .map(|(k, &l)| (k, rules.levels[l].name.clone()))
                .collect();
            let Some(level) = self.choose_on_result(result, lang.actual_level(), &names, true)?
            else {
                continue 'top;
            };
            let reasons: Vec<(char, String)> = letters(DispositionReason::ALL.len())
                .into_iter()
                .zip(DispositionReason::ALL)
                .map(|(k, r)| (k, lang.reason_label(r).to_string()))
                .collect();
            let Some(reason) = self.choose_on_result(result, lang.reason(), &reasons, true)? else {
                continue 'top;
            };
            let reason_text = self.reason_text(result)?;
            return Ok(Disposition::Other {
                level: others[level],
                reason: DispositionReason::ALL[reason],
                reason_text,
                decided_by: self.decided_by(result)?,
            });
        }
    }

    fn amend(&mut self, result: &ResultScreen) -> Result<bool, Stop> {
        let lang = self.lang;
        let options = [
            ('k', lang.keep_disposition().to_string()),
            ('a', lang.amend_disposition().to_string()),
            ('p', lang.read_full().to_string()),
        ];
        loop {
            match self.choose_on_result(result, lang.amend_prompt(), &options, false)? {
                Some(2) => self.pager(&result.full)?,
                Some(choice) => return Ok(choice == 1),
                None => {}
            }
        }
    }

    fn crisis_standing(&mut self, standing: bool) {
        self.crisis = standing;
    }

    fn review(&mut self, entries: &[ReviewEntry<'_>]) -> Result<ReviewChoice, Stop> {
        let width = self.width();
        let id_width = entries
            .iter()
            .map(|e| e.item.id.chars().count())
            .filter(|&w| w <= REVIEW_ID_WIDTH)
            .max()
            .unwrap_or(0);
        let mut haystacks = Vec::with_capacity(entries.len());
        let mut blocks = Vec::with_capacity(entries.len());
        for e in entries {
            let mut answer = answer_label(self.wording(e.instrument), e.item, e.code);
            if e.kept {
                answer = self.lang.kept_for_safety(&answer);
            }
            haystacks.push(format!(
                "{} {} {} {} {answer}",
                e.item.id, e.instrument.id, e.instrument.title, e.item.text
            ));
            blocks.push(review_block(
                &e.item.id,
                id_width,
                &e.item.text,
                &answer,
                width,
            ));
        }
        let confirm = wrap(self.lang.review_confirm(), width.saturating_sub(2), 0, 0);
        let mut header = Vec::new();
        if self.crisis {
            for line in wrap(self.lang.crisis_line(true), width, 0, 3) {
                header.push(style(line).red().bold().to_string());
            }
        }
        for line in wrap(self.lang.review_title(), width, 0, 0) {
            header.push(style(line).bold().to_string());
        }
        header.extend(wrap(&self.lang.review_count(entries.len()), width, 0, 0));
        // Back from a change: say what it did.
        let memory = self.review_memory.take();
        let changed = memory.as_ref().and_then(|(_, item, was)| {
            let e = entries.iter().position(|e| e.index == *item)?;
            let entry = &entries[e];
            let wording = self.wording(entry.instrument);
            let now = answer_label(wording, entry.item, entry.code);
            let said = match entry.code == *was {
                true => self.lang.review_unchanged(&entry.item.id, &now),
                false => {
                    let before = answer_label(wording, entry.item, *was);
                    self.lang.review_changed(&entry.item.id, &before, &now)
                }
            };
            header.extend(wrap(&said, width, 0, 2).iter().map(|l| bold(l)));
            Some(e)
        });
        // Above the list the filter's row and a blank row; under it a
        // blank row, the page's status line and the row the cursor is
        // left on.
        let rows = usize::from(self.term.size().0);
        let room = rows.saturating_sub(header.len() + 5).max(3);
        let mut list = ReviewList::new(
            haystacks,
            confirm.len(),
            blocks.iter().map(Vec::len).collect(),
            room,
        );
        if let (Some((filter, _, _)), Some(e)) = (&memory, changed) {
            list.restore(filter, e);
        }
        self.term.hide_cursor().map_err(Stop::Io)?;
        let mut redraw = true;
        let outcome = loop {
            if redraw {
                let mut screen = header.clone();
                let filter = format!("{}: {}", self.lang.review_filter(), list.filter());
                screen.push(truncate(&filter, width));
                screen.push(String::new());
                let (lines, page, pages) = list.page();
                if lines.is_empty() {
                    screen.extend(wrap(self.lang.review_no_match(), width, 0, 0));
                }
                for line in lines {
                    let on = list.cursor() == Some(line);
                    screen.extend(match line {
                        Line::Confirm => marked(&confirm, on),
                        Line::Answer(i) => marked(&blocks[i], on),
                    });
                }
                screen.push(String::new());
                let kept = (!list.filter().is_empty()).then(|| list.matching());
                let status = self.lang.review_page(page, pages, kept);
                screen.extend(wrap(&status, width, 0, 0).iter().map(|l| dim(l)));
                self.term.clear_screen().map_err(Stop::Io)?;
                self.lines(&screen)?;
            }
            let key = self.term.read_key_raw().map_err(Stop::Io)?;
            match list.press(review_key(key)) {
                Outcome::Redraw => redraw = true,
                Outcome::Ignored => redraw = false,
                done => break done,
            }
        };
        self.term.show_cursor().map_err(Stop::Io)?;
        // The result, or the question to change, follows on a clear screen.
        self.term.clear_screen().map_err(Stop::Io)?;
        match outcome {
            Outcome::Chosen(Line::Confirm) => Ok(ReviewChoice::Confirm),
            Outcome::Chosen(Line::Answer(i)) => {
                let e = &entries[i];
                self.review_memory = Some((list.filter().to_string(), e.index, e.code));
                Ok(ReviewChoice::Change(e.index))
            }
            Outcome::Back => Ok(ReviewChoice::Back),
            _ => Err(Stop::Interrupted),
        }
    }
}

fn review_key(key: Key) -> ReviewKey {
    match key {
        Key::ArrowUp => ReviewKey::Up,
        Key::ArrowDown => ReviewKey::Down,
        Key::PageUp => ReviewKey::PageUp,
        Key::PageDown => ReviewKey::PageDown,
        Key::Home => ReviewKey::Home,
        Key::End => ReviewKey::End,
        Key::Enter => ReviewKey::Enter,
        Key::Escape => ReviewKey::Escape,
        Key::Backspace => ReviewKey::Backspace,
        Key::CtrlC => ReviewKey::Interrupt,
        Key::Char(c) => ReviewKey::Char(c),
        _ => ReviewKey::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        answer_label, fit_lines, marked, review_block, screen_width, truncate, wrap, MAX_WIDTH,
        MIN_WIDTH,
    };
    use crate::interview::HiddenRisk;
    use crate::messages::Lang;

    /// dialoguer draws a selection line as "> " then the item, and a
    /// prompt with ":" after it; a line wider than the terminal garbles
    /// the redraw.
    #[test]
    fn every_disposition_line_fits_80_columns_in_each_language() {
        use crate::disposition::DispositionReason;
        for code in ["en", "es"] {
            let rules = crate::rules::load_in(&crate::rules::RulesSource::Embedded, code)
                .expect("default rules");
            let lang = Lang::of(code);
            let mut lines: Vec<String> = Vec::new();
            for (l, level) in rules.levels.iter().enumerate() {
                // The crisis route is the most intensive level's.
                for crisis in [false, l == rules.top_level()] {
                    let accept = lang.accept(&level.name, crisis);
                    lines.push(format!("> {accept}"));
                }
                lines.push(format!("> {}", level.name));
            }
            lines.push(format!("> {}", lang.other_level()));
            lines.extend(DispositionReason::ALL.map(|r| format!("> {}", lang.reason_label(r))));
            lines.push(format!("> {}", lang.keep_disposition()));
            lines.push(format!("> {}", lang.amend_disposition()));
            for prompt in [
                lang.disposition_prompt(),
                lang.actual_level(),
                lang.reason(),
                lang.reason_text(),
                lang.decided_by(),
                lang.amend_prompt(),
            ] {
                assert!(
                    !prompt.ends_with(['?', ':', '.']),
                    "dialoguer adds ':': {prompt}"
                );
                lines.push(format!("{prompt}: "));
            }
            for line in &lines {
                assert!(line.chars().count() <= 80, "{code}: {line}");
            }
        }
    }
    use crate::rules::{load_in, RulesSource};

    #[test]
    fn the_review_shows_an_answer_with_the_code_the_export_writes() {
        let rules = load_in(&RulesSource::Embedded, "en").expect("default rules");
        let item = |id: &str| &rules.items[rules.item_index(id).expect("item")];
        assert_eq!(
            answer_label(Lang::En, item("audit_2"), 0),
            "1 or 2 (code 0)"
        );
        assert_eq!(
            answer_label(Lang::En, item("phq9_1"), 2),
            "More than half the days (code 2)"
        );
        assert_eq!(
            answer_label(Lang::En, item("recent_discharge"), 1),
            "yes (code 1)"
        );
        assert_eq!(
            answer_label(Lang::Es, item("recent_discharge"), 1),
            "sí (código 1)"
        );
    }

    /// Every item of the default rules, in both languages: each option
    /// has its own key; typing an item's published code picks that code
    /// wherever codes are the keys; letters where a label holds a digit
    /// (AUDIT items 1 and 2); `y`/`n`, and `s` in Spanish, on yes/no.
    #[test]
    fn every_item_of_the_default_rules_has_keys_that_match_the_form() {
        use super::super::picker::{Picker, Press, Step};
        use super::{item_codes, option_keys};
        use crate::model::ItemKind;
        for code in ["en", "es"] {
            let rules = load_in(&RulesSource::Embedded, code).expect("default rules");
            let interview = Lang::of(code);
            for item in &rules.items {
                let codes = item_codes(item);
                if codes.is_empty() {
                    continue;
                }
                let ins = &rules.instruments[item.instrument];
                let wording = match ins.wording_lang == "en" {
                    true => Lang::En,
                    false => interview,
                };
                let keys = option_keys(wording, interview, item, &codes);
                assert_eq!(keys.len(), codes.len(), "{}", item.id);
                let pick = |typed: char| {
                    let mut p = Picker::new(keys.clone(), false, false);
                    match p.press(Press::Char(typed)) {
                        Step::Moved => p.cursor().map(|i| codes[i]),
                        _ => None,
                    }
                };
                for (i, key) in keys.iter().enumerate() {
                    assert_eq!(pick(key.shown), Some(codes[i]), "{} {key}", item.id);
                }
                match &item.kind {
                    ItemKind::YesNo { .. } => {
                        assert_eq!(pick('n'), Some(0), "{}", item.id);
                        assert_eq!(pick('y'), Some(1), "{}: y is yes", item.id);
                        if code == "es" {
                            assert_eq!(pick('s'), Some(1), "{}: s is yes", item.id);
                        }
                    }
                    _ if item.digit_in_labels => {
                        let letters: String = keys.iter().map(|k| k.shown).collect();
                        assert!(letters.starts_with("ab"), "{}: {letters}", item.id);
                        for digit in '0'..='9' {
                            assert_eq!(pick(digit), None, "{}: {digit}", item.id);
                        }
                    }
                    _ => {
                        for &c in &codes {
                            let typed = char::from_digit(c as u32, 10).expect("digit");
                            assert_eq!(pick(typed), Some(c), "{}: {typed}", item.id);
                        }
                    }
                }
            }
            let audit = |id: &str| &rules.items[rules.item_index(id).expect("item")];
            assert!(audit("audit_1").digit_in_labels && audit("audit_2").digit_in_labels);
            assert!(
                !audit("audit_9").digit_in_labels,
                "AUDIT item 9: [0] [2] [4]"
            );
        }
    }

    /// Whether every word of `text` is whole on one of `lines`.
    fn words_whole(text: &str, lines: &[String]) -> bool {
        text.split_whitespace().all(|word| {
            lines
                .iter()
                .any(|l| l.split_whitespace().any(|w| w == word))
        })
    }

    #[test]
    fn wrapping_breaks_between_words_within_the_width_keeping_the_indent() {
        let text = "Call or text 988 (24/7), or the line at (800) 854-7771 (24/7), \
                    and stay with the person until help arrives.";
        for width in [40, 57, 80] {
            let lines = wrap(text, width, 2, 2);
            assert!(lines.len() > 1, "{width}: {lines:?}");
            for (i, line) in lines.iter().enumerate() {
                assert!(line.chars().count() <= width, "{width}: {line}");
                let indent = if i == 0 { 2 } else { 4 };
                assert_eq!(line.len() - line.trim_start().len(), indent, "{line}");
            }
            assert!(words_whole(text, &lines), "{width}: {lines:?}");
        }
        assert_eq!(wrap("one two", 80, 0, 0), ["one two"]);
    }

    #[test]
    fn the_note_is_wrapped_for_the_screen_line_by_line() {
        let note = "Referral note\n\n- A flag whose message is long enough to need more than one \
                    line at forty columns\n  Indented text that also runs over the width of a \
                    narrow screen\nshort\n";
        let fitted = fit_lines(note, 40);
        let lines: Vec<String> = fitted.lines().map(String::from).collect();
        for line in &lines {
            assert!(line.chars().count() <= 40, "{line}");
        }
        assert!(words_whole(note, &lines), "{fitted}");
        assert_eq!(lines[0], "Referral note");
        assert_eq!(lines[1], "");
        assert!(
            lines[3].starts_with("  to need"),
            "a list item hangs: {fitted}"
        );
        assert!(lines.iter().any(|l| l.starts_with("  Indented")));
        assert_eq!(lines.last().map(String::as_str), Some("short"));
        assert_eq!(
            fit_lines(note, 200),
            note,
            "lines that fit are kept as they are"
        );
    }

    #[test]
    fn the_screen_width_is_the_terminals_within_bounds() {
        assert_eq!(screen_width(80), 80);
        assert_eq!(screen_width(20), MIN_WIDTH);
        assert_eq!(screen_width(250), MAX_WIDTH);
    }

    #[test]
    fn a_review_answer_shows_its_id_full_text_and_answer_within_the_width() {
        let text = "Trouble falling or staying asleep, or sleeping too much";
        let block = review_block("phq9_3", 8, text, "[3] More than half the days", 50);
        assert_eq!(
            block,
            [
                "phq9_3    Trouble falling or staying asleep, or",
                "          sleeping too much",
                "          → [3] More than half the days",
            ]
        );
        // A long answer wraps under itself; a long id takes its own row.
        let long = review_block("withdrawal_history", 12, "Text", &"word ".repeat(30), 50);
        assert_eq!(long[0], "withdrawal_history");
        assert_eq!(long[1], "              Text");
        assert!(long[3].starts_with("                word"), "{long:?}");
        for row in block.iter().chain(&long) {
            assert!(row.chars().count() <= 48, "{row}");
        }
        assert!(words_whole(text, &block));
        let marked = marked(&block, false);
        assert!(marked.iter().all(|r| r.starts_with("  ")), "{marked:?}");
        assert!(super::marked(&block, true)[0].starts_with("> "));
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("a longer text", 9), "a longer…");
    }

    #[test]
    fn the_hidden_risk_notice_fits_the_width_in_each_language() {
        for lang in ["en", "es"] {
            let rules = load_in(&RulesSource::Embedded, lang).expect("default rules");
            let item = |id: &str| rules.item_index(id).expect("item");
            let raised = HiddenRisk {
                gate: Some((item("cssrs_2"), Some(0))),
                items: vec![
                    (item("cssrs_3"), 1),
                    (item("cssrs_4"), 1),
                    (item("cssrs_5"), 1),
                ],
                raised: true,
            };
            // A recency "yes" after a "no" to item 6 raises nothing, but
            // asks item 6 again: other words.
            let ask_again = HiddenRisk {
                gate: Some((item("cssrs_6"), Some(0))),
                items: vec![(item("cssrs_6_recent"), 1)],
                raised: false,
            };
            for width in [MIN_WIDTH, 80] {
                let mut whys = Vec::new();
                for (notice, gate, kept) in [
                    (&raised, "cssrs_2", "cssrs_4"),
                    (&ask_again, "cssrs_6", "cssrs_6_recent"),
                ] {
                    let (items, why) = notice.words(&rules);
                    let mut lines = wrap(Lang::of(lang).hidden_risk_title(), width, 0, 0);
                    for item in &items {
                        lines.extend(wrap(&format!("- {item}"), width, 2, 2));
                    }
                    lines.extend(wrap(&why, width, 2, 0));
                    for line in &lines {
                        assert!(line.chars().count() <= width, "{line}");
                    }
                    assert!(words_whole(&why, &lines), "{lines:?}");
                    let text = lines.join(" ");
                    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                    assert!(
                        words(&text).contains(&rules.items[item(kept)].short),
                        "{text}"
                    );
                    assert!(
                        words(&text).contains(&rules.items[item(gate)].short),
                        "{text}"
                    );
                    whys.push(why);
                }
                assert_ne!(whys[0], whys[1], "an answer that raised nothing says so");
            }
            for gate in [None, Some(("G", None))] {
                let why = Lang::of(lang).hidden_ask_again_why(gate);
                for line in wrap(&why, 80, 2, 0) {
                    assert!(line.chars().count() <= 80, "{line}");
                }
            }
        }
    }
}
