//! The raw rule-set format: serde types that mirror the YAML exactly.
//!
//! These types hold no logic. Every struct denies unknown keys, and keyed
//! collections are lists of entries with an `id` (YAML maps silently keep the
//! last of duplicate keys; lists let validation report duplicates). The
//! `///` docs here are the field reference mirrored in `rules/README.md`.
//! Validation (`validate.rs`) turns these into the model in `model.rs`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One rule-set file. The main file (`ruleset.yaml`) carries the metadata and
/// may `include` other files; every file may contribute any list section.
/// Lists from all files are concatenated in include order.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "carescreen rule-set file")]
pub(crate) struct RawFile {
    /// Format version of the rule-set language. Main file only; must be `1`.
    pub(crate) format_version: Option<u32>,
    /// Rule-set name, e.g. `carescreen-default`. Main file only.
    pub(crate) name: Option<String>,
    /// Rule-set version, shown in every output. Main file only.
    pub(crate) version: Option<String>,
    /// Other files of the rule set, relative to the main file, in order.
    /// Main file only. Instruments are asked in this order. (File names are
    /// not part of the rule set's hash; the content they bring, in order, is.)
    #[serde(default, skip_serializing)]
    pub(crate) include: Vec<String>,
    /// How FHIR output names what has no LOINC code, and the record id.
    /// Main file only; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fhir: Option<RawFhir>,
    /// Levels of care, least to most intensive.
    #[serde(default)]
    pub(crate) levels: Vec<RawLevel>,
    /// Screening instruments and intake questions, in interview order.
    #[serde(default)]
    pub(crate) instruments: Vec<RawInstrument>,
    /// Sum scores over items, with bands.
    #[serde(default)]
    pub(crate) scales: Vec<RawScale>,
    /// Ordered classifications from the answers (e.g. C-SSRS risk); each is an
    /// output column named after its id.
    #[serde(default)]
    pub(crate) ratings: Vec<RawRating>,
    /// Findings a clinician must see; may set a minimum level or the crisis route.
    #[serde(default)]
    pub(crate) flags: Vec<RawFlag>,
    /// Placement domains: ordinal ratings of one dimension each.
    #[serde(default)]
    pub(crate) domains: Vec<RawRating>,
    /// Placement rules and the default level. Exactly one file defines it.
    pub(crate) placement: Option<RawPlacement>,
    /// Program features to look for, shown in the note when their condition holds.
    #[serde(default)]
    pub(crate) program_features: Vec<RawFeature>,
    /// Crisis and referral resources listed in the note.
    #[serde(default)]
    pub(crate) resources: Vec<RawResource>,
    /// The referral note: a minijinja template. Exactly one file defines it.
    pub(crate) note_template: Option<RawText>,
    /// The referral note in Markdown: a second minijinja template with the
    /// same variables (optional; without it Markdown output wraps the text note).
    /// (Left out of the hash when absent, so older rule sets keep theirs.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note_markdown: Option<RawText>,
    /// What the screen does not ask about, for the professional: every
    /// professional note says it (a note whose template leaves it out gets
    /// it before the closing line; so does a rejected record's note).
    /// Optional; at most one file defines it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) screen_limits: Option<RawText>,
    /// The handout for the person screened (`--note-audience client`): a
    /// minijinja template with its own, smaller set of variables (no
    /// scores unless it asks for them, no hashes, no rule ids, no texts for
    /// the professional). Optional; at most one file defines it. With it,
    /// every safety flag needs a `client` text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note_client: Option<RawText>,
    /// Test cases: answers and the result they must give (`carescreen rules
    /// test`). Not part of the rule set's hash: cases do not change scoring.
    #[serde(default, skip_serializing)]
    pub(crate) cases: Vec<RawCase>,
}

/// A test case of the rule set.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCase {
    /// Stable id.
    pub(crate) id: String,
    /// What the case shows, in plain words.
    pub(crate) description: Option<String>,
    /// Answers by item id. Items not named get their least severe answer
    /// (lowest score, lowest bound) when shown; hidden items get none.
    #[serde(default)]
    /// `null` leaves an item blank (to test what a missing answer does).
    pub(crate) answers: UniqueMap<Option<i64>>,
    /// Safety answers the client took back, as the batch `retracted` column
    /// writes them: `item:earlier>later`, `;`-joined (`cssrs_4:1>0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retracted: Option<String>,
    /// What the result must be. Only what is named is checked.
    pub(crate) expect: RawExpect,
}

