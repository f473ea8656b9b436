//! Conditions: one subject and one comparison, every id known and allowed
//! where the condition stands, compared codes valid for the item.

use super::super::problem::Problem;
use super::super::raw::{RawCondition, RawCount, RawScalar};
use super::{closest, keys, ItemCodes, Loc, Scope, Validator, MAX_MAGNITUDE};
use crate::model::{Cmp, Condition, Count, DomainIx, FlagIx, RatingIx, ScaleIx, Subject};

impl Validator {
    /// Resolve a condition: exactly one subject and one comparison, every
    /// id known and allowed by `scope`, compared codes valid for the item.
    pub(super) fn condition(
        &mut self,
        file: &str,
        path: &Loc,
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
            ("count", raw.count.is_some()),
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
            let problem = if set.is_empty() {
                Problem::ConditionNamesNothing
            } else {
                Problem::ConditionMixes { keys: keys(&set) }
            };
            self.error(file, path, problem);
            return None;
        };
        let combinator = matches!(*subject, "all" | "any" | "not" | "flag");
        if combinator && !ops_set.is_empty() {
            self.error(
                file,
                path,
                Problem::ComparisonOnCombinator {
                    subject,
                    ops: keys(&ops_set),
                },
            );
            return None;
        }
        let list =
            |v: &mut Self, conds: &[RawCondition], key: &'static str| -> Option<Vec<Condition>> {
                if conds.is_empty() {
                    v.error(file, &path.key(key), Problem::EmptyCombinator { key });
                }
                let resolved: Vec<Option<Condition>> = conds
                    .iter()
                    .enumerate()
                    .map(|(i, c)| v.condition(file, &path.key(key).index(i), c, scope))
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
                    .condition(file, &path.key("not"), inner, scope)
                    .map(|c| Condition::Not(Box::new(c)));
            }
            "flag" => {
                let id = raw.flag.as_deref()?;
                if !scope.flags {
                    self.error(file, &path.key("flag"), Problem::FlagsNotHere);
                    return None;
                }
                return self
                    .resolve(|ids| &ids.flags, "flag", id, file, &path.key("flag"))
                    .map(|f| Condition::Flag(FlagIx::new(f)));
            }
            _ => {}
        }
        let [op] = ops_set.as_slice() else {
            self.error(
                file,
                path,
                if ops_set.is_empty() {
                    Problem::NoComparison { subject }
                } else {
                    Problem::SeveralComparisons {
                        ops: keys(&ops_set),
                    }
                },
            );
            return None;
        };
        let subject_path = path.key(subject);
        let (target, grades): (Subject, Option<Vec<String>>) = match *subject {
            "item" => {
                let id = raw.item.as_deref()?;
                let index = self.resolve(|ids| &ids.items, "item", id, file, &subject_path)?;
                if index >= scope.items_before {
                    self.error(
                        file,
                        &subject_path,
                        Problem::ForwardReference {
                            item: id.to_string(),
                        },
                    );
                    return None;
                }
                (Subject::Item(index), None)
            }
            "scale" | "band" => {
                if !scope.scales {
                    self.error(file, &subject_path, Problem::ScalesNotHere { subject });
                    return None;
                }
                let id = if *subject == "scale" {
                    raw.scale.as_deref()?
                } else {
                    raw.band.as_deref()?
                };
                let index = self.resolve(|ids| &ids.scales, "scale", id, file, &subject_path)?;
                if *subject == "scale" {
                    (Subject::Scale(ScaleIx::new(index)), None)
                } else {
                    (
                        Subject::Band(ScaleIx::new(index)),
                        Some(self.ids.bands.get(index).cloned().unwrap_or_default()),
                    )
                }
            }
            "rating" => {
                if !scope.ratings {
                    self.error(file, &subject_path, Problem::RatingsNotHere);
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
                    Subject::Rating(RatingIx::new(index)),
                    Some(
                        self.ids
                            .rating_grades
                            .get(index)
                            .cloned()
                            .unwrap_or_default(),
                    ),
                )
            }
            "count" => {
                if !scope.ratings {
                    self.error(file, &subject_path, Problem::CountsNotHere);
                    return None;
                }
                let count = match raw.count? {
                    RawCount::RetractedSafetyAnswers => Count::RetractedSafetyAnswers,
                };
                (Subject::Count(count), None)
            }
            _ => {
                if !scope.domains {
                    self.error(file, &subject_path, Problem::DomainsNotHere);
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
                    Subject::Domain(DomainIx::new(index)),
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
        let op_path = path.key(op);
        let value = |v: &mut Self, scalar: &RawScalar, at: &Loc| -> Option<i64> {
            match (&grades, scalar) {
                (None, RawScalar::Int(n)) if n.unsigned_abs() > MAX_MAGNITUDE.unsigned_abs() => {
                    v.error(file, at, Problem::ComparedValueOutOfRange { value: *n });
                    None
                }
                (None, RawScalar::Int(n)) => Some(*n),
                (None, RawScalar::Id(s)) => {
                    v.error(file, at, Problem::ExpectedNumber { found: s.clone() });
                    None
                }
                (Some(ids), RawScalar::Id(s)) => match ids.iter().position(|g| g == s) {
                    Some(i) => Some(i as i64),
                    None => {
                        let suggestion = closest(s, ids.iter()).cloned();
                        v.error(
                            file,
                            at,
                            Problem::UnknownValue {
                                subject,
                                value: s.clone(),
                                suggestion,
                            },
                        );
                        None
                    }
                },
                (Some(ids), RawScalar::Int(n)) => {
                    v.error(
                        file,
                        at,
                        Problem::ExpectedId {
                            ids: ids.clone(),
                            found: *n,
                        },
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
                    self.error(file, &op_path, Problem::EmptyIn);
                }
                let values: Vec<Option<i64>> = raw_list
                    .iter()
                    .enumerate()
                    .map(|(i, s)| value(self, s, &op_path.index(i)))
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
    pub(super) fn check_codes(&mut self, file: &str, path: &Loc, item: usize, cmp: &Cmp) {
        let Some((id, codes)) = self.ids.item_codes.get(item).cloned() else {
            return;
        };
        if matches!(codes, ItemCodes::None) {
            self.error(
                file,
                path,
                Problem::ComparedItemTakesNoAnswer { item: id.clone() },
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
                let problem = Problem::AtLeastNeverHolds {
                    value: *v,
                    item: id.clone(),
                    high,
                };
                self.error(file, path, problem);
                return;
            }
            Cmp::AtMost(v) if *v < low => {
                let problem = Problem::AtMostNeverHolds {
                    value: *v,
                    item: id.clone(),
                    low,
                };
                self.error(file, path, problem);
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
                    Problem::NotAnAnswerCode {
                        code: v,
                        item: id.clone(),
                    },
                );
            }
        }
    }
}
