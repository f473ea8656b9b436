//! The command line: clap types, converted at once into calls on the
//! library; the only place that prints errors.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read};

use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::answers::Answers;
use crate::assess::assess;
use crate::batch::{self, BatchOptions, Format, Summary};
use crate::check;
use crate::error::Error;
use crate::interview::session;
use crate::interview::terminal::TerminalPrompter;
use crate::interview::{Prompter, Stop};
use crate::model::RuleSet;
use crate::output::{note_date, same_file, write_atomically};
use crate::report::note::{NoteFormat, NoteRenderer};
use crate::report::table::{self, SummaryView};
use crate::report::{json, markdown};
use crate::rules::{self, RulesSource};

/// Exit codes (listed in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
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
Keys: arrows and Enter choose; typing filters the options (type an option's
number, or y/n); Esc goes back one question; integers are typed (b goes back). Every answer is saved at once; Ctrl-C stops
and says how to resume.

Examples:
  carescreen interview --id c-1042                  interview a client, result on screen
  carescreen interview --id c-1042 --format json -o c-1042.json
  carescreen interview --resume ~/.local/share/carescreen/sessions/c-1042-1763900000.json";

const SCORE_EXAMPLES: &str = "\
Examples:
  carescreen score intakes.csv                     score with the built-in rules, CSV to stdout
  carescreen score intakes.csv -o results.csv      write results atomically to a file
  carescreen score - --format jsonl < intakes.csv  JSON Lines with the note and the full trace
  carescreen score intakes.csv --note-column       CSV with the referral note in a last column
  carescreen score big.csv -o out.csv --summary json --threads 4
  carescreen score intakes.csv --rules my-rules/   use another rule set
  carescreen score intakes.csv --id-column client  the record id is in column `client`";

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
    /// Explain one record: every rule, the values it saw, and why this level.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain {
        /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
        #[arg(long, value_name = "PATH")]
        rules: Option<PathBuf>,
        /// The record: YAML or JSON, item id -> answer code
        file: PathBuf,
        /// Language of the rule set's texts (English where a text has no translation)
        #[arg(long, value_name = "CODE", default_value = "en")]
        lang: String,
    },
    /// Work with rule sets.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the CSV header batch scoring expects, with one example row.
    #[command(after_help = TEMPLATE_EXAMPLES)]
    Template {
        /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
        #[arg(long, value_name = "PATH")]
        rules: Option<PathBuf>,
        /// Name of the id column
        #[arg(long, value_name = "NAME", default_value = "id")]
        id_column: String,
    },
}

#[derive(Debug, clap::Args)]
struct InterviewArgs {
    /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
    #[arg(long, value_name = "PATH")]
    rules: Option<PathBuf>,
    /// The client's record id
    #[arg(long, value_name = "ID", default_value = "client")]
    id: String,
    /// Format of the result written with --output (the screen always shows the table and note)
    #[arg(long, value_enum, default_value_t = ResultFormat::Table)]
    format: ResultFormat,
    /// Also write the result to this file, atomically
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Continue a saved session
    #[arg(long, value_name = "FILE", conflicts_with = "session")]
    resume: Option<PathBuf>,
    /// Where to save the session [default: the user's data folder]
    #[arg(long, value_name = "FILE")]
    session: Option<PathBuf>,
    /// Language of the questions and the note (English where a text has no translation)
    #[arg(long, value_name = "CODE", default_value = "en")]
    lang: String,
    /// Date written in the note, YYYY-MM-DD [default: today, UTC]
    #[arg(long, value_name = "DATE")]
    note_date: Option<String>,
    /// With --lang: ask questions that have no translation in English
    /// (otherwise the interview refuses to start)
    #[arg(long)]
    allow_english: bool,
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
}

const EXPLAIN_EXAMPLES: &str = "\
The file names the answers, e.g. in YAML:
  phq9_1: 2
  phq9_9: 1
  harm_others: 0
Every item shown by skip logic must be answered, as in batch scoring.

