//! Reading the input's rows, exactly as the csv crate reads them, faster.
//!
//! Up to the first `"`, CSV needs no parser: a record is a non-empty run of
//! bytes between line ends (`\n` or `\r`; a blank line is no record) and
//! its cells are split at commas. The reading thread only finds where
//! records end and copies them into a chunk as they are; each worker then
//! splits its own chunks into cells ([`Split`]), so splitting runs on every
//! thread. From the first `"` on, the csv crate parses the rest, one record
//! at a time, as before (quoted cells may hold commas and line ends).

use std::io::{Chain, Cursor, Read};

use crate::error::Error;

/// Cells of one record, by column.
pub(super) trait Record {
    /// How many cells the record has.
    fn width(&self) -> usize;
    /// Cell `j`, if the record has one.
    fn cell(&self, j: usize) -> Option<&[u8]>;
}

impl Record for csv::ByteRecord {
    #[inline]
    fn width(&self) -> usize {
        self.len()
    }

    #[inline]
    fn cell(&self, j: usize) -> Option<&[u8]> {
        self.get(j)
    }
}

/// Bytes read from the input at a time.
const READ_SIZE: usize = 256 * 1024;
/// A record this long (bytes without a line end) goes to the csv crate,
/// and so does the rest of the input: this bounds the read buffer, and
/// [`Split`]'s memory, at a few times this.
const LONGEST_PLAIN_RECORD: usize = 4 * 1024 * 1024;
/// A chunk stops taking records past this many bytes (so offsets in a
/// chunk's `raw` fit in `u32`).
const CHUNK_BYTES: usize = 1024 * 1024;

/// Rows read into a chunk, in one of two forms.
#[derive(Default)]
pub(super) struct Rows {
    /// Raw records, line ends kept, not yet split (`plain`).
    pub raw: Vec<u8>,
    /// Records the csv crate parsed (when not `plain`).
    pub records: Vec<csv::ByteRecord>,
    pub plain: bool,
    /// Records held.
    pub len: usize,
}

/// What filling a chunk found.
pub(super) struct Filled {
    /// The input ended.
    pub end: bool,
    /// Reading failed after `len` rows: those rows are kept, so every row
    /// before the failure still gets its output line.
    pub error: Option<Error>,
}

/// The input after its header: plain records first, then the csv crate.
pub(super) struct Input<R: Read> {
    input: Option<R>,
    buf: Vec<u8>,
    /// Unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    /// `buf[pos..clean]` holds no `"`.
    clean: usize,
    /// `buf[clean]` is a `"`.
    quote: bool,
    eof: bool,
    /// Input bytes before `buf[0]`.
    base: u64,
    /// From the first `"` on; `base` is then where it starts, less one for
    /// the line end put in front.
    csv: Option<csv::Reader<Rest<R>>>,
    limits: Limits,
}

/// The input from the first `"` on: the bytes already read, then the rest.
type Rest<R> = Chain<Cursor<Vec<u8>>, Retrying<R>>;

/// Sizes, smaller in tests to reach every path.
#[derive(Clone, Copy)]
struct Limits {
    read_size: usize,
    /// A longer plain record goes to the csv crate.
    longest_record: usize,
    /// A chunk stops taking records past this many bytes.
    chunk_bytes: usize,
}

const LIMITS: Limits = Limits {
    read_size: READ_SIZE,
    longest_record: LONGEST_PLAIN_RECORD,
    chunk_bytes: CHUNK_BYTES,
};

/// The csv crate's reader, as every part of the input is read: no header
/// row of its own, rows of any width.
fn builder() -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.has_headers(false).flexible(true);
    builder
}

impl<R: Read> Input<R> {
    /// Read the header record; `None` when the input holds no record.
    pub fn open(input: R, header: &mut csv::ByteRecord) -> Result<Option<Input<R>>, Error> {
        Input::open_with(input, header, LIMITS)
    }

    fn open_with(
        input: R,
        header: &mut csv::ByteRecord,
        limits: Limits,
    ) -> Result<Option<Input<R>>, Error> {
        let mut this = Input {
            input: Some(input),
            buf: vec![0; limits.read_size.max(1)],
            pos: 0,
            end: 0,
            clean: 0,
            quote: false,
            eof: false,
            base: 0,
            csv: None,
            limits,
        };
        // The csv crate's parser reads the header as bytes arrive: it says
        // when the record has ended, so nothing is read past it.
        let mut parser = csv_core::Reader::new();
        let (mut cells, mut ends) = (vec![0; 1024], vec![0; 64]);
        let (mut filled, mut ended) = (0, 0);
        loop {
            // Four bytes first, so that a byte-order mark is seen whole and
            // dropped, and is not all the parser sees (no input means the
            // end to it).
            let at_start = this.base == 0 && this.pos == 0 && this.end < 4;
            if !this.eof && (this.pos == this.end || at_start) {
                this.read_more().map_err(|err| Error::Csv {
                    row: 1,
                    message: csv::Error::from(err).to_string(),
                })?;
                continue;
            }
            let (result, used, wrote, ends_wrote) = parser.read_record(
                &this.buf[this.pos..this.end],
                &mut cells[filled..],
                &mut ends[ended..],
            );
            this.pos += used;
            this.clean = this.pos;
            filled += wrote;
            ended += ends_wrote;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => cells.resize(cells.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record => break,
                csv_core::ReadRecordResult::End => return Ok(None),
            }
        }
        header.clear();
        let mut start = 0;
        for &end in &ends[..ended] {
            header.push_field(&cells[start..end]);
            start = end;
        }
        Ok(Some(this))
    }

