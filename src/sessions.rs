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

/// A session file read from the folder, or why it could not be.
pub(crate) struct Listed {
    pub(crate) path: PathBuf,
    pub(crate) session: Result<Session, String>,
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
    Ok(paths
        .into_iter()
        .map(|path| Listed {
            session: Session::read(&path).map_err(|e| e.to_string()),
            path,
        })
        .collect())
}

/// The readable sessions, and why each other file is none.
pub(crate) fn readable(listed: Vec<Listed>) -> (Vec<(PathBuf, Session)>, Vec<String>) {
    let mut sessions = Vec::new();
    let mut skipped = Vec::new();
    for l in listed {
        match l.session {
            Ok(s) => sessions.push((l.path, s)),
            Err(reason) => skipped.push(reason),
        }
    }
    (sessions, skipped)
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

/// The list as a table for people.
pub(crate) fn table(rows: &[Row]) -> String {
    let mut table = comfy_table::Table::new();
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
            "file",
        ]);
    let opt = |t: &Option<String>| t.as_deref().map(local_time).unwrap_or_default();
    for r in rows {
        let disposition = match (&r.disposition, r.amendments) {
            (Some(d), 0) => d.clone(),
            (Some(d), n) => format!("{d}, amended {n}x"),
            (None, _) => String::new(),
        };
        table.add_row([
            r.id.clone(),
            opt(&r.started),
            opt(&r.last_answer),
            r.status.to_string(),
            r.level.clone().unwrap_or_default(),
            match r.crisis {
                Some(true) => "CRISIS".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            disposition,
            r.file.clone(),
        ]);
    }
    format!("{table}\n")
}

/// The columns after the items in an export.
const EXTRA: [&str; 10] = [
    "recommended_level",
    "crisis",
    "disposition_level",
    "disposition_reason",
    "disposition_reason_text",
    "decided_by",
    "decided_at",
    "disposition_amendments",
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
    cells.extend([
        result.map(|r| r.level.clone()).unwrap_or_default(),
        result.map(|r| r.crisis.to_string()).unwrap_or_default(),
        d.map(|d| d.actual_level.clone()).unwrap_or_default(),
        reason.unwrap_or_default(),
        d.and_then(|d| d.reason_text.clone()).unwrap_or_default(),
        d.and_then(|d| d.decided_by.clone()).unwrap_or_default(),
        d.map(|d| d.decided_at.clone()).unwrap_or_default(),
        s.dispositions.len().saturating_sub(1).to_string(),
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
