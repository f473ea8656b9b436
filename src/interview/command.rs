//! `interview` from start to end: open a new or saved session, run the flow
//! on the terminal, show the result and note, record the disposition, and
//! write the result where asked. A finished session shows its result as it
//! was shown and its dispositions, and may be amended. The messages go to
//! the terminal the interview runs on (a passed writer, stderr), so a
//! crisis is seen even when stdout is redirected.

use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) use super::session::{ResultFormat, Settings};
use super::session::{Session, StoredResult};
use super::terminal::{fit_lines, TerminalPrompter};
use super::{Prompter, ResultScreen, Stop};
use crate::answers::Answers;
use crate::assess::{assess, Assessment};
use crate::disposition::Decision;
use crate::error::Error;
use crate::messages::Lang;
use crate::model::RuleSet;
use crate::output::{local_time, note_date, write_atomically};
use crate::report::fhir::{FhirWriter, Note, Subject};
use crate::report::note::{NoteAudience, NoteFormat, NoteRenderer};
use crate::report::trace::Tracer;
use crate::report::view::Provenance;
use crate::report::{json, markdown, table};

/// The options given on the command line; `None` where not given.
#[derive(Debug, Clone, Default)]
pub(crate) struct Given {
    pub(crate) rules: Option<PathBuf>,
    pub(crate) lang: Option<String>,
    pub(crate) output: Option<PathBuf>,
    pub(crate) format: Option<ResultFormat>,
    pub(crate) note_date: Option<String>,
    pub(crate) allow_english: bool,
    pub(crate) note_audience: Option<NoteAudience>,
}

impl Given {
    /// The settings to run with: these options over `stored` (a resumed
    /// session's), else the defaults. Paths become absolute. Each stored
    /// option that a given one overrides is said in `notices`.
    pub(crate) fn settle(
        self,
        stored: Option<&Settings>,
        notices: &mut Vec<String>,
    ) -> Result<Settings, Error> {
        let absolute = |path: PathBuf| {
            std::path::absolute(&path).map_err(|source| Error::Io {
                what: format!("cannot resolve `{}`", path.display()),
                source,
            })
        };
        if let Some(date) = &self.note_date {
            note_date(Some(date))?;
        }
        let given = Settings {
            rules: self.rules.map(absolute).transpose()?,
            lang: self.lang.clone().unwrap_or_else(|| "en".into()),
            output: self.output.map(absolute).transpose()?,
            format: self.format.unwrap_or(ResultFormat::Table),
            note_date: self.note_date.clone(),
            allow_english: self.allow_english,
            note_audience: self.note_audience.unwrap_or_default(),
        };
        let Some(stored) = stored else {
            return Ok(given);
        };
        let path = |p: &Option<PathBuf>| match p {
            Some(p) => p.display().to_string(),
            None => "(none)".to_string(),
        };
        let n = notices;
        let rules = over(
            n,
            "--rules",
            given.rules.map(Some),
            stored.rules.clone(),
            path,
        );
        let lang = over(n, "--lang", self.lang, stored.lang.clone(), |l| l.clone());
        let output = over(
            n,
            "--output",
            given.output.map(Some),
            stored.output.clone(),
            path,
        );
        let format = over(n, "--format", self.format, stored.format, |f| {
            format!("{f:?}")
        });
        let note_date = over(
            n,
            "--note-date",
            self.note_date.map(Some),
            stored.note_date.clone(),
            |d| d.clone().unwrap_or_else(|| "(today)".into()),
        );
        let note_audience = over(
            n,
            "--note-audience",
            self.note_audience,
            stored.note_audience,
            |a| a.as_str().to_string(),
        );
        Ok(Settings {
            rules,
            lang,
            output,
            format,
            note_date,
            allow_english: self.allow_english || stored.allow_english,
            note_audience,
        })
    }
}

/// `given` over `stored`: an option given again on `--resume` wins, and
/// says so when it changes the session's.
fn over<T: PartialEq>(
    notices: &mut Vec<String>,
    option: &str,
    given: Option<T>,
    stored: T,
    show: impl Fn(&T) -> String,
) -> T {
    match given {
        Some(new) => {
            if new != stored {
                notices.push(format!(
                    "note: {option} {} overrides the session's {}",
                    show(&new),
                    show(&stored)
                ));
            }
            new
        }
        None => stored,
    }
}

