//! One output line per input row, rendered into bytes: a CSV row of the
//! batch contract, or a JSON Lines record.
//!
//! CSV cells are written here rather than through a CSV writer: the rule
//! set's own cells are ids and names, and a row is mostly copies of them, so
//! plain byte copies with the quoting rule of RFC 4180 are the fast path.
//! Every text cell is neutralized for spreadsheets: one starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return (and not a plain number) gets a
//! leading `'`, so it is never read as a formula.

use crate::assess::Assessment;
use crate::model::RuleSet;
use crate::report::note::NoteRenderer;
use crate::report::{json, row};

use super::Format;

/// Renders output lines; one per worker.
pub(crate) struct LineRenderer<'a> {
    rules: &'a RuleSet,
    format: Format,
    notes: Option<NoteRenderer<'a>>,
    /// CSV only: add the referral note as a last column.
    note_column: bool,
    scratch: String,
}

impl<'a> LineRenderer<'a> {
    pub fn new(rules: &'a RuleSet, options: &super::BatchOptions) -> Result<Self, String> {
        let (format, note_column) = (options.format, options.note_column);
        let notes = match (format, note_column) {
            (Format::Jsonl, _) | (Format::Csv, true) => Some(
                NoteRenderer::in_format(rules, options.note_format)
                    .map_err(|e| e.message)?
                    .with_date(&options.note_date),
            ),
            (Format::Csv, false) => None,
        };
        Ok(LineRenderer {
            rules,
            format,
            notes,
            note_column,
            scratch: String::new(),
        })
    }

    /// The CSV header line (nothing for JSON Lines).
    pub fn header(&self, id_column: &str, out: &mut Vec<u8>) {
        if self.format == Format::Jsonl {
            return;
        }
        let mut names = row::header(self.rules, id_column);
        if self.note_column {
            names.push("note".into());
        }
        for (i, name) in names.iter().enumerate() {
            push_cell(out, name, i == 0);
        }
        out.push(b'\n');
    }

    fn note(&self, id: &str, a: &Assessment) -> Result<String, String> {
        match &self.notes {
            Some(notes) => notes.render(id, a).map_err(|e| e.message),
            None => Err("no note template".into()),
        }
    }

    pub fn scored(&mut self, sheet_row: u64, id: &str, a: &Assessment, out: &mut Vec<u8>) {
        match self.format {
            Format::Csv => {
                push_cell(out, id, true);
                row::result_fields(self.rules, a, &mut self.scratch, |value| {
                    push_cell(out, value, false)
                });
                let note = self.note_column.then(|| {
                    self.note(id, a)
                        .unwrap_or_else(|e| format!("(the note could not be rendered: {e})"))
                });
                self.end_row("", note.as_deref(), out);
            }
            Format::Jsonl => {
                let note = self.note(id, a);
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: None,
                    result: Some(json::Result_::of(self.rules, a, note)),
                    partial: None,
                    rules: json::Provenance::of(self.rules),
                };
                push_json(out, &record);
            }
        }
    }

    /// A rejected row: no result, but the flags its answers establish.
    pub fn rejected(
        &mut self,
        sheet_row: u64,
        id: &str,
        message: &str,
        flags: &[usize],
        out: &mut Vec<u8>,
    ) {
        match self.format {
            Format::Csv => {
                push_cell(out, id, true);
                let _ = row::rejected_fields(self.rules, flags, &mut self.scratch, |value| {
                    push_cell(out, value, false);
                    Ok::<(), ()>(())
                });
                let note =
                    crate::report::note::rejected_note(self.rules, flags).unwrap_or_default();
                self.end_row(message, self.note_column.then_some(note.as_str()), out);
            }
            Format::Jsonl => {
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: Some(message.to_string()),
                    result: None,
                    partial: Some(json::Partial::of(self.rules, flags)),
                    rules: json::Provenance::of(self.rules),
                };
                push_json(out, &record);
            }
        }
    }

    /// Provenance, error and (with `--note-column`) note cells, then the
    /// end of the line.
    fn end_row(&self, error: &str, note: Option<&str>, out: &mut Vec<u8>) {
        push_cell(out, &self.rules.version, false);
        push_cell(out, &self.rules.sha256, false);
        push_cell(out, error, false);
        if let Some(note) = note {
            push_cell(out, note, false);
        }
        out.push(b'\n');
    }
}

fn push_json(out: &mut Vec<u8>, record: &json::Record<'_>) {
    // Serializing plain view structs into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, record);
    out.push(b'\n');
}

/// Append one CSV cell: a comma first unless `first`; neutralized for
/// spreadsheets; quoted (with `"` doubled) when it holds a comma, quote or
/// line break.
#[inline]
pub(crate) fn push_cell(out: &mut Vec<u8>, cell: &str, first: bool) {
    if !first {
        out.push(b',');
    }
    let bytes = cell.as_bytes();
    let formula = matches!(
        bytes.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && !is_integer(cell);
    let quote = bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if quote {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    if quote {
        for &b in bytes {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

fn is_integer(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}
