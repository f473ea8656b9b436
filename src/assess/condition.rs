//! Evaluating conditions against what has been computed so far.

use super::ScaleResult;
use crate::model::{Cmp, Condition, Rating, Subject};

/// What conditions can look at. Stages fill `ratings`, `flags` and
/// `domains` in order; validation guarantees nothing looks ahead.
pub(crate) struct Facts<'a> {
    pub values: &'a [Option<i64>],
    pub scales: &'a [ScaleResult],
    pub ratings: Vec<usize>,
    pub flags: Vec<bool>,
    pub domains: Vec<usize>,
}

impl<'a> Facts<'a> {
    /// Facts for skip logic, which sees items only.
    pub fn items_only(values: &'a [Option<i64>]) -> Facts<'a> {
        Facts {
            values,
            scales: &[],
            ratings: Vec::new(),
            flags: Vec::new(),
            domains: Vec::new(),
        }
    }

    /// The value a comparison looks at; `None` when there is none (an item
    /// unanswered or hidden, a scale without a score).
    pub fn value(&self, subject: Subject) -> Option<i64> {
        match subject {
            Subject::Item(i) => self.values.get(i).copied().flatten(),
            Subject::Scale(s) => self.scales.get(s).and_then(|r| r.score),
            Subject::Band(s) => self.scales.get(s).and_then(|r| r.band).map(|b| b as i64),
            Subject::Rating(r) => self.ratings.get(r).map(|&g| g as i64),
            Subject::Domain(d) => self.domains.get(d).map(|&g| g as i64),
        }
    }

    pub fn holds(&self, cond: &Condition) -> bool {
        match cond {
            Condition::All(conds) => conds.iter().all(|c| self.holds(c)),
            Condition::Any(conds) => conds.iter().any(|c| self.holds(c)),
            Condition::Not(c) => !self.holds(c),
            Condition::Compare(subject, cmp) => self.value(*subject).is_some_and(|v| cmp.holds(v)),
            Condition::Flag(f) => self.flags.get(*f).copied().unwrap_or(false),
        }
    }

    /// The most severe grade whose condition holds (the baseline otherwise).
    pub fn grade(&self, rating: &Rating) -> usize {
        rating
            .grades
            .iter()
            .rposition(|g| g.when.as_ref().is_some_and(|c| self.holds(c)))
            .unwrap_or(0)
    }
}

impl Cmp {
    /// The comparison in words, with `name` turning a value into text.
    pub fn describe(&self, name: impl Fn(i64) -> String) -> String {
        match self {
            Cmp::Eq(v) => format!("= {}", name(*v)),
            Cmp::AtLeast(v) => format!(">= {}", name(*v)),
            Cmp::AtMost(v) => format!("<= {}", name(*v)),
            Cmp::In(vs) => {
                let names: Vec<String> = vs.iter().map(|v| name(*v)).collect();
                format!("in [{}]", names.join(", "))
            }
        }
    }
}