/// What an interview is asked to do.
#[derive(Debug, Clone)]
pub(crate) struct InterviewOptions {
    /// The client's record id, for a new session.
    pub(crate) id: String,
    /// A saved session to continue, read already.
    pub(crate) resume: Option<(PathBuf, Session)>,
    /// Where to save a new session; `None` for the user's data folder.
    pub(crate) session: Option<PathBuf>,
    pub(crate) settings: Settings,
}

/// An interview ready to run: its session, its answers so far, and where
/// it is saved.
#[derive(Debug)]
pub(crate) struct Prepared {
    session: Session,
    /// `None` for a finished session scored with other rules.
    answers: Option<(Answers, Vec<super::Replaced>)>,
    /// The session file.
    pub(crate) path: PathBuf,
}

/// Set once an interruption is said. A Ctrl-C in a prompt reaches both
/// the prompt (which stops the interview) and the signal handler, and the
/// interview says it once: the prompt's own words when it can.
static INTERRUPTION_SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Say `text` unless an interruption was said already.
pub(crate) fn say_interrupted(term: &mut impl Write, text: &str) {
    if !INTERRUPTION_SAID.swap(true, std::sync::atomic::Ordering::SeqCst) {
        let _ = writeln!(term, "{text}");
    }
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
    /// The command that continues this session: the session holds its
    /// options.
    pub(crate) fn resume_hint(&self) -> String {
        format!("carescreen interview --resume {}", self.path.display())
    }
}

/// Check that the interview can start in `rules` (loaded in the options'
/// language), and open its session: the saved one to resume, or a new one
/// that does not overwrite another.
pub(crate) fn prepare(rules: &RuleSet, options: &InterviewOptions) -> Result<Prepared, Error> {
    match &options.resume {
        Some((path, stored)) => {
            let mut session = stored.clone();
            session.settings = Some(options.settings.clone());
            // A finished session reads the same under any rule set.
            let answers = match (session.finished(), session.same_rules(rules)) {
                (true, false) => None,
                _ => Some(session.answers(path, rules)?),
            };
            Ok(Prepared {
                session,
                answers,
                path: path.clone(),
            })
        }
        None => {
            let path = options
                .session
                .clone()
                .unwrap_or_else(|| super::session::default_path(&options.id));
            if path.exists() {
                return Err(Error::SessionExists { path });
            }
            Ok(Prepared {
                session: Session::new(rules, &options.id, options.settings.clone()),
                answers: Some((Answers::new(rules), Vec::new())),
                path,
            })
        }
    }
}

