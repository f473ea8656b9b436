//! The interview end to end, through a pseudo-terminal driving the real
//! binary, with colours off so plain text can be matched.

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{spawn_command, PtySession};

use crate::harness::BIN;

/// A new interview needs its record id: `t`, unless the test gives one.
fn with_id<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    if !args.iter().any(|a| *a == "--id" || *a == "--resume") {
        all.extend(["--id", "t"]);
    }
    all
}

fn interview(args: &[&str], dir: &std::path::Path) -> PtySession {
    let mut command = Command::new(BIN);
    command
        .arg("interview")
        .args(with_id(args))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CLICOLOR", "0")
        .env("TERM", "xterm")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir);
    spawn_command(command, Some(20_000)).expect("spawn in a pty")
}

const ENTER: &str = "\r";

/// The pty session reads bytes one char each: UTF-8 text as it arrives.
fn bytes(text: &str) -> String {
    text.bytes().map(char::from).collect()
}
const ESC: &str = "\x1b";
const PAGE_DOWN: &str = "\x1b[6~";
const HOME: &str = "\x1b[H";

const DOWN: &str = "\x1b[B";

/// Press Enter alone (a notice, the review's first line, a typed answer).
fn enter(p: &mut PtySession) {
    p.send(ENTER).expect("send");
    p.flush().expect("flush");
}

/// Answer the current question with its first option (the least severe on
/// the default rules): nothing is picked until a key or an arrow picks,
/// so Down picks it and Enter records it.
fn first(p: &mut PtySession) {
    p.send(DOWN).expect("send");
    p.send(ENTER).expect("send");
    p.flush().expect("flush");
}

/// Pick the option keyed `key`, then record it.
fn pick(p: &mut PtySession, key: &str) {
    p.send(key).expect("send");
    p.send(ENTER).expect("send");
    p.flush().expect("flush");
}

fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("unexpected status {other:?}"),
    }
}

#[test]
fn a_full_interview_with_a_correction_ends_in_the_result_and_a_disposition() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = interview(
        &[
            "--id",
            "pty-1",
            "--session",
            "s.json",
            "-o",
            "out.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    p.exp_string("question 1 of 10 (overall 1 of 63)")
        .expect("first question");
    // The keys are the published codes: "2" is "More than half the days".
    pick(&mut p, "2");
    p.exp_string("question 2 of 10").expect("second question");
    // Go back: the answer given is shown, not picked; change it to "1".
    p.send(ESC).expect("send");
    p.flush().expect("flush");
    p.exp_string("question 1 of 10")
        .expect("back at the first question");
    p.exp_string("Current answer: [2] More than half the days")
        .expect("the answer given, shown");
    pick(&mut p, "1");
    p.exp_string("question 2 of 10")
        .expect("second question again");
    // Everything else: the least severe answer. PHQ-9 item 10 is shown
    // (item 1 was answered 1), so 54 questions are asked in all.
    for _ in 0..53 {
        first(&mut p);
    }
    p.exp_string("Review: choose an answer to change, or confirm")
        .expect("review");
    enter(&mut p);
    p.exp_string("recommended level: Outpatient therapy")
        .expect("the result screen");
    p.exp_string("Record the disposition")
        .expect("disposition prompt");
    pick(&mut p, "a");
    p.exp_string("Disposition: recommendation accepted (Outpatient therapy)")
        .expect("accepted");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 0);
    let out: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out.json")).expect("output"),
    )
    .expect("json");
    assert_eq!(out["result"]["level"], "outpatient");
    assert_eq!(out["disposition"]["accepted"], true);
    let phq9 = out["result"]["scales"]
        .as_array()
        .expect("scales")
        .iter()
        .find(|s| s["id"] == "phq9")
        .cloned();
    assert_eq!(
        phq9.expect("phq9")["score"],
        1,
        "the corrected answer counts"
    );
}

#[test]
fn ctrl_c_saves_and_resume_continues_where_it_stopped() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = interview(&["--id", "pty-2", "--session", "s.json"], dir.path());
    p.exp_string("question 1 of 10").expect("first");
    first(&mut p);
    p.exp_string("question 2 of 10").expect("second");
    first(&mut p);
    p.exp_string("question 3 of 10").expect("third");
    p.send_control('c').expect("ctrl-c");
    p.exp_string(
        "interrupted: every answer is saved; resume with:\r\n  carescreen interview --resume s.json",
    )
    .expect("resume hint");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 130);

    let mut p = interview(&["--resume", "s.json"], dir.path());
    p.exp_string("question 3 of 10 (overall 3 of 63)")
        .expect("resumes at the third question");
    p.send_control('c').expect("ctrl-c");
    p.exp_eof().expect("ends");
}

#[test]
fn a_crisis_answer_shows_the_notice_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = interview(&["--id", "pty-3", "--session", "s.json"], dir.path());
    p.exp_string("question 1 of 10").expect("first");
    // PHQ-9 (9), GAD-7 (7), AUDIT (10), DAST-10 (10): 36 answers, then C-SSRS.
    for _ in 0..36 {
        first(&mut p);
    }
    p.exp_string("C-SSRS screener (suicide risk) - question 1 of 7")
        .expect("c-ssrs");
    pick(&mut p, "y"); // cssrs_1: typing y picks "[y] yes"
    p.exp_string("question 2 of 7").expect("cssrs_2");
    pick(&mut p, "Y"); // yes, in either case
    p.exp_string("question 3 of 7").expect("cssrs_3");
    pick(&mut p, "n");
    p.exp_string("question 4 of 7").expect("cssrs_4");
    // Guidance for the interviewer is under the question, marked as such.
    p.exp_string("For the interviewer: As opposed to")
        .expect("marked help");
    pick(&mut p, "y"); // yes: intent
    p.exp_string("!!! CRISIS: EMERGENCY EVALUATION NOW !!!")
        .expect("crisis notice");
    p.exp_string("988 Suicide & Crisis Lifeline")
        .expect("resources");
    p.exp_string("Press Enter").expect("pause");
    enter(&mut p);
    // Every screen after the notice says the crisis stands.
    p.exp_string("!! CRISIS ROUTE: emergency evaluation now")
        .expect("the marker");
    p.exp_string("question 5 of 7")
        .expect("the interview continues");
    p.send_control('c').expect("ctrl-c");
    p.exp_eof().expect("ends");
}

