//! The result screen where the disposition is recorded. A summary that
//! fits the terminal comes first: the level, the crisis route and every
//! raised flag's title, most urgent first (what has no room is counted,
//! "+N more: press p"), then the next step and the positive screens while
//! they fit. Every disposition prompt is drawn under it, so the level, the
//! crisis route and the flags stay in view while the decision is made;
//! `p` opens a pager of the whole result and note, within the screen.

use console::{style, Key};
use dialoguer::Input;

use super::super::picker::{OptionKey, Picker, Step};
use super::super::{ResultScreen, Stop};
use super::{bold, dim, fit_lines, stop, wrap, TerminalPrompter};
use crate::messages::Lang;

/// Rows a choice takes under the summary besides its options: a blank
/// row, the prompt, a blank row, the status line (two rows at most), a
/// notice row and the row the cursor is left on.
const CHOICE_ROWS: usize = 7;

impl TerminalPrompter {
    fn rows(&self) -> usize {
        usize::from(self.term.size().0).max(12)
    }

    /// The summary in at most `room` rows.
    pub(crate) fn summary_lines(&self, result: &ResultScreen, room: usize) -> Vec<String> {
        summary(self.lang, self.width(), result, room)
    }

    /// A choice on the result screen: the summary, `prompt`, the options
    /// with their keys, and a status line. Nothing is picked at first;
    /// Enter with nothing picked says which keys work; `p` opens the
    /// pager at once (an option keyed `p` is that pager, for arrows and
    /// Enter). Returns the option chosen, or `None` for Esc where
    /// `can_go_back` (the prompt then says so).
    pub(crate) fn choose_on_result(
        &mut self,
        result: &ResultScreen,
        prompt: &str,
        options: &[(char, String)],
        can_go_back: bool,
    ) -> Result<Option<usize>, Stop> {
        let width = self.width();
        let keys: Vec<OptionKey> = options.iter().map(|(k, _)| OptionKey::new(*k)).collect();
        let shown: Vec<String> = options.iter().map(|(k, _)| k.to_string()).collect();
        let unpicked = self.lang.unpicked(&shown);
        let prompt = match can_go_back {
            true => self.lang.with_esc_back(prompt),
            false => prompt.to_string(),
        };
        let prompt = prompt.as_str();
        let mut picker = Picker::new(keys, can_go_back, false);
        let mut warn = false;
        let mut redraw = true;
        self.term.hide_cursor().map_err(Stop::Io)?;
        let chosen = loop {
            if redraw {
                let status = match warn {
                    true => Some(unpicked.as_str()),
                    false => None,
                };
                let below =
                    choice_lines(self.lang, width, prompt, options, picker.cursor(), status);
                let room = self.rows().saturating_sub(below.len() + 1);
                let mut screen = self.summary_lines(result, room);
                screen.extend(below);
                self.term.clear_screen().map_err(Stop::Io)?;
                self.lines(&screen)?;
            }
            let key = self.term.read_key_raw().map_err(Stop::Io)?;
            if matches!(key, Key::Char('p' | 'P')) {
                self.pager(&result.full)?;
                redraw = true;
                continue;
            }
            match picker.press(super::press(key)) {
                Step::Moved => {
                    redraw = true;
                    warn = false;
                }
                Step::Unpicked => {
                    redraw = !warn;
                    warn = true;
                }
                Step::Chosen(i) => break Some(i),
                Step::Back => break None,
                Step::Interrupted => {
                    self.term.show_cursor().map_err(Stop::Io)?;
                    return Err(Stop::Interrupted);
                }
                _ => redraw = false,
            }
        };
        self.term.show_cursor().map_err(Stop::Io)?;
        Ok(chosen)
    }

    /// Text typed on the result screen, under the summary; echoed wrapped
    /// between words once entered. `required` refuses a blank answer with
    /// `say`.
    pub(crate) fn type_on_result(
        &mut self,
        result: &ResultScreen,
        prompt: &str,
        required: Option<&'static str>,
    ) -> Result<String, Stop> {
        let width = self.width();
        let room = self.rows().saturating_sub(CHOICE_ROWS);
        let mut screen = self.summary_lines(result, room);
        screen.push(String::new());
        self.term.clear_screen().map_err(Stop::Io)?;
        self.lines(&screen)?;
        let text: String = Input::new()
            .with_prompt(prompt)
            .allow_empty(required.is_none())
            .report(false)
            .validate_with(move |text: &String| -> Result<(), &str> {
                match (required, text.trim().is_empty()) {
                    (Some(say), true) => Err(say),
                    _ => Ok(()),
                }
            })
            .interact_text_on(&self.term)
            .map_err(stop)?;
        let text = text.trim().to_string();
        if !text.is_empty() {
            self.lines(&wrap(&format!("{prompt}: {text}"), width, 0, 2))?;
        }
        Ok(text)
    }

