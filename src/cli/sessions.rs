//! `carescreen sessions`: list, export and purge the interview sessions;
//! and the questions `interview` asks on the terminal about an id's
//! sessions in the folder: which of several to resume, or whether to
//! resume one, start a new one or quit. None has a default: Enter alone
//! chooses nothing.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::{emit, load, ExitCode, ExportFormatArg, ListFormat, SessionsCommand, SessionsDir};
use crate::error::Error;
use crate::interview::session::Session;
use crate::output::{local_time, write_atomically};
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

/// What to do when the id of a new interview has sessions already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reuse {
    /// Continue an unfinished one.
    Resume,
    /// Show a finished one's result and disposition, and offer an
    /// amendment.
    View,
    /// Start another session for the id.
    New,
    /// Do nothing.
    Quit,
}

impl Reuse {
    fn key(self) -> char {
        match self {
            Reuse::Resume => 'r',
            Reuse::View => 'v',
            Reuse::New => 'n',
            Reuse::Quit => 'q',
        }
    }

    fn words(self) -> &'static str {
        match self {
            Reuse::Resume => "resume",
            Reuse::View => "view/amend",
            Reuse::New => "new",
            Reuse::Quit => "quit",
        }
    }
}

/// The choices for `found`, the sessions an id has: resume when one is
/// unfinished, view/amend when one is finished; new and quit always.
pub(super) fn reuse_offer(found: &[(PathBuf, Session)]) -> Vec<Reuse> {
    let unfinished = found.iter().any(|(_, s)| !s.finished());
    let finished = found.iter().any(|(_, s)| s.finished());
    [
        (Reuse::Resume, unfinished),
        (Reuse::View, finished),
        (Reuse::New, true),
        (Reuse::Quit, true),
    ]
    .into_iter()
    .filter_map(|(r, offered)| offered.then_some(r))
    .collect()
}

/// The choice a line typed makes among `offer`: an offered key alone (any
/// case, blanks around it). Enter alone, or anything else, chooses
/// nothing: there is no default.
pub(super) fn reuse_choice(line: &str, offer: &[Reuse]) -> Option<Reuse> {
    let typed = line.trim().to_lowercase();
    offer
        .iter()
        .copied()
        .find(|r| typed.len() == 1 && typed.starts_with(r.key()))
}

/// A line picking from a numbered list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Picked {
    /// The entry at this index (the list shows it as index + 1).
    At(usize),
    Quit,
}

/// The entry a line typed picks: the number of one of `allowed` (indexes,
/// shown from 1), or `q`. Enter alone, or anything else, picks nothing.
pub(super) fn pick_choice(line: &str, allowed: &[usize]) -> Option<Picked> {
    let typed = line.trim();
    if typed.eq_ignore_ascii_case("q") {
        return Some(Picked::Quit);
    }
    let n: usize = typed.parse().ok()?;
    let at = n.checked_sub(1)?;
    allowed.contains(&at).then_some(Picked::At(at))
}

/// Write `question` on `term` and read lines from `input` until `parse`
/// takes one, saying `again` after each it does not; `None` at the end of
/// the input (Ctrl-D), which chooses nothing.
fn ask<T>(
    input: &mut dyn std::io::BufRead,
    term: &mut dyn Write,
    question: &str,
    again: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, Error> {
    let io = |source| Error::Io {
        what: "cannot ask on the terminal".into(),
        source,
    };
    loop {
        write!(term, "{question} ")
            .and_then(|()| term.flush())
            .map_err(io)?;
        let mut line = String::new();
        if input.read_line(&mut line).map_err(io)? == 0 {
            writeln!(term).map_err(io)?;
            return Ok(None);
        }
        if let Some(chosen) = parse(&line) {
            return Ok(Some(chosen));
        }
        writeln!(term, "{again}").map_err(io)?;
    }
}

/// The crisis a session's standing shows, in a few words.
fn crisis_words(st: &sessions::Standing) -> &'static str {
    match (st.crisis, st.possible_crisis, st.other_rules) {
        (true, _, _) => "YES",
        (_, true, _) => "possible",
        (_, _, true) => "not known (other rules)",
        _ => "no",
    }
}

