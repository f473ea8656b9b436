//! Batch scoring: stream CSV rows in, one output line (a result or an
//! error) per input row, in input order, on as many threads as asked.
//!
//! Memory stays flat: rows move in fixed-size chunks through a fixed pool,
//! so at most `threads × 4` chunks are ever in memory, whatever the input
//! size. Workers score chunks in any order; the writer puts them back in
//! input order.

mod header;
mod ids;
mod incomplete;
mod input;
mod line;
mod problem;
mod table;

use crate::model::{FlagIx, ItemIdx, RuleSet};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{mpsc, Arc, Mutex};

use crate::answers::Answers;
use crate::assess::{
    assess, assess_into, established_flags, fill_least_severe, problems, rejected_warnings,
    Assessment, Lanes, Warning, LANES,
};
use crate::error::{AnswerError, Error};
use crate::mapping::Mapping;
use crate::report::row::push_cell;
pub use crate::summary::Summary;
use header::{add_keep, map_header, map_with, read_header, Columns};
use input::{Input, Record, Rows, Split};
use line::LineRenderer;
pub(crate) use table::read_table;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
    /// FHIR R4 Bundles, one per line (NDJSON).
    Fhir,
}

#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Name of the column holding the record id.
    pub(crate) id_column: String,
    pub(crate) format: Format,
    /// Threads at work (at least 1): the calling thread, which reads,
    /// writes and scores whenever it would wait, and `threads - 1` workers.
    pub threads: usize,
    /// CSV only: add the referral note as a last column `note`.
    pub note_column: bool,
    /// The notes' date (`YYYY-MM-DD`); empty for none.
    pub(crate) note_date: String,
    /// Text or Markdown notes.
    pub note_format: crate::report::note::NoteFormat,
    /// The referral note, or the client's handout.
    pub note_audience: crate::report::note::NoteAudience,
    /// FHIR only: the run's instant (RFC 3339), every Provenance's
    /// `recorded`; empty for the time the renderer is made.
    pub(crate) recorded: String,
    /// Input columns copied to the output right after the id (`--keep`;
    /// a mapping's own `keep` come first).
    pub(crate) keep: Vec<String>,
    /// Read the input through this mapping (`--map`).
    pub(crate) mapping: Option<Arc<Mapping>>,
    /// JSON Lines only: how much of the trace each result carries.
    pub(crate) trace: crate::report::json::TraceDetail,
    /// CSV only: the result columns to write (`--columns`), after the id;
    /// `None`: the contract's.
    pub(crate) columns: Option<crate::report::columns::Selection>,
    /// Warn about a row whose id an earlier row has (`--check-ids`).
    pub(crate) check_ids: bool,
    /// The byte between cells, in and out (`-d`): `,` `;` tab `|`.
    pub(crate) delimiter: u8,
}

impl BatchOptions {
    /// One thread, no note column.
    pub fn new(id_column: &str, format: Format) -> BatchOptions {
        BatchOptions {
            id_column: id_column.to_string(),
            format,
            threads: 1,
            note_column: false,
            note_date: String::new(),
            note_format: crate::report::note::NoteFormat::Text,
            note_audience: crate::report::note::NoteAudience::Professional,
            recorded: String::new(),
            keep: Vec::new(),
            mapping: None,
            trace: crate::report::json::TraceDetail::Full,
            columns: None,
            check_ids: false,
            delimiter: b',',
        }
    }
}

/// Rows per chunk: large enough to make hand-offs cheap, small enough to
/// keep memory flat and the threads evenly loaded to the end. A row with
/// its note and trace is about 20 KB of JSON, a plain CSV row 300 bytes.
const CHUNK_ROWS: usize = 512;
const CHUNK_ROWS_WITH_NOTES: usize = 64;
/// Chunks in flight per worker.
const CHUNKS_PER_THREAD: usize = 4;

/// A run of input rows.
struct Chunk {
    /// Sequence number, for putting output back in order.
    seq: u64,
    /// Data-row number of the first row (1-based; the header is not counted).
    first_row: u64,
    rows: Rows,
    /// The output lines of these rows, once scored (kept for reuse).
    output: Vec<u8>,
    /// With `--check-ids`: (record, first row with its id) of each record
    /// whose id an earlier row has, in record order.
    repeats: Vec<(usize, u64)>,
}

