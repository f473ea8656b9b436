//! The client's handout, rendered for every shipped case (every level, each
//! safety flag, the crisis route, no flag at all) and for rejected records,
//! in English and Spanish: it reads easily, and it shows nothing written for
//! staff.

use std::collections::BTreeSet;

use crate::answers::Answers;
use crate::assess::assess;
use crate::messages::Lang;
use crate::model::{FlagIx, RuleSet};
use crate::report::handout;
use crate::report::note::{check_template, NoteAudience, NoteFormat, NoteRenderer};
use crate::rules::{load_in, RulesSource};

fn rules(lang: &str) -> RuleSet {
    load_in(&RulesSource::Embedded, lang).expect("the built-in rules load")
}

/// One rendered handout and what it was rendered for.
struct Render {
    label: String,
    text: String,
}

/// The handout for every case the rule set ships that is scored, then for
/// rejected records (nothing raised; each safety flag established), with
/// what they covered: levels, raised safety flags, crisis, no flag.
fn renders(rules: &RuleSet) -> (Vec<Render>, BTreeSet<String>) {
    let renderer = NoteRenderer::for_audience(rules, NoteFormat::Text, NoteAudience::Client)
        .expect("the client template compiles")
        .with_date("2026-11-23");
    let mut out = Vec::new();
    let mut covered = BTreeSet::new();
    for case in &rules.cases {
        let Ok(a) = assess(rules, &crate::cases::answers(rules, case)) else {
            continue;
        };
        covered.insert(format!("level {}", rules.levels[a.level].id));
        let raised: Vec<FlagIx> = a.raised_flags(rules).collect();
        if raised.is_empty() {
            covered.insert("no flag".into());
        }
        if a.crisis {
            covered.insert("crisis".into());
        }
        for &f in &raised {
            if rules.flags[f].is_safety() {
                covered.insert(format!("safety flag {}", rules.flags[f].id));
            }
        }
        let text = renderer.render(&case.id, &a).expect("the handout renders");
        out.push(Render {
            label: case.id.clone(),
            text,
        });
    }
    let answers = Answers::new(rules);
    let mut established: Vec<Vec<FlagIx>> = vec![Vec::new()];
    established.extend(
        rules
            .flags
            .iter_ix()
            .filter(|(_, f)| f.is_safety())
            .map(|(f, _)| vec![f]),
    );
    for flags in established {
        let label = match flags.first() {
            Some(&f) => format!("rejected, {}", rules.flags[f].id),
            None => "rejected".into(),
        };
        out.push(Render {
            label,
            text: renderer.render_rejected("x", "", &answers, &flags, &[]),
        });
    }
    (out, covered)
}

/// The text as read: markup and bullets stripped; a line that starts
/// with a lowercase letter, or is indented under a bullet, continues the
/// one before (the template wraps it); any other line starts a new unit
/// (a paragraph, a bullet, a heading). Each unit is split into sentences
/// at `.`, `!` or `?` followed by a space; what a unit ends with after
/// its last full stop (a heading, a bullet without a period, a line
/// ending in a colon) is a sentence too.
fn sentences(text: &str) -> Vec<Vec<String>> {
    let mut units: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        let continues = line.starts_with(' ') || line.starts_with(char::is_lowercase);
        let stripped = line
            .trim()
            .trim_start_matches(['#', '>', '*', '-', '`'])
            .trim();
        match units.last_mut() {
            Some(unit) if open && continues => {
                unit.push(' ');
                unit.push_str(stripped);
            }
            _ => units.push(stripped.to_string()),
        }
        open = true;
    }
    let mut out = Vec::new();
    for unit in units {
        let mut current = String::new();
        let chars: Vec<char> = unit.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            current.push(c);
            let ends =
                matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
            if ends {
                out.push(words(&current));
                current.clear();
            }
        }
        let rest = words(&current);
        if !rest.is_empty() {
            out.push(rest);
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The words of a sentence: whitespace-separated tokens with a letter or
/// a digit (a phone number, `24/7` and `988` are words; a lone `&` or `-`
/// is not).
fn words(sentence: &str) -> Vec<String> {
    sentence
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(str::to_string)
        .collect()
}

/// Syllables as vowel groups (`y` a vowel), a trailing silent `e` not
/// counted (`make`, but `table`, `free`), at least one per word.
fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    let vowel = |c: char| "aeiouy".contains(c);
    let mut groups = 0;
    let mut previous = false;
    for &c in &w {
        let v = vowel(c);
        if v && !previous {
            groups += 1;
        }
        previous = v;
    }
    let n = w.len();
    let silent_e = n >= 2
        && w[n - 1] == 'e'
        && !vowel(w[n - 2])
        && !(n >= 3 && w[n - 2] == 'l' && !vowel(w[n - 3]));
    if silent_e && groups > 1 {
        groups -= 1;
    }
    groups.max(1)
}

