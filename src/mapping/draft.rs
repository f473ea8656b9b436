//! `map draft`: a first mapping for a new export, for a person to check.
//!
//! It proposes `columns` from names (an item's own id, or the same
//! instrument prefix and item number: `phq_1`, `phq9_q1`, `PHQ9-1`) and,
//! with a REDCap data dictionary, from field labels against the items'
//! texts; `recode` tables from the dictionary's choices against the items'
//! options; `missing` from values in the export's first rows that are no
//! code; and puts every other column under `ignore`. Each guess carries a
//! `# guess:` comment to check. What it writes loads as a mapping as it is:
//! accepting the guesses is deleting the comments; a wrong guess is fixed
//! by editing the line. Reading the files is the caller's (`cli`); this
//! works on their cells.

use crate::model::{ItemIdx, ItemKind, RuleSet};

/// The export's header and first rows, and a REDCap data dictionary.
pub(crate) struct Sources<'a> {
    /// The export's header, then some of its rows.
    pub(crate) export: &'a [Vec<String>],
    /// A REDCap data dictionary (header first), if given.
    pub(crate) dictionary: Option<&'a [Vec<String>]>,
    /// Where the export was read from, for the draft's first comment.
    pub(crate) export_name: &'a str,
}

/// One field of a REDCap data dictionary.
struct Field {
    label: String,
    /// (source value, its label), in order.
    choices: Vec<(String, String)>,
}

/// Lowest label similarity taken as a guess.
const LABEL_MATCH: f64 = 0.75;
/// Lowest similarity of a choice's label to an option's.
const CHOICE_MATCH: f64 = 0.6;
/// Rows of the export read for values that are no code.
pub(crate) const SAMPLE_ROWS: usize = 2000;

/// A proposed recode table, the items it is for, and the choices it
/// could not place.
struct Recode {
    table: Vec<(String, i64)>,
    items: Vec<ItemIdx>,
    unmatched: Vec<String>,
}

/// A column's item, and why.
struct Matched {
    column: usize,
    item: ItemIdx,
    /// The `# guess:` comment; `None` when the name is the item's id.
    guess: Option<String>,
}

