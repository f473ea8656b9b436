//! What actually happens after a recommendation: accepted, or another
//! level with the reason and who decided. Recorded beside the
//! recommendation, never in its place; an amendment is added after the
//! original, which is kept. And the language each instrument was given in.

use crate::model::RuleSet;

/// The language an instrument was given in, as an interview records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AskedIn {
    /// Instrument id.
    pub(crate) instrument: String,
    /// Language code.
    pub(crate) lang: String,
}

/// Why the actual placement differs from the recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DispositionReason {
    LevelUnavailable,
    ClientDeclined,
    ClinicalOverride,
}

impl DispositionReason {
    pub(crate) const ALL: [DispositionReason; 3] = [
        DispositionReason::LevelUnavailable,
        DispositionReason::ClientDeclined,
        DispositionReason::ClinicalOverride,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            DispositionReason::LevelUnavailable => "the recommended level is not available",
            DispositionReason::ClientDeclined => "the client declined it",
            DispositionReason::ClinicalOverride => "clinical override",
        }
    }
}

/// What the interviewer chose after the recommendation. The
/// recommendation itself is never changed; this is recorded beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Disposition {
    /// The recommended level; why and who decided are asked for an
    /// amendment.
    Accepted {
        reason_text: Option<String>,
        decided_by: Option<String>,
    },
    Other {
        level: usize,
        reason: DispositionReason,
        /// The reason in the interviewer's words, if they gave any.
        reason_text: Option<String>,
        decided_by: String,
    },
}

/// A disposition as recorded: in the session file, the JSON result and
/// the session export. Levels are ids, so a record stays readable when
/// the rule set changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Decision {
    pub(crate) recommended_level: String,
    pub(crate) actual_level: String,
    pub(crate) accepted: bool,
    /// `null` when accepted.
    pub(crate) reason: Option<DispositionReason>,
    /// The reason in the interviewer's words; `null` when none was given.
    pub(crate) reason_text: Option<String>,
    /// `null` only for an original acceptance.
    pub(crate) decided_by: Option<String>,
    /// When it was recorded, RFC 3339 (UTC).
    pub(crate) decided_at: String,
}

impl Decision {
    /// `d`, recorded now, for a recommendation of level `recommended`.
    pub(crate) fn of(rules: &RuleSet, recommended: &str, d: &Disposition) -> Decision {
        let decided_at = crate::output::now();
        match d {
            Disposition::Accepted {
                reason_text,
                decided_by,
            } => Decision {
                recommended_level: recommended.to_string(),
                actual_level: recommended.to_string(),
                accepted: true,
                reason: None,
                reason_text: reason_text.clone(),
                decided_by: decided_by.clone(),
                decided_at,
            },
            Disposition::Other {
                level,
                reason,
                reason_text,
                decided_by,
            } => Decision {
                recommended_level: recommended.to_string(),
                actual_level: rules.levels[*level].id.clone(),
                accepted: false,
                reason: Some(*reason),
                reason_text: reason_text.clone(),
                decided_by: Some(decided_by.clone()),
                decided_at,
            },
        }
    }
}
