//! The YAML reader's messages, in words for the people who write rules.
//!
//! The reader (libyaml under serde) speaks of block mappings and scalars;
//! a clinical lead editing a threshold should read what to fix instead.
//! Each message the reader gives for a common mistake is recognised here
//! and rephrased; the reader's own words are kept as a note. A message not
//! recognised is shown as the reader gave it.

use super::locate;
use crate::error::Place;

/// A mistake the YAML reader reported, recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// A key the element does not take; `expected` lists those it takes.
    UnknownKey {
        key: String,
        expected: Vec<String>,
        suggestion: Option<String>,
    },
    /// A value outside a closed set (`missing: sometimes`).
    UnknownValue {
        value: String,
        expected: Vec<String>,
        suggestion: Option<String>,
    },
    MissingKey {
        key: String,
    },
    DuplicateKey {
        key: String,
    },
    /// A value of the wrong kind, both kinds in plain words.
    WrongType {
        found: String,
        expected: String,
    },
    /// A key or list entry out of line with those around it.
    Indentation,
    /// `: ` inside a value that is not quoted.
    ColonInValue,
    Tab,
    /// A character that cannot start a value (`@`, `` ` ``, `%`).
    ReservedCharacter {
        found: Option<char>,
    },
    /// A `[` or `{` never closed.
    Unclosed {
        open: char,
        close: char,
    },
    UnclosedQuote,
    /// A message not recognised, as the reader gave it.
    Other {
        message: String,
    },
}

/// A reader's error, read: what it means, where, and its own words.
#[derive(Debug)]
pub(super) struct ReaderError {
    pub(super) syntax: Syntax,
    /// The reader's message without its locations (and so the note).
    pub(super) original: String,
    pub(super) place: Place,
}

/// Read a reader's message (`to_string()` of its error) and the location
/// it gives, in `text`. Where the reader names where the broken construct
/// starts (an unclosed list or quote), that is the place.
pub(super) fn read(message: &str, location: Option<(usize, usize)>, text: &str) -> ReaderError {
    let marks = marks(message);
    let original = strip_location(message);
    let (path, rest) = split_path(&original);
    let syntax = recognise(rest, location, text);
    let start = match syntax {
        Syntax::Unclosed { .. } | Syntax::UnclosedQuote => marks.get(1).copied(),
        _ => None,
    };
    let at = match &syntax {
        Syntax::DuplicateKey { key } => locate::duplicate_key(text, path, key)
            .map(|at| (at.line, at.col))
            .or(location),
        // An indentation problem is at the start of its line's text.
        Syntax::Indentation => {
            location.map(|(line, col)| (line, indent_of(text, line).unwrap_or(col)))
        }
        _ => start.or(location),
    };
    let place = match at {
        Some((line, col)) if !path.is_empty() => Place::At {
            line,
            col,
            path: path.to_string(),
        },
        Some((line, col)) => Place::LineCol(line, col),
        None if !path.is_empty() => Place::Path(path.to_string()),
        None => Place::File,
    };
    ReaderError {
        syntax,
        original,
        place,
    }
}

impl Syntax {
    pub(crate) fn message(&self) -> String {
        match self {
            Syntax::UnknownKey { key, .. } => format!("unknown key `{key}`"),
            Syntax::UnknownValue { value, .. } => {
                format!("`{value}` is not one of the values allowed here")
            }
            Syntax::MissingKey { key } => format!("the required key `{key}` is missing here"),
            Syntax::DuplicateKey { key } => format!("`{key}` is given twice in the same place"),
            Syntax::WrongType { found, expected } => {
                format!("expected {expected} here, found {found}")
            }
            Syntax::Indentation => {
                "this line's indentation does not match the lines around it".into()
            }
            Syntax::ColonInValue => {
                "a `:` followed by a space starts a new key, and a key cannot start here".into()
            }
            Syntax::Tab => "this line has a tab where YAML allows only spaces".into(),
            Syntax::ReservedCharacter { found: Some(c) } => {
                format!("a value cannot start with `{c}` unless it is in quotes")
            }
            Syntax::ReservedCharacter { found: None } => {
                "a value cannot start with this character unless it is in quotes".into()
            }
            Syntax::Unclosed { open, close } => {
                format!("the `{open}` started here is never closed with `{close}`")
            }
            Syntax::UnclosedQuote => "the quoted text started here has no closing quote".into(),
            Syntax::Other { message } => message.clone(),
        }
    }

