//! Flow tests through a scripted prompter on the default rule set.

use std::collections::{HashMap, VecDeque};

use super::command::{ResultFormat, Settings};
use super::session::Session;
use super::{
    run, HiddenRisk, Prompter, Question, Replaced, Reply, ReviewChoice, ReviewEntry, Stop,
};
use crate::answers::Answers;
use crate::model::{Flag, Resource, RuleSet};
use crate::rules::{load, RulesSource};

fn rules() -> &'static RuleSet {
    use std::sync::OnceLock;
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| load(&RulesSource::Embedded).expect("default rules"))
}

/// Answers by item id (the least severe code otherwise); scripted `Back`
/// presses before given items; review changes; a log of what happened.
#[derive(Default)]
struct Script {
    answers: HashMap<&'static str, i64>,
    /// (item id, code to give the second time it is asked): first time at
    /// this item, press Back instead of answering.
    back_at: Vec<(&'static str, i64)>,
    reviews: VecDeque<(&'static str, i64)>,
    /// Times the review is left with Esc before any change.
    review_back: usize,
    pending_change: Option<i64>,
    log: Vec<String>,
    stop_at: Option<&'static str>,
    /// Replies given in turn each time an item is asked, before the rest.
    replies: HashMap<&'static str, VecDeque<Reply>>,
    /// Each question asked, with the answer it offered as the default.
    offered: Vec<(String, Option<i64>)>,
    /// Replies to changes that take away a safety finding, in turn:
    /// `true` records the change (also once these run out), `false` keeps
    /// the earlier answer.
    confirms: VecDeque<bool>,
}

impl Script {
    /// Reply to `id` with these, in turn, the next times it is asked.
    fn replies(&mut self, id: &'static str, replies: &[Reply]) {
        self.replies.entry(id).or_default().extend(replies);
    }
}

impl Prompter for Script {
    fn ask(&mut self, q: &Question<'_>) -> Result<Reply, Stop> {
        let id = q.item.id.as_str();
        self.log.push(format!("ask {id}"));
        self.offered.push((id.to_string(), q.current));
        if self.stop_at == Some(id) {
            return Err(Stop::Interrupted);
        }
        if let Some(code) = self.pending_change.take() {
            return Ok(Reply::Answer(code));
        }
        if let Some(reply) = self.replies.get_mut(id).and_then(VecDeque::pop_front) {
            return Ok(reply);
        }
        if let Some(at) = self.back_at.iter().position(|(item, _)| *item == id) {
            let (item, later) = self.back_at.remove(at);
            self.answers.insert(item, later);
            return Ok(Reply::Back);
        }
        let code = self
            .answers
            .get(id)
            .copied()
            .unwrap_or_else(|| q.item.codes().expect("codes")[0]);
        Ok(Reply::Answer(code))
    }

    fn crisis(&mut self, flags: &[&Flag], resources: &[&Resource]) -> Result<(), Stop> {
        assert!(!resources.is_empty());
        let ids: Vec<&str> = flags.iter().map(|f| f.id.as_str()).collect();
        self.log.push(format!("crisis {}", ids.join(",")));
        Ok(())
    }

    fn hidden_risk(&mut self, rules: &RuleSet, hidden: &[HiddenRisk]) -> Result<(), Stop> {
        for notice in hidden {
            let items: Vec<String> = notice
                .items
                .iter()
                .map(|&(i, code)| format!("{}={code}", rules.items[i].id))
                .collect();
            let gate = notice.gate.map_or("none".to_string(), |(g, code)| {
                format!(
                    "{}={}",
                    rules.items[g].id,
                    code.map_or("_".into(), |c| c.to_string())
                )
            });
            self.log
                .push(format!("hidden_risk {} by {gate}", items.join(",")));
            // The words exist in the rule set's language.
            let (lines, why) = notice.words(rules);
            assert_eq!(lines.len(), notice.items.len());
            assert!(!why.is_empty());
        }
        Ok(())
    }

    fn disposition(
        &mut self,
        _: &RuleSet,
        _: usize,
        _: &super::ResultScreen,
        _: bool,
    ) -> Result<super::Disposition, Stop> {
        Ok(super::Disposition::Accepted {
            reason_text: None,
            decided_by: None,
        })
    }
    fn amend(&mut self, _: &super::ResultScreen) -> Result<bool, Stop> {
        Ok(false)
    }

    fn confirm_lowering(
        &mut self,
        rules: &RuleSet,
        change: &super::Lowering,
    ) -> Result<bool, Stop> {
        let record = self.confirms.pop_front().unwrap_or(true);
        self.log.push(format!(
            "{} {}:{}>{}",
            if record { "retract" } else { "keep" },
            rules.items[change.item].id,
            change.from,
            change.to
        ));
        assert!(!change.words(rules).is_empty());
        Ok(record)
    }

    fn review(&mut self, entries: &[ReviewEntry<'_>]) -> Result<ReviewChoice, Stop> {
        self.log.push("review".into());
        if self.review_back > 0 {
            self.review_back -= 1;
            return Ok(ReviewChoice::Back);
        }
        match self.reviews.pop_front() {
            None => Ok(ReviewChoice::Confirm),
            Some((id, code)) => {
                let entry = entries
                    .iter()
                    .find(|e| e.item.id == id)
                    .expect("reviewed item listed");
                self.pending_change = Some(code);
                Ok(ReviewChoice::Change(entry.index))
            }
        }
    }
}

fn interview(script: &mut Script, answers: &mut Answers) -> Result<usize, Stop> {
    interview_saved(script, answers, &mut Vec::new()).map(|(saves, _)| saves)
}

/// The interview, with the count of saves and the originals of replaced
/// answers as last saved (what the session file holds).
fn interview_saved(
    script: &mut Script,
    answers: &mut Answers,
    replaced: &mut Vec<Replaced>,
) -> Result<(usize, Vec<Replaced>), Stop> {
    let mut saves = 0;
    let mut saved = replaced.clone();
    run(rules(), answers, replaced, script, &mut |_, r| {
        saves += 1;
        saved = r.to_vec();
        Ok(())
    })?;
    Ok((saves, saved))
}

fn item(id: &str) -> usize {
    rules().item_index(id).expect("item")
}

fn asked(script: &Script) -> Vec<&str> {
    script
        .log
        .iter()
        .filter_map(|l| l.strip_prefix("ask "))
        .collect()
}

fn code(answers: &Answers, id: &str) -> Option<i64> {
    answers.get(rules().item_index(id).expect("item"))
}

#[test]
fn skip_logic_hides_follow_ups_and_every_answer_is_saved() {
    let mut script = Script::default();
    let mut answers = Answers::new(rules());
    let saves = interview(&mut script, &mut answers).expect("completes");
    let asked = asked(&script);
    for hidden in [
        "phq9_10",
        "cssrs_3",
        "cssrs_4",
        "cssrs_5",
        "cssrs_6_recent",
        "pcptsd5_1",
    ] {
        assert!(!asked.contains(&hidden), "{hidden} must not be asked");
    }
    // 63 answerable items; 10 hidden when every answer is the least severe.
    assert_eq!(asked.len(), 53);
    assert_eq!(saves, 53);
    assert_eq!(script.log.last().map(String::as_str), Some("review"));
    assert!(crate::assess::assess(rules(), &answers).is_ok());
}

#[test]
fn going_back_and_changing_an_answer_drops_answers_it_hides() {
    let mut script = Script::default();
    script.answers.insert("cssrs_2", 1);
    script.answers.insert("cssrs_3", 1);
    // At cssrs_4, go back: cssrs_3 is asked again (answered 1 again), then
    // cssrs_4, answered 0 this time.
    script.back_at.push(("cssrs_4", 0));
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    let asked = asked(&script);
    let from = asked.iter().position(|a| *a == "cssrs_2").expect("asked");
    assert_eq!(
        &asked[from..from + 5],
        ["cssrs_2", "cssrs_3", "cssrs_4", "cssrs_3", "cssrs_4"]
    );
    assert_eq!(code(&answers, "cssrs_3"), Some(1));

    // Now change cssrs_2 to "no" at review: cssrs_3..5, all "no", are
    // hidden, raise nothing, and are dropped.
    let mut script = Script::default();
    script.answers.insert("cssrs_2", 1);
    script.reviews.push_back(("cssrs_2", 0));
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(code(&answers, "cssrs_2"), Some(0));
    assert_eq!(
        code(&answers, "cssrs_3"),
        None,
        "a hidden answer is dropped"
    );
    assert!(!script.log.iter().any(|l| l.starts_with("hidden_risk")));
    assert_eq!(script.log.iter().filter(|l| *l == "review").count(), 2);
}

#[test]
fn a_review_edit_that_reveals_a_question_asks_it() {
    let mut script = Script::default();
    script.reviews.push_back(("phq9_1", 2));
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    let tail: Vec<&str> = script
        .log
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["review", "ask phq9_1", "ask phq9_10", "review"]);
    assert_eq!(code(&answers, "phq9_1"), Some(2));
    assert_eq!(code(&answers, "phq9_10"), Some(0));
}

#[test]
fn the_crisis_notice_comes_right_after_the_answer_that_raises_it() {
    let mut script = Script::default();
    script.answers.insert("cssrs_2", 1);
    script.answers.insert("cssrs_4", 1);
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    let at = script
        .log
        .iter()
        .position(|l| l.starts_with("crisis"))
        .expect("crisis notice");
    assert_eq!(script.log[at - 1], "ask cssrs_4");
    assert_eq!(script.log[at], "crisis suicide_risk_high");
    assert_eq!(script.log[at + 1], "ask cssrs_5", "the interview continues");
    assert_eq!(
        script
            .log
            .iter()
            .filter(|l| l.starts_with("crisis"))
            .count(),
        1,
        "shown once"
    );
}

#[test]
fn an_interrupted_interview_resumes_where_it_stopped() {
    let mut script = Script {
        stop_at: Some("audit_1"),
        ..Script::default()
    };
    script.answers.insert("phq9_1", 3);
    let mut answers = Answers::new(rules());
    assert!(matches!(
        interview(&mut script, &mut answers),
        Err(Stop::Interrupted)
    ));
    assert_eq!(
        code(&answers, "phq9_1"),
        Some(3),
        "answers before the stop are kept"
    );

    let mut script = Script::default();
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(asked(&script)[0], "audit_1");
    assert_eq!(code(&answers, "phq9_1"), Some(3));
}

#[test]
fn the_interview_result_equals_batch_scoring_of_the_same_answers() {
    let mut script = Script::default();
    for (id, v) in [
        ("phq9_1", 3),
        ("phq9_2", 2),
        ("phq9_10", 2),
        ("audit_1", 4),
        ("audit_2", 3),
        ("harm_others", 1),
        ("support", 2),
    ] {
        script.answers.insert(id, v);
    }
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    let direct = crate::assess::assess(rules(), &answers).expect("scored");

    let items: Vec<usize> = (0..rules().items.len())
        .filter(|&i| rules().items[i].is_answerable())
        .collect();
    let header: Vec<&str> = items
        .iter()
        .map(|&i| rules().items[i].id.as_str())
        .collect();
    let values: Vec<String> = items
        .iter()
        .map(|&i| answers.get(i).map(|v| v.to_string()).unwrap_or_default())
        .collect();
    let csv = format!("id,{}\nx,{}\n", header.join(","), values.join(","));
    let mut out = Vec::new();
    crate::batch::score(
        rules(),
        csv.as_bytes(),
        &mut out,
        &crate::batch::BatchOptions::new("id", crate::batch::Format::Csv),
    )
    .expect("batch");
    let text = String::from_utf8(out).expect("utf8");
    let row = text.lines().nth(1).expect("row");
    let flags: Vec<&str> = direct
        .raised_flags(rules())
        .map(|f| rules().flags[f].id.as_str())
        .collect();
    let expected = format!(
        "x,{},{},{},{}",
        rules().levels[direct.level].id,
        rules().levels[direct.level].name,
        direct.crisis,
        flags.join(";")
    );
    assert!(row.starts_with(&expected), "{row}\n{expected}");
}

#[test]
fn a_session_is_saved_privately_and_refused_by_other_rules() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("sessions").join("s.json");
    let mut answers = Answers::new(rules());
    answers.set(rules(), 0, 2).expect("code");
    save_session(&path, "c-1", &answers, &[]);
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let folder = std::fs::metadata(dir.path().join("sessions"))
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(folder, 0o700);
    let (id, back, _) = load_session(&path, rules()).expect("loads");
    assert_eq!((id.as_str(), back.get(0)), ("c-1", Some(2)));

    let other = load(&RulesSource::Path(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/minimal"),
    ))
    .expect("minimal");
    let err = load_session(&path, &other).expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("was started with rule set carescreen-default"),
        "{message}"
    );
    assert!(
        message.contains("resume it with the same rules"),
        "{message}"
    );
}

