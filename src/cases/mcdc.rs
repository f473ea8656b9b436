//! Which conditions the cases prove, leaf by leaf: modified
//! condition/decision coverage (MC/DC) in its masking form.
//!
//! Every condition of a rule set (skip logic, rating and domain grades,
//! flags, placement rules, conditions on the level, program features) is a
//! tree of leaves: comparisons and flags. A leaf is *proven* when two
//! passing cases that check the condition's outcome each have the leaf
//! deciding the whole condition (changing the leaf alone, the other leaves
//! as they are, would change the outcome), once with the leaf true and once
//! false.
//!
//! Some leaves cannot be proven. In `all: [cssrs_6 eq 1, cssrs_6_recent eq
//! 0]`, `cssrs_6` cannot decide the condition while false, because
//! `cssrs_6 = 0` hides the recency question. Such a leaf is *infeasible*
//! when every combination of the answers the condition reads (with their
//! skip logic) was tried and none makes it decide; the answers are then
//! said. When there are too many combinations to try, a leaf no case
//! proves is counted as a gap.
//!
//! Leaves are read over the answers shown. A safety flag is also decided
//! over every answer given (an answer to a skipped question counts for
//! safety), so a case with such an answer does not count for it.

use crate::answers::Answers;
use crate::assess::{assess, Assessment};
use crate::model::{
    Case, Cmp, Condition, Expect, FlagIx, GradeOf, ItemIdx, ItemKind, Origin, RuleIx, RuleSet,
    Subject,
};

use super::Outcome;

/// A condition of the rule set, by what it decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Site {
    /// Whether an item is asked.
    ShowIf(ItemIdx),
    Flag(FlagIx),
    /// A grade (not the baseline) of a rating or domain.
    Grade(GradeOf, usize),
    Rule(RuleIx),
    /// A condition on the recommended level.
    Condition(usize),
    Feature(usize),
}

impl Site {
    /// Every condition of the rule set, in the order of its stages.
    pub(crate) fn all(rules: &RuleSet) -> Vec<Site> {
        let mut out: Vec<Site> = (0..rules.items.len())
            .filter(|&i| rules.items[i].show_if.is_some())
            .map(Site::ShowIf)
            .collect();
        for (r, rating) in rules.ratings.iter_ix() {
            out.extend((1..rating.grades.len()).map(|g| Site::Grade(GradeOf::Rating(r), g)));
        }
        out.extend(rules.flags.ixs().map(Site::Flag));
        for (d, domain) in rules.domains.iter_ix() {
            out.extend((1..domain.grades.len()).map(|g| Site::Grade(GradeOf::Domain(d), g)));
        }
        out.extend(rules.rules.ixs().map(Site::Rule));
        out.extend((0..rules.conditions.len()).map(Site::Condition));
        out.extend((0..rules.features.len()).map(Site::Feature));
        out.retain(|s| s.condition(rules).is_some());
        out
    }

    pub(crate) fn condition(self, rules: &RuleSet) -> Option<&Condition> {
        match self {
            Site::ShowIf(i) => rules.items[i].show_if.as_ref(),
            Site::Flag(f) => Some(&rules.flags[f].when),
            Site::Grade(of, g) => grade(rules, of)[g].when.as_ref(),
            Site::Rule(r) => Some(&rules.rules[r].when),
            Site::Condition(c) => Some(&rules.conditions[c].when),
            Site::Feature(k) => Some(&rules.features[k].when),
        }
    }

    pub(crate) fn condition_mut(self, rules: &mut RuleSet) -> Option<&mut Condition> {
        match self {
            Site::ShowIf(i) => rules.items[i].show_if.as_mut(),
            Site::Flag(f) => Some(&mut rules.flags[f].when),
            Site::Grade(GradeOf::Rating(r), g) => rules.ratings[r].grades[g].when.as_mut(),
            Site::Grade(GradeOf::Domain(d), g) => rules.domains[d].grades[g].when.as_mut(),
            Site::Rule(r) => Some(&mut rules.rules[r].when),
            Site::Condition(c) => Some(&mut rules.conditions[c].when),
            Site::Feature(k) => Some(&mut rules.features[k].when),
        }
    }