    pub(crate) fn help(&self) -> Option<String> {
        let help = match self {
            Syntax::UnknownKey {
                expected,
                suggestion,
                ..
            } => {
                let list = if expected.is_empty() {
                    "this takes no keys".to_string()
                } else {
                    format!("the keys here are {}", ticked(expected))
                };
                match suggestion {
                    Some(s) => format!("did you mean `{s}`? {list}"),
                    None => list,
                }
            }
            Syntax::UnknownValue {
                expected,
                suggestion,
                ..
            } => {
                let list = format!("the values allowed are {}", ticked(expected));
                match suggestion {
                    Some(s) => format!("did you mean `{s}`? {list}"),
                    None => list,
                }
            }
            Syntax::DuplicateKey { .. } => "keep one of the two, or rename one".into(),
            Syntax::Indentation => "check the spaces before it: the keys of one entry start in \
                                    the same column, and so do the `-` of one list's entries"
                .into(),
            Syntax::ColonInValue => {
                "put a text that holds `: ` in quotes, or check this line's indentation".into()
            }
            Syntax::Tab => "replace the tab with spaces".into(),
            Syntax::ReservedCharacter { .. } => "put the text in quotes: \"...\"".into(),
            Syntax::Unclosed { close, .. } => {
                format!("add the `{close}`, or the `,` between two entries")
            }
            Syntax::UnclosedQuote => "end the text with the quote it starts with".into(),
            Syntax::MissingKey { .. } | Syntax::WrongType { .. } | Syntax::Other { .. } => {
                return None
            }
        };
        Some(help)
    }

    /// The reader's own words are worth a note when they were rephrased.
    pub(crate) fn rephrased(&self) -> bool {
        !matches!(self, Syntax::Other { .. })
    }
}

fn ticked(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn recognise(message: &str, location: Option<(usize, usize)>, text: &str) -> Syntax {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (key, expected) = name_and_list(rest);
        let suggestion = closest_word(&key, &expected);
        return Syntax::UnknownKey {
            key,
            expected,
            suggestion,
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected) = name_and_list(rest);
        let suggestion = closest_word(&value, &expected);
        return Syntax::UnknownValue {
            value,
            expected,
            suggestion,
        };
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return Syntax::MissingKey {
            key: ticked_word(rest).unwrap_or_default(),
        };
    }
    for prefix in ["duplicate field ", "duplicate key "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            return Syntax::DuplicateKey {
                key: ticked_word(rest).unwrap_or_default(),
            };
        }
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.split_once(", expected ") {
                return Syntax::WrongType {
                    found: found_words(found),
                    expected: expected_words(expected),
                };
            }
        }
    }
    let has = |part: &str| message.contains(part);
    if has("did not find expected key")
        || has("did not find expected '-' indicator")
        || has("block sequence entries are not allowed")
    {
        Syntax::Indentation
    } else if has("mapping values are not allowed") {
        // A line that is all `key: value`, its first colon the one found,
        // is a key out of line; a colon later in a line is in a value.
        let first_colon = location.and_then(|(line, _)| {
            let line = text.lines().nth(line.checked_sub(1)?)?;
            line.find(':').map(|i| line[..i].chars().count() + 1)
        });
        if location.is_some_and(|(_, col)| first_colon == Some(col)) {
            Syntax::Indentation
        } else {
            Syntax::ColonInValue
        }
    } else if has("tab character") {
        Syntax::Tab
    } else if has("found character that cannot start any token") {
        let found = location.and_then(|(line, col)| char_at(text, line, col));
        if found == Some('\t') {
            Syntax::Tab
        } else {
            Syntax::ReservedCharacter { found }
        }
    } else if has("did not find expected ',' or ']'") {
        Syntax::Unclosed {
            open: '[',
            close: ']',
        }
    } else if has("did not find expected ',' or '}'") {
        Syntax::Unclosed {
            open: '{',
            close: '}',
        }
    } else if has("while scanning a quoted scalar") {
        Syntax::UnclosedQuote
    } else {
        Syntax::Other {
            message: message.to_string(),
        }
    }
}

/// `` `optionz`, expected one of `id`, `text` `` → `optionz`, [id, text].
fn name_and_list(rest: &str) -> (String, Vec<String>) {
    let name = ticked_word(rest).unwrap_or_default();
    let list = rest
        .split_once(", expected ")
        .map(|(_, list)| list.strip_prefix("one of ").unwrap_or(list))
        .map(|list| {
            list.split(", ")
                .filter_map(ticked_word)
                .collect::<Vec<String>>()
        })
        .unwrap_or_default();
    (name, list)
}

/// The first `` `word` `` in a text.
fn ticked_word(text: &str) -> Option<String> {
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(text[start..start + len].to_string())
}

