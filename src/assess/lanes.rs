//! The engine over a group of records at once: the batch hot path.
//!
//! `assess_into` walks one record through the rule set. `Lanes` walks up to
//! 64 records through it together, column by column: every condition is
//! tested for the whole group into one bit mask (bit `r` for row `r`), so
//! interpreting the rule set costs once per group instead of once per row.
//!
//! Only the common case is decided here: a row whose answers all parse,
//! whose shown scored or required items are all answered, and that gives
//! no value for a hidden item. Any other row is marked slow and must go through `assess_into`, which owns
//! every error and warning. For the rows it does decide, `Lanes` gives
//! exactly `assess_into`'s result (a property test compares the two).

use super::placement::{at_level, decide};
use super::Outcome;
use crate::answers::parse_bytes;
use crate::model::{
    Cmp, Column, DomainIx, FlagIx, ItemIdx, IxVec, Lookup, RatingIx, RuleIx, RuleSet, ScaleIx,
    Slots, Test, Value, NONE,
};

/// Rows in a group: one bit each in a `u64` mask.
pub const LANES: usize = 64;

/// "No value" in a lane: every value a rule set can produce lies far from
/// it (see `Lanes::new`).
const EMPTY: i32 = <i32 as Value>::NONE;

/// Largest magnitude of a value the lanes hold: facts, sums and the
/// constants they are compared with.
const LIMIT: i64 = 1 << 30;

/// How an item's code becomes its score.
#[derive(Debug, Clone)]
enum Scoring {
    /// The score is the code, and codes are not negative.
    Code,
    /// `scores[code - min]`.
    Table { min: i32, scores: Box<[i32]> },
}

/// A compiled test with its constants narrowed to lanes.
type LaneTest = Test<i32>;

/// `test` narrowed to lanes; `None` when a constant lies outside their range.
fn lane_test(test: &Test) -> Option<LaneTest> {
    test.map(&narrow)
}

/// A test that may be absent: `None` if present but out of range.
fn optional(test: &Option<Test>) -> Option<Option<LaneTest>> {
    match test {
        None => Some(None),
        Some(test) => lane_test(test).map(Some),
    }
}

fn narrow(v: i64) -> Option<i32> {
    (-LIMIT..=LIMIT).contains(&v).then_some(v as i32)
}

/// A scale: its items with how each is scored, and its bands' bounds.
#[derive(Debug, Clone)]
struct LaneScale {
    items: Vec<(ItemIdx, Scoring)>,
    bands: Vec<(i32, i32)>,
}

/// Every condition and table of a rule set, narrowed to lanes.
#[derive(Debug, Clone)]
struct Program {
    slots: Slots,
    items: usize,
    /// Per item: an unanswered shown item takes the row off the fast path
    /// (it rejects the row, or changes a scale's score).
    missing_slow: Vec<bool>,
    show_if: Vec<Option<LaneTest>>,
    scales: IxVec<ScaleIx, LaneScale>,
    rating_grades: IxVec<RatingIx, Vec<Option<LaneTest>>>,
    flags: IxVec<FlagIx, LaneTest>,
    domain_grades: IxVec<DomainIx, Vec<Option<LaneTest>>>,
    rules: IxVec<RuleIx, LaneTest>,
    features: Vec<LaneTest>,
    conditions: Vec<LaneTest>,
}

