//! The main file's keys (format version, name, version) and the levels.

use super::super::problem::Problem;
use super::super::raw::RawFile;
use super::{gather, Loc, Validator, FORMAT_VERSION};
use crate::model::Level;

impl Validator {
    pub(super) fn metadata(
        &mut self,
        file: &str,
        main: &RawFile,
        others: &[(String, RawFile)],
    ) -> (String, String) {
        match main.format_version {
            Some(FORMAT_VERSION) => {}
            Some(other) => self.error(
                file,
                &Loc::top("format_version"),
                Problem::UnsupportedFormatVersion { found: other },
            ),
            None => self.error(
                file,
                &Loc::top("format_version"),
                Problem::MissingFormatVersion,
            ),
        }
        let mut required = |value: &Option<String>, key: &'static str| match value {
            Some(v) if !v.trim().is_empty() => v.clone(),
            _ => {
                self.error(file, &Loc::top(key), Problem::MissingMainKey { key });
                String::new()
            }
        };
        let name = required(&main.name, "name");
        let version = required(&main.version, "version");
        for (other, raw) in others {
            let misplaced = [
                ("format_version", raw.format_version.is_some()),
                ("name", raw.name.is_some()),
                ("version", raw.version.is_some()),
                ("include", !raw.include.is_empty()),
            ];
            for (key, present) in misplaced {
                if present {
                    self.error(other, &Loc::top(key), Problem::MainFileOnly { key });
                }
            }
        }
        (name, version)
    }

    pub(super) fn levels(&mut self, files: &[(String, RawFile)]) -> Vec<Level> {
        let raw = gather(files, "levels", |raw| &raw.levels);
        if raw.is_empty() {
            self.error(&files[0].0, &Loc::top("levels"), Problem::NoLevels);
        }
        raw.iter()
            .enumerate()
            .map(|(i, (file, path, level))| {
                self.unique(
                    |ids| &mut ids.levels,
                    "level",
                    &level.id,
                    i,
                    file,
                    &path.key("id"),
                );
                Level {
                    id: level.id.clone(),
                    name: self.text(file, &path.key("name"), &level.name),
                    description: self.text(file, &path.key("description"), &level.description),
                    referral: self.text(file, &path.key("referral"), &level.referral),
                    hours: self.opt_text(file, &path.key("hours"), level.hours.as_ref()),
                    setting: self.opt_text(file, &path.key("setting"), level.setting.as_ref()),
                    typical_length: self.opt_text(
                        file,
                        &path.key("typical_length"),
                        level.typical_length.as_ref(),
                    ),
                    client: self.opt_text(file, &path.key("client"), level.client.as_ref()),
                    client_next: self.opt_text(
                        file,
                        &path.key("client_next"),
                        level.client_next.as_ref(),
                    ),
                }
            })
            .collect()
    }
}
