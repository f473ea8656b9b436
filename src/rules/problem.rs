//! Rule-set problems: one variant per message, carrying the values it
//! names. Each has a stable code (`Code`, listed in `rules/README.md`);
//! several messages may share a code when they are one kind of problem
//! (`missing-key` for every key a file must set).

use super::syntax::Syntax;
use crate::error::{Diagnostic, Place};

macro_rules! codes {
    ($($variant:ident => $code:literal,)*) => {
        /// A kind of rule-set problem, by its stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        // Codes are named after their problems (`not-an-answer-code`).
        #[allow(clippy::enum_variant_names)]
        pub(crate) enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, each once.
            #[cfg(test)]
            pub(crate) const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }
        }
    };
}

codes! {
    Syntax => "syntax",
    IncludeUnreadable => "include-unreadable",
    FormatVersion => "format-version",
    MissingKey => "missing-key",
    MisplacedKey => "misplaced-key",
    DuplicateSection => "duplicate-section",
    BadId => "bad-id",
    DuplicateId => "duplicate-id",
    DuplicateCode => "duplicate-code",
    EmptyList => "empty-list",
    BlankText => "blank-text",
    BadLanguage => "bad-language",
    MissingEnglish => "missing-english",
    BadRange => "bad-range",
    UnscorableItem => "unscorable-item",
    ScaleRange => "scale-range",
    ProrateMixedItems => "prorate-mixed-items",
    NotInScale => "not-in-scale",
    BandGap => "band-gap",
    BandOverlap => "band-overlap",
    ImpliedGate => "implied-gate",
    FlagNextStep => "flag-next-step",
    FlagTitle => "flag-title",
    CrisisFlag => "crisis-flag",
    ResourceFlags => "resource-flags",
    UnknownReference => "unknown-reference",
    BadReference => "bad-reference",
    ForwardReference => "forward-reference",
    UncheckedReference => "unchecked-reference",
    BadCondition => "bad-condition",
    ExpectedNumber => "expected-number",
    ExpectedId => "expected-id",
    NotAnAnswerCode => "not-an-answer-code",
    ImpossibleComparison => "impossible-comparison",
    UnreachableLevel => "unreachable-level",
    FromNotBelowLevel => "from-not-below-level",
    SafetyReadsSkippedScale => "safety-reads-skipped-scale",
    OptionalSafetyAnswer => "optional-safety-answer",
    BadCase => "bad-case",
    CaseAnswerCode => "case-answer-code",
    ColumnClash => "column-clash",
    Template => "template",
    Translation => "translation",
    BadCode => "bad-code",
    ClientText => "client-text",
}

/// Largest magnitude of a code, score or integer bound: keeps every sum and
/// prorating product far from overflow.
pub(crate) const MAX_MAGNITUDE: i64 = 1_000_000;

