//! What changes between two rule sets: the structure (levels, items,
//! scales and bands, ratings, flags, domains, placement rules, features,
//! resources, the note), compared by id, with conditions compared in words
//! so that the order of ids does not matter; and, over a batch file of past
//! intakes, how many records change level, crisis route or flags.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::batch::{self, Placement};
use crate::error::Error;
use crate::model::{MissingRule, RuleSet};
use crate::report::table;
use crate::report::trace::describe;

/// One difference, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// e.g. `placement rule`, `band`, `flag`.
    pub(crate) what: &'static str,
    /// e.g. `moderately_severe_symptoms`, `phq9.severe`.
    pub(crate) id: String,
    pub(crate) change: String,
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
pub(crate) fn changes(old: &RuleSet, new: &RuleSet) -> Vec<Change> {
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
        let list = match domains {
            true => r.domains.as_slice(),
            false => r.ratings.as_slice(),
        };
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
                let from = p
                    .from
                    .map(|l| format!(" from {}", r.levels[l].id))
                    .unwrap_or_default();
                (
                    p.id.clone(),
                    format!(
                        "{}{from} when {}",
                        r.levels[p.level].id,
                        describe(r, &p.when)
                    ),
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
    let at = |r: &RuleSet, at: &[usize]| format!(" at {}", r.level_ids(at).join(", "));
    let conditions = |r: &RuleSet| -> Vec<(String, String)> {
        r.conditions
            .iter()
            .map(|c| {
                let setting = c
                    .setting
                    .as_deref()
                    .map(|s| format!(" (setting: {s})"))
                    .unwrap_or_default();
                (
                    c.id.clone(),
                    format!(
                        "said{} when {}: {}{setting}",
                        at(r, &c.at),
                        describe(r, &c.when),
                        c.rationale.trim()
                    ),
                )
            })
            .collect()
    };
    keyed(
        &mut out,
        "condition on the level",
        &conditions(old),
        &conditions(new),
        |s| s.clone(),
    );
    let features = |r: &RuleSet| -> Vec<(String, String)> {
        r.features
            .iter()
            .map(|f| {
                let at = f.at.as_deref().map(|l| at(r, l)).unwrap_or_default();
                (
                    f.id.clone(),
                    format!("when {}{at}: {}", describe(r, &f.when), f.text.trim()),
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
    if old.screen_limits != new.screen_limits {
        out.push(Change {
            what: "screen limits text",
            id: String::new(),
            change: match (&old.screen_limits, &new.screen_limits) {
                (None, Some(_)) => "added".into(),
                (Some(_), None) => "removed".into(),
                _ => "changed".into(),
            },
        });
    }
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

/// The structural differences in words, as `rules diff` shows them.
pub(crate) fn changes_text(old: &RuleSet, new: &RuleSet, changes: &[Change]) -> String {
    let mut out = String::new();
    if changes.is_empty() && old.sha256 != new.sha256 {
        let _ = writeln!(
            out,
            "No differences in structure, but the content differs (sha256 {} -> {}): \
             a text in another language, or something the comparison does not show, changed.",
            &old.sha256[..12],
            &new.sha256[..12]
        );
    } else if changes.is_empty() {
        let _ = writeln!(out, "No differences in structure.");
    } else {
        let _ = writeln!(out, "{} difference(s):", changes.len());
        for c in changes {
            let id = if c.id.is_empty() {
                String::new()
            } else {
                format!(" `{}`", c.id)
            };
            let _ = writeln!(out, "  {}{id}: {}", c.what, c.change);
        }
    }
    out
}

/// How the records of a batch file place under two rule sets. Level
/// indexes run over each rule set's levels, with one more for rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataComparison {
    /// Records from each old level (rows) to each new level (columns).
    pub(crate) counts: Vec<Vec<u64>>,
    /// Transitions whose level id changes, with their first few record ids.
    pub(crate) moved: BTreeMap<(usize, usize), Vec<String>>,
    /// Records whose crisis route changes, by (old, new) route: how many,
    /// and the first few ids. A level can hide a crisis (residential either
    /// way), so these are counted apart.
    pub(crate) crisis: BTreeMap<(bool, bool), (u64, Vec<String>)>,
    /// How many records change their flags.
    pub(crate) flags_changed: u64,
    /// The first few of them: id with the flags lost (`-`) and gained (`+`).
    pub(crate) flag_examples: Vec<String>,
}

/// Examples kept per transition.
const EXAMPLES: usize = 3;

/// Score the batch CSV `data` with both rule sets and compare each record's
/// placement.
pub(crate) fn compare_data(
    old: &RuleSet,
    new: &RuleSet,
    data: &Path,
    id_column: &str,
) -> Result<DataComparison, Error> {
    let open = || {
        File::open(data)
            .map(BufReader::new)
            .map_err(|source| Error::Read {
                path: data.to_path_buf(),
                source,
            })
    };
    // Old placements first, then the new ones row by row beside them.
    let mut before: Vec<Placement> = Vec::new();
    batch::placements(old, open()?, id_column, |_, p| before.push(p))?;
    let flag_ids = |r: &RuleSet, p: &Placement| -> Vec<String> {
        p.flags.iter().map(|&f| r.flags[f].id.clone()).collect()
    };
    let rejected_old = old.levels.len();
    let rejected_new = new.levels.len();
    let mut out = DataComparison {
        counts: vec![vec![0u64; rejected_new + 1]; rejected_old + 1],
        moved: BTreeMap::new(),
        crisis: BTreeMap::new(),
        flags_changed: 0,
        flag_examples: Vec::new(),
    };
    let mut row = 0usize;
    batch::placements(new, open()?, id_column, |id, placement| {
        let was = before.get(row);
        let from = was.and_then(|p| p.level).unwrap_or(rejected_old);
        let to = placement.level.unwrap_or(rejected_new);
        if let Some(was) = was {
            if was.crisis != placement.crisis {
                let entry = out
                    .crisis
                    .entry((was.crisis, placement.crisis))
                    .or_default();
                entry.0 += 1;
                if entry.1.len() < EXAMPLES {
                    entry.1.push(id.to_string());
                }
            }
            let (was, now) = (flag_ids(old, was), flag_ids(new, &placement));
            if was != now {
                out.flags_changed += 1;
                if out.flag_examples.len() < EXAMPLES {
                    let lost = was
                        .iter()
                        .filter(|f| !now.contains(f))
                        .map(|f| format!("-{f}"));
                    let gained = now
                        .iter()
                        .filter(|f| !was.contains(f))
                        .map(|f| format!("+{f}"));
                    let both: Vec<String> = lost.chain(gained).collect();
                    out.flag_examples.push(format!("{id} ({})", both.join(" ")));
                }
            }
        }
        out.counts[from][to] += 1;
        if old.levels.get(from).map(|l| &l.id) != new.levels.get(to).map(|l| &l.id) {
            let list = out.moved.entry((from, to)).or_default();
            if list.len() < EXAMPLES {
                list.push(id.to_string());
            }
        }
        row += 1;
    })?;
    Ok(out)
}

impl DataComparison {
    /// Records read.
    pub(crate) fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    /// Records whose level changes.
    pub(crate) fn moved_total(&self) -> u64 {
        self.moved.keys().map(|&(f, t)| self.counts[f][t]).sum()
    }

    /// The comparison in words, as `rules diff --data` shows it after the
    /// structural differences.
    pub(crate) fn text(&self, old: &RuleSet, new: &RuleSet, data: &Path) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\n{} record(s) in {}: {} change level.",
            self.total(),
            data.display(),
            self.moved_total()
        );
        let _ = writeln!(out, "{}", table::transition_table(old, new, &self.counts));
        let name = |r: &RuleSet, i: usize| {
            r.levels
                .get(i)
                .map_or("rejected".to_string(), |l| l.id.clone())
        };
        for ((from, to), ids) in &self.moved {
            let _ = writeln!(
                out,
                "  {} -> {}: {} record(s), e.g. {}",
                name(old, *from),
                name(new, *to),
                self.counts[*from][*to],
                ids.join(", ")
            );
        }
        let crisis_moved: u64 = self.crisis.values().map(|(n, _)| n).sum();
        let _ = writeln!(out, "{crisis_moved} record(s) change the crisis route.");
        for ((from, to), (n, ids)) in &self.crisis {
            let _ = writeln!(
                out,
                "  crisis {from} -> {to}: {n} record(s), e.g. {}",
                ids.join(", ")
            );
        }
        let _ = writeln!(out, "{} record(s) change their flags.", self.flags_changed);
        if !self.flag_examples.is_empty() {
            let _ = writeln!(out, "  e.g. {}", self.flag_examples.join("; "));
        }
        out
    }
}
