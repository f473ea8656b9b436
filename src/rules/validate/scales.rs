//! Scales and their bands: members, declared ranges, missing rules, bands
//! that cover the range exactly.

use std::collections::HashMap;

use super::super::problem::Problem;
use super::super::raw::{RawFile, RawMissing};
use super::{gather, Loc, Validator, MAX_MAGNITUDE};
use crate::model::{Band, Item, IxVec, MissingRule, Origin, Scale, ScaleIx};

impl Validator {
    pub(super) fn scales(
        &mut self,
        files: &[(String, RawFile)],
        items: &mut [Item],
    ) -> IxVec<ScaleIx, Scale> {
        let mut scales = Vec::new();
        for (file, path, raw) in gather(files, "scales", |raw| &raw.scales) {
            let index = scales.len();
            self.unique(
                |ids| &mut ids.scales,
                "scale",
                &raw.id,
                index,
                file,
                &path.key("id"),
            );
            let mut members = Vec::new();
            let (mut low, mut high) = (0i64, 0i64);
            for (j, id) in raw.items.iter().enumerate() {
                let item_path = path.key("items").index(j);
                let Some(item) = self.resolve(|ids| &ids.items, "item", id, file, &item_path)
                else {
                    continue;
                };
                if members.contains(&item) {
                    self.error(
                        file,
                        &item_path,
                        Problem::ItemListedTwice { item: id.clone() },
                    );
                    continue;
                }
                let Some(scores) = items[item].kind.score_range() else {
                    self.error(
                        file,
                        &item_path,
                        Problem::NothingToScore { item: id.clone() },
                    );
                    continue;
                };
                low = low.saturating_add(scores.0);
                high = high.saturating_add(scores.1);
                members.push(item);
                items[item].scales.push(ScaleIx::new(index));
            }
            if raw.items.is_empty() {
                self.error(file, &path.key("items"), Problem::EmptyScale);
            }
            if members.len() == raw.items.len() && (raw.min, raw.max) != (low, high) {
                let key = if raw.min != low { "min" } else { "max" };
                self.error(
                    file,
                    &path.key(key),
                    Problem::ScaleRange {
                        min: raw.min,
                        max: raw.max,
                        low,
                        high,
                    },
                );
            }
            for (key, value) in [("min", raw.min), ("max", raw.max)] {
                if value.unsigned_abs() > MAX_MAGNITUDE.unsigned_abs() {
                    self.error(
                        file,
                        &path.key(key),
                        Problem::ScaleTotalOutOfRange { value },
                    );
                }
            }
            let missing = match (raw.missing, &raw.prorate) {
                (RawMissing::AllRequired, None) => MissingRule::AllRequired,
                (RawMissing::Invalid, None) => MissingRule::Invalid,
                (RawMissing::Prorate, Some(prorate)) => {
                    let ranges: Vec<Option<(i64, i64)>> = members
                        .iter()
                        .map(|&i| items[i].kind.score_range())
                        .collect();
                    if ranges.windows(2).any(|w| w[0] != w[1]) {
                        self.error(file, &path.key("prorate"), Problem::ProrateMixedItems);
                    }
                    self.prorate(file, &path, prorate, &members, raw.items.len())
                }
                (RawMissing::Prorate, None) => {
                    self.error(file, &path, Problem::ProrateWithoutSettings);
                    MissingRule::AllRequired
                }
                (_, Some(_)) => {
                    self.error(
                        file,
                        &path.key("prorate"),
                        Problem::ProrateSettingsWithoutProrate,
                    );
                    MissingRule::AllRequired
                }
            };
            let bands = self.bands(file, &path, raw.min, raw.max, &raw.bands);
            self.ids
                .bands
                .push(bands.iter().map(|b| b.id.clone()).collect());
            scales.push(Scale {
                id: raw.id.clone(),
                title: self.text(file, &path.key("title"), &raw.title),
                items: members,
                min: raw.min,
                max: raw.max,
                missing,
                bands,
                origin: Origin {
                    file: file.to_string(),
                    path: path.to_string(),
                },
                loinc: self.loinc(file, &path.key("loinc"), raw.loinc.as_ref(), false),
            });
        }
        IxVec::from(scales)
    }