/// The valid word closest to a misspelt one, when it is close enough: a
/// few letters changed, added, dropped or swapped, fewer for short words.
fn closest_word(word: &str, valid: &[String]) -> Option<String> {
    let word = word.to_lowercase();
    let allowed = match word.chars().count() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(&word, &v.to_lowercase()), v))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, v)| v.clone())
}

/// serde's name for what it found, in plain words.
fn found_words(found: &str) -> String {
    if let Some(text) = found.strip_prefix("string ") {
        return format!("the text {text}");
    }
    for prefix in ["integer ", "floating point "] {
        if let Some(number) = found.strip_prefix(prefix) {
            return format!("the number {}", number.trim_matches('`'));
        }
    }
    if let Some(value) = found.strip_prefix("boolean ") {
        return format!("{value} (yes or no)");
    }
    match found {
        "map" => "keys with values".into(),
        "sequence" => "a list".into(),
        "unit value" => "nothing (an empty value)".into(),
        other => other.to_string(),
    }
}

/// serde's name for what it expected, in plain words.
fn expected_words(expected: &str) -> String {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            "a whole number".into()
        }
        "f32" | "f64" => "a number".into(),
        "a string" | "a borrowed string" => "a text".into(),
        "a boolean" => "`true` or `false`".into(),
        "a sequence" => "a list (`- ` lines, or `[a, b]`)".into(),
        "a map" => "keys with values (`key: value` lines)".into(),
        other if other.starts_with("struct ") => "keys with values (`key: value` lines)".into(),
        other => other.to_string(),
    }
}

/// The column (1-based) where a line's text starts after its spaces.
fn indent_of(text: &str, line: usize) -> Option<usize> {
    let line = text.lines().nth(line.checked_sub(1)?)?;
    let spaces = line.len() - line.trim_start_matches(' ').len();
    (spaces < line.len()).then_some(spaces + 1)
}

/// The character at a 1-based line and column.
fn char_at(text: &str, line: usize, col: usize) -> Option<char> {
    text.lines()
        .nth(line.checked_sub(1)?)?
        .chars()
        .nth(col.checked_sub(1)?)
}

/// `instruments[0].items[1]: missing field` → the path and the rest. A
/// reader's message with no path before it is all rest.
fn split_path(message: &str) -> (&str, &str) {
    match message.split_once(": ") {
        Some((path, rest))
            if !path.is_empty() && !path.contains(char::is_whitespace) && !path.contains('`') =>
        {
            (path, rest)
        }
        _ => ("", message),
    }
}

/// Every " at line L column C" in a message, in order.
fn marks(message: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        rest = &rest[at + " at line ".len()..];
        let (line, tail) = leading_number(rest);
        if let (Some(line), Some(tail)) = (line, tail.strip_prefix(" column ")) {
            if let (Some(col), _) = leading_number(tail) {
                out.push((line, col));
            }
        }
    }
    out
}

fn leading_number(text: &str) -> (Option<usize>, &str) {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    (text[..digits].parse().ok(), &text[digits..])
}

