//! `explain` in words: an assessment with its result table, warnings,
//! every rule evaluated (the condition, what it saw, whether it held), why
//! this level and why not the next one up; or, for an incomplete record,
//! every problem, the flags its answers establish, and its note.

use std::fmt::Write;

use crate::answers::Answers;
use crate::assess::{established_flags, rejected_warnings, Assessment};
use crate::error::AnswerError;
use crate::messages::Lang;
use crate::model::RuleSet;
use crate::report::note::NoteRenderer;
use crate::report::trace::{describe_in, flag_name, Tracer};
use crate::report::{table, words};

/// The explanation of a scored record; with `fired_only`, the rules that
/// did not fire are left out of the list of rules (the result table keeps
/// every flag).
pub(crate) fn scored(rules: &RuleSet, a: &Assessment, fired_only: bool) -> String {
    let lang = Lang::of(&rules.lang);
    let [_, _, every_rule] = lang.explain_headings();
    let mut o = String::new();
    let _ = writeln!(o, "{}", table::result_table(rules, a));
    for warning in &a.warnings {
        let _ = writeln!(
            o,
            "{}: {}",
            lang.warning_label(),
            words::warning(rules, warning)
        );
    }
    let heading = match fired_only {
        true => lang.explain_fired(),
        false => every_rule,
    };
    let _ = writeln!(o, "\n{heading}");
    if let Some(operators) = lang.explain_operators() {
        let _ = writeln!(o, "{operators}");
    }
    let [when, saw, nothing] = lang.explain_when_saw();
    let trace = Tracer::of_in(rules, lang).trace(rules, a);
    for e in trace.into_iter().filter(|e| e.fired || !fired_only) {
        let seen: Vec<String> = e
            .seen
            .iter()
            .map(|s| format!("{} = {}", s.subject, s.words()))
            .collect();
        let outcome = e
            .outcome
            .as_deref()
            .map(|o| format!(" -> {o}"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  [{}] {} {}{outcome}\n        {when} {}\n        {saw} {}",
            lang.explain_mark(e.fired),
            e.kind.words(lang),
            e.id,
            e.condition,
            if seen.is_empty() {
                nothing.to_string()
            } else {
                seen.join(", ")
            }
        );
    }
    let _ = writeln!(o, "\n{}", lang.explain_why(&rules.levels[a.level].name));
    for reason in a.reasons(rules) {
        let _ = writeln!(
            o,
            "  - {} ({})",
            words::reason(rules, &reason),
            reason.id(rules)
        );
    }
    if a.level < rules.top_level() {
        // What leads to the next level up (`Paths`): none of it held.
        let up = a.level + 1;
        let _ = writeln!(o, "\n{}", lang.explain_why_not(&rules.levels[up].name));
        for &r in &rules.paths.rules[up] {
            let rule = &rules.rules[r];
            debug_assert!(!a.rules[r]);
            let from = rule
                .from
                .map(|l| lang.explain_from(&rules.levels[l].id))
                .unwrap_or_default();
            let when = describe_in(rules, &rule.when, lang);
            let _ = writeln!(o, "  - {}: {when}{from}", rule.id);
        }
        for &f in &rules.paths.flags[up] {
            let when = describe_in(rules, &rules.flags[f].when, lang);
            let _ = writeln!(o, "  - {}: {when}", flag_name(rules, f, lang));
        }
    }
    o
}

/// The explanation of an incomplete record: every problem (as `score`
/// names them), the flags its answers establish, and the note of the
/// incomplete record.
pub(crate) fn rejected(
    rules: &RuleSet,
    renderer: &NoteRenderer<'_>,
    id: &str,
    answers: &Answers,
    problems: &[AnswerError],
) -> String {
    let lang = Lang::of(&rules.lang);
    let [rejected, raise, _] = lang.explain_headings();
    let said: Vec<String> = problems.iter().map(|p| lang.answer_problem(p)).collect();
    // The note is the one `score` writes, its problems as its `error` says them.
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let mut o = String::new();
    let _ = writeln!(o, "{rejected}: {}.", said.join("; "));
    let flags = established_flags(rules, answers);
    let warnings = rejected_warnings(rules, answers, &flags);
    if !flags.is_empty() {
        let _ = writeln!(o, "{raise}");
        for &f in &flags {
            let flag = &rules.flags[f];
            let _ = writeln!(
                o,
                "  [{}] {}: {}",
                lang.severity(flag.severity),
                flag.id,
                flag.message.trim()
            );
        }
    }
    let _ = write!(
        o,
        "\n{}",
        renderer.render_rejected(id, &problems.join("; "), answers, &flags, &warnings)
    );
    o
}
