//! The intake interview: walks the rule set's items in order with their
//! skip logic, lets the interviewer go back and change answers, reviews,
//! and saves the session after every answer.
//!
//! A change that hides answers which raised a safety flag never drops them
//! silently (policy 1.1): the interview names them at once and asks them
//! again, the question whose answer hides them first; the session keeps
//! the originals of the answers the re-ask replaced. So too a hidden answer
//! that raises nothing only because its gate's answer keeps it from
//! counting, but asks that question again (a recency "yes" after a "no" to
//! C-SSRS item 6; the engine warns `ask_again` for it). A re-ask offers no
//! default: the interviewer must choose.
//!
//! The flow talks to a `Prompter`; `terminal.rs` is the dialoguer one,
//! tests use a scripted one. The flow never prints.

pub(crate) mod command;
mod picker;
mod review;
pub(crate) mod session;
pub(crate) mod terminal;

pub(crate) use crate::disposition::{Disposition, DispositionReason};

use crate::answers::Answers;
use crate::assess::{established_flags, shown_items};
use crate::error::AnswerError;
use crate::model::{Flag, FlagIx, Instrument, Item, ItemIdx, IxVec, Resource, RuleSet};

/// One question, with where the interview stands.
#[derive(Debug)]
pub(crate) struct Question<'a> {
    pub(crate) item: &'a Item,
    pub(crate) instrument: &'a Instrument,
    /// 1-based position of the item within its instrument, and the count.
    pub(crate) in_instrument: (usize, usize),
    /// 1-based position among all answerable items, and the count.
    pub(crate) overall: (usize, usize),
    /// The answer already given (after Esc, or from the review): shown,
    /// never picked, and kept by Enter alone. None when a kept hidden
    /// answer, or the question hiding it, is asked again.
    pub(crate) current: Option<i64>,
    /// A safety question asked again: its earlier answer, shown on screen
    /// and never picked.
    pub(crate) earlier: Option<i64>,
    /// Whether there is a question to go back to.
    pub(crate) can_go_back: bool,
}

/// What the interviewer did at a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reply {
    Answer(i64),
    Back,
}

/// One line of the review screen.
#[derive(Debug)]
pub(crate) struct ReviewEntry<'a> {
    pub(crate) index: ItemIdx,
    pub(crate) item: &'a Item,
    /// The item's instrument, by which the review can be filtered.
    pub(crate) instrument: &'a Instrument,
    pub(crate) code: i64,
    /// Skip logic now hides the question, and its answer is kept for
    /// safety: listed so it can be seen and changed.
    pub(crate) kept: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReviewChoice {
    Confirm,
    Change(ItemIdx),
    /// Back to the last question (Esc), and on from there.
    Back,
}

/// Why an interview stopped before the end.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Stop {
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

/// Answers skip logic now hides that raised a safety flag (or that ask
/// their gate again), with the question whose answer hides them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HiddenRisk {
    /// The question whose answer hides them, with that answer.
    pub(crate) gate: Option<(ItemIdx, Option<i64>)>,
    /// The hidden questions, with their kept answers.
    pub(crate) items: Vec<(ItemIdx, i64)>,
    /// Whether their answers raised a safety flag. Otherwise they raise
    /// nothing while the gate's answer stands, but ask it again (a recency
    /// "yes" after a "no" to the behaviour it dates: `Warning::AskAgain`).
    pub(crate) raised: bool,
}

impl HiddenRisk {
    /// The notice that answers skip logic now hides raised a safety flag
    /// (or ask their gate again), in the rule set's language: per question
    /// hiding some, the answers kept (`C-SSRS item 4 (intent): yes`) and why
    /// they are asked again.
    pub(crate) fn words(&self, rules: &RuleSet) -> (Vec<String>, String) {
        let lang = crate::messages::Lang::of(&rules.lang);
        let items = self
            .items
            .iter()
            .map(|&(i, code)| {
                format!(
                    "{}: {}",
                    rules.items[i].short,
                    crate::messages::answer_words(rules, i, Some(code))
                )
            })
            .collect();
        let gate = self.gate.map(|(g, code)| {
            (
                rules.items[g].short.as_str(),
                code.map(|c| crate::messages::answer_words(rules, g, Some(c))),
            )
        });
        let gate = gate.as_ref().map(|(g, a)| (*g, a.as_deref()));
        let why = if self.raised {
            lang.hidden_risk_why(gate)
        } else {
            lang.hidden_ask_again_why(gate)
        };
        (items, why)
    }
}

