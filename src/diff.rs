//! What changes between two rule sets: the structure (levels, items,
//! scales and bands, ratings, flags, domains, placement rules, features,
//! resources, the note), compared by id, with conditions compared in words
//! so that the order of ids does not matter.

use crate::assess::describe;
use crate::model::{MissingRule, RuleSet};

/// One difference, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// e.g. `placement rule`, `band`, `flag`.
    pub what: &'static str,
    /// e.g. `moderately_severe_symptoms`, `phq9.severe`.
    pub id: String,
    pub change: String,
}

/// Compare keyed lists: added, removed, and changed (by `show`).
fn keyed<T>(
    out: &mut Vec<Change>,
    what: &'static str,
    old: &[(String, T)],
    new: &[(String, T)],
    show: impl Fn(&T) -> String,
) {
    for (id, o) in old {
        match new.iter().find(|(k, _)| k == id) {
            None => out.push(Change {
                what,
                id: id.clone(),
                change: "removed".into(),
            }),
            Some((_, n)) => {
                let (a, b) = (show(o), show(n));
                if a != b {
                    out.push(Change {
                        what,
                        id: id.clone(),
                        change: format!("{a} -> {b}"),
                    });
                }
            }
        }
    }
    for (id, n) in new {
        if !old.iter().any(|(k, _)| k == id) {
            out.push(Change {
                what,
                id: id.clone(),
                change: format!("added: {}", show(n)),
            });
        }
    }
}