fn save(session: &Session, path: &Path) -> Result<(), Error> {
    session.save(path).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Run a prepared interview on the terminal, writing its messages, result
/// and note to `term`.
pub(crate) fn conduct(
    rules: &RuleSet,
    settings: &Settings,
    prepared: Prepared,
    term: &mut impl Write,
) -> Result<Ended, Error> {
    let resume_hint = prepared.resume_hint();
    let Prepared {
        mut session,
        answers,
        path,
    } = prepared;
    let lang = Lang::of(&settings.lang);
    let mut prompter = TerminalPrompter::new(lang, &settings.lang);
    if session.finished() {
        return amend(
            rules,
            settings,
            session,
            answers,
            &path,
            &mut prompter,
            term,
        );
    }
    let Some((mut answers, mut replaced)) = answers else {
        unreachable!("an unfinished session is only opened with its own rules");
    };
    let intro = vec![
        lang.started(&session.id, &rules.name, &rules.version),
        lang.saved_to(&path.display().to_string()),
    ];
    for line in &intro {
        let _ = writeln!(term, "{line}");
    }
    // The questions' screens are cleared: the first shows these again.
    let mut prompter = prompter.with_intro(intro);
    // Saved at once: the options are in the file before the first answer.
    save(&session, &path)?;
    // A session whose result was shown but has no disposition yet goes
    // straight back to the result, where the disposition is recorded.
    let outcome = if session.result.is_some() {
        Ok(())
    } else {
        let mut save_answers = |answers: &Answers, replaced: &[_]| {
            session.set_answers(rules, answers, replaced);
            session.save(&path).map_err(|e| Stop::Save(e.to_string()))
        };
        super::run(
            rules,
            &mut answers,
            &mut replaced,
            &mut prompter,
            &mut save_answers,
        )
    };
    match outcome {
        Ok(()) => {}
        Err(Stop::Interrupted) => {
            TerminalPrompter::show_cursor();
            // Stopped before the first answer of a new session: nothing to
            // resume, so no empty session is left in the worklist.
            let nothing = (0..rules.items.len()).all(|i| answers.get(i).is_none());
            if nothing && session.answers.is_empty() && session.changes.is_empty() {
                let _ = std::fs::remove_file(&path);
                say_interrupted(term, &format!("\n{}", lang.interrupted_before_answers()));
            } else {
                say_interrupted(term, &format!("\n{}", lang.interrupted(&resume_hint)));
            }
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
        id: session.id.clone(),
        source,
    })?;
    let date = note_date(settings.note_date.as_deref())?;
    let note = note_text(rules, &session.id, &assessment, &date)?;
    let text = format!("{}\n\n{note}", table::result_table(rules, &assessment));
    // On screen, the table and note fit the terminal; the session and a
    // file get `text`.
    let width = prompter.width();
    let table_width = u16::try_from(width).unwrap_or(u16::MAX);
    let screen = format!(
        "{}\n\n{}",
        table::result_table_in(rules, &assessment, table_width),
        fit_lines(&note, width)
    );
    let result = result_screen(rules, &session.id, &assessment, &screen);
    session.result = Some(StoredResult {
        level: rules.levels[assessment.level].id.clone(),
        level_name: rules.levels[assessment.level].name.clone(),
        crisis: assessment.crisis,
        flags: assessment
            .raised_flags(rules)
            .map(|f| rules.flags[f].id.clone())
            .collect(),
        note_date: date.clone(),
        shown: text,
    });
    save(&session, &path)?;
    let recommended = rules.levels[assessment.level].id.clone();
    let decided = prompter.disposition(rules, assessment.level, &result, false);
    // The whole result stays in the terminal's scrollback, the disposition
    // under it.
    let _ = writeln!(term, "\n{screen}");
    let ended = match decided {
        Ok(d) => {
            session
                .dispositions
                .push(Decision::of(rules, &recommended, &d));
            save(&session, &path)?;
            Ended::Done
        }
        Err(Stop::Interrupted) => {
            TerminalPrompter::show_cursor();
            say_interrupted(
                term,
                &format!("\n{}", lang.disposition_interrupted(&resume_hint)),
            );
            Ended::Interrupted
        }
        Err(other) => {
            return Err(Error::Disposition {
                source: Box::new(other),
            })
        }
    };
    let mut sentence = lang.disposition(rules, session.disposition());
    if let Some(languages) = session.languages_line(rules, lang, &settings.lang) {
        sentence = format!("{sentence}\n{languages}");
    }
    // The crisis banner has scrolled away with the note: the last words
    // on the terminal say it again.
    if assessment.crisis {
        sentence = format!("{sentence}\n{}", lang.crisis_line(true));
    }
    let _ = writeln!(term, "{}", fit_lines(&sentence, prompter.width()));
    write_output(rules, settings, &session, &assessment, &date, term)?;
    Ok(ended)
}

/// How urgent a flag is, for ordering: now, then today, then the rest;
/// within one urgency the more severe first.
fn urgency_order(
    flag: &crate::model::Flag,
) -> (
    std::cmp::Reverse<Option<crate::model::Urgency>>,
    std::cmp::Reverse<crate::model::Severity>,
) {
    (
        std::cmp::Reverse(flag.urgency),
        std::cmp::Reverse(flag.severity),
    )
}

/// The result screen of an assessment: `full` is the result and note as
/// the screen shows them.
pub(crate) fn result_screen(rules: &RuleSet, id: &str, a: &Assessment, full: &str) -> ResultScreen {
    let mut raised: Vec<crate::model::FlagIx> = a.raised_flags(rules).collect();
    raised.sort_by_key(|&f| urgency_order(&rules.flags[f]));
    let level = &rules.levels[a.level];
    let mut positive: Vec<String> = a
        .scales
        .iter_ix()
        .filter_map(|(s, result)| {
            let (score, band) = (result.score?, result.band?);
            let scale = &rules.scales[s];
            (band > 0).then(|| format!("{} {score} ({})", scale.title, scale.bands[band].label))
        })
        .collect();
    positive.extend(a.ratings.iter_ix().filter(|(_, &g)| g > 0).map(|(r, &g)| {
        let rating = &rules.ratings[r];
        format!("{}: {}", rating.title, rating.grades[g].label)
    }));
    ResultScreen {
        id: id.to_string(),
        level: level.name.clone(),
        crisis: a.crisis,
        flags: raised
            .iter()
            .map(|&f| (rules.flags[f].severity, rules.flags[f].title.clone()))
            .collect(),
        taken_back: a
            .warnings
            .iter()
            .filter(|w| matches!(w, crate::assess::Warning::Retracted { .. }))
            .map(|w| crate::report::words::warning(rules, w))
            .collect(),
        next_step: Some(crate::report::view::next_step(
            rules,
            &raised,
            Some(&level.referral),
        )),
        positive,
        recorded: Vec::new(),
        full: full.to_string(),
    }
}

/// The result screen of a finished session, from what it showed: its
/// flags in this rule set's titles where it still has them.
fn stored_screen(rules: &RuleSet, id: &str, stored: &StoredResult) -> ResultScreen {
    let mut flags: Vec<(&crate::model::Flag, String)> = Vec::new();
    let mut unknown = Vec::new();
    for flag_id in &stored.flags {
        match rules.flags.iter().find(|f| f.id == *flag_id) {
            Some(flag) => flags.push((flag, flag.title.clone())),
            None => unknown.push((crate::model::Severity::High, flag_id.clone())),
        }
    }
    flags.sort_by_key(|(f, _)| urgency_order(f));
    let mut all: Vec<(crate::model::Severity, String)> =
        flags.into_iter().map(|(f, t)| (f.severity, t)).collect();
    all.extend(unknown);
    ResultScreen {
        id: id.to_string(),
        level: stored.level_name.clone(),
        crisis: stored.crisis,
        flags: all,
        taken_back: Vec::new(),
        next_step: None,
        positive: Vec::new(),
        recorded: Vec::new(),
        full: stored.shown.clone(),
    }
}

/// A finished session: its result as it was shown and its dispositions;
/// the interviewer may add an amendment (the original is kept).
fn amend(
    rules: &RuleSet,
    settings: &Settings,
    mut session: Session,
    answers: Option<(Answers, Vec<super::Replaced>)>,
    path: &Path,
    prompter: &mut TerminalPrompter,
    term: &mut impl Write,
) -> Result<Ended, Error> {
    let lang = Lang::of(&settings.lang);
    let Some(result) = session.result.clone() else {
        unreachable!("a finished session holds its result (checked on reading)");
    };
    let banner = fit_lines(&lang.finished_session(&session.id), prompter.width());
    let _ = writeln!(term, "{banner}\n");
    let _ = writeln!(term, "{}", fit_lines(&result.shown, prompter.width()));
    for line in history(rules, lang, &session.dispositions) {
        let _ = writeln!(term, "{}", fit_lines(&line, prompter.width()));
    }
    // Interrupted while amending: nothing is recorded.
    let interrupted = |term: &mut _, stop| match stop {
        Stop::Interrupted => {
            TerminalPrompter::show_cursor();
            say_interrupted(term, lang.amendment_interrupted());
            Ok(Ended::Interrupted)
        }
        other => Err(Error::Disposition {
            source: Box::new(other),
        }),
    };
    let mut screen = stored_screen(rules, &session.id, &result);
    screen.recorded = history(rules, lang, &session.dispositions);
    match prompter.amend(&screen) {
        Ok(true) => {}
        Ok(false) => return Ok(Ended::Done),
        Err(stop) => return interrupted(term, stop),
    }
    let recommended = rules
        .levels
        .iter()
        .position(|l| l.id == result.level)
        .unwrap_or(0);
    let d = match prompter.disposition(rules, recommended, &screen, true) {
        Ok(d) => d,
        Err(stop) => return interrupted(term, stop),
    };
    session
        .dispositions
        .push(Decision::of(rules, &result.level, &d));
    save(&session, path)?;
    let sentence = lang.disposition(rules, session.disposition());
    let _ = writeln!(term, "{}", fit_lines(&sentence, prompter.width()));
    match answers {
        Some((answers, _)) => {
            let assessment = assess(rules, &answers).map_err(|source| Error::Unscorable {
                id: session.id.clone(),
                source,
            })?;
            write_output(
                rules,
                settings,
                &session,
                &assessment,
                &result.note_date,
                term,
            )?;
        }
        None => {
            if let Some(output) = &settings.output {
                let _ = writeln!(
                    term,
                    "{}",
                    lang.output_not_rewritten(&output.display().to_string())
                );
            }
        }
    }
    Ok(Ended::Done)
}

/// Each disposition recorded, with when (local time): the original
/// first, then amendments.
fn history(rules: &RuleSet, lang: Lang, dispositions: &[Decision]) -> Vec<String> {
    dispositions
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let sentence = lang.disposition(rules, Some(d));
            let at = local_time(&d.decided_at);
            match k {
                0 => lang.recorded(&sentence, &at),
                _ => lang.amended(&sentence, &at),
            }
        })
        .collect()
}

