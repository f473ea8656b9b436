//! Running a rule set's own test cases, and what they cover.
//!
//! A case names some answers; every other item gets its least severe
//! answer (the lowest-scoring code, or the lowest bound), and skip logic
//! then applies as usual. Only what the case expects is checked.

use crate::answers::Answers;
use crate::assess::{assess, Assessment};
use crate::error::AnswerError;
use crate::model::{Case, FlagIx, GradeOf, Ix, IxVec, Rating, RuleIx, RuleSet, ScaleIx};

/// One difference between a case's expectation and the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub(crate) what: String,
    pub(crate) expected: String,
    pub(crate) actual: String,
}

/// A case, run.
#[derive(Debug)]
pub(crate) struct Outcome<'a> {
    pub(crate) case: &'a Case,
    pub(crate) result: Result<Assessment, AnswerError>,
    pub(crate) mismatches: Vec<Mismatch>,
}

impl Outcome<'_> {
    pub(crate) fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// The answers a case stands for: the named answers, and the least severe
/// answer to every other question the answers show (a question skip logic
/// hides gets none, unless the case names it: an answer to a skipped
/// question, as on a paper form).
pub(crate) fn answers(rules: &RuleSet, case: &Case) -> Answers {
    let mut answers = Answers::extreme(rules, false);
    for &(item, code) in &case.answers {
        match code {
            // Codes were checked when the rule set was loaded.
            Some(code) => {
                let _ = answers.set(rules, item, code);
            }
            None => answers.clear(item),
        }
    }
    let shown = crate::assess::shown_items(rules, &answers);
    for (i, shown) in shown.into_iter().enumerate() {
        if !shown && !case.answers.iter().any(|&(named, _)| named == i) {
            answers.clear(i);
        }
    }
    answers
}

/// Every case through every executor of the rule set's plan (the
/// one-record engine, the 64-row engine, the incomplete-record evaluation),
/// compared.
pub(crate) fn executors(rules: &RuleSet) -> crate::assess::tester::Agreement {
    let records: Vec<Answers> = rules.cases.iter().map(|c| answers(rules, c)).collect();
    crate::assess::tester::check(rules, &records)
}

/// Run every case of the rule set.
pub(crate) fn run(rules: &RuleSet) -> Vec<Outcome<'_>> {
    rules
        .cases
        .iter()
        .map(|case| run_one(rules, case))
        .collect()
}

fn run_one<'a>(rules: &RuleSet, case: &'a Case) -> Outcome<'a> {
    let result = assess(rules, &answers(rules, case));
    let e = &case.expect;
    let mut mismatches = Vec::new();
    let mut check = |what: String, expected: String, actual: String| {
        if expected != actual {
            mismatches.push(Mismatch {
                what,
                expected,
                actual,
            });
        }
    };
    match (&result, e.rejected_for) {
        (Err(err), Some(item)) => {
            let actual = rejected_item(err).unwrap_or_default();
            check("rejected for".into(), rules.items[item].id.clone(), actual);
        }
        (Err(err), None) => check("result".into(), "scored".into(), format!("rejected: {err}")),
        (Ok(_), Some(item)) => check(
            "result".into(),
            format!("rejected for `{}`", rules.items[item].id),
            "scored".into(),
        ),
        (Ok(a), None) => {
            if let Some(level) = e.level {
                check(
                    "level".into(),
                    rules.levels[level].id.clone(),
                    rules.levels[a.level].id.clone(),
                );
            }
            if let Some(crisis) = e.crisis {
                check("crisis".into(), crisis.to_string(), a.crisis.to_string());
            }
            if let Some(flags) = &e.flags {
                let mut expected: Vec<&str> =
                    flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
                let mut actual: Vec<&str> = a
                    .raised_flags(rules)
                    .map(|f| rules.flags[f].id.as_str())
                    .collect();
                expected.sort_unstable();
                actual.sort_unstable();
                check("flags".into(), expected.join(", "), actual.join(", "));
            }
            if let Some(reasons) = &e.reasons {
                let mut expected: Vec<&str> = reasons.iter().map(String::as_str).collect();
                let mut actual: Vec<String> =
                    a.reasons(rules).iter().map(|r| r.id(rules)).collect();
                expected.sort_unstable();
                actual.sort_unstable();
                check("reasons".into(), expected.join(", "), actual.join(", "));
            }
            for &(s, score) in &e.scores {
                let actual = a.scales[s]
                    .score
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "no score".into());
                check(
                    format!("{} score", rules.scales[s].id),
                    score.to_string(),
                    actual,
                );
            }
            for &(s, band) in &e.bands {
                let scale = &rules.scales[s];
                let actual = a.scales[s]
                    .band
                    .map_or("no band".to_string(), |b| scale.bands[b].id.clone());
                check(
                    format!("{} band", scale.id),
                    scale.bands[band].id.clone(),
                    actual,
                );
            }
            for &(of, grade) in &e.grades {
                let (rating, actual) = match of {
                    GradeOf::Rating(r) => (&rules.ratings[r], a.ratings[r]),
                    GradeOf::Domain(d) => (&rules.domains[d], a.domains[d]),
                };
                check(
                    rating.id.clone(),
                    rating.grades[grade].id.clone(),
                    rating.grades[actual].id.clone(),
                );
            }
        }
    }
    Outcome {
        case,
        result,
        mismatches,
    }
}