#[test]
fn a_resumed_session_shows_its_crisis_again_before_the_next_question() {
    let mut answers = Answers::new(rules());
    answers
        .set(rules(), rules().item_index("harm_others").expect("item"), 2)
        .expect("code");
    let mut script = Script::default();
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(script.log[0], "crisis harm_others_intent");
    assert!(script.log[1].starts_with("ask "));
}

#[test]
fn a_resumed_session_drops_hidden_answers_that_raise_nothing() {
    let mut answers = Answers::new(rules());
    for (id, code) in [
        ("cssrs_2", 0),
        ("cssrs_4", 0),
        ("pcptsd5_0", 0),
        ("pcptsd5_1", 1),
    ] {
        answers.set(rules(), item(id), code).expect("code");
    }
    let mut script = Script::default();
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(code(&answers, "cssrs_4"), None);
    assert_eq!(code(&answers, "pcptsd5_1"), None, "not a safety answer");
    assert!(
        !script
            .log
            .iter()
            .any(|l| l.starts_with("crisis") || l.starts_with("hidden_risk")),
        "a hidden answer raises nothing: {:?}",
        script.log
    );
}

/// C-SSRS 1 yes, 2 yes, 3 no, 4 yes (the crisis notice), then back from
/// item 5 to item 2, changed to "no": item 4's "yes" is hidden.
fn intent_then_back_to_item_2(script: &mut Script) {
    script.replies("cssrs_1", &[Reply::Answer(1)]);
    script.replies("cssrs_2", &[Reply::Answer(1), Reply::Answer(0)]);
    script.replies("cssrs_3", &[Reply::Answer(0), Reply::Back]);
    script.replies("cssrs_4", &[Reply::Answer(1), Reply::Back]);
    script.replies("cssrs_5", &[Reply::Back]);
}