/// Every structural difference from `old` to `new`.
pub fn changes(old: &RuleSet, new: &RuleSet) -> Vec<Change> {
    let mut out = Vec::new();
    if (old.name.as_str(), old.version.as_str()) != (new.name.as_str(), new.version.as_str()) {
        out.push(Change {
            what: "rule set",
            id: new.name.clone(),
            change: format!(
                "{} {} -> {} {}",
                old.name, old.version, new.name, new.version
            ),
        });
    }
    let levels = |r: &RuleSet| -> Vec<(String, String)> {
        r.levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let extra = [&l.hours, &l.setting, &l.typical_length]
                    .iter()
                    .filter_map(|t| t.as_deref())
                    .collect::<Vec<_>>()
                    .join("; ");
                (
                    l.id.clone(),
                    format!(
                        "#{} {}: {} Referral: {} [{extra}]",
                        i + 1,
                        l.name,
                        l.description,
                        l.referral
                    ),
                )
            })
            .collect()
    };
    keyed(&mut out, "level", &levels(old), &levels(new), |s| s.clone());
    let items = |r: &RuleSet| -> Vec<(String, String)> {
        r.items
            .iter()
            .map(|item| {
                let answers = item.kind.answers_summary();
                let mut when = item
                    .show_if
                    .as_ref()
                    .map(|c| format!(" shown when {}", describe(r, c)))
                    .unwrap_or_default();
                if item.scales.is_empty() && item.is_answerable() {
                    when.push_str(if item.required {
                        " required"
                    } else {
                        " optional"
                    });
                }
                if item.answer_implies_gate {
                    when.push_str("; an answer implies its gate for safety flags");
                }
                (
                    item.id.clone(),
                    format!("\"{}\" [{answers}]{when}", item.text.trim()),
                )
            })
            .collect()
    };
    keyed(&mut out, "item", &items(old), &items(new), |s| s.clone());
    let scales = |r: &RuleSet| -> Vec<(String, String)> {
        r.scales
            .iter()
            .map(|s| {
                let items: Vec<&str> = s.items.iter().map(|&i| r.items[i].id.as_str()).collect();
                let missing = match &s.missing {
                    MissingRule::AllRequired => "all required".to_string(),
                    MissingRule::Invalid => "invalid if incomplete".to_string(),
                    MissingRule::Prorate { max_missing, never } => {
                        let never: Vec<&str> =
                            never.iter().map(|&i| r.items[i].id.as_str()).collect();
                        format!("prorate up to {max_missing}, never {}", never.join(", "))
                    }
                };
                (
                    s.id.clone(),
                    format!(
                        "sum of {}; {} to {}; {missing}",
                        items.join(", "),
                        s.min,
                        s.max
                    ),
                )
            })
            .collect()
    };
    keyed(&mut out, "scale", &scales(old), &scales(new), |s| s.clone());
    let bands = |r: &RuleSet| -> Vec<(String, String)> {
        r.scales
            .iter()
            .flat_map(|s| {
                s.bands.iter().map(move |b| {
                    (
                        format!("{}.{}", s.id, b.id),
                        format!("{} to {} ({})", b.min, b.max, b.label),
                    )
                })
            })
            .collect()
    };
    keyed(&mut out, "band", &bands(old), &bands(new), |s| s.clone());
    let grades = |r: &RuleSet, domains: bool| -> Vec<(String, String)> {
        let list = if domains { &r.domains } else { &r.ratings };
        list.iter()
            .flat_map(|rating| {
                rating.grades.iter().map(move |g| {
                    let when = g.when.as_ref().map_or("baseline".to_string(), |c| {
                        format!("when {}", describe(r, c))
                    });
                    (format!("{}.{}", rating.id, g.id), when)
                })
            })
            .collect()
    };
    keyed(
        &mut out,
        "rating grade",
        &grades(old, false),
        &grades(new, false),
        |s| s.clone(),
    );
    keyed(
        &mut out,
        "domain grade",
        &grades(old, true),
        &grades(new, true),
        |s| s.clone(),
    );
    let flags = |r: &RuleSet| -> Vec<(String, String)> {
        r.flags
            .iter()
            .map(|f| {
                let min = f
                    .min_level
                    .map(|l| format!(", at least {}", r.levels[l].id))
                    .unwrap_or_default();
                let kind = match (f.crisis, f.safety) {
                    (true, _) => "crisis",
                    (false, true) => "safety",
                    _ => "",
                };
                let urgency = match (f.urgency, &f.next_step) {
                    (Some(u), Some(step)) => {
                        format!(", urgent {} (next step: {})", u.as_str(), step.trim())
                    }
                    (Some(u), None) => format!(", urgent {}", u.as_str()),
                    (None, _) => String::new(),
                };
                (
                    f.id.clone(),
                    format!(
                        "{} {kind}{min}{urgency} when {}: {}",
                        f.severity.as_str(),
                        describe(r, &f.when),
                        f.message.trim()
                    ),
                )
            })
            .collect()
    };
    keyed(&mut out, "flag", &flags(old), &flags(new), |s| s.clone());
    let rules = |r: &RuleSet| -> Vec<(String, String)> {
        r.rules
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    format!("{} when {}", r.levels[p.level].id, describe(r, &p.when)),
                )
            })
            .collect()
    };
    keyed(&mut out, "placement rule", &rules(old), &rules(new), |s| {
        s.clone()
    });
    if old.levels[old.default_level].id != new.levels[new.default_level].id {
        out.push(Change {
            what: "default level",
            id: String::new(),
            change: format!(
                "{} -> {}",
                old.levels[old.default_level].id, new.levels[new.default_level].id
            ),
        });
    }
    let features = |r: &RuleSet| -> Vec<(String, String)> {
        r.features
            .iter()
            .map(|f| {
                (
                    f.id.clone(),
                    format!("when {}: {}", describe(r, &f.when), f.text.trim()),
                )
            })
            .collect()
    };
    keyed(
        &mut out,
        "program feature",
        &features(old),
        &features(new),
        |s| s.clone(),
    );
    let resources = |r: &RuleSet| -> Vec<(String, String)> {
        r.resources
            .iter()
            .map(|x| {
                (
                    x.id.clone(),
                    format!("{}: {} (listed {})", x.name, x.contact, x.when_listed(r)),
                )
            })
            .collect()
    };
    keyed(
        &mut out,
        "resource",
        &resources(old),
        &resources(new),
        |s| s.clone(),
    );
    if old.note_markdown != new.note_markdown {
        out.push(Change {
            what: "Markdown note template",
            id: String::new(),
            change: "changed".into(),
        });
    }
    if old.note_template != new.note_template {
        out.push(Change {
            what: "note template",
            id: String::new(),
            change: "changed".into(),
        });
    }
    out
}
