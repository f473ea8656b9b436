//! The assessment engine: answers → scores, bands, ratings, flags, domains,
//! placement. Pure: no I/O, same answers, same result.
//!
//! Stages run in a fixed order, and each condition sees only what earlier
//! stages computed (validation guarantees it): skip logic → scales →
//! ratings → flags → domains → placement rules and program features.

mod fill;
mod lanes;
mod partial;
pub(crate) mod placement;
mod reasons;
pub(crate) mod risk;
mod safety;
pub(crate) mod tester;

pub(crate) use fill::{fill_least_severe, read_by_safety_flags};
pub(crate) use lanes::LaneRow;
pub use lanes::{Lanes, LANES};
pub use partial::established_flags;

pub(crate) use reasons::{visit_reasons, Reason};
use safety::SafetyFacts;

use crate::answers::Answers;
use crate::error::AnswerError;
use crate::model::{
    Compiled, Count, DomainIx, FlagIx, Ix, IxVec, MissingRule, RatingIx, RuleIx, RuleSet, ScaleIx,
    WithMissing, NONE,
};

/// A scale's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScaleResult {
    /// `None` when the scale's missing-data rule leaves it without a score.
    pub(crate) score: Option<i64>,
    /// Index into the scale's bands.
    pub(crate) band: Option<usize>,
    /// Shown items without an answer.
    pub(crate) missing: u32,
    /// The score was prorated from the answered items.
    pub(crate) prorated: bool,
}

/// Something the reader should know that did not stop scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Warning {
    /// A value was given for an item that skip logic hides; it was ignored.
    HiddenValueIgnored { item: usize },
    /// A value was given for an item that skip logic hides: it is not
    /// scored, but on its own it raises these safety flags (and this
    /// grade of a rating they read), so it counts for them until a
    /// clinician asks again.
    HiddenValueKept {
        item: usize,
        value: i64,
        /// The item whose answer hides it, with that answer.
        gate: Option<(usize, Option<i64>)>,
        flags: Vec<FlagIx>,
        /// (rating, grade) the value raises the rating to.
        grade: Option<(RatingIx, usize)>,
    },
    /// A hidden safety answer beyond the least severe that its gate's
    /// answer keeps from counting (a recency "yes" after a "no" to the
    /// behaviour it dates): it raises nothing, but the gate question must
    /// be asked again.
    AskAgain {
        item: usize,
        value: i64,
        gate: usize,
        gate_value: Option<i64>,
    },
    /// Text that is no valid answer, given for a hidden question a safety
    /// flag reads: it cannot count, so the questions must be asked again.
    HiddenValueUnreadable {
        item: usize,
        /// The text as given (its first characters).
        value: String,
        gate: Option<(usize, Option<i64>)>,
    },
    /// A rejected record: an answer given to a question whose gate is blank
    /// or invalid, read for safety as though the gate showed it.
    GateReadAsShown {
        item: usize,
        value: i64,
        gate: usize,
    },
    /// A rejected record: a question a safety flag reads is unanswered or
    /// unreadable, and its answer could raise these flags: ask it now.
    SafetyAnswerMissing {
        item: usize,
        could_raise: Vec<FlagIx>,
    },
    /// A safety answer the client took back stands retracted: `from`
    /// raised a safety flag or the crisis route, `to` replaced it.
    Retracted { item: usize, from: i64, to: i64 },
    /// A scale was prorated from its answered items.
    Prorated { scale: ScaleIx, missing: u32 },
    /// A scale has no score because items are missing (`missing: invalid`).
    ScaleInvalid { scale: ScaleIx, missing: u32 },
    /// The record's source does not hold these instruments (a mapping's
    /// `not_collected`): the screen is incomplete, so no level is given.
    NotCollected { instruments: Vec<usize> },
}

impl Warning {
    /// An answer to a skipped question that counts for safety, or that asks
    /// for a question again: a safety finding, shown with the flags.
    pub(crate) fn is_safety(&self) -> bool {
        matches!(
            self,
            Warning::HiddenValueKept { .. }
                | Warning::AskAgain { .. }
                | Warning::HiddenValueUnreadable { .. }
                | Warning::GateReadAsShown { .. }
                | Warning::SafetyAnswerMissing { .. }
                | Warning::Retracted { .. }
        )
    }

