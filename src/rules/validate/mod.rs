//! Validation: raw files → `RuleSet`, reporting every problem in one pass.
//!
//! Each problem names its file and YAML path (the loader then finds the
//! path's line). While a file did not parse, what it might define is not
//! called missing or unknown. Nothing downstream re-checks what is checked
//! here: resolved references, band coverage, unique ids and codes, skip
//! logic that looks only backwards and reachable levels. The checks that
//! need the renderers (output columns, the note template) are the rule-set
//! tooling's, in `check`.

mod cases;
mod client;
mod codes;
mod conditions;
mod flags;
mod items;
mod loc;
mod metadata;
mod note;
mod placement;
mod ratings;
mod safety;
mod scales;

use crate::model::{FlagIx, Model, Paths, RuleSet, TextPlace, Written};
use std::borrow::Cow;
use std::collections::HashMap;

use self::loc::Loc;
use super::problem::{Problem, FORMAT_VERSION, MAX_MAGNITUDE};

use crate::error::{Diagnostic, Place};
use crate::rules::raw::{RawFile, RawItemType, RawText, RawTextStatus};

/// Validate parsed files (main file first). `texts` holds each file's text,
/// used to place template errors on a line. `broken` names the files that
/// did not parse (a main file that did not is an empty file in `files`);
/// `syntax` holds their problems, reported first.
pub(super) fn validate(
    files: &[(String, RawFile)],
    texts: &[Cow<'static, str>],
    broken: &[String],
    lang: &str,
    sha256: String,
    syntax: Vec<Diagnostic>,
) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut v = Validator {
        diags: Vec::new(),
        ids: Ids::default(),
        lang: lang.to_string(),
        translations: crate::model::Translations::default(),
        broken: broken.to_vec(),
        main_broken: files.first().is_some_and(|(main, _)| broken.contains(main)),
        unchecked: Vec::new(),
    };
    let mut rules = v.rule_set(files, sha256);
    v.report_unchecked();
    if !syntax.is_empty() || !v.diags.is_empty() {
        return Err(syntax.into_iter().chain(v.diags).collect());
    }
    if let Some(rules) = &mut rules {
        rules.written = written(files, texts);
    }
    rules.ok_or(v.diags)
}

/// Where the main file and the note templates are (the first file that
/// defines a template; validation reports any other).
fn written(files: &[(String, RawFile)], texts: &[Cow<'static, str>]) -> Written {
    let place = |key: &str, defines: fn(&RawFile) -> bool| {
        let at = files.iter().position(|(_, raw)| defines(raw))?;
        Some(TextPlace {
            file: files[at].0.clone(),
            before: texts.get(at).and_then(|t| template_start(t, key)),
        })
    };
    Written {
        main_file: files
            .first()
            .map(|(name, _)| name.clone())
            .unwrap_or_default(),
        note_template: place("note_template", |raw| raw.note_template.is_some())
            .unwrap_or_default(),
        note_markdown: place("note_markdown", |raw| raw.note_markdown.is_some()),
        note_client: place("note_client", |raw| raw.note_client.is_some()),
        files: Vec::new(),
    }
}

/// The file line just before a block-scalar `note_template: |` body starts
/// (so template line N is file line start + N), if the key is found.
fn template_start(text: &str, key: &str) -> Option<usize> {
    let prefix = format!("{key}:");
    let (index, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with(&prefix))?;
    let value = line[prefix.len()..].trim();
    value.starts_with(['|', '>']).then_some(index + 1)
}

/// Id → index tables, filled as sections are validated.
#[derive(Default)]
struct Ids {
    levels: HashMap<String, usize>,
    items: HashMap<String, usize>,
    scales: HashMap<String, usize>,
    ratings: HashMap<String, usize>,
    flags: HashMap<String, usize>,
    domains: HashMap<String, usize>,
    /// Band ids of each scale, in score order.
    bands: Vec<Vec<String>>,
    rating_grades: Vec<Vec<String>>,
    domain_grades: Vec<Vec<String>>,
    /// Item id and the predicate "is this a valid answer code", for
    /// checking compared codes.
    item_codes: Vec<(String, ItemCodes)>,
}

/// The answer codes an item accepts.
#[derive(Clone)]
enum ItemCodes {
    None,
    List(Vec<i64>),
    Range(i64, i64),
}

/// What a condition may refer to, by where it stands.
#[derive(Clone, Copy)]
struct Scope {
    /// Items with a smaller index only (skip logic looks backwards).
    items_before: usize,
    scales: bool,
    ratings: bool,
    flags: bool,
    domains: bool,
}

impl Scope {
    fn show_if(item: usize) -> Scope {
        Scope {
            items_before: item,
            scales: false,
            ratings: false,
            flags: false,
            domains: false,
        }
    }
    fn all(items: usize) -> Scope {
        Scope {
            items_before: items,
            scales: true,
            ratings: true,
            flags: true,
            domains: true,
        }
    }
}

struct Validator {
    diags: Vec<Diagnostic>,
    ids: Ids,
    /// The language texts are resolved to.
    lang: String,
    translations: crate::model::Translations,
    /// Files that did not parse: what they define is unknown.
    broken: Vec<String>,
    main_broken: bool,
    /// References to ids not defined in the files that parsed, while some
    /// did not: (file, place, what and id).
    unchecked: Vec<(String, Loc, String)>,
}

/// A raw element and where it is: (file, location, element).
type Located<'a, T> = (&'a str, Loc, &'a T);

fn gather<'a, T>(
    files: &'a [(String, RawFile)],
    section: &str,
    get: impl Fn(&'a RawFile) -> &'a [T],
) -> Vec<Located<'a, T>> {
    let mut out = Vec::new();
    for (name, raw) in files {
        for (i, element) in get(raw).iter().enumerate() {
            out.push((name.as_str(), Loc::top(section).index(i), element));
        }
    }
    out
}

