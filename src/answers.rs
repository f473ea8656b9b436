//! A record's answers, and parsing answer text with precise errors.
//!
//! `Answers` holds one slot per item of a rule set. Values are answer codes,
//! checked against the item when set. Text that could not be parsed is kept
//! as a pending error rather than dropped: if skip logic hides the item the
//! value is ignored with a warning, otherwise the record is rejected.

use crate::error::AnswerError;
use crate::model::{Item, ItemIdx, ItemKind, RuleSet};

/// Answers to the items of one rule set, by item index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    values: Vec<Option<i64>>,
    /// Values that could not be parsed: reported only if the item is shown.
    unparsed: Vec<(ItemIdx, AnswerError)>,
    /// Safety answers the client took back (policy 1.2): an interview's
    /// confirmed change to a less severe answer, or a batch row's
    /// `retracted` column.
    retractions: Vec<Retraction>,
    /// A `retracted` cell that could not be read: it rejects the record.
    bad_retracted: Option<AnswerError>,
}

/// A safety answer the client took back: `from`, which raised a safety
/// flag or the crisis route, replaced by the less severe `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retraction {
    pub item: ItemIdx,
    pub from: i64,
    pub to: i64,
}

impl Answers {
    /// No answers yet.
    pub fn new(rules: &RuleSet) -> Answers {
        Answers {
            values: vec![None; rules.items.len()],
            unparsed: Vec::new(),
            retractions: Vec::new(),
            bad_retracted: None,
        }
    }

    /// Answers from (item id, code) pairs, each checked.
    pub(crate) fn from_codes<'a>(
        rules: &RuleSet,
        pairs: impl IntoIterator<Item = (&'a str, i64)>,
    ) -> Result<Answers, AnswerError> {
        let mut answers = Answers::new(rules);
        for (id, code) in pairs {
            let index = rules.item_index(id).ok_or_else(|| AnswerError::Column {
                column: id.to_string(),
                reason: "not an item of this rule set".into(),
            })?;
            answers.set(rules, index, code)?;
        }
        Ok(answers)
    }

    /// The least (or most) severe answer to every item: its lowest (or
    /// highest) scoring code, or bound for integers. Hidden items get one
    /// too (it is ignored), so any item skip logic reveals is answered.
    pub(crate) fn extreme(rules: &RuleSet, most_severe: bool) -> Answers {
        let mut answers = Answers::new(rules);
        for (index, item) in rules.items.iter().enumerate() {
            let code = match (&item.kind, item.codes()) {
                (_, Some(codes)) if most_severe => codes.last().copied(),
                (_, Some(codes)) => codes.first().copied(),
                (ItemKind::Integer { max, .. }, None) if most_severe => Some(*max),
                (ItemKind::Integer { min, .. }, None) => Some(*min),
                _ => None,
            };
            answers.values[index] = code;
        }
        answers
    }

    /// Set an answer code, checking it is valid for the item.
    pub fn set(&mut self, rules: &RuleSet, index: ItemIdx, code: i64) -> Result<(), AnswerError> {
        let item = &rules.items[index];
        if item.score(code).is_none() {
            return Err(invalid(item, &code.to_string()));
        }
        self.values[index] = Some(code);
        Ok(())
    }

    /// Clear an answer.
    pub fn clear(&mut self, index: ItemIdx) {
        self.values[index] = None;
        self.unparsed.retain(|(i, _)| *i != index);
    }

    /// Set an answer from text, as batch input gives it. Empty text means
    /// no answer. Text that is not a valid answer is kept as a pending error.
    pub fn set_text(&mut self, rules: &RuleSet, index: ItemIdx, text: &str) {
        self.set_parsed(index, parse_answer(&rules.items[index], text));
    }

    /// `set_text` for raw bytes, as the CSV reader gives them.
    pub(crate) fn set_bytes(&mut self, rules: &RuleSet, index: ItemIdx, bytes: &[u8]) {
        self.set_parsed(index, parse_bytes(rules, index, bytes));
    }

