//! What actually happens after a recommendation: accepted, or another
//! level with the reason and who decided. Recorded beside the
//! recommendation, never in its place.

/// Why the actual placement differs from the recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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

/// What actually happens after the recommendation. The recommendation
/// itself is never changed; this is recorded beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Disposition {
    Accepted,
    Other {
        level: usize,
        reason: DispositionReason,
        decided_by: String,
    },
}