impl Program {
    fn of(rules: &RuleSet) -> Option<Program> {
        let compiled = &rules.compiled;
        let tests = |ts: &[Test]| ts.iter().map(lane_test).collect::<Option<Vec<_>>>();
        let grades = |all: &[Vec<Option<Test>>]| {
            all.iter()
                .map(|grades| grades.iter().map(optional).collect::<Option<Vec<_>>>())
                .collect::<Option<Vec<_>>>()
        };
        // Every code fits the lanes.
        for item in &rules.items {
            if let Some((lo, hi)) = item.kind.code_range() {
                narrow(lo)?;
                narrow(hi)?;
            }
        }
        let mut scales = IxVec::new();
        for scale in &rules.scales {
            let mut items = Vec::new();
            let mut bound = 0i64;
            for &item in &scale.items {
                let (lo, hi) = rules.items[item].kind.score_range()?;
                bound += lo.abs().max(hi.abs());
                items.push((item, Scoring::of(rules, item)?));
            }
            let bands = scale
                .bands
                .iter()
                .map(|b| Some((narrow(b.min)?, narrow(b.max)?)))
                .collect::<Option<Vec<_>>>()?;
            if bound > LIMIT {
                return None;
            }
            scales.push(LaneScale { items, bands });
        }
        Some(Program {
            slots: compiled.slots,
            items: rules.items.len(),
            missing_slow: (0..rules.items.len())
                .map(|i| compiled.missing_rejects[i] || !rules.items[i].scales.is_empty())
                .collect(),
            show_if: compiled
                .show_if
                .iter()
                .map(optional)
                .collect::<Option<_>>()?,
            scales,
            rating_grades: grades(compiled.rating_grades.as_slice())?.into(),
            flags: tests(compiled.flags.as_slice())?.into(),
            domain_grades: grades(compiled.domain_grades.as_slice())?.into(),
            rules: tests(compiled.rules.as_slice())?.into(),
            features: tests(&compiled.features)?,
            conditions: tests(&compiled.conditions)?,
        })
    }
}

impl Scoring {
    fn of(rules: &RuleSet, item: ItemIdx) -> Option<Scoring> {
        let crate::model::CodeTable { min, scores: table } = &rules.items[item].table;
        if table.is_empty() {
            // Integer items score their code; other items without a table
            // have codes too spread out for one.
            let integer = matches!(
                rules.items[item].kind,
                crate::model::ItemKind::Integer { .. }
            );
            let (lo, _) = rules.items[item].kind.code_range()?;
            return (integer && lo >= 0).then_some(Scoring::Code);
        }
        let identity = *min >= 0
            && table
                .iter()
                .enumerate()
                .all(|(k, &s)| s.is_none_or(|s| s == min + k as i64));
        if identity {
            return Some(Scoring::Code);
        }
        Some(Scoring::Table {
            min: narrow(*min)?,
            // A code the item lacks never reaches the lanes.
            scores: table
                .iter()
                .map(|&s| s.map_or(Some(0), narrow))
                .collect::<Option<_>>()?,
        })
    }
}

/// Up to `LANES` records, assessed together.
#[derive(Debug, Clone)]
pub struct Lanes<'a> {
    rules: &'a RuleSet,
    /// `Compiled::digits`, at hand for the hot loop.
    digits: &'a [[bool; 10]],
    program: Program,
    state: State,
}

/// The group's rows and everything found about them.
#[derive(Debug, Clone)]
struct State {
    /// Rows in this group.
    n: usize,
    /// Bit per row in use.
    live: u64,
    /// Rows `assess_into` must decide.
    slow: u64,
    /// Every fact, by slot then row.
    facts: Vec<[i32; LANES]>,
    /// Per flag, per placement rule, per program feature: the rows where
    /// it holds.
    flags: IxVec<FlagIx, u64>,
    rules: IxVec<RuleIx, u64>,
    features: Vec<u64>,
    /// Per condition on the recommended level: the rows where it holds.
    conditions: Vec<u64>,
    crisis: u64,
    level: [usize; LANES],
}

