//! Properties of the default rule set over random answers.

use carescreen::assess::established_flags;
use carescreen::batch::{self, BatchOptions, Format};
use carescreen::rules::{load, RulesSource};
use carescreen::RuleSet;
use carescreen::{assess, Answers};
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    use std::sync::OnceLock;
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| load(&RulesSource::Embedded).expect("default rules"))
}

fn rules_es() -> &'static RuleSet {
    use std::sync::OnceLock;
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        carescreen::rules::load_in(&RulesSource::Embedded, "es").expect("default rules in Spanish")
    })
}

/// For every answerable item, a choice among its codes (least to most severe).
fn record() -> impl Strategy<Value = Vec<usize>> {
    let sizes: Vec<usize> = rules()
        .items
        .iter()
        .map(|i| i.codes().map_or(1, |c| c.len()))
        .collect();
    sizes.into_iter().map(|n| 0..n).collect::<Vec<_>>()
}

/// Answers from severity ranks; every item gets a value, so items revealed
/// by skip logic are always answered (values for hidden items are ignored).
fn answers(ranks: &[usize]) -> Answers {
    let rules = rules();
    let mut answers = Answers::new(rules);
    for (i, item) in rules.items.iter().enumerate() {
        if let Some(codes) = item.codes() {
            answers.set(rules, i, codes[ranks[i]]).expect("valid");
        }
    }
    answers
}