#[test]
fn an_out_of_range_number_is_refused_with_the_rule_sets_message_then_corrected() {
    let dir = tempfile::tempdir().expect("dir");
    let rules = crate::harness::root().join("tests/fixtures/rules/prorate");
    let rules = rules.to_string_lossy().into_owned();
    let mut p = interview(
        &[
            "--rules",
            &rules,
            "--session",
            "s.json",
            "-o",
            "out.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    p.exp_string("question 1 of 10").expect("first");
    // p_1..p_4, q_1, q_2, r_1..r_3: the first option each.
    for _ in 0..9 {
        first(&mut p);
    }
    p.exp_string("Optional remark").expect("the integer item");
    p.exp_string("Type a whole number, then Enter. b goes back.")
        .expect("its status line");
    p.exp_string("Number (0-10)").expect("a short prompt");
    p.send("42").expect("send");
    enter(&mut p);
    p.exp_string("enter a whole number from 0 to 10")
        .expect("refused with the message");
    // Clear the rejected text, then type a valid number.
    p.send("\x7f\x7f5").expect("send");
    enter(&mut p);
    p.exp_string("Review").expect("review");
    enter(&mut p);
    p.exp_string("Record the disposition").expect("disposition");
    // Record another level: [o]; the level list; the reason; who decided.
    pick(&mut p, "o");
    p.exp_string("Actual level").expect("levels");
    pick(&mut p, "a");
    p.exp_string("Reason").expect("reasons");
    pick(&mut p, "b");
    p.exp_string("Reason in your words").expect("free text");
    p.send("prefers evening groups").expect("send");
    enter(&mut p);
    p.exp_string("Decided by").expect("who");
    p.send("Dr. Lee").expect("send");
    enter(&mut p);
    p.exp_string("instead of the recommended")
        .expect("disposition recorded");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 0);
    let out: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out.json")).expect("output"),
    )
    .expect("json");
    let scales = out["result"]["scales"].as_array().map(|s| s.len());
    assert_eq!(scales, Some(3));
    assert_eq!(out["result"]["level"], "low", "the recommendation is kept");
    assert_eq!(out["disposition"]["recommended_level"], "low");
    assert_eq!(out["disposition"]["actual_level"], "high");
    assert_eq!(out["disposition"]["accepted"], false);
    assert_eq!(out["disposition"]["reason"], "client_declined");
    assert_eq!(out["disposition"]["decided_by"], "Dr. Lee");
    assert_eq!(out["disposition"]["reason_text"], "prefers evening groups");
}

#[test]
fn a_new_interview_never_overwrites_an_existing_session() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("s.json"), "{}").expect("write");
    let mut p = interview(&["--session", "s.json"], dir.path());
    p.exp_string("error: session `s.json` already exists; continue it with --resume, or name another --session")
        .expect("refused");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.json")).expect("read"),
        "{}"
    );
}

#[test]
fn a_short_interview_in_spanish() {
    let dir = tempfile::tempdir().expect("dir");
    let rules = crate::harness::root().join("tests/fixtures/rules/bilingual");
    let rules = rules.to_string_lossy().into_owned();
    let mut p = interview(
        &[
            "--rules",
            &rules,
            "--lang",
            "es",
            "--allow-english",
            "--id",
            "es-1",
            "--session",
            "s.json",
        ],
        dir.path(),
    );
    p.exp_string("Entrevista de `es-1` con minimal 0.1.")
        .expect("started");
    p.exp_string("Mood - pregunta 1 de 3 (en total 1 de 3)")
        .expect("progress");
    p.exp_string("Pregunta uno").expect("the Spanish question");
    pick(&mut p, "2");
    p.exp_string("pregunta 2 de 3").expect("second");
    p.exp_string(&bytes("[s] sí")).expect("yes in Spanish");
    p.exp_string(&bytes("Esc vuelve atrás."))
        .expect("the hint in Spanish");
    pick(&mut p, "s");
    p.exp_string("pregunta 3 de 3").expect("third");
    // `y` picks "sí" too in a Spanish interview.
    pick(&mut p, "y");
    p.exp_string(&bytes("!!! CRISIS: EVALUACIÓN DE EMERGENCIA AHORA !!!"))
        .expect("crisis notice");
    p.exp_string("Mensaje de peligro.")
        .expect("the flag in Spanish");
    p.exp_string("Presione Enter").expect("pause");
    enter(&mut p);
    p.exp_string(&bytes(
        "Revisión: elija una respuesta para cambiarla o confirme",
    ))
    .expect("review");
    enter(&mut p);
    p.exp_string("nivel recomendado: Alta")
        .expect("the level in Spanish");
    p.exp_string(&bytes("Registre la decisión"))
        .expect("disposition");
    pick(&mut p, "a");
    p.exp_string(&bytes("Decisión: recomendación aceptada (Alta)"))
        .expect("accepted");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn a_spanish_interview_asks_the_published_spanish_and_records_what_was_given_in_english() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = interview(
        &[
            "--lang",
            "es",
            "--id",
            "es-1",
            "--session",
            "s.json",
            "-o",
            "out.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    // At once (no --allow-english), the PHQ-9 in its published wording.
    p.exp_string(&bytes("PHQ-9 (depresión) - pregunta 1 de 10"))
        .expect("Spanish PHQ-9");
    p.exp_string(&bytes("Poco interés o placer en hacer cosas"))
        .expect("published item 1");
    p.exp_string(&bytes("[0] Ningún día"))
        .expect("published answers, keyed by their codes");
    // PHQ-9 (9 asked), GAD-7 (7), AUDIT (10): then the DAST-10, which has
    // no published Spanish version here.
    for _ in 0..26 {
        first(&mut p);
    }
    p.exp_string(&bytes(
        "AVISO: DAST-10 (consumo de drogas): este conjunto de",
    ))
    .expect("the notice");
    p.exp_string(&bytes("Hágalo en inglés"))
        .expect("says what to do");
    p.exp_string("Have you used drugs other than those required for medical reasons?")
        .expect("then its English wording");
    p.exp_string("[n] no").expect("English answers");
    first(&mut p);
    p.exp_string(&bytes("Sin su versión publicada en español"))
        .expect("a reminder on its later questions");
    for _ in 0..9 {
        first(&mut p);
    }
    p.exp_string(&bytes("AVISO: Tamizaje C-SSRS"))
        .expect("the C-SSRS notice");
    // 53 questions in all; then the review and the disposition.
    for _ in 0..17 {
        first(&mut p);
    }
    p.exp_string(&bytes("Revisión")).expect("review");
    enter(&mut p);
    p.exp_string(&bytes("Registre la decisión"))
        .expect("disposition prompt");
    pick(&mut p, "a");
    p.exp_string(&bytes(
        "Idiomas: PHQ-9 (depresión), GAD-7 (ansiedad), AUDIT",
    ))
    .expect("the languages, said");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 0);
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).expect(name))
            .expect("json")
    };
    let expected = serde_json::json!([
        {"instrument": "phq9", "lang": "es"},
        {"instrument": "gad7", "lang": "es"},
        {"instrument": "audit", "lang": "es"},
        {"instrument": "dast10", "lang": "en"},
        {"instrument": "cssrs", "lang": "en"},
        {"instrument": "pcptsd5", "lang": "en"},
        {"instrument": "scoff", "lang": "en"},
        {"instrument": "context", "lang": "es"},
    ]);
    assert_eq!(read("s.json")["asked_in"], expected, "the session");
    assert_eq!(read("out.json")["asked_in"], expected, "the output");
}

