//! Where results go: files written whole or not at all, and the date a
//! note carries.

use std::io::{self, Write};
use std::path::Path;

use crate::error::Error;

pub(crate) fn note_date(given: Option<&str>) -> Result<String, Error> {
    match given {
        Some(date) => {
            let parts: Vec<&str> = date.split('-').collect();
            let ok = parts.len() == 3
                && [4, 2, 2]
                    .iter()
                    .zip(&parts)
                    .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()));
            if ok {
                Ok(date.to_string())
            } else {
                Err(Error::Usage(format!(
                    "`{date}` is not a date; write YYYY-MM-DD"
                )))
            }
        }
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Ok(civil_date(secs / 86_400))
        }
    }
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (proleptic Gregorian).
fn civil_date(days: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm, for days after the epoch.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Write to a temporary file beside `path`, then rename it over `path`: a
/// crash leaves the old file or the complete new one, never half a file.
/// A device or pipe (`/dev/null`, a FIFO) is written in place instead:
/// renaming over it would put a plain file where it was.
pub(crate) fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, Error>,
) -> Result<T, Error> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(write_err)?;
        let mut out = io::BufWriter::new(file);
        let value = write(&mut out)?;
        out.flush().map_err(write_err)?;
        return Ok(value);
    }
    if !dir.is_dir() {
        let message = format!("folder `{}` does not exist", dir.display());
        return Err(write_err(io::Error::new(io::ErrorKind::NotFound, message)));
    }
    // The temporary file's own name means nothing to the user: keep the kind only.
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| write_err(io::Error::new(e.kind(), e.kind().to_string())))?;
    let value = {
        let mut out = io::BufWriter::new(&mut temp);
        let value = write(&mut out)?;
        out.flush().map_err(write_err)?;
        value
    };
    // A file replaced keeps its permissions; a new one is the owner's only
    // (results are health data).
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(temp.path(), meta.permissions()).map_err(write_err)?;
    }
    temp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn civil_dates_of_known_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(59), "1970-03-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_415), "2025-11-23");
    }
}
