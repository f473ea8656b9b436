//! The command line: clap types, converted at once into calls on the
//! library; the only place that prints errors.

// Standard output goes through `emit`, so a closed pipe ends the command
// quietly (`print!` would panic); `print!` is refused by the crate's lints.
#![allow(clippy::print_stderr)]

mod map;
mod score;
mod sessions;

use std::ffi::OsString;
use std::io::{self, IsTerminal};

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::batch;
use crate::check;
use crate::error::Error;
use crate::interview::command::{self, InterviewOptions};
use crate::interview::terminal::TerminalPrompter;
use crate::model::RuleSet;
use crate::report::handout;
use crate::report::note::NoteAudience;
use crate::rules::{self, RulesSource};

/// Exit codes (listed in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitCode {
    /// Everything was done: every row scored, or the rule set is valid.
    Success = 0,
    /// Done, but the input had problems: some rows were rejected, or
    /// `rules check` found problems.
    Problems = 1,
    /// Could not run: usage error, unreadable input, invalid rules, I/O error.
    Failure = 2,
    /// The interview was interrupted (Ctrl-C); its answers are saved.
    Interrupted = 130,
}

const INTERVIEW_EXAMPLES: &str = "\
Keys: an option's key in brackets ([1], [2], ...; [n]/[y] for yes/no) or the
arrows move, Enter chooses; Esc goes back one question; integers are typed
(b goes back).

Every answer is saved at once to the session file, with the options given;
Ctrl-C stops and says how to resume. A finished session holds the result as
shown and the disposition; resuming it shows both and offers an amendment
(the original is kept).

Examples:
  carescreen interview --id c-1042                  interview a client, result on screen
  carescreen interview --id c-1042 --format json -o c-1042.json
  carescreen interview --id c-1042 --format fhir -o c-1042.ndjson   a FHIR R4 Bundle
  carescreen interview --id c-1042 --note-audience client -o handout.txt   the client's handout
  carescreen interview --resume ~/.local/share/carescreen/sessions/c-1042-1763900000.json
  carescreen interview --resume s.json -o again.json   resume, writing the result elsewhere";

const SCORE_EXAMPLES: &str = "\
Examples:
  carescreen score intakes.csv                     score with the built-in rules, CSV to stdout
  carescreen score intakes.csv -o results.csv      write results atomically to a file
  carescreen score - --format jsonl < intakes.csv  JSON Lines with the note and the full trace
  carescreen score intakes.csv --format fhir -o out.ndjson   FHIR R4 Bundles, a line each
  carescreen score intakes.csv --format jsonl --trace fired   only the rules that fired
  carescreen score intakes.csv --note-column       CSV with the referral note in a last column
  carescreen score intakes.csv --note-column --note-audience client   each person's handout
  carescreen score big.csv -o out.csv --summary json --threads 4
  carescreen score intakes.csv --columns level,crisis,flags,phq9_score   a lean CSV
  carescreen score intakes.csv --check-ids         warn about repeated record ids
  carescreen score intakes.tsv -d tab -o out.tsv   tab-separated in and out (`-d ';'` for semicolons)
  carescreen score intakes.csv --rules my-rules/   use another rule set
  carescreen score intakes.csv --id-column client  the record id is in column `client`
  carescreen score export.csv --map export.map.yaml  a REDCap export, read through a mapping
  carescreen score intakes.csv --keep site,visit   copy columns `site` and `visit` after the id";

const CHECK_EXAMPLES: &str = "\
Examples:
  carescreen rules check                 check the built-in rule set
  carescreen rules check my-rules/       check a rule-set folder (its ruleset.yaml)
  carescreen rules check ruleset.yaml    check a main rule-set file and its includes";

const TEMPLATE_EXAMPLES: &str = "\
Examples:
  carescreen template > intakes.csv      start a batch file with the expected header
  carescreen template --rules my-rules/  the header for another rule set";