/// `found`, numbered from 1: status, start and crisis.
fn numbered(found: &[(PathBuf, Session)], standings: &[sessions::Standing]) -> Vec<String> {
    let status: Vec<&str> = found
        .iter()
        .zip(standings)
        .map(|((_, s), st)| sessions::shown_status(s, st))
        .collect();
    let wide = status.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    found
        .iter()
        .zip(standings)
        .zip(status)
        .enumerate()
        .map(|(k, (((_, s), st), status))| {
            let pad = " ".repeat(wide - status.chars().count());
            let started = s.started.as_deref().map_or("unknown".into(), local_time);
            format!(
                "  {}. {status}{pad}  started {started}  crisis: {}",
                k + 1,
                crisis_words(st)
            )
        })
        .collect()
}

/// `interview --resume ID` when the id has several sessions: list them on
/// `term` and read the number of the one to resume from `input`. `None`:
/// quit.
pub(super) fn pick(
    input: &mut dyn std::io::BufRead,
    term: &mut dyn Write,
    id: &str,
    dir: &Path,
    found: &[(PathBuf, Session)],
) -> Result<Option<usize>, Error> {
    let standings = sessions::standings(found);
    let io = |source| Error::Io {
        what: "cannot ask on the terminal".into(),
        source,
    };
    writeln!(
        term,
        "`{id}` has {} sessions in {}:",
        found.len(),
        dir.display()
    )
    .map_err(io)?;
    for line in numbered(found, &standings) {
        writeln!(term, "{line}").map_err(io)?;
    }
    pick_from(input, term, (0..found.len()).collect())
}

/// Read the number of one of `allowed` (indexes, shown from 1).
fn pick_from(
    input: &mut dyn std::io::BufRead,
    term: &mut dyn Write,
    allowed: Vec<usize>,
) -> Result<Option<usize>, Error> {
    let numbers: Vec<String> = allowed.iter().map(|k| (k + 1).to_string()).collect();
    let numbers = numbers.join(", ");
    let question = format!("Which one? Type its number ({numbers}), or q to quit, then Enter:");
    let again = format!("Nothing chosen: type {numbers}, or q.");
    let picked = ask(input, term, &question, &again, |line| {
        pick_choice(line, &allowed)
    })?;
    Ok(match picked {
        Some(Picked::At(k)) => Some(k),
        Some(Picked::Quit) | None => None,
    })
}

/// What `interview --id ID` opens when the id has sessions already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Opened {
    /// The session at this index of those found.
    Session(usize),
    New,
    Quit,
}

