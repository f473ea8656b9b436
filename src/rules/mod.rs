//! Loading a rule set: read the files, parse them strictly, validate.
//!
//! This module owns serde_yaml. It reads the main file and its includes, and
//! hands the raw files to `validate`, which reports every problem at once.

mod problem;
mod raw;
mod record;
mod validate;

pub(crate) use problem::Problem;
pub(crate) use record::parse_record;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Diagnostic, Error, Place};
use crate::model::RuleSet;

/// The default rule set, compiled into the binary: (path, content).
const EMBEDDED: &[(&str, &str)] = &[
    ("ruleset.yaml", include_str!("../../rules/ruleset.yaml")),
    (
        "instruments/phq9.yaml",
        include_str!("../../rules/instruments/phq9.yaml"),
    ),
    (
        "instruments/gad7.yaml",
        include_str!("../../rules/instruments/gad7.yaml"),
    ),
    (
        "instruments/audit.yaml",
        include_str!("../../rules/instruments/audit.yaml"),
    ),
    (
        "instruments/dast10.yaml",
        include_str!("../../rules/instruments/dast10.yaml"),
    ),
    (
        "instruments/cssrs.yaml",
        include_str!("../../rules/instruments/cssrs.yaml"),
    ),
    (
        "instruments/pcptsd5.yaml",
        include_str!("../../rules/instruments/pcptsd5.yaml"),
    ),
    (
        "instruments/scoff.yaml",
        include_str!("../../rules/instruments/scoff.yaml"),
    ),
    (
        "instruments/context.yaml",
        include_str!("../../rules/instruments/context.yaml"),
    ),
    ("placement.yaml", include_str!("../../rules/placement.yaml")),
    ("note.yaml", include_str!("../../rules/note.yaml")),
    ("cases.yaml", include_str!("../../rules/cases.yaml")),
];

/// The default rule set's files as JSON, converted from their YAML when
/// the binary is built (build.rs): (path, JSON). Parsing JSON takes a tenth
/// of the time, and start-up is mostly parsing. A file missing here is
/// parsed from its YAML.
const EMBEDDED_JSON: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/parsed.rs"));

/// The JSON of the built-in file `path`, if build.rs wrote one.
fn embedded_json(path: &str) -> Option<&'static str> {
    EMBEDDED_JSON
        .iter()
        .find(|(json_path, _)| *json_path == path)
        .map(|&(_, json)| json)
}

/// The name of the main file when `--rules` names a directory.
pub(crate) const MAIN_FILE: &str = "ruleset.yaml";

/// Where a rule set comes from.
#[derive(Debug, Clone)]
pub enum RulesSource {
    /// The default rule set compiled into the binary.
    Embedded,
    /// A main file, or a directory holding `ruleset.yaml`.
    Path(PathBuf),
}

/// A file's text and the name it is reported under.
struct SourceFile {
    name: String,
    text: String,
    /// The same content as JSON, for a built-in file.
    json: Option<&'static str>,
}

/// Load and validate a rule set, its texts in English. Every problem found
/// is returned at once.
pub fn load(source: &RulesSource) -> Result<RuleSet, Error> {
    load_in(source, "en")
}

/// Load and validate a rule set with its texts in `lang` (English where a
/// text has no translation; `RuleSet::translations` counts those).
pub fn load_in(source: &RulesSource, lang: &str) -> Result<RuleSet, Error> {
    let reader = Reader::new(source)?;
    let main = reader.read(&reader.main)?;
    let mut diags = Vec::new();
    let Some(main_raw) = parse(&main, &mut diags) else {
        return Err(Error::Rules(diags));
    };
    let mut files = vec![(main.name.clone(), main_raw)];
    let mut texts = vec![main.text.clone()];
    let includes = files[0].1.include.clone();
    for (i, include) in includes.iter().enumerate() {
        match reader.read(include) {
            Ok(file) => {
                if let Some(raw) = parse(&file, &mut diags) {
                    files.push((file.name, raw));
                    texts.push(file.text);
                }
            }
            Err(err) => diags.push(
                Problem::IncludeUnreadable {
                    message: err.to_string(),
                }
                .at(&main.name, Place::Path(format!("include[{i}]"))),
            ),
        }
    }
    let sha256 = canonical_sha256(&files);
    match validate::validate(&files, &texts, lang, sha256, diags) {
        Ok(rules) => Ok(rules),
        Err(diags) => Err(Error::Rules(diags)),
    }
}

