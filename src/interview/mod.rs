//! The intake interview: walks the rule set's items in order with their
//! skip logic, lets the interviewer go back and change answers, reviews,
//! and saves the session after every answer.
//!
//! The flow talks to a `Prompter`; `terminal.rs` is the dialoguer one,
//! tests use a scripted one. The flow never prints.

pub mod session;
pub mod terminal;

use crate::answers::Answers;
use crate::assess::{established_flags, shown_items};
use crate::error::AnswerError;
use crate::model::{Flag, Instrument, Item, ItemIdx, Resource, RuleSet};

/// One question, with where the interview stands.
#[derive(Debug)]
pub struct Question<'a> {
    pub index: ItemIdx,
    pub item: &'a Item,
    pub instrument: &'a Instrument,
    /// 1-based position of the item within its instrument, and the count.
    pub in_instrument: (usize, usize),
    /// 1-based position among all answerable items, and the count.
    pub overall: (usize, usize),
    /// The current answer, offered as the default.
    pub current: Option<i64>,
    /// Whether there is a question to go back to.
    pub can_go_back: bool,
}

/// What the interviewer did at a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Answer(i64),
    Back,
}

/// One line of the review screen.
#[derive(Debug)]
pub struct ReviewEntry<'a> {
    pub index: ItemIdx,
    pub instrument: &'a Instrument,
    pub item: &'a Item,
    pub code: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewChoice {
    Confirm,
    Change(ItemIdx),
}

/// Why an interview stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum Stop {
    /// The interviewer interrupted (Ctrl-C); the session is saved.
    #[error("interrupted")]
    Interrupted,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Answer(#[from] AnswerError),
    #[error("cannot save the session: {0}")]
    Save(String),
}

/// Why the actual placement differs from the recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DispositionReason {
    LevelUnavailable,
    ClientDeclined,
    ClinicalOverride,
}

impl DispositionReason {
    pub const ALL: [DispositionReason; 3] = [
        DispositionReason::LevelUnavailable,
        DispositionReason::ClientDeclined,
        DispositionReason::ClinicalOverride,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DispositionReason::LevelUnavailable => "the recommended level is not available",
            DispositionReason::ClientDeclined => "the client declined it",
            DispositionReason::ClinicalOverride => "clinical override",
        }
    }
}

/// What actually happens after the recommendation. The recommendation
/// itself is never changed; this is recorded beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    Accepted,
    Other {
        level: usize,
        reason: DispositionReason,
        decided_by: String,
    },
}

