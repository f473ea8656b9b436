//! The rule-set checks that need the renderers: output columns that would
//! share a name, and note templates that do not render or leave out a flag
//! or a crisis resource. Loading for use runs them after validation (a
//! clashing column or a note that cannot be rendered would spoil results);
//! `rules check` runs them in every language the files use.
//!
//! Validation (`rules`) knows nothing of the output; this module sits above
//! the renderers.

use crate::error::{Diagnostic, Error, Place};
use crate::model::{RuleSet, TextPlace};
use crate::report::{note, row};
use crate::rules::{self, Problem, RulesSource};

/// Load, validate and check a rule set, its texts in English.
pub(crate) fn load(source: &RulesSource) -> Result<RuleSet, Error> {
    load_in(source, "en")
}

/// Load, validate and check a rule set with its texts in `lang`.
pub(crate) fn load_in(source: &RulesSource, lang: &str) -> Result<RuleSet, Error> {
    let rules = rules::load_in(source, lang)?;
    let diags = problems(&rules);
    if diags.is_empty() {
        Ok(rules)
    } else {
        Err(Error::Rules(diags))
    }
}

/// `rules check`: the rule set in English, then in each other language its
/// texts use, since each language is a rule set of its own texts (its note
/// template too). A problem found only in another language says which.
pub(crate) fn every_language(source: &RulesSource) -> Result<RuleSet, Error> {
    let rules = load(source)?;
    let mut diags = Vec::new();
    for lang in rules
        .translations
        .by_lang
        .keys()
        .filter(|l| l.as_str() != "en")
    {
        if let Err(Error::Rules(found)) = load_in(source, lang) {
            diags.extend(found.into_iter().map(|mut d| {
                d.message = format!("in `{lang}`: {}", d.message);
                d
            }));
        }
    }
    if diags.is_empty() {
        Ok(rules)
    } else {
        Err(Error::Rules(diags))
    }
}

/// Column clashes, all of them; else the first template problem.
fn problems(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for column in row::header(rules, "id") {
        if columns.contains(&column) {
            let problem = Problem::ColumnClash {
                column: column.clone(),
            };
            diags.push(problem.at(&rules.written.main_file, Place::Path(String::new())));
        }
        columns.push(column);
    }
    if diags.is_empty() {
        diags.extend(template_problem(rules));
    }
    rules::place_in(rules, &mut diags);
    diags
}

/// The first template problem, if any.
fn template_problem(rules: &RuleSet) -> Option<Diagnostic> {
    let (key, err) = note::check_template(rules).err()?;
    let markdown = key == "note_markdown";
    let written = match (
        key,
        &rules.written.note_markdown,
        &rules.written.note_client,
    ) {
        ("note_markdown", Some(at), _) | ("note_client", _, Some(at)) => at,
        _ => &rules.written.note_template,
    };
    let problem = match key {
        "note_client" => Problem::ClientTemplate {
            message: err.message,
        },
        _ => Problem::Template {
            markdown,
            message: err.message,
        },
    };
    Some(problem.at(&written.file, template_place(written, key, err.line)))
}

/// A template line as a file line when the template is a block scalar,
/// else the template's key.
fn template_place(written: &TextPlace, key: &str, line: Option<usize>) -> Place {
    match (line, written.before) {
        (Some(line), Some(before)) => Place::LineCol(before + line, 1),
        _ => Place::Path(key.into()),
    }
}
