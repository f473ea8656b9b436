//! Placement rules, program features, and that every level is reachable.

use std::collections::HashMap;

use super::super::problem::Problem;
use super::super::raw::RawFile;
use super::{gather, Loc, Scope, Validator};
use crate::model::{Feature, Flag, FlagIx, IxVec, Level, Origin, Paths, PlacementRule, RuleIx};

impl Validator {
    pub(super) fn placement(
        &mut self,
        files: &[(String, RawFile)],
        item_count: usize,
    ) -> (Option<usize>, IxVec<RuleIx, PlacementRule>) {
        let defined: Vec<(&str, &crate::rules::raw::RawPlacement)> = files
            .iter()
            .filter_map(|(name, raw)| raw.placement.as_ref().map(|p| (name.as_str(), p)))
            .collect();
        let Some(&(file, placement)) = defined.first() else {
            self.error(
                &files[0].0,
                &Loc::top("placement"),
                Problem::NoSection { key: "placement" },
            );
            return (None, IxVec::new());
        };
        for (other, _) in &defined[1..] {
            self.error(
                other,
                &Loc::top("placement"),
                Problem::DuplicateSection {
                    key: "placement",
                    first: file.to_string(),
                },
            );
        }
        let default_level = self.resolve(
            |ids| &ids.levels,
            "level",
            &placement.default_level,
            file,
            &Loc::top("placement").key("default_level"),
        );
        let mut rules = Vec::new();
        let mut ids = HashMap::new();
        for (i, rule) in placement.rules.iter().enumerate() {
            let path = Loc::top("placement").key("rules").index(i);
            if ids.insert(rule.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &path.key("id"),
                    Problem::DuplicateId {
                        what: "rule",
                        id: rule.id.clone(),
                    },
                );
            }
            let level = self.resolve(
                |ids| &ids.levels,
                "level",
                &rule.level,
                file,
                &path.key("level"),
            );
            let when = self.condition(file, &path.key("when"), &rule.when, Scope::all(item_count));
            if let (Some(level), Some(when)) = (level, when) {
                rules.push(PlacementRule {
                    id: rule.id.clone(),
                    when,
                    level,
                    rationale: self.text(file, &path.key("rationale"), &rule.rationale),
                    origin: Origin {
                        file: file.to_string(),
                        path: path.into_string(),
                    },
                });
            }
        }
        (default_level, IxVec::from(rules))
    }

    pub(super) fn features(
        &mut self,
        files: &[(String, RawFile)],
        item_count: usize,
    ) -> Vec<Feature> {
        let mut out = Vec::new();
        let mut ids = HashMap::new();
        for (file, path, raw) in gather(files, "program_features", |raw| &raw.program_features) {
            if ids.insert(raw.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &path.key("id"),
                    Problem::DuplicateId {
                        what: "feature",
                        id: raw.id.clone(),
                    },
                );
            }
            if let Some(when) =
                self.condition(file, &path.key("when"), &raw.when, Scope::all(item_count))
            {
                out.push(Feature {
                    id: raw.id.clone(),
                    when,
                    text: self.text(file, &path.key("text"), &raw.text),
                });
            }
        }
        out
    }

    /// Every level must be the outcome of something: the default, a rule, a
    /// flag's minimum, or (the top level) a crisis flag.
    pub(super) fn reachability(
        &mut self,
        file: &str,
        levels: &[Level],
        default_level: Option<usize>,
        rules: &IxVec<RuleIx, PlacementRule>,
        flags: &IxVec<FlagIx, Flag>,
    ) {
        let paths = Paths::of(levels.len(), rules, flags);
        for (i, level) in levels.iter().enumerate() {
            if default_level != Some(i) && !paths.leads_to(i) {
                self.error(
                    file,
                    &Loc::top("levels").index(i),
                    Problem::UnreachableLevel {
                        level: level.id.clone(),
                    },
                );
            }
        }
    }
}