#[test]
fn a_change_that_hides_a_risk_answer_names_it_and_asks_the_gate_then_it_again() {
    let mut script = Script::default();
    intent_then_back_to_item_2(&mut script);
    // Asked again: item 2 still "no"; item 4, asked directly, still "yes".
    script.replies("cssrs_2", &[Reply::Answer(0)]);
    script.replies("cssrs_4", &[Reply::Answer(1)]);
    let mut answers = Answers::new(rules());
    let (_, replaced) =
        interview_saved(&mut script, &mut answers, &mut Vec::new()).expect("completes");
    let from = script
        .log
        .iter()
        .position(|l| l == "ask cssrs_1")
        .expect("asked");
    let log: Vec<&str> = script.log[from..]
        .iter()
        .map(String::as_str)
        .take(13)
        .collect();
    assert_eq!(
        log,
        [
            "ask cssrs_1",
            "ask cssrs_2",
            "ask cssrs_3",
            "ask cssrs_4",
            "crisis suicide_risk_high",
            "ask cssrs_5",
            "ask cssrs_4",
            "ask cssrs_3",
            "ask cssrs_2",
            // A "yes" to item 2 taken back: confirmed, so item 2 is not
            // asked again; item 3's "no" raises nothing: dropped without a
            // word; item 4's "yes" is kept and asked directly.
            "retract cssrs_2:1>0",
            "hidden_risk cssrs_4=1 by cssrs_2=0",
            "ask cssrs_4",
            "ask cssrs_6",
        ]
    );
    assert_eq!(code(&answers, "cssrs_2"), Some(0));
    assert_eq!(code(&answers, "cssrs_3"), None);
    assert_eq!(
        code(&answers, "cssrs_4"),
        Some(1),
        "the confirmed yes stays"
    );
    assert_eq!(
        asked(&script).iter().filter(|a| **a == "cssrs_4").count(),
        3,
        "not asked again after it was confirmed"
    );
    assert!(
        warning_codes(&answers).contains(&"retracted:cssrs_2".to_string()),
        "{:?}",
        warning_codes(&answers)
    );
    let result = crate::assess::assess(rules(), &answers).expect("scored");
    assert!(result.crisis, "the engine counts the kept yes for safety");
    assert!(result
        .warnings
        .iter()
        .any(|w| w.code(rules()) == "hidden_kept:cssrs_4"));
    assert_eq!(
        replaced,
        [Replaced {
            item: item("cssrs_4"),
            code: 1,
            hidden_by: Some(item("cssrs_2")),
        }],
        "the session keeps the original"
    );
}

