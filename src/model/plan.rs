//! The rule set's conditions and tables, compiled once for every executor
//! of the engine: one record (`bool`), 64 rows at once (`u64` bit masks,
//! `assess::lanes`) and rejected rows in three-valued logic (`Truth`,
//! `assess::partial`).
//!
//! What a comparison means is written once, in `Cmp::apply`; how tests
//! combine, once, in `Test::eval`. An executor only says how it reads a
//! fact (`Lookup`, `Column`) and what its truth values are (`Logic`).

use super::{
    safety_reads, Cmp, Condition, Count, DomainIx, Flag, FlagIx, ItemIdx, IxVec, Model, Rating,
    RatingIx, RuleIx, ScaleIx, Subject,
};

/// "No value" in a fact array: comparisons against it are false.
pub(crate) const NONE: i64 = i64::MIN;

/// A fact's value: `i64` for one record, `i32` in a lane.
pub(crate) trait Value: Copy + PartialOrd {
    /// No value (hidden, unanswered, no score). Below every constant a
    /// test compares with, and never equal to one.
    const NONE: Self;
}

impl Value for i64 {
    const NONE: i64 = NONE;
}

impl Value for i32 {
    const NONE: i32 = i32::MIN;
}

/// The truth values of an executor: where a test holds.
pub(crate) trait Logic: Copy {
    /// Holds nowhere.
    const FALSE: Self;
    /// Holds everywhere.
    const TRUE: Self;
    fn and(self, other: Self) -> Self;
    fn or(self, other: Self) -> Self;
    fn not(self) -> Self;
    /// Certainly false everywhere: no conjunct can change an `and`.
    fn is_false(self) -> bool;
    /// Certainly true everywhere: no disjunct can change an `or`.
    fn is_true(self) -> bool;
}

impl Logic for bool {
    const FALSE: bool = false;
    const TRUE: bool = true;
    #[inline]
    fn and(self, other: bool) -> bool {
        self & other
    }
    #[inline]
    fn or(self, other: bool) -> bool {
        self | other
    }
    #[inline]
    fn not(self) -> bool {
        !self
    }
    #[inline]
    fn is_false(self) -> bool {
        !self
    }
    #[inline]
    fn is_true(self) -> bool {
        self
    }
}

/// Bit `r` for row `r` of a group.
impl Logic for u64 {
    const FALSE: u64 = 0;
    const TRUE: u64 = !0;
    #[inline]
    fn and(self, other: u64) -> u64 {
        self & other
    }
    #[inline]
    fn or(self, other: u64) -> u64 {
        self | other
    }
    #[inline]
    fn not(self) -> u64 {
        !self
    }
    #[inline]
    fn is_false(self) -> bool {
        self == 0
    }
    #[inline]
    fn is_true(self) -> bool {
        self == !0
    }
}

/// Three-valued truth (Kleene's): what a record with unknown answers
/// certainly establishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Truth {
    Yes,
    No,
    Unknown,
}

impl Logic for Truth {
    const FALSE: Truth = Truth::No;
    const TRUE: Truth = Truth::Yes;
    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Unknown,
        }
    }
    fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::No, Truth::No) => Truth::No,
            _ => Truth::Unknown,
        }
    }
    fn not(self) -> Truth {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            Truth::Unknown => Truth::Unknown,
        }
    }
    fn is_false(self) -> bool {
        self == Truth::No
    }
    fn is_true(self) -> bool {
        self == Truth::Yes
    }
}

/// One fact of an executor (a value, a column of 64, a range of possible
/// values), tested with a predicate.
pub(crate) trait Column<V> {
    type Out: Logic;
    fn test(self, holds: impl Fn(V) -> bool) -> Self::Out;
}

/// One value.
struct One<V>(V);

impl<V> Column<V> for One<V> {
    type Out = bool;
    #[inline]
    fn test(self, holds: impl Fn(V) -> bool) -> bool {
        holds(self.0)
    }
}

