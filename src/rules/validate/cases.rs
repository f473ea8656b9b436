//! The rule set's test cases: ids resolved, answers valid codes.

use std::collections::HashMap;

use super::super::problem::Problem;
use super::super::raw::RawFile;
use super::{closest, gather, Validator};
use crate::model::{DomainIx, FlagIx, Origin, RatingIx, RuleSet, ScaleIx};

impl Validator {
    /// Test cases, every id resolved and every answer a valid code.
    pub(super) fn cases(
        &mut self,
        files: &[(String, RawFile)],
        rules: &RuleSet,
    ) -> Vec<crate::model::Case> {
        use crate::model::{Case, Expect, GradeOf};
        let mut out = Vec::new();
        let mut ids = HashMap::new();
        for (file, path, raw) in gather(files, "cases", |raw| &raw.cases) {
            if ids.insert(raw.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &path.key("id"),
                    Problem::DuplicateId {
                        what: "case",
                        id: raw.id.clone(),
                    },
                );
            }
            let mut answers = Vec::new();
            for (id, code) in &raw.answers.0 {
                let at = path.key("answers").key(id);
                let Some(item) = self.resolve(|ids| &ids.items, "item", id, file, &at) else {
                    continue;
                };
                if let Some(code) = code {
                    if rules.items[item].score(*code).is_none() {
                        self.error(
                            file,
                            &at,
                            Problem::CaseAnswerCode {
                                code: *code,
                                item: id.clone(),
                            },
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
                e.reasons.is_some(),
                !e.scores.0.is_empty(),
                !e.bands.0.is_empty(),
                !e.grades.0.is_empty(),
                e.fired.is_some(),
                e.features.is_some(),
                !e.shown.is_empty(),
                !e.hidden.is_empty(),
                !e.note_contains.is_empty(),
            ];
            let named = checks.iter().filter(|&&c| c).count();
            if e.rejected_for.is_some() && named > 0 {
                self.error(
                    file,
                    &path.key("expect"),
                    Problem::CaseRejectedForStandsAlone,
                );
            } else if e.rejected_for.is_none() && named == 0 {
                self.error(
                    file,
                    &path.key("expect"),
                    Problem::CaseChecksNothing {
                        case: raw.id.clone(),
                    },
                );
            }
            let at = |key: &str| path.key("expect").key(key);
            let mut expect = Expect {
                crisis: e.crisis,
                level: e
                    .level
                    .as_ref()
                    .and_then(|l| self.resolve(|ids| &ids.levels, "level", l, file, &at("level"))),
                ..Expect::default()
            };
            if let Some(flags) = &e.flags {
                let resolved: Vec<FlagIx> = flags
                    .iter()
                    .enumerate()
                    .filter_map(|(k, f)| {
                        self.resolve(|ids| &ids.flags, "flag", f, file, &at("flags").index(k))
                            .map(FlagIx::new)
                    })
                    .collect();
                expect.flags = Some(resolved);
            }
            if let Some(reasons) = &e.reasons {
                for (k, id) in reasons.iter().enumerate() {
                    let known = rules
                        .flags
                        .iter()
                        .map(|f| &f.id)
                        .chain(rules.rules.iter().map(|r| &r.id))
                        .chain(rules.conditions.iter().map(|c| &c.id));
                    if id != "default" && !known.clone().any(|k| k == id) {
                        let suggestion = closest(id, known).cloned();
                        self.error(
                            file,
                            &at("reasons").index(k),
                            Problem::UnknownReference {
                                what: "reason",
                                id: id.clone(),
                                suggestion,
                            },
                        );
                    }
                }
                expect.reasons = Some(reasons.clone());
            }
            for (id, score) in &e.scores.0 {
                if let Some(s) =
                    self.resolve(|ids| &ids.scales, "scale", id, file, &at("scores").key(id))
                {
                    expect.scores.push((ScaleIx::new(s), *score));
                }
            }
            for (id, band) in &e.bands.0 {
                let place = at("bands").key(id);
                let Some(s) = self.resolve(|ids| &ids.scales, "scale", id, file, &place) else {
                    continue;
                };
                let s = ScaleIx::new(s);
                match rules.scales[s].bands.iter().position(|b| b.id == *band) {
                    Some(b) => expect.bands.push((s, b)),
                    None => {
                        let known: Vec<String> =
                            rules.scales[s].bands.iter().map(|b| b.id.clone()).collect();
                        let suggestion = closest(band, known.iter()).cloned();
                        self.error(
                            file,
                            &place,
                            Problem::UnknownBandOfScale {
                                band: band.clone(),
                                scale: id.clone(),
                                suggestion,
                            },
                        );
                    }
                }
            }
            for (id, grade) in &e.grades.0 {
                let place = at("grades").key(id);
                let (of, grades) = match (self.ids.ratings.get(id), self.ids.domains.get(id)) {
                    (Some(&r), _) => {
                        let r = RatingIx::new(r);
                        (GradeOf::Rating(r), &rules.ratings[r].grades)
                    }
                    (None, Some(&d)) => {
                        let d = DomainIx::new(d);
                        (GradeOf::Domain(d), &rules.domains[d].grades)
                    }
                    (None, None) => {
                        self.error(file, &place, Problem::UnknownGradeOwner { id: id.clone() });
                        continue;
                    }
                };
                match grades.iter().position(|g| g.id == *grade) {
                    Some(g) => expect.grades.push((of, g)),
                    None => self.error(
                        file,
                        &place,
                        Problem::UnknownGrade {
                            grade: grade.clone(),
                            of: id.clone(),
                        },
                    ),
                }
            }
            if let Some(fired) = &e.fired {
                let mut resolved = Vec::new();
                for (k, id) in fired.iter().enumerate() {
                    match rules.rules.iter_ix().find(|(_, r)| r.id == *id) {
                        Some((r, _)) => resolved.push(r),
                        None => self.error(
                            file,
                            &at("fired").index(k),
                            Problem::UnknownReference {
                                what: "placement rule",
                                id: id.clone(),
                                suggestion: closest(id, rules.rules.iter().map(|r| &r.id)).cloned(),
                            },
                        ),
                    }
                }
                expect.fired = Some(resolved);
            }
            if let Some(features) = &e.features {
                let mut resolved = Vec::new();
                for (k, id) in features.iter().enumerate() {
                    match rules.features.iter().position(|f| f.id == *id) {
                        Some(f) => resolved.push(f),
                        None => self.error(
                            file,
                            &at("features").index(k),
                            Problem::UnknownReference {
                                what: "feature",
                                id: id.clone(),
                                suggestion: closest(id, rules.features.iter().map(|f| &f.id))
                                    .cloned(),
                            },
                        ),
                    }
                }
                expect.features = Some(resolved);
            }
            for (key, list, shown) in [("shown", &e.shown, true), ("hidden", &e.hidden, false)] {
                for (k, id) in list.iter().enumerate() {
                    let place = at(key).index(k);
                    if let Some(item) = self.resolve(|ids| &ids.items, "item", id, file, &place) {
                        expect.shown.push((item, shown));
                    }
                }
            }
            for (k, text) in e.note_contains.iter().enumerate() {
                if text.trim().is_empty() {
                    self.error(file, &at("note_contains").index(k), Problem::BlankText);
                }
            }
            expect.note_contains = e.note_contains.clone();
            expect.rejected_for = e
                .rejected_for
                .as_ref()
                .and_then(|i| self.resolve(|ids| &ids.items, "item", i, file, &at("rejected_for")));
            out.push(Case {
                id: raw.id.clone(),
                description: raw.description.clone(),
                answers,
                retracted: raw.retracted.clone(),
                expect,
                origin: Origin {
                    file: file.to_string(),
                    path: path.into_string(),
                },
            });
        }
        out
    }
}