#[test]
fn a_review_change_that_hides_a_risk_answer_asks_it_again() {
    let mut script = Script::default();
    for (id, code) in [("cssrs_1", 1), ("cssrs_2", 1), ("cssrs_4", 1)] {
        script.answers.insert(id, code);
    }
    script.reviews.push_back(("cssrs_2", 0));
    // Asked again: item 2 "no" again, item 4 (directly) "no" now.
    script.replies("cssrs_2", &[Reply::Answer(1), Reply::Answer(0)]);
    script.replies("cssrs_4", &[Reply::Answer(1), Reply::Answer(0)]);
    let mut answers = Answers::new(rules());
    let (_, replaced) =
        interview_saved(&mut script, &mut answers, &mut Vec::new()).expect("completes");
    let at = script
        .log
        .iter()
        .position(|l| l == "review")
        .expect("review");
    let log: Vec<&str> = script.log[at..].iter().map(String::as_str).collect();
    assert_eq!(
        log,
        [
            "review",
            "ask cssrs_2",
            "retract cssrs_2:1>0",
            "hidden_risk cssrs_4=1 by cssrs_2=0",
            "ask cssrs_4",
            "retract cssrs_4:1>0",
            "review",
        ]
    );
    // A hidden "no" raises nothing, and lowers nothing: dropped.
    assert_eq!(code(&answers, "cssrs_4"), None);
    let result = crate::assess::assess(rules(), &answers).expect("scored");
    assert!(!result.crisis);
    assert_eq!(replaced.len(), 1, "the original is kept: {replaced:?}");
}

