//! JSON view of an assessment: the same content as the CSV row, nested,
//! plus warnings and the full trace. View types are separate from the model
//! so the model can change without breaking consumers.

use crate::model::{FlagIx, RuleSet};
use serde::Serialize;

use crate::disposition::Decision;

use crate::assess::Assessment;
use crate::report::note::NoteAudience;
use crate::report::trace::Tracer;
use crate::report::view::{next_step, FlagView, GradeView, Provenance, ScaleView};
use crate::report::words;

/// One JSON Lines record.
#[derive(Debug, Serialize)]
pub(crate) struct Record<'a> {
    /// 1-based row number as a spreadsheet shows it (the header is row 1).
    pub(crate) row: u64,
    pub(crate) id: String,
    /// `null` on success.
    pub(crate) error: Option<String>,
    /// Every problem of a rejected row, one entry each; empty on success.
    pub(crate) errors: Vec<ProblemView>,
    /// `null` on a rejected row.
    pub(crate) result: Option<Result_<'a>>,
    /// On a rejected row: the risk flags its given answers already raise.
    /// `null` on a scored row.
    pub(crate) partial: Option<Partial<'a>>,
    /// The input columns kept (`--keep`), name -> value; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) keep: Option<Kept>,
    /// A screen its source could not complete (a mapping's
    /// `not_collected`): no level; `partial` holds its flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) incomplete: Option<Incomplete<'a>>,
    pub(crate) rules: Provenance<'a>,
}

/// An incomplete screen: the instruments not collected, and the scores
/// of the scales it holds.
#[derive(Debug, Serialize)]
pub(crate) struct Incomplete<'a> {
    pub(crate) not_collected: Vec<&'a str>,
    pub(crate) scales: Vec<IncompleteScale<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct IncompleteScale<'a> {
    pub(crate) scale: &'a str,
    pub(crate) score: i64,
    pub(crate) band: Option<&'a str>,
}

/// Kept input columns, written as one JSON object in their order.
#[derive(Debug)]
pub(crate) struct Kept(pub(crate) Vec<(String, String)>);

impl Serialize for Kept {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// One problem of a rejected row, as data.
#[derive(Debug, Serialize)]
pub(crate) struct ProblemView {
    /// The row, numbered as a spreadsheet shows it.
    pub(crate) row: u64,
    /// The input column as its header spells it; `null` when the problem
    /// is the row's shape (`field_count`).
    pub(crate) column: Option<String>,
    /// The cell as given (control characters escaped, at most 40
    /// characters); empty for a blank cell, `null` with no column.
    pub(crate) value: Option<String>,
    /// A stable code: `missing`, `not_a_code`, `not_a_number`,
    /// `out_of_range`, `too_many_missing`, `field_count`, `missing_id`.
    pub(crate) code: &'static str,
    /// The problem in words, as in `error` (without the row).
    pub(crate) message: String,
}

/// How much of the trace a JSON result carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TraceDetail {
    /// No `trace` key at all.
    None,
    /// Only the entries that fired.
    Fired,
    /// Every rule, fired or not.
    #[default]
    Full,
}

/// What a rejected record's answers establish.
#[derive(Debug, Serialize)]
pub(crate) struct Partial<'a> {
    /// `true` when an established flag is a crisis flag; `null` otherwise
    /// (unknown, since the record is incomplete).
    pub(crate) crisis: Option<bool>,
    pub(crate) flags: Vec<FlagView<'a>>,
    /// What the answers say that a clinician must act on (answers to
    /// skipped questions, unanswered safety questions), in words and as
    /// the CSV `warnings` codes.
    pub(crate) warnings: Vec<String>,
    pub(crate) warning_codes: Vec<String>,
    /// The note of an incomplete record: the crisis banner, the flags,
    /// the resources they list, and that this is no diagnosis.
    pub(crate) note: Option<String>,
    /// Who `note` is written for: `professional` (the referral note) or
    /// `client` (the handout).
    pub(crate) note_audience: &'static str,
}

impl<'a> Partial<'a> {
    pub(crate) fn of(
        rules: &'a RuleSet,
        answers: &crate::answers::Answers,
        flags: &[FlagIx],
        warnings: &[crate::assess::Warning],
        note: Option<String>,
    ) -> Self {
        let crisis = flags.iter().any(|&f| rules.flags[f].crisis).then_some(true);
        Partial {
            crisis,
            flags: flags
                .iter()
                .map(|&f| FlagView::of(rules, f).given_behind(rules, answers, f))
                .collect(),
            warnings: warnings.iter().map(|w| words::warning(rules, w)).collect(),
            warning_codes: warnings.iter().map(|w| w.code(rules)).collect(),
            note,
            note_audience: NoteAudience::Professional.as_str(),
        }
    }
}