Examples:
  carescreen explain record.yaml
  carescreen explain record.json --rules my-rules/";

const TEST_EXAMPLES: &str = "\
Examples:
  carescreen rules test                      run the built-in rule set's cases
  carescreen rules test my-rules/ --coverage and list what no case exercises";

const DIFF_EXAMPLES: &str = "\
Examples:
  carescreen rules diff rules/ my-rules/                        what changed
  carescreen rules diff rules/ my-rules/ --data intakes-2025.csv and how many records change level";

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
    },
    /// Show the whole rule set in plain words, for clinical review.
    #[command(
        after_help = "Examples:\n  carescreen rules show > RULES.md\n  carescreen rules show my-rules/ --format text"
    )]
    Show {
        /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
        path: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = ShowFormat::Markdown)]
        format: ShowFormat,
    },
    /// Run the rule set's test cases; exit 1 if any fails.
    #[command(after_help = TEST_EXAMPLES)]
    Test {
        /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
        path: Option<PathBuf>,
        /// Also list placement rules, flags and bands no case exercises (exit 1 if any)
        #[arg(long)]
        coverage: bool,
    },
    /// Validate a rule set and list every problem with its location.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
        path: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct ScoreArgs {
    /// Input CSV with a header row; `-` reads stdin
    #[arg(value_name = "FILE", default_value = "-")]
    input: PathBuf,
    /// Rule set: a folder holding ruleset.yaml, or a main file [default: built-in]
    #[arg(long, value_name = "PATH")]
    rules: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    format: FormatArg,
    /// Output file, written atomically; `-` writes stdout
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// Name of the column holding the record id
    #[arg(long, value_name = "NAME", default_value = "id")]
    id_column: String,
    /// Language of the rule set's texts in the output and note (scoring
    /// never depends on it)
    #[arg(long, value_name = "CODE", default_value = "en")]
    lang: String,
    /// Date written in notes, YYYY-MM-DD [default: today, UTC]
    #[arg(long, value_name = "DATE")]
    note_date: Option<String>,
    /// Form of the referral notes (JSON Lines, --note-column)
    #[arg(long, value_enum, default_value_t = NoteFormatArg::Text)]
    note_format: NoteFormatArg,
    /// Threads scoring, the one reading and writing included [default: every core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// CSV: add the referral note as a last column `note`
    #[arg(long)]
    note_column: bool,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// One CSV row per input row (the batch contract columns)
    Csv,
    /// One JSON object per line, with warnings and the full trace
    Jsonl,
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
        Command::Score(args) => score(args),
        Command::Rules(RulesCommand::Check { path }) => check(path),
        Command::Rules(RulesCommand::Show { path, format }) => show(path, format),
        Command::Rules(RulesCommand::Schema) => {
            print!("{}", rules::schema());
            Ok(ExitCode::Success)
        }
        Command::Rules(RulesCommand::Diff {
            old,
            new,
            data,
            id_column,
        }) => diff(&old, &new, data.as_deref(), &id_column),
        Command::Rules(RulesCommand::Test { path, coverage }) => rules_test(path, coverage),
        Command::Template { rules, id_column } => template(rules, &id_column),
        Command::Interview(args) => interview(args),
        Command::Explain { rules, file, lang } => explain(rules, &file, &lang),
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
    let t = &rules.translations;
    if t.missing > 0 {
        eprintln!(
            "note: {} of {} texts have no `{lang}` translation; English is used for them",
            t.missing, t.texts
        );
    }
    Ok(rules)
}