fn rejected_item(err: &AnswerError) -> Option<String> {
    match err {
        AnswerError::Missing { item } | AnswerError::Invalid { item, .. } => Some(item.clone()),
        AnswerError::TooManyMissing { item, .. } => Some(item.clone()),
        AnswerError::FieldCount { .. } | AnswerError::Column { .. } => None,
    }
}

/// What no case exercises.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// Placement rules no case fires.
    pub(crate) rules: Vec<RuleIx>,
    /// Flags no case raises.
    pub(crate) flags: Vec<FlagIx>,
    /// Conditions on the level no case meets.
    pub(crate) conditions: Vec<usize>,
    /// (scale, band) no case reaches.
    pub(crate) bands: Vec<(ScaleIx, usize)>,
    /// (rating or domain, grade) no case reaches; baselines are not counted.
    pub(crate) grades: Vec<(GradeOf, usize)>,
}

impl Coverage {
    pub(crate) fn complete(&self) -> bool {
        self.rules.is_empty()
            && self.flags.is_empty()
            && self.conditions.is_empty()
            && self.bands.is_empty()
            && self.grades.is_empty()
    }

    /// Total items counted, and how many are covered.
    pub(crate) fn counts(&self, rules: &RuleSet) -> (usize, usize) {
        let grades: usize = rules
            .ratings
            .iter()
            .chain(&rules.domains)
            .map(|r| r.grades.len() - 1)
            .sum();
        let total = rules.rules.len()
            + rules.flags.len()
            + rules.conditions.len()
            + rules.scales.iter().map(|s| s.bands.len()).sum::<usize>()
            + grades;
        let uncovered = self.rules.len()
            + self.flags.len()
            + self.conditions.len()
            + self.bands.len()
            + self.grades.len();
        (total, total - uncovered)
    }
}

/// The grades (beyond the baseline) of ratings or domains that no `scored`
/// outcome reaches.
fn graded<I: Ix>(
    scored: &[&Assessment],
    of: fn(I) -> GradeOf,
    list: &IxVec<I, Rating>,
    pick: fn(&Assessment) -> &IxVec<I, usize>,
) -> Vec<(GradeOf, usize)> {
    let mut out = Vec::new();
    for (r, rating) in list.iter_ix() {
        for g in 1..rating.grades.len() {
            if !scored.iter().any(|a| pick(a)[r] == g) {
                out.push((of(r), g));
            }
        }
    }
    out
}