/// Write a draft mapping for `sources`.
pub(crate) fn draft(rules: &RuleSet, sources: &Sources<'_>) -> String {
    let header: Vec<String> = sources
        .export
        .first()
        .map(|h| h.iter().map(|n| n.trim().to_string()).collect())
        .unwrap_or_default();
    let rows = sources.export.get(1..).unwrap_or_default();
    let fields = sources.dictionary.map(dictionary).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, f)| f)
    };

    let id = ["record_id", "id", "participant_id", "study_id"]
        .iter()
        .find_map(|want| header.iter().position(|h| h.eq_ignore_ascii_case(want)))
        .unwrap_or(0);
    let keep: Vec<usize> = (0..header.len())
        .filter(|&j| {
            let name = header[j].to_ascii_lowercase();
            j != id
                && matches!(
                    name.as_str(),
                    "redcap_event_name" | "redcap_repeat_instrument" | "redcap_repeat_instance"
                )
        })
        .collect();

    // Names first: exact ids, then instrument prefix and number.
    let mut matched: Vec<Matched> = Vec::new();
    let taken = |matched: &[Matched], item: ItemIdx| matched.iter().any(|m| m.item == item);
    for (j, name) in header.iter().enumerate() {
        if j == id || keep.contains(&j) {
            continue;
        }
        let exact = rules
            .item_index(&name.to_ascii_lowercase())
            .filter(|&i| rules.items[i].is_answerable());
        if let Some(item) = exact.filter(|&i| !taken(&matched, i)) {
            matched.push(Matched {
                column: j,
                item,
                guess: None,
            });
        }
    }
    for (j, name) in header.iter().enumerate() {
        if j == id || keep.contains(&j) || matched.iter().any(|m| m.column == j) {
            continue;
        }
        if let Some(item) = by_number(rules, name).filter(|&i| !taken(&matched, i)) {
            matched.push(Matched {
                column: j,
                item,
                guess: Some(format!(
                    "name `{}` ~ item {} (same instrument and item number)",
                    clean(name),
                    rules.items[item].id
                )),
            });
        }
    }
    // Then labels against item texts.
    for (j, name) in header.iter().enumerate() {
        if j == id || keep.contains(&j) || matched.iter().any(|m| m.column == j) {
            continue;
        }
        let Some(f) = field(name) else { continue };
        let label = normalize(&f.label);
        if label.is_empty() {
            continue;
        }
        // The label, and for an item of three or more options the field's
        // choices against them too (labels are reworded more than answers).
        let similarity = |i: ItemIdx| {
            let text = strsim::sorensen_dice(&label, &normalize(&rules.items[i].text));
            match choices_match(rules, i, &f.choices) {
                Some(choices) => ((text + choices) / 2.0).max(text),
                None => text,
            }
        };
        let best = (0..rules.items.len())
            .filter(|&i| rules.items[i].is_answerable() && !taken(&matched, i))
            .map(|i| (similarity(i), i))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((score, item)) = best.filter(|&(score, _)| score >= LABEL_MATCH) {
            let how = match choices_match(rules, item, &f.choices) {
                Some(_) => "label and choices",
                None => "label",
            };
            matched.push(Matched {
                column: j,
                item,
                guess: Some(format!(
                    "{how} \"{}\" ~ item {} ({score:.2})",
                    clean(&f.label),
                    rules.items[item].id
                )),
            });
        }
    }
    matched.sort_by_key(|m| m.item);

    // Recode tables from the dictionary's choices.
    let mut recodes: Vec<Recode> = Vec::new();
    for m in &matched {
        let Some(f) = field(&header[m.column]) else {
            continue;
        };
        if f.choices.is_empty() {
            continue;
        }
        let (table, unmatched) = recode(rules, m.item, &f.choices);
        let identity = table.iter().all(|(k, c)| *k == c.to_string()) && unmatched.is_empty();
        if table.is_empty() || identity {
            continue;
        }
        match recodes
            .iter_mut()
            .find(|r| r.table == table && r.unmatched == unmatched)
        {
            Some(r) => r.items.push(m.item),
            None => recodes.push(Recode {
                table,
                items: vec![m.item],
                unmatched,
            }),
        }
    }

    // Values in the data that are no answer to their column's item.
    let mut missing: Vec<String> = Vec::new();
    for m in &matched {
        let recoded = recodes.iter().find(|r| r.items.contains(&m.item));
        for row in rows {
            let Some(value) = row.get(m.column).map(|v| v.trim()) else {
                continue;
            };
            if value.is_empty() || missing.iter().any(|v| v == value) {
                continue;
            }
            let known = match recoded {
                Some(r) => r.table.iter().any(|(k, _)| k == value),
                None => crate::answers::parse_answer(&rules.items[m.item], value).is_ok(),
            };
            let looks_missing = value.starts_with('-')
                || value.chars().all(|c| c.is_ascii_uppercase())
                || value.chars().all(|c| c.is_ascii_digit()) && value.len() >= 2;
            if !known && looks_missing {
                missing.push(value.to_string());
            }
        }
    }

    // Instruments without a column for any item.
    let not_collected: Vec<usize> = (0..rules.instruments.len())
        .filter(|&n| {
            let items = rules.instruments[n].items.clone();
            let answerable = items.clone().any(|i| rules.items[i].is_answerable());
            answerable && !items.clone().any(|i| taken(&matched, i))
        })
        .collect();
    let lacking: Vec<ItemIdx> = (0..rules.items.len())
        .filter(|&i| {
            let item = &rules.items[i];
            item.is_answerable()
                && (item.required || !item.scales.is_empty())
                && !taken(&matched, i)
                && !not_collected.contains(&item.instrument)
        })
        .collect();

    let mut out = String::new();
    let line = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    line(
        &mut out,
        &format!(
            "# A draft mapping for {}, for rule set {} {}.",
            clean(sources.export_name),
            rules.name,
            rules.version
        ),
    );
    line(
        &mut out,
        "# Check every line marked `# guess:` (delete the comment to accept it), then",
    );
    line(
        &mut out,
        "# `carescreen score EXPORT.csv --map THIS.yaml`. See MAPPING.md.",
    );
    line(&mut out, "mapping: 1");
    line(
        &mut out,
        &format!(
            "id: {}{}",
            quote(header.get(id).map_or("record_id", String::as_str)),
            match header.get(id).map(|h| h.to_ascii_lowercase()) {
                Some(h) if h == "record_id" || h == "id" => "",
                _ => "   # guess: the record id",
            }
        ),
    );
    let kept: Vec<String> = keep.iter().map(|&j| quote(&header[j])).collect();
    line(&mut out, &format!("keep: [{}]", kept.join(", ")));
    match header
        .iter()
        .find(|h| h.to_ascii_lowercase().ends_with("_complete"))
    {
        Some(complete) => line(
            &mut out,
            &format!(
                "# only_if: {{ column: {}, in: [\"2\"] }}   # REDCap: score only complete forms?",
                quote(complete)
            ),
        ),
        None => line(&mut out, "# only_if: { column: COLUMN, in: [\"VALUE\"] }"),
    }
    line(&mut out, "columns:");
    let listed: Vec<&Matched> = matched.iter().filter(|m| m.guess.is_some()).collect();
    if listed.is_empty() {
        line(&mut out, "  []   # every item's column is named by its id");
    }
    for m in listed {
        line(
            &mut out,
            &format!(
                "  - {{ item: {}, from: {} }}   # guess: {}",
                rules.items[m.item].id,
                quote(&header[m.column]),
                m.guess.as_deref().unwrap_or_default()
            ),
        );
    }
    for &i in &lacking {
        line(
            &mut out,
            &format!(
                "  # - {{ item: {}, from: COLUMN }}   # check: no column found for this item",
                rules.items[i].id
            ),
        );
    }
    line(&mut out, "recode:");
    if recodes.is_empty() {
        line(&mut out, "  []");
    }
    for Recode {
        table,
        items,
        unmatched,
    } in &recodes
    {
        let ids: Vec<&str> = items.iter().map(|&i| rules.items[i].id.as_str()).collect();
        line(&mut out, &format!("  - items: [{}]", ids.join(", ")));
        let values: Vec<String> = table
            .iter()
            .map(|(k, c)| format!("{}: {c}", quote(k)))
            .collect();
        line(
            &mut out,
            &format!(
                "    values: {{ {} }}   # guess: from the dictionary's choices",
                values.join(", ")
            ),
        );
        for u in unmatched {
            line(&mut out, &format!(
                "    # check: the choice \"{}\" matches no answer; add it to `missing` or the table",
                clean(u)
            ));
        }
    }
    let values: Vec<String> = missing.iter().map(|v| quote(v)).collect();
    line(
        &mut out,
        &format!(
            "missing: [{}]{}",
            values.join(", "),
            match missing.is_empty() {
                true => "   # values that mean no answer (never read as 0)",
                false => "   # guess: seen in the data, no answer code",
            }
        ),
    );
    let used = |j: usize| j == id || keep.contains(&j) || matched.iter().any(|m| m.column == j);
    let unused: Vec<usize> = (0..header.len()).filter(|&j| !used(j)).collect();
    line(&mut out, "ignore:");
    if unused.is_empty() {
        line(&mut out, "  []");
    }
    for j in unused {
        line(
            &mut out,
            &format!("  - {}   # not matched to any item", quote(&header[j])),
        );
    }
    let ids: Vec<&str> = not_collected
        .iter()
        .map(|&n| rules.instruments[n].id.as_str())
        .collect();
    line(
        &mut out,
        &format!(
            "not_collected: [{}]{}",
            ids.join(", "),
            match ids.is_empty() {
                true => "",
                false => "   # guess: no column found for any of their items",
            }
        ),
    );
    out
}