/// A change of answer that takes away a safety finding (the crisis route,
/// the C-SSRS risk grade, a safety flag), as batch scoring classifies it:
/// recorded only once confirmed, and then kept as a retraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lowering {
    pub(crate) item: ItemIdx,
    pub(crate) from: i64,
    pub(crate) to: i64,
    pub(crate) loss: crate::assess::risk::Loss,
    /// The answer was kept for safety on a question skip logic hides.
    pub(crate) kept: bool,
}

impl Lowering {
    /// The change in words, in the rule set's language: "The client
    /// answered 'yes' to C-SSRS item 4 (intent) earlier. Recording 'no'
    /// removes the crisis route, …".
    pub(crate) fn words(&self, rules: &RuleSet) -> String {
        let lang = crate::messages::Lang::of(&rules.lang);
        let answer = |code| crate::messages::answer_words(rules, self.item, Some(code));
        let mut lost = Vec::new();
        if self.loss.crisis {
            lost.push(lang.lost_crisis().to_string());
        }
        for &(r, from, to) in &self.loss.ratings {
            let rating = &rules.ratings[r];
            lost.push(lang.lost_grade(
                &rating.title,
                &rating.grades[from].label,
                &rating.grades[to].label,
            ));
        }
        let flags: Vec<String> = self
            .loss
            .flags
            .iter()
            .map(|&f| rules.flags[f].title.clone())
            .collect();
        if !flags.is_empty() {
            lost.push(lang.lost_flags(&flags.join("; ")));
        }
        if self.loss.only_kept() {
            lost.push(match self.kept {
                true => lang.lost_kept().to_string(),
                false => lang.lost_positive().to_string(),
            });
        }
        lang.lowering(
            &rules.items[self.item].short,
            &answer(self.from),
            &answer(self.to),
            &lost,
        )
    }
}

/// An answer a re-ask replaced: the session file keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Replaced {
    pub(crate) item: ItemIdx,
    /// The original answer.
    pub(crate) code: i64,
    /// The question whose answer hid it.
    pub(crate) hidden_by: Option<ItemIdx>,
}

/// Saves the session: its answers, and the originals re-asks replaced.
pub(crate) type Save<'a> = dyn FnMut(&Answers, &[Replaced]) -> Result<(), Stop> + 'a;

/// The result as it is read where the disposition is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResultScreen {
    pub(crate) id: String,
    /// The recommended level's name.
    pub(crate) level: String,
    pub(crate) crisis: bool,
    /// Every raised flag, most urgent first: its severity and title.
    pub(crate) flags: Vec<(crate::model::Severity, String)>,
    /// Each safety answer taken back, in words (item and both answers).
    pub(crate) taken_back: Vec<String>,
    pub(crate) next_step: Option<String>,
    /// Screens above their cut-off, in words: `PHQ-9 total 22 (Severe
    /// depression)`.
    pub(crate) positive: Vec<String>,
    /// The dispositions recorded so far, in words (a finished session's).
    pub(crate) recorded: Vec<String>,
    /// The whole result and note, for the pager.
    pub(crate) full: String,
}