impl Chunk {
    fn new() -> Chunk {
        Chunk {
            seq: 0,
            first_row: 1,
            rows: Rows::default(),
            output: Vec::new(),
            repeats: Vec::new(),
        }
    }

    /// Score the rows into `output`.
    fn process(&mut self, worker: &mut Worker<'_>, summary: &mut Summary) {
        self.output.clear();
        let rows = &self.rows;
        if rows.plain {
            let mut split = std::mem::take(&mut worker.split);
            let lines = split.split(&rows.raw);
            let numbers = Numbers {
                rows,
                first: self.first_row,
                repeats: &self.repeats,
            };
            worker.process(numbers, &lines, &mut self.output, summary);
            drop(lines);
            worker.split = split;
        } else {
            let records = rows.parsed.records();
            let numbers = Numbers {
                rows,
                first: self.first_row,
                repeats: &self.repeats,
            };
            worker.process(numbers, &records, &mut self.output, summary);
        }
    }
}

/// Data-row numbers of a chunk's records (1-based, the header not counted,
/// blank lines counted).
#[derive(Clone, Copy)]
struct Numbers<'a> {
    rows: &'a Rows,
    /// The chunk's first line.
    first: u64,
    /// `Chunk::repeats`.
    repeats: &'a [(usize, u64)],
}

impl Numbers<'_> {
    #[inline]
    fn of(&self, record: usize) -> u64 {
        self.rows.data_row(self.first, record)
    }

    /// The first row with this record's id, when an earlier row has it.
    #[inline]
    fn repeat_of(&self, record: usize) -> Option<u64> {
        if self.repeats.is_empty() {
            return None;
        }
        let at = self
            .repeats
            .binary_search_by_key(&record, |&(k, _)| k)
            .ok()?;
        Some(self.repeats[at].1)
    }
}

/// A scored chunk and its tally.
struct Done {
    chunk: Chunk,
    summary: Summary,
    /// The worker failed on this chunk.
    panicked: bool,
}

impl Done {
    /// Score a chunk, catching a panic: a bug must stop the run with an
    /// error, not hang it.
    fn of(chunk: Chunk, worker: &mut Worker<'_>) -> Done {
        let mut done = Done {
            chunk,
            summary: Summary::default(),
            panicked: false,
        };
        let scored = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            done.chunk.process(worker, &mut done.summary)
        }));
        done.panicked = scored.is_err();
        done
    }
}

/// Score every row of `input`, writing one output line per input row.
pub fn score<R: Read, W: Write>(
    rules: &RuleSet,
    input: R,
    output: W,
    options: &BatchOptions,
) -> Result<Summary, Error> {
    score_with_progress(rules, input, output, options, |_| {})
}

