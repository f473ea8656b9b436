//! Hand-worked cases for the default rule set, checked against the
//! instruments' published scoring (CLINICAL.md) and the placement policy
//! (rules/README.md). Each case starts from the least severe answer to every
//! item shown by default and changes only what it names.

use super::{assess, Assessment, Warning};
use crate::answers::Answers;
use crate::error::AnswerError;
use crate::model::{FlagIx, RuleIx, RuleSet, ScaleIx};
use crate::rules::{load, RulesSource};

pub(super) fn rules() -> &'static RuleSet {
    use std::sync::OnceLock;
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| load(&RulesSource::Embedded).expect("default rules load"))
}

/// The least severe answer to every item not hidden by default, then `set`.
fn answers(set: &[(&str, i64)]) -> Answers {
    let rules = rules();
    let mut answers = Answers::new(rules);
    for (i, item) in rules.items.iter().enumerate() {
        if item.show_if.is_none() {
            if let Some(codes) = item.codes() {
                answers.set(rules, i, codes[0]).expect("valid code");
            }
        }
    }
    for (id, code) in set {
        let i = rules
            .item_index(id)
            .unwrap_or_else(|| panic!("no item {id}"));
        answers
            .set(rules, i, *code)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    answers
}

/// The assessment of a hand-worked case, checked on every executor of the
/// plan (`tester`): the 64-row engine and the incomplete-record evaluation
/// must agree with the one-record engine.
#[track_caller]
pub(super) fn run(set: &[(&str, i64)]) -> Assessment {
    let answers = answers(set);
    let agreement = super::tester::check(rules(), std::slice::from_ref(&answers));
    assert!(agreement.agree(), "{:?}", agreement.disagreements);
    assert_eq!(agreement.by_partial, 1, "the engine scored the case");
    assess(rules(), &answers).unwrap_or_else(|e| panic!("rejected: {e}"))
}

/// Most hand-worked cases are plain records, decided by the 64-row engine
/// itself; those with a hidden value are left to the one-record engine.
#[test]
fn hand_worked_cases_are_decided_by_the_64_row_engine_unless_they_answer_a_skipped_question() {
    let decided = |set: &[(&str, i64)]| super::tester::check(rules(), &[answers(set)]).by_lanes;
    assert_eq!(decided(&[("phq9_9", 1), ("phq9_10", 0)]), 1);
    assert_eq!(decided(&[("harm_others", 2)]), 1);
    assert_eq!(decided(&[("cssrs_2", 0), ("cssrs_4", 1)]), 0);
}

/// Answers to `prefix_1..=prefix_n` (0-3 items) that sum to `total`.
pub(super) fn spread(prefix: &str, n: usize, total: i64) -> Vec<(String, i64)> {
    let mut left = total;
    (1..=n)
        .map(|k| {
            let v = left.min(3);
            left -= v;
            (format!("{prefix}_{k}"), v)
        })
        .collect()
}

fn scale(a: &Assessment, id: &str) -> (Option<i64>, Option<String>) {
    let rules = rules();
    let s = rules
        .scales
        .iter_ix()
        .find_map(|(s, scale)| (scale.id == id).then_some(s))
        .expect("scale");
    let r = &a.scales[s];
    (r.score, r.band.map(|b| rules.scales[s].bands[b].id.clone()))
}

fn rating(a: &Assessment, id: &str) -> String {
    let rules = rules();
    let r = rules
        .ratings
        .iter_ix()
        .find_map(|(r, rating)| (rating.id == id).then_some(r))
        .expect("rating");
    rules.ratings[r].grades[a.ratings[r]].id.clone()
}

fn level(a: &Assessment) -> &'static str {
    &rules().levels[a.level].id
}

fn flags(a: &Assessment) -> Vec<String> {
    let rules = rules();
    a.raised_flags(rules)
        .map(|f| rules.flags[f].id.clone())
        .collect()
}

fn features(a: &Assessment) -> Vec<String> {
    let rules = rules();
    rules
        .features
        .iter()
        .zip(&a.features)
        .filter(|(_, on)| **on)
        .map(|(f, _)| f.id.clone())
        .collect()
}

/// `run` with generated answers plus named ones. PHQ-9 item 10 (shown once
/// any PHQ-9 problem is checked) is answered "not difficult at all" unless named.
pub(super) fn with(owned: &[(String, i64)], extra: &[(&str, i64)]) -> Assessment {
    let mut set: Vec<(&str, i64)> = owned.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    set.extend_from_slice(extra);
    let any_phq9 = set
        .iter()
        .any(|(k, v)| k.starts_with("phq9_") && *k != "phq9_10" && *v > 0);
    if any_phq9 && !set.iter().any(|(k, _)| *k == "phq9_10") {
        set.push(("phq9_10", 0));
    }
    run(&set)
}