#[test]
fn a_resumed_session_with_hidden_risk_answers_names_them_and_asks_the_gate_first() {
    let mut answers = Answers::new(rules());
    for (id, code) in [
        ("cssrs_1", 0),
        ("cssrs_2", 0),
        ("cssrs_3", 1),
        ("cssrs_4", 1),
        ("cssrs_5", 1),
    ] {
        answers.set(rules(), item(id), code).expect("code");
    }
    let mut script = Script::default();
    // Item 2 "no" again; asked directly, 3 "no", 4 "yes", 5 "no".
    script.replies("cssrs_2", &[Reply::Answer(0)]);
    script.replies("cssrs_3", &[Reply::Answer(0)]);
    script.replies("cssrs_4", &[Reply::Answer(1)]);
    script.replies("cssrs_5", &[Reply::Answer(0)]);
    let (_, replaced) =
        interview_saved(&mut script, &mut answers, &mut Vec::new()).expect("completes");
    let log: Vec<&str> = script.log.iter().map(String::as_str).take(9).collect();
    assert_eq!(
        log,
        [
            // Whoever resumes sees the crisis the kept answers establish.
            "crisis suicide_risk_high",
            "hidden_risk cssrs_3=1,cssrs_4=1,cssrs_5=1 by cssrs_2=0",
            "ask cssrs_2",
            "ask cssrs_3",
            // Kept answers taken back: each confirmed, and kept in the record.
            "retract cssrs_3:1>0",
            "ask cssrs_4",
            "ask cssrs_5",
            "retract cssrs_5:1>0",
            "ask phq9_1",
        ]
    );
    assert!(
        warning_codes(&answers).contains(&"retracted:cssrs_3".to_string()),
        "{:?}",
        warning_codes(&answers)
    );
    assert_eq!(code(&answers, "cssrs_3"), None);
    assert_eq!(code(&answers, "cssrs_4"), Some(1));
    assert_eq!(code(&answers, "cssrs_5"), None);
    assert!(
        crate::assess::assess(rules(), &answers)
            .expect("scored")
            .crisis
    );
    let originals: Vec<(usize, i64)> = replaced.iter().map(|r| (r.item, r.code)).collect();
    assert_eq!(
        originals,
        [
            (item("cssrs_3"), 1),
            (item("cssrs_4"), 1),
            (item("cssrs_5"), 1)
        ]
    );
}

#[test]
fn a_resumed_session_whose_re_asked_gate_shows_the_risk_answers_asks_them_at_once() {
    let mut answers = Answers::new(rules());
    for (id, code) in [("cssrs_2", 0), ("cssrs_4", 1)] {
        answers.set(rules(), item(id), code).expect("code");
    }
    let mut script = Script::default();
    script.answers.insert("cssrs_2", 1);
    interview(&mut script, &mut answers).expect("completes");
    let log: Vec<&str> = script.log.iter().map(String::as_str).take(7).collect();
    assert_eq!(
        log,
        [
            "crisis suicide_risk_high",
            "hidden_risk cssrs_4=1 by cssrs_2=0",
            "ask cssrs_2",
            // The questions it now shows, up to the kept one, at once; the
            // rest when the walk reaches them.
            "ask cssrs_3",
            "ask cssrs_4",
            "retract cssrs_4:1>0",
            "ask phq9_1",
        ]
    );
    assert!(asked(&script).contains(&"cssrs_5"), "{:?}", script.log);
    assert_eq!(
        code(&answers, "cssrs_4"),
        Some(0),
        "the new answer replaces it"
    );
}

#[test]
fn the_crisis_notice_lists_no_resource_for_the_professional_only() {
    struct Resources(Vec<String>);
    impl Prompter for Resources {
        fn ask(&mut self, q: &Question<'_>) -> Result<Reply, Stop> {
            let severe = q.item.id == "harm_others";
            Ok(Reply::Answer(if severe {
                2
            } else {
                q.item.codes().expect("codes")[0]
            }))
        }
        fn crisis(&mut self, _: &[&Flag], resources: &[&Resource]) -> Result<(), Stop> {
            self.0.extend(resources.iter().map(|r| r.id.clone()));
            Ok(())
        }
        fn hidden_risk(&mut self, _: &RuleSet, _: &[HiddenRisk]) -> Result<(), Stop> {
            Ok(())
        }
        fn disposition(
            &mut self,
            _: &RuleSet,
            _: usize,
            _: &super::ResultScreen,
            _: bool,
        ) -> Result<super::Disposition, Stop> {
            Ok(super::Disposition::Accepted {
                reason_text: None,
                decided_by: None,
            })
        }
        fn amend(&mut self, _: &super::ResultScreen) -> Result<bool, Stop> {
            Ok(false)
        }
        fn confirm_lowering(&mut self, _: &RuleSet, _: &super::Lowering) -> Result<bool, Stop> {
            unreachable!("no answer is changed")
        }
        fn review(&mut self, _: &[ReviewEntry<'_>]) -> Result<ReviewChoice, Stop> {
            Ok(ReviewChoice::Confirm)
        }
    }
    assert!(rules().resources.iter().any(|r| r.professional));
    let mut prompter = Resources(Vec::new());
    let mut answers = Answers::new(rules());
    run(
        rules(),
        &mut answers,
        &mut Vec::new(),
        &mut prompter,
        &mut |_, _| Ok(()),
    )
    .expect("runs");
    assert!(prompter.0.iter().any(|id| id == "lifeline_988"));
    assert!(
        !prompter.0.iter().any(|id| id == "duty_to_protect"),
        "{:?}",
        prompter.0
    );
}

#[test]
fn a_session_keeps_the_originals_of_replaced_answers_and_old_sessions_still_load() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("s.json");
    let mut answers = Answers::new(rules());
    answers.set(rules(), item("cssrs_2"), 0).expect("code");
    let replaced = [Replaced {
        item: item("cssrs_4"),
        code: 1,
        hidden_by: Some(item("cssrs_2")),
    }];
    save_session(&path, "c-2", &answers, &replaced);
    let text = std::fs::read_to_string(&path).expect("read");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        json["replaced"],
        serde_json::json!([{"item": "cssrs_4", "code": 1, "hidden_by": "cssrs_2"}])
    );
    let (_, back, originals) = load_session(&path, rules()).expect("loads");
    assert_eq!(back, answers);
    assert_eq!(originals, replaced);

    // A session saved before re-asks existed has no `replaced`.
    let mut old = json;
    old.as_object_mut().expect("object").remove("replaced");
    std::fs::write(&path, old.to_string()).expect("write");
    let (_, _, originals) = load_session(&path, rules()).expect("an old session loads");
    assert!(originals.is_empty());

    // Format 1: no start time, options, result or disposition. It loads,
    // started when the file was last changed.
    let mut v1 = old;
    let v1 = v1.as_object_mut().expect("object");
    for key in ["started", "last_answer", "settings"] {
        v1.remove(key);
    }
    v1.insert("format".into(), 1.into());
    std::fs::write(&path, serde_json::Value::Object(v1.clone()).to_string()).expect("write");
    let session = Session::read(&path).expect("a format-1 session loads");
    let modified = jiff::Timestamp::try_from(
        std::fs::metadata(&path)
            .expect("meta")
            .modified()
            .expect("mtime"),
    )
    .expect("time");
    assert_eq!(session.started, Some(modified.to_string()));
    assert!(!session.finished());
    assert_eq!(session.answers(&path, rules()).expect("answers").0, answers);
}