/// The rule-set format this carescreen reads.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// One rule-set problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The YAML parser's message, recognised; `original` is its own
    /// words, its location removed.
    Syntax {
        syntax: Syntax,
        original: String,
    },
    IncludeUnreadable {
        message: String,
    },
    UnsupportedFormatVersion {
        found: u32,
    },
    MissingFormatVersion,
    MissingMainKey {
        key: &'static str,
    },
    MainFileOnly {
        key: &'static str,
    },
    NoLevels,
    /// `placement` or `note_template`.
    NoSection {
        key: &'static str,
    },
    DuplicateSection {
        key: &'static str,
        first: String,
    },
    BadId {
        what: &'static str,
        id: String,
    },
    DuplicateId {
        what: &'static str,
        id: String,
    },
    BlankText,
    BadLanguage {
        lang: String,
    },
    MissingEnglish,
    /// Not a LOINC code (or answer code) of the right shape.
    BadLoinc {
        code: String,
        answer: bool,
        /// The check digit its digits call for, when only that is wrong.
        check: Option<u8>,
    },
    /// A `fhir` system that is not an absolute URI.
    BadSystem {
        value: String,
    },
    /// A translation status on English, the instrument's own wording.
    StatusOnEnglish,
    /// A published status on a text that is not an instrument's wording.
    PublishedOutsideWording,
    /// Wording in a language the instrument does not declare.
    UndeclaredTranslation {
        lang: String,
        instrument: String,
    },
    /// A declared version that leaves texts of the wording out.
    IncompleteTranslation {
        lang: String,
        first: String,
        more: usize,
    },
    EmptyInstrument,
    ItemNumberOutOfRange {
        value: i64,
    },
    KeyNotForType {
        key: &'static str,
        kind: &'static str,
    },
    ChoiceWithoutOptions,
    NoOptions,
    DuplicateOptionCode {
        code: i64,
        item: String,
    },
    MinAboveMax {
        min: i64,
        max: i64,
    },
    IntegerWithoutBounds,
    RequiredOnScoredItem {
        item: String,
    },
    RequiredOnInfoItem,
    ImpliedGate {
        item: String,
    },
    ItemListedTwice {
        item: String,
    },
    NothingToScore {
        item: String,
    },
    EmptyScale,
    ScaleRange {
        min: i64,
        max: i64,
        low: i64,
        high: i64,
    },
    ScaleTotalOutOfRange {
        value: i64,
    },
    ProrateMixedItems,
    ProrateWithoutSettings,
    ProrateSettingsWithoutProrate,
    NeverNotInScale {
        item: String,
    },
    NothingToProrateFrom {
        max_missing: u32,
    },
    BandMinAboveMax {
        band: String,
        min: i64,
        max: i64,
    },
    NoBands,
    BandGap {
        low: i64,
        high: i64,
    },
    BandBelowMinimum {
        band: String,
        start: i64,
        min: i64,
    },
    BandOverlap {
        band: String,
        at: i64,
    },
    BandAboveMaximum {
        band: String,
        end: i64,
        max: i64,
    },
    /// `what` is `rating` or `domain`.
    TooFewGrades {
        what: &'static str,
    },
    WhenOnBaseline,
    GradeWithoutWhen,
    UrgencyWithoutNextStep {
        flag: String,
    },
    NextStepWithoutUrgency {
        flag: String,
    },
    CrisisNotNow {
        flag: String,
    },
    FlagTitleTooLong {
        flag: String,
        lang: String,
        chars: usize,
    },
    CrisisNotSafetyCritical {
        flag: String,
    },
    ShowFlagsWithoutFlags {
        resource: String,
    },
    FlagsWithoutShowFlags {
        resource: String,
    },
    /// A safety flag without a `client` text while the rule set has a
    /// client handout.
    NoClientText {
        flag: String,
    },
    /// A safety flag's `client` text lacks a language the rule set uses.
    ClientTextLanguage {
        flag: String,
        lang: String,
    },
    NoResources,
    UnreachableLevel {
        level: String,
    },
    FromNotBelowLevel {
        rule: String,
        from: String,
        level: String,
    },
    IdUsedTwice {
        id: String,
        what: &'static str,
        first: &'static str,
    },
    SafetyItemNotRequired {
        flag: String,
        item: String,
    },
    SafetyItemMayBeMissing {
        flag: String,
        item: String,
        scale: String,
    },
    SafetyScaleMayHaveNoScore {
        flag: String,
        scale: String,
    },
    SafetyReadsSkippedScale {
        flag: String,
        scale: String,
    },
    /// `what` is the kind of thing (`item`, `level`, …); `suggestion` a
    /// known id close to the unknown one.
    UnknownReference {
        what: &'static str,
        id: String,
        suggestion: Option<String>,
    },
    /// A band, grade or domain value not among the subject's ids.
    UnknownValue {
        subject: &'static str,
        value: String,
        suggestion: Option<String>,
    },
    ConditionNamesNothing,
    ConditionMixes {
        keys: Vec<String>,
    },
    ComparisonOnCombinator {
        subject: &'static str,
        ops: Vec<String>,
    },
    NoComparison {
        subject: &'static str,
    },
    SeveralComparisons {
        ops: Vec<String>,
    },
    EmptyCombinator {
        key: &'static str,
    },
    EmptyIn,
    EmptyAt,
    FlagsNotHere,
    /// `subject` is `scale` or `band`.
    ScalesNotHere {
        subject: &'static str,
    },
    RatingsNotHere,
    DomainsNotHere,
    CountsNotHere,
    ForwardReference {
        item: String,
    },
    /// References that name nothing in the files that parsed, while other
    /// files did not parse: they may be defined there. `first` is the
    /// first, e.g. `band \`other\``; `more` how many others.
    UncheckedReferences {
        first: String,
        more: usize,
        broken: Vec<String>,
    },
    ComparedValueOutOfRange {
        value: i64,
    },
    ExpectedNumber {
        found: String,
    },
    ExpectedId {
        ids: Vec<String>,
        found: i64,
    },
    ComparedItemTakesNoAnswer {
        item: String,
    },
    AtLeastNeverHolds {
        value: i64,
        item: String,
        high: i64,
    },
    AtMostNeverHolds {
        value: i64,
        item: String,
        low: i64,
    },
    NotAnAnswerCode {
        code: i64,
        item: String,
    },
    CaseAnswerCode {
        code: i64,
        item: String,
    },
    CaseRejectedForStandsAlone,
    CaseChecksNothing {
        case: String,
    },
    UnknownBandOfScale {
        band: String,
        scale: String,
        suggestion: Option<String>,
    },
    UnknownGradeOwner {
        id: String,
    },
    UnknownGrade {
        grade: String,
        of: String,
    },
    ColumnClash {
        column: String,
    },
    /// The renderer's message; `markdown` for the Markdown template.
    Template {
        markdown: bool,
        message: String,
    },
    /// The renderer's message for the client's handout (`note_client`).
    ClientTemplate {
        message: String,
    },
}

