//! Choosing one option by its key: which option each key press moves to,
//! and what Enter and Esc do. Pure, apart from the terminal, so that every
//! key can be tested; `terminal.rs` reads the keys and draws.
//!
//! An option's key is shown apart from its label (`[1] 1 or 2`), so a key
//! only ever picks the option it is shown beside: typing `1` never picks
//! an option whose label holds a 1.

use std::fmt;

/// The key that picks an option, shown in brackets before its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptionKey {
    /// 1-based: the option's place in the list.
    Number(usize),
    /// A letter (`y`, `n`), matched in either case.
    Letter(char),
}

impl fmt::Display for OptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionKey::Number(n) => write!(f, "[{n}]"),
            OptionKey::Letter(c) => write!(f, "[{c}]"),
        }
    }
}

/// A key press, as the picker reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Press {
    Up,
    Down,
    Enter,
    Escape,
    Interrupt,
    Char(char),
    Other,
}

/// What a key press did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The cursor moved: draw again.
    Moved,
    /// Enter on this option.
    Chosen(usize),
    Back,
    Interrupted,
    /// Nothing changed.
    Ignored,
}

/// One choice being made: the options' keys and the cursor.
#[derive(Debug)]
pub(crate) struct Picker {
    keys: Vec<OptionKey>,
    cursor: usize,
    can_go_back: bool,
    /// Digits typed in a row: `1` then `2` picks option 12 when there is
    /// one.
    typed: String,
}

impl Picker {
    /// A choice among `keys`, the cursor on option `start`.
    pub(crate) fn new(keys: Vec<OptionKey>, start: usize, can_go_back: bool) -> Picker {
        let cursor = start.min(keys.len().saturating_sub(1));
        Picker {
            keys,
            cursor,
            can_go_back,
            typed: String::new(),
        }
    }

    pub(crate) fn cursor(&self) -> usize {
        self.cursor
    }

    pub(crate) fn press(&mut self, press: Press) -> Step {
        if !matches!(press, Press::Char(c) if c.is_ascii_digit()) {
            self.typed.clear();
        }
        match press {
            Press::Up => self.move_to(self.cursor.saturating_sub(1)),
            Press::Down => self.move_to((self.cursor + 1).min(self.keys.len().saturating_sub(1))),
            Press::Enter if self.keys.is_empty() => Step::Ignored,
            Press::Enter => Step::Chosen(self.cursor),
            Press::Escape if self.can_go_back => Step::Back,
            Press::Escape => Step::Ignored,
            Press::Interrupt => Step::Interrupted,
            Press::Char(c) if c.is_ascii_digit() => self.digit(c),
            Press::Char(c) => {
                let c = c.to_ascii_lowercase();
                match self.find(|k| k == OptionKey::Letter(c)) {
                    Some(i) => self.move_to(i),
                    None => Step::Ignored,
                }
            }
            Press::Other => Step::Ignored,
        }
    }

    /// A digit extends the number typed when that names an option, else
    /// starts a new one; a digit naming no option changes nothing.
    fn digit(&mut self, c: char) -> Step {
        for typed in [format!("{}{c}", self.typed), c.to_string()] {
            let number = typed.parse::<usize>().ok();
            if let Some(i) = number.and_then(|n| self.find(|k| k == OptionKey::Number(n))) {
                self.typed = typed;
                return self.move_to(i);
            }
        }
        self.typed.clear();
        Step::Ignored
    }

    fn find(&self, matches: impl Fn(OptionKey) -> bool) -> Option<usize> {
        self.keys.iter().position(|&k| matches(k))
    }

    fn move_to(&mut self, i: usize) -> Step {
        if i == self.cursor {
            return Step::Ignored;
        }
        self.cursor = i;
        Step::Moved
    }
}

#[cfg(test)]
mod tests {
    use super::{OptionKey, Picker, Press, Step};

    fn numbered(n: usize) -> Vec<OptionKey> {
        (1..=n).map(OptionKey::Number).collect()
    }

    /// Where the cursor ends after `keys`, and the last step.
    fn after(picker: &mut Picker, keys: &str) -> (usize, Step) {
        let mut step = Step::Ignored;
        for c in keys.chars() {
            step = picker.press(Press::Char(c));
        }
        (picker.cursor(), step)
    }

