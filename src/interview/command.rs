//! `interview` from start to end: open a new or saved session, run the flow
//! on the terminal, show the result and note, record the disposition, and
//! write the result where asked. The messages go to the terminal the
//! interview runs on (a passed writer, stderr), so a crisis is seen even
//! when stdout is redirected.

use std::io::Write;
use std::path::PathBuf;

use super::session;
use super::terminal::{fit_lines, TerminalPrompter};
use super::{Prompter, Replaced, Stop};
use crate::answers::Answers;
use crate::assess::assess;
use crate::error::Error;
use crate::messages::Lang;
use crate::model::RuleSet;
use crate::output::{note_date, write_atomically};
use crate::report::note::{NoteFormat, NoteRenderer};
use crate::report::trace::Tracer;
use crate::report::view::Provenance;
use crate::report::{json, markdown, table};

/// Format of the result written to a file (the screen always shows the
/// table and note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultFormat {
    /// The result table and the referral note, as text.
    Table,
    /// One JSON object: the result, note, trace and disposition.
    Json,
    /// Markdown: the result table, the disposition and the note.
    Markdown,
}

/// What an interview is asked to do.
#[derive(Debug, Clone)]
pub(crate) struct InterviewOptions {
    /// The client's record id, for a new session.
    pub(crate) id: String,
    /// A saved session to continue.
    pub(crate) resume: Option<PathBuf>,
    /// Where to save a new session; `None` for the user's data folder.
    pub(crate) session: Option<PathBuf>,
    /// Language code of the questions and the note.
    pub(crate) lang: String,
    /// Date written in the note, YYYY-MM-DD, checked once the interview
    /// ends; `None` for today.
    pub(crate) note_date: Option<String>,
    /// Ask questions with no translation in English rather than refuse.
    pub(crate) allow_english: bool,
    /// Also write the result to this file, atomically, in this format.
    pub(crate) output: Option<(PathBuf, ResultFormat)>,
}

/// An interview ready to run: whose it is, its answers so far, and where
/// it is saved.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) id: String,
    answers: Answers,
    replaced: Vec<Replaced>,
    /// The session file.
    pub(crate) path: PathBuf,
}

/// How an interview ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// Result shown and disposition recorded.
    Done,
    /// Interrupted (Ctrl-C); the answers are saved.
    Interrupted,
}

impl Prepared {
    /// The command that continues this session.
    pub(crate) fn resume_hint(&self) -> String {
        format!("carescreen interview --resume {}", self.path.display())
    }
}

/// Check that the interview can start in `rules` (loaded in the options'
/// language), and open its session: the saved one to resume, or a new one
/// that does not overwrite another.
pub(crate) fn prepare(rules: &RuleSet, options: &InterviewOptions) -> Result<Prepared, Error> {
    let untranslated = &rules.translations.untranslated_questions;
    if !untranslated.is_empty() && !options.allow_english {
        return Err(Error::UntranslatedQuestions {
            lang: options.lang.clone(),
            questions: untranslated.clone(),
        });
    }
    match &options.resume {
        Some(path) => {
            let (id, answers, replaced) = session::load(path, rules)?;
            Ok(Prepared {
                id,
                answers,
                replaced,
                path: path.clone(),
            })
        }
        None => {
            let path = options
                .session
                .clone()
                .unwrap_or_else(|| session::default_path(&options.id));
            if path.exists() {
                return Err(Error::SessionExists { path });
            }
            Ok(Prepared {
                id: options.id.clone(),
                answers: Answers::new(rules),
                replaced: Vec::new(),
                path,
            })
        }
    }
}

/// Run a prepared interview on the terminal, writing its messages, result
/// and note to `term`.
pub(crate) fn conduct(
    rules: &RuleSet,
    options: &InterviewOptions,
    prepared: Prepared,
    term: &mut impl Write,
) -> Result<Ended, Error> {
    let resume_hint = prepared.resume_hint();
    let Prepared {
        id,
        mut answers,
        mut replaced,
        path,
    } = prepared;
    let lang = Lang::of(&options.lang);
    let intro = vec![
        lang.started(&id, &rules.name, &rules.version),
        lang.saved_to(&path.display().to_string()),
    ];
    for line in &intro {
        let _ = writeln!(term, "{line}");
    }
    // The questions' screens are cleared: the first shows these again.
    let mut prompter = TerminalPrompter::new(lang).with_intro(intro);
    let mut save = |answers: &Answers, replaced: &[_]| {
        session::save(&path, rules, &id, answers, replaced).map_err(|e| Stop::Save(e.to_string()))
    };
    match super::run(rules, &mut answers, &mut replaced, &mut prompter, &mut save) {
        Ok(()) => {}
        Err(Stop::Interrupted) => {
            TerminalPrompter::show_cursor();
            let _ = writeln!(term, "{}", lang.interrupted(&resume_hint));
            return Ok(Ended::Interrupted);
        }
        Err(other) => {
            return Err(Error::InterviewStopped {
                session: path.clone(),
                source: Box::new(other),
            })
        }
    }
    let assessment = assess(rules, &answers).map_err(|source| Error::Unscorable {
        id: id.clone(),
        source,
    })?;
    let date = note_date(options.note_date.as_deref())?;
    let note = NoteRenderer::new(rules)
        .and_then(|n| n.with_date(&date).render(&id, &assessment))
        .map_err(|e| Error::Template(e.message))?;
    let text = format!("{}\n\n{note}", table::result_table(rules, &assessment));
    // On screen, the table and note fit the terminal; a file gets `text`.
    let width = prompter.width();
    let table_width = u16::try_from(width).unwrap_or(u16::MAX);
    let screen = format!(
        "{}\n\n{}",
        table::result_table_in(rules, &assessment, table_width),
        fit_lines(&note, width)
    );
    let _ = writeln!(term, "\n{screen}");
    let (disposition, ended) = match prompter.disposition(rules, assessment.level) {
        Ok(d) => (Some(d), Ended::Done),
        Err(Stop::Interrupted) => {
            TerminalPrompter::show_cursor();
            let _ = writeln!(
                term,
                "interrupted: the disposition is not recorded; the answers are saved: {resume_hint}"
            );
            (None, Ended::Interrupted)
        }
        Err(other) => {
            return Err(Error::Disposition {
                source: Box::new(other),
            })
        }
    };
    let view = disposition
        .as_ref()
        .map(|d| json::DispositionView::of(rules, assessment.level, d));
    let sentence = lang.disposition(rules, assessment.level, disposition.as_ref());
    let _ = writeln!(term, "{sentence}");
    if let Some((output, format)) = &options.output {
        let content = match format {
            ResultFormat::Table => format!("{text}\n{sentence}\n"),
            ResultFormat::Markdown => {
                let note = NoteRenderer::in_format(rules, NoteFormat::Markdown)
                    .and_then(|n| n.with_date(&date).render(&id, &assessment))
                    .map_err(|e| Error::Template(e.message))?;
                markdown::result(rules, &id, &assessment, &sentence, &note)
            }
            ResultFormat::Json => {
                let record = json::InterviewRecord {
                    id: id.clone(),
                    result: json::Result_::of(rules, &Tracer::of(rules), &assessment, Ok(note)),
                    disposition: view,
                    rules: Provenance::of(rules),
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
        let _ = writeln!(
            term,
            "{}",
            lang.result_written(&output.display().to_string())
        );
    }
    Ok(ended)
}
