//! The words of an assessment for people: reasons, warnings and the
//! answers to skipped questions, in the rule set's language. The engine
//! returns data; the renderers put it into words here.

use crate::assess::{Reason, Warning};
use crate::messages::{answer_words, Lang};
use crate::model::RuleSet;

/// The reason in plain words.
pub(crate) fn reason(rules: &RuleSet, reason: &Reason) -> String {
    match reason {
        Reason::Crisis { flag } | Reason::Flag { flag } => rules.flags[*flag].message.clone(),
        Reason::Rule { rule } => rules.rules[*rule].rationale.clone(),
        Reason::Default => {
            Lang::of(&rules.lang).default_reason(&rules.levels[rules.default_level].name)
        }
        Reason::Condition { condition } => rules.conditions[*condition].rationale.clone(),
    }
}

/// A warning in plain words.
pub(crate) fn warning(rules: &RuleSet, warning: &Warning) -> String {
    let lang = Lang::of(&rules.lang);
    match warning {
        Warning::HiddenValueIgnored { item } => {
            let item = &rules.items[*item];
            let name = match item.short == item.id {
                true => format!("`{}`", item.id),
                false => format!("{} (`{}`)", item.short, item.id),
            };
            lang.hidden_answer_ignored(&name)
        }
        Warning::HiddenValueKept { .. } | Warning::AskAgain { .. } => {
            hidden_answer_words(rules, warning)
        }
        Warning::HiddenValueUnreadable { item, value, gate } => {
            let name = |i: usize| rules.items[i].short.as_str();
            let gate = gate.map(|(g, v)| (name(g), answer_words(rules, g, v)));
            lang.hidden_unreadable(
                name(*item),
                value,
                gate.as_ref().map(|(g, a)| (*g, a.as_str())),
            )
        }
        Warning::GateReadAsShown { item, value, gate } => {
            let read_as = rules.compiled.implied_gates[*item]
                .map(|(_, code)| answer_words(rules, *gate, Some(code)))
                .unwrap_or_default();
            lang.gate_read_as_shown(
                &rules.items[*item].short,
                &answer_words(rules, *item, Some(*value)),
                &rules.items[*gate].short,
                &read_as,
            )
        }
        Warning::SafetyAnswerMissing { item, could_raise } => {
            let could_mean: Vec<&str> = could_raise
                .iter()
                .map(|&f| crate::model::headline(&rules.flags[f].message))
                .collect();
            lang.safety_answer_missing(&rules.items[*item].short, &could_mean.join(lang.or_list()))
        }
        Warning::Retracted { item, from, to } => lang.retracted(
            &rules.items[*item].short,
            &answer_words(rules, *item, Some(*from)),
            &answer_words(rules, *item, Some(*to)),
        ),
        Warning::Prorated { scale, missing } => lang.prorated(&rules.scales[*scale].id, *missing),
        Warning::ScaleInvalid { scale, missing } => {
            lang.scale_invalid(&rules.scales[*scale].id, *missing)
        }
        Warning::NotCollected { instruments } => {
            let titles: Vec<&str> = instruments
                .iter()
                .map(|&n| rules.instruments[n].title.as_str())
                .collect();
            format!(
                "screen incomplete: {} not collected; no level is given",
                titles.join(", ")
            )
        }
    }
}

/// A hidden answer kept for safety, or one to ask again, in words.
fn hidden_answer_words(rules: &RuleSet, warning: &Warning) -> String {
    let lang = Lang::of(&rules.lang);
    let answer = |item: usize, value: Option<i64>| answer_words(rules, item, value);
    let name = |item: usize| rules.items[item].short.as_str();
    match warning {
        Warning::HiddenValueKept {
            item,
            value,
            gate,
            flags: _,
            grade,
        } => {
            let treated_as = match grade {
                Some((r, g)) => lower_first(&rules.ratings[*r].grades[*g].label),
                None => lang.treated_as_findings().to_string(),
            };
            let gate_words = gate.map(|(g, v)| (name(g), v.map(|v| answer(g, Some(v)))));
            lang.hidden_answer_kept(
                name(*item),
                &answer(*item, Some(*value)),
                gate_words.as_ref().map(|(g, a)| (*g, a.as_deref())),
                &treated_as,
            )
        }
        Warning::AskAgain {
            item,
            value,
            gate,
            gate_value,
        } => lang.ask_again(
            name(*item),
            &answer(*item, Some(*value)),
            name(*gate),
            &answer(*gate, *gate_value),
        ),
        other => self::warning(rules, other),
    }
}

/// A label as it reads inside a sentence: `High risk` → `high risk`
/// (an acronym such as `C-SSRS` is kept).
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// The warning that goes with answers filled in (`--fill least-severe`)
/// for items a safety flag reads: the filled answer assumes no risk there.
/// `None` when no filled item is read by one.
pub(crate) fn filled_safety(rules: &RuleSet, filled: &[crate::model::ItemIdx]) -> Option<String> {
    let found = crate::assess::read_by_safety_flags(rules, filled);
    if found.is_empty() {
        return None;
    }
    let items: Vec<String> = found
        .iter()
        .map(|(item, flags)| {
            let flags: Vec<&str> = flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
            format!("{} ({})", rules.items[*item].id, flags.join(", "))
        })
        .collect();
    Some(Lang::of(&rules.lang).filled_safety(&items.join("; ")))
}