/// Sum-scale band edges: `(scale, item prefix, item count, total, band)`.
macro_rules! band_cases {
    ($($name:ident: $scale:literal, $prefix:literal, $n:literal, $total:literal => $band:literal;)*) => {
        $(
            #[test]
            fn $name() {
                let a = with(&spread($prefix, $n, $total), &[]);
                assert_eq!(scale(&a, $scale), (Some($total), Some($band.to_string())));
            }
        )*
    };
}

band_cases! {
    phq9_total_0_is_minimal: "phq9", "phq9", 8, 0 => "minimal";
    phq9_total_4_is_minimal: "phq9", "phq9", 8, 4 => "minimal";
    phq9_total_5_is_mild: "phq9", "phq9", 8, 5 => "mild";
    phq9_total_9_is_mild: "phq9", "phq9", 8, 9 => "mild";
    phq9_total_10_is_moderate: "phq9", "phq9", 8, 10 => "moderate";
    phq9_total_14_is_moderate: "phq9", "phq9", 8, 14 => "moderate";
    phq9_total_15_is_moderately_severe: "phq9", "phq9", 8, 15 => "moderately_severe";
    phq9_total_19_is_moderately_severe: "phq9", "phq9", 8, 19 => "moderately_severe";
    phq9_total_20_is_severe: "phq9", "phq9", 8, 20 => "severe";
    phq9_total_24_is_severe: "phq9", "phq9", 8, 24 => "severe";
    gad7_total_4_is_minimal: "gad7", "gad7", 7, 4 => "minimal";
    gad7_total_5_is_mild: "gad7", "gad7", 7, 5 => "mild";
    gad7_total_9_is_mild: "gad7", "gad7", 7, 9 => "mild";
    gad7_total_10_is_moderate: "gad7", "gad7", 7, 10 => "moderate";
    gad7_total_14_is_moderate: "gad7", "gad7", 7, 14 => "moderate";
    gad7_total_15_is_severe: "gad7", "gad7", 7, 15 => "severe";
    gad7_total_21_is_severe: "gad7", "gad7", 7, 21 => "severe";
}

#[test]
fn phq9_maximum_27_is_severe_with_item9() {
    let a = with(&spread("phq9", 9, 27), &[]);
    assert_eq!(scale(&a, "phq9"), (Some(27), Some("severe".into())));
    assert!(flags(&a).contains(&"suicidal_ideation".to_string()));
}

/// AUDIT totals from items 1-8 (0-4 each) plus items 9-10 (0/2/4).
fn audit(items_1_to_8: i64, item9: i64, item10: i64) -> Assessment {
    let mut set = Vec::new();
    let mut left = items_1_to_8;
    for k in 1..=8 {
        let v = left.min(4);
        left -= v;
        set.push((format!("audit_{k}"), v));
    }
    set.push(("audit_9".into(), item9));
    set.push(("audit_10".into(), item10));
    with(&set, &[])
}

#[test]
fn audit_zone_edges() {
    for (a18, i9, i10, total, band) in [
        (7, 0, 0, 7, "low_risk"),
        (4, 2, 2, 8, "hazardous"),
        (15, 0, 0, 15, "hazardous"),
        (12, 4, 0, 16, "harmful"),
        (19, 0, 0, 19, "harmful"),
        (16, 2, 2, 20, "possible_dependence"),
        (32, 4, 4, 40, "possible_dependence"),
    ] {
        let a = audit(a18, i9, i10);
        assert_eq!(
            scale(&a, "audit"),
            (Some(total), Some(band.into())),
            "AUDIT {total}"
        );
    }
}

#[test]
fn audit_items_9_and_10_accept_only_0_2_4() {
    let rules = rules();
    let i9 = rules.item_index("audit_9").expect("item");
    let mut a = answers(&[]);
    for code in [1, 3, 5, -1] {
        assert!(
            matches!(a.set(rules, i9, code), Err(AnswerError::Invalid { .. })),
            "code {code} must be rejected"
        );
    }
    a.set(rules, i9, 4).expect("4 is valid");
    assert_eq!(
        scale(&assess(rules, &a).expect("ok"), "audit"),
        (Some(4), Some("low_risk".into()))
    );
}

#[test]
fn auditc_sums_items_1_to_3_only() {
    let a = run(&[
        ("audit_1", 1),
        ("audit_2", 1),
        ("audit_3", 0),
        ("audit_4", 4),
    ]);
    assert_eq!(scale(&a, "auditc"), (Some(2), Some("negative".into())));
    let a = run(&[("audit_1", 2), ("audit_2", 1), ("audit_3", 0)]);
    assert_eq!(
        scale(&a, "auditc"),
        (Some(3), Some("positive_for_women".into()))
    );
    let a = run(&[("audit_1", 2), ("audit_2", 1), ("audit_3", 1)]);
    assert_eq!(scale(&a, "auditc"), (Some(4), Some("positive".into())));
    let a = run(&[("audit_1", 4), ("audit_2", 4), ("audit_3", 4)]);
    assert_eq!(scale(&a, "auditc"), (Some(12), Some("positive".into())));
}