/// The item a name gives by instrument prefix and item number: `phq_1`,
/// `phq9_q1`, `PHQ9-1`, `gad7_item3` (the prefix may drop the
/// instrument's trailing digits).
fn by_number(rules: &RuleSet, name: &str) -> Option<ItemIdx> {
    let name = name.trim().to_ascii_lowercase();
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let (head, number) = name.split_at(name.len() - digits);
    let number: u32 = number.parse().ok()?;
    let head = head.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    // `q` or `item` before the number, after a separator or a digit.
    let head = ["item", "q"]
        .iter()
        .filter_map(|s| head.strip_suffix(s))
        .find(|rest| {
            rest.chars()
                .next_back()
                .is_some_and(|c| !c.is_ascii_alphabetic())
        })
        .unwrap_or(head);
    let prefix: String = head.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if prefix.is_empty() {
        return None;
    }
    let instrument = rules.instruments.iter().find(|i| {
        let id: String = i.id.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        id == prefix
            || id
                .strip_prefix(&prefix)
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
    })?;
    rules
        .item_index(&format!("{}_{number}", instrument.id))
        .filter(|&i| rules.items[i].is_answerable())
}

/// How well a field's choices match an item's options (the mean of each
/// option's best match), for an item of three or more options.
fn choices_match(rules: &RuleSet, item: ItemIdx, choices: &[(String, String)]) -> Option<f64> {
    let ItemKind::Choice(options) = &rules.items[item].kind else {
        return None;
    };
    if options.len() < 3 || choices.len() != options.len() {
        return None;
    }
    let total: f64 = options
        .iter()
        .map(|o| {
            let option = normalize(&o.label);
            choices
                .iter()
                .map(|(_, label)| strsim::sorensen_dice(&option, &normalize(label)))
                .fold(0.0, f64::max)
        })
        .sum();
    Some(total / options.len() as f64)
}

