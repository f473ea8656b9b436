//! Mapping files: reading an export whose column names and answer codes are
//! not the batch contract's (REDCap, other EHR exports). A mapping says which
//! source column holds each item, how source values recode to the item's
//! codes, which values mean "no answer", which rows to score, which columns
//! to copy through, and which instruments the export does not hold.
//!
//! This module owns loading and validating a mapping against a rule set,
//! reading one cell through it, and placing its columns in a header; batch
//! I/O stays in `batch`, which asks this module only when a mapping is given
//! (the contract's own path costs nothing more). `draft` proposes a mapping
//! for a new export.

pub(crate) mod draft;
mod raw;

use std::path::Path;

use crate::answers::{excerpt, parse_bytes};
use crate::error::{AnswerError, Diagnostic, Error, Place};
use crate::model::{ItemIdx, RuleSet};
use raw::{RawMapping, Text};

/// The format version this build reads.
pub(crate) const VERSION: u32 = 1;

/// A validated mapping, for one rule set.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    /// The file it was read from, as given.
    pub(crate) file: String,
    /// The source column holding the record id.
    pub(crate) id: String,
    /// Source columns copied to the output, after the id.
    pub(crate) keep: Vec<String>,
    /// The column and values that admit a row.
    pub(crate) only_if: Option<(String, Vec<String>)>,
    /// Each item's source column, where the mapping names one.
    sources: Vec<Option<String>>,
    /// Each item's recode table (index into `tables`).
    recode: Vec<Option<usize>>,
    tables: Vec<Vec<(String, i64)>>,
    /// Values that are no answer.
    missing: Vec<String>,
    /// Source columns not warned about (lowercase).
    pub(crate) ignore: Vec<String>,
    /// Instruments (indexes) the export does not hold.
    pub(crate) not_collected: Vec<usize>,
}

/// The JSON Schema of mapping files (MAPPING.schema.json).
pub(crate) fn schema() -> String {
    let schema = schemars::schema_for!(RawMapping);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// Read and validate the mapping at `path` against `rules`.
pub(crate) fn load(path: &Path, rules: &RuleSet) -> Result<Mapping, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&path.display().to_string(), &text, rules)
}

/// Validate a mapping's text, reporting every problem at once.
pub(crate) fn parse(file: &str, text: &str, rules: &RuleSet) -> Result<Mapping, Error> {
    let raw: RawMapping = serde_yaml::from_str(text).map_err(|err| {
        let place = err
            .location()
            .map_or(Place::File, |l| Place::LineCol(l.line(), l.column()));
        // The parser's words name fields and types, not the file's values
        // beyond a key.
        let message = err.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        Error::Mapping(vec![diagnostic(
            "mapping-syntax",
            format!("the mapping cannot be read: {message}"),
            file,
            place,
            None,
        )])
    })?;
    validate(file, raw, rules)
}

fn diagnostic(
    code: &'static str,
    message: String,
    file: &str,
    place: Place,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic {
        code,
        message,
        file: file.to_string(),
        place,
        help,
        note: None,
    }
}

/// "did you mean `x`?" for a misspelt id: the nearest by edits, if near.
fn closest<'a>(word: &str, valid: impl Iterator<Item = &'a str>) -> Option<String> {
    let most = (word.len() / 3).max(2);
    valid
        .map(|v| (strsim::levenshtein(word, v), v))
        .filter(|&(edits, _)| edits <= most)
        .min_by_key(|&(edits, _)| edits)
        .map(|(_, v)| format!("did you mean `{v}`?"))
}

