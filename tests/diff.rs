//! `rules diff --data`: rule sets that ask items the data has no column
//! for, the JSON form (read back into `deny_unknown_fields` structs), the
//! exit code, and records whose crisis route or flags change while their
//! level stays.

use serde::Deserialize;

use crate::harness::Test;

const MINIMAL: &str = "tests/fixtures/rules/minimal";
const LOWER_BAND: &str = "tests/fixtures/rules/minimal-lower-band";
/// The minimal rules with a new item, `sleep_1`, no intakes file has.
const NEW_ITEM: &str = "tests/fixtures/diff/new-item";
/// The minimal rules whose danger flag keeps the level but not the crisis route.
const NOT_CRISIS: &str = "tests/fixtures/diff/not-crisis";
const INTAKES: &str = "tests/fixtures/diff/intakes.csv";
const DANGER: &str = "tests/fixtures/diff/danger.csv";

fn diff(old: &str, new: &str, rest: &[&str]) -> Test {
    Test::new().args(&["rules", "diff", old, new]).args(rest)
}

#[test]
fn new_items_without_a_column_are_named_and_fill_is_suggested() {
    diff(MINIMAL, NEW_ITEM, &["--data", INTAKES])
        .run()
        .code(2)
        .stderr_is(
            "error: `tests/fixtures/diff/intakes.csv` has no column for 1 item(s) the new rule \
             set needs: `sleep_1`\n\
             help: give --fill least-severe to answer them in every record with their least \
             severe answer, as test cases are (the output lists them)\n",
        );
    // The other way round, the old rules are the ones that need it.
    diff(NEW_ITEM, MINIMAL, &["--data", INTAKES])
        .run()
        .code(2)
        .stderr_has("the old rule set needs: `sleep_1`");
}

#[test]
fn fill_least_severe_answers_new_items_and_says_so() {
    let out = diff(
        MINIMAL,
        NEW_ITEM,
        &["--data", INTAKES, "--fill", "least-severe"],
    )
    .run()
    .code(0);
    assert!(
        out.stdout.contains(
            "5 record(s) in tests/fixtures/diff/intakes.csv: 0 change level.\n\
             Not in the file, so answered with their least severe answer where shown, in every \
             record, for the new rules (--fill least-severe): sleep_1.\n┌"
        ),
        "{}",
        out.stdout
    );
    // Filled with the least severe answer, no record moves: the new
    // rule's `poor_sleep` never holds.
    assert!(
        out.stdout.contains("│ low       ┆   3 ┆    0 ┆        0 │"),
        "{}",
        out.stdout
    );
    // A file that has every column fills nothing, and says nothing of it.
    let plain = diff(
        MINIMAL,
        LOWER_BAND,
        &["--data", INTAKES, "--fill", "least-severe"],
    )
    .run()
    .code(0);
    assert!(!plain.stdout.contains("filled"), "{}", plain.stdout);
}