fn score(args: ScoreArgs) -> Result<ExitCode, Error> {
    let started = std::time::Instant::now();
    let rules = load_in(args.rules.clone(), &args.lang)?;
    let threads = match args.threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let options = BatchOptions {
        note_format: match args.note_format {
            NoteFormatArg::Text => NoteFormat::Text,
            NoteFormatArg::Markdown => NoteFormat::Markdown,
        },
        note_date: note_date(args.note_date.as_deref())?,
        threads,
        note_column: args.note_column,
        id_column: args.id_column.clone(),
        format: match args.format {
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::Jsonl,
        },
    };
    let stdin = is_dash(&args.input);
    let (input, size): (Box<dyn Read>, Option<u64>) = if stdin {
        (Box::new(io::stdin().lock()), None)
    } else {
        let file = File::open(&args.input).map_err(|source| Error::Read {
            path: args.input.clone(),
            source,
        })?;
        let size = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        (Box::new(BufReader::new(file)), size)
    };
    let bar = match size {
        Some(len) if !args.quiet && io::stderr().is_terminal() => {
            let bar = ProgressBar::new(len);
            let style = ProgressStyle::with_template(
                "{bar:40} {percent:>3}% {bytes}/{total_bytes} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        }
        _ => ProgressBar::hidden(),
    };
    let progress = |bytes: u64| bar.set_position(bytes);
    let summary = if is_dash(&args.output) {
        batch::score_with_progress(&rules, input, io::stdout().lock(), &options, progress)
    } else {
        if !stdin && same_file(&args.input, &args.output) {
            return Err(Error::Usage(format!(
                "the output `{}` is the input file; choose another output",
                args.output.display()
            )));
        }
        write_atomically(&args.output, |out| {
            batch::score_with_progress(&rules, input, out, &options, progress)
        })
    };
    bar.finish_and_clear();
    let summary = summary?;
    report_summary(&rules, &summary, &args, started.elapsed());
    Ok(if summary.rejected > 0 {
        ExitCode::Problems
    } else {
        ExitCode::Success
    })
}

fn report_summary(
    rules: &RuleSet,
    summary: &Summary,
    args: &ScoreArgs,
    elapsed: std::time::Duration,
) {
    // Crisis rows and risk in rejected rows are reported even with --quiet.
    if summary.crisis > 0 {
        eprintln!(
            "{} row(s) need an emergency evaluation now: ids {}",
            summary.crisis,
            summary.crisis_list()
        );
    }
    if summary.rejected_with_flags > 0 {
        eprintln!(
            "warning: {} rejected row(s) already raise risk flags from the answers given; \
             see their `flags` and `error` columns and review them today",
            summary.rejected_with_flags
        );
    }
    if args.quiet {
        // A summary asked for by name is still given, for scripts.
        if let SummaryArg::Json = args.summary {
            eprintln!("{}", SummaryView::of(rules, summary, elapsed).json());
        }
        return;
    }
    if !summary.ignored_columns.is_empty() {
        eprintln!(
            "note: ignored input columns that are not items: {}",
            summary.ignored_columns.join(", ")
        );
    }
    if summary.hidden_values_kept > 0 {
        eprintln!(
            "warning: {} row(s) gave answers to questions skip logic hides that raise safety flags \
             or ask for a question again; they are not scored but count for safety (see the \
             `warnings` column)",
            summary.hidden_values_kept
        );
    }
    if summary.hidden_values_ignored > 0 {
        eprintln!(
            "note: {} row(s) gave answers to questions skip logic hides; those answers were ignored \
             (JSON Lines output and the note name them)",
            summary.hidden_values_ignored
        );
    }
    if summary.rejected > 0 {
        eprintln!(
            "warning: {} of {} rows rejected; the `error` column says which column and why",
            summary.rejected, summary.rows
        );
    }
    let view = SummaryView::of(rules, summary, elapsed);
    match args.summary {
        SummaryArg::Table => eprintln!("{}", view.table(rules)),
        SummaryArg::Auto if io::stderr().is_terminal() => eprintln!("{}", view.table(rules)),
        SummaryArg::Json => eprintln!("{}", view.json()),
        SummaryArg::Auto | SummaryArg::None => {}
    }
}

fn interview(args: InterviewArgs) -> Result<ExitCode, Error> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Err(Error::Usage(
            "the interview needs a terminal (stdin and stderr); to score answers from a file use \
             `carescreen score FILE`"
                .into(),
        ));
    }
    let rules = load_in(args.rules.clone(), &args.lang)?;
    let untranslated = &rules.translations.untranslated_questions;
    if !untranslated.is_empty() && !args.allow_english {
        let first: Vec<&str> = untranslated.iter().take(5).map(String::as_str).collect();
        return Err(Error::Usage(format!(
            "{} question(s) have no `{}` text (first: {}); they would be asked in English. \
             Add the translations, or pass --allow-english",
            untranslated.len(),
            args.lang,
            first.join(", ")
        )));
    }
    let (id, mut answers, mut replaced, path) = match &args.resume {
        Some(path) => {
            let (id, answers, replaced) =
                session::load(path, &rules).map_err(|e| Error::Usage(e.to_string()))?;
            (id, answers, replaced, path.clone())
        }
        None => {
            let path = args
                .session
                .clone()
                .unwrap_or_else(|| session::default_path(&args.id));
            if path.exists() {
                return Err(Error::Usage(format!(
                    "session `{}` already exists; continue it with --resume, or name another --session",
                    path.display()
                )));
            }
            (args.id.clone(), Answers::new(&rules), Vec::new(), path)
        }
    };
    let resume_hint = format!("carescreen interview --resume {}", path.display());
    let lang = crate::messages::Lang::of(&args.lang);
    eprintln!("{}", lang.started(&id, &rules.name, &rules.version));
    eprintln!("{}", lang.saved_to(&path.display().to_string()));
    // Ctrl-C outside a prompt (prompts handle it themselves): restore the
    // cursor, say where the answers are, exit 130.
    let hint = lang.interrupted(&resume_hint);
    let _ = ctrlc::set_handler(move || {
        let _ = console::Term::stderr().show_cursor();
        eprintln!("\n{hint}");
        std::process::exit(ExitCode::Interrupted as i32);
    });
    let mut prompter = TerminalPrompter::new(lang);
    let mut save = |answers: &Answers, replaced: &[_]| {
        session::save(&path, &rules, &id, answers, replaced).map_err(|e| Stop::Save(e.to_string()))
    };
    match crate::interview::run(
        &rules,
        &mut answers,
        &mut replaced,
        &mut prompter,
        &mut save,
    ) {
        Ok(()) => {}
        Err(Stop::Interrupted) => {
            let _ = console::Term::stderr().show_cursor();
            eprintln!("{}", lang.interrupted(&resume_hint));
            return Ok(ExitCode::Interrupted);
        }
        Err(other) => {
            return Err(Error::Usage(format!(
                "the interview stopped: {other}; resume with: {resume_hint}"
            )))
        }
    }
    let assessment = assess(&rules, &answers).map_err(|e| Error::Usage(e.to_string()))?;
    let date = note_date(args.note_date.as_deref())?;
    let note = NoteRenderer::new(&rules)
        .and_then(|n| n.with_date(&date).render(&id, &assessment))
        .map_err(|e| Error::Template(e.message))?;
    // The result goes to the terminal the interview runs on (stderr), so a
    // crisis is seen even when stdout is redirected.
    let text = format!("{}\n\n{note}", table::result_table(&rules, &assessment));
    eprintln!("\n{text}");
    let (disposition, code) = match prompter.disposition(&rules, assessment.level) {
        Ok(d) => (Some(d), ExitCode::Success),
        Err(Stop::Interrupted) => {
            let _ = console::Term::stderr().show_cursor();
            eprintln!("interrupted: the disposition is not recorded; the answers are saved: {resume_hint}");
            (None, ExitCode::Interrupted)
        }
        Err(other) => return Err(Error::Usage(other.to_string())),
    };
    let view = disposition
        .as_ref()
        .map(|d| json::DispositionView::of(&rules, assessment.level, d));
    let sentence = lang.disposition(&rules, assessment.level, disposition.as_ref());
    eprintln!("{sentence}");
    if let Some(output) = &args.output {
        let content = match args.format {
            ResultFormat::Table => format!("{text}\n{sentence}\n"),
            ResultFormat::Markdown => {
                let note = NoteRenderer::in_format(&rules, NoteFormat::Markdown)
                    .and_then(|n| n.with_date(&date).render(&id, &assessment))
                    .map_err(|e| Error::Template(e.message))?;
                markdown::result(&rules, &id, &assessment, &sentence, &note)
            }
            ResultFormat::Json => {
                let record = json::InterviewRecord {
                    id: id.clone(),
                    result: json::Result_::of(&rules, &assessment, Ok(note)),
                    disposition: view,
                    rules: crate::report::view::Provenance::of(&rules),
                };
                serde_json::to_string_pretty(&record).unwrap_or_default() + "\n"
            }
        };
        write_atomically(output, |out| {
            out.write_all(content.as_bytes())
                .map_err(|source| Error::Write {
                    path: output.clone(),
                    source,
                })
        })?;
        eprintln!("{}", lang.result_written(&output.display().to_string()));
    }
    Ok(code)
}