fn validate(file: &str, raw: RawMapping, rules: &RuleSet) -> Result<Mapping, Error> {
    let mut problems = Vec::new();
    let mut problem = |code, message: String, path: String, help: Option<String>| {
        problems.push(diagnostic(code, message, file, Place::Path(path), help));
    };
    if raw.mapping != VERSION {
        problem(
            "unsupported-version",
            format!(
                "mapping format {} is not known; this build reads format {VERSION}",
                raw.mapping
            ),
            "mapping".into(),
            None,
        );
    }
    if raw.only_if.as_ref().is_some_and(|o| o.values.is_empty()) {
        problem(
            "only-if-empty",
            "`only_if` lists no values, so no row would be scored".into(),
            "only_if.in".into(),
            None,
        );
    }
    let item_ids = || rules.items.iter().map(|i| i.id.as_str());
    let item =
        |id: &str,
         path: String,
         problem: &mut dyn FnMut(&'static str, String, String, Option<String>)| {
            let found = rules
                .item_index(id)
                .filter(|&i| rules.items[i].is_answerable());
            if found.is_none() {
                problem(
                    "unknown-item",
                    format!(
                        "`{id}` is not an item of rule set {} {}",
                        rules.name, rules.version
                    ),
                    path,
                    closest(id, item_ids()),
                );
            }
            found
        };
    let mut not_collected = Vec::new();
    for (k, id) in raw.not_collected.iter().enumerate() {
        match rules.instruments.iter().position(|i| i.id == *id) {
            Some(index) => not_collected.push(index),
            None => problem(
                "unknown-instrument",
                format!(
                    "`{id}` is not an instrument of rule set {} {}",
                    rules.name, rules.version
                ),
                format!("not_collected[{k}]"),
                closest(id, rules.instruments.iter().map(|i| i.id.as_str())),
            ),
        }
    }
    let mut sources: Vec<Option<String>> = vec![None; rules.items.len()];
    let mut used: Vec<(String, usize)> = Vec::new();
    for (k, column) in raw.columns.iter().enumerate() {
        let path = format!("columns[{k}].item");
        let Some(index) = item(&column.item, path.clone(), &mut problem) else {
            continue;
        };
        let from = column.from.trim().to_string();
        if sources[index].is_some() {
            problem(
                "item-mapped-twice",
                format!("item `{}` is mapped more than once", column.item),
                path,
                Some("map each item from one source column".into()),
            );
            continue;
        }
        if not_collected.contains(&rules.items[index].instrument) {
            problem(
                "mapped-not-collected",
                format!(
                    "item `{}` is mapped, but its instrument is listed in `not_collected`",
                    column.item
                ),
                path,
                None,
            );
        }
        let lower = from.to_ascii_lowercase();
        if let Some((_, other)) = used.iter().find(|(c, _)| *c == lower) {
            problem(
                "column-mapped-twice",
                format!(
                    "source column `{from}` is mapped to both `{}` and `{}`",
                    rules.items[*other].id, column.item
                ),
                format!("columns[{k}].from"),
                None,
            );
        }
        used.push((lower, index));
        sources[index] = Some(from);
    }
    let missing: Vec<String> = raw
        .missing
        .iter()
        .map(|Text(t)| t.trim().to_string())
        .collect();
    let mut recode: Vec<Option<usize>> = vec![None; rules.items.len()];
    let mut tables = Vec::new();
    for (t, table) in raw.recode.iter().enumerate() {
        for key in &table.values.duplicates {
            problem(
                "duplicate-recode-key",
                format!("the value `{key}` is given more than once"),
                format!("recode[{t}].values"),
                Some("give each source value one code".into()),
            );
        }
        for (key, _) in &table.values.pairs {
            if missing.iter().any(|m| m == key.trim()) {
                problem(
                    "recode-key-missing",
                    format!("the value `{key}` is both recoded and listed in `missing`"),
                    format!("recode[{t}].values"),
                    None,
                );
            }
        }
        for (k, id) in table.items.iter().enumerate() {
            let path = format!("recode[{t}].items[{k}]");
            let Some(index) = item(id, path.clone(), &mut problem) else {
                continue;
            };
            if recode[index].is_some() {
                problem(
                    "item-recoded-twice",
                    format!("item `{id}` is in more than one recode table"),
                    path,
                    None,
                );
                continue;
            }
            let it = &rules.items[index];
            for (key, code) in &table.values.pairs {
                if it.score(*code).is_none() {
                    problem(
                        "recode-not-a-code",
                        format!(
                            "`{key}` recodes to {code}, which is not a code of item `{id}` ({})",
                            crate::answers::expected(it)
                        ),
                        format!("recode[{t}].values"),
                        None,
                    );
                }
            }
            recode[index] = Some(t);
        }
        tables.push(
            table
                .values
                .pairs
                .iter()
                .map(|(k, c)| (k.trim().to_string(), *c))
                .collect(),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Mapping(problems));
    }
    Ok(Mapping {
        file: file.to_string(),
        id: raw.id.trim().to_string(),
        keep: raw.keep.iter().map(|k| k.trim().to_string()).collect(),
        only_if: raw.only_if.map(|o| {
            (
                o.column.trim().to_string(),
                o.values
                    .into_iter()
                    .map(|Text(t)| t.trim().to_string())
                    .collect(),
            )
        }),
        sources,
        recode,
        tables,
        missing,
        ignore: raw
            .ignore
            .iter()
            .map(|c| c.trim().to_ascii_lowercase())
            .collect(),
        not_collected,
    })
}

