//! The explanation of an assessment, as data: every rule with what it
//! compared, the values it saw, and whether it fired; and the reasons for
//! the level.
//!
//! Computed on demand from the assessment (which keeps every intermediate
//! result), so scoring pays nothing for it.

use super::{Assessment, Outcome};
use crate::model::{Cmp, Condition, Origin, RuleSet, Slots, Subject, Test, TraceRule, NONE};

/// What decided the level of an outcome, in order, without collecting them
/// (the batch hot path): see `Assessment::reasons`.
pub fn visit_reasons(rules: &RuleSet, outcome: &impl Outcome, mut visit: impl FnMut(Reason)) {
    let raised = |f: &usize| outcome.flag(*f);
    let level = outcome.level();
    if outcome.crisis() {
        (0..rules.flags.len())
            .filter(raised)
            .filter(|&f| rules.flags[f].crisis)
            .for_each(|flag| visit(Reason::Crisis { flag }));
        return;
    }
    // What led to the level (`Paths`): no crisis flag is raised here.
    let mut any = false;
    for &flag in rules.paths.flags[level].iter().filter(|&f| raised(f)) {
        visit(Reason::Flag { flag });
        any = true;
    }
    for &rule in &rules.paths.rules[level] {
        if outcome.rule(rule) {
            visit(Reason::Rule { rule });
            any = true;
        }
    }
    if !any {
        visit(Reason::Default);
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

    fn flag(&self, f: usize) -> bool {
        self.facts.get(self.slots.flag(f)) == Some(&1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceKind {
    Rating,
    Flag,
    Domain,
    Rule,
    Feature,
}

impl TraceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TraceKind::Rating => "rating",
            TraceKind::Flag => "flag",
            TraceKind::Domain => "domain",
            TraceKind::Rule => "rule",
            TraceKind::Feature => "feature",
        }
    }
}

/// One value a condition compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// e.g. `item phq9_9`, `scale phq9`, `band phq9`.
    pub subject: String,
    /// The value seen, or `None` when there was none (hidden, unanswered).
    pub value: Option<String>,
}

/// One rule of the rule set, evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    pub kind: TraceKind,
    /// The rule's id; for ratings and domains `<id>.<grade>`.
    pub id: String,
    /// The condition in words.
    pub condition: String,
    pub fired: bool,
    /// What firing means: the level a rule or flag sets, the grade reached.
    pub outcome: Option<String>,
    pub seen: Vec<Seen>,
    pub origin: Option<Origin>,
}

/// Why the recommended level was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A crisis flag: acute risk forces the most intensive level.
    Crisis { flag: usize },
    /// A raised flag whose minimum level is the recommended level.
    Flag { flag: usize },
    /// A fired placement rule at the recommended level.
    Rule { rule: usize },
    /// Nothing asked for more than the default level.
    Default,
}

impl Reason {
    /// The stable id used in the `reasons` output column.
    pub fn id(&self, rules: &RuleSet) -> String {
        self.id_str(rules).to_string()
    }

    pub fn id_str<'a>(&self, rules: &'a RuleSet) -> &'a str {
        match self {
            Reason::Crisis { flag } | Reason::Flag { flag } => &rules.flags[*flag].id,
            Reason::Rule { rule } => &rules.rules[*rule].id,
            Reason::Default => "default",
        }
    }
}

impl Assessment {
    /// What decided the level: crisis flags if any, else every rule and
    /// flag that asked for exactly the recommended level.
    pub fn reasons(&self, rules: &RuleSet) -> Vec<Reason> {
        let mut reasons = Vec::new();
        self.visit_reasons(rules, |r| reasons.push(r));
        reasons
    }

    /// `reasons` without collecting them.
    pub fn visit_reasons(&self, rules: &RuleSet, visit: impl FnMut(Reason)) {
        visit_reasons(rules, self, visit)
    }

    /// Every rating grade, flag, domain grade, placement rule and program
    /// feature with its condition, the values it saw, and whether it held.
    pub fn trace(&self, rules: &RuleSet) -> Vec<TraceEntry> {
        prepared(rules)
            .iter()
            .map(|rule| {
                // Safety flags and the ratings they read saw every answer
                // given, hidden ones too.
                let values = match rule.safety_view && !self.given.is_empty() {
                    true => &self.given,
                    false => &self.facts,
                };
                let facts = Facts {
                    facts: values,
                    slots: &rules.compiled.slots,
                    shown: &self.shown,
                };
                let mut seen = Vec::new();
                collect_seen(rules, &facts, &rule.condition, &mut seen);
                TraceEntry {
                    kind: match rule.kind {
                        "rating" => TraceKind::Rating,
                        "flag" => TraceKind::Flag,
                        "domain" => TraceKind::Domain,
                        "rule" => TraceKind::Rule,
                        _ => TraceKind::Feature,
                    },
                    id: rule.id.clone(),
                    condition: rule.words.clone(),
                    fired: rule.test.holds(values),
                    outcome: rule.outcome.clone(),
                    seen,
                    origin: rule.origin.clone(),
                }
            })
            .collect()
    }
}

