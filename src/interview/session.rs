//! The interview's session file: the intake record. It holds the answers
//! so far and the originals of answers a re-ask replaced (policy 1.1), the
//! options the interview was started with, and once finished the result as
//! it was shown and every disposition recorded (the original first, then
//! any amendments). Saved atomically after every change, readable by the
//! owner only, tied to one rule set by its SHA-256 so a resumed session is
//! never scored by other rules; a finished one stays readable under any.
//!
//! Format 3 adds every change of an answer ({item, from, to, at}) and the
//! safety answers the client took back (`retracted`, confirmed in the
//! interview: policy 1.2). Format-2 files still load; a format-1 file
//! (answers only) too, taking its start time from the file's modification
//! time.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Replaced;
use crate::answers::Answers;
pub(crate) use crate::disposition::AskedIn;
use crate::disposition::Decision;
pub(crate) use crate::error::SessionError;
use crate::model::RuleSet;

const FORMAT: u32 = 3;

/// Format of the result written to a file (the screen always shows the
/// table and note).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ResultFormat {
    /// The result table and the referral note, as text.
    Table,
    /// One JSON object: the result, note, trace and disposition.
    Json,
    /// Markdown: the result table, the disposition and the note.
    Markdown,
    /// A FHIR R4 Bundle on one line, as `score --format fhir` writes it.
    Fhir,
}

/// The options an interview runs with, saved in its session so that
/// `--resume` needs nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    /// The rule set's path, absolute; `null` for the built-in rules.
    pub(crate) rules: Option<PathBuf>,
    /// Language code of the questions and the note.
    pub(crate) lang: String,
    /// Also write the result to this file (absolute), in `format`.
    pub(crate) output: Option<PathBuf>,
    pub(crate) format: ResultFormat,
    /// Date written in the note, YYYY-MM-DD; `null` for the day the
    /// result is shown.
    pub(crate) note_date: Option<String>,
    /// `--allow-english`, kept for older sessions and scripts; no effect.
    pub(crate) allow_english: bool,
    /// Who the note written to `output` is for: the referral note, or the
    /// client's handout. Absent in older sessions: the referral note.
    #[serde(default)]
    pub(crate) note_audience: crate::report::note::NoteAudience,
}

/// A session file, as saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Session {
    format: u32,
    pub(crate) rules_name: String,
    pub(crate) rules_version: String,
    pub(crate) rules_sha256: String,
    pub(crate) id: String,
    /// When the interview started, RFC 3339 (UTC). Absent in format 1.
    #[serde(default)]
    pub(crate) started: Option<String>,
    /// When the last answer was saved, RFC 3339 (UTC).
    #[serde(default)]
    pub(crate) last_answer: Option<String>,
    /// The options the interview was started with. Absent in format 1.
    #[serde(default)]
    pub(crate) settings: Option<Settings>,
    /// Item id → answer code.
    pub(crate) answers: BTreeMap<String, i64>,
    /// Answers a re-ask replaced, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    replaced: Vec<ReplacedEntry>,
    /// Every change of an answer already given, oldest first: to another
    /// code, or (`to` null) dropped because skip logic now hides it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) changes: Vec<Change>,
    /// Safety answers the client took back, each confirmed in words: the
    /// earlier answer stays in the record (`retracted_risk_answer`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) retracted: Vec<Change>,
    /// The result as it was shown, once it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) result: Option<StoredResult>,
    /// Every disposition recorded, the original first, then amendments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) dispositions: Vec<Decision>,
    /// The language each instrument was given in, in the order first
    /// answered: the one chosen, or English for an instrument without a
    /// version in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) asked_in: Vec<AskedIn>,
}

/// The result a finished session showed, kept so that it reads the same
/// whatever rule set is loaded later.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredResult {
    /// Level id.
    pub(crate) level: String,
    pub(crate) level_name: String,
    pub(crate) crisis: bool,
    /// Raised flag ids, most severe first.
    pub(crate) flags: Vec<String>,
    /// The date written in the note.
    pub(crate) note_date: String,
    /// The result table and note, as shown.
    pub(crate) shown: String,
}