    /// The whole result and note, a screen at a time: ↑/↓, PgUp/PgDn,
    /// Home/End; `q`, Esc or Enter go back.
    pub(crate) fn pager(&mut self, text: &str) -> Result<(), Stop> {
        let width = self.width();
        let lines: Vec<String> = fit_lines(text, width).lines().map(String::from).collect();
        let height = self.rows().saturating_sub(3).max(1);
        let last_top = lines.len().saturating_sub(height);
        let mut top = 0usize;
        self.term.hide_cursor().map_err(Stop::Io)?;
        loop {
            let end = (top + height).min(lines.len());
            let mut screen: Vec<String> = lines[top..end].to_vec();
            screen.resize(height, String::new());
            screen.push(String::new());
            let status = self.lang.pager_status(top + 1, end, lines.len());
            screen.extend(wrap(&status, width, 0, 0).iter().map(|l| dim(l)));
            self.term.clear_screen().map_err(Stop::Io)?;
            self.lines(&screen)?;
            top = match self.term.read_key_raw().map_err(Stop::Io)? {
                Key::ArrowDown => (top + 1).min(last_top),
                Key::ArrowUp => top.saturating_sub(1),
                Key::PageDown | Key::Char(' ') => (top + height).min(last_top),
                Key::PageUp => top.saturating_sub(height),
                Key::Home => 0,
                Key::End => last_top,
                Key::Char('q' | 'Q') | Key::Escape | Key::Enter => break,
                Key::CtrlC => {
                    self.term.show_cursor().map_err(Stop::Io)?;
                    return Err(Stop::Interrupted);
                }
                _ => top,
            };
        }
        self.term.show_cursor().map_err(Stop::Io)?;
        Ok(())
    }
}

/// The summary in at most `room` rows of `width` columns: the level, the
/// crisis route and the flags always (the least urgent flags counted as
/// "+N more" when there is no room), then the next step and the positive
/// screens while they fit.
pub(crate) fn summary(lang: Lang, width: usize, result: &ResultScreen, room: usize) -> Vec<String> {
    let title = lang.result_title(&result.id, &result.level);
    let mut head = wrap(&title, width, 0, 2)
        .iter()
        .map(|l| bold(l))
        .collect::<Vec<_>>();
    let crisis = wrap(lang.crisis_line(result.crisis), width, 0, 3);
    match result.crisis {
        true => head.extend(crisis.iter().map(|l| style(l).red().bold().to_string())),
        false => head.extend(crisis),
    }
    head.extend(wrap(&lang.flags_heading(result.flags.len()), width, 0, 2));
    let mut flag_lines: Vec<Vec<String>> = result
        .flags
        .iter()
        .map(|(severity, title)| {
            let line = format!("[{}] {title}", lang.severity(*severity));
            wrap(&line, width, 2, 2)
        })
        .collect();
    // The answers taken back, named: the flag alone does not say which.
    flag_lines.extend(
        result
            .taken_back
            .iter()
            .map(|words| wrap(&format!("- {words}"), width, 4, 2)),
    );
    let all_flags: usize = flag_lines.iter().map(Vec::len).sum();
    let mut lines = head.clone();
    if head.len() + all_flags <= room {
        lines.extend(flag_lines.into_iter().flatten());
    } else {
        // Keep the most urgent; count the rest.
        let mut left = room.saturating_sub(head.len() + 1);
        let mut shown = 0;
        for block in &flag_lines {
            if block.len() > left {
                break;
            }
            left -= block.len();
            lines.extend(block.iter().cloned());
            shown += 1;
        }
        let more = lang.more_flags(flag_lines.len() - shown);
        lines.push(bold(&format!("  {more}")));
        return lines;
    }
    let mut optional: Vec<Vec<String>> = Vec::new();
    if let Some(step) = &result.next_step {
        optional.push(wrap(&lang.next_step_line(step), width, 0, 2));
    }
    if !result.positive.is_empty() {
        let scores = result.positive.join("; ");
        optional.push(wrap(&lang.positive_scores(&scores), width, 0, 2));
    }
    // A finished session's dispositions, the one in force last.
    if !result.recorded.is_empty() {
        let lines: Vec<String> = result
            .recorded
            .iter()
            .flat_map(|r| wrap(r, width, 0, 2))
            .collect();
        optional.insert(0, lines);
    }
    for block in optional {
        if lines.len() + 1 + block.len() <= room {
            lines.push(String::new());
            lines.extend(block);
        }
    }
    lines
}