#[test]
fn dast10_item3_is_reverse_scored() {
    // Baseline answers item 3 "yes" (always able to stop): 0 points.
    assert_eq!(scale(&run(&[]), "dast10"), (Some(0), Some("none".into())));
    // "No" to item 3 scores 1.
    assert_eq!(
        scale(&run(&[("dast10_3", 0)]), "dast10"),
        (Some(1), Some("low".into()))
    );
    // "Yes" to item 1 scores 1 as usual.
    assert_eq!(
        scale(&run(&[("dast10_1", 1)]), "dast10"),
        (Some(1), Some("low".into()))
    );
}

#[test]
fn dast10_band_edges() {
    // Items other than 3 in order, then item 3 answered "no" for the 10th point.
    let order = [1, 2, 4, 5, 6, 7, 8, 9, 10];
    for (total, band) in [
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
        (10, "severe"),
    ] {
        let mut set: Vec<(String, i64)> = order
            .iter()
            .take(total.min(9))
            .map(|k| (format!("dast10_{k}"), 1))
            .collect();
        if total == 10 {
            set.push(("dast10_3".into(), 0));
        }
        assert_eq!(
            scale(&with(&set, &[]), "dast10"),
            (Some(total as i64), Some(band.into())),
            "DAST {total}"
        );
    }
}

#[test]
fn cssrs_triage() {
    let shown_after_2 = [
        ("cssrs_2", 1),
        ("cssrs_3", 0),
        ("cssrs_4", 0),
        ("cssrs_5", 0),
    ];
    let cases: Vec<(Vec<(&str, i64)>, &str)> = vec![
        (vec![], "none"),
        (vec![("cssrs_1", 1)], "low"),
        (shown_after_2.to_vec(), "low"),
        (
            vec![
                ("cssrs_2", 1),
                ("cssrs_3", 1),
                ("cssrs_4", 0),
                ("cssrs_5", 0),
            ],
            "moderate",
        ),
        // Policy 1.1: past behaviour only is its own moderate grade.
        (vec![("cssrs_6", 1), ("cssrs_6_recent", 0)], "moderate_past"),
        (
            vec![
                ("cssrs_2", 1),
                ("cssrs_3", 0),
                ("cssrs_4", 1),
                ("cssrs_5", 0),
            ],
            "high",
        ),
        (
            vec![
                ("cssrs_2", 1),
                ("cssrs_3", 0),
                ("cssrs_4", 0),
                ("cssrs_5", 1),
            ],
            "high",
        ),
        (vec![("cssrs_6", 1), ("cssrs_6_recent", 1)], "high"),
    ];
    for (set, expected) in cases {
        assert_eq!(rating(&run(&set), "cssrs_risk"), expected, "{set:?}");
    }
}

fn ix(id: &str) -> usize {
    rules().item_index(id).expect("item")
}

fn flag_ix(id: &str) -> FlagIx {
    rules()
        .flags
        .iter_ix()
        .find_map(|(f, flag)| (flag.id == id).then_some(f))
        .expect("flag")
}

/// Policy 1.1: intent given on a paper form after a "no" to item 2 is
/// never scored, but it is a disclosure: high risk, the crisis route.
#[test]
fn cssrs_intent_given_after_a_no_to_item_2_is_kept_for_safety() {
    let a = run(&[("cssrs_2", 0), ("cssrs_4", 1)]);
    assert_eq!(rating(&a, "cssrs_risk"), "high");
    assert!(a.crisis);
    assert_eq!(level(&a), "residential");
    assert_eq!(flags(&a), vec!["suicide_risk_high", "suicidal_ideation"]);
    // Not scored: the item's value is gone from the scored answers.
    assert_eq!(a.values[ix("cssrs_4")], None);
    let cssrs = rules()
        .ratings
        .iter_ix()
        .find_map(|(r, rating)| (rating.id == "cssrs_risk").then_some(r));
    assert_eq!(
        a.warnings,
        vec![Warning::HiddenValueKept {
            item: ix("cssrs_4"),
            value: 1,
            gate: Some((ix("cssrs_2"), Some(0))),
            flags: vec![flag_ix("suicide_risk_high"), flag_ix("suicidal_ideation")],
            grade: Some((cssrs.expect("rating"), 4)),
        }]
    );
    let words = crate::report::words::warning(rules(), &a.warnings[0]);
    assert!(
        words.starts_with(
            "C-SSRS item 4 (intent): yes, given although C-SSRS item 2 (thoughts of killing \
             yourself) was 'no', so the form would have skipped it. Treated as high risk until"
        ),
        "{words}"
    );
}

#[test]
fn cssrs_method_after_a_no_to_item_2_is_moderate_risk_and_at_least_iop() {
    let a = run(&[("cssrs_2", 0), ("cssrs_3", 1)]);
    assert_eq!(rating(&a, "cssrs_risk"), "moderate");
    assert!(!a.crisis);
    assert_eq!(
        flags(&a),
        vec!["suicide_risk_moderate", "suicidal_ideation"]
    );
    assert_eq!(level(&a), "iop");
}

