//! `rules test`: a rule set's own cases run, the executors of its plan
//! compared on them, and optionally what no case exercises, as one report
//! with its words. Whether it passed is for the caller to turn into an exit
//! code.

use std::fmt::Write as _;

use crate::assess::tester::Agreement;
use crate::cases::mcdc::Mcdc;
use crate::cases::mutate::Mutation;
use crate::cases::{self, Coverage, Outcome};
use crate::model::Origin;
use crate::model::{GradeOf, RuleSet};
use crate::report::table;
use crate::report::trace::Tracer;
use crate::rules::locate::Locator;

/// What `rules test` found.
#[derive(Debug)]
pub(crate) struct TestReport<'a> {
    /// Every case, run, in the rule set's order.
    pub(crate) outcomes: Vec<Outcome<'a>>,
    /// How the executors compare on the cases.
    pub(crate) agreement: Agreement,
    /// What no passing case exercises, when asked for.
    pub(crate) coverage: Option<Coverage>,
    /// The mutation test, when asked for (`None` inside when the cases
    /// failed, so it was not run).
    pub(crate) mutation: Option<Option<Mutation>>,
}

/// Run the cases of `rules` through the engine and every executor; with
/// `with_coverage`, also find what no case exercises.
pub(crate) fn run(rules: &RuleSet, with_coverage: bool) -> TestReport<'_> {
    let outcomes = cases::run(rules);
    let agreement = cases::executors(rules);
    let coverage = with_coverage.then(|| cases::coverage(rules, &outcomes));
    TestReport {
        outcomes,
        agreement,
        coverage,
        mutation: None,
    }
}

impl TestReport<'_> {
    /// Every case passed, the executors agree, and (if asked) every rule,
    /// flag, band and grade is exercised.
    pub(crate) fn passed(&self) -> bool {
        self.outcomes.iter().all(Outcome::passed)
            && self.agreement.agree()
            && self.coverage.as_ref().is_none_or(Coverage::complete)
            && self
                .mutation
                .as_ref()
                .is_none_or(|m| m.as_ref().is_some_and(|m| m.survivors.is_empty()))
    }

    /// The report in words: the failed cases in a table, each with what
    /// fired, the totals, the executors' counts and any coverage gaps.
    /// Passing cases are counted, not listed.
    pub(crate) fn text(&self, rules: &RuleSet) -> String {
        let mut out = String::new();
        let rows = self.outcomes.iter().filter(|o| !o.passed()).map(|o| {
            let detail: Vec<String> = o
                .mismatches
                .iter()
                .map(|m| format!("{}: expected {}, got {}", m.what, m.expected, m.actual))
                .collect();
            (o.case.id.as_str(), o.passed(), detail.join("\n"))
        });
        let rows: Vec<_> = rows.collect();
        if !rows.is_empty() {
            let _ = writeln!(out, "{}", table::cases_table(rows));
        }
        let failed: Vec<&Outcome<'_>> = self.outcomes.iter().filter(|o| !o.passed()).collect();
        let tracer = Tracer::of(rules);
        for o in &failed {
            write_failure(&mut out, rules, &tracer, o);
        }
        let passed = self.outcomes.len() - failed.len();
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{passed} passed, {} failed", failed.len());
        let agreement = &self.agreement;
        let _ = writeln!(
            out,
            "executors: {} case(s): the one-record engine scored {}, the 64-row engine decided {} \
             (it leaves hidden values and missing answers to the one-record engine), the \
             incomplete-record evaluation matched the flags of {}",
            agreement.records, agreement.scored, agreement.by_lanes, agreement.by_partial
        );
        for disagreement in &agreement.disagreements {
            let _ = writeln!(out, "  executors disagree: {disagreement}");
        }
        if let Some(gaps) = &self.coverage {
            if !failed.is_empty() {
                let _ = writeln!(
                    out,
                    "{} failing case(s) are not counted below: fix them first.",
                    failed.len()
                );
            }
            write_coverage(&mut out, rules, gaps);
        }
        match &self.mutation {
            Some(Some(mutation)) => write_mutation(&mut out, rules, mutation),
            Some(None) => {
                let _ = writeln!(
                    out,
                    "mutation test: not run; the cases must pass on the rule set as written first"
                );
            }
            None => {}
        }
        out
    }
}

