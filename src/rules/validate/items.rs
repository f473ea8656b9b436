//! Instruments and their items: answer kinds, codes, `required`, skip logic.

use std::collections::HashMap;

use super::super::problem::Problem;
use super::super::raw::{RawFile, RawInstrument, RawItem, RawItemType, RawText, RawTextStatus};
use super::{gather, type_name, ItemCodes, Loc, Located, Scope, Validator, MAX_MAGNITUDE};
use crate::model::{
    ChoiceOption, Cmp, Condition, Instrument, Item, ItemKind, MarkedText, Origin, Subject,
    TextStatus, Translation,
};

fn status_of(status: RawTextStatus) -> TextStatus {
    match status {
        RawTextStatus::Published => TextStatus::Published,
        RawTextStatus::ToCompare => TextStatus::ToCompare,
        RawTextStatus::Own => TextStatus::Own,
    }
}

impl Validator {
    /// Instruments and items, without the parts that need scales
    /// (`required`) or earlier items (`show_if`); see `item_details`.
    pub(super) fn items<'a>(
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
                    &path.key("id"),
                    Problem::DuplicateId {
                        what: "instrument",
                        id: instrument.id.clone(),
                    },
                );
            }
            if instrument.items.is_empty() {
                self.error(file, &path.key("items"), Problem::EmptyInstrument);
            }
            let start = items.len();
            for (j, item) in instrument.items.iter().enumerate() {
                let item_path = path.key("items").index(j);
                let index = items.len();
                self.unique(
                    |ids| &mut ids.items,
                    "item",
                    &item.id,
                    index,
                    file,
                    &item_path.key("id"),
                );
                let kind = self.item_kind(file, &item_path, item);
                let table = crate::model::CodeTable::of(&kind);
                let text = self.wording(file, &item_path.key("text"), &item.text);
                let help = self.opt_text(file, &item_path.key("help"), item.help.as_ref());
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
                        .opt_text(file, &item_path.key("short"), item.short.as_ref())
                        .unwrap_or_else(|| item.id.clone()),
                    answer_implies_gate: item.answer_implies_gate,
                    digit_in_labels: item.options.iter().flatten().any(|o| {
                        o.label
                            .texts()
                            .any(|t| t.chars().any(|c| c.is_ascii_digit()))
                    }),
                    origin: Origin {
                        file: file.to_string(),
                        path: item_path.to_string(),
                    },
                    loinc: self.loinc(file, &item_path.key("loinc"), item.loinc.as_ref(), false),
                    answer_loinc: item.answer_loinc.as_ref().map(|codes| {
                        let at = item_path.key("answer_loinc");
                        (
                            self.loinc(file, &at.key("yes"), Some(&codes.yes), true)
                                .unwrap_or_default(),
                            self.loinc(file, &at.key("no"), Some(&codes.no), true)
                                .unwrap_or_default(),
                        )
                    }),
                });
                raw_items.push((file, item_path, item));
            }
            let translations = self.translations_of(file, &path, instrument);
            let wording_lang = translations
                .iter()
                .find(|t| t.lang == self.lang)
                .or_else(|| {
                    let base = self.lang.split('-').next().unwrap_or("en");
                    translations.iter().find(|t| t.lang == base)
                })
                .map_or_else(|| "en".to_string(), |t| t.lang.clone());
            let preamble = instrument
                .preamble
                .as_ref()
                .map(|p| self.wording(file, &path.key("preamble"), p));
            instruments.push(Instrument {
                id: instrument.id.clone(),
                title: self.text(file, &path.key("title"), &instrument.title),
                source: instrument.source.clone(),
                preamble,
                items: start..items.len(),
                wording_lang,
                translations,
                loinc: self.loinc(file, &path.key("loinc"), instrument.loinc.as_ref(), false),
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

    /// An instrument's versions in other languages: each declared one
    /// whole, and no wording in an undeclared language.
    fn translations_of(
        &mut self,
        file: &str,
        path: &Loc,
        instrument: &RawInstrument,
    ) -> Vec<Translation> {
        // The wording's texts: (where, its YAML path, the text).
        let mut wording: Vec<(String, Loc, &RawText)> = Vec::new();
        if let Some(preamble) = &instrument.preamble {
            wording.push(("preamble".into(), path.key("preamble"), preamble));
        }
        for (j, item) in instrument.items.iter().enumerate() {
            let at = path.key("items").index(j);
            wording.push((format!("`{}`", item.id), at.key("text"), &item.text));
            for (k, option) in item.options.iter().flatten().enumerate() {
                wording.push((
                    format!("`{}`, answer {}", item.id, option.code),
                    at.key("options").index(k).key("label"),
                    &option.label,
                ));
            }
        }
        let mut translations = Vec::new();
        for (lang, declared) in &instrument.translations.0 {
            let at = path.key("translations").key(lang);
            if lang == "en" {
                self.error(file, &at, Problem::StatusOnEnglish);
                continue;
            }
            if !super::super::is_language_code(lang) {
                self.error(file, &at, Problem::BadLanguage { lang: lang.clone() });
                continue;
            }
            let status = status_of(declared.status);
            let mut texts = 0;
            let mut marked = Vec::new();
            let mut missing = Vec::new();
            for (place, _, text) in &wording {
                let RawText::Languages(map) = text else {
                    missing.push(place.clone());
                    continue;
                };
                let Some(version) = map.get(lang) else {
                    missing.push(place.clone());
                    continue;
                };
                texts += 1;
                if let Some((own, note)) = version.status() {
                    let own = status_of(own);
                    if own != status {
                        marked.push(MarkedText {
                            place: place.clone(),
                            text: version.text().to_string(),
                            status: own,
                            note: note.map(str::to_string),
                        });
                    }
                }
            }
            if let Some(first) = missing.first() {
                let problem = Problem::IncompleteTranslation {
                    lang: lang.clone(),
                    first: first.clone(),
                    more: missing.len() - 1,
                };
                self.error(file, &at, problem);
            }
            translations.push(Translation {
                lang: lang.clone(),
                status,
                source: declared.source.clone(),
                licence: declared.licence.clone(),
                texts,
                marked,
            });
        }
        // Wording in a language no declaration covers: once per language.
        let mut undeclared: Vec<&str> = Vec::new();
        for (_, at, text) in &wording {
            // A text without English is reported as such.
            let RawText::Languages(map) = text else {
                continue;
            };
            if !map.contains_key("en") {
                continue;
            }
            // A key that is not a language code is reported as such.
            let langs = map.keys().filter(|l| l.as_str() != "en");
            for lang in langs.filter(|l| super::super::is_language_code(l)) {
                let declared = instrument.translations.0.iter().any(|(l, _)| l == lang);
                if !declared && !undeclared.contains(&lang.as_str()) {
                    undeclared.push(lang);
                    let problem = Problem::UndeclaredTranslation {
                        lang: lang.clone(),
                        instrument: instrument.id.clone(),
                    };
                    self.error(file, &at.key(lang), problem);
                }
            }
        }
        translations
    }

    pub(super) fn item_kind(&mut self, file: &str, path: &Loc, item: &RawItem) -> ItemKind {
        let mut numbers: Vec<(Loc, i64)> = Vec::new();
        for (k, option) in item.options.iter().flatten().enumerate() {
            numbers.push((path.key("options").index(k).key("code"), option.code));
            numbers.push((path.key("options").index(k).key("score"), option.score));
        }
        if let Some(scores) = &item.scores {
            numbers.push((path.key("scores").key("yes"), scores.yes));
            numbers.push((path.key("scores").key("no"), scores.no));
        }
        numbers.extend(item.min.map(|v| (path.key("min"), v)));
        numbers.extend(item.max.map(|v| (path.key("max"), v)));
        for (at, value) in numbers {
            if value.unsigned_abs() > MAX_MAGNITUDE.unsigned_abs() {
                self.error(file, &at, Problem::ItemNumberOutOfRange { value });
            }
        }
        let present = [
            ("options", item.options.is_some(), RawItemType::Choice),
            ("scores", item.scores.is_some(), RawItemType::YesNo),
            (
                "answer_loinc",
                item.answer_loinc.is_some(),
                RawItemType::YesNo,
            ),
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
                    &path.key(key),
                    Problem::KeyNotForType {
                        key,
                        kind: type_name(item.kind),
                    },
                );
            }
        }
        match item.kind {
            RawItemType::Choice => {
                let Some(options) = &item.options else {
                    self.error(file, path, Problem::ChoiceWithoutOptions);
                    return ItemKind::Choice(Vec::new());
                };
                if options.is_empty() {
                    self.error(file, &path.key("options"), Problem::NoOptions);
                }
                let mut seen = HashMap::new();
                for (k, option) in options.iter().enumerate() {
                    if seen.insert(option.code, k).is_some() {
                        self.error(
                            file,
                            &path.key("options").index(k).key("code"),
                            Problem::DuplicateOptionCode {
                                code: option.code,
                                item: item.id.clone(),
                            },
                        );
                    }
                }
                ItemKind::Choice(
                    options
                        .iter()
                        .enumerate()
                        .map(|(k, o)| ChoiceOption {
                            code: o.code,
                            label: self.wording(
                                file,
                                &path.key("options").index(k).key("label"),
                                &o.label,
                            ),
                            score: o.score,
                            loinc: self.loinc(
                                file,
                                &path.key("options").index(k).key("loinc"),
                                o.loinc.as_ref(),
                                true,
                            ),
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
                        &path.key("range_message"),
                        item.range_message.as_ref(),
                    ),
                },
                (Some(min), Some(max)) => {
                    self.error(file, &path.key("min"), Problem::MinAboveMax { min, max });
                    ItemKind::Info
                }
                _ => {
                    self.error(file, path, Problem::IntegerWithoutBounds);
                    ItemKind::Info
                }
            },
            RawItemType::Info => ItemKind::Info,
        }
    }

    pub(super) fn item_details(&mut self, items: &mut [Item], raw_items: &[Located<'_, RawItem>]) {
        for (index, (file, path, raw)) in raw_items.iter().enumerate() {
            let scored = !items[index].scales.is_empty();
            match raw.required {
                Some(_) if scored => self.error(
                    file,
                    &path.key("required"),
                    Problem::RequiredOnScoredItem {
                        item: raw.id.clone(),
                    },
                ),
                Some(_) if raw.kind == RawItemType::Info => {
                    self.error(file, &path.key("required"), Problem::RequiredOnInfoItem)
                }
                Some(required) => items[index].required = required,
                None => items[index].required = raw.kind != RawItemType::Info,
            }
            if let Some(cond) = &raw.show_if {
                items[index].show_if =
                    self.condition(file, &path.key("show_if"), cond, Scope::show_if(index));
            }
            let one_gate = matches!(
                items[index].show_if,
                Some(Condition::Compare(Subject::Item(_), Cmp::Eq(_)))
            );
            if raw.answer_implies_gate && !one_gate {
                self.error(
                    file,
                    &path.key("answer_implies_gate"),
                    Problem::ImpliedGate {
                        item: raw.id.clone(),
                    },
                );
            }
        }
    }
}
