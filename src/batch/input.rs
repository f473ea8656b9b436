//! Reading the input's rows: the records the csv crate reads, faster, and
//! numbered as a spreadsheet shows them.
//!
//! A record without a `"` needs no parser: it is a non-empty run of bytes
//! between line ends (`\n`, `\r` or `\r\n`), and its cells are split at
//! commas. The reading thread only finds where such records end and copies
//! them into a chunk as they are; each worker then splits its own chunks
//! into cells ([`Split`]), so splitting runs on every thread. A record that
//! holds a `"` (its cells may hold commas and line ends) is parsed here by
//! csv-core, the csv crate's parser, and plain reading resumes after it.
//!
//! Blank lines are not records, but a spreadsheet shows them as rows, so
//! they are counted in row numbers.

use std::io::Read;

use csv_core::ReadRecordResult;

use crate::error::Error;

/// Cells of one record, by column.
pub(super) trait Record {
    /// How many cells the record has.
    fn width(&self) -> usize;
    /// Cell `j`, if the record has one.
    fn cell(&self, j: usize) -> Option<&[u8]>;
}

/// Bytes read from the input at a time.
const READ_SIZE: usize = 256 * 1024;
/// A record this long (bytes without a line end) is parsed rather than
/// split: this bounds the read buffer, and [`Split`]'s memory, at a few
/// times this.
const LONGEST_PLAIN_RECORD: usize = 4 * 1024 * 1024;
/// A chunk stops taking records past this many bytes (so offsets in a
/// chunk's `raw` fit in `u32`).
const CHUNK_BYTES: usize = 1024 * 1024;

/// Records parsed by csv-core, their cells one after another.
#[derive(Default)]
pub(super) struct Parsed {
    /// Cells' bytes, in `bytes[..used]` (the rest is room to parse into).
    bytes: Vec<u8>,
    used: usize,
    /// Where each cell ends, from its record's start, in `ends[..ended]`.
    ends: Vec<usize>,
    ended: usize,
    /// Each record's start in `bytes` and its range of `ends`.
    records: Vec<(usize, usize, usize)>,
}

/// One record of a [`Parsed`].
#[derive(Clone, Copy)]
pub(super) struct Cells<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
}

impl Record for Cells<'_> {
    #[inline]
    fn width(&self) -> usize {
        self.ends.len()
    }

    #[inline]
    fn cell(&self, j: usize) -> Option<&[u8]> {
        let start = match j {
            0 => 0,
            j => *self.ends.get(j - 1)?,
        };
        Some(&self.bytes[start..*self.ends.get(j)?])
    }
}

impl Parsed {
    fn clear(&mut self) {
        self.used = 0;
        self.ended = 0;
        self.records.clear();
    }

    /// The records, in order.
    pub(crate) fn records(&self) -> Vec<Cells<'_>> {
        self.records
            .iter()
            .map(|&(start, first, last)| Cells {
                bytes: &self.bytes[start..self.used],
                ends: &self.ends[first..last],
            })
            .collect()
    }
}

/// Rows read into a chunk, in one of two forms.
#[derive(Default)]
pub(super) struct Rows {
    /// Raw records, line ends kept, not yet split (`plain`).
    pub(crate) raw: Vec<u8>,
    /// Parsed records (when not `plain`).
    pub(crate) parsed: Parsed,
    pub(crate) plain: bool,
    /// Records held.
    pub(crate) len: usize,
    /// Blank lines read with these rows: before, between or after them.
    pub(crate) blanks: u64,
    /// (record, blank lines before it in this chunk), where that grows.
    gaps: Vec<(usize, u64)>,
}

impl Rows {
    fn clear(&mut self) {
        self.raw.clear();
        self.parsed.clear();
        self.len = 0;
        self.blanks = 0;
        self.gaps.clear();
    }

    /// Count a record, after the blank lines counted so far.
    #[inline]
    fn push(&mut self) {
        if self.blanks > self.gaps.last().map_or(0, |&(_, blanks)| blanks) {
            self.gaps.push((self.len, self.blanks));
        }
        self.len += 1;
    }