/// A recode table for an item from a field's choices, and the choices no
/// answer matches.
fn recode(
    rules: &RuleSet,
    item: ItemIdx,
    choices: &[(String, String)],
) -> (Vec<(String, i64)>, Vec<String>) {
    let mut table = Vec::new();
    let mut unmatched = Vec::new();
    for (value, label) in choices {
        let label_n = normalize(label);
        let code = match &rules.items[item].kind {
            ItemKind::YesNo { .. } => match label_n.as_str() {
                "yes" | "true" | "y" => Some(1),
                "no" | "false" | "n" => Some(0),
                _ => None,
            },
            ItemKind::Choice(options) => options
                .iter()
                .map(|o| {
                    (
                        strsim::sorensen_dice(&label_n, &normalize(&o.label)),
                        o.code,
                    )
                })
                .filter(|&(score, _)| score >= CHOICE_MATCH)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, code)| code),
            ItemKind::Integer { .. } | ItemKind::Info => None,
        };
        match code {
            Some(code) => table.push((value.clone(), code)),
            None => unmatched.push(format!("{value}, {label}")),
        }
    }
    (table, unmatched)
}

/// The fields of a REDCap data dictionary: name -> label and choices.
fn dictionary(rows: &[Vec<String>]) -> Vec<(String, Field)> {
    let Some(header) = rows.first() else {
        return Vec::new();
    };
    let column = |starts: &str| {
        header
            .iter()
            .position(|h| h.trim().to_ascii_lowercase().starts_with(starts))
    };
    let (Some(name), label, choices, kind) = (
        column("variable / field name"),
        column("field label"),
        column("choices, calculations"),
        column("field type"),
    ) else {
        return Vec::new();
    };
    let cell = |row: &Vec<String>, j: Option<usize>| {
        j.and_then(|j| row.get(j))
            .map_or(String::new(), |c| c.trim().to_string())
    };
    rows[1..]
        .iter()
        .map(|row| {
            let mut parsed: Vec<(String, String)> = cell(row, choices)
                .split('|')
                .filter_map(|c| {
                    let (value, label) = c.split_once(',')?;
                    Some((value.trim().to_string(), label.trim().to_string()))
                })
                .collect();
            if parsed.is_empty() && cell(row, kind) == "yesno" {
                parsed = vec![("1".into(), "Yes".into()), ("0".into(), "No".into())];
            }
            let field = Field {
                label: cell(row, label),
                choices: parsed,
            };
            (cell(row, Some(name)), field)
        })
        .collect()
}

