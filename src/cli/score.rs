//! `carescreen score`: batch scoring, its progress bar and summary.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read};

use indicatif::{ProgressBar, ProgressStyle};

use super::{
    is_dash, load_in, ExitCode, FormatArg, NoteFormatArg, ScoreArgs, SummaryArg, TraceArg,
};
use crate::batch::{self, BatchOptions, Format, Summary};
use crate::error::Error;
use crate::model::RuleSet;
use crate::output::{note_date, same_file, write_atomically};
use crate::report::columns::Selection;
use crate::report::handout;
use crate::report::json::TraceDetail;
use crate::report::note::{NoteAudience, NoteFormat};
use crate::report::table::{self, SummaryView};

pub(super) fn score(args: ScoreArgs) -> Result<ExitCode, Error> {
    let started = std::time::Instant::now();
    let rules = load_in(args.rules.rules.clone(), &args.lang.lang)?;
    let note_audience = NoteAudience::of(&args.note_audience).unwrap_or_default();
    let csv = matches!(args.format, FormatArg::Csv) && !args.note_column;
    handout::available(&rules, note_audience, !csv).map_err(Error::Usage)?;
    if matches!(args.format, FormatArg::Fhir) && note_audience == NoteAudience::Client {
        return Err(Error::Usage(
            "--format fhir carries the referral note (a DocumentReference, LOINC 57133-1); \
             the client's handout is written with --note-column or --format jsonl"
                .into(),
        ));
    }
    let threads = match args.threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    if args.trace != TraceArg::Full && !matches!(args.format, FormatArg::Jsonl) {
        return Err(Error::Usage(
            "--trace shapes the JSON Lines trace; add --format jsonl".into(),
        ));
    }
    let columns = match &args.columns {
        None => None,
        Some(_) if !matches!(args.format, FormatArg::Csv) => {
            return Err(Error::Usage(
                "--columns chooses CSV columns; JSON Lines always carry the whole result".into(),
            ))
        }
        Some(names) => {
            let selection =
                Selection::parse(&rules, &args.id_column, names).map_err(Error::Usage)?;
            let left_out = selection.risk_left_out();
            if !left_out.is_empty() {
                // Never silenced: a risk flag is never hidden without a word.
                eprintln!(
                    "warning: --columns leaves out `{}`: this output does not show all the risk \
                     found; add them to see it (stderr still names the rows that need an \
                     emergency evaluation)",
                    left_out.join("`, `")
                );
            }
            Some(selection)
        }
    };
    let options = BatchOptions {
        columns,
        // FHIR ids must not repeat: a repeated record id names its row too.
        check_ids: args.check_ids || matches!(args.format, FormatArg::Fhir),
        delimiter: args.delimiter,
        note_format: match args.note_format {
            NoteFormatArg::Text => NoteFormat::Text,
            NoteFormatArg::Markdown => NoteFormat::Markdown,
        },
        // Today's date costs a time-zone lookup: only when notes are
        // written (a given date is checked either way).
        note_date: match (
            args.note_column || matches!(args.format, FormatArg::Jsonl | FormatArg::Fhir),
            &args.note_date,
        ) {
            (false, None) => String::new(),
            _ => note_date(args.note_date.as_deref())?,
        },
        note_audience,
        threads,
        note_column: args.note_column,
        id_column: args.id_column.clone(),
        mapping: match &args.map {
            Some(path) => Some(std::sync::Arc::new(crate::mapping::load(path, &rules)?)),
            None => None,
        },
        // After the mapping's own `keep`.
        keep: args.keep.iter().map(|k| k.trim().to_string()).collect(),
        format: match args.format {
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Fhir => Format::Fhir,
        },
        recorded: crate::output::now(),
        trace: match args.trace {
            TraceArg::None => TraceDetail::None,
            TraceArg::Fired => TraceDetail::Fired,
            TraceArg::Full => TraceDetail::Full,
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
    for line in table::run_notices(summary, args.quiet) {
        eprintln!("{line}");
    }
    if summary.repeated_ids > 0 && !args.quiet {
        eprintln!(
            "warning: {} row(s) repeat the id of an earlier row; `warnings` says `duplicate_id:ROW`, ROW the first row with it",
            summary.repeated_ids
        );
    }
    let view = SummaryView::of(rules, summary, elapsed);
    // With --quiet, a summary asked for by name is still given, for scripts.
    match args.summary {
        SummaryArg::Json => eprintln!("{}", view.json()),
        _ if args.quiet => {}
        SummaryArg::Table => eprintln!("{}", view.table(rules)),
        SummaryArg::Auto if io::stderr().is_terminal() => eprintln!("{}", view.table(rules)),
        SummaryArg::Auto | SummaryArg::None => {}
    }
}
