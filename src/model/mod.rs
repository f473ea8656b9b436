//! The validated rule set: the only form of the rules the engine sees.
//!
//! Every reference is resolved to an index, bands are sorted and contiguous,
//! and every condition only looks at what is computed before it (items →
//! scales → ratings → flags → domains → placement). Built by
//! `rules::validate`; immutable afterwards.

use std::fmt;

mod ix;
mod plan;

pub(crate) use ix::{DomainIx, FlagIx, Ix, IxVec, RatingIx, RuleIx, ScaleIx};
pub(crate) use plan::{Column, Compiled, Logic, Lookup, Slots, Test, Truth, Value, NONE};

/// Index of an item in `RuleSet::items`.
pub(crate) type ItemIdx = usize;

/// A validated rule set: the model, and the plan the engine runs, made
/// once from it (`Compiled::of`). Reads as its model (`Deref`).
#[derive(Debug)]
pub struct RuleSet {
    model: Model,
    /// The model's conditions and tables, compiled for the executors.
    pub compiled: Compiled,
}

impl RuleSet {
    /// The rule set of a validated model, with its plan.
    pub(crate) fn new(model: Model) -> RuleSet {
        let compiled = Compiled::of(&model);
        RuleSet { model, compiled }
    }

    /// Compile the plan again after the model was changed (the threshold
    /// mutation test).
    pub(crate) fn recompile(&mut self) {
        self.compiled = Compiled::of(&self.model);
    }
}

impl std::ops::Deref for RuleSet {
    type Target = Model;
    fn deref(&self) -> &Model {
        &self.model
    }
}

impl std::ops::DerefMut for RuleSet {
    fn deref_mut(&mut self) -> &mut Model {
        &mut self.model
    }
}

/// The validated rules, as data: levels, items, scales, ratings, flags,
/// domains, placement, features, resources, note templates and cases.
#[derive(Debug)]
pub struct Model {
    pub(crate) name: String,
    pub(crate) version: String,
    /// SHA-256 (hex) of the rule set's canonical content.
    pub(crate) sha256: String,
    /// Least to most intensive.
    pub levels: Vec<Level>,
    pub(crate) instruments: Vec<Instrument>,
    /// Every item of every instrument, in interview order.
    pub items: Vec<Item>,
    pub(crate) scales: IxVec<ScaleIx, Scale>,
    pub(crate) ratings: IxVec<RatingIx, Rating>,
    pub flags: IxVec<FlagIx, Flag>,
    /// Flag indexes, most severe first (then in rule-set order).
    pub(crate) flags_by_severity: Vec<FlagIx>,
    pub(crate) domains: IxVec<DomainIx, Rating>,
    pub(crate) default_level: usize,
    pub(crate) rules: IxVec<RuleIx, PlacementRule>,
    /// What leads to each level.
    pub(crate) paths: Paths,
    /// Said of the recommended level (after every rule).
    pub(crate) conditions: Vec<LevelCondition>,
    pub(crate) features: Vec<Feature>,
    pub resources: Vec<Resource>,
    pub(crate) note_template: String,
    /// The note as Markdown, when the rule set has a template for it.
    pub(crate) note_markdown: Option<String>,
    /// What the screen does not ask about: every professional note says it.
    pub(crate) screen_limits: Option<String>,
    /// The handout for the person screened (`--note-audience client`).
    pub(crate) note_client: Option<String>,
    /// Where the rule set and its note templates are written, for checks
    /// made after loading (`check`).
    pub(crate) written: Written,
    /// Test cases shipped with the rule set.
    pub(crate) cases: Vec<Case>,
    /// The language every text above is in (English where a translation
    /// is missing).
    pub(crate) lang: String,
    pub(crate) translations: Translations,
    /// How FHIR output names what has no LOINC code, and record ids.
    pub(crate) fhir: Fhir,
}

/// The code system of the rule set's own codes, and the identifier system
/// of record ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fhir {
    pub(crate) code_system: String,
    pub(crate) record_system: String,
}

/// How complete the rule set's translations are.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Translations {
    /// Texts shown to people.
    pub(crate) texts: usize,
    /// Texts given in each language (plain texts count as English only
    /// when not listed here).
    pub(crate) by_lang: std::collections::BTreeMap<String, usize>,
    /// Texts with no version in the chosen language (English was used).
    pub(crate) missing: usize,
}

