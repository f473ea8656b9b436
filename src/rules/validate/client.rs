//! The client's handout: its template, and a plain-language text for every
//! safety flag in each language the rule set uses.

use super::super::problem::Problem;
use super::super::raw::{RawFile, RawText};
use super::{gather, Validator};

impl Validator {
    /// The optional client handout template (at most one file defines it).
    /// With one, every safety flag must say itself in plain words
    /// (`client`), in English and in every other language the rule set's
    /// texts use, so a handout never falls back to a staff message.
    pub(super) fn note_client(&mut self, files: &[(String, RawFile)]) -> Option<String> {
        let template = self.optional_text(files, "note_client", |raw| raw.note_client.as_ref())?;
        let mut langs: Vec<String> = self.translations.by_lang.keys().cloned().collect();
        if !langs.iter().any(|l| l == "en") {
            langs.insert(0, "en".into());
        }
        for (file, path, raw) in gather(files, "flags", |raw| &raw.flags) {
            if !(raw.safety || raw.crisis) {
                continue;
            }
            let flag = raw.id.clone();
            match &raw.client {
                None => self.error(file, &path.key("id"), Problem::NoClientText { flag }),
                Some(text) => {
                    let has = |lang: &str| match text {
                        RawText::Plain(_) => lang == "en",
                        RawText::Languages(map) => map.contains_key(lang),
                    };
                    for lang in langs.iter().filter(|l| !has(l)) {
                        let problem = Problem::ClientTextLanguage {
                            flag: flag.clone(),
                            lang: lang.clone(),
                        };
                        self.error(file, &path.key("client"), problem);
                    }
                }
            }
        }
        Some(template)
    }
}