#[test]
fn hidden_no_answers_lower_nothing_and_are_ignored_with_a_warning() {
    let a = run(&[
        ("cssrs_2", 0),
        ("cssrs_3", 0),
        ("cssrs_4", 0),
        ("cssrs_5", 0),
    ]);
    assert_eq!(rating(&a, "cssrs_risk"), "none");
    assert!(flags(&a).is_empty());
    assert_eq!(
        a.warnings,
        ["cssrs_3", "cssrs_4", "cssrs_5"]
            .map(|id| Warning::HiddenValueIgnored { item: ix(id) })
            .to_vec()
    );
    // With item 1 "yes", hidden "no"s leave the low grade alone.
    let b = run(&[("cssrs_1", 1), ("cssrs_2", 0), ("cssrs_4", 0)]);
    assert_eq!(rating(&b, "cssrs_risk"), "low");
}

#[test]
fn a_recent_yes_after_a_no_to_item_6_raises_nothing_and_asks_item_6_again() {
    let a = run(&[("cssrs_6", 0), ("cssrs_6_recent", 1)]);
    assert_eq!(rating(&a, "cssrs_risk"), "none");
    assert!(flags(&a).is_empty());
    assert_eq!(
        a.warnings,
        vec![Warning::AskAgain {
            item: ix("cssrs_6_recent"),
            value: 1,
            gate: ix("cssrs_6"),
            gate_value: Some(0),
        }]
    );
    assert_eq!(a.warnings[0].code(rules()), "ask_again:cssrs_6");
}

#[test]
fn hidden_answers_outside_safety_are_never_scored() {
    // PC-PTSD-5 items after "no trauma": ignored, the score stays 0.
    let mut set = vec![("pcptsd5_0".to_string(), 0)];
    set.extend((1..=5).map(|k| (format!("pcptsd5_{k}"), 1)));
    let a = with(&set, &[]);
    assert_eq!(scale(&a, "pcptsd5"), (Some(0), Some("negative".into())));
    assert_eq!(a.warnings.len(), 5);
    assert!(a
        .warnings
        .iter()
        .all(|w| matches!(w, Warning::HiddenValueIgnored { .. })));
}

#[test]
fn cssrs_item_3_shown_but_unanswered_rejects_the_record() {
    let err = assess(
        rules(),
        &answers(&[("cssrs_2", 1), ("cssrs_4", 0), ("cssrs_5", 0)]),
    )
    .unwrap_err();
    assert_eq!(
        err,
        AnswerError::Missing {
            item: "cssrs_3".into()
        }
    );
}

#[test]
fn cssrs_recency_is_required_after_a_yes_to_item_6() {
    let err = assess(rules(), &answers(&[("cssrs_6", 1)])).unwrap_err();
    assert_eq!(
        err,
        AnswerError::Missing {
            item: "cssrs_6_recent".into()
        }
    );
}

#[test]
fn pcptsd5_without_exposure_scores_0_and_ignores_items() {
    let a = run(&[
        ("pcptsd5_0", 0),
        ("pcptsd5_1", 1),
        ("pcptsd5_2", 1),
        ("pcptsd5_3", 1),
    ]);
    assert_eq!(scale(&a, "pcptsd5"), (Some(0), Some("negative".into())));
    assert_eq!(a.warnings.len(), 3);
}

#[test]
fn pcptsd5_positive_at_3_after_exposure() {
    let exposed = |yes: usize| {
        let mut set = vec![("pcptsd5_0".to_string(), 1)];
        set.extend((1..=5).map(|k| (format!("pcptsd5_{k}"), i64::from(k <= yes))));
        with(&set, &[])
    };
    assert_eq!(
        scale(&exposed(2), "pcptsd5"),
        (Some(2), Some("negative".into()))
    );
    assert_eq!(
        scale(&exposed(3), "pcptsd5"),
        (Some(3), Some("positive".into()))
    );
    assert_eq!(
        scale(&exposed(5), "pcptsd5"),
        (Some(5), Some("positive".into()))
    );
}

#[test]
fn pcptsd5_exposed_with_an_item_missing_is_rejected() {
    let err = assess(rules(), &answers(&[("pcptsd5_0", 1), ("pcptsd5_1", 1)])).unwrap_err();
    assert_eq!(
        err,
        AnswerError::Missing {
            item: "pcptsd5_2".into()
        }
    );
}

#[test]
fn scoff_positive_at_2() {
    assert_eq!(
        scale(&run(&[("scoff_1", 1)]), "scoff"),
        (Some(1), Some("negative".into()))
    );
    assert_eq!(
        scale(&run(&[("scoff_1", 1), ("scoff_5", 1)]), "scoff"),
        (Some(2), Some("positive".into()))
    );
}

#[test]
fn a_missing_phq9_item_is_never_read_as_0() {
    let rules = rules();
    let mut a = answers(&[]);
    a.clear(rules.item_index("phq9_4").expect("item"));
    assert_eq!(
        assess(rules, &a).unwrap_err(),
        AnswerError::Missing {
            item: "phq9_4".into()
        }
    );
}