impl Problem {
    pub(crate) fn code(&self) -> Code {
        use Problem as P;
        match self {
            P::Syntax { .. } => Code::Syntax,
            P::IncludeUnreadable { .. } => Code::IncludeUnreadable,
            P::UnsupportedFormatVersion { .. } => Code::FormatVersion,
            P::MissingFormatVersion
            | P::MissingMainKey { .. }
            | P::NoLevels
            | P::NoSection { .. }
            | P::ChoiceWithoutOptions
            | P::IntegerWithoutBounds
            | P::ProrateWithoutSettings
            | P::GradeWithoutWhen
            | P::NoResources => Code::MissingKey,
            P::MainFileOnly { .. }
            | P::KeyNotForType { .. }
            | P::RequiredOnScoredItem { .. }
            | P::RequiredOnInfoItem
            | P::ProrateSettingsWithoutProrate
            | P::WhenOnBaseline => Code::MisplacedKey,
            P::DuplicateSection { .. } => Code::DuplicateSection,
            P::BadId { .. } => Code::BadId,
            P::DuplicateId { .. } | P::ItemListedTwice { .. } | P::IdUsedTwice { .. } => {
                Code::DuplicateId
            }
            P::DuplicateOptionCode { .. } => Code::DuplicateCode,
            P::EmptyInstrument
            | P::NoOptions
            | P::EmptyScale
            | P::NoBands
            | P::TooFewGrades { .. }
            | P::EmptyCombinator { .. }
            | P::EmptyIn
            | P::EmptyAt => Code::EmptyList,
            P::BlankText => Code::BlankText,
            P::BadLanguage { .. } => Code::BadLanguage,
            P::MissingEnglish => Code::MissingEnglish,
            P::BadLoinc { .. } | P::BadSystem { .. } => Code::BadCode,
            P::StatusOnEnglish
            | P::PublishedOutsideWording
            | P::UndeclaredTranslation { .. }
            | P::IncompleteTranslation { .. } => Code::Translation,
            P::ItemNumberOutOfRange { .. }
            | P::MinAboveMax { .. }
            | P::ScaleTotalOutOfRange { .. }
            | P::NothingToProrateFrom { .. }
            | P::BandMinAboveMax { .. }
            | P::ComparedValueOutOfRange { .. } => Code::BadRange,
            P::NothingToScore { .. } | P::ComparedItemTakesNoAnswer { .. } => Code::UnscorableItem,
            P::ScaleRange { .. } => Code::ScaleRange,
            P::ProrateMixedItems => Code::ProrateMixedItems,
            P::NeverNotInScale { .. } => Code::NotInScale,
            P::BandGap { .. } => Code::BandGap,
            P::BandBelowMinimum { .. } | P::BandOverlap { .. } | P::BandAboveMaximum { .. } => {
                Code::BandOverlap
            }
            P::ImpliedGate { .. } => Code::ImpliedGate,
            P::UrgencyWithoutNextStep { .. }
            | P::NextStepWithoutUrgency { .. }
            | P::CrisisNotNow { .. } => Code::FlagNextStep,
            P::FlagTitleTooLong { .. } => Code::FlagTitle,
            P::CrisisNotSafetyCritical { .. } => Code::CrisisFlag,
            P::NoClientText { .. } | P::ClientTextLanguage { .. } => Code::ClientText,
            P::ShowFlagsWithoutFlags { .. } | P::FlagsWithoutShowFlags { .. } => {
                Code::ResourceFlags
            }
            P::UnreachableLevel { .. } => Code::UnreachableLevel,
            P::FromNotBelowLevel { .. } => Code::FromNotBelowLevel,
            P::SafetyItemNotRequired { .. }
            | P::SafetyItemMayBeMissing { .. }
            | P::SafetyScaleMayHaveNoScore { .. } => Code::OptionalSafetyAnswer,
            P::SafetyReadsSkippedScale { .. } => Code::SafetyReadsSkippedScale,
            P::UnknownReference { .. }
            | P::UnknownValue { .. }
            | P::UnknownBandOfScale { .. }
            | P::UnknownGradeOwner { .. }
            | P::UnknownGrade { .. } => Code::UnknownReference,
            P::FlagsNotHere
            | P::ScalesNotHere { .. }
            | P::RatingsNotHere
            | P::DomainsNotHere
            | P::CountsNotHere => Code::BadReference,
            P::ForwardReference { .. } => Code::ForwardReference,
            P::UncheckedReferences { .. } => Code::UncheckedReference,
            P::ConditionNamesNothing
            | P::ConditionMixes { .. }
            | P::ComparisonOnCombinator { .. }
            | P::NoComparison { .. }
            | P::SeveralComparisons { .. } => Code::BadCondition,
            P::ExpectedNumber { .. } => Code::ExpectedNumber,
            P::ExpectedId { .. } => Code::ExpectedId,
            P::NotAnAnswerCode { .. } => Code::NotAnAnswerCode,
            P::AtLeastNeverHolds { .. } | P::AtMostNeverHolds { .. } => Code::ImpossibleComparison,
            P::CaseAnswerCode { .. } => Code::CaseAnswerCode,
            P::CaseRejectedForStandsAlone | P::CaseChecksNothing { .. } => Code::BadCase,
            P::ColumnClash { .. } => Code::ColumnClash,
            P::Template { .. } | P::ClientTemplate { .. } => Code::Template,
        }
    }

