//! One output line per input row, rendered into bytes: a CSV row of the
//! batch contract, or a JSON Lines record.
//!
//! CSV cells are written by `row::push_cell` rather than a CSV writer: the
//! rule set's own cells are ids and names, rendered once (`ResultCells`),
//! and a row is mostly copies of them. Every text cell is neutralized for
//! spreadsheets (see `push_cell`).

use crate::assess::{Assessment, Outcome, Warning};
use crate::model::{FlagIx, IxVec, RuleSet, ScaleIx};
use crate::report::columns::Selection;
use crate::report::fhir::{FhirWriter, Note, Subject};
use crate::report::json;
use crate::report::note::{NoteAudience, NoteRenderer};
use crate::report::row::{self, push_cell_with, ResultCells};
use crate::report::trace::Tracer;
use crate::report::words;

use super::Format;

/// Renders output lines; one per worker.
pub(crate) struct LineRenderer<'a> {
    rules: &'a RuleSet,
    format: Format,
    notes: Option<NoteRenderer<'a>>,
    /// JSON Lines only: the trace's rules in words.
    tracer: Option<Tracer>,
    /// CSV only: add the referral note as a last column.
    note_column: bool,
    cells: ResultCells,
    scratch: String,
    /// Who the notes are for (JSON Lines say so).
    audience: NoteAudience,
    /// FHIR only: the Bundles' writer, and the notes' form.
    fhir: Option<FhirWriter<'a>>,
    note_format: crate::report::note::NoteFormat,
    /// The row's kept columns (`--keep`): CSV cells, each after a comma,
    /// and (JSON Lines) name and value.
    kept: Vec<u8>,
    kept_json: Vec<(String, String)>,
    /// JSON Lines only: how much of the trace to write.
    trace: json::TraceDetail,
    /// CSV only: the result columns chosen (`--columns`); `None` for the
    /// contract's, written from `cells`.
    selection: Option<Selection>,
    /// The first row with this row's id, when an earlier row has it
    /// (`--check-ids`): set for each row the one-record path renders.
    pub(crate) repeat_of: Option<u64>,
    /// CSV only: the byte between cells.
    delimiter: u8,
}

impl<'a> LineRenderer<'a> {
    pub(crate) fn new(rules: &'a RuleSet, options: &super::BatchOptions) -> Result<Self, String> {
        let (format, note_column) = (options.format, options.note_column);
        let notes = match (format, note_column) {
            (Format::Jsonl | Format::Fhir, _) | (Format::Csv, true) => Some(
                NoteRenderer::for_audience(rules, options.note_format, options.note_audience)
                    .map_err(|e| e.message)?
                    .with_date(&options.note_date),
            ),
            (Format::Csv, false) => None,
        };
        Ok(LineRenderer {
            rules,
            format,
            notes,
            tracer: (format == Format::Jsonl).then(|| Tracer::of(rules)),
            note_column,
            cells: ResultCells::new(rules, options.delimiter),
            delimiter: options.delimiter,
            scratch: String::new(),
            audience: options.note_audience,
            fhir: (format == Format::Fhir).then(|| {
                let recorded = match options.recorded.is_empty() {
                    true => crate::output::now(),
                    false => options.recorded.clone(),
                };
                FhirWriter::new(rules, &options.note_date, &recorded)
            }),
            note_format: options.note_format,
            kept: Vec::new(),
            kept_json: Vec::new(),
            trace: options.trace,
            selection: options.columns.clone(),
            repeat_of: None,
        })
    }

    /// The CSV header line (nothing for JSON Lines and FHIR).
    pub(crate) fn header(&self, id_column: &str, keep: &[String], out: &mut Vec<u8>) {
        if self.format != Format::Csv {
            return;
        }
        let mut names = match &self.selection {
            Some(selection) => std::iter::once(id_column.to_string())
                .chain(selection.names().iter().cloned())
                .collect(),
            None => row::header(self.rules, id_column),
        };
        names.splice(1..1, keep.iter().cloned());
        if self.note_column {
            names.push("note".into());
        }
        for (i, name) in names.iter().enumerate() {
            push_cell_with(out, name, i == 0, self.delimiter);
        }
        out.push(b'\n');
    }

