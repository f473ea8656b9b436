//! The explanation of an assessment, as data: every rating grade, flag,
//! domain grade, placement rule and program feature, with its condition in
//! words, the values it saw, and whether it held.
//!
//! Computed on demand from the assessment (which keeps every intermediate
//! result), so scoring pays nothing for it. A `Tracer` puts the rule set's
//! conditions into words once, for every record it traces, in one
//! language: English for JSON (a wire format), the rule set's language for
//! `explain`. A condition keeps the rule set's operators (`all`, `any`,
//! `not`, `in`, `>=`) and ids; the words around them are translated.

use crate::assess::{Assessment, Reason};
use crate::messages::Lang;
use crate::model::{
    Cmp, Condition, DomainIx, FlagIx, Origin, RatingIx, RuleIx, RuleSet, Slots, Subject, Test, NONE,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TraceKind {
    Rating,
    Flag,
    Domain,
    Rule,
    Condition,
    Feature,
}

impl TraceKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TraceKind::Rating => "rating",
            TraceKind::Flag => "flag",
            TraceKind::Domain => "domain",
            TraceKind::Rule => "rule",
            TraceKind::Condition => "condition",
            TraceKind::Feature => "feature",
        }
    }

    /// The kind in words, in `lang` (`as_str` is the JSON's).
    pub(crate) fn words(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, kind) => kind.as_str(),
            (Lang::Es, TraceKind::Rating) => "valoración",
            (Lang::Es, TraceKind::Flag) => "alerta",
            (Lang::Es, TraceKind::Domain) => "dominio",
            (Lang::Es, TraceKind::Rule) => "regla",
            (Lang::Es, TraceKind::Condition) => "condición",
            (Lang::Es, TraceKind::Feature) => "característica",
        }
    }
}

/// The trace's own words, in one language.
fn absent_words(lang: Lang, subject: Subject, skipped: bool) -> &'static str {
    match (lang, subject) {
        (Lang::En, Subject::Item(_)) if skipped => "not asked (skipped)",
        (Lang::En, Subject::Item(_)) => "unanswered",
        (Lang::En, Subject::Scale(_) | Subject::Band(_)) => "no score",
        (Lang::En, Subject::Rating(_) | Subject::Domain(_)) => "not rated",
        (Lang::Es, Subject::Item(_)) if skipped => "no se preguntó (omitida)",
        (Lang::Es, Subject::Item(_)) => "sin respuesta",
        (Lang::Es, Subject::Scale(_) | Subject::Band(_)) => "sin puntuación",
        (Lang::Es, Subject::Rating(_) | Subject::Domain(_)) => "sin valorar",
        (Lang::En, Subject::Count(_)) => "none",
        (Lang::Es, Subject::Count(_)) => "ninguna",
    }
}

fn raised_words(lang: Lang, raised: bool) -> &'static str {
    match (lang, raised) {
        (Lang::En, true) => "raised",
        (Lang::En, false) => "not raised",
        (Lang::Es, true) => "activada",
        (Lang::Es, false) => "no activada",
    }
}

fn hidden_answer_words(lang: Lang, value: &str) -> String {
    match lang {
        Lang::En => format!("{value} (answer to a skipped question)"),
        Lang::Es => format!("{value} (respuesta a una pregunta omitida)"),
    }
}

/// What a rule with `from` sets: `level`, when the other rules give `from`.
pub(crate) fn level_from_words(lang: Lang, level: &str, from: &str) -> String {
    match lang {
        Lang::En => format!("{level}, when the other rules give {from}"),
        Lang::Es => format!("{level}, cuando las demás reglas dan {from}"),
    }
}

fn said_at_words(lang: Lang, at: &str) -> String {
    match lang {
        Lang::En => format!("said at {at}"),
        Lang::Es => format!("se indica en {at}"),
    }
}

