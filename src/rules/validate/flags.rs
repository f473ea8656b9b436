//! Flags: severity, crisis, urgency and next steps.

use super::super::raw::{RawFile, RawSeverity, RawUrgency};
use super::{gather, Scope, Validator};
use crate::model::{Condition, Flag, Origin, Severity, Urgency};

impl Validator {
    pub(super) fn flags(&mut self, files: &[(String, RawFile)], item_count: usize) -> Vec<Flag> {
        let scope = Scope {
            items_before: item_count,
            scales: true,
            ratings: true,
            flags: false,
            domains: false,
        };
        let mut out = Vec::new();
        for (file, path, raw) in gather(files, "flags", |raw| &raw.flags) {
            self.unique(
                |ids| &mut ids.flags,
                "flag",
                &raw.id,
                out.len(),
                file,
                &format!("{path}.id"),
            );
            let min_level = raw.min_level.as_ref().and_then(|id| {
                self.resolve(
                    |ids| &ids.levels,
                    "level",
                    id,
                    file,
                    &format!("{path}.min_level"),
                )
            });
            let when = self.condition(file, &format!("{path}.when"), &raw.when, scope);
            let next_step =
                self.opt_text(file, &format!("{path}.next_step"), raw.next_step.as_ref());
            // A crisis flag is urgent now; without its own next step the
            // tool's emergency-evaluation wording is used.
            if !raw.crisis && raw.urgency.is_some() != next_step.is_some() {
                let (key, message) = match raw.urgency {
                    Some(_) => ("urgency", "an urgent flag needs a `next_step`"),
                    None => (
                        "next_step",
                        "a `next_step` needs an `urgency` (`now` or `today`)",
                    ),
                };
                self.error(
                    file,
                    &format!("{path}.{key}"),
                    "flag-next-step",
                    format!("flag `{}`: {message}", raw.id),
                    Some("the note's next step is the most urgent flag's".into()),
                );
            }
            if raw.crisis && raw.urgency == Some(RawUrgency::Today) {
                self.error(
                    file,
                    &format!("{path}.urgency"),
                    "flag-next-step",
                    format!("crisis flag `{}` must have `urgency: now`", raw.id),
                    Some("the crisis route is an emergency evaluation now".into()),
                );
            }
            if raw.crisis && (!raw.safety || raw.severity != RawSeverity::Critical) {
                self.error(
                    file,
                    &format!("{path}.crisis"),
                    "crisis-flag",
                    format!("crisis flag `{}` must be `safety: true` and `severity: critical`", raw.id),
                    Some("crisis means acute risk to self or others; use `min_level` for other urgent needs".into()),
                );
            }
            out.push(Flag {
                id: raw.id.clone(),
                severity: match raw.severity {
                    RawSeverity::Info => Severity::Info,
                    RawSeverity::Warning => Severity::Warning,
                    RawSeverity::High => Severity::High,
                    RawSeverity::Critical => Severity::Critical,
                },
                safety: raw.safety,
                crisis: raw.crisis,
                min_level,
                urgency: match (raw.urgency, raw.crisis) {
                    (Some(RawUrgency::Now), _) | (None, true) => Some(Urgency::Now),
                    (Some(RawUrgency::Today), _) => Some(Urgency::Today),
                    (None, false) => None,
                },
                next_step,
                when: when.unwrap_or(Condition::Any(Vec::new())),
                message: self.text(file, &format!("{path}.message"), &raw.message),
                origin: Origin {
                    file: file.to_string(),
                    path,
                },
            });
        }
        out
    }
}