/// A test case: answers (the rest filled with the least severe answer) and
/// the result they must give.
#[derive(Debug)]
pub(crate) struct Case {
    pub(crate) id: String,
    pub(crate) description: Option<String>,
    /// `None` leaves the item blank.
    pub(crate) answers: Vec<(ItemIdx, Option<i64>)>,
    /// Safety answers taken back, as the batch `retracted` column has them
    /// (read against the rule set when the case runs).
    pub(crate) retracted: Option<String>,
    pub(crate) expect: Expect,
    pub(crate) origin: Origin,
}

/// What a case checks; only what is named.
#[derive(Debug, Default)]
pub(crate) struct Expect {
    pub(crate) level: Option<usize>,
    pub(crate) crisis: Option<bool>,
    /// Exactly these flags, as a set.
    pub(crate) flags: Option<Vec<FlagIx>>,
    /// Exactly these reason ids, as a set.
    pub(crate) reasons: Option<Vec<String>>,
    pub(crate) scores: Vec<(ScaleIx, i64)>,
    pub(crate) bands: Vec<(ScaleIx, usize)>,
    /// (rating or domain, grade).
    pub(crate) grades: Vec<(GradeOf, usize)>,
    /// Exactly these placement rules fire, as a set.
    pub(crate) fired: Option<Vec<RuleIx>>,
    /// Exactly these program features (indexes), as a set.
    pub(crate) features: Option<Vec<usize>>,
    /// Items skip logic must show (`true`) or hide (`false`).
    pub(crate) shown: Vec<(ItemIdx, bool)>,
    /// Texts the professional's note must contain.
    pub(crate) note_contains: Vec<String>,
    pub(crate) rejected_for: Option<ItemIdx>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GradeOf {
    Rating(RatingIx),
    Domain(DomainIx),
}

/// What a `count` condition counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Count {
    /// Safety answers the client took back (`Answers::retractions`) while
    /// the less severe answer stands.
    RetractedSafetyAnswers,
}

impl Count {
    pub(crate) const ALL: [Count; 1] = [Count::RetractedSafetyAnswers];

    pub(crate) fn id(self) -> &'static str {
        match self {
            Count::RetractedSafetyAnswers => "retracted_safety_answers",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Count::RetractedSafetyAnswers => 0,
        }
    }
}

impl Model {
    /// Index of the item with this id.
    pub fn item_index(&self, id: &str) -> Option<ItemIdx> {
        self.items.iter().position(|item| item.id == id)
    }

    /// Index of the most intensive level.
    pub fn top_level(&self) -> usize {
        self.levels.len() - 1
    }

    /// The ids of these levels (a condition's or a feature's `at`).
    pub(crate) fn level_ids(&self, at: &[usize]) -> Vec<&str> {
        at.iter().map(|&l| self.levels[l].id.as_str()).collect()
    }
}

/// Where the rule set's main file and note templates are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Written {
    /// The main file, as reported.
    pub(crate) main_file: String,
    pub(crate) note_template: TextPlace,
    pub(crate) note_markdown: Option<TextPlace>,
    pub(crate) note_client: Option<TextPlace>,
    /// Every file as reported, with its text, so a YAML path can be found
    /// on its line after loading (`rules::line_of`).
    pub(crate) files: Vec<WrittenFile>,
}

impl Written {
    /// The text of the file reported as `name`.
    pub(crate) fn text_of(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.text.as_ref())
    }
}

/// One file of a rule set: its name as reported and its text (borrowed
/// for the built-in rules).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WrittenFile {
    pub(crate) name: String,
    pub(crate) text: std::borrow::Cow<'static, str>,
}

/// The file a text is in and, for a block scalar (`key: |`), the file line
/// just before its body: the text's line N is file line `before + N`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TextPlace {
    pub(crate) file: String,
    pub(crate) before: Option<usize>,
}

/// Where a rule-set element is defined: file and YAML path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) file: String,
    pub(crate) path: String,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.file, self.path)
    }
}