/// `score`, calling `progress` with the input bytes read so far after each chunk.
pub(crate) fn score_with_progress<R: Read, W: Write>(
    rules: &RuleSet,
    input: R,
    mut output: W,
    options: &BatchOptions,
    mut progress: impl FnMut(u64),
) -> Result<Summary, Error> {
    let mut header = csv::ByteRecord::new();
    let Some(mut reader) = Input::open(input, &mut header, options.delimiter)? else {
        return Err(Error::EmptyInput);
    };
    let mut columns = columns(rules, &header, &options.id_column, options.mapping.as_ref())?;
    add_keep(rules, &mut columns, &header, &options.keep)?;
    let keep: Vec<String> = columns.keep.iter().map(|(_, name)| name.clone()).collect();
    let renderer = LineRenderer::new(rules, options).map_err(Error::Template)?;
    let mut head = Vec::new();
    renderer.header(&columns.id_name, &keep, &mut head);
    let chunk_rows = match renderer.outcome_only() {
        true => CHUNK_ROWS,
        false => CHUNK_ROWS_WITH_NOTES,
    };
    output.write_all(&head).map_err(io_error)?;

    let mut summary = Summary {
        ignored_columns: columns.ignored.clone(),
        by_level: vec![0; rules.levels.len()],
        ..Summary::default()
    };
    let mut ids = (options.check_ids).then(|| ids::IdCheck::new(options.delimiter));
    let threads = options.threads.max(1);
    if threads == 1 {
        let mut worker = Worker::new(rules, &columns, options, renderer);
        let mut chunk = Chunk::new();
        loop {
            let filled = reader.fill(&mut chunk.rows, chunk_rows, chunk.first_row);
            if let Some(ids) = &mut ids {
                ids.mark(&chunk.rows, chunk.first_row, columns.id, &mut chunk.repeats);
            }
            if chunk.rows.len > 0 {
                chunk.process(&mut worker, &mut summary);
                output.write_all(&chunk.output).map_err(io_error)?;
                progress(reader.position());
            }
            chunk.first_row += chunk.rows.lines();
            if let Some(err) = filled.error {
                output.flush().map_err(io_error)?;
                return Err(err);
            }
            if filled.end {
                break;
            }
        }
    } else {
        drop(renderer);
        score_parallel(
            rules,
            &mut reader,
            &mut output,
            options,
            &columns,
            threads,
            chunk_rows,
            &mut summary,
            &mut progress,
            ids.as_mut(),
        )?;
    }
    if let Some(ids) = &ids {
        summary.repeated_ids = ids.repeats;
    }
    output.flush().map_err(io_error)?;
    Ok(summary)
}

/// Place the header's columns: through the mapping when there is one.
fn columns(
    rules: &RuleSet,
    header: &csv::ByteRecord,
    id_column: &str,
    mapping: Option<&Arc<Mapping>>,
) -> Result<Columns, Error> {
    match mapping {
        Some(mapping) => map_with(rules, mapping, header),
        None => map_header(rules, header, id_column),
    }
}