/// One value a condition compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    /// e.g. `item phq9_9`, `scale phq9`, `band phq9`.
    pub(crate) subject: String,
    /// The value seen, or `None` when there was none (hidden, unanswered).
    pub(crate) value: Option<String>,
    /// Why there was none, in words: never `none`, which is also a grade's
    /// name (`unanswered`, `not asked (skipped)`, `no score`; in Spanish
    /// with `--lang es` in `explain`).
    pub(crate) absent: &'static str,
}

impl Seen {
    /// The value, or why there is none.
    pub(crate) fn words(&self) -> &str {
        self.value.as_deref().unwrap_or(self.absent)
    }
}

/// One rule of the rule set, evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TraceEntry {
    pub(crate) kind: TraceKind,
    /// The rule's id; for ratings and domains `<id>.<grade>`.
    pub(crate) id: String,
    /// The condition in words.
    pub(crate) condition: String,
    pub(crate) fired: bool,
    /// What firing means: the level a rule or flag sets, the grade reached.
    pub(crate) outcome: Option<String>,
    pub(crate) seen: Vec<Seen>,
    pub(crate) origin: Option<Origin>,
}

/// Which rule of the rule set a trace entry is.
#[derive(Debug, Clone, Copy)]
enum At {
    Rating(RatingIx, usize),
    Flag(FlagIx),
    Domain(DomainIx, usize),
    Rule(RuleIx),
    Condition(usize),
    Feature(usize),
}

/// One rule of the trace, prepared once: what it is, its condition in
/// words, what firing means, and where it is defined.
#[derive(Debug)]
struct Prepared {
    at: At,
    /// Decided over the safety view (`Assessment::given`): a safety flag,
    /// or a rating one reads.
    safety_view: bool,
    kind: TraceKind,
    id: String,
    words: String,
    outcome: Option<String>,
    origin: Option<Origin>,
}

impl At {
    /// The rule's condition and its compiled test (a grade without a
    /// condition is not traced).
    fn condition(self, rules: &RuleSet) -> Option<(&Condition, &Test)> {
        let c = &rules.compiled;
        match self {
            At::Rating(r, g) => Some((
                rules.ratings[r].grades[g].when.as_ref()?,
                c.rating_grades[r][g].as_ref()?,
            )),
            At::Flag(f) => Some((&rules.flags[f].when, &c.flags[f])),
            At::Domain(d, g) => Some((
                rules.domains[d].grades[g].when.as_ref()?,
                c.domain_grades[d][g].as_ref()?,
            )),
            At::Rule(r) => Some((&rules.rules[r].when, &c.rules[r])),
            At::Condition(k) => Some((&rules.conditions[k].when, &c.conditions[k])),
            At::Feature(f) => Some((&rules.features[f].when, &c.features[f])),
        }
    }
}

/// The trace's rules, in the order the engine evaluates them (ratings,
/// flags, domains, placement rules, features), with their conditions in
/// words: made once, so a record's trace formats no condition.
#[derive(Debug)]
pub(crate) struct Tracer {
    rules: Vec<Prepared>,
    lang: Lang,
}

impl Tracer {
    /// The trace in English, as JSON carries it.
    pub(crate) fn of(rules: &RuleSet) -> Tracer {
        Tracer::of_in(rules, Lang::En)
    }