#[derive(Debug)]
pub struct Level {
    pub id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) referral: String,
    pub(crate) hours: Option<String>,
    pub(crate) setting: Option<String>,
    pub(crate) typical_length: Option<String>,
    /// The level in plain words, for the client's handout.
    pub(crate) client: Option<String>,
    /// What happens next, in plain words, for the client's handout.
    pub(crate) client_next: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Instrument {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) source: String,
    pub(crate) preamble: Option<String>,
    /// Range of this instrument's items in `RuleSet::items`.
    pub(crate) items: std::ops::Range<ItemIdx>,
    /// The language its wording (preamble, questions, answers) is given
    /// in: the chosen one when the instrument has a version in it, else
    /// English.
    pub(crate) wording_lang: String,
    /// Its versions in other languages, in file order.
    pub(crate) translations: Vec<Translation>,
    /// The LOINC code of its panel.
    pub(crate) loinc: Option<String>,
}

/// Whose version a translated text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextStatus {
    /// A published translation, verified against copies of the form.
    Published,
    /// A published translation, to compare with the publisher's copy.
    ToCompare,
    /// The rule set's own text.
    Own,
}

impl TextStatus {
    pub(crate) fn id(self) -> &'static str {
        match self {
            TextStatus::Published => "published",
            TextStatus::ToCompare => "to_compare",
            TextStatus::Own => "own",
        }
    }

    pub(crate) fn words(self) -> &'static str {
        match self {
            TextStatus::Published => "published translation, verified",
            TextStatus::ToCompare => "published translation, to compare with the publisher's copy",
            TextStatus::Own => "the rule set's own",
        }
    }
}

/// An instrument's wording in a language other than English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Translation {
    pub(crate) lang: String,
    /// The status of its texts, unless a text says otherwise.
    pub(crate) status: TextStatus,
    pub(crate) source: String,
    pub(crate) licence: Option<String>,
    /// Its texts (preamble, questions, answers).
    pub(crate) texts: usize,
    /// Texts whose own status differs from `status`.
    pub(crate) marked: Vec<MarkedText>,
}

/// A translated text with a status of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MarkedText {
    /// Which text: `preamble`, `audit_2`, `audit_2, answer 3`.
    pub(crate) place: String,
    pub(crate) text: String,
    pub(crate) status: TextStatus,
    pub(crate) note: Option<String>,
}

#[derive(Debug)]
pub struct Item {
    pub id: String,
    pub(crate) instrument: usize,
    pub(crate) text: String,
    pub(crate) help: Option<String>,
    pub kind: ItemKind,
    /// Unscored items only: a shown item must be answered.
    pub(crate) required: bool,
    /// Scales that sum this item.
    pub(crate) scales: Vec<ScaleIx>,
    /// Shown only when this holds; references earlier items only.
    pub(crate) show_if: Option<Condition>,
    /// Scores by code for choice and yes/no items (built from `kind`).
    pub(crate) table: CodeTable,
    /// How notes name the item, e.g. `C-SSRS item 4 (intent)`; the id
    /// when the rule set gives none.
    pub(crate) short: String,
    /// An answer to this item implies its `show_if` held (a recency
    /// question answered means its gate was "yes"): for safety flags a
    /// blank or invalid gate is read as showing it.
    pub(crate) answer_implies_gate: bool,
    /// An option's label holds a digit in some language of the rule set
    /// (AUDIT's "1 or 2"): the interview's keys are then letters, never a
    /// digit that could be read as an amount.
    pub(crate) digit_in_labels: bool,
    /// Where the item is written.
    pub(crate) origin: Origin,
    /// Its LOINC code.
    pub(crate) loinc: Option<String>,
    /// A yes/no item's LOINC answer codes: (yes, no).
    pub(crate) answer_loinc: Option<(String, String)>,
}

/// Scores indexed by answer code, for constant-time lookups on the batch
/// hot path: `scores[code - min]`, `None` for a code the item does not have.
#[derive(Debug, Default)]
pub(crate) struct CodeTable {
    pub(crate) min: i64,
    pub(crate) scores: Vec<Option<i64>>,
}

/// Codes spread wider than this are looked up by search instead.
const MAX_TABLE_SPAN: i64 = 256;