/// The trace's rules, in the order the engine evaluates them (ratings,
/// flags, domains, placement rules, features), prepared once per rule set:
/// conditions in words and compiled, so a record's trace formats no
/// condition and compiles no test.
fn prepared(rules: &RuleSet) -> &[TraceRule] {
    rules.trace_rules.get_or_init(|| {
        let slots = &rules.compiled.slots;
        let rule = |kind: &'static str,
                    id: String,
                    cond: &Condition,
                    outcome: Option<String>,
                    origin: Option<Origin>| {
            TraceRule {
                safety_view: false,
                kind,
                id,
                condition: cond.clone(),
                words: describe(rules, cond),
                test: Test::compile(cond, slots),
                outcome,
                origin,
            }
        };
        let mut out = Vec::new();
        let graded =
            |kind: &'static str, ratings: &[crate::model::Rating], out: &mut Vec<TraceRule>| {
                for (r, rating) in ratings.iter().enumerate() {
                    let safety_view = kind == "rating" && rules.compiled.safety_ratings[r];
                    for grade in &rating.grades {
                        let Some(cond) = &grade.when else { continue };
                        out.push(TraceRule {
                            safety_view,
                            ..rule(
                                kind,
                                format!("{}.{}", rating.id, grade.id),
                                cond,
                                Some(grade.label.clone()),
                                Some(grade.origin.clone()),
                            )
                        });
                    }
                }
            };
        graded("rating", &rules.ratings, &mut out);
        for flag in &rules.flags {
            let outcome = match (flag.crisis, flag.min_level) {
                (true, _) => Some("crisis".to_string()),
                (false, Some(level)) => Some(rules.levels[level].id.clone()),
                (false, None) => None,
            };
            out.push(TraceRule {
                safety_view: flag.is_safety(),
                ..rule(
                    "flag",
                    flag.id.clone(),
                    &flag.when,
                    outcome,
                    Some(flag.origin.clone()),
                )
            });
        }
        graded("domain", &rules.domains, &mut out);
        for r in &rules.rules {
            let level = Some(rules.levels[r.level].id.clone());
            out.push(rule(
                "rule",
                r.id.clone(),
                &r.when,
                level,
                Some(r.origin.clone()),
            ));
        }
        for feature in &rules.features {
            out.push(rule(
                "feature",
                feature.id.clone(),
                &feature.when,
                None,
                None,
            ));
        }
        out
    })
}

fn collect_seen(rules: &RuleSet, facts: &Facts<'_>, cond: &Condition, out: &mut Vec<Seen>) {
    match cond {
        Condition::All(cs) | Condition::Any(cs) => {
            cs.iter().for_each(|c| collect_seen(rules, facts, c, out))
        }
        Condition::Not(c) => collect_seen(rules, facts, c, out),
        Condition::Compare(subject, _) => {
            let skipped = match *subject {
                Subject::Item(i) => facts.shown.get(i) == Some(&false),
                _ => false,
            };
            let seen = Seen {
                subject: subject_name(rules, *subject),
                value: facts.value(*subject).map(|v| match skipped {
                    // Only the safety view sees a hidden item's value.
                    true => format!(
                        "{} (answer to a skipped question)",
                        value_name(rules, *subject, v)
                    ),
                    false => value_name(rules, *subject, v),
                }),
            };
            if !out.contains(&seen) {
                out.push(seen);
            }
        }
        Condition::Flag(f) => {
            let seen = Seen {
                subject: format!("flag {}", rules.flags[*f].id),
                value: Some(
                    if facts.flag(*f) {
                        "raised"
                    } else {
                        "not raised"
                    }
                    .to_string(),
                ),
            };
            if !out.contains(&seen) {
                out.push(seen);
            }
        }
    }
}

/// A condition in compact words, e.g. `all(item phq9_9 >= 1, band phq9 >= severe)`.
pub fn describe(rules: &RuleSet, cond: &Condition) -> String {
    let list = |cs: &[Condition]| {
        cs.iter()
            .map(|c| describe(rules, c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match cond {
        Condition::All(cs) => format!("all({})", list(cs)),
        Condition::Any(cs) => format!("any({})", list(cs)),
        Condition::Not(c) => format!("not({})", describe(rules, c)),
        Condition::Compare(subject, cmp) => format!(
            "{} {}",
            subject_name(rules, *subject),
            cmp.describe(|v| value_name(rules, *subject, v))
        ),
        Condition::Flag(f) => format!("flag {}", rules.flags[*f].id),
    }
}

fn subject_name(rules: &RuleSet, subject: Subject) -> String {
    match subject {
        Subject::Item(i) => format!("item {}", rules.items[i].id),
        Subject::Scale(s) => format!("scale {}", rules.scales[s].id),
        Subject::Band(s) => format!("band {}", rules.scales[s].id),
        Subject::Rating(r) => format!("rating {}", rules.ratings[r].id),
        Subject::Domain(d) => format!("domain {}", rules.domains[d].id),
    }
}

fn value_name(rules: &RuleSet, subject: Subject, value: i64) -> String {
    let grade = |grades: Vec<&String>| {
        usize::try_from(value)
            .ok()
            .and_then(|i| grades.get(i).map(|s| s.to_string()))
    };
    let named = match subject {
        Subject::Item(_) | Subject::Scale(_) => None,
        Subject::Band(s) => grade(rules.scales[s].bands.iter().map(|b| &b.id).collect()),
        Subject::Rating(r) => grade(rules.ratings[r].grades.iter().map(|g| &g.id).collect()),
        Subject::Domain(d) => grade(rules.domains[d].grades.iter().map(|g| &g.id).collect()),
    };
    named.unwrap_or_else(|| value.to_string())
}

impl Cmp {
    /// The comparison in words, with `name` turning a value into text.
    pub fn describe(&self, name: impl Fn(i64) -> String) -> String {
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