    /// What the condition decides, in words: `skip logic of phq9_10`,
    /// `flag suicidal_ideation`, `grade high of cssrs_risk`.
    pub(crate) fn name(self, rules: &RuleSet) -> String {
        match self {
            Site::ShowIf(i) => format!("skip logic of {}", rules.items[i].id),
            Site::Flag(f) => format!("flag {}", rules.flags[f].id),
            Site::Grade(of, g) => {
                let (id, grades) = match of {
                    GradeOf::Rating(r) => (&rules.ratings[r].id, &rules.ratings[r].grades),
                    GradeOf::Domain(d) => (&rules.domains[d].id, &rules.domains[d].grades),
                };
                format!("grade {} of {id}", grades[g].id)
            }
            Site::Rule(r) => format!("placement rule {}", rules.rules[r].id),
            Site::Condition(c) => format!("condition {}", rules.conditions[c].id),
            Site::Feature(k) => format!("program feature {}", rules.features[k].id),
        }
    }

    /// Where the condition is written (its `when` or `show_if`).
    pub(crate) fn origin(self, rules: &RuleSet) -> Origin {
        let (origin, key) = match self {
            Site::ShowIf(i) => (&rules.items[i].origin, "show_if"),
            Site::Flag(f) => (&rules.flags[f].origin, "when"),
            Site::Grade(of, g) => (&grade(rules, of)[g].origin, "when"),
            Site::Rule(r) => (&rules.rules[r].origin, "when"),
            Site::Condition(c) => (&rules.conditions[c].origin, "when"),
            Site::Feature(k) => (&rules.features[k].origin, "when"),
        };
        Origin {
            file: origin.file.clone(),
            path: format!("{}.{key}", origin.path),
        }
    }

    /// Whether the outcome is decided over both the answers shown and
    /// every answer given (safety flags, and the ratings they read): a
    /// case with an answer to a hidden question then proves nothing of it
    /// leaf by leaf.
    fn two_views(self, rules: &RuleSet) -> bool {
        match self {
            Site::Flag(f) => rules.compiled.safety_flags[f],
            Site::Grade(GradeOf::Rating(r), _) => rules.compiled.safety_ratings[r],
            _ => false,
        }
    }

    /// What a case must check to count for this condition, in words.
    pub(crate) fn check_hint(self, rules: &RuleSet) -> String {
        match self {
            Site::ShowIf(i) => format!("`shown` or `hidden` with {}", rules.items[i].id),
            Site::Flag(_) => "`flags`".to_string(),
            Site::Grade(GradeOf::Rating(r), _) => format!("`grades` of {}", rules.ratings[r].id),
            Site::Grade(GradeOf::Domain(d), _) => format!("`grades` of {}", rules.domains[d].id),
            Site::Rule(_) => "`level`, `reasons` or `fired`".to_string(),
            Site::Condition(_) => "`reasons`".to_string(),
            Site::Feature(_) => "`features`".to_string(),
        }
    }

    /// Whether a case checks what this condition decides, so that a change
    /// of its outcome would fail the case.
    fn checked_by(self, expect: &Expect) -> bool {
        match self {
            Site::ShowIf(i) => expect.shown.iter().any(|&(item, _)| item == i),
            Site::Flag(_) => expect.flags.is_some(),
            Site::Grade(of, _) => expect.grades.iter().any(|&(o, _)| o == of),
            Site::Rule(_) => {
                expect.level.is_some() || expect.reasons.is_some() || expect.fired.is_some()
            }
            Site::Condition(_) => expect.reasons.is_some(),
            Site::Feature(_) => expect.features.is_some(),
        }
    }
}

fn grade(rules: &RuleSet, of: GradeOf) -> &[crate::model::Grade] {
    match of {
        GradeOf::Rating(r) => &rules.ratings[r].grades,
        GradeOf::Domain(d) => &rules.domains[d].grades,
    }
}

/// The leaves of a condition (comparisons and flags), each by its path of
/// child indexes, in the order written.
pub(crate) fn leaves(cond: &Condition) -> Vec<Vec<usize>> {
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
            Condition::Compare(..) | Condition::Flag(_) => out.push(path.clone()),
        }
    }
    let mut out = Vec::new();
    walk(cond, &mut Vec::new(), &mut out);
    out
}

