//! Loading a rule set: read the files, parse them strictly, validate.
//!
//! This module owns serde_yaml. It reads the main file and its includes, and
//! hands the raw files to `validate`, which reports every problem at once.
//! A file that does not parse is reported (`syntax` words the reader's
//! message) and left out; the others are still validated. Only when there
//! are problems does `locate` find the line of each one's YAML path.

pub(crate) mod locate;
mod problem;
mod raw;
mod record;
mod syntax;
mod validate;

pub(crate) use locate::{line_of, place_in};
pub(crate) use problem::Problem;
pub(crate) use record::parse_record;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Diagnostic, Error, Place};
use crate::model::{RuleSet, WrittenFile};

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
    text: Cow<'static, str>,
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
    // A file that does not parse is reported and left out; the others are
    // still checked. The main file's includes are read even when it does
    // not fit the rule-set format, as long as it is YAML.
    let mut broken = Vec::new();
    let (main_raw, includes) = match parse(&main, &mut diags) {
        Some(raw) => {
            let includes = raw.include.clone();
            (raw, includes)
        }
        None => {
            broken.push(main.name.clone());
            (raw::RawFile::default(), includes_of(&main.text))
        }
    };
    let mut files = vec![(main.name.clone(), main_raw)];
    let mut texts = vec![main.text.clone()];
    let mut read = vec![WrittenFile {
        name: main.name.clone(),
        text: main.text,
    }];
    for (i, include) in includes.iter().enumerate() {
        match reader.read(include) {
            Ok(file) => {
                match parse(&file, &mut diags) {
                    Some(raw) => {
                        files.push((file.name.clone(), raw));
                        texts.push(file.text.clone());
                    }
                    None => broken.push(file.name.clone()),
                }
                read.push(WrittenFile {
                    name: file.name,
                    text: file.text,
                });
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
    match validate::validate(&files, &texts, &broken, lang, sha256, diags) {
        Ok(mut rules) => {
            rules.written.files = read;
            Ok(rules)
        }
        Err(mut diags) => {
            let text_of = |name: &str| {
                read.iter()
                    .find(|f| f.name == name)
                    .map(|f| f.text.as_ref())
            };
            locate::place(&mut diags, text_of);
            Err(Error::Rules(diags))
        }
    }
}

/// The `include` list of a main file that is YAML but not a rule-set file
/// (an unknown key, say), so its includes are still checked.
fn includes_of(text: &str) -> Vec<String> {
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Vec::new();
    };
    value
        .get("include")
        .and_then(|list| list.as_sequence())
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
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
            let location = err.location().map(|loc| (loc.line(), loc.column()));
            let read = syntax::read(&err.to_string(), location, &file.text);
            diags.push(
                Problem::Syntax {
                    syntax: read.syntax,
                    original: read.original,
                }
                .at(&file.name, read.place),
            );
            None
        }
    }
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
                    text: Cow::Borrowed(*text),
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
                    text: Cow::Owned(text),
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
            text: text.to_string().into(),
            json,
        };
        let mut diags = Vec::new();
        let raw = parse(&file("name: from yaml\n", Some("{\"nme\": 1}")), &mut diags);
        assert_eq!(raw.and_then(|r| r.name).as_deref(), Some("from yaml"));
        assert!(parse(&file("name: [\n", None), &mut diags).is_none());
        assert_eq!(diags.len(), 1);
        assert!(
            matches!(diags[0].place, Place::At { line: 1, .. }),
            "{:?}",
            diags[0]
        );
    }

    #[test]
    fn any_cut_or_mangled_file_is_reported_with_its_place_and_never_panics() {
        let (_, text) = EMBEDDED[1];
        let mangles = [
            ("", ""),
            ("  ", "\t"),
            (": ", ": : "),
            ("- ", " - "),
            ("{", ""),
        ];
        let mut reported = 0;
        for (from, to) in mangles {
            let mangled = text.replacen(from, to, 3);
            for (cut, _) in mangled.char_indices().step_by(41) {
                let file = SourceFile {
                    name: "x.yaml".into(),
                    text: mangled[..cut].to_string().into(),
                    json: None,
                };
                // The span parser reads every cut too.
                let mut placed =
                    vec![Problem::NoLevels
                        .at("x.yaml", Place::Path("instruments[0].items[2]".into()))];
                locate::place(&mut placed, |_| Some(&mangled[..cut]));
                let mut diags = Vec::new();
                if parse(&file, &mut diags).is_none() {
                    reported += 1;
                    locate::place(&mut diags, |_| Some(&mangled[..cut]));
                    assert_eq!(diags.len(), 1);
                    assert!(
                        !matches!(diags[0].place, Place::File | Place::Path(_)),
                        "{}",
                        diags[0]
                    );
                }
            }
        }
        assert!(reported > 50, "{reported} cut files reported");
    }
}
