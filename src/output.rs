//! Where results go: files written whole or not at all, and the date a
//! note carries.

use std::io::{self, Write};
use std::path::Path;

use crate::error::Error;

/// The date a note carries: `given` if it is a real calendar date written
/// `YYYY-MM-DD`, else today's date in the machine's time zone (a note
/// written in the evening in Los Angeles carries that day, not UTC's).
pub(crate) fn note_date(given: Option<&str>) -> Result<String, Error> {
    match given {
        None => Ok(jiff::ZonedDateTime::now().date().to_string()),
        Some(date) => calendar_date(date).map(|day| day.to_string()),
    }
}

/// A date given as YYYY-MM-DD that is a real calendar date.
pub(crate) fn calendar_date(date: &str) -> Result<jiff::civil::Date, Error> {
    let parts: Vec<&str> = date.split('-').collect();
    let shaped = parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()));
    if !shaped {
        return Err(Error::Usage(format!(
            "`{date}` is not a date; write YYYY-MM-DD"
        )));
    }
    date.parse::<jiff::civil::Date>().map_err(|_| {
        Error::Usage(format!(
            "`{date}` is not a calendar date: that month has no such day"
        ))
    })
}

/// Now, to the second, as a session records a time (RFC 3339, UTC).
pub(crate) fn now() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

/// A time recorded in a session (RFC 3339, UTC) in the local time zone,
/// to the minute; the text as it is when it does not read as a time.
pub(crate) fn local_time(at: &str) -> String {
    match at.parse::<jiff::Timestamp>() {
        Ok(t) => t
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => at.to_string(),
    }
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
    use super::note_date;

    #[test]
    fn a_note_date_is_a_real_calendar_date() {
        assert_eq!(
            note_date(Some("2024-02-29")).expect("leap day"),
            "2024-02-29"
        );
        assert_eq!(note_date(Some("2026-12-01")).expect("a date"), "2026-12-01");
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-00-10",
        ] {
            let err = note_date(Some(bad)).expect_err(bad).to_string();
            assert!(err.contains("not a calendar date"), "{bad}: {err}");
        }
        for bad in ["20261201", "2026-1-01", "01-12-2026", "today"] {
            let err = note_date(Some(bad)).expect_err(bad).to_string();
            assert!(err.contains("write YYYY-MM-DD"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_default_note_date_is_the_local_date() {
        let today = note_date(None).expect("today");
        // Within a day of UTC's date, whatever the zone (the binary tests
        // show it follows the zone).
        let utc = jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date();
        let local: jiff::civil::Date = today.parse().expect("a date");
        assert!((local - utc).get_days().abs() <= 1, "{local} vs {utc}");
    }
}