impl CodeTable {
    pub(crate) fn of(kind: &ItemKind) -> CodeTable {
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
    pub(crate) fn score_range(&self) -> Option<(i64, i64)> {
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

    /// Every answer with its score, in words: `0 = Not at all: 0; 1 = ...`.
    pub(crate) fn answers_summary(&self) -> String {
        match self {
            ItemKind::Choice(options) => options
                .iter()
                // Quoted, so a label that begins with a number (AUDIT's
                // "1 or 2", code 0) never reads as a code.
                .map(|o| format!("{} = '{}': {}", o.code, o.label, o.score))
                .collect::<Vec<_>>()
                .join("; "),
            ItemKind::YesNo { yes, no } => format!("1 = yes: {yes}; 0 = no: {no}"),
            ItemKind::Integer { min, max, .. } => format!("{min} to {max}: the value"),
            ItemKind::Info => "no answer".into(),
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
    pub(crate) code: i64,
    pub(crate) label: String,
    pub(crate) score: i64,
    /// Its LOINC answer code.
    pub(crate) loinc: Option<String>,
}

impl Item {
    /// The score of an answer code, or `None` if the code is not valid for
    /// this item.
    pub(crate) fn score(&self, code: i64) -> Option<i64> {
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

    /// The words of an answer code: an option's label, `yes` or `no`;
    /// `None` for integers (the number is the answer) and unknown codes.
    pub(crate) fn answer_label(&self, code: i64) -> Option<&str> {
        match &self.kind {
            ItemKind::Choice(options) => options
                .iter()
                .find(|o| o.code == code)
                .map(|o| o.label.as_str()),
            ItemKind::YesNo { .. } => match code {
                1 => Some("yes"),
                0 => Some("no"),
                _ => None,
            },
            ItemKind::Integer { .. } | ItemKind::Info => None,
        }
    }

    pub fn is_answerable(&self) -> bool {
        !matches!(self.kind, ItemKind::Info)
    }
}

#[derive(Debug)]
pub(crate) struct Scale {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) items: Vec<ItemIdx>,
    pub(crate) min: i64,
    pub(crate) max: i64,
    pub(crate) missing: MissingRule,
    /// Sorted by `min`, contiguous from `min` to `max`.
    pub(crate) bands: Vec<Band>,
    pub(crate) origin: Origin,
    /// The LOINC code of its total.
    pub(crate) loinc: Option<String>,
}

impl Scale {
    /// Index of the band holding `score`.
    pub(crate) fn band_of(&self, score: i64) -> Option<usize> {
        self.bands
            .iter()
            .position(|b| b.min <= score && score <= b.max)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MissingRule {
    AllRequired,
    Prorate {
        max_missing: u32,
        never: Vec<ItemIdx>,
    },
    Invalid,
}

/// What a scale's missing-data rule makes of its shown items left
/// unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WithMissing {
    /// None missing: the plain sum.
    Complete,
    /// The score is prorated (`MissingRule::prorate`), with a warning.
    Prorated,
    /// The scale has no score, with a warning.
    NoScore,
    /// More missing than the rule allows (at most `allowed`), or nothing
    /// answered: the record is rejected.
    TooMany { allowed: u32 },
    /// Every item is required: the record is rejected.
    Rejected,
}

impl MissingRule {
    /// The rule's verdict on `missing` unanswered shown items, `answered`
    /// answered ones: the one place that says what each rule means.
    pub(crate) fn with_missing(&self, missing: u32, answered: i64) -> WithMissing {
        match self {
            _ if missing == 0 => WithMissing::Complete,
            MissingRule::Prorate { max_missing, .. } if missing > *max_missing || answered == 0 => {
                WithMissing::TooMany {
                    allowed: *max_missing,
                }
            }
            MissingRule::Prorate { .. } => WithMissing::Prorated,
            MissingRule::Invalid => WithMissing::NoScore,
            MissingRule::AllRequired => WithMissing::Rejected,
        }
    }

    /// Whether item `item` of the scale may never be left unanswered.
    pub(crate) fn requires(&self, item: ItemIdx) -> bool {
        match self {
            MissingRule::AllRequired => true,
            MissingRule::Prorate { never, .. } => never.contains(&item),
            MissingRule::Invalid => false,
        }
    }

    /// A prorated score: the mean of the `answered` items' `sum` times the
    /// `counted` items, rounded half up.
    pub(crate) fn prorate(sum: i64, counted: i64, answered: i64) -> i64 {
        (2 * sum * counted + answered).div_euclid(2 * answered)
    }
}

#[derive(Debug)]
pub(crate) struct Band {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) min: i64,
    pub(crate) max: i64,
}

/// An ordered classification: a rating (e.g. C-SSRS risk) or a domain.
#[derive(Debug)]
pub(crate) struct Rating {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) grades: Vec<Grade>,
    /// Its LOINC code.
    pub(crate) loinc: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Grade {
    pub(crate) id: String,
    pub(crate) label: String,
    /// `None` on the baseline (first) grade only.
    pub(crate) when: Option<Condition>,
    pub(crate) origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    Info,
    Warning,
    High,
    Critical,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How soon a flag asks for action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Urgency {
    /// The same day.
    Today,
    /// At once: an emergency evaluation.
    Now,
}

impl Urgency {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Urgency::Today => "today",
            Urgency::Now => "now",
        }
    }
}

#[derive(Debug)]
pub struct Flag {
    pub id: String,
    /// Its name in a few words (at most 60 characters), for the
    /// interview's result screen.
    pub(crate) title: String,
    pub(crate) severity: Severity,
    pub(crate) safety: bool,
    pub crisis: bool,
    pub(crate) min_level: Option<usize>,
    /// `None`: no more urgent than the level's own next step.
    pub(crate) urgency: Option<Urgency>,
    /// The note's next step when this is the most urgent raised flag.
    pub(crate) next_step: Option<String>,
    pub(crate) when: Condition,
    pub message: String,
    /// The flag in plain words for the person screened (the handout).
    pub client: Option<String>,
    pub(crate) origin: Origin,
}

/// A flag's headline: its message up to the first colon (the title of a
/// flag that gives none, and what an unanswered safety question could mean).
pub(crate) fn headline(message: &str) -> &str {
    let message = message.trim();
    message
        .split(':')
        .next()
        .unwrap_or(message)
        .trim()
        .trim_end_matches('.')
}

impl Flag {
    /// A safety (or crisis) flag: crisis resources are listed, and every
    /// answer given counts for it, shown or hidden.
    pub fn is_safety(&self) -> bool {
        self.safety || self.crisis
    }
}

/// What leads to each level: the placement rules of that level, and the
/// flags whose minimum it is (crisis flags lead to the most intensive
/// level, whatever their minimum). The one table the engine's placement
/// decision, the reasons, explain's "why not" and the reachability check
/// read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Paths {
    /// Per level: the placement rules of that level, in rule-set order.
    pub(crate) rules: Vec<Vec<RuleIx>>,
    /// Per level: the flags that lead to it, in rule-set order.
    pub(crate) flags: Vec<Vec<FlagIx>>,
    /// The rules with `from`, read after the others, in rule-set order.
    pub(crate) moving: Vec<RuleIx>,
}

impl Paths {
    pub(crate) fn of(
        levels: usize,
        rules: &IxVec<RuleIx, PlacementRule>,
        flags: &IxVec<FlagIx, Flag>,
    ) -> Paths {
        let top = levels.saturating_sub(1);
        let mut paths = Paths {
            rules: vec![Vec::new(); levels],
            flags: vec![Vec::new(); levels],
            moving: Vec::new(),
        };
        for (r, rule) in rules.iter_ix() {
            paths.rules[rule.level].push(r);
            if rule.from.is_some() {
                paths.moving.push(r);
            }
        }
        for level in 0..levels {
            for (f, flag) in flags.iter_ix() {
                if flag.min_level == Some(level) || (flag.crisis && level == top) {
                    paths.flags[level].push(f);
                }
            }
        }
        paths
    }

    /// Whether any rule or flag leads to `level`.
    pub(crate) fn leads_to(&self, level: usize) -> bool {
        !self.rules[level].is_empty() || !self.flags[level].is_empty()
    }
}

#[derive(Debug)]
pub(crate) struct PlacementRule {
    pub(crate) id: String,
    pub(crate) when: Condition,
    pub(crate) level: usize,
    /// Only when the rules without `from` and the flags give this level.
    pub(crate) from: Option<usize>,
    pub(crate) rationale: String,
    pub(crate) origin: Origin,
}

#[derive(Debug)]
pub(crate) struct Feature {
    pub(crate) id: String,
    pub(crate) when: Condition,
    /// Only at these recommended levels (`None`: every level).
    pub(crate) at: Option<Vec<usize>>,
    pub(crate) text: String,
    pub(crate) origin: Origin,
}

/// Said of the recommended level when its test holds at one of its levels.
#[derive(Debug)]
pub(crate) struct LevelCondition {
    pub(crate) id: String,
    pub(crate) at: Vec<usize>,
    pub(crate) when: Condition,
    pub(crate) rationale: String,
    /// Replaces the level's setting in the note.
    pub(crate) setting: Option<String>,
    pub(crate) origin: Origin,
}

#[derive(Debug)]
pub struct Resource {
    pub id: String,
    pub(crate) name: String,
    pub contact: String,
    pub(crate) hours: Option<String>,
    /// When the resource is listed.
    pub(crate) show: Show,
    /// For the professional only: never in a text meant for the client.
    pub(crate) professional: bool,
}

/// When a resource is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Show {
    /// In every note.
    Always,
    /// When any safety flag is raised.
    Safety,
    /// When one of these flags is raised.
    Flags(Vec<FlagIx>),
}

impl Resource {
    /// When it is listed, in words: `always`, `when a safety flag is
    /// raised`, `with flag x or y`; `(for the professional only)` after.
    pub(crate) fn when_listed(&self, rules: &RuleSet) -> String {
        let when = match &self.show {
            Show::Always => "always".to_string(),
            Show::Safety => "when a safety flag is raised".to_string(),
            Show::Flags(flags) => {
                let ids: Vec<&str> = flags.iter().map(|&f| rules.flags[f].id.as_str()).collect();
                format!("with flag {}", ids.join(" or "))
            }
        };
        match self.professional {
            true => format!("{when} (for the professional only)"),
            false => when,
        }
    }

