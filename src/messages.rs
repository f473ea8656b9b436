//! The tool's own words (interview prompts and notices, review and
//! disposition, result tables, reasons and warnings, the note of an
//! incomplete record) in each language the tool speaks; the rule set's
//! texts come from the rule set. One catalogue, so nothing is left
//! untranslated.

use crate::disposition::{Decision, DispositionReason};
use crate::model::{RuleSet, Translations};

mod explain;
mod fhir;
mod prompts;
mod result_screen;

mod wording;

/// A language the tool's own messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Es,
}

impl Lang {
    /// The catalogue for a language code (`es`, `es-MX`); English otherwise.
    pub(crate) fn of(code: &str) -> Lang {
        match code.split('-').next() {
            Some("es") => Lang::Es,
            _ => Lang::En,
        }
    }

    /// Whether the tool's own words exist in a language (`es-MX`: `es`).
    pub(crate) fn speaks(code: &str) -> bool {
        matches!(code.split('-').next(), Some("en" | "es"))
    }

    pub(crate) fn progress(self, title: &str, k: usize, n: usize, at: usize, of: usize) -> String {
        match self {
            Lang::En => format!("{title} - question {k} of {n} (overall {at} of {of})"),
            Lang::Es => format!("{title} - pregunta {k} de {n} (en total {at} de {of})"),
        }
    }