    /// The trace in `lang`'s words (grade labels come from the rule set).
    pub(crate) fn of_in(rules: &RuleSet, lang: Lang) -> Tracer {
        let mut out = Vec::new();
        let mut push = |at: At, safety_view: bool, kind: TraceKind, id: String, outcome, origin| {
            if let Some((cond, _)) = at.condition(rules) {
                out.push(Prepared {
                    at,
                    safety_view,
                    kind,
                    id,
                    words: describe_in(rules, cond, lang),
                    outcome,
                    origin,
                });
            }
        };
        for (r, rating) in rules.ratings.iter_ix() {
            let safety_view = rules.compiled.safety_ratings[r];
            for (g, grade) in rating.grades.iter().enumerate() {
                push(
                    At::Rating(r, g),
                    safety_view,
                    TraceKind::Rating,
                    format!("{}.{}", rating.id, grade.id),
                    Some(grade.label.clone()),
                    Some(grade.origin.clone()),
                );
            }
        }
        for (f, flag) in rules.flags.iter_ix() {
            let outcome = match (flag.crisis, flag.min_level) {
                // The same word in English and Spanish.
                (true, _) => Some("crisis".to_string()),
                (false, Some(level)) => Some(rules.levels[level].id.clone()),
                (false, None) => None,
            };
            push(
                At::Flag(f),
                flag.is_safety(),
                TraceKind::Flag,
                flag.id.clone(),
                outcome,
                Some(flag.origin.clone()),
            );
        }
        for (d, domain) in rules.domains.iter_ix() {
            for (g, grade) in domain.grades.iter().enumerate() {
                push(
                    At::Domain(d, g),
                    false,
                    TraceKind::Domain,
                    format!("{}.{}", domain.id, grade.id),
                    Some(grade.label.clone()),
                    Some(grade.origin.clone()),
                );
            }
        }
        for (r, rule) in rules.rules.iter_ix() {
            push(
                At::Rule(r),
                false,
                TraceKind::Rule,
                rule.id.clone(),
                Some(match rule.from {
                    Some(from) => {
                        level_from_words(lang, &rules.levels[rule.level].id, &rules.levels[from].id)
                    }
                    None => rules.levels[rule.level].id.clone(),
                }),
                Some(rule.origin.clone()),
            );
        }
        for (k, condition) in rules.conditions.iter().enumerate() {
            let at = rules.level_ids(&condition.at);
            push(
                At::Condition(k),
                false,
                TraceKind::Condition,
                condition.id.clone(),
                Some(said_at_words(lang, &at.join(", "))),
                Some(condition.origin.clone()),
            );
        }
        for (f, feature) in rules.features.iter().enumerate() {
            push(
                At::Feature(f),
                false,
                TraceKind::Feature,
                feature.id.clone(),
                None,
                None,
            );
        }
        Tracer { rules: out, lang }
    }

    /// Every rule of the trace, evaluated over the assessment's facts.
    pub(crate) fn trace(&self, rules: &RuleSet, a: &Assessment) -> Vec<TraceEntry> {
        self.rules
            .iter()
            .filter_map(|rule| {
                let (condition, test) = rule.at.condition(rules)?;
                // Safety flags and the ratings they read saw every answer
                // given, hidden ones too.
                let values = match rule.safety_view && !a.given.is_empty() {
                    true => &a.given,
                    false => &a.facts,
                };
                let facts = Facts {
                    facts: values,
                    slots: &rules.compiled.slots,
                    shown: &a.shown,
                };
                let mut seen = Vec::new();
                collect_seen(rules, &facts, condition, self.lang, &mut seen);
                Some(TraceEntry {
                    kind: rule.kind,
                    id: rule.id.clone(),
                    condition: rule.words.clone(),
                    // What the engine decided: a rule with `from`, a
                    // condition or a feature also depends on the level.
                    fired: match rule.at {
                        At::Rule(r) => a.rules[r],
                        At::Condition(k) => a.conditions[k],
                        At::Feature(f) => a.features[f],
                        _ => test.holds(values),
                    },
                    outcome: rule.outcome.clone(),
                    seen,
                    origin: rule.origin.clone(),
                })
            })
            .collect()
    }
}

/// The assessment's facts, looked up by subject.
struct Facts<'a> {
    facts: &'a [i64],
    slots: &'a Slots,
    /// Per item, whether skip logic showed it (a hidden value seen in the
    /// safety view is marked so).
    shown: &'a [bool],
}

impl Facts<'_> {
    fn value(&self, subject: Subject) -> Option<i64> {
        self.facts
            .get(self.slots.of(subject))
            .copied()
            .filter(|&v| v != NONE)
    }

    fn flag(&self, f: FlagIx) -> bool {
        self.facts.get(self.slots.flag(f)) == Some(&1)
    }
}