#[test]
fn going_back_to_hide_an_intent_answer_names_it_and_asks_again_gate_first() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = interview(&["--id", "pty-4", "--session", "s.json"], dir.path());
    p.exp_string("question 1 of 10").expect("first");
    for _ in 0..36 {
        first(&mut p);
    }
    p.exp_string("C-SSRS screener (suicide risk) - question 1 of 7")
        .expect("c-ssrs");
    pick(&mut p, "y"); // cssrs_1 yes
    p.exp_string("question 2 of 7").expect("cssrs_2");
    pick(&mut p, "y");
    p.exp_string("question 3 of 7").expect("cssrs_3");
    pick(&mut p, "n");
    p.exp_string("question 4 of 7").expect("cssrs_4");
    pick(&mut p, "y"); // yes: intent
    p.exp_string("!!! CRISIS").expect("crisis notice");
    p.exp_string("Press Enter").expect("pause");
    enter(&mut p);
    // Back from item 5 to item 2, and change it to "no".
    for at in ["question 5 of 7", "question 4 of 7", "question 3 of 7"] {
        p.exp_string(at).expect("going back");
        p.send(ESC).expect("send");
        p.flush().expect("flush");
    }
    p.exp_string("question 2 of 7").expect("back at cssrs_2");
    pick(&mut p, "n");
    // A "yes" to item 2 taken back: confirmed first, then not asked again.
    p.exp_string("takes back a positive safety answer")
        .expect("the confirmation");
    pick(&mut p, "r");
    p.exp_string("SAFETY ANSWERS THE FORM NOW SKIPS: KEPT, AND ASKED AGAIN NOW")
        .expect("the hidden-risk notice");
    p.exp_string("- C-SSRS item 4 (intent): yes")
        .expect("the kept answer, named");
    p.exp_string("The answer 'no' to C-SSRS item 2")
        .expect("the question hiding it");
    p.exp_string("Press Enter to ask again.").expect("pause");
    enter(&mut p);
    p.exp_string("question 4 of 7")
        .expect("then the intent question");
    p.exp_string("Earlier answer: [y] yes")
        .expect("the earlier answer, shown");
    pick(&mut p, "y"); // still yes
    p.exp_string("question 6 of 7")
        .expect("the interview goes on");
    p.send_control('c').expect("ctrl-c");
    p.exp_eof().expect("ends");

    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).expect("session"))
            .expect("json");
    assert_eq!(session["answers"]["cssrs_2"], 0);
    assert_eq!(
        session["answers"]["cssrs_4"], 1,
        "the confirmed yes is kept"
    );
    assert!(
        session["answers"].get("cssrs_3").is_none(),
        "a hidden no is dropped"
    );
    assert_eq!(
        session["replaced"],
        serde_json::json!([{"item": "cssrs_4", "code": 1, "hidden_by": "cssrs_2"}])
    );
}

/// A resumed session whose intent "yes" skip logic now hides (as from a
/// paper form): the gate and the kept answer are asked again with nothing
/// picked, so Enter alone and Esc record nothing; "no" to the intent takes
/// away the crisis route, so it needs a confirmation, which Enter alone
/// refuses.
#[test]
fn enter_alone_at_a_kept_yes_asked_again_records_nothing_and_no_needs_a_confirmation() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = interview(&["--id", "pty-5", "--session", "s.json"], dir.path());
    p.exp_string("question 1 of 10").expect("first");
    first(&mut p);
    p.exp_string("question 2 of 10").expect("second");
    p.send_control('c').expect("ctrl-c");
    p.exp_eof().expect("ends");
    // As if from a paper form: intent "yes" after a "no" to item 2.
    let path = dir.path().join("s.json");
    let mut session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("session")).expect("json");
    session["answers"]["cssrs_2"] = 0.into();
    session["answers"]["cssrs_4"] = 1.into();
    std::fs::write(&path, session.to_string()).expect("write");

    let mut p = interview(&["--resume", "s.json"], dir.path());
    p.exp_string("!!! CRISIS").expect("crisis notice");
    p.exp_string("Press Enter").expect("pause");
    enter(&mut p);
    p.exp_string("- C-SSRS item 4 (intent): yes")
        .expect("the kept answer, named");
    p.exp_string("Press Enter to ask again.").expect("pause");
    enter(&mut p);
    p.exp_string("question 2 of 7").expect("the gate first");
    p.exp_string("Earlier answer: [n] no").expect("shown");
    enter(&mut p);
    p.exp_string("Nothing recorded: press n or y")
        .expect("Enter alone records nothing");
    pick(&mut p, "n");
    p.exp_string("question 4 of 7")
        .expect("then the kept answer");
    p.exp_string("Earlier answer: [y] yes").expect("shown");
    // Enter alone does nothing here (nor Esc: the picker's tests).
    enter(&mut p);
    p.exp_string("Nothing recorded").expect("nothing");
    pick(&mut p, "n");
    p.exp_string("The client answered 'yes' to C-SSRS item 4 (intent) earlier.")
        .expect("the confirmation");
    p.exp_string("removes the crisis route")
        .expect("what it takes away");
    p.exp_string("[k] keep 'yes'").expect("keep");
    p.exp_string("[r] record 'no'").expect("record");
    // Enter alone keeps the earlier answer.
    enter(&mut p);
    p.exp_string("question 2 of 10")
        .expect("the interview goes on");
    p.send_control('c').expect("ctrl-c");
    p.exp_eof().expect("ends");
    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("session")).expect("json");
    assert_eq!(session["answers"]["cssrs_4"], 1, "kept: {session}");
    assert!(session.get("retracted").is_none(), "{session}");
}