    /// The data-row number of record `k` (1-based, blank lines counted,
    /// the header not), when this chunk's first line is data row `first`.
    #[inline]
    pub(crate) fn data_row(&self, first: u64, k: usize) -> u64 {
        let blanks = match self.gaps.partition_point(|&(record, _)| record <= k) {
            0 => 0,
            at => self.gaps[at - 1].1,
        };
        first + k as u64 + blanks
    }

    /// Lines these rows take (records and blank lines).
    pub(crate) fn lines(&self) -> u64 {
        self.len as u64 + self.blanks
    }
}

/// What filling a chunk found.
pub(super) struct Filled {
    /// The input ended.
    pub(crate) end: bool,
    /// Reading failed after `len` rows: those rows are kept, so every row
    /// before the failure still gets its output line.
    pub(crate) error: Option<Error>,
}

/// The input, read ahead into a buffer.
pub(super) struct Input<R: Read> {
    input: R,
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
    /// The last byte read was a `\r` (so a `\n` now ends no line).
    after_cr: bool,
    parser: csv_core::Reader,
    limits: Limits,
}

/// Sizes, smaller in tests to reach every path.
#[derive(Clone, Copy)]
struct Limits {
    read_size: usize,
    /// A longer record without a `"` is parsed rather than split.
    longest_record: usize,
    /// A chunk stops taking records past this many bytes.
    chunk_bytes: usize,
    /// Room first made for parsed cells' bytes, and for their ends.
    parse_room: usize,
}

const LIMITS: Limits = Limits {
    read_size: READ_SIZE,
    longest_record: LONGEST_PLAIN_RECORD,
    chunk_bytes: CHUNK_BYTES,
    parse_room: 1024,
};

/// A read error, on (spreadsheet) row `row`.
fn read_error(row: u64, err: std::io::Error) -> Error {
    Error::Csv {
        row,
        message: csv::Error::from(err).to_string(),
    }
}

impl<R: Read> Input<R> {
    /// Read the header record, cells separated by `delimiter` (`,` `;`
    /// tab `|`); `None` when the input holds no record.
    pub(crate) fn open(
        input: R,
        header: &mut csv::ByteRecord,
        delimiter: u8,
    ) -> Result<Option<Input<R>>, Error> {
        Input::open_with(input, header, LIMITS, delimiter)
    }

    fn open_with(
        input: R,
        header: &mut csv::ByteRecord,
        limits: Limits,
        delimiter: u8,
    ) -> Result<Option<Input<R>>, Error> {
        let mut this = Input {
            input,
            buf: vec![0; limits.read_size.max(1)],
            pos: 0,
            end: 0,
            clean: 0,
            quote: false,
            eof: false,
            base: 0,
            after_cr: false,
            parser: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            limits,
        };
        // The parser drops a byte-order mark at the very start, and skips
        // blank lines before the header.
        let mut parsed = Parsed::default();
        match this.parse(&mut parsed) {
            Ok(true) => {
                header.clear();
                for record in parsed.records() {
                    (0..record.width())
                        .for_each(|j| header.push_field(record.cell(j).unwrap_or_default()));
                }
                Ok(Some(this))
            }
            Ok(false) => Ok(None),
            Err(err) => Err(read_error(1, err)),
        }
    }