fn parse(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Option<raw::RawFile> {
    if file.text.trim().is_empty() {
        return Some(raw::RawFile::default());
    }
    // JSON from the same YAML gives the same file; YAML otherwise, which
    // reports any problem with its place.
    if let Some(raw) = file.json.and_then(|json| serde_json::from_str(json).ok()) {
        return Some(raw);
    }
    match serde_yaml::from_str::<raw::RawFile>(&file.text) {
        Ok(raw) => Some(raw),
        Err(err) => {
            let place = match err.location() {
                Some(loc) => Place::LineCol(loc.line(), loc.column()),
                None => Place::File,
            };
            diags.push(
                Problem::Syntax {
                    message: strip_location(&err.to_string()),
                }
                .at(&file.name, place),
            );
            None
        }
    }
}

/// serde_yaml puts " at line L column C" in messages; the location is
/// reported separately, so every such phrase is removed.
fn strip_location(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " at line ".len()..];
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line_len = digits(tail);
        let after_line = &tail[line_len..];
        match after_line.strip_prefix(" column ") {
            Some(col) if line_len > 0 && digits(col) > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(" at line ");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// SHA-256 over the parsed content (not the bytes), so comments and layout
/// do not change it; file names do not either.
fn canonical_sha256(files: &[(String, raw::RawFile)]) -> String {
    let contents: Vec<&raw::RawFile> = files.iter().map(|(_, raw)| raw).collect();
    // Serializing plain data structs to JSON cannot fail.
    let json = serde_json::to_vec(&contents).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the main file and its includes, from disk or from the embedded set.
struct Reader {
    main: String,
    base: Option<PathBuf>,
}

impl Reader {
    fn new(source: &RulesSource) -> Result<Self, Error> {
        match source {
            RulesSource::Embedded => Ok(Reader {
                main: MAIN_FILE.to_string(),
                base: None,
            }),
            RulesSource::Path(path) => {
                let main = if path.is_dir() {
                    path.join(MAIN_FILE)
                } else {
                    path.clone()
                };
                let base = main.parent().map(Path::to_path_buf).unwrap_or_default();
                let name = main.file_name().map(|n| n.to_string_lossy().into_owned());
                Ok(Reader {
                    main: name.unwrap_or_default(),
                    base: Some(base),
                })
            }
        }
    }

    fn read(&self, name: &str) -> Result<SourceFile, Error> {
        match &self.base {
            None => EMBEDDED
                .iter()
                .find(|(path, _)| *path == name)
                .map(|(path, text)| SourceFile {
                    name: path.to_string(),
                    text: text.to_string(),
                    json: embedded_json(path),
                })
                .ok_or_else(|| Error::Read {
                    path: PathBuf::from(name),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "not part of the embedded rule set",
                    ),
                }),
            Some(base) => {
                let path = base.join(name);
                let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                Ok(SourceFile {
                    name: path.display().to_string(),
                    text,
                    json: None,
                })
            }
        }
    }
}

/// The JSON Schema of a rule-set file, for editors (committed as
/// `rules/schema.json`).
pub(crate) fn schema() -> String {
    let schema = schemars::schema_for!(raw::RawFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// A language code: `es`, or with a region, `es-MX`.
pub(crate) fn is_language_code(code: &str) -> bool {
    let (lang, region) = code.split_once('-').unwrap_or((code, ""));
    lang.len() == 2
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && (region.is_empty()
            || (region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_file_has_json_that_reads_as_its_yaml_does() {
        for (path, yaml) in EMBEDDED {
            let json =
                embedded_json(path).unwrap_or_else(|| panic!("{path}: build.rs wrote no JSON"));
            let from_yaml: raw::RawFile = serde_yaml::from_str(yaml).expect("the YAML reads");
            let from_json: raw::RawFile = serde_json::from_str(json).expect("the JSON reads");
            // Debug shows every field, in order, cases and includes too.
            assert_eq!(format!("{from_json:?}"), format!("{from_yaml:?}"), "{path}");
        }
    }

    #[test]
    fn a_file_without_json_is_read_from_its_yaml_with_its_place() {
        let file = |text: &str, json| SourceFile {
            name: "x.yaml".into(),
            text: text.into(),
            json,
        };
        let mut diags = Vec::new();
        let raw = parse(&file("name: from yaml\n", Some("{\"nme\": 1}")), &mut diags);
        assert_eq!(raw.and_then(|r| r.name).as_deref(), Some("from yaml"));
        assert!(parse(&file("name: [\n", None), &mut diags).is_none());
        assert_eq!(diags.len(), 1);
        assert!(
            matches!(diags[0].place, Place::LineCol(..)),
            "{:?}",
            diags[0]
        );
    }
}