/// Workers score chunks; this thread reads them, scores one itself rather
/// than wait, and writes the results back in input order (neither the input
/// nor the output need be `Send`).
#[allow(clippy::too_many_arguments)]
fn score_parallel<R: Read, W: Write>(
    rules: &RuleSet,
    reader: &mut Input<R>,
    output: &mut W,
    options: &BatchOptions,
    columns: &Columns,
    threads: usize,
    chunk_rows: usize,
    summary: &mut Summary,
    progress: &mut impl FnMut(u64),
    mut ids: Option<&mut ids::IdCheck>,
) -> Result<(), Error> {
    let pool = threads * CHUNKS_PER_THREAD;
    let mut free: Vec<Chunk> = (0..pool).map(|_| Chunk::new()).collect();
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(pool);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<Done>();

    std::thread::scope(|scope| -> Result<(), Error> {
        // Owned here, so any return drops it and idle workers stop.
        let work_tx = work_tx;
        for _ in 0..threads - 1 {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            let renderer = LineRenderer::new(rules, options).map_err(Error::Template)?;
            scope.spawn(move || {
                let mut worker = Worker::new(rules, columns, options, renderer);
                loop {
                    // A poisoned lock means another worker panicked: stop too.
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(chunk) = next else { return };
                    let done = Done::of(chunk, &mut worker);
                    let panicked = done.panicked;
                    if done_tx.send(done).is_err() || panicked {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        // This thread reads and writes, and scores whenever it would wait.
        let renderer = LineRenderer::new(rules, options).map_err(Error::Template)?;
        let mut own = Worker::new(rules, columns, options, renderer);

        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let (mut next_seq, mut next_write) = (0u64, 0u64);
        let mut first_row = 1u64;
        let mut in_flight = 0usize;
        let mut end = false;
        // A read failure stops reading, but every row read before it is
        // still scored and written; a write failure stops writing.
        let mut read_failure: Option<Error> = None;
        let mut failure: Option<Error> = None;
        loop {
            // Feed the workers while free chunks last.
            while !end && failure.is_none() {
                let Some(mut chunk) = free.pop() else { break };
                chunk.first_row = first_row;
                let filled = reader.fill(&mut chunk.rows, chunk_rows, first_row);
                if let Some(ids) = ids.as_deref_mut() {
                    ids.mark(&chunk.rows, first_row, columns.id, &mut chunk.repeats);
                }
                end = filled.end;
                read_failure = read_failure.or(filled.error);
                first_row += chunk.rows.lines();
                if chunk.rows.len == 0 {
                    free.push(chunk);
                    continue;
                }
                chunk.seq = next_seq;
                next_seq += 1;
                work_tx.send(chunk).map_err(|_| worker_gone())?;
                in_flight += 1;
                progress(reader.position());
            }
            if in_flight == 0 {
                break;
            }
            // A finished chunk first; else score one here rather than wait
            // (a worker waiting for work holds the queue's lock: none left).
            let done = match done_rx.try_recv() {
                Ok(done) => done,
                Err(mpsc::TryRecvError::Disconnected) => return Err(worker_gone()),
                Err(mpsc::TryRecvError::Empty) => {
                    let queued = work_rx.try_lock().ok().and_then(|rx| rx.try_recv().ok());
                    match queued {
                        Some(chunk) => Done::of(chunk, &mut own),
                        None => done_rx.recv().map_err(|_| worker_gone())?,
                    }
                }
            };
            if done.panicked {
                return Err(worker_gone());
            }
            in_flight -= 1;
            pending.insert(done.chunk.seq, done);
            while let Some(done) = pending.remove(&next_write) {
                if failure.is_none() {
                    if let Err(err) = output.write_all(&done.chunk.output) {
                        failure = Some(io_error(err));
                    }
                }
                summary.add(&done.summary);
                next_write += 1;
                free.push(done.chunk);
            }
        }
        drop(work_tx);
        match failure.or(read_failure) {
            Some(err) => Err(err),
            None => Ok(()),
        }
    })
}

fn worker_gone() -> Error {
    Error::Io {
        what: "batch scoring stopped".into(),
        source: std::io::Error::other("a worker thread stopped unexpectedly"),
    }
}

/// A cell as text: invalid UTF-8 is replaced (U+FFFD), valid text borrowed.
fn cell_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    // `from_utf8` checks plain ASCII faster than `from_utf8_lossy` does.
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Whether a record lines up with the header: as many cells, or more whose
/// extra cells are all blank (a trailing comma is no harm).
#[inline]
fn fits(record: &(impl Record + ?Sized), width: usize) -> bool {
    let len = record.width();
    len == width
        || (len > width
            && (width..len).all(|j| record.cell(j).unwrap_or_default().trim_ascii().is_empty()))
}

fn io_error(source: std::io::Error) -> Error {
    Error::Io {
        what: "cannot write output".into(),
        source,
    }
}

/// Scores rows: one per thread, with its own reusable buffers.
struct Worker<'a> {
    rules: &'a RuleSet,
    columns: &'a Columns,
    id_column: &'a str,
    renderer: LineRenderer<'a>,
    answers: Answers,
    assessment: Assessment,
    /// Groups of rows assessed together, when the output needs no more
    /// than an `Outcome` of each.
    lanes: Option<Lanes<'a>>,
    /// Where plain rows are split into cells.
    split: Split,
}

impl<'a> Worker<'a> {
    fn new(
        rules: &'a RuleSet,
        columns: &'a Columns,
        options: &'a BatchOptions,
        renderer: LineRenderer<'a>,
    ) -> Self {
        Worker {
            rules,
            columns,
            id_column: &options.id_column,
            // A mapping reads cells one by one (recoding them): no lanes.
            lanes: (renderer.outcome_only() && columns.mapping.is_none())
                .then(|| Lanes::new(rules))
                .flatten(),
            renderer,
            answers: Answers::new(rules),
            assessment: Assessment::empty(),
            split: Split::with_delimiter(options.delimiter),
        }
    }

    fn process(
        &mut self,
        numbers: Numbers<'_>,
        records: &[impl Record],
        out: &mut Vec<u8>,
        summary: &mut Summary,
    ) {
        if summary.by_level.is_empty() {
            summary.by_level = vec![0; self.rules.levels.len()];
        }
        let Some(mut lanes) = self.lanes.take() else {
            for (k, record) in records.iter().enumerate() {
                if self.skips(record) {
                    self.skipped(numbers.of(k) + 1, record, summary);
                    continue;
                }
                self.row(numbers.of(k), numbers.repeat_of(k), record, out, summary);
            }
            return;
        };
        for (g, group) in records.chunks(LANES).enumerate() {
            self.group(&mut lanes, numbers, g * LANES, group, out, summary);
        }
        self.lanes = Some(lanes);
    }

    /// Score up to `LANES` rows together. A row the lanes leave undecided
    /// (a malformed row, an invalid or missing answer, a value for a
    /// hidden item) goes through `row`, the one-record path.
    fn group(
        &mut self,
        lanes: &mut Lanes<'_>,
        numbers: Numbers<'_>,
        first: usize,
        records: &[impl Record],
        out: &mut Vec<u8>,
        summary: &mut Summary,
    ) {
        lanes.begin(records.len());
        for (r, record) in records.iter().enumerate() {
            if !fits(record, self.columns.width) {
                lanes.set_slow(r);
            }
            // Safety answers taken back: the one-record way reads them.
            if let Some(j) = self.columns.retracted {
                if record.cell(j).is_some_and(|c| !c.trim_ascii().is_empty()) {
                    lanes.set_slow(r);
                }
            }
        }
        for &(j, index) in &self.columns.items {
            lanes.set_cells(index, records.iter().map(|r| r.cell(j).unwrap_or_default()));
        }
        lanes.run();
        for (r, record) in records.iter().enumerate() {
            let data_row = numbers.of(first + r);
            let raw_id = cell_text(record.cell(self.columns.id).unwrap_or_default());
            let id = raw_id.trim();
            let repeat_of = numbers.repeat_of(first + r);
            if lanes.is_slow(r) || id.is_empty() || repeat_of.is_some() {
                self.row(data_row, repeat_of, record, out, summary);
                continue;
            }
            let outcome = lanes.row(r);
            summary.rows += 1;
            summary.count_scored(data_row + 1, id, &outcome);
            self.keep(record);
            self.renderer.csv_row(id, &outcome, out);
        }
    }

    /// Whether a mapping's `only_if` skips the row. A row that does not
    /// line up with the header is never skipped: it may hold risk.
    fn skips(&self, record: &impl Record) -> bool {
        match (&self.columns.mapping, self.columns.only_if) {
            (Some(mapping), Some(j)) => {
                fits(record, self.columns.width)
                    && !mapping.admits(record.cell(j).unwrap_or_default())
            }
            _ => false,
        }
    }

    /// Count a row `only_if` skips. It gets no output row, but its answers
    /// are read: flags they establish are counted, and a crisis among them
    /// names the row with the others, so that skipping hides no risk.
    fn skipped(&mut self, sheet_row: u64, record: &impl Record, summary: &mut Summary) {
        summary.rows += 1;
        summary.skipped += 1;
        self.answers.reset();
        read_answers(self.rules, self.columns, record, &mut self.answers);
        let flags = established_flags(self.rules, &self.answers);
        if flags.is_empty() {
            return;
        }
        summary.skipped_with_flags += 1;
        if flags.iter().any(|&f| self.rules.flags[f].crisis) {
            let id = cell_text(record.cell(self.columns.id).unwrap_or_default());
            summary.count_crisis(sheet_row, id.trim());
        }
    }

    /// Hand the row's kept cells to the renderer.
    #[inline]
    fn keep(&mut self, record: &impl Record) {
        if !self.columns.keep.is_empty() {
            let cells = self.columns.keep.iter();
            self.renderer
                .keep(cells.map(|(j, name)| (name.as_str(), record.cell(*j).unwrap_or_default())));
        }
    }

    /// Score one row; `repeat_of` is the first row with its id, when an
    /// earlier row has it (`--check-ids`).
    fn row(
        &mut self,
        data_row: u64,
        repeat_of: Option<u64>,
        record: &impl Record,
        out: &mut Vec<u8>,
        summary: &mut Summary,
    ) {
        let rules = self.rules;
        self.renderer.repeat_of = repeat_of;
        summary.rows += 1;
        // Spreadsheet numbering: the header is row 1.
        let sheet_row = data_row + 1;
        let raw_id = cell_text(record.cell(self.columns.id).unwrap_or_default());
        let id = raw_id.trim();
        let fits = fits(record, self.columns.width);
        // Even a row that does not fit is read column by column (a missing
        // cell is blank), so risk in it is still found below.
        self.answers.reset();
        read_answers(rules, self.columns, record, &mut self.answers);
        self.keep(record);
        let outcome = if !fits {
            Err(AnswerError::FieldCount {
                found: record.width(),
                expected: self.columns.width,
            })
        } else if id.is_empty() {
            Err(AnswerError::Column {
                column: self.id_column.to_string(),
                reason: "missing id".into(),
            })
        } else if self.incomplete_screen() {
            // The source lacks instruments: no level, never a guessed one.
            match self.incomplete(sheet_row, id, out, summary) {
                None => return,
                Some(err) => Err(err),
            }
        } else {
            assess_into(rules, &self.answers, &mut self.assessment)
        };
        match outcome {
            Ok(()) => {
                let a = &self.assessment;
                summary.count_scored(sheet_row, id, a);
                if a.warnings
                    .iter()
                    .any(|w| matches!(w, Warning::HiddenValueIgnored { .. }))
                {
                    summary.hidden_values_ignored += 1;
                }
                if a.warnings
                    .iter()
                    .any(|w| w.is_safety() && !matches!(w, Warning::Retracted { .. }))
                {
                    summary.hidden_values_kept += 1;
                }
                self.renderer.scored(sheet_row, id, a, out);
            }
            Err(err) => {
                summary.rejected += 1;
                // A flag the given answers establish is never dropped, even
                // when the row's cells may be out of line with the header:
                // a possible false alarm beats a hidden risk.
                let flags = established_flags(rules, &self.answers);
                let warnings = rejected_warnings(rules, &self.answers, &flags);
                let mut all = rejection_problems(rules, &self.answers, err);
                let mut warnings = warnings;
                if let Some(mapping) = &self.columns.mapping {
                    all = all.into_iter().map(|e| mapping.rename(rules, e)).collect();
                    self.not_collected(&mut all, &mut warnings);
                }
                let named: Vec<String> = all.iter().map(ToString::to_string).collect();
                let mut message = format!("row {sheet_row}, {}", named.join("; "));
                if flags.iter().any(|&f| rules.flags[f].crisis) {
                    summary.count_crisis(sheet_row, id);
                }
                if !flags.is_empty() {
                    summary.rejected_with_flags += 1;
                    let ids: Vec<&str> =
                        flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
                    message.push_str(&format!(
                        "; the answers given already raise: {}",
                        ids.join(", ")
                    ));
                }
                let problems = named.join("; ");
                let columns = self.columns;
                self.renderer.rejected(
                    sheet_row,
                    id,
                    &message,
                    &problems,
                    &all,
                    &self.answers,
                    &flags,
                    &warnings,
                    || problem::views(rules, columns, sheet_row, &raw_id, &all),
                    out,
                );
            }
        }
    }
}

/// Read a record's item cells into `answers`: as item codes, or through
/// the mapping.
#[inline]
fn read_answers(
    rules: &RuleSet,
    columns: &Columns,
    record: &(impl Record + ?Sized),
    answers: &mut Answers,
) {
    if let Some(j) = columns.retracted {
        answers.set_retracted_bytes(rules, record.cell(j).unwrap_or_default());
    }
    match &columns.mapping {
        None => {
            for &(j, index) in &columns.items {
                answers.set_bytes(rules, index, record.cell(j).unwrap_or_default());
            }
        }
        Some(mapping) => {
            for &(j, index) in &columns.items {
                let cell = record.cell(j).unwrap_or_default();
                answers.set_parsed(index, mapping.read(rules, index, cell));
            }
        }
    }
}

/// What a row comes to, for comparing rule sets: its level (`None` when
/// rejected), whether it is on the crisis route, and its flags (for a
/// rejected row, those its answers establish), most severe first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placement {
    pub(crate) level: Option<usize>,
    pub(crate) crisis: bool,
    pub(crate) flags: Vec<FlagIx>,
}

/// Assess every row of `input` in order, calling `visit` with the row's id
/// and its recommended level (`None` for a rejected row). One thread, no
/// output: for comparing rule sets over past intakes.
pub fn levels<R: Read>(
    rules: &RuleSet,
    input: R,
    id_column: &str,
    mut visit: impl FnMut(&str, Option<usize>),
) -> Result<(), Error> {
    placements(rules, input, id_column, None, b',', false, |row, p| {
        visit(row.id, p.level)
    })
    .map(|_| ())
}

/// `levels`, with each row's crisis route and flags.
pub(crate) fn placements<R: Read>(
    rules: &RuleSet,
    input: R,
    id_column: &str,
    mapping: Option<&Arc<Mapping>>,
    delimiter: u8,
    fill: bool,
    mut visit: impl FnMut(&Row<'_>, Placement),
) -> Result<Vec<ItemIdx>, Error> {
    let mut assessment = Assessment::empty();
    each_row(rules, input, id_column, mapping, delimiter, fill, |row| {
        let scored = row.unfit.is_none()
            && !row.id.is_empty()
            && assess_into(rules, row.answers, &mut assessment).is_ok();
        let placement = match scored {
            true => Placement {
                level: Some(assessment.level),
                crisis: assessment.crisis,
                flags: assessment.raised_flags(rules).collect(),
            },
            false => {
                let flags = established_flags(rules, row.answers);
                Placement {
                    level: None,
                    crisis: flags.iter().any(|&f| rules.flags[f].crisis),
                    flags,
                }
            }
        };
        visit(&row, placement);
    })
}

/// One input row, read exactly as `score` reads it, for the commands that
/// look at rows one at a time (`rules diff --data`, `explain --data`).
pub(crate) struct Row<'a> {
    /// Numbered as a spreadsheet shows it (the header is row 1).
    pub(crate) sheet_row: u64,
    /// The id, trimmed; empty when the row has none.
    pub(crate) id: &'a str,
    pub(crate) answers: &'a Answers,
    /// Why the row is rejected whatever its answers: it does not line up
    /// with the header.
    pub(crate) unfit: Option<AnswerError>,
}

/// Every needed item the header has no column for (`score` refuses such
/// a file), in item order.
pub(crate) fn absent_items<R: Read>(
    rules: &RuleSet,
    input: R,
    id_column: &str,
    mapping: Option<&Arc<Mapping>>,
    delimiter: u8,
) -> Result<Vec<ItemIdx>, Error> {
    let mut header = csv::ByteRecord::new();
    if Input::open(input, &mut header, delimiter)?.is_none() {
        return Err(Error::EmptyInput);
    }
    match mapping {
        // A mapping's header refuses a needed column that is not there.
        Some(mapping) => map_with(rules, mapping, &header).map(|_| Vec::new()),
        None => Ok(read_header(rules, &header, id_column)?.1),
    }
}

/// Visit every row of `input` in order, read as `score` reads it (cells
/// separated by `delimiter`). With
/// `fill`, the items the header has no column for are filled in each row
/// as a rule set's cases fill them (`fill_least_severe`), and returned;
/// without it, a needed item without a column is an error, as for `score`.
/// With a mapping, rows are read through it, and the rows its `only_if`
/// skips are not visited.
pub(crate) fn each_row<R: Read>(
    rules: &RuleSet,
    input: R,
    id_column: &str,
    mapping: Option<&Arc<Mapping>>,
    delimiter: u8,
    fill: bool,
    mut visit: impl FnMut(Row<'_>),
) -> Result<Vec<ItemIdx>, Error> {
    let mut header = csv::ByteRecord::new();
    let Some(mut reader) = Input::open(input, &mut header, delimiter)? else {
        return Err(Error::EmptyInput);
    };
    if fill && mapping.is_some() {
        return Err(Error::Usage(
            "--fill cannot be combined with --map: map the missing items, or list their \
             instruments under `not_collected`"
                .into(),
        ));
    }
    let (columns, absent) = match fill {
        false => (columns(rules, &header, id_column, mapping)?, Vec::new()),
        true => {
            let (columns, _) = read_header(rules, &header, id_column)?;
            let absent: Vec<ItemIdx> = (0..rules.items.len())
                .filter(|&i| rules.items[i].is_answerable())
                .filter(|&i| !columns.items.iter().any(|&(_, c)| c == i))
                .collect();
            (columns, absent)
        }
    };
    let mut answers = Answers::new(rules);
    let mut read = |record: &dyn Record, sheet_row: u64| {
        let fits = fits(record, columns.width);
        if let (Some(mapping), Some(j), true) = (&columns.mapping, columns.only_if, fits) {
            if !mapping.admits(record.cell(j).unwrap_or_default()) {
                return;
            }
        }
        let id = cell_text(record.cell(columns.id).unwrap_or_default());
        answers.reset();
        read_answers(rules, &columns, record, &mut answers);
        if !absent.is_empty() {
            fill_least_severe(rules, &mut answers, |i| !absent.contains(&i));
        }
        let unfit = (!fits).then(|| AnswerError::FieldCount {
            found: record.width(),
            expected: columns.width,
        });
        visit(Row {
            sheet_row,
            id: id.trim(),
            answers: &answers,
            unfit,
        });
    };
    let (mut rows, mut first_row) = (Rows::default(), 1);
    let mut split = Split::with_delimiter(delimiter);
    loop {
        let filled = reader.fill(&mut rows, CHUNK_ROWS, first_row);
        // Spreadsheet numbering: the header is row 1.
        let sheet_row = |k: usize| rows.data_row(first_row, k) + 1;
        if rows.plain {
            for (k, line) in split.split(&rows.raw).iter().enumerate() {
                read(line, sheet_row(k));
            }
        } else {
            for (k, record) in rows.parsed.records().iter().enumerate() {
                read(record, sheet_row(k));
            }
        }
        first_row += rows.lines();
        if let Some(err) = filled.error {
            return Err(err);
        }
        if filled.end {
            return Ok(absent);
        }
    }
}

/// The problems `score` names for a rejected row: every bad or missing
/// answer, not only the first `err` found; a row that does not fit the
/// header, or has no id, says so first (a short row then names only its
/// invalid values: its absent cells are what its field count says).
pub(crate) fn rejection_problems(
    rules: &RuleSet,
    answers: &Answers,
    err: AnswerError,
) -> Vec<AnswerError> {
    let all = problems(rules, answers);
    match err {
        // A short row lacks cells: each would be a missing answer, which
        // its field count already says, so only the values it gives that
        // are bad are named with it.
        AnswerError::FieldCount { found, expected } if found < expected => std::iter::once(err)
            .chain(
                all.into_iter()
                    .filter(|e| matches!(e, AnswerError::Invalid { .. })),
            )
            .collect(),
        // The row's shape or its id, then every answer problem too.
        AnswerError::FieldCount { .. } | AnswerError::Column { .. } => {
            std::iter::once(err).chain(all).collect()
        }
        err if all.is_empty() => vec![err],
        _ => all,
    }
}

/// Write the CSV header batch input needs, and one example row (the least
/// severe answer to every item shown by default; hidden items left blank).
pub(crate) fn template<W: Write>(
    rules: &RuleSet,
    id_column: &str,
    mut output: W,
) -> Result<(), Error> {
    let items: Vec<usize> = (0..rules.items.len())
        .filter(|&i| rules.items[i].is_answerable())
        .collect();
    let answers = Answers::extreme(rules, false);
    let shown = match assess(rules, &answers) {
        Ok(a) => a.shown,
        Err(_) => vec![true; rules.items.len()],
    };
    let mut out = Vec::new();
    push_cell(&mut out, id_column, true);
    for &i in &items {
        push_cell(&mut out, &rules.items[i].id, false);
    }
    out.push(b'\n');
    push_cell(&mut out, "example-1", true);
    for &i in &items {
        let value = if shown[i] {
            answers.get(i).map(|v| v.to_string()).unwrap_or_default()
        } else {
            String::new()
        };
        push_cell(&mut out, &value, false);
    }
    out.push(b'\n');
    output.write_all(&out).map_err(io_error)?;
    output.flush().map_err(io_error)
}