#[derive(Debug, Parser)]
#[command(
    name = "carescreen",
    version,
    about = "Care-level screening for behavioral-health intake: scores screening answers \
             and recommends a level of care, with a referral note. A screening result, not \
             a diagnosis: a licensed professional decides the level of care.",
    after_help = "Exit codes: 0 done; 1 done, but rows were rejected or rules have problems; \
                  2 could not run.\n\nExamples:\n  carescreen template > intakes.csv\n  \
                  carescreen score intakes.csv -o results.csv\n  carescreen rules check my-rules/"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score a CSV file of answers: one result row per input row.
    #[command(after_help = SCORE_EXAMPLES)]
    Score(ScoreArgs),
    /// Interview a client at the terminal, then show the result and note.
    #[command(after_help = INTERVIEW_EXAMPLES)]
    Interview(InterviewArgs),
    /// The interview sessions on this machine: list, export for scoring, purge.
    #[command(subcommand)]
    Sessions(SessionsCommand),
    /// Explain one record: every rule, the values it saw, and why this level.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
    /// Work with rule sets.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Mapping files for exports with other column names and codes (REDCap).
    #[command(subcommand, after_help = map::MAP_EXAMPLES)]
    Map(map::MapCommand),
    /// Print the CSV header batch scoring expects, with one example row.
    #[command(after_help = TEMPLATE_EXAMPLES)]
    Template {
        #[command(flatten)]
        rules: RulesArg,
        /// Name of the id column
        #[arg(long, value_name = "NAME", default_value = "id")]
        id_column: String,
    },
}

#[derive(Debug, clap::Args)]
struct ExplainArgs {
    #[command(flatten)]
    rules: RulesArg,
    /// The record: YAML or JSON, item id -> answer code
    #[arg(required_unless_present = "data", conflicts_with = "data")]
    file: Option<PathBuf>,
    /// A batch CSV file: explain the row(s) with --id, exactly as `score` scored them
    #[arg(long, value_name = "FILE.csv", requires = "id")]
    data: Option<PathBuf>,
    /// With --data: the record id of the row to explain
    #[arg(long, value_name = "ID", requires = "data")]
    id: Option<String>,
    /// With --data: name of the id column
    #[arg(long, value_name = "NAME", default_value = "id", requires = "data")]
    id_column: String,
    /// With --data: read the file through this mapping (its `id` names the id column); see MAPPING.md
    #[arg(
        long,
        value_name = "FILE.yaml",
        requires = "data",
        conflicts_with = "id_column"
    )]
    map: Option<PathBuf>,
    /// With --data: the byte between the file's cells: `,` `;` `tab` (or `\t`) `|`
    #[arg(short, long, value_name = "CHAR", default_value = ",", value_parser = parse_delimiter, requires = "data")]
    delimiter: u8,
    /// Answer the items the record does not name (with --data: that have no
    /// column) as test cases do, and list them; without it, a missing answer
    /// is missing, as for `score`
    #[arg(long, value_enum, value_name = "ANSWERS")]
    fill: Option<FillArg>,
    /// List only the rules that fired (the result keeps every flag)
    #[arg(long)]
    fired_only: bool,
    #[command(flatten)]
    lang: LangArg,
}

/// What `--fill` answers the items a record leaves out with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FillArg {
    /// Each item's least severe answer (its lowest-scoring code, or lowest
    /// bound), then skip logic hides what it hides: as test cases are filled
    LeastSevere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// Lists and the level matrix, as text
    Table,
    /// One JSON object
    Json,
}

#[derive(Debug, clap::Args)]
struct InterviewArgs {
    /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in, or the session's]
    #[arg(long, value_name = "PATH")]
    rules: Option<PathBuf>,
    /// The client's record id, for a new session (required: it names the intake record)
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "resume",
        conflicts_with = "resume"
    )]
    id: Option<String>,
    /// Format of the result written with --output (the screen always shows the table and note) [default: table, or the session's]
    #[arg(long, value_enum)]
    format: Option<ResultFormat>,
    /// Also write the result to this file, atomically [default: the session's]
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Continue a saved session, with the options it was started with (an option given again overrides it): a session file (a path holding `/`, or an existing file), else an id in the sessions folder (--dir); several sessions with that id are listed to pick from
    #[arg(long, value_name = "FILE|ID", conflicts_with = "session")]
    resume: Option<PathBuf>,
    /// Where to save the session [default: a new file in --dir]
    #[arg(long, value_name = "FILE")]
    session: Option<PathBuf>,
    /// Folder of session files: where --resume ID looks, where --id looks for the id's sessions, and where a new session is saved [default: the user's data folder]
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Start another session for --id without asking, even when the id has sessions in the folder
    #[arg(long, conflicts_with = "resume")]
    new: bool,
    /// Language of the questions and the note; an instrument without a version in it is asked in its English wording, with a notice [default: en, or the session's]
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,
    /// Date written in the note, YYYY-MM-DD [default: today, local time zone]
    #[arg(long, value_name = "DATE")]
    note_date: Option<String>,
    /// Accepted for older scripts; no effect: an instrument without a
    /// version in --lang is always asked in English, with a notice
    #[arg(long, hide = true)]
    allow_english: bool,
    /// Who the note written with --output is for: `professional` or `client` (the file then holds the handout alone; JSON the whole result) [default: professional, or the session's]
    #[arg(long, value_name = "WHO", value_parser = ["professional", "client"])]
    note_audience: Option<String>,
}