/// The handout's sections: each heading (a line in capitals) with the
/// text up to the next one; text before the first heading is a section
/// too.
fn sections(text: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    for line in text.lines() {
        let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
        let heading = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
        if heading {
            out.push(String::new());
        }
        if let Some(section) = out.last_mut() {
            section.push_str(line);
            section.push('\n');
        }
    }
    out.retain(|s| !sentences(s).is_empty());
    out
}

/// Flesch–Kincaid grade level.
fn fk_grade(text: &str) -> f64 {
    let sentences = sentences(text);
    let words: Vec<&String> = sentences.iter().flatten().collect();
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    let (s, w) = (sentences.len() as f64, words.len() as f64);
    0.39 * (w / s) + 11.8 * (syllables as f64 / w) - 15.59
}

#[test]
fn syllables_are_vowel_groups_without_a_silent_e() {
    for (word, expected) in [
        ("make", 1),
        ("table", 2),
        ("free", 1),
        ("the", 1),
        ("counselor", 3),
        ("you", 1),
        ("988", 1),
        ("(800)", 1),
        // The rule knows no compounds: the inner silent `e` counts.
        ("Lifeline:", 3),
        ("one-on-one", 3),
    ] {
        assert_eq!(syllables(word), expected, "{word}");
    }
}

#[test]
fn sentences_join_wrapped_lines_and_count_headings_and_bullets() {
    let text = "TITLE\nOne two three. Four five\nsix.\n\n- A bullet\n- Another one.\n  Contact: call 988.\n";
    let lengths: Vec<usize> = sentences(text).iter().map(Vec::len).collect();
    assert_eq!(lengths, [1, 3, 3, 2, 2, 3]);
}

#[test]
fn a_harder_text_raises_the_grade_past_eight() {
    let easy = "You can ask questions at any time. A staff member will help you.";
    let hard = "Comprehensive multidisciplinary evaluation necessitates considerable \
                interdisciplinary collaboration, administrative coordination and \
                individualized consideration of circumstances.";
    assert!(fk_grade(easy) <= 8.0, "{}", fk_grade(easy));
    assert!(fk_grade(&format!("{easy}\n{hard}")) > 8.0);
}

/// The figures measured; printed with `CARESCREEN_READABILITY=1`.
#[allow(clippy::print_stdout)]
fn report(lines: &[String]) {
    if std::env::var_os("CARESCREEN_READABILITY").is_some() {
        for line in lines {
            println!("{line}");
        }
    }
}

