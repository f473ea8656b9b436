//! The tool's own words (interview prompts and notices, review and
//! disposition, result tables, reasons and warnings, the note of an
//! incomplete record) in each language the tool speaks; the rule set's
//! texts come from the rule set. One catalogue, so nothing is left
//! untranslated.

use crate::interview::{Disposition, DispositionReason};
use crate::model::RuleSet;

/// A language the tool's own messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// The catalogue for a language code (`es`, `es-MX`); English otherwise.
    pub fn of(code: &str) -> Lang {
        match code.split('-').next() {
            Some("es") => Lang::Es,
            _ => Lang::En,
        }
    }

    pub fn progress(self, title: &str, k: usize, n: usize, at: usize, of: usize) -> String {
        match self {
            Lang::En => format!("{title} - question {k} of {n} (overall {at} of {of})"),
            Lang::Es => format!("{title} - pregunta {k} de {n} (en total {at} de {of})"),
        }
    }

    pub fn back_hint(self) -> &'static str {
        match self {
            Lang::En => "; Esc goes back",
            Lang::Es => "; Esc vuelve atrás",
        }
    }

    pub fn number_prompt(self, text: &str, min: i64, max: i64) -> String {
        match self {
            Lang::En => format!("{text} ({min}-{max}; b goes back)"),
            Lang::Es => format!("{text} ({min}-{max}; b vuelve atrás)"),
        }
    }

    pub fn number_range(self, min: i64, max: i64) -> String {
        match self {
            Lang::En => format!("enter a whole number from {min} to {max}"),
            Lang::Es => format!("escriba un número entero de {min} a {max}"),
        }
    }

    pub fn yes_no(self, code: i64) -> &'static str {
        match (self, code) {
            (Lang::En, 1) => "yes",
            (Lang::En, _) => "no",
            (Lang::Es, 1) => "sí",
            (Lang::Es, _) => "no",
        }
    }

    pub fn crisis_banner(self) -> &'static str {
        match self {
            Lang::En => "!!! CRISIS: IMMEDIATE SAFETY EVALUATION TODAY !!!",
            Lang::Es => "!!! CRISIS: EVALUACIÓN DE SEGURIDAD INMEDIATA HOY !!!",
        }
    }

    pub fn crisis_stay(self) -> &'static str {
        match self {
            Lang::En => "  Do not leave the person alone. Crisis resources:",
            Lang::Es => "  No deje sola a la persona. Recursos de crisis:",
        }
    }

    pub fn continues(self) -> &'static str {
        match self {
            Lang::En => "The interview continues. Press Enter.",
            Lang::Es => "La entrevista continúa. Pulse Enter.",
        }
    }

    pub fn review_title(self) -> &'static str {
        match self {
            Lang::En => "Review: choose an answer to change, or confirm",
            Lang::Es => "Revisión: elija una respuesta para cambiarla, o confirme",
        }
    }

    pub fn review_confirm(self) -> &'static str {
        match self {
            Lang::En => "Confirm these answers and see the result",
            Lang::Es => "Confirmar estas respuestas y ver el resultado",
        }
    }

    pub fn disposition_prompt(self) -> &'static str {
        match self {
            Lang::En => "Disposition: what happens now?",
            Lang::Es => "Disposición: ¿qué se hace ahora?",
        }
    }

    pub fn accept(self, level: &str, top: bool) -> String {
        match (self, top) {
            (Lang::En, false) => format!("Accept the recommendation: {level}"),
            (Lang::En, true) => {
                format!("Accept the recommendation: {level} (see any CRISIS notice above)")
            }
            (Lang::Es, false) => format!("Aceptar la recomendación: {level}"),
            (Lang::Es, true) => format!(
                "Aceptar la recomendación: {level} (vea el aviso de CRISIS arriba, si lo hay)"
            ),
        }
    }

    pub fn other_level(self) -> &'static str {
        match self {
            Lang::En => "Another level (give the reason and who decided)",
            Lang::Es => "Otro nivel (indique el motivo y quién lo decidió)",
        }
    }

    pub fn actual_level(self) -> &'static str {
        match self {
            Lang::En => "Actual level",
            Lang::Es => "Nivel real",
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            Lang::En => "Reason",
            Lang::Es => "Motivo",
        }
    }

    pub fn reason_label(self, reason: DispositionReason) -> &'static str {
        match (self, reason) {
            (Lang::En, r) => r.label(),
            (Lang::Es, DispositionReason::LevelUnavailable) => {
                "el nivel recomendado no está disponible"
            }
            (Lang::Es, DispositionReason::ClientDeclined) => "la persona lo rechazó",
            (Lang::Es, DispositionReason::ClinicalOverride) => "decisión clínica",
        }
    }

    pub fn decided_by(self) -> &'static str {
        match self {
            Lang::En => "Decided by (name or role)",
            Lang::Es => "Decidido por (nombre o cargo)",
        }
    }

    pub fn say_who(self) -> &'static str {
        match self {
            Lang::En => "say who decided",
            Lang::Es => "indique quién lo decidió",
        }
    }

    /// The disposition in a sentence, for the screen and the output.
    pub fn disposition(
        self,
        rules: &RuleSet,
        recommended: usize,
        d: Option<&Disposition>,
    ) -> String {
        let name = |level: usize| rules.levels[level].name.as_str();
        match (self, d) {
            (Lang::En, None) => "Disposition: not recorded".into(),
            (Lang::Es, None) => "Disposición: no registrada".into(),
            (Lang::En, Some(Disposition::Accepted)) => {
                format!(
                    "Disposition: recommendation accepted ({})",
                    name(recommended)
                )
            }
            (Lang::Es, Some(Disposition::Accepted)) => {
                format!(
                    "Disposición: recomendación aceptada ({})",
                    name(recommended)
                )
            }
            (
                Lang::En,
                Some(Disposition::Other {
                    level,
                    reason,
                    decided_by,
                }),
            ) => format!(
                "Disposition: {} instead of the recommended {} ({}; decided by {decided_by})",
                name(*level),
                name(recommended),
                self.reason_label(*reason)
            ),
            (
                Lang::Es,
                Some(Disposition::Other {
                    level,
                    reason,
                    decided_by,
                }),
            ) => format!(
                "Disposición: {} en lugar de {}, la recomendada ({}; decidido por {decided_by})",
                name(*level),
                name(recommended),
                self.reason_label(*reason)
            ),
        }
    }

    pub fn severity(self, severity: crate::model::Severity) -> &'static str {
        use crate::model::Severity::*;
        match (self, severity) {
            (Lang::En, Critical) => "CRITICAL",
            (Lang::En, High) => "HIGH",
            (Lang::En, Warning) => "WARNING",
            (Lang::En, Info) => "INFO",
            (Lang::Es, Critical) => "CRÍTICO",
            (Lang::Es, High) => "ALTO",
            (Lang::Es, Warning) => "AVISO",
            (Lang::Es, Info) => "INFO",
        }
    }

    pub fn default_reason(self, level: &str) -> String {
        match self {
            Lang::En => format!("no placement rule asked for more than {level}"),
            Lang::Es => format!("ninguna regla de ubicación pidió más que {level}"),
        }
    }

    pub fn hidden_answer_ignored(self, item: &str) -> String {
        match self {
            Lang::En => format!(
                "an answer to `{item}` was ignored: the earlier answers skip that question; \
                 check the record with the client"
            ),
            Lang::Es => format!(
                "se ignoró una respuesta a `{item}`: las respuestas anteriores omiten esa pregunta; \
                 revise el registro con la persona"
            ),
        }
    }

    pub fn prorated(self, scale: &str, missing: u32) -> String {
        match self {
            Lang::En => format!("`{scale}` was prorated: {missing} item(s) missing"),
            Lang::Es => format!("`{scale}` se prorrateó: faltan {missing} respuesta(s)"),
        }
    }

    pub fn scale_invalid(self, scale: &str, missing: u32) -> String {
        match self {
            Lang::En => format!("`{scale}` has no score: {missing} item(s) missing"),
            Lang::Es => format!("`{scale}` no tiene puntuación: faltan {missing} respuesta(s)"),
        }
    }

    /// Labels of the result table: (header, crisis, crisis text, level, flag, not scored).
    pub fn result_labels(self) -> [&'static str; 6] {
        match self {
            Lang::En => [
                "result",
                "CRISIS",
                "IMMEDIATE SAFETY EVALUATION TODAY",
                "recommended level",
                "flag",
                "not scored (items missing)",
            ],
            Lang::Es => [
                "resultado",
                "CRISIS",
                "EVALUACIÓN DE SEGURIDAD INMEDIATA HOY",
                "nivel recomendado",
                "alerta",
                "sin puntuación (faltan respuestas)",
            ],
        }
    }

    pub fn safety_block_title(self) -> &'static str {
        match self {
            Lang::En => "SAFETY FINDINGS NOT SHOWN BELOW",
            Lang::Es => "HALLAZGOS DE SEGURIDAD QUE NO APARECEN ABAJO",
        }
    }

    pub fn crisis_resources_title(self) -> &'static str {
        match self {
            Lang::En => "CRISIS RESOURCES",
            Lang::Es => "RECURSOS DE CRISIS",
        }
    }

    pub fn incomplete_title(self) -> &'static str {
        match self {
            Lang::En => "INCOMPLETE RECORD: NO RECOMMENDATION, BUT THE ANSWERS GIVEN RAISE",
            Lang::Es => "REGISTRO INCOMPLETO: SIN RECOMENDACIÓN, PERO LAS RESPUESTAS DADAS INDICAN",
        }
    }

    pub fn incomplete_close(self) -> &'static str {
        match self {
            Lang::En => {
                "Complete the record with the client; a licensed professional decides the level of care."
            }
            Lang::Es => {
                "Complete el registro con la persona; un profesional con licencia decide el nivel de atención."
            }
        }
    }

    /// Markdown headings: (result title, referral note title).
    pub fn markdown_titles(self, id: &str) -> (String, &'static str) {
        match self {
            Lang::En => (format!("Screening result: client {id}"), "Referral note"),
            Lang::Es => (
                format!("Resultado del tamizaje: persona {id}"),
                "Nota de derivación",
            ),
        }
    }

    pub fn do_not_leave_alone(self) -> &'static str {
        match self {
            Lang::En => "Do not leave the person alone.",
            Lang::Es => "No deje sola a la persona.",
        }
    }

    /// Headings of `explain`: (rejected, already raise, every rule).
    pub fn explain_headings(self) -> [&'static str; 3] {
        match self {
            Lang::En => [
                "The record is rejected",
                "The answers given already raise:",
                "Every rule, in the order the engine evaluates them:",
            ],
            Lang::Es => [
                "El registro se rechaza",
                "Las respuestas dadas ya indican:",
                "Cada regla, en el orden en que se evalúa:",
            ],
        }
    }

    pub fn explain_why(self, level: &str) -> String {
        match self {
            Lang::En => format!("Why {level} and not a less intensive level:"),
            Lang::Es => format!("Por qué {level} y no un nivel menos intensivo:"),
        }
    }

    pub fn explain_why_not(self, level: &str) -> String {
        match self {
            Lang::En => format!("Why not {level} (the next level up): none of these held:"),
            Lang::Es => {
                format!("Por qué no {level} (el siguiente nivel): no se cumplió ninguna de estas:")
            }
        }
    }

    /// The statement every note carries.
    pub fn disclaimer(self) -> &'static str {
        match self {
            Lang::En => {
                "This is a screening result, not a diagnosis. A licensed professional decides the level of care."
            }
            Lang::Es => {
                "Este es un resultado de tamizaje, no un diagnóstico. Un profesional con licencia decide el nivel de atención."
            }
        }
    }

    pub fn result_written(self, path: &str) -> String {
        match self {
            Lang::En => format!("Result written to {path}"),
            Lang::Es => format!("Resultado guardado en {path}"),
        }
    }

    pub fn started(self, id: &str, rules: &str, version: &str) -> String {
        match self {
            Lang::En => format!("Interview of `{id}` with {rules} {version}."),
            Lang::Es => format!("Entrevista de `{id}` con {rules} {version}."),
        }
    }

    pub fn saved_to(self, path: &str) -> String {
        match self {
            Lang::En => format!("Answers are saved after each one to {path}"),
            Lang::Es => format!("Cada respuesta se guarda al momento en {path}"),
        }
    }

    pub fn interrupted(self, hint: &str) -> String {
        match self {
            Lang::En => format!("interrupted: every answer is saved; resume with: {hint}"),
            Lang::Es => format!(
                "interrumpida: todas las respuestas están guardadas; para continuar: {hint}"
            ),
        }
    }
}
