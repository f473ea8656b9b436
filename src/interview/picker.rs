//! Choosing one option by its key: which option each key press picks, and
//! what Enter and Esc do. Pure, apart from the terminal, so that every key
//! can be tested; `terminal.rs` reads the keys and draws.
//!
//! No question opens with an option picked: a key or an arrow picks, and
//! Enter records what is picked. Enter with nothing picked records nothing
//! (it keeps the current answer where the question has one), and a key
//! that picks nothing says which keys work. An option's key is shown apart
//! from its label (`[a] 1 or 2`), so a key only ever picks the option it is
//! shown beside.

use std::fmt;

/// The key that picks an option, shown in brackets before its label, and
/// another key that picks it too (`y` beside `s` for "sí").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OptionKey {
    pub(crate) shown: char,
    pub(crate) also: Option<char>,
}

impl OptionKey {
    pub(crate) fn new(shown: char) -> OptionKey {
        OptionKey { shown, also: None }
    }

    fn picks(self, c: char) -> bool {
        let c = c.to_ascii_lowercase();
        self.shown == c || self.also == Some(c)
    }
}

impl fmt::Display for OptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.shown)
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
    /// An option is picked (or the cursor moved): draw again.
    Moved,
    /// Enter on this option.
    Chosen(usize),
    /// Enter with nothing picked, on a question that has an answer: it
    /// stays as it is.
    Kept,
    Back,
    Interrupted,
    /// Enter with nothing picked and no answer to keep, or a key that
    /// picks nothing: say which keys work.
    Unpicked,
    /// Nothing changed.
    Ignored,
}

/// One choice being made: the options' keys and what is picked.
#[derive(Debug)]
pub(crate) struct Picker {
    keys: Vec<OptionKey>,
    cursor: Option<usize>,
    can_go_back: bool,
    /// Enter with nothing picked keeps the current answer.
    can_keep: bool,
}

impl Picker {
    /// A choice among `keys`, nothing picked.
    pub(crate) fn new(keys: Vec<OptionKey>, can_go_back: bool, can_keep: bool) -> Picker {
        Picker {
            keys,
            cursor: None,
            can_go_back,
            can_keep,
        }
    }

    /// The option picked, if any.
    pub(crate) fn cursor(&self) -> Option<usize> {
        self.cursor
    }

    pub(crate) fn press(&mut self, press: Press) -> Step {
        let last = self.keys.len().checked_sub(1);
        match press {
            Press::Up => match (self.cursor, last) {
                (_, None) => Step::Ignored,
                (None, Some(last)) => self.move_to(last),
                (Some(c), _) => self.move_to(c.saturating_sub(1)),
            },
            Press::Down => match (self.cursor, last) {
                (_, None) => Step::Ignored,
                (None, Some(_)) => self.move_to(0),
                (Some(c), Some(last)) => self.move_to((c + 1).min(last)),
            },
            Press::Enter => match self.cursor {
                Some(c) => Step::Chosen(c),
                None if self.can_keep => Step::Kept,
                None => Step::Unpicked,
            },
            Press::Escape if self.can_go_back => Step::Back,
            Press::Escape => Step::Ignored,
            Press::Interrupt => Step::Interrupted,
            Press::Char(c) => match self.keys.iter().position(|k| k.picks(c)) {
                Some(i) => self.move_to(i),
                None if c.is_whitespace() => Step::Ignored,
                None => Step::Unpicked,
            },
            Press::Other => Step::Ignored,
        }
    }

    fn move_to(&mut self, i: usize) -> Step {
        if self.cursor == Some(i) {
            return Step::Ignored;
        }
        self.cursor = Some(i);
        Step::Moved
    }
}

#[cfg(test)]
mod tests {
    use super::{OptionKey, Picker, Press, Step};

    fn keys(shown: &str) -> Vec<OptionKey> {
        shown.chars().map(OptionKey::new).collect()
    }

    /// What is picked after `typed`, and the last step.
    fn after(picker: &mut Picker, typed: &str) -> (Option<usize>, Step) {
        let mut step = Step::Ignored;
        for c in typed.chars() {
            step = picker.press(Press::Char(c));
        }
        (picker.cursor(), step)
    }