/// A scored record.
#[derive(Debug, Serialize)]
pub(crate) struct Result_<'a> {
    pub(crate) level: &'a str,
    pub(crate) level_name: &'a str,
    pub(crate) crisis: bool,
    /// Raised flags, most severe first.
    pub(crate) flags: Vec<FlagView<'a>>,
    pub(crate) scales: Vec<ScaleView<'a>>,
    pub(crate) ratings: Vec<GradeView<'a>>,
    pub(crate) domains: Vec<GradeView<'a>>,
    pub(crate) reasons: Vec<ReasonView>,
    pub(crate) program_features: Vec<FeatureView<'a>>,
    /// The most urgent raised flag's next step, else the level's referral.
    pub(crate) next_step: String,
    /// Warnings in words.
    pub(crate) warnings: Vec<String>,
    /// The same warnings as the CSV `warnings` column's short codes
    /// (`hidden_kept:cssrs_4`); a note that failed to render has no code.
    pub(crate) warning_codes: Vec<String>,
    /// The referral note; `null` only if the template failed (see warnings).
    pub(crate) note: Option<String>,
    /// Who `note` is written for: `professional` (the referral note) or
    /// `client` (the handout).
    pub(crate) note_audience: &'static str,
    /// Absent with `--trace none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) trace: Option<Vec<TraceView>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ReasonView {
    pub(crate) id: String,
    pub(crate) text: String,
    /// The answers and scores behind it, in words.
    pub(crate) because: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FeatureView<'a> {
    pub(crate) id: &'a str,
    pub(crate) text: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct SeenView {
    pub(crate) subject: String,
    pub(crate) value: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TraceView {
    pub(crate) kind: &'static str,
    pub(crate) id: String,
    pub(crate) condition: String,
    pub(crate) fired: bool,
    pub(crate) outcome: Option<String>,
    pub(crate) seen: Vec<SeenView>,
    /// `file (yaml.path)` where the rule is defined.
    pub(crate) defined_at: Option<String>,
}

impl<'a> Result_<'a> {
    /// The view of an assessment, with its rendered note (or the error that
    /// kept the note from rendering, added to the warnings).
    pub(crate) fn of(
        rules: &'a RuleSet,
        tracer: &Tracer,
        a: &Assessment,
        note: Result<String, String>,
    ) -> Self {
        Result_::with_trace(rules, tracer, a, note, TraceDetail::Full)
    }

    /// `of`, with as much of the trace as `detail` asks for.
    pub(crate) fn with_trace(
        rules: &'a RuleSet,
        tracer: &Tracer,
        a: &Assessment,
        note: Result<String, String>,
        detail: TraceDetail,
    ) -> Self {
        let mut warnings: Vec<String> = a
            .warnings
            .iter()
            .map(|w| words::warning(rules, w))
            .collect();
        let note = match note {
            Ok(note) => Some(note),
            Err(err) => {
                warnings.push(format!("the referral note could not be rendered: {err}"));
                None
            }
        };
        let level = &rules.levels[a.level];
        let raised: Vec<FlagIx> = a.raised_flags(rules).collect();
        Result_ {
            next_step: next_step(rules, &raised, Some(&level.referral)),
            warning_codes: a.warnings.iter().map(|w| w.code(rules)).collect(),
            level: &level.id,
            level_name: &level.name,
            crisis: a.crisis,
            flags: a
                .raised_flags(rules)
                .map(|f| FlagView::of(rules, f).behind(rules, a, f))
                .collect(),
            scales: ScaleView::all(rules, a),
            ratings: GradeView::all(&rules.ratings, &a.ratings),
            domains: GradeView::all(&rules.domains, &a.domains),
            reasons: a
                .reasons(rules)
                .iter()
                .map(|r| ReasonView {
                    id: r.id(rules),
                    text: words::reason(rules, r),
                    because: crate::report::trace::behind_reason(rules, a, r),
                })
                .collect(),
            program_features: rules
                .features
                .iter()
                .zip(&a.features)
                .filter(|(_, on)| **on)
                .map(|(f, _)| FeatureView {
                    id: &f.id,
                    text: &f.text,
                })
                .collect(),
            warnings,
            note,
            note_audience: NoteAudience::Professional.as_str(),
            trace: (detail != TraceDetail::None).then(|| {
                tracer
                    .trace(rules, a)
                    .into_iter()
                    .filter(|e| detail == TraceDetail::Full || e.fired)
                    .map(|e| TraceView {
                        kind: e.kind.as_str(),
                        id: e.id,
                        condition: e.condition,
                        fired: e.fired,
                        outcome: e.outcome,
                        seen: e
                            .seen
                            .into_iter()
                            .map(|s| SeenView {
                                subject: s.subject,
                                value: s.value,
                            })
                            .collect(),
                        defined_at: e.origin.map(|o| o.to_string()),
                    })
                    .collect()
            }),
        }
    }
}

/// An interview's result: the recommendation, untouched, and beside it
/// what actually happens.
#[derive(Debug, Serialize)]
pub(crate) struct InterviewRecord<'a> {
    pub(crate) id: String,
    pub(crate) result: Result_<'a>,
    /// The disposition in force (the latest amendment, else the original);
    /// `null` when the interview stopped before it was recorded.
    pub(crate) disposition: Option<&'a Decision>,
    /// The dispositions it amends, oldest (the original) first.
    #[serde(skip_serializing_if = "<[Decision]>::is_empty")]
    pub(crate) amends: &'a [Decision],
    /// The language each instrument was given in (`{instrument, lang}`).
    pub(crate) asked_in: &'a [crate::disposition::AskedIn],
    pub(crate) rules: Provenance<'a>,
}