const SESSIONS_EXAMPLES: &str = "\
Examples:
  carescreen sessions list                           every session in the data folder
  carescreen sessions export -o intakes.csv          finished intakes as batch rows
  carescreen score intakes.csv                       score them again (extra columns are ignored)
  carescreen rules diff rules/ my-rules/ --data intakes.csv
  carescreen sessions purge --finished-before 2025-01-01";

#[derive(Debug, Subcommand)]
enum SessionsCommand {
    /// List each session: id, started, last answer, status, level, crisis, disposition.
    #[command(after_help = SESSIONS_EXAMPLES)]
    List {
        #[command(flatten)]
        dir: SessionsDir,
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Write the finished sessions as rows in the batch input contract: the id
    /// column, the item columns, then the recorded result and disposition
    /// (which `score` ignores). Health data: written atomically, owner-only.
    #[command(after_help = SESSIONS_EXAMPLES)]
    Export {
        #[command(flatten)]
        dir: SessionsDir,
        /// Rule set whose items give the columns (answers are item codes, so
        /// sessions of other versions export too) [default: built-in]
        #[arg(long, value_name = "PATH")]
        rules: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = ExportFormatArg::Csv)]
        format: ExportFormatArg,
        /// Write to this file, atomically and owner-only [default: stdout]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Name of the id column
        #[arg(long, value_name = "NAME", default_value = "id")]
        id_column: String,
        /// Also write the unfinished sessions, with the flags their answers
        /// so far establish, adding the columns status, flags,
        /// possible_crisis and not_asked
        #[arg(long)]
        include_unfinished: bool,
    },
    /// Delete finished sessions whose disposition was recorded before a date
    /// (a clinic's retention policy), after listing them and asking.
    #[command(after_help = SESSIONS_EXAMPLES)]
    Purge {
        #[command(flatten)]
        dir: SessionsDir,
        /// Delete sessions finished before this local date, YYYY-MM-DD
        #[arg(long, value_name = "DATE")]
        finished_before: String,
        /// Also delete unfinished sessions last changed before the date
        #[arg(long)]
        include_unfinished: bool,
        /// Delete without asking
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, clap::Args)]
struct SessionsDir {
    /// Folder of session files [default: the user's data folder]
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormatArg {
    Csv,
    Jsonl,
}

/// `--rules`, for the commands that read answers or a header.
#[derive(Debug, clap::Args)]
struct RulesArg {
    /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
    #[arg(long, value_name = "PATH")]
    rules: Option<PathBuf>,
}

/// The rule set a `rules` subcommand works on.
#[derive(Debug, clap::Args)]
struct RuleSetPath {
    /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
    path: Option<PathBuf>,
}

/// `--lang`; a command whose texts go further says so in its own help.
#[derive(Debug, clap::Args)]
struct LangArg {
    /// Language of the rule set's texts (English where a text has no translation)
    #[arg(long, value_name = "CODE", default_value = "en")]
    lang: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum NoteFormatArg {
    Text,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ShowFormat {
    Markdown,
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ResultFormat {
    /// The result table and the referral note, as text
    Table,
    /// One JSON object: the result, note, trace and disposition
    Json,
    /// Markdown: the result table, the disposition and the note
    Markdown,
    /// A FHIR R4 Bundle (one line): answers, totals, level, flags, the
    /// referral note, and the disposition and languages as notes on the level
    Fhir,
}

const EXPLAIN_EXAMPLES: &str = "\
The file names the answers, in YAML:
  phq9_1: 2
  phq9_9: 1
  harm_others: 0
or in JSON: {\"phq9_1\": 2, \"phq9_9\": \"1\", \"cssrs_4\": null}
Each answer is read as a batch cell is (`\"2\"` is 2; `yes`/`no` for yes/no items;
null is no answer). Every item shown by skip logic must be answered, as in
batch scoring, unless --fill least-severe answers the ones left out.

Examples:
  carescreen explain record.yaml
  carescreen explain record.json --rules my-rules/
  carescreen explain partial.yaml --fill least-severe   answer the rest as test cases are
  carescreen explain --data intakes.csv --id c003       a batch row, as `score` scored it
  carescreen explain record.yaml --fired-only           only the rules that fired";

const TEST_EXAMPLES: &str = "\
Examples:
  carescreen rules test                      run the built-in rule set's cases
  carescreen rules test my-rules/ --coverage and list what no case exercises or proves
  carescreen rules test my-rules/ --mutate   and list the thresholds no case pins";

const DIFF_EXAMPLES: &str = "\
With --exit-code: 1 when any record's result changes (its level, crisis route or
flags), 0 when none does; 2 when it could not run.

Examples:
  carescreen rules diff rules/ my-rules/                        what changed
  carescreen rules diff rules/ my-rules/ --data intakes-2025.csv and how many records change level
  carescreen rules diff rules/ my-rules/ --data intakes.csv --fill least-severe
                                     the new rules ask new items: answer them as test cases do
  carescreen rules diff rules/ my-rules/ --data intakes.csv --format json > diff.json
  carescreen rules diff rules/ my-rules/ --data intakes.csv --exit-code   for CI";

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// Print the JSON Schema of rule-set files (rules/schema.json), for editors.
    Schema,
    /// Compare two rule sets; with --data, how many records change level.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff {
        /// The rule set before the change
        old: PathBuf,
        /// The rule set after the change
        new: PathBuf,
        /// A batch CSV of past intakes, scored with both rule sets
        #[arg(long, value_name = "FILE.csv")]
        data: Option<PathBuf>,
        /// Name of the id column in --data
        #[arg(long, value_name = "NAME", default_value = "id")]
        id_column: String,
        /// With --data: read it through this mapping, checked against each rule set; see MAPPING.md
        #[arg(
            long,
            value_name = "FILE.yaml",
            requires = "data",
            conflicts_with = "id_column"
        )]
        map: Option<PathBuf>,
        /// The byte between the cells of --data: `,` `;` `tab` (or `\t`) `|`
        #[arg(short, long, value_name = "CHAR", default_value = ",", value_parser = parse_delimiter, requires = "data")]
        delimiter: u8,
        /// Output format
        #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
        format: DiffFormat,
        /// With --data: answer the items the file has no column for (say,
        /// ones the new rules add) as test cases do, and list them [default:
        /// refuse, naming them]
        #[arg(long, value_enum, value_name = "ANSWERS", requires = "data")]
        fill: Option<FillArg>,
        /// With --data: exit 1 when any record's level, crisis route or
        /// flags change, 0 when none does
        #[arg(long, requires = "data")]
        exit_code: bool,
    },
    /// Show the whole rule set in plain words, for clinical review.
    #[command(
        after_help = "Examples:\n  carescreen rules show > RULES.md\n  carescreen rules show my-rules/ --format text"
    )]
    Show {
        #[command(flatten)]
        path: RuleSetPath,
        /// Output format
        #[arg(long, value_enum, default_value_t = ShowFormat::Markdown)]
        format: ShowFormat,
    },
    /// Run the rule set's test cases; exit 1 if any fails.
    #[command(after_help = TEST_EXAMPLES)]
    Test {
        #[command(flatten)]
        path: RuleSetPath,
        /// Also list what no case exercises: placement rules, flags, bands, grades, and
        /// each leaf of every condition no case proves (MC/DC); exit 1 if any
        #[arg(long)]
        coverage: bool,
        /// Also move every threshold by one step, one at a time, and list each change no
        /// case fails on (exit 1 if any)
        #[arg(long)]
        mutate: bool,
    },
    /// Validate a rule set and list every problem with its location.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
        path: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