impl Validator {
    pub(super) fn error(&mut self, file: &str, path: &Loc, problem: Problem) {
        if !self.broken.is_empty() {
            // A file that did not parse may define what seems missing.
            let unchecked = match &problem {
                Problem::UnknownReference { what, id, .. } => Some(format!("{what} `{id}`")),
                Problem::UnknownGradeOwner { id } => Some(format!("rating or domain `{id}`")),
                _ => None,
            };
            if let Some(reference) = unchecked {
                self.unchecked
                    .push((file.to_string(), path.clone(), reference));
                return;
            }
            let absent = matches!(
                problem,
                Problem::NoLevels
                    | Problem::NoSection { .. }
                    | Problem::NoResources
                    | Problem::UnreachableLevel { .. }
            );
            let absent_from_main = matches!(
                problem,
                Problem::MissingFormatVersion | Problem::MissingMainKey { .. }
            );
            if absent || (absent_from_main && self.main_broken) {
                return;
            }
        }
        self.diags
            .push(problem.at(file, Place::Path(path.to_string())));
    }

    /// Whether a check has failed: later checks need the earlier ones'
    /// results whole.
    fn failed(&self) -> bool {
        !self.diags.is_empty() || !self.unchecked.is_empty()
    }

    /// The references that could not be checked, once, at the first.
    fn report_unchecked(&mut self) {
        let Some((file, path, first)) = self.unchecked.first().cloned() else {
            return;
        };
        let problem = Problem::UncheckedReferences {
            first,
            more: self.unchecked.len() - 1,
            broken: self.broken.clone(),
        };
        self.diags
            .push(problem.at(&file, Place::Path(path.to_string())));
    }

    /// A text in the chosen language, falling back to English (counted);
    /// English itself is required.
    pub(super) fn text(&mut self, file: &str, path: &Loc, text: &RawText) -> String {
        self.text_as(file, path, text, false)
    }

    /// A text of an instrument's wording (preamble, question, answer):
    /// its translations may be published ones (see `translations`).
    pub(super) fn wording(&mut self, file: &str, path: &Loc, text: &RawText) -> String {
        self.text_as(file, path, text, true)
    }

    fn text_as(&mut self, file: &str, path: &Loc, text: &RawText, wording: bool) -> String {
        self.translations.texts += 1;
        let blank = |v: &mut Self, at: &Loc| {
            v.error(file, at, Problem::BlankText);
        };
        match text {
            RawText::Plain(plain) => {
                if plain.trim().is_empty() {
                    blank(self, path);
                }
                // A plain text is English: missing for any other language.
                let base = self.lang.split('-').next().unwrap_or("en");
                self.translations.missing += usize::from(base != "en");
                plain.clone()
            }
            RawText::Languages(map) => {
                for lang in map.keys() {
                    if !super::is_language_code(lang) {
                        self.error(
                            file,
                            &path.key(lang),
                            Problem::BadLanguage { lang: lang.clone() },
                        );
                    }
                    *self.translations.by_lang.entry(lang.clone()).or_default() += 1;
                    if map[lang].text().trim().is_empty() {
                        blank(self, &path.key(lang));
                    }
                    match map[lang].status() {
                        Some(_) if lang == "en" => {
                            self.error(file, &path.key(lang), Problem::StatusOnEnglish);
                        }
                        Some((status, _)) if !wording && status != RawTextStatus::Own => {
                            self.error(
                                file,
                                &path.key(lang).key("status"),
                                Problem::PublishedOutsideWording,
                            );
                        }
                        _ => {}
                    }
                }
                // `es-MX` falls back to `es`, then to English.
                let base = self.lang.split('-').next().unwrap_or("en").to_string();
                let chosen = map.get(&self.lang).or_else(|| map.get(&base));
                if chosen.is_none() {
                    self.translations.missing += 1;
                }
                match (chosen, map.get("en")) {
                    (Some(text), _) | (None, Some(text)) => text.text().to_string(),
                    (None, None) => {
                        self.error(file, path, Problem::MissingEnglish);
                        String::new()
                    }
                }
            }
        }
    }

