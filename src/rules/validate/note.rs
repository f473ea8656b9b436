//! What the note shows: crisis resources and the note templates.

use std::collections::HashMap;

use super::super::problem::Problem;
use super::super::raw::{RawFile, RawShow, RawText};
use super::{gather, Loc, Validator};
use crate::model::{FlagIx, Resource, Show};

impl Validator {
    pub(super) fn resources(&mut self, files: &[(String, RawFile)]) -> Vec<Resource> {
        let mut ids = HashMap::new();
        let mut out = Vec::new();
        for (file, path, raw) in gather(files, "resources", |raw| &raw.resources) {
            if ids.insert(raw.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &path.key("id"),
                    Problem::DuplicateId {
                        what: "resource",
                        id: raw.id.clone(),
                    },
                );
            }
            let show = match raw.show {
                RawShow::Always => Show::Always,
                RawShow::Safety => Show::Safety,
                RawShow::Flags => Show::Flags(
                    raw.flags
                        .iter()
                        .enumerate()
                        .filter_map(|(k, id)| {
                            self.resolve(
                                |ids| &ids.flags,
                                "flag",
                                id,
                                file,
                                &path.key("flags").index(k),
                            )
                            .map(FlagIx::new)
                        })
                        .collect(),
                ),
            };
            let problem = match (raw.show == RawShow::Flags, raw.flags.is_empty()) {
                (true, true) => Some(Problem::ShowFlagsWithoutFlags {
                    resource: raw.id.clone(),
                }),
                (false, false) => Some(Problem::FlagsWithoutShowFlags {
                    resource: raw.id.clone(),
                }),
                _ => None,
            };
            if let Some(problem) = problem {
                self.error(file, &path.key("flags"), problem);
            }
            out.push(Resource {
                id: raw.id.clone(),
                name: self.text(file, &path.key("name"), &raw.name),
                contact: self.text(file, &path.key("contact"), &raw.contact),
                hours: self.opt_text(file, &path.key("hours"), raw.hours.as_ref()),
                show,
                professional: raw.professional,
            });
        }
        if out.is_empty() {
            self.error(&files[0].0, &Loc::top("resources"), Problem::NoResources);
        }
        out
    }

    /// The optional Markdown note template: at most one file defines it.
    pub(super) fn note_markdown(&mut self, files: &[(String, RawFile)]) -> Option<String> {
        self.optional_text(files, "note_markdown", |raw| raw.note_markdown.as_ref())
    }

    /// What the screen does not ask about: at most one file defines it.
    pub(super) fn screen_limits(&mut self, files: &[(String, RawFile)]) -> Option<String> {
        self.optional_text(files, "screen_limits", |raw| raw.screen_limits.as_ref())
    }

    /// An optional top-level text that at most one file defines.
    pub(super) fn optional_text(
        &mut self,
        files: &[(String, RawFile)],
        key: &'static str,
        text: impl Fn(&RawFile) -> Option<&RawText>,
    ) -> Option<String> {
        let defined: Vec<(&str, &RawText)> = files
            .iter()
            .filter_map(|(name, raw)| text(raw).map(|t| (name.as_str(), t)))
            .collect();
        let &(file, first) = defined.first()?;
        for (other, _) in &defined[1..] {
            self.error(
                other,
                &Loc::top(key),
                Problem::DuplicateSection {
                    key,
                    first: file.to_string(),
                },
            );
        }
        Some(self.text(file, &Loc::top(key), first))
    }

    pub(super) fn note_template(&mut self, files: &[(String, RawFile)]) -> Option<String> {
        let defined: Vec<(&str, &RawText)> = files
            .iter()
            .filter_map(|(name, raw)| raw.note_template.as_ref().map(|t| (name.as_str(), t)))
            .collect();
        let Some(&(file, template)) = defined.first() else {
            self.error(
                &files[0].0,
                &Loc::top("note_template"),
                Problem::NoSection {
                    key: "note_template",
                },
            );
            return None;
        };
        for (other, _) in &defined[1..] {
            self.error(
                other,
                &Loc::top("note_template"),
                Problem::DuplicateSection {
                    key: "note_template",
                    first: file.to_string(),
                },
            );
        }
        Some(self.text(file, &Loc::top("note_template"), template))
    }
}
