//! The interview's session file: the answers so far, and the originals of
//! answers a re-ask replaced (policy 1.1), saved atomically together after
//! every answer, readable by the owner only, tied to one rule set by its
//! SHA-256 so a resumed session is never scored by other rules.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Replaced;
use crate::answers::Answers;
pub(crate) use crate::error::SessionError;
use crate::model::RuleSet;

const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionFile {
    format: u32,
    rules_name: String,
    rules_version: String,
    rules_sha256: String,
    id: String,
    /// Item id → answer code.
    answers: BTreeMap<String, i64>,
    /// Answers a re-ask replaced, oldest first. Absent in sessions saved
    /// before re-asks existed, and while there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    replaced: Vec<ReplacedEntry>,
}

/// An original answer a re-ask replaced.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplacedEntry {
    /// Item id.
    item: String,
    /// The original answer code.
    code: i64,
    /// Id of the item whose answer hid it.
    hidden_by: Option<String>,
}

/// Where a new session is saved by default: the user's data folder.
pub(crate) fn default_path(id: &str) -> PathBuf {
    let base = dirs::data_dir().unwrap_or_else(std::env::temp_dir);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    base.join("carescreen")
        .join("sessions")
        .join(format!("{safe}-{stamp}.json"))
}

/// Save atomically (a temporary file beside it, then a rename), owner-only.
pub(crate) fn save(
    path: &Path,
    rules: &RuleSet,
    id: &str,
    answers: &Answers,
    replaced: &[Replaced],
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        // Folders made for sessions are the owner's only, like the files.
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let file = SessionFile {
        format: FORMAT,
        rules_name: rules.name.clone(),
        rules_version: rules.version.clone(),
        rules_sha256: rules.sha256.clone(),
        id: id.to_string(),
        answers: rules
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| answers.get(i).map(|code| (item.id.clone(), code)))
            .collect(),
        replaced: replaced
            .iter()
            .map(|r| ReplacedEntry {
                item: rules.items[r.item].id.clone(),
                code: r.code,
                hidden_by: r.hidden_by.map(|g| rules.items[g].id.clone()),
            })
            .collect(),
    };
    // tempfile creates the file readable by its owner only.
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer_pretty(&mut temp, &file).map_err(std::io::Error::other)?;
    temp.write_all(b"\n")?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Load a session for `rules`: its id, answers, and the originals re-asks
/// replaced.
pub(crate) fn load(
    path: &Path,
    rules: &RuleSet,
) -> Result<(String, Answers, Vec<Replaced>), SessionError> {
    let text = std::fs::read_to_string(path).map_err(|source| SessionError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |reason: String| SessionError::Invalid {
        path: path.to_path_buf(),
        reason,
    };
    let file: SessionFile = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    if file.format != FORMAT {
        return Err(invalid(format!("unknown session format {}", file.format)));
    }
    if file.rules_sha256 != rules.sha256 {
        return Err(SessionError::OtherRules {
            path: path.to_path_buf(),
            name: file.rules_name,
            version: file.rules_version,
            sha: file.rules_sha256.chars().take(12).collect(),
        });
    }
    let answers = Answers::from_codes(rules, file.answers.iter().map(|(k, v)| (k.as_str(), *v)))
        .map_err(|e| invalid(e.to_string()))?;
    let item = |id: &str| {
        rules
            .item_index(id)
            .ok_or_else(|| invalid(format!("`{id}` is not an item of this rule set")))
    };
    let replaced = file
        .replaced
        .iter()
        .map(|r| {
            Ok(Replaced {
                item: item(&r.item)?,
                code: r.code,
                hidden_by: r.hidden_by.as_deref().map(item).transpose()?,
            })
        })
        .collect::<Result<_, SessionError>>()?;
    Ok((file.id, answers, replaced))
}