    /// Whether a note with these raised flags lists this resource.
    pub fn listed(&self, rules: &RuleSet, raised: &[FlagIx]) -> bool {
        match &self.show {
            Show::Always => true,
            Show::Safety => raised.iter().any(|&f| rules.flags[f].is_safety()),
            Show::Flags(flags) => flags.iter().any(|f| raised.contains(f)),
        }
    }
}

impl Resource {
    /// `name: contact (hours)`, as notes and notices list it.
    pub(crate) fn line(&self) -> String {
        match &self.hours {
            Some(hours) => format!("{}: {} ({hours})", self.name, self.contact),
            None => format!("{}: {}", self.name, self.contact),
        }
    }
}

/// A resolved condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Compare(Subject, Cmp),
    Flag(FlagIx),
}

/// What a comparison looks at. Bands, ratings and domains compare by the
/// index of their band or grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    Item(ItemIdx),
    Scale(ScaleIx),
    Band(ScaleIx),
    Rating(RatingIx),
    Domain(DomainIx),
    /// A count the engine keeps of the record.
    Count(Count),
}

/// A comparison with constants (`i64` in the model; narrowed to `i32` in
/// lanes). Its meaning is `Cmp::apply`, in `plan`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cmp<V = i64> {
    Eq(V),
    AtLeast(V),
    AtMost(V),
    In(Vec<V>),
}