    /// Input bytes consumed so far.
    pub(crate) fn position(&self) -> u64 {
        self.base + self.pos as u64
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
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
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

    /// Consume `n` bytes (more than none).
    #[inline]
    fn advance(&mut self, n: usize) {
        self.pos += n;
        self.after_cr = self.buf[self.pos - 1] == b'\r';
        // A `"` consumed is behind.
        if self.clean < self.pos {
            self.clean = self.pos;
            self.quote = false;
        }
    }

    /// Parse the next record into `parsed`; `false` at the end.
    fn parse(&mut self, parsed: &mut Parsed) -> std::io::Result<bool> {
        let (start, first) = (parsed.used, parsed.ended);
        let (mut filled, mut ended) = (0, 0);
        loop {
            // Four bytes first, so that a byte-order mark is seen whole, and
            // is not all the parser sees (no input means the end to it).
            let at_start = self.base == 0 && self.pos == 0 && self.end < 4;
            if !self.eof && (self.pos == self.end || at_start) {
                if let Err(err) = self.read_more() {
                    // Not halfway through a record for any later call.
                    self.parser.reset();
                    return Err(err);
                }
                continue;
            }
            let (result, used, wrote, ends_wrote) = self.parser.read_record(
                &self.buf[self.pos..self.end],
                &mut parsed.bytes[start + filled..],
                &mut parsed.ends[first + ended..],
            );
            if used > 0 {
                self.advance(used);
            }
            filled += wrote;
            ended += ends_wrote;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let room = (2 * parsed.bytes.len()).max(self.limits.parse_room);
                    parsed.bytes.resize(room, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let room = (2 * parsed.ends.len()).max(self.limits.parse_room);
                    parsed.ends.resize(room, 0);
                }
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return Ok(false),
            }
        }
        parsed.used = start + filled;
        parsed.ended = first + ended;
        parsed.records.push((start, first, first + ended));
        Ok(true)
    }

    /// Read up to `max` records into `rows`; the chunk's first line is data
    /// row `first_row`.
    pub(crate) fn fill(&mut self, rows: &mut Rows, max: usize, first_row: u64) -> Filled {
        rows.clear();
        let read = match self.fill_plain(rows, max) {
            Ok(Some(end)) => Ok(end),
            Ok(None) => self.fill_parsed(rows, max),
            Err(err) => Err(err),
        };
        match read {
            Ok(end) => Filled { end, error: None },
            Err(err) => Filled {
                end: true,
                // Spreadsheet numbering: the header is row 1.
                error: Some(read_error(first_row + rows.lines() + 1, err)),
            },
        }
    }

    /// Where the first `"` at or after `clean` is, as far as read.
    #[inline]
    fn find_quote(&mut self) {
        if !self.quote && self.clean < self.end {
            match memchr::memchr(b'"', &self.buf[self.clean..self.end]) {
                Some(at) => {
                    self.clean += at;
                    self.quote = true;
                }
                None => self.clean = self.end,
            }
        }
    }

    /// Take records without a `"` while they last, as raw bytes: `Some`
    /// (whether the input ended) when any were taken or the input ended;
    /// `None` when the next record must be parsed, and none were taken.
    fn fill_plain(&mut self, rows: &mut Rows, max: usize) -> std::io::Result<Option<bool>> {
        rows.plain = true;
        // Bytes after `pos` known to hold no line end.
        let mut seen = 0;
        loop {
            self.find_quote();
            // Whole records in `buf[pos..clean]`: a run ends at a line end.
            // Blank lines are counted, not copied: `buf[pos..copy]` is not.
            let from = self.pos + seen;
            let mut run = self.pos;
            let mut copy = self.pos;
            let mut done = false;
            for at in memchr::memchr2_iter(b'\n', b'\r', &self.buf[from..self.clean]) {
                let at = from + at;
                if at > run {
                    rows.push();
                    let bytes = rows.raw.len() + (at + 1 - copy);
                    if rows.len == max || bytes >= self.limits.chunk_bytes {
                        run = at + 1;
                        done = true;
                        break;
                    }
                } else {
                    // A line end right after one: a blank line, unless it
                    // is the `\n` of a `\r\n`.
                    let after_cr = match at {
                        at if at > self.pos => self.buf[at - 1] == b'\r',
                        _ => self.after_cr,
                    };
                    let blank = !(after_cr && self.buf[at] == b'\n');
                    if blank {
                        rows.blanks += 1;
                    }
                    // A blank line, or the `\n` of a blank `\r\n` (a record's
                    // `\r\n` is copied whole).
                    if blank || copy == at {
                        rows.raw.extend_from_slice(&self.buf[copy..at]);
                        copy = at + 1;
                    }
                }
                run = at + 1;
            }
            if !done && self.eof && !self.quote && run < self.end {
                // The last record, without a line end.
                rows.push();
                run = self.end;
            }
            rows.raw.extend_from_slice(&self.buf[copy..run]);
            if run > self.pos {
                self.after_cr = self.buf[run - 1] == b'\r';
            }
            self.pos = run;
            seen = self.clean - run;
            if done || (self.eof && !self.quote && run == self.end) {
                return Ok(Some(!done));
            }
            if self.quote || self.end - self.pos >= self.limits.longest_record {
                // The record at `pos` is parsed.
                return Ok((rows.len > 0).then_some(false));
            }
            self.read_more()?;
        }
    }

