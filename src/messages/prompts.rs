//! What the interview's question screens say: the status lines, the keys,
//! the answer already given or given earlier, the words when nothing is
//! picked, the confirmation of a change that takes away a safety finding,
//! and the review of every answer.

use super::Lang;

impl Lang {
    /// The status line under a choice: how to pick, and how to go back
    /// when there is a question to go back to.
    pub(crate) fn choice_hint(self, can_go_back: bool, can_keep: bool) -> &'static str {
        match (self, can_go_back, can_keep) {
            (Lang::En, true, true) => {
                "Press a key in brackets or use ↑/↓, then Enter; Enter alone keeps the current \
                 answer. Esc goes back."
            }
            (Lang::En, true, false) => {
                "Press a key in brackets or use ↑/↓, then Enter. Esc goes back."
            }
            (Lang::En, false, true) => {
                "Press a key in brackets or use ↑/↓, then Enter; Enter alone keeps the current \
                 answer."
            }
            (Lang::En, false, false) => "Press a key in brackets or use ↑/↓, then Enter.",
            (Lang::Es, true, true) => {
                "Presione una tecla entre corchetes o use ↑/↓, y luego Enter; Enter solo \
                 mantiene la respuesta actual. Esc vuelve atrás."
            }
            (Lang::Es, true, false) => {
                "Presione una tecla entre corchetes o use ↑/↓, y luego Enter. Esc vuelve atrás."
            }
            (Lang::Es, false, true) => {
                "Presione una tecla entre corchetes o use ↑/↓, y luego Enter; Enter solo \
                 mantiene la respuesta actual."
            }
            (Lang::Es, false, false) => {
                "Presione una tecla entre corchetes o use ↑/↓, y luego Enter."
            }
        }
    }

    /// Guidance for the interviewer under a question, marked so it is not
    /// read out as part of it.
    pub(crate) fn for_the_interviewer(self, help: &str) -> String {
        match self {
            Lang::En => format!("For the interviewer: {help}"),
            Lang::Es => format!("Para quien entrevista: {help}"),
        }
    }

    /// An answer the review lists although skip logic now hides its
    /// question: it is kept for safety.
    pub(crate) fn kept_for_safety(self, answer: &str) -> String {
        match self {
            Lang::En => format!("{answer}, kept for safety (the form now skips this question)"),
            Lang::Es => format!(
                "{answer}, conservada por seguridad (el formulario ahora omite esta pregunta)"
            ),
        }
    }

    /// Back at the review after a change.
    pub(crate) fn review_changed(self, id: &str, before: &str, now: &str) -> String {
        match self {
            Lang::En => format!("Changed {id}: {before} → {now}"),
            Lang::Es => format!("Cambiada {id}: {before} → {now}"),
        }
    }

    /// Back at the review with the answer as it was.
    pub(crate) fn review_unchanged(self, id: &str, now: &str) -> String {
        match self {
            Lang::En => format!("Unchanged {id}: {now}"),
            Lang::Es => format!("Sin cambios {id}: {now}"),
        }
    }

    /// Said when Enter finds nothing picked, or a key picks nothing.
    pub(crate) fn unpicked(self, keys: &[String]) -> String {
        let keys = match keys.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => match self {
                Lang::En => format!("{} or {last}", rest.join(", ")),
                Lang::Es => format!("{} o {last}", rest.join(", ")),
            },
            None => String::new(),
        };
        match self {
            Lang::En => format!("Nothing recorded: press {keys} (or ↑/↓) to pick, then Enter."),
            Lang::Es => {
                format!("No se registró nada: presione {keys} (o ↑/↓) para elegir, y luego Enter.")
            }
        }
    }

    /// The answer already given to a question reached again.
    pub(crate) fn current_answer(self, answer: &str) -> String {
        match self {
            Lang::En => format!("Current answer: {answer}"),
            Lang::Es => format!("Respuesta actual: {answer}"),
        }
    }

    /// The earlier answer of a safety question asked again.
    pub(crate) fn earlier_answer(self, answer: &str) -> String {
        match self {
            Lang::En => format!("Earlier answer: {answer}"),
            Lang::Es => format!("Respuesta anterior: {answer}"),
        }
    }

    /// An answer's words with the code the export writes.
    pub(crate) fn with_code(self, words: &str, code: i64) -> String {
        match self {
            Lang::En => format!("{words} (code {code})"),
            Lang::Es => format!("{words} (código {code})"),
        }
    }

    /// The status line above a number's prompt.
    pub(crate) fn number_hint(self, can_go_back: bool, can_keep: bool) -> &'static str {
        match (self, can_go_back, can_keep) {
            (Lang::En, true, true) => {
                "Type a whole number, then Enter; Enter alone keeps the current answer. b goes \
                 back."
            }
            (Lang::En, true, false) => "Type a whole number, then Enter. b goes back.",
            (Lang::En, false, true) => {
                "Type a whole number, then Enter; Enter alone keeps the current answer."
            }
            (Lang::En, false, false) => "Type a whole number, then Enter.",
            (Lang::Es, true, true) => {
                "Escriba un número entero y luego Enter; Enter solo mantiene la respuesta \
                 actual. b vuelve atrás."
            }
            (Lang::Es, true, false) => "Escriba un número entero y luego Enter. b vuelve atrás.",
            (Lang::Es, false, true) => {
                "Escriba un número entero y luego Enter; Enter solo mantiene la respuesta actual."
            }
            (Lang::Es, false, false) => "Escriba un número entero y luego Enter.",
        }
    }

    /// The prompt a number is typed at: short, so it always fits one line.
    pub(crate) fn number_prompt(self, min: i64, max: i64) -> String {
        match self {
            Lang::En => format!("Number ({min}-{max})"),
            Lang::Es => format!("Número ({min}-{max})"),
        }
    }

    /// The key that answers a yes/no question: `y`/`n`, `s`/`n`.
    pub(crate) fn yes_no_key(self, code: i64) -> char {
        match (self, code) {
            (Lang::En, 1) => 'y',
            (Lang::Es, 1) => 's',
            (_, _) => 'n',
        }
    }

    /// The answer given, as it stays on screen once chosen.
    pub(crate) fn answered(self, answer: &str) -> String {
        match self {
            Lang::En => format!("Answer: {answer}"),
            Lang::Es => format!("Respuesta: {answer}"),
        }
    }

    pub(crate) fn number_range(self, min: i64, max: i64) -> String {
        match self {
            Lang::En => format!("enter a whole number from {min} to {max}"),
            Lang::Es => format!("escriba un número entero de {min} a {max}"),
        }
    }

    pub(crate) fn review_title(self) -> &'static str {
        match self {
            Lang::En => "Review: choose an answer to change, or confirm",
            Lang::Es => "Revisión: elija una respuesta para cambiarla o confirme",
        }
    }

    pub(crate) fn review_confirm(self) -> &'static str {
        match self {
            Lang::En => "Confirm these answers and see the result",
            Lang::Es => "Confirmar estas respuestas y ver el resultado",
        }
    }

    /// The line under the review's title: how many answers, and how to
    /// choose.
    pub(crate) fn review_count(self, answers: usize) -> String {
        match self {
            Lang::En => format!(
                "{answers} answers. ↑/↓, PgUp/PgDn and Enter: the first line confirms, \
                 another changes its answer. Type to filter (an instrument such as audit, or \
                 words); Esc clears the filter, or goes back to the last question."
            ),
            Lang::Es => format!(
                "{answers} respuestas. ↑/↓, RePág/AvPág y Enter: la primera línea confirma, \
                 otra cambia su respuesta. Escriba para filtrar (un instrumento como audit o \
                 palabras); Esc borra el filtro o vuelve a la última pregunta."
            ),
        }
    }

    pub(crate) fn review_filter(self) -> &'static str {
        match self {
            Lang::En => "Filter",
            Lang::Es => "Filtro",
        }
    }

    /// The review's status line: the page, and what a filter kept.
    pub(crate) fn review_page(
        self,
        page: usize,
        pages: usize,
        kept: Option<(usize, usize)>,
    ) -> String {
        let page = match self {
            Lang::En => format!("Page {page} of {pages}"),
            Lang::Es => format!("Página {page} de {pages}"),
        };
        match (self, kept) {
            (_, None) => page,
            // Nothing to page through, nothing to change: how to confirm.
            (Lang::En, Some((0, of))) => format!("0 of {of} answers match."),
            (Lang::Es, Some((0, of))) => format!("0 de {of} respuestas coinciden."),
            (Lang::En, Some((kept, of))) => format!(
                "{page} · {kept} of {of} answers match. Enter changes the answer marked >; \
                 Esc clears the filter, to confirm."
            ),
            (Lang::Es, Some((kept, of))) => format!(
                "{page} · {kept} de {of} respuestas coinciden. Enter cambia la respuesta \
                 marcada con >; Esc borra el filtro para poder confirmar."
            ),
        }
    }

    /// The review when a filter keeps no answer.
    pub(crate) fn review_no_match(self) -> &'static str {
        match self {
            Lang::En => "No answer matches. Backspace or Esc changes the filter.",
            Lang::Es => "Ninguna respuesta coincide. Retroceso o Esc cambian el filtro.",
        }
    }

    /// A change that takes away safety findings (`lost`), to confirm.
    pub(crate) fn lowering(self, item: &str, from: &str, to: &str, lost: &[String]) -> String {
        let lost = match lost.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => match self {
                Lang::En => format!("{}, and {last}", rest.join(", ")),
                Lang::Es => format!("{} y {last}", rest.join(", ")),
            },
            None => String::new(),
        };
        match self {
            Lang::En => {
                format!("The client answered '{from}' to {item} earlier. Recording '{to}' {lost}.")
            }
            Lang::Es => {
                format!("La persona respondió antes «{from}» a {item}. Registrar «{to}» {lost}.")
            }
        }
    }

    /// What taking back an answer kept for safety does.
    pub(crate) fn lost_kept(self) -> &'static str {
        match self {
            Lang::En => "takes back an answer kept for safety",
            Lang::Es => "retira una respuesta que se conservó por seguridad",
        }
    }

    /// What taking back a positive safety answer does when other answers
    /// still raise the same findings.
    pub(crate) fn lost_positive(self) -> &'static str {
        match self {
            Lang::En => "takes back a positive safety answer (other answers still raise the same findings)",
            Lang::Es => {
                "retira una respuesta positiva de seguridad (otras respuestas siguen indicando lo mismo)"
            }
        }
    }

    pub(crate) fn lost_crisis(self) -> &'static str {
        match self {
            Lang::En => "removes the crisis route",
            Lang::Es => "quita la ruta de crisis",
        }
    }

    pub(crate) fn lost_grade(self, rating: &str, from: &str, to: &str) -> String {
        match self {
            Lang::En => format!("lowers the {rating} from '{from}' to '{to}'"),
            Lang::Es => format!("baja la {rating} de «{from}» a «{to}»"),
        }
    }

    pub(crate) fn lost_flags(self, flags: &str) -> String {
        match self {
            Lang::En => format!("removes: {flags}"),
            Lang::Es => format!("quita: {flags}"),
        }
    }

    /// The two choices of a change that takes away safety findings, with
    /// their keys: keep the earlier answer, or record the new one.
    pub(crate) fn keep_or_record(self, from: &str, to: &str) -> [(char, String); 2] {
        match self {
            Lang::En => [
                ('k', format!("keep '{from}'")),
                ('r', format!("record '{to}'")),
            ],
            Lang::Es => [
                ('m', format!("mantener «{from}»")),
                ('r', format!("registrar «{to}»")),
            ],
        }
    }

    /// The status line under those choices.
    pub(crate) fn keep_or_record_hint(self) -> &'static str {
        match self {
            Lang::En => {
                "Press a key in brackets, then Enter. Enter alone or Esc keeps the earlier answer."
            }
            Lang::Es => {
                "Presione una tecla entre corchetes y luego Enter. Enter solo o Esc mantiene la \
                 respuesta anterior."
            }
        }
    }

    /// Said once a change was confirmed, or the earlier answer kept.
    pub(crate) fn lowering_done(self, recorded: bool) -> &'static str {
        match (self, recorded) {
            (Lang::En, true) => {
                "Recorded. The earlier answer stays in the record (retracted_risk_answer): a \
                 clinician asks again before the person leaves."
            }
            (Lang::En, false) => "The earlier answer is kept.",
            (Lang::Es, true) => {
                "Registrado. La respuesta anterior queda en el registro (retracted_risk_answer): \
                 un profesional vuelve a preguntar antes de que la persona se vaya."
            }
            (Lang::Es, false) => "Se mantiene la respuesta anterior.",
        }
    }
}
