//! Batch scoring: stream CSV rows in, one result row (or one error) out per
//! input row, in input order. Memory stays flat: one record at a time.
//!
//! Header columns match item ids and the id column after trimming spaces,
//! ignoring ASCII case. Columns that are not items are ignored (and
//! reported in the summary). Every answerable item that is scored or
//! required must have a column; an optional item's column may be absent.

use std::io::{Read, Write};

use crate::answers::Answers;
use crate::assess::{assess, assess_into, established_flags, Assessment, Warning};
use crate::error::{AnswerError, Error};
use crate::model::{ItemIdx, RuleSet};
use crate::report::note::NoteRenderer;
use crate::report::{json, row};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Name of the column holding the record id.
    pub id_column: String,
    pub format: Format,
}

/// What a batch run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub scored: u64,
    pub rejected: u64,
    /// Rejected rows whose given answers already raise risk flags.
    pub rejected_with_flags: u64,
    /// Scored rows where a value for an item hidden by skip logic was ignored.
    pub hidden_values_ignored: u64,
    /// Input columns that are neither the id nor an item.
    pub ignored_columns: Vec<String>,
}

/// Where each input column goes.
struct Columns {
    width: usize,
    id: usize,
    /// The id column's name as the input spells it (used for the output).
    id_name: String,
    items: Vec<(usize, ItemIdx)>,
    ignored: Vec<String>,
}

fn map_header(
    rules: &RuleSet,
    header: &csv::ByteRecord,
    id_column: &str,
) -> Result<Columns, Error> {
    let mut id = None;
    let mut id_name = id_column.to_string();
    let mut items: Vec<(usize, ItemIdx)> = Vec::new();
    let mut ignored = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (j, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        if seen.contains(&name) {
            return Err(Error::DuplicateColumn { column: name });
        }
        seen.push(name.clone());
        if name == id_column.to_ascii_lowercase() {
            id = Some(j);
            id_name = String::from_utf8_lossy(raw).trim().to_string();
        } else if let Some(index) = rules
            .item_index(&name)
            .filter(|&i| rules.items[i].is_answerable())
        {
            items.push((j, index));
        } else {
            ignored.push(name);
        }
    }
    let mut missing = Vec::new();
    if id.is_none() {
        missing.push(id_column.to_string());
    }
    for (index, item) in rules.items.iter().enumerate() {
        let needed = item.is_answerable() && (item.required || !item.scales.is_empty());
        if needed && !items.iter().any(|&(_, i)| i == index) {
            missing.push(item.id.clone());
        }
    }
    if !missing.is_empty() {
        return Err(Error::MissingColumns {
            id_column: id.is_none().then(|| id_column.to_string()),
            columns: missing,
        });
    }
    // Rule order, so parse errors are found in item order.
    items.sort_by_key(|&(_, index)| index);
    Ok(Columns {
        width: header.len(),
        id: id.unwrap_or(0),
        id_name,
        items,
        ignored,
    })
}

/// Score every row of `input`, writing one output row per input row.
pub fn score<R: Read, W: Write>(
    rules: &RuleSet,
    input: R,
    output: W,
    options: &BatchOptions,
) -> Result<Summary, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let read_error = |err: csv::Error| Error::Csv {
        row: err.position().map_or(0, |p| p.record() + 1),
        message: err.to_string(),
    };
    if !reader.read_byte_record(&mut record).map_err(read_error)? {
        return Err(Error::EmptyInput);
    }
    let columns = map_header(rules, &record, &options.id_column)?;
    let notes = match options.format {
        Format::Jsonl => Some(NoteRenderer::new(rules).map_err(|e| Error::Template(e.message))?),
        Format::Csv => None,
    };
    let mut sink = Sink::new(rules, output, options.format, &columns.id_name, notes)?;
    let mut summary = Summary {
        ignored_columns: columns.ignored.clone(),
        ..Summary::default()
    };
    let mut answers = Answers::new(rules);
    let mut assessment = Assessment::empty();
    while reader.read_byte_record(&mut record).map_err(read_error)? {
        summary.rows += 1;
        // Spreadsheet numbering: the header is row 1.
        let sheet_row = summary.rows + 1;
        let id = record
            .get(columns.id)
            .map(|raw| String::from_utf8_lossy(raw).trim().to_string())
            .unwrap_or_default();
        let parsed = record.len() == columns.width;
        if parsed {
            answers.reset();
            for &(j, index) in &columns.items {
                answers.set_bytes(rules, index, record.get(j).unwrap_or_default());
            }
        }
        let outcome = if !parsed {
            Err(AnswerError::FieldCount {
                found: record.len(),
                expected: columns.width,
            })
        } else if id.is_empty() {
            Err(AnswerError::Column {
                column: options.id_column.clone(),
                reason: "missing id".into(),
            })
        } else {
            assess_into(rules, &answers, &mut assessment)
        };
        match outcome {
            Ok(()) => {
                summary.scored += 1;
                if assessment
                    .warnings
                    .iter()
                    .any(|w| matches!(w, Warning::HiddenValueIgnored { .. }))
                {
                    summary.hidden_values_ignored += 1;
                }
                sink.scored(sheet_row, &id, &assessment)?;
            }
            Err(err) => {
                summary.rejected += 1;
                // Fields out of line with the header cannot be trusted.
                let flags = if parsed {
                    established_flags(rules, &answers)
                } else {
                    Vec::new()
                };
                let mut message = format!("row {sheet_row}, {err}");
                if !flags.is_empty() {
                    summary.rejected_with_flags += 1;
                    let ids: Vec<&str> =
                        flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
                    message.push_str(&format!(
                        "; the answers given already raise: {}",
                        ids.join(", ")
                    ));
                }
                sink.rejected(sheet_row, &id, &message, &flags)?;
            }
        }
    }
    sink.finish()?;
    Ok(summary)
}