    pub(crate) fn yes_no(self, code: i64) -> &'static str {
        match (self, code) {
            (Lang::En, 1) => "yes",
            (Lang::En, _) => "no",
            (Lang::Es, 1) => "sí",
            (Lang::Es, _) => "no",
        }
    }

    pub(crate) fn crisis_banner(self) -> &'static str {
        match self {
            Lang::En => "!!! CRISIS: EMERGENCY EVALUATION NOW !!!",
            Lang::Es => "!!! CRISIS: EVALUACIÓN DE EMERGENCIA AHORA !!!",
        }
    }

    pub(crate) fn crisis_stay(self) -> &'static str {
        match self {
            Lang::En => "  Do not leave the person alone. Crisis resources:",
            Lang::Es => "  No deje sola a la persona. Recursos de crisis:",
        }
    }

    pub(crate) fn continues(self) -> &'static str {
        match self {
            Lang::En => "The interview continues. Press Enter.",
            Lang::Es => "La entrevista continúa. Presione Enter.",
        }
    }

    pub(crate) fn hidden_risk_title(self) -> &'static str {
        match self {
            Lang::En => "SAFETY ANSWERS THE FORM NOW SKIPS: KEPT, AND ASKED AGAIN NOW",
            Lang::Es => "RESPUESTAS DE SEGURIDAD QUE EL FORMULARIO AHORA OMITE: SE CONSERVAN Y SE VUELVEN A PREGUNTAR",
        }
    }

    /// Why the answers listed are kept and what happens next. `gate`: the
    /// question whose answer hides them, and that answer in words.
    pub(crate) fn hidden_risk_why(self, gate: Option<(&str, Option<&str>)>) -> String {
        match self {
            Lang::En => {
                let kept = "but their answers raised a safety flag: they are kept, not dropped.";
                let after =
                    "the new answers replace the kept ones (the session keeps the originals).";
                match gate {
                    Some((gate, Some(answer))) => format!(
                        "The answer '{answer}' to {gate} now skips these questions, {kept} That \
                         question is asked again now, then each of these; {after}"
                    ),
                    Some((gate, None)) => format!(
                        "{gate} has no answer, so the form now skips these questions, {kept} That \
                         question is asked now, then each of these; {after}"
                    ),
                    None => format!(
                        "The form now skips these questions, {kept} Each is asked again now; {after}"
                    ),
                }
            }
            Lang::Es => {
                let kept =
                    "pero sus respuestas activaron una alerta de seguridad: se conservan, no \
                            se descartan.";
                let after = "las respuestas nuevas reemplazan a las conservadas (la sesión guarda \
                             las originales).";
                match gate {
                    Some((gate, Some(answer))) => format!(
                        "La respuesta «{answer}» a {gate} ahora omite estas preguntas, {kept} Ahora \
                         se vuelve a hacer esa pregunta y después cada una de estas; {after}"
                    ),
                    Some((gate, None)) => format!(
                        "{gate} no tiene respuesta, así que el formulario ahora omite estas \
                         preguntas, {kept} Ahora se hace esa pregunta y después cada una de \
                         estas; {after}"
                    ),
                    None => format!(
                        "El formulario ahora omite estas preguntas, {kept} Ahora se vuelve a hacer \
                         cada una; {after}"
                    ),
                }
            }
        }
    }

    /// Why hidden answers that raise nothing while their gate's answer
    /// stands, but ask it again (a recency "yes" after a "no" to item 6),
    /// are kept, and what happens next. `gate` as for `hidden_risk_why`.
    pub(crate) fn hidden_ask_again_why(self, gate: Option<(&str, Option<&str>)>) -> String {
        match self {
            Lang::En => {
                let after =
                    "the new answers replace the kept ones (the session keeps the originals).";
                match gate {
                    Some((gate, Some(answer))) => format!(
                        "The answer '{answer}' to {gate} now skips these questions. Their \
                         answers raise nothing while it stands, but they call for asking {gate} \
                         again: they are kept, not dropped. That question is asked again now, \
                         then each of these; {after}"
                    ),
                    Some((gate, None)) => format!(
                        "{gate} has no answer, so the form now skips these questions; their \
                         answers call for asking it: they are kept, not dropped. That question \
                         is asked now, then each of these; {after}"
                    ),
                    None => format!(
                        "The form now skips these questions; their answers raise nothing now, \
                         but they are kept, not dropped. Each is asked again now; {after}"
                    ),
                }
            }
            Lang::Es => {
                let after = "las respuestas nuevas reemplazan a las conservadas (la sesión guarda \
                             las originales).";
                match gate {
                    Some((gate, Some(answer))) => format!(
                        "La respuesta «{answer}» a {gate} ahora omite estas preguntas. Sus \
                         respuestas no activan ninguna alerta mientras esa respuesta se mantenga, pero \
                         piden volver a hacer {gate}: se conservan, no se descartan. Ahora se vuelve a hacer \
                         esa pregunta y después cada una de estas; {after}"
                    ),
                    Some((gate, None)) => format!(
                        "{gate} no tiene respuesta, así que el formulario ahora omite estas \
                         preguntas; sus respuestas piden hacerla: se conservan, no se \
                         descartan. Ahora se hace esa pregunta y después cada una de estas; \
                         {after}"
                    ),
                    None => format!(
                        "El formulario ahora omite estas preguntas; sus respuestas no activan \
                         ninguna alerta ahora, pero se conservan, no se descartan. Ahora se vuelve a \
                         hacer cada una; {after}"
                    ),
                }
            }
        }
    }

    pub(crate) fn hidden_risk_continue(self) -> &'static str {
        match self {
            Lang::En => "Press Enter to ask again.",
            Lang::Es => "Presione Enter para volver a preguntar.",
        }
    }

    pub(crate) fn disposition_prompt(self) -> &'static str {
        match self {
            Lang::En => "Record the disposition",
            Lang::Es => "Registre la decisión",
        }
    }

    /// Accept the recommended level; on the crisis route it says so.
    pub(crate) fn accept(self, level: &str, crisis: bool) -> String {
        match (self, crisis) {
            (Lang::En, false) => format!("Accept: {level}"),
            (Lang::En, true) => format!("Accept: {level} (CRISIS route)"),
            (Lang::Es, false) => format!("Aceptar: {level}"),
            (Lang::Es, true) => format!("Aceptar: {level} (vía de CRISIS)"),
        }
    }

    pub(crate) fn other_level(self) -> &'static str {
        match self {
            Lang::En => "Another level (give the reason and who decided)",
            Lang::Es => "Otro nivel (indique el motivo y quién lo decidió)",
        }
    }

    pub(crate) fn actual_level(self) -> &'static str {
        match self {
            Lang::En => "Actual level",
            Lang::Es => "Nivel elegido",
        }
    }

    pub(crate) fn reason(self) -> &'static str {
        match self {
            Lang::En => "Reason",
            Lang::Es => "Motivo",
        }
    }

    pub(crate) fn reason_label(self, reason: DispositionReason) -> &'static str {
        match (self, reason) {
            (Lang::En, r) => r.label(),
            (Lang::Es, DispositionReason::LevelUnavailable) => {
                "el nivel recomendado no está disponible"
            }
            (Lang::Es, DispositionReason::ClientDeclined) => "la persona lo rechazó",
            (Lang::Es, DispositionReason::ClinicalOverride) => "decisión clínica",
        }
    }

    pub(crate) fn decided_by(self) -> &'static str {
        match self {
            Lang::En => "Decided by (name or role)",
            Lang::Es => "Decidido por (nombre o cargo)",
        }
    }

    pub(crate) fn say_who(self) -> &'static str {
        match self {
            Lang::En => "say who decided",
            Lang::Es => "indique quién lo decidió",
        }
    }

    /// The disposition in a sentence, for the screen and the output.
    pub(crate) fn disposition(self, rules: &RuleSet, d: Option<&Decision>) -> String {
        // By id: a recorded disposition stays readable under other rules.
        let name = |id: &str| {
            rules
                .levels
                .iter()
                .find(|l| l.id == id)
                .map_or_else(|| id.to_string(), |l| l.name.clone())
        };
        let Some(d) = d else {
            return match self {
                Lang::En => "Disposition: not recorded".into(),
                Lang::Es => "Decisión: no registrada".into(),
            };
        };
        let recommended = name(&d.recommended_level);
        let mut why: Vec<String> = Vec::new();
        if let Some(reason) = d.reason {
            why.push(self.reason_label(reason).to_string());
        }
        if let Some(text) = &d.reason_text {
            why.push(format!("\"{text}\""));
        }
        if let Some(who) = &d.decided_by {
            why.push(match self {
                Lang::En => format!("decided by {who}"),
                Lang::Es => format!("decidido por {who}"),
            });
        }
        let why = match why.is_empty() {
            true => String::new(),
            false => format!("; {}", why.join("; ")),
        };
        match (self, d.accepted) {
            (Lang::En, true) => {
                format!("Disposition: recommendation accepted ({recommended}{why})")
            }
            (Lang::Es, true) => format!("Decisión: recomendación aceptada ({recommended}{why})"),
            (Lang::En, false) => format!(
                "Disposition: {} instead of the recommended {recommended} ({})",
                name(&d.actual_level),
                why.trim_start_matches("; ")
            ),
            (Lang::Es, false) => format!(
                "Decisión: {} en lugar del nivel recomendado, {recommended} ({})",
                name(&d.actual_level),
                why.trim_start_matches("; ")
            ),
        }
    }

    /// An amendment of a recorded disposition, with when it was made.
    pub(crate) fn amended(self, sentence: &str, at: &str) -> String {
        match self {
            Lang::En => format!("Amended {at}: {sentence}"),
            Lang::Es => format!("Corregida {at}: {sentence}"),
        }
    }

    pub(crate) fn recorded(self, sentence: &str, at: &str) -> String {
        match self {
            Lang::En => format!("Recorded {at}: {sentence}"),
            Lang::Es => format!("Registrada {at}: {sentence}"),
        }
    }

    pub(crate) fn finished_session(self, id: &str) -> String {
        match self {
            Lang::En => format!(
                "Session {id} is finished: its result and disposition were recorded. \
                 This is the result as it was shown."
            ),
            Lang::Es => format!(
                "La sesión {id} está terminada: su resultado y su decisión ya se registraron. \
                 Este es el resultado tal como se mostró."
            ),
        }
    }

    pub(crate) fn amend_prompt(self) -> &'static str {
        match self {
            Lang::En => "The recorded disposition",
            Lang::Es => "La decisión registrada",
        }
    }

    pub(crate) fn keep_disposition(self) -> &'static str {
        match self {
            Lang::En => "Keep it as recorded",
            Lang::Es => "Dejarla como está",
        }
    }

    pub(crate) fn amend_disposition(self) -> &'static str {
        match self {
            Lang::En => "Add an amendment (the original is kept)",
            Lang::Es => "Agregar una corrección (se conserva la original)",
        }
    }

    pub(crate) fn reason_text(self) -> &'static str {
        match self {
            Lang::En => "Reason in your words (optional; Enter skips)",
            Lang::Es => "Motivo, en sus propias palabras (opcional; Enter para omitir)",
        }
    }

    pub(crate) fn output_not_rewritten(self, path: &str) -> String {
        match self {
            Lang::En => format!(
                "note: `{path}` was not rewritten: the session was scored with another rule \
                 set than the one loaded now; the amendment is in the session file"
            ),
            Lang::Es => format!(
                "nota: `{path}` no se reescribió: la sesión se puntuó con un conjunto de \
                 reglas distinto del que está cargado ahora; la corrección está en el archivo de sesión"
            ),
        }
    }

    pub(crate) fn severity(self, severity: crate::model::Severity) -> &'static str {
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

    pub(crate) fn default_reason(self, level: &str) -> String {
        match self {
            Lang::En => format!("No finding in this screen calls for more than {level}."),
            Lang::Es => format!("Ningún hallazgo de este tamizaje requiere más que {level}."),
        }
    }

    pub(crate) fn hidden_answer_ignored(self, item: &str) -> String {
        match self {
            Lang::En => format!(
                "an answer to {item} was ignored: the earlier answers skip that question; \
                 check the record with the client"
            ),
            Lang::Es => format!(
                "se ignoró una respuesta a {item}: las respuestas anteriores omiten esa pregunta; \
                 revise el registro con la persona"
            ),
        }
    }

    /// A hidden answer kept for safety, as policy 1.1 words it. `gate`:
    /// the gate question and its answer (`None`: left blank).
    pub(crate) fn hidden_answer_kept(
        self,
        item: &str,
        answer: &str,
        gate: Option<(&str, Option<&str>)>,
        treated_as: &str,
    ) -> String {
        let was = |gate: &str, gate_answer: Option<&str>| match (self, gate_answer) {
            (Lang::En, Some(a)) => format!("{gate} was '{a}'"),
            (Lang::En, None) => format!("{gate} was left blank"),
            (Lang::Es, Some(a)) => format!("{gate} fue «{a}»"),
            (Lang::Es, None) => format!("{gate} quedó en blanco"),
        };
        match (self, gate) {
            (Lang::En, Some((gate, gate_answer))) => format!(
                "{item}: {answer}, given although {}, so the form would have \
                 skipped it. Treated as {treated_as} until a clinician asks {gate} and the questions \
                 after it again now; the level depends on that.",
                was(gate, gate_answer)
            ),
            (Lang::En, None) => format!(
                "{item}: {answer}, given although the form would have skipped it. Treated as \
                 {treated_as} until a clinician asks it again now; the level depends on that."
            ),
            (Lang::Es, Some((gate, gate_answer))) => format!(
                "{item}: {answer}, respondida aunque {}, así que el \
                 formulario la habría omitido. Se trata como {treated_as} hasta que un profesional \
                 vuelva a hacer ahora {gate} y las preguntas que le siguen; el nivel depende de ello.",
                was(gate, gate_answer)
            ),
            (Lang::Es, None) => format!(
                "{item}: {answer}, respondida aunque el formulario la habría omitido. Se trata como \
                 {treated_as} hasta que un profesional vuelva a hacerla ahora; el nivel depende de ello."
            ),
        }
    }

    /// The label before the answers behind a reason ("Answers: …").
    pub(crate) fn answers_label(self) -> &'static str {
        match self {
            Lang::En => "Answers",
            Lang::Es => "Respuestas",
        }
    }

    /// What a kept hidden answer is treated as when no grade is known (an
    /// incomplete record): the findings its note lists first.
    pub(crate) fn treated_as_findings(self) -> &'static str {
        match self {
            Lang::En => "the urgent findings above",
            Lang::Es => "los hallazgos urgentes de arriba",
        }
    }

    /// A hidden answer its gate keeps from counting: ask the gate again.
    pub(crate) fn ask_again(
        self,
        item: &str,
        answer: &str,
        gate: &str,
        gate_answer: &str,
    ) -> String {
        match self {
            Lang::En => format!(
                "{item}: {answer}, given although {gate} was '{gate_answer}'; it raises nothing \
                 while {gate} stands. Ask {gate} again now."
            ),
            Lang::Es => format!(
                "{item}: {answer}, respondida aunque {gate} fue «{gate_answer}»; no activa \
                 ninguna alerta mientras {gate} se mantenga. Vuelva a hacer {gate} ahora."
            ),
        }
    }

    /// A safety answer the client took back (the flag
    /// `retracted_risk_answer` says what to do).
    pub(crate) fn retracted(self, item: &str, from: &str, to: &str) -> String {
        match self {
            Lang::En => format!("The client first answered '{from}' to {item}, then '{to}'."),
            Lang::Es => format!("La persona respondió primero «{from}» a {item} y después «{to}»."),
        }
    }

    /// Unreadable text given for a hidden safety question.
    pub(crate) fn hidden_unreadable(
        self,
        item: &str,
        value: &str,
        gate: Option<(&str, &str)>,
    ) -> String {
        match (self, gate) {
            (Lang::En, Some((gate, answer))) => format!(
                "{item}: `{value}` could not be read, given although {gate} was '{answer}'; it \
                 cannot count, so ask {gate} and the questions after it again now."
            ),
            (Lang::En, None) => format!("{item}: `{value}` could not be read; ask it again now."),
            (Lang::Es, Some((gate, answer))) => format!(
                "{item}: no se pudo leer `{value}`, respondida aunque {gate} fue «{answer}»; no \
                 puede contar, así que vuelva a hacer ahora {gate} y las preguntas que le siguen."
            ),
            (Lang::Es, None) => {
                format!("{item}: no se pudo leer `{value}`; vuelva a hacerla ahora.")
            }
        }
    }

    /// An answer given with its gate blank or invalid, read as shown.
    pub(crate) fn gate_read_as_shown(
        self,
        item: &str,
        answer: &str,
        gate: &str,
        read_as: &str,
    ) -> String {
        match self {
            Lang::En => format!(
                "{item}: {answer}, given with {gate} blank or unreadable: for safety {gate} is \
                 read as '{read_as}' until a clinician asks it again now."
            ),
            Lang::Es => format!(
                "{item}: {answer}, respondida con {gate} en blanco o ilegible: para la seguridad \
                 {gate} se lee como «{read_as}» hasta que un profesional la vuelva a hacer ahora."
            ),
        }
    }

    /// A safety question left unanswered whose answer could raise a flag.
    pub(crate) fn safety_answer_missing(self, item: &str, could_mean: &str) -> String {
        match self {
            Lang::En => format!(
                "{item}: no answer, or unreadable; its answer could mean {could_mean}. Ask it now."
            ),
            Lang::Es => format!(
                "{item}: sin respuesta o ilegible; su respuesta podría indicar {could_mean}. \
                 Hágala ahora."
            ),
        }
    }

    /// Between the findings an answer could mean: "a; or b".
    pub(crate) fn or_list(self) -> &'static str {
        match self {
            Lang::En => "; or ",
            Lang::Es => "; o ",
        }
    }

    /// An answer with no value, in words.
    pub(crate) fn no_answer(self) -> &'static str {
        match self {
            Lang::En => "no answer",
            Lang::Es => "sin respuesta",
        }
    }

    pub(crate) fn prorated(self, scale: &str, missing: u32) -> String {
        match self {
            Lang::En => format!("`{scale}` was prorated: {missing} item(s) missing"),
            Lang::Es => format!("`{scale}` se prorrateó: faltan {missing} respuesta(s)"),
        }
    }

    pub(crate) fn scale_invalid(self, scale: &str, missing: u32) -> String {
        match self {
            Lang::En => format!("`{scale}` has no score: {missing} item(s) missing"),
            Lang::Es => format!("`{scale}` no tiene puntuación: faltan {missing} respuesta(s)"),
        }
    }

    /// Labels of the result table: (header, crisis, crisis text, level, flag, not scored).
    pub(crate) fn result_labels(self) -> [&'static str; 6] {
        match self {
            Lang::En => [
                "result",
                "CRISIS",
                "EMERGENCY EVALUATION NOW",
                "recommended level",
                "flag",
                "not scored (items missing)",
            ],
            Lang::Es => [
                "resultado",
                "CRISIS",
                "EVALUACIÓN DE EMERGENCIA AHORA",
                "nivel recomendado",
                "alerta",
                "sin puntuación (faltan respuestas)",
            ],
        }
    }

    pub(crate) fn safety_block_title(self) -> &'static str {
        match self {
            Lang::En => "SAFETY FINDINGS NOT SHOWN BELOW",
            Lang::Es => "HALLAZGOS DE SEGURIDAD QUE NO APARECEN ABAJO",
        }
    }

    pub(crate) fn crisis_resources_title(self) -> &'static str {
        match self {
            Lang::En => "CRISIS RESOURCES",
            Lang::Es => "RECURSOS DE CRISIS",
        }
    }

    /// The heading of an incomplete record's note, and its first line.
    pub(crate) fn incomplete_heading(
        self,
        id: &str,
        nothing_raised: bool,
    ) -> (String, &'static str) {
        match (self, nothing_raised) {
            (Lang::En, true) => (
                format!("INCOMPLETE RECORD - client {id}"),
                "No recommendation: the record is incomplete.",
            ),
            (Lang::En, false) => (
                format!("INCOMPLETE RECORD - client {id}"),
                "No recommendation: the record is incomplete. The answers given already raise:",
            ),
            (Lang::Es, true) => (
                format!("REGISTRO INCOMPLETO - persona {id}"),
                "Sin recomendación: el registro está incompleto.",
            ),
            (Lang::Es, false) => (
                format!("REGISTRO INCOMPLETO - persona {id}"),
                "Sin recomendación: el registro está incompleto. Las respuestas dadas ya indican:",
            ),
        }
    }

    /// The crisis route's next step, for a crisis flag without its own.
    pub(crate) fn emergency_next_step(self) -> &'static str {
        match self {
            Lang::En => {
                "Emergency evaluation now: 911 if in immediate danger; otherwise a mobile crisis \
                 team or 988, or an emergency department. Do not leave the person alone."
            }
            Lang::Es => {
                "Evaluación de emergencia ahora: 911 si hay peligro inmediato; si no, un equipo \
                 móvil de crisis o el 988, o una sala de emergencias. No deje sola a la persona."
            }
        }
    }

    /// The heading of resources for the professional only.
    pub(crate) fn professional_title(self) -> &'static str {
        match self {
            Lang::En => "FOR THE CLINICIAN (NOT FOR THE CLIENT)",
            Lang::Es => "PARA EL PROFESIONAL (NO PARA LA PERSONA)",
        }
    }

    /// A rejected record's answers to complete.
    pub(crate) fn to_complete(self, problems: &str) -> String {
        match self {
            Lang::En => format!("To complete: {problems}."),
            Lang::Es => format!("Por completar: {problems}."),
        }
    }

    /// The help lines heading of a note without safety findings.
    pub(crate) fn help_lines_title(self) -> &'static str {
        match self {
            Lang::En => "HELP LINES",
            Lang::Es => "LÍNEAS DE AYUDA",
        }
    }

    pub(crate) fn next_step_label(self) -> &'static str {
        match self {
            Lang::En => "Next step:",
            Lang::Es => "Siguiente paso:",
        }
    }

    pub(crate) fn incomplete_close(self) -> &'static str {
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
    pub(crate) fn markdown_titles(self, id: &str) -> (String, &'static str) {
        match self {
            Lang::En => (format!("Screening result: client {id}"), "Referral note"),
            Lang::Es => (
                format!("Resultado del tamizaje: persona {id}"),
                "Nota de derivación",
            ),
        }
    }

    pub(crate) fn do_not_leave_alone(self) -> &'static str {
        match self {
            Lang::En => "Do not leave the person alone.",
            Lang::Es => "No deje sola a la persona.",
        }
    }

    /// The label of a warning line: `warning: …`.
    pub(crate) fn warning_label(self) -> &'static str {
        match self {
            Lang::En => "warning",
            Lang::Es => "aviso",
        }
    }

    /// The statement every note carries.
    pub(crate) fn disclaimer(self) -> &'static str {
        match self {
            Lang::En => {
                "This is a screening result, not a diagnosis. A licensed professional decides the level of care."
            }
            Lang::Es => {
                "Este es un resultado de tamizaje, no un diagnóstico. Un profesional con licencia decide el nivel de atención."
            }
        }
    }

    pub(crate) fn result_written(self, path: &str) -> String {
        match self {
            Lang::En => format!("Result written to {path}"),
            Lang::Es => format!("Resultado guardado en {path}"),
        }
    }

    pub(crate) fn started(self, id: &str, rules: &str, version: &str) -> String {
        match self {
            Lang::En => format!("Interview of `{id}` with {rules} {version}."),
            Lang::Es => format!("Entrevista de `{id}` con {rules} {version}."),
        }
    }

    pub(crate) fn saved_to(self, path: &str) -> String {
        match self {
            Lang::En => format!("Answers are saved after each one to {path}"),
            Lang::Es => format!("Cada respuesta se guarda al momento en {path}"),
        }
    }

    pub(crate) fn disposition_interrupted(self, hint: &str) -> String {
        match self {
            Lang::En => format!(
                "interrupted: the disposition is not recorded; the answers are saved:\n  {hint}"
            ),
            Lang::Es => format!(
                "interrumpida: la decisión no se registró; las respuestas están guardadas:\n  {hint}"
            ),
        }
    }

    pub(crate) fn amendment_interrupted(self) -> &'static str {
        match self {
            Lang::En => "interrupted: no amendment is recorded",
            Lang::Es => "interrumpida: no se registró ninguna corrección",
        }
    }

    pub(crate) fn interrupted_before_answers(self) -> &'static str {
        match self {
            Lang::En => "interrupted before the first answer: no session is kept",
            Lang::Es => "interrumpida antes de la primera respuesta: no se guarda ninguna sesión",
        }
    }

    pub(crate) fn interrupted(self, hint: &str) -> String {
        match self {
            // The command on a line of its own, to copy whole.
            Lang::En => format!("interrupted: every answer is saved; resume with:\n  {hint}"),
            Lang::Es => format!(
                "interrumpida: todas las respuestas están guardadas; para continuar:\n  {hint}"
            ),
        }
    }
}