fn level(ranks: &[usize]) -> (usize, bool) {
    let a = assess(rules(), &answers(ranks)).expect("a full record is always scored");
    (a.level, a.crisis)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn raising_any_single_answer_never_lowers_the_level(ranks in record(), pick in any::<prop::sample::Index>(), step in 1usize..4) {
        let rules = rules();
        let item = pick.index(rules.items.len());
        let Some(codes) = rules.items[item].codes() else { return Ok(()) };
        let raised_rank = (ranks[item] + step).min(codes.len() - 1);
        let mut raised = ranks.clone();
        raised[item] = raised_rank;
        let (before, crisis_before) = level(&ranks);
        let (after, crisis_after) = level(&raised);
        prop_assert!(after >= before, "raising {} from rank {} to {}: level {} -> {}",
            rules.items[item].id, ranks[item], raised_rank, before, after);
        prop_assert!(crisis_after || !crisis_before, "raising {} cleared crisis", rules.items[item].id);
    }

    #[test]
    fn flags_established_from_an_incomplete_record_hold_for_the_complete_one(
        ranks in record(),
        drop in proptest::collection::vec(any::<prop::sample::Index>(), 1..4),
    ) {
        let rules = rules();
        let full = answers(&ranks);
        let mut partial = full.clone();
        for d in &drop {
            partial.clear(d.index(rules.items.len()));
        }
        // Policy 1.1: a blank gate whose follow-up is answered ("within the
        // past 3 months?") reads as showing it, so the record is completed so.
        let mut completion = full.clone();
        // A dropped answer to a hidden question is no unknown answer: the
        // question is not asked, so the completion has no value there either.
        let shown = carescreen::assess::shown_items(rules, &full);
        for d in &drop {
            let i = d.index(rules.items.len());
            if !shown[i] {
                completion.clear(i);
            }
        }
        for (i, implied) in rules.compiled.implied_gates.iter().enumerate() {
            if let Some((gate, code)) = *implied {
                if partial.get(i).is_some() && partial.get(gate).is_none() {
                    completion.set(rules, gate, code).expect("valid");
                }
            }
        }
        let complete = assess(rules, &completion).expect("scored");
        for f in established_flags(rules, &partial) {
            prop_assert!(complete.flags[f], "flag {} established but not raised", rules.flags[f].id);
        }
        // Nothing missing: exactly the flags of the assessment.
        let all: Vec<_> = established_flags(rules, &full);
        let whole = assess(rules, &full).expect("scored");
        let raised: Vec<_> = whole.raised_flags(rules).collect();
        prop_assert_eq!(all, raised);
    }

    #[test]
    fn acute_risk_always_gives_crisis_and_the_most_intensive_level(ranks in record(), which in 0usize..4) {
        let rules = rules();
        let mut set = answers(&ranks);
        let mut put = |id: &str, code: i64| {
            let i = rules.item_index(id).expect("item");
            set.set(rules, i, code).expect("valid");
        };
        match which {
            0 => put("harm_others", 2),
            1 => { put("cssrs_2", 1); put("cssrs_4", 1); }
            2 => { put("cssrs_2", 1); put("cssrs_5", 1); }
            _ => { put("cssrs_6", 1); put("cssrs_6_recent", 1); }
        }
        let a = assess(rules, &set).expect("scored");
        prop_assert!(a.crisis);
        prop_assert_eq!(a.level, rules.top_level());
        prop_assert_eq!(&rules.levels[a.level].id, "residential");
    }

    #[test]
    fn every_raised_flag_reaches_every_output_format(
        ranks in record(),
        spanish in any::<bool>(),
        markdown in any::<bool>(),
    ) {
        let rules = if spanish { rules_es() } else { rules() };
        let a = assess(rules, &answers(&ranks)).expect("scored");
        let raised: Vec<&str> = a.raised_flags(rules).map(|f| rules.flags[f].id.as_str()).collect();
        let csv_input = to_csv(&ranks);

        let mut out = Vec::new();
        batch::score(rules, csv_input.as_bytes(), &mut out, &BatchOptions::new("id", Format::Csv)).expect("csv");
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let header = reader.headers().expect("header").clone();
        let row = reader.records().next().expect("one row").expect("record");
        let get = |name: &str| row.get(header.iter().position(|h| h == name).expect("column")).expect("field").to_string();
        let csv_flags = get("flags");
        let listed: Vec<&str> = csv_flags.split(';').filter(|s| !s.is_empty()).collect();
        prop_assert_eq!(&listed, &raised);
        prop_assert_eq!(get("crisis"), a.crisis.to_string());

        let mut out = Vec::new();
        let mut options = BatchOptions::new("id", Format::Jsonl);
        if markdown {
            options.note_format = carescreen::report::note::NoteFormat::Markdown;
        }
        batch::score(rules, csv_input.as_bytes(), &mut out, &options).expect("jsonl");
        let record: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let json_flags: Vec<&str> = record["result"]["flags"].as_array().expect("flags").iter().map(|f| f["id"].as_str().expect("id")).collect();
        prop_assert_eq!(&json_flags, &raised);
        let note = record["result"]["note"].as_str().expect("note");
        for f in a.raised_flags(rules) {
            let message = rules.flags[f].message.trim();
            prop_assert!(note.contains(message), "note lacks flag {}", rules.flags[f].id);
        }
        let raised_ix: Vec<_> = a.raised_flags(rules).collect();
        if a.safety(rules) {
            for resource in rules.resources.iter().filter(|r| r.listed(rules, &raised_ix)) {
                prop_assert!(note.contains(&resource.contact), "note lacks {}", resource.id);
            }
        }
        let closing = if spanish { "no un diagnóstico" } else { "not a diagnosis" };
        prop_assert!(note.contains(closing), "the note lacks {:?}", closing);
        let limits = if spanish { "no pregunta por psicosis, manía" } else { "does not ask about psychosis, mania" };
        prop_assert!(note.contains(limits), "the note lacks {:?}", limits);
    }
}

/// One-row batch CSV of a record (hidden items included: they are ignored).
fn to_csv(ranks: &[usize]) -> String {
    let rules = rules();
    let answerable: Vec<usize> = (0..rules.items.len())
        .filter(|&i| rules.items[i].codes().is_some())
        .collect();
    let header: Vec<&str> = answerable
        .iter()
        .map(|&i| rules.items[i].id.as_str())
        .collect();
    let values: Vec<String> = answerable
        .iter()
        .map(|&i| rules.items[i].codes().expect("codes")[ranks[i]].to_string())
        .collect();
    format!("id,{}\nr1,{}\n", header.join(","), values.join(","))
}