/// The referral note, as text.
fn note_text(rules: &RuleSet, id: &str, a: &Assessment, date: &str) -> Result<String, Error> {
    NoteRenderer::new(rules)
        .and_then(|n| n.with_date(date).render(id, a))
        .map_err(|e| Error::Template(e.message))
}

/// The result table and note at 80 columns: kept in the session, written
/// to a file.
fn shown(rules: &RuleSet, id: &str, a: &Assessment, date: &str) -> Result<String, Error> {
    let note = note_text(rules, id, a, date)?;
    // The same text as the interview keeps in its session.
    Ok(format!("{}\n\n{note}", table::result_table(rules, a)))
}

/// Write the result with its disposition to the settings' output, if any.
fn write_output(
    rules: &RuleSet,
    settings: &Settings,
    session: &Session,
    assessment: &Assessment,
    date: &str,
    term: &mut impl Write,
) -> Result<(), Error> {
    let Some(output) = &settings.output else {
        return Ok(());
    };
    let lang = Lang::of(&settings.lang);
    let id = &session.id;
    let sentence = lang.disposition(rules, session.disposition());
    let earlier = session.dispositions.len().saturating_sub(1);
    let history = history(rules, lang, &session.dispositions[..earlier]);
    // In Markdown each is a paragraph of its own.
    let gap = match settings.format {
        ResultFormat::Markdown => "\n\n",
        _ => "\n",
    };
    let languages = session.languages_line(rules, lang, &settings.lang);
    let sentence = std::iter::once(sentence)
        .chain(history)
        .chain(languages)
        .collect::<Vec<_>>()
        .join(gap);
    let content = match (settings.format, settings.note_audience) {
        // The handout is the person's own: no table, scores or disposition.
        (ResultFormat::Table | ResultFormat::Markdown, NoteAudience::Client) => {
            let format = match settings.format {
                ResultFormat::Markdown => NoteFormat::Markdown,
                _ => NoteFormat::Text,
            };
            let handout = NoteRenderer::for_audience(rules, format, NoteAudience::Client)
                .and_then(|n| n.with_date(date).render(id, assessment))
                .map_err(|e| Error::Template(e.message))?;
            // A file ends its last line.
            match handout.ends_with('\n') {
                true => handout,
                false => handout + "\n",
            }
        }
        (ResultFormat::Table, _) => {
            format!("{}\n{sentence}\n", shown(rules, id, assessment, date)?)
        }
        (ResultFormat::Markdown, _) => {
            let note = NoteRenderer::in_format(rules, NoteFormat::Markdown)
                .and_then(|n| n.with_date(date).render(id, assessment))
                .map_err(|e| Error::Template(e.message))?;
            markdown::result(rules, id, assessment, &sentence, &note)
        }
        (ResultFormat::Fhir, _) => {
            let note = note_text(rules, id, assessment, date)?;
            let langs: Vec<(&str, &str)> = session
                .asked_in
                .iter()
                .map(|a| (a.instrument.as_str(), a.lang.as_str()))
                .collect();
            // The disposition and the languages, as notes on the level.
            let remarks: Vec<String> = sentence.split(gap).map(String::from).collect();
            let writer = FhirWriter::new(rules, date, &crate::output::now());
            let subject = Subject {
                id,
                keep: &[],
                row: 0,
                repeat_of: None,
            };
            let note = Note {
                text: &note,
                format: NoteFormat::Text,
            };
            let bundle = writer.scored(subject, assessment, Some(note), &langs, &remarks);
            serde_json::to_string(&bundle).unwrap_or_default() + "\n"
        }
        (ResultFormat::Json, audience) => {
            let note = NoteRenderer::for_audience(rules, NoteFormat::Text, audience)
                .and_then(|n| n.with_date(date).render(id, assessment))
                .map_err(|e| Error::Template(e.message))?;
            let (amends, disposition) = match session.dispositions.split_last() {
                Some((last, earlier)) => (earlier, Some(last)),
                None => (&[][..], None),
            };
            let record = json::InterviewRecord {
                id: id.clone(),
                result: json::Result_ {
                    note_audience: audience.as_str(),
                    ..json::Result_::of(rules, &Tracer::of(rules), assessment, Ok(note))
                },
                disposition,
                amends,
                asked_in: &session.asked_in,
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{write_output, Given, NoteAudience, ResultFormat, Session, Settings};
    use crate::answers::Answers;
    use crate::assess::assess;
    use crate::rules::{load, RulesSource};

    #[test]
    fn the_client_audience_writes_the_handout_and_is_kept_on_resume() {
        let rules = load(&RulesSource::Embedded).expect("rules");
        let dir = tempfile::tempdir().expect("dir");
        let mut answers = Answers::extreme(&rules, false);
        let item = rules.item_index("harm_others").expect("item");
        answers.set(&rules, item, 2).expect("code");
        let a = assess(&rules, &answers).expect("scored");
        let duty = rules
            .resources
            .iter()
            .find(|r| r.professional)
            .expect("duty");
        for format in [
            ResultFormat::Table,
            ResultFormat::Markdown,
            ResultFormat::Json,
        ] {
            let output = dir.path().join(format!("{format:?}"));
            let given = Given {
                output: Some(output.clone()),
                format: Some(format),
                note_audience: Some(NoteAudience::Client),
                ..Given::default()
            };
            let settings: Settings = given.settle(None, &mut Vec::new()).expect("settles");
            let session = Session::new(&rules, "c-9", settings.clone());
            write_output(
                &rules,
                &settings,
                &session,
                &a,
                "2026-11-23",
                &mut Vec::new(),
            )
            .expect("written");
            let written = std::fs::read_to_string(&output).expect("output");
            assert!(written.contains("YOUR SAFETY"), "{format:?}: {written}");
            assert!(written.contains("988"), "{format:?}");
            assert!(
                !written.contains(duty.contact.trim()),
                "{format:?}: {written}"
            );
            assert!(!written.contains("sha256 "), "{format:?}: {written}");
            if format == ResultFormat::Json {
                let value: serde_json::Value = serde_json::from_str(&written).expect("json");
                assert_eq!(value["result"]["note_audience"], "client");
            }
            // Resumed with nothing given, the session's audience is kept.
            let mut notices = Vec::new();
            let resumed = Given::default()
                .settle(Some(&settings), &mut notices)
                .expect("settles");
            assert_eq!(resumed.note_audience, NoteAudience::Client);
        }
    }

    #[test]
    fn the_fhir_result_records_each_instruments_language_and_the_disposition() {
        let rules = load(&RulesSource::Embedded).expect("rules");
        let dir = tempfile::tempdir().expect("dir");
        let mut answers = Answers::extreme(&rules, false);
        let item = rules.item_index("harm_others").expect("item");
        answers.set(&rules, item, 2).expect("code");
        let a = assess(&rules, &answers).expect("scored");
        let output = dir.path().join("c-9.ndjson");
        let given = Given {
            output: Some(output.clone()),
            format: Some(ResultFormat::Fhir),
            ..Given::default()
        };
        let settings: Settings = given.settle(None, &mut Vec::new()).expect("settles");
        let mut session = Session::new(&rules, "c-9", settings.clone());
        session.asked_in = vec![crate::disposition::AskedIn {
            instrument: "phq9".into(),
            lang: "es".into(),
        }];
        write_output(
            &rules,
            &settings,
            &session,
            &a,
            "2026-11-23",
            &mut Vec::new(),
        )
        .expect("written");
        let written = std::fs::read_to_string(&output).expect("output");
        assert_eq!(written.lines().count(), 1, "one Bundle, one line");
        let bundle: serde_json::Value = serde_json::from_str(&written).expect("json");
        let entries = bundle["entry"].as_array().expect("entries");
        let kinds: Vec<&str> = entries
            .iter()
            .map(|e| e["resource"]["resourceType"].as_str().expect("type"))
            .collect();
        assert!(
            kinds.contains(&"Flag") && kinds.contains(&"DocumentReference"),
            "{kinds:?}"
        );
        let lang_of = |id: &str| {
            let questionnaire = format!("/Questionnaire/{id}|");
            let response = entries
                .iter()
                .map(|e| &e["resource"])
                .find(|r| {
                    r["questionnaire"]
                        .as_str()
                        .is_some_and(|q| q.contains(&questionnaire))
                })
                .expect("response");
            response["language"].clone()
        };
        assert_eq!(lang_of("phq9"), "es");
        assert_eq!(lang_of("gad7"), "en");
        let level = entries
            .iter()
            .map(|e| &e["resource"])
            .find(|r| r["code"]["coding"][0]["code"] == "level-of-care")
            .expect("level");
        let notes = level["note"].to_string();
        let sentence = crate::messages::Lang::of("en").disposition(&rules, session.disposition());
        assert!(notes.contains(&sentence), "{notes}");
    }
}