fn explain(rules: Option<PathBuf>, file: &Path, lang: &str) -> Result<ExitCode, Error> {
    let rules = load_in(rules, lang)?;
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let pairs = rules::parse_answers(&text).map_err(|e| {
        Error::Usage(format!(
            "`{}` is not a map of item ids to codes: {e}",
            file.display()
        ))
    })?;
    let answers = Answers::from_codes(&rules, pairs.iter().map(|(k, v)| (k.as_str(), *v)))
        .map_err(|e| Error::Usage(format!("`{}`: {e}", file.display())))?;
    match assess(&rules, &answers) {
        Ok(a) => {
            print!("{}", crate::report::explain::scored(&rules, &a));
            Ok(ExitCode::Success)
        }
        Err(err) => {
            let renderer = NoteRenderer::new(&rules).map_err(|e| Error::Template(e.message))?;
            let id = file.display().to_string();
            print!(
                "{}",
                crate::report::explain::rejected(&rules, &renderer, &id, &answers, &err)
            );
            Ok(ExitCode::Problems)
        }
    }
}

fn diff(old: &Path, new: &Path, data: Option<&Path>, id_column: &str) -> Result<ExitCode, Error> {
    let old_rules = load(Some(old.to_path_buf()))?;
    let new_rules = load(Some(new.to_path_buf()))?;
    let changes = crate::diff::changes(&old_rules, &new_rules);
    if changes.is_empty() && old_rules.sha256 != new_rules.sha256 {
        println!(
            "No differences in structure, but the content differs (sha256 {} -> {}): \
             a text in another language, or something the comparison does not show, changed.",
            &old_rules.sha256[..12],
            &new_rules.sha256[..12]
        );
    } else if changes.is_empty() {
        println!("No differences in structure.");
    } else {
        println!("{} difference(s):", changes.len());
        for c in &changes {
            let id = if c.id.is_empty() {
                String::new()
            } else {
                format!(" `{}`", c.id)
            };
            println!("  {}{id}: {}", c.what, c.change);
        }
    }
    let Some(data) = data else {
        return Ok(ExitCode::Success);
    };
    let open = || {
        File::open(data)
            .map(BufReader::new)
            .map_err(|source| Error::Read {
                path: data.to_path_buf(),
                source,
            })
    };
    // Old placements first, then the new ones row by row beside them.
    let mut before: Vec<batch::Placement> = Vec::new();
    batch::placements(&old_rules, open()?, id_column, |_, p| before.push(p))?;
    let flag_ids = |r: &RuleSet, p: &batch::Placement| -> Vec<String> {
        p.flags.iter().map(|&f| r.flags[f].id.clone()).collect()
    };
    // Crisis and safety flags, which a level can hide (residential either way).
    let mut crisis_changes: BTreeMap<(bool, bool), (u64, Vec<String>)> = BTreeMap::new();
    let mut flag_changes: Vec<String> = Vec::new();
    let mut flags_changed = 0u64;
    let rejected_old = old_rules.levels.len();
    let rejected_new = new_rules.levels.len();
    let mut counts = vec![vec![0u64; rejected_new + 1]; rejected_old + 1];
    let mut examples: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    let mut row = 0usize;
    batch::placements(&new_rules, open()?, id_column, |id, placement| {
        let old = before.get(row);
        let from = old.and_then(|p| p.level).unwrap_or(rejected_old);
        let to = placement.level.unwrap_or(rejected_new);
        if let Some(old) = old {
            if old.crisis != placement.crisis {
                let entry = crisis_changes
                    .entry((old.crisis, placement.crisis))
                    .or_default();
                entry.0 += 1;
                if entry.1.len() < 3 {
                    entry.1.push(id.to_string());
                }
            }
            let (was, now) = (flag_ids(&old_rules, old), flag_ids(&new_rules, &placement));
            if was != now {
                flags_changed += 1;
                if flag_changes.len() < 3 {
                    let lost: Vec<String> = was
                        .iter()
                        .filter(|f| !now.contains(f))
                        .map(|f| format!("-{f}"))
                        .collect();
                    let gained: Vec<String> = now
                        .iter()
                        .filter(|f| !was.contains(f))
                        .map(|f| format!("+{f}"))
                        .collect();
                    let both: Vec<String> = lost.into_iter().chain(gained).collect();
                    flag_changes.push(format!("{id} ({})", both.join(" ")));
                }
            }
        }
        counts[from][to] += 1;
        let moved =
            old_rules.levels.get(from).map(|l| &l.id) != new_rules.levels.get(to).map(|l| &l.id);
        if moved {
            let list = examples.entry((from, to)).or_default();
            if list.len() < 3 {
                list.push(id.to_string());
            }
        }
        row += 1;
    })?;
    let total: u64 = counts.iter().flatten().sum();
    let moved: u64 = examples.keys().map(|&(f, t)| counts[f][t]).sum();
    println!(
        "\n{total} record(s) in {}: {moved} change level.",
        data.display()
    );
    println!(
        "{}",
        table::transition_table(&old_rules, &new_rules, &counts)
    );
    let name = |r: &RuleSet, i: usize| {
        r.levels
            .get(i)
            .map_or("rejected".to_string(), |l| l.id.clone())
    };
    for ((from, to), ids) in &examples {
        println!(
            "  {} -> {}: {} record(s), e.g. {}",
            name(&old_rules, *from),
            name(&new_rules, *to),
            counts[*from][*to],
            ids.join(", ")
        );
    }
    let crisis_moved: u64 = crisis_changes.values().map(|(n, _)| n).sum();
    println!("{crisis_moved} record(s) change the crisis route.");
    for ((from, to), (n, ids)) in &crisis_changes {
        println!(
            "  crisis {from} -> {to}: {n} record(s), e.g. {}",
            ids.join(", ")
        );
    }
    println!("{flags_changed} record(s) change their flags.");
    if !flag_changes.is_empty() {
        println!("  e.g. {}", flag_changes.join("; "));
    }
    Ok(ExitCode::Success)
}

