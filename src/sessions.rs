//! `sessions`: the interview sessions as the intake record and the
//! worklist. `list` shows each one, the unfinished first, those whose
//! answers so far establish a crisis at the top; `export` writes them as
//! rows in the batch input contract (the id column, then item columns,
//! then the recorded result and disposition, which `score` ignores), so
//! past intakes feed `score`, `rules diff --data` and analysts directly;
//! `purge` applies a clinic's retention policy. `interview` finds an id's
//! sessions here (`--resume ID`, or a new `--id` that has some already).
//! Session files are health data: the export is written atomically and
//! owner-only, and says so.
//!
//! What an unfinished session establishes is read as batch scoring reads
//! a rejected row (`assess::established_flags`), with the rule set the
//! session was started with, and only over the instruments it has
//! reached: a question not asked yet is no blank answer.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::answers::Answers;
use crate::assess::Warning;
use crate::error::Error;
use crate::interview::session::Session;
use crate::model::{FlagIx, RuleSet};
use crate::output::local_time;
use crate::rules::RulesSource;

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

/// The rule sets sessions were started with, each loaded once: the one
/// a session's settings name, or the built-in one. A session is only read
/// with the rule set of its SHA-256.
#[derive(Default)]
pub(crate) struct RuleSets {
    loaded: Vec<RuleSet>,
    /// Every source tried (`None`: the built-in rules), loaded or not.
    tried: Vec<Option<PathBuf>>,
}

impl RuleSets {
    /// The rule set `s` was started with, if it is at hand.
    fn of(&mut self, s: &Session) -> Option<&RuleSet> {
        let own = s.settings.as_ref().and_then(|x| x.rules.clone());
        for source in [own, None] {
            if self.loaded.iter().any(|r| s.same_rules(r)) {
                break;
            }
            if self.tried.contains(&source) {
                continue;
            }
            self.tried.push(source.clone());
            let source = source.map_or(RulesSource::Embedded, RulesSource::Path);
            // A rule set moved or changed since is no error: the session
            // then says "other rules".
            if let Ok(rules) = crate::check::load(&source) {
                self.loaded.push(rules);
            }
        }
        self.loaded.iter().find(|r| s.same_rules(r))
    }
}

/// What a session says of risk: once its result was shown, the result as
/// shown; before, what its answers so far establish, as batch scoring
/// reads a rejected row, over the instruments it has reached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Standing {
    pub(crate) crisis: bool,
    /// No crisis yet, but an unanswered safety question of an instrument
    /// the session has reached could establish one.
    pub(crate) possible_crisis: bool,
    /// Flag ids, most severe first.
    pub(crate) flags: Vec<String>,
    /// Those of `flags` that are safety flags (an id the rule set at hand
    /// does not know counts as one).
    pub(crate) safety: Vec<String>,
    /// The instruments not reached yet, by id, in rule-set order.
    pub(crate) not_asked: Vec<String>,
    /// Still being answered, and its rule set is not at hand: its answers
    /// cannot be read, so nothing is known of its flags.
    pub(crate) other_rules: bool,
}

/// The standing of each session, in order.
pub(crate) fn standings(sessions: &[(PathBuf, Session)]) -> Vec<Standing> {
    let mut sets = RuleSets::default();
    sessions
        .iter()
        .map(|(path, s)| standing(path, s, &mut sets))
        .collect()
}

fn standing(path: &Path, s: &Session, sets: &mut RuleSets) -> Standing {
    let rules = sets.of(s);
    if let Some(result) = &s.result {
        let is_safety = |id: &String| {
            rules
                .and_then(|r| r.flags.iter().find(|f| f.id == *id))
                .is_none_or(|f| f.is_safety())
        };
        return Standing {
            crisis: result.crisis,
            flags: result.flags.clone(),
            safety: result
                .flags
                .iter()
                .filter(|f| is_safety(f))
                .cloned()
                .collect(),
            ..Standing::default()
        };
    }
    let other = Standing {
        other_rules: true,
        ..Standing::default()
    };
    let Some(rules) = rules else {
        return other;
    };
    match s.answers(path, rules) {
        Ok((answers, _)) => so_far(rules, &answers),
        Err(_) => other,
    }
}