/// Issue case 1: C-SSRS 1-4 yes, 5-6 no; back to item 2, "no"; Enter,
/// Enter records nothing; "no" to the intent, confirmed. The result, the
/// note, the JSON, the session and its export keep the earlier "yes"
/// (`retracted_risk_answer`), and scoring the export gives the same flags.
#[test]
fn a_confirmed_retraction_of_intent_stays_in_the_result_the_note_and_the_export() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = interview(
        &[
            "--id",
            "r-1",
            "--session",
            "s.json",
            "-o",
            "out.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    p.exp_string("question 1 of 10").expect("first");
    for _ in 0..36 {
        first(&mut p);
    }
    p.exp_string("C-SSRS screener (suicide risk) - question 1 of 7")
        .expect("c-ssrs");
    for (at, key) in [(2, "y"), (3, "y"), (4, "y")] {
        pick(&mut p, key);
        p.exp_string(&format!("question {at} of 7")).expect("next");
    }
    pick(&mut p, "y");
    p.exp_string("Press Enter").expect("crisis notice");
    enter(&mut p);
    p.exp_string("question 5 of 7").expect("item 5");
    for at in ["question 4 of 7", "question 3 of 7", "question 2 of 7"] {
        p.send(ESC).expect("esc");
        p.flush().expect("flush");
        p.exp_string(at).expect("back");
    }
    // Item 2 "no": the "yes" taken back needs a confirmation; Enter,
    // Enter keeps it, so "r" records it.
    pick(&mut p, "n");
    p.exp_string("takes back a positive safety answer")
        .expect("the gate's confirmation");
    pick(&mut p, "r");
    p.exp_string("Press Enter to ask again.")
        .expect("the notice");
    enter(&mut p);
    p.exp_string("question 3 of 7")
        .expect("the method, asked directly");
    enter(&mut p);
    enter(&mut p);
    p.exp_string("Nothing recorded")
        .expect("two Enters record nothing");
    pick(&mut p, "n");
    // A kept "yes" taken back needs the confirmation too.
    p.exp_string("takes back an answer kept for safety")
        .expect("the method's confirmation");
    pick(&mut p, "r");
    p.exp_string("question 4 of 7")
        .expect("the intent, asked directly");
    pick(&mut p, "n");
    p.exp_string("removes the crisis route")
        .expect("the confirmation");
    pick(&mut p, "r");
    p.exp_string("question 6 of 7").expect("on");
    // The rest: item 6, the PC-PTSD-5's exposure, the SCOFF (5) and the
    // intake questions (8), each its least severe answer; then the review.
    for _ in 0..15 {
        first(&mut p);
    }
    p.exp_string("Review: choose").expect("review");
    enter(&mut p);
    p.exp_string("A safety answer was taken back: ask again today")
        .expect("the flag's title on the result screen");
    pick(&mut p, "a");
    p.exp_string("first answered 'yes' to C-SSRS item 4")
        .expect("the note names the item and both answers");
    p.exp_string("Disposition: recommendation accepted")
        .expect("done");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 0);

    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).expect(name))
            .expect("json")
    };
    let out = read("out.json");
    let flags = out["result"]["flags"].to_string();
    assert!(flags.contains("retracted_risk_answer"), "{flags}");
    assert!(!flags.contains("suicide_risk_high"), "{flags}");
    let codes = out["result"]["warning_codes"].to_string();
    assert!(codes.contains("retracted:cssrs_4"), "{codes}");
    let warnings = out["result"]["warnings"].to_string();
    assert!(
        warnings.contains("first answered 'yes' to C-SSRS item 4 (intent), then 'no'"),
        "{warnings}"
    );
    assert!(
        out["result"]["note"]
            .as_str()
            .is_some_and(|n| n.contains("first answered 'yes' to C-SSRS item 4 (intent)")),
        "{}",
        out["result"]["note"]
    );
    let session = read("s.json");
    assert_eq!(session["format"], 3);
    assert_eq!(session["retracted"][0]["item"], "cssrs_2");
    assert_eq!(session["retracted"][1]["item"], "cssrs_3");
    assert_eq!(session["retracted"][2]["item"], "cssrs_4");
    assert_eq!(session["retracted"][2]["from"], 1);
    assert_eq!(session["retracted"][2]["to"], 0);
    assert!(
        session["changes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["item"] == "cssrs_2" && c["from"] == 1)),
        "every change is kept: {session}"
    );

    // The export carries it, and scoring the export gives the same flags.
    let here = dir.path().to_string_lossy().into_owned();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("runs")
    };
    let export = run(&["sessions", "export", "--dir", &here, "-o", "intakes.csv"]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let exported = std::fs::read_to_string(dir.path().join("intakes.csv")).expect("export");
    assert!(
        exported.contains("cssrs_2:1>0;cssrs_3:1>0;cssrs_4:1>0"),
        "{exported}"
    );
    let scored = run(&["score", "intakes.csv", "--columns", "flags,crisis,warnings"]);
    let scored = String::from_utf8_lossy(&scored.stdout).into_owned();
    let row = scored.lines().nth(1).expect("a row");
    assert!(row.contains("retracted_risk_answer"), "{row}");
    assert!(row.contains("retracted:cssrs_4"), "{row}");
}

/// Enter alone records nothing: 53 Enters leave the first question
/// unanswered, and an interruption then keeps no session.
#[test]
fn fifty_three_enters_record_no_answer() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = interview(&["--id", "e-53", "--session", "s.json"], dir.path());
    p.exp_string("question 1 of 10").expect("first");
    for _ in 0..53 {
        enter(&mut p);
    }
    p.exp_string("Nothing recorded: press 0, 1, 2 or 3")
        .expect("says which keys work");
    p.send("x").expect("send");
    p.send(ENTER).expect("send");
    p.send_control('c').expect("ctrl-c");
    let rest = p.exp_eof().expect("ends");
    assert!(!rest.contains("question 2 of 10"), "{rest}");
    assert!(
        rest.contains("interrupted before the first answer: no session is kept"),
        "{rest}"
    );
    assert_eq!(exit_code(&p), 130);
    assert!(!dir.path().join("s.json").exists(), "no empty session");
}

fn session_json(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("s.json")).expect("session"))
        .expect("json")
}

