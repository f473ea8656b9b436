//! Ratings and domains: grades, each after the first with its condition.

use std::collections::HashMap;

use super::super::problem::Problem;
use super::super::raw::{RawFile, RawRating};
use super::{gather, Ids, Scope, Validator};
use crate::model::{Grade, Ix, IxVec, Origin, Rating};

impl Validator {
    pub(super) fn ratings<I: Ix>(
        &mut self,
        files: &[(String, RawFile)],
        section: &str,
        get: for<'a> fn(&'a RawFile) -> &'a [RawRating],
        item_count: usize,
        domains: bool,
    ) -> IxVec<I, Rating> {
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
            self.unique(table, what, &raw.id, index, file, &path.key("id"));
            let mut grades = Vec::new();
            let mut grade_ids = HashMap::new();
            if raw.grades.len() < 2 {
                self.error(file, &path.key("grades"), Problem::TooFewGrades { what });
            }
            for (k, grade) in raw.grades.iter().enumerate() {
                let grade_path = path.key("grades").index(k);
                if grade_ids.insert(grade.id.clone(), ()).is_some() {
                    self.error(
                        file,
                        &grade_path.key("id"),
                        Problem::DuplicateId {
                            what: "grade",
                            id: grade.id.clone(),
                        },
                    );
                }
                let when = match (&grade.when, k) {
                    (None, 0) => None,
                    (Some(_), 0) => {
                        self.error(file, &grade_path.key("when"), Problem::WhenOnBaseline);
                        None
                    }
                    (None, _) => {
                        self.error(file, &grade_path, Problem::GradeWithoutWhen);
                        None
                    }
                    (Some(cond), _) => self.condition(file, &grade_path.key("when"), cond, scope),
                };
                grades.push(Grade {
                    id: grade.id.clone(),
                    label: self.text(file, &grade_path.key("label"), &grade.label),
                    when,
                    origin: Origin {
                        file: file.to_string(),
                        path: grade_path.into_string(),
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
                title: self.text(file, &path.key("title"), &raw.title),
                grades,
                loinc: self.loinc(file, &path.key("loinc"), raw.loinc.as_ref(), false),
            });
        }
        IxVec::from(out)
    }
}
