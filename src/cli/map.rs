//! `carescreen map`: mapping files for exports whose columns and codes are
//! not the batch contract's — their JSON Schema, and a draft for a new
//! export.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use clap::Subcommand;

use super::{emit, is_dash, load, ExitCode, RulesArg};
use crate::batch::read_table;
use crate::error::Error;
use crate::mapping::draft::{self, Sources};
use crate::output::{same_file, write_atomically};

pub(super) const MAP_EXAMPLES: &str = "\
A mapping (--map FILE.yaml on `score`, `explain --data` and `rules diff --data`)
names the source column of each item, recodes source values to the items'
codes, lists values that mean no answer, and more: see MAPPING.md.

Examples:
  carescreen map draft export.csv --dictionary dictionary.csv -o export.map.yaml
  carescreen score export.csv --map export.map.yaml -o results.csv
  carescreen map schema > MAPPING.schema.json";

const DRAFT_EXAMPLES: &str = "\
The draft names every guess with a `# guess:` comment: check each one (delete
the comment to accept it, or fix the line), then score with it. Columns it
cannot place go under `ignore`; items it finds no column for are listed as
comments; instruments with no column at all go under `not_collected`.

Examples:
  carescreen map draft export.csv                         from the column names alone
  carescreen map draft export.csv --dictionary dict.csv   with REDCap field labels and choices
  carescreen map draft export.csv --dictionary dict.csv -o export.map.yaml
  carescreen score export.csv --map export.map.yaml       then score through it";

#[derive(Debug, Subcommand)]
pub(super) enum MapCommand {
    /// Print the JSON Schema of mapping files (MAPPING.schema.json), for editors.
    #[command(after_help = MAP_EXAMPLES)]
    Schema,
    /// Write a draft mapping for a new export, every guess marked to check.
    #[command(after_help = DRAFT_EXAMPLES)]
    Draft {
        /// The export: a CSV file with a header row (its first rows are read too)
        source: PathBuf,
        /// A REDCap data dictionary (CSV) of the export: field labels and choices
        #[arg(long, value_name = "REDCAP_DICT.csv")]
        dictionary: Option<PathBuf>,
        /// Write the draft to this file, atomically [default: stdout]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        rules: RulesArg,
    },
}

pub(super) fn map(command: MapCommand) -> Result<ExitCode, Error> {
    match command {
        MapCommand::Schema => emit(&crate::mapping::schema()).map(|()| ExitCode::Success),
        MapCommand::Draft {
            source,
            dictionary,
            output,
            rules,
        } => {
            if let Some(path) = output.as_ref().filter(|p| !is_dash(p)) {
                let inputs = std::iter::once(&source).chain(dictionary.as_ref());
                if let Some(input) = inputs.into_iter().find(|i| same_file(i, path)) {
                    return Err(Error::Usage(format!(
                        "the output `{}` is the input `{}`; choose another output",
                        path.display(),
                        input.display()
                    )));
                }
            }
            let rules = load(rules.rules)?;
            let table = |path: &PathBuf, limit: usize| {
                let file = File::open(path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                read_table(BufReader::new(file), limit)
            };
            let export = table(&source, draft::SAMPLE_ROWS + 1)?;
            if export.is_empty() {
                return Err(Error::EmptyInput);
            }
            let dictionary = dictionary.map(|d| table(&d, usize::MAX)).transpose()?;
            let name = source.display().to_string();
            let text = draft::draft(
                &rules,
                &Sources {
                    export: &export,
                    dictionary: dictionary.as_deref(),
                    export_name: &name,
                },
            );
            match output {
                Some(path) if !is_dash(&path) => write_atomically(&path, |out| {
                    out.write_all(text.as_bytes())
                        .map_err(|source| Error::Write {
                            path: path.clone(),
                            source,
                        })
                })?,
                _ => emit(&text)?,
            }
            Ok(ExitCode::Success)
        }
    }
}