/// The interview's side of the terminal.
pub(crate) trait Prompter {
    /// After the result: accept the recommendation, or record another
    /// level with a reason and who decided, on the result screen
    /// (`result`), which stays in view. An amendment (`amending`) always
    /// says who decided.
    fn disposition(
        &mut self,
        rules: &RuleSet,
        recommended: usize,
        result: &ResultScreen,
        amending: bool,
    ) -> Result<Disposition, Stop>;
    /// A finished session: whether to amend its disposition, on its
    /// result screen.
    fn amend(&mut self, result: &ResultScreen) -> Result<bool, Stop>;
    /// A change that takes away a safety finding: `true` records it,
    /// `false` keeps the earlier answer. Enter alone and Esc keep it;
    /// Ctrl-C keeps it and stops the interview.
    fn confirm_lowering(&mut self, rules: &RuleSet, change: &Lowering) -> Result<bool, Stop>;
    fn ask(&mut self, question: &Question<'_>) -> Result<Reply, Stop>;
    /// Shown the moment answers establish a crisis flag. The client may
    /// read it: no resource for the professional only is listed.
    fn crisis(&mut self, flags: &[&Flag], resources: &[&Resource]) -> Result<(), Stop>;
    /// Shown the moment a change (or a resumed session) hides answers
    /// that raised a safety flag, or that ask their gate again: they are
    /// kept, and asked again now.
    fn hidden_risk(&mut self, rules: &RuleSet, hidden: &[HiddenRisk]) -> Result<(), Stop>;
    fn review(&mut self, entries: &[ReviewEntry<'_>]) -> Result<ReviewChoice, Stop>;
    /// Whether a crisis the answers establish stands, said after every
    /// answer: the screens that follow the crisis notice carry a marker.
    fn crisis_standing(&mut self, _standing: bool) {}
}

/// Run the interview over `answers` (empty, or resumed) and `replaced`
/// (the originals re-asks replaced so far), saving both after every answer
/// with `save`. Returns when the interviewer confirms the review.
pub(crate) fn run(
    rules: &RuleSet,
    answers: &mut Answers,
    replaced: &mut Vec<Replaced>,
    prompter: &mut dyn Prompter,
    save: &mut Save<'_>,
) -> Result<(), Stop> {
    let items = rules.items.len();
    let mut flow = Flow {
        rules,
        save,
        replaced,
        noticed: IxVec::filled(false, rules.flags.len()),
        reasking: vec![None; items],
        confirmed: vec![None; items],
        memo: Memo::default(),
    };
    // A resumed session: a crisis its answers establish is shown again
    // before anything else (whoever resumes may not have seen it); answers
    // skip logic hides are settled as after a change.
    flow.notice_crisis(answers, prompter)?;
    flow.settle(answers, prompter)?;
    flow.walk_reasked(answers, prompter)?;
    let shown = shown_items(rules, answers);
    let answerable = |i: usize| rules.items[i].is_answerable();
    let start = (0..items)
        .find(|&i| answerable(i) && shown[i] && answers.get(i).is_none())
        .unwrap_or(items);
    let mut history: Vec<ItemIdx> = (0..start)
        .filter(|&i| answerable(i) && shown[i] && answers.get(i).is_some())
        .collect();
    flow.walk(answers, prompter, start..items, &mut history, false)?;
    loop {
        let shown = shown_items(rules, answers);
        // Every answer, those kept for safety on questions skip logic now
        // hides included (the others were dropped).
        let entries: Vec<ReviewEntry<'_>> = (0..items)
            .filter_map(|i| {
                let item = &rules.items[i];
                answers.get(i).map(|code| ReviewEntry {
                    index: i,
                    item,
                    instrument: &rules.instruments[item.instrument],
                    code,
                    kept: !shown[i],
                })
            })
            .collect();
        let established = flow.forget_lapsed_crises(answers);
        prompter.crisis_standing(established.iter().any(|&f| rules.flags[f].crisis));
        match prompter.review(&entries)? {
            ReviewChoice::Confirm => return Ok(()),
            ReviewChoice::Back => {
                // The last question answered, with the ones before it to go
                // back to; then on to the review again.
                let asked: Vec<ItemIdx> = entries
                    .iter()
                    .filter(|e| !e.kept)
                    .map(|e| e.index)
                    .collect();
                if let Some((&last, before)) = asked.split_last() {
                    let mut history = before.to_vec();
                    flow.walk(answers, prompter, last..items, &mut history, false)?;
                }
            }
            ReviewChoice::Change(index) => {
                // Esc goes back to the review, the answer as it was.
                let mut history = vec![index];
                if flow
                    .ask_one(answers, prompter, index, &mut history)?
                    .is_some()
                {
                    continue;
                }
                flow.settle(answers, prompter)?;
                // Newly shown questions get asked (Back from the first of
                // them returns to the changed one); the rest keep their answers.
                flow.walk(answers, prompter, 0..items, &mut vec![index], true)?;
            }
        }
    }
}

/// A hidden answer that raised a safety flag (or asks its gate again),
/// kept until it is asked again.
#[derive(Debug, Clone, Copy)]
struct Kept {
    code: i64,
    gate: Option<ItemIdx>,
    /// It raised a safety flag when it was kept (otherwise it asked its
    /// gate again).
    raised: bool,
}

struct Flow<'a> {
    rules: &'a RuleSet,
    save: &'a mut Save<'a>,
    /// Originals of answers a re-ask replaced, saved with the answers.
    replaced: &'a mut Vec<Replaced>,
    /// Crisis flags shown and established since: one no longer
    /// established is forgotten, so establishing it again shows it again.
    noticed: IxVec<FlagIx, bool>,
    /// By item: a kept hidden answer waiting to be asked again. Once its
    /// gate shows it, the walk asks it even where it asks only gaps.
    reasking: Vec<Option<Kept>>,
    /// By item: a hidden answer given again when asked directly that
    /// still raises a safety flag. It stays (the engine counts it for
    /// safety) and is not asked again while it stands.
    confirmed: Vec<Option<i64>>,
    memo: Memo,
}

impl Flow<'_> {
    fn save(&mut self, answers: &Answers) -> Result<(), Stop> {
        (self.save)(answers, self.replaced)
    }

    /// Ask every shown item in `range` (only unanswered ones, and kept
    /// answers waiting to be asked again, when `gaps_only`); `Back` returns
    /// to the previous question asked.
    fn walk(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
        range: std::ops::Range<usize>,
        history: &mut Vec<ItemIdx>,
        gaps_only: bool,
    ) -> Result<(), Stop> {
        let rules = self.rules;
        let mut i = range.start;
        // The question Back returned to is asked even when answered.
        let mut revisit: Option<usize> = None;
        while i < range.end {
            // Hidden answers still held here are kept for safety (`settle`).
            let shown = shown_items(rules, answers);
            let answered_gap = gaps_only
                && answers.get(i).is_some()
                && self.reasking[i].is_none()
                && revisit != Some(i);
            if !shown[i] || !rules.items[i].is_answerable() || answered_gap {
                i += 1;
                continue;
            }
            match self.ask_one(answers, prompter, i, history)? {
                Some(back_to) => {
                    i = back_to;
                    revisit = Some(back_to);
                }
                None => {
                    history.push(i);
                    self.settle(answers, prompter)?;
                    i += 1;
                }
            }
        }
        Ok(())
    }

    /// On resume: the kept answers a re-asked gate now shows are asked at
    /// once, with the questions it shows between them. (During the
    /// interview the walk is already at them: it goes on after the gate.)
    fn walk_reasked(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
    ) -> Result<(), Stop> {
        let shown = shown_items(self.rules, answers);
        let due: Vec<ItemIdx> = (0..self.rules.items.len())
            .filter(|&i| shown[i] && self.reasking[i].is_some())
            .collect();
        let (Some(&first), Some(&last)) = (due.first(), due.last()) else {
            return Ok(());
        };
        let gate = self.reasking[first].and_then(|kept| kept.gate);
        let mut history: Vec<ItemIdx> = gate.into_iter().collect();
        let from = gate.map_or(first, |g| g + 1);
        self.walk(answers, prompter, from..last + 1, &mut history, true)
    }

    /// Ask one item. `Some(previous)` when the interviewer went back.
    fn ask_one(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
        index: ItemIdx,
        history: &mut Vec<ItemIdx>,
    ) -> Result<Option<ItemIdx>, Stop> {
        let offer = self.reasking[index].is_none();
        self.ask(answers, prompter, index, history, offer)
    }

    /// Ask again, with no default (the interviewer must choose): a kept
    /// hidden answer, or the question whose answer hides one.
    fn re_ask(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
        index: ItemIdx,
    ) -> Result<(), Stop> {
        // Back has nowhere to go from here: the question is asked again.
        self.ask(answers, prompter, index, &mut Vec::new(), false)
            .map(drop)
    }

    /// Ask one item, offering its answer as the default when `offer`.
    fn ask(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
        index: ItemIdx,
        history: &mut Vec<ItemIdx>,
        offer: bool,
    ) -> Result<Option<ItemIdx>, Stop> {
        let rules = self.rules;
        let item = &rules.items[index];
        let instrument = &rules.instruments[item.instrument];
        let answerable: Vec<usize> = (0..rules.items.len())
            .filter(|&i| rules.items[i].is_answerable())
            .collect();
        let question = Question {
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
            // A kept answer asked again is only shown: Enter never answers
            // by default.
            current: answers.get(index).filter(|_| offer),
            earlier: answers.get(index).filter(|_| !offer),
            can_go_back: !history.is_empty(),
        };
        loop {
            match prompter.ask(&question)? {
                Reply::Back => match history.pop() {
                    Some(previous) => return Ok(Some(previous)),
                    None => continue,
                },
                Reply::Answer(mut code) => {
                    // A change that takes away a safety finding is recorded
                    // only once confirmed, and then as a retraction; kept,
                    // the earlier answer is given again.
                    // So is a less severe answer to a safety question whose
                    // answer was kept for safety (it raised a finding, or
                    // asks its gate again): the client takes it back, though
                    // the gate's answer keeps it from counting now.
                    let from = answers.get(index);
                    let loss = crate::assess::risk::loss_of_change(rules, answers, index, code);
                    // And so is a positive safety answer changed to the
                    // least severe one while other answers still raise what
                    // it raised (a plan taken back beside intent).
                    let kept = self.reasking[index].is_some();
                    let kept_lowered = kept
                        && rules.compiled.safety_items[index]
                        && from.is_some_and(|from| code < from);
                    let least = rules.items[index].codes().and_then(|c| c.first().copied());
                    let positive_to_least = rules.compiled.safety_items[index]
                        && from.is_some_and(|from| Some(from) != least)
                        && Some(code) == least;
                    let loss = loss.or_else(|| {
                        (kept_lowered || positive_to_least).then(crate::assess::risk::Loss::kept)
                    });
                    if let (Some(from), Some(loss)) = (from, loss) {
                        let change = Lowering {
                            item: index,
                            from,
                            to: code,
                            loss,
                            kept,
                        };
                        if prompter.confirm_lowering(rules, &change)? {
                            answers.retract(crate::answers::Retraction {
                                item: index,
                                from,
                                to: code,
                            });
                        } else {
                            code = from;
                        }
                    }
                    answers.set(rules, index, code)?;
                    // The new answer replaces a kept one; the session
                    // keeps the original.
                    if let Some(kept) = self.reasking[index].take() {
                        self.replaced.push(Replaced {
                            item: index,
                            code: kept.code,
                            hidden_by: kept.gate,
                        });
                    }
                    self.save(answers)?;
                    self.notice_crisis(answers, prompter)?;
                    return Ok(None);
                }
            }
        }
    }

    /// After an answer (and on resume): answers skip logic now hides are
    /// dropped, except those that raised a safety flag or ask their gate
    /// again (`kept_for_safety`). Those are named at once and asked again,
    /// the question whose answer hides them first.
    /// If its new answer shows them, the walk asks them next; if it still
    /// hides them, each is asked here directly.
    fn settle(&mut self, answers: &mut Answers, prompter: &mut dyn Prompter) -> Result<(), Stop> {
        loop {
            let due = self.drop_hidden(answers)?;
            if due.is_empty() {
                return Ok(());
            }
            if due.iter().any(|&i| self.reasking[i].is_none()) {
                self.name_and_ask_gates(answers, prompter, &due)?;
            } else {
                self.ask_directly(answers, prompter, &due)?;
            }
        }
    }

    /// Drop the hidden answers that raise nothing and ask nothing again; the
    /// hidden answers kept for safety and not confirmed are due to be asked
    /// again.
    fn drop_hidden(&mut self, answers: &mut Answers) -> Result<Vec<ItemIdx>, Stop> {
        let rules = self.rules;
        let shown = shown_items(rules, answers);
        for (i, _) in shown.iter().enumerate().filter(|(_, &s)| s) {
            self.confirmed[i] = None;
        }
        let hidden = hidden_answers(answers, &shown);
        let mut due = Vec::new();
        let mut dropped = false;
        for &i in &hidden {
            if self.confirmed[i].is_some_and(|c| answers.get(i) == Some(c)) {
                continue;
            }
            if kept_for_safety(rules, &mut self.memo, answers, &hidden, i) {
                due.push(i);
            } else {
                answers.clear(i);
                self.reasking[i] = None;
                self.confirmed[i] = None;
                dropped = true;
            }
        }
        if dropped {
            self.save(answers)?;
            self.forget_lapsed_crises(answers);
        }
        Ok(due)
    }

    /// Newly hidden risk answers: keep them, say so, then ask again the
    /// question whose answer hides them.
    fn name_and_ask_gates(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
        due: &[ItemIdx],
    ) -> Result<(), Stop> {
        let rules = self.rules;
        let shown = shown_items(rules, answers);
        let hidden = hidden_answers(answers, &shown);
        for &i in due {
            if let (None, Some(code)) = (self.reasking[i], answers.get(i)) {
                let gate = hiding_gate(rules, &shown, i);
                let raised = raises_safety(rules, &mut self.memo, answers, &hidden, i);
                self.reasking[i] = Some(Kept { code, gate, raised });
            }
        }
        let notice = self.hidden_risks(answers, due);
        prompter.hidden_risk(rules, &notice)?;
        // A gate whose change was confirmed as a retraction is not asked
        // again: the kept answers are asked directly next.
        let retracted: Vec<ItemIdx> = answers
            .retractions()
            .iter()
            .filter(|r| answers.stands(r))
            .map(|r| r.item)
            .collect();
        let mut gates: Vec<ItemIdx> = Vec::new();
        for gate in notice.iter().filter_map(|n| n.gate).map(|(g, _)| g) {
            if !gates.contains(&gate) && !retracted.contains(&gate) {
                gates.push(gate);
                self.re_ask(answers, prompter, gate)?;
            }
        }
        Ok(())
    }

    /// Kept answers their gates, asked again, still hide: ask each
    /// directly. An answer still kept for safety (it raises a safety flag,
    /// or asks its gate again) is confirmed and stays (the engine counts it,
    /// or warns to ask the gate again); one that raises nothing and is the
    /// least severe is dropped next.
    fn ask_directly(
        &mut self,
        answers: &mut Answers,
        prompter: &mut dyn Prompter,
        due: &[ItemIdx],
    ) -> Result<(), Stop> {
        for &i in due {
            self.re_ask(answers, prompter, i)?;
        }
        let hidden = hidden_answers(answers, &shown_items(self.rules, answers));
        for &i in due {
            if kept_for_safety(self.rules, &mut self.memo, answers, &hidden, i) {
                self.confirmed[i] = answers.get(i);
            }
        }
        Ok(())
    }

    /// The kept answers of `due`, by the question whose answer hides them
    /// (those that raised a safety flag apart from those that ask it again).
    fn hidden_risks(&self, answers: &Answers, due: &[ItemIdx]) -> Vec<HiddenRisk> {
        let mut out: Vec<HiddenRisk> = Vec::new();
        for &i in due {
            let Some(kept) = self.reasking[i] else {
                continue;
            };
            let gate = kept.gate.map(|g| (g, answers.get(g)));
            let same =
                |n: &&mut HiddenRisk| n.gate.map(|g| g.0) == kept.gate && n.raised == kept.raised;
            match out.iter_mut().find(same) {
                Some(notice) => notice.items.push((i, kept.code)),
                None => out.push(HiddenRisk {
                    gate,
                    items: vec![(i, kept.code)],
                    raised: kept.raised,
                }),
            }
        }
        out
    }

    /// Show the crisis notice the moment a crisis flag is established
    /// (again, once it was no longer established).
    fn notice_crisis(
        &mut self,
        answers: &Answers,
        prompter: &mut dyn Prompter,
    ) -> Result<(), Stop> {
        let rules = self.rules;
        let established = self.forget_lapsed_crises(answers);
        let new: Vec<FlagIx> = established
            .into_iter()
            .filter(|&f| rules.flags[f].crisis && !self.noticed[f])
            .collect();
        for &f in &new {
            self.noticed[f] = true;
        }
        prompter.crisis_standing(self.noticed.iter().any(|&n| n));
        if new.is_empty() {
            return Ok(());
        }
        let flags: Vec<&Flag> = new.iter().map(|&f| &rules.flags[f]).collect();
        // The person may read the notice: no resource for the professional only.
        let resources: Vec<&Resource> =
            rules.resources.iter().filter(|r| !r.professional).collect();
        prompter.crisis(&flags, &resources)
    }

    /// Forget the crisis notices of flags `answers` no longer establish
    /// (a changed answer, a dropped one). Returns the flags established.
    fn forget_lapsed_crises(&mut self, answers: &Answers) -> Vec<FlagIx> {
        let established = self.memo.established(self.rules, answers);
        for f in self.noticed.ixs() {
            self.noticed[f] &= established.contains(&f);
        }
        established
    }
}

/// The flags answers establish, remembered for the last few sets of
/// answers: after each answer the flow asks about the same ones several
/// times (the crisis notice, each hidden answer with and without it).
#[derive(Default)]
struct Memo {
    entries: Vec<(Answers, Vec<FlagIx>)>,
}

impl Memo {
    const SIZE: usize = 32;

