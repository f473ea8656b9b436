//! A rule set in plain words, for clinical review: levels, instruments with
//! their items, options and scores, scales and bands, ratings, flags,
//! domains, placement rules and program features, with every condition in
//! words ("PHQ-9 total is Severe depression or higher and `home_safety` is
//! 'Only with help' or more").

use std::fmt::Write as _;

use crate::model::{Cmp, Condition, ItemKind, MissingRule, RuleSet, Subject};

/// A condition in plain words.
pub(crate) fn words(rules: &RuleSet, cond: &Condition) -> String {
    match cond {
        Condition::All(cs) => join(rules, cs, " and "),
        Condition::Any(cs) => join(rules, cs, " or "),
        Condition::Not(c) => format!("not ({})", words(rules, c)),
        Condition::Flag(f) => format!("flag `{}` is raised", rules.flags[*f].id),
        Condition::Compare(subject, cmp) => compare(rules, *subject, cmp),
    }
}

fn join(rules: &RuleSet, cs: &[Condition], sep: &str) -> String {
    let parts: Vec<String> = cs
        .iter()
        .map(|c| match c {
            Condition::All(_) | Condition::Any(_) if cs.len() > 1 => {
                format!("({})", words(rules, c))
            }
            _ => words(rules, c),
        })
        .collect();
    parts.join(sep)
}

fn compare(rules: &RuleSet, subject: Subject, cmp: &Cmp) -> String {
    let (name, value): (String, Box<dyn Fn(i64) -> String + '_>) = match subject {
        Subject::Item(i) => {
            let item = &rules.items[i];
            let label = move |code: i64| match (&item.kind, item.answer_label(code)) {
                (ItemKind::YesNo { .. }, Some(label)) => label.to_string(),
                (_, Some(label)) => format!("'{label}'"),
                (_, None) => code.to_string(),
            };
            (format!("`{}`", item.id), Box::new(label))
        }
        Subject::Scale(s) => (
            rules.scales[s].title.clone(),
            Box::new(|v: i64| v.to_string()),
        ),
        Subject::Band(s) => {
            let scale = &rules.scales[s];
            (
                scale.title.clone(),
                Box::new(move |b: i64| grade_label(scale.bands.iter().map(|b| &b.label), b)),
            )
        }
        Subject::Rating(r) => {
            let rating = &rules.ratings[r];
            (
                rating.title.clone(),
                Box::new(move |g: i64| grade_label(rating.grades.iter().map(|g| &g.label), g)),
            )
        }
        Subject::Domain(d) => {
            let domain = &rules.domains[d];
            (
                domain.title.clone(),
                Box::new(move |g: i64| grade_label(domain.grades.iter().map(|g| &g.label), g)),
            )
        }
    };
    let ordinal = !matches!(subject, Subject::Scale(_));
    match cmp {
        Cmp::Eq(v) => format!("{name} is {}", value(*v)),
        Cmp::AtLeast(v) if ordinal => format!("{name} is {} or more", value(*v)),
        Cmp::AtLeast(v) => format!("{name} ≥ {}", value(*v)),
        Cmp::AtMost(v) if ordinal => format!("{name} is {} or less", value(*v)),
        Cmp::AtMost(v) => format!("{name} ≤ {}", value(*v)),
        Cmp::In(vs) => {
            let names: Vec<String> = vs.iter().map(|v| value(*v)).collect();
            format!("{name} is one of {}", names.join(", "))
        }
    }
}

fn grade_label<'a>(mut labels: impl Iterator<Item = &'a String>, index: i64) -> String {
    usize::try_from(index)
        .ok()
        .and_then(|i| labels.nth(i))
        .map_or(index.to_string(), |l| format!("'{l}'"))
}