#[test]
fn fill_leaves_a_blank_cell_of_a_present_column_missing() {
    let t = Test::in_temp_dir().file("d.csv", "id,mood_1,mood_2,mood_3\nblank,,0,\n");
    let data = t.path("d.csv");
    let (old, new) = (
        crate::harness::root().join(MINIMAL),
        crate::harness::root().join(NEW_ITEM),
    );
    let out = t
        .args(&[
            "rules",
            "diff",
            old.to_str().expect("path"),
            new.to_str().expect("path"),
            "--data",
        ])
        .args(&[data.to_str().expect("path"), "--fill", "least-severe"])
        .run()
        .code(0);
    // Rejected under both: the blank is never read as 0.
    assert!(
        out.stdout.contains("│ rejected  ┆   0 ┆    0 ┆        1 │"),
        "{}",
        out.stdout
    );
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffJson {
    old: Provenance,
    new: Provenance,
    same_content: bool,
    changes: Vec<ChangeJson>,
    data: Option<DataJson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Provenance {
    name: String,
    version: String,
    sha256: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeJson {
    what: String,
    id: String,
    change: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataJson {
    file: String,
    records: u64,
    filled: Filled,
    filled_read_by_safety_flags: FilledSafety,
    matrix: Matrix,
    level_changed: u64,
    crisis_changed: u64,
    flags_changed: u64,
    by_flag: Vec<ByFlag>,
    changed_records: Vec<Record>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ByFlag {
    flag: String,
    lost_by: Vec<String>,
    gained_by: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Filled {
    old: Vec<String>,
    new: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilledSafety {
    old: Vec<SafetyRead>,
    new: Vec<SafetyRead>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SafetyRead {
    item: String,
    flags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Matrix {
    old_levels: Vec<String>,
    new_levels: Vec<String>,
    counts: Vec<Vec<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    id: String,
    row: u64,
    old: Placement,
    new: Placement,
    level_changed: bool,
    crisis_changed: bool,
    flags_lost: Vec<String>,
    flags_gained: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Placement {
    level: Option<String>,
    crisis: bool,
    flags: Vec<String>,
}

#[track_caller]
fn json(out: &crate::harness::Output) -> DiffJson {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", out.stdout))
}

#[test]
fn json_has_the_changes_the_matrix_and_every_changed_record_with_both_levels() {
    let out = diff(
        MINIMAL,
        LOWER_BAND,
        &["--data", INTAKES, "--format", "json"],
    )
    .run()
    .code(0);
    let d = json(&out);
    assert_eq!(
        (d.old.name.as_str(), d.old.version.as_str()),
        ("minimal", "0.1")
    );
    assert_ne!(d.old.sha256, d.new.sha256);
    assert!(!d.same_content);
    let changes: Vec<(&str, &str, &str)> = d
        .changes
        .iter()
        .map(|c| (c.what.as_str(), c.id.as_str(), c.change.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            ("band", "mood.low", "0 to 1 (Low) -> 0 to 0 (Low)"),
            ("band", "mood.high", "2 to 4 (High) -> 1 to 4 (High)")
        ]
    );
    let data = d.data.expect("data");
    assert_eq!(data.file, INTAKES);
    assert_eq!(data.records, 5);
    assert!(data.filled.old.is_empty() && data.filled.new.is_empty());
    assert!(data.by_flag.is_empty());
    assert_eq!(data.matrix.old_levels, ["low", "high", "rejected"]);
    assert_eq!(data.matrix.new_levels, ["low", "high", "rejected"]);
    assert_eq!(data.matrix.counts, [[1, 2, 0], [0, 1, 0], [0, 0, 1]]);
    assert_eq!(
        (data.level_changed, data.crisis_changed, data.flags_changed),
        (2, 0, 0)
    );
    let moved: Vec<(&str, u64, Option<&str>, Option<&str>)> = data
        .changed_records
        .iter()
        .map(|r| {
            assert!(r.level_changed && !r.crisis_changed);
            assert!(r.flags_lost.is_empty() && r.flags_gained.is_empty());
            assert!(!r.old.crisis && !r.new.crisis && r.old.flags.is_empty());
            (
                r.id.as_str(),
                r.row,
                r.old.level.as_deref(),
                r.new.level.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        moved,
        [
            ("one", 3, Some("low"), Some("high")),
            ("yes", 4, Some("low"), Some("high"))
        ]
    );
    // Without --data, the changes alone.
    let d = json(
        &diff(MINIMAL, LOWER_BAND, &["--format", "json"])
            .run()
            .code(0),
    );
    assert!(d.data.is_none());
    assert_eq!(d.changes.len(), 2);
    assert!(d.new.sha256.len() == 64);
}

#[test]
fn a_lost_crisis_route_at_the_same_level_is_counted_in_text_and_json() {
    let out = diff(MINIMAL, NOT_CRISIS, &["--data", DANGER]).run().code(0);
    assert!(
        out.stdout
            .contains("2 record(s) in tests/fixtures/diff/danger.csv: 0 change level.\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "1 record(s) change the crisis route.\n  crisis true -> false: 1 record(s), e.g. d1\n\
             0 record(s) change their flags.\n"
        ),
        "{}",
        out.stdout
    );
    let d = json(&diff(MINIMAL, NOT_CRISIS, &["--data", DANGER, "--format", "json"]).run());
    let data = d.data.expect("data");
    assert_eq!(
        (data.level_changed, data.crisis_changed, data.flags_changed),
        (0, 1, 0)
    );
    let [r] = data.changed_records.as_slice() else {
        panic!("one record changes: {:?}", data.changed_records);
    };
    assert_eq!((r.id.as_str(), r.row), ("d1", 2));
    assert!(!r.level_changed && r.crisis_changed);
    assert_eq!(r.old.level.as_deref(), Some("high"));
    assert_eq!(r.new.level.as_deref(), Some("high"));
    assert!(r.old.crisis && !r.new.crisis);
    // The flag is kept on both sides: never dropped from the output.
    assert_eq!(
        (r.old.flags.as_slice(), r.new.flags.as_slice()),
        (&["danger".to_string()][..], &["danger".to_string()][..])
    );
}

#[test]
fn flag_changes_are_counted_with_examples_in_text_and_json() {
    // The new rules drop the danger flag altogether.
    let rules = std::fs::read_to_string(crate::harness::root().join(MINIMAL).join("ruleset.yaml"))
        .expect("rules");
    let start = rules.find("flags:\n").expect("flags");
    let end = rules.find("placement:\n").expect("placement");
    let without = format!("{}{}", &rules[..start], &rules[end..]);
    let t = Test::in_temp_dir().file("no-flag.yaml", without);
    let new = t.path("no-flag.yaml");
    let new = new.to_str().expect("path");
    let root = crate::harness::root();
    let old = root.join(MINIMAL);
    let data = root.join(DANGER);
    let args = [
        "rules",
        "diff",
        old.to_str().expect("path"),
        new,
        "--data",
        data.to_str().expect("path"),
    ];
    let t = t.args(&args);
    let out = t.run().code(0);
    assert!(
        out.stdout
            .contains("1 record(s) change their flags.\n  e.g. d1 (-danger)\n"),
        "{}",
        out.stdout
    );
    let t = t.args(&["--format", "json"]);
    let data = json(&t.run().code(0)).data.expect("data");
    assert_eq!(data.flags_changed, 1);
    let [by] = data.by_flag.as_slice() else {
        panic!("one flag changes: {:?}", data.by_flag);
    };
    assert_eq!(by.flag, "danger");
    assert_eq!(
        (by.lost_by.as_slice(), by.gained_by.len()),
        (&["d1".to_string()][..], 0)
    );
    assert_eq!(data.changed_records[0].flags_lost, ["danger"]);
    assert!(data.changed_records[0].flags_gained.is_empty());
}

#[test]
fn exit_code_is_1_when_a_record_changes_0_when_none_does_2_when_it_cannot_run() {
    diff(MINIMAL, LOWER_BAND, &["--data", INTAKES, "--exit-code"])
        .run()
        .code(1);
    // Only the crisis route changes: that is a change too.
    diff(MINIMAL, NOT_CRISIS, &["--data", DANGER, "--exit-code"])
        .run()
        .code(1);
    // Rule sets that differ, but no record's result does.
    diff(MINIMAL, LOWER_BAND, &["--data", DANGER, "--exit-code"])
        .run()
        .code(0);
    diff(
        MINIMAL,
        "tests/fixtures/rules/wrong-case",
        &["--data", INTAKES, "--exit-code"],
    )
    .run()
    .code(0);
    // Without --exit-code, changes are a result.
    diff(MINIMAL, LOWER_BAND, &["--data", INTAKES])
        .run()
        .code(0);
    // Errors stay 2.
    diff(MINIMAL, NEW_ITEM, &["--data", INTAKES, "--exit-code"])
        .run()
        .code(2);
    diff(
        MINIMAL,
        LOWER_BAND,
        &["--data", "no-such.csv", "--exit-code"],
    )
    .run()
    .code(2)
    .stderr_has("cannot read `no-such.csv`");
    // It counts records: without --data it is refused.
    diff(MINIMAL, LOWER_BAND, &["--exit-code"])
        .run()
        .code(2)
        .stderr_has("--data");
}

/// The minimal rules with a new safety question, `mood_4`, that raises a
/// safety flag of its own.
fn with_safety_item() -> String {
    let rules = std::fs::read_to_string(crate::harness::root().join(MINIMAL).join("ruleset.yaml"))
        .expect("rules");
    rules
        .replace(
            "scales:\n",
            "      - id: mood_4\n        text: Thoughts of self-harm\n        type: yes_no\nscales:\n",
        )
        .replace(
            "placement:\n",
            "  - id: self_harm_thoughts\n    severity: high\n    safety: true\n    \
             when: { item: mood_4, eq: 1 }\n    message: Self-harm thoughts.\nplacement:\n",
        )
}

#[test]
fn a_filled_item_a_safety_flag_reads_is_warned_of_in_text_and_json() {
    let t = Test::in_temp_dir().file("safety.yaml", with_safety_item());
    let root = crate::harness::root();
    let old = root.join(MINIMAL);
    let data = root.join(INTAKES);
    let t = t.args(&[
        "rules",
        "diff",
        old.to_str().expect("path"),
        "safety.yaml",
        "--data",
        data.to_str().expect("path"),
    ]);
    t.run()
        .code(2)
        .stderr_has("the new rule set needs: `mood_4`");
    let t = t.args(&["--fill", "least-severe"]);
    let out = t.run().code(0);
    assert!(
        out.stdout.contains(
            "(--fill least-severe): mood_4.\nwarning: a filled answer assumes no risk, and \
             safety flags read these items: mood_4 (self_harm_thoughts). Ask them before \
             relying on the result.\n"
        ),
        "{}",
        out.stdout
    );
    let d = json(&t.args(&["--format", "json"]).run().code(0));
    let data = d.data.expect("data");
    assert_eq!(data.filled.new, ["mood_4"]);
    let [read] = data.filled_read_by_safety_flags.new.as_slice() else {
        panic!("{:?}", data.filled_read_by_safety_flags);
    };
    assert_eq!(
        (read.item.as_str(), read.flags.as_slice()),
        ("mood_4", &["self_harm_thoughts".to_string()][..])
    );
    assert!(data.filled_read_by_safety_flags.old.is_empty());
}