    fn opt_text(&mut self, file: &str, path: &Loc, text: Option<&RawText>) -> Option<String> {
        text.map(|t| self.text(file, path, t))
    }

    /// Register a unique id in a table; report a duplicate.
    fn unique(
        &mut self,
        table: fn(&mut Ids) -> &mut HashMap<String, usize>,
        what: &'static str,
        id: &str,
        index: usize,
        file: &str,
        path: &Loc,
    ) {
        if !valid_id(id) {
            self.error(
                file,
                path,
                Problem::BadId {
                    what,
                    id: id.to_string(),
                },
            );
        }
        if table(&mut self.ids).insert(id.to_string(), index).is_some() {
            self.error(
                file,
                path,
                Problem::DuplicateId {
                    what,
                    id: id.to_string(),
                },
            );
        }
    }

    fn rule_set(&mut self, files: &[(String, RawFile)], sha256: String) -> Option<RuleSet> {
        let (main_name, main) = files.first()?;
        let (name, version) = self.metadata(main_name, main, &files[1..]);
        let levels = self.levels(files);
        let (instruments, mut items, raw_items) = self.items(files);
        let scales = self.scales(files, &mut items);
        self.item_details(&mut items, &raw_items);
        let ratings = self.ratings(files, "ratings", |raw| &raw.ratings, items.len(), false);
        let flags = self.flags(files, items.len());
        let domains = self.ratings(files, "domains", |raw| &raw.domains, items.len(), true);
        let (default_level, rules) = self.placement(files, items.len());
        let features = self.features(files, items.len());
        let conditions = self.level_conditions(files, items.len());
        let resources = self.resources(files);
        let note_template = self.note_template(files);
        let note_markdown = self.note_markdown(files);
        let screen_limits = self.screen_limits(files);
        let note_client = self.note_client(files);
        let fhir = self.fhir(files, &name);
        self.unique_ids(&items, &flags, &rules, &conditions);
        if default_level.is_some() {
            self.reachability(main_name, &levels, default_level, &rules, &flags);
        }
        if self.failed() {
            return None;
        }
        self.safety_inputs(&items, &scales, &ratings, flags.as_slice());
        if self.failed() {
            return None;
        }
        let paths = Paths::of(levels.len(), &rules, &flags);
        let mut flags_by_severity: Vec<FlagIx> = flags.ixs().collect();
        flags_by_severity.sort_by_key(|&f| std::cmp::Reverse(flags[f].severity));
        let mut rule_set = RuleSet::new(Model {
            fhir,
            lang: self.lang.clone(),
            translations: std::mem::take(&mut self.translations),
            cases: Vec::new(),
            flags_by_severity,
            name,
            version,
            sha256,
            levels,
            instruments,
            items,
            scales,
            ratings,
            flags,
            domains,
            default_level: default_level?,
            paths,
            rules,
            conditions,
            features,
            resources,
            note_template: note_template?,
            note_markdown,
            screen_limits,
            note_client,
            written: Written::default(),
        });
        rule_set.cases = self.cases(files, &rule_set);
        if self.failed() {
            return None;
        }
        Some(rule_set)
    }

    fn resolve(
        &mut self,
        table: fn(&Ids) -> &HashMap<String, usize>,
        what: &'static str,
        id: &str,
        file: &str,
        path: &Loc,
    ) -> Option<usize> {
        if let Some(&index) = table(&self.ids).get(id) {
            return Some(index);
        }
        let suggestion = closest(id, table(&self.ids).keys()).cloned();
        self.error(
            file,
            path,
            Problem::UnknownReference {
                what,
                id: id.to_string(),
                suggestion,
            },
        );
        None
    }
}

/// Ids double as CSV column names and template keys: `[a-z][a-z0-9_]*`.
fn valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn type_name(kind: RawItemType) -> &'static str {
    match kind {
        RawItemType::Choice => "choice",
        RawItemType::YesNo => "yes_no",
        RawItemType::Integer => "integer",
        RawItemType::Info => "info",
    }
}

/// Condition keys, for a message.
fn keys(set: &[&str]) -> Vec<String> {
    set.iter().map(|k| k.to_string()).collect()
}

/// The known id closest to a misspelt one, if any is close enough.
pub(crate) fn closest<'a>(id: &str, known: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let id = id.to_lowercase();
    known
        .map(|k| (strsim::jaro_winkler(&id, &k.to_lowercase()), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}