impl<V: Value> Cmp<V> {
    /// The comparison over one fact: the one place that says what each
    /// comparison means. No value (`NONE`) never compares true. Each kind
    /// is its own predicate, so a column's loop over it vectorizes.
    #[inline(always)]
    pub(crate) fn apply<C: Column<V>>(&self, fact: C) -> C::Out {
        let none = V::NONE;
        match self {
            &Cmp::Eq(v) => fact.test(move |x| x != none && x == v),
            &Cmp::AtLeast(v) => fact.test(move |x| x != none && x >= v),
            &Cmp::AtMost(v) => fact.test(move |x| x != none && x <= v),
            Cmp::In(vs) => fact.test(|x| x != none && vs.contains(&x)),
        }
    }

    /// Whether the comparison holds of `value`.
    #[inline]
    pub(crate) fn holds(&self, value: V) -> bool {
        self.apply(One(value))
    }

    /// The constants compared with. A comparison's truth changes only at
    /// them: it is the same for every value strictly between two
    /// neighbouring constants, and beyond the outermost ones.
    pub(crate) fn constants(&self) -> &[V] {
        match self {
            Cmp::Eq(v) | Cmp::AtLeast(v) | Cmp::AtMost(v) => std::slice::from_ref(v),
            Cmp::In(vs) => vs,
        }
    }

    /// The same comparison with every constant converted; `None` if one
    /// does not convert.
    pub(crate) fn map<W>(&self, f: impl Fn(V) -> Option<W>) -> Option<Cmp<W>> {
        Some(match self {
            &Cmp::Eq(v) => Cmp::Eq(f(v)?),
            &Cmp::AtLeast(v) => Cmp::AtLeast(f(v)?),
            &Cmp::AtMost(v) => Cmp::AtMost(f(v)?),
            Cmp::In(vs) => Cmp::In(vs.iter().map(|&v| f(v)).collect::<Option<_>>()?),
        })
    }
}

/// How an executor reads the fact in a slot for a comparison.
pub(crate) trait Lookup<V> {
    type Out: Logic;
    fn compare(&self, slot: usize, cmp: &Cmp<V>) -> Self::Out;
}

/// One record's facts.
impl Lookup<i64> for [i64] {
    type Out = bool;
    #[inline]
    fn compare(&self, slot: usize, cmp: &Cmp) -> bool {
        cmp.holds(self.get(slot).copied().unwrap_or(NONE))
    }
}

/// Where each fact lives in the engine's one fact array: item answers, then
/// scale scores, bands, rating grades, flags (0/1), domain grades.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Slots {
    scales: usize,
    bands: usize,
    ratings: usize,
    flags: usize,
    domains: usize,
    counts: usize,
    pub(crate) len: usize,
}

impl Slots {
    pub(crate) fn new(
        items: usize,
        scales: usize,
        ratings: usize,
        flags: usize,
        domains: usize,
    ) -> Slots {
        let scales_at = items;
        let bands = scales_at + scales;
        let ratings_at = bands + scales;
        let flags_at = ratings_at + ratings;
        let domains_at = flags_at + flags;
        let counts_at = domains_at + domains;
        Slots {
            scales: scales_at,
            bands,
            ratings: ratings_at,
            flags: flags_at,
            domains: domains_at,
            counts: counts_at,
            len: counts_at + Count::ALL.len(),
        }
    }

    pub(crate) fn of(&self, subject: Subject) -> usize {
        match subject {
            Subject::Item(i) => i,
            Subject::Scale(s) => self.scales + s.get(),
            Subject::Band(s) => self.bands + s.get(),
            Subject::Rating(r) => self.ratings + r.get(),
            Subject::Domain(d) => self.domains + d.get(),
            Subject::Count(c) => self.count(c),
        }
    }

    /// What a slot holds; `None` for a flag.
    pub(crate) fn subject(&self, slot: usize) -> Option<Subject> {
        Some(match slot {
            s if s < self.scales => Subject::Item(s),
            s if s < self.bands => Subject::Scale(ScaleIx::new(s - self.scales)),
            s if s < self.ratings => Subject::Band(ScaleIx::new(s - self.bands)),
            s if s < self.flags => Subject::Rating(RatingIx::new(s - self.ratings)),
            s if s < self.domains => return None,
            s if s < self.counts => Subject::Domain(DomainIx::new(s - self.domains)),
            s => Subject::Count(Count::ALL[s - self.counts]),
        })
    }