    pub(crate) fn message(&self) -> String {
        use Problem as P;
        match self {
            P::Syntax { syntax, .. } => syntax.message(),
            P::IncludeUnreadable { message } => message.clone(),
            P::UnsupportedFormatVersion { found } => format!("unsupported format_version {found}"),
            P::MissingFormatVersion => {
                "the main rule-set file must set `format_version`".into()
            }
            P::MissingMainKey { key } => format!("the main rule-set file must set `{key}`"),
            P::MainFileOnly { key } => format!("`{key}` belongs in the main rule-set file only"),
            P::NoLevels => "the rule set defines no levels".into(),
            P::NoSection { key } => format!("no file defines `{key}`"),
            P::DuplicateSection { key, first } => format!("`{key}` is already defined in {first}"),
            P::BadId { what, id } => format!("{what} id `{id}` is not a valid id"),
            P::DuplicateId { what, id } => format!("duplicate {what} id `{id}`"),
            P::BlankText => "a text shown to people may not be blank".into(),
            P::BadLanguage { lang } => format!("`{lang}` is not a language code"),
            P::MissingEnglish => "every text needs its English version (`en`)".into(),
            P::BadLoinc {
                code,
                check: Some(check),
                ..
            } => format!(
                "`{code}` is not a LOINC code: its digits call for the check digit {check} \
                 (a digit mistyped?)"
            ),
            P::BadLoinc {
                code,
                answer: false,
                ..
            } => format!(
                "`{code}` is not a LOINC code: digits, `-` and the check digit (e.g. `44249-1`)"
            ),
            P::BadLoinc {
                code, answer: true, ..
            } => format!(
                "`{code}` is not a LOINC answer code: `LA`, digits, `-` and a digit (e.g. `LA6568-5`)"
            ),
            P::BadSystem { value } => format!(
                "`{value}` is not an absolute URI: a FHIR system is a scheme, `:` and the rest, \
                 without spaces (e.g. `urn:carescreen:my-rules` or `https://example.org/codes`)"
            ),
            P::StatusOnEnglish => {
                "English is the instrument's own wording: only a translation has a `status`".into()
            }
            P::PublishedOutsideWording => "only an instrument's wording (preamble, questions, \
                 answers) can be a published translation: a `status` here can only be `own`"
                .into(),
            P::UndeclaredTranslation { lang, instrument } => format!(
                "instrument `{instrument}` has wording in `{lang}` but does not say whose version \
                 it is: add `translations: {{{lang}: {{status: ..., source: ...}}}}` to it (a \
                 published instrument without a published `{lang}` version leaves its `{lang}` \
                 texts out, and is asked in English)"
            ),
            P::IncompleteTranslation { lang, first, more } => {
                let which = match more {
                    0 => format!("{first} has"),
                    n => format!("{} of its texts, {first} first, have", n + 1),
                };
                format!(
                    "the instrument declares its `{lang}` version, but {which} no `{lang}` \
                     text: a version is asked whole or not at all"
                )
            }
            P::EmptyInstrument => "instrument has no items".into(),
            P::ItemNumberOutOfRange { value } => format!(
                "{value} is out of range: codes, scores and bounds lie within ±{MAX_MAGNITUDE}"
            ),
            P::KeyNotForType { key, kind } => {
                format!("`{key}` does not apply to an item of type `{kind}`")
            }
            P::ChoiceWithoutOptions => "a `choice` item needs `options`".into(),
            P::NoOptions => "no options".into(),
            P::DuplicateOptionCode { code, item } => {
                format!("option code {code} is used twice in item `{item}`")
            }
            P::MinAboveMax { min, max } => format!("min {min} is greater than max {max}"),
            P::IntegerWithoutBounds => "an `integer` item needs `min` and `max`".into(),
            P::RequiredOnScoredItem { item } => format!(
                "item `{item}` is scored; its scale's `missing` rule decides what a missing answer does"
            ),
            P::RequiredOnInfoItem => "an `info` item takes no answer".into(),
            P::ImpliedGate { item } => format!(
                "item `{item}` implies its gate, but its `show_if` is not one `item` with `eq`"
            ),
            P::ItemListedTwice { item } => format!("item `{item}` is listed twice"),
            P::NothingToScore { item } => format!("item `{item}` has no answer to score"),
            P::EmptyScale => "scale sums no items".into(),
            P::ScaleRange { min, max, low, high } => format!(
                "declared range {min} to {max} differs from the items' range {low} to {high}"
            ),
            P::ScaleTotalOutOfRange { value } => {
                format!("{value} is out of range: scale totals lie within ±{MAX_MAGNITUDE}")
            }
            P::ProrateMixedItems => {
                "prorating needs items that all score over the same range".into()
            }
            P::ProrateWithoutSettings => {
                "`missing: prorate` needs `prorate: { max_missing: N }`".into()
            }
            P::ProrateSettingsWithoutProrate => {
                "`prorate` applies only with `missing: prorate`".into()
            }
            P::NeverNotInScale { item } => {
                format!("item `{item}` is not one of this scale's items")
            }
            P::NothingToProrateFrom { max_missing } => {
                format!("max_missing {max_missing} leaves no item to prorate from")
            }
            P::BandMinAboveMax { band, min, max } => {
                format!("band `{band}` has min {min} greater than max {max}")
            }
            P::NoBands => "scale has no bands".into(),
            P::BandGap { low, high } if low == high => format!("no band covers score {low}"),
            P::BandGap { low, high } => format!("no band covers scores {low} to {high}"),
            P::BandBelowMinimum { band, start, min } => {
                format!("band `{band}` starts at {start} below the scale minimum {min}")
            }
            P::BandOverlap { band, at } => {
                format!("band `{band}` overlaps the band before it at score {at}")
            }
            P::BandAboveMaximum { band, end, max } => {
                format!("band `{band}` ends at {end} above the scale maximum {max}")
            }
            P::TooFewGrades { what } => format!("a {what} needs at least two grades"),
            P::WhenOnBaseline => "the first grade is the baseline and takes no `when`".into(),
            P::GradeWithoutWhen => "grade needs a `when`".into(),
            P::UrgencyWithoutNextStep { flag } => {
                format!("flag `{flag}`: an urgent flag needs a `next_step`")
            }
            P::NextStepWithoutUrgency { flag } => {
                format!("flag `{flag}`: a `next_step` needs an `urgency` (`now` or `today`)")
            }
            P::CrisisNotNow { flag } => format!("crisis flag `{flag}` must have `urgency: now`"),
            P::FlagTitleTooLong { flag, lang, chars } => format!(
                "flag `{flag}`: its `{lang}` title has {chars} characters, more than the 60 the result screen fits"
            ),
            P::CrisisNotSafetyCritical { flag } => format!(
                "crisis flag `{flag}` must be `safety: true` and `severity: critical`"
            ),
            P::ShowFlagsWithoutFlags { resource } => format!(
                "resource `{resource}`: `show: flags` needs a `flags` list of the flags that show it"
            ),
            P::FlagsWithoutShowFlags { resource } => format!(
                "resource `{resource}`: `flags` lists the flags that show it, with `show: flags` only"
            ),
            P::NoResources => "the rule set lists no crisis resources".into(),
            P::NoClientText { flag } => format!(
                "safety flag `{flag}` has no `client` text: the client's handout (`note_client`) \
                 says every raised safety flag in plain words"
            ),
            P::ClientTextLanguage { flag, lang } => format!(
                "safety flag `{flag}`: its `client` text has no `{lang}` version, while the \
                 rule set's texts use `{lang}`"
            ),
            P::UnreachableLevel { level } => format!(
                "level `{level}` is never recommended: no rule, flag or default leads to it"
            ),
            P::FromNotBelowLevel { rule, from, level } => format!(
                "rule `{rule}` moves level `{from}` to `{level}`, which is not more intensive"
            ),
            P::IdUsedTwice { id, what, first } => format!(
                "{what} id `{id}` is already the id of {first}: ids must be unique across items, flags, rules and conditions"
            ),
            P::SafetyItemNotRequired { flag, item } => {
                format!("safety flag `{flag}` could be missed: item `{item}` is not required")
            }
            P::SafetyItemMayBeMissing { flag, item, scale } => format!(
                "safety flag `{flag}` could be missed: item `{item}` may be missing under scale `{scale}`'s missing rule (list it in `prorate.never`)"
            ),
            P::SafetyScaleMayHaveNoScore { flag, scale } => format!(
                "safety flag `{flag}` could be missed: scale `{scale}` may have no score (`missing: invalid`)"
            ),
            P::SafetyReadsSkippedScale { flag, scale } => format!(
                "safety flag `{flag}` reads scale `{scale}`, which sums items with skip logic"
            ),
            P::UnknownReference { what, id, .. } => format!("unknown {what} `{id}`"),
            P::UnknownValue { subject, value, .. } => {
                format!("unknown {subject} value `{value}`")
            }
            P::ConditionNamesNothing => "condition names nothing to test".into(),
            P::ConditionMixes { keys } => format!(
                "condition mixes {}; use `all` or `any` to combine",
                join_keys(keys)
            ),
            P::ComparisonOnCombinator { subject, ops } => {
                format!("`{subject}` takes no comparison, found {}", join_keys(ops))
            }
            P::NoComparison { subject } => {
                format!("`{subject}` needs a comparison: eq, at_least, at_most or in")
            }
            P::SeveralComparisons { ops } => format!(
                "condition has several comparisons ({}); use `all` to combine",
                join_keys(ops)
            ),
            P::EmptyCombinator { key } => format!("`{key}` needs at least one condition"),
            P::EmptyIn => "`in` needs at least one value".into(),
            P::EmptyAt => "`at` needs at least one level".into(),
            P::FlagsNotHere => "flags cannot be referred to here".into(),
            P::ScalesNotHere { subject } => format!("a {subject} cannot be referred to here"),
            P::RatingsNotHere => "ratings cannot be referred to here".into(),
            P::DomainsNotHere => "domains cannot be referred to here".into(),
            P::CountsNotHere => "counts cannot be referred to here".into(),
            P::ForwardReference { item } => format!(
                "skip logic may only look at earlier items; `{item}` is not asked before this one"
            ),
            P::UncheckedReferences {
                first,
                more,
                broken,
            } => {
                let others = match more {
                    0 => String::new(),
                    1 => " and 1 other reference".to_string(),
                    n => format!(" and {n} other references"),
                };
                let files = match broken.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and `{last}` parse", join_keys(rest))
                    }
                    _ => format!("{} parses", join_keys(broken)),
                };
                let verb = if *more == 0 { "it is" } else { "they are" };
                format!(
                    "{first}{others} cannot be checked until {files}: {verb} not defined in the files that did"
                )
            }
            P::ComparedValueOutOfRange { value } => format!(
                "{value} is out of range: compared values lie within ±{MAX_MAGNITUDE}"
            ),
            P::ExpectedNumber { found } => format!("expected a number, found `{found}`"),
            P::ExpectedId { ids, found } => {
                format!("expected one of {}, found {found}", join_keys(ids))
            }
            P::ComparedItemTakesNoAnswer { item } => format!("item `{item}` takes no answer"),
            P::AtLeastNeverHolds { value, item, high } => format!(
                "`at_least: {value}` can never hold: the highest code of `{item}` is {high}"
            ),
            P::AtMostNeverHolds { value, item, low } => format!(
                "`at_most: {value}` can never hold: the lowest code of `{item}` is {low}"
            ),
            P::NotAnAnswerCode { code, item } | P::CaseAnswerCode { code, item } => {
                format!("{code} is not an answer code of item `{item}`")
            }
            P::CaseRejectedForStandsAlone => {
                "`rejected_for` stands alone: a rejected record has no other result".into()
            }
            P::CaseChecksNothing { case } => format!("case `{case}` checks nothing"),
            P::UnknownBandOfScale { band, scale, .. } => {
                format!("unknown band `{band}` of scale `{scale}`")
            }
            P::UnknownGradeOwner { id } => format!("unknown rating or domain `{id}`"),
            P::UnknownGrade { grade, of } => format!("unknown grade `{grade}` of `{of}`"),
            P::ColumnClash { column } => format!("two outputs would both be named `{column}`"),
            P::ClientTemplate { message } => {
                format!("client handout template (`note_client`): {message}")
            }
            P::Template { markdown, message } => format!(
                "{}: {message}",
                if *markdown {
                    "Markdown note template"
                } else {
                    "note template"
                }
            ),
        }
    }

    pub(crate) fn help(&self) -> Option<String> {
        use Problem as P;
        let help = match self {
            P::Syntax { syntax, .. } => return syntax.help(),
            P::UncheckedReferences { .. } => {
                "fix the file that does not parse; its ids are checked then".into()
            }
            P::UnsupportedFormatVersion { .. } => {
                format!("this carescreen reads format_version {FORMAT_VERSION}")
            }
            P::MissingFormatVersion => format!("add `format_version: {FORMAT_VERSION}`"),
            P::BadId { .. } => {
                "ids are lowercase letters, digits and `_`, starting with a letter".into()
            }
            P::BadLanguage { .. } => "use a two-letter code such as `en` or `es`".into(),
            P::RequiredOnScoredItem { .. } => "remove `required`".into(),
            P::ImpliedGate { .. } => "write `show_if: { item: <gate>, eq: <code> }`".into(),
            P::ScaleRange { low, high, .. } => {
                format!("set `min: {low}` and `max: {high}`, or fix the item scores")
            }
            P::ProrateMixedItems => "a missing item is estimated from the others' mean".into(),
            P::UrgencyWithoutNextStep { .. } | P::NextStepWithoutUrgency { .. } => {
                "the note's next step is the most urgent flag's".into()
            }
            P::CrisisNotNow { .. } => "the crisis route is an emergency evaluation now".into(),
            P::FlagTitleTooLong { .. } => {
                "say it in fewer words: the message gives the detail".into()
            }
            P::NoClientText { .. } | P::ClientTextLanguage { .. } => {
                "write `client: {en: ..., es: ...}` for the person screened; `message` is for staff"
                    .into()
            }
            P::CrisisNotSafetyCritical { .. } => {
                "crisis means acute risk to self or others; use `min_level` for other urgent needs"
                    .into()
            }
            P::NoResources => {
                "a note raised by a safety flag must list crisis resources (e.g. 988, 911)".into()
            }
            P::SafetyItemNotRequired { .. }
            | P::SafetyItemMayBeMissing { .. }
            | P::SafetyScaleMayHaveNoScore { .. } => {
                "answers a safety flag depends on must always be given".into()
            }
            P::SafetyReadsSkippedScale { .. } => {
                "a scale never counts a hidden answer; read the items, or a rating over them"
                    .into()
            }
            P::UnknownReference { suggestion, .. }
            | P::UnknownValue { suggestion, .. }
            | P::UnknownBandOfScale { suggestion, .. } => {
                return suggestion.as_ref().map(|c| format!("did you mean `{c}`?"))
            }
            P::ConditionNamesNothing | P::ConditionMixes { .. } => {
                "a condition is one of: all, any, not, item, scale, band, rating, domain, flag"
                    .into()
            }
            P::CaseChecksNothing { .. } => {
                "name a level, crisis, flags, scores, bands, grades or rejected_for".into()
            }
            P::ColumnClash { .. } => "rename the scale or rating: `<scale>_score`, `<scale>_band` and each rating id are output columns".into(),
            _ => return None,
        };
        Some(help)
    }

    /// More about the problem: the YAML parser's own words, when they
    /// were rephrased.
    pub(crate) fn note(&self) -> Option<String> {
        match self {
            Problem::Syntax { syntax, original } if syntax.rephrased() => {
                Some(format!("the YAML reader said: {original}"))
            }
            _ => None,
        }
    }

    /// The problem as a diagnostic at `place` in `file`.
    pub(crate) fn at(self, file: &str, place: Place) -> Diagnostic {
        Diagnostic {
            code: self.code().as_str(),
            message: self.message(),
            file: file.to_string(),
            place,
            help: self.help(),
            note: self.note(),
        }
    }
}