/// The expected result of a case.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    /// Recommended level id.
    pub(crate) level: Option<String>,
    pub(crate) crisis: Option<bool>,
    /// Exactly these flags are raised.
    pub(crate) flags: Option<Vec<String>>,
    /// Exactly these reasons are given (the `reasons` column's ids: rules,
    /// flags, conditions on the level, or `default`), as a set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reasons: Option<Vec<String>>,
    /// Scale id -> score.
    #[serde(default)]
    pub(crate) scores: UniqueMap<i64>,
    /// Scale id -> band id.
    #[serde(default)]
    pub(crate) bands: UniqueMap<String>,
    /// Rating or domain id -> grade id.
    #[serde(default)]
    pub(crate) grades: UniqueMap<String>,
    /// Exactly these placement rules fire (as `explain` shows), as a set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fired: Option<Vec<String>>,
    /// Exactly these program features apply, as a set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) features: Option<Vec<String>>,
    /// These items are asked (skip logic shows them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) shown: Vec<String>,
    /// These items are not asked (skip logic hides them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) hidden: Vec<String>,
    /// The professional's note (text form) contains each of these texts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) note_contains: Vec<String>,
    /// The record is rejected, naming this item (then nothing else is checked).
    pub(crate) rejected_for: Option<String>,
}

/// A YAML map that refuses duplicate keys (a plain map would keep the last
/// one silently), keeping the file's order.
#[derive(Debug)]
pub(crate) struct UniqueMap<V>(pub(crate) Vec<(String, V)>);

impl<V> Default for UniqueMap<V> {
    fn default() -> Self {
        UniqueMap(Vec::new())
    }
}

impl<V> UniqueMap<V> {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Written back as the map it was read from (its schema default is `{}`).
impl<V: Serialize> Serialize for UniqueMap<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<V: JsonSchema> JsonSchema for UniqueMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <std::collections::BTreeMap<String, V>>::json_schema(generator)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
            type Value = UniqueMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of ids to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, V>()? {
                    if out.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                    }
                    out.push((key, value));
                }
                Ok(UniqueMap(out))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// A level of care.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevel {
    /// Stable id (`outpatient`, `iop`, ...), used in outputs.
    pub(crate) id: String,
    /// Display name.
    pub(crate) name: RawText,
    /// One paragraph: what this level means in practice.
    pub(crate) description: RawText,
    /// Referral wording used by the note.
    pub(crate) referral: RawText,
    /// How much treatment, e.g. "about 3 hours a day, 3-5 days a week".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hours: Option<RawText>,
    /// Where the person lives meanwhile, e.g. "at home".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) setting: Option<RawText>,
    /// How long it usually lasts, e.g. "4-12 weeks".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) typical_length: Option<RawText>,
    /// For the client's handout: what this level means, in plain words
    /// for the person screened (`description` is written for staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client: Option<RawText>,
    /// For the client's handout: what happens next at this level, in plain
    /// words (`referral` is written for staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_next: Option<RawText>,
}

/// An instrument: a titled group of items asked together.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInstrument {
    /// Stable id; item ids are `<instrument>_<n>` by convention.
    pub(crate) id: String,
    /// Title shown to the interviewer.
    pub(crate) title: RawText,
    /// Where the instrument comes from, and its licence or credit.
    pub(crate) source: String,
    /// Text read before the first item (e.g. "Over the last 2 weeks...").
    pub(crate) preamble: Option<RawText>,
    /// The questions, in order.
    pub(crate) items: Vec<RawItem>,
    /// The LOINC code of the instrument's panel, e.g. `44249-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) loinc: Option<String>,
    /// The instrument's wording (preamble, questions, answers) in other
    /// languages, by language code: whose version it is. Wording in a
    /// language not listed here is an error; an instrument without a
    /// complete version in a language is asked in English there.
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub(crate) translations: UniqueMap<RawTranslation>,
}