#[test]
fn the_english_handout_reads_at_grade_eight_or_below_for_every_record() {
    let rules = rules("en");
    let (renders, covered) = renders(&rules);
    let mut figures = Vec::new();
    let mut too_hard = Vec::new();
    for r in &renders {
        let grade = fk_grade(&r.text);
        let by_section: Vec<f64> = sections(&r.text).iter().map(|s| fk_grade(s)).collect();
        let hardest = by_section.iter().copied().fold(f64::MIN, f64::max);
        let longest = sentences(&r.text).iter().map(Vec::len).max().unwrap_or(0);
        figures.push(format!(
            "en {:<50} FK grade {grade:.2}, hardest section {hardest:.2}, longest sentence {longest}",
            r.label
        ));
        if grade > 8.0 || hardest > 8.0 || longest > 25 {
            let hard: Vec<String> = sections(&r.text)
                .into_iter()
                .filter(|s| fk_grade(s) > 8.0)
                .collect();
            too_hard.push(format!(
                "{}: grade {grade:.2}, hardest section {hardest:.2}, longest sentence {longest}\n{}",
                r.label,
                hard.join("---\n")
            ));
        }
    }
    report(&figures);
    assert!(too_hard.is_empty(), "{}", too_hard.join("\n\n"));
    assert_covers(&rules, &covered);
}

#[test]
fn the_spanish_handout_keeps_its_sentences_short_for_every_record() {
    let rules = rules("es");
    let (renders, covered) = renders(&rules);
    let mut figures = Vec::new();
    let mut too_long = Vec::new();
    for r in &renders {
        let mut lengths: Vec<usize> = sentences(&r.text).iter().map(Vec::len).collect();
        lengths.sort_unstable();
        let max = lengths.last().copied().unwrap_or(0);
        let median = match lengths.len() {
            0 => 0.0,
            n if n % 2 == 1 => lengths[n / 2] as f64,
            n => (lengths[n / 2 - 1] + lengths[n / 2]) as f64 / 2.0,
        };
        figures.push(format!(
            "es {:<50} sentences {:>3}, longest {max:>2} words, median {median:.1}",
            r.label,
            lengths.len()
        ));
        if max > 25 || median > 15.0 {
            let long: Vec<String> = sentences(&r.text)
                .into_iter()
                .filter(|s| s.len() > 25)
                .map(|s| s.join(" "))
                .collect();
            too_long.push(format!(
                "{}: longest {max}, median {median}\n{}",
                r.label,
                long.join("\n")
            ));
        }
    }
    report(&figures);
    assert!(too_long.is_empty(), "{}", too_long.join("\n\n"));
    assert_covers(&rules, &covered);
}

/// The renders include every level, each safety flag, the crisis route and
/// a record without any flag.
fn assert_covers(rules: &RuleSet, covered: &BTreeSet<String>) {
    let mut wanted: Vec<String> = rules
        .levels
        .iter()
        .map(|l| format!("level {}", l.id))
        .collect();
    wanted.extend(
        rules
            .flags
            .iter()
            .filter(|f| f.is_safety())
            .map(|f| format!("safety flag {}", f.id)),
    );
    wanted.extend(["crisis".to_string(), "no flag".to_string()]);
    let missing: Vec<&String> = wanted.iter().filter(|w| !covered.contains(*w)).collect();
    assert!(missing.is_empty(), "no render covers {missing:?}");
}

#[test]
fn no_handout_shows_anything_written_for_staff() {
    for lang in ["en", "es"] {
        let rules = rules(lang);
        let mut staff: Vec<(String, String)> = Vec::new();
        for f in rules.flags.iter() {
            staff.push((format!("flag {}'s message", f.id), f.message.clone()));
            staff.push((format!("flag id {}", f.id), f.id.clone()));
        }
        for r in rules.resources.iter().filter(|r| r.professional) {
            staff.push((format!("resource {}", r.id), r.contact.trim().to_string()));
            staff.push((format!("resource {}'s name", r.id), r.name.clone()));
        }
        for l in &rules.levels {
            staff.push((format!("level {}'s referral", l.id), l.referral.clone()));
            staff.push((
                format!("level {}'s description", l.id),
                l.description.clone(),
            ));
        }
        for rule in rules.rules.iter() {
            staff.push((format!("rule {}", rule.id), rule.id.clone()));
        }
        for s in rules.scales.iter() {
            staff.push((format!("scale {}", s.id), s.title.clone()));
        }
        staff.push(("the hash".into(), rules.sha256[..12].to_string()));
        staff.push(("the rule set's name".into(), rules.name.clone()));
        let (renders, _) = renders(&rules);
        for r in &renders {
            for (what, text) in &staff {
                assert!(
                    !r.text.contains(text.as_str()),
                    "{lang} {}: shows {what}\n{}",
                    r.label,
                    r.text
                );
            }
        }
    }
}