impl Mapping {
    /// The source column an item is read from, when the mapping names one.
    pub(crate) fn source(&self, index: ItemIdx) -> Option<&str> {
        self.sources[index].as_deref()
    }

    /// The column an item is read from: its source, or its own id.
    pub(crate) fn column_of<'a>(&'a self, rules: &'a RuleSet, index: ItemIdx) -> &'a str {
        self.source(index).unwrap_or(&rules.items[index].id)
    }

    /// Whether an item's instrument is one the export does not hold.
    pub(crate) fn not_collected(&self, rules: &RuleSet, index: ItemIdx) -> bool {
        self.not_collected.contains(&rules.items[index].instrument)
    }

    /// Whether a row whose `only_if` cell is `cell` is scored.
    pub(crate) fn admits(&self, cell: &[u8]) -> bool {
        match &self.only_if {
            None => true,
            Some((_, values)) => {
                let cell = cell.trim_ascii();
                values.iter().any(|v| v.as_bytes() == cell)
            }
        }
    }

    /// Read one item's cell: blank or a `missing` value is no answer, a
    /// recoded item's value must be in its table, any other value must be
    /// one of the item's codes (as without a mapping). Errors name the
    /// source column and the item.
    pub(crate) fn read(
        &self,
        rules: &RuleSet,
        index: ItemIdx,
        cell: &[u8],
    ) -> Result<Option<i64>, AnswerError> {
        let trimmed = cell.trim_ascii();
        if trimmed.is_empty() || self.missing.iter().any(|m| m.as_bytes() == trimmed) {
            return Ok(None);
        }
        let item = &rules.items[index];
        if let Some(t) = self.recode[index] {
            let table = &self.tables[t];
            return match table.iter().find(|(k, _)| k.as_bytes() == trimmed) {
                Some(&(_, code)) => Ok(Some(code)),
                None => {
                    let keys: Vec<&str> = table.iter().map(|(k, _)| k.as_str()).collect();
                    let value = excerpt(&String::from_utf8_lossy(trimmed));
                    Err(AnswerError::Mapped {
                        column: self.column_of(rules, index).to_string(),
                        item: item.id.clone(),
                        reason: format!(
                            "`{value}` is not in the recode table (expected one of {})",
                            keys.join(", ")
                        ),
                        value: Some(value),
                    })
                }
            };
        }
        parse_bytes(rules, index, cell).map_err(|err| self.name(rules, index, err))
    }

