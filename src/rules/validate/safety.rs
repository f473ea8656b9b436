//! Safety flags must see every answer they depend on.

use super::super::problem::Problem;
use super::{Loc, Validator};
use crate::model::{Flag, Item, IxVec, MissingRule, Rating, RatingIx, Scale, ScaleIx, Subject};

impl Validator {
    /// A safety flag must never stay down because an answer it depends on was
    /// left out: every item it looks at (directly, through a rating, or
    /// through a scale) must be required, and never prorated or invalid.
    pub(super) fn safety_inputs(
        &mut self,
        items: &[Item],
        scales: &IxVec<ScaleIx, Scale>,
        ratings: &IxVec<RatingIx, Rating>,
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
                            problems.push(Problem::SafetyItemNotRequired {
                                flag: flag.id.clone(),
                                item: item.id.clone(),
                            });
                        }
                        for &s in &item.scales {
                            let loose = match &scales[s].missing {
                                MissingRule::AllRequired => false,
                                MissingRule::Prorate { never, .. } => !never.contains(&i),
                                MissingRule::Invalid => true,
                            };
                            if loose {
                                problems.push(Problem::SafetyItemMayBeMissing {
                                    flag: flag.id.clone(),
                                    item: item.id.clone(),
                                    scale: scales[s].id.clone(),
                                });
                            }
                        }
                    }
                    Subject::Scale(s) | Subject::Band(s)
                        if scales[s].missing == MissingRule::Invalid =>
                    {
                        problems.push(Problem::SafetyScaleMayHaveNoScore {
                            flag: flag.id.clone(),
                            scale: scales[s].id.clone(),
                        });
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
                            &Loc::resume(&flag.origin.path).key("when"),
                            Problem::SafetyReadsSkippedScale {
                                flag: flag.id.clone(),
                                scale: scales[s].id.clone(),
                            },
                        );
                    }
                    _ => {}
                }
            }
            problems.dedup();
            for problem in problems {
                self.error(
                    &flag.origin.file,
                    &Loc::resume(&flag.origin.path).key("when"),
                    problem,
                );
            }
        }
    }
}