    /// The next row's kept columns (`--keep`), by name.
    pub(crate) fn keep<'c>(&mut self, cells: impl Iterator<Item = (&'c str, &'c [u8])>) {
        self.kept.clear();
        self.kept_json.clear();
        for (name, cell) in cells {
            let text = String::from_utf8_lossy(cell);
            match self.format {
                Format::Csv => push_cell_with(&mut self.kept, &text, false, self.delimiter),
                Format::Jsonl | Format::Fhir => {
                    self.kept_json.push((name.to_string(), text.into_owned()))
                }
            }
        }
    }

    /// The record a FHIR Bundle is about.
    fn subject<'s>(&self, id: &'s str, keep: &'s [&'s str], row: u64) -> Subject<'s> {
        Subject {
            id,
            keep,
            row,
            repeat_of: self.repeat_of,
        }
    }

    /// A note for a FHIR Bundle, in the notes' form.
    fn fhir_note<'n>(&self, text: Option<&'n str>) -> Option<Note<'n>> {
        text.map(|text| Note {
            text,
            format: self.note_format,
        })
    }

    /// The kept columns' values, for FHIR ids.
    fn kept_values(&self) -> Vec<&str> {
        self.kept_json.iter().map(|(_, v)| v.as_str()).collect()
    }

    /// The kept columns of a JSON Lines record, if any are kept.
    fn kept(&self) -> Option<json::Kept> {
        (!self.kept_json.is_empty()).then(|| json::Kept(self.kept_json.clone()))
    }

    fn note(&self, id: &str, a: &Assessment) -> Result<String, String> {
        match &self.notes {
            Some(notes) => notes.render(id, a).map_err(|e| e.message),
            None => Err("no note template".into()),
        }
    }

    pub(crate) fn scored(&mut self, sheet_row: u64, id: &str, a: &Assessment, out: &mut Vec<u8>) {
        match self.format {
            Format::Csv => {
                let note = self.note_column.then(|| {
                    self.note(id, a)
                        .unwrap_or_else(|e| format!("(the note could not be rendered: {e})"))
                });
                self.scratch.clear();
                for (k, w) in a.warnings.iter().enumerate() {
                    if k > 0 {
                        self.scratch.push(';');
                    }
                    self.scratch.push_str(&w.code(self.rules));
                }
                if let Some(code) = self.repeat_code() {
                    if !self.scratch.is_empty() {
                        self.scratch.push(';');
                    }
                    self.scratch.push_str(&code);
                }
                push_cell_with(out, id, true, self.delimiter);
                out.extend_from_slice(&self.kept);
                if let Some(selection) = &self.selection {
                    selection.write_scored(self.rules, a, &self.scratch, self.delimiter, out);
                } else {
                    self.cells.write(self.rules, a, out);
                    push_cell_with(out, &self.scratch, false, self.delimiter);
                    // No error.
                    out.push(self.delimiter);
                }
                if let Some(note) = note {
                    push_cell_with(out, &note, false, self.delimiter);
                }
                out.push(b'\n');
            }
            Format::Jsonl => {
                let note = self.note(id, a);
                let mut result = json::Result_::with_trace(
                    self.rules,
                    self.tracer.get_or_insert_with(|| Tracer::of(self.rules)),
                    a,
                    note,
                    self.trace,
                );
                result.note_audience = self.audience.as_str();
                if let Some((code, words)) = self.repeat_code().zip(self.repeat_words()) {
                    result.warning_codes.push(code);
                    result.warnings.push(words);
                }
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: None,
                    errors: Vec::new(),
                    result: Some(result),
                    partial: None,
                    keep: self.kept(),
                    incomplete: None,
                    rules: crate::report::view::Provenance::of(self.rules),
                };
                push_json(out, &record);
            }
            Format::Fhir => {
                let note = self.note(id, a);
                let mut remarks = Vec::new();
                let note = match &note {
                    Ok(text) => Some(Note {
                        text,
                        format: self.note_format,
                    }),
                    Err(err) => {
                        remarks.push(format!("the referral note could not be rendered: {err}"));
                        None
                    }
                };
                remarks.extend(self.repeat_words());
                if let Some(fhir) = &self.fhir {
                    let keep = self.kept_values();
                    let subject = self.subject(id, &keep, sheet_row);
                    push_json(out, &fhir.scored(subject, a, note, &[], &remarks));
                }
            }
        }
    }

    /// Whether scored rows need nothing but an `Outcome` (CSV without a
    /// note column): then `csv_row` renders them.
    pub(crate) fn outcome_only(&self) -> bool {
        self.format == Format::Csv && !self.note_column
    }

    /// A scored CSV row of a group's row without warnings (the lanes
    /// decide only such rows), and without a note.
    pub(crate) fn csv_row(&self, id: &str, outcome: &impl Outcome, out: &mut Vec<u8>) {
        push_cell_with(out, id, true, self.delimiter);
        out.extend_from_slice(&self.kept);
        if let Some(selection) = &self.selection {
            selection.write_scored(self.rules, outcome, "", self.delimiter, out);
            out.push(b'\n');
            return;
        }
        self.cells.write(self.rules, outcome, out);
        // No warnings, no error.
        out.extend_from_slice(&[self.delimiter, self.delimiter, b'\n']);
    }

    #[allow(clippy::too_many_arguments)]
    /// A rejected row: no result, but the flags its answers establish and
    /// what its answers say that a clinician must act on.
    pub(crate) fn rejected(
        &mut self,
        sheet_row: u64,
        id: &str,
        message: &str,
        problems: &str,
        all: &[crate::error::AnswerError],
        answers: &crate::answers::Answers,
        flags: &[FlagIx],
        warnings: &[Warning],
        errors: impl FnOnce() -> Vec<json::ProblemView>,
        out: &mut Vec<u8>,
    ) {
        let note = self
            .notes
            .as_ref()
            .map(|n| n.render_rejected(id, problems, answers, flags, warnings));
        match self.format {
            Format::Csv if self.selection.is_some() => {
                let mut fields = Vec::new();
                let _ = row::rejected_fields(self.rules, flags, &mut self.scratch, |value| {
                    fields.push(value.to_string());
                    Ok::<(), ()>(())
                });
                let mut codes: Vec<String> = warnings.iter().map(|w| w.code(self.rules)).collect();
                codes.extend(self.repeat_code());
                fields.extend([
                    self.rules.version.clone(),
                    self.rules.sha256.clone(),
                    codes.join(";"),
                    message.to_string(),
                ]);
                push_cell_with(out, id, true, self.delimiter);
                out.extend_from_slice(&self.kept);
                if let Some(selection) = &self.selection {
                    selection.write_fields(&fields, self.delimiter, out);
                }
                if let Some(note) = note.as_deref() {
                    push_cell_with(out, note, false, self.delimiter);
                }
                out.push(b'\n');
            }
            Format::Csv => {
                push_cell_with(out, id, true, self.delimiter);
                out.extend_from_slice(&self.kept);
                let _ = row::rejected_fields(self.rules, flags, &mut self.scratch, |value| {
                    push_cell_with(out, value, false, self.delimiter);
                    Ok::<(), ()>(())
                });
                let mut codes: Vec<String> = warnings.iter().map(|w| w.code(self.rules)).collect();
                codes.extend(self.repeat_code());
                self.end_row(&codes.join(";"), message, note.as_deref(), out);
            }
            Format::Jsonl => {
                let mut partial = json::Partial::of(self.rules, answers, flags, warnings, note);
                partial.note_audience = self.audience.as_str();
                if let Some((code, words)) = self.repeat_code().zip(self.repeat_words()) {
                    partial.warning_codes.push(code);
                    partial.warnings.push(words);
                }
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: Some(message.to_string()),
                    errors: errors(),
                    result: None,
                    partial: Some(partial),
                    keep: self.kept(),
                    incomplete: None,
                    rules: crate::report::view::Provenance::of(self.rules),
                };
                push_json(out, &record);
            }
            Format::Fhir => {
                if let Some(fhir) = &self.fhir {
                    let note = self.fhir_note(note.as_deref());
                    let keep = self.kept_values();
                    let subject = self.subject(id, &keep, sheet_row);
                    push_json(
                        out,
                        &fhir.rejected(subject, answers, all, flags, warnings, note),
                    );
                }
            }
        }
    }

    /// The warning code of a row whose id an earlier row has:
    /// `duplicate_id:<that row>`.
    fn repeat_code(&self) -> Option<String> {
        self.repeat_of.map(|row| format!("duplicate_id:{row}"))
    }

    fn repeat_words(&self) -> Option<String> {
        self.repeat_of
            .map(|row| format!("the id is a duplicate: row {row} has it first"))
    }

    /// Provenance, warnings, error and (with `--note-column`) note cells,
    /// then the end of the line.
    fn end_row(&self, warnings: &str, error: &str, note: Option<&str>, out: &mut Vec<u8>) {
        push_cell_with(out, &self.rules.version, false, self.delimiter);
        push_cell_with(out, &self.rules.sha256, false, self.delimiter);
        push_cell_with(out, warnings, false, self.delimiter);
        push_cell_with(out, error, false, self.delimiter);
        if let Some(note) = note {
            push_cell_with(out, note, false, self.delimiter);
        }
        out.push(b'\n');
    }
}

