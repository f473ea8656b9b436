//! Flags: severity, crisis, urgency and next steps.

use super::super::problem::Problem;
use super::super::raw::{RawFile, RawSeverity, RawUrgency};
use super::{gather, Scope, Validator};
use crate::model::{Condition, Flag, FlagIx, IxVec, Origin, Severity, Urgency};

/// A flag's title fits the interview's result screen beside its marker.
pub(crate) const MAX_FLAG_TITLE: usize = 60;

impl Validator {
    pub(super) fn flags(
        &mut self,
        files: &[(String, RawFile)],
        item_count: usize,
    ) -> IxVec<FlagIx, Flag> {
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
                &path.key("id"),
            );
            let min_level = raw.min_level.as_ref().and_then(|id| {
                self.resolve(|ids| &ids.levels, "level", id, file, &path.key("min_level"))
            });
            let when = self.condition(file, &path.key("when"), &raw.when, scope);
            let next_step = self.opt_text(file, &path.key("next_step"), raw.next_step.as_ref());
            // A crisis flag is urgent now; without its own next step the
            // tool's emergency-evaluation wording is used.
            if !raw.crisis && raw.urgency.is_some() != next_step.is_some() {
                let flag = raw.id.clone();
                let (key, problem) = match raw.urgency {
                    Some(_) => ("urgency", Problem::UrgencyWithoutNextStep { flag }),
                    None => ("next_step", Problem::NextStepWithoutUrgency { flag }),
                };
                self.error(file, &path.key(key), problem);
            }
            if raw.crisis && raw.urgency == Some(RawUrgency::Today) {
                self.error(
                    file,
                    &path.key("urgency"),
                    Problem::CrisisNotNow {
                        flag: raw.id.clone(),
                    },
                );
            }
            if raw.crisis && (!raw.safety || raw.severity != RawSeverity::Critical) {
                self.error(
                    file,
                    &path.key("crisis"),
                    Problem::CrisisNotSafetyCritical {
                        flag: raw.id.clone(),
                    },
                );
            }
            if let Some(title) = &raw.title {
                for (lang, text) in title.by_lang() {
                    let chars = text.chars().count();
                    if chars > MAX_FLAG_TITLE {
                        self.error(
                            file,
                            &path.key("title").key(lang),
                            Problem::FlagTitleTooLong {
                                flag: raw.id.clone(),
                                lang: lang.to_string(),
                                chars,
                            },
                        );
                    }
                }
            }
            let message = self.text(file, &path.key("message"), &raw.message);
            let title = match &raw.title {
                Some(title) => self.text(file, &path.key("title"), title),
                None => crate::model::headline(&message).to_string(),
            };
            out.push(Flag {
                id: raw.id.clone(),
                title,
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
                message,
                client: self.opt_text(file, &path.key("client"), raw.client.as_ref()),
                origin: Origin {
                    file: file.to_string(),
                    path: path.into_string(),
                },
            });
        }
        IxVec::from(out)
    }
}