    /// The short code of the CSV `warnings` column, e.g. `hidden_kept:cssrs_4`.
    pub(crate) fn code(&self, rules: &RuleSet) -> String {
        let (kind, id) = match self {
            Warning::NotCollected { instruments } => {
                let ids: Vec<&str> = instruments
                    .iter()
                    .map(|&n| rules.instruments[n].id.as_str())
                    .collect();
                return format!("not_collected:{}", ids.join(";"));
            }
            Warning::HiddenValueIgnored { item } => ("hidden_ignored", &rules.items[*item].id),
            Warning::HiddenValueKept { item, .. } => ("hidden_kept", &rules.items[*item].id),
            Warning::AskAgain { gate, .. } => ("ask_again", &rules.items[*gate].id),
            Warning::HiddenValueUnreadable { item, .. } => {
                ("hidden_unreadable", &rules.items[*item].id)
            }
            Warning::GateReadAsShown { gate, .. } => ("gate_read_as_yes", &rules.items[*gate].id),
            Warning::SafetyAnswerMissing { item, .. } => ("ask_now", &rules.items[*item].id),
            Warning::Retracted { item, .. } => ("retracted", &rules.items[*item].id),
            Warning::Prorated { scale, .. } => ("prorated", &rules.scales[*scale].id),
            Warning::ScaleInvalid { scale, .. } => ("no_score", &rules.scales[*scale].id),
        };
        format!("{kind}:{id}")
    }
}

/// The result of assessing one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Answers after skip logic: hidden items hold `None`.
    pub(crate) values: Vec<Option<i64>>,
    /// Which items were shown.
    pub(crate) shown: Vec<bool>,
    pub(crate) scales: IxVec<ScaleIx, ScaleResult>,
    /// Grade index of each rating.
    pub(crate) ratings: IxVec<RatingIx, usize>,
    /// Which flags were raised.
    pub flags: IxVec<FlagIx, bool>,
    /// Grade index of each domain.
    pub(crate) domains: IxVec<DomainIx, usize>,
    /// Which placement rules fired.
    pub(crate) rules: IxVec<RuleIx, bool>,
    /// Which program features apply.
    pub(crate) features: Vec<bool>,
    /// Which conditions on the recommended level hold.
    pub(crate) conditions: Vec<bool>,
    /// Recommended level (index into `RuleSet::levels`).
    pub level: usize,
    /// Acute risk: the crisis route.
    pub crisis: bool,
    pub(crate) warnings: Vec<Warning>,
    /// Every fact above in one array, laid out by `model::Slots`.
    pub(crate) facts: Vec<i64>,
    /// The safety view, when a value was given for a hidden item: the
    /// facts with every answer given, which safety flags and the ratings
    /// they read are decided over. Empty when it equals `facts`.
    pub(crate) given: Vec<i64>,
}

impl Assessment {
    /// Whether any raised flag is a safety (or crisis) flag.
    pub fn safety(&self, rules: &RuleSet) -> bool {
        self.crisis || self.raised_flags(rules).any(|f| rules.flags[f].safety)
    }

    /// Indexes of raised flags, most severe first (then in rule-set order).
    pub fn raised_flags<'a>(&'a self, rules: &'a RuleSet) -> impl Iterator<Item = FlagIx> + 'a {
        raised_flags(rules, self)
    }
}

/// What a result row needs of an assessment: given by a whole `Assessment`
/// and, in the batch hot path, by one row of a `Lanes` group.
pub(crate) trait Outcome {
    /// Recommended level (index into `RuleSet::levels`).
    fn level(&self) -> usize;
    /// Acute risk: the crisis route.
    fn crisis(&self) -> bool;
    fn flag(&self, flag: FlagIx) -> bool;
    /// Whether a placement rule fired.
    fn rule(&self, rule: RuleIx) -> bool;
    /// Whether a condition on the recommended level holds.
    fn condition(&self, condition: usize) -> bool;
    fn score(&self, scale: ScaleIx) -> Option<i64>;
    fn band(&self, scale: ScaleIx) -> Option<usize>;
    /// Grade index of a rating.
    fn rating(&self, rating: RatingIx) -> usize;
}

