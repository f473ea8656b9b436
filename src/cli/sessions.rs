//! `carescreen sessions`: list, export and purge the interview sessions.

use std::io::{self, IsTerminal};

use super::{emit, load, ExitCode, ExportFormatArg, ListFormat, SessionsCommand, SessionsDir};
use crate::error::Error;
use crate::output::write_atomically;

pub(super) fn sessions(command: SessionsCommand) -> Result<ExitCode, Error> {
    use crate::sessions;
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
            let rows = sessions::rows(&found);
            let text = match format {
                ListFormat::Table => {
                    let out = console::Term::stdout();
                    let width = out.is_term().then(|| out.size().1);
                    sessions::table(&rows, width)
                }
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
        } => {
            let rules = load(rules)?;
            let found = read(dir)?;
            let format = match format {
                ExportFormatArg::Csv => sessions::ExportFormat::Csv,
                ExportFormatArg::Jsonl => sessions::ExportFormat::Jsonl,
            };
            let written = match &output {
                Some(path) => write_atomically(path, |out| {
                    sessions::export(&rules, &found, &id_column, format, out)
                })?,
                None => {
                    sessions::export(&rules, &found, &id_column, format, &mut io::stdout().lock())?
                }
            };
            eprintln!(
                "{written} finished intake(s) exported{}. This is health data: keep it where \
                 only authorized staff can read it.",
                output
                    .as_ref()
                    .map_or(String::new(), |p| format!(" to {}", p.display()))
            );
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