/// An original answer a re-ask replaced.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplacedEntry {
    /// Item id.
    item: String,
    /// The original answer code.
    code: i64,
    /// Id of the item whose answer hid it.
    hidden_by: Option<String>,
}

/// A change of an answer, with when it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Change {
    /// Item id.
    pub(crate) item: String,
    pub(crate) from: Option<i64>,
    pub(crate) to: Option<i64>,
    /// RFC 3339 (UTC).
    pub(crate) at: String,
}

/// Where a new session is saved by default: the user's data folder.
pub(crate) fn default_dir() -> PathBuf {
    let base = dirs::data_dir().unwrap_or_else(std::env::temp_dir);
    base.join("carescreen").join("sessions")
}

/// Where a new session for `id` is saved by default.
pub(crate) fn default_path(id: &str) -> PathBuf {
    let stamp = jiff::Timestamp::now().as_second();
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
    default_dir().join(format!("{safe}-{stamp}.json"))
}

impl Session {
    /// A new session for `id`, started now.
    pub(crate) fn new(rules: &RuleSet, id: &str, settings: Settings) -> Session {
        Session {
            format: FORMAT,
            rules_name: rules.name.clone(),
            rules_version: rules.version.clone(),
            rules_sha256: rules.sha256.clone(),
            id: id.to_string(),
            started: Some(crate::output::now()),
            last_answer: None,
            settings: Some(settings),
            answers: BTreeMap::new(),
            replaced: Vec::new(),
            changes: Vec::new(),
            retracted: Vec::new(),
            result: None,
            dispositions: Vec::new(),
            asked_in: Vec::new(),
        }
    }

    /// Read a session file of any known format, whatever its rule set.
    pub(crate) fn read(path: &Path) -> Result<Session, SessionError> {
        let text = std::fs::read_to_string(path).map_err(|source| SessionError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Session::parse(path, &text)
    }

    /// A session from the text of the file at `path`.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Session, SessionError> {
        let invalid = |reason: String| SessionError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        let mut session: Session =
            serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        match session.format {
            1 => {
                let modified = std::fs::metadata(path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| jiff::Timestamp::try_from(t).ok());
                session.started = modified.map(|t| t.to_string());
                session.format = FORMAT;
            }
            2 | FORMAT => session.format = FORMAT,
            other => return Err(invalid(format!("unknown session format {other}"))),
        }
        if !session.dispositions.is_empty() && session.result.is_none() {
            return Err(invalid(
                "a disposition without the result it follows".into(),
            ));
        }
        Ok(session)
    }

    /// A result was shown and a disposition recorded.
    pub(crate) fn finished(&self) -> bool {
        !self.dispositions.is_empty()
    }

    /// The disposition in force: the latest recorded.
    pub(crate) fn disposition(&self) -> Option<&Decision> {
        self.dispositions.last()
    }

    /// Whether the session was scored (or is being answered) with `rules`.
    pub(crate) fn same_rules(&self, rules: &RuleSet) -> bool {
        self.rules_sha256 == rules.sha256
    }