    fn established(&mut self, rules: &RuleSet, answers: &Answers) -> Vec<FlagIx> {
        if let Some((_, flags)) = self.entries.iter().find(|(a, _)| a == answers) {
            return flags.clone();
        }
        let flags = established_flags(rules, answers);
        if self.entries.len() == Self::SIZE {
            self.entries.remove(0);
        }
        self.entries.push((answers.clone(), flags.clone()));
        flags
    }
}

/// Items skip logic hides that hold an answer.
fn hidden_answers(answers: &Answers, shown: &[bool]) -> Vec<ItemIdx> {
    (0..shown.len())
        .filter(|&i| !shown[i] && answers.get(i).is_some())
        .collect()
}

/// Whether the hidden answer to `item` is kept until it is asked again: it
/// raises a safety flag, or it asks its gate again.
fn kept_for_safety(
    rules: &RuleSet,
    memo: &mut Memo,
    answers: &Answers,
    hidden: &[ItemIdx],
    item: ItemIdx,
) -> bool {
    raises_safety(rules, memo, answers, hidden, item) || asks_again(rules, answers, item)
}

/// Whether the hidden answer to `item` asks its gate again, as the engine's
/// `Warning::AskAgain` says: a safety flag reads the item, and its answer is
/// beyond the item's least severe code, but the gate's answer keeps it from
/// counting (a recency "yes" after a "no" to item 6). Such an answer is
/// kept and asked again like one that raises a safety flag.
fn asks_again(rules: &RuleSet, answers: &Answers, item: ItemIdx) -> bool {
    answers
        .get(item)
        .is_some_and(|code| crate::assess::asks_again(rules, item, code))
}

/// Whether the hidden answer to `item` raises a safety flag: the safety
/// flags `answers` establish with it are more than without it, on its own
/// (the other hidden answers cleared) or among the others.
fn raises_safety(
    rules: &RuleSet,
    memo: &mut Memo,
    answers: &Answers,
    hidden: &[ItemIdx],
    item: ItemIdx,
) -> bool {
    let mut safety = |a: &Answers| -> Vec<FlagIx> {
        memo.established(rules, a)
            .into_iter()
            .filter(|&f| rules.flags[f].is_safety())
            .collect()
    };
    let mut more = |with: &Answers, without: &Answers| {
        let base = safety(without);
        safety(with).iter().any(|f| !base.contains(f))
    };
    let without = |a: &Answers, i: ItemIdx| {
        let mut a = a.clone();
        a.clear(i);
        a
    };
    let mut alone = answers.clone();
    for &h in hidden.iter().filter(|&&h| h != item) {
        alone.clear(h);
    }
    more(&alone, &without(&alone, item)) || more(answers, &without(answers, item))
}

/// The question whose answer hides `item`: the first item its `show_if`
/// reads, or, when that one is hidden too, the question hiding it.
fn hiding_gate(rules: &RuleSet, shown: &[bool], item: ItemIdx) -> Option<ItemIdx> {
    let mut gate = crate::assess::gate_of(rules, item)?;
    while !shown[gate] {
        match crate::assess::gate_of(rules, gate) {
            Some(up) => gate = up,
            None => break,
        }
    }
    Some(gate)
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