/// The settings of a plain interview.
fn settings() -> Settings {
    Settings {
        rules: None,
        lang: "en".into(),
        output: None,
        format: ResultFormat::Table,
        note_date: None,
        allow_english: false,
        note_audience: Default::default(),
    }
}

fn save_session(path: &std::path::Path, id: &str, answers: &Answers, replaced: &[Replaced]) {
    let mut session = Session::new(rules(), id, settings());
    session.set_answers(rules(), answers, replaced);
    session.save(path).expect("saved");
}

fn load_session(
    path: &std::path::Path,
    rules: &RuleSet,
) -> Result<(String, Answers, Vec<Replaced>), super::session::SessionError> {
    let session = Session::read(path)?;
    let (answers, replaced) = session.answers(path, rules)?;
    Ok((session.id, answers, replaced))
}

#[test]
fn back_after_a_review_change_returns_to_the_previous_question() {
    let mut script = Script::default();
    script.reviews.push_back(("cssrs_2", 1));
    // cssrs_3 and cssrs_4 are revealed; at cssrs_4 go back to cssrs_3.
    script.back_at.push(("cssrs_4", 0));
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    let at = script
        .log
        .iter()
        .rposition(|l| l == "ask cssrs_2")
        .expect("changed");
    let after: Vec<&str> = script.log[at..]
        .iter()
        .map(String::as_str)
        .take(6)
        .collect();
    assert_eq!(
        after,
        [
            "ask cssrs_2",
            "ask cssrs_3",
            "ask cssrs_4",
            "ask cssrs_3",
            "ask cssrs_4",
            "ask cssrs_5"
        ]
    );
}

/// The defaults offered each time `id` was asked.
fn offered(script: &Script, id: &str) -> Vec<Option<i64>> {
    script
        .offered
        .iter()
        .filter(|(asked, _)| asked == id)
        .map(|&(_, current)| current)
        .collect()
}

fn warning_codes(answers: &Answers) -> Vec<String> {
    crate::assess::assess(rules(), answers)
        .expect("scored")
        .warnings
        .iter()
        .map(|w| w.code(rules()))
        .collect()
}

#[test]
fn a_review_change_of_item_6_to_no_asks_a_recency_yes_again() {
    let mut script = Script::default();
    // The walk: item 6 yes, recent yes (the crisis notice); at the review
    // item 6 becomes "no". Asked again: item 6 still "no", and the
    // recency, asked directly, still "yes".
    script.replies("cssrs_6", &[Reply::Answer(1), Reply::Answer(0)]);
    script.replies("cssrs_6_recent", &[Reply::Answer(1), Reply::Answer(1)]);
    script.reviews.push_back(("cssrs_6", 0));
    let mut answers = Answers::new(rules());
    let (_, replaced) =
        interview_saved(&mut script, &mut answers, &mut Vec::new()).expect("completes");
    let at = script
        .log
        .iter()
        .position(|l| l == "review")
        .expect("review");
    let log: Vec<&str> = script.log[at..].iter().map(String::as_str).collect();
    assert_eq!(
        log,
        [
            "review",
            "ask cssrs_6",
            // Item 6 "no" lowers the C-SSRS risk: confirmed, and so not
            // asked again.
            "retract cssrs_6:1>0",
            // A recency "yes" after a "no" to item 6 raises nothing, but
            // asks item 6 again: kept, named, and asked directly.
            "hidden_risk cssrs_6_recent=1 by cssrs_6=0",
            "ask cssrs_6_recent",
            "review",
        ]
    );
    assert_eq!(code(&answers, "cssrs_6"), Some(0));
    assert_eq!(
        code(&answers, "cssrs_6_recent"),
        Some(1),
        "a recency still \"yes\" stays"
    );
    assert!(
        warning_codes(&answers).contains(&"ask_again:cssrs_6".to_string()),
        "the result asks item 6 again, as batch does: {:?}",
        warning_codes(&answers)
    );
    assert_eq!(
        replaced,
        [Replaced {
            item: item("cssrs_6_recent"),
            code: 1,
            hidden_by: Some(item("cssrs_6")),
        }],
        "the session keeps the original"
    );
}