/// A failed case: its mismatches, and what fired when it was scored.
fn write_failure(out: &mut String, rules: &RuleSet, tracer: &Tracer, o: &Outcome<'_>) {
    // Its line when the path is found, else its file and YAML path.
    let at = match crate::rules::line_of(rules, &o.case.origin) {
        Some(location) => location.to_string(),
        None => o.case.origin.to_string(),
    };
    let _ = writeln!(out, "\ncase `{}` failed ({at})", o.case.id);
    if let Some(description) = &o.case.description {
        let _ = writeln!(out, "  {description}");
    }
    for m in &o.mismatches {
        let _ = writeln!(
            out,
            "  {}: expected {}, got {}",
            m.what, m.expected, m.actual
        );
    }
    if let Ok(a) = &o.result {
        let trace = tracer.trace(rules, a);
        let fired: Vec<_> = trace.iter().filter(|e| e.fired).collect();
        let _ = writeln!(
            out,
            "  what fired:{}",
            if fired.is_empty() { " nothing" } else { "" }
        );
        for entry in fired {
            let seen: Vec<String> = entry
                .seen
                .iter()
                .map(|s| format!("{}={}", s.subject, s.words()))
                .collect();
            let _ = writeln!(
                out,
                "    {} {}: {} [{}]",
                entry.kind.as_str(),
                entry.id,
                entry.condition,
                seen.join(", ")
            );
        }
    }
}

fn write_coverage(out: &mut String, rules: &RuleSet, gaps: &Coverage) {
    let (total, covered) = gaps.counts(rules);
    let _ = writeln!(
        out,
        "coverage: {covered} of {total} placement rules, conditions, flags, bands and grades exercised"
    );
    for &r in &gaps.rules {
        let _ = writeln!(out, "  placement rule `{}` never fires", rules.rules[r].id);
    }
    for &c in &gaps.conditions {
        let _ = writeln!(out, "  condition `{}` never holds", rules.conditions[c].id);
    }
    for &f in &gaps.flags {
        let _ = writeln!(out, "  flag `{}` is never raised", rules.flags[f].id);
    }
    for &(of, g) in &gaps.grades {
        let rating = match of {
            GradeOf::Rating(r) => &rules.ratings[r],
            GradeOf::Domain(d) => &rules.domains[d],
        };
        let _ = writeln!(
            out,
            "  grade `{}` of `{}` is never reached",
            rating.grades[g].id, rating.id
        );
    }
    for &(s, b) in &gaps.bands {
        let _ = writeln!(
            out,
            "  band `{}` of scale `{}` is never reached",
            rules.scales[s].bands[b].id, rules.scales[s].id
        );
    }
    write_mcdc(out, rules, &gaps.mcdc);
}

/// Where a rule-set element is: `file:line`, or its file and YAML path
/// when the path is not found.
fn place(locator: &mut Locator<'_>, origin: &Origin) -> String {
    match locator.locate(origin) {
        Some(location) => location.to_string(),
        None => origin.to_string(),
    }
}

/// The thresholds no case pins.
fn write_mutation(out: &mut String, rules: &RuleSet, mutation: &Mutation) {
    let mut locator = Locator::new(rules);
    let _ = writeln!(
        out,
        "mutation test: {} of {} threshold changes fail a case{}",
        mutation.mutants - mutation.survivors.len(),
        mutation.mutants,
        if mutation.survivors.is_empty() {
            ""
        } else {
            "; no case fails on these:"
        }
    );
    for s in &mutation.survivors {
        let at = place(&mut locator, &s.origin);
        let _ = writeln!(out, "  {at}: {}: {}", s.site, s.change);
    }
}

/// Which leaves of the conditions no case proves, and which none can.
fn write_mcdc(out: &mut String, rules: &RuleSet, mcdc: &Mcdc) {
    let mut locator = Locator::new(rules);
    let _ = writeln!(
        out,
        "conditions (MC/DC): {} of {} leaves proven ({} in all; {} cannot be proven, below)",
        mcdc.proven,
        mcdc.feasible(),
        mcdc.leaves,
        mcdc.infeasible.len()
    );
    for gap in &mcdc.gaps {
        let sides: Vec<&str> = gap
            .missing
            .iter()
            .map(|&v| if v { "true" } else { "false" })
            .collect();
        let hint = gap.site.check_hint(rules);
        let _ = writeln!(
            out,
            "  {}: `{}` in {}: no case that checks {hint} shows the outcome turning on it \
             while it is {}",
            place(&mut locator, &gap.origin),
            gap.leaf,
            gap.site.name(rules),
            sides.join(" or ")
        );
        for case in &gap.unchecked {
            let _ = writeln!(
                out,
                "    case `{case}` has such answers: it counts once it checks {hint}"
            );
        }
        for example in &gap.examples {
            let _ = writeln!(out, "    a new case could use {example}, checking {hint}");
        }
    }
    for leaf in &mcdc.infeasible {
        let _ = writeln!(
            out,
            "  cannot be proven: {}: `{}` in {}: {}",
            place(&mut locator, &leaf.origin),
            leaf.leaf,
            leaf.site.name(rules),
            leaf.reason
        );
    }
}
