//! The words of `explain` (headings, its rule lines, why and why not, the
//! problems of a rejected record) in each language the tool speaks.

use super::Lang;
use crate::error::AnswerError;

impl Lang {
    /// Headings of `explain`: (rejected, already raise, every rule).
    pub(crate) fn explain_headings(self) -> [&'static str; 3] {
        match self {
            Lang::En => [
                "The record is rejected",
                "The answers given already raise:",
                "Every rule, in the order the engine evaluates them:",
            ],
            Lang::Es => [
                "El registro se rechaza",
                "Las respuestas dadas ya indican:",
                "Todas las reglas, en el orden en que se evalúan:",
            ],
        }
    }

    /// `explain --fired-only`: the heading of the rules that fired.
    pub(crate) fn explain_fired(self) -> &'static str {
        match self {
            Lang::En => "The rules that fired, in the order the engine evaluates them:",
            Lang::Es => "Las reglas que se cumplieron, en el orden en que se evalúan:",
        }
    }

    /// `explain --fill least-severe`: the items filled, or that none was.
    pub(crate) fn explain_filled(self, items: &[String]) -> String {
        match (self, items.is_empty()) {
            (Lang::En, true) => {
                "Nothing filled (--fill least-severe): the record answers every question it shows."
                    .to_string()
            }
            (Lang::En, false) => format!(
                "Filled with their least severe answer, as test cases are (--fill least-severe), \
                 not given in the record: {}.",
                items.join(", ")
            ),
            (Lang::Es, true) => "No se rellenó nada (--fill least-severe): el registro \
                                 responde a todas las preguntas que se muestran."
                .to_string(),
            (Lang::Es, false) => format!(
                "Preguntas sin respuesta en el registro, rellenadas con su respuesta menos \
                 grave, como en los casos de prueba (--fill least-severe): {}.",
                items.join(", ")
            ),
        }
    }

    /// Filled answers to items safety flags read (`--fill least-severe`).
    pub(crate) fn filled_safety(self, items: &str) -> String {
        match self {
            Lang::En => format!(
                "warning: a filled answer assumes no risk, and safety flags read these \
                 items: {items}. Ask them before relying on the result."
            ),
            Lang::Es => format!(
                "aviso: una respuesta rellenada supone que no hay riesgo, y las alertas de \
                 seguridad leen estas preguntas: {items}. Hágalas antes de confiar en el \
                 resultado."
            ),
        }
    }

    pub(crate) fn explain_why(self, level: &str) -> String {
        match self {
            Lang::En => format!("Why {level} and not a less intensive level:"),
            Lang::Es => format!("Por qué {level} y no un nivel menos intensivo:"),
        }
    }

    pub(crate) fn explain_why_not(self, level: &str) -> String {
        match self {
            Lang::En => format!("Why not {level} (the next level up): none of these held:"),
            Lang::Es => {
                format!("Por qué no el siguiente nivel, {level}: no se cumplió ninguna de estas:")
            }
        }
    }

    /// `explain`: a rule's mark in the list, fired or not (one width).
    pub(crate) fn explain_mark(self, fired: bool) -> &'static str {
        match (self, fired) {
            (Lang::En, true) => "fired",
            (Lang::En, false) => "  -  ",
            (Lang::Es, true) => "se cumple",
            (Lang::Es, false) => "    -    ",
        }
    }

    /// `explain`: the words before a rule's condition and the values it
    /// saw, and the values when it saw none: (when, saw, nothing).
    pub(crate) fn explain_when_saw(self) -> [&'static str; 3] {
        match self {
            Lang::En => ["when", "saw", "nothing"],
            Lang::Es => ["cuando", "valores:", "ninguno"],
        }
    }

    /// `explain`: what the rule set's operators mean, where the language
    /// is not the one they are named in.
    pub(crate) fn explain_operators(self) -> Option<&'static str> {
        match self {
            Lang::En => None,
            Lang::Es => Some(
                "(Operadores del conjunto de reglas: all = se cumplen todas, any = se cumple\n \
                 alguna, not = no se cumple, in = es uno de estos valores.)",
            ),
        }
    }

    /// `explain`: a rule with `from` in the list of why-not.
    pub(crate) fn explain_from(self, level: &str) -> String {
        match self {
            Lang::En => format!(" (when the other rules give {level})"),
            Lang::Es => format!(" (cuando las demás reglas dan {level})"),
        }
    }

    /// `explain --data`: which row of which file; `of`: the row's place
    /// among the rows with its id, their count, and the id.
    pub(crate) fn explain_row(
        self,
        file: &str,
        row: u64,
        of: Option<(usize, usize, &str)>,
    ) -> String {
        match (self, of) {
            (Lang::En, None) => format!("{file}, row {row}:"),
            (Lang::En, Some((n, rows, id))) => {
                format!("{file}, row {row} ({n} of {rows} rows with the id `{id}`):")
            }
            (Lang::Es, None) => format!("{file}, fila {row}:"),
            (Lang::Es, Some((n, rows, id))) => {
                format!("{file}, fila {row} ({n} de {rows} filas con el id `{id}`):")
            }
        }
    }

    /// A problem that rejects a record, in words (`score`'s `error` column
    /// keeps English: it is data). A column's reason stays as the CSV
    /// reader words it.
    pub(crate) fn answer_problem(self, problem: &AnswerError) -> String {
        match (self, problem) {
            (Lang::En, p) => p.to_string(),
            (Lang::Es, AnswerError::Missing { item }) => {
                format!("columna `{item}`: falta una respuesta obligatoria")
            }
            (
                Lang::Es,
                AnswerError::Invalid {
                    item,
                    value,
                    expected,
                },
            ) => format!(
                "columna `{item}`: `{value}` no es una respuesta válida ({})",
                expected_es(expected)
            ),
            (
                Lang::Es,
                AnswerError::TooManyMissing {
                    scale,
                    item,
                    missing,
                    allowed,
                },
            ) => format!(
                "escala `{scale}`: faltan {missing} respuestas y se admiten como máximo \
                 {allowed} (la primera que falta: `{item}`)"
            ),
            (Lang::Es, AnswerError::FieldCount { found, expected }) => {
                format!("el registro tiene {found} campos y el encabezado {expected}")
            }
            (Lang::Es, AnswerError::Column { column, reason }) => {
                format!("columna `{column}`: {reason}")
            }
            (
                Lang::Es,
                AnswerError::Mapped {
                    column,
                    item,
                    reason,
                    ..
                },
            ) => format!("columna `{column}` (pregunta `{item}`): {reason}"),
        }
    }
}

/// What an item accepts (`answers::expected`), in Spanish; a rule set's
/// own range message is the rule set's text, already in its language.
fn expected_es(expected: &str) -> String {
    if let Some(codes) = expected.strip_prefix("expected one of ") {
        return format!("se esperaba uno de estos: {codes}");
    }
    if expected == "expected 1/0 or yes/no" {
        return "se esperaba 1/0 o yes/no".to_string();
    }
    if let Some(range) = expected.strip_prefix("expected a whole number from ") {
        return format!(
            "se esperaba un número entero de {}",
            range.replacen(" to ", " a ", 1)
        );
    }
    if expected == "this item takes no answer" {
        return "esta pregunta no lleva respuesta".to_string();
    }
    expected.to_string()
}