/// The leaf at `path`.
pub(crate) fn leaf_at<'a>(cond: &'a Condition, path: &[usize]) -> &'a Condition {
    match (cond, path.split_first()) {
        (Condition::All(cs) | Condition::Any(cs), Some((&i, rest))) => leaf_at(&cs[i], rest),
        (Condition::Not(c), Some((_, rest))) => leaf_at(c, rest),
        (c, _) => c,
    }
}

/// The comparison at `path`, to change it (the mutation test).
pub(crate) fn cmp_at_mut<'a>(cond: &'a mut Condition, path: &[usize]) -> Option<&'a mut Cmp> {
    match (cond, path.split_first()) {
        (Condition::All(cs) | Condition::Any(cs), Some((&i, rest))) => cmp_at_mut(&mut cs[i], rest),
        (Condition::Not(c), Some((_, rest))) => cmp_at_mut(c, rest),
        (Condition::Compare(_, cmp), None) => Some(cmp),
        _ => None,
    }
}

/// The YAML path of the leaf at `path` below its condition's:
/// `.all[1]`, `.any[0].not`.
pub(crate) fn yaml_path(cond: &Condition, path: &[usize]) -> String {
    match (cond, path.split_first()) {
        (Condition::All(cs), Some((&i, rest))) => format!(".all[{i}]{}", yaml_path(&cs[i], rest)),
        (Condition::Any(cs), Some((&i, rest))) => format!(".any[{i}]{}", yaml_path(&cs[i], rest)),
        (Condition::Not(c), Some((_, rest))) => format!(".not{}", yaml_path(c, rest)),
        _ => String::new(),
    }
}

/// Each leaf's truth over one record's facts.
fn leaf_values(rules: &RuleSet, cond: &Condition, facts: &[i64]) -> Vec<bool> {
    let slots = &rules.compiled.slots;
    let mut out = Vec::new();
    fn walk(cond: &Condition, out: &mut Vec<bool>, fact: &dyn Fn(&Condition) -> bool) {
        match cond {
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| walk(c, out, fact)),
            Condition::Not(c) => walk(c, out, fact),
            leaf => out.push(fact(leaf)),
        }
    }
    let fact = |leaf: &Condition| match leaf {
        Condition::Compare(subject, cmp) => cmp.holds(facts[slots.of(*subject)]),
        Condition::Flag(f) => facts[slots.flag(*f)] == 1,
        _ => false,
    };
    walk(cond, &mut out, &fact);
    out
}

/// The condition's outcome when its leaves have `values` (in order).
fn outcome(cond: &Condition, values: &[bool]) -> bool {
    fn eval(cond: &Condition, values: &[bool], next: &mut usize) -> bool {
        match cond {
            // Every leaf is read, so that each keeps its place.
            Condition::All(cs) => cs.iter().fold(true, |acc, c| eval(c, values, next) & acc),
            Condition::Any(cs) => cs.iter().fold(false, |acc, c| eval(c, values, next) | acc),
            Condition::Not(c) => !eval(c, values, next),
            _ => {
                *next += 1;
                values[*next - 1]
            }
        }
    }
    eval(cond, values, &mut 0)
}

/// Whether leaf `k` decides the outcome: changing it alone changes it.
fn decides(cond: &Condition, values: &[bool], k: usize) -> bool {
    let mut flipped = values.to_vec();
    flipped[k] = !flipped[k];
    outcome(cond, values) != outcome(cond, &flipped)
}

/// A leaf no case proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gap {
    pub(crate) site: Site,
    /// The leaf in compact words (`item cssrs_6 = yes`).
    pub(crate) leaf: String,
    pub(crate) origin: Origin,
    /// The leaf's values (true, false) no case shows it deciding with.
    pub(crate) missing: Vec<bool>,
    /// Answers that would show it, when the search found them: each as
    /// `item=code` beyond the least severe answers.
    pub(crate) examples: Vec<String>,
    /// Passing cases whose answers show it, but that do not check what the
    /// condition decides.
    pub(crate) unchecked: Vec<String>,
}

/// A leaf that no answers let decide its condition with one of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Infeasible {
    pub(crate) site: Site,
    pub(crate) leaf: String,
    pub(crate) origin: Origin,
    pub(crate) reason: String,
}

/// The MC/DC of a rule set's conditions under its cases.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Mcdc {
    /// Leaves in every condition.
    pub(crate) leaves: usize,
    /// Feasible leaves the cases prove.
    pub(crate) proven: usize,
    pub(crate) gaps: Vec<Gap>,
    pub(crate) infeasible: Vec<Infeasible>,
}