/// A choice under the summary: a blank row, the prompt, the options with
/// their keys (`picked` marked), a blank row, and the status line, or in
/// its place `status` (which keys work).
pub(crate) fn choice_lines(
    lang: Lang,
    width: usize,
    prompt: &str,
    options: &[(char, String)],
    picked: Option<usize>,
    status: Option<&str>,
) -> Vec<String> {
    let mut below = vec![String::new()];
    below.extend(wrap(prompt, width, 0, 0).iter().map(|l| bold(l)));
    for (i, (key, label)) in options.iter().enumerate() {
        let line = format!("[{key}] {label}");
        let (mark, line) = match picked == Some(i) {
            true => (">", bold(&line)),
            false => (" ", line),
        };
        below.extend(wrap(&format!("{mark} {line}"), width, 0, 4));
    }
    below.push(String::new());
    match status {
        Some(status) => below.extend(wrap(status, width, 0, 0).iter().map(|l| bold(l))),
        None => {
            let hint = lang.result_choice_hint();
            below.extend(wrap(hint, width, 0, 0).iter().map(|l| dim(l)));
        }
    }
    below
}

#[cfg(test)]
mod tests {
    use super::{choice_lines, summary};
    use crate::answers::{Answers, Retraction};
    use crate::assess::assess;
    use crate::disposition::DispositionReason;
    use crate::messages::Lang;
    use crate::rules::{load_in, RulesSource};

    /// The largest set of flags the default rules raise at once (the most
    /// severe answer everywhere, and a safety answer taken back), in each
    /// language: at 80 by 24, every disposition prompt leaves room for the
    /// level, the crisis route and every flag's title.
    #[test]
    fn the_largest_flag_set_fits_80_by_24_under_every_disposition_prompt() {
        for code in ["en", "es"] {
            let rules = load_in(&RulesSource::Embedded, code).expect("default rules");
            let lang = Lang::of(code);
            let mut answers = Answers::extreme(&rules, true);
            let cssrs_1 = rules.item_index("cssrs_1").expect("item");
            answers.set(&rules, cssrs_1, 0).expect("code");
            answers.retract(Retraction {
                item: cssrs_1,
                from: 1,
                to: 0,
            });
            let a = assess(&rules, &answers).expect("scored");
            let screen =
                crate::interview::command::result_screen(&rules, "a-long-client-id-7", &a, "");
            assert!(screen.flags.len() >= 10, "{code}: {:?}", screen.flags);
            assert!(screen.crisis);
            let levels: Vec<(char, String)> = ('a'..)
                .zip(rules.levels.iter().skip(1).map(|l| l.name.clone()))
                .collect();
            let reasons: Vec<(char, String)> = ('a'..)
                .zip(DispositionReason::ALL.map(|r| lang.reason_label(r).to_string()))
                .collect();
            let disposition = vec![
                ('a', lang.accept(&rules.levels[a.level].name, true)),
                ('o', lang.other_level().to_string()),
                ('p', lang.read_full().to_string()),
            ];
            let unpicked = lang.unpicked(&["a".into(), "o".into(), "p".into()]);
            let level_prompt = lang.with_esc_back(lang.actual_level());
            let reason_prompt = lang.with_esc_back(lang.reason());
            for (prompt, options) in [
                (lang.disposition_prompt(), &disposition),
                (level_prompt.as_str(), &levels),
                (reason_prompt.as_str(), &reasons),
            ] {
                for status in [None, Some(unpicked.as_str())] {
                    let below = choice_lines(lang, 80, prompt, options, None, status);
                    let room = 24 - below.len() - 1;
                    let lines = summary(lang, 80, &screen, room);
                    assert!(lines.len() <= room, "{code} {prompt}: {lines:#?}");
                    let text = lines.join("\n");
                    assert!(text.contains(&screen.level), "{code}: {text}");
                    assert!(text.contains(lang.crisis_line(true)), "{code}: {text}");
                    for (_, title) in &screen.flags {
                        assert!(
                            text.contains(title.as_str()),
                            "{code} {prompt}: {title}\n{text}"
                        );
                    }
                    for line in lines.iter().chain(&below) {
                        let width = console::measure_text_width(line);
                        assert!(width <= 80, "{code}: {line}");
                    }
                }
            }
        }
    }

    #[test]
    fn what_has_no_room_is_counted_never_dropped() {
        let rules = load_in(&RulesSource::Embedded, "en").expect("default rules");
        let a = assess(&rules, &Answers::extreme(&rules, true)).expect("scored");
        let screen = crate::interview::command::result_screen(&rules, "c", &a, "");
        let lines = summary(Lang::En, 80, &screen, 8);
        let text = lines.join("\n");
        let shown = screen
            .flags
            .iter()
            .filter(|(_, t)| text.contains(t.as_str()))
            .count();
        assert!(shown < screen.flags.len(), "{text}");
        let more = format!("+{} more: press p", screen.flags.len() - shown);
        assert!(text.contains(&more), "{text}");
        assert!(
            text.contains(&screen.level) && text.contains("CRISIS ROUTE"),
            "{text}"
        );
    }
}