/// The output side of a batch run.
struct Sink<'a, W: Write> {
    rules: &'a RuleSet,
    out: Out<W>,
    /// Reused between rows, so a CSV row costs no allocation.
    scratch: String,
    notes: Option<NoteRenderer<'a>>,
}

enum Out<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(std::io::BufWriter<W>),
}

fn write_error(err: impl std::fmt::Display) -> Error {
    Error::Io {
        what: "cannot write output".into(),
        source: std::io::Error::other(err.to_string()),
    }
}

fn io_error(source: std::io::Error) -> Error {
    Error::Io {
        what: "cannot write output".into(),
        source,
    }
}

fn csv_error(err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(source) => io_error(source),
        other => write_error(format!("{other:?}")),
    }
}

impl<'a, W: Write> Sink<'a, W> {
    fn new(
        rules: &'a RuleSet,
        output: W,
        format: Format,
        id_column: &str,
        notes: Option<NoteRenderer<'a>>,
    ) -> Result<Self, Error> {
        let out = match format {
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(output);
                writer
                    .write_record(row::header(rules, id_column))
                    .map_err(csv_error)?;
                Out::Csv(Box::new(writer))
            }
            Format::Jsonl => Out::Jsonl(std::io::BufWriter::new(output)),
        };
        Ok(Sink {
            rules,
            out,
            scratch: String::new(),
            notes,
        })
    }

    fn scored(&mut self, sheet_row: u64, id: &str, a: &Assessment) -> Result<(), Error> {
        match &mut self.out {
            Out::Csv(writer) => {
                let mut result = writer.write_field(id);
                row::result_fields(self.rules, a, &mut self.scratch, |value| {
                    if result.is_ok() {
                        result = writer.write_field(value);
                    }
                });
                result.map_err(csv_error)?;
                end_row(writer, self.rules, "")
            }
            Out::Jsonl(out) => {
                let note = match &self.notes {
                    Some(notes) => notes.render(id, a).map_err(|e| e.message),
                    None => Err("no note template".to_string()),
                };
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: None,
                    result: Some(json::Result_::of(self.rules, a, note)),
                    partial: None,
                    rules: json::Provenance::of(self.rules),
                };
                write_json(out, &record)
            }
        }
    }

    /// A rejected row: no result, but the flags its answers establish.
    fn rejected(
        &mut self,
        sheet_row: u64,
        id: &str,
        message: &str,
        flags: &[usize],
    ) -> Result<(), Error> {
        match &mut self.out {
            Out::Csv(writer) => {
                writer.write_field(id).map_err(csv_error)?;
                row::rejected_fields(self.rules, flags, &mut self.scratch, |value| {
                    writer.write_field(value)
                })
                .map_err(csv_error)?;
                end_row(writer, self.rules, message)
            }
            Out::Jsonl(out) => {
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: Some(message.to_string()),
                    result: None,
                    partial: Some(json::Partial::of(self.rules, flags)),
                    rules: json::Provenance::of(self.rules),
                };
                write_json(out, &record)
            }
        }
    }

    fn finish(self) -> Result<(), Error> {
        match self.out {
            Out::Csv(mut writer) => writer.flush().map_err(io_error),
            Out::Jsonl(mut out) => out.flush().map_err(io_error),
        }
    }
}

/// Provenance and error columns, then the end of the record.
fn end_row<W: Write>(
    writer: &mut csv::Writer<W>,
    rules: &RuleSet,
    error: &str,
) -> Result<(), Error> {
    writer.write_field(&rules.version).map_err(csv_error)?;
    writer.write_field(&rules.sha256).map_err(csv_error)?;
    writer.write_field(error).map_err(csv_error)?;
    writer.write_record(None::<&[u8]>).map_err(csv_error)
}

fn write_json<W: Write>(
    out: &mut std::io::BufWriter<W>,
    record: &json::Record<'_>,
) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, record).map_err(write_error)?;
    out.write_all(b"\n").map_err(io_error)
}

/// Write the CSV header batch input needs, and one example row (the least
/// severe answer to every item shown by default; hidden items left blank).
pub fn template<W: Write>(rules: &RuleSet, id_column: &str, output: W) -> Result<(), Error> {
    let mut writer = csv::Writer::from_writer(output);
    let items: Vec<usize> = (0..rules.items.len())
        .filter(|&i| rules.items[i].is_answerable())
        .collect();
    let mut header = vec![id_column.to_string()];
    header.extend(items.iter().map(|&i| rules.items[i].id.clone()));
    writer.write_record(&header).map_err(csv_error)?;
    let answers = Answers::extreme(rules, false);
    let shown = match assess(rules, &answers) {
        Ok(a) => a.shown,
        Err(_) => vec![true; rules.items.len()],
    };
    let mut example = vec!["example-1".to_string()];
    example.extend(items.iter().map(|&i| {
        if shown[i] {
            answers.get(i).map(|v| v.to_string()).unwrap_or_default()
        } else {
            String::new()
        }
    }));
    writer.write_record(&example).map_err(csv_error)?;
    writer.flush().map_err(|source| Error::Io {
        what: "cannot write output".into(),
        source,
    })
}