#[test]
fn intent_to_harm_others_gives_crisis_lines_and_no_duty_to_protect() {
    for lang in ["en", "es"] {
        let rules = rules(lang);
        let mut answers = Answers::extreme(&rules, false);
        let item = rules.item_index("harm_others").expect("item");
        answers.set(&rules, item, 2).expect("code");
        let a = assess(&rules, &answers).expect("scored");
        assert!(a.crisis);
        let renderer = NoteRenderer::for_audience(&rules, NoteFormat::Text, NoteAudience::Client)
            .expect("template");
        let duty = rules
            .resources
            .iter()
            .find(|r| r.professional)
            .expect("the duty-to-protect reminder");
        let flag = rules
            .flags
            .iter()
            .find(|f| f.id == "harm_others_intent")
            .expect("flag");
        let flags: Vec<FlagIx> = a.raised_flags(&rules).collect();
        let scored = renderer.render("x", &a).expect("renders");
        let rejected = renderer.render_rejected("x", "", &answers, &flags, &[]);
        for handout in [scored, rejected] {
            assert!(handout.contains("988"), "{handout}");
            assert!(handout.contains("911"), "{handout}");
            assert!(
                handout.contains(flag.client.as_deref().expect("client text")),
                "{handout}"
            );
            assert!(!handout.contains(duty.contact.trim()), "{handout}");
            assert!(!handout.contains(&duty.name), "{handout}");
            assert!(!handout.contains(&flag.message), "{handout}");
        }
        // The professional's note does list the reminder.
        let note = NoteRenderer::new(&rules)
            .and_then(|n| n.render("x", &a))
            .expect("note");
        assert!(note.contains(duty.contact.trim()));
    }
}

#[test]
fn a_template_that_leaves_everything_out_still_gets_the_client_texts_and_lines() {
    for lang in ["en", "es"] {
        let mut rules = rules(lang);
        rules.note_client = Some("{{ level.name }}\n".into());
        let renderer = NoteRenderer::for_audience(&rules, NoteFormat::Text, NoteAudience::Client)
            .expect("template");
        let a = assess(&rules, &Answers::extreme(&rules, true)).expect("scored");
        let handout = renderer.render("x", &a).expect("renders");
        for f in a.raised_flags(&rules) {
            let flag = &rules.flags[f];
            if let Some(client) = &flag.client {
                assert!(handout.contains(client.as_str()), "{}: {handout}", flag.id);
            }
            assert!(!handout.contains(&flag.message), "{}: {handout}", flag.id);
        }
        for r in &rules.resources {
            assert_eq!(
                handout.contains(r.contact.trim()),
                !r.professional,
                "{}: {handout}",
                r.id
            );
        }
        let disclaimer = handout::client_disclaimer(Lang::of(lang));
        assert!(handout.trim_end().ends_with(disclaimer), "{handout}");
    }
}

#[test]
fn a_client_template_that_reaches_for_staff_texts_is_rejected() {
    let mut rules = rules("en");
    for (template, expected) in [
        ("{{ rules.sha256 }}", "undefined"),
        ("{{ flags[0].message }}", "undefined"),
        ("{{ level.name }}", "leaves out flag"),
        (
            "Refer to an outpatient therapist or clinic for an intake appointment.",
            "written for staff",
        ),
    ] {
        rules.note_client = Some(template.into());
        let (key, err) = check_template(&rules).expect_err(template);
        assert_eq!(key, "note_client");
        assert!(
            err.message.contains(expected),
            "{template}: {}",
            err.message
        );
    }
    let shipped = self::rules("en");
    assert!(check_template(&shipped).is_ok());
}