impl<'a> Lanes<'a> {
    /// `None` for a rule set whose values could stray outside the lanes'
    /// range (±2³⁰): `assess_into` then scores every row.
    pub fn new(rules: &'a RuleSet) -> Option<Lanes<'a>> {
        let program = Program::of(rules)?;
        let state = State {
            n: 0,
            live: 0,
            slow: 0,
            facts: vec![[EMPTY; LANES]; program.slots.len],
            flags: IxVec::filled(0, rules.flags.len()),
            rules: IxVec::filled(0, rules.rules.len()),
            features: vec![0; rules.features.len()],
            conditions: vec![0; rules.conditions.len()],
            crisis: 0,
            level: [0; LANES],
        };
        Some(Lanes {
            rules,
            digits: &rules.compiled.digits,
            program,
            state,
        })
    }

    /// Start a group of `n` rows (at most `LANES`), every item unanswered.
    pub fn begin(&mut self, n: usize) {
        assert!(n <= LANES, "a group holds at most {LANES} rows");
        let state = &mut self.state;
        state.n = n;
        state.live = if n == LANES { !0 } else { (1u64 << n) - 1 };
        state.slow = 0;
        state.facts[..self.program.items].fill([EMPTY; LANES]);
    }

    /// Set an item's answer (a valid code, or `None`) for one row.
    #[inline]
    pub fn set(&mut self, item: ItemIdx, row: usize, value: Option<i64>) {
        // Valid codes lie within the rule set's bounds, checked by `new`.
        self.state.facts[item][row] = value.map_or(EMPTY, |v| v as i32);
    }

    /// Set one item for the rows of the group from their cells, in row
    /// order; a cell that holds no valid answer leaves its row slow.
    #[inline]
    pub(crate) fn set_cells<'c>(&mut self, item: ItemIdx, cells: impl Iterator<Item = &'c [u8]>) {
        let digits = &self.digits[item];
        let column = &mut self.state.facts[item];
        for (row, (fact, cell)) in column.iter_mut().zip(cells).enumerate() {
            *fact = match *cell {
                [] => EMPTY,
                // The common case, without building `parse_bytes`'s result.
                [byte] if digits.get(usize::from(byte.wrapping_sub(b'0'))) == Some(&true) => {
                    i32::from(byte - b'0')
                }
                _ => match parse_bytes(self.rules, item, cell) {
                    Ok(value) => value.map_or(EMPTY, |v| v as i32),
                    Err(_) => {
                        self.state.slow |= 1 << row;
                        EMPTY
                    }
                },
            };
        }
    }

    /// Leave a row to `assess_into` (an answer that did not parse, a
    /// malformed row).
    #[inline]
    pub(crate) fn set_slow(&mut self, row: usize) {
        self.state.slow |= 1 << row;
    }

    /// Whether a row must go through `assess_into` (valid after `run`).
    #[inline]
    pub fn is_slow(&self, row: usize) -> bool {
        self.state.slow >> row & 1 == 1
    }

    /// One row's result (valid after `run`, for a row that is not slow).
    pub(crate) fn row(&self, row: usize) -> LaneRow<'_> {
        LaneRow { lanes: self, row }
    }

    /// Assess the group: the same stages, in the same order, as `assess_into`.
    pub fn run(&mut self) {
        self.state.run(self.rules, &self.program);
    }
}

impl State {
    fn column(&self, slot: usize) -> &[i32; LANES] {
        &self.facts[slot]
    }

    fn column_mut(&mut self, slot: usize) -> &mut [i32; LANES] {
        &mut self.facts[slot]
    }

    /// The live rows where a test holds.
    #[inline]
    fn mask(&self, test: &LaneTest) -> u64 {
        test.eval(self) & self.live
    }

    #[inline]
    fn compare(&self, slot: usize, holds: impl Fn(i32) -> bool) -> u64 {
        pack(self.column(slot), holds)
    }

