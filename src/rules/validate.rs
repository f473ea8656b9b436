//! Validation: raw files → `RuleSet`, reporting every problem in one pass.
//!
//! Each problem names its file and YAML path. Nothing downstream re-checks
//! what is checked here: resolved references, band coverage, unique ids and
//! codes, skip logic that looks only backwards and reachable levels. The
//! checks that need the renderers (output columns, the note template) are
//! the rule-set tooling's, in `check`.

use std::collections::HashMap;

use super::raw::{
    RawCondition, RawFile, RawItem, RawItemType, RawMissing, RawRating, RawScalar, RawSeverity,
    RawShow, RawText, RawUrgency,
};
use crate::error::{Diagnostic, Place};
use crate::model::{
    Band, ChoiceOption, Cmp, Condition, Feature, Flag, Grade, Instrument, Item, ItemKind, Level,
    MissingRule, Origin, Paths, PlacementRule, Rating, Resource, RuleSet, Scale, Severity, Show,
    Subject, TextPlace, Urgency, Written,
};

const FORMAT_VERSION: u32 = 1;

/// Validate parsed files (main file first). `texts` holds each file's text,
/// used to place template errors on a line.
pub(super) fn validate(
    files: &[(String, RawFile)],
    texts: &[String],
    lang: &str,
    sha256: String,
    diags: Vec<Diagnostic>,
) -> Result<RuleSet, Vec<Diagnostic>> {
    if !diags.is_empty() {
        // A file that did not parse would make every reference into it look
        // unknown: report the syntax errors alone.
        return Err(diags);
    }
    let mut v = Validator {
        diags,
        ids: Ids::default(),
        lang: lang.to_string(),
        translations: crate::model::Translations::default(),
    };
    let mut rules = v.rule_set(files, sha256);
    if !v.diags.is_empty() {
        return Err(v.diags);
    }
    if let Some(rules) = &mut rules {
        rules.written = written(files, texts);
    }
    rules.ok_or(v.diags)
}

/// Where the main file and the note templates are (the first file that
/// defines a template; validation reports any other).
fn written(files: &[(String, RawFile)], texts: &[String]) -> Written {
    let place = |key: &str, defines: fn(&RawFile) -> bool| {
        let at = files.iter().position(|(_, raw)| defines(raw))?;
        Some(TextPlace {
            file: files[at].0.clone(),
            before: texts.get(at).and_then(|t| template_start(t, key)),
        })
    };
    Written {
        main_file: files.first().map(|(name, _)| name.clone()).unwrap_or_default(),
        note_template: place("note_template", |raw| raw.note_template.is_some())
            .unwrap_or_default(),
        note_markdown: place("note_markdown", |raw| raw.note_markdown.is_some()),
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
}

/// A raw element and where it is: (file, path prefix, element).
type Located<'a, T> = (&'a str, String, &'a T);

fn gather<'a, T>(
    files: &'a [(String, RawFile)],
    section: &str,
    get: impl Fn(&'a RawFile) -> &'a [T],
) -> Vec<Located<'a, T>> {
    let mut out = Vec::new();
    for (name, raw) in files {
        for (i, element) in get(raw).iter().enumerate() {
            out.push((name.as_str(), format!("{section}[{i}]"), element));
        }
    }
    out
}

impl Validator {
    fn error(
        &mut self,
        file: &str,
        path: &str,
        code: &'static str,
        message: String,
        help: Option<String>,
    ) {
        self.diags.push(Diagnostic {
            code,
            message,
            file: file.to_string(),
            place: Place::Path(path.to_string()),
            help,
        });
    }