/// Whose version of an instrument's wording a language holds.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTranslation {
    /// `published` (a published translation, verified), `to_compare` (a
    /// published translation still to be compared with the publisher's
    /// copy) or `own` (the rule set's own questions, written in this
    /// language: never for a published instrument). A text may say
    /// otherwise for itself: `{text: ..., status: ...}`.
    pub(crate) status: RawTextStatus,
    /// Where the wording comes from.
    pub(crate) source: String,
    /// The licence, as the source states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) licence: Option<String>,
}

/// Whose version a translated text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawTextStatus {
    /// A published translation, verified against copies of the form.
    Published,
    /// A published translation, to compare with the publisher's copy.
    ToCompare,
    /// The rule set's own text.
    Own,
}

/// Kinds of item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawItemType {
    /// One of a list of coded options, each with an explicit score.
    Choice,
    /// Yes (code 1) or no (code 0).
    YesNo,
    /// A whole number within `min`..=`max`; its score is its value.
    Integer,
    /// Text shown to the client; no answer.
    Info,
}

/// One question.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItem {
    /// Stable id, unique across the rule set; the batch CSV column name.
    pub(crate) id: String,
    /// The question as asked.
    pub(crate) text: RawText,
    /// Extra guidance for the interviewer.
    pub(crate) help: Option<RawText>,
    /// `choice`, `yes_no`, `integer` or `info`.
    #[serde(rename = "type")]
    pub(crate) kind: RawItemType,
    /// `choice` only: the options.
    pub(crate) options: Option<Vec<RawOption>>,
    /// `yes_no` only: scores of the two answers. Default `{yes: 1, no: 0}`;
    /// set `{yes: 0, no: 1}` for a reverse-scored item.
    pub(crate) scores: Option<RawYesNoScores>,
    /// `integer` only: smallest accepted value.
    pub(crate) min: Option<i64>,
    /// `integer` only: largest accepted value.
    pub(crate) max: Option<i64>,
    /// `integer` only: message shown when a value is out of range.
    pub(crate) range_message: Option<RawText>,
    /// For items no scale scores: must a shown item be answered? Default
    /// `true`. Not allowed on scored items (their scale's `missing` rule decides).
    pub(crate) required: Option<bool>,
    /// Ask this item only when the condition holds (earlier items only).
    pub(crate) show_if: Option<RawCondition>,
    /// How notes name the item, e.g. `C-SSRS item 4 (intent)`. Default:
    /// the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) short: Option<RawText>,
    /// An answer to this item implies that its gate showed it (a recency
    /// question answered means the behaviour it follows was "yes"): when
    /// the gate is blank or invalid, safety flags read the gate as showing
    /// this item. Needs a `show_if` of one `item` with `eq`. Default `false`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) answer_implies_gate: bool,
    /// The item's LOINC code, e.g. `44250-9`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) loinc: Option<String>,
    /// `yes_no` only: the LOINC answer codes of its answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answer_loinc: Option<RawYesNoCodes>,
}

/// The LOINC answer codes of a yes/no item's answers.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawYesNoCodes {
    /// E.g. `LA33-6`.
    pub(crate) yes: String,
    /// E.g. `LA32-8`.
    pub(crate) no: String,
}

/// How FHIR output names what has no LOINC code, and the record id.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFhir {
    /// The canonical URI of the rule set's own code system (items, scales,
    /// levels and flags without a LOINC code). Default
    /// `urn:carescreen:<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) code_system: Option<String>,
    /// The identifier system of record ids (the subject of every
    /// resource). Default `urn:carescreen:<name>:record`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) record_system: Option<String>,
}

/// An option of a `choice` item.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOption {
    /// The published answer code (the value in the batch CSV).
    pub(crate) code: i64,
    /// The option's wording.
    pub(crate) label: RawText,
    /// Points this answer adds to a scale.
    pub(crate) score: i64,
    /// The answer's LOINC code, e.g. `LA6568-5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) loinc: Option<String>,
}