#[command(mut_arg("lang", |a| a.help(
    "Language of the rule set's texts in the output and note (scoring never depends on it)"
)))]
struct ScoreArgs {
    /// Input CSV with a header row; `-` reads stdin
    #[arg(value_name = "FILE", default_value = "-")]
    input: PathBuf,
    #[command(flatten)]
    rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    format: FormatArg,
    /// Output file, written atomically; `-` writes stdout
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// Name of the column holding the record id
    #[arg(long, value_name = "NAME", default_value = "id")]
    id_column: String,
    /// Read the input through this mapping: other column names and codes (a REDCap export); see MAPPING.md
    #[arg(long, value_name = "FILE.yaml", conflicts_with = "id_column")]
    map: Option<PathBuf>,
    /// Copy these input columns to the output, right after the id (after the mapping's `keep`)
    #[arg(long, value_name = "COL,...", value_delimiter = ',')]
    keep: Vec<String>,
    #[command(flatten)]
    lang: LangArg,
    /// Date written in notes, YYYY-MM-DD [default: today, local time zone]
    #[arg(long, value_name = "DATE")]
    note_date: Option<String>,
    /// Form of the referral notes (JSON Lines, --note-column)
    #[arg(long, value_enum, default_value_t = NoteFormatArg::Text)]
    note_format: NoteFormatArg,
    /// Who the notes are for (JSON Lines, --note-column): `professional` (the referral note) or `client` (a plain-language handout for the person screened)
    #[arg(long, value_name = "WHO", value_parser = ["professional", "client"], default_value = "professional")]
    note_audience: String,
    /// Threads scoring, the one reading and writing included [default: every core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// CSV: add the referral note as a last column `note`
    #[arg(long)]
    note_column: bool,
    /// CSV: write only these result columns, in this order, after the id column (always first); names as in the default header, e.g. `level,crisis,flags`. Leaving out `flags` or `crisis` prints a warning: risk is then not in the output [default: every contract column]
    #[arg(long, value_name = "COL,...", value_delimiter = ',', num_args = 1)]
    columns: Option<Vec<String>>,
    /// The byte between cells, in the input and the CSV output: `,` `;` `tab` (or `\t`) `|`
    #[arg(short, long, value_name = "CHAR", default_value = ",", value_parser = parse_delimiter)]
    delimiter: u8,
    /// Warn about each row whose id an earlier row has: `duplicate_id:ROW` (ROW: the first row with it) in `warnings`; the first row is not warned. Memory grows with the ids: a 64-bit fingerprint and a row number per distinct id, some 18 to 54 bytes each at peak (up to about 55 MB per million ids); a rare fingerprint collision may warn wrongly, never change a result
    #[arg(long)]
    check_ids: bool,
    /// JSON Lines: how much of each result's trace to write: `full` (every rule), `fired` (only those that fired), `none` (no `trace` key)
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = TraceArg::Full)]
    trace: TraceArg,
    /// End-of-run summary on stderr; `auto` shows the table on a terminal only
    #[arg(long, value_enum, default_value_t = SummaryArg::Auto)]
    summary: SummaryArg,
    /// No progress bar, summary or notes on stderr: only errors, and the
    /// warning that rejected rows raise risk flags
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SummaryArg {
    /// A table when stderr is a terminal, nothing otherwise
    Auto,
    /// A table
    Table,
    /// One JSON object, for scripts
    Json,
    /// Nothing
    None,
}