#[test]
fn a_resumed_session_with_a_recency_yes_after_a_no_to_item_6_asks_both_again() {
    let mut answers = Answers::new(rules());
    for (id, code) in [("cssrs_6", 0), ("cssrs_6_recent", 1)] {
        answers.set(rules(), item(id), code).expect("code");
    }
    let mut script = Script::default();
    // Item 6 "no" again; the recency, asked directly, "no" now.
    script.replies("cssrs_6", &[Reply::Answer(0)]);
    script.replies("cssrs_6_recent", &[Reply::Answer(0)]);
    let (_, replaced) =
        interview_saved(&mut script, &mut answers, &mut Vec::new()).expect("completes");
    let log: Vec<&str> = script.log.iter().map(String::as_str).take(5).collect();
    assert_eq!(
        log,
        [
            "hidden_risk cssrs_6_recent=1 by cssrs_6=0",
            "ask cssrs_6",
            "ask cssrs_6_recent",
            // The recency "yes" taken back: confirmed, kept in the record.
            "retract cssrs_6_recent:1>0",
            "ask phq9_1",
        ]
    );
    assert!(!script.log.iter().any(|l| l.starts_with("crisis")));
    assert_eq!(
        code(&answers, "cssrs_6_recent"),
        None,
        "changed to \"no\": dropped"
    );
    assert!(!warning_codes(&answers).contains(&"ask_again:cssrs_6".to_string()));
    assert_eq!(
        replaced,
        [Replaced {
            item: item("cssrs_6_recent"),
            code: 1,
            hidden_by: Some(item("cssrs_6")),
        }]
    );
}

#[test]
fn a_resumed_recency_yes_without_item_6_is_asked_again_after_item_6_is_no() {
    let mut answers = Answers::new(rules());
    answers
        .set(rules(), item("cssrs_6_recent"), 1)
        .expect("code");
    let mut script = Script::default();
    // Item 6 is asked (it has no answer): "no"; the recency, asked
    // directly, still "yes".
    script.replies("cssrs_6", &[Reply::Answer(0)]);
    script.replies("cssrs_6_recent", &[Reply::Answer(1)]);
    let (_, replaced) =
        interview_saved(&mut script, &mut answers, &mut Vec::new()).expect("completes");
    let log: Vec<&str> = script.log.iter().map(String::as_str).take(5).collect();
    assert_eq!(
        log,
        [
            // Item 6 blank: the recency reads it as "yes" for safety.
            "crisis suicide_risk_high",
            "hidden_risk cssrs_6_recent=1 by cssrs_6=_",
            "ask cssrs_6",
            // The notice promised it: asked again, though after item 6
            // "no" it raises nothing (it asks item 6 again).
            "ask cssrs_6_recent",
            "ask phq9_1",
        ]
    );
    assert_eq!(
        script
            .log
            .iter()
            .filter(|l| l.starts_with("hidden_risk"))
            .count(),
        1,
        "named once: {:?}",
        script.log
    );
    // Not asked again once confirmed (the walk from the first gap asks
    // item 6 again, which still hides it).
    let asked = asked(&script);
    assert_eq!(asked.iter().filter(|a| **a == "cssrs_6_recent").count(), 1);
    assert_eq!(code(&answers, "cssrs_6"), Some(0));
    assert_eq!(code(&answers, "cssrs_6_recent"), Some(1));
    assert!(warning_codes(&answers).contains(&"ask_again:cssrs_6".to_string()));
    assert_eq!(
        replaced,
        [Replaced {
            item: item("cssrs_6_recent"),
            code: 1,
            hidden_by: Some(item("cssrs_6")),
        }]
    );
}

#[test]
fn a_second_crisis_after_the_first_was_withdrawn_shows_the_notice_again() {
    let mut script = Script::default();
    intent_then_back_to_item_2(&mut script);
    // Asked again: item 2 still "no"; item 4, asked directly, "no" now:
    // no crisis any more. Then item 6 yes, within 3 months: a crisis again.
    script.replies("cssrs_2", &[Reply::Answer(0)]);
    script.replies("cssrs_4", &[Reply::Answer(0)]);
    script.answers.insert("cssrs_6", 1);
    script.answers.insert("cssrs_6_recent", 1);
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    let crises: Vec<usize> = (0..script.log.len())
        .filter(|&i| script.log[i].starts_with("crisis"))
        .collect();
    assert_eq!(crises.len(), 2, "{:?}", script.log);
    assert_eq!(script.log[crises[0] - 1], "ask cssrs_4");
    assert_eq!(script.log[crises[1] - 1], "ask cssrs_6_recent");
    assert_eq!(script.log[crises[1]], "crisis suicide_risk_high");
}