    /// Set an answer already parsed (a mapping's reading of a cell).
    pub(crate) fn set_parsed(&mut self, index: ItemIdx, parsed: Result<Option<i64>, AnswerError>) {
        match parsed {
            Ok(value) => self.values[index] = value,
            Err(err) => {
                self.values[index] = None;
                self.unparsed.push((index, err));
            }
        }
    }

    pub fn get(&self, index: ItemIdx) -> Option<i64> {
        self.values[index]
    }

    pub(crate) fn values(&self) -> &[Option<i64>] {
        &self.values
    }

    pub(crate) fn unparsed(&self, index: ItemIdx) -> Option<&AnswerError> {
        self.unparsed
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, err)| err)
    }

    /// Forget every answer, keeping the allocation.
    pub(crate) fn reset(&mut self) {
        self.values.iter_mut().for_each(|v| *v = None);
        self.unparsed.clear();
        self.retractions.clear();
        self.bad_retracted = None;
    }

    /// Read a batch row's `retracted` cell (`cssrs_4:1>0;phq9_9:2>0`); one
    /// that cannot be read rejects the record (`retraction_problem`).
    pub(crate) fn set_retracted_bytes(&mut self, rules: &RuleSet, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        match parse_retracted(rules, &text) {
            Ok(list) => list.into_iter().for_each(|r| self.retract(r)),
            Err(err) => self.bad_retracted = Some(err),
        }
    }

    /// Why the record's `retracted` cell could not be read, if it could not.
    pub(crate) fn retraction_problem(&self) -> Option<&AnswerError> {
        self.bad_retracted.as_ref()
    }

    /// Record that the client took back a safety answer. A second change of
    /// the same item keeps the first, most severe, answer as `from`.
    pub(crate) fn retract(&mut self, retraction: Retraction) {
        match self
            .retractions
            .iter_mut()
            .find(|r| r.item == retraction.item)
        {
            Some(earlier) => {
                earlier.from = earlier.from.max(retraction.from);
                earlier.to = retraction.to;
            }
            None => self.retractions.push(retraction),
        }
    }

    /// Every safety answer the client took back, in the order taken back.
    pub fn retractions(&self) -> &[Retraction] {
        &self.retractions
    }

    /// Whether a retraction stands: the item's answer now (shown or hidden,
    /// or none, as when skip logic dropped it) is less severe than the one
    /// taken back.
    pub(crate) fn stands(&self, r: &Retraction) -> bool {
        self.values[r.item].is_none_or(|now| now < r.from)
    }

    /// How many retractions stand.
    pub(crate) fn standing_retractions(&self) -> i64 {
        self.retractions.iter().filter(|r| self.stands(r)).count() as i64
    }
}

/// The `retracted` column's name, in batch input and `sessions export`.
pub(crate) const RETRACTED_COLUMN: &str = "retracted";

/// Parse a `retracted` cell: `item:from>to` entries, `;`-joined (blank:
/// none). Each item must be one a safety flag reads, both codes valid for
/// it, and the earlier answer more severe than the later one.
pub(crate) fn parse_retracted(rules: &RuleSet, text: &str) -> Result<Vec<Retraction>, AnswerError> {
    let invalid = || AnswerError::Invalid {
        item: RETRACTED_COLUMN.to_string(),
        value: excerpt(text.trim()),
        expected: "`item:earlier>later` entries, `;`-joined, each an item a safety flag reads, \
                   its earlier answer the more severe"
            .to_string(),
    };
    let mut out = Vec::new();
    for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (id, codes) = entry.split_once(':').ok_or_else(invalid)?;
        let (from, to) = codes.split_once('>').ok_or_else(invalid)?;
        let item = rules
            .item_index(&id.trim().to_ascii_lowercase())
            .filter(|&i| rules.compiled.safety_items[i])
            .ok_or_else(invalid)?;
        let code = |t: &str| {
            parse_int(t.trim())
                .filter(|&c| rules.items[item].score(c).is_some())
                .ok_or_else(invalid)
        };
        let (from, to) = (code(from)?, code(to)?);
        if from <= to {
            return Err(invalid());
        }
        out.push(Retraction { item, from, to });
    }
    Ok(out)
}

