//! The review list: which lines a filter keeps, where the cursor is, how
//! the lines fall into pages and what each key does. Pure, apart from the
//! terminal, so that every key can be tested; `terminal.rs` reads the keys
//! and draws.
//!
//! The first line confirms the answers; each other line is one answer,
//! drawn over as many rows as its full text needs. Typing filters the
//! answers (every word typed must be in the line's item id, instrument,
//! text or answer), and the confirm line is left out while a filter is
//! typed, so that Enter can only change an answer the filter shows.

use std::ops::Range;

/// A key press, as the review reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReviewKey {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Escape,
    Backspace,
    Interrupt,
    Char(char),
    Other,
}

/// One line of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    Confirm,
    /// The answer at this place in the entries.
    Answer(usize),
}

/// What a key press did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The cursor or the filter changed: draw again.
    Redraw,
    Chosen(Line),
    /// Esc with no filter: back to the last question.
    Back,
    Interrupted,
    Ignored,
}

#[derive(Debug)]
pub(crate) struct ReviewList {
    /// Each answer's searchable words, lower case.
    haystacks: Vec<String>,
    /// Rows each line takes on screen: the confirm line's, then the answers'.
    confirm_rows: usize,
    answer_rows: Vec<usize>,
    /// Rows a page holds.
    room: usize,
    filter: String,
    /// The lines the filter keeps, in order.
    lines: Vec<Line>,
    /// Place of the cursor in `lines`.
    cursor: usize,
}

impl ReviewList {
    /// A review of answers whose searchable texts are `haystacks` and that
    /// take `answer_rows` rows each; pages of `room` rows.
    pub(crate) fn new(
        haystacks: Vec<String>,
        confirm_rows: usize,
        answer_rows: Vec<usize>,
        room: usize,
    ) -> ReviewList {
        let mut list = ReviewList {
            haystacks: haystacks.iter().map(|h| fold(h)).collect(),
            confirm_rows,
            answer_rows,
            room: room.max(1),
            filter: String::new(),
            lines: Vec::new(),
            cursor: 0,
        };
        list.refilter();
        list
    }

    pub(crate) fn filter(&self) -> &str {
        &self.filter
    }

    /// Back from a change: the filter as it was, the cursor on the answer
    /// changed (answer `on`) when the filter still keeps it.
    pub(crate) fn restore(&mut self, filter: &str, on: usize) {
        self.filter = filter.to_string();
        self.refilter();
        if let Some(at) = self.lines.iter().position(|&l| l == Line::Answer(on)) {
            self.cursor = at;
        }
    }

    /// How many answers the filter keeps, of how many.
    pub(crate) fn matching(&self) -> (usize, usize) {
        let answers = self
            .lines
            .iter()
            .filter(|l| matches!(l, Line::Answer(_)))
            .count();
        (answers, self.haystacks.len())
    }

    pub(crate) fn cursor(&self) -> Option<Line> {
        self.lines.get(self.cursor).copied()
    }

    fn rows(&self, line: Line) -> usize {
        match line {
            Line::Confirm => self.confirm_rows,
            Line::Answer(i) => self.answer_rows[i],
        }
    }

    /// The lines in pages: each page as many whole lines as fit in `room`
    /// rows (at least one, however tall).
    fn pages(&self) -> Vec<Range<usize>> {
        let mut pages = Vec::new();
        let mut start = 0;
        let mut used = 0;
        for (at, &line) in self.lines.iter().enumerate() {
            let rows = self.rows(line);
            if at > start && used + rows > self.room {
                pages.push(start..at);
                start = at;
                used = 0;
            }
            used += rows;
        }
        if start < self.lines.len() || pages.is_empty() {
            pages.push(start..self.lines.len());
        }
        pages
    }

    /// The page the cursor is on: its lines, its number (1-based) and how
    /// many pages there are.
    pub(crate) fn page(&self) -> (Vec<Line>, usize, usize) {
        let pages = self.pages();
        let at = self.page_index(&pages);
        (self.lines[pages[at].clone()].to_vec(), at + 1, pages.len())
    }

