//! A small CSV file read whole, as text: the header and first rows of an
//! export, or a REDCap data dictionary, for `map draft`. Not the scoring
//! path (that streams, in `input`).

use std::io::Read;

use crate::error::Error;

/// Every record of `input` (the header first), at most `limit` of them,
/// each cell as text (invalid UTF-8 replaced).
pub(crate) fn read_table<R: Read>(input: R, limit: usize) -> Result<Vec<Vec<String>>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut out = Vec::new();
    for (k, record) in reader.byte_records().take(limit).enumerate() {
        let record = record.map_err(|err| Error::Csv {
            row: k as u64 + 1,
            message: err.to_string(),
        })?;
        let mut cells: Vec<String> = record
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        if k == 0 {
            if let Some(first) = cells.first_mut() {
                // A byte-order mark is not part of the first name.
                *first = first.trim_start_matches('\u{feff}').to_string();
            }
        }
        out.push(cells);
    }
    Ok(out)
}