/// What stderr says about `--lang CODE`, the same for every command: a
/// language neither the rule set nor the tool has is one warning; a rule
/// set partly in the language, or a language only the rule set has, notes.
pub(crate) fn lang_notices(t: &Translations, lang: &str) -> Vec<String> {
    // `es-MX` uses `es` texts where it has none of its own.
    let base = lang.split('-').next().unwrap_or(lang);
    let has = |l: &str| t.by_lang.contains_key(l);
    let own = Lang::speaks(lang);
    let mut out = Vec::new();
    match (base == "en" || has(lang) || has(base), own) {
        (false, false) => out.push(format!(
            "warning: neither the rule set nor carescreen has texts in `{lang}`; English is used"
        )),
        (false, true) => out.push(format!(
            "warning: the rule set has no texts in `{lang}`; English is used for them"
        )),
        (true, _) => {
            if t.missing > 0 {
                let which = match has(lang) || lang == base {
                    true => format!("`{lang}`"),
                    false => format!("`{lang}` or `{base}`"),
                };
                out.push(format!(
                    "note: {} of {} texts have no {which} translation; English is used for them",
                    t.missing, t.texts
                ));
            }
            if !own {
                out.push(format!(
                    "note: carescreen's own words have no `{lang}` version; English is used"
                ));
            }
        }
    }
    out
}