impl Outcome for Assessment {
    fn level(&self) -> usize {
        self.level
    }
    fn crisis(&self) -> bool {
        self.crisis
    }
    fn flag(&self, flag: FlagIx) -> bool {
        self.flags[flag]
    }
    fn rule(&self, rule: RuleIx) -> bool {
        self.rules[rule]
    }
    fn condition(&self, condition: usize) -> bool {
        self.conditions[condition]
    }
    fn score(&self, scale: ScaleIx) -> Option<i64> {
        self.scales[scale].score
    }
    fn band(&self, scale: ScaleIx) -> Option<usize> {
        self.scales[scale].band
    }
    fn rating(&self, rating: RatingIx) -> usize {
        self.ratings[rating]
    }
}

/// Indexes of raised flags, most severe first (then in rule-set order).
pub(crate) fn raised_flags<'a>(
    rules: &'a RuleSet,
    outcome: &'a impl Outcome,
) -> impl Iterator<Item = FlagIx> + 'a {
    rules
        .flags_by_severity
        .iter()
        .copied()
        .filter(|&f| outcome.flag(f))
}

/// Which items skip logic shows for these answers (a hidden item's value
/// counts as absent for the items after it), as the engine decides it.
pub fn shown_items(rules: &RuleSet, answers: &Answers) -> Vec<bool> {
    let compiled = &rules.compiled;
    let mut facts = vec![NONE; compiled.slots.len];
    let mut shown = vec![false; rules.items.len()];
    for index in 0..rules.items.len() {
        let visible = compiled.show_if[index]
            .as_ref()
            .is_none_or(|t| t.holds(&facts));
        shown[index] = visible;
        if let (true, Some(code)) = (visible, answers.get(index)) {
            facts[compiled.slots.item(index)] = code;
        }
    }
    shown
}

/// Assess one record's answers.
pub fn assess(rules: &RuleSet, answers: &Answers) -> Result<Assessment, AnswerError> {
    let mut out = Assessment::empty();
    assess_into(rules, answers, &mut out)?;
    Ok(out)
}

impl Assessment {
    /// An assessment to be filled by `assess_into`.
    pub fn empty() -> Assessment {
        Assessment {
            values: Vec::new(),
            shown: Vec::new(),
            scales: IxVec::new(),
            ratings: IxVec::new(),
            flags: IxVec::new(),
            domains: IxVec::new(),
            rules: IxVec::new(),
            features: Vec::new(),
            conditions: Vec::new(),
            level: 0,
            crisis: false,
            warnings: Vec::new(),
            facts: Vec::new(),
            given: Vec::new(),
        }
    }
}

/// A warning for each safety answer the client took back that stands
/// retracted (the flag that reads the count names no item).
pub(crate) fn retraction_warnings(answers: &Answers, out: &mut Vec<Warning>) {
    for r in answers.retractions().iter().filter(|r| answers.stands(r)) {
        out.push(Warning::Retracted {
            item: r.item,
            from: r.from,
            to: r.to,
        });
    }
}