    /// Parse records while they hold a `"` (the first one whatever it
    /// holds); whether the input ended.
    fn fill_parsed(&mut self, rows: &mut Rows, max: usize) -> std::io::Result<bool> {
        rows.plain = false;
        while rows.len < max && rows.parsed.used < self.limits.chunk_bytes {
            if !self.skip_line_ends(rows)? {
                return Ok(true);
            }
            if rows.len > 0 && !self.record_has_quote()? {
                return Ok(false);
            }
            if !self.parse(&mut rows.parsed)? {
                return Ok(true);
            }
            rows.push();
        }
        Ok(false)
    }

    /// Skip line ends before a record, counting blank lines; `false` at the
    /// end of the input.
    fn skip_line_ends(&mut self, rows: &mut Rows) -> std::io::Result<bool> {
        loop {
            if self.pos == self.end {
                if self.eof {
                    return Ok(false);
                }
                self.read_more()?;
                continue;
            }
            let byte = self.buf[self.pos];
            if byte != b'\n' && byte != b'\r' {
                return Ok(true);
            }
            if !(self.after_cr && byte == b'\n') {
                rows.blanks += 1;
            }
            self.advance(1);
        }
    }

    /// Whether the record at `pos` must be parsed: it holds a `"` before its
    /// first line end, or is too long to split.
    fn record_has_quote(&mut self) -> std::io::Result<bool> {
        // Bytes after `pos` known to hold no line end.
        let mut seen = 0;
        loop {
            self.find_quote();
            let from = self.pos + seen;
            match memchr::memchr2(b'\n', b'\r', &self.buf[from..self.end]) {
                Some(at) => return Ok(self.quote && self.clean < from + at),
                None if self.quote || self.eof => return Ok(self.quote),
                None if self.end - self.pos >= self.limits.longest_record => return Ok(true),
                None => {
                    seen = self.end - self.pos;
                    self.read_more()?;
                }
            }
        }
    }
}

/// Plain records split into cells, without copying. A record's bounds are
/// where its first cell starts, then one past the delimiter (a comma
/// unless told otherwise) or line end that ends each cell: cell `j` is
/// `raw[bounds[j]..bounds[j + 1] - 1]`.
pub(super) struct Split {
    /// Each record's bounds, as a range of `bounds`.
    records: Vec<(u32, u32)>,
    bounds: Vec<u32>,
    delimiter: u8,
}

impl Default for Split {
    fn default() -> Split {
        Split::with_delimiter(b',')
    }
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
    pub(crate) fn with_delimiter(delimiter: u8) -> Split {
        Split {
            records: Vec::new(),
            bounds: Vec::new(),
            delimiter,
        }
    }

