//! The terminal prompter: dialoguer prompts on stderr. This module owns
//! dialoguer and console.
//!
//! Keys: arrows and Enter choose, and typing filters the options (an
//! option's number, or `y`/`n`); Esc goes back to the previous question.
//! Integers are typed; `b` goes back. Risk is never
//! shown by colour alone: crisis notices carry words and markers too.

use console::{style, Term};
use dialoguer::{FuzzySelect, Input, Select};

use super::{
    Disposition, DispositionReason, HiddenRisk, Prompter, Question, Reply, ReviewChoice,
    ReviewEntry, Stop,
};
use crate::messages::Lang;
use crate::model::{Flag, Item, ItemKind, Resource, RuleSet};

pub(crate) struct TerminalPrompter {
    term: Term,
    lang: Lang,
}

impl TerminalPrompter {
    /// Prompts in `lang` (the tool's own words; the rule set's texts are
    /// already in the language they were loaded in).
    pub(crate) fn new(lang: Lang) -> TerminalPrompter {
        TerminalPrompter {
            term: Term::stderr(),
            lang,
        }
    }

    /// Show the cursor again after a prompt was left without finishing
    /// (Ctrl-C), wherever that happens.
    pub(crate) fn show_cursor() {
        let _ = Term::stderr().show_cursor();
    }

    /// Who decided: a name or role, never blank.
    fn decided_by(&self) -> Result<String, Stop> {
        let lang = self.lang;
        let who: String = Input::new()
            .with_prompt(self.lang.decided_by())
            .validate_with(|text: &String| -> Result<(), &str> {
                if text.trim().is_empty() {
                    Err(lang.say_who())
                } else {
                    Ok(())
                }
            })
            .interact_text_on(&self.term)
            .map_err(stop)?;
        Ok(who.trim().to_string())
    }