#[test]
fn batch_and_direct_assessment_agree_on_a_fixed_record() {
    let ranks = vec![1; rules().items.len()];
    let clamp: Vec<usize> = rules()
        .items
        .iter()
        .zip(&ranks)
        .map(|(item, &r)| item.codes().map_or(0, |c| r.min(c.len() - 1)))
        .collect();
    let a = assess(rules(), &answers(&clamp)).expect("scored");
    let mut out = Vec::new();
    batch::score(
        rules(),
        to_csv(&clamp).as_bytes(),
        &mut out,
        &BatchOptions::new("id", Format::Csv),
    )
    .expect("csv");
    let text = String::from_utf8(out).expect("utf8");
    let row = text.lines().nth(1).expect("row");
    assert!(
        row.starts_with(&format!("r1,{},", rules().levels[a.level].id)),
        "{row}"
    );
}

fn minimal_rules() -> &'static RuleSet {
    use std::sync::OnceLock;
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/minimal");
        load(&RulesSource::Path(path)).expect("minimal rules")
    })
}

/// Records a CSV reader sees in `bytes` (the way batch scoring reads them).
fn records(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    reader.byte_records().filter_map(Result::ok).count()
}

fn score_bytes(input: &[u8], threads: usize) -> Vec<u8> {
    let mut options = BatchOptions::new("id", Format::Csv);
    options.threads = threads;
    let mut out = Vec::new();
    batch::score(minimal_rules(), input, &mut out, &options).expect("a valid header always runs");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_after_a_valid_header_never_panic_and_keep_the_row_count(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        threads in 1usize..3,
    ) {
        let mut input = b"id,mood_1,mood_2,mood_3\n".to_vec();
        input.extend_from_slice(&body);
        let out = score_bytes(&input, threads);
        prop_assert_eq!(records(&out), records(&input));
        // `rules diff --data` reads the same rows and gives each the same level.
        let rules = minimal_rules();
        let mut levels = Vec::new();
        batch::levels(rules, input.as_slice(), "id", |_, level| {
            levels.push(level.map_or("", |l| rules.levels[l].id.as_str()).to_string());
        }).expect("a valid header always runs");
        let scored: Vec<String> = csv::Reader::from_reader(out.as_slice())
            .records()
            .map(|r| r.expect("our own output parses")[1].to_string())
            .collect();
        prop_assert_eq!(levels, scored);
    }

    #[test]
    fn wrong_but_well_formed_rows_get_one_output_row_each(
        rows in proptest::collection::vec(
            proptest::collection::vec(
                prop::sample::select(vec!["", "0", "1", "2", "3", "-1", "+1", "1.0", " 1 ", "yes", "YES", "y", "x", "99999999999999999999", "=1", "\"q\"", "a,b"]),
                1..6,
            ),
            0..40,
        ),
    ) {
        let mut input = String::from("id,mood_1,mood_2,mood_3\n");
        for (k, fields) in rows.iter().enumerate() {
            let cells: Vec<String> = fields.iter().map(|f| {
                if f.contains([',', '"']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() }
            }).collect();
            input.push_str(&format!("r{k},{}\n", cells.join(",")));
        }
        let out = score_bytes(input.as_bytes(), 1);
        prop_assert_eq!(records(&out), rows.len() + 1);
        // What `rules diff --data` counts: each row's level, as `score` gives it.
        let rules = minimal_rules();
        let mut levels = Vec::new();
        batch::levels(rules, input.as_bytes(), "id", |id, level| {
            levels.push((id.to_string(), level.map(|l| rules.levels[l].id.clone())));
        }).expect("a valid header always runs");
        prop_assert_eq!(levels.len(), rows.len());
        // Every row is either scored (a level) or rejected (an error), never both.
        let mut reader = csv::Reader::from_reader(out.as_slice());
        for (k, record) in reader.records().enumerate() {
            let record = record.expect("our own output parses");
            let id = format!("r{k}");
            prop_assert_eq!(&record[0], id.as_str());
            let (level, error) = (&record[1], &record[record.len() - 1]);
            prop_assert!(level.is_empty() != error.is_empty(), "row {}: level {:?} error {:?}", k, level, error);
            prop_assert_eq!(&levels[k].0, &id);
            prop_assert_eq!(levels[k].1.as_deref().unwrap_or(""), level);
        }
    }
}

/// Gives `data`, then fails instead of ending.
struct FailingAtEnd {
    data: Vec<u8>,
    at: usize,
}