#[test]
fn a_missing_context_item_rejects_the_record() {
    let rules = rules();
    let mut a = answers(&[]);
    a.clear(rules.item_index("harm_others").expect("item"));
    assert_eq!(
        assess(rules, &a).unwrap_err(),
        AnswerError::Missing {
            item: "harm_others".into()
        }
    );
}

#[test]
fn unparsed_text_rejects_a_shown_item_and_is_ignored_on_a_hidden_one() {
    let rules = rules();
    let mut a = answers(&[]);
    a.set_text(rules, rules.item_index("cssrs_3").expect("item"), "maybe");
    assert!(
        assess(rules, &a).is_ok(),
        "cssrs_3 is hidden: its text is ignored"
    );
    a.set_text(rules, rules.item_index("phq9_2").expect("item"), "7");
    assert!(
        matches!(assess(rules, &a), Err(AnswerError::Invalid { item, .. }) if item == "phq9_2")
    );
}

// Placement: the outcomes the policy requires (rules/README.md).

macro_rules! placement_cases {
    ($($name:ident: [$($id:literal = $v:literal),*] => $level:literal, crisis $crisis:literal;)*) => {
        $(
            #[test]
            fn $name() {
                let a = run(&[$(($id, $v)),*]);
                assert_eq!((level(&a), a.crisis), ($level, $crisis), "flags {:?}", flags(&a));
            }
        )*
    };
}

placement_cases! {
    minimal_answers_give_outpatient: [] => "outpatient", crisis false;
    harm_others_intent_is_crisis_and_residential: ["harm_others" = 2] => "residential", crisis true;
    harm_others_thoughts_alone_stay_outpatient_with_a_flag: ["harm_others" = 1] => "outpatient", crisis false;
    cssrs_behavior_within_3_months_is_crisis: ["cssrs_6" = 1, "cssrs_6_recent" = 1] => "residential", crisis true;
    cssrs_intent_is_crisis: ["cssrs_2" = 1, "cssrs_3" = 0, "cssrs_4" = 1, "cssrs_5" = 0] => "residential", crisis true;
    // Policy 1.1: a method raises the level; past behaviour alone does not.
    cssrs_method_needs_iop: ["cssrs_2" = 1, "cssrs_3" = 1, "cssrs_4" = 0, "cssrs_5" = 0] => "iop", crisis false;
    cssrs_past_behaviour_only_leaves_the_level_to_the_other_domains: ["cssrs_6" = 1, "cssrs_6_recent" = 0] => "outpatient", crisis false;
    unsafe_at_home_is_residential_without_crisis: ["home_safety" = 2] => "residential", crisis false;
    withdrawal_danger_is_residential_without_crisis: ["withdrawal_history" = 1, "daily_use" = 1] => "residential", crisis false;
    withdrawal_history_without_daily_use_is_not_withdrawal_danger: ["withdrawal_history" = 1] => "outpatient", crisis false;
    outpatient_insufficient_needs_iop: ["outpatient_insufficient" = 1] => "iop", crisis false;
    recent_discharge_alone_steps_down_to_iop: ["recent_discharge" = 1] => "iop", crisis false;
    medical_complications_alone_need_iop: ["medical_complications" = 1] => "iop", crisis false;
    medical_complications_with_positive_scoff_need_php: ["medical_complications" = 1, "scoff_1" = 1, "scoff_2" = 1] => "php", crisis false;
    limited_support_alone_stays_outpatient: ["support" = 2] => "outpatient", crisis false;
    harmful_drug_use_needs_iop: ["dast10_1" = 1, "dast10_2" = 1, "dast10_4" = 1, "dast10_5" = 1, "dast10_6" = 1, "dast10_7" = 1] => "iop", crisis false;
    hazardous_drug_use_alone_stays_outpatient: ["dast10_1" = 1, "dast10_2" = 1, "dast10_4" = 1] => "outpatient", crisis false;
}

/// Level cases over a symptom total: `(prefix x items = total, [other
/// answers]) => level`.
macro_rules! threshold_cases {
    ($($name:ident: $prefix:literal x $n:literal = $total:literal, [$($id:literal = $v:literal),*] => $level:literal;)*) => {
        $(
            #[test]
            fn $name() {
                assert_eq!(level(&with(&spread($prefix, $n, $total), &[$(($id, $v)),*])), $level);
            }
        )*
    };
}