    pub(super) fn prorate(
        &mut self,
        file: &str,
        path: &Loc,
        prorate: &crate::rules::raw::RawProrate,
        members: &[usize],
        item_count: usize,
    ) -> MissingRule {
        let mut never = Vec::new();
        for (j, id) in prorate.never.iter().enumerate() {
            let never_path = path.key("prorate").key("never").index(j);
            if let Some(item) = self.resolve(|ids| &ids.items, "item", id, file, &never_path) {
                if !members.contains(&item) {
                    self.error(
                        file,
                        &never_path,
                        Problem::NeverNotInScale { item: id.clone() },
                    );
                }
                never.push(item);
            }
        }
        if prorate.max_missing as usize >= item_count {
            self.error(
                file,
                &path.key("prorate").key("max_missing"),
                Problem::NothingToProrateFrom {
                    max_missing: prorate.max_missing,
                },
            );
        }
        MissingRule::Prorate {
            max_missing: prorate.max_missing,
            never,
        }
    }

    /// Bands sorted by score, checked to cover `min..=max` exactly.
    pub(super) fn bands(
        &mut self,
        file: &str,
        path: &Loc,
        min: i64,
        max: i64,
        raw: &[crate::rules::raw::RawBand],
    ) -> Vec<Band> {
        let mut ids = HashMap::new();
        let mut indexed: Vec<(usize, &crate::rules::raw::RawBand)> =
            raw.iter().enumerate().collect();
        for (k, band) in &indexed {
            if ids.insert(band.id.as_str(), ()).is_some() {
                self.error(
                    file,
                    &path.key("bands").index(*k).key("id"),
                    Problem::DuplicateId {
                        what: "band",
                        id: band.id.clone(),
                    },
                );
            }
            if band.min > band.max {
                self.error(
                    file,
                    &path.key("bands").index(*k),
                    Problem::BandMinAboveMax {
                        band: band.id.clone(),
                        min: band.min,
                        max: band.max,
                    },
                );
            }
        }
        if raw.is_empty() {
            self.error(file, &path.key("bands"), Problem::NoBands);
            return Vec::new();
        }
        indexed.sort_by_key(|(_, band)| (band.min, band.max));
        let mut expected = min;
        for (k, band) in &indexed {
            let at = path.key("bands").index(*k);
            if band.min > expected {
                self.error(
                    file,
                    &at,
                    Problem::BandGap {
                        low: expected,
                        high: band.min.saturating_sub(1),
                    },
                );
            } else if band.min < expected {
                let problem = if band.min < min {
                    Problem::BandBelowMinimum {
                        band: band.id.clone(),
                        start: band.min,
                        min,
                    }
                } else {
                    Problem::BandOverlap {
                        band: band.id.clone(),
                        at: band.min,
                    }
                };
                self.error(file, &at, problem);
            }
            expected = expected.max(band.max.saturating_add(1));
        }
        if let Some((k, last)) = indexed.last() {
            if last.max > max {
                self.error(
                    file,
                    &path.key("bands").index(*k).key("max"),
                    Problem::BandAboveMaximum {
                        band: last.id.clone(),
                        end: last.max,
                        max,
                    },
                );
            } else if last.max < max {
                self.error(
                    file,
                    &path.key("bands"),
                    Problem::BandGap {
                        low: last.max.saturating_add(1),
                        high: max,
                    },
                );
            }
        }
        indexed
            .into_iter()
            .map(|(k, b)| Band {
                id: b.id.clone(),
                label: self.text(file, &path.key("bands").index(k).key("label"), &b.label),
                min: b.min,
                max: b.max,
            })
            .collect()
    }
}
