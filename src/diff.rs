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
use crate::model::{ItemIdx, MissingRule, RuleSet};
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
    /// Every record whose level, crisis route or flags change, in input
    /// order. A level can hide a crisis (residential either way), so the
    /// crisis route and the flags are compared apart.
    pub(crate) changed: Vec<Changed>,
    /// Items the file has no column for, filled in every record with their
    /// least severe answer (`--fill least-severe`): (old, new).
    pub(crate) filled: (Vec<String>, Vec<String>),
}

/// A record whose result changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Changed {
    pub(crate) id: String,
    /// Its spreadsheet row number.
    pub(crate) row: u64,
    pub(crate) old: Placement,
    pub(crate) new: Placement,
}

impl Changed {
    /// Whether its level changes (by id; rejected is a level here).
    pub(crate) fn level_changes(&self, old: &RuleSet, new: &RuleSet) -> bool {
        level_id(old, self.old.level) != level_id(new, self.new.level)
    }

    /// The flag ids it loses and gains.
    pub(crate) fn flags(&self, old: &RuleSet, new: &RuleSet) -> (Vec<String>, Vec<String>) {
        let was = flag_ids(old, &self.old);
        let now = flag_ids(new, &self.new);
        let lost = was.iter().filter(|f| !now.contains(f)).cloned().collect();
        let gained = now.iter().filter(|f| !was.contains(f)).cloned().collect();
        (lost, gained)
    }
}

fn level_id(rules: &RuleSet, level: Option<usize>) -> Option<&str> {
    level.map(|l| rules.levels[l].id.as_str())
}

fn flag_ids(rules: &RuleSet, p: &Placement) -> Vec<String> {
    p.flags.iter().map(|&f| rules.flags[f].id.clone()).collect()
}

/// Examples kept per transition in the text.
const EXAMPLES: usize = 3;

/// Score the batch CSV `data` with both rule sets and compare each record's
/// placement. Without `fill`, a file without a column for an item either
/// rule set needs is refused, naming the items; with it, those items get
/// their least severe answer in every record, as test cases fill them.
pub(crate) fn compare_data(
    old: &RuleSet,
    new: &RuleSet,
    data: &Path,
    id_column: &str,
    map: Option<&Path>,
    delimiter: u8,
    fill: bool,
) -> Result<DataComparison, Error> {
    // A mapping is validated against each rule set.
    let mapping = |rules: &RuleSet| -> Result<_, Error> {
        map.map(|path| crate::mapping::load(path, rules).map(std::sync::Arc::new))
            .transpose()
    };
    let (map_old, map_new) = (mapping(old)?, mapping(new)?);
    let open = || {
        File::open(data)
            .map(BufReader::new)
            .map_err(|source| Error::Read {
                path: data.to_path_buf(),
                source,
            })
    };
    if !fill {
        for (side, rules, map) in [("old", old, &map_old), ("new", new, &map_new)] {
            let absent = batch::absent_items(rules, open()?, id_column, map.as_ref(), delimiter)?;
            if !absent.is_empty() {
                return Err(Error::DataLacksItems {
                    data: data.to_path_buf(),
                    side,
                    items: absent.iter().map(|&i| rules.items[i].id.clone()).collect(),
                });
            }
        }
    }
    let names = |rules: &RuleSet, items: Vec<ItemIdx>| -> Vec<String> {
        items.iter().map(|&i| rules.items[i].id.clone()).collect()
    };
    // Old placements first, then the new ones row by row beside them.
    let mut before: Vec<Placement> = Vec::new();
    let filled_old = batch::placements(
        old,
        open()?,
        id_column,
        map_old.as_ref(),
        delimiter,
        fill,
        |_, p| before.push(p),
    )?;
    let rejected_old = old.levels.len();
    let rejected_new = new.levels.len();
    let mut out = DataComparison {
        counts: vec![vec![0u64; rejected_new + 1]; rejected_old + 1],
        changed: Vec::new(),
        filled: (names(old, filled_old), Vec::new()),
    };
    let mut index = 0usize;
    let filled_new = batch::placements(
        new,
        open()?,
        id_column,
        map_new.as_ref(),
        delimiter,
        fill,
        |row, placement| {
            // The same file read twice: the same rows, in the same order.
            if let Some(was) = before.get(index) {
                let from = was.level.unwrap_or(rejected_old);
                let to = placement.level.unwrap_or(rejected_new);
                out.counts[from][to] += 1;
                let changed = Changed {
                    id: row.id.to_string(),
                    row: row.sheet_row,
                    old: was.clone(),
                    new: placement,
                };
                if changed.level_changes(old, new)
                    || was.crisis != changed.new.crisis
                    || flag_ids(old, was) != flag_ids(new, &changed.new)
                {
                    out.changed.push(changed);
                }
            }
            index += 1;
        },
    )?;
    out.filled.1 = names(new, filled_new);
    Ok(out)
}