/// What the answers of an unfinished session establish.
fn so_far(rules: &RuleSet, answers: &Answers) -> Standing {
    let established = crate::assess::established_flags(rules, answers);
    let crisis = established.iter().any(|&f| rules.flags[f].crisis);
    // The interview asks the instruments in order: those after the last
    // one answered are not reached, and their questions are not asked.
    let last = rules
        .instruments
        .iter()
        .rposition(|ins| ins.items.clone().any(|i| answers.get(i).is_some()));
    let reached = |n: usize| last.is_some_and(|last| n <= last);
    let item_reached = |item: usize| {
        rules
            .instruments
            .iter()
            .position(|ins| ins.items.contains(&item))
            .is_none_or(reached)
    };
    // As batch scoring's warnings name them: unanswered safety questions
    // whose answer could raise a safety flag.
    let warnings = crate::assess::rejected_warnings(rules, answers, &established);
    let possible_crisis = !crisis
        && warnings.iter().any(|w| match w {
            Warning::SafetyAnswerMissing { item, could_raise } => {
                item_reached(*item) && could_raise.iter().any(|&f| rules.flags[f].crisis)
            }
            _ => false,
        });
    let ids = |fs: &mut dyn Iterator<Item = &FlagIx>| -> Vec<String> {
        fs.map(|&f| rules.flags[f].id.clone()).collect()
    };
    Standing {
        crisis,
        possible_crisis,
        flags: ids(&mut established.iter()),
        safety: ids(&mut established.iter().filter(|&&f| rules.flags[f].is_safety())),
        not_asked: rules
            .instruments
            .iter()
            .enumerate()
            .filter(|&(n, _)| !reached(n))
            .map(|(_, ins)| ins.id.clone())
            .collect(),
        other_rules: false,
    }
}

/// How far a session got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    InProgress,
    /// The result was shown; no disposition is recorded yet.
    ResultShown,
    Finished,
}

impl Stage {
    fn of(s: &Session) -> Stage {
        match (s.finished(), s.result.is_some()) {
            (true, _) => Stage::Finished,
            (false, true) => Stage::ResultShown,
            (false, false) => Stage::InProgress,
        }
    }

    /// Its name in JSON and in the export's `status` column.
    fn id(self) -> &'static str {
        match self {
            Stage::InProgress => "in progress",
            Stage::ResultShown => "result shown, no disposition",
            Stage::Finished => "finished",
        }
    }

    /// Its name on screen: an unfinished session's crisis in capitals.
    fn shown(self, crisis: bool) -> &'static str {
        match (self, crisis) {
            (Stage::Finished, _) => "finished",
            (_, true) => "IN PROGRESS – CRISIS",
            (Stage::ResultShown, false) => "awaiting disposition",
            (Stage::InProgress, false) => "in progress",
        }
    }
}

/// Where a session stands, as the screen says it: an unfinished one's
/// crisis in capitals.
pub(crate) fn shown_status(s: &Session, st: &Standing) -> &'static str {
    Stage::of(s).shown(st.crisis)
}

/// The time a session last changed: its last answer, else its start.
fn latest(s: &Session) -> Option<jiff::Timestamp> {
    s.last_answer
        .as_deref()
        .or(s.started.as_deref())
        .and_then(|t| t.parse().ok())
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
    /// The crisis route: the result's, or what the answers so far
    /// establish.
    pub(crate) crisis: bool,
    /// Unfinished, no crisis yet, but an unanswered safety question of a
    /// reached instrument could establish one.
    pub(crate) possible_crisis: bool,
    /// The result's flags, or those the answers so far establish.
    pub(crate) flags: Vec<String>,
    /// Instruments an unfinished session has not reached.
    pub(crate) not_asked: Vec<String>,
    /// Unfinished, and started with a rule set not at hand: `crisis` and
    /// `flags` are not known.
    pub(crate) other_rules: bool,
    /// The level decided (the latest disposition), if recorded.
    pub(crate) disposition: Option<String>,
    pub(crate) amendments: usize,
    pub(crate) rules_version: String,
    pub(crate) file: String,
    #[serde(skip)]
    stage: Stage,
}