/// The session remembers its options: a resume without `-o` still writes
/// the result. The disposition is saved in the session; resuming the
/// finished session shows it and adds an amendment, keeping the original.
#[test]
fn resume_keeps_the_output_and_an_amended_disposition_keeps_the_original() {
    let dir = tempfile::tempdir().expect("dir");
    let rules = crate::harness::root().join("tests/fixtures/rules/minimal");
    let rules = rules.to_string_lossy().into_owned();
    let mut p = interview(
        &[
            "--rules",
            &rules,
            "--id",
            "d-1",
            "--session",
            "s.json",
            "-o",
            "out.json",
            "--format",
            "json",
        ],
        dir.path(),
    );
    p.exp_string("question 1 of 3").expect("first");
    first(&mut p);
    p.exp_string("question 2 of 3").expect("second");
    p.send_control('c').expect("ctrl-c");
    p.exp_string("resume with:\r\n  carescreen interview --resume s.json")
        .expect("resume hint");
    p.exp_eof().expect("ends");
    let session = session_json(dir.path());
    assert_eq!(session["format"], 3);
    let output = dir.path().join("out.json");
    assert_eq!(
        session["settings"]["output"],
        output.to_string_lossy().as_ref()
    );
    assert_eq!(session["settings"]["format"], "json");
    assert!(session["settings"]["rules"]
        .as_str()
        .is_some_and(|r| r.ends_with("minimal")));

    // Resume with nothing but the session: the rules and output come with it.
    let mut p = interview(&["--resume", "s.json"], dir.path());
    p.exp_string("question 2 of 3").expect("resumes");
    first(&mut p);
    p.exp_string("Review").expect("review");
    enter(&mut p);
    p.exp_string("Record the disposition").expect("disposition");
    pick(&mut p, "a");
    p.exp_string("recommendation accepted").expect("accepted");
    p.exp_string("Result written to")
        .expect("the output is kept");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 0);
    let session = session_json(dir.path());
    assert_eq!(session["result"]["level"], "low");
    assert_eq!(session["dispositions"].as_array().map(Vec::len), Some(1));
    assert_eq!(session["dispositions"][0]["accepted"], true);

    // The finished session: the result as shown, the disposition, and an amendment.
    let mut p = interview(&["--resume", "s.json"], dir.path());
    p.exp_string("is finished").expect("finished");
    p.exp_string("Recorded").expect("the disposition recorded");
    p.exp_string("The recorded disposition").expect("asks");
    pick(&mut p, "a");
    p.exp_string("Record the disposition").expect("disposition");
    pick(&mut p, "o");
    p.exp_string("Actual level").expect("levels");
    pick(&mut p, "a");
    p.exp_string("Reason").expect("reasons");
    pick(&mut p, "a");
    p.exp_string("Reason in your words").expect("free text");
    enter(&mut p);
    p.exp_string("Decided by").expect("who");
    p.send("Dr. Kim").expect("send");
    enter(&mut p);
    p.exp_string("instead of the recommended").expect("amended");
    p.exp_string("Result written to")
        .expect("the output rewritten");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 0);
    let session = session_json(dir.path());
    let all = session["dispositions"].as_array().expect("dispositions");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["accepted"], true, "the original is kept");
    assert_eq!(all[1]["actual_level"], "high");
    assert_eq!(all[1]["decided_by"], "Dr. Kim");
    let out: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).expect("output")).expect("json");
    assert_eq!(out["disposition"]["decided_by"], "Dr. Kim");
    assert_eq!(out["amends"][0]["accepted"], true);
    assert_eq!(out["result"]["level"], "low", "the recommendation is kept");

    // The intake record: listed, exported, and scored again to the same result.
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let here = dir.path().to_string_lossy().into_owned();
    let list = run(&["sessions", "list", "--dir", &here, "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(list[0]["id"], "d-1");
    assert_eq!(list[0]["status"], "finished");
    assert_eq!(list[0]["disposition"], "high");
    assert_eq!(list[0]["amendments"], 1);
    let export = run(&[
        "sessions",
        "export",
        "--dir",
        &here,
        "--rules",
        &rules,
        "-o",
        "intakes.csv",
    ]);
    let said = String::from_utf8_lossy(&export.stderr);
    assert!(said.contains("1 finished intake(s) exported"), "{said}");
    assert!(said.contains("health data"), "{said}");
    assert!(
        said.contains("1 other .json file(s)"),
        "out.json is no session: {said}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join("intakes.csv"))
        .expect("export")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "owner-only");
    let exported = std::fs::read_to_string(dir.path().join("intakes.csv")).expect("export");
    let mut lines = exported.lines();
    assert_eq!(
        lines.next(),
        Some(
            "id,mood_1,mood_2,mood_3,retracted,recommended_level,crisis,disposition_level,\
             disposition_reason,disposition_reason_text,decided_by,decided_at,\
             disposition_amendments,languages,rules_version,rules_sha256"
        )
    );
    assert!(lines
        .next()
        .is_some_and(|l| l.starts_with("d-1,0,0,,,low,false,high,level_unavailable,,Dr. Kim,")));
    let scored = run(&["score", "intakes.csv", "--rules", &rules]);
    let scored = String::from_utf8_lossy(&scored.stdout).into_owned();
    let row = scored.lines().nth(1).expect("a row");
    assert!(
        row.starts_with("d-1,low,Low,false,"),
        "the interview's result: {row}"
    );
}

/// A session interrupted at the result screen resumes there: the answers
/// are all given, and the disposition is what is left.
#[test]
fn a_session_with_its_result_shown_resumes_at_the_disposition() {
    let dir = tempfile::tempdir().expect("dir");
    let rules = crate::harness::root().join("tests/fixtures/rules/minimal");
    let rules = rules.to_string_lossy().into_owned();
    let mut p = interview(&["--rules", &rules, "--session", "s.json"], dir.path());
    for _ in 0..2 {
        p.exp_string(" - question ").expect("a question");
        first(&mut p);
    }
    p.exp_string("Review").expect("review");
    enter(&mut p);
    p.exp_string("Record the disposition").expect("the result");
    p.send_control('c').expect("ctrl-c");
    p.exp_string("the disposition is not recorded")
        .expect("said");
    p.exp_eof().expect("ends");
    let mut p = interview(&["--resume", "s.json"], dir.path());
    let (before, _) = p
        .exp_regex("Record the disposition")
        .expect("straight to the disposition");
    assert!(!before.contains("Review"), "{before}");
    pick(&mut p, "a");
    p.exp_string("recommendation accepted").expect("recorded");
    p.exp_eof().expect("ends");
    assert_eq!(exit_code(&p), 0);
}

/// A Ctrl-C in a prompt reaches the prompt and the signal handler; the
/// interruption is said once.
#[test]
fn ctrl_c_is_said_once() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().expect("dir");
        let mut p = interview(&["--id", "c-1", "--session", "s.json"], dir.path());
        p.exp_string("question 1 of 10").expect("first");
        p.send_control('c').expect("ctrl-c");
        let rest = p.exp_eof().expect("ends");
        assert_eq!(rest.matches("interrupted").count(), 1, "{rest}");
        assert_eq!(exit_code(&p), 130);
    }
}

/// A terminal `rows` by `cols` running the interview: every byte the binary
/// writes goes through a terminal emulator, so a test reads the screen a
/// person would see, lines the terminal wrapped itself included.
struct Screen {
    p: PtySession,
    parser: vt100::Parser,
    rows: u16,
    cols: u16,
}

