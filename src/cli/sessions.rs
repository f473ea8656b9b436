//! `carescreen sessions`: list, export and purge the interview sessions.

use std::io::{self, IsTerminal};

use super::{emit, load, ExitCode, ExportFormatArg, ListFormat, SessionsCommand, SessionsDir};
use crate::error::Error;
use crate::output::write_atomically;
use crate::sessions;

pub(super) fn sessions(command: SessionsCommand) -> Result<ExitCode, Error> {
    // Files in the folder that are no session are named, not fatal.
    let read = |d: SessionsDir| -> Result<_, Error> {
        let dir = d.dir.unwrap_or_else(crate::interview::session::default_dir);
        let (found, unreadable, other) = sessions::readable(sessions::read_dir(&dir)?);
        for reason in unreadable {
            eprintln!("warning: skipped {reason}");
        }
        if other > 0 {
            eprintln!(
                "note: {other} other .json file(s) in {} are not sessions and were left out",
                dir.display()
            );
        }
        for id in sessions::repeated_ids(&found) {
            eprintln!("warning: more than one session has the id `{id}`");
        }
        Ok(found)
    };
    match command {
        SessionsCommand::List { dir, format } => {
            let found = read(dir)?;
            let rows = sessions::rows(&found, &sessions::standings(&found));
            let text = match format {
                ListFormat::Table => sessions::table(&rows, width()),
                ListFormat::Json => serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n",
            };
            emit(&text)?;
            Ok(ExitCode::Success)
        }
        SessionsCommand::Export {
            dir,
            rules,
            format,
            output,
            id_column,
            include_unfinished,
        } => {
            let rules = load(rules)?;
            let found = read(dir)?;
            let standings = sessions::standings(&found);
            let options = sessions::ExportOptions {
                id_column: &id_column,
                format: match format {
                    ExportFormatArg::Csv => sessions::ExportFormat::Csv,
                    ExportFormatArg::Jsonl => sessions::ExportFormat::Jsonl,
                },
                unfinished: include_unfinished,
            };
            let written = match &output {
                Some(path) => write_atomically(path, |out| {
                    sessions::export(&rules, &found, &standings, options, out)
                })?,
                None => sessions::export(
                    &rules,
                    &found,
                    &standings,
                    options,
                    &mut io::stdout().lock(),
                )?,
            };
            let to = output
                .as_ref()
                .map_or(String::new(), |p| format!(" to {}", p.display()));
            let unfinished = found.iter().filter(|(_, s)| !s.finished()).count();
            let what = match include_unfinished {
                true => format!(
                    "{written} intake(s) exported{to} ({} finished, {unfinished} unfinished)",
                    written - unfinished
                ),
                false => format!("{written} finished intake(s) exported{to}"),
            };
            eprintln!(
                "{what}. This is health data: keep it where only authorized staff can read it."
            );
            if !include_unfinished {
                say_left_out(&sessions::left_out(&found, &standings));
            }
            Ok(ExitCode::Success)
        }
        SessionsCommand::Purge {
            dir,
            finished_before,
            include_unfinished,
            yes,
        } => {
            let before = crate::output::calendar_date(&finished_before)?;
            let found = read(dir)?;
            let doomed = sessions::to_purge(&found, before, include_unfinished);
            if doomed.is_empty() {
                eprintln!("no session to delete");
                return Ok(ExitCode::Success);
            }
            for path in &doomed {
                eprintln!("  {}", path.display());
            }
            let question = format!("Delete these {} session file(s)?", doomed.len());
            if !yes {
                if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
                    return Err(Error::Usage(
                        "purge asks before deleting; give --yes to delete without asking".into(),
                    ));
                }
                if !sessions::confirm(&question)? {
                    eprintln!("nothing deleted");
                    return Ok(ExitCode::Success);
                }
            }
            sessions::delete(&doomed)?;
            eprintln!("{} session file(s) deleted", doomed.len());
            Ok(ExitCode::Success)
        }
    }
}

/// The width `sessions list` fits: the terminal's, else `COLUMNS`, else
/// none (a file or pipe).
fn width() -> Option<u16> {
    let out = console::Term::stdout();
    match out.is_term() {
        true => Some(out.size().1),
        false => std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse().ok())
            .filter(|&c: &u16| c > 0),
    }
}

/// Name the unfinished sessions an export leaves out that hold a safety
/// flag or a possible crisis, or whose flags are not known.
fn say_left_out(left: &[sessions::LeftOut<'_>]) {
    let (unknown, risky): (Vec<_>, Vec<_>) = left.iter().partition(|l| l.standing.other_rules);
    if !risky.is_empty() {
        eprintln!(
            "warning: {} unfinished session(s) hold a safety flag and are not exported \
             (--include-unfinished exports them):",
            risky.len()
        );
        for l in risky {
            let st = l.standing;
            let what = match (st.crisis, st.safety.is_empty()) {
                (true, _) => format!("CRISIS: {}", st.safety.join(", ")),
                (false, false) if st.possible_crisis => {
                    format!("{}; possible crisis", st.safety.join(", "))
                }
                (false, false) => st.safety.join(", "),
                (false, true) => "possible crisis".to_string(),
            };
            eprintln!("  {} ({what}) {}", l.id, l.path.display());
        }
    }
    if !unknown.is_empty() {
        eprintln!(
            "warning: {} unfinished session(s) were started with a rule set not found here, so \
             their flags are not known:",
            unknown.len()
        );
        for l in unknown {
            eprintln!("  {} {}", l.id, l.path.display());
        }
    }
}
