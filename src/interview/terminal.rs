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
    Disposition, DispositionReason, Prompter, Question, Reply, ReviewChoice, ReviewEntry, Stop,
};
use crate::model::{Flag, Item, ItemKind, Resource, RuleSet};

pub struct TerminalPrompter {
    term: Term,
}

impl TerminalPrompter {
    pub fn new() -> TerminalPrompter {
        TerminalPrompter {
            term: Term::stderr(),
        }
    }

    fn line(&self, text: &str) -> Result<(), Stop> {
        self.term.write_line(text).map_err(Stop::Io)
    }
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        TerminalPrompter::new()
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

/// An answer as the prompts show it: the code, then its words.
fn answer_label(item: &Item, code: i64) -> String {
    match item.answer_label(code) {
        Some(label) => format!("{code} {label}"),
        None => code.to_string(),
    }
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, q: &Question<'_>) -> Result<Reply, Stop> {
        let (k, n) = q.in_instrument;
        let (at, of) = q.overall;
        self.line("")?;
        self.line(&format!(
            "{} - question {k} of {n} (overall {at} of {of})",
            style(&q.instrument.title).bold()
        ))?;
        if k == 1 {
            if let Some(preamble) = &q.instrument.preamble {
                self.line(preamble)?;
            }
        }
        if let Some(help) = &q.item.help {
            self.line(&format!("  ({help})"))?;
        }
        let back_hint = if q.can_go_back { "; Esc goes back" } else { "" };
        match &q.item.kind {
            ItemKind::Choice(_) | ItemKind::YesNo { .. } => {
                let codes: Vec<i64> = match &q.item.kind {
                    ItemKind::Choice(options) => options.iter().map(|o| o.code).collect(),
                    _ => vec![0, 1],
                };
                let labels: Vec<String> = codes.iter().map(|&c| answer_label(q.item, c)).collect();
                let default = q
                    .current
                    .and_then(|c| codes.iter().position(|&x| x == c))
                    .unwrap_or(0);
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
                    .unwrap_or(format!("enter a whole number from {min} to {max}"));
                let mut input = Input::<String>::new()
                    .with_prompt(format!("{} ({min}-{max}; b goes back)", q.item.text))
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
        self.line(
            &style("!!! CRISIS: IMMEDIATE SAFETY EVALUATION TODAY !!!")
                .red()
                .bold()
                .to_string(),
        )?;
        for flag in flags {
            self.line(&format!(
                "  [{}] {}",
                flag.severity.as_str().to_uppercase(),
                flag.message.trim()
            ))?;
        }
        self.line("  Do not leave the person alone. Crisis resources:")?;
        for r in resources {
            self.line(&format!("  - {}", r.line()))?;
        }
        self.line(&style(&bar).red().bold().to_string())?;
        self.line("The interview continues. Press Enter.")?;
        self.term.read_line().map_err(Stop::Io)?;
        Ok(())
    }

    fn disposition(&mut self, rules: &RuleSet, recommended: usize) -> Result<Disposition, Stop> {
        self.line("")?;
        // At the most intensive level the result above may carry a crisis
        // notice; the prompt says so in words.
        let accept = if recommended == rules.top_level() {
            format!(
                "Accept the recommendation: {} (see any CRISIS notice above)",
                rules.levels[recommended].name
            )
        } else {
            format!(
                "Accept the recommendation: {}",
                rules.levels[recommended].name
            )
        };
        let choice = Select::new()
            .with_prompt("Disposition: what happens now?")
            .items([
                accept.as_str(),
                "Another level (give the reason and who decided)",
            ])
            .default(0)
            .interact_on(&self.term)
            .map_err(stop)?;
        if choice == 0 {
            return Ok(Disposition::Accepted);
        }
        let others: Vec<usize> = (0..rules.levels.len())
            .filter(|&l| l != recommended)
            .collect();
        let names: Vec<&str> = others
            .iter()
            .map(|&l| rules.levels[l].name.as_str())
            .collect();
        let level = Select::new()
            .with_prompt("Actual level")
            .items(&names)
            .default(0)
            .interact_on(&self.term)
            .map_err(stop)?;
        let reasons: Vec<&str> = DispositionReason::ALL.iter().map(|r| r.label()).collect();
        let reason = Select::new()
            .with_prompt("Reason")
            .items(&reasons)
            .default(0)
            .interact_on(&self.term)
            .map_err(stop)?;
        let decided_by: String = Input::new()
            .with_prompt("Decided by (name or role)")
            .validate_with(|text: &String| -> Result<(), &str> {
                if text.trim().is_empty() {
                    Err("say who decided")
                } else {
                    Ok(())
                }
            })
            .interact_text_on(&self.term)
            .map_err(stop)?;
        Ok(Disposition::Other {
            level: others[level],
            reason: DispositionReason::ALL[reason],
            decided_by: decided_by.trim().to_string(),
        })
    }

    fn review(&mut self, entries: &[ReviewEntry<'_>]) -> Result<ReviewChoice, Stop> {
        let mut labels = vec!["Confirm these answers and see the result".to_string()];
        labels.extend(entries.iter().map(|e| {
            let text: String = e.item.text.chars().take(44).collect();
            format!(
                "{:<8} {text:<44} = {}",
                e.instrument.id,
                answer_label(e.item, e.code)
            )
        }));
        self.line("")?;
        self.line(
            &style("Review: choose an answer to change, or confirm")
                .bold()
                .to_string(),
        )?;
        let chosen = Select::new()
            .items(&labels)
            .default(0)
            .max_length(18)
            .interact_on(&self.term)
            .map_err(stop)?;
        Ok(match chosen {
            0 => ReviewChoice::Confirm,
            i => ReviewChoice::Change(entries[i - 1].index),
        })
    }
}