impl Screen {
    fn new(rows: u16, cols: u16, args: &[&str], dir: &std::path::Path) -> Screen {
        // The window size is set on the pty before the binary starts.
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!(
                "stty rows {rows} cols {cols} && exec \"$0\" interview \"$@\""
            ))
            .arg(BIN)
            .args(with_id(args))
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("CLICOLOR", "0")
            .env("TERM", "xterm")
            .env("HOME", dir)
            .env("XDG_DATA_HOME", dir);
        let p = spawn_command(command, Some(20_000)).expect("spawn in a pty");
        Screen {
            p,
            parser: vt100::Parser::new(rows, cols, 2_000),
            rows,
            cols,
        }
    }

    /// The pty's text (one char a byte) to the emulator.
    fn feed(&mut self, text: &str) {
        let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
        self.parser.process(&bytes);
    }

    /// Wait for one of `needles` (ASCII, or passed through `bytes`), showing
    /// everything up to it; which one came.
    #[track_caller]
    fn expect_any(&mut self, needles: &[&str]) -> usize {
        let until = needles
            .iter()
            .map(|n| rexpect::ReadUntil::String(n.to_string()))
            .collect();
        match self.p.exp_any(until) {
            Ok((before, found)) => {
                self.feed(&before);
                self.feed(&found);
                needles.iter().position(|n| *n == found).expect("a needle")
            }
            Err(e) => panic!("none of {needles:?}: {e}\nscreen:\n{}", self.text()),
        }
    }

    #[track_caller]
    fn expect(&mut self, needle: &str) {
        self.expect_any(&[needle]);
    }

    /// Wait for a question's screen to be drawn whole: its status line,
    /// in either language, is the last thing drawn. Or for `other`; which
    /// came (0 a question).
    #[track_caller]
    fn expect_question_or(&mut self, other: &str) -> usize {
        let ends = [
            "then Enter.\r\n".to_string(),
            "goes back.\r\n".to_string(),
            "current answer.\r\n".to_string(),
            bytes("y luego Enter.\r\n"),
            bytes("vuelve atrás.\r\n"),
            bytes("respuesta actual.\r\n"),
        ];
        let mut needles: Vec<&str> = ends.iter().map(String::as_str).collect();
        needles.push(other);
        match self.expect_any(&needles) {
            6 => 1,
            _ => 0,
        }
    }

    #[track_caller]
    fn expect_question(&mut self) {
        self.expect_question_or("\0never");
    }

    /// Read what is still coming until the binary waits for a key.
    fn settle(&mut self) {
        let mut quiet = 0;
        while quiet < 30 {
            let mut got = String::new();
            while let Some(c) = self.p.try_read() {
                got.push(c);
            }
            if got.is_empty() {
                quiet += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            } else {
                quiet = 0;
                self.feed(&got);
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.p.send(keys).expect("send");
        self.p.flush().expect("flush");
    }

    /// The rows on screen now.
    fn row_texts(&self) -> Vec<String> {
        self.parser.screen().rows(0, self.cols).collect()
    }

    fn text(&self) -> String {
        self.row_texts().join("\n")
    }

    /// Rows the terminal had to wrap itself: every line written should fit.
    /// The scrollback is looked at too, for what scrolled out of view.
    fn wrapped_rows(&mut self) -> Vec<String> {
        let mut wrapped = Vec::new();
        let screen = self.parser.screen_mut();
        screen.set_scrollback(usize::MAX);
        let back = screen.scrollback();
        for offset in (0..=back).rev().step_by(usize::from(self.rows)) {
            let screen = self.parser.screen_mut();
            screen.set_scrollback(offset);
            let rows: Vec<String> = screen.rows(0, self.cols).collect();
            for (i, row) in rows.iter().enumerate() {
                if screen.row_wrapped(i as u16) {
                    wrapped.push(format!(
                        "{row}⏎{}",
                        rows.get(i + 1).cloned().unwrap_or_default()
                    ));
                }
            }
        }
        self.parser.screen_mut().set_scrollback(0);
        wrapped
    }

    /// The question on screen, found by its text, checked as a person
    /// reads it: its text once, every word of it whole on a row, one
    /// progress header, and no row the terminal wrapped. Returns its id.
    #[track_caller]
    fn check_question(&mut self, texts: &[(String, String)]) -> String {
        let rows = self.row_texts();
        let screen = self.text();
        let joined = words(&rows.join(" "));
        let found = texts
            .iter()
            .filter(|(_, text)| joined.contains(&words(text)))
            .max_by_key(|(_, text)| text.len());
        let Some((id, text)) = found else {
            panic!("no question's text is whole on screen:\n{screen}");
        };
        assert_eq!(
            joined.matches(&words(text)).count(),
            1,
            "{id}: its text once:\n{screen}"
        );
        for word in text.split_whitespace() {
            assert!(
                rows.iter().any(|r| r.split_whitespace().any(|w| w == word)),
                "{id}: `{word}` is not whole on any row:\n{screen}"
            );
        }
        let headers =
            screen.matches(" - question ").count() + screen.matches(" - pregunta ").count();
        assert_eq!(headers, 1, "{id}: one progress header:\n{screen}");
        let wrapped = self.wrapped_rows();
        assert!(
            wrapped.is_empty(),
            "{id}: rows the terminal wrapped: {wrapped:?}\n{screen}"
        );
        id.clone()
    }
}

/// `text`'s words, one space apart.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every item's id and question text in `files` (rule-set YAML), in
/// `lang` where the text has one, else its only text.
fn question_texts(files: &[std::path::PathBuf], lang: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in files {
        let yaml = std::fs::read_to_string(file).expect("rules file");
        let doc: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("yaml");
        let instruments = doc["instruments"]
            .as_sequence()
            .cloned()
            .unwrap_or_default();
        for item in instruments
            .iter()
            .flat_map(|i| i["items"].as_sequence().cloned().unwrap_or_default())
        {
            let text = match &item["text"] {
                serde_yaml::Value::String(s) => s.clone(),
                other => other[lang]
                    .as_str()
                    .or(other["en"].as_str())
                    .unwrap_or_default()
                    .to_string(),
            };
            let id = item["id"].as_str().unwrap_or_default().to_string();
            out.push((id, text));
        }
    }
    out
}

fn default_texts() -> Vec<(String, String)> {
    let dir = crate::harness::root().join("rules/instruments");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("instruments")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    question_texts(&files, "en")
}

/// Walk a whole interview on a terminal `rows` by `cols`, answering each
/// question with Enter and checking every screen; then the review, the
/// result and the note.
fn whole_interview_fits(rows: u16, cols: u16) {
    let dir = tempfile::tempdir().expect("dir");
    let texts = default_texts();
    let mut s = Screen::new(
        rows,
        cols,
        &["--id", "w", "--session", "s.json"],
        dir.path(),
    );
    let mut asked = Vec::new();
    // The status line is the last thing each question's screen draws.
    while s.expect_question_or("Review: choose") == 0 {
        asked.push(s.check_question(&texts));
        // Down picks the first option, Enter records it; the question is
        // drawn again with it picked, then the next comes.
        s.send(DOWN);
        s.expect_question();
        s.send(ENTER);
    }
    assert_eq!(asked.len(), 53, "{asked:?}");
    for long in ["phq9_6", "phq9_8", "audit_4", "audit_10", "pcptsd5_0"] {
        assert!(asked.iter().any(|a| a == long), "{long} was asked");
    }
    s.settle();
    let review = s.text();
    assert_eq!(
        review
            .matches("Confirm these answers and see the result")
            .count(),
        1,
        "{review}"
    );
    assert!(review.contains("53 answers."), "{review}");
    // An answer: its id and full text, the answer under it; a page
    // indicator under the list.
    let rows = s.row_texts();
    let at = rows
        .iter()
        .position(|r| r.contains("phq9_3"))
        .expect("phq9_3 on the first page");
    assert!(
        rows[at].contains("Trouble falling or staying asleep, or sleeping too much"),
        "{review}"
    );
    assert!(rows[at + 1].contains("→ Not at all (code 0)"), "{review}");
    // Every page under the whole header, its number shown; Home back to
    // the first line, which confirms.
    let pages: usize = review
        .split("Page 1 of ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a page indicator: {review}"));
    assert!(pages > 2, "{review}");
    for page in 1..=pages {
        if page > 1 {
            s.send(PAGE_DOWN);
            s.expect(&format!("Page {page} of {pages}"));
            s.settle();
        }
        let rows = s.row_texts();
        assert!(rows[0].starts_with("Review: choose"), "{}", s.text());
        assert!(s.wrapped_rows().is_empty(), "{}", s.text());
    }
    let last = asked.last().expect("questions");
    assert!(
        s.text().contains(last.as_str()),
        "the last page: {}",
        s.text()
    );
    s.send(HOME);
    s.expect("Page 1 of");
    s.settle();
    assert!(
        s.wrapped_rows().is_empty(),
        "{:?}\n{review}",
        s.wrapped_rows()
    );
    s.send(ENTER);
    s.expect("reads the whole result.");
    s.settle();
    let summary = s.text();
    assert!(
        summary.contains("recommended level: Outpatient therapy"),
        "{summary}"
    );
    assert!(summary.contains("Crisis route: no"), "{summary}");
    assert!(
        summary.contains("[a] Accept: Outpatient therapy"),
        "{summary}"
    );
    let wrapped = s.wrapped_rows();
    assert!(wrapped.is_empty(), "the summary fits: {wrapped:?}");
    // The pager: every line of the result and the note can be read before
    // the disposition, a screen at a time, within the screen.
    s.send("p");
    s.expect("q goes back.");
    s.settle();
    let status = s.text();
    let of: usize = status
        .split(" of ")
        .last()
        .and_then(|rest| rest.split('.').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("a line count: {status}"));
    let mut seen = s.text();
    loop {
        let text = s.text();
        if text.contains(&format!("-{of} of {of}.")) {
            break;
        }
        s.send(PAGE_DOWN);
        s.expect("q goes back.");
        s.settle();
        seen.push_str(&s.text());
        assert!(s.wrapped_rows().is_empty(), "{}", s.text());
    }
    for needle in [
        "Recommended level of care",
        "not a diagnosis",
        "PHQ-9 total",
    ] {
        assert!(seen.contains(needle), "{needle} in the pager: {seen}");
    }
    s.send("q");
    s.expect("reads the whole result.");
    s.send("a");
    s.expect("reads the whole result.");
    s.send(ENTER);
    s.expect("Disposition: recommendation accepted");
    s.p.exp_eof().expect("ends");
}