/// `-d`: one of the delimiters batch files use.
fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "\t" | "tab" | "\\t" => Ok(b'\t'),
        "|" => Ok(b'|'),
        _ => Err("expected one of `,` `;` `tab` (or `\\t`) `|`".into()),
    }
}

/// How much of the trace JSON Lines carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TraceArg {
    /// No `trace` key
    None,
    /// Only the entries that fired
    Fired,
    /// Every rule, fired or not
    Full,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// One CSV row per input row (the batch contract columns)
    Csv,
    /// One JSON object per line, with warnings and the full trace
    Jsonl,
    /// FHIR R4 NDJSON: one Bundle per line (QuestionnaireResponse,
    /// Observations, Flags, the referral note, Provenance)
    Fhir,
}

/// Run the command line and return the process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                ExitCode::Failure
            } else {
                ExitCode::Success
            };
            let _ = err.print();
            return code as i32;
        }
    };
    let result = match cli.command {
        Command::Score(args) => score::score(args),
        Command::Rules(RulesCommand::Check { path }) => check(path),
        Command::Rules(RulesCommand::Show { path, format }) => show(path.path, format),
        Command::Rules(RulesCommand::Schema) => emit(&rules::schema()).map(|()| ExitCode::Success),
        Command::Rules(RulesCommand::Diff {
            old,
            new,
            data,
            id_column,
            map,
            delimiter,
            format,
            fill,
            exit_code,
        }) => diff(DiffArgs {
            old: &old,
            new: &new,
            data: data.as_deref(),
            id_column: &id_column,
            map: map.as_deref(),
            delimiter,
            json: format == DiffFormat::Json,
            fill: fill.is_some(),
            exit_code,
        }),
        Command::Rules(RulesCommand::Test {
            path,
            coverage,
            mutate,
        }) => rules_test(path.path, coverage, mutate),
        Command::Template { rules, id_column } => template(rules.rules, &id_column),
        Command::Interview(args) => interview(args),
        Command::Sessions(command) => sessions::sessions(command),
        Command::Explain(args) => explain(args),
        Command::Map(command) => map::map(command),
    };
    match result {
        Ok(code) => code as i32,
        Err(err) if is_broken_pipe(&err) => ExitCode::Success as i32,
        Err(err) => {
            print_error(&err);
            ExitCode::Failure as i32
        }
    }
}

