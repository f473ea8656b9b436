//! `--check-ids`: each record id's 64-bit fingerprint, kept with the row it
//! was first seen on, so a later row with the same id is warned about.
//!
//! Ids are compared after trimming spaces, as they are written out. Two
//! different ids share a fingerprint with odds of about n²/2⁶⁵ for n
//! distinct ids (some 3 in 100 million for a million ids): then a row is
//! wrongly warned about, never scored differently. The table grows with
//! the distinct ids (16 bytes each, a fingerprint and a row number, plus
//! the hash table's spare room and, while it grows, its old copy: 18 to 54
//! bytes per id at peak); without `--check-ids` nothing is kept.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::input::{Record, Rows};

/// Fingerprints seen so far, and where.
pub(super) struct IdCheck {
    /// Fingerprint → the first row with it, as a spreadsheet numbers it.
    first: HashMap<u64, u64, BuildHasherDefault<Prehashed>>,
    delimiter: u8,
    /// Rows that repeat an earlier id.
    pub(super) repeats: u64,
}

impl IdCheck {
    /// For records whose cells `delimiter` separates.
    pub(super) fn new(delimiter: u8) -> IdCheck {
        IdCheck {
            first: HashMap::default(),
            delimiter,
            repeats: 0,
        }
    }

    /// Mark the records of `rows` (in input order, after every earlier
    /// chunk's) whose id was seen before: `(record, first sheet row)`, in
    /// record order. An empty id is not an id: it is never marked.
    pub(super) fn mark(
        &mut self,
        rows: &Rows,
        first_row: u64,
        id_column: usize,
        out: &mut Vec<(usize, u64)>,
    ) {
        out.clear();
        let mut seen = |k: usize, cell: &[u8], first: &mut HashMap<_, _, _>| {
            let id = cell.trim_ascii();
            if id.is_empty() {
                return;
            }
            let sheet_row = rows.data_row(first_row, k) + 1;
            let earlier = *first.entry(fingerprint(id)).or_insert(sheet_row);
            if earlier != sheet_row {
                out.push((k, earlier));
            }
        };
        if rows.plain {
            // Records as `Split` finds them (non-empty runs between line
            // ends), but only the id cell is looked for.
            let raw = &rows.raw[..];
            let (mut k, mut run) = (0, 0);
            let ends = memchr::memchr2_iter(b'\n', b'\r', raw).chain(std::iter::once(raw.len()));
            for at in ends {
                if at > run {
                    let cell = nth_cell(&raw[run..at], id_column, self.delimiter);
                    seen(k, cell, &mut self.first);
                    k += 1;
                }
                run = at + 1;
            }
        } else {
            for (k, record) in rows.parsed.records().iter().enumerate() {
                seen(
                    k,
                    record.cell(id_column).unwrap_or_default(),
                    &mut self.first,
                );
            }
        }
        self.repeats += out.len() as u64;
    }
}

/// Cell `j` of a plain record (empty when it has fewer cells).
fn nth_cell(line: &[u8], j: usize, delimiter: u8) -> &[u8] {
    let mut start = 0;
    for _ in 0..j {
        match memchr::memchr(delimiter, &line[start..]) {
            Some(at) => start += at + 1,
            None => return &[],
        }
    }
    let end = memchr::memchr(delimiter, &line[start..]).map_or(line.len(), |at| start + at);
    &line[start..end]
}

/// FNV-1a over the bytes, then a 64-bit finalizer (MurmurHash3's) so every
/// bit of the fingerprint depends on every byte: the table uses it as is.
fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// A hasher for keys that are already fingerprints.
#[derive(Default)]
pub(super) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; fold anything else in anyway.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_cell_is_found_at_its_column() {
        assert_eq!(nth_cell(b"a,b,c", 0, b','), b"a");
        assert_eq!(nth_cell(b"a,b,c", 1, b','), b"b");
        assert_eq!(nth_cell(b"a,b,c", 2, b','), b"c");
        assert_eq!(nth_cell(b"a,b,c", 3, b','), b"");
        assert_eq!(nth_cell(b",,x", 2, b','), b"x");
        assert_eq!(nth_cell(b"a;b,c", 1, b';'), b"b,c");
    }

    #[test]
    fn fingerprints_tell_ids_apart_and_agree_on_equal_ones() {
        let ids = ["c1", "c2", "c10", "c01", "", "C1"];
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                assert_ne!(
                    fingerprint(a.as_bytes()),
                    fingerprint(b.as_bytes()),
                    "{a} {b}"
                );
            }
            assert_eq!(fingerprint(a.as_bytes()), fingerprint(a.as_bytes()));
        }
    }
}