threshold_cases! {
    // Policy 1.1: outpatient care is for people managing daily life.
    phq9_14_extremely_difficult_needs_iop: "phq9" x 8 = 14, ["phq9_10" = 3] => "iop";
    phq9_14_somewhat_difficult_stays_outpatient: "phq9" x 8 = 14, ["phq9_10" = 1] => "outpatient";
    phq9_9_extremely_difficult_stays_outpatient: "phq9" x 8 = 9, ["phq9_10" = 3] => "outpatient";
    phq9_15_is_moderately_severe_and_needs_iop: "phq9" x 8 = 15, ["phq9_10" = 0] => "iop";
    phq9_20_somewhat_difficult_needs_iop: "phq9" x 8 = 20, ["phq9_10" = 1] => "iop";
    phq9_20_very_difficult_needs_php: "phq9" x 8 = 20, ["phq9_10" = 2] => "php";
    phq9_20_safe_at_home_only_with_help_needs_php: "phq9" x 8 = 20, ["phq9_10" = 0, "home_safety" = 1] => "php";
    phq9_19_with_marked_impairment_is_not_severe_so_iop: "phq9" x 8 = 19, ["phq9_10" = 3] => "iop";
    gad7_15_with_marked_impairment_needs_php: "gad7" x 7 = 15, ["home_safety" = 1] => "php";
    gad7_10_safe_at_home_only_with_help_needs_iop: "gad7" x 7 = 10, ["home_safety" = 1] => "iop";
    gad7_9_safe_at_home_only_with_help_stays_outpatient: "gad7" x 7 = 9, ["home_safety" = 1] => "outpatient";
    recent_discharge_with_phq9_15_needs_php: "phq9" x 8 = 15, ["phq9_10" = 0, "recent_discharge" = 1] => "php";
    recent_discharge_with_phq9_14_steps_down_to_iop: "phq9" x 8 = 14, ["phq9_10" = 0, "recent_discharge" = 1] => "iop";
    // Policy 1.1, recovery environment: N is what the other rules give.
    no_home_with_phq9_15_stays_iop_with_housing_arranged: "phq9" x 8 = 15, ["phq9_10" = 0, "support" = 2] => "iop";
    limited_support_with_phq9_15_stays_iop: "phq9" x 8 = 15, ["phq9_10" = 0, "support" = 1] => "iop";
    no_home_when_the_others_give_php_is_residential: "phq9" x 8 = 20, ["phq9_10" = 2, "support" = 2] => "residential";
    little_support_when_the_others_give_php_stays_php: "phq9" x 8 = 20, ["phq9_10" = 2, "support" = 1] => "php";
}

#[test]
fn co_occurring_depression_and_hazardous_drinking_need_iop_and_integrated_care() {
    let mut set = spread("phq9", 8, 10);
    set.push(("audit_1".into(), 4));
    set.push(("audit_2".into(), 4));
    let a = with(&set, &[("phq9_10", 0)]);
    assert_eq!(scale(&a, "audit"), (Some(8), Some("hazardous".into())));
    assert_eq!(level(&a), "iop");
    assert!(features(&a).contains(&"dual_diagnosis".to_string()));
    // The same drinking without depression stays outpatient.
    let a = run(&[("audit_1", 4), ("audit_2", 4)]);
    assert_eq!(level(&a), "outpatient");
    assert!(!features(&a).contains(&"dual_diagnosis".to_string()));
}

#[test]
fn harmful_drinking_needs_iop_and_substance_treatment() {
    let a = audit(16, 0, 0);
    assert_eq!(
        (level(&a), features(&a)),
        ("iop", vec!["substance_use_treatment".to_string()])
    );
}

#[test]
fn positive_scoff_and_pcptsd5_add_specialization_features() {
    let a = run(&[("scoff_1", 1), ("scoff_2", 1)]);
    assert_eq!(features(&a), vec!["eating_disorder_program".to_string()]);
    let mut set = vec![("pcptsd5_0".to_string(), 1)];
    set.extend((1..=5).map(|k| (format!("pcptsd5_{k}"), 1)));
    assert_eq!(
        features(&with(&set, &[])),
        vec!["trauma_focused".to_string()]
    );
}

#[test]
fn trace_records_values_seen_for_a_fired_rule() {
    let a = run(&[("withdrawal_history", 1), ("daily_use", 1)]);
    // The trace is put into words by report, over the engine's facts.
    let trace = crate::report::trace::Tracer::of(rules()).trace(rules(), &a);
    let flag = trace
        .iter()
        .find(|e| e.id == "withdrawal_danger" && e.kind == crate::report::trace::TraceKind::Flag)
        .expect("entry");
    assert!(flag.fired);
    assert_eq!(
        flag.condition,
        "all(item withdrawal_history = 1, item daily_use = 1)"
    );
    assert_eq!(flag.seen.len(), 2);
    assert_eq!(flag.seen[0].value.as_deref(), Some("1"));
    let rule = trace
        .iter()
        .find(|e| e.id == "moderately_severe_symptoms")
        .expect("entry");
    assert!(!rule.fired);
    assert_eq!(rule.seen[0].value.as_deref(), Some("mild"));
}

#[test]
fn withdrawal_danger_recommends_medically_managed_withdrawal() {
    let a = run(&[("withdrawal_history", 1), ("daily_use", 1)]);
    assert!(features(&a).contains(&"medically_managed_withdrawal".to_string()));
    assert_eq!(
        flags(&a),
        vec![
            "withdrawal_danger",
            "withdrawal_history_severe",
            "daily_use_caution"
        ]
    );
    assert_eq!(level(&a), "residential");
    assert!(!a.crisis);
}

