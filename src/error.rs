//! Typed errors, each carrying the context a user needs to find the problem.
//!
//! Rendering to text happens in `cli.rs`, the one place that prints errors.

use std::fmt;
use std::path::PathBuf;

/// Where a rule-set problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// Line and column (1-based) from the YAML parser.
    LineCol(usize, usize),
    /// A YAML path found at a line and column (1-based) of the file.
    At {
        line: usize,
        col: usize,
        path: String,
    },
    /// YAML path inside the file, e.g. `placement.rules[3].when.scale`.
    Path(String),
    /// The file as a whole.
    File,
}

/// One rule-set problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `unknown-reference`.
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) file: String,
    pub(crate) place: Place,
    pub(crate) help: Option<String>,
    /// More about the problem, e.g. the YAML parser's own words.
    pub(crate) note: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error[{}]: {}", self.code, self.message)?;
        match &self.place {
            Place::LineCol(line, col) => write!(f, " --> {}:{line}:{col}", self.file)?,
            Place::At { line, col, path } if !path.is_empty() => {
                write!(f, " --> {}:{line}:{col} ({path})", self.file)?
            }
            Place::At { line, col, .. } => write!(f, " --> {}:{line}:{col}", self.file)?,
            Place::Path(path) if !path.is_empty() => write!(f, " --> {}: {path}", self.file)?,
            Place::Path(_) => write!(f, " --> {}", self.file)?,
            Place::File => write!(f, " --> {}", self.file)?,
        }
        if let Some(note) = &self.note {
            write!(f, "\nnote: {note}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

/// Why a record's answers could not be scored. Never carries answer values
/// beyond the offending one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("column `{item}`: missing required answer")]
    Missing { item: String },
    #[error("column `{item}`: `{value}` is not a valid answer ({expected})")]
    Invalid {
        item: String,
        value: String,
        expected: String,
    },
    #[error("scale `{scale}`: {missing} items missing, at most {allowed} may be (first missing: `{item}`)")]
    TooManyMissing {
        scale: String,
        item: String,
        missing: u32,
        allowed: u32,
    },
    #[error("record has {found} fields, the header has {expected}")]
    FieldCount { found: usize, expected: usize },
    #[error("column `{column}`: {reason}")]
    Column { column: String, reason: String },
    /// A problem with an answer read through a mapping (`--map`): the
    /// source column and the item it holds.
    #[error("column `{column}` (item `{item}`): {reason}")]
    Mapped {
        column: String,
        item: String,
        /// The offending value (its first characters), when there is one.
        value: Option<String>,
        reason: String,
    },
}

/// Why a saved interview session cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("cannot read session `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("session `{}` is not a carescreen session: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error(
        "session `{}` was started with rule set {name} {version} (sha256 {sha}…), not the one loaded now; \
         resume it with the same rules (--rules), or start a new interview",
        path.display()
    )]
    OtherRules {
        path: PathBuf,
        name: String,
        version: String,
        sha: String,
    },
}

/// Errors that stop a command from running.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the rule set has {} problem(s)", .0.len())]
    Rules(Vec<Diagnostic>),
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("input row {row}: {message}")]
    Csv { row: u64, message: String },
    #[error("input header: missing required column(s) {}", list_some(columns))]
    MissingColumns {
        columns: Vec<String>,
        /// Set when the id column is among the missing.
        id_column: Option<String>,
    },
    #[error("input header: column `{column}` appears more than once")]
    DuplicateColumn { column: String },
    #[error("input is empty: expected a header row")]
    EmptyInput,
    /// Command-line misuse the argument parser cannot catch.
    #[error("{0}")]
    Usage(String),
    #[error(
        "the interview needs a terminal (stdin and stderr); to score answers from a file use \
         `carescreen score FILE`"
    )]
    NoTerminal,
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(
        "session `{}` already exists; continue it with --resume, or name another --session",
        path.display()
    )]
    SessionExists { path: PathBuf },
    /// `interview --resume ID`: no session in the folder has that id.
    #[error(
        "no session has the id `{id}` in {}\nhelp: `carescreen sessions list --dir {}` lists the \
         sessions there; name another folder with --dir, or the session file by its path",
        dir.display(),
        dir.display()
    )]
    NoSessionWithId { id: String, dir: PathBuf },
    /// `interview --resume ID` with several sessions of that id, and no
    /// terminal to pick one on.
    #[error(
        "`{id}` has {} sessions in {}; name the one to resume by its path:{}",
        paths.len(),
        dir.display(),
        paths.iter().map(|p| format!("\n  {}", p.display())).collect::<String>()
    )]
    SessionsWithId {
        id: String,
        dir: PathBuf,
        paths: Vec<PathBuf>,
    },
    /// The interview could not go on (not an interruption: its answers are saved).
    #[error(
        "the interview stopped: {source}; resume with: carescreen interview --resume {}",
        session.display()
    )]
    InterviewStopped {
        session: PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Recording the disposition failed after the result was shown.
    #[error("{source}")]
    Disposition {
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A finished interview's answers could not be scored.
    #[error("{source}")]
    Unscorable { id: String, source: AnswerError },
    /// A record file for `explain` that cannot be read as one: its place
    /// and what was expected, never a value from it (health data).
    #[error("`{}`: {reason}{}", path.display(), place_of(path, *place))]
    NotARecord {
        path: PathBuf,
        place: Option<(usize, usize)>,
        reason: String,
    },
    /// `rules diff --data`: the file has no column for items a rule set
    /// needs (all named, so the user can decide to fill them).
    #[error(
        "`{}` has no column for {} item(s) the {side} rule set needs: {}",
        data.display(),
        items.len(),
        items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
    )]
    DataLacksItems {
        data: PathBuf,
        /// `old` or `new`.
        side: &'static str,
        items: Vec<String>,
    },
    #[error("the note template cannot be used: {0}")]
    Template(String),
    /// A mapping file (`--map`) with problems, each with its place.
    #[error("the mapping has {} problem(s)", .0.len())]
    Mapping(Vec<Diagnostic>),
    /// The input header lacks columns a mapping reads: each source column,
    /// with the item it holds when the mapping names it.
    #[error(
        "input header: missing column(s) the mapping `{map}` reads: {}",
        columns.iter().map(|(c, item)| match item {
            Some(item) => format!("`{c}` (item `{item}`)"),
            None => format!("`{c}`"),
        }).collect::<Vec<_>>().join(", ")
    )]
    MappedColumnsMissing {
        map: String,
        columns: Vec<(String, Option<String>)>,
    },
}

/// ` --> file:line:col` on a line of its own, where the place is known.
fn place_of(path: &std::path::Path, place: Option<(usize, usize)>) -> String {
    place.map_or(String::new(), |(line, col)| {
        format!("\n --> {}:{line}:{col}", path.display())
    })
}

/// At most eight names, then how many more.
fn list_some(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut out: Vec<String> = names.iter().take(SHOWN).map(|c| format!("`{c}`")).collect();
    if names.len() > SHOWN {
        out.push(format!("and {} more", names.len() - SHOWN));
    }
    out.join(", ")
}
