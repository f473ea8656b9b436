//! `sessions`: the interview sessions as the intake record. `list` shows
//! each one; `export` writes the finished ones as rows in the batch input
//! contract (the id column, then item columns, then the recorded result
//! and disposition, which `score` ignores), so past intakes feed `score`,
//! `rules diff --data` and analysts directly; `purge` applies a clinic's
//! retention policy. Session files are health data: the export is written
//! atomically and owner-only, and says so.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::interview::session::Session;
use crate::model::RuleSet;
use crate::output::local_time;

/// A file of the folder: a session, one that cannot be read (and why),
/// or a file that is no session at all (an interview's result, an
/// export), which is left out.
pub(crate) enum Listed {
    Session(PathBuf, Box<Session>),
    Unreadable(String),
    Other,
}

/// Every `.json` file in `dir`, by name, read as a session.
pub(crate) fn read_dir(dir: &Path) -> Result<Vec<Listed>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    Ok(paths.into_iter().map(read_one).collect())
}

fn read_one(path: PathBuf) -> Listed {
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => return Listed::Unreadable(format!("`{}`: {e}", path.display())),
    };
    // A session names its format and holds answers; anything else in the
    // folder is not one.
    let looks_like_session = serde_json::from_str::<serde_json::Value>(&text)
        .is_ok_and(|v| v.get("format").is_some() && v.get("answers").is_some());
    if !looks_like_session {
        return Listed::Other;
    }
    match Session::parse(&path, &text) {
        Ok(s) => Listed::Session(path, Box::new(s)),
        Err(e) => Listed::Unreadable(e.to_string()),
    }
}

/// The readable sessions, why each session file could not be read, and how
/// many files were no session.
pub(crate) fn readable(listed: Vec<Listed>) -> (Vec<(PathBuf, Session)>, Vec<String>, usize) {
    let mut sessions = Vec::new();
    let mut unreadable = Vec::new();
    let mut other = 0;
    for l in listed {
        match l {
            Listed::Session(path, s) => sessions.push((path, *s)),
            Listed::Unreadable(reason) => unreadable.push(reason),
            Listed::Other => other += 1,
        }
    }
    (sessions, unreadable, other)
}

/// Ids that more than one session holds: one record, or a forgotten `--id`.
pub(crate) fn repeated_ids(sessions: &[(PathBuf, Session)]) -> Vec<String> {
    let mut ids: Vec<&str> = sessions.iter().map(|(_, s)| s.id.as_str()).collect();
    ids.sort_unstable();
    let mut repeated: Vec<String> = ids
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0].to_string())
        .collect();
    repeated.dedup();
    repeated
}

/// Where a session stands.
fn status(s: &Session) -> &'static str {
    match (s.finished(), s.result.is_some()) {
        (true, _) => "finished",
        (false, true) => "result shown, no disposition",
        (false, false) => "in progress",
    }
}

/// One session, as `list` shows it.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) started: Option<String>,
    pub(crate) last_answer: Option<String>,
    pub(crate) status: &'static str,
    /// The recommended level's id, once the result was shown.
    pub(crate) level: Option<String>,
    pub(crate) crisis: Option<bool>,
    /// The level decided (the latest disposition), if recorded.
    pub(crate) disposition: Option<String>,
    pub(crate) amendments: usize,
    pub(crate) rules_version: String,
    pub(crate) file: String,
}

pub(crate) fn rows(sessions: &[(PathBuf, Session)]) -> Vec<Row> {
    sessions
        .iter()
        .map(|(path, s)| Row {
            id: s.id.clone(),
            started: s.started.clone(),
            last_answer: s.last_answer.clone(),
            status: status(s),
            level: s.result.as_ref().map(|r| r.level.clone()),
            crisis: s.result.as_ref().map(|r| r.crisis),
            disposition: s.disposition().map(|d| match d.accepted {
                true => format!("{} (accepted)", d.actual_level),
                false => d.actual_level.clone(),
            }),
            amendments: s.dispositions.len().saturating_sub(1),
            rules_version: format!("{} {}", s.rules_name, s.rules_version),
            file: path.display().to_string(),
        })
        .collect()
}