/// Assess one record into `out`, reusing its buffers (the batch hot path).
/// On error, `out` holds a partial result and must not be used.
pub fn assess_into(
    rules: &RuleSet,
    answers: &Answers,
    out: &mut Assessment,
) -> Result<(), AnswerError> {
    let compiled = &rules.compiled;
    let slots = &compiled.slots;
    out.values.clear();
    out.values.extend_from_slice(answers.values());
    out.shown.clear();
    out.shown.resize(rules.items.len(), false);
    out.warnings.clear();
    out.facts.clear();
    out.facts.resize(slots.len, NONE);
    out.facts[slots.count(Count::RetractedSafetyAnswers)] = answers.standing_retractions();
    if let Some(err) = answers.retraction_problem() {
        return Err(err.clone());
    }

    // Skip logic, in item order: show_if only looks at earlier items.
    for index in 0..rules.items.len() {
        let visible = match &compiled.show_if[index] {
            None => true,
            Some(test) => test.holds(&out.facts),
        };
        out.shown[index] = visible;
        if !visible {
            // A valid hidden value is weighed for safety below.
            if let (None, Some(err)) = (out.values[index], answers.unparsed(index)) {
                out.warnings.push(unreadable_hidden(rules, index, err, |g| {
                    Some(out.facts[slots.item(g)]).filter(|&v| v != NONE)
                }));
            }
            out.values[index] = None;
            continue;
        }
        if let Some(err) = answers.unparsed(index) {
            return Err(err.clone());
        }
        match out.values[index] {
            Some(code) => out.facts[slots.item(index)] = code,
            None if compiled.missing_rejects[index] => {
                return Err(AnswerError::Missing {
                    item: rules.items[index].id.clone(),
                });
            }
            None => {}
        }
    }

    out.scales.clear();
    for s in rules.scales.ixs() {
        let result = score_scale(rules, s, &out.values, &out.shown, &mut out.warnings)?;
        if let Some(score) = result.score {
            out.facts[slots.scale(s)] = score;
        }
        if let Some(band) = result.band {
            out.facts[slots.band(s)] = band as i64;
        }
        out.scales.push(result);
    }

    out.given.clear();
    let hidden: Vec<(usize, i64)> = hidden_values(rules, answers, &out.shown).collect();
    if hidden.is_empty() {
        safety::weigh(rules, &mut Facts::new(rules, &mut out.facts), None);
    } else {
        // Safety flags see every answer given (policy 1.1): a hidden value
        // is never scored, but a "yes" is never discarded either.
        let base = out.facts.clone();
        out.given = given_facts(rules, &base, &hidden);
        safety::weigh(
            rules,
            &mut Facts::new(rules, &mut out.facts),
            Some(&mut Facts::new(rules, &mut out.given)),
        );
        for f in rules.flags.ixs() {
            out.given[slots.flag(f)] = out.facts[slots.flag(f)];
        }
        hidden_warnings(rules, &base, &hidden, &mut out.warnings);
    }
    retraction_warnings(answers, &mut out.warnings);
    out.ratings.clear();
    out.ratings.extend(
        rules
            .ratings
            .ixs()
            .map(|r| out.facts[slots.rating(r)] as usize),
    );
    out.flags.clear();
    out.flags
        .extend(rules.flags.ixs().map(|f| out.facts[slots.flag(f)] == 1));
    grade_all(
        &compiled.domain_grades,
        |d| slots.domain(d),
        &mut out.facts,
        &mut out.domains,
    );
    out.rules.clear();
    out.rules
        .extend(compiled.rules.iter().map(|t| t.holds(&out.facts)));
    out.features.clear();
    out.features
        .extend(compiled.features.iter().map(|t| t.holds(&out.facts)));

    let (level, crisis) = placement::decide_one(rules, &mut out.rules, |f| out.flags[f]);
    out.level = level;
    out.crisis = crisis;
    let is_level = |at: usize| at == level;
    for (on, feature) in out.features.iter_mut().zip(&rules.features) {
        if let Some(at) = &feature.at {
            *on = placement::at_level(*on, at, is_level);
        }
    }
    out.conditions.clear();
    out.conditions.extend(
        compiled
            .conditions
            .iter()
            .zip(&rules.conditions)
            .map(|(test, c)| placement::at_level(test.holds(&out.facts), &c.at, is_level)),
    );
    Ok(())
}

/// The warning for text that is no valid answer given for a hidden item:
/// for a question a safety flag reads, the questions must be asked again.
fn unreadable_hidden(
    rules: &RuleSet,
    item: usize,
    err: &AnswerError,
    answer: impl Fn(usize) -> Option<i64>,
) -> Warning {
    if !rules.compiled.safety_items[item] {
        return Warning::HiddenValueIgnored { item };
    }
    let value = match err {
        AnswerError::Invalid { value, .. }
        | AnswerError::Mapped {
            value: Some(value), ..
        } => value.clone(),
        _ => String::new(),
    };
    let gate = gate_of(rules, item).map(|g| (g, answer(g)));
    Warning::HiddenValueUnreadable { item, value, gate }
}

/// Whether a hidden answer asks for its gate question again: a safety flag
/// reads the item, it has a gate, and the answer is beyond its least
/// severe (a recency "yes" after a "no" to the behaviour it dates). The
/// one test the engine, rejected rows and the interview share.
pub(crate) fn asks_again(rules: &RuleSet, item: usize, value: i64) -> bool {
    let least = rules.items[item].codes().and_then(|c| c.first().copied());
    rules.compiled.safety_items[item] && gate_of(rules, item).is_some() && least != Some(value)
}

