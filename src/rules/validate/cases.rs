//! The rule set's test cases: ids resolved, answers valid codes.

use std::collections::HashMap;

use super::super::raw::RawFile;
use super::{closest, gather, Validator};
use crate::model::{Origin, RuleSet};

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
}