#[test]
fn every_screen_of_a_whole_interview_fits_80_by_24() {
    whole_interview_fits(24, 80);
}

#[test]
fn every_screen_of_a_whole_interview_fits_100_by_40() {
    whole_interview_fits(40, 100);
}

#[test]
fn going_back_draws_the_earlier_question_alone_with_no_orphan_header() {
    let dir = tempfile::tempdir().expect("dir");
    let texts = default_texts();
    let mut s = Screen::new(24, 80, &["--id", "b", "--session", "s.json"], dir.path());
    for _ in 0..3 {
        s.expect_question();
        s.check_question(&texts);
        s.send(DOWN);
        s.expect_question();
        s.send(ENTER);
    }
    s.expect_question();
    assert_eq!(s.check_question(&texts), "phq9_4");
    for back_to in ["phq9_3", "phq9_2"] {
        s.send(ESC);
        s.expect_question();
        assert_eq!(s.check_question(&texts), back_to);
        let screen = s.text();
        assert!(!screen.contains("question 4 of 10"), "{screen}");
    }
    assert!(s.text().contains("question 2 of 10"), "{}", s.text());
    s.p.send_control('c').expect("ctrl-c");
    s.p.exp_eof().expect("ends");
}

/// Keys follow the paper form: AUDIT item 2's labels hold numbers, so
/// its keys are letters and a digit picks nothing (typing the client's "5"
/// never picks "10 or more"); AUDIT item 9's keys are its codes, 0, 2, 4.
#[test]
fn audit_keys_are_letters_where_labels_hold_numbers_and_codes_elsewhere() {
    let dir = tempfile::tempdir().expect("dir");
    let texts = default_texts();
    let mut s = Screen::new(24, 80, &["--id", "a", "--session", "s.json"], dir.path());
    loop {
        s.expect_question();
        if s.check_question(&texts) == "audit_2" {
            break;
        }
        s.send(DOWN);
        s.expect_question();
        s.send(ENTER);
    }
    assert!(s.text().contains("[b] 3 or 4"), "{}", s.text());
    assert!(s.text().contains("[e] 10 or more"), "{}", s.text());
    s.send("5");
    s.expect("Nothing recorded: press a, b, c, d or e");
    s.settle();
    assert!(!s.text().contains("> ["), "nothing picked: {}", s.text());
    s.send("b");
    s.expect_question();
    assert!(s.text().contains("> [b] 3 or 4"), "{}", s.text());
    s.send(ENTER);
    s.expect("Answer: [b] 3 or 4");
    loop {
        s.expect_question();
        if s.check_question(&texts) == "audit_9" {
            break;
        }
        s.send(DOWN);
        s.expect_question();
        s.send(ENTER);
    }
    assert!(
        s.text().contains("[4] Yes, during the last year"),
        "{}",
        s.text()
    );
    s.send("4");
    s.expect_question();
    s.send(ENTER);
    s.expect("Answer: [4] Yes, during the last year");
    s.expect_question();
    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).expect("session"))
            .expect("json");
    assert_eq!(session["answers"]["audit_2"], 1, "[b] is code 1: 3 or 4");
    assert_eq!(session["answers"]["audit_9"], 4, "[4] is code 4");
    s.p.send_control('c').expect("ctrl-c");
    s.p.exp_eof().expect("ends");
}

#[test]
fn a_spanish_interview_fits_80_by_24_with_its_status_line_in_spanish() {
    let dir = tempfile::tempdir().expect("dir");
    let mut files: Vec<_> = std::fs::read_dir(crate::harness::root().join("rules/instruments"))
        .expect("instruments")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let texts = question_texts(&files, "es");
    let args = [
        "--lang",
        "es",
        "--allow-english",
        "--id",
        "e",
        "--session",
        "s.json",
    ];
    let mut s = Screen::new(24, 80, &args, dir.path());
    for _ in 0..20 {
        s.expect_question();
        s.check_question(&texts);
        let screen = s.text();
        assert!(!screen.contains("goes back"), "{screen}");
        s.send(DOWN);
        s.expect_question();
        s.send(ENTER);
    }
    s.expect_question();
    assert!(s.text().contains("Esc vuelve atrás."), "{}", s.text());
    s.p.send_control('c').expect("ctrl-c");
    s.p.exp_eof().expect("ends");
}