    /// A text in the chosen language, falling back to English (counted);
    /// English itself is required.
    fn text(&mut self, file: &str, path: &str, text: &RawText) -> String {
        self.translations.texts += 1;
        let blank = |v: &mut Self, at: &str| {
            v.error(
                file,
                at,
                "blank-text",
                "a text shown to people may not be blank".into(),
                None,
            );
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
                            &format!("{path}.{lang}"),
                            "bad-language",
                            format!("`{lang}` is not a language code"),
                            Some("use a two-letter code such as `en` or `es`".into()),
                        );
                    }
                    *self.translations.by_lang.entry(lang.clone()).or_default() += 1;
                    if map[lang].trim().is_empty() {
                        blank(self, &format!("{path}.{lang}"));
                    }
                }
                // `es-MX` falls back to `es`, then to English.
                let base = self.lang.split('-').next().unwrap_or("en").to_string();
                let chosen = map.get(&self.lang).or_else(|| map.get(&base));
                if chosen.is_none() {
                    self.translations.missing += 1;
                }
                match (chosen, map.get("en")) {
                    (Some(text), _) | (None, Some(text)) => text.clone(),
                    (None, None) => {
                        self.error(
                            file,
                            path,
                            "missing-english",
                            "every text needs its English version (`en`)".into(),
                            None,
                        );
                        String::new()
                    }
                }
            }
        }
    }

    fn opt_text(&mut self, file: &str, path: &str, text: Option<&RawText>) -> Option<String> {
        text.map(|t| self.text(file, path, t))
    }

    /// Register a unique id in a table; report a duplicate.
    fn unique(
        &mut self,
        table: fn(&mut Ids) -> &mut HashMap<String, usize>,
        what: &str,
        id: &str,
        index: usize,
        file: &str,
        path: &str,
    ) {
        if !valid_id(id) {
            self.error(
                file,
                path,
                "bad-id",
                format!("{what} id `{id}` is not a valid id"),
                Some("ids are lowercase letters, digits and `_`, starting with a letter".into()),
            );
        }
        if table(&mut self.ids).insert(id.to_string(), index).is_some() {
            self.error(
                file,
                path,
                "duplicate-id",
                format!("duplicate {what} id `{id}`"),
                None,
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
        let resources = self.resources(files);
        let note_template = self.note_template(files);
        let note_markdown = self.note_markdown(files);
        if default_level.is_some() {
            self.reachability(main_name, &levels, default_level, &rules, &flags);
        }
        if !self.diags.is_empty() {
            return None;
        }
        self.safety_inputs(&items, &scales, &ratings, &flags);
        if !self.diags.is_empty() {
            return None;
        }
        let paths = Paths::of(levels.len(), &rules, &flags);
        let mut flags_by_severity: Vec<usize> = (0..flags.len()).collect();
        flags_by_severity.sort_by_key(|&f| std::cmp::Reverse(flags[f].severity));
        let mut rule_set = RuleSet {
            trace_rules: std::sync::OnceLock::new(),
            lang: self.lang.clone(),
            translations: std::mem::take(&mut self.translations),
            cases: Vec::new(),
            compiled: crate::model::Compiled::default(),
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
            features,
            resources,
            note_template: note_template?,
            note_markdown,
            written: Written::default(),
        };
        rule_set.compiled = crate::model::Compiled::of(&rule_set);
        rule_set.cases = self.cases(files, &rule_set);
        if !self.diags.is_empty() {
            return None;
        }
        Some(rule_set)
    }

    fn metadata(
        &mut self,
        file: &str,
        main: &RawFile,
        others: &[(String, RawFile)],
    ) -> (String, String) {
        match main.format_version {
            Some(FORMAT_VERSION) => {}
            Some(other) => self.error(
                file,
                "format_version",
                "format-version",
                format!("unsupported format_version {other}"),
                Some(format!(
                    "this carescreen reads format_version {FORMAT_VERSION}"
                )),
            ),
            None => self.error(
                file,
                "format_version",
                "missing-key",
                "the main rule-set file must set `format_version`".into(),
                Some(format!("add `format_version: {FORMAT_VERSION}`")),
            ),
        }
        let mut required = |value: &Option<String>, key: &str| match value {
            Some(v) if !v.trim().is_empty() => v.clone(),
            _ => {
                self.error(
                    file,
                    key,
                    "missing-key",
                    format!("the main rule-set file must set `{key}`"),
                    None,
                );
                String::new()
            }
        };
        let name = required(&main.name, "name");
        let version = required(&main.version, "version");
        for (other, raw) in others {
            let misplaced = [
                ("format_version", raw.format_version.is_some()),
                ("name", raw.name.is_some()),
                ("version", raw.version.is_some()),
                ("include", !raw.include.is_empty()),
            ];
            for (key, present) in misplaced {
                if present {
                    self.error(
                        other,
                        key,
                        "misplaced-key",
                        format!("`{key}` belongs in the main rule-set file only"),
                        None,
                    );
                }
            }
        }
        (name, version)
    }

    fn levels(&mut self, files: &[(String, RawFile)]) -> Vec<Level> {
        let raw = gather(files, "levels", |raw| &raw.levels);
        if raw.is_empty() {
            self.error(
                &files[0].0,
                "levels",
                "missing-key",
                "the rule set defines no levels".into(),
                None,
            );
        }
        raw.iter()
            .enumerate()
            .map(|(i, (file, path, level))| {
                self.unique(
                    |ids| &mut ids.levels,
                    "level",
                    &level.id,
                    i,
                    file,
                    &format!("{path}.id"),
                );
                Level {
                    id: level.id.clone(),
                    name: self.text(file, &format!("{path}.name"), &level.name),
                    description: self.text(
                        file,
                        &format!("{path}.description"),
                        &level.description,
                    ),
                    referral: self.text(file, &format!("{path}.referral"), &level.referral),
                    hours: self.opt_text(file, &format!("{path}.hours"), level.hours.as_ref()),
                    setting: self.opt_text(
                        file,
                        &format!("{path}.setting"),
                        level.setting.as_ref(),
                    ),
                    typical_length: self.opt_text(
                        file,
                        &format!("{path}.typical_length"),
                        level.typical_length.as_ref(),
                    ),
                }
            })
            .collect()
    }

    /// Instruments and items, without the parts that need scales
    /// (`required`) or earlier items (`show_if`); see `item_details`.
    fn items<'a>(
        &mut self,
        files: &'a [(String, RawFile)],
    ) -> (Vec<Instrument>, Vec<Item>, Vec<Located<'a, RawItem>>) {
        let mut instruments = Vec::new();
        let mut items = Vec::new();
        let mut raw_items = Vec::new();
        let mut instrument_ids = HashMap::new();
        for (file, path, instrument) in gather(files, "instruments", |raw| &raw.instruments) {
            if instrument_ids.insert(instrument.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &format!("{path}.id"),
                    "duplicate-id",
                    format!("duplicate instrument id `{}`", instrument.id),
                    None,
                );
            }
            if instrument.items.is_empty() {
                self.error(
                    file,
                    &format!("{path}.items"),
                    "empty-list",
                    "instrument has no items".into(),
                    None,
                );
            }
            let start = items.len();
            for (j, item) in instrument.items.iter().enumerate() {
                let item_path = format!("{path}.items[{j}]");
                let index = items.len();
                self.unique(
                    |ids| &mut ids.items,
                    "item",
                    &item.id,
                    index,
                    file,
                    &format!("{item_path}.id"),
                );
                // Questions and answers: counted apart, since an interview
                // must not silently ask a question in another language.
                let missing_before = self.translations.missing;
                let kind = self.item_kind(file, &item_path, item);
                let table = crate::model::CodeTable::of(&kind);
                let text = self.text(file, &format!("{item_path}.text"), &item.text);
                let help = self.opt_text(file, &format!("{item_path}.help"), item.help.as_ref());
                if self.translations.missing > missing_before {
                    self.translations
                        .untranslated_questions
                        .push(item.id.clone());
                }
                items.push(Item {
                    id: item.id.clone(),
                    instrument: instruments.len(),
                    text,
                    help,
                    kind,
                    required: true,
                    scales: Vec::new(),
                    show_if: None,
                    table,
                    short: self
                        .opt_text(file, &format!("{item_path}.short"), item.short.as_ref())
                        .unwrap_or_else(|| item.id.clone()),
                    answer_implies_gate: item.answer_implies_gate,
                });
                raw_items.push((file, item_path, item));
            }
            instruments.push(Instrument {
                id: instrument.id.clone(),
                title: self.text(file, &format!("{path}.title"), &instrument.title),
                source: instrument.source.clone(),
                preamble: self.opt_text(
                    file,
                    &format!("{path}.preamble"),
                    instrument.preamble.as_ref(),
                ),
                items: start..items.len(),
            });
        }
        self.ids.item_codes = items
            .iter()
            .map(|item| {
                let codes = match &item.kind {
                    ItemKind::Integer { min, max, .. } => ItemCodes::Range(*min, *max),
                    ItemKind::Info => ItemCodes::None,
                    _ => ItemCodes::List(item.codes().unwrap_or_default()),
                };
                (item.id.clone(), codes)
            })
            .collect();
        (instruments, items, raw_items)
    }

    fn item_kind(&mut self, file: &str, path: &str, item: &RawItem) -> ItemKind {
        let mut numbers: Vec<(String, i64)> = Vec::new();
        for (k, option) in item.options.iter().flatten().enumerate() {
            numbers.push((format!("{path}.options[{k}].code"), option.code));
            numbers.push((format!("{path}.options[{k}].score"), option.score));
        }
        if let Some(scores) = &item.scores {
            numbers.push((format!("{path}.scores.yes"), scores.yes));
            numbers.push((format!("{path}.scores.no"), scores.no));
        }
        numbers.extend(item.min.map(|v| (format!("{path}.min"), v)));
        numbers.extend(item.max.map(|v| (format!("{path}.max"), v)));
        for (at, value) in numbers {
            if value.unsigned_abs() > MAX_MAGNITUDE.unsigned_abs() {
                self.error(
                    file,
                    &at,
                    "bad-range",
                    format!("{value} is out of range: codes, scores and bounds lie within ±{MAX_MAGNITUDE}"),
                    None,
                );
            }
        }
        let present = [
            ("options", item.options.is_some(), RawItemType::Choice),
            ("scores", item.scores.is_some(), RawItemType::YesNo),
            ("min", item.min.is_some(), RawItemType::Integer),
            ("max", item.max.is_some(), RawItemType::Integer),
            (
                "range_message",
                item.range_message.is_some(),
                RawItemType::Integer,
            ),
        ];
        for (key, is_set, owner) in present {
            if is_set && item.kind != owner {
                self.error(
                    file,
                    &format!("{path}.{key}"),
                    "misplaced-key",
                    format!(
                        "`{key}` does not apply to an item of type `{}`",
                        type_name(item.kind)
                    ),
                    None,
                );
            }
        }
        match item.kind {
            RawItemType::Choice => {
                let Some(options) = &item.options else {
                    self.error(
                        file,
                        path,
                        "missing-key",
                        "a `choice` item needs `options`".into(),
                        None,
                    );
                    return ItemKind::Choice(Vec::new());
                };
                if options.is_empty() {
                    self.error(
                        file,
                        &format!("{path}.options"),
                        "empty-list",
                        "no options".into(),
                        None,
                    );
                }
                let mut seen = HashMap::new();
                for (k, option) in options.iter().enumerate() {
                    if seen.insert(option.code, k).is_some() {
                        self.error(
                            file,
                            &format!("{path}.options[{k}].code"),
                            "duplicate-code",
                            format!(
                                "option code {} is used twice in item `{}`",
                                option.code, item.id
                            ),
                            None,
                        );
                    }
                }
                ItemKind::Choice(
                    options
                        .iter()
                        .enumerate()
                        .map(|(k, o)| ChoiceOption {
                            code: o.code,
                            label: self.text(file, &format!("{path}.options[{k}].label"), &o.label),
                            score: o.score,
                        })
                        .collect(),
                )
            }
            RawItemType::YesNo => {
                let (yes, no) = item.scores.as_ref().map_or((1, 0), |s| (s.yes, s.no));
                ItemKind::YesNo { yes, no }
            }
            RawItemType::Integer => match (item.min, item.max) {
                (Some(min), Some(max)) if min <= max => ItemKind::Integer {
                    min,
                    max,
                    range_message: self.opt_text(
                        file,
                        &format!("{path}.range_message"),
                        item.range_message.as_ref(),
                    ),
                },
                (Some(min), Some(max)) => {
                    self.error(
                        file,
                        &format!("{path}.min"),
                        "bad-range",
                        format!("min {min} is greater than max {max}"),
                        None,
                    );
                    ItemKind::Info
                }
                _ => {
                    self.error(
                        file,
                        path,
                        "missing-key",
                        "an `integer` item needs `min` and `max`".into(),
                        None,
                    );
                    ItemKind::Info
                }
            },
            RawItemType::Info => ItemKind::Info,
        }
    }

    fn scales(&mut self, files: &[(String, RawFile)], items: &mut [Item]) -> Vec<Scale> {
        let mut scales = Vec::new();
        for (file, path, raw) in gather(files, "scales", |raw| &raw.scales) {
            let index = scales.len();
            self.unique(
                |ids| &mut ids.scales,
                "scale",
                &raw.id,
                index,
                file,
                &format!("{path}.id"),
            );
            let mut members = Vec::new();
            let (mut low, mut high) = (0i64, 0i64);
            for (j, id) in raw.items.iter().enumerate() {
                let item_path = format!("{path}.items[{j}]");
                let Some(item) = self.resolve(|ids| &ids.items, "item", id, file, &item_path)
                else {
                    continue;
                };
                if members.contains(&item) {
                    self.error(
                        file,
                        &item_path,
                        "duplicate-id",
                        format!("item `{id}` is listed twice"),
                        None,
                    );
                    continue;
                }
                let Some(scores) = items[item].kind.score_range() else {
                    self.error(
                        file,
                        &item_path,
                        "unscorable-item",
                        format!("item `{id}` has no answer to score"),
                        None,
                    );
                    continue;
                };
                low = low.saturating_add(scores.0);
                high = high.saturating_add(scores.1);
                members.push(item);
                items[item].scales.push(index);
            }
            if raw.items.is_empty() {
                self.error(
                    file,
                    &format!("{path}.items"),
                    "empty-list",
                    "scale sums no items".into(),
                    None,
                );
            }
            if members.len() == raw.items.len() && (raw.min, raw.max) != (low, high) {
                let key = if raw.min != low { "min" } else { "max" };
                self.error(
                    file,
                    &format!("{path}.{key}"),
                    "scale-range",
                    format!(
                        "declared range {} to {} differs from the items' range {low} to {high}",
                        raw.min, raw.max
                    ),
                    Some(format!(
                        "set `min: {low}` and `max: {high}`, or fix the item scores"
                    )),
                );
            }
            for (key, value) in [("min", raw.min), ("max", raw.max)] {
                if value.unsigned_abs() > MAX_MAGNITUDE.unsigned_abs() {
                    self.error(
                        file,
                        &format!("{path}.{key}"),
                        "bad-range",
                        format!(
                            "{value} is out of range: scale totals lie within ±{MAX_MAGNITUDE}"
                        ),
                        None,
                    );
                }
            }
            let missing = match (raw.missing, &raw.prorate) {
                (RawMissing::AllRequired, None) => MissingRule::AllRequired,
                (RawMissing::Invalid, None) => MissingRule::Invalid,
                (RawMissing::Prorate, Some(prorate)) => {
                    let ranges: Vec<Option<(i64, i64)>> = members
                        .iter()
                        .map(|&i| items[i].kind.score_range())
                        .collect();
                    if ranges.windows(2).any(|w| w[0] != w[1]) {
                        self.error(
                            file,
                            &format!("{path}.prorate"),
                            "prorate-mixed-items",
                            "prorating needs items that all score over the same range".into(),
                            Some("a missing item is estimated from the others' mean".into()),
                        );
                    }
                    self.prorate(file, &path, prorate, &members, raw.items.len())
                }
                (RawMissing::Prorate, None) => {
                    self.error(
                        file,
                        &path,
                        "missing-key",
                        "`missing: prorate` needs `prorate: { max_missing: N }`".into(),
                        None,
                    );
                    MissingRule::AllRequired
                }
                (_, Some(_)) => {
                    self.error(
                        file,
                        &format!("{path}.prorate"),
                        "misplaced-key",
                        "`prorate` applies only with `missing: prorate`".into(),
                        None,
                    );
                    MissingRule::AllRequired
                }
            };
            let bands = self.bands(file, &path, raw.min, raw.max, &raw.bands);
            self.ids
                .bands
                .push(bands.iter().map(|b| b.id.clone()).collect());
            scales.push(Scale {
                id: raw.id.clone(),
                title: self.text(file, &format!("{path}.title"), &raw.title),
                items: members,
                min: raw.min,
                max: raw.max,
                missing,
                bands,
            });
        }
        scales
    }

    fn prorate(
        &mut self,
        file: &str,
        path: &str,
        prorate: &super::raw::RawProrate,
        members: &[usize],
        item_count: usize,
    ) -> MissingRule {
        let mut never = Vec::new();
        for (j, id) in prorate.never.iter().enumerate() {
            let never_path = format!("{path}.prorate.never[{j}]");
            if let Some(item) = self.resolve(|ids| &ids.items, "item", id, file, &never_path) {
                if !members.contains(&item) {
                    self.error(
                        file,
                        &never_path,
                        "not-in-scale",
                        format!("item `{id}` is not one of this scale's items"),
                        None,
                    );
                }
                never.push(item);
            }
        }
        if prorate.max_missing as usize >= item_count {
            self.error(
                file,
                &format!("{path}.prorate.max_missing"),
                "bad-range",
                format!(
                    "max_missing {} leaves no item to prorate from",
                    prorate.max_missing
                ),
                None,
            );
        }
        MissingRule::Prorate {
            max_missing: prorate.max_missing,
            never,
        }
    }

    /// Bands sorted by score, checked to cover `min..=max` exactly.
    fn bands(
        &mut self,
        file: &str,
        path: &str,
        min: i64,
        max: i64,
        raw: &[super::raw::RawBand],
    ) -> Vec<Band> {
        let mut ids = HashMap::new();
        let mut indexed: Vec<(usize, &super::raw::RawBand)> = raw.iter().enumerate().collect();
        for (k, band) in &indexed {
            if ids.insert(band.id.as_str(), ()).is_some() {
                self.error(
                    file,
                    &format!("{path}.bands[{k}].id"),
                    "duplicate-id",
                    format!("duplicate band id `{}`", band.id),
                    None,
                );
            }
            if band.min > band.max {
                self.error(
                    file,
                    &format!("{path}.bands[{k}]"),
                    "bad-range",
                    format!(
                        "band `{}` has min {} greater than max {}",
                        band.id, band.min, band.max
                    ),
                    None,
                );
            }
        }
        if raw.is_empty() {
            self.error(
                file,
                &format!("{path}.bands"),
                "empty-list",
                "scale has no bands".into(),
                None,
            );
            return Vec::new();
        }
        indexed.sort_by_key(|(_, band)| (band.min, band.max));
        let mut expected = min;
        for (k, band) in &indexed {
            let at = format!("{path}.bands[{k}]");
            if band.min > expected {
                self.error(
                    file,
                    &at,
                    "band-gap",
                    format!(
                        "no band covers {}",
                        score_span(expected, band.min.saturating_sub(1))
                    ),
                    None,
                );
            } else if band.min < expected {
                let message = if band.min < min {
                    format!(
                        "band `{}` starts at {} below the scale minimum {min}",
                        band.id, band.min
                    )
                } else {
                    format!(
                        "band `{}` overlaps the band before it at score {}",
                        band.id, band.min
                    )
                };
                self.error(file, &at, "band-overlap", message, None);
            }
            expected = expected.max(band.max.saturating_add(1));
        }
        if let Some((k, last)) = indexed.last() {
            if last.max > max {
                self.error(
                    file,
                    &format!("{path}.bands[{k}].max"),
                    "band-overlap",
                    format!(
                        "band `{}` ends at {} above the scale maximum {max}",
                        last.id, last.max
                    ),
                    None,
                );
            } else if last.max < max {
                self.error(
                    file,
                    &format!("{path}.bands"),
                    "band-gap",
                    format!(
                        "no band covers {}",
                        score_span(last.max.saturating_add(1), max)
                    ),
                    None,
                );
            }
        }
        indexed
            .into_iter()
            .map(|(k, b)| Band {
                id: b.id.clone(),
                label: self.text(file, &format!("{path}.bands[{k}].label"), &b.label),
                min: b.min,
                max: b.max,
            })
            .collect()
    }

    fn item_details(&mut self, items: &mut [Item], raw_items: &[Located<'_, RawItem>]) {
        for (index, (file, path, raw)) in raw_items.iter().enumerate() {
            let scored = !items[index].scales.is_empty();
            match raw.required {
                Some(_) if scored => self.error(
                    file,
                    &format!("{path}.required"),
                    "misplaced-key",
                    format!("item `{}` is scored; its scale's `missing` rule decides what a missing answer does", raw.id),
                    Some("remove `required`".into()),
                ),
                Some(_) if raw.kind == RawItemType::Info => self.error(
                    file,
                    &format!("{path}.required"),
                    "misplaced-key",
                    "an `info` item takes no answer".into(),
                    None,
                ),
                Some(required) => items[index].required = required,
                None => items[index].required = raw.kind != RawItemType::Info,
            }
            if let Some(cond) = &raw.show_if {
                items[index].show_if = self.condition(
                    file,
                    &format!("{path}.show_if"),
                    cond,
                    Scope::show_if(index),
                );
            }
            let one_gate = matches!(
                items[index].show_if,
                Some(Condition::Compare(Subject::Item(_), Cmp::Eq(_)))
            );
            if raw.answer_implies_gate && !one_gate {
                self.error(
                    file,
                    &format!("{path}.answer_implies_gate"),
                    "implied-gate",
                    format!(
                        "item `{}` implies its gate, but its `show_if` is not one `item` with `eq`",
                        raw.id
                    ),
                    Some("write `show_if: { item: <gate>, eq: <code> }`".into()),
                );
            }
        }
    }

    fn ratings(
        &mut self,
        files: &[(String, RawFile)],
        section: &str,
        get: for<'a> fn(&'a RawFile) -> &'a [RawRating],
        item_count: usize,
        domains: bool,
    ) -> Vec<Rating> {
        // Ratings see items and scales; domains also see ratings and flags.
        let scope = Scope {
            items_before: item_count,
            scales: true,
            ratings: domains,
            flags: domains,
            domains: false,
        };
        let mut out = Vec::new();
        for (file, path, raw) in gather(files, section, get) {
            let index = out.len();
            let table: fn(&mut Ids) -> &mut HashMap<String, usize> = if domains {
                |ids| &mut ids.domains
            } else {
                |ids| &mut ids.ratings
            };
            let what = if domains { "domain" } else { "rating" };
            self.unique(table, what, &raw.id, index, file, &format!("{path}.id"));
            let mut grades = Vec::new();
            let mut grade_ids = HashMap::new();
            if raw.grades.len() < 2 {
                self.error(
                    file,
                    &format!("{path}.grades"),
                    "empty-list",
                    format!("a {what} needs at least two grades"),
                    None,
                );
            }
            for (k, grade) in raw.grades.iter().enumerate() {
                let grade_path = format!("{path}.grades[{k}]");
                if grade_ids.insert(grade.id.clone(), ()).is_some() {
                    self.error(
                        file,
                        &format!("{grade_path}.id"),
                        "duplicate-id",
                        format!("duplicate grade id `{}`", grade.id),
                        None,
                    );
                }
                let when = match (&grade.when, k) {
                    (None, 0) => None,
                    (Some(_), 0) => {
                        self.error(
                            file,
                            &format!("{grade_path}.when"),
                            "misplaced-key",
                            "the first grade is the baseline and takes no `when`".into(),
                            None,
                        );
                        None
                    }
                    (None, _) => {
                        self.error(
                            file,
                            &grade_path,
                            "missing-key",
                            "grade needs a `when`".into(),
                            None,
                        );
                        None
                    }
                    (Some(cond), _) => {
                        self.condition(file, &format!("{grade_path}.when"), cond, scope)
                    }
                };
                grades.push(Grade {
                    id: grade.id.clone(),
                    label: self.text(file, &format!("{grade_path}.label"), &grade.label),
                    when,
                    origin: Origin {
                        file: file.to_string(),
                        path: grade_path,
                    },
                });
            }
            let ids = grades.iter().map(|g| g.id.clone()).collect();
            if domains {
                self.ids.domain_grades.push(ids);
            } else {
                self.ids.rating_grades.push(ids);
            }
            out.push(Rating {
                id: raw.id.clone(),
                title: self.text(file, &format!("{path}.title"), &raw.title),
                grades,
            });
        }
        out
    }

    fn flags(&mut self, files: &[(String, RawFile)], item_count: usize) -> Vec<Flag> {
        let scope = Scope {
            items_before: item_count,
            scales: true,
            ratings: true,
            flags: false,
            domains: false,
        };
        let mut out = Vec::new();
        for (file, path, raw) in gather(files, "flags", |raw| &raw.flags) {
            self.unique(
                |ids| &mut ids.flags,
                "flag",
                &raw.id,
                out.len(),
                file,
                &format!("{path}.id"),
            );
            let min_level = raw.min_level.as_ref().and_then(|id| {
                self.resolve(
                    |ids| &ids.levels,
                    "level",
                    id,
                    file,
                    &format!("{path}.min_level"),
                )
            });
            let when = self.condition(file, &format!("{path}.when"), &raw.when, scope);
            let next_step =
                self.opt_text(file, &format!("{path}.next_step"), raw.next_step.as_ref());
            // A crisis flag is urgent now; without its own next step the
            // tool's emergency-evaluation wording is used.
            if !raw.crisis && raw.urgency.is_some() != next_step.is_some() {
                let (key, message) = match raw.urgency {
                    Some(_) => ("urgency", "an urgent flag needs a `next_step`"),
                    None => (
                        "next_step",
                        "a `next_step` needs an `urgency` (`now` or `today`)",
                    ),
                };
                self.error(
                    file,
                    &format!("{path}.{key}"),
                    "flag-next-step",
                    format!("flag `{}`: {message}", raw.id),
                    Some("the note's next step is the most urgent flag's".into()),
                );
            }
            if raw.crisis && raw.urgency == Some(RawUrgency::Today) {
                self.error(
                    file,
                    &format!("{path}.urgency"),
                    "flag-next-step",
                    format!("crisis flag `{}` must have `urgency: now`", raw.id),
                    Some("the crisis route is an emergency evaluation now".into()),
                );
            }
            if raw.crisis && (!raw.safety || raw.severity != RawSeverity::Critical) {
                self.error(
                    file,
                    &format!("{path}.crisis"),
                    "crisis-flag",
                    format!("crisis flag `{}` must be `safety: true` and `severity: critical`", raw.id),
                    Some("crisis means acute risk to self or others; use `min_level` for other urgent needs".into()),
                );
            }
            out.push(Flag {
                id: raw.id.clone(),
                severity: match raw.severity {
                    RawSeverity::Info => Severity::Info,
                    RawSeverity::Warning => Severity::Warning,
                    RawSeverity::High => Severity::High,
                    RawSeverity::Critical => Severity::Critical,
                },
                safety: raw.safety,
                crisis: raw.crisis,
                min_level,
                urgency: match (raw.urgency, raw.crisis) {
                    (Some(RawUrgency::Now), _) | (None, true) => Some(Urgency::Now),
                    (Some(RawUrgency::Today), _) => Some(Urgency::Today),
                    (None, false) => None,
                },
                next_step,
                when: when.unwrap_or(Condition::Any(Vec::new())),
                message: self.text(file, &format!("{path}.message"), &raw.message),
                origin: Origin {
                    file: file.to_string(),
                    path,
                },
            });
        }
        out
    }

    fn placement(
        &mut self,
        files: &[(String, RawFile)],
        item_count: usize,
    ) -> (Option<usize>, Vec<PlacementRule>) {
        let defined: Vec<(&str, &super::raw::RawPlacement)> = files
            .iter()
            .filter_map(|(name, raw)| raw.placement.as_ref().map(|p| (name.as_str(), p)))
            .collect();
        let Some(&(file, placement)) = defined.first() else {
            self.error(
                &files[0].0,
                "placement",
                "missing-key",
                "no file defines `placement`".into(),
                None,
            );
            return (None, Vec::new());
        };
        for (other, _) in &defined[1..] {
            self.error(
                other,
                "placement",
                "duplicate-section",
                format!("`placement` is already defined in {file}"),
                None,
            );
        }
        let default_level = self.resolve(
            |ids| &ids.levels,
            "level",
            &placement.default_level,
            file,
            "placement.default_level",
        );
        let mut rules = Vec::new();
        let mut ids = HashMap::new();
        for (i, rule) in placement.rules.iter().enumerate() {
            let path = format!("placement.rules[{i}]");
            if ids.insert(rule.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &format!("{path}.id"),
                    "duplicate-id",
                    format!("duplicate rule id `{}`", rule.id),
                    None,
                );
            }
            let level = self.resolve(
                |ids| &ids.levels,
                "level",
                &rule.level,
                file,
                &format!("{path}.level"),
            );
            let when = self.condition(
                file,
                &format!("{path}.when"),
                &rule.when,
                Scope::all(item_count),
            );
            if let (Some(level), Some(when)) = (level, when) {
                rules.push(PlacementRule {
                    id: rule.id.clone(),
                    when,
                    level,
                    rationale: self.text(file, &format!("{path}.rationale"), &rule.rationale),
                    origin: Origin {
                        file: file.to_string(),
                        path,
                    },
                });
            }
        }
        (default_level, rules)
    }

    fn features(&mut self, files: &[(String, RawFile)], item_count: usize) -> Vec<Feature> {
        let mut out = Vec::new();
        let mut ids = HashMap::new();
        for (file, path, raw) in gather(files, "program_features", |raw| &raw.program_features) {
            if ids.insert(raw.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &format!("{path}.id"),
                    "duplicate-id",
                    format!("duplicate feature id `{}`", raw.id),
                    None,
                );
            }
            if let Some(when) = self.condition(
                file,
                &format!("{path}.when"),
                &raw.when,
                Scope::all(item_count),
            ) {
                out.push(Feature {
                    id: raw.id.clone(),
                    when,
                    text: self.text(file, &format!("{path}.text"), &raw.text),
                });
            }
        }
        out
    }

    fn resources(&mut self, files: &[(String, RawFile)]) -> Vec<Resource> {
        let mut ids = HashMap::new();
        let mut out = Vec::new();
        for (file, path, raw) in gather(files, "resources", |raw| &raw.resources) {
            if ids.insert(raw.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &format!("{path}.id"),
                    "duplicate-id",
                    format!("duplicate resource id `{}`", raw.id),
                    None,
                );
            }
            let show = match raw.show {
                RawShow::Always => Show::Always,
                RawShow::Safety => Show::Safety,
                RawShow::Flags => Show::Flags(
                    raw.flags
                        .iter()
                        .enumerate()
                        .filter_map(|(k, id)| {
                            self.resolve(
                                |ids| &ids.flags,
                                "flag",
                                id,
                                file,
                                &format!("{path}.flags[{k}]"),
                            )
                        })
                        .collect(),
                ),
            };
            let problem = match (raw.show == RawShow::Flags, raw.flags.is_empty()) {
                (true, true) => {
                    Some("`show: flags` needs a `flags` list of the flags that show it")
                }
                (false, false) => {
                    Some("`flags` lists the flags that show it, with `show: flags` only")
                }
                _ => None,
            };
            if let Some(problem) = problem {
                self.error(
                    file,
                    &format!("{path}.flags"),
                    "resource-flags",
                    format!("resource `{}`: {problem}", raw.id),
                    None,
                );
            }
            out.push(Resource {
                id: raw.id.clone(),
                name: self.text(file, &format!("{path}.name"), &raw.name),
                contact: self.text(file, &format!("{path}.contact"), &raw.contact),
                hours: self.opt_text(file, &format!("{path}.hours"), raw.hours.as_ref()),
                show,
                professional: raw.professional,
            });
        }
        if out.is_empty() {
            self.error(
                &files[0].0,
                "resources",
                "missing-key",
                "the rule set lists no crisis resources".into(),
                Some(
                    "a note raised by a safety flag must list crisis resources (e.g. 988, 911)"
                        .into(),
                ),
            );
        }
        out
    }

    /// The optional Markdown note template: at most one file defines it.
    fn note_markdown(&mut self, files: &[(String, RawFile)]) -> Option<String> {
        let defined: Vec<(&str, &RawText)> = files
            .iter()
            .filter_map(|(name, raw)| raw.note_markdown.as_ref().map(|t| (name.as_str(), t)))
            .collect();
        let &(file, template) = defined.first()?;
        for (other, _) in &defined[1..] {
            self.error(
                other,
                "note_markdown",
                "duplicate-section",
                format!("`note_markdown` is already defined in {file}"),
                None,
            );
        }
        Some(self.text(file, "note_markdown", template))
    }

    fn note_template(&mut self, files: &[(String, RawFile)]) -> Option<String> {
        let defined: Vec<(&str, &RawText)> = files
            .iter()
            .filter_map(|(name, raw)| raw.note_template.as_ref().map(|t| (name.as_str(), t)))
            .collect();
        let Some(&(file, template)) = defined.first() else {
            self.error(
                &files[0].0,
                "note_template",
                "missing-key",
                "no file defines `note_template`".into(),
                None,
            );
            return None;
        };
        for (other, _) in &defined[1..] {
            self.error(
                other,
                "note_template",
                "duplicate-section",
                format!("`note_template` is already defined in {file}"),
                None,
            );
        }
        Some(self.text(file, "note_template", template))
    }

    /// A safety flag must never stay down because an answer it depends on was
    /// left out: every item it looks at (directly, through a rating, or
    /// through a scale) must be required, and never prorated or invalid.
    fn safety_inputs(
        &mut self,
        items: &[Item],
        scales: &[Scale],
        ratings: &[Rating],
        flags: &[Flag],
    ) {
        for flag in flags.iter().filter(|f| f.is_safety()) {
            let subjects = crate::model::condition_subjects(ratings, &flag.when);
            let mut problems = Vec::new();
            for subject in &subjects {
                match *subject {
                    Subject::Item(i) => {
                        let item = &items[i];
                        if item.scales.is_empty() && !item.required {
                            problems.push(format!("item `{}` is not required", item.id));
                        }
                        for &s in &item.scales {
                            let loose = match &scales[s].missing {
                                MissingRule::AllRequired => false,
                                MissingRule::Prorate { never, .. } => !never.contains(&i),
                                MissingRule::Invalid => true,
                            };
                            if loose {
                                problems.push(format!(
                                    "item `{}` may be missing under scale `{}`'s missing rule (list it in `prorate.never`)",
                                    item.id, scales[s].id
                                ));
                            }
                        }
                    }
                    Subject::Scale(s) | Subject::Band(s)
                        if scales[s].missing == MissingRule::Invalid =>
                    {
                        problems.push(format!(
                            "scale `{}` may have no score (`missing: invalid`)",
                            scales[s].id
                        ));
                    }
                    _ => {}
                }
            }
            // A scale never counts a hidden answer, so a safety flag reading
            // one could miss a "yes" given to a question the form skips.
            for subject in &subjects {
                match *subject {
                    Subject::Scale(s) | Subject::Band(s)
                        if scales[s].items.iter().any(|&i| items[i].show_if.is_some()) =>
                    {
                        self.error(
                            &flag.origin.file,
                            &format!("{}.when", flag.origin.path),
                            "safety-reads-skipped-scale",
                            format!(
                                "safety flag `{}` reads scale `{}`, which sums items with skip logic",
                                flag.id, scales[s].id
                            ),
                            Some("a scale never counts a hidden answer; read the items, or a rating over them".into()),
                        );
                    }
                    _ => {}
                }
            }
            problems.dedup();
            for problem in problems {
                self.error(
                    &flag.origin.file,
                    &format!("{}.when", flag.origin.path),
                    "optional-safety-answer",
                    format!("safety flag `{}` could be missed: {problem}", flag.id),
                    Some("answers a safety flag depends on must always be given".into()),
                );
            }
        }
    }

    /// Test cases, every id resolved and every answer a valid code.
    fn cases(&mut self, files: &[(String, RawFile)], rules: &RuleSet) -> Vec<crate::model::Case> {
        use crate::model::{Case, Expect, GradeOf};
        let mut out = Vec::new();
        let mut ids = HashMap::new();
        for (file, path, raw) in gather(files, "cases", |raw| &raw.cases) {
            if ids.insert(raw.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &format!("{path}.id"),
                    "duplicate-id",
                    format!("duplicate case id `{}`", raw.id),
                    None,
                );
            }
            let mut answers = Vec::new();
            for (id, code) in &raw.answers.0 {
                let at = format!("{path}.answers.{id}");
                let Some(item) = self.resolve(|ids| &ids.items, "item", id, file, &at) else {
                    continue;
                };
                if let Some(code) = code {
                    if rules.items[item].score(*code).is_none() {
                        self.error(
                            file,
                            &at,
                            "bad-value",
                            format!("{code} is not an answer code of item `{id}`"),
                            None,
                        );
                    }
                }
                answers.push((item, *code));
            }
            let e = &raw.expect;
            let checks = [
                e.level.is_some(),
                e.crisis.is_some(),
                e.flags.is_some(),
                !e.scores.0.is_empty(),
                !e.bands.0.is_empty(),
                !e.grades.0.is_empty(),
            ];
            let named = checks.iter().filter(|&&c| c).count();
            if e.rejected_for.is_some() && named > 0 {
                self.error(
                    file,
                    &format!("{path}.expect"),
                    "bad-case",
                    "`rejected_for` stands alone: a rejected record has no other result".into(),
                    None,
                );
            } else if e.rejected_for.is_none() && named == 0 {
                self.error(
                    file,
                    &format!("{path}.expect"),
                    "bad-case",
                    format!("case `{}` checks nothing", raw.id),
                    Some(
                        "name a level, crisis, flags, scores, bands, grades or rejected_for".into(),
                    ),
                );
            }
            let at = |key: &str| format!("{path}.expect.{key}");
            let mut expect = Expect {
                crisis: e.crisis,
                level: e
                    .level
                    .as_ref()
                    .and_then(|l| self.resolve(|ids| &ids.levels, "level", l, file, &at("level"))),
                ..Expect::default()
            };
            if let Some(flags) = &e.flags {
                let resolved: Vec<usize> = flags
                    .iter()
                    .enumerate()
                    .filter_map(|(k, f)| {
                        self.resolve(
                            |ids| &ids.flags,
                            "flag",
                            f,
                            file,
                            &format!("{}[{k}]", at("flags")),
                        )
                    })
                    .collect();
                expect.flags = Some(resolved);
            }
            for (id, score) in &e.scores.0 {
                if let Some(s) = self.resolve(
                    |ids| &ids.scales,
                    "scale",
                    id,
                    file,
                    &format!("{}.{id}", at("scores")),
                ) {
                    expect.scores.push((s, *score));
                }
            }
            for (id, band) in &e.bands.0 {
                let place = format!("{}.{id}", at("bands"));
                let Some(s) = self.resolve(|ids| &ids.scales, "scale", id, file, &place) else {
                    continue;
                };
                match rules.scales[s].bands.iter().position(|b| b.id == *band) {
                    Some(b) => expect.bands.push((s, b)),
                    None => {
                        let known: Vec<String> =
                            rules.scales[s].bands.iter().map(|b| b.id.clone()).collect();
                        let help =
                            closest(band, known.iter()).map(|c| format!("did you mean `{c}`?"));
                        self.error(
                            file,
                            &place,
                            "unknown-reference",
                            format!("unknown band `{band}` of scale `{id}`"),
                            help,
                        );
                    }
                }
            }
            for (id, grade) in &e.grades.0 {
                let place = format!("{}.{id}", at("grades"));
                let (of, grades) = match (self.ids.ratings.get(id), self.ids.domains.get(id)) {
                    (Some(&r), _) => (GradeOf::Rating(r), &rules.ratings[r].grades),
                    (None, Some(&d)) => (GradeOf::Domain(d), &rules.domains[d].grades),
                    (None, None) => {
                        self.error(
                            file,
                            &place,
                            "unknown-reference",
                            format!("unknown rating or domain `{id}`"),
                            None,
                        );
                        continue;
                    }
                };
                match grades.iter().position(|g| g.id == *grade) {
                    Some(g) => expect.grades.push((of, g)),
                    None => self.error(
                        file,
                        &place,
                        "unknown-reference",
                        format!("unknown grade `{grade}` of `{id}`"),
                        None,
                    ),
                }
            }
            expect.rejected_for = e
                .rejected_for
                .as_ref()
                .and_then(|i| self.resolve(|ids| &ids.items, "item", i, file, &at("rejected_for")));
            out.push(Case {
                id: raw.id.clone(),
                description: raw.description.clone(),
                answers,
                expect,
                origin: Origin {
                    file: file.to_string(),
                    path,
                },
            });
        }
        out
    }

    /// Every level must be the outcome of something: the default, a rule, a
    /// flag's minimum, or (the top level) a crisis flag.
    fn reachability(
        &mut self,
        file: &str,
        levels: &[Level],
        default_level: Option<usize>,
        rules: &[PlacementRule],
        flags: &[Flag],
    ) {
        let paths = Paths::of(levels.len(), rules, flags);
        for (i, level) in levels.iter().enumerate() {
            if default_level != Some(i) && !paths.leads_to(i) {
                self.error(
                    file,
                    &format!("levels[{i}]"),
                    "unreachable-level",
                    format!(
                        "level `{}` is never recommended: no rule, flag or default leads to it",
                        level.id
                    ),
                    None,
                );
            }
        }
    }

    fn resolve(
        &mut self,
        table: fn(&Ids) -> &HashMap<String, usize>,
        what: &str,
        id: &str,
        file: &str,
        path: &str,
    ) -> Option<usize> {
        if let Some(&index) = table(&self.ids).get(id) {
            return Some(index);
        }
        let help = closest(id, table(&self.ids).keys()).map(|c| format!("did you mean `{c}`?"));
        self.error(
            file,
            path,
            "unknown-reference",
            format!("unknown {what} `{id}`"),
            help,
        );
        None
    }

    /// Resolve a condition: exactly one subject and one comparison, every
    /// id known and allowed by `scope`, compared codes valid for the item.
    fn condition(
        &mut self,
        file: &str,
        path: &str,
        raw: &RawCondition,
        scope: Scope,
    ) -> Option<Condition> {
        let subjects = [
            ("all", raw.all.is_some()),
            ("any", raw.any.is_some()),
            ("not", raw.not.is_some()),
            ("item", raw.item.is_some()),
            ("scale", raw.scale.is_some()),
            ("band", raw.band.is_some()),
            ("rating", raw.rating.is_some()),
            ("domain", raw.domain.is_some()),
            ("flag", raw.flag.is_some()),
        ];
        let set: Vec<&str> = subjects
            .iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| *k)
            .collect();
        let ops = [
            ("eq", raw.eq.is_some()),
            ("at_least", raw.at_least.is_some()),
            ("at_most", raw.at_most.is_some()),
            ("in", raw.one_of.is_some()),
        ];
        let ops_set: Vec<&str> = ops.iter().filter(|(_, on)| *on).map(|(k, _)| *k).collect();
        let [subject] = set.as_slice() else {
            let message = if set.is_empty() {
                "condition names nothing to test".to_string()
            } else {
                format!(
                    "condition mixes {}; use `all` or `any` to combine",
                    join_keys(&set)
                )
            };
            self.error(
                file,
                path,
                "bad-condition",
                message,
                Some(
                    "a condition is one of: all, any, not, item, scale, band, rating, domain, flag"
                        .into(),
                ),
            );
            return None;
        };
        let combinator = matches!(*subject, "all" | "any" | "not" | "flag");
        if combinator && !ops_set.is_empty() {
            self.error(
                file,
                path,
                "bad-condition",
                format!(
                    "`{subject}` takes no comparison, found {}",
                    join_keys(&ops_set)
                ),
                None,
            );
            return None;
        }
        let list = |v: &mut Self, conds: &[RawCondition], key: &str| -> Option<Vec<Condition>> {
            if conds.is_empty() {
                v.error(
                    file,
                    &format!("{path}.{key}"),
                    "empty-list",
                    format!("`{key}` needs at least one condition"),
                    None,
                );
            }
            let resolved: Vec<Option<Condition>> = conds
                .iter()
                .enumerate()
                .map(|(i, c)| v.condition(file, &format!("{path}.{key}[{i}]"), c, scope))
                .collect();
            resolved.into_iter().collect()
        };
        match *subject {
            "all" => {
                return list(self, raw.all.as_deref().unwrap_or_default(), "all")
                    .map(Condition::All)
            }
            "any" => {
                return list(self, raw.any.as_deref().unwrap_or_default(), "any")
                    .map(Condition::Any)
            }
            "not" => {
                let inner = raw.not.as_deref()?;
                return self
                    .condition(file, &format!("{path}.not"), inner, scope)
                    .map(|c| Condition::Not(Box::new(c)));
            }
            "flag" => {
                let id = raw.flag.as_deref()?;
                if !scope.flags {
                    self.error(
                        file,
                        &format!("{path}.flag"),
                        "bad-reference",
                        "flags cannot be referred to here".into(),
                        None,
                    );
                    return None;
                }
                return self
                    .resolve(|ids| &ids.flags, "flag", id, file, &format!("{path}.flag"))
                    .map(Condition::Flag);
            }
            _ => {}
        }
        let [op] = ops_set.as_slice() else {
            self.error(
                file,
                path,
                "bad-condition",
                if ops_set.is_empty() {
                    format!("`{subject}` needs a comparison: eq, at_least, at_most or in")
                } else {
                    format!(
                        "condition has several comparisons ({}); use `all` to combine",
                        join_keys(&ops_set)
                    )
                },
                None,
            );
            return None;
        };
        let subject_path = format!("{path}.{subject}");
        let (target, grades): (Subject, Option<Vec<String>>) = match *subject {
            "item" => {
                let id = raw.item.as_deref()?;
                let index = self.resolve(|ids| &ids.items, "item", id, file, &subject_path)?;
                if index >= scope.items_before {
                    self.error(
                        file,
                        &subject_path,
                        "forward-reference",
                        format!("skip logic may only look at earlier items; `{id}` is not asked before this one"),
                        None,
                    );
                    return None;
                }
                (Subject::Item(index), None)
            }
            "scale" | "band" => {
                if !scope.scales {
                    self.error(
                        file,
                        &subject_path,
                        "bad-reference",
                        format!("a {subject} cannot be referred to here"),
                        None,
                    );
                    return None;
                }
                let id = if *subject == "scale" {
                    raw.scale.as_deref()?
                } else {
                    raw.band.as_deref()?
                };
                let index = self.resolve(|ids| &ids.scales, "scale", id, file, &subject_path)?;
                if *subject == "scale" {
                    (Subject::Scale(index), None)
                } else {
                    (
                        Subject::Band(index),
                        Some(self.ids.bands.get(index).cloned().unwrap_or_default()),
                    )
                }
            }
            "rating" => {
                if !scope.ratings {
                    self.error(
                        file,
                        &subject_path,
                        "bad-reference",
                        "ratings cannot be referred to here".into(),
                        None,
                    );
                    return None;
                }
                let index = self.resolve(
                    |ids| &ids.ratings,
                    "rating",
                    raw.rating.as_deref()?,
                    file,
                    &subject_path,
                )?;
                (
                    Subject::Rating(index),
                    Some(
                        self.ids
                            .rating_grades
                            .get(index)
                            .cloned()
                            .unwrap_or_default(),
                    ),
                )
            }
            _ => {
                if !scope.domains {
                    self.error(
                        file,
                        &subject_path,
                        "bad-reference",
                        "domains cannot be referred to here".into(),
                        None,
                    );
                    return None;
                }
                let index = self.resolve(
                    |ids| &ids.domains,
                    "domain",
                    raw.domain.as_deref()?,
                    file,
                    &subject_path,
                )?;
                (
                    Subject::Domain(index),
                    Some(
                        self.ids
                            .domain_grades
                            .get(index)
                            .cloned()
                            .unwrap_or_default(),
                    ),
                )
            }
        };
        let op_path = format!("{path}.{op}");
        let value = |v: &mut Self, scalar: &RawScalar, at: &str| -> Option<i64> {
            match (&grades, scalar) {
                (None, RawScalar::Int(n)) if n.unsigned_abs() > MAX_MAGNITUDE.unsigned_abs() => {
                    v.error(
                        file,
                        at,
                        "bad-range",
                        format!("{n} is out of range: compared values lie within ±{MAX_MAGNITUDE}"),
                        None,
                    );
                    None
                }
                (None, RawScalar::Int(n)) => Some(*n),
                (None, RawScalar::Id(s)) => {
                    v.error(
                        file,
                        at,
                        "bad-value",
                        format!("expected a number, found `{s}`"),
                        None,
                    );
                    None
                }
                (Some(ids), RawScalar::Id(s)) => match ids.iter().position(|g| g == s) {
                    Some(i) => Some(i as i64),
                    None => {
                        let help = closest(s, ids.iter()).map(|c| format!("did you mean `{c}`?"));
                        v.error(
                            file,
                            at,
                            "unknown-reference",
                            format!("unknown {subject} value `{s}`"),
                            help,
                        );
                        None
                    }
                },
                (Some(ids), RawScalar::Int(n)) => {
                    v.error(
                        file,
                        at,
                        "bad-value",
                        format!("expected one of {}, found {n}", join_keys(ids)),
                        None,
                    );
                    None
                }
            }
        };
        let cmp = match *op {
            "eq" => Cmp::Eq(value(self, raw.eq.as_ref()?, &op_path)?),
            "at_least" => Cmp::AtLeast(value(self, raw.at_least.as_ref()?, &op_path)?),
            "at_most" => Cmp::AtMost(value(self, raw.at_most.as_ref()?, &op_path)?),
            _ => {
                let raw_list = raw.one_of.as_ref()?;
                if raw_list.is_empty() {
                    self.error(
                        file,
                        &op_path,
                        "empty-list",
                        "`in` needs at least one value".into(),
                        None,
                    );
                }
                let values: Vec<Option<i64>> = raw_list
                    .iter()
                    .enumerate()
                    .map(|(i, s)| value(self, s, &format!("{op_path}[{i}]")))
                    .collect();
                Cmp::In(values.into_iter().collect::<Option<Vec<i64>>>()?)
            }
        };
        if let Subject::Item(index) = target {
            self.check_codes(file, &op_path, index, &cmp);
        }
        Some(Condition::Compare(target, cmp))
    }

    /// Compared codes must be answers the item can have.
    fn check_codes(&mut self, file: &str, path: &str, item: usize, cmp: &Cmp) {
        let Some((id, codes)) = self.ids.item_codes.get(item).cloned() else {
            return;
        };
        if matches!(codes, ItemCodes::None) {
            self.error(
                file,
                path,
                "unscorable-item",
                format!("item `{id}` takes no answer"),
                None,
            );
            return;
        }
        let (low, high) = match &codes {
            ItemCodes::None => return,
            ItemCodes::List(list) => (
                list.iter().copied().min().unwrap_or(0),
                list.iter().copied().max().unwrap_or(0),
            ),
            ItemCodes::Range(min, max) => (*min, *max),
        };
        let values: Vec<i64> = match cmp {
            Cmp::Eq(v) => vec![*v],
            Cmp::In(vs) => vs.clone(),
            Cmp::AtLeast(v) if *v > high => {
                let message =
                    format!("`at_least: {v}` can never hold: the highest code of `{id}` is {high}");
                self.error(file, path, "bad-value", message, None);
                return;
            }
            Cmp::AtMost(v) if *v < low => {
                let message =
                    format!("`at_most: {v}` can never hold: the lowest code of `{id}` is {low}");
                self.error(file, path, "bad-value", message, None);
                return;
            }
            Cmp::AtLeast(_) | Cmp::AtMost(_) => return,
        };
        for v in values {
            let valid = match &codes {
                ItemCodes::None => false,
                ItemCodes::List(list) => list.contains(&v),
                ItemCodes::Range(min, max) => (*min..=*max).contains(&v),
            };
            if !valid {
                self.error(
                    file,
                    path,
                    "bad-value",
                    format!("{v} is not an answer code of item `{id}`"),
                    None,
                );
            }
        }
    }
}

/// Ids double as CSV column names and template keys: `[a-z][a-z0-9_]*`.
fn valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Largest magnitude of a code, score or integer bound: keeps every sum and
/// prorating product far from overflow.
const MAX_MAGNITUDE: i64 = 1_000_000;

fn score_span(low: i64, high: i64) -> String {
    if low == high {
        format!("score {low}")
    } else {
        format!("scores {low} to {high}")
    }
}

fn type_name(kind: RawItemType) -> &'static str {
    match kind {
        RawItemType::Choice => "choice",
        RawItemType::YesNo => "yes_no",
        RawItemType::Integer => "integer",
        RawItemType::Info => "info",
    }
}

fn join_keys<S: AsRef<str>>(keys: &[S]) -> String {
    keys.iter()
        .map(|k| format!("`{}`", k.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
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