impl LineRenderer<'_> {
    /// An incomplete screen (instruments not collected): the scores of the
    /// scales it holds, the flags its answers establish, no level; crisis
    /// `true` only when established, else unknown (empty, `null`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn incomplete(
        &mut self,
        sheet_row: u64,
        id: &str,
        scores: &IxVec<ScaleIx, Option<(i64, Option<usize>)>>,
        answers: &crate::answers::Answers,
        flags: &[FlagIx],
        warnings: &[Warning],
        out: &mut Vec<u8>,
    ) {
        let rules = self.rules;
        let words: Vec<String> = warnings.iter().map(|w| words::warning(rules, w)).collect();
        let note = self
            .notes
            .as_ref()
            .map(|n| n.render_rejected(id, &words.join("; "), answers, flags, warnings));
        let band = |s: ScaleIx, b: Option<usize>| b.map(|b| rules.scales[s].bands[b].id.as_str());
        match self.format {
            Format::Csv => {
                // Every result cell of the contract, in order: the level's
                // empty, the collected scales' scores, the warnings.
                let crisis = flags.iter().any(|&f| rules.flags[f].crisis);
                let ids: Vec<&str> = flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
                let mut fields: Vec<String> = vec![
                    String::new(),
                    String::new(),
                    if crisis { "true" } else { "" }.to_string(),
                    ids.join(";"),
                ];
                for (s, score) in scores.iter_ix() {
                    let (score, b) =
                        score.map_or((String::new(), None), |(v, b)| (v.to_string(), b));
                    fields.push(score);
                    fields.push(band(s, b).unwrap_or_default().to_string());
                }
                fields.extend(rules.ratings.iter().map(|_| String::new()));
                // No reasons: no level was decided.
                fields.push(String::new());
                let mut codes: Vec<String> = warnings.iter().map(|w| w.code(rules)).collect();
                codes.extend(self.repeat_code());
                fields.extend([
                    rules.version.clone(),
                    rules.sha256.clone(),
                    codes.join(";"),
                    String::new(),
                ]);
                push_cell_with(out, id, true, self.delimiter);
                out.extend_from_slice(&self.kept);
                match &self.selection {
                    Some(selection) => selection.write_fields(&fields, self.delimiter, out),
                    None => {
                        for field in &fields {
                            push_cell_with(out, field, false, self.delimiter);
                        }
                    }
                }
                if let Some(note) = note.as_deref() {
                    push_cell_with(out, note, false, self.delimiter);
                }
                out.push(b'\n');
            }
            Format::Jsonl => {
                let mut partial = json::Partial::of(rules, answers, flags, warnings, note);
                partial.note_audience = self.audience.as_str();
                let not_collected = warnings.iter().find_map(|w| match w {
                    Warning::NotCollected { instruments } => Some(instruments.as_slice()),
                    _ => None,
                });
                let incomplete = json::Incomplete {
                    not_collected: not_collected
                        .unwrap_or_default()
                        .iter()
                        .map(|&n| rules.instruments[n].id.as_str())
                        .collect(),
                    scales: scores
                        .iter_ix()
                        .filter_map(|(s, score)| {
                            let (score, b) = (*score)?;
                            Some(json::IncompleteScale {
                                scale: &rules.scales[s].id,
                                score,
                                band: band(s, b),
                            })
                        })
                        .collect(),
                };
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: None,
                    errors: Vec::new(),
                    result: None,
                    partial: Some(partial),
                    keep: self.kept(),
                    incomplete: Some(incomplete),
                    rules: crate::report::view::Provenance::of(rules),
                };
                push_json(out, &record);
            }
            Format::Fhir => {
                if let Some(fhir) = &self.fhir {
                    let note = self.fhir_note(note.as_deref());
                    let keep = self.kept_values();
                    let subject = self.subject(id, &keep, sheet_row);
                    let bundle = fhir.incomplete(subject, answers, scores, flags, warnings, note);
                    push_json(out, &bundle);
                }
            }
        }
    }
}

fn push_json(out: &mut Vec<u8>, record: &impl serde::Serialize) {
    // Serializing plain view structs into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, record);
    out.push(b'\n');
}