impl Mcdc {
    /// Leaves that can be proven.
    pub(crate) fn feasible(&self) -> usize {
        self.leaves - self.infeasible.len()
    }
}

/// Most records tried when searching a condition's answers: beyond this,
/// only changes of one or two answers are tried, and a leaf is never
/// reported infeasible.
const SEARCH_LIMIT: usize = 1 << 13;

/// Measure MC/DC over the passing, scored cases.
pub(crate) fn measure(rules: &RuleSet, outcomes: &[Outcome<'_>]) -> Mcdc {
    let scored: Vec<(&Case, &Assessment)> = outcomes
        .iter()
        .filter(|o| o.passed())
        .filter_map(|o| Some((o.case, o.result.as_ref().ok()?)))
        .collect();
    let mut report = Mcdc::default();
    for site in Site::all(rules) {
        let Some(cond) = site.condition(rules) else {
            continue;
        };
        let paths = leaves(cond);
        report.leaves += paths.len();
        // Per leaf: seen deciding while true, while false; and the cases
        // that would show it but do not check the condition's outcome.
        let mut seen = vec![[false; 2]; paths.len()];
        let mut unchecked: Vec<[Option<&str>; 2]> = vec![[None; 2]; paths.len()];
        for (case, a) in &scored {
            if !a.given.is_empty() && site.two_views(rules) {
                continue;
            }
            let checked = site.checked_by(&case.expect);
            let values = leaf_values(rules, cond, &a.facts);
            for k in 0..paths.len() {
                if decides(cond, &values, k) {
                    let side = usize::from(!values[k]);
                    if checked {
                        seen[k][side] = true;
                    } else {
                        unchecked[k][side].get_or_insert(case.id.as_str());
                    }
                }
            }
        }
        if seen.iter().all(|s| s[0] && s[1]) {
            report.proven += paths.len();
            continue;
        }
        let search = Search::of(rules, cond);
        for (k, path) in paths.iter().enumerate() {
            if seen[k][0] && seen[k][1] {
                report.proven += 1;
                continue;
            }
            let leaf = crate::report::trace::describe(rules, leaf_at(cond, path));
            let written = site.origin(rules);
            let origin = Origin {
                path: format!("{}{}", written.path, yaml_path(cond, path)),
                file: written.file,
            };
            let missing: Vec<bool> = [true, false]
                .into_iter()
                .filter(|&v| !seen[k][usize::from(!v)])
                .collect();
            let [t, f] = search.deciding(rules, cond, k);
            if search.exhaustive && (t.is_none() || f.is_none()) {
                let never: Vec<&str> = [(t.is_none(), "true"), (f.is_none(), "false")]
                    .iter()
                    .filter(|(never, _)| *never)
                    .map(|&(_, word)| word)
                    .collect();
                report.infeasible.push(Infeasible {
                    site,
                    reason: search.reason(rules, cond, path, &never.join(" or ")),
                    leaf,
                    origin,
                });
                continue;
            }
            let examples = [t, f];
            let side = |v: bool| usize::from(!v);
            let mut cases: Vec<String> = missing
                .iter()
                .filter_map(|&v| unchecked[k][side(v)].map(str::to_string))
                .collect();
            cases.dedup();
            report.gaps.push(Gap {
                site,
                leaf,
                origin,
                examples: missing
                    .iter()
                    .filter(|&&v| unchecked[k][side(v)].is_none())
                    .filter_map(|&v| examples[side(v)].clone())
                    .collect(),
                unchecked: cases,
                missing,
            });
        }
    }
    report
}

/// Every combination of answers to the items a condition reads (and the
/// items their skip logic reads), the others at their least severe answer.
struct Search {
    /// Every combination was tried.
    exhaustive: bool,
    items: Vec<ItemIdx>,
    values: Vec<Vec<i64>>,
    /// Each record's leaf values, with the answers that gave it.
    records: Vec<(Vec<bool>, Vec<i64>)>,
}

impl Search {
    /// Every combination when there are at most `SEARCH_LIMIT`; else the
    /// least severe answers with any one or two of them changed (which
    /// can give examples, but proves nothing infeasible).
    fn of(rules: &RuleSet, cond: &Condition) -> Search {
        let items = read_items(rules, cond);
        let values: Vec<Vec<i64>> = items.iter().map(|&i| tried_values(rules, i)).collect();
        let total = values
            .iter()
            .try_fold(1usize, |n, v| n.checked_mul(v.len().max(1)))
            .filter(|&n| n <= SEARCH_LIMIT);
        let mut search = Search {
            exhaustive: total.is_some(),
            items,
            values,
            records: Vec::new(),
        };
        let least = Answers::extreme(rules, false);
        let start: Vec<i64> = search
            .items
            .iter()
            .zip(&search.values)
            .map(|(&i, v)| least.values()[i].or(v.first().copied()).unwrap_or(0))
            .collect();
        if search.exhaustive {
            let mut pick = vec![0usize; search.items.len()];
            loop {
                let codes: Vec<i64> = pick
                    .iter()
                    .zip(&search.values)
                    .map(|(&p, v)| v[p])
                    .collect();
                search.try_record(rules, cond, codes);
                // The next combination, as an odometer.
                let mut at = 0;
                loop {
                    if at == pick.len() {
                        return search;
                    }
                    pick[at] += 1;
                    if pick[at] < search.values[at].len() {
                        break;
                    }
                    pick[at] = 0;
                    at += 1;
                }
            }
        }
        // Each change of one answer, then of two.
        let changes: Vec<(usize, i64)> = search
            .values
            .iter()
            .enumerate()
            .flat_map(|(k, v)| v.iter().map(move |&code| (k, code)))
            .filter(|&(k, code)| start[k] != code)
            .collect();
        search.try_record(rules, cond, start.clone());
        for (n, &(k, code)) in changes.iter().enumerate() {
            let mut codes = start.clone();
            codes[k] = code;
            search.try_record(rules, cond, codes.clone());
            for &(k2, code2) in &changes[n + 1..] {
                if k2 != k && search.records.len() < SEARCH_LIMIT {
                    let mut codes = codes.clone();
                    codes[k2] = code2;
                    search.try_record(rules, cond, codes);
                }
            }
        }
        search
    }

    /// Score the least severe answers with `codes` for the searched
    /// items (skip logic applied), and keep the leaves' values.
    fn try_record(&mut self, rules: &RuleSet, cond: &Condition, codes: Vec<i64>) {
        let mut answers = Answers::extreme(rules, false);
        for (&item, &code) in self.items.iter().zip(&codes) {
            let _ = answers.set(rules, item, code);
        }
        let shown = crate::assess::shown_items(rules, &answers);
        for (i, shown) in shown.into_iter().enumerate() {
            if !shown {
                answers.clear(i);
            }
        }
        if let Ok(a) = assess(rules, &answers) {
            self.records
                .push((leaf_values(rules, cond, &a.facts), codes));
        }
    }

    /// A record in which leaf `k` decides the condition while true, and
    /// one while false, as answers beyond the least severe.
    fn deciding(&self, rules: &RuleSet, cond: &Condition, k: usize) -> [Option<String>; 2] {
        let mut found = [None, None];
        for (values, codes) in &self.records {
            let side = usize::from(!values[k]);
            if found[side].is_none() && decides(cond, values, k) {
                found[side] = Some(self.answers_text(rules, codes));
            }
        }
        found
    }

    fn answers_text(&self, rules: &RuleSet, codes: &[i64]) -> String {
        let least = Answers::extreme(rules, false);
        let named: Vec<String> = self
            .items
            .iter()
            .zip(codes)
            .filter(|&(&i, &code)| least.values()[i] != Some(code))
            .map(|(&i, code)| format!("{}: {code}", rules.items[i].id))
            .collect();
        match named.is_empty() {
            true => "the least severe answers".to_string(),
            false => format!("answers {{{}}}", named.join(", ")),
        }
    }

    /// Why no answers let the leaf at `path` decide with the value `never`.
    fn reason(&self, rules: &RuleSet, cond: &Condition, path: &[usize], never: &str) -> String {
        let combos: usize = self.values.iter().map(|v| v.len().max(1)).product();
        let ids: Vec<&str> = self
            .items
            .iter()
            .map(|&i| rules.items[i].id.as_str())
            .collect();
        let mut reason = format!(
            "it never decides the condition while {never}: every combination of {} ({combos}) \
             was tried",
            ids.join(", ")
        );
        // Skip logic that couples this leaf's item to another leaf's.
        if let Condition::Compare(Subject::Item(mine), _) = leaf_at(cond, path) {
            for other in leaves(cond) {
                if let Condition::Compare(Subject::Item(j), _) = leaf_at(cond, &other) {
                    let item = &rules.items[*j];
                    let mut reads = Vec::new();
                    if let Some(show_if) = &item.show_if {
                        show_if.subjects(&mut reads);
                        if reads.contains(&Subject::Item(*mine)) {
                            reason.push_str(&format!(
                                "; `{}` is asked only when {}",
                                item.id,
                                crate::report::trace::describe(rules, show_if)
                            ));
                        }
                    }
                }
            }
        }
        reason
    }
}

/// The items a condition reads, directly or through scales, ratings,
/// domains and flags, and the items their skip logic reads.
fn read_items(rules: &RuleSet, cond: &Condition) -> Vec<ItemIdx> {
    let mut items: Vec<ItemIdx> = Vec::new();
    let mut todo: Vec<&Condition> = vec![cond];
    let mut done: Vec<&Condition> = Vec::new();
    let mut flags: Vec<FlagIx> = Vec::new();
    while let Some(c) = todo.pop() {
        if done.iter().any(|d| std::ptr::eq(*d, c)) {
            continue;
        }
        done.push(c);
        let mut subjects = Vec::new();
        c.subjects(&mut subjects);
        collect_flags(c, &mut flags, &mut todo, rules);
        for subject in subjects {
            let add: Vec<ItemIdx> = match subject {
                Subject::Item(i) => vec![i],
                Subject::Scale(s) | Subject::Band(s) => rules.scales[s].items.clone(),
                Subject::Rating(r) => {
                    todo.extend(
                        rules.ratings[r]
                            .grades
                            .iter()
                            .filter_map(|g| g.when.as_ref()),
                    );
                    Vec::new()
                }
                Subject::Domain(d) => {
                    todo.extend(
                        rules.domains[d]
                            .grades
                            .iter()
                            .filter_map(|g| g.when.as_ref()),
                    );
                    Vec::new()
                }
                Subject::Count(_) => Vec::new(),
            };
            for i in add {
                if !items.contains(&i) {
                    items.push(i);
                    if let Some(show_if) = &rules.items[i].show_if {
                        todo.push(show_if);
                    }
                }
            }
        }
    }
    items.sort_unstable();
    items
}

fn collect_flags<'a>(
    cond: &Condition,
    seen: &mut Vec<FlagIx>,
    todo: &mut Vec<&'a Condition>,
    rules: &'a RuleSet,
) {
    match cond {
        Condition::All(cs) | Condition::Any(cs) => {
            cs.iter().for_each(|c| collect_flags(c, seen, todo, rules))
        }
        Condition::Not(c) => collect_flags(c, seen, todo, rules),
        Condition::Flag(f) if !seen.contains(f) => {
            seen.push(*f);
            todo.push(&rules.flags[*f].when);
        }
        _ => {}
    }
}