    #[test]
    fn nothing_is_picked_until_a_key_or_an_arrow_picks() {
        let mut p = Picker::new(keys("0123"), true, false);
        assert_eq!(p.cursor(), None);
        assert_eq!(p.press(Press::Enter), Step::Unpicked);
        assert_eq!(p.press(Press::Enter), Step::Unpicked, "two Enters");
        assert_eq!(after(&mut p, "2"), (Some(2), Step::Moved));
        assert_eq!(p.press(Press::Enter), Step::Chosen(2));
        let mut p = Picker::new(keys("ny"), false, false);
        assert_eq!(p.press(Press::Down), Step::Moved);
        assert_eq!(p.press(Press::Enter), Step::Chosen(0));
        let mut p = Picker::new(keys("ny"), false, false);
        assert_eq!(p.press(Press::Up), Step::Moved);
        assert_eq!(p.cursor(), Some(1), "Up from nothing picks the last");
    }

    #[test]
    fn enter_with_nothing_picked_keeps_an_answer_only_where_there_is_one() {
        let mut p = Picker::new(keys("0123"), true, true);
        assert_eq!(p.press(Press::Enter), Step::Kept);
        assert_eq!(after(&mut p, "0"), (Some(0), Step::Moved));
        assert_eq!(p.press(Press::Enter), Step::Chosen(0));
    }

    #[test]
    fn a_key_picks_exactly_the_option_shown_beside_it() {
        // AUDIT item 2 has letters: [a] 1 or 2 ... [e] 10 or more.
        for (typed, at) in [("a", 0), ("b", 1), ("E", 4)] {
            let mut p = Picker::new(keys("abcde"), true, false);
            assert_eq!(after(&mut p, typed).0, Some(at), "typed {typed}");
            assert_eq!(p.press(Press::Enter), Step::Chosen(at));
        }
        // AUDIT item 9's codes are its keys: 0, 2, 4.
        let mut p = Picker::new(keys("024"), true, false);
        assert_eq!(after(&mut p, "4").0, Some(2));
    }

    #[test]
    fn a_key_that_picks_nothing_changes_nothing_and_says_so() {
        let mut p = Picker::new(keys("abcde"), true, false);
        assert_eq!(after(&mut p, "5"), (None, Step::Unpicked));
        after(&mut p, "b");
        assert_eq!(after(&mut p, "9"), (Some(1), Step::Unpicked));
        assert_eq!(after(&mut p, " "), (Some(1), Step::Ignored));
    }

    #[test]
    fn a_second_key_picks_too_in_either_case() {
        let yes = OptionKey {
            shown: 's',
            also: Some('y'),
        };
        let mut p = Picker::new(vec![OptionKey::new('n'), yes], true, false);
        assert_eq!(after(&mut p, "Y"), (Some(1), Step::Moved));
        assert_eq!(after(&mut p, "n"), (Some(0), Step::Moved));
        assert_eq!(after(&mut p, "S"), (Some(1), Step::Moved));
        // A yes/no question's codes (0, 1) are no keys: never a guess.
        assert_eq!(after(&mut p, "1"), (Some(1), Step::Unpicked));
    }

    #[test]
    fn arrows_move_within_the_list_and_stop_at_its_ends() {
        let mut p = Picker::new(keys("abc"), true, false);
        assert_eq!(p.press(Press::Down), Step::Moved);
        assert_eq!(p.press(Press::Up), Step::Ignored);
        assert_eq!(p.press(Press::Down), Step::Moved);
        assert_eq!(p.press(Press::Down), Step::Moved);
        assert_eq!(p.press(Press::Down), Step::Ignored);
        assert_eq!(p.cursor(), Some(2));
        assert_eq!(p.press(Press::Up), Step::Moved);
        assert_eq!(p.press(Press::Enter), Step::Chosen(1));
    }

    #[test]
    fn escape_goes_back_only_where_there_is_a_question_to_go_back_to() {
        assert_eq!(
            Picker::new(keys("ab"), true, false).press(Press::Escape),
            Step::Back
        );
        // A safety question asked again: Esc and Enter alone do nothing.
        let mut reask = Picker::new(keys("ny"), false, false);
        assert_eq!(reask.press(Press::Escape), Step::Ignored);
        assert_eq!(reask.press(Press::Enter), Step::Unpicked);
        assert_eq!(reask.press(Press::Interrupt), Step::Interrupted);
        assert_eq!(
            Picker::new(Vec::new(), true, false).press(Press::Down),
            Step::Ignored
        );
    }

    #[test]
    fn keys_read_in_brackets() {
        assert_eq!(OptionKey::new('3').to_string(), "[3]");
        assert_eq!(OptionKey::new('s').to_string(), "[s]");
    }
}