    /// Input bytes consumed so far.
    pub fn position(&self) -> u64 {
        match &self.csv {
            Some(reader) => self.base + reader.position().byte().saturating_sub(1),
            None => self.base + self.pos as u64,
        }
    }

    /// Read more input after `end`, first moving unread bytes to the front
    /// (or growing the buffer when they fill it). Sets `eof` at the end.
    fn read_more(&mut self) -> std::io::Result<()> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.clean -= self.pos;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            let len = self.buf.len();
            self.buf.resize(len * 2, 0);
        }
        let Some(input) = self.input.as_mut() else {
            self.eof = true;
            return Ok(());
        };
        loop {
            match input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// Read up to `max` records into `rows`; the first is data row `first_row`.
    pub fn fill(&mut self, rows: &mut Rows, max: usize, first_row: u64) -> Filled {
        rows.len = 0;
        rows.raw.clear();
        if self.csv.is_none() {
            rows.plain = true;
            match self.fill_plain(rows, max) {
                Ok(Some(filled)) => return filled,
                Ok(None) => self.start_csv(),
                Err(err) => {
                    return Filled {
                        end: true,
                        error: Some(Error::Csv {
                            row: first_row + rows.len as u64 + 1,
                            message: csv::Error::from(err).to_string(),
                        }),
                    }
                }
            }
            if rows.len > 0 {
                return Filled {
                    end: false,
                    error: None,
                };
            }
        }
        rows.plain = false;
        self.fill_csv(rows, max, first_row)
    }

    /// Take plain records while they last. `None`: the next record holds a
    /// `"` (or is too long), and `rows` is still empty.
    fn fill_plain(&mut self, rows: &mut Rows, max: usize) -> std::io::Result<Option<Filled>> {
        // Bytes after `pos` known to hold no line end.
        let mut seen = 0;
        loop {
            if !self.quote && self.clean < self.end {
                match memchr::memchr(b'"', &self.buf[self.clean..self.end]) {
                    Some(at) => {
                        self.clean += at;
                        self.quote = true;
                    }
                    None => self.clean = self.end,
                }
            }
            // Whole records in `buf[start..clean]`: a run ends at a line end.
            let from = self.pos + seen;
            let mut run = self.pos;
            let mut done = false;
            for at in memchr::memchr2_iter(b'\n', b'\r', &self.buf[from..self.clean]) {
                let at = from + at;
                let record = at > run;
                run = at + 1;
                if record {
                    rows.len += 1;
                    let bytes = rows.raw.len() + (run - self.pos);
                    if rows.len == max || bytes >= self.limits.chunk_bytes {
                        done = true;
                        break;
                    }
                }
            }
            if !done && self.eof && !self.quote && run < self.end {
                // The last record, without a line end.
                rows.len += 1;
                run = self.end;
            }
            rows.raw.extend_from_slice(&self.buf[self.pos..run]);
            self.pos = run;
            seen = self.clean - run;
            if done || (self.eof && !self.quote && run == self.end) {
                let end = !done && self.eof;
                return Ok(Some(Filled { end, error: None }));
            }
            if self.quote || self.end - self.pos >= self.limits.longest_record {
                // The record at `pos` goes to the csv crate.
                return Ok((rows.len > 0).then_some(Filled {
                    end: false,
                    error: None,
                }));
            }
            self.read_more()?;
        }
    }

    /// Hand the rest of the input to the csv crate.
    fn start_csv(&mut self) {
        // A line end in front: the csv crate drops a byte-order mark only
        // at the very start of its input, and this is not the start.
        let mut rest = Vec::with_capacity(self.end - self.pos + 1);
        rest.push(b'\n');
        rest.extend_from_slice(&self.buf[self.pos..self.end]);
        self.base += self.pos as u64;
        self.buf = Vec::new();
        (self.pos, self.end, self.clean) = (0, 0, 0);
        if let Some(input) = self.input.take() {
            let input = Cursor::new(rest).chain(Retrying(input));
            self.csv = Some(builder().from_reader(input));
        }
    }

    fn fill_csv(&mut self, rows: &mut Rows, max: usize, first_row: u64) -> Filled {
        let Some(reader) = self.csv.as_mut() else {
            return Filled {
                end: true,
                error: None,
            };
        };
        while rows.len < max {
            if rows.records.len() == rows.len {
                rows.records.push(csv::ByteRecord::new());
            }
            match reader.read_byte_record(&mut rows.records[rows.len]) {
                Ok(true) => rows.len += 1,
                Ok(false) => {
                    return Filled {
                        end: true,
                        error: None,
                    }
                }
                Err(err) => {
                    // Spreadsheet numbering: the header is row 1.
                    let row = first_row + rows.len as u64 + 1;
                    return Filled {
                        end: true,
                        error: Some(Error::Csv {
                            row,
                            message: err.to_string(),
                        }),
                    };
                }
            }
        }
        Filled {
            end: false,
            error: None,
        }
    }
}

