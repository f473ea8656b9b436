//! Benchmarks of the hot paths, each beside its baseline in the same run:
//! - `assess/one_record`: one record through the engine;
//! - `assess_64/one_by_one` (baseline) and `assess_64/lanes`: 64 records
//!   through the engine one at a time, and together as one group of lanes;
//! - `batch/read_only` (baseline): read the batch CSV with the csv crate,
//!   counting byte records, nothing else;
//! - `batch/score_csv` and `batch/score_jsonl`: the whole batch pipeline
//!   (parse, assess, render) on the same bytes;
//! - `batch/score_csv_paper_forms`: the same records as a paper form gives
//!   them, every question answered, so each row carries values for hidden
//!   items and goes through the one-record engine's safety view;
//! - `assess/one_record_hidden_values`: one such record, beside
//!   `assess/one_record`.
//!
//! The ratio score_csv / read_only is the figure to watch.
//! Run: `cargo bench --bench assess`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

use carescreen::assess::{assess_into, Lanes, LANES};
use carescreen::batch::{self, BatchOptions, Format};
use carescreen::rules::{load, RulesSource};
use carescreen::{assess, Answers, Assessment, RuleSet};

const ROWS: usize = 20_000;

/// A deterministic record shaped like `shared/bench/gen.py` rows: a valid
/// random answer to every item, risk items rarely positive, items hidden by
/// skip logic left blank.
fn random_answers(rules: &RuleSet, seed: u64) -> Answers {
    let mut answers = paper_form(rules, seed);
    let shown = carescreen::assess::shown_items(rules, &answers);
    for (i, shown) in shown.into_iter().enumerate() {
        if !shown {
            answers.clear(i);
        }
    }
    answers
}

/// The record `random_answers` gives, with the hidden items answered too.
fn paper_form(rules: &RuleSet, seed: u64) -> Answers {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut answers = Answers::new(rules);
    for (i, item) in rules.items.iter().enumerate() {
        let Some(codes) = item.codes() else { continue };
        // Risk items are rarely positive, as in real intakes.
        let rare = item.id.starts_with("cssrs") || item.id == "harm_others";
        let rank = if rare {
            usize::from(next(10) == 0)
        } else {
            next(codes.len() as u64) as usize
        };
        let _ = answers.set(rules, i, codes[rank.min(codes.len() - 1)]);
    }
    answers
}

/// A batch CSV of `rows` such records (`paper`: with hidden items answered).
fn batch_csv(rules: &RuleSet, rows: usize, paper: bool) -> Vec<u8> {
    let items: Vec<usize> = (0..rules.items.len())
        .filter(|&i| rules.items[i].codes().is_some())
        .collect();
    let mut out = String::from("id");
    for &i in &items {
        out.push(',');
        out.push_str(&rules.items[i].id);
    }
    out.push('\n');
    for r in 0..rows {
        let answers = match paper {
            true => paper_form(rules, r as u64),
            false => random_answers(rules, r as u64),
        };
        out.push_str(&format!("c{r}"));
        for &i in &items {
            out.push(',');
            out.push_str(&answers.get(i).map(|v| v.to_string()).unwrap_or_default());
        }
        out.push('\n');
    }
    out.into_bytes()
}

fn benches(c: &mut Criterion) {
    let rules = load(&RulesSource::Embedded).expect("default rules");
    let data = batch_csv(&rules, ROWS, false);
    let paper = batch_csv(&rules, ROWS, true);

    let mut group = c.benchmark_group("assess");
    let record = {
        let mut a = Answers::new(&rules);
        // A middle answer to every item: items revealed by skip logic are
        // answered, and the record is scored rather than rejected.
        for (i, item) in rules.items.iter().enumerate() {
            if let Some(codes) = item.codes() {
                let _ = a.set(&rules, i, codes[codes.len() / 2]);
            }
        }
        assert!(
            assess(&rules, &a).is_ok(),
            "the benchmark record must be scored"
        );
        a
    };
    group.bench_function("one_record", |b| {
        b.iter(|| assess(&rules, &record).map(|a| a.level))
    });
    // Every C-SSRS follow-up answered "yes" after a "no" to item 2.
    let hidden = {
        let mut a = record.clone();
        for id in ["cssrs_2", "cssrs_3", "cssrs_4", "cssrs_5"] {
            let i = rules.item_index(id).expect("item");
            let _ = a.set(&rules, i, i64::from(id != "cssrs_2"));
        }
        assert!(
            assess(&rules, &a).is_ok_and(|a| a.crisis),
            "hidden intent is the crisis route"
        );
        a
    };
    group.bench_function("one_record_hidden_values", |b| {
        b.iter(|| assess(&rules, &hidden).map(|a| a.level))
    });
    group.finish();

    // The same 64 records one by one, and as one group of lanes.
    let group_records: Vec<Answers> = (0..LANES)
        .map(|r| random_answers(&rules, r as u64))
        .collect();
    let mut group = c.benchmark_group("assess_64");
    group.throughput(Throughput::Elements(LANES as u64));
    group.bench_function("one_by_one", |b| {
        let mut out = Assessment::empty();
        b.iter(|| {
            group_records
                .iter()
                .filter(|a| assess_into(&rules, a, &mut out).is_ok())
                .count()
        })
    });
    group.bench_function("lanes", |b| {
        let mut lanes = Lanes::new(&rules).expect("the default rules fit lanes");
        b.iter(|| {
            lanes.begin(LANES);
            for (r, answers) in group_records.iter().enumerate() {
                for i in 0..rules.items.len() {
                    lanes.set(i, r, answers.get(i));
                }
            }
            lanes.run();
            (0..LANES).filter(|&r| !lanes.is_slow(r)).count()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(20);
    group.bench_function("read_only", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(data.as_slice());
            let mut record = csv::ByteRecord::new();
            let mut n = 0u64;
            while reader.read_byte_record(&mut record).unwrap_or(false) {
                n += 1;
            }
            n
        })
    });
    for (name, format, input) in [
        ("score_csv", Format::Csv, &data),
        ("score_jsonl", Format::Jsonl, &data),
        ("score_fhir", Format::Fhir, &data),
        ("score_csv_paper_forms", Format::Csv, &paper),
    ] {
        let options = BatchOptions::new("id", format);
        group.bench_function(name, |b| {
            b.iter_batched(
                || (),
                |()| {
                    batch::score(&rules, input.as_slice(), std::io::sink(), &options)
                        .map(|s| s.scored)
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();

    c.bench_function("startup/load_default_rules", |b| {
        b.iter(|| load(&RulesSource::Embedded).map(|r| r.items.len()))
    });
}

criterion_group!(carescreen_benches, benches);
criterion_main!(carescreen_benches);
