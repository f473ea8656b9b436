//! The validated rule set: the only form of the rules the engine sees.
//!
//! Every reference is resolved to an index, bands are sorted and contiguous,
//! and every condition only looks at what is computed before it (items →
//! scales → ratings → flags → domains → placement). Built by
//! `rules::validate`; immutable afterwards.

use std::fmt;

/// Index of an item in `RuleSet::items`.
pub type ItemIdx = usize;

/// A validated rule set.
#[derive(Debug)]
pub struct RuleSet {
    pub name: String,
    pub version: String,
    /// SHA-256 (hex) of the rule set's canonical content.
    pub sha256: String,
    /// Least to most intensive.
    pub levels: Vec<Level>,
    pub instruments: Vec<Instrument>,
    /// Every item of every instrument, in interview order.
    pub items: Vec<Item>,
    pub scales: Vec<Scale>,
    pub ratings: Vec<Rating>,
    pub flags: Vec<Flag>,
    /// Flag indexes, most severe first (then in rule-set order).
    pub flags_by_severity: Vec<usize>,
    pub domains: Vec<Rating>,
    pub default_level: usize,
    pub rules: Vec<PlacementRule>,
    pub features: Vec<Feature>,
    pub resources: Vec<Resource>,
    pub note_template: String,
}

impl RuleSet {
    /// Index of the item with this id.
    pub fn item_index(&self, id: &str) -> Option<ItemIdx> {
        self.items.iter().position(|item| item.id == id)
    }

    /// Index of the most intensive level.
    pub fn top_level(&self) -> usize {
        self.levels.len() - 1
    }
}

/// Where a rule-set element is defined: file and YAML path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub path: String,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.file, self.path)
    }
}

#[derive(Debug)]
pub struct Level {
    pub id: String,
    pub name: String,
    pub description: String,
    pub referral: String,
}

#[derive(Debug)]
pub struct Instrument {
    pub id: String,
    pub title: String,
    pub source: String,
    pub preamble: Option<String>,
    /// Range of this instrument's items in `RuleSet::items`.
    pub items: std::ops::Range<ItemIdx>,
}

#[derive(Debug)]
pub struct Item {
    pub id: String,
    pub instrument: usize,
    pub text: String,
    pub help: Option<String>,
    pub kind: ItemKind,
    /// Unscored items only: a shown item must be answered.
    pub required: bool,
    /// Scales that sum this item.
    pub scales: Vec<usize>,
    /// Shown only when this holds; references earlier items only.
    pub show_if: Option<Condition>,
    /// Scores by code for choice and yes/no items (built from `kind`).
    pub table: CodeTable,
}

/// Scores indexed by answer code, for constant-time lookups on the batch
/// hot path: `scores[code - min]`, `None` for a code the item does not have.
#[derive(Debug, Default)]
pub struct CodeTable {
    min: i64,
    scores: Vec<Option<i64>>,
}

/// Codes spread wider than this are looked up by search instead.
const MAX_TABLE_SPAN: i64 = 256;

impl CodeTable {
    pub fn of(kind: &ItemKind) -> CodeTable {
        let pairs: Vec<(i64, i64)> = match kind {
            ItemKind::Choice(options) => options.iter().map(|o| (o.code, o.score)).collect(),
            ItemKind::YesNo { yes, no } => vec![(1, *yes), (0, *no)],
            ItemKind::Integer { .. } | ItemKind::Info => return CodeTable::default(),
        };
        let (Some(min), Some(max)) = (
            pairs.iter().map(|p| p.0).min(),
            pairs.iter().map(|p| p.0).max(),
        ) else {
            return CodeTable::default();
        };
        match max.checked_sub(min) {
            Some(span) if span < MAX_TABLE_SPAN => {}
            _ => return CodeTable::default(),
        }
        let mut scores = vec![None; (max - min + 1) as usize];
        for (code, score) in pairs {
            scores[(code - min) as usize] = Some(score);
        }
        CodeTable { min, scores }
    }

    /// `Some(score or None)` when the table covers this item; `None` when
    /// the item has no table.
    fn lookup(&self, code: i64) -> Option<Option<i64>> {
        if self.scores.is_empty() {
            return None;
        }
        let at = code.checked_sub(self.min)?;
        Some(
            usize::try_from(at)
                .ok()
                .and_then(|at| self.scores.get(at).copied().flatten()),
        )
    }
}

#[derive(Debug)]
pub enum ItemKind {
    Choice(Vec<ChoiceOption>),
    YesNo {
        yes: i64,
        no: i64,
    },
    Integer {
        min: i64,
        max: i64,
        range_message: Option<String>,
    },
    Info,
}

impl ItemKind {
    /// Lowest and highest score an answer can add.
    pub fn score_range(&self) -> Option<(i64, i64)> {
        match self {
            ItemKind::Choice(options) => Some((
                options.iter().map(|o| o.score).min()?,
                options.iter().map(|o| o.score).max()?,
            )),
            ItemKind::YesNo { yes, no } => Some(((*yes).min(*no), (*yes).max(*no))),
            ItemKind::Integer { min, max, .. } => Some((*min, *max)),
            ItemKind::Info => None,
        }
    }