    fn page_index(&self, pages: &[Range<usize>]) -> usize {
        pages
            .iter()
            .position(|p| p.contains(&self.cursor))
            .unwrap_or(0)
    }

    pub(crate) fn press(&mut self, key: ReviewKey) -> Outcome {
        let last = self.lines.len().saturating_sub(1);
        match key {
            ReviewKey::Up => self.move_to(self.cursor.saturating_sub(1)),
            ReviewKey::Down => self.move_to((self.cursor + 1).min(last)),
            ReviewKey::Home => self.move_to(0),
            ReviewKey::End => self.move_to(last),
            ReviewKey::PageUp | ReviewKey::PageDown => {
                let pages = self.pages();
                let at = self.page_index(&pages);
                let to = if key == ReviewKey::PageUp {
                    at.saturating_sub(1)
                } else {
                    (at + 1).min(pages.len() - 1)
                };
                if to == at {
                    // On the first or last page: to its first or last line.
                    let edge = if key == ReviewKey::PageUp { 0 } else { last };
                    self.move_to(edge)
                } else {
                    self.move_to(pages[to].start)
                }
            }
            ReviewKey::Enter => match self.cursor() {
                Some(line) => Outcome::Chosen(line),
                None => Outcome::Ignored,
            },
            ReviewKey::Escape if self.filter.is_empty() => Outcome::Back,
            ReviewKey::Escape => {
                self.filter.clear();
                self.refilter();
                Outcome::Redraw
            }
            ReviewKey::Backspace => {
                if self.filter.pop().is_none() {
                    return Outcome::Ignored;
                }
                self.refilter();
                Outcome::Redraw
            }
            ReviewKey::Interrupt => Outcome::Interrupted,
            ReviewKey::Char(c) if !c.is_control() => {
                self.filter.push(c);
                self.refilter();
                Outcome::Redraw
            }
            ReviewKey::Char(_) | ReviewKey::Other => Outcome::Ignored,
        }
    }

    fn move_to(&mut self, at: usize) -> Outcome {
        if at == self.cursor || at >= self.lines.len() {
            return Outcome::Ignored;
        }
        self.cursor = at;
        Outcome::Redraw
    }

    /// Keep the lines the filter matches; the cursor on the first.
    fn refilter(&mut self) {
        let words: Vec<String> = fold(&self.filter)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        self.lines.clear();
        if words.is_empty() {
            self.lines.push(Line::Confirm);
        }
        for (i, hay) in self.haystacks.iter().enumerate() {
            if words.iter().all(|w| hay.contains(w.as_str())) {
                self.lines.push(Line::Answer(i));
            }
        }
        self.cursor = 0;
    }
}

