//! An assessment as Markdown: the result table, the disposition and the
//! referral note, for pasting into a record or a ticket.

use crate::assess::Assessment;
use crate::model::RuleSet;

/// Markdown of a result. `disposition` is a sentence; `note` is the note
/// already in Markdown (`NoteFormat::Markdown`).
pub(crate) fn result(
    rules: &RuleSet,
    id: &str,
    a: &Assessment,
    disposition: &str,
    note: &str,
) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let lang = crate::messages::Lang::of(&rules.lang);
    let [_, crisis, crisis_text, level_label, flag_label, not_scored] = lang.result_labels();
    let (title, note_title) = lang.markdown_titles(&cell(id));
    let mut out = format!("# {title}\n\n");
    if a.crisis {
        out.push_str(&format!(
            "**{crisis}: {crisis_text}.** {}\n\n",
            lang.do_not_leave_alone()
        ));
    }
    out.push_str("| | |\n| --- | --- |\n");
    out.push_str(&format!(
        "| {} | {} |\n",
        cap(level_label),
        cell(&rules.levels[a.level].name)
    ));
    for f in a.raised_flags(rules) {
        let flag = &rules.flags[f];
        out.push_str(&format!(
            "| {} [{}] | `{}`: {} |\n",
            cap(flag_label),
            lang.severity(flag.severity),
            flag.id,
            cell(flag.message.trim())
        ));
    }
    for (scale, r) in rules.scales.iter().zip(&a.scales) {
        let value = match (r.score, r.band) {
            (Some(score), Some(band)) => format!("{score} ({})", scale.bands[band].label),
            _ => not_scored.to_string(),
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
        "\n{disposition}\n\n## {note_title}\n\n{}\n",
        note.trim_end()
    ));
    out
}

/// A label with its first letter capitalised, for table cells.
fn cap(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::result;
    use crate::answers::Answers;
    use crate::assess::assess;
    use crate::rules::{load, load_in, RulesSource};

    #[test]
    fn markdown_leads_with_the_crisis_and_lists_level_flags_scores_and_note() {
        for (lang, expected) in [
            (
                "en",
                [
                    "# Screening result: client a\\|b",
                    "**CRISIS: EMERGENCY EVALUATION NOW.**",
                    "| Recommended level | Residential / Inpatient |",
                    "| Flag [CRITICAL] | `harm_others_intent`:",
                    "## Referral note",
                ],
            ),
            (
                "es",
                [
                    "# Resultado del tamizaje: persona a\\|b",
                    "**CRISIS: EVALUACIÓN DE EMERGENCIA AHORA.**",
                    "| Nivel recomendado | Residencial / Hospitalización |",
                    "| Alerta [CRÍTICO] | `harm_others_intent`:",
                    "## Nota de derivación",
                ],
            ),
        ] {
            let rules = if lang == "en" {
                load(&RulesSource::Embedded)
            } else {
                load_in(&RulesSource::Embedded, lang)
            }
            .expect("rules");
            let mut answers = Answers::extreme(&rules, false);
            answers
                .set(&rules, rules.item_index("harm_others").expect("item"), 2)
                .expect("code");
            let a = assess(&rules, &answers).expect("scored");
            let md = result(&rules, "a|b", &a, "Disposition: accepted", "the note");
            for part in expected {
                assert!(md.contains(part), "{lang}: lacks {part:?}\n{md}");
            }
            assert!(md.ends_with("\n\nthe note\n"));
        }
    }
}