    /// Split raw records (a chunk's `raw`, under 4 GiB) into cells.
    pub(crate) fn split<'a>(&'a mut self, raw: &'a [u8]) -> Vec<Line<'a>> {
        self.records.clear();
        let delimiter = self.delimiter;
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
                    n += usize::from(byte == delimiter);
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

    type Records = Vec<Vec<Vec<u8>>>;

    /// Every record as the csv crate reads the whole input in one go, and
    /// the data-row number of each after the header, blank lines counted.
    fn by_csv_crate(input: &[u8], delimiter: u8) -> (Records, Vec<u64>) {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut record = csv::ByteRecord::new();
        let mut records = Vec::new();
        let mut numbers = Vec::new();
        let (mut row, mut at) = (0, 0);
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            // The bytes this read took start with the line ends before the
            // record (`\r\n` is one): all but a record's own are blank lines.
            let blanks = input[at..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .enumerate()
                .filter(|&(k, &b)| {
                    let before = (at + k).checked_sub(1).map(|i| input[i]);
                    !(b == b'\n' && before == Some(b'\r'))
                })
                .count() as u64;
            if !records.is_empty() {
                row += blanks + 1;
                numbers.push(row);
            }
            records.push(record.iter().map(<[u8]>::to_vec).collect());
            at = reader.position().byte() as usize;
        }
        (records, numbers)
    }

    /// Every record as `Input` reads it, header first, `max` at a time,
    /// with sizes `limits`, with the data-row number of each after the
    /// header, and whether each was read plain.
    fn by_input(input: &[u8], limits: Limits, max: usize) -> (Records, Vec<u64>, Vec<bool>) {
        by_pieces(input, &[usize::MAX], limits, max, b',')
    }

    /// Gives `data` in pieces of the sizes `sizes`, in turn (as a pipe may).
    struct Pieces<'a> {
        data: &'a [u8],
        sizes: &'a [usize],
        read: usize,
    }

    impl Read for Pieces<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let size = self.sizes[self.read % self.sizes.len()];
            self.read += 1;
            let n = size.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// As [`by_input`], with the input read in pieces of the sizes `sizes`,
    /// cells separated by `delimiter`.
    fn by_pieces(
        input: &[u8],
        sizes: &[usize],
        limits: Limits,
        max: usize,
        delimiter: u8,
    ) -> (Records, Vec<u64>, Vec<bool>) {
        let mut header = csv::ByteRecord::new();
        let pieces = Pieces {
            data: input,
            sizes,
            read: 0,
        };
        let Some(mut reader) =
            Input::open_with(pieces, &mut header, limits, delimiter).expect("a slice reads")
        else {
            return (Vec::new(), Vec::new(), Vec::new());
        };
        let mut records = vec![header.iter().map(<[u8]>::to_vec).collect()];
        let mut numbers = Vec::new();
        let mut first_row = 1;
        let mut rows = Rows::default();
        let mut split = Split::with_delimiter(delimiter);
        let mut plain = Vec::new();
        loop {
            let filled = reader.fill(&mut rows, max, first_row);
            assert!(filled.error.is_none());
            assert!(rows.len <= max);
            numbers.extend((0..rows.len).map(|k| rows.data_row(first_row, k)));
            first_row += rows.lines();
            plain.extend((0..rows.len).map(|_| rows.plain));
            let before = records.len();
            if rows.plain {
                for line in split.split(&rows.raw) {
                    records.push(
                        (0..line.width())
                            .map(|j| line.cell(j).unwrap().to_vec())
                            .collect(),
                    );
                }
            } else {
                for record in rows.parsed.records() {
                    let cells = (0..record.width()).map(|j| record.cell(j).unwrap().to_vec());
                    records.push(cells.collect());
                }
            }
            assert_eq!(
                records.len() - before,
                rows.len,
                "rows.len counts the records"
            );
            assert!(filled.end || rows.len > 0, "only the end is empty");
            if filled.end {
                break;
            }
        }
        assert_eq!(reader.position(), input.len() as u64, "every byte consumed");
        (records, numbers, plain)
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

        /// Plain records, split, and the others parsed, are the records the
        /// csv crate reads, numbered with blank lines counted, whatever the
        /// bytes, however the reads fall and the chunks are cut; with
        /// another delimiter, every other comma becomes it.
        #[test]
        fn input_reads_what_the_csv_crate_reads(
            mut input in bytes(),
            delimiter in prop::sample::select(vec![b',', b',', b';', b'\t', b'|']),
            quotes in any::<bool>(),
            bom in any::<bool>(),
            read_size in 1usize..40,
            longest_record in 1usize..100,
            chunk_bytes in 1usize..200,
            max in 1usize..6,
            sizes in prop::collection::vec(1usize..50, 1..8),
            parse_room in 1usize..8,
        ) {
            if !quotes {
                input.retain(|&b| b != b'"');
            }
            if bom {
                input.splice(0..0, *b"\xef\xbb\xbf");
            }
            for (k, b) in input.iter_mut().filter(|b| **b == b',').enumerate() {
                *b = if k % 2 == 1 { delimiter } else { b',' };
            }
            let limits = Limits { read_size, longest_record, chunk_bytes, parse_room };
            let (records, numbers, _) = by_pieces(&input, &sizes, limits, max, delimiter);
            let (expected, expected_numbers) = by_csv_crate(&input, delimiter);
            prop_assert_eq!(records, expected);
            prop_assert_eq!(numbers, expected_numbers);
        }

    }

