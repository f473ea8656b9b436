//! The mutation test: which thresholds the cases pin. Each mutant changes
//! one threshold of the rule set by one step (a number by one; a band,
//! grade or level comparison to the next or previous one; an edge between
//! two bands of a scale) and runs every case again. A mutant no case fails
//! on *survives*: nothing the cases check depends on that threshold being
//! exactly where it is.

use crate::model::{Cmp, Condition, Origin, RuleSet, ScaleIx};
use crate::report::trace::describe;

use super::mcdc::{cmp_at_mut, leaf_at, leaves, yaml_path, Site};

/// A changed threshold that no case fails on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Survivor {
    /// Where the threshold is written.
    pub(crate) origin: Origin,
    /// What it decides (`flag suicidal_ideation`).
    pub(crate) site: String,
    /// The change: `item phq9_9 >= 1 → item phq9_9 >= 2`.
    pub(crate) change: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Mutation {
    pub(crate) mutants: usize,
    pub(crate) survivors: Vec<Survivor>,
}

/// Whether every case passes on the rule set as it now is.
fn cases_pass(rules: &RuleSet) -> bool {
    super::run(rules).iter().all(super::Outcome::passed)
}

fn shift(cmp: &mut Cmp, by: i64) {
    match cmp {
        Cmp::Eq(v) | Cmp::AtLeast(v) | Cmp::AtMost(v) => *v += by,
        Cmp::In(vs) => vs.iter_mut().for_each(|v| *v += by),
    }
}

/// Run every mutant of `rules` against its cases, leaving the rule set as
/// it was. The cases must pass on the rule set unchanged (else every
/// mutant would "fail" and prove nothing): `None` when they do not.
pub(crate) fn run(rules: &mut RuleSet) -> Option<Mutation> {
    if !cases_pass(rules) {
        return None;
    }
    let mut report = Mutation::default();
    for site in Site::all(rules) {
        let Some(cond) = site.condition(rules) else {
            continue;
        };
        // Each comparison, with where it is written.
        let paths: Vec<(Vec<usize>, String)> = leaves(cond)
            .into_iter()
            .filter(|p| matches!(leaf_at(cond, p), Condition::Compare(..)))
            .map(|p| {
                let place = yaml_path(cond, &p);
                (p, place)
            })
            .collect();
        let origin = site.origin(rules);
        let leaf = |rules: &RuleSet, path: &[usize]| {
            site.condition(rules)
                .map(|c| describe(rules, leaf_at(c, path)))
                .unwrap_or_default()
        };
        for (path, place) in paths {
            for by in [-1, 1] {
                let before = leaf(rules, &path);
                if !change(rules, site, &path, by) {
                    continue;
                }
                report.mutants += 1;
                if cases_pass(rules) {
                    report.survivors.push(Survivor {
                        origin: Origin {
                            file: origin.file.clone(),
                            path: format!("{}{place}", origin.path),
                        },
                        site: site.name(rules),
                        change: format!("{before} → {}", leaf(rules, &path)),
                    });
                }
                change(rules, site, &path, -by);
            }
        }
    }
    for s in rules.scales.ixs() {
        for k in 0..rules.scales[s].bands.len().saturating_sub(1) {
            for by in [-1, 1] {
                if !move_edge(rules, s, k, by) {
                    continue;
                }
                report.mutants += 1;
                if cases_pass(rules) {
                    let scale = &rules.scales[s];
                    let (low, high) = (&scale.bands[k], &scale.bands[k + 1]);
                    report.survivors.push(Survivor {
                        origin: Origin {
                            file: scale.origin.file.clone(),
                            path: format!("{}.bands[{}].min", scale.origin.path, k + 1),
                        },
                        site: format!("scale {}", scale.id),
                        change: format!(
                            "`{}` from {} → from {} (`{}` to {})",
                            high.id,
                            high.min - by,
                            high.min,
                            low.id,
                            low.max
                        ),
                    });
                }
                move_edge(rules, s, k, -by);
            }
        }
    }
    rules.recompile();
    Some(report)
}

/// Shift the comparison at `path` of `site` by `by`, and compile the plan
/// again; `false` when there is no comparison there.
fn change(rules: &mut RuleSet, site: Site, path: &[usize], by: i64) -> bool {
    let Some(cmp) = site.condition_mut(rules).and_then(|c| cmp_at_mut(c, path)) else {
        return false;
    };
    shift(cmp, by);
    rules.recompile();
    true
}

/// Move the edge between bands `k` and `k + 1` of scale `s` by `by`; `false`
/// (and nothing changed) when a band would be left empty.
fn move_edge(rules: &mut RuleSet, s: ScaleIx, k: usize, by: i64) -> bool {
    let bands = &mut rules.scales[s].bands;
    let (max, min) = (bands[k].max + by, bands[k + 1].min + by);
    if bands[k].min > max || min > bands[k + 1].max {
        return false;
    }
    bands[k].max = max;
    bands[k + 1].min = min;
    rules.recompile();
    true
}

#[cfg(test)]
mod tests {
    use super::run;
    use crate::rules::{load, RulesSource};

    /// Moving any threshold of the default rules by one step makes a
    /// shipped case fail; and the rule set is left as it was.
    #[test]
    fn every_threshold_of_the_default_rules_is_pinned_by_a_case() {
        let mut rules = load(&RulesSource::Embedded).expect("default rules");
        let report = run(&mut rules).expect("the cases pass");
        assert!(report.mutants > 250, "{} mutants", report.mutants);
        let survivors: Vec<String> = report
            .survivors
            .iter()
            .map(|s| format!("{} ({}): {}", s.origin, s.site, s.change))
            .collect();
        assert!(
            survivors.is_empty(),
            "{} of {} mutants survive:\n{}",
            survivors.len(),
            report.mutants,
            survivors.join("\n")
        );
        let again = run(&mut rules).expect("the cases still pass");
        assert_eq!(again.mutants, report.mutants);
    }
}