fn source(path: Option<PathBuf>) -> RulesSource {
    path.map_or(RulesSource::Embedded, RulesSource::Path)
}

fn load(path: Option<PathBuf>) -> Result<RuleSet, Error> {
    check::load(&source(path))
}

/// Load with texts in `lang`; say on stderr how many texts fall back to English.
fn load_in(path: Option<PathBuf>, lang: &str) -> Result<RuleSet, Error> {
    if !rules::is_language_code(lang) {
        return Err(Error::Usage(format!(
            "`{lang}` is not a language code; use e.g. `en` or `es`"
        )));
    }
    let rules = check::load_in(&source(path), lang)?;
    for line in crate::messages::lang_notices(&rules.translations, lang) {
        eprintln!("{line}");
    }
    Ok(rules)
}

fn interview(args: InterviewArgs) -> Result<ExitCode, Error> {
    use crate::interview::session::{default_dir, Session};
    use crate::sessions::Target;
    use sessions::Opened;
    let dir = args.dir.clone().unwrap_or_else(default_dir);
    let terminal = io::stdin().is_terminal() && io::stderr().is_terminal();
    // An id is resolved first, so that one without a session (or, with no
    // terminal to pick on, with several) is said before anything else.
    let resume = match args.resume.as_deref().map(crate::sessions::target) {
        Some(Target::File(path)) => {
            let session = Session::read(&path)?;
            Some((path, session))
        }
        Some(Target::Id(id)) => {
            let mut found = crate::sessions::with_id(&dir, &id)?;
            let at = match found.len() {
                0 => return Err(Error::NoSessionWithId { id, dir }),
                1 => 0,
                _ if !terminal => {
                    return Err(Error::SessionsWithId {
                        id,
                        dir,
                        paths: found.into_iter().map(|(p, _)| p).collect(),
                    })
                }
                _ => match sessions::pick(
                    &mut io::stdin().lock(),
                    &mut io::stderr(),
                    &id,
                    &dir,
                    &found,
                )? {
                    Some(at) => at,
                    None => return Ok(ExitCode::Success),
                },
            };
            let (path, session) = found.swap_remove(at);
            eprintln!("note: resuming `{id}` from {}", path.display());
            Some((path, session))
        }
        None => None,
    };
    if !terminal {
        return Err(Error::NoTerminal);
    }
    // A new interview for an id with sessions asks first, unless --new.
    let resume = match (resume, &args.id) {
        (None, Some(id)) if !args.new => {
            let mut found = crate::sessions::with_id(&dir, id)?;
            match found.is_empty() {
                true => None,
                false => {
                    match sessions::reuse(
                        &mut io::stdin().lock(),
                        &mut io::stderr(),
                        id,
                        &dir,
                        &found,
                    )? {
                        Opened::Session(at) => Some(found.swap_remove(at)),
                        Opened::New => None,
                        Opened::Quit => return Ok(ExitCode::Success),
                    }
                }
            }
        }
        (resume, _) => resume,
    };
    let given = command::Given {
        rules: args.rules,
        lang: args.lang,
        output: args.output,
        format: args.format.map(|f| match f {
            ResultFormat::Table => command::ResultFormat::Table,
            ResultFormat::Json => command::ResultFormat::Json,
            ResultFormat::Markdown => command::ResultFormat::Markdown,
            ResultFormat::Fhir => command::ResultFormat::Fhir,
        }),
        note_date: args.note_date,
        allow_english: args.allow_english,
        note_audience: args.note_audience.as_deref().and_then(NoteAudience::of),
    };
    let mut notices = Vec::new();
    let stored = resume.as_ref().and_then(|(_, s)| s.settings.as_ref());
    let settings = given.settle(stored, &mut notices)?;
    for notice in notices {
        eprintln!("{notice}");
    }
    if settings.format == command::ResultFormat::Fhir
        && settings.note_audience == NoteAudience::Client
    {
        return Err(Error::Usage(
            "--format fhir carries the referral note; write the client's handout as table, \
             markdown or json"
                .into(),
        ));
    }
    let rules = load_in(settings.rules.clone(), &settings.lang)?;
    handout::available(&rules, settings.note_audience, true).map_err(Error::Usage)?;
    let id = args.id.unwrap_or_default();
    // A new session is a new file in the folder, unless --session names one.
    let session = match (&resume, args.session) {
        (None, None) => Some(crate::sessions::new_path(&dir, &id)),
        (_, session) => session,
    };
    let options = InterviewOptions {
        id,
        resume,
        session,
        settings,
    };
    let prepared = command::prepare(&rules, &options)?;
    // Ctrl-C outside a prompt (prompts handle it themselves): restore the
    // cursor, say where the answers are, exit 130.
    let hint =
        crate::messages::Lang::of(&options.settings.lang).interrupted(&prepared.resume_hint());
    let _ = ctrlc::set_handler(move || {
        // In a prompt, the prompt stops the interview and says so in its
        // own words; give it a moment, then say it here if it has not.
        std::thread::sleep(std::time::Duration::from_millis(200));
        TerminalPrompter::show_cursor();
        command::say_interrupted(&mut io::stderr(), &format!("\n{hint}"));
        std::process::exit(ExitCode::Interrupted as i32);
    });
    // Unlocked: the Ctrl-C handler writes to stderr from another thread.
    match command::conduct(&rules, &options.settings, prepared, &mut io::stderr())? {
        command::Ended::Done => Ok(ExitCode::Success),
        command::Ended::Interrupted => Ok(ExitCode::Interrupted),
    }
}