    #[test]
    fn plain_records_are_split_here_and_quoted_ones_parsed() {
        let input =
            b"\xef\xbb\xbfid,a\r\n1,2\r\n\r\n3,\n\xef\xbb\xbf\"4\",\"x\ny\"\n\n5,6\r\r7,\"\"";
        let limits = Limits {
            read_size: 7,
            ..LIMITS
        };
        let (records, numbers, plain) = by_input(input, limits, 2);
        assert_eq!(
            plain,
            [true, true, false, true, false],
            "plain again after a quote"
        );
        assert_eq!(
            (&records, &numbers),
            (&by_csv_crate(input, b',').0, &by_csv_crate(input, b',').1)
        );
        assert_eq!(records.len(), 6);
        assert_eq!(
            records[3][0], b"\xef\xbb\xbf\"4\"",
            "a byte-order mark past the start is data"
        );
        assert_eq!(records[3][1], b"x\ny");
        assert_eq!(records[5], [&b"7"[..], b""]);
        // 1,2 on row 2 (the header is row 1), a blank row 3, then 3, on
        // row 4; the quoted cell's line break stays in one row, 5; a blank
        // row 6; `\r\r` is a line end and a blank line.
        assert_eq!(numbers, [1, 3, 4, 6, 8]);
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
        let mut reader = Input::open(input, &mut header, b',')
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
        assert_eq!(read, by_csv_crate(&data, b',').0.len() - 1);
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
        let mut reader = Input::open(input, &mut header, b',')
            .expect("the header reads")
            .expect("a header");
        assert_eq!(header, vec!["id", "a"]);
        let filled = reader.fill(&mut Rows::default(), 10, 1);
        let error = filled.error.expect("the read fails").to_string();
        assert!(error.starts_with("input row 2: "), "{error}");
    }

    /// Reads all of `input` with `limits`, `max` records at a time: the
    /// records, their data-row numbers, and the most bytes a chunk (raw or
    /// parsed) and the read buffer held.
    fn bounded(input: &[u8], limits: Limits, max: usize) -> (Records, Vec<u64>, usize, usize) {
        let mut header = csv::ByteRecord::new();
        let mut reader = Input::open_with(input, &mut header, limits, b',')
            .expect("a slice reads")
            .expect("a header");
        let mut rows = Rows::default();
        let mut split = Split::default();
        let (mut records, mut numbers) = (Vec::new(), Vec::new());
        let (mut raw, mut buf, mut first_row) = (0, 0, 1);
        loop {
            let filled = reader.fill(&mut rows, max, first_row);
            assert!(filled.error.is_none());
            numbers.extend((0..rows.len).map(|k| rows.data_row(first_row, k)));
            first_row += rows.lines();
            raw = raw.max(rows.raw.len()).max(rows.parsed.used);
            buf = buf.max(reader.buf.len());
            if rows.plain {
                for line in split.split(&rows.raw) {
                    let cells = (0..line.width()).map(|j| line.cell(j).unwrap().to_vec());
                    records.push(cells.collect());
                }
            } else {
                for record in rows.parsed.records() {
                    let cells = (0..record.width()).map(|j| record.cell(j).unwrap().to_vec());
                    records.push(cells.collect());
                }
            }
            if filled.end {
                return (records, numbers, raw, buf);
            }
        }
    }

