//! Flow tests through a scripted prompter on the default rule set.

use std::collections::{HashMap, VecDeque};

use super::{run, Prompter, Question, Reply, ReviewChoice, ReviewEntry, Stop};
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
    pending_change: Option<i64>,
    log: Vec<String>,
    stop_at: Option<&'static str>,
}

impl Prompter for Script {
    fn ask(&mut self, q: &Question<'_>) -> Result<Reply, Stop> {
        let id = q.item.id.as_str();
        self.log.push(format!("ask {id}"));
        if self.stop_at == Some(id) {
            return Err(Stop::Interrupted);
        }
        if let Some(code) = self.pending_change.take() {
            return Ok(Reply::Answer(code));
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

    fn disposition(&mut self, _: &RuleSet, _: usize) -> Result<super::Disposition, Stop> {
        Ok(super::Disposition::Accepted)
    }

    fn review(&mut self, entries: &[ReviewEntry<'_>]) -> Result<ReviewChoice, Stop> {
        self.log.push("review".into());
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
    let mut saves = 0;
    run(rules(), answers, script, &mut |_| {
        saves += 1;
        Ok(())
    })?;
    Ok(saves)
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

    // Now change cssrs_2 to "no" at review: cssrs_3..5 are hidden and dropped.
    let mut script = Script::default();
    script.answers.insert("cssrs_2", 1);
    script.answers.insert("cssrs_3", 1);
    script.reviews.push_back(("cssrs_2", 0));
    let mut answers = Answers::new(rules());
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(code(&answers, "cssrs_2"), Some(0));
    assert_eq!(
        code(&answers, "cssrs_3"),
        None,
        "a hidden answer is dropped"
    );
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
    super::session::save(&path, rules(), "c-1", &answers).expect("saved");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let folder = std::fs::metadata(dir.path().join("sessions"))
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(folder, 0o700);
    let (id, back) = super::session::load(&path, rules()).expect("loads");
    assert_eq!((id.as_str(), back.get(0)), ("c-1", Some(2)));

    let other = load(&RulesSource::Path(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/minimal"),
    ))
    .expect("minimal");
    let err = super::session::load(&path, &other).expect_err("refused");
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
fn a_resumed_session_drops_answers_skip_logic_hides() {
    let mut answers = Answers::new(rules());
    let i4 = rules().item_index("cssrs_4").expect("item");
    answers
        .set(rules(), rules().item_index("cssrs_2").expect("item"), 0)
        .expect("code");
    answers.set(rules(), i4, 1).expect("code");
    let mut script = Script::default();
    interview(&mut script, &mut answers).expect("completes");
    assert_eq!(answers.get(i4), None);
    assert!(
        !script.log.iter().any(|l| l.starts_with("crisis")),
        "a hidden answer raises nothing"
    );
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