/// The item an item's skip logic reads first: its gate.
pub(crate) fn gate_of(rules: &RuleSet, item: usize) -> Option<usize> {
    let mut subjects = Vec::new();
    rules.items[item].show_if.as_ref()?.subjects(&mut subjects);
    subjects.into_iter().find_map(|s| match s {
        crate::model::Subject::Item(g) => Some(g),
        _ => None,
    })
}

/// What a rejected record's answers say that a clinician must act on:
/// answers to skipped questions (kept for safety, to ask again, read with
/// a blank gate, unreadable, or ignored), and unanswered safety questions
/// whose answer could raise a safety flag. `flags`: the flags `answers`
/// establish (`established_flags`).
pub(crate) fn rejected_warnings(
    rules: &RuleSet,
    answers: &Answers,
    flags: &[FlagIx],
) -> Vec<Warning> {
    let compiled = &rules.compiled;
    let safety = |a: &Answers| -> Vec<FlagIx> {
        established_flags(rules, a)
            .into_iter()
            .filter(|&f| rules.flags[f].is_safety())
            .collect()
    };
    let established: Vec<FlagIx> = flags
        .iter()
        .copied()
        .filter(|&f| rules.flags[f].is_safety())
        .collect();
    let shown = shown_items(rules, answers);
    let mut out = Vec::new();
    for (item, &visible) in shown.iter().enumerate() {
        let implied = compiled.implied_gates[item]
            .filter(|&(gate, _)| answers.get(gate).is_none() && answers.get(item).is_some());
        match (visible, answers.get(item), answers.unparsed(item)) {
            (_, Some(value), _) if implied.is_some() => {
                let (gate, _) = implied.unwrap_or_default();
                out.push(Warning::GateReadAsShown { item, value, gate });
            }
            (false, Some(value), _) => {
                let mut without = answers.clone();
                without.clear(item);
                let base = safety(&without);
                let flags: Vec<FlagIx> = established
                    .iter()
                    .copied()
                    .filter(|f| !base.contains(f))
                    .collect();
                let gate = gate_of(rules, item);
                out.push(match gate {
                    _ if !flags.is_empty() => Warning::HiddenValueKept {
                        item,
                        value,
                        gate: gate.map(|g| (g, answers.get(g))),
                        flags,
                        grade: None,
                    },
                    Some(gate) if asks_again(rules, item, value) => Warning::AskAgain {
                        item,
                        value,
                        gate,
                        gate_value: answers.get(gate),
                    },
                    _ => Warning::HiddenValueIgnored { item },
                });
            }
            (false, None, Some(err)) => {
                out.push(unreadable_hidden(rules, item, err, |g| answers.get(g)));
            }
            (true, None, _) if compiled.safety_items[item] => {
                let could_raise: Vec<FlagIx> = partial::possible_flags(rules, answers, item)
                    .into_iter()
                    .filter(|f| rules.flags[*f].is_safety() && !established.contains(f))
                    .collect();
                if !could_raise.is_empty() {
                    out.push(Warning::SafetyAnswerMissing { item, could_raise });
                }
            }
            _ => {}
        }
    }
    retraction_warnings(answers, &mut out);
    out
}

/// Every reason a record cannot be scored, in item order (`assess_into`
/// stops at the first): invalid or missing answers to shown questions,
/// and scales missing more answers than their rule allows.
pub(crate) fn problems(rules: &RuleSet, answers: &Answers) -> Vec<AnswerError> {
    let compiled = &rules.compiled;
    let shown = shown_items(rules, answers);
    let mut out: Vec<AnswerError> = answers.retraction_problem().cloned().into_iter().collect();
    for (index, &visible) in shown.iter().enumerate() {
        if !visible {
            continue;
        }
        if let Some(err) = answers.unparsed(index) {
            out.push(err.clone());
        } else if answers.get(index).is_none() && compiled.missing_rejects[index] {
            out.push(AnswerError::Missing {
                item: rules.items[index].id.clone(),
            });
        }
    }
    let values: Vec<Option<i64>> = (0..rules.items.len())
        .map(|i| answers.get(i).filter(|_| shown[i]))
        .collect();
    for s in rules.scales.ixs() {
        if let Err(err @ AnswerError::TooManyMissing { .. }) =
            score_scale(rules, s, &values, &shown, &mut Vec::new())
        {
            out.push(err);
        }
    }
    out
}