/// A reader that tries again when a read is interrupted by a signal (the
/// csv crate would stop there), as the plain part of the input does.
struct Retrying<R>(R);

impl<R: Read> Read for Retrying<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self.0.read(buf) {
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                read => return read,
            }
        }
    }
}

/// Plain records split into cells, without copying. A record's bounds are
/// where its first cell starts, then one past the comma or line end that
/// ends each cell: cell `j` is `raw[bounds[j]..bounds[j + 1] - 1]`.
#[derive(Default)]
pub(super) struct Split {
    /// Each record's bounds, as a range of `bounds`.
    records: Vec<(u32, u32)>,
    bounds: Vec<u32>,
}

/// One record of a [`Split`].
#[derive(Clone, Copy)]
pub(super) struct Line<'a> {
    raw: &'a [u8],
    bounds: &'a [u32],
}

impl Record for Line<'_> {
    #[inline]
    fn width(&self) -> usize {
        self.bounds.len() - 1
    }

    #[inline]
    fn cell(&self, j: usize) -> Option<&[u8]> {
        let start = *self.bounds.get(j)? as usize;
        let end = *self.bounds.get(j + 1)? as usize - 1;
        Some(&self.raw[start..end])
    }
}

impl Split {
    /// Split raw records (a chunk's `raw`, under 4 GiB) into cells.
    pub fn split<'a>(&'a mut self, raw: &'a [u8]) -> Vec<Line<'a>> {
        self.records.clear();
        let mut n = 0;
        let mut run = 0usize;
        let line_ends = memchr::memchr2_iter(b'\n', b'\r', raw).chain(std::iter::once(raw.len()));
        for at in line_ends {
            if at > run {
                // Room for a bound at every byte of the record and two more:
                // then each byte is written as a bound, and kept only if it
                // is a comma, without a branch.
                let room = n + (at - run) + 2;
                if self.bounds.len() < room {
                    self.bounds.resize(room, 0);
                }
                let bounds = &mut self.bounds[..room];
                let first = n as u32;
                bounds[n] = run as u32;
                n += 1;
                for (k, &byte) in raw[run..at].iter().enumerate() {
                    bounds[n] = (run + k + 1) as u32;
                    n += usize::from(byte == b',');
                }
                bounds[n] = at as u32 + 1;
                n += 1;
                self.records.push((first, n as u32));
            }
            run = at + 1;
        }
        self.records
            .iter()
            .map(|&(first, last)| Line {
                raw,
                bounds: &self.bounds[first as usize..last as usize],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every record as the csv crate reads the whole input in one go.
    fn by_csv_crate(input: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = builder().from_reader(input);
        let mut record = csv::ByteRecord::new();
        let mut records = Vec::new();
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            records.push(record.iter().map(<[u8]>::to_vec).collect());
        }
        records
    }

    /// Every record as `Input` reads it, header first, `max` at a time,
    /// with sizes `limits`; and whether any were plain.
    fn by_input(input: &[u8], limits: Limits, max: usize) -> (Vec<Vec<Vec<u8>>>, bool) {
        let mut header = csv::ByteRecord::new();
        let Some(mut reader) = Input::open_with(input, &mut header, limits).expect("a slice reads")
        else {
            return (Vec::new(), false);
        };
        let mut records = vec![header.iter().map(<[u8]>::to_vec).collect()];
        let mut rows = Rows::default();
        let mut split = Split::default();
        let mut plain = false;
        loop {
            let filled = reader.fill(&mut rows, max, records.len() as u64);
            assert!(filled.error.is_none());
            assert!(rows.len <= max);
            let before = records.len();
            if rows.plain {
                plain |= rows.len > 0;
                for line in split.split(&rows.raw) {
                    records.push(
                        (0..line.width())
                            .map(|j| line.cell(j).unwrap().to_vec())
                            .collect(),
                    );
                }
            } else {
                for record in &rows.records[..rows.len] {
                    records.push(record.iter().map(<[u8]>::to_vec).collect());
                }
            }
            assert_eq!(
                records.len() - before,
                rows.len,
                "rows.len counts the records"
            );
            // Full, but where the csv crate takes over, or at the end.
            assert!(
                filled.end || rows.len == max || rows.plain,
                "a chunk is full"
            );
            assert!(filled.end || rows.len > 0, "only the end is empty");
            if filled.end {
                break;
            }
        }
        assert_eq!(reader.position(), input.len() as u64, "every byte consumed");
        (records, plain)
    }

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop::sample::select(vec![
            b'1', b'2', b'a', b' ', b',', b',', b',', b'\n', b'\n', b'\r', b'"', b'\0', 0xef, 0xbb,
            0xbf, 0xff,
        ]);
        prop::collection::vec(byte, 0..300)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Plain records, split, and the rest parsed by the csv crate, are
        /// the records the csv crate reads, whatever the bytes, however
        /// the reads fall and the chunks are cut.
        #[test]
        fn input_reads_what_the_csv_crate_reads(
            mut input in bytes(),
            quotes in any::<bool>(),
            bom in any::<bool>(),
            read_size in 1usize..40,
            longest_record in 1usize..100,
            chunk_bytes in 1usize..200,
            max in 1usize..6,
        ) {
            if !quotes {
                input.retain(|&b| b != b'"');
            }
            if bom {
                input.splice(0..0, *b"\xef\xbb\xbf");
            }
            let limits = Limits { read_size, longest_record, chunk_bytes };
            let (records, _) = by_input(&input, limits, max);
            prop_assert_eq!(records, by_csv_crate(&input));
        }
    }

    #[test]
    fn plain_records_are_split_here_and_quoted_ones_by_the_csv_crate() {
        let input = b"\xef\xbb\xbfid,a\r\n1,2\r\n\r\n3,\n\xef\xbb\xbf\"4\",\"x\ny\"\n5,6";
        let limits = Limits {
            read_size: 7,
            ..LIMITS
        };
        let (records, plain) = by_input(input, limits, 2);
        assert!(plain);
        assert_eq!(records, by_csv_crate(input));
        assert_eq!(records.len(), 5);
        assert_eq!(
            records[3][0], b"\xef\xbb\xbf\"4\"",
            "a byte-order mark past the start is data"
        );
    }

    /// Gives `data` a byte at a time, each after an interrupted read, then
    /// fails or ends.
    struct Halting {
        data: Vec<u8>,
        at: usize,
        interrupted: bool,
        fail: bool,
    }

    impl Read for Halting {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.interrupted = !self.interrupted;
            if self.interrupted {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            match self.data.get(self.at) {
                Some(&byte) if !buf.is_empty() => {
                    buf[0] = byte;
                    self.at += 1;
                    Ok(1)
                }
                _ if self.fail => Err(std::io::Error::other("the disk went away")),
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn interrupted_reads_are_tried_again_in_either_part() {
        let data = b"id,a\n1,2\n\"3\",4\n5,6\n".to_vec();
        let input = Halting {
            data: data.clone(),
            at: 0,
            interrupted: false,
            fail: false,
        };
        let mut header = csv::ByteRecord::new();
        let mut reader = Input::open(input, &mut header)
            .expect("reads")
            .expect("a header");
        let mut rows = Rows::default();
        let (mut first_row, mut read) = (1, 0);
        loop {
            let filled = reader.fill(&mut rows, 10, first_row);
            assert!(
                filled.error.is_none(),
                "{:?}",
                filled.error.map(|e| e.to_string())
            );
            first_row += rows.len as u64;
            read += rows.len;
            if filled.end {
                break;
            }
        }
        assert_eq!(read, by_csv_crate(&data).len() - 1);
    }

    #[test]
    fn a_read_error_right_after_the_header_is_on_row_2() {
        let input = Halting {
            data: b"id,a\n".to_vec(),
            at: 0,
            interrupted: false,
            fail: true,
        };
        let mut header = csv::ByteRecord::new();
        let mut reader = Input::open(input, &mut header)
            .expect("the header reads")
            .expect("a header");
        assert_eq!(header, vec!["id", "a"]);
        let filled = reader.fill(&mut Rows::default(), 10, 1);
        let error = filled.error.expect("the read fails").to_string();
        assert!(error.starts_with("input row 2: "), "{error}");
    }

    #[test]
    fn an_input_without_records_has_no_header() {
        for input in [&b""[..], b"\n", b"\r\n\r\n"] {
            let mut header = csv::ByteRecord::new();
            assert!(Input::open(input, &mut header).expect("reads").is_none());
        }
    }
}
