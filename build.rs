//! Converts the built-in rule set's YAML files to JSON, which the binary
//! parses in a tenth of the time (start-up is mostly parsing the rules).
//!
//! Writes `$OUT_DIR/parsed.rs`: a table of (file name under `rules/`, JSON).
//! A file gets its JSON only when that reads as exactly the same raw file as
//! its YAML does (so a YAML mistake, a tag, a float JSON would round, or
//! anything JSON reads more leniently leaves it out); a file left out is
//! parsed from its YAML at run time, which reports any problem with its place.
#![allow(
    clippy::print_stdout,
    reason = "cargo reads build directives on stdout"
)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

/// The rule-set file types, shared with the binary.
#[allow(dead_code, reason = "only reading is needed here")]
#[path = "src/rules/raw.rs"]
mod raw;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/rules/raw.rs");
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let mut files = Vec::new();
    yaml_files(Path::new("rules"), &mut files);
    files.sort();
    let mut table = String::from("&[\n");
    let _ = fs::create_dir_all(out.join("parsed"));
    for (k, path) in files.iter().enumerate() {
        let Some(json) = fs::read_to_string(path)
            .ok()
            .and_then(|text| to_json(&text))
        else {
            continue;
        };
        let name = path
            .strip_prefix("rules")
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let file = format!("parsed/{k}.json");
        if fs::write(out.join(&file), json).is_ok() {
            table.push_str(&format!(
                "    ({name:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{file}\"))),\n"
            ));
        }
    }
    table.push_str("]\n");
    // The binary includes this table: without it, say why here.
    fs::write(out.join("parsed.rs"), table).expect("cannot write $OUT_DIR/parsed.rs");
}

/// The `.yaml` files under `dir`, at any depth.
fn yaml_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
}

/// The YAML document as JSON text, when that reads as the same raw file.
fn to_json(text: &str) -> Option<String> {
    let from_yaml: raw::RawFile = serde_yaml::from_str(text).ok()?;
    let value: Value = serde_yaml::from_str(text).ok()?;
    let json = json(value)?.to_string();
    let from_json: raw::RawFile = serde_json::from_str(&json).ok()?;
    // Debug shows every field, in order.
    (format!("{from_json:?}") == format!("{from_yaml:?}")).then_some(json)
}

fn json(value: Value) -> Option<serde_json::Value> {
    Some(match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                serde_json::Number::from_f64(n.as_f64()?)?.into()
            }
        }
        Value::String(s) => serde_json::Value::String(s),
        Value::Sequence(items) => {
            serde_json::Value::Array(items.into_iter().map(json).collect::<Option<_>>()?)
        }
        Value::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (key, value) in map {
                let Value::String(key) = key else {
                    return None;
                };
                object.insert(key, json(value)?);
            }
            serde_json::Value::Object(object)
        }
        Value::Tagged(_) => return None,
    })
}