fn collect_seen(
    rules: &RuleSet,
    facts: &Facts<'_>,
    cond: &Condition,
    lang: Lang,
    out: &mut Vec<Seen>,
) {
    match cond {
        Condition::All(cs) | Condition::Any(cs) => cs
            .iter()
            .for_each(|c| collect_seen(rules, facts, c, lang, out)),
        Condition::Not(c) => collect_seen(rules, facts, c, lang, out),
        Condition::Compare(subject, _) => {
            let skipped = match *subject {
                Subject::Item(i) => facts.shown.get(i) == Some(&false),
                _ => false,
            };
            let seen = Seen {
                subject: subject_name(rules, *subject, lang),
                absent: absent_words(lang, *subject, skipped),
                value: facts.value(*subject).map(|v| match skipped {
                    // Only the safety view sees a hidden item's value.
                    true => hidden_answer_words(lang, &value_name(rules, *subject, v)),
                    false => value_name(rules, *subject, v),
                }),
            };
            if !out.contains(&seen) {
                out.push(seen);
            }
        }
        Condition::Flag(f) => {
            let seen = Seen {
                subject: flag_name(rules, *f, lang),
                absent: raised_words(lang, false),
                value: Some(raised_words(lang, facts.flag(*f)).to_string()),
            };
            if !out.contains(&seen) {
                out.push(seen);
            }
        }
    }
}

/// A condition in compact words, e.g. `all(item phq9_9 >= 1, band phq9 >= severe)`.
pub(crate) fn describe(rules: &RuleSet, cond: &Condition) -> String {
    describe_in(rules, cond, Lang::En)
}

