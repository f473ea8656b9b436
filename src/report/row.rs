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

/// Result columns of a scored record (everything between the id column and
/// `rules_version`), in header order.
pub fn result_fields(rules: &RuleSet, a: &Assessment, out: &mut Vec<String>) {
    out.push(rules.levels[a.level].id.clone());
    out.push(rules.levels[a.level].name.clone());
    out.push(a.crisis.to_string());
    let flags: Vec<&str> = a
        .raised_flags(rules)
        .map(|f| rules.flags[f].id.as_str())
        .collect();
    out.push(flags.join(";"));
    for (scale, result) in rules.scales.iter().zip(&a.scales) {
        out.push(result.score.map(|s| s.to_string()).unwrap_or_default());
        out.push(
            result
                .band
                .map(|b| scale.bands[b].id.clone())
                .unwrap_or_default(),
        );
    }
    for (rating, &grade) in rules.ratings.iter().zip(&a.ratings) {
        out.push(rating.grades[grade].id.clone());
    }
    let reasons: Vec<String> = a.reasons(rules).iter().map(|r| r.id(rules)).collect();
    out.push(reasons.join(";"));
}

/// How many result columns `result_fields` writes.
pub fn result_width(rules: &RuleSet) -> usize {
    4 + 2 * rules.scales.len() + rules.ratings.len() + 1
}