    #[test]
    fn blank_lines_are_counted_not_kept() {
        let limits = Limits {
            read_size: 16,
            longest_record: 64,
            chunk_bytes: 64,
            parse_room: 1024,
        };
        for blank in ["\n", "\r\n", "\r"] {
            let input = format!("id,a\n1,2{blank}{}3,4\n", blank.repeat(100_000));
            let (records, numbers, raw, _) = bounded(input.as_bytes(), limits, 1000);
            assert_eq!(records, [[b"1", b"2"], [b"3", b"4"]], "{blank:?}");
            assert_eq!(numbers, [1, 100_002], "{blank:?}");
            // The two records and their line ends, no more.
            let most = 2 * format!("1,2{blank}").len();
            assert!(raw <= most, "{blank:?}: {raw} bytes of blank lines kept");
        }
    }

    #[test]
    fn chunks_of_quoted_records_stop_at_the_byte_limit() {
        let limits = Limits {
            read_size: 16,
            longest_record: 64,
            chunk_bytes: 64,
            parse_room: 1024,
        };
        let input = "id,a\n".to_string() + &"\"1234567\",\"2\"\n".repeat(1000);
        let (records, _, held, _) = bounded(input.as_bytes(), limits, 1000);
        assert_eq!(records.len(), 1000);
        assert!(records.iter().all(|r| r == &[&b"1234567"[..], b"2"]));
        // Cells of 8 bytes a record: the limit, then one record more.
        assert!(held < 64 + 8, "a chunk held {held} bytes");
    }

    #[test]
    fn a_long_line_after_a_quoted_record_is_parsed_in_a_bounded_buffer() {
        let limits = Limits {
            read_size: 16,
            longest_record: 64,
            chunk_bytes: 64,
            parse_room: 1024,
        };
        let long = "x".repeat(100_000);
        let input = format!("id,a\n\"1\",2\n{long},y\n3,4\n");
        let (records, numbers, _, buf) = bounded(input.as_bytes(), limits, 1000);
        let expected: Records = vec![
            vec![b"1".to_vec(), b"2".to_vec()],
            vec![long.into_bytes(), b"y".to_vec()],
            vec![b"3".to_vec(), b"4".to_vec()],
        ];
        assert_eq!(records, expected);
        assert_eq!(numbers, [1, 2, 3]);
        assert!(buf <= 2 * 64, "a {buf}-byte read buffer");
        let (_, _, plain) = by_input(input.as_bytes(), limits, 1000);
        assert_eq!(plain, [false, false, true], "the long line is parsed");
    }

    /// Gives `data` a byte at a time, failing once, at byte `fail_at`.
    struct FailingOnce {
        data: &'static [u8],
        at: usize,
        fail_at: Option<usize>,
    }

    impl Read for FailingOnce {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.fail_at == Some(self.at) {
                self.fail_at = None;
                return Err(std::io::Error::other("the disk went away"));
            }
            let Some(&byte) = self.data.get(self.at) else {
                return Ok(0);
            };
            buf[0] = byte;
            self.at += 1;
            Ok(1)
        }
    }

    #[test]
    fn reading_on_after_an_error_in_a_quoted_record_does_not_panic() {
        let data = b"id,a\n\"abcdef,ghij\",\"x\"\n1,2\n";
        for fail_at in 5..data.len() {
            let input = FailingOnce {
                data,
                at: 0,
                fail_at: Some(fail_at),
            };
            let mut header = csv::ByteRecord::new();
            let mut reader = Input::open(input, &mut header, b',')
                .expect("the header reads")
                .expect("a header");
            let mut rows = Rows::default();
            let filled = reader.fill(&mut rows, 10, 1);
            assert!(filled.error.is_some(), "byte {fail_at}");
            // Callers stop at an error; reading on must still be safe.
            let filled = reader.fill(&mut rows, 10, 1);
            for record in rows.parsed.records() {
                (0..record.width()).for_each(|j| assert!(record.cell(j).is_some()));
            }
            assert!(filled.error.is_none(), "byte {fail_at}");
        }
    }

    #[test]
    fn an_input_without_records_has_no_header() {
        for input in [&b""[..], b"\n", b"\r\n\r\n"] {
            let mut header = csv::ByteRecord::new();
            assert!(Input::open(input, &mut header, b',')
                .expect("reads")
                .is_none());
        }
    }
}