impl std::io::Read for FailingAtEnd {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.data.len() {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.data.len() - self.at).min(3000);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_read_error_mid_file_keeps_every_row_read_before_it() {
    let mut input = String::from("id,mood_1,mood_2,mood_3\n");
    for k in 0..5000 {
        input.push_str(&format!("r{k},{},0,\n", k % 3));
    }
    // Row 1001 parsed (a quoted id), blank lines at rows 2502 and 5003:
    // the failure is on row 5004.
    let mut quoted = input.replacen("r999,", "\"r999\",", 1);
    quoted = quoted.replacen("\nr2500,", "\n\r\nr2500,", 1);
    quoted.push('\n');
    for (input, threads, row) in [
        (&input, 1, 5002),
        (&input, 2, 5002),
        (&input, 3, 5002),
        (&quoted, 1, 5004),
        (&quoted, 2, 5004),
    ] {
        let mut options = BatchOptions::new("id", Format::Csv);
        options.threads = threads;
        let mut out = Vec::new();
        let reader = FailingAtEnd {
            data: input.clone().into_bytes(),
            at: 0,
        };
        let err =
            batch::score(minimal_rules(), reader, &mut out, &options).expect_err("the read fails");
        assert_eq!(
            err.to_string(),
            format!("input row {row}: the disk went away"),
            "{threads} thread(s)"
        );
        assert_eq!(
            records(&out),
            5001,
            "{threads} thread(s): every row read is written"
        );
    }
}

fn rich_rules() -> &'static RuleSet {
    use std::sync::OnceLock;
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/rich");
        load(&RulesSource::Path(path)).expect("rich rules")
    })
}