/// Valid values given for items skip logic hides (a paper form's, another
/// system's export): never scored, but weighed for safety.
fn hidden_values<'a>(
    rules: &'a RuleSet,
    answers: &'a Answers,
    shown: &'a [bool],
) -> impl Iterator<Item = (usize, i64)> + 'a {
    (0..rules.items.len())
        .filter(move |&i| !shown[i])
        .filter_map(move |i| answers.get(i).map(|v| (i, v)))
}

/// `base` (items and scales) with `extra` answers added (hidden values)
/// and the gates they imply: the given answers of the safety view.
fn given_facts(rules: &RuleSet, base: &[i64], extra: &[(usize, i64)]) -> Vec<i64> {
    let slots = &rules.compiled.slots;
    let mut given = base.to_vec();
    for &(i, v) in extra {
        given[slots.item(i)] = v;
    }
    // Item answers come first among the facts.
    safety::read_implied_gates(rules, &mut given[..rules.items.len()]);
    given
}

/// The given view alone, with `extra` answers added to `base`: its ratings
/// (never below their plain grade) and its flags raised over it only.
fn safety_view(rules: &RuleSet, base: &[i64], extra: &[(usize, i64)]) -> Vec<i64> {
    let mut plain = base.to_vec();
    let mut given = given_facts(rules, base, extra);
    safety::weigh(
        rules,
        &mut Facts::new(rules, &mut plain),
        Some(&mut Facts::new(rules, &mut given)),
    );
    given
}

/// One record's facts, as the safety view grades and raises them.
struct Facts<'a> {
    compiled: &'a Compiled,
    facts: &'a mut [i64],
}

impl<'a> Facts<'a> {
    fn new(rules: &'a RuleSet, facts: &'a mut [i64]) -> Facts<'a> {
        Facts {
            compiled: &rules.compiled,
            facts,
        }
    }
}

impl SafetyFacts for Facts<'_> {
    type Grade = i64;
    type Truth = bool;

    fn grade(&self, _: &RuleSet, r: RatingIx) -> i64 {
        Compiled::grade(&self.compiled.rating_grades[r], self.facts) as i64
    }
    fn set_grade(&mut self, _: &RuleSet, r: RatingIx, grade: i64) {
        self.facts[self.compiled.slots.rating(r)] = grade;
    }
    fn at_least(plain: i64, given: i64) -> i64 {
        plain.max(given)
    }
    fn flag(&self, _: &RuleSet, f: FlagIx) -> bool {
        self.compiled.flags[f].holds(self.facts)
    }
    fn set_flag(&mut self, _: &RuleSet, f: FlagIx, raised: bool) {
        self.facts[self.compiled.slots.flag(f)] = i64::from(raised);
    }
}

/// A warning for each hidden value: kept, when on its own it raises a
/// safety flag; "ask again", when it is a safety answer beyond the least
/// severe that its gate's answer keeps from counting; ignored otherwise.
fn hidden_warnings(
    rules: &RuleSet,
    base: &[i64],
    hidden: &[(usize, i64)],
    warnings: &mut Vec<Warning>,
) {
    let compiled = &rules.compiled;
    let slots = &compiled.slots;
    let without = safety_view(rules, base, &[]);
    let raised = |facts: &[i64], f: FlagIx| facts[slots.flag(f)] == 1;
    let value_of = |i: usize| Some(base[slots.item(i)]).filter(|&v| v != NONE);
    for &(item, value) in hidden {
        let warning = if compiled.safety_items[item] {
            let alone = safety_view(rules, base, &[(item, value)]);
            let flags: Vec<FlagIx> = rules
                .flags_by_severity
                .iter()
                .copied()
                .filter(|&f| compiled.safety_flags[f] && raised(&alone, f) && !raised(&without, f))
                .collect();
            let grade = rules
                .ratings
                .ixs()
                .find(|&r| alone[slots.rating(r)] > without[slots.rating(r)])
                .map(|r| (r, alone[slots.rating(r)] as usize));
            let gate = gate_of(rules, item);
            match gate {
                _ if !flags.is_empty() => Warning::HiddenValueKept {
                    item,
                    value,
                    gate: gate.map(|g| (g, value_of(g))),
                    flags,
                    grade,
                },
                Some(gate) if asks_again(rules, item, value) => Warning::AskAgain {
                    item,
                    value,
                    gate,
                    gate_value: value_of(gate),
                },
                _ => Warning::HiddenValueIgnored { item },
            }
        } else {
            Warning::HiddenValueIgnored { item }
        };
        warnings.push(warning);
    }
}