/// The interview's side of the terminal.
pub trait Prompter {
    /// After the result: accept the recommendation, or record another
    /// level with a reason and who decided.
    fn disposition(&mut self, rules: &RuleSet, recommended: usize) -> Result<Disposition, Stop>;
    fn ask(&mut self, question: &Question<'_>) -> Result<Reply, Stop>;
    /// Shown the moment answers establish a crisis flag.
    fn crisis(&mut self, flags: &[&Flag], resources: &[&Resource]) -> Result<(), Stop>;
    fn review(&mut self, entries: &[ReviewEntry<'_>]) -> Result<ReviewChoice, Stop>;
}

/// Run the interview over `answers` (empty, or resumed), saving after every
/// answer with `save`. Returns when the interviewer confirms the review.
pub fn run(
    rules: &RuleSet,
    answers: &mut Answers,
    prompter: &mut dyn Prompter,
    save: &mut dyn FnMut(&Answers) -> Result<(), Stop>,
) -> Result<(), Stop> {
    let mut flow = Flow {
        rules,
        noticed: vec![false; rules.flags.len()],
    };
    // A resumed session: answers skip logic hides are dropped, and a crisis
    // its answers establish is shown again before anything else (whoever
    // resumes may not have seen it).
    let shown = shown_items(rules, answers);
    let mut dropped = false;
    for (i, &visible) in shown.iter().enumerate() {
        if !visible && answers.get(i).is_some() {
            answers.clear(i);
            dropped = true;
        }
    }
    if dropped {
        save(answers)?;
    }
    flow.notice_crisis(answers, prompter)?;
    let answerable = |i: usize| rules.items[i].is_answerable();
    let start = (0..rules.items.len())
        .find(|&i| answerable(i) && shown[i] && answers.get(i).is_none())
        .unwrap_or(rules.items.len());
    let mut history: Vec<ItemIdx> = (0..start)
        .filter(|&i| answerable(i) && shown[i] && answers.get(i).is_some())
        .collect();
    flow.walk(answers, prompter, save, start, &mut history, false)?;
    loop {
        let shown = shown_items(rules, answers);
        let entries: Vec<ReviewEntry<'_>> = (0..rules.items.len())
            .filter(|&i| shown[i])
            .filter_map(|i| {
                let item = &rules.items[i];
                answers.get(i).map(|code| ReviewEntry {
                    index: i,
                    instrument: &rules.instruments[item.instrument],
                    item,
                    code,
                })
            })
            .collect();
        match prompter.review(&entries)? {
            ReviewChoice::Confirm => return Ok(()),
            ReviewChoice::Change(index) => {
                let mut history = Vec::new();
                flow.ask_one(answers, prompter, save, index, &mut history)?;
                // Newly shown questions get asked (Back from the first of
                // them returns to the changed one); the rest keep their answers.
                flow.walk(answers, prompter, save, 0, &mut vec![index], true)?;
            }
        }
    }
}

struct Flow<'a> {
    rules: &'a RuleSet,
    /// Crisis flags already shown.
    noticed: Vec<bool>,
}

impl Flow<'_> {
    /// Ask every shown item from `from` on (only unanswered ones when
    /// `gaps_only`); `Back` returns to the previous question asked.
    fn walk(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
        save: &mut dyn FnMut(&Answers) -> Result<(), Stop>,
        from: usize,
        history: &mut Vec<ItemIdx>,
        gaps_only: bool,
    ) -> Result<(), Stop> {
        let rules = self.rules;
        let mut i = from;
        // The question Back returned to is asked even when answered.
        let mut revisit: Option<usize> = None;
        while i < rules.items.len() {
            let shown = shown_items(rules, answers);
            if !shown[i] {
                // An answer skip logic now hides is dropped.
                if answers.get(i).is_some() {
                    answers.clear(i);
                    save(answers)?;
                }
                i += 1;
                continue;
            }
            let answered_gap = gaps_only && answers.get(i).is_some() && revisit != Some(i);
            if !rules.items[i].is_answerable() || answered_gap {
                i += 1;
                continue;
            }
            match self.ask_one(answers, prompter, save, i, history)? {
                Some(back_to) => {
                    i = back_to;
                    revisit = Some(back_to);
                }
                None => {
                    history.push(i);
                    i += 1;
                }
            }
        }
        Ok(())
    }

    /// Ask one item. `Some(previous)` when the interviewer went back.
    fn ask_one(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
        save: &mut dyn FnMut(&Answers) -> Result<(), Stop>,
        index: ItemIdx,
        history: &mut Vec<ItemIdx>,
    ) -> Result<Option<ItemIdx>, Stop> {
        let rules = self.rules;
        let item = &rules.items[index];
        let instrument = &rules.instruments[item.instrument];
        let answerable: Vec<usize> = (0..rules.items.len())
            .filter(|&i| rules.items[i].is_answerable())
            .collect();
        let question = Question {
            index,
            item,
            instrument,
            in_instrument: (index - instrument.items.start + 1, instrument.items.len()),
            overall: (
                answerable
                    .iter()
                    .position(|&i| i == index)
                    .map_or(0, |p| p + 1),
                answerable.len(),
            ),
            current: answers.get(index),
            can_go_back: !history.is_empty(),
        };
        loop {
            match prompter.ask(&question)? {
                Reply::Back => match history.pop() {
                    Some(previous) => return Ok(Some(previous)),
                    None => continue,
                },
                Reply::Answer(code) => {
                    answers.set(rules, index, code)?;
                    save(answers)?;
                    self.notice_crisis(answers, prompter)?;
                    return Ok(None);
                }
            }
        }
    }

    /// Show the crisis notice the moment a crisis flag is established.
    fn notice_crisis(
        &mut self,
        answers: &Answers,
        prompter: &mut dyn Prompter,
    ) -> Result<(), Stop> {
        let rules = self.rules;
        let new: Vec<usize> = established_flags(rules, answers)
            .into_iter()
            .filter(|&f| rules.flags[f].crisis && !self.noticed[f])
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        for &f in &new {
            self.noticed[f] = true;
        }
        let flags: Vec<&Flag> = new.iter().map(|&f| &rules.flags[f]).collect();
        let resources: Vec<&Resource> = rules.resources.iter().collect();
        prompter.crisis(&flags, &resources)
    }
}

#[cfg(test)]
mod tests;
