//! `rules test`: a rule set's own cases run, the executors of its plan
//! compared on them, and optionally what no case exercises, as one report
//! with its words. Whether it passed is for the caller to turn into an exit
//! code.

use std::fmt::Write as _;

use crate::assess::tester::Agreement;
use crate::cases::{self, Coverage, Outcome};
use crate::model::{GradeOf, RuleSet};
use crate::report::table;
use crate::report::trace::Tracer;

/// What `rules test` found.
#[derive(Debug)]
pub(crate) struct TestReport<'a> {
    /// Every case, run, in the rule set's order.
    pub(crate) outcomes: Vec<Outcome<'a>>,
    /// How the executors compare on the cases.
    pub(crate) agreement: Agreement,
    /// What no passing case exercises, when asked for.
    pub(crate) coverage: Option<Coverage>,
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
    }
}

impl TestReport<'_> {
    /// Every case passed, the executors agree, and (if asked) every rule,
    /// flag, band and grade is exercised.
    pub(crate) fn passed(&self) -> bool {
        self.outcomes.iter().all(Outcome::passed)
            && self.agreement.agree()
            && self.coverage.as_ref().is_none_or(Coverage::complete)
    }

    /// The report in words: the cases table, each failed case with what
    /// fired, the totals, the executors' counts and any coverage gaps.
    pub(crate) fn text(&self, rules: &RuleSet) -> String {
        let mut out = String::new();
        let rows = self.outcomes.iter().map(|o| {
            let detail: Vec<String> = o
                .mismatches
                .iter()
                .map(|m| format!("{}: expected {}, got {}", m.what, m.expected, m.actual))
                .collect();
            (o.case.id.as_str(), o.passed(), detail.join("\n"))
        });
        let _ = writeln!(out, "{}", table::cases_table(rows));
        let failed: Vec<&Outcome<'_>> = self.outcomes.iter().filter(|o| !o.passed()).collect();
        let tracer = Tracer::of(rules);
        for o in &failed {
            write_failure(&mut out, rules, &tracer, o);
        }
        let passed = self.outcomes.len() - failed.len();
        let _ = writeln!(out, "\n{passed} passed, {} failed", failed.len());
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
            write_coverage(&mut out, rules, gaps);
        }
        out
    }
}

/// A failed case: its mismatches, and what fired when it was scored.
fn write_failure(out: &mut String, rules: &RuleSet, tracer: &Tracer, o: &Outcome<'_>) {
    let _ = writeln!(out, "\ncase `{}` failed ({})", o.case.id, o.case.origin);
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
}
