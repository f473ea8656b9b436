//! The flat result row of the batch CSV contract (DESIGN.md): column names
//! and values, in order.

use crate::assess::Assessment;
use crate::model::RuleSet;

/// Output column names for a rule set, with the id column named as in the input.
pub fn header(rules: &RuleSet, id_column: &str) -> Vec<String> {
    let mut out = vec![id_column.to_string()];
    out.extend(["level", "level_name", "crisis", "flags"].map(String::from));
    for scale in &rules.scales {
        out.push(format!("{}_score", scale.id));
        out.push(format!("{}_band", scale.id));
    }
    out.extend(rules.ratings.iter().map(|r| r.id.clone()));
    out.extend(["reasons", "rules_version", "rules_sha256", "error"].map(String::from));
    out
}

/// Write the result columns of a scored record (everything between the id
/// column and `rules_version`), in header order, one `field` call each.
/// `scratch` is a reusable buffer, so a row costs no allocation.
pub fn result_fields(
    rules: &RuleSet,
    a: &Assessment,
    scratch: &mut String,
    mut field: impl FnMut(&str),
) {
    field(&rules.levels[a.level].id);
    field(&rules.levels[a.level].name);
    field(if a.crisis { "true" } else { "false" });
    scratch.clear();
    for f in a.raised_flags(rules) {
        if !scratch.is_empty() {
            scratch.push(';');
        }
        scratch.push_str(&rules.flags[f].id);
    }
    field(scratch);
    let mut number = itoa::Buffer::new();
    for (scale, result) in rules.scales.iter().zip(&a.scales) {
        field(result.score.map_or("", |score| number.format(score)));
        field(result.band.map_or("", |b| scale.bands[b].id.as_str()));
    }
    for (rating, &grade) in rules.ratings.iter().zip(&a.ratings) {
        field(&rating.grades[grade].id);
    }
    scratch.clear();
    a.visit_reasons(rules, |reason| {
        if !scratch.is_empty() {
            scratch.push(';');
        }
        scratch.push_str(reason.id_str(rules));
    });
    field(scratch);
}

/// The result columns of a rejected row: all empty, except that risk flags
/// the given answers already establish are never dropped: they fill `flags`,
/// and `crisis` is `true` if one is a crisis flag (empty otherwise: unknown).
pub fn rejected_fields<E>(
    rules: &RuleSet,
    flags: &[usize],
    scratch: &mut String,
    mut field: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    field("")?;
    field("")?;
    field(if flags.iter().any(|&f| rules.flags[f].crisis) {
        "true"
    } else {
        ""
    })?;
    scratch.clear();
    for &f in flags {
        if !scratch.is_empty() {
            scratch.push(';');
        }
        scratch.push_str(&rules.flags[f].id);
    }
    field(scratch)?;
    for _ in 4..result_width(rules) {
        field("")?;
    }
    Ok(())
}

/// How many result columns `result_fields` writes.
pub fn result_width(rules: &RuleSet) -> usize {
    4 + 2 * rules.scales.len() + rules.ratings.len() + 1
}