impl Row {
    /// Where it goes in the worklist: unfinished with a crisis, with a
    /// possible crisis, other unfinished, finished.
    fn group(&self) -> u8 {
        match (self.stage, self.crisis, self.possible_crisis) {
            (Stage::Finished, _, _) => 3,
            (_, true, _) => 0,
            (_, _, true) => 1,
            _ => 2,
        }
    }

    /// The crisis column: the crisis route, a possible one, or how many
    /// flags.
    fn risk(&self) -> String {
        match (self.crisis, self.possible_crisis, self.flags.len()) {
            (true, _, _) => "CRISIS".into(),
            (_, true, _) => "possible".into(),
            _ if self.other_rules => "unknown".into(),
            (_, _, 0) => "none".into(),
            (_, _, 1) => "1 flag".into(),
            (_, _, n) => format!("{n} flags"),
        }
    }
}

/// The sessions as the worklist: unfinished with a crisis, with a possible
/// crisis, other unfinished, then finished; newest last answer first
/// within each. `standings` are the sessions', in order.
pub(crate) fn rows(sessions: &[(PathBuf, Session)], standings: &[Standing]) -> Vec<Row> {
    let mut rows: Vec<(Row, Option<jiff::Timestamp>)> = sessions
        .iter()
        .zip(standings)
        .map(|((path, s), st)| {
            let row = Row {
                id: s.id.clone(),
                started: s.started.clone(),
                last_answer: s.last_answer.clone(),
                status: Stage::of(s).id(),
                level: s.result.as_ref().map(|r| r.level.clone()),
                crisis: st.crisis,
                possible_crisis: st.possible_crisis,
                flags: st.flags.clone(),
                not_asked: st.not_asked.clone(),
                other_rules: st.other_rules,
                disposition: s.disposition().map(|d| match d.accepted {
                    true => format!("{} (accepted)", d.actual_level),
                    false => d.actual_level.clone(),
                }),
                amendments: s.dispositions.len().saturating_sub(1),
                rules_version: format!("{} {}", s.rules_name, s.rules_version),
                file: path.display().to_string(),
                stage: Stage::of(s),
            };
            (row, latest(s))
        })
        .collect();
    rows.sort_by(|(a, at), (b, bt)| {
        (a.group(), std::cmp::Reverse(at), &a.id).cmp(&(b.group(), std::cmp::Reverse(bt), &b.id))
    });
    rows.into_iter().map(|(row, _)| row).collect()
}

/// A column of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Started,
    LastAnswer,
    Status,
    Level,
    Crisis,
    Disposition,
}

/// Every column, for a wide screen or a file.
const WIDE: [Column; 7] = [
    Column::Id,
    Column::Started,
    Column::LastAnswer,
    Column::Status,
    Column::Level,
    Column::Crisis,
    Column::Disposition,
];

/// What an intake worker reads first, for 80 columns.
const NARROW: [Column; 5] = [
    Column::Id,
    Column::LastAnswer,
    Column::Status,
    Column::Crisis,
    Column::Disposition,
];

/// The longest id the list shows whole; a longer one is cut with `…`.
const ID_WIDTH: usize = 20;

/// Blanks between two columns.
const GAP: usize = 2;

/// `id`, at most `ID_WIDTH` characters.
fn cut_id(id: &str) -> String {
    match id.chars().count() > ID_WIDTH {
        true => id.chars().take(ID_WIDTH - 1).chain(['…']).collect(),
        false => id.to_string(),
    }
}