/// The answers tried for an item: every code, or for an integer its bounds
/// and each side of every constant it is compared with.
fn tried_values(rules: &RuleSet, item: ItemIdx) -> Vec<i64> {
    match &rules.items[item].kind {
        ItemKind::Choice(options) => options.iter().map(|o| o.code).collect(),
        ItemKind::YesNo { .. } => vec![0, 1],
        ItemKind::Integer { min, max, .. } => {
            let mut values = vec![*min, *max];
            for site in Site::all(rules) {
                let Some(cond) = site.condition(rules) else {
                    continue;
                };
                for path in leaves(cond) {
                    if let Condition::Compare(Subject::Item(i), cmp) = leaf_at(cond, &path) {
                        if *i == item {
                            for &c in cmp.constants() {
                                values.extend([c - 1, c, c + 1]);
                            }
                        }
                    }
                }
            }
            values.retain(|v| (*min..=*max).contains(v));
            values.sort_unstable();
            values.dedup();
            values
        }
        ItemKind::Info => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{decides, leaves, measure, outcome, yaml_path, Site};
    use crate::cases::run;
    use crate::model::{Cmp, Condition, Subject};
    use crate::rules::{load, RulesSource};

    /// Without the case that answers PHQ-9 item 3 alone, nothing shows
    /// item 3 deciding whether item 10 is asked: that leaf is the one gap,
    /// with the answers that would prove it.
    #[test]
    fn a_leaf_is_proven_only_by_a_case_that_checks_its_condition() {
        let mut rules = load(&RulesSource::Embedded).expect("default rules");
        let full = measure(&rules, &run(&rules));
        assert!(full.gaps.is_empty(), "{:?}", full.gaps);
        assert_eq!(full.proven, full.feasible());
        assert_eq!(full.infeasible.len(), 2, "{:?}", full.infeasible);
        for leaf in &full.infeasible {
            let line = crate::rules::line_of(&rules, &leaf.origin).expect("a line");
            assert_eq!(line.file, "instruments/cssrs.yaml");
        }
        let at = rules
            .cases
            .iter()
            .position(|c| c.id == "phq9_difficulty_asked_after_item_3")
            .expect("the case");
        // The case kept, but checking something else: it proves nothing here.
        let shown = std::mem::take(&mut rules.cases[at].expect.shown);
        rules.cases[at].expect.level = Some(0);
        for kept in [true, false] {
            let gaps = measure(&rules, &run(&rules)).gaps;
            assert_eq!(gaps.len(), 1, "{gaps:?}");
            let item10 = rules.item_index("phq9_10").expect("item");
            assert_eq!(gaps[0].site, Site::ShowIf(item10));
            assert_eq!(gaps[0].leaf, "item phq9_3 >= 1");
            assert_eq!(gaps[0].missing, [true]);
            assert_eq!(
                gaps[0].origin.path,
                "instruments[0].items[9].show_if.any[2]"
            );
            // Kept, the case is named as the one to make check it; removed,
            // answers for a new case are.
            let (unchecked, examples): (&[&str], &[&str]) = match kept {
                true => (&["phq9_difficulty_asked_after_item_3"], &[]),
                false => (&[], &["answers {phq9_3: 1}"]),
            };
            assert_eq!(gaps[0].unchecked, unchecked);
            assert_eq!(gaps[0].examples, examples);
            let line = crate::rules::line_of(&rules, &gaps[0].origin).expect("a line");
            assert_eq!(
                line.to_string(),
                format!("instruments/phq9.yaml:{}", line.line)
            );
            let text = rules
                .written
                .text_of("instruments/phq9.yaml")
                .expect("text");
            assert!(text
                .lines()
                .nth(line.line - 1)
                .is_some_and(|l| l.contains("phq9_3")));
            rules.cases.remove(at);
        }
        drop(shown);
    }

    fn item(i: usize) -> Condition {
        Condition::Compare(Subject::Item(i), Cmp::Eq(1))
    }

    #[test]
    fn a_leaf_decides_when_changing_it_alone_changes_the_outcome() {
        // all(a, any(b, c)): a decides when b or c holds; b when a holds
        // and c does not.
        let cond = Condition::All(vec![item(0), Condition::Any(vec![item(1), item(2)])]);
        assert_eq!(leaves(&cond), vec![vec![0], vec![1, 0], vec![1, 1]]);
        assert!(outcome(&cond, &[true, false, true]));
        assert!(!outcome(&cond, &[true, false, false]));
        assert!(decides(&cond, &[false, true, false], 0));
        assert!(!decides(&cond, &[false, false, false], 0), "masked by any");
        assert!(decides(&cond, &[true, true, false], 1));
        assert!(!decides(&cond, &[true, true, true], 1), "masked by c");
        assert!(!decides(&cond, &[false, true, false], 1), "masked by a");
        // Under `not` a leaf decides the same way.
        let not = Condition::Not(Box::new(cond.clone()));
        assert!(decides(&not, &[true, true, false], 1));
        assert!(!outcome(&not, &[true, true, false]));
    }

    #[test]
    fn a_leafs_yaml_path_follows_the_tree() {
        let cond = Condition::All(vec![
            item(0),
            Condition::Any(vec![item(1), Condition::Not(Box::new(item(2)))]),
        ]);
        assert_eq!(yaml_path(&cond, &[0]), ".all[0]");
        assert_eq!(yaml_path(&cond, &[1, 1, 0]), ".all[1].any[1].not");
        assert_eq!(yaml_path(&item(0), &[]), "");
    }
}