    fn run(&mut self, rules: &RuleSet, program: &Program) {
        let slots = &program.slots;
        // Each stage sees no value for what later stages compute, as in
        // `assess_into`, never a value left by the previous group.
        self.facts[program.items..].fill([EMPTY; LANES]);
        // A row with retracted safety answers goes the one-record way
        // (`set_slow`): in the lanes every count is 0.
        for count in crate::model::Count::ALL {
            self.facts[slots.count(count)] = [0; LANES];
        }

        // Skip logic, in item order.
        for index in 0..program.items {
            let slot = slots.item(index);
            let shown = match &program.show_if[index] {
                None => self.live,
                Some(test) => self.mask(test),
            };
            let hidden = self.live & !shown;
            if hidden != 0 {
                // A value given for a hidden item is ignored with a warning:
                // `assess_into` says so.
                self.slow |= hidden & !self.compare(slot, |x| x == EMPTY);
                let column = self.column_mut(slot);
                for_each_row(hidden, |row| column[row] = EMPTY);
            }
            if program.missing_slow[index] {
                self.slow |= shown & self.compare(slot, |x| x == EMPTY);
            }
        }

        for (s, LaneScale { items, bands }) in program.scales.iter_ix() {
            let mut sums = [0i32; LANES];
            for (item, scoring) in items {
                // Hidden items hold no value and count nothing; shown ones
                // are answered (else the row is slow, and its sum unused).
                let codes = self.column(slots.item(*item));
                match scoring {
                    Scoring::Code => {
                        for (sum, &code) in sums.iter_mut().zip(codes) {
                            *sum += code.max(0);
                        }
                    }
                    Scoring::Table { min, scores } => {
                        for (sum, &code) in sums.iter_mut().zip(codes) {
                            let at = code.wrapping_sub(*min) as u32 as usize;
                            *sum += scores.get(at).copied().unwrap_or(0);
                        }
                    }
                }
            }
            *self.column_mut(slots.scale(s)) = sums;
            // A score outside every band has none.
            let mut band = [EMPTY; LANES];
            // In reverse, so the first band holding a score wins.
            for (b, &(min, max)) in bands.iter().enumerate().rev() {
                for (band, &sum) in band.iter_mut().zip(&sums) {
                    // A select without a branch, so the loop vectorizes.
                    let inside = -i32::from(min <= sum && sum <= max);
                    *band = (*band & !inside) | (b as i32 & inside);
                }
            }
            *self.column_mut(slots.band(s)) = band;
        }

        for (r, grades) in program.rating_grades.iter_ix() {
            self.grade(grades, slots.rating(r));
        }
        for (f, test) in program.flags.iter_ix() {
            let raised = self.mask(test);
            self.flags[f] = raised;
            let column = self.column_mut(slots.flag(f));
            for (row, fact) in column.iter_mut().enumerate() {
                *fact = (raised >> row & 1) as i32;
            }
        }
        for (d, grades) in program.domain_grades.iter_ix() {
            self.grade(grades, slots.domain(d));
        }
        for (r, test) in program.rules.iter_ix() {
            self.rules[r] = self.mask(test);
        }
        for (f, test) in program.features.iter().enumerate() {
            self.features[f] = self.mask(test);
        }

        let level = &mut self.level;
        level.fill(rules.default_level);
        let raised = &self.flags;
        self.crisis = decide(
            rules,
            &mut self.rules,
            |f| raised[f],
            |at, reached| for_each_row(reached, |row| level[row] = level[row].max(at)),
        );
        if rules.conditions.is_empty() && rules.features.iter().all(|f| f.at.is_none()) {
            return;
        }
        let is_level = |at: usize| {
            let mut rows = 0u64;
            for (row, &l) in self.level.iter().enumerate() {
                rows |= u64::from(l == at) << row;
            }
            rows
        };
        for (f, feature) in rules.features.iter().enumerate() {
            if let Some(at) = &feature.at {
                self.features[f] = at_level(self.features[f], at, is_level);
            }
        }
        for (c, condition) in rules.conditions.iter().enumerate() {
            let test = self.mask(&program.conditions[c]);
            self.conditions[c] = at_level(test, &condition.at, is_level);
        }
    }

    /// Grade a rating or domain into its slot: the most severe grade whose
    /// test holds (0, the baseline, otherwise).
    fn grade(&mut self, grades: &[Option<LaneTest>], slot: usize) {
        let mut grade = [0i32; LANES];
        for (g, test) in grades.iter().enumerate() {
            if let Some(test) = test {
                for_each_row(self.mask(test), |row| grade[row] = g as i32);
            }
        }
        *self.column_mut(slot) = grade;
    }
}

/// A group's facts, read a column of 64 rows at a time.
impl Lookup<i32> for State {
    type Out = u64;
    #[inline]
    fn compare(&self, slot: usize, cmp: &Cmp<i32>) -> u64 {
        cmp.apply(Pack(self.column(slot)))
    }
}

/// A column, tested into a mask.
struct Pack<'a>(&'a [i32; LANES]);

