//! The words FHIR output gives its own concepts (the `text` of codes that
//! are the rule set's, not LOINC's), in the rule set's language.

use super::Lang;

impl Lang {
    pub(crate) fn fhir_level(self) -> &'static str {
        match self {
            Lang::En => "Recommended level of care",
            Lang::Es => "Nivel de atención recomendado",
        }
    }

    pub(crate) fn fhir_crisis(self) -> &'static str {
        match self {
            Lang::En => "Crisis route",
            Lang::Es => "Ruta de crisis",
        }
    }

    pub(crate) fn fhir_referral_note(self) -> &'static str {
        match self {
            Lang::En => "Referral note",
            Lang::Es => "Nota de derivación",
        }
    }

    /// A flag's severity, and whether it is a crisis flag, after its message.
    pub(crate) fn fhir_flag(self, message: &str, severity: &str, crisis: bool) -> String {
        let severity = match (self, severity) {
            (Lang::Es, "critical") => "crítica",
            (Lang::Es, "high") => "alta",
            (Lang::Es, "warning") => "advertencia",
            (Lang::Es, "info") => "información",
            (_, other) => other,
        };
        match (self, crisis) {
            (Lang::En, true) => format!("{message} ({severity}, crisis)"),
            (Lang::Es, true) => format!("{message} (gravedad {severity}; crisis)"),
            (Lang::En, false) => format!("{message} ({severity})"),
            (Lang::Es, false) => format!("{message} (gravedad {severity})"),
        }
    }

    /// The note on a prorated total.
    pub(crate) fn fhir_prorated(self, missing: u32) -> String {
        match self {
            Lang::En => format!("prorated: {missing} item(s) unanswered"),
            Lang::Es => format!("prorrateado: {missing} pregunta(s) sin respuesta"),
        }
    }
}