impl DataComparison {
    /// Records read.
    pub(crate) fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    /// Records whose level changes.
    pub(crate) fn level_changes<'a>(
        &'a self,
        old: &'a RuleSet,
        new: &'a RuleSet,
    ) -> impl Iterator<Item = &'a Changed> + 'a {
        self.changed.iter().filter(|c| c.level_changes(old, new))
    }

    /// Records whose crisis route changes.
    pub(crate) fn crisis_changes(&self) -> impl Iterator<Item = &Changed> {
        self.changed.iter().filter(|c| c.old.crisis != c.new.crisis)
    }

    /// Records whose flags change.
    pub(crate) fn flag_changes<'a>(
        &'a self,
        old: &'a RuleSet,
        new: &'a RuleSet,
    ) -> impl Iterator<Item = &'a Changed> + 'a {
        self.changed
            .iter()
            .filter(|c| flag_ids(old, &c.old) != flag_ids(new, &c.new))
    }

    /// Whether any record's result changes (`--exit-code`): its level,
    /// its crisis route or its flags.
    pub(crate) fn any_change(&self) -> bool {
        !self.changed.is_empty()
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
            self.level_changes(old, new).count()
        );
        for (side, rules, items) in [("old", old, &self.filled.0), ("new", new, &self.filled.1)] {
            if !items.is_empty() {
                let _ = writeln!(
                    out,
                    "Not in the file, so answered with their least severe answer where shown, \
                     in every record, for the {side} rules (--fill least-severe): {}.",
                    items.join(", ")
                );
                let filled: Vec<ItemIdx> =
                    items.iter().filter_map(|i| rules.item_index(i)).collect();
                if let Some(warning) = crate::report::words::filled_safety(rules, &filled) {
                    let _ = writeln!(out, "{warning}");
                }
            }
        }
        let _ = writeln!(out, "{}", table::transition_table(old, new, &self.counts));
        fn index_name(r: &RuleSet, i: usize) -> &str {
            r.levels.get(i).map_or("rejected", |l| l.id.as_str())
        }
        let mut moved: BTreeMap<(usize, usize), Vec<&str>> = BTreeMap::new();
        for c in self.level_changes(old, new) {
            let key = (
                c.old.level.unwrap_or(old.levels.len()),
                c.new.level.unwrap_or(new.levels.len()),
            );
            moved.entry(key).or_default().push(&c.id);
        }
        for ((from, to), ids) in &moved {
            let _ = writeln!(
                out,
                "  {} -> {}: {} record(s), e.g. {}",
                index_name(old, *from),
                index_name(new, *to),
                self.counts[*from][*to],
                ids[..ids.len().min(EXAMPLES)].join(", ")
            );
        }
        let mut crisis: BTreeMap<(bool, bool), Vec<&str>> = BTreeMap::new();
        for c in self.crisis_changes() {
            crisis
                .entry((c.old.crisis, c.new.crisis))
                .or_default()
                .push(&c.id);
        }
        let crisis_moved: usize = crisis.values().map(Vec::len).sum();
        let _ = writeln!(out, "{crisis_moved} record(s) change the crisis route.");
        for ((from, to), ids) in &crisis {
            let _ = writeln!(
                out,
                "  crisis {from} -> {to}: {} record(s), e.g. {}",
                ids.len(),
                ids[..ids.len().min(EXAMPLES)].join(", ")
            );
        }
        let flags: Vec<&Changed> = self.flag_changes(old, new).collect();
        let _ = writeln!(out, "{} record(s) change their flags.", flags.len());
        if !flags.is_empty() {
            let examples: Vec<String> = flags
                .iter()
                .take(EXAMPLES)
                .map(|c| {
                    let (lost, gained) = c.flags(old, new);
                    let both: Vec<String> = lost
                        .iter()
                        .map(|f| format!("-{f}"))
                        .chain(gained.iter().map(|f| format!("+{f}")))
                        .collect();
                    format!("{} ({})", c.id, both.join(" "))
                })
                .collect();
            let _ = writeln!(out, "  e.g. {}", examples.join("; "));
            for f in self.by_flag(old, new) {
                for (how, ids) in [("lost", &f.lost), ("gained", &f.gained)] {
                    if !ids.is_empty() {
                        let _ = writeln!(
                            out,
                            "  flag {} {how} by {} record(s), e.g. {}",
                            f.flag,
                            ids.len(),
                            ids[..ids.len().min(EXAMPLES)].join(", ")
                        );
                    }
                }
            }
        }
        out
    }

    /// Per flag id, the records that lose it and those that gain it, in
    /// input order: which risk a rule change takes away is read here.
    pub(crate) fn by_flag<'a>(&'a self, old: &RuleSet, new: &RuleSet) -> Vec<FlagChange<'a>> {
        let mut out: Vec<FlagChange<'a>> = Vec::new();
        for c in &self.changed {
            let (lost, gained) = c.flags(old, new);
            for (flag, is_lost) in lost
                .into_iter()
                .map(|f| (f, true))
                .chain(gained.into_iter().map(|f| (f, false)))
            {
                let at = match out.iter().position(|x| x.flag == flag) {
                    Some(at) => at,
                    None => {
                        out.push(FlagChange {
                            flag,
                            lost: Vec::new(),
                            gained: Vec::new(),
                        });
                        out.len() - 1
                    }
                };
                match is_lost {
                    true => out[at].lost.push(&c.id),
                    false => out[at].gained.push(&c.id),
                }
            }
        }
        out.sort_by(|a, b| a.flag.cmp(&b.flag));
        out
    }
}