fn show(path: Option<PathBuf>, format: ShowFormat) -> Result<ExitCode, Error> {
    let rules = load(path)?;
    let doc = match format {
        ShowFormat::Markdown => crate::report::rules_doc::markdown(&rules),
        ShowFormat::Text => crate::report::rules_doc::text(&rules),
        ShowFormat::Json => crate::report::rules_doc::json(&rules),
    };
    print!("{doc}");
    Ok(ExitCode::Success)
}

fn rules_test(path: Option<PathBuf>, with_coverage: bool) -> Result<ExitCode, Error> {
    let rules = load(path)?;
    let outcomes = crate::cases::run(&rules);
    println!("{}", table::cases_table(&outcomes));
    let failed: Vec<&crate::cases::Outcome<'_>> = outcomes.iter().filter(|o| !o.passed()).collect();
    for o in &failed {
        println!("\ncase `{}` failed ({})", o.case.id, o.case.origin);
        if let Some(description) = &o.case.description {
            println!("  {description}");
        }
        for m in &o.mismatches {
            println!("  {}: expected {}, got {}", m.what, m.expected, m.actual);
        }
        if let Ok(a) = &o.result {
            let trace = a.trace(&rules);
            let fired: Vec<_> = trace.iter().filter(|e| e.fired).collect();
            println!(
                "  what fired:{}",
                if fired.is_empty() { " nothing" } else { "" }
            );
            for entry in fired {
                let seen: Vec<String> = entry
                    .seen
                    .iter()
                    .map(|s| format!("{}={}", s.subject, s.value.as_deref().unwrap_or("none")))
                    .collect();
                println!(
                    "    {} {}: {} [{}]",
                    entry.kind.as_str(),
                    entry.id,
                    entry.condition,
                    seen.join(", ")
                );
            }
        }
    }
    let passed = outcomes.len() - failed.len();
    println!("\n{passed} passed, {} failed", failed.len());
    let mut code = if failed.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::Problems
    };
    let agreement = crate::cases::executors(&rules);
    println!(
        "executors: {} case(s): the one-record engine scored {}, the 64-row engine decided {} \
         (it leaves hidden values and missing answers to the one-record engine), the \
         incomplete-record evaluation matched the flags of {}",
        agreement.records, agreement.scored, agreement.by_lanes, agreement.by_partial
    );
    for disagreement in &agreement.disagreements {
        println!("  executors disagree: {disagreement}");
    }
    if !agreement.agree() {
        code = ExitCode::Problems;
    }
    if with_coverage {
        let gaps = crate::cases::coverage(&rules, &outcomes);
        let (total, covered) = gaps.counts(&rules);
        println!(
            "coverage: {covered} of {total} placement rules, flags, bands and grades exercised"
        );
        for &r in &gaps.rules {
            println!("  placement rule `{}` never fires", rules.rules[r].id);
        }
        for &f in &gaps.flags {
            println!("  flag `{}` is never raised", rules.flags[f].id);
        }
        for &(of, g) in &gaps.grades {
            let rating = match of {
                crate::model::GradeOf::Rating(r) => &rules.ratings[r],
                crate::model::GradeOf::Domain(d) => &rules.domains[d],
            };
            println!(
                "  grade `{}` of `{}` is never reached",
                rating.grades[g].id, rating.id
            );
        }
        for &(s, b) in &gaps.bands {
            println!(
                "  band `{}` of scale `{}` is never reached",
                rules.scales[s].bands[b].id, rules.scales[s].id
            );
        }
        if !gaps.complete() {
            code = ExitCode::Problems;
        }
    }
    Ok(code)
}