/// Scores of a yes/no item.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawYesNoScores {
    /// Points for "yes".
    pub(crate) yes: i64,
    /// Points for "no".
    pub(crate) no: i64,
}

/// A sum score over items.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScale {
    /// Stable id; output columns `<id>_score` and `<id>_band`.
    pub(crate) id: String,
    /// Display title.
    pub(crate) title: RawText,
    /// The items summed. Items hidden by skip logic add nothing and are not missing.
    pub(crate) items: Vec<String>,
    /// Lowest possible score (must equal the sum of the items' lowest scores).
    pub(crate) min: i64,
    /// Highest possible score (must equal the sum of the items' highest scores).
    pub(crate) max: i64,
    /// What a shown but unanswered item does: `all_required`, `prorate` or `invalid`.
    pub(crate) missing: RawMissing,
    /// With `missing: prorate` only: how many items may be missing.
    pub(crate) prorate: Option<RawProrate>,
    /// Score bands, covering `min..=max` with no gap or overlap.
    pub(crate) bands: Vec<RawBand>,
    /// The LOINC code of the total, e.g. `44261-6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) loinc: Option<String>,
}

/// Missing-data rule of a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawMissing {
    /// Any missing item rejects the record, naming the item.
    AllRequired,
    /// Up to `prorate.max_missing` items may be missing; the score is the
    /// mean of the answered items times the item count, rounded half up.
    /// Items in `prorate.never` must always be answered. More missing
    /// rejects the record.
    Prorate,
    /// Any missing item leaves the scale without a score (reported, with a
    /// warning); conditions over it are false.
    Invalid,
}

/// Settings of `missing: prorate`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProrate {
    /// Most items that may be missing.
    pub(crate) max_missing: u32,
    /// Items that may never be missing (e.g. a suicide item).
    #[serde(default)]
    pub(crate) never: Vec<String>,
}

/// A score band.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBand {
    /// Stable id, output in `<scale>_band`.
    pub(crate) id: String,
    /// Display label.
    pub(crate) label: RawText,
    /// Lowest score in the band.
    pub(crate) min: i64,
    /// Highest score in the band.
    pub(crate) max: i64,
}

/// An ordered classification (a rating or a placement domain).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRating {
    /// Stable id.
    pub(crate) id: String,
    /// Display title.
    pub(crate) title: RawText,
    /// Grades from least to most severe. The first has no `when` and is the
    /// baseline; the result is the most severe grade whose `when` holds.
    pub(crate) grades: Vec<RawGrade>,
    /// The LOINC code of the rating, e.g. `93374-7` (C-SSRS risk level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) loinc: Option<String>,
}

/// One grade of a rating or domain.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGrade {
    /// Stable id.
    pub(crate) id: String,
    /// Display label.
    pub(crate) label: RawText,
    /// When this grade applies (absent on the first grade only).
    pub(crate) when: Option<RawCondition>,
}

/// How severe a flag is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawSeverity {
    Info,
    Warning,
    High,
    Critical,
}

/// A finding a clinician must see.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFlag {
    /// Stable id, output in `flags`.
    pub(crate) id: String,
    /// `info`, `warning`, `high` or `critical`.
    pub(crate) severity: RawSeverity,
    /// A safety flag (risk to self or others) makes the note list crisis
    /// resources. Default `false`.
    #[serde(default)]
    pub(crate) safety: bool,
    /// Marks the crisis route: immediate safety evaluation, and the most
    /// intensive level whatever else applies. Default `false`.
    #[serde(default)]
    pub(crate) crisis: bool,
    /// The least intensive level this flag allows.
    pub(crate) min_level: Option<String>,
    /// How soon to act: `now` (an emergency evaluation) or `today`.
    /// Default: no sooner than the level's own next step (a crisis flag:
    /// `now`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) urgency: Option<RawUrgency>,
    /// The note's next step when this is the most urgent raised flag.
    /// Required with `urgency` (a crisis flag without one gets the tool's
    /// emergency-evaluation wording).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) next_step: Option<RawText>,
    /// When the flag is raised.
    pub(crate) when: RawCondition,
    /// Clinician-facing message.
    pub(crate) message: RawText,
    /// The flag's name in a few words (at most 60 characters in each
    /// language), as the interview's result screen lists it where the
    /// disposition is recorded. Default: the message up to its first colon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<RawText>,
    /// The flag in plain words for the person screened, shown in the
    /// client's handout (never `message`, which is written for staff).
    /// Required on every safety flag, in each language the rule set uses,
    /// when the rule set has a `note_client` template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client: Option<RawText>,
}

