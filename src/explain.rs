//! `explain`: one record, read from a record file (YAML or JSON, each
//! answer read as a batch cell is) or from a row of a batch file (read as
//! `score` reads it), optionally filled as test cases are, then explained
//! by `report::explain`. Returns text; `cli` prints it.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::answers::Answers;
use crate::assess::{assess, fill_least_severe};
use crate::batch;
use crate::error::{AnswerError, Error};
use crate::messages::Lang;
use crate::model::{ItemIdx, RuleSet};
use crate::report::note::NoteRenderer;

/// What to explain.
#[derive(Debug)]
pub(crate) enum Source {
    /// A record file.
    Record(PathBuf),
    /// The rows of a batch file with this id, in this id column.
    Row {
        data: PathBuf,
        id: String,
        id_column: String,
        /// A mapping to read the file through (`--map`).
        map: Option<PathBuf>,
        /// The byte between the file's cells.
        delimiter: u8,
    },
}

/// The explanation, ready to print.
#[derive(Debug)]
pub(crate) struct Explained {
    pub(crate) text: String,
    /// Some record was rejected (exit 1, as `score` for a rejected row).
    pub(crate) rejected: bool,
    /// Said on stderr: keys that take no answer, ignored.
    pub(crate) notes: Vec<String>,
}

/// Explain `source`; with `fill`, answer what it leaves out as test cases
/// are, saying which items were filled; with `fired_only`, list only the
/// rules that fired.
pub(crate) fn run(
    rules: &RuleSet,
    source: &Source,
    fill: bool,
    fired_only: bool,
) -> Result<Explained, Error> {
    let lang = Lang::of(&rules.lang);
    let filled_words = |filled: &[ItemIdx]| -> String {
        let ids: Vec<String> = filled.iter().map(|&i| rules.items[i].id.clone()).collect();
        let mut words = lang.explain_filled(&ids);
        if let Some(warning) = crate::report::words::filled_safety(rules, filled) {
            words.push('\n');
            words.push_str(&warning);
        }
        words + "\n\n"
    };
    let mut out = Explained {
        text: String::new(),
        rejected: false,
        notes: Vec::new(),
    };
    let (data, id, id_column, delimiter) = match source {
        Source::Record(file) => {
            let (answers, filled) = read_record(rules, file, fill, &mut out.notes)?;
            if fill {
                out.text.push_str(&filled_words(&filled));
            }
            let (text, rejected) = explain_one(
                rules,
                &file.display().to_string(),
                &answers,
                None,
                fired_only,
            )?;
            out.text.push_str(&text);
            out.rejected = rejected;
            return Ok(out);
        }
        Source::Row {
            data,
            id,
            id_column,
            map,
            delimiter,
        } => (data, id.trim(), (id_column, map), *delimiter),
    };
    let (id_column, map) = id_column;
    let mapping = match map {
        Some(path) => Some(std::sync::Arc::new(crate::mapping::load(path, rules)?)),
        None => None,
    };
    let id_column = mapping
        .as_ref()
        .map_or(id_column.as_str(), |m| m.id.as_str());
    if id.is_empty() {
        // `score` rejects a row without an id: there is none to explain.
        return Err(Error::Usage("--id needs a record id".into()));
    }
    let input = File::open(data).map_err(|source| Error::Read {
        path: data.clone(),
        source,
    })?;
    let mut found = Vec::new();
    let input = BufReader::new(input);
    let absent = batch::each_row(
        rules,
        input,
        id_column,
        mapping.as_ref(),
        delimiter,
        fill,
        |row| {
            if row.id == id {
                found.push((row.sheet_row, row.answers.clone(), row.unfit));
            }
        },
    )?;
    if found.is_empty() {
        return Err(Error::Usage(format!(
            "no row of `{}` has the id `{id}` in column `{id_column}`",
            data.display(),
        )));
    }
    let rows = found.len();
    for (n, (sheet_row, answers, unfit)) in found.into_iter().enumerate() {
        if n > 0 {
            out.text.push('\n');
        }
        let of = (rows > 1).then_some((n + 1, rows, id));
        let place = lang.explain_row(&data.display().to_string(), sheet_row, of);
        out.text.push_str(&place);
        out.text.push_str("\n\n");
        if fill {
            let filled: Vec<ItemIdx> = absent
                .iter()
                .copied()
                .filter(|&i| answers.get(i).is_some())
                .collect();
            out.text.push_str(&filled_words(&filled));
        }
        let (text, rejected) = explain_one(rules, id, &answers, unfit, fired_only)?;
        out.rejected |= rejected;
        out.text.push_str(&text);
    }
    Ok(out)
}

/// A record file's answers, each read as a batch cell is; with `fill`, the
/// items it does not name answered as test cases are, and which of them
/// skip logic shows.
fn read_record(
    rules: &RuleSet,
    file: &Path,
    fill: bool,
    notes: &mut Vec<String>,
) -> Result<(Answers, Vec<ItemIdx>), Error> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let check = |key: &str| match rules.item_index(key) {
        Some(_) => Ok(()),
        None => Err(format!(
            "`{key}` is not an item of this rule set (`carescreen template` lists the item ids)"
        )),
    };
    let entries = crate::rules::parse_record(&text, &check).map_err(|e| Error::NotARecord {
        path: file.to_path_buf(),
        place: e.place,
        reason: e.reason,
    })?;
    let mut answers = Answers::new(rules);
    let mut named = vec![false; rules.items.len()];
    for entry in entries {
        let Some(index) = rules.item_index(&entry.key) else {
            continue;
        };
        named[index] = true;
        if !rules.items[index].is_answerable() {
            // As a batch column for it would be.
            notes.push(format!(
                "note: `{}` takes no answer; its value is ignored",
                entry.key
            ));
            continue;
        }
        answers.set_text(rules, index, entry.text.as_deref().unwrap_or(""));
    }
    let filled = match fill {
        true => fill_least_severe(rules, &mut answers, |i| named[i]),
        false => Vec::new(),
    };
    Ok((answers, filled))
}

/// One record explained: scored, or rejected as `score` rejects it, with
/// the flags its answers establish and its note (then `true`).
fn explain_one(
    rules: &RuleSet,
    id: &str,
    answers: &Answers,
    unfit: Option<AnswerError>,
    fired_only: bool,
) -> Result<(String, bool), Error> {
    let result = match unfit {
        Some(err) => Err(err),
        None => assess(rules, answers),
    };
    match result {
        Ok(a) => Ok((crate::report::explain::scored(rules, &a, fired_only), false)),
        Err(err) => {
            let renderer = NoteRenderer::new(rules).map_err(|e| Error::Template(e.message))?;
            let problems = batch::rejection_problems(rules, answers, err);
            Ok((
                crate::report::explain::rejected(rules, &renderer, id, answers, &problems),
                true,
            ))
        }
    }
}