/// What no passing case exercises (a failing case proves nothing).
pub(crate) fn coverage(rules: &RuleSet, outcomes: &[Outcome<'_>]) -> Coverage {
    let scored: Vec<&Assessment> = outcomes
        .iter()
        .filter(|o| o.passed())
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    let mut grades = graded(&scored, GradeOf::Rating, &rules.ratings, |a| &a.ratings);
    grades.extend(graded(&scored, GradeOf::Domain, &rules.domains, |a| {
        &a.domains
    }));
    Coverage {
        rules: rules
            .rules
            .ixs()
            .filter(|&r| !scored.iter().any(|a| a.rules[r]))
            .collect(),
        flags: rules
            .flags
            .ixs()
            .filter(|&f| !scored.iter().any(|a| a.flags[f]))
            .collect(),
        conditions: (0..rules.conditions.len())
            .filter(|&c| !scored.iter().any(|a| a.conditions[c]))
            .collect(),
        bands: rules
            .scales
            .iter_ix()
            .flat_map(|(s, scale)| (0..scale.bands.len()).map(move |b| (s, b)))
            .filter(|&(s, b)| !scored.iter().any(|a| a.scales[s].band == Some(b)))
            .collect(),
        grades,
    }
}

#[cfg(test)]
mod tests {
    use super::run;
    use crate::model::{Cmp, Condition, DomainIx, FlagIx, RatingIx, RuleIx, RuleSet};
    use crate::rules::{load, RulesSource};

    /// Every comparison value in the placement policy: flags, domain
    /// grades, placement rules. (section, index, grade, path in the tree)
    fn sites(rules: &RuleSet) -> Vec<(String, Vec<usize>)> {
        fn walk(cond: &Condition, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            match cond {
                Condition::All(cs) | Condition::Any(cs) => {
                    for (i, c) in cs.iter().enumerate() {
                        path.push(i);
                        walk(c, path, out);
                        path.pop();
                    }
                }
                Condition::Not(c) => {
                    path.push(0);
                    walk(c, path, out);
                    path.pop();
                }
                Condition::Compare(..) => out.push(path.clone()),
                Condition::Flag(_) => {}
            }
        }
        let mut out = Vec::new();
        let mut add = |name: String, cond: &Condition| {
            let mut paths = Vec::new();
            walk(cond, &mut Vec::new(), &mut paths);
            out.extend(paths.into_iter().map(|p| (name.clone(), p)));
        };
        for (f, flag) in rules.flags.iter().enumerate() {
            add(format!("flag {f}"), &flag.when);
        }
        for (r, rating) in rules.ratings.iter().enumerate() {
            for (g, grade) in rating.grades.iter().enumerate() {
                if let Some(when) = &grade.when {
                    add(format!("rating {r} {g}"), when);
                }
            }
        }
        for (d, domain) in rules.domains.iter().enumerate() {
            for (g, grade) in domain.grades.iter().enumerate() {
                if let Some(when) = &grade.when {
                    add(format!("domain {d} {g}"), when);
                }
            }
        }
        for (r, rule) in rules.rules.iter().enumerate() {
            add(format!("rule {r}"), &rule.when);
        }
        for (c, condition) in rules.conditions.iter().enumerate() {
            add(format!("condition {c}"), &condition.when);
        }
        out
    }

    fn condition<'a>(rules: &'a mut RuleSet, site: &str) -> &'a mut Condition {
        let parts: Vec<usize> = site
            .split(' ')
            .skip(1)
            .map(|p| p.parse().expect("index"))
            .collect();
        match site.split(' ').next() {
            Some("flag") => &mut rules.flags[FlagIx::new(parts[0])].when,
            Some("domain") => rules.domains[DomainIx::new(parts[0])].grades[parts[1]]
                .when
                .as_mut()
                .expect("when"),
            Some("rating") => rules.ratings[RatingIx::new(parts[0])].grades[parts[1]]
                .when
                .as_mut()
                .expect("when"),
            Some("condition") => &mut rules.conditions[parts[0]].when,
            _ => &mut rules.rules[RuleIx::new(parts[0])].when,
        }
    }

    fn leaf<'a>(cond: &'a mut Condition, path: &[usize]) -> &'a mut Cmp {
        match (cond, path.split_first()) {
            (Condition::All(cs) | Condition::Any(cs), Some((&i, rest))) => leaf(&mut cs[i], rest),
            (Condition::Not(c), Some((_, rest))) => leaf(c, rest),
            (Condition::Compare(_, cmp), None) => cmp,
            _ => panic!("bad path"),
        }
    }

    fn shift(cmp: &mut Cmp, by: i64) {
        match cmp {
            Cmp::Eq(v) | Cmp::AtLeast(v) | Cmp::AtMost(v) => *v += by,
            Cmp::In(vs) => vs.iter_mut().for_each(|v| *v += by),
        }
    }

    /// Moving any threshold of the placement policy by one (up or down)
    /// must make at least one shipped case fail.
    #[test]
    fn every_placement_threshold_moved_by_one_is_caught_by_a_case() {
        let mut rules = load(&RulesSource::Embedded).expect("default rules");
        assert!(
            run(&rules).iter().all(|o| o.passed()),
            "the cases pass unmutated"
        );
        let mut survivors = Vec::new();
        let sites = sites(&rules);
        for (site, path) in &sites {
            for by in [-1, 1] {
                shift(leaf(condition(&mut rules, site), path), by);
                rules.recompile();
                if run(&rules).iter().all(|o| o.passed()) {
                    survivors.push(format!("{site} at {path:?} shifted by {by}"));
                }
                shift(leaf(condition(&mut rules, site), path), -by);
            }
        }
        rules.recompile();
        // Band edges: move the boundary between two neighbouring bands.
        let mut edges = 0;
        for s in rules.scales.ixs() {
            for k in 0..rules.scales[s].bands.len() - 1 {
                for by in [-1, 1] {
                    let bands = &mut rules.scales[s].bands;
                    bands[k].max += by;
                    bands[k + 1].min += by;
                    let empty = bands[k].min > bands[k].max || bands[k + 1].min > bands[k + 1].max;
                    if !empty {
                        edges += 1;
                        if run(&rules).iter().all(|o| o.passed()) {
                            survivors.push(format!("band edge {s}.{k} shifted by {by}"));
                        }
                    }
                    let bands = &mut rules.scales[s].bands;
                    bands[k].max -= by;
                    bands[k + 1].min -= by;
                }
            }
        }
        // Survivors that no case can kill, and why.
        let explained = [
            // `acute_risk` at `>= high` + 1 never fires, but acute risk is
            // defined by the crisis flags, which force residential anyway:
            // the rule states the crisis route in the trace; it cannot change a level.
            "rule 0 at [] shifted by 1",
        ];
        survivors.retain(|s| !explained.contains(&s.as_str()));
        let total = sites.len() * 2 + edges;
        assert!(
            survivors.is_empty(),
            "{} of {total} mutants survive:\n{}",
            survivors.len(),
            survivors.join("\n")
        );
    }
}
