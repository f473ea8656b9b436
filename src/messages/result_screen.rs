//! What the interview's result screen says, where the disposition is
//! recorded: the level, the crisis route, the flags, the next step and the
//! positive scores, the pager of the whole result and note, and the keys.

use super::Lang;

impl Lang {
    /// The result screen's first line: the client and the level.
    pub(crate) fn result_title(self, id: &str, level: &str) -> String {
        match self {
            Lang::En => format!("Client {id} - recommended level: {level}"),
            Lang::Es => format!("Persona {id} - nivel recomendado: {level}"),
        }
    }

    /// The crisis route, in words (never by colour alone).
    pub(crate) fn crisis_line(self, crisis: bool) -> &'static str {
        match (self, crisis) {
            (Lang::En, true) => {
                "!! CRISIS ROUTE: emergency evaluation now; do not leave the person alone !!"
            }
            (Lang::En, false) => "Crisis route: no",
            (Lang::Es, true) => {
                "!! RUTA DE CRISIS: evaluación de emergencia ahora; no deje sola a la persona !!"
            }
            (Lang::Es, false) => "Ruta de crisis: no",
        }
    }

    pub(crate) fn flags_heading(self, n: usize) -> String {
        match (self, n) {
            (Lang::En, 0) => "Flags: none".into(),
            (Lang::En, n) => format!("Flags ({n}, most urgent first):"),
            (Lang::Es, 0) => "Alertas: ninguna".into(),
            (Lang::Es, n) => format!("Alertas ({n}, la más urgente primero):"),
        }
    }

    /// Flags the screen has no room for.
    pub(crate) fn more_flags(self, n: usize) -> String {
        match self {
            Lang::En => format!("+{n} more: press p"),
            Lang::Es => format!("+{n} más: presione p"),
        }
    }

    pub(crate) fn next_step_line(self, step: &str) -> String {
        match self {
            Lang::En => format!("Next step: {step}"),
            Lang::Es => format!("Siguiente paso: {step}"),
        }
    }

    pub(crate) fn positive_scores(self, scores: &str) -> String {
        match self {
            Lang::En => format!("Positive screens: {scores}"),
            Lang::Es => format!("Cribados positivos: {scores}"),
        }
    }

    /// A prompt with Esc to go back to the first disposition choice.
    pub(crate) fn with_esc_back(self, prompt: &str) -> String {
        match self {
            Lang::En => format!("{prompt} (Esc goes back)"),
            Lang::Es => format!("{prompt} (Esc vuelve atrás)"),
        }
    }

    /// The option that opens the pager.
    pub(crate) fn read_full(self) -> &'static str {
        match self {
            Lang::En => "Read the whole result and note",
            Lang::Es => "Leer el resultado y la nota completos",
        }
    }

    /// The status line under a choice on the result screen.
    pub(crate) fn result_choice_hint(self) -> &'static str {
        match self {
            Lang::En => "Press a key in brackets or use ↑/↓, then Enter. p reads the whole result.",
            Lang::Es => "Tecla entre corchetes o ↑/↓, y luego Enter. p lee el resultado completo.",
        }
    }

    /// The pager's status line.
    pub(crate) fn pager_status(self, first: usize, last: usize, of: usize) -> String {
        match self {
            Lang::En => {
                format!("Lines {first}-{last} of {of}. ↑/↓, PgUp/PgDn, Home/End; q goes back.")
            }
            Lang::Es => format!(
                "Líneas {first}-{last} de {of}. ↑/↓, RePág/AvPág, Inicio/Fin; q vuelve atrás."
            ),
        }
    }
}