/// serde_yaml puts " at line L column C" in messages; the location is
/// reported separately, so every such phrase is removed.
fn strip_location(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " at line ".len()..];
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line_len = digits(tail);
        let after_line = &tail[line_len..];
        match after_line.strip_prefix(" column ") {
            Some(col) if line_len > 0 && digits(col) > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(" at line ");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{closest_word, read, strip_location, Syntax};
    use crate::error::Place;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn an_unknown_key_suggests_the_closest_and_keeps_the_list() {
        let err = read(
            "placement.rules[0].when: unknown field `at_lest`, expected one of `all`, `any`, \
             `at_least`, `at_most` at line 5 column 9",
            Some((5, 9)),
            "",
        );
        assert_eq!(
            err.syntax,
            Syntax::UnknownKey {
                key: "at_lest".into(),
                expected: words(&["all", "any", "at_least", "at_most"]),
                suggestion: Some("at_least".into()),
            }
        );
        assert_eq!(
            err.syntax.help().as_deref(),
            Some("did you mean `at_least`? the keys here are `all`, `any`, `at_least`, `at_most`")
        );
        assert_eq!(
            err.place,
            Place::At {
                line: 5,
                col: 9,
                path: "placement.rules[0].when".into()
            }
        );
        assert_eq!(
            err.original,
            "placement.rules[0].when: unknown field `at_lest`, expected one of `all`, `any`, \
             `at_least`, `at_most`"
        );
    }

    #[test]
    fn a_suggestion_needs_a_close_word() {
        let valid = words(&["eq", "in", "at_least", "options", "scores"]);
        assert_eq!(closest_word("eg", &valid).as_deref(), Some("eq"));
        assert_eq!(closest_word("optoins", &valid).as_deref(), Some("options"));
        assert_eq!(closest_word("Options", &valid).as_deref(), Some("options"));
        assert_eq!(closest_word("colour", &valid), None);
        assert_eq!(closest_word("xy", &valid), None);
    }

    #[test]
    fn a_mis_indented_key_speaks_of_indentation() {
        let err = read(
            "did not find expected key at line 4 column 2, while parsing a block mapping at line 2 column 1",
            Some((4, 2)),
            "",
        );
        assert_eq!(err.syntax, Syntax::Indentation);
        assert_eq!(
            err.syntax.message(),
            "this line's indentation does not match the lines around it"
        );
        assert_eq!(err.place, Place::LineCol(4, 2));
        assert_eq!(
            err.original,
            "did not find expected key, while parsing a block mapping"
        );
    }

    #[test]
    fn a_colon_is_a_mis_indented_key_when_it_ends_the_lines_first_word() {
        let message = "mapping values are not allowed in this context at line 3 column 11";
        let text = "- id: mood\n  items: []\n     title: Mood\n";
        assert_eq!(
            read(message, Some((3, 11)), text).syntax,
            Syntax::Indentation
        );
        let message = "mapping values are not allowed in this context at line 2 column 19";
        let text = "- id: mood\n  message: Danger: call now\n";
        assert_eq!(
            read(message, Some((2, 19)), text).syntax,
            Syntax::ColonInValue
        );
    }

    #[test]
    fn a_tab_is_named_whichever_message_the_reader_gives() {
        let text = "a: 1\n\tb: 2\n";
        let err = read(
            "found character that cannot start any token at line 2 column 1, while scanning for the next token",
            Some((2, 1)),
            text,
        );
        assert_eq!(err.syntax, Syntax::Tab);
        let err = read(
            "found a tab character that violates indentation at line 2 column 1",
            Some((2, 1)),
            text,
        );
        assert_eq!(err.syntax, Syntax::Tab);
        let err = read(
            "found character that cannot start any token at line 1 column 4, while scanning for the next token",
            Some((1, 4)),
            "a: @x\n",
        );
        assert_eq!(err.syntax, Syntax::ReservedCharacter { found: Some('@') });
    }

    #[test]
    fn an_unclosed_list_or_quote_is_placed_where_it_starts() {
        let err = read(
            "did not find expected ',' or ']' at line 3 column 2, while parsing a flow sequence at line 2 column 4",
            Some((3, 2)),
            "",
        );
        assert_eq!(
            err.syntax,
            Syntax::Unclosed {
                open: '[',
                close: ']'
            }
        );
        assert_eq!(err.place, Place::LineCol(2, 4));
        let err = read(
            "found unexpected end of stream at line 3 column 1, while scanning a quoted scalar at line 2 column 4",
            Some((3, 1)),
            "",
        );
        assert_eq!(err.syntax, Syntax::UnclosedQuote);
        assert_eq!(err.place, Place::LineCol(2, 4));
    }

    #[test]
    fn types_are_named_in_plain_words() {
        let err = read(
            "levels[0].rank: invalid type: string \"two\", expected i64 at line 3 column 11",
            Some((3, 11)),
            "",
        );
        assert_eq!(
            err.syntax.message(),
            "expected a whole number here, found the text \"two\""
        );
        let err = read("invalid type: sequence, expected struct RawFile", None, "");
        assert_eq!(
            err.syntax.message(),
            "expected keys with values (`key: value` lines) here, found a list"
        );
        assert_eq!(err.place, Place::File);
    }

    #[test]
    fn a_duplicate_key_is_placed_at_its_second_use() {
        let text = "levels:\n  - id: low\n    name: Low\n    id: other\n";
        let err = read("levels[0]: duplicate field `id`", Some((2, 5)), text);
        assert_eq!(err.syntax, Syntax::DuplicateKey { key: "id".into() });
        assert_eq!(
            err.place,
            Place::At {
                line: 4,
                col: 5,
                path: "levels[0]".into()
            }
        );
    }

    #[test]
    fn other_messages_are_kept_as_given() {
        let err = read("something new at line 1 column 2", Some((1, 2)), "");
        assert_eq!(
            err.syntax,
            Syntax::Other {
                message: "something new".into()
            }
        );
        assert!(!err.syntax.rephrased());
        assert_eq!(err.syntax.help(), None);
    }

    #[test]
    fn locations_are_stripped_from_messages() {
        assert_eq!(
            strip_location("bad at line 3 column 4, while x at line 1 column 1"),
            "bad, while x"
        );
        assert_eq!(strip_location("at line 9 only"), "at line 9 only");
        assert_eq!(strip_location("x at line column"), "x at line column");
    }
}
