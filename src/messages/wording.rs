//! What the interview says around its questions: of an instrument asked
//! in another language than the one chosen (it has no published version in
//! that language, so it is given in its English wording, in English or
//! through an interpreter).

use super::Lang;

/// `es-MX` → `es`.
fn base(lang: &str) -> &str {
    lang.split('-').next().unwrap_or(lang)
}

impl Lang {
    /// Before the first question of an instrument with no version in
    /// `chosen`.
    pub(crate) fn wording_notice(self, title: &str, chosen: &str) -> String {
        match self {
            Lang::Es => format!(
                "AVISO: {title}: este conjunto de reglas no incluye su versión publicada en \
                 español. Hágalo en inglés, con su redacción original, o por medio de un \
                 intérprete: las preguntas y respuestas que siguen están en inglés."
            ),
            Lang::En => format!(
                "NOTE: {title}: this rule set has no published `{chosen}` version of it. \
                 Give it in English, in its original wording, or through an interpreter: \
                 the questions and answers below are in English."
            ),
        }
    }

    /// Atop its later questions.
    pub(crate) fn wording_reminder(self, chosen: &str) -> String {
        match self {
            Lang::Es => "Sin su versión publicada en español en este conjunto de reglas: en \
                         inglés o por medio de un intérprete."
                .into(),
            Lang::En => {
                format!("No published `{chosen}` version: in English or through an interpreter.")
            }
        }
    }

    /// Which instruments were given in which language, for the record:
    /// `None` when every one was given in the language chosen.
    pub(crate) fn asked_in(
        self,
        chosen: &str,
        in_chosen: &[&str],
        in_english: &[&str],
    ) -> Option<String> {
        if in_english.is_empty() || base(chosen) == "en" {
            return None;
        }
        let english = in_english.join(", ");
        Some(match (self, in_chosen.is_empty()) {
            (Lang::Es, false) => format!(
                "Idiomas: {} en español; {english} en inglés (este conjunto de reglas no \
                 incluye su versión publicada en español).",
                in_chosen.join(", ")
            ),
            (Lang::Es, true) => {
                format!(
                    "Idiomas: {english} en inglés (este conjunto de reglas no incluye su \
                     versión publicada en español)."
                )
            }
            (Lang::En, false) => format!(
                "Languages: {} in `{chosen}`; {english} in English (no published `{chosen}` \
                 version).",
                in_chosen.join(", ")
            ),
            (Lang::En, true) => {
                format!("Languages: {english} in English (no published `{chosen}` version).")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_names_the_instruments_given_in_english_and_only_when_some_were() {
        assert_eq!(
            Lang::Es
                .asked_in("es", &["PHQ-9"], &["C-SSRS", "SCOFF"])
                .as_deref(),
            Some(
                "Idiomas: PHQ-9 en español; C-SSRS, SCOFF en inglés (este conjunto de reglas \
                 no incluye su versión publicada en español)."
            )
        );
        assert_eq!(
            Lang::En.asked_in("fr", &[], &["PHQ-9"]).as_deref(),
            Some("Languages: PHQ-9 in English (no published `fr` version).")
        );
        assert_eq!(Lang::Es.asked_in("es", &["PHQ-9"], &[]), None);
        assert_eq!(Lang::En.asked_in("en", &[], &["PHQ-9"]), None);
    }
}