fn join_keys<S: AsRef<str>>(keys: &[S]) -> String {
    keys.iter()
        .map(|k| format!("`{}`", k.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn unchecked_references_name_every_file_that_did_not_parse() {
        let problem = |more, broken: &[&str]| {
            Problem::UncheckedReferences {
                first: "item `x`".into(),
                more,
                broken: broken.iter().map(|b| b.to_string()).collect(),
            }
            .message()
        };
        assert_eq!(
            problem(0, &["a.yaml"]),
            "item `x` cannot be checked until `a.yaml` parses: it is not defined in the files that did"
        );
        assert_eq!(
            problem(2, &["a.yaml", "b.yaml", "c.yaml"]),
            "item `x` and 2 other references cannot be checked until `a.yaml`, `b.yaml` and \
             `c.yaml` parse: they are not defined in the files that did"
        );
    }

    #[test]
    fn codes_are_unique_and_kebab_case() {
        for (i, code) in Code::ALL.iter().enumerate() {
            let s = code.as_str();
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{s}"
            );
            assert!(
                Code::ALL[..i].iter().all(|c| c.as_str() != s),
                "`{s}` twice"
            );
        }
    }

    #[test]
    fn every_code_has_a_fixture_that_reports_it() {
        let dir = root().join("tests/fixtures/rules");
        let mut reported = String::new();
        for entry in std::fs::read_dir(dir).expect("fixtures folder") {
            let golden = entry.expect("entry").path().join("expected.stderr");
            reported.push_str(&std::fs::read_to_string(golden).unwrap_or_default());
        }
        let missing: Vec<&str> = Code::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|c| !reported.contains(&format!("error[{c}]")))
            .collect();
        assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    }

    #[test]
    fn every_code_is_listed_in_the_rules_readme() {
        let readme = std::fs::read_to_string(root().join("rules/README.md")).expect("README");
        let missing: Vec<&str> = Code::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|c| !readme.contains(&format!("| `{c}` |")))
            .collect();
        assert!(
            missing.is_empty(),
            "codes missing in rules/README.md: {missing:?}"
        );
    }
}
