//! Why an outcome has its level, as data: the crisis flags, or the rules
//! and flags that led to the level (`Paths`), or the default.

use super::{Assessment, Outcome};
use crate::model::{FlagIx, RuleIx, RuleSet};

/// What decided the level of an outcome, in order, without collecting them
/// (the batch hot path): see `Assessment::reasons`.
pub(crate) fn visit_reasons(
    rules: &RuleSet,
    outcome: &impl Outcome,
    mut visit: impl FnMut(Reason),
) {
    let raised = |f: &FlagIx| outcome.flag(*f);
    let level = outcome.level();
    if outcome.crisis() {
        rules
            .flags
            .ixs()
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
    let mut from = None;
    for &rule in &rules.paths.rules[level] {
        if outcome.rule(rule) {
            visit(Reason::Rule { rule });
            any = true;
            from = from.or(rules.rules[rule].from);
        }
    }
    // A rule with `from` fired at N, its `from` level: what gave N.
    if let Some(n) = from {
        for &flag in rules.paths.flags[n].iter().filter(|&f| raised(f)) {
            visit(Reason::Flag { flag });
        }
        for &rule in &rules.paths.rules[n] {
            if outcome.rule(rule) && rules.rules[rule].from.is_none() {
                visit(Reason::Rule { rule });
            }
        }
    }
    if !any {
        visit(Reason::Default);
    }
    for condition in (0..rules.conditions.len()).filter(|&c| outcome.condition(c)) {
        visit(Reason::Condition { condition });
    }
}

/// Why the recommended level was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    /// A crisis flag: acute risk forces the most intensive level.
    Crisis { flag: FlagIx },
    /// A raised flag whose minimum level is the recommended level.
    Flag { flag: FlagIx },
    /// A fired placement rule at the recommended level.
    Rule { rule: RuleIx },
    /// Nothing asked for more than the default level.
    Default,
    /// A condition said of the recommended level.
    Condition { condition: usize },
}

impl Reason {
    /// The stable id used in the `reasons` output column.
    pub(crate) fn id(&self, rules: &RuleSet) -> String {
        self.id_str(rules).to_string()
    }

    pub(crate) fn id_str<'a>(&self, rules: &'a RuleSet) -> &'a str {
        match self {
            Reason::Crisis { flag } | Reason::Flag { flag } => &rules.flags[*flag].id,
            Reason::Rule { rule } => &rules.rules[*rule].id,
            Reason::Default => "default",
            Reason::Condition { condition } => &rules.conditions[*condition].id,
        }
    }
}

impl Assessment {
    /// What decided the level: crisis flags if any, else every rule and
    /// flag that asked for exactly the recommended level.
    pub(crate) fn reasons(&self, rules: &RuleSet) -> Vec<Reason> {
        let mut reasons = Vec::new();
        self.visit_reasons(rules, |r| reasons.push(r));
        reasons
    }

    /// `reasons` without collecting them.
    pub(crate) fn visit_reasons(&self, rules: &RuleSet, visit: impl FnMut(Reason)) {
        visit_reasons(rules, self, visit)
    }
}