/// A condition in compact words in `lang`: the rule set's operators and
/// ids, the kind of each subject in words (`pregunta phq9_9 >= 1`).
pub(crate) fn describe_in(rules: &RuleSet, cond: &Condition, lang: Lang) -> String {
    let list = |cs: &[Condition]| {
        cs.iter()
            .map(|c| describe_in(rules, c, lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match cond {
        Condition::All(cs) => format!("all({})", list(cs)),
        Condition::Any(cs) => format!("any({})", list(cs)),
        Condition::Not(c) => format!("not({})", describe_in(rules, c, lang)),
        Condition::Compare(subject, cmp) => format!(
            "{} {}",
            subject_name(rules, *subject, lang),
            cmp.describe(|v| value_name(rules, *subject, v))
        ),
        Condition::Flag(f) => flag_name(rules, *f, lang),
    }
}

/// A flag as a condition names it: `flag withdrawal_danger`.
pub(crate) fn flag_name(rules: &RuleSet, f: FlagIx, lang: Lang) -> String {
    let id = &rules.flags[f].id;
    match lang {
        Lang::En => format!("flag {id}"),
        Lang::Es => format!("alerta {id}"),
    }
}

fn subject_name(rules: &RuleSet, subject: Subject, lang: Lang) -> String {
    let (kind, id) = match subject {
        Subject::Item(i) => (["item", "pregunta"], &rules.items[i].id),
        Subject::Scale(s) => (["scale", "escala"], &rules.scales[s].id),
        Subject::Band(s) => (["band", "banda"], &rules.scales[s].id),
        Subject::Rating(r) => (["rating", "valoración"], &rules.ratings[r].id),
        Subject::Domain(d) => (["domain", "dominio"], &rules.domains[d].id),
        Subject::Count(c) => {
            let kind = match lang {
                Lang::En => "count",
                Lang::Es => "recuento",
            };
            return format!("{kind} {}", c.id());
        }
    };
    let kind = match lang {
        Lang::En => kind[0],
        Lang::Es => kind[1],
    };
    format!("{kind} {id}")
}

fn value_name(rules: &RuleSet, subject: Subject, value: i64) -> String {
    let grade = |grades: Vec<&String>| {
        usize::try_from(value)
            .ok()
            .and_then(|i| grades.get(i).map(|s| s.to_string()))
    };
    let named = match subject {
        Subject::Item(_) | Subject::Scale(_) | Subject::Count(_) => None,
        Subject::Band(s) => grade(rules.scales[s].bands.iter().map(|b| &b.id).collect()),
        Subject::Rating(r) => grade(rules.ratings[r].grades.iter().map(|g| &g.id).collect()),
        Subject::Domain(d) => grade(rules.domains[d].grades.iter().map(|g| &g.id).collect()),
    };
    named.unwrap_or_else(|| value.to_string())
}

impl Cmp {
    /// The comparison in words, with `name` turning a value into text.
    pub(crate) fn describe(&self, name: impl Fn(i64) -> String) -> String {
        match self {
            Cmp::Eq(v) => format!("= {}", name(*v)),
            Cmp::AtLeast(v) => format!(">= {}", name(*v)),
            Cmp::AtMost(v) => format!("<= {}", name(*v)),
            Cmp::In(vs) => {
                let names: Vec<String> = vs.iter().map(|v| name(*v)).collect();
                format!("in [{}]", names.join(", "))
            }
        }
    }
}

/// The answers and scores behind a raised flag, in words, each once:
/// "C-SSRS item 4 (intent): yes", "PHQ-9 total: 22". Read from the leaves
/// of its condition that hold; a rating, domain or flag it reads is
/// followed into the grade reached or the flag's own condition. Safety
/// flags read the safety view (every answer given).
pub(crate) fn behind(rules: &RuleSet, a: &Assessment, flag: FlagIx) -> Vec<String> {
    let safety_view = rules.compiled.safety_flags[flag];
    behind_condition(rules, a, &rules.flags[flag].when, safety_view)
}

/// The answers and scores behind a reason for the level (`behind`).
pub(crate) fn behind_reason(rules: &RuleSet, a: &Assessment, reason: &Reason) -> Vec<String> {
    match reason {
        Reason::Crisis { flag } | Reason::Flag { flag } => behind(rules, a, *flag),
        Reason::Rule { rule } => behind_condition(rules, a, &rules.rules[*rule].when, false),
        Reason::Condition { condition } => {
            behind_condition(rules, a, &rules.conditions[*condition].when, false)
        }
        Reason::Default => Vec::new(),
    }
}

fn behind_condition(
    rules: &RuleSet,
    a: &Assessment,
    when: &Condition,
    safety_view: bool,
) -> Vec<String> {
    let values = match safety_view && !a.given.is_empty() {
        true => &a.given,
        false => &a.facts,
    };
    let facts = Facts {
        facts: values,
        slots: &rules.compiled.slots,
        shown: &a.shown,
    };
    let mut out = Vec::new();
    let mut visited = Vec::new();
    collect_behind(rules, &facts, when, &mut out, &mut visited);
    out
}

fn collect_behind(
    rules: &RuleSet,
    facts: &Facts<'_>,
    cond: &Condition,
    out: &mut Vec<String>,
    visited: &mut Vec<FlagIx>,
) {
    // Called on a condition that holds: every part of an `all` holds; the
    // parts of an `any` that hold are found (a comparison by its one
    // meaning, a compound part by its compiled test).
    let holds = |c: &Condition| match c {
        Condition::Compare(subject, cmp) => facts.value(*subject).is_some_and(|v| cmp.holds(v)),
        Condition::Flag(f) => facts.flag(*f),
        _ => Test::compile(c, facts.slots).holds(facts.facts),
    };
    match cond {
        Condition::All(cs) => {
            for c in cs {
                collect_behind(rules, facts, c, out, visited);
            }
        }
        Condition::Any(cs) => {
            for c in cs.iter().filter(|c| holds(c)) {
                collect_behind(rules, facts, c, out, visited);
            }
        }
        // What a negation rests on is an absence: nothing to name.
        Condition::Not(_) => {}
        Condition::Flag(f) => {
            if facts.flag(*f) && !visited.contains(f) {
                visited.push(*f);
                collect_behind(rules, facts, &rules.flags[*f].when, out, visited);
            }
        }
        Condition::Compare(subject, cmp) => {
            // A rating read over the safety view may hold a grade whose
            // condition fails over these facts: name only what holds.
            let Some(value) = facts.value(*subject).filter(|&v| cmp.holds(v)) else {
                return;
            };
            /// The conditions of the grades up to the one reached (`value`)
            /// that `cmp` accepts and that hold, least severe first; an
            /// upper bound (`at_most`) is no evidence of the grades below,
            /// so it names the reached one's only.
            fn grades_held<'g>(
                grades: &'g [crate::model::Grade],
                cmp: &crate::model::Cmp,
                value: i64,
                holds: &dyn Fn(&Condition) -> bool,
            ) -> Vec<&'g Condition> {
                grades
                    .iter()
                    .enumerate()
                    .filter(|(g, _)| {
                        i64::try_from(*g).is_ok_and(|g| match cmp {
                            crate::model::Cmp::AtMost(_) => g == value,
                            _ => g <= value && cmp.holds(g),
                        })
                    })
                    .filter_map(|(_, g)| g.when.as_ref())
                    .filter(|when| holds(when))
                    .collect()
            }
            let words = match *subject {
                Subject::Item(i) => Some(answer_line(rules, i, value)),
                Subject::Scale(s) | Subject::Band(s) => {
                    let scale = &rules.scales[s];
                    facts
                        .value(Subject::Scale(s))
                        .map(|score| format!("{}: {score}", scale.title))
                }
                // Every grade the comparison accepts whose condition holds,
                // not only the one reached: a C-SSRS "method" grade does not
                // hide the past behaviour below it.
                Subject::Rating(r) => {
                    for when in grades_held(&rules.ratings[r].grades, cmp, value, &holds) {
                        collect_behind(rules, facts, when, out, visited);
                    }
                    None
                }
                Subject::Domain(d) => {
                    for when in grades_held(&rules.domains[d].grades, cmp, value, &holds) {
                        collect_behind(rules, facts, when, out, visited);
                    }
                    None
                }
                // The retractions are named by their own warnings.
                Subject::Count(_) => None,
            };
            if let Some(words) = words {
                if !out.contains(&words) {
                    out.push(words);
                }
            }
        }
    }
}

/// The given answers behind a flag an incomplete record establishes: each
/// answer a comparison of its condition holds for, through the grades of
/// the ratings it reads (scores are unknown there, so not named).
pub(crate) fn given_behind(
    rules: &RuleSet,
    answers: &crate::answers::Answers,
    flag: FlagIx,
) -> Vec<String> {
    fn walk(
        rules: &RuleSet,
        answers: &crate::answers::Answers,
        cond: &Condition,
        out: &mut Vec<String>,
    ) {
        match cond {
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().for_each(|c| walk(rules, answers, c, out));
            }
            Condition::Not(_) | Condition::Flag(_) => {}
            Condition::Compare(Subject::Item(i), cmp) => {
                if let Some(value) = answers.get(*i).filter(|&v| cmp.holds(v)) {
                    let words = answer_line(rules, *i, value);
                    if !out.contains(&words) {
                        out.push(words);
                    }
                }
            }
            Condition::Compare(Subject::Rating(r), _) => {
                for grade in &rules.ratings[*r].grades {
                    if let Some(when) = &grade.when {
                        walk(rules, answers, when, out);
                    }
                }
            }
            Condition::Compare(..) => {}
        }
    }
    let mut out = Vec::new();
    walk(rules, answers, &rules.flags[flag].when, &mut out);
    out
}

/// An item and its answer, as the answers behind a finding name them:
/// "C-SSRS item 4 (intent): yes".
fn answer_line(rules: &RuleSet, item: usize, value: i64) -> String {
    format!(
        "{}: {}",
        rules.items[item].short,
        crate::messages::answer_words(rules, item, Some(value))
    )
}