/// The list as a table for people, `width` columns wide at most.
pub(crate) fn table(rows: &[Row], width: Option<u16>) -> String {
    let mut table = comfy_table::Table::new();
    if let Some(width) = width {
        table.set_width(width);
    }
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header([
            "id",
            "started",
            "last answer",
            "status",
            "level",
            "crisis",
            "disposition",
        ]);
    let opt = |t: &Option<String>| t.as_deref().map(local_time).unwrap_or_default();
    for r in rows {
        let started = opt(&r.started);
        // The last answer's time alone when it was the same day.
        let last = opt(&r.last_answer);
        let last = match last.split_once(' ') {
            Some((day, time)) if started.starts_with(day) => time.to_string(),
            _ => last,
        };
        let decided = match &r.disposition {
            Some(d) if d.ends_with("(accepted)") => "accepted".to_string(),
            Some(d) => d.clone(),
            None => String::new(),
        };
        let disposition = match r.amendments {
            0 => decided,
            n => format!("{decided} (amended {n}x)"),
        };
        table.add_row([
            r.id.clone(),
            started,
            last,
            r.status.to_string(),
            r.level.clone().unwrap_or_default(),
            match r.crisis {
                Some(true) => "CRISIS".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            disposition,
        ]);
    }
    format!("{table}\n")
}

/// The columns after the items in an export.
const EXTRA: [&str; 12] = [
    // Safety answers the client took back (`cssrs_4:1>0`), which `score`
    // reads, so scoring an export gives the interview's flags.
    crate::answers::RETRACTED_COLUMN,
    "recommended_level",
    "crisis",
    "disposition_level",
    "disposition_reason",
    "disposition_reason_text",
    "decided_by",
    "decided_at",
    "disposition_amendments",
    // The language each instrument was given in: `phq9:es;cssrs:en`.
    "languages",
    "rules_version",
    "rules_sha256",
];

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportFormat {
    Csv,
    Jsonl,
}

/// Write the finished sessions as batch rows: `id_column`, the item
/// columns of `rules` in order (then any item a session answered that
/// `rules` lacks, by id), then the recorded result and disposition.
/// Returns how many were written.
pub(crate) fn export(
    rules: &RuleSet,
    sessions: &[(PathBuf, Session)],
    id_column: &str,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<usize, Error> {
    let finished: Vec<&Session> = sessions
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.finished())
        .collect();
    let mut items: Vec<String> = rules
        .items
        .iter()
        .filter(|i| i.is_answerable())
        .map(|i| i.id.clone())
        .collect();
    let mut others: Vec<String> = finished
        .iter()
        .flat_map(|s| s.answers.keys())
        .filter(|k| !items.contains(k))
        .cloned()
        .collect();
    others.sort();
    others.dedup();
    items.extend(others);
    let header: Vec<&str> = std::iter::once(id_column)
        .chain(items.iter().map(String::as_str))
        .chain(EXTRA)
        .collect();
    let rows: Vec<Vec<String>> = finished.iter().map(|s| row(s, &items)).collect();
    let write_err = |source: std::io::Error| Error::Io {
        what: "cannot write the export".into(),
        source,
    };
    match format {
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(&header).map_err(|e| write_err(e.into()))?;
            for cells in &rows {
                csv.write_record(cells).map_err(|e| write_err(e.into()))?;
            }
            csv.flush().map_err(write_err)?;
        }
        ExportFormat::Jsonl => {
            for cells in &rows {
                // Blank cells are left out, as a CSV reader leaves them
                // blank; answer codes and counts are numbers, `crisis` a
                // boolean, in the CSV's column order.
                let fields: Vec<(&str, serde_json::Value)> = header
                    .iter()
                    .zip(cells)
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(&k, v)| {
                        let value = match (k, v.parse::<i64>(), v.parse::<bool>()) {
                            (_, _, Ok(b)) if k == "crisis" => serde_json::Value::Bool(b),
                            ("rules_version" | "rules_sha256", _, _) => v.clone().into(),
                            (_, Ok(n), _) if k != id_column => n.into(),
                            _ => v.clone().into(),
                        };
                        (k, value)
                    })
                    .collect();
                let line =
                    serde_json::to_string(&Ordered(&fields)).map_err(|e| write_err(e.into()))?;
                writeln!(out, "{line}").map_err(write_err)?;
            }
        }
    }
    Ok(rows.len())
}

/// A JSON object with its keys in the given order.
struct Ordered<'a>(&'a [(&'a str, serde_json::Value)]);

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// One finished session's cells: its id, its answers to `items`, then the
/// `EXTRA` columns.
fn row(s: &Session, items: &[String]) -> Vec<String> {
    let d = s.disposition();
    let result = s.result.as_ref();
    let mut cells: Vec<String> = vec![s.id.clone()];
    cells.extend(
        items
            .iter()
            .map(|i| s.answers.get(i).map(|c| c.to_string()).unwrap_or_default()),
    );
    let reason = d.and_then(|d| d.reason).and_then(|r| {
        serde_json::to_value(r)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    });
    let retracted: Vec<String> = s
        .retracted
        .iter()
        .filter_map(|r| Some(format!("{}:{}>{}", r.item, r.from?, r.to?)))
        .collect();
    cells.extend([
        retracted.join(";"),
        result.map(|r| r.level.clone()).unwrap_or_default(),
        result.map(|r| r.crisis.to_string()).unwrap_or_default(),
        d.map(|d| d.actual_level.clone()).unwrap_or_default(),
        reason.unwrap_or_default(),
        d.and_then(|d| d.reason_text.clone()).unwrap_or_default(),
        d.and_then(|d| d.decided_by.clone()).unwrap_or_default(),
        d.map(|d| d.decided_at.clone()).unwrap_or_default(),
        s.dispositions.len().saturating_sub(1).to_string(),
        s.asked_in
            .iter()
            .map(|a| format!("{}:{}", a.instrument, a.lang))
            .collect::<Vec<_>>()
            .join(";"),
        s.rules_version.clone(),
        s.rules_sha256.clone(),
    ]);
    cells
}

/// The sessions `purge --finished-before DATE` deletes: finished ones
/// whose latest disposition was recorded before `before` (a local date),
/// and with `unfinished`, unfinished ones last changed before it.
pub(crate) fn to_purge(
    sessions: &[(PathBuf, Session)],
    before: jiff::civil::Date,
    unfinished: bool,
) -> Vec<PathBuf> {
    let day = |at: Option<&str>| {
        at.and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::system()).date())
    };
    sessions
        .iter()
        .filter(|(_, s)| {
            let last = match s.finished() {
                true => day(s.disposition().map(|d| d.decided_at.as_str())),
                false if unfinished => day(s.last_answer.as_deref().or(s.started.as_deref())),
                false => None,
            };
            last.is_some_and(|d| d < before)
        })
        .map(|(p, _)| p.clone())
        .collect()
}

/// Delete the session files `purge` chose.
pub(crate) fn delete(paths: &[PathBuf]) -> Result<(), Error> {
    for path in paths {
        std::fs::remove_file(path).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

/// Ask on the terminal; `false` unless the answer is yes.
pub(crate) fn confirm(question: &str) -> Result<bool, Error> {
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact_on(&console::Term::stderr())
        .map_err(|dialoguer::Error::IO(source)| Error::Io {
            what: "cannot ask on the terminal".into(),
            source,
        })
}