/// Every answer with its score: `0 = 'Not at all': 0; 1 = ...`. A label is
/// quoted, as in conditions, so one that begins with a number (AUDIT's
/// "1 or 2", code 0) never reads as a code.
fn answers(kind: &ItemKind) -> String {
    match kind {
        ItemKind::Choice(options) => options
            .iter()
            .map(|o| format!("{} = '{}': {}", o.code, o.label, o.score))
            .collect::<Vec<_>>()
            .join("; "),
        _ => kind.answers_summary(),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A scale's missing-data rule in words.
fn missing_words(rules: &RuleSet, missing: &MissingRule) -> String {
    match missing {
        MissingRule::AllRequired => {
            "every item is required; a missing one rejects the record".to_string()
        }
        MissingRule::Invalid => "a missing item leaves the scale without a score".to_string(),
        MissingRule::Prorate { max_missing, never } => {
            let never: Vec<String> = never
                .iter()
                .map(|&i| format!("`{}`", rules.items[i].id))
                .collect();
            let never = if never.is_empty() {
                "(none)".to_string()
            } else {
                never.join(", ")
            };
            format!("up to {max_missing} missing item(s) are prorated; never {never}")
        }
    }
}

/// The whole rule set as Markdown.
pub(crate) fn markdown(rules: &RuleSet) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Rule set {} {}\n", rules.name, rules.version);
    let _ = writeln!(
        o,
        "SHA-256 `{}`. Generated by `carescreen rules show`; do not edit.\n",
        rules.sha256
    );
    let _ = writeln!(o, "## Levels of care (least to most intensive)\n\n| id | level | what it means |\n| --- | --- | --- |");
    for l in &rules.levels {
        let _ = writeln!(
            o,
            "| `{}` | {} | {} |",
            l.id,
            cell(&l.name),
            cell(&l.description)
        );
    }
    let _ = writeln!(
        o,
        "\nDefault level: `{}`. A crisis flag recommends `{}`.\n",
        rules.levels[rules.default_level].id,
        rules.levels[rules.top_level()].id
    );
    let _ = writeln!(o, "## Instruments\n");
    for ins in &rules.instruments {
        let _ = writeln!(
            o,
            "### {} (`{}`)\n\n{}\n",
            ins.title,
            ins.id,
            ins.source.trim()
        );
        if let Some(p) = &ins.preamble {
            let _ = writeln!(o, "*{}*\n", p.trim());
        }
        let _ = writeln!(o, "| item | question | answers (code = 'label': score) | asked when |\n| --- | --- | --- | --- |");
        for item in &rules.items[ins.items.clone()] {
            let answers = answers(&item.kind);
            let mut when = item
                .show_if
                .as_ref()
                .map_or("always".to_string(), |c| words(rules, c));
            if item.answer_implies_gate {
                when.push_str(
                    "; an answer implies that condition held: with the gate blank or invalid, \
                     safety flags read it as held",
                );
            }
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} |",
                item.id,
                cell(item.text.trim()),
                cell(&answers),
                cell(&when)
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## Scales\n");
    for s in &rules.scales {
        let items: Vec<String> = s
            .items
            .iter()
            .map(|&i| format!("`{}`", rules.items[i].id))
            .collect();
        let missing = missing_words(rules, &s.missing);
        let bands: Vec<String> = s
            .bands
            .iter()
            .map(|b| format!("{}–{} {}", b.min, b.max, b.label))
            .collect();
        let _ = writeln!(
            o,
            "- **{}** (`{}`): sum of {}; {} to {}; {}. Bands: {}.",
            s.title,
            s.id,
            items.join(", "),
            s.min,
            s.max,
            missing,
            bands.join("; ")
        );
    }
    for (title, ratings) in [
        ("Ratings", rules.ratings.as_slice()),
        ("Placement domains", rules.domains.as_slice()),
    ] {
        let _ = writeln!(o, "\n## {title}\n");
        for r in ratings {
            let _ = writeln!(
                o,
                "- **{}** (`{}`), the most severe grade that holds:",
                r.title, r.id
            );
            for g in &r.grades {
                let when = g.when.as_ref().map_or("otherwise".to_string(), |c| {
                    format!("when {}", words(rules, c))
                });
                let _ = writeln!(o, "  - `{}` {}: {}", g.id, g.label, when);
            }
        }
    }
    let _ = writeln!(o, "\n## Flags\n\n| flag | severity | raised when | effect | message |\n| --- | --- | --- | --- | --- |");
    for f in &rules.flags {
        let mut effect = Vec::new();
        if f.crisis {
            effect.push("crisis route".to_string());
        }
        if f.safety {
            effect.push("safety: crisis resources in the note".to_string());
        }
        if let Some(l) = f.min_level {
            effect.push(format!("at least `{}`", rules.levels[l].id));
        }
        if let Some(u) = f.urgency {
            effect.push(format!("urgency: {}", u.as_str()));
        }
        if f.is_safety() {
            let items = safety_items(rules, f);
            effect.push(format!(
                "reads every answer given, skipped questions too: {}",
                items.join(", ")
            ));
        }
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} | {} |",
            f.id,
            f.severity.as_str(),
            cell(&words(rules, &f.when)),
            effect.join("; "),
            cell(f.message.trim())
        );
    }
    let _ = writeln!(o, "\n## Placement rules\n\nThe most intensive level among the rules that hold (and flags' minimums) wins; otherwise `{}`.\n\n| rule | level | when | why |\n| --- | --- | --- | --- |", rules.levels[rules.default_level].id);
    for r in &rules.rules {
        let _ = writeln!(
            o,
            "| `{}` | `{}` | {} | {} |",
            r.id,
            rules.levels[r.level].id,
            cell(&words(rules, &r.when)),
            cell(&r.rationale)
        );
    }
    let _ = writeln!(o, "\n## Program features\n");
    for f in &rules.features {
        let _ = writeln!(
            o,
            "- `{}`, when {}: {}",
            f.id,
            words(rules, &f.when),
            f.text.trim()
        );
    }
    let _ = writeln!(o, "\n## Resources\n");
    for r in &rules.resources {
        let when = r.when_listed(rules);
        let hours = r
            .hours
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        let _ = writeln!(o, "- {}: {}{hours}; listed {when}", r.name, r.contact);
    }
    let _ = writeln!(
        o,
        "\n## Test cases\n\n{} cases ship with the rule set (`carescreen rules test`).",
        rules.cases.len()
    );
    o
}