/// What safety flags read: per rating and per item, whether any safety
/// flag's condition looks at it, directly or through a rating.
pub(crate) fn safety_reads(rules: &Model) -> (IxVec<RatingIx, bool>, Vec<bool>) {
    let mut ratings = IxVec::filled(false, rules.ratings.len());
    let mut items = vec![false; rules.items.len()];
    for flag in rules.flags.iter().filter(|f| f.is_safety()) {
        for subject in condition_subjects(&rules.ratings, &flag.when) {
            match subject {
                Subject::Rating(r) => ratings[r] = true,
                Subject::Item(i) => items[i] = true,
                _ => {}
            }
        }
    }
    (ratings, items)
}

/// Every subject a condition looks at, directly or through the grades of a
/// rating it reads (ratings may read earlier ratings).
pub(crate) fn condition_subjects(
    ratings: &IxVec<RatingIx, Rating>,
    cond: &Condition,
) -> Vec<Subject> {
    let mut subjects = Vec::new();
    cond.subjects(&mut subjects);
    let mut seen = 0;
    while seen < subjects.len() {
        if let Subject::Rating(r) = subjects[seen] {
            for grade in ratings[r].grades.iter().filter_map(|g| g.when.as_ref()) {
                let mut more = Vec::new();
                grade.subjects(&mut more);
                for s in more {
                    if !subjects.contains(&s) {
                        subjects.push(s);
                    }
                }
            }
        }
        seen += 1;
    }
    subjects
}

impl Condition {
    /// Append every subject this condition compares.
    pub(crate) fn subjects(&self, out: &mut Vec<Subject>) {
        match self {
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.subjects(out)),
            Condition::Not(c) => c.subjects(out),
            Condition::Compare(subject, _) => {
                if !out.contains(subject) {
                    out.push(*subject)
                }
            }
            Condition::Flag(_) => {}
        }
    }
}