/// Grade every rating (or domain) in order, recording each grade as a fact
/// for the conditions after it.
fn grade_all<I: Ix>(
    all: &IxVec<I, Vec<Option<crate::model::Test>>>,
    slot: impl Fn(I) -> usize,
    facts: &mut [i64],
    out: &mut IxVec<I, usize>,
) {
    out.clear();
    for (r, grades) in all.iter_ix() {
        let grade = Compiled::grade(grades, facts);
        facts[slot(r)] = grade as i64;
        out.push(grade);
    }
}

/// The score and band of each scale `scored` keeps, for a record that is
/// not assessed as a whole (its source lacks instruments): skip logic and
/// each scale's missing-data rule apply as in `assess`; a scale that its
/// rule leaves without a score, or that `scored` leaves out, has `None`.
pub(crate) fn scale_scores(
    rules: &RuleSet,
    answers: &Answers,
    scored: impl Fn(ScaleIx) -> bool,
) -> IxVec<ScaleIx, Option<(i64, Option<usize>)>> {
    let shown = shown_items(rules, answers);
    let values: Vec<Option<i64>> = (0..rules.items.len())
        .map(|i| answers.get(i).filter(|_| shown[i]))
        .collect();
    rules
        .scales
        .ixs()
        .map(|s| {
            let result = scored(s)
                .then(|| score_scale(rules, s, &values, &shown, &mut Vec::new()).ok())
                .flatten()?;
            result.score.map(|score| (score, result.band))
        })
        .collect()
}

/// A scale's score over shown items, with its missing-data rule.
fn score_scale(
    rules: &RuleSet,
    s: ScaleIx,
    values: &[Option<i64>],
    shown: &[bool],
    warnings: &mut Vec<Warning>,
) -> Result<ScaleResult, AnswerError> {
    let scale = &rules.scales[s];
    let (mut sum, mut answered, mut counted, mut missing) = (0i64, 0i64, 0i64, 0u32);
    let mut first_missing = None;
    for &i in &scale.items {
        if !shown[i] {
            continue;
        }
        counted += 1;
        match values[i] {
            Some(code) => {
                // Answers only ever hold codes checked against the item.
                let Some(score) = rules.items[i].score(code) else {
                    return Err(AnswerError::Invalid {
                        item: rules.items[i].id.clone(),
                        value: code.to_string(),
                        expected: crate::answers::expected(&rules.items[i]),
                    });
                };
                sum += score;
                answered += 1;
            }
            None => {
                missing += 1;
                first_missing.get_or_insert(i);
            }
        }
    }
    let first_missing = first_missing.unwrap_or_default();
    let score = match scale.missing.with_missing(missing, answered) {
        WithMissing::Complete => Some(sum),
        WithMissing::Prorated => {
            warnings.push(Warning::Prorated { scale: s, missing });
            Some(MissingRule::prorate(sum, counted, answered))
        }
        WithMissing::NoScore => {
            warnings.push(Warning::ScaleInvalid { scale: s, missing });
            None
        }
        WithMissing::TooMany { allowed } => {
            return Err(AnswerError::TooManyMissing {
                scale: scale.id.clone(),
                item: rules.items[first_missing].id.clone(),
                missing,
                allowed,
            });
        }
        // The item walk rejects the record before this.
        WithMissing::Rejected => {
            return Err(AnswerError::Missing {
                item: rules.items[first_missing].id.clone(),
            })
        }
    };
    Ok(ScaleResult {
        score,
        band: score.and_then(|score| scale.band_of(score)),
        missing,
        // Only the prorating rule gives a score with items missing.
        prorated: missing > 0 && score.is_some(),
    })
}

#[cfg(test)]
mod tests;