/// One flag's changes over the records.
#[derive(Debug)]
pub(crate) struct FlagChange<'a> {
    pub(crate) flag: String,
    /// Ids of the records that lose it.
    pub(crate) lost: Vec<&'a str>,
    /// Ids of the records that gain it.
    pub(crate) gained: Vec<&'a str>,
}

/// `rules diff --format json`: the structural changes and, with `--data`,
/// the level matrix and every record whose result changes. A view of its
/// own, so the comparison can change without breaking its readers.
pub(crate) fn json(
    old: &RuleSet,
    new: &RuleSet,
    changes: &[Change],
    data: Option<(&Path, &DataComparison)>,
) -> String {
    use serde_json::json;
    let provenance =
        |r: &RuleSet| json!({"name": r.name, "version": r.version, "sha256": r.sha256});
    let placement = |r: &RuleSet, p: &Placement| {
        json!({
            "level": level_id(r, p.level),
            "crisis": p.crisis,
            "flags": flag_ids(r, p),
        })
    };
    // Filled items a safety flag reads: their filled answer assumes no risk.
    let safety_reads = |r: &RuleSet, ids: &[String]| -> Vec<serde_json::Value> {
        let items: Vec<ItemIdx> = ids.iter().filter_map(|i| r.item_index(i)).collect();
        crate::assess::read_by_safety_flags(r, &items)
            .iter()
            .map(|(item, flags)| {
                let flags: Vec<&str> = flags.iter().map(|&f| r.flags[f].id.as_str()).collect();
                json!({"item": r.items[*item].id, "flags": flags})
            })
            .collect()
    };
    let data = data.map(|(path, d)| {
        fn levels(r: &RuleSet) -> Vec<&str> {
            r.levels
                .iter()
                .map(|l| l.id.as_str())
                .chain(["rejected"])
                .collect()
        }
        let records: Vec<serde_json::Value> = d
            .changed
            .iter()
            .map(|c| {
                let (lost, gained) = c.flags(old, new);
                json!({
                    "id": c.id,
                    "row": c.row,
                    "old": placement(old, &c.old),
                    "new": placement(new, &c.new),
                    "level_changed": c.level_changes(old, new),
                    "crisis_changed": c.old.crisis != c.new.crisis,
                    "flags_lost": lost,
                    "flags_gained": gained,
                })
            })
            .collect();
        json!({
            "file": path.display().to_string(),
            "records": d.total(),
            "filled": {"old": d.filled.0, "new": d.filled.1},
            "filled_read_by_safety_flags": {
                "old": safety_reads(old, &d.filled.0),
                "new": safety_reads(new, &d.filled.1),
            },
            "matrix": {
                "old_levels": levels(old),
                "new_levels": levels(new),
                "counts": d.counts,
            },
            "level_changed": d.level_changes(old, new).count(),
            "crisis_changed": d.crisis_changes().count(),
            "flags_changed": d.flag_changes(old, new).count(),
            "by_flag": d
                .by_flag(old, new)
                .iter()
                .map(|f| json!({"flag": f.flag, "lost_by": f.lost, "gained_by": f.gained}))
                .collect::<Vec<_>>(),
            "changed_records": records,
        })
    });
    let value = json!({
        "old": provenance(old),
        "new": provenance(new),
        "same_content": old.sha256 == new.sha256,
        "changes": changes
            .iter()
            .map(|c| json!({"what": c.what, "id": c.id, "change": c.change}))
            .collect::<Vec<_>>(),
        "data": data,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