/// A batch CSV: per row and answerable item a choice, 0 for a blank cell,
/// 9 to 13 for text that is wrong or needs parsing (`x`, ` yes `, `NO`,
/// `+1`, `7`), otherwise one of the item's codes, or a number in an
/// integer item's range; with `tidy`, cells skip logic hides are left
/// blank. A row's shape is 0 for a plain row, 1 for a blank id, 2 for a
/// cell short, 3 for a cell too many.
fn batch_input(rules: &RuleSet, rows: &[(Vec<u8>, bool, u8)]) -> String {
    let answerable: Vec<usize> = (0..rules.items.len())
        .filter(|&i| rules.items[i].is_answerable())
        .collect();
    let header: Vec<&str> = answerable
        .iter()
        .map(|&i| rules.items[i].id.as_str())
        .collect();
    let mut out = format!("id,{}\n", header.join(","));
    for (k, (choices, tidy, shape)) in rows.iter().enumerate() {
        let mut answers = Answers::new(rules);
        let mut text = std::collections::HashMap::new();
        for (n, &i) in answerable.iter().enumerate() {
            let item = &rules.items[i];
            let choice = choices[n % choices.len()];
            let code = match (choice, item.codes()) {
                (0, _) => continue,
                (9..=13, _) => {
                    text.insert(i, ["x", " yes ", "NO", "+1", "7"][usize::from(choice - 9)]);
                    continue;
                }
                (c, Some(codes)) => codes[usize::from(c) % codes.len()],
                (c, None) => {
                    let (min, max) = item.kind.code_range().expect("an integer item");
                    min + i64::from(c) * 5 % (max - min + 1)
                }
            };
            answers.set(rules, i, code).expect("valid");
        }
        let shown = carescreen::assess::shown_items(rules, &answers);
        let mut line = if *shape == 1 {
            " ".to_string()
        } else {
            format!("r{k}")
        };
        for &i in &answerable {
            line.push(',');
            if let Some(text) = text.get(&i) {
                line.push_str(text);
            } else if shown[i] || !tidy {
                line.push_str(&answers.get(i).map(|v| v.to_string()).unwrap_or_default());
            }
        }
        match shape {
            2 => line.truncate(line.rfind(',').unwrap_or(line.len())),
            3 => line.push_str(",x"),
            _ => {}
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn score_csv(
    rules: &RuleSet,
    input: &str,
    threads: usize,
    note_column: bool,
) -> (Vec<csv::StringRecord>, batch::Summary) {
    let mut options = BatchOptions::new("id", Format::Csv);
    options.threads = threads;
    options.note_column = note_column;
    let mut out = Vec::new();
    let summary = batch::score(rules, input.as_bytes(), &mut out, &options).expect("runs");
    let rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_slice())
        .records()
        .map(|r| r.expect("our own output parses"))
        .collect();
    (rows, summary)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// Plain CSV rows are scored in groups; rows with a note column one at
    /// a time. Both give the same cells and the same summary, over chunks
    /// put back in order on two threads.
    #[test]
    fn rows_scored_in_groups_match_rows_scored_one_at_a_time(
        rich in any::<bool>(),
        rows in proptest::collection::vec(
            (
                proptest::collection::vec(prop_oneof![16 => 1u8..9, 2 => Just(0u8), 1 => 9u8..14], 1..60),
                any::<bool>(),
                prop_oneof![12 => Just(0u8), 1 => 1u8..4],
            ),
            0..700,
        ),
        threads in 1usize..3,
    ) {
        let rules = if rich { rich_rules() } else { rules() };
        let input = batch_input(rules, &rows);
        let (grouped, grouped_summary) = score_csv(rules, &input, threads, false);
        let (single, single_summary) = score_csv(rules, &input, 1, true);
        prop_assert_eq!(grouped.len(), rows.len() + 1);
        prop_assert_eq!(grouped.len(), single.len());
        for (k, (g, s)) in grouped.iter().zip(&single).enumerate() {
            let without_note: Vec<&str> = s.iter().take(s.len() - 1).collect();
            prop_assert_eq!(g.iter().collect::<Vec<_>>(), without_note, "row {}", k);
        }
        prop_assert_eq!(grouped_summary, single_summary);
    }
}

// The safety properties through `batch::score`, so the 64-row path and the
// rejected-row path are held to them, not only `assess()`.

/// What batch CSV scoring says of each row: (level id, crisis, flag ids).
fn batch_rows(rules: &RuleSet, input: &str) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    batch::score(
        rules,
        input.as_bytes(),
        &mut out,
        &BatchOptions::new("id", Format::Csv),
    )
    .expect("csv");
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let (level, crisis, flags) = (col("level"), col("crisis"), col("flags"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            let ids = r[flags]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            (r[level].to_string(), r[crisis].to_string(), ids)
        })
        .collect()
}

/// Batch CSV rows of records given as cells by item (`None`: blank).
fn csv_of(rules: &RuleSet, rows: &[Vec<Option<String>>]) -> String {
    let answerable: Vec<usize> = (0..rules.items.len())
        .filter(|&i| rules.items[i].is_answerable())
        .collect();
    let mut out = String::from("id");
    for &i in &answerable {
        out.push(',');
        out.push_str(&rules.items[i].id);
    }
    out.push('\n');
    for (k, cells) in rows.iter().enumerate() {
        out.push_str(&format!("r{k}"));
        for &i in &answerable {
            out.push(',');
            out.push_str(cells[i].as_deref().unwrap_or(""));
        }
        out.push('\n');
    }
    out
}

/// A record's cells, with items skip logic hides left blank (as a tidy
/// export leaves them), so the 64-row path decides it.
fn tidy_cells(ranks: &[usize]) -> Vec<Option<String>> {
    let rules = rules();
    let full = answers(ranks);
    let shown = carescreen::assess::shown_items(rules, &full);
    (0..rules.items.len())
        .map(|i| {
            let codes = rules.items[i].codes()?;
            shown[i].then(|| codes[ranks[i]].to_string())
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn through_batch_raising_any_single_answer_never_lowers_the_level(
        ranks in record(),
        pick in any::<prop::sample::Index>(),
        step in 1usize..4,
    ) {
        let rules = rules();
        let item = pick.index(rules.items.len());
        let Some(codes) = rules.items[item].codes() else { return Ok(()) };
        let mut raised = ranks.clone();
        raised[item] = (ranks[item] + step).min(codes.len() - 1);
        let rows = batch_rows(rules, &csv_of(rules, &[tidy_cells(&ranks), tidy_cells(&raised)]));
        let position = |id: &str| rules.levels.iter().position(|l| l.id == id).expect("level");
        let (before, after) = (position(&rows[0].0), position(&rows[1].0));
        prop_assert!(after >= before, "raising {}: {} -> {}", rules.items[item].id, rows[0].0, rows[1].0);
        prop_assert!(rows[1].1 == "true" || rows[0].1 != "true", "raising {} cleared crisis", rules.items[item].id);
    }

    #[test]
    fn through_batch_acute_risk_gives_crisis_and_residential(ranks in record(), which in 0usize..6) {
        let rules = rules();
        let mut cells = tidy_cells(&ranks);
        let mut put = |id: &str, code: &str| cells[rules.item_index(id).expect("item")] = Some(code.into());
        match which {
            0 => put("harm_others", "2"),
            1 => { put("cssrs_2", "1"); put("cssrs_3", "0"); put("cssrs_4", "1"); put("cssrs_5", "0"); }
            2 => { put("cssrs_2", "1"); put("cssrs_3", "0"); put("cssrs_4", "0"); put("cssrs_5", "1"); }
            3 => { put("cssrs_6", "1"); put("cssrs_6_recent", "1"); }
            // Policy 1.1: intent or a plan given after a "no" to item 2.
            4 => { put("cssrs_2", "0"); put("cssrs_4", "1"); }
            _ => { put("cssrs_2", "0"); put("cssrs_5", "1"); }
        }
        let rows = batch_rows(rules, &csv_of(rules, &[cells]));
        prop_assert_eq!(&rows[0].1, "true");
        prop_assert_eq!(&rows[0].0, "residential");
    }

    /// A safety flag that holds for every completion of a record's unknown
    /// answers (blank or bad cells; hidden values given count) appears in
    /// every output format and language, with `crisis` agreeing; on a
    /// rejected row `crisis` is never `false`.
    #[test]
    fn established_safety_flags_reach_every_output_whatever_is_missing(
        ranks in record(),
        hidden_values in any::<bool>(),
        unknown in proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..3),
        spanish in any::<bool>(),
        markdown in any::<bool>(),
    ) {
        let rules = if spanish { rules_es() } else { rules() };
        let mut cells: Vec<Option<String>> = if hidden_values {
            (0..rules.items.len()).map(|i| rules.items[i].codes().map(|c| c[ranks[i]].to_string())).collect()
        } else {
            tidy_cells(&ranks)
        };
        let mut unknown_items = Vec::new();
        for (pick, bad) in &unknown {
            let i = pick.index(rules.items.len());
            if rules.items[i].codes().is_none() || unknown_items.contains(&i) {
                continue;
            }
            cells[i] = bad.then(|| "x".to_string());
            unknown_items.push(i);
        }
        // Every completion: each unknown answer any code, or blank.
        let mut completions = vec![cells.clone()];
        for &i in &unknown_items {
            let options: Vec<Option<String>> = rules.items[i].codes().expect("codes").iter()
                .map(|c| Some(c.to_string())).chain([None]).collect();
            completions = completions.iter().flat_map(|c| options.iter().map(move |o| {
                let mut c = c.clone();
                c[i] = o.clone();
                c
            })).collect();
        }
        let mut in_every: Option<Vec<_>> = None;
        let mut evaluated = 0;
        while let Some(c) = completions.pop() {
            evaluated += 1;
            prop_assert!(evaluated < 5000, "too many completions");
            let mut a = Answers::new(rules);
            for (i, cell) in c.iter().enumerate() {
                if let Some(text) = cell { a.set_text(rules, i, text); }
            }
            let result = match assess(rules, &a) {
                Ok(result) => result,
                // A completion that reveals a question must answer it too.
                Err(carescreen::error::AnswerError::Missing { item }) => {
                    let i = rules.item_index(&item).expect("item");
                    if c[i].is_none() {
                        for code in rules.items[i].codes().expect("codes") {
                            let mut more = c.clone();
                            more[i] = Some(code.to_string());
                            completions.push(more);
                        }
                    }
                    continue;
                }
                Err(_) => continue,
            };
            let safety: Vec<_> = result.raised_flags(rules).filter(|&f| rules.flags[f].is_safety()).collect();
            in_every = Some(match in_every {
                None => safety,
                Some(prev) => prev.into_iter().filter(|f| safety.contains(f)).collect(),
            });
        }
        let Some(established) = in_every else { return Ok(()) };
        let input = csv_of(rules, &[cells]);
        let rows = batch_rows(rules, &input);
        let (level, crisis, flags) = &rows[0];
        for &f in &established {
            prop_assert!(flags.contains(&rules.flags[f].id), "CSV lacks {} in {:?}", rules.flags[f].id, flags);
        }
        if established.iter().any(|&f| rules.flags[f].crisis) {
            prop_assert_eq!(crisis, "true");
        }
        if level.is_empty() {
            prop_assert!(crisis != "false", "a rejected row says crisis=false");
        }
        let mut options = BatchOptions::new("id", Format::Jsonl);
        if markdown {
            options.note_format = carescreen::report::note::NoteFormat::Markdown;
        }
        let mut out = Vec::new();
        batch::score(rules, input.as_bytes(), &mut out, &options).expect("jsonl");
        let record: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let view = if record["result"].is_null() { &record["partial"] } else { &record["result"] };
        let json_flags: Vec<&str> = view["flags"].as_array().expect("flags").iter()
            .map(|f| f["id"].as_str().expect("id")).collect();
        let note = view["note"].as_str().expect("every row has a note");
        for &f in &established {
            prop_assert!(json_flags.contains(&rules.flags[f].id.as_str()), "JSON lacks {}", rules.flags[f].id);
            prop_assert!(note.contains(rules.flags[f].message.trim()), "note lacks {}", rules.flags[f].id);
        }
        if !established.is_empty() {
            // Crisis resources are listed with any safety flag.
            prop_assert!(note.contains("988"), "note lacks the 988 line");
        }
        if established.iter().any(|&f| rules.flags[f].crisis) {
            prop_assert_eq!(&view["crisis"], &serde_json::Value::Bool(true));
            prop_assert!(note.contains("CRISIS"), "note lacks the crisis banner");
        }
        let closing = if spanish { "no un diagnóstico" } else { "not a diagnosis" };
        prop_assert!(note.contains(closing), "the note lacks {:?}", closing);
        let limits = if spanish { "no pregunta por psicosis, manía" } else { "does not ask about psychosis, mania" };
        prop_assert!(note.contains(limits), "the note lacks {:?}", limits);
    }
}

proptest! {
    #![proptest_config(config())]

    /// Every client handout, whatever the answers and the language, holds
    /// each raised flag's client text (never its staff message), the crisis
    /// lines when a safety flag is raised, never the duty-to-protect
    /// reminder, and says it is no diagnosis.
    #[test]
    fn every_handout_keeps_the_client_texts_and_lines_and_nothing_for_staff(
        ranks in record(),
        spanish in any::<bool>(),
    ) {
        let rules = if spanish { rules_es() } else { rules() };
        let a = assess(rules, &answers(&ranks)).expect("scored");
        let mut out = Vec::new();
        let mut options = BatchOptions::new("id", Format::Jsonl);
        options.note_audience = carescreen::report::note::NoteAudience::Client;
        batch::score(rules, to_csv(&ranks).as_bytes(), &mut out, &options).expect("jsonl");
        let record: serde_json::Value = serde_json::from_slice(&out).expect("json");
        prop_assert_eq!(&record["result"]["note_audience"], "client");
        let handout = record["result"]["note"].as_str().expect("handout");
        let raised: Vec<_> = a.raised_flags(rules).collect();
        for &f in &raised {
            let flag = &rules.flags[f];
            if let Some(client) = &flag.client {
                prop_assert!(handout.contains(client.as_str()), "handout lacks {}", flag.id);
            }
            prop_assert!(flag.client.is_some() || !flag.is_safety(), "{} has no client text", flag.id);
            prop_assert!(!handout.contains(flag.message.trim()), "handout shows {}'s message", flag.id);
        }
        for resource in &rules.resources {
            let contact = resource.contact.trim();
            if resource.id == "duty_to_protect" {
                prop_assert!(!handout.contains(contact), "handout shows the duty to protect");
            } else if a.safety(rules) && resource.listed(rules, &raised) {
                prop_assert!(handout.contains(contact), "handout lacks {}", resource.id);
            }
        }
        let closing = if spanish { "no un diagnóstico" } else { "not a diagnosis" };
        prop_assert!(handout.contains(closing), "the handout lacks {:?}", closing);
    }
}