impl Column<i32> for Pack<'_> {
    type Out = u64;
    #[inline(always)]
    fn test(self, holds: impl Fn(i32) -> bool) -> u64 {
        pack(self.0, holds)
    }
}

/// The rows of a column where `holds` is true, as a mask.
#[inline]
fn pack(column: &[i32; LANES], holds: impl Fn(i32) -> bool) -> u64 {
    // One byte (0 or 1) per row, in a loop the compiler can vectorize...
    let mut bytes = [0u8; LANES];
    for (byte, &x) in bytes.iter_mut().zip(column) {
        *byte = u8::from(holds(x));
    }
    // ...then the low bit of each run of eight bytes gathered into a byte.
    let mut mask = 0;
    for k in 0..LANES / 8 {
        let eight = u64::from_le_bytes(std::array::from_fn(|i| bytes[8 * k + i]));
        mask |= (eight.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    mask
}

/// Call `visit` with the index of every set bit, lowest first.
#[inline]
fn for_each_row(mut mask: u64, mut visit: impl FnMut(usize)) {
    while mask != 0 {
        visit(mask.trailing_zeros() as usize);
        mask &= mask - 1;
    }
}

/// One row of an assessed group.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LaneRow<'a> {
    lanes: &'a Lanes<'a>,
    row: usize,
}

impl LaneRow<'_> {
    fn fact(&self, slot: usize) -> Option<i64> {
        let v = self.lanes.state.facts[slot][self.row];
        (v != EMPTY).then_some(i64::from(v))
    }

    fn bit(&self, mask: u64) -> bool {
        mask >> self.row & 1 == 1
    }

    /// Whether a program feature applies.
    pub(crate) fn feature(&self, feature: usize) -> bool {
        self.bit(self.lanes.state.features[feature])
    }

    /// The value of a fact slot (`model::Slots`), as `Assessment::facts`
    /// holds it.
    pub(crate) fn fact_at(&self, slot: usize) -> i64 {
        self.fact(slot).unwrap_or(NONE)
    }
}