#[test]
fn a_withdrawal_history_alone_is_flagged_for_today_without_raising_the_level() {
    let a = run(&[("withdrawal_history", 1)]);
    assert_eq!(flags(&a), vec!["withdrawal_history_severe"]);
    assert_eq!(level(&a), "outpatient");
    let f = &rules().flags[flag_ix("withdrawal_history_severe")];
    assert_eq!(f.urgency, Some(crate::model::Urgency::Today));
    assert!(!f.is_safety());
}

/// AUDIT 20 (items 1-5 at 4) with daily use: withdrawal risk, at least IOP;
/// items 4-6 sum 8, so the dependence sub-score is positive.
#[test]
fn daily_use_with_heavy_drinking_raises_withdrawal_risk_and_at_least_iop() {
    let heavy = [
        ("audit_1", 4),
        ("audit_2", 4),
        ("audit_3", 4),
        ("audit_4", 4),
        ("audit_5", 4),
    ];
    let a = run(&[&heavy[..], &[("daily_use", 1)]].concat());
    assert_eq!(
        scale(&a, "audit"),
        (Some(20), Some("possible_dependence".into()))
    );
    assert_eq!(scale(&a, "audit_dep"), (Some(8), Some("positive".into())));
    assert!(flags(&a).contains(&"withdrawal_risk".to_string()));
    assert!(flags(&a).contains(&"daily_use_caution".to_string()));
    assert_eq!(level(&a), "iop");
    // Without daily use, no withdrawal risk: the dependence finding stays.
    let b = run(&heavy);
    assert!(!flags(&b).contains(&"withdrawal_risk".to_string()));
    assert!(flags(&b).contains(&"possible_alcohol_dependence".to_string()));
}

/// The AUDIT dependence sub-score sums items 4-6 (0-4 each): 3 is
/// negative, 4 positive.
#[test]
fn the_audit_dependence_sub_score_is_positive_from_4() {
    let a = run(&[("audit_4", 1), ("audit_5", 1), ("audit_6", 1)]);
    assert_eq!(scale(&a, "audit_dep"), (Some(3), Some("negative".into())));
    let b = run(&[("audit_4", 2), ("audit_5", 1), ("audit_6", 1)]);
    assert_eq!(scale(&b, "audit_dep"), (Some(4), Some("positive".into())));
    assert!(features(&b).contains(&"substance_use_treatment".to_string()));
    // It raises the level only through withdrawal risk.
    assert_eq!(level(&b), "outpatient");
}

#[test]
fn unsafe_at_home_is_a_safety_flag_at_residential() {
    let a = run(&[("home_safety", 2)]);
    assert_eq!(flags(&a), vec!["unsafe_at_home"]);
    assert!(a.safety(rules()));
    assert!(!a.crisis);
    assert_eq!(level(&a), "residential");
}

#[test]
fn item9_positive_raises_a_safety_flag_even_at_minimal_total() {
    let a = run(&[("phq9_9", 1), ("phq9_10", 0)]);
    assert_eq!(scale(&a, "phq9"), (Some(1), Some("minimal".into())));
    assert_eq!(flags(&a), vec!["suicidal_ideation".to_string()]);
    assert!(a.safety(rules()));
}

#[test]
fn crisis_overrides_every_other_finding_and_lists_crisis_flags_first() {
    let mut set = spread("phq9", 8, 24);
    set.push(("phq9_10".into(), 3));
    let a = with(&set, &[("harm_others", 2), ("home_safety", 2)]);
    assert!(a.crisis);
    assert_eq!(level(&a), "residential");
    assert_eq!(flags(&a)[0], "harm_others_intent");
    let reasons: Vec<String> = a.reasons(rules()).iter().map(|r| r.id(rules())).collect();
    assert_eq!(reasons, vec!["harm_others_intent".to_string()]);
}

// Missing-data rules, on a fixture rule set that declares them.

fn prorate_rules() -> RuleSet {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/prorate");
    load(&RulesSource::Path(path)).expect("prorate fixture loads")
}

fn prorate_case(rules: &RuleSet, set: &[(&str, i64)]) -> Result<Assessment, AnswerError> {
    let answers = Answers::from_codes(rules, set.iter().copied()).expect("valid codes");
    assess(rules, &answers)
}