fn explain(args: ExplainArgs) -> Result<ExitCode, Error> {
    let rules = load_in(args.rules.rules.clone(), &args.lang.lang)?;
    let source = match (args.file, args.data, args.id) {
        (Some(file), _, _) => crate::explain::Source::Record(file),
        (None, Some(data), Some(id)) => crate::explain::Source::Row {
            data,
            id,
            id_column: args.id_column,
            map: args.map,
            delimiter: args.delimiter,
        },
        _ => {
            return Err(Error::Usage(
                "give a record file, or --data FILE.csv --id ID".into(),
            ))
        }
    };
    let explained = crate::explain::run(&rules, &source, args.fill.is_some(), args.fired_only)?;
    for note in &explained.notes {
        eprintln!("{note}");
    }
    emit(&explained.text)?;
    Ok(match explained.rejected {
        true => ExitCode::Problems,
        false => ExitCode::Success,
    })
}

/// `rules diff`, its options read.
struct DiffArgs<'a> {
    old: &'a Path,
    new: &'a Path,
    data: Option<&'a Path>,
    id_column: &'a str,
    map: Option<&'a Path>,
    delimiter: u8,
    json: bool,
    fill: bool,
    exit_code: bool,
}

fn diff(args: DiffArgs<'_>) -> Result<ExitCode, Error> {
    let old_rules = load(Some(args.old.to_path_buf()))?;
    let new_rules = load(Some(args.new.to_path_buf()))?;
    let changes = crate::diff::changes(&old_rules, &new_rules);
    let comparison = match args.data {
        Some(data) => Some(crate::diff::compare_data(
            &old_rules,
            &new_rules,
            data,
            args.id_column,
            args.map,
            args.delimiter,
            args.fill,
        )?),
        None => None,
    };
    let data = args.data.zip(comparison.as_ref());
    let text = match args.json {
        true => crate::diff::json(&old_rules, &new_rules, &changes, data),
        false => {
            let mut text = crate::diff::changes_text(&old_rules, &new_rules, &changes);
            if let Some((path, comparison)) = data {
                text.push_str(&comparison.text(&old_rules, &new_rules, path));
            }
            text
        }
    };
    emit(&text)?;
    let changed = comparison.as_ref().is_some_and(|c| c.any_change());
    Ok(match args.exit_code && changed {
        true => ExitCode::Problems,
        false => ExitCode::Success,
    })
}

