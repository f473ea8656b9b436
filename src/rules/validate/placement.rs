//! Placement rules, program features, and that every level is reachable.

use std::collections::HashMap;

use super::super::problem::Problem;
use super::super::raw::RawFile;
use super::{gather, Loc, Scope, Validator};
use crate::model::{
    Feature, Flag, FlagIx, IxVec, Level, LevelCondition, Origin, Paths, PlacementRule, RuleIx,
};

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
            let from = rule.from.as_ref().map(|from| {
                self.resolve(|ids| &ids.levels, "level", from, file, &path.key("from"))
            });
            if let (Some(Some(from)), Some(level), Some(raw_from)) = (from, level, &rule.from) {
                if from >= level {
                    self.error(
                        file,
                        &path.key("from"),
                        Problem::FromNotBelowLevel {
                            rule: rule.id.clone(),
                            from: raw_from.clone(),
                            level: rule.level.clone(),
                        },
                    );
                }
            }
            let when = self.condition(file, &path.key("when"), &rule.when, Scope::all(item_count));
            if let (Some(level), Some(when), Some(from)) =
                (level, when, from.map_or(Some(None), |f| f.map(Some)))
            {
                rules.push(PlacementRule {
                    id: rule.id.clone(),
                    when,
                    level,
                    from,
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

    /// The conditions said of the recommended level.
    pub(super) fn level_conditions(
        &mut self,
        files: &[(String, RawFile)],
        item_count: usize,
    ) -> Vec<LevelCondition> {
        let mut out = Vec::new();
        let Some((file, placement)) = files
            .iter()
            .find_map(|(name, raw)| raw.placement.as_ref().map(|p| (name.as_str(), p)))
        else {
            return out;
        };
        let mut ids = HashMap::new();
        for (i, raw) in placement.conditions.iter().enumerate() {
            let path = Loc::top("placement").key("conditions").index(i);
            if ids.insert(raw.id.clone(), ()).is_some() {
                self.error(
                    file,
                    &path.key("id"),
                    Problem::DuplicateId {
                        what: "condition",
                        id: raw.id.clone(),
                    },
                );
            }
            let at = self.levels_at(file, &path.key("at"), &raw.at);
            let when = self.condition(file, &path.key("when"), &raw.when, Scope::all(item_count));
            let rationale = self.text(file, &path.key("rationale"), &raw.rationale);
            let setting = self.opt_text(file, &path.key("setting"), raw.setting.as_ref());
            if let (Some(at), Some(when)) = (at, when) {
                out.push(LevelCondition {
                    id: raw.id.clone(),
                    at,
                    when,
                    rationale,
                    setting,
                    origin: Origin {
                        file: file.to_string(),
                        path: path.into_string(),
                    },
                });
            }
        }
        out
    }

    /// Ids are unique across items, flags, rules and conditions: a reason,
    /// a flag and a column are then never mistaken for one another. Items
    /// keep theirs (they are the input's columns); the later id is the one
    /// reported.
    pub(super) fn unique_ids(
        &mut self,
        items: &[crate::model::Item],
        flags: &IxVec<FlagIx, Flag>,
        rules: &IxVec<RuleIx, PlacementRule>,
        conditions: &[LevelCondition],
    ) {
        let mut seen: HashMap<&str, &'static str> = HashMap::new();
        for item in items {
            seen.insert(&item.id, "an item");
        }
        let named = flags
            .iter()
            .map(|f| (&f.id, &f.origin, "flag", "a flag"))
            .chain(rules.iter().map(|r| (&r.id, &r.origin, "rule", "a rule")))
            .chain(
                conditions
                    .iter()
                    .map(|c| (&c.id, &c.origin, "condition", "a condition")),
            );
        for (id, origin, what, article) in named {
            match seen.get(id.as_str()) {
                Some(&first) => self.error(
                    &origin.file,
                    &Loc::resume(&origin.path).key("id"),
                    Problem::IdUsedTwice {
                        id: id.clone(),
                        what,
                        first,
                    },
                ),
                None => {
                    seen.insert(id, article);
                }
            }
        }
    }

    /// A non-empty list of level ids, resolved.
    fn levels_at(&mut self, file: &str, path: &Loc, at: &[String]) -> Option<Vec<usize>> {
        if at.is_empty() {
            self.error(file, path, Problem::EmptyAt);
            return None;
        }
        let levels: Vec<Option<usize>> = at
            .iter()
            .enumerate()
            .map(|(i, id)| self.resolve(|ids| &ids.levels, "level", id, file, &path.index(i)))
            .collect();
        levels.into_iter().collect()
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
            let at = raw
                .at
                .as_ref()
                .map(|at| self.levels_at(file, &path.key("at"), at));
            if let (Some(when), Some(at)) = (
                self.condition(file, &path.key("when"), &raw.when, Scope::all(item_count)),
                at.map_or(Some(None), |at| at.map(Some)),
            ) {
                out.push(Feature {
                    id: raw.id.clone(),
                    when,
                    at,
                    text: self.text(file, &path.key("text"), &raw.text),
                    origin: Origin {
                        file: file.to_string(),
                        path: path.to_string(),
                    },
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