/// The Markdown as plain text: headings and tables become lines.
pub(crate) fn text(rules: &RuleSet) -> String {
    let mut out = String::new();
    for line in markdown(rules).lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("| ---") {
            continue;
        }
        if let Some(row) = trimmed.strip_prefix('|').and_then(|r| r.strip_suffix('|')) {
            let cells: Vec<String> = row
                .split(" | ")
                .map(|c| c.trim().replace("\\|", "|").replace('`', ""))
                .collect();
            out.push_str(&format!("  {}\n", cells.join(" - ")));
            continue;
        }
        let line = line.trim_start_matches('#').trim_start();
        out.push_str(&line.replace('`', "").replace("**", ""));
        out.push('\n');
    }
    out
}

/// The rule set as JSON, with every condition in words.
pub(crate) fn json(rules: &RuleSet) -> String {
    use serde_json::json;
    let grades = |ratings: &[crate::model::Rating]| -> Vec<serde_json::Value> {
        ratings
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "title": r.title,
                    "grades": r.grades.iter().map(|g| json!({
                        "id": g.id, "label": g.label,
                        "when": g.when.as_ref().map(|c| words(rules, c)),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    };
    let value = json!({
        "name": rules.name, "version": rules.version, "sha256": rules.sha256,
        "levels": rules.levels.iter().map(|l| json!({"id": l.id, "name": l.name, "description": l.description, "referral": l.referral})).collect::<Vec<_>>(),
        "default_level": rules.levels[rules.default_level].id,
        "instruments": rules.instruments.iter().map(|ins| json!({
            "id": ins.id, "title": ins.title, "source": ins.source, "preamble": ins.preamble,
            "items": rules.items[ins.items.clone()].iter().map(|item| json!({
                "id": item.id, "text": item.text,
                "answers": match &item.kind {
                    ItemKind::Choice(options) => options.iter().map(|o| json!({"code": o.code, "label": o.label, "score": o.score})).collect::<Vec<_>>(),
                    ItemKind::YesNo { yes, no } => vec![json!({"code": 1, "label": "yes", "score": yes}), json!({"code": 0, "label": "no", "score": no})],
                    ItemKind::Integer { min, max, .. } => vec![json!({"min": min, "max": max})],
                    ItemKind::Info => Vec::new(),
                },
                "asked_when": item.show_if.as_ref().map(|c| words(rules, c)),
                "required": item.scales.is_empty() && item.required,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "scales": rules.scales.iter().map(|s| json!({
            "id": s.id, "title": s.title, "min": s.min, "max": s.max,
            "items": s.items.iter().map(|&i| &rules.items[i].id).collect::<Vec<_>>(),
            "missing": missing_words(rules, &s.missing),
            "bands": s.bands.iter().map(|b| json!({"id": b.id, "label": b.label, "min": b.min, "max": b.max})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "ratings": grades(rules.ratings.as_slice()),
        "flags": rules.flags.iter().map(|f| json!({
            "id": f.id, "severity": f.severity.as_str(), "safety": f.safety, "crisis": f.crisis,
            "min_level": f.min_level.map(|l| &rules.levels[l].id), "urgency": f.urgency.map(|u| u.as_str()),
            "next_step": f.next_step, "when": words(rules, &f.when), "message": f.message,
            "reads_items": if f.is_safety() { Some(safety_items(rules, f)) } else { None },
        })).collect::<Vec<_>>(),
        "domains": grades(rules.domains.as_slice()),
        "placement_rules": rules.rules.iter().map(|r| json!({
            "id": r.id, "level": rules.levels[r.level].id, "when": words(rules, &r.when), "rationale": r.rationale,
        })).collect::<Vec<_>>(),
        "program_features": rules.features.iter().map(|f| json!({"id": f.id, "when": words(rules, &f.when), "text": f.text})).collect::<Vec<_>>(),
        "resources": rules.resources.iter().map(|r| json!({"id": r.id, "name": r.name, "contact": r.contact, "hours": r.hours, "listed": r.when_listed(rules)})).collect::<Vec<_>>(),
        "cases": rules.cases.len(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The items a safety flag reads, directly or through a rating, as
/// `` `id` `` in item order.
fn safety_items(rules: &RuleSet, flag: &crate::model::Flag) -> Vec<String> {
    let subjects = crate::model::condition_subjects(&rules.ratings, &flag.when);
    (0..rules.items.len())
        .filter(|&i| subjects.contains(&crate::model::Subject::Item(i)))
        .map(|i| format!("`{}`", rules.items[i].id))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::{load, RulesSource};

    #[test]
    fn an_option_label_that_begins_with_a_number_is_quoted_apart_from_its_code() {
        let rules = load(&RulesSource::Embedded).expect("default rules");
        let doc = super::markdown(&rules);
        let row = doc
            .lines()
            .find(|l| l.starts_with("| `audit_2` |"))
            .expect("the audit_2 row");
        assert!(
            row.contains("0 = '1 or 2': 0; 1 = '3 or 4': 1; 2 = '5 or 6': 2; 3 = '7, 8, or 9': 3; 4 = '10 or more': 4"),
            "{row}"
        );
    }
}