    pub(crate) fn item(&self, i: usize) -> usize {
        i
    }
    #[inline]
    pub(crate) fn scale(&self, s: ScaleIx) -> usize {
        self.scales + s.get()
    }
    #[inline]
    pub(crate) fn band(&self, s: ScaleIx) -> usize {
        self.bands + s.get()
    }
    #[inline]
    pub(crate) fn rating(&self, r: RatingIx) -> usize {
        self.ratings + r.get()
    }
    #[inline]
    pub(crate) fn flag(&self, f: FlagIx) -> usize {
        self.flags + f.get()
    }
    #[inline]
    pub(crate) fn domain(&self, d: DomainIx) -> usize {
        self.domains + d.get()
    }
    #[inline]
    pub(crate) fn count(&self, c: Count) -> usize {
        self.counts + c.index()
    }
}

/// A condition compiled for every executor: each subject is a slot in one
/// fact array, so a comparison is an index and a `Cmp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Test<V = i64> {
    All(Box<[Test<V>]>),
    Any(Box<[Test<V>]>),
    Not(Box<Test<V>>),
    Cmp(usize, Cmp<V>),
}

impl Test {
    pub(crate) fn compile(cond: &Condition, slots: &Slots) -> Test {
        let all = |cs: &[Condition]| cs.iter().map(|c| Test::compile(c, slots)).collect();
        match cond {
            Condition::All(cs) => Test::All(all(cs)),
            Condition::Any(cs) => Test::Any(all(cs)),
            Condition::Not(c) => Test::Not(Box::new(Test::compile(c, slots))),
            Condition::Flag(f) => Test::Cmp(slots.flag(*f), Cmp::Eq(1)),
            Condition::Compare(subject, cmp) => Test::Cmp(slots.of(*subject), cmp.clone()),
        }
    }

    /// Whether the test holds over one record's `facts`.
    #[inline]
    pub(crate) fn holds(&self, facts: &[i64]) -> bool {
        self.eval(facts)
    }
}

impl<V: Value> Test<V> {
    /// Where the test holds, for any executor: the one place that says how
    /// tests combine. `all` and `any` stop as soon as the outcome is
    /// certain.
    #[inline]
    pub(crate) fn eval<F: Lookup<V> + ?Sized>(&self, facts: &F) -> F::Out {
        match self {
            Test::All(tests) => {
                let mut out = F::Out::TRUE;
                for test in tests.iter() {
                    if out.is_false() {
                        break;
                    }
                    out = out.and(test.eval(facts));
                }
                out
            }
            Test::Any(tests) => {
                let mut out = F::Out::FALSE;
                for test in tests.iter() {
                    if out.is_true() {
                        break;
                    }
                    out = out.or(test.eval(facts));
                }
                out
            }
            Test::Not(test) => test.eval(facts).not(),
            Test::Cmp(slot, cmp) => facts.compare(*slot, cmp),
        }
    }

    /// The same test with every constant converted; `None` if one does
    /// not convert.
    pub(crate) fn map<W>(&self, f: &impl Fn(V) -> Option<W>) -> Option<Test<W>> {
        let all = |tests: &[Test<V>]| tests.iter().map(|t| t.map(f)).collect::<Option<Box<_>>>();
        Some(match self {
            Test::All(tests) => Test::All(all(tests)?),
            Test::Any(tests) => Test::Any(all(tests)?),
            Test::Not(test) => Test::Not(Box::new(test.map(f)?)),
            Test::Cmp(slot, cmp) => Test::Cmp(*slot, cmp.map(f)?),
        })
    }
}

/// Per item, whether a change of its answer can take away a safety
/// finding: a safety flag reads it (`safety_items`, or a scale a safety
/// flag reads sums it), or it is the gate of such an item.
fn safety_relevant(rules: &Model, safety_items: &[bool]) -> Vec<bool> {
    let mut read = safety_items.to_vec();
    for flag in rules.flags.iter().filter(|f| f.is_safety()) {
        for subject in super::condition_subjects(&rules.ratings, &flag.when) {
            if let Subject::Scale(s) | Subject::Band(s) = subject {
                for &i in &rules.scales[s].items {
                    read[i] = true;
                }
            }
        }
    }
    let mut relevant = read.clone();
    for (i, item) in rules.items.iter().enumerate() {
        let mut subjects = Vec::new();
        if let Some(show_if) = &item.show_if {
            show_if.subjects(&mut subjects);
        }
        if read[i] {
            for s in subjects {
                if let Subject::Item(gate) = s {
                    relevant[gate] = true;
                }
            }
        }
    }
    relevant
}