    /// An answer error for an item, naming its source column too when the
    /// mapping reads it from another column.
    pub(crate) fn name(&self, rules: &RuleSet, index: ItemIdx, err: AnswerError) -> AnswerError {
        let Some(column) = self.source(index) else {
            return err;
        };
        let item = rules.items[index].id.clone();
        match err {
            AnswerError::Invalid {
                value, expected, ..
            } => AnswerError::Mapped {
                column: column.to_string(),
                item,
                reason: format!("`{value}` is not a valid answer ({expected})"),
                value: Some(value),
            },
            AnswerError::Missing { .. } => AnswerError::Mapped {
                column: column.to_string(),
                item,
                value: None,
                reason: "missing required answer".into(),
            },
            other => other,
        }
    }

    /// An answer error, its item's source column named (see `name`).
    pub(crate) fn rename(&self, rules: &RuleSet, err: AnswerError) -> AnswerError {
        let index = match &err {
            AnswerError::Invalid { item, .. } | AnswerError::Missing { item } => {
                rules.item_index(item)
            }
            _ => None,
        };
        match index {
            Some(index) => self.name(rules, index, err),
            None => err,
        }
    }
}

/// Where a mapping's columns are in a header of trimmed names.
#[derive(Debug)]
pub(crate) struct Placed {
    pub(crate) id: usize,
    /// (column, item), in item order.
    pub(crate) items: Vec<(usize, ItemIdx)>,
    pub(crate) keep: Vec<usize>,
    pub(crate) only_if: Option<usize>,
    /// Columns neither read nor listed under `ignore`.
    pub(crate) ignored: Vec<String>,
}

impl Mapping {
    /// Place the mapping's columns in `names` (the header, trimmed). Every
    /// column it names must be there, and every needed item's column
    /// (unless its instrument is not collected); else the error names each.
    pub(crate) fn place(&self, rules: &RuleSet, names: &[String]) -> Result<Placed, Error> {
        let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        let find = |name: &str| lower.iter().position(|n| *n == name.to_ascii_lowercase());
        let mut absent: Vec<(String, Option<String>)> = Vec::new();
        let need = |name: &str, absent: &mut Vec<(String, Option<String>)>| {
            let found = find(name);
            if found.is_none() && !absent.iter().any(|(a, _)| a == name) {
                absent.push((name.to_string(), None));
            }
            found
        };
        let id = need(&self.id, &mut absent);
        let keep: Vec<usize> = self
            .keep
            .iter()
            .filter_map(|k| need(k, &mut absent))
            .collect();
        let only_if = match &self.only_if {
            Some((column, _)) => need(column, &mut absent),
            None => None,
        };
        let mut items = Vec::new();
        for (index, item) in rules.items.iter().enumerate() {
            if !item.is_answerable() || self.not_collected(rules, index) {
                continue;
            }
            let column = self.column_of(rules, index);
            let needed = self.source(index).is_some() || item.required || !item.scales.is_empty();
            match find(column) {
                Some(j) => items.push((j, index)),
                None if needed => absent.push((
                    column.to_string(),
                    self.source(index).map(|_| item.id.clone()),
                )),
                None => {}
            }
        }
        if !absent.is_empty() {
            return Err(Error::MappedColumnsMissing {
                map: self.file.clone(),
                columns: absent,
            });
        }
        let Some(id) = id else {
            return Err(Error::MappedColumnsMissing {
                map: self.file.clone(),
                columns: vec![(self.id.clone(), None)],
            });
        };
        let ignored = lower
            .iter()
            .enumerate()
            .filter(|&(j, name)| {
                j != id
                    && !keep.contains(&j)
                    && only_if != Some(j)
                    && !items.iter().any(|&(c, _)| c == j)
                    && !self.ignore.contains(name)
            })
            .map(|(_, name)| name.clone())
            .collect();
        Ok(Placed {
            id,
            items,
            keep,
            only_if,
            ignored,
        })
    }
}

#[cfg(test)]
mod tests;