/// How soon a flag asks for action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawUrgency {
    /// At once: an emergency evaluation.
    Now,
    /// The same day.
    Today,
}

/// Placement policy.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlacement {
    /// Level when no rule fires and no flag sets a minimum.
    pub(crate) default_level: String,
    /// Rules; the most intensive level among fired rules (and raised flags'
    /// minimums) wins.
    pub(crate) rules: Vec<RawRule>,
    /// Said of the recommended level, after every rule: in the note's
    /// reasons and the `reasons` column, when the condition holds at one of
    /// its levels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) conditions: Vec<RawLevelCondition>,
}

/// A condition on the recommended level (policy 1.1: day treatment only
/// after a same-day suicide-risk assessment; housing to be arranged).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevelCondition {
    /// Stable id, output in `reasons`.
    pub(crate) id: String,
    /// The recommended levels it is said of.
    pub(crate) at: Vec<String>,
    /// When it is said.
    pub(crate) when: RawCondition,
    /// What it asks for, in plain words (the note's reasons).
    pub(crate) rationale: RawText,
    /// Replaces the level's `setting` in the note (the first that holds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) setting: Option<RawText>,
}

/// A placement rule.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    /// Stable id, output in `reasons`.
    pub(crate) id: String,
    /// When the rule fires.
    pub(crate) when: RawCondition,
    /// The least intensive level it allows.
    pub(crate) level: String,
    /// Only when the other rules and the flags give this level (N): the
    /// rule then raises N to `level`. Read after every rule without `from`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) from: Option<String>,
    /// Why, in plain words (shown in the trace and the note).
    pub(crate) rationale: RawText,
}

/// A program feature to look for.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFeature {
    /// Stable id.
    pub(crate) id: String,
    /// When to recommend it.
    pub(crate) when: RawCondition,
    /// Only at these recommended levels (default: at every level).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) at: Option<Vec<String>>,
    /// What to look for, in plain words.
    pub(crate) text: RawText,
}

/// When a resource is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawShow {
    /// In every note.
    Always,
    /// When any safety flag is raised.
    Safety,
    /// When one of the flags listed in `flags` is raised.
    Flags,
}

/// A crisis or referral resource.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawResource {
    /// Stable id.
    pub(crate) id: String,
    /// Name.
    pub(crate) name: RawText,
    /// How to reach it (phone, text, chat).
    pub(crate) contact: RawText,
    /// When it is available, e.g. `24/7`.
    pub(crate) hours: Option<RawText>,
    /// `always`, `safety` or `flags`.
    pub(crate) show: RawShow,
    /// With `show: flags`: the flags that list it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) flags: Vec<String>,
    /// For the professional only (e.g. a duty-to-protect reminder): never
    /// in a text meant for the client. Default `false`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) professional: bool,
}

/// A text shown to people: plain (`text: Hello`), or in several languages
/// (`text: {en: Hello, es: Hola}`). English is always required; a missing
/// translation falls back to English (and `rules check` counts it).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum RawText {
    Plain(String),
    Languages(std::collections::BTreeMap<String, RawLangText>),
}

/// One language's version of a text: the text, or the text with its own
/// status (`{text: "7, 8, o 9", status: to_compare, note: ...}`) where it
/// differs from its instrument's `translations`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum RawLangText {
    Text(String),
    Marked(RawMarkedText),
}

impl RawText {
    /// The text in every language it is written in.
    pub(crate) fn texts(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        Box::new(self.by_lang().map(|(_, t)| t))
    }

    /// (language, text) for every language it is written in; a plain text
    /// is English.
    pub(crate) fn by_lang(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
        match self {
            RawText::Plain(plain) => Box::new(std::iter::once(("en", plain.as_str()))),
            RawText::Languages(map) => {
                Box::new(map.iter().map(|(lang, t)| (lang.as_str(), t.text())))
            }
        }
    }
}