/// Every condition of a rule set, compiled once from the validated model
/// (`RuleSet::new`), and per-item facts laid out flat for the hot path.
#[derive(Debug)]
pub struct Compiled {
    pub(crate) slots: Slots,
    /// Per item: a shown item left unanswered rejects the record (its
    /// scale's missing rule says so, or it is unscored and required).
    pub(crate) missing_rejects: Vec<bool>,
    /// Per item, per digit `d`: whether the one-digit answer `d` is a valid
    /// code (the batch input's common case, checked without parsing).
    pub(crate) digits: Vec<[bool; 10]>,
    pub(crate) show_if: Vec<Option<Test>>,
    /// Per rating, per grade (the baseline has none).
    pub(crate) rating_grades: IxVec<RatingIx, Vec<Option<Test>>>,
    pub(crate) flags: IxVec<FlagIx, Test>,
    pub(crate) domain_grades: IxVec<DomainIx, Vec<Option<Test>>>,
    pub(crate) rules: IxVec<RuleIx, Test>,
    pub(crate) features: Vec<Test>,
    pub(crate) conditions: Vec<Test>,
    /// The safety view (every answer given counts, shown or hidden):
    /// per flag, whether it is a safety flag; per rating, whether a
    /// safety flag reads it; per item, whether a safety flag reads it
    /// (directly or through a rating).
    pub(crate) safety_flags: IxVec<FlagIx, bool>,
    pub(crate) safety_ratings: IxVec<RatingIx, bool>,
    pub(crate) safety_items: Vec<bool>,
    /// Per item: a change of its answer can take away a safety finding (a
    /// safety flag reads it, directly, through a rating or a scale, or it
    /// decides whether such an item is asked).
    pub(crate) safety_relevant: Vec<bool>,
    /// Per item whose answer implies its gate: the gate item and the code
    /// that shows this item.
    pub implied_gates: Vec<Option<(ItemIdx, i64)>>,
}