fn check(path: Option<PathBuf>) -> Result<ExitCode, Error> {
    let shown = path
        .as_ref()
        .map_or("built-in rule set".to_string(), |p| p.display().to_string());
    let source = source(path);
    let loaded = check::every_language(&source);
    match loaded {
        Ok(rules) => {
            println!(
                "ok: {shown}: {} {} ({} instruments, {} items, {} scales, {} flags, {} placement rules)",
                rules.name,
                rules.version,
                rules.instruments.len(),
                rules.items.len(),
                rules.scales.len(),
                rules.flags.len(),
                rules.rules.len()
            );
            println!("sha256: {}", rules.sha256);
            let t = &rules.translations;
            let others: Vec<String> = t
                .by_lang
                .iter()
                .filter(|(lang, _)| lang.as_str() != "en")
                .map(|(lang, n)| {
                    format!("{lang} {n} of {} ({}%)", t.texts, n * 100 / t.texts.max(1))
                })
                .collect();
            println!(
                "texts: {} in English; translations: {}",
                t.texts,
                if others.is_empty() {
                    "none".to_string()
                } else {
                    others.join(", ")
                }
            );
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
        other => eprintln!("error: {other}"),
    }
}

/// The date for notes: as given (checked), or today in UTC.
fn is_broken_pipe(err: &Error) -> bool {
    matches!(err, Error::Io { source, .. } | Error::Write { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
}

fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}