impl RawLangText {
    pub(crate) fn text(&self) -> &str {
        match self {
            RawLangText::Text(text) => text,
            RawLangText::Marked(marked) => &marked.text,
        }
    }

    /// The status the text gives itself, if any.
    pub(crate) fn status(&self) -> Option<(RawTextStatus, Option<&str>)> {
        match self {
            RawLangText::Text(_) => None,
            RawLangText::Marked(m) => Some((m.status, m.note.as_deref())),
        }
    }
}

/// A text with its own translation status.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMarkedText {
    pub(crate) text: String,
    pub(crate) status: RawTextStatus,
    /// Why, or what is to be checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
}

/// A visitor's `visit_str` and number visits, making a text of each: a
/// text YAML reads as a number (`contact: 911`) is still a text.
macro_rules! visit_scalar_text {
    ($value:ty, $make:expr) => {
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$value, E> {
            Ok($make(text.to_string()))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$value, E> {
            Ok($make(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$value, E> {
            Ok($make(v.to_string()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<$value, E> {
            Ok($make(v.to_string()))
        }
    };
}

impl<'de> Deserialize<'de> for RawLangText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawLangText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a text, or {text: ..., status: ...}")
            }
            visit_scalar_text!(RawLangText, RawLangText::Text);
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawLangText, A::Error> {
                RawMarkedText::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawLangText::Marked)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a text, or a map of language codes to texts ({en: ..., es: ...})")
            }
            visit_scalar_text!(RawText, RawText::Plain);
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawText, A::Error> {
                let texts = UniqueMap::<RawLangText>::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(RawText::Languages(texts.0.into_iter().collect()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A value in a comparison: a number (items, scales) or an id (bands,
/// ratings, domains, compared by their order).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum RawScalar {
    Int(i64),
    Id(String),
}

/// A condition. Either a combinator (`all`, `any`, `not`), or one subject
/// (`item`, `scale`, `band`, `rating`, `domain`, `flag`) with one comparison
/// (`eq`, `at_least`, `at_most`, `in`; a `flag` takes none and holds when the
/// flag is raised). A comparison on something without a value (an item not
/// answered or hidden, a scale without a score) is false.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCondition {
    /// Holds when every condition holds.
    pub(crate) all: Option<Vec<RawCondition>>,
    /// Holds when at least one condition holds.
    pub(crate) any: Option<Vec<RawCondition>>,
    /// Holds when the condition does not.
    pub(crate) not: Option<Box<RawCondition>>,
    /// An item's answer code.
    pub(crate) item: Option<String>,
    /// A scale's score.
    pub(crate) scale: Option<String>,
    /// A scale's band (by band order).
    pub(crate) band: Option<String>,
    /// A rating's grade (by grade order).
    pub(crate) rating: Option<String>,
    /// A domain's grade (by grade order).
    pub(crate) domain: Option<String>,
    /// A flag is raised.
    pub(crate) flag: Option<String>,
    /// A count the engine keeps of the record: `retracted_safety_answers`,
    /// the answers that raised a safety flag or the crisis route and that
    /// the client took back (an interview's confirmed change to a less
    /// severe answer, or a batch row's `retracted` column), while the less
    /// severe answer stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) count: Option<RawCount>,
    /// Equal to.
    pub(crate) eq: Option<RawScalar>,
    /// Greater than or equal to.
    pub(crate) at_least: Option<RawScalar>,
    /// Less than or equal to.
    pub(crate) at_most: Option<RawScalar>,
    /// One of.
    #[serde(rename = "in")]
    pub(crate) one_of: Option<Vec<RawScalar>>,
}

/// What a `count` condition counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawCount {
    /// Safety answers the client took back while the less severe answer
    /// stands.
    RetractedSafetyAnswers,
}

/// Leaves a `false` flag out of the canonical content, so a rule set that
/// does not use a newer key keeps its SHA-256.
fn is_false(value: &bool) -> bool {
    !*value
}