    fn line(&self, text: &str) -> Result<(), Stop> {
        self.term.write_line(text).map_err(Stop::Io)
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

/// Notices are written for a terminal this wide.
const WIDTH: usize = 80;

/// `text` in lines of at most `WIDTH` columns, each after `indent` spaces
/// (later lines after `hang` more); a word longer than a line stands alone.
fn wrap(text: &str, indent: usize, hang: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = " ".repeat(indent);
    let mut empty = true;
    for word in text.split_whitespace() {
        let width = line.chars().count();
        if !empty && width + 1 + word.chars().count() > WIDTH {
            lines.push(std::mem::replace(&mut line, " ".repeat(indent + hang)));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty {
        lines.push(line);
    }
    lines
}

/// An answer as the prompts show it: the code, `=`, then its words, so a
/// label that begins with a number (AUDIT's "1 or 2", code 0) never reads
/// as a code.
fn answer_label(lang: Lang, item: &Item, code: i64) -> String {
    match (&item.kind, item.answer_label(code)) {
        (ItemKind::YesNo { .. }, _) => format!("{code} = {}", lang.yes_no(code)),
        (_, Some(label)) => format!("{code} = {label}"),
        (_, None) => code.to_string(),
    }
}

/// The option the cursor starts on: the answer offered, else the first
/// (for yes/no questions "no", so Enter never answers "yes" by default).
fn start_at(codes: &[i64], current: Option<i64>) -> usize {
    current
        .and_then(|c| codes.iter().position(|&x| x == c))
        .unwrap_or(0)
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, q: &Question<'_>) -> Result<Reply, Stop> {
        let (k, n) = q.in_instrument;
        let (at, of) = q.overall;
        self.line("")?;
        let title = style(&q.instrument.title).bold().to_string();
        self.line(&self.lang.progress(&title, k, n, at, of))?;
        if k == 1 {
            if let Some(preamble) = &q.instrument.preamble {
                self.line(preamble)?;
            }
        }
        if let Some(help) = &q.item.help {
            self.line(&format!("  ({help})"))?;
        }
        let back_hint = if q.can_go_back {
            self.lang.back_hint()
        } else {
            ""
        };
        match &q.item.kind {
            ItemKind::Choice(_) | ItemKind::YesNo { .. } => {
                let codes: Vec<i64> = match &q.item.kind {
                    ItemKind::Choice(options) => options.iter().map(|o| o.code).collect(),
                    _ => vec![0, 1],
                };
                let labels: Vec<String> = codes
                    .iter()
                    .map(|&c| answer_label(self.lang, q.item, c))
                    .collect();
                let default = start_at(&codes, q.current);
                // Typing filters the options: "2" picks "2 More than half
                // the days", "y" picks "1 yes".
                let chosen = FuzzySelect::new()
                    .with_prompt(format!("{}{back_hint}", q.item.text))
                    .items(&labels)
                    .default(default)
                    .interact_on_opt(&self.term)
                    .map_err(stop)?;
                Ok(match chosen {
                    Some(i) => Reply::Answer(codes[i]),
                    None => Reply::Back,
                })
            }
            ItemKind::Integer {
                min,
                max,
                range_message,
            } => {
                let (min, max) = (*min, *max);
                let message = range_message
                    .clone()
                    .unwrap_or(self.lang.number_range(min, max));
                let mut input = Input::<String>::new()
                    .with_prompt(self.lang.number_prompt(&q.item.text, min, max))
                    .validate_with(move |text: &String| -> Result<(), String> {
                        let text = text.trim();
                        if text.eq_ignore_ascii_case("b") {
                            return Ok(());
                        }
                        match text.parse::<i64>() {
                            Ok(v) if (min..=max).contains(&v) => Ok(()),
                            _ => Err(message.clone()),
                        }
                    });
                if let Some(current) = q.current {
                    input = input.default(current.to_string());
                }
                let text = input.interact_text_on(&self.term).map_err(stop)?;
                let text = text.trim();
                if text.eq_ignore_ascii_case("b") {
                    return Ok(Reply::Back);
                }
                text.parse::<i64>()
                    .map(Reply::Answer)
                    .map_err(|_| Stop::Interrupted)
            }
            ItemKind::Info => {
                self.line(&q.item.text)?;
                Ok(Reply::Answer(0))
            }
        }
    }

    fn crisis(&mut self, flags: &[&Flag], resources: &[&Resource]) -> Result<(), Stop> {
        let bar = "!".repeat(60);
        self.line("")?;
        self.line(&style(&bar).red().bold().to_string())?;
        self.line(&style(self.lang.crisis_banner()).red().bold().to_string())?;
        for flag in flags {
            self.line(&format!(
                "  [{}] {}",
                self.lang.severity(flag.severity),
                flag.message.trim()
            ))?;
        }
        self.line(self.lang.crisis_stay())?;
        for r in resources {
            self.line(&format!("  - {}", r.line()))?;
        }
        self.line(&style(&bar).red().bold().to_string())?;
        self.line(self.lang.continues())?;
        self.term.read_line().map_err(Stop::Io)?;
        Ok(())
    }

    fn hidden_risk(&mut self, rules: &RuleSet, hidden: &[HiddenRisk]) -> Result<(), Stop> {
        // In the rule set's language, as the items' names are; in words
        // and markers, not by colour alone.
        let lang = Lang::of(&rules.lang);
        let bar = "!".repeat(60);
        self.line("")?;
        self.line(&style(&bar).yellow().bold().to_string())?;
        for line in wrap(lang.hidden_risk_title(), 0, 0) {
            self.line(&style(line).bold().to_string())?;
        }
        for notice in hidden {
            let (items, why) = notice.words(rules);
            for item in items {
                for line in wrap(&format!("- {item}"), 2, 2) {
                    self.line(&line)?;
                }
            }
            for line in wrap(&why, 2, 0) {
                self.line(&line)?;
            }
        }
        self.line(&style(&bar).yellow().bold().to_string())?;
        self.line(lang.hidden_risk_continue())?;
        self.term.read_line().map_err(Stop::Io)?;
        Ok(())
    }

    fn disposition(
        &mut self,
        rules: &RuleSet,
        recommended: usize,
        amending: bool,
    ) -> Result<Disposition, Stop> {
        self.line("")?;
        // At the most intensive level the result above may carry a crisis
        // notice; the prompt says so in words.
        let top = recommended == rules.top_level();
        let accept = self.lang.accept(&rules.levels[recommended].name, top);
        let choice = Select::new()
            .with_prompt(self.lang.disposition_prompt())
            .items([accept.as_str(), self.lang.other_level()])
            .default(0)
            .interact_on(&self.term)
            .map_err(stop)?;
        if choice == 0 {
            let decided_by = match amending {
                true => Some(self.decided_by()?),
                false => None,
            };
            return Ok(Disposition::Accepted { decided_by });
        }
        let others: Vec<usize> = (0..rules.levels.len())
            .filter(|&l| l != recommended)
            .collect();
        let names: Vec<&str> = others
            .iter()
            .map(|&l| rules.levels[l].name.as_str())
            .collect();
        let level = Select::new()
            .with_prompt(self.lang.actual_level())
            .items(&names)
            .default(0)
            .interact_on(&self.term)
            .map_err(stop)?;
        let reasons: Vec<&str> = DispositionReason::ALL
            .iter()
            .map(|&r| self.lang.reason_label(r))
            .collect();
        let reason = Select::new()
            .with_prompt(self.lang.reason())
            .items(&reasons)
            .default(0)
            .interact_on(&self.term)
            .map_err(stop)?;
        let reason_text: String = Input::new()
            .with_prompt(self.lang.reason_text())
            .allow_empty(true)
            .interact_text_on(&self.term)
            .map_err(stop)?;
        let reason_text = Some(reason_text.trim().to_string()).filter(|t| !t.is_empty());
        Ok(Disposition::Other {
            level: others[level],
            reason: DispositionReason::ALL[reason],
            reason_text,
            decided_by: self.decided_by()?,
        })
    }

    fn amend(&mut self) -> Result<bool, Stop> {
        self.line("")?;
        let choice = Select::new()
            .with_prompt(self.lang.amend_prompt())
            .items([self.lang.keep_disposition(), self.lang.amend_disposition()])
            .default(0)
            .interact_on(&self.term)
            .map_err(stop)?;
        Ok(choice == 1)
    }

    fn review(&mut self, entries: &[ReviewEntry<'_>]) -> Result<ReviewChoice, Stop> {
        let mut labels = vec![self.lang.review_confirm().to_string()];
        labels.extend(entries.iter().map(|e| {
            let text: String = e.item.text.chars().take(44).collect();
            format!(
                "{:<8} {text:<44}: {}",
                e.instrument.id,
                answer_label(self.lang, e.item, e.code)
            )
        }));
        self.line("")?;
        self.line(&style(self.lang.review_title()).bold().to_string())?;
        let chosen = Select::new()
            .items(&labels)
            .default(0)
            .max_length(18)
            .interact_on_opt(&self.term)
            .map_err(stop)?;
        Ok(match chosen {
            None => ReviewChoice::Back,
            Some(0) => ReviewChoice::Confirm,
            Some(i) => ReviewChoice::Change(entries[i - 1].index),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{answer_label, start_at, wrap, WIDTH};
    use crate::interview::HiddenRisk;
    use crate::messages::Lang;
    use crate::rules::{load_in, RulesSource};

    #[test]
    fn an_option_label_that_begins_with_a_number_never_reads_as_its_code() {
        let rules = load_in(&RulesSource::Embedded, "en").expect("default rules");
        let audit_2 = &rules.items[rules.item_index("audit_2").expect("item")];
        assert_eq!(answer_label(Lang::En, audit_2, 0), "0 = 1 or 2");
        let harm = &rules.items[rules.item_index("recent_discharge").expect("item")];
        assert_eq!(answer_label(Lang::En, harm, 1), "1 = yes");
    }

    #[test]
    fn the_hidden_risk_notice_fits_80_columns_in_each_language() {
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
            let mut whys = Vec::new();
            for (notice, gate, kept) in [
                (&raised, "cssrs_2", "cssrs_4"),
                (&ask_again, "cssrs_6", "cssrs_6_recent"),
            ] {
                let (items, why) = notice.words(&rules);
                let mut lines = wrap(Lang::of(lang).hidden_risk_title(), 0, 0);
                for item in &items {
                    lines.extend(wrap(&format!("- {item}"), 2, 2));
                }
                lines.extend(wrap(&why, 2, 0));
                for line in &lines {
                    assert!(line.chars().count() <= WIDTH, "{line}");
                }
                let text = lines.join("\n");
                assert!(text.contains(&rules.items[item(kept)].short), "{text}");
                assert!(text.contains(&rules.items[item(gate)].short), "{text}");
                whys.push(why);
            }
            assert_ne!(whys[0], whys[1], "an answer that raised nothing says so");
            for gate in [None, Some(("G", None))] {
                let why = Lang::of(lang).hidden_ask_again_why(gate);
                for line in wrap(&why, 2, 0) {
                    assert!(line.chars().count() <= WIDTH, "{line}");
                }
            }
        }
    }

    #[test]
    fn a_question_offering_no_answer_starts_on_the_first_option() {
        // Yes/no questions list "no" (0) first.
        assert_eq!(start_at(&[0, 1], None), 0);
        assert_eq!(start_at(&[0, 1], Some(1)), 1);
        assert_eq!(start_at(&[0, 1, 2, 3], Some(2)), 2);
        assert_eq!(start_at(&[0, 1], Some(7)), 0, "an invalid answer");
    }
}