/// Text compared for similarity: lowercase words, markup and a leading
/// number (`1.`, `a)`) dropped.
fn normalize(text: &str) -> String {
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let words: Vec<String> = plain
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let start =
        usize::from(words.first().is_some_and(|w| {
            w.len() <= 2 && (w.chars().all(|c| c.is_ascii_digit()) || w.len() == 1)
        }));
    words[start.min(words.len())..].join(" ")
}

/// Text for a one-line comment: no line breaks or markup, at most 40
/// characters.
fn clean(text: &str) -> String {
    let one: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let one = one.split_whitespace().collect::<Vec<_>>().join(" ");
    match one.chars().count() > 40 {
        true => one.chars().take(40).collect::<String>() + "…",
        false => one,
    }
}

/// A YAML string, double-quoted when it needs to be.
fn quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !text.chars().all(|c| c.is_ascii_digit())
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "on" | "off" | "y" | "n"
        );
    match plain {
        true => text.to_string(),
        false => serde_json::to_string(text).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::{by_number, normalize, recode};
    use crate::rules::{load, RulesSource};

    #[test]
    fn names_with_the_instruments_prefix_and_number_find_their_item() {
        let rules = load(&RulesSource::Embedded).expect("built-in rules");
        let id = |name: &str| by_number(&rules, name).map(|i| rules.items[i].id.clone());
        assert_eq!(id("phq_1").as_deref(), Some("phq9_1"));
        assert_eq!(id("phq9_q1").as_deref(), Some("phq9_1"));
        assert_eq!(id("PHQ9-1").as_deref(), Some("phq9_1"));
        assert_eq!(id("gad_item7").as_deref(), Some("gad7_7"));
        assert_eq!(id("dast_3").as_deref(), Some("dast10_3"));
        assert_eq!(id("phq_42"), None);
        assert_eq!(id("ptsd_1"), None, "a prefix of no instrument");
        assert_eq!(id("screening_complete"), None);
    }

    #[test]
    fn choices_recode_by_their_words_and_a_stranger_is_named() {
        let rules = load(&RulesSource::Embedded).expect("built-in rules");
        let item = |id: &str| rules.item_index(id).expect("an item");
        let choices = |text: &str| -> Vec<(String, String)> {
            text.split('|')
                .filter_map(|c| c.split_once(','))
                .map(|(v, l)| (v.trim().to_string(), l.trim().to_string()))
                .collect()
        };
        let (table, unmatched) = recode(
            &rules,
            item("daily_use"),
            &choices("1, Yes | 2, No | 9, Prefer not to say"),
        );
        assert_eq!(table, [("1".to_string(), 1), ("2".to_string(), 0)]);
        assert_eq!(unmatched, ["9, Prefer not to say"]);
        let (table, unmatched) = recode(
            &rules,
            item("phq9_2"),
            &choices("1, Not at all | 2, Several days | 3, More than half the days | 4, Nearly every day"),
        );
        let codes: Vec<i64> = table.iter().map(|&(_, c)| c).collect();
        assert_eq!(
            codes,
            [0, 1, 2, 3],
            "REDCap's 1-4 back to the published 0-3"
        );
        assert!(unmatched.is_empty());
    }

    #[test]
    fn labels_compare_without_markup_or_their_number() {
        assert_eq!(
            normalize("1. <b>Little</b> interest or pleasure in doing things?"),
            "little interest or pleasure in doing things"
        );
    }
}