impl Outcome for LaneRow<'_> {
    fn level(&self) -> usize {
        self.lanes.state.level[self.row]
    }
    fn crisis(&self) -> bool {
        self.bit(self.lanes.state.crisis)
    }
    fn flag(&self, flag: FlagIx) -> bool {
        self.bit(self.lanes.state.flags[flag])
    }
    fn rule(&self, rule: RuleIx) -> bool {
        self.bit(self.lanes.state.rules[rule])
    }
    fn condition(&self, condition: usize) -> bool {
        self.bit(self.lanes.state.conditions[condition])
    }
    fn score(&self, scale: ScaleIx) -> Option<i64> {
        self.fact(self.lanes.program.slots.scale(scale))
    }
    fn band(&self, scale: ScaleIx) -> Option<usize> {
        self.fact(self.lanes.program.slots.band(scale))
            .map(|b| b as usize)
    }
    fn rating(&self, rating: RatingIx) -> usize {
        self.fact(self.lanes.program.slots.rating(rating))
            .unwrap_or(0) as usize
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Lanes, LANES};
    use crate::answers::Answers;
    use crate::assess::tester::compare;
    use crate::assess::{assess_into, Assessment};
    use crate::model::RuleSet;
    use crate::rules::{load, RulesSource};

    /// The default rules and every valid fixture rule set that exercises
    /// something the default lacks (prorating, a lower band, blank cells,
    /// negative and table scores, scored integer items).
    fn rule_sets() -> &'static [RuleSet] {
        use std::sync::OnceLock;
        static SETS: OnceLock<Vec<RuleSet>> = OnceLock::new();
        SETS.get_or_init(|| {
            let mut sets = vec![load(&RulesSource::Embedded).expect("default rules")];
            for name in [
                "minimal",
                "prorate",
                "partial-blank",
                "minimal-lower-band",
                "rich",
            ] {
                let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/rules")
                    .join(name);
                sets.push(load(&RulesSource::Path(dir)).expect("fixture rules"));
            }
            sets
        })
    }

    /// A record from random choices: per item, 0 leaves it blank, any
    /// other number picks one of its codes (or of an integer item's range).
    /// With `tidy`, items skip logic hides are cleared, as a well-formed
    /// export leaves them.
    fn record(rules: &RuleSet, choices: &[u8], tidy: bool) -> Answers {
        let mut answers = Answers::new(rules);
        for (i, item) in rules.items.iter().enumerate() {
            let choice = i64::from(choices[i % choices.len()]);
            if choice == 0 || !item.is_answerable() {
                continue;
            }
            let code = match item.codes() {
                Some(codes) => codes[choice as usize % codes.len()],
                None => match item.kind.code_range() {
                    Some((min, max)) => min + (choice * 7) % (max - min + 1),
                    None => continue,
                },
            };
            answers.set(rules, i, code).expect("a valid code");
        }
        if tidy {
            for (i, shown) in crate::assess::shown_items(rules, &answers)
                .into_iter()
                .enumerate()
            {
                if !shown {
                    answers.clear(i);
                }
            }
        }
        answers
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Each group gives exactly what `assess_into` gives, row by row,
        /// and leaves to it exactly the rows it rejects or warns about;
        /// one `Lanes` takes every group, so nothing carries over.
        #[test]
        fn lanes_decide_exactly_as_assess_into(
            set in 0usize..6,
            groups in prop::collection::vec(
                prop::collection::vec(
                    (prop::collection::vec(0u8..8, 1..80), any::<bool>(), any::<bool>()),
                    1..=LANES,
                ),
                1..4,
            ),
        ) {
            let rules = &rule_sets()[set];
            let mut lanes = Lanes::new(rules).expect("the rule set fits lanes");
            for rows in &groups {
            let records: Vec<Answers> = rows
                .iter()
                .map(|(choices, complete, tidy)| {
                    // A complete record answers every item.
                    let choices: Vec<u8> = if *complete {
                        choices.iter().map(|c| c.max(&1)).copied().collect()
                    } else {
                        choices.clone()
                    };
                    record(rules, &choices, *tidy)
                })
                .collect();
            lanes.begin(records.len());
            for (row, answers) in records.iter().enumerate() {
                for item in 0..rules.items.len() {
                    // Only answers: `begin` clears the rest.
                    if let Some(code) = answers.get(item) {
                        lanes.set(item, row, Some(code));
                    }
                }
            }
            lanes.run();
            let mut a = Assessment::empty();
            for (row, answers) in records.iter().enumerate() {
                let scalar = assess_into(rules, answers, &mut a);
                let plain = scalar.is_ok() && a.warnings.is_empty();
                prop_assert_eq!(
                    lanes.is_slow(row), !plain,
                    "row {}: slow {} but assess_into gave {:?} {:?}",
                    row, lanes.is_slow(row), scalar, a.warnings
                );
                if plain {
                    if let Err(diff) = compare(rules, &lanes.row(row), &a) {
                        prop_assert!(false, "row {}: {}", row, diff);
                    }
                }
            }
            }
        }
    }

    #[test]
    fn only_values_within_two_to_the_thirty_fit_a_lane() {
        use super::{narrow, LIMIT};
        assert_eq!(narrow(LIMIT), Some(1 << 30));
        assert_eq!(narrow(-LIMIT), Some(-(1 << 30)));
        assert_eq!(narrow(LIMIT + 1), None);
        assert_eq!(narrow(-LIMIT - 1), None);
        assert_eq!(narrow(i64::MIN), None);
        assert_eq!(narrow(i64::MAX), None);
    }

    #[test]
    fn a_row_marked_slow_stays_slow() {
        let rules = &rule_sets()[0];
        let mut lanes = Lanes::new(rules).expect("fits");
        let answers = record(rules, &[1], true);
        lanes.begin(2);
        for row in 0..2 {
            for item in 0..rules.items.len() {
                lanes.set(item, row, answers.get(item));
            }
        }
        lanes.set_slow(1);
        lanes.run();
        assert!(!lanes.is_slow(0), "a complete tidy record is decided here");
        assert!(lanes.is_slow(1));
    }
}