    /// Lowest and highest answer code.
    pub fn code_range(&self) -> Option<(i64, i64)> {
        match self {
            ItemKind::Choice(options) => Some((
                options.iter().map(|o| o.code).min()?,
                options.iter().map(|o| o.code).max()?,
            )),
            ItemKind::YesNo { .. } => Some((0, 1)),
            ItemKind::Integer { min, max, .. } => Some((*min, *max)),
            ItemKind::Info => None,
        }
    }
}

#[derive(Debug)]
pub struct ChoiceOption {
    pub code: i64,
    pub label: String,
    pub score: i64,
}

impl Item {
    /// The score of an answer code, or `None` if the code is not valid for
    /// this item.
    pub fn score(&self, code: i64) -> Option<i64> {
        if let Some(score) = self.table.lookup(code) {
            return score;
        }
        match &self.kind {
            ItemKind::Choice(options) => options.iter().find(|o| o.code == code).map(|o| o.score),
            ItemKind::YesNo { yes, no } => match code {
                1 => Some(*yes),
                0 => Some(*no),
                _ => None,
            },
            ItemKind::Integer { min, max, .. } => (*min..=*max).contains(&code).then_some(code),
            ItemKind::Info => None,
        }
    }

    /// Every valid answer code, least to most severe by score (ties by code).
    /// `None` for integer items (a range) and info items.
    pub fn codes(&self) -> Option<Vec<i64>> {
        match &self.kind {
            ItemKind::Choice(options) => {
                let mut codes: Vec<(i64, i64)> =
                    options.iter().map(|o| (o.score, o.code)).collect();
                codes.sort_unstable();
                Some(codes.into_iter().map(|(_, code)| code).collect())
            }
            ItemKind::YesNo { yes, no } => Some(if yes >= no { vec![0, 1] } else { vec![1, 0] }),
            ItemKind::Integer { .. } | ItemKind::Info => None,
        }
    }

    pub fn is_answerable(&self) -> bool {
        !matches!(self.kind, ItemKind::Info)
    }
}

#[derive(Debug)]
pub struct Scale {
    pub id: String,
    pub title: String,
    pub items: Vec<ItemIdx>,
    pub min: i64,
    pub max: i64,
    pub missing: MissingRule,
    /// Sorted by `min`, contiguous from `min` to `max`.
    pub bands: Vec<Band>,
}

impl Scale {
    /// Index of the band holding `score`.
    pub fn band_of(&self, score: i64) -> Option<usize> {
        self.bands
            .iter()
            .position(|b| b.min <= score && score <= b.max)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingRule {
    AllRequired,
    Prorate {
        max_missing: u32,
        never: Vec<ItemIdx>,
    },
    Invalid,
}

#[derive(Debug)]
pub struct Band {
    pub id: String,
    pub label: String,
    pub min: i64,
    pub max: i64,
}

/// An ordered classification: a rating (e.g. C-SSRS risk) or a domain.
#[derive(Debug)]
pub struct Rating {
    pub id: String,
    pub title: String,
    pub grades: Vec<Grade>,
}

#[derive(Debug)]
pub struct Grade {
    pub id: String,
    pub label: String,
    /// `None` on the baseline (first) grade only.
    pub when: Option<Condition>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug)]
pub struct Flag {
    pub id: String,
    pub severity: Severity,
    pub safety: bool,
    pub crisis: bool,
    pub min_level: Option<usize>,
    pub when: Condition,
    pub message: String,
    pub origin: Origin,
}

#[derive(Debug)]
pub struct PlacementRule {
    pub id: String,
    pub when: Condition,
    pub level: usize,
    pub rationale: String,
    pub origin: Origin,
}

#[derive(Debug)]
pub struct Feature {
    pub id: String,
    pub when: Condition,
    pub text: String,
}

#[derive(Debug)]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub contact: String,
    pub hours: Option<String>,
    /// Listed only when a safety flag is raised.
    pub safety_only: bool,
}

/// A resolved condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Compare(Subject, Cmp),
    Flag(usize),
}

/// What a comparison looks at. Bands, ratings and domains compare by the
/// index of their band or grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Item(ItemIdx),
    Scale(usize),
    Band(usize),
    Rating(usize),
    Domain(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmp {
    Eq(i64),
    AtLeast(i64),
    AtMost(i64),
    In(Vec<i64>),
}

impl Cmp {
    pub fn holds(&self, value: i64) -> bool {
        match self {
            Cmp::Eq(v) => value == *v,
            Cmp::AtLeast(v) => value >= *v,
            Cmp::AtMost(v) => value <= *v,
            Cmp::In(vs) => vs.contains(&value),
        }
    }
}