/// A time, local: in full (`2026-11-30 09:00`), or short: the day and
/// time in the current year (`11-30 09:00`), the date alone before it.
fn when(at: &str, short: Option<i16>) -> String {
    let Some(year) = short else {
        return local_time(at);
    };
    match at.parse::<jiff::Timestamp>() {
        Ok(t) => {
            let local = t.to_zoned_datetime(jiff::tz::TimeZone::system());
            let format = match local.year() == year {
                true => "%m-%d %H:%M",
                false => "%Y-%m-%d",
            };
            local.strftime(format).to_string()
        }
        Err(_) => at.to_string(),
    }
}

/// The cells of `rows` in `columns`, the header first; with `short`
/// (this year), times in their short form.
fn grid(rows: &[Row], columns: &[Column], short: Option<i16>) -> Vec<Vec<String>> {
    let header = columns.iter().map(|c| {
        match c {
            Column::Id => "id",
            Column::Started => "started",
            Column::LastAnswer => "last answer",
            Column::Status => "status",
            Column::Level => "level",
            Column::Crisis => "crisis",
            Column::Disposition => "disposition",
        }
        .to_string()
    });
    let mut grid = vec![header.collect::<Vec<_>>()];
    for r in rows {
        let time = |t: &Option<String>| t.as_deref().map(|t| when(t, short));
        let started = time(&r.started).unwrap_or_default();
        let last = time(&r.last_answer).unwrap_or_else(|| "no answer".into());
        let decided = match &r.disposition {
            Some(d) if d.ends_with("(accepted)") => "accepted".to_string(),
            Some(d) => d.clone(),
            None => String::new(),
        };
        let cells = columns.iter().map(|c| match c {
            Column::Id => cut_id(&r.id),
            Column::Started => started.clone(),
            // Beside the start, the last answer's time alone when it was
            // the same day.
            Column::LastAnswer if columns.contains(&Column::Started) => {
                match last.split_once(' ') {
                    Some((day, time)) if started.starts_with(day) => time.to_string(),
                    _ => last.clone(),
                }
            }
            Column::LastAnswer => last.clone(),
            Column::Status => r.stage.shown(r.crisis).to_string(),
            Column::Level => r.level.clone().unwrap_or_default(),
            Column::Crisis => r.risk(),
            Column::Disposition => match r.amendments {
                0 => decided.clone(),
                n if columns.contains(&Column::Started) => format!("{decided} (amended {n}x)"),
                _ => format!("{decided}, amended"),
            },
        });
        grid.push(cells.collect());
    }
    grid
}

/// How many characters `text` takes on screen.
fn chars(text: &str) -> usize {
    text.chars().count()
}

/// The widest cell of each column of `grid`, and its longest word.
fn widths(grid: &[Vec<String>]) -> (Vec<usize>, Vec<usize>) {
    let columns = grid.first().map_or(0, Vec::len);
    let widest = |c: usize, words: bool| {
        grid.iter()
            .flat_map(|row| match words {
                true => row[c].split(' ').collect::<Vec<_>>(),
                false => vec![row[c].as_str()],
            })
            .map(chars)
            .max()
            .unwrap_or(0)
    };
    (
        (0..columns).map(|c| widest(c, false)).collect(),
        (0..columns).map(|c| widest(c, true)).collect(),
    )
}

/// How wide `grid` is on one line a row.
fn grid_width(grid: &[Vec<String>]) -> usize {
    let (cells, _) = widths(grid);
    cells.iter().sum::<usize>() + GAP * cells.len().saturating_sub(1)
}