    /// Its answers and the originals re-asks replaced, for `rules`, which
    /// must be the rule set the session was started with.
    pub(crate) fn answers(
        &self,
        path: &Path,
        rules: &RuleSet,
    ) -> Result<(Answers, Vec<Replaced>), SessionError> {
        if !self.same_rules(rules) {
            return Err(SessionError::OtherRules {
                path: path.to_path_buf(),
                name: self.rules_name.clone(),
                version: self.rules_version.clone(),
                sha: self.rules_sha256.chars().take(12).collect(),
            });
        }
        let invalid = |reason: String| SessionError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        let mut answers =
            Answers::from_codes(rules, self.answers.iter().map(|(k, v)| (k.as_str(), *v)))
                .map_err(|e| invalid(e.to_string()))?;
        let item = |id: &str| {
            rules
                .item_index(id)
                .ok_or_else(|| invalid(format!("`{id}` is not an item of this rule set")))
        };
        for r in &self.retracted {
            let (Some(from), Some(to)) = (r.from, r.to) else {
                return Err(invalid(format!(
                    "retracted `{}` without both answers",
                    r.item
                )));
            };
            let text = format!("{}:{from}>{to}", r.item);
            let list = crate::answers::parse_retracted(rules, &text)
                .map_err(|e| invalid(e.to_string()))?;
            list.into_iter().for_each(|r| answers.retract(r));
        }
        let replaced = self
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
        Ok((answers, replaced))
    }

    /// Record the answers so far (and the time of this one).
    pub(crate) fn set_answers(
        &mut self,
        rules: &RuleSet,
        answers: &Answers,
        replaced: &[Replaced],
    ) {
        let now = crate::output::now();
        let new: BTreeMap<String, i64> = rules
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| answers.get(i).map(|code| (item.id.clone(), code)))
            .collect();
        for (item, &from) in &self.answers {
            let to = new.get(item).copied();
            if to != Some(from) {
                self.changes.push(Change {
                    item: item.clone(),
                    from: Some(from),
                    to,
                    at: now.clone(),
                });
            }
        }
        self.answers = new;
        self.retracted = answers
            .retractions()
            .iter()
            .map(|r| {
                let item = rules.items[r.item].id.clone();
                let at = self
                    .retracted
                    .iter()
                    .find(|e| e.item == item)
                    .map_or_else(|| now.clone(), |e| e.at.clone());
                Change {
                    item,
                    from: Some(r.from),
                    to: Some(r.to),
                    at,
                }
            })
            .collect();
        self.replaced = replaced
            .iter()
            .map(|r| ReplacedEntry {
                item: rules.items[r.item].id.clone(),
                code: r.code,
                hidden_by: r.hidden_by.map(|g| rules.items[g].id.clone()),
            })
            .collect();
        // An instrument is recorded in the language of its first answer.
        for ins in &rules.instruments {
            let answered = ins.items.clone().any(|i| answers.get(i).is_some());
            if answered && !self.asked_in.iter().any(|a| a.instrument == ins.id) {
                self.asked_in.push(AskedIn {
                    instrument: ins.id.clone(),
                    lang: ins.wording_lang.clone(),
                });
            }
        }
        self.last_answer = Some(now);
    }

    /// Which instruments were given in which language, in `lang`'s words,
    /// when some were not given in the language chosen (`chosen`).
    pub(crate) fn languages_line(
        &self,
        rules: &RuleSet,
        lang: crate::messages::Lang,
        chosen: &str,
    ) -> Option<String> {
        fn title<'a>(rules: &'a RuleSet, id: &'a str) -> &'a str {
            rules
                .instruments
                .iter()
                .find(|i| i.id == id)
                .map_or(id, |i| i.title.as_str())
        }
        let (english, other): (Vec<&AskedIn>, Vec<&AskedIn>) =
            self.asked_in.iter().partition(|a| a.lang == "en");
        let english: Vec<&str> = english
            .iter()
            .map(|a| title(rules, &a.instrument))
            .collect();
        let other: Vec<&str> = other.iter().map(|a| title(rules, &a.instrument)).collect();
        lang.asked_in(chosen, &other, &english)
    }

    /// Save atomically (a temporary file beside it, then a rename),
    /// owner-only.
    pub(crate) fn save(&self, path: &Path) -> std::io::Result<()> {
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
        // tempfile creates the file readable by its owner only.
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        serde_json::to_writer_pretty(&mut temp, self).map_err(std::io::Error::other)?;
        temp.write_all(b"\n")?;
        temp.as_file().sync_all()?;
        temp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}
