//! An assessment as Markdown: the result table, the disposition and the
//! referral note, for pasting into a record or a ticket.

use crate::assess::Assessment;
use crate::model::RuleSet;

/// Markdown of a result. `disposition` is a sentence (see `DispositionView::text`).
pub fn result(rules: &RuleSet, id: &str, a: &Assessment, disposition: &str, note: &str) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("# Screening result: client {}\n\n", cell(id));
    if a.crisis {
        out.push_str(
            "**CRISIS: IMMEDIATE SAFETY EVALUATION TODAY.** Do not leave the person alone.\n\n",
        );
    }
    out.push_str("| | |\n| --- | --- |\n");
    out.push_str(&format!(
        "| Recommended level | {} |\n",
        cell(&rules.levels[a.level].name)
    ));
    for f in a.raised_flags(rules) {
        let flag = &rules.flags[f];
        out.push_str(&format!(
            "| Flag [{}] | `{}`: {} |\n",
            crate::messages::Lang::of(&rules.lang).severity(flag.severity),
            flag.id,
            cell(flag.message.trim())
        ));
    }
    for (scale, r) in rules.scales.iter().zip(&a.scales) {
        let value = match (r.score, r.band) {
            (Some(score), Some(band)) => format!("{score} ({})", scale.bands[band].label),
            _ => "not scored (items missing)".to_string(),
        };
        out.push_str(&format!("| {} | {} |\n", cell(&scale.title), cell(&value)));
    }
    for (rating, &grade) in rules.ratings.iter().zip(&a.ratings) {
        out.push_str(&format!(
            "| {} | {} |\n",
            cell(&rating.title),
            cell(&rating.grades[grade].label)
        ));
    }
    out.push_str(&format!(
        "\n{disposition}\n\n## Referral note\n\n```text\n{}\n```\n",
        note.trim_end()
    ));
    out
}