#[test]
fn a_kept_answer_asked_again_offers_no_default() {
    // Asked directly: the gate still hides it.
    let mut script = Script::default();
    intent_then_back_to_item_2(&mut script);
    script.replies("cssrs_2", &[Reply::Answer(0)]);
    script.replies("cssrs_4", &[Reply::Answer(1)]);
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(
        offered(&script, "cssrs_4"),
        [None, Some(1), None],
        "Back offers the answer given; the re-ask offers none"
    );
    assert_eq!(
        offered(&script, "cssrs_2"),
        [None, Some(1)],
        "the gate's change confirmed, it is not asked again"
    );

    // Asked by the walk: the gate, asked again, shows it.
    let mut script = Script::default();
    intent_then_back_to_item_2(&mut script);
    script.replies("cssrs_2", &[Reply::Answer(1)]);
    script.replies("cssrs_4", &[Reply::Answer(0)]);
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(offered(&script, "cssrs_4"), [None, Some(1), None]);

    // On resume, and for a recency "yes" after a "no" to item 6.
    let mut answers = Answers::new(rules());
    for (id, code) in [("cssrs_6", 0), ("cssrs_6_recent", 1)] {
        answers.set(rules(), item(id), code).expect("code");
    }
    let mut script = Script::default();
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(offered(&script, "cssrs_6_recent"), [None]);
    assert_eq!(
        offered(&script, "cssrs_6").first(),
        Some(&None),
        "the gate asked again first"
    );
}

#[test]
fn options_given_on_resume_override_the_sessions_and_say_so() {
    use super::command::Given;
    let stored = Settings {
        output: Some("/records/a.json".into()),
        format: ResultFormat::Json,
        lang: "es".into(),
        ..settings()
    };
    let mut notices = Vec::new();
    let kept = Given::default()
        .settle(Some(&stored), &mut notices)
        .expect("settles");
    assert_eq!(kept, stored, "nothing given: the session's options");
    assert!(notices.is_empty(), "{notices:?}");

    let given = Given {
        output: Some("/records/b.json".into()),
        ..Given::default()
    };
    let settled = given.settle(Some(&stored), &mut notices).expect("settles");
    assert_eq!(settled.output, Some("/records/b.json".into()));
    assert_eq!(settled.format, ResultFormat::Json, "the rest is kept");
    assert_eq!(settled.lang, "es");
    assert_eq!(
        notices,
        ["note: --output /records/b.json overrides the session's /records/a.json"]
    );

    let bad = Given {
        note_date: Some("2026-02-30".into()),
        ..Given::default()
    };
    assert!(
        bad.settle(None, &mut Vec::new()).is_err(),
        "checked up front"
    );
}

#[test]
fn a_finished_session_opens_under_other_rules_and_an_unfinished_one_does_not() {
    use super::command::{prepare, InterviewOptions};
    use crate::disposition::{Decision, Disposition};
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("s.json");
    let answers = Answers::new(rules());
    save_session(&path, "c-3", &answers, &[]);
    let other = load(&RulesSource::Path(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/minimal"),
    ))
    .expect("minimal");
    let options = |session: Session| InterviewOptions {
        id: "x".into(),
        resume: Some((path.clone(), session)),
        session: None,
        settings: settings(),
    };
    let unfinished = Session::read(&path).expect("reads");
    assert!(prepare(&other, &options(unfinished)).is_err());

    let mut finished = Session::read(&path).expect("reads");
    finished.result = Some(super::session::StoredResult {
        level: "outpatient".into(),
        level_name: "Outpatient therapy".into(),
        crisis: false,
        flags: vec![],
        note_date: "2026-12-01".into(),
        shown: "the result".into(),
    });
    let d = Disposition::Accepted {
        reason_text: None,
        decided_by: None,
    };
    finished
        .dispositions
        .push(Decision::of(rules(), "outpatient", &d));
    finished.save(&path).expect("saved");
    let reread = Session::read(&path).expect("reads");
    assert!(reread.finished());
    assert!(
        prepare(&other, &options(reread)).is_ok(),
        "readable under any rules"
    );

    // A disposition without its result is no session.
    let mut broken =
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&path).expect("read"))
            .expect("json");
    broken.as_object_mut().expect("object").remove("result");
    std::fs::write(&path, broken.to_string()).expect("write");
    assert!(Session::read(&path).is_err());
}

#[test]
fn esc_at_the_review_returns_to_the_last_question_then_to_the_review() {
    let mut script = Script {
        review_back: 1,
        ..Script::default()
    };
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    let first = script
        .log
        .iter()
        .position(|l| l == "review")
        .expect("review");
    let last_asked = script.log[first - 1].clone();
    assert!(last_asked.starts_with("ask "), "{:?}", script.log);
    assert_eq!(
        script.log[first + 1..],
        [last_asked, "review".to_string()],
        "the last question again, then the review"
    );
}
