//! One output line per input row, rendered into bytes: a CSV row of the
//! batch contract, or a JSON Lines record.
//!
//! CSV cells are written by `row::push_cell` rather than a CSV writer: the
//! rule set's own cells are ids and names, rendered once (`ResultCells`),
//! and a row is mostly copies of them. Every text cell is neutralized for
//! spreadsheets (see `push_cell`).

use crate::assess::{Assessment, Outcome, Warning};
use crate::model::{FlagIx, IxVec, RuleSet, ScaleIx};
use crate::report::fhir::{FhirWriter, Note, Subject};
use crate::report::json;
use crate::report::note::{NoteAudience, NoteRenderer};
use crate::report::row::{self, push_cell, ResultCells};
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
            cells: ResultCells::new(rules),
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
        })
    }

    /// The CSV header line (nothing for JSON Lines and FHIR).
    pub(crate) fn header(&self, id_column: &str, keep: &[String], out: &mut Vec<u8>) {
        if self.format != Format::Csv {
            return;
        }
        let mut names = row::header(self.rules, id_column);
        names.splice(1..1, keep.iter().cloned());
        if self.note_column {
            names.push("note".into());
        }
        for (i, name) in names.iter().enumerate() {
            push_cell(out, name, i == 0);
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
                Format::Csv => push_cell(&mut self.kept, &text, false),
                Format::Jsonl | Format::Fhir => {
                    self.kept_json.push((name.to_string(), text.into_owned()))
                }
            }
        }
    }

    /// The kept columns of a JSON Lines record, if any are kept.
    /// The kept columns' values, for FHIR ids.
    fn kept_values(&self) -> Vec<&str> {
        self.kept_json.iter().map(|(_, v)| v.as_str()).collect()
    }

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
                push_cell(out, id, true);
                out.extend_from_slice(&self.kept);
                self.cells.write(self.rules, a, out);
                push_cell(out, &self.scratch, false);
                // No error.
                out.push(b',');
                if let Some(note) = note {
                    push_cell(out, &note, false);
                }
                out.push(b'\n');
            }
            Format::Jsonl => {
                let note = self.note(id, a);
                let mut result = json::Result_::of(
                    self.rules,
                    self.tracer.get_or_insert_with(|| Tracer::of(self.rules)),
                    a,
                    note,
                );
                result.note_audience = self.audience.as_str();
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: None,
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
                if let Some(fhir) = &self.fhir {
                    let keep = self.kept_values();
                    let subject = Subject {
                        id,
                        keep: &keep,
                        row: sheet_row,
                    };
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
        push_cell(out, id, true);
        out.extend_from_slice(&self.kept);
        self.cells.write(self.rules, outcome, out);
        // No warnings, no error.
        out.extend_from_slice(b",,\n");
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
        out: &mut Vec<u8>,
    ) {
        let note = self
            .notes
            .as_ref()
            .map(|n| n.render_rejected(id, problems, answers, flags, warnings));
        match self.format {
            Format::Csv => {
                push_cell(out, id, true);
                out.extend_from_slice(&self.kept);
                let _ = row::rejected_fields(self.rules, flags, &mut self.scratch, |value| {
                    push_cell(out, value, false);
                    Ok::<(), ()>(())
                });
                let codes: Vec<String> = warnings.iter().map(|w| w.code(self.rules)).collect();
                self.end_row(&codes.join(";"), message, note.as_deref(), out);
            }
            Format::Jsonl => {
                let mut partial = json::Partial::of(self.rules, answers, flags, warnings, note);
                partial.note_audience = self.audience.as_str();
                let record = json::Record {
                    row: sheet_row,
                    id: id.to_string(),
                    error: Some(message.to_string()),
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
                    let note = note.as_deref().map(|text| Note {
                        text,
                        format: self.note_format,
                    });
                    let keep = self.kept_values();
                    let subject = Subject {
                        id,
                        keep: &keep,
                        row: sheet_row,
                    };
                    push_json(
                        out,
                        &fhir.rejected(subject, answers, all, flags, warnings, note),
                    );
                }
            }
        }
    }

    /// Provenance, warnings, error and (with `--note-column`) note cells,
    /// then the end of the line.
    fn end_row(&self, warnings: &str, error: &str, note: Option<&str>, out: &mut Vec<u8>) {
        push_cell(out, &self.rules.version, false);
        push_cell(out, &self.rules.sha256, false);
        push_cell(out, warnings, false);
        push_cell(out, error, false);
        if let Some(note) = note {
            push_cell(out, note, false);
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
                push_cell(out, id, true);
                out.extend_from_slice(&self.kept);
                let crisis = flags.iter().any(|&f| rules.flags[f].crisis);
                push_cell(out, "", false);
                push_cell(out, "", false);
                push_cell(out, if crisis { "true" } else { "" }, false);
                let ids: Vec<&str> = flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
                push_cell(out, &ids.join(";"), false);
                for (s, score) in scores.iter_ix() {
                    let (score, b) =
                        score.map_or((String::new(), None), |(v, b)| (v.to_string(), b));
                    push_cell(out, &score, false);
                    push_cell(out, band(s, b).unwrap_or_default(), false);
                }
                for _ in &rules.ratings {
                    push_cell(out, "", false);
                }
                // No reasons: no level was decided.
                push_cell(out, "", false);
                let codes: Vec<String> = warnings.iter().map(|w| w.code(rules)).collect();
                self.end_row(&codes.join(";"), "", note.as_deref(), out);
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
                    let note = note.as_deref().map(|text| Note {
                        text,
                        format: self.note_format,
                    });
                    let keep = self.kept_values();
                    let subject = Subject {
                        id,
                        keep: &keep,
                        row: sheet_row,
                    };
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