impl Compiled {
    pub(crate) fn of(rules: &Model) -> Compiled {
        let slots = Slots::new(
            rules.items.len(),
            rules.scales.len(),
            rules.ratings.len(),
            rules.flags.len(),
            rules.domains.len(),
        );
        let test = |c: &Condition| Test::compile(c, &slots);
        let grades = |ratings: &[Rating]| -> Vec<Vec<Option<Test>>> {
            ratings
                .iter()
                .map(|r| r.grades.iter().map(|g| g.when.as_ref().map(test)).collect())
                .collect()
        };
        let missing_rejects = rules
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let by_scale = item
                    .scales
                    .iter()
                    .any(|&s| rules.scales[s].missing.requires(index));
                item.is_answerable() && (by_scale || (item.scales.is_empty() && item.required))
            })
            .collect();
        let digits = rules
            .items
            .iter()
            .map(|item| std::array::from_fn(|d| item.score(d as i64).is_some()))
            .collect();
        let (safety_ratings, safety_items) = safety_reads(rules);
        let safety_relevant = safety_relevant(rules, &safety_items);
        let implied_gates = rules
            .items
            .iter()
            .map(|item| match (&item.show_if, item.answer_implies_gate) {
                (Some(Condition::Compare(Subject::Item(gate), Cmp::Eq(code))), true) => {
                    Some((*gate, *code))
                }
                _ => None,
            })
            .collect();
        Compiled {
            safety_flags: rules.flags.iter().map(Flag::is_safety).collect(),
            safety_ratings,
            safety_items,
            safety_relevant,
            implied_gates,
            missing_rejects,
            digits,
            show_if: rules
                .items
                .iter()
                .map(|i| i.show_if.as_ref().map(test))
                .collect(),
            rating_grades: grades(rules.ratings.as_slice()).into(),
            flags: rules.flags.iter().map(|f| test(&f.when)).collect(),
            domain_grades: grades(rules.domains.as_slice()).into(),
            rules: rules.rules.iter().map(|r| test(&r.when)).collect(),
            features: rules.features.iter().map(|f| test(&f.when)).collect(),
            conditions: rules.conditions.iter().map(|c| test(&c.when)).collect(),
            slots,
        }
    }

    /// The most severe grade whose test holds (0, the baseline, otherwise).
    pub(crate) fn grade(grades: &[Option<Test>], facts: &[i64]) -> usize {
        grades
            .iter()
            .rposition(|t| t.as_ref().is_some_and(|t| t.holds(facts)))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::{Column, Logic, Lookup, Test, Truth, NONE};
    use crate::model::Cmp;

    #[test]
    fn no_value_never_compares_true() {
        for cmp in [
            Cmp::Eq(NONE),
            Cmp::AtLeast(NONE),
            Cmp::AtMost(0),
            Cmp::In(vec![NONE, 0]),
        ] {
            assert!(!cmp.holds(NONE), "{cmp:?}");
        }
        assert!(!Cmp::AtMost(0).holds(i32::MIN));
        assert!(Cmp::AtMost(0i32).holds(-5));
    }

    /// Rows of one fact each, as bits of a mask (the 64-row executor's
    /// logic), or as known-or-unknown values (the three-valued one's).
    struct Rows(Vec<i64>);

    struct Bits<'a>(&'a [i64]);

    impl Column<i64> for Bits<'_> {
        type Out = u64;
        fn test(self, holds: impl Fn(i64) -> bool) -> u64 {
            (self.0.iter().enumerate()).fold(0, |m, (r, &v)| m | (u64::from(holds(v)) << r))
        }
    }

    impl Lookup<i64> for Rows {
        type Out = u64;
        fn compare(&self, _slot: usize, cmp: &Cmp) -> u64 {
            cmp.apply(Bits(&self.0))
        }
    }

    /// One fact, known or not.
    struct Maybe(Option<i64>);

    impl Lookup<i64> for Maybe {
        type Out = Truth;
        fn compare(&self, _slot: usize, cmp: &Cmp) -> Truth {
            match self.0 {
                Some(v) if cmp.holds(v) => Truth::Yes,
                Some(_) => Truth::No,
                None => Truth::Unknown,
            }
        }
    }

    #[test]
    fn tests_combine_alike_in_every_logic() {
        // not(all(x >= 2, any(x = 0, x <= 5))): true below 2 and above 5.
        let test = Test::Not(Box::new(Test::All(Box::new([
            Test::Cmp(0, Cmp::AtLeast(2)),
            Test::Any(Box::new([
                Test::Cmp(0, Cmp::Eq(0)),
                Test::Cmp(0, Cmp::AtMost(5)),
            ])),
        ]))));
        let values = [3, 1, NONE, 6, 2, 5];
        let one: Vec<bool> = values.iter().map(|&v| test.holds(&[v])).collect();
        assert_eq!(one, [false, true, true, true, false, false]);
        // A slot beyond the facts has no value.
        assert_eq!(test.holds(&[]), test.holds(&[NONE]));
        // 64 rows at once: bit r is row r's answer.
        let mask = test.eval(&Rows(values.to_vec())) & 0b11_1111;
        let bits: Vec<bool> = (0..values.len()).map(|r| mask >> r & 1 == 1).collect();
        assert_eq!(bits, one);
        // Three-valued: known values agree, an unknown one stays unknown.
        for (&v, &b) in values.iter().zip(&one) {
            let known = if b { Truth::Yes } else { Truth::No };
            assert_eq!(test.eval(&Maybe(Some(v))), known);
        }
        assert_eq!(test.eval(&Maybe(None)), Truth::Unknown);
    }

    #[test]
    fn three_valued_logic_is_kleenes() {
        use Truth::*;
        assert_eq!(Unknown.and(No), No);
        assert_eq!(Unknown.and(Yes), Unknown);
        assert_eq!(Unknown.or(Yes), Yes);
        assert_eq!(Unknown.or(No), Unknown);
        assert_eq!(Unknown.not(), Unknown);
        assert_eq!(Yes.not(), No);
    }
}