fn show(path: Option<PathBuf>, format: ShowFormat) -> Result<ExitCode, Error> {
    let rules = load(path)?;
    let doc = match format {
        ShowFormat::Markdown => crate::report::rules_doc::markdown(&rules),
        ShowFormat::Text => crate::report::rules_doc::text(&rules),
        ShowFormat::Json => crate::report::rules_doc::json(&rules),
    };
    emit(&doc)?;
    Ok(ExitCode::Success)
}

fn rules_test(path: Option<PathBuf>, with_coverage: bool, mutate: bool) -> Result<ExitCode, Error> {
    let mut rules = load(path)?;
    let mutation = mutate.then(|| crate::cases::mutate::run(&mut rules));
    let mut report = crate::rules_test::run(&rules, with_coverage);
    report.mutation = mutation;
    emit(&report.text(&rules))?;
    Ok(if report.passed() {
        ExitCode::Success
    } else {
        ExitCode::Problems
    })
}

fn check(path: Option<PathBuf>) -> Result<ExitCode, Error> {
    let shown = path
        .as_ref()
        .map_or("built-in rule set".to_string(), |p| p.display().to_string());
    let source = source(path);
    let loaded = check::every_language(&source);
    match loaded {
        Ok(rules) => {
            let mut out = format!(
                "ok: {shown}: {} {} ({} instruments, {} items, {} scales, {} flags, {} placement rules)",
                rules.name,
                rules.version,
                rules.instruments.len(),
                rules.items.len(),
                rules.scales.len(),
                rules.flags.len(),
                rules.rules.len()
            );
            out.push_str(&format!("\nsha256: {}\n", rules.sha256));
            let t = &rules.translations;
            let others: Vec<String> = t
                .by_lang
                .iter()
                .filter(|(lang, _)| lang.as_str() != "en")
                .map(|(lang, n)| {
                    format!("{lang} {n} of {} ({}%)", t.texts, n * 100 / t.texts.max(1))
                })
                .collect();
            out.push_str(&format!(
                "texts: {} in English; translations: {}\n",
                t.texts,
                if others.is_empty() {
                    "none".to_string()
                } else {
                    others.join(", ")
                }
            ));
            for line in crate::report::rules_doc::wording_summary(&rules) {
                out.push_str(&line);
                out.push('\n');
            }
            emit(&out)?;
            Ok(ExitCode::Success)
        }
        Err(Error::Rules(diags)) => {
            for diag in &diags {
                eprintln!("{diag}\n");
            }
            eprintln!("error: {shown}: {} problem(s) found", diags.len());
            Ok(ExitCode::Problems)
        }
        Err(other) => Err(other),
    }
}

fn template(rules: Option<PathBuf>, id_column: &str) -> Result<ExitCode, Error> {
    let rules = load(rules)?;
    batch::template(&rules, id_column, io::stdout().lock())?;
    Ok(ExitCode::Success)
}

fn print_error(err: &Error) {
    match err {
        Error::Rules(diags) => {
            for diag in diags {
                eprintln!("{diag}\n");
            }
            eprintln!("error: {err}; run `carescreen rules check` on it for details");
        }
        Error::MissingColumns { id_column, .. } => {
            eprintln!("error: {err}");
            match id_column {
                Some(id) => eprintln!(
                    "help: the record id is read from column `{id}`; name another with --id-column"
                ),
                None => {
                    eprintln!("help: `carescreen template` prints the header the rule set expects")
                }
            }
        }
        Error::Mapping(diags) => {
            for diag in diags {
                eprintln!("{diag}\n");
            }
            eprintln!("error: {err}; MAPPING.md describes each field");
        }
        Error::MappedColumnsMissing { .. } => {
            eprintln!("error: {err}");
            eprintln!(
                "help: name the column in the mapping's `columns`, or list the item's \
                 instrument under `not_collected` when the export does not hold it"
            );
        }
        Error::DataLacksItems { .. } => {
            eprintln!("error: {err}");
            eprintln!(
                "help: give --fill least-severe to answer them in every record with their least \
                 severe answer, as test cases are (the output lists them)"
            );
        }
        other => eprintln!("error: {other}"),
    }
}

/// Write to standard output. A closed pipe (`carescreen explain r.yaml |
/// head`) comes back as an error `run` takes for success, never a panic.
fn emit(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Io {
            what: "cannot write output".into(),
            source,
        })
}

fn is_broken_pipe(err: &Error) -> bool {
    matches!(err, Error::Io { source, .. } | Error::Write { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
}

fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}