#[test]
fn the_crisis_notice_fits_80_columns_phone_numbers_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let texts = default_texts();
    let mut s = Screen::new(24, 80, &["--id", "c", "--session", "s.json"], dir.path());
    loop {
        s.expect_question();
        if s.check_question(&texts) == "cssrs_1" {
            break;
        }
        s.send(DOWN);
        s.expect_question();
        s.send(ENTER);
    }
    // Yes to items 1 and 2, no to 3, yes to 4 (intent).
    for (i, key) in ["y", "y", "n", "y"].iter().enumerate() {
        if i > 0 {
            s.expect_question();
        }
        s.send(key);
        s.send(ENTER);
        s.expect("Answer: ");
    }
    s.expect("Press Enter.");
    let screen = s.text();
    assert!(
        screen.contains("CRISIS: EMERGENCY EVALUATION NOW"),
        "{screen}"
    );
    assert!(
        s.wrapped_rows().is_empty(),
        "{:?}\n{screen}",
        s.wrapped_rows()
    );
    assert!(
        s.row_texts().iter().any(|r| r.contains("(800) 854-7771")),
        "the number is whole on one row:\n{screen}"
    );
    s.p.send_control('c').expect("ctrl-c");
    s.p.exp_eof().expect("ends");
}

/// Typing at the review filters its lines; Enter on one asks that
/// question again (Esc there returns to the review), then the review comes
/// back whole; Esc clears a filter.
#[test]
fn typing_at_the_review_filters_it_and_enter_changes_that_answer() {
    let dir = tempfile::tempdir().expect("dir");
    let rules = crate::harness::root().join("tests/fixtures/rules/minimal");
    let rules = rules.to_string_lossy().into_owned();
    let mut s = Screen::new(
        24,
        80,
        &["--rules", &rules, "--session", "s.json"],
        dir.path(),
    );
    for _ in 0..2 {
        s.expect_question();
        s.send(DOWN);
        s.expect_question();
        s.send(ENTER);
    }
    s.expect("Filter");
    s.settle();
    assert!(s.text().contains("mood_1"), "{}", s.text());
    s.send("mood_2");
    s.expect("mood_2");
    s.settle();
    let screen = s.text();
    assert!(!screen.contains("mood_1"), "filtered out: {screen}");
    assert!(!screen.contains("Confirm these answers"), "{screen}");
    s.send(ENTER);
    s.expect_question();
    assert!(s.text().contains("Question two"), "{}", s.text());
    // Esc there goes back to the review, nothing changed: the filter is
    // kept, the cursor on that answer, and it says so.
    s.send(ESC);
    s.expect("Unchanged mood_2: no (code 0)");
    s.expect("1 of 2 answers match");
    s.settle();
    assert!(s.text().contains("> mood_2"), "{}", s.text());
    s.send(ENTER);
    s.expect_question();
    assert!(s.text().contains("Question two"), "{}", s.text());
    assert!(s.text().contains("Current answer: [n] no"), "{}", s.text());
    // A change: the review says what it was.
    s.send("y");
    s.expect_question();
    s.send(ENTER);
    // The follow-up "yes" shows is asked, then the review comes back.
    s.expect("Follow-up");
    s.expect_question();
    s.send(DOWN);
    s.expect_question();
    s.send(ENTER);
    s.expect(&bytes("Changed mood_2: no (code 0) → yes (code 1)"));
    // Three answers now (the follow-up); the filter still keeps one.
    s.expect("1 of 3 answers match");
    s.settle();
    s.send("zz");
    s.expect("No answer matches");
    // Esc clears the filter before it goes back.
    s.send(ESC);
    s.expect("Confirm these answers");
    s.settle();
    assert!(
        s.text().contains("mood_1"),
        "the whole review: {}",
        s.text()
    );
    s.p.send_control('c').expect("ctrl-c");
    s.p.exp_eof().expect("ends");
}

/// On the crisis route the result screen says so where the disposition
/// is recorded: the level, the crisis route and every flag stay in view
/// through every prompt of another level, its reason and who decided.
#[test]
fn the_result_screen_keeps_the_crisis_in_view_through_every_disposition_prompt() {
    let dir = tempfile::tempdir().expect("dir");
    let mut s = Screen::new(24, 80, &["--session", "s.json"], dir.path());
    let ends = [
        "then Enter.\r\n",
        "goes back.\r\n",
        "Press Enter.",
        "Review: choose",
    ];
    loop {
        match s.expect_any(&ends) {
            2 => s.send(ENTER),
            3 => break,
            _ => {
                // The status line is drawn last: the question is on screen.
                let text = s.text();
                let yes = text.contains("thoughts of killing yourself?")
                    || text.contains("some intention of acting on them?");
                s.send(if yes { "y" } else { DOWN });
                s.expect_any(&ends[..2]);
                s.send(ENTER);
            }
        }
    }
    s.settle();
    s.send(ENTER);
    let in_view = |s: &mut Screen, prompt: &str| {
        s.expect(prompt);
        s.settle();
        let screen = s.text();
        for needle in [
            "recommended level: Residential / Inpatient",
            "!! CRISIS ROUTE: emergency evaluation now",
            "[CRITICAL] C-SSRS high suicide risk: emergency evaluation now",
            "[HIGH] Positive suicide-risk answer: assessment today",
        ] {
            assert!(screen.contains(needle), "{prompt}: {needle}\n{screen}");
        }
        assert!(s.wrapped_rows().is_empty(), "{:?}", s.wrapped_rows());
    };
    in_view(&mut s, "reads the whole result.");
    assert!(
        s.text()
            .contains("[a] Accept: Residential / Inpatient (CRISIS route)"),
        "{}",
        s.text()
    );
    s.send("o");
    s.send(ENTER);
    in_view(&mut s, "Actual level (Esc goes back)");
    // Esc goes back to the first choice, then on again.
    s.send(ESC);
    s.expect("[a] Accept: Residential / Inpatient (CRISIS route)");
    s.settle();
    s.send("o");
    s.send(ENTER);
    in_view(&mut s, "Actual level (Esc goes back)");
    s.send("c");
    s.send(ENTER);
    in_view(&mut s, "Reason");
    s.send("c");
    s.send(ENTER);
    in_view(&mut s, "Reason in your words");
    s.send(ENTER);
    in_view(&mut s, "Decided by");
    s.send("Dr. Lee");
    s.send(ENTER);
    s.expect("instead of the");
    s.p.exp_eof().expect("ends");
}