/// `interview --id ID` when `found` (newest first) are the id's sessions:
/// list them on `term` and ask, with no default, whether to resume one
/// (view or amend a finished one), start a new one, or quit; with several
/// that fit the choice, which one.
pub(super) fn reuse(
    input: &mut dyn std::io::BufRead,
    term: &mut dyn Write,
    id: &str,
    dir: &Path,
    found: &[(PathBuf, Session)],
) -> Result<Opened, Error> {
    let standings = sessions::standings(found);
    let io = |source| Error::Io {
        what: "cannot ask on the terminal".into(),
        source,
    };
    let sessions = match found.len() {
        1 => "a session".to_string(),
        n => format!("{n} sessions"),
    };
    writeln!(term, "`{id}` already has {sessions} in {}:", dir.display()).map_err(io)?;
    for line in numbered(found, &standings) {
        writeln!(term, "{line}").map_err(io)?;
    }
    let offer = reuse_offer(found);
    let keys: Vec<String> = offer
        .iter()
        .map(|r| format!("[{}] {}", r.key(), r.words()))
        .collect();
    let letters: Vec<String> = offer.iter().map(|r| r.key().to_string()).collect();
    let question = format!("{}, then Enter:", keys.join("  "));
    let again = format!("Nothing chosen: type {}.", letters.join(", "));
    let chosen = ask(input, term, &question, &again, |line| {
        reuse_choice(line, &offer)
    })?;
    let fitting = |finished: bool| -> Vec<usize> {
        (0..found.len())
            .filter(|&k| found[k].1.finished() == finished)
            .collect()
    };
    let allowed = match chosen {
        None | Some(Reuse::Quit) => return Ok(Opened::Quit),
        Some(Reuse::New) => return Ok(Opened::New),
        Some(Reuse::Resume) => fitting(false),
        Some(Reuse::View) => fitting(true),
    };
    Ok(match allowed.as_slice() {
        [one] => Opened::Session(*one),
        _ => match pick_from(input, term, allowed)? {
            Some(k) => Opened::Session(k),
            None => Opened::Quit,
        },
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{pick_choice, reuse, reuse_choice, reuse_offer, Opened, Picked, Reuse};
    use crate::answers::Answers;
    use crate::interview::command::Given;
    use crate::interview::session::Session;
    use crate::rules::{load, RulesSource};

    /// An unfinished session of `id`, with one answer.
    fn unfinished(id: &str) -> (PathBuf, Session) {
        let rules = load(&RulesSource::Embedded).expect("rules");
        let settings = Given::default()
            .settle(None, &mut Vec::new())
            .expect("settings");
        let mut s = Session::new(&rules, id, settings);
        let mut answers = Answers::new(&rules);
        let item = rules.item_index("phq9_1").expect("item");
        answers.set(&rules, item, 1).expect("code");
        s.set_answers(&rules, &answers, &[]);
        (PathBuf::from(format!("{id}.json")), s)
    }

    #[test]
    fn the_reuse_prompt_has_no_default_and_offers_only_what_fits() {
        let both = [Reuse::Resume, Reuse::View, Reuse::New, Reuse::Quit];
        for nothing in ["", "\n", "  \n", "x\n", "rv\n", "resume\n", "1\n"] {
            assert_eq!(reuse_choice(nothing, &both), None, "{nothing:?}");
        }
        assert_eq!(reuse_choice("r\n", &both), Some(Reuse::Resume));
        assert_eq!(reuse_choice(" V \n", &both), Some(Reuse::View));
        assert_eq!(reuse_choice("n\n", &both), Some(Reuse::New));
        assert_eq!(reuse_choice("q\n", &both), Some(Reuse::Quit));
        let unfinished_only = [Reuse::Resume, Reuse::New, Reuse::Quit];
        assert_eq!(
            reuse_choice("v\n", &unfinished_only),
            None,
            "nothing finished"
        );
        let finished_only = [Reuse::View, Reuse::New, Reuse::Quit];
        assert_eq!(
            reuse_choice("r\n", &finished_only),
            None,
            "nothing to resume"
        );
    }

    #[test]
    fn a_pick_is_one_of_the_numbers_shown_or_quit() {
        let allowed = [0, 2];
        for nothing in ["", "\n", "0\n", "2\n", "4\n", "-1\n", "one\n"] {
            assert_eq!(pick_choice(nothing, &allowed), None, "{nothing:?}");
        }
        assert_eq!(pick_choice("1\n", &allowed), Some(Picked::At(0)));
        assert_eq!(pick_choice(" 3 \n", &allowed), Some(Picked::At(2)));
        assert_eq!(pick_choice("Q\n", &allowed), Some(Picked::Quit));
    }

    #[test]
    fn reuse_asks_until_a_key_is_typed_then_which_session() {
        let d = std::path::Path::new("sessions");
        let found = vec![unfinished("c-1"), unfinished("c-1")];
        assert_eq!(
            reuse_offer(&found),
            [Reuse::Resume, Reuse::New, Reuse::Quit]
        );
        let ask = |typed: &str| {
            let mut term = Vec::new();
            let opened = reuse(&mut typed.as_bytes(), &mut term, "c-1", d, &found).expect("asks");
            (opened, String::from_utf8(term).expect("text"))
        };
        let (opened, said) = ask("\n\nv\nr\n\n2\n");
        assert_eq!(opened, Opened::Session(1));
        assert!(said.contains("`c-1` already has 2 sessions in"), "{said}");
        assert!(said.contains("[r] resume  [n] new  [q] quit"), "{said}");
        assert_eq!(
            said.matches("Nothing chosen: type r, n, q.").count(),
            3,
            "{said}"
        );
        assert_eq!(
            said.matches("Nothing chosen: type 1, 2, or q.").count(),
            1,
            "{said}"
        );
        assert_eq!(ask("n\n").0, Opened::New);
        assert_eq!(ask("q\n").0, Opened::Quit);
        assert_eq!(ask("\n").0, Opened::Quit, "end of input: nothing chosen");
        assert_eq!(ask("r\nq\n").0, Opened::Quit);
    }
}