/// Parse one answer. Accepted: surrounding spaces, a whole number written
/// plainly (`0`, `12`, `-1`), and for yes/no items `yes`/`no` in any case.
/// Rejected: signs other than a leading `-`, decimals, and anything else.
pub(crate) fn parse_answer(item: &Item, text: &str) -> Result<Option<i64>, AnswerError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let code = match &item.kind {
        ItemKind::YesNo { .. } if text.eq_ignore_ascii_case("yes") => 1,
        ItemKind::YesNo { .. } if text.eq_ignore_ascii_case("no") => 0,
        ItemKind::Info => return Err(invalid(item, text)),
        _ => parse_int(text).ok_or_else(|| invalid(item, text))?,
    };
    match item.score(code) {
        Some(_) => Ok(Some(code)),
        None => Err(invalid(item, text)),
    }
}

/// `parse_answer` for raw bytes, as the CSV reader gives them, with a fast
/// path for the common one-digit code.
#[inline]
pub(crate) fn parse_bytes(
    rules: &RuleSet,
    index: ItemIdx,
    bytes: &[u8],
) -> Result<Option<i64>, AnswerError> {
    match bytes {
        [] => Ok(None),
        &[digit] if valid_digit(rules, index, digit) => Ok(Some(i64::from(digit - b'0'))),
        _ => parse_other_bytes(rules, index, bytes),
    }
}

/// Whether `byte` is a digit that is a valid code for the item.
#[inline]
fn valid_digit(rules: &RuleSet, index: ItemIdx, byte: u8) -> bool {
    let digits = &rules.compiled.digits[index];
    digits.get(usize::from(byte.wrapping_sub(b'0'))) == Some(&true)
}

#[cold]
#[inline(never)]
fn parse_other_bytes(
    rules: &RuleSet,
    index: ItemIdx,
    bytes: &[u8],
) -> Result<Option<i64>, AnswerError> {
    let trimmed = bytes.trim_ascii();
    if trimmed.len() < bytes.len() {
        // Once more without the spaces, so ` 1 ` takes the fast path too.
        return parse_bytes(rules, index, trimmed);
    }
    parse_answer(&rules.items[index], &String::from_utf8_lossy(bytes))
}

fn parse_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// What an item accepts, in words.
pub(crate) fn expected(item: &Item) -> String {
    match &item.kind {
        ItemKind::Choice(options) => {
            let codes: Vec<String> = options.iter().map(|o| o.code.to_string()).collect();
            format!("expected one of {}", codes.join(", "))
        }
        ItemKind::YesNo { .. } => "expected 1/0 or yes/no".into(),
        ItemKind::Integer {
            min,
            max,
            range_message,
        } => match range_message {
            Some(message) => message.clone(),
            None => format!("expected a whole number from {min} to {max}"),
        },
        ItemKind::Info => "this item takes no answer".into(),
    }
}

/// The longest excerpt of a value echoed in an error message.
const EXCERPT_CHARS: usize = 40;

fn invalid(item: &Item, text: &str) -> AnswerError {
    AnswerError::Invalid {
        item: item.id.clone(),
        value: excerpt(text),
        expected: expected(item),
    }
}

/// A value as error messages echo it: its first characters, control
/// characters (NUL, line breaks, escapes) escaped.
pub(crate) fn excerpt(text: &str) -> String {
    let mut value: String = text
        .chars()
        .take(EXCERPT_CHARS)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if text.chars().count() > EXCERPT_CHARS {
        value.push('…');
    }
    value
}