    #[test]
    fn a_number_picks_exactly_the_option_shown_beside_it() {
        // AUDIT item 2: [1] 1 or 2, [2] 3 or 4, ... [5] 10 or more.
        for (typed, at) in [("1", 0), ("2", 1), ("3", 2), ("5", 4)] {
            let mut p = Picker::new(numbered(5), 4, true);
            assert_eq!(after(&mut p, typed).0, at, "typed {typed}");
            assert_eq!(p.press(Press::Enter), Step::Chosen(at));
        }
    }

    #[test]
    fn a_number_naming_no_option_changes_nothing() {
        let mut p = Picker::new(numbered(4), 1, true);
        assert_eq!(after(&mut p, "0"), (1, Step::Ignored));
        assert_eq!(after(&mut p, "9"), (1, Step::Ignored));
        assert_eq!(after(&mut p, "x"), (1, Step::Ignored));
    }

    #[test]
    fn digits_typed_in_a_row_pick_a_two_digit_option_or_start_again() {
        let mut p = Picker::new(numbered(12), 0, true);
        assert_eq!(after(&mut p, "12"), (11, Step::Moved));
        // 1 then 5: no option 15, so 5 starts again.
        assert_eq!(after(&mut p, "15"), (4, Step::Moved));
        // With fewer than ten options every digit starts again.
        let mut p = Picker::new(numbered(4), 0, true);
        assert_eq!(after(&mut p, "23").0, 2);
        // Another key between the digits starts the number again.
        let mut p = Picker::new(numbered(12), 0, true);
        after(&mut p, "1");
        p.press(Press::Down);
        assert_eq!(after(&mut p, "2").0, 1);
    }

    #[test]
    fn a_letter_key_picks_its_option_in_either_case_and_digits_do_not() {
        let keys = vec![OptionKey::Letter('n'), OptionKey::Letter('y')];
        let mut p = Picker::new(keys.clone(), 0, true);
        assert_eq!(after(&mut p, "Y"), (1, Step::Moved));
        assert_eq!(after(&mut p, "n"), (0, Step::Moved));
        // A yes/no question's codes (0, 1) are no keys: never a guess.
        assert_eq!(after(&mut p, "1"), (0, Step::Ignored));
        assert_eq!(p.press(Press::Enter), Step::Chosen(0));
    }

    #[test]
    fn arrows_move_within_the_list_and_stop_at_its_ends() {
        let mut p = Picker::new(numbered(3), 0, true);
        assert_eq!(p.press(Press::Up), Step::Ignored);
        assert_eq!(p.press(Press::Down), Step::Moved);
        assert_eq!(p.press(Press::Down), Step::Moved);
        assert_eq!(p.press(Press::Down), Step::Ignored);
        assert_eq!(p.cursor(), 2);
        assert_eq!(p.press(Press::Up), Step::Moved);
        assert_eq!(p.press(Press::Enter), Step::Chosen(1));
    }

    #[test]
    fn escape_goes_back_only_where_there_is_a_question_to_go_back_to() {
        assert_eq!(
            Picker::new(numbered(2), 0, true).press(Press::Escape),
            Step::Back
        );
        assert_eq!(
            Picker::new(numbered(2), 0, false).press(Press::Escape),
            Step::Ignored
        );
        assert_eq!(
            Picker::new(numbered(2), 0, false).press(Press::Interrupt),
            Step::Interrupted
        );
    }

    #[test]
    fn the_cursor_starts_where_asked_and_within_the_list() {
        assert_eq!(Picker::new(numbered(4), 2, true).cursor(), 2);
        assert_eq!(Picker::new(numbered(4), 9, true).cursor(), 3);
        assert_eq!(
            Picker::new(Vec::new(), 0, true).press(Press::Enter),
            Step::Ignored
        );
    }

    #[test]
    fn keys_read_in_brackets() {
        assert_eq!(OptionKey::Number(3).to_string(), "[3]");
        assert_eq!(OptionKey::Letter('s').to_string(), "[s]");
    }
}