/// Text as the filter compares it: lower case, without accents, so that
/// `depresion` finds "depresión" (and `depresión` finds it too).
fn fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Line, Outcome, ReviewKey, ReviewList};

    #[test]
    fn the_filter_ignores_case_and_accents_either_way() {
        let hay = vec![
            "phq9_2 Se ha sentido decaído(a), deprimido(a)".to_string(),
            "otra".into(),
        ];
        for typed in ["DECAIDO", "decaído", "Deprimido"] {
            let mut l = ReviewList::new(hay.clone(), 1, vec![1, 1], 10);
            for c in typed.chars() {
                l.press(ReviewKey::Char(c));
            }
            assert_eq!(l.matching(), (1, 2), "{typed}");
        }
    }

    /// Answers `phq9_1..phq9_3`, `audit_1..audit_3`, each two rows tall.
    fn list(room: usize) -> ReviewList {
        let hay = [
            "phq9_1", "phq9_2", "phq9_3", "audit_1", "audit_2", "audit_3",
        ]
        .iter()
        .map(|id| format!("{id} Some Text"))
        .collect();
        ReviewList::new(hay, 1, vec![2; 6], room)
    }

    fn typed(list: &mut ReviewList, text: &str) {
        for c in text.chars() {
            assert_eq!(list.press(ReviewKey::Char(c)), Outcome::Redraw);
        }
    }

    #[test]
    fn typing_keeps_the_answers_that_hold_every_word_and_drops_confirm() {
        let mut l = list(100);
        typed(&mut l, "AUDIT");
        assert_eq!(l.matching(), (3, 6));
        assert_eq!(
            l.page().0,
            vec![Line::Answer(3), Line::Answer(4), Line::Answer(5)]
        );
        typed(&mut l, " _2 text");
        assert_eq!(l.page().0, vec![Line::Answer(4)]);
        assert_eq!(l.press(ReviewKey::Enter), Outcome::Chosen(Line::Answer(4)));
        // No match: nothing to choose.
        typed(&mut l, "zz");
        assert_eq!(l.matching(), (0, 6));
        assert_eq!(l.press(ReviewKey::Enter), Outcome::Ignored);
    }

    #[test]
    fn backspace_and_esc_undo_the_filter_and_esc_then_goes_back() {
        let mut l = list(100);
        assert_eq!(l.press(ReviewKey::Backspace), Outcome::Ignored);
        typed(&mut l, "audit_33");
        assert_eq!(l.matching().0, 0);
        assert_eq!(l.press(ReviewKey::Backspace), Outcome::Redraw);
        assert_eq!(l.filter(), "audit_3");
        assert_eq!(l.matching().0, 1);
        assert_eq!(l.press(ReviewKey::Escape), Outcome::Redraw);
        assert_eq!(l.filter(), "");
        assert_eq!(l.cursor(), Some(Line::Confirm));
        assert_eq!(l.press(ReviewKey::Escape), Outcome::Back);
    }

    #[test]
    fn pages_hold_whole_lines_and_the_cursor_picks_the_page() {
        // Rows: confirm 1, then 2 each; 5 rows a page: [C, a0, a1], [a2, a3], [a4, a5].
        let mut l = list(5);
        assert_eq!(
            l.page(),
            (vec![Line::Confirm, Line::Answer(0), Line::Answer(1)], 1, 3)
        );
        for _ in 0..3 {
            l.press(ReviewKey::Down);
        }
        assert_eq!(l.cursor(), Some(Line::Answer(2)));
        assert_eq!(l.page().1, 2);
        assert_eq!(l.press(ReviewKey::PageDown), Outcome::Redraw);
        assert_eq!(l.cursor(), Some(Line::Answer(4)));
        assert_eq!(l.page(), (vec![Line::Answer(4), Line::Answer(5)], 3, 3));
        // On the last page, PgDn goes to its last line, then does nothing.
        assert_eq!(l.press(ReviewKey::PageDown), Outcome::Redraw);
        assert_eq!(l.cursor(), Some(Line::Answer(5)));
        assert_eq!(l.press(ReviewKey::PageDown), Outcome::Ignored);
        assert_eq!(l.press(ReviewKey::PageUp), Outcome::Redraw);
        assert_eq!(l.cursor(), Some(Line::Answer(2)));
        assert_eq!(l.press(ReviewKey::Home), Outcome::Redraw);
        assert_eq!(l.cursor(), Some(Line::Confirm));
        assert_eq!(l.press(ReviewKey::Up), Outcome::Ignored);
        assert_eq!(l.press(ReviewKey::End), Outcome::Redraw);
        assert_eq!(l.cursor(), Some(Line::Answer(5)));
        assert_eq!(l.press(ReviewKey::Down), Outcome::Ignored);
    }

    #[test]
    fn a_line_taller_than_a_page_gets_a_page_of_its_own() {
        let l = ReviewList::new(vec!["a".into(), "b".into()], 1, vec![9, 1], 3);
        assert_eq!(l.pages(), vec![0..1, 1..2, 2..3]);
    }

    #[test]
    fn a_filter_matching_nothing_still_has_one_empty_page() {
        let mut l = list(5);
        typed(&mut l, "nothing");
        assert_eq!(l.page(), (vec![], 1, 1));
        assert_eq!(l.press(ReviewKey::Down), Outcome::Ignored);
        assert_eq!(l.press(ReviewKey::PageDown), Outcome::Ignored);
    }
}