/// `text` in lines of at most `width` characters, broken between words
/// only (a longer word keeps its line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && chars(&line) + 1 + chars(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// `grid` (the header first) as lines: columns two blanks apart, a rule
/// under the header. Wider than `width`, the columns with most room above
/// their longest word give it up, and their cells wrap between words.
fn render(grid: &[Vec<String>], order: &[Column], width: Option<u16>) -> String {
    let (mut cells, words) = widths(grid);
    let columns = cells.len();
    if let Some(width) = width {
        let room = usize::from(width).saturating_sub(GAP * columns.saturating_sub(1));
        // The status wraps last: `IN PROGRESS – CRISIS` is read at a glance.
        let wraps_first = [
            Column::Disposition,
            Column::Crisis,
            Column::Level,
            Column::LastAnswer,
            Column::Started,
            Column::Status,
        ];
        let mut by_preference = wraps_first
            .iter()
            .filter_map(|w| order.iter().position(|c| c == w));
        let mut at = by_preference.next();
        while let Some(c) = at {
            if cells.iter().sum::<usize>() <= room {
                break;
            }
            match cells[c] > words[c] {
                true => cells[c] -= 1,
                false => at = by_preference.next(),
            }
        }
    }
    let mut out = String::new();
    for (k, row) in grid.iter().enumerate() {
        let wrapped: Vec<Vec<String>> = row.iter().zip(&cells).map(|(t, &w)| wrap(t, w)).collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for n in 0..height {
            let mut line = String::new();
            for (c, lines) in wrapped.iter().enumerate() {
                let text = lines.get(n).map_or("", String::as_str);
                if c > 0 {
                    line.push_str(&" ".repeat(GAP));
                }
                line.push_str(text);
                line.push_str(&" ".repeat(cells[c].saturating_sub(chars(text))));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if k == 0 {
            let rule = cells.iter().sum::<usize>() + GAP * columns.saturating_sub(1);
            out.push_str(&"─".repeat(rule));
            out.push('\n');
        }
    }
    out
}

/// The list as a table for people, `width` columns wide at most: every
/// column when it fits, else the five an intake worker reads first, with
/// short times if need be; a line a row where it fits, words never broken.
/// Under it, what `possible` and `unknown` mean, when a row says so.
pub(crate) fn table(rows: &[Row], width: Option<u16>) -> String {
    let year = jiff::ZonedDateTime::now().year();
    let layouts: [(&[Column], Option<i16>); 3] =
        [(&WIDE, None), (&NARROW, None), (&NARROW, Some(year))];
    let grids = layouts.map(|(columns, short)| (columns, grid(rows, columns, short)));
    let fits = |g: &Vec<Vec<String>>| width.is_none_or(|w| grid_width(g) <= usize::from(w));
    let (columns, chosen) = grids.iter().find(|(_, g)| fits(g)).unwrap_or(&grids[2]);
    let mut out = render(chosen, columns, width);
    let mut notes = Vec::new();
    if rows.iter().any(|r| r.possible_crisis && !r.crisis) {
        notes.push("possible: a safety question not answered yet could mean a crisis");
    }
    if rows.iter().any(|r| r.other_rules) {
        notes.push("unknown: started with other rules, not found here; the answers are not read");
    }
    for note in notes {
        for line in wrap(note, width.map_or(usize::MAX, usize::from)) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
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

/// The columns an export with unfinished sessions adds after `EXTRA`:
/// where each session stands, its flags (the result's, or those its
/// answers so far establish), `true` when an unanswered safety question
/// could mean acute risk (else empty, never `false`), and the instruments
/// it has not reached (their answers are blank because never asked).
const UNFINISHED_EXTRA: [&str; 4] = ["status", "flags", "possible_crisis", "not_asked"];

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportFormat {
    Csv,
    Jsonl,
}

/// What an export writes, and how.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExportOptions<'a> {
    pub(crate) id_column: &'a str,
    pub(crate) format: ExportFormat,
    /// Unfinished sessions too, with the `UNFINISHED_EXTRA` columns.
    pub(crate) unfinished: bool,
}

/// Write the sessions as batch rows (the finished ones, or with
/// `unfinished` every one): `id_column`, the item columns of `rules` in
/// order (then any item a session answered that `rules` lacks, by id),
/// then the recorded result and disposition. `standings` are the
/// sessions', in order. Returns how many were written.
pub(crate) fn export(
    rules: &RuleSet,
    sessions: &[(PathBuf, Session)],
    standings: &[Standing],
    options: ExportOptions<'_>,
    out: &mut dyn Write,
) -> Result<usize, Error> {
    let id_column = options.id_column;
    let chosen: Vec<(&Session, &Standing)> = sessions
        .iter()
        .map(|(_, s)| s)
        .zip(standings)
        .filter(|(s, _)| options.unfinished || s.finished())
        .collect();
    let mut items: Vec<String> = rules
        .items
        .iter()
        .filter(|i| i.is_answerable())
        .map(|i| i.id.clone())
        .collect();
    let mut others: Vec<String> = chosen
        .iter()
        .flat_map(|(s, _)| s.answers.keys())
        .filter(|k| !items.contains(k))
        .cloned()
        .collect();
    others.sort();
    others.dedup();
    items.extend(others);
    let extra: &[&str] = match options.unfinished {
        true => &UNFINISHED_EXTRA,
        false => &[],
    };
    let header: Vec<&str> = std::iter::once(id_column)
        .chain(items.iter().map(String::as_str))
        .chain(EXTRA)
        .chain(extra.iter().copied())
        .collect();
    let rows: Vec<Vec<String>> = chosen
        .iter()
        .map(|(s, st)| {
            let mut cells = row(s, st, &items);
            if options.unfinished {
                cells.extend(unfinished_cells(s, st));
            }
            cells
        })
        .collect();
    let write_err = |source: std::io::Error| Error::Io {
        what: "cannot write the export".into(),
        source,
    };
    match options.format {
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
                // blank; answer codes and counts are numbers, `crisis` and
                // `possible_crisis` booleans, in the CSV's column order.
                let fields: Vec<(&str, serde_json::Value)> = header
                    .iter()
                    .zip(cells)
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(&k, v)| {
                        let boolean = k == "crisis" || k == "possible_crisis";
                        let value = match (k, v.parse::<i64>(), v.parse::<bool>()) {
                            (_, _, Ok(b)) if boolean => serde_json::Value::Bool(b),
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

/// One session's cells: its id, its answers to `items`, then the `EXTRA`
/// columns. An unfinished session's `crisis` is what its answers so far
/// establish (empty when its rule set is not at hand).
fn row(s: &Session, st: &Standing, items: &[String]) -> Vec<String> {
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
    let crisis = match (result, st.other_rules) {
        (Some(r), _) => r.crisis.to_string(),
        (None, true) => String::new(),
        (None, false) => st.crisis.to_string(),
    };
    cells.extend([
        retracted.join(";"),
        result.map(|r| r.level.clone()).unwrap_or_default(),
        crisis,
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

/// A session's `UNFINISHED_EXTRA` cells.
fn unfinished_cells(s: &Session, st: &Standing) -> [String; 4] {
    [
        Stage::of(s).id().to_string(),
        st.flags.join(";"),
        match st.possible_crisis {
            true => "true".into(),
            false => String::new(),
        },
        st.not_asked.join(";"),
    ]
}

/// An unfinished session an export without `--include-unfinished` leaves
/// out, that someone must look at: its safety flags or possible crisis,
/// or that nothing is known of them.
pub(crate) struct LeftOut<'a> {
    pub(crate) id: &'a str,
    pub(crate) path: &'a Path,
    pub(crate) standing: &'a Standing,
}

/// The unfinished sessions holding a safety flag or a possible crisis, or
/// whose flags are not known (other rules).
pub(crate) fn left_out<'a>(
    sessions: &'a [(PathBuf, Session)],
    standings: &'a [Standing],
) -> Vec<LeftOut<'a>> {
    sessions
        .iter()
        .zip(standings)
        .filter(|((_, s), st)| {
            !s.finished() && (!st.safety.is_empty() || st.possible_crisis || st.other_rules)
        })
        .map(|((path, s), standing)| LeftOut {
            id: &s.id,
            path,
            standing,
        })
        .collect()
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

/// What `interview --resume X` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A session file: `X` holds a `/`, or names an existing file.
    File(PathBuf),
    /// An id, looked up in the sessions folder.
    Id(String),
}

/// Read `x` as a path when it holds a `/` or names an existing file, else
/// as an id.
pub(crate) fn target(x: &Path) -> Target {
    let text = x.to_string_lossy();
    match text.contains('/') || x.is_file() {
        true => Target::File(x.to_path_buf()),
        false => Target::Id(text.into_owned()),
    }
}

/// The sessions in `dir` with the id `id`, the newest last answer first;
/// none when the folder does not exist. Files that are no session, or
/// cannot be read, are passed over.
pub(crate) fn with_id(dir: &Path, id: &str) -> Result<Vec<(PathBuf, Session)>, Error> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let (found, _, _) = readable(read_dir(dir)?);
    let mut found: Vec<(PathBuf, Session)> =
        found.into_iter().filter(|(_, s)| s.id == id).collect();
    found.sort_by_key(|(path, s)| (std::cmp::Reverse(latest(s)), path.clone()));
    Ok(found)
}

/// Where a new session of `id` is saved in `dir`: the id and the second
/// it starts, made unique, so that a second session of an id in the same
/// second gets `-2` and never the first one's file.
pub(crate) fn new_path(dir: &Path, id: &str) -> PathBuf {
    let name = crate::interview::session::default_path(id);
    let name = name.file_stem().unwrap_or_default().to_string_lossy();
    let numbered = |n: u32| match n {
        1 => dir.join(format!("{name}.json")),
        n => dir.join(format!("{name}-{n}.json")),
    };
    (1..)
        .map(numbered)
        .find(|p| !p.exists())
        .unwrap_or_else(|| numbered(1))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{rows, so_far, standings, table, target, with_id, Target};
    use crate::answers::Answers;
    use crate::interview::command::Given;
    use crate::interview::session::Session;
    use crate::model::RuleSet;
    use crate::rules::{load, RulesSource};

    fn rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| load(&RulesSource::Embedded).expect("default rules"))
    }

    /// Answers to the first instruments (PHQ-9 to DAST-10, nothing
    /// positive but PHQ-9 item 9), then `more`.
    fn answers(more: &[(&str, i64)]) -> Answers {
        let r = rules();
        let mut a = Answers::new(r);
        let first = ["phq9", "gad7", "audit", "dast10"];
        for ins in r
            .instruments
            .iter()
            .filter(|i| first.contains(&i.id.as_str()))
        {
            for i in ins.items.clone() {
                a.set(r, i, 0).expect("a code");
            }
        }
        for &(id, code) in [("phq9_9", 1)].iter().chain(more) {
            let item = r.item_index(id).expect("an item");
            a.set(r, item, code).expect("a code");
        }
        a
    }

    /// A session of `id` with `answers`, saved in `dir` as `name`.
    fn saved(dir: &Path, name: &str, id: &str, answers: &Answers) -> (PathBuf, Session) {
        let settings = Given::default()
            .settle(None, &mut Vec::new())
            .expect("settings");
        let mut s = Session::new(rules(), id, settings);
        s.set_answers(rules(), answers, &[]);
        let path = dir.join(name);
        s.save(&path).expect("saved");
        (path, s)
    }

    #[test]
    fn answers_so_far_establish_the_crisis_route_and_its_flags() {
        let st = so_far(
            rules(),
            &answers(&[("cssrs_1", 1), ("cssrs_2", 1), ("cssrs_4", 1)]),
        );
        assert!(st.crisis, "{st:?}");
        assert!(
            st.flags.contains(&"suicide_risk_high".to_string()),
            "{st:?}"
        );
        assert!(st.safety.contains(&"suicide_risk_high".to_string()));
        assert!(!st.possible_crisis, "a crisis is no possible one");
        assert_eq!(st.not_asked, ["pcptsd5", "scoff", "context"]);
    }

    #[test]
    fn an_unanswered_safety_question_of_a_reached_instrument_is_a_possible_crisis() {
        // Interrupted before C-SSRS item 4 (intent): a yes would be acute risk.
        let st = so_far(
            rules(),
            &answers(&[("cssrs_1", 1), ("cssrs_2", 1), ("cssrs_3", 1)]),
        );
        assert!(!st.crisis && st.possible_crisis, "{st:?}");
    }

    #[test]
    fn an_instrument_not_reached_is_not_asked_and_no_possible_crisis() {
        // Interrupted after the DAST-10: the C-SSRS is blank because never
        // asked, which is no blank safety answer.
        let st = so_far(rules(), &answers(&[]));
        assert!(!st.crisis && !st.possible_crisis, "{st:?}");
        assert_eq!(st.not_asked, ["cssrs", "pcptsd5", "scoff", "context"]);
        assert_eq!(st.flags, ["suicidal_ideation"], "PHQ-9 item 9 counts");
    }

    #[test]
    fn resume_reads_a_path_or_an_existing_file_else_an_id() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("c-9.json");
        std::fs::write(&file, "{}").expect("file");
        assert_eq!(target(Path::new("c-9")), Target::Id("c-9".into()));
        assert_eq!(target(Path::new("./c-9")), Target::File("./c-9".into()));
        assert_eq!(
            target(Path::new("a/b.json")),
            Target::File("a/b.json".into())
        );
        assert_eq!(target(&file), Target::File(file.clone()));
    }

    #[test]
    fn with_id_finds_the_ids_sessions_newest_first_and_none_in_no_folder() {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        assert!(with_id(&d.join("absent"), "c-1")
            .expect("no folder")
            .is_empty());
        let (_, mut old) = saved(d, "old.json", "c-1", &answers(&[]));
        old.last_answer = Some("2024-01-01T00:00:00Z".into());
        old.save(&d.join("old.json")).expect("saved");
        saved(d, "new.json", "c-1", &answers(&[]));
        saved(d, "other.json", "c-2", &answers(&[]));
        std::fs::write(d.join("notes.json"), "no session").expect("file");
        let found = with_id(d, "c-1").expect("found");
        let names: Vec<_> = found
            .iter()
            .map(|(p, _)| p.file_name().expect("name"))
            .collect();
        assert_eq!(names, ["new.json", "old.json"]);
    }

    #[test]
    fn the_list_fits_80_columns_a_line_a_session_and_never_breaks_a_word() {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        let long = "a-client-id-much-longer-than-twenty";
        let found = vec![
            saved(
                d,
                "a.json",
                long,
                &answers(&[("cssrs_1", 1), ("cssrs_2", 1), ("cssrs_4", 1)]),
            ),
            saved(
                d,
                "b.json",
                "c-2",
                &answers(&[("cssrs_1", 1), ("cssrs_2", 1), ("cssrs_3", 1)]),
            ),
            saved(d, "c.json", "c-3", &answers(&[])),
        ];
        let rows = rows(&found, &standings(&found));
        assert_eq!(rows[0].id, long, "the crisis first, its id whole");
        let shown = table(&rows, Some(80));
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{shown}");
        assert!(lines[2].starts_with("a-client-id-much-lo…  "), "{shown}");
        assert!(lines[2].contains("IN PROGRESS – CRISIS  CRISIS"), "{shown}");
        assert!(
            lines[3].starts_with("c-2 ") && lines[3].contains("possible"),
            "{shown}"
        );
        assert!(
            lines[4].starts_with("c-3 ") && lines[4].contains("1 flag"),
            "{shown}"
        );
        assert!(
            lines[5].starts_with("possible: "),
            "a row a line, then the note: {shown}"
        );
        // Narrower still, cells wrap between words only.
        let narrow = table(&rows, Some(50));
        let words: Vec<&str> = narrow.split_whitespace().collect();
        for word in ["PROGRESS", "a-client-id-much-lo…", "possible", "answer"] {
            assert!(words.contains(&word), "`{word}` whole in:\n{narrow}");
        }
    }

    #[test]
    fn a_new_session_never_takes_an_existing_files_name() {
        let dir = tempfile::tempdir().expect("dir");
        let first = super::new_path(dir.path(), "c/1");
        assert_eq!(first.parent(), Some(dir.path()), "in the folder");
        let name = first
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with("c_1-") && name.ends_with(".json"),
            "{name}"
        );
        std::fs::write(&first, "{}").expect("taken");
        let second = super::new_path(dir.path(), "c/1");
        assert_ne!(first, second);
        assert!(!second.exists());
    }
}
