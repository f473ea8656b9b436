//! LOINC codes, as data in the rule set: checked for their shape (a part
//! code `NNNNN-C` with its check digit; an answer code `LANNNN-C`), so a
//! mistyped code fails `rules check` rather than a FHIR server's import.

use super::super::problem::Problem;
use super::super::raw::{RawFhir, RawFile};
use super::{Loc, Validator};
use crate::model::Fhir;

impl Validator {
    /// A LOINC code of a panel, item, total or rating (`answer: false`), or
    /// of an answer (`answer: true`), checked.
    pub(super) fn loinc(
        &mut self,
        file: &str,
        path: &Loc,
        code: Option<&String>,
        answer: bool,
    ) -> Option<String> {
        let code = code?;
        if !is_loinc(code, answer) {
            // The right shape with the wrong check digit: say which it needs.
            let check = code
                .split_once('-')
                .filter(|(n, c)| {
                    !answer && is_loinc(&format!("{n}-{}", check_digit(n)), false) && c.len() == 1
                })
                .map(|(n, _)| check_digit(n));
            self.error(
                file,
                path,
                Problem::BadLoinc {
                    code: code.clone(),
                    answer,
                    check,
                },
            );
        }
        Some(code.clone())
    }

    /// The main file's `fhir` settings, with their defaults.
    pub(super) fn fhir(&mut self, files: &[(String, RawFile)], name: &str) -> Fhir {
        for (other, raw) in files.iter().skip(1) {
            if raw.fhir.is_some() {
                self.error(
                    other,
                    &Loc::top("fhir"),
                    Problem::MainFileOnly { key: "fhir" },
                );
            }
        }
        let raw = files.first().and_then(|(_, f)| f.fhir.as_ref());
        if let (Some((main, _)), Some(raw)) = (files.first(), raw) {
            for (key, value) in [
                ("code_system", &raw.code_system),
                ("record_system", &raw.record_system),
            ] {
                match value {
                    Some(value) if !is_uri(value) => self.error(
                        main,
                        &Loc::top("fhir").key(key),
                        Problem::BadSystem {
                            value: value.clone(),
                        },
                    ),
                    _ => {}
                }
            }
        }
        let given = |get: fn(&RawFhir) -> &Option<String>| raw.and_then(|r| get(r).clone());
        Fhir {
            code_system: given(|r| &r.code_system)
                .unwrap_or_else(|| format!("urn:carescreen:{name}")),
            record_system: given(|r| &r.record_system)
                .unwrap_or_else(|| format!("urn:carescreen:{name}:record")),
        }
    }
}

/// Whether `value` reads as an absolute URI: a scheme (a letter, then
/// letters, digits, `+`, `-` or `.`), `:`, and more, without spaces.
fn is_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut letters = scheme.chars();
    letters.next().is_some_and(|c| c.is_ascii_alphabetic())
        && letters.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !value.chars().any(char::is_whitespace)
}

/// Whether `code` is a LOINC part code with its check digit (`44249-1`),
/// or with `answer` an answer code (`LA6568-5`).
pub(crate) fn is_loinc(code: &str, answer: bool) -> bool {
    let body = match answer {
        true => match code.strip_prefix("LA") {
            Some(body) => body,
            None => return false,
        },
        false => code,
    };
    let Some((number, check)) = body.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(number) || number.len() > 7 || check.len() != 1 || !digits(check) {
        return false;
    }
    // Answer codes carry a check digit of their own scheme: shape only.
    answer || check_digit(number) == check.as_bytes()[0] - b'0'
}

/// LOINC's mod-10 check digit: from the right, odd places doubled (their
/// digits summed), even places as they are.
fn check_digit(number: &str) -> u8 {
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match i % 2 {
                0 => (2 * d) / 10 + (2 * d) % 10,
                _ => d,
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::{is_loinc, is_uri};

    #[test]
    fn fhir_systems_are_absolute_uris() {
        for good in [
            "urn:carescreen:x",
            "https://example.org/codes",
            "urn:oid:2.16.840.1",
        ] {
            assert!(is_uri(good), "{good}");
        }
        for bad in [
            "carescreen",
            "my codes:x",
            ":x",
            "1urn:x",
            "urn:",
            "urn:a b",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn loinc_codes_are_checked_by_their_check_digit_and_answer_codes_by_shape() {
        // From the checked table (rules/README.md): panels, items, totals.
        for code in [
            "44249-1", "44261-6", "44260-8", "69737-5", "70274-6", "93374-7", "75626-2",
        ] {
            assert!(is_loinc(code, false), "{code}");
        }
        // A digit changed, a wrong check digit, other shapes.
        for code in [
            "44249-2", "44248-1", "44249", "4424-91", "A4249-1", "", "44249-1 ",
        ] {
            assert!(!is_loinc(code, false), "{code:?}");
        }
        assert!(is_loinc("LA6568-5", true));
        assert!(!is_loinc("6568-5", true));
        assert!(!is_loinc("LA6568", true));
        assert!(!is_loinc("LA6568-5", false));
    }
}