#[test]
fn prorating_scales_the_mean_of_answered_items_rounding_half_up() {
    let rules = prorate_rules();
    let full = [
        ("p_1", 1),
        ("p_2", 2),
        ("p_3", 2),
        ("p_4", 3),
        ("q_1", 0),
        ("q_2", 0),
        ("r_1", 0),
        ("r_2", 0),
        ("r_3", 0),
    ];
    let a = prorate_case(&rules, &full).expect("scored");
    assert_eq!(
        (
            a.scales[ScaleIx::new(0)].score,
            a.scales[ScaleIx::new(0)].prorated
        ),
        (Some(8), false)
    );
    // p_1 missing: 7 from 3 items -> 7 * 4 / 3 = 9.33 -> 9.
    let a = prorate_case(&rules, &full[1..]).expect("scored");
    assert_eq!(
        (
            a.scales[ScaleIx::new(0)].score,
            a.scales[ScaleIx::new(0)].missing,
            a.scales[ScaleIx::new(0)].prorated
        ),
        (Some(9), 1, true)
    );
    assert_eq!(
        a.warnings,
        vec![Warning::Prorated {
            scale: ScaleIx::new(0),
            missing: 1
        }]
    );
    // p_2 missing from (1, _, 2, 3): 6 * 4 / 3 = 8 exactly; (1, _, 1, 2): 4 * 4 / 3 = 5.33 -> 5;
    // (1, _, 2, 2): 5 * 4 / 3 = 6.67 -> 7; (0, _, 0, 1): 1 * 4 / 3 = 1.33 -> 1; (1, _, 0, 1) 2.67 -> 3.
    for (p1, p3, p4, expected) in [
        (1, 2, 3, 8),
        (1, 1, 2, 5),
        (1, 2, 2, 7),
        (0, 0, 1, 1),
        (1, 0, 1, 3),
    ] {
        let set = [
            ("p_1", p1),
            ("p_3", p3),
            ("p_4", p4),
            ("q_1", 0),
            ("q_2", 0),
            ("r_1", 0),
            ("r_2", 0),
            ("r_3", 0),
        ];
        assert_eq!(
            prorate_case(&rules, &set).expect("scored").scales[ScaleIx::new(0)].score,
            Some(expected)
        );
    }
}

#[test]
fn prorating_a_half_rounds_up() {
    let rules = prorate_rules();
    let base = [
        ("p_1", 0),
        ("p_2", 0),
        ("p_3", 0),
        ("p_4", 0),
        ("q_1", 0),
        ("q_2", 0),
    ];
    // r_3 missing: the mean of two items times 3.
    for (r1, r2, expected) in [(1, 2, 5), (0, 1, 2), (1, 1, 3), (3, 3, 9), (0, 0, 0)] {
        let mut set = base.to_vec();
        set.extend([("r_1", r1), ("r_2", r2)]);
        let a = prorate_case(&rules, &set).expect("scored");
        assert_eq!(
            a.scales[ScaleIx::new(2)].score,
            Some(expected),
            "r_1={r1} r_2={r2}"
        );
    }
}

#[test]
fn prorating_never_covers_more_than_max_missing_or_a_never_item() {
    let rules = prorate_rules();
    let r = [("r_1", 0), ("r_2", 0), ("r_3", 0)];
    let err = prorate_case(
        &rules,
        &[&[("p_3", 1), ("p_4", 1), ("q_1", 0), ("q_2", 0)], &r[..]].concat(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        AnswerError::TooManyMissing {
            scale: "p".into(),
            item: "p_1".into(),
            missing: 2,
            allowed: 1
        }
    );
    let err = prorate_case(
        &rules,
        &[
            &[("p_1", 1), ("p_2", 1), ("p_3", 1), ("q_1", 0), ("q_2", 0)],
            &r[..],
        ]
        .concat(),
    )
    .unwrap_err();
    assert_eq!(err, AnswerError::Missing { item: "p_4".into() });
}

#[test]
fn an_invalid_scale_has_no_score_and_its_rules_do_not_fire() {
    let rules = prorate_rules();
    let set = [
        ("p_1", 0),
        ("p_2", 0),
        ("p_3", 0),
        ("p_4", 0),
        ("q_1", 1),
        ("r_1", 0),
        ("r_2", 0),
        ("r_3", 0),
    ];
    let a = prorate_case(&rules, &set).expect("scored");
    assert_eq!(
        (
            a.scales[ScaleIx::new(1)].score,
            a.scales[ScaleIx::new(1)].band,
            a.scales[ScaleIx::new(1)].missing
        ),
        (None, None, 1)
    );
    assert_eq!(
        a.warnings,
        vec![Warning::ScaleInvalid {
            scale: ScaleIx::new(1),
            missing: 1
        }]
    );
    assert!(!a.rules[RuleIx::new(1)]);
}

#[test]
fn an_optional_unscored_item_may_be_left_out() {
    let rules = prorate_rules();
    let set = [
        ("p_1", 0),
        ("p_2", 0),
        ("p_3", 0),
        ("p_4", 0),
        ("q_1", 0),
        ("q_2", 0),
        ("r_1", 0),
        ("r_2", 0),
        ("r_3", 0),
    ];
    assert!(prorate_case(&rules, &set).is_ok());
    let mut without_r = set.to_vec();
    without_r.retain(|(id, _)| *id != "r_2");
    assert!(
        prorate_case(&rules, &without_r).is_ok(),
        "r prorates one missing item"
    );
}