/// An answer in words, in the rule set's language: `yes`, an option's
/// label, the number; `no answer` for none.
pub(crate) fn answer_words(rules: &RuleSet, item: usize, value: Option<i64>) -> String {
    let lang = Lang::of(&rules.lang);
    match value {
        None => lang.no_answer().to_string(),
        Some(v) => match &rules.items[item].kind {
            crate::model::ItemKind::YesNo { .. } => lang.yes_no(v).to_string(),
            _ => rules.items[item]
                .answer_label(v)
                .map_or_else(|| v.to_string(), str::to_string),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{lang_notices, Translations};

    fn translations(langs: &[&str], missing: usize) -> Translations {
        Translations {
            texts: 10,
            by_lang: langs
                .iter()
                .map(|l| (l.to_string(), 10 - missing))
                .collect(),
            missing,
        }
    }

    #[test]
    fn each_language_case_says_one_thing_on_stderr() {
        let cases: [(&[&str], usize, &str, &[&str]); 6] = [
            (&["en"], 0, "en", &[]),
            (&["en", "es"], 0, "es", &[]),
            (&["en", "es"], 3, "es", &["note: 3 of 10 texts have no `es` translation; English is used for them"]),
            (&["en", "es"], 3, "es-MX", &["note: 3 of 10 texts have no `es-MX` or `es` translation; English is used for them"]),
            (&["en"], 10, "fr", &["warning: neither the rule set nor carescreen has texts in `fr`; English is used"]),
            (&["en"], 10, "es", &["warning: the rule set has no texts in `es`; English is used for them"]),
        ];
        for (langs, missing, lang, said) in cases {
            assert_eq!(
                lang_notices(&translations(langs, missing), lang),
                said,
                "{lang}"
            );
        }
        let fr = lang_notices(&translations(&["en", "fr"], 0), "fr");
        assert_eq!(
            fr,
            ["note: carescreen's own words have no `fr` version; English is used"]
        );
    }
}
