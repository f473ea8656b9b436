//! The flat result row of the batch CSV contract (DESIGN.md): column names
//! and values, in order.

use crate::assess::{raised_flags, visit_reasons, Outcome, Reason};
use crate::model::{FlagIx, IxVec, RatingIx, RuleIx, RuleSet, ScaleIx};

/// Output column names for a rule set, with the id column named as in the input.
pub(crate) fn header(rules: &RuleSet, id_column: &str) -> Vec<String> {
    let mut out = vec![id_column.to_string()];
    out.extend(["level", "level_name", "crisis", "flags"].map(String::from));
    for scale in &rules.scales {
        out.push(format!("{}_score", scale.id));
        out.push(format!("{}_band", scale.id));
    }
    out.extend(rules.ratings.iter().map(|r| r.id.clone()));
    out.extend(
        [
            "reasons",
            "rules_version",
            "rules_sha256",
            "warnings",
            "error",
        ]
        .map(String::from),
    );
    out
}

/// The result cells of the batch CSV contract that come from the rule set
/// (level ids and names, scores with their bands, grade ids, flag and rule
/// ids, provenance), rendered once as `push_cell` renders them, so that
/// writing a row is a few byte copies.
pub(crate) struct ResultCells {
    /// Per level, then not crisis / crisis: `,id,name,false` or `,…,true`.
    levels: Vec<[Piece; 2]>,
    /// Per scale: its lowest score, and per score from there `,score,band`
    /// (empty when the range is too wide to render ahead).
    scores: IxVec<ScaleIx, (i64, Vec<Piece>)>,
    /// Per scale, per band: `,id`.
    bands: IxVec<ScaleIx, Vec<Vec<u8>>>,
    /// Per rating, per grade: `,id`.
    grades: IxVec<RatingIx, Vec<Piece>>,
    /// Per flag: `,id` (first in a list) and `;id`.
    flags: IxVec<FlagIx, [Piece; 2]>,
    /// Per placement rule: `,id` and `;id`.
    rules: IxVec<RuleIx, [Piece; 2]>,
    /// Per condition on the level: `,id` and `;id`.
    conditions: Vec<[Piece; 2]>,
    /// The default reason: `,default` and `;default`.
    default: [Piece; 2],
    /// `,rules_version,rules_sha256`.
    provenance: Vec<u8>,
    /// The byte between cells: `,` unless told otherwise.
    delimiter: u8,
}

/// Bytes rendered ahead, in a fixed-size block when short: appending a
/// short piece is one fixed-size copy rather than a call to copy `len`.
enum Piece {
    Short { bytes: [u8; PIECE], len: u8 },
    Long(Vec<u8>),
}

const PIECE: usize = 32;

impl Piece {
    fn new(rendered: Vec<u8>) -> Piece {
        match u8::try_from(rendered.len()) {
            Ok(len) if rendered.len() <= PIECE => {
                let mut bytes = [0; PIECE];
                bytes[..rendered.len()].copy_from_slice(&rendered);
                Piece::Short { bytes, len }
            }
            _ => Piece::Long(rendered),
        }
    }

    /// A list item: `,id` first (the delimiter, then the id), `;id` after.
    fn listed(id: &str, delimiter: u8) -> [Piece; 2] {
        [delimiter, b';'].map(|sep| {
            let mut bytes = vec![sep];
            bytes.extend_from_slice(id.as_bytes());
            Piece::new(bytes)
        })
    }

    #[inline(always)]
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Piece::Short { bytes, len } => {
                let at = out.len();
                out.extend_from_slice(bytes);
                out.truncate(at + usize::from(*len));
            }
            Piece::Long(bytes) => out.extend_from_slice(bytes),
        }
    }
}

/// Widest score range rendered ahead.
const MAX_RENDERED_SCORES: i64 = 1024;

impl ResultCells {
    /// The cells of a row whose cells are separated by `delimiter`.
    pub(crate) fn new(rules: &RuleSet, delimiter: u8) -> ResultCells {
        let cells = |texts: &[&str]| {
            let mut out = Vec::new();
            texts
                .iter()
                .for_each(|t| push_cell_with(&mut out, t, false, delimiter));
            out
        };
        let scores = rules
            .scales
            .iter()
            .map(|scale| {
                if scale.max - scale.min > MAX_RENDERED_SCORES {
                    return (scale.min, Vec::new());
                }
                let rendered = (scale.min..=scale.max)
                    .map(|score| {
                        let band = scale.band_of(score).map_or("", |b| &scale.bands[b].id);
                        Piece::new(cells(&[&score.to_string(), band]))
                    })
                    .collect();
                (scale.min, rendered)
            })
            .collect();
        ResultCells {
            levels: rules
                .levels
                .iter()
                .map(|l| {
                    ["false", "true"].map(|crisis| Piece::new(cells(&[&l.id, &l.name, crisis])))
                })
                .collect(),
            scores,
            bands: rules
                .scales
                .iter()
                .map(|s| s.bands.iter().map(|b| cells(&[&b.id])).collect())
                .collect(),
            grades: rules
                .ratings
                .iter()
                .map(|r| {
                    r.grades
                        .iter()
                        .map(|g| Piece::new(cells(&[&g.id])))
                        .collect()
                })
                .collect(),
            // Flag, rule and reason ids are `[a-z][a-z0-9_]*` (validation), so
            // a `;`-joined list needs no quoting and is never a formula.
            flags: (rules.flags.iter())
                .map(|f| Piece::listed(&f.id, delimiter))
                .collect(),
            rules: (rules.rules.iter())
                .map(|r| Piece::listed(&r.id, delimiter))
                .collect(),
            conditions: rules
                .conditions
                .iter()
                .map(|c| Piece::listed(&c.id, delimiter))
                .collect(),
            default: Piece::listed(Reason::Default.id_str(rules), delimiter),
            provenance: cells(&[&rules.version, &rules.sha256]),
            delimiter,
        }
    }

    /// Append the result cells of a scored record (everything after the id
    /// cell, through `rules_sha256`), each with its leading comma.
    pub(crate) fn write(&self, rules: &RuleSet, outcome: &impl Outcome, out: &mut Vec<u8>) {
        self.levels[outcome.level()][usize::from(outcome.crisis())].put(out);
        let mut listed = 0;
        let list = out.len();
        for f in raised_flags(rules, outcome) {
            self.flags[f][listed].put(out);
            listed = 1;
        }
        if listed == 0 {
            out.push(self.delimiter);
        }
        self.quote_list(list, out);
        for (s, (min, scores)) in self.scores.iter_ix() {
            let score = outcome.score(s);
            // A band is always the band of the score (`Scale::band_of`).
            let rendered = score
                .and_then(|score| usize::try_from(score - min).ok())
                .and_then(|at| scores.get(at));
            match (rendered, score) {
                (Some(cells), _) => cells.put(out),
                (None, Some(score)) => {
                    out.push(self.delimiter);
                    out.extend_from_slice(itoa::Buffer::new().format(score).as_bytes());
                    match outcome.band(s) {
                        Some(b) => out.extend_from_slice(&self.bands[s][b]),
                        None => out.push(self.delimiter),
                    }
                }
                (None, None) => out.extend_from_slice(&[self.delimiter; 2]),
            }
        }
        for (r, grades) in self.grades.iter_ix() {
            grades[outcome.rating(r)].put(out);
        }
        let mut listed = 0;
        let list = out.len();
        visit_reasons(rules, outcome, |reason| {
            let piece = match reason {
                Reason::Crisis { flag } | Reason::Flag { flag } => &self.flags[flag],
                Reason::Rule { rule } => &self.rules[rule],
                Reason::Default => &self.default,
                Reason::Condition { condition } => &self.conditions[condition],
            };
            piece[listed].put(out);
            listed = 1;
        });
        if listed == 0 {
            out.push(self.delimiter);
        }
        self.quote_list(list, out);
        out.extend_from_slice(&self.provenance);
    }
}

impl ResultCells {
    /// With `;` between cells, quote the `;`-joined list cell written from
    /// `at` (its delimiter first) when it holds more than one id.
    #[inline]
    fn quote_list(&self, at: usize, out: &mut Vec<u8>) {
        if self.delimiter == b';' {
            quote_from(at + 1, out);
        }
    }
}

/// Quote the cell from `at` to the end of `out` when it holds a `;` (ids
/// hold no `"`, so none needs doubling).
pub(crate) fn quote_from(at: usize, out: &mut Vec<u8>) {
    if out.get(at..).is_some_and(|cell| cell.contains(&b';')) {
        out.insert(at, b'"');
        out.push(b'"');
    }
}

/// The result columns of a rejected row: all empty, except that risk flags
/// the given answers already establish are never dropped: they fill `flags`,
/// and `crisis` is `true` if one is a crisis flag (empty otherwise: unknown).
pub(crate) fn rejected_fields<E>(
    rules: &RuleSet,
    flags: &[FlagIx],
    scratch: &mut String,
    mut field: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    field("")?;
    field("")?;
    field(if flags.iter().any(|&f| rules.flags[f].crisis) {
        "true"
    } else {
        ""
    })?;
    scratch.clear();
    for &f in flags {
        if !scratch.is_empty() {
            scratch.push(';');
        }
        scratch.push_str(&rules.flags[f].id);
    }
    field(scratch)?;
    for _ in 4..result_width(rules) {
        field("")?;
    }
    Ok(())
}

/// How many result columns a row has between the id and `rules_version`.
pub(crate) fn result_width(rules: &RuleSet) -> usize {
    4 + 2 * rules.scales.len() + rules.ratings.len() + 1
}

/// Append one CSV cell: a comma first unless `first`; neutralized for
/// spreadsheets; quoted (with `"` doubled) when it holds a comma, quote or
/// line break.
#[inline]
pub(crate) fn push_cell(out: &mut Vec<u8>, cell: &str, first: bool) {
    push_cell_with(out, cell, first, b',');
}

/// `push_cell` with another delimiter (`;`, tab, `|`): it comes first
/// unless `first`, and a cell holding it is quoted.
#[inline]
pub(crate) fn push_cell_with(out: &mut Vec<u8>, cell: &str, first: bool, delimiter: u8) {
    if !first {
        out.push(delimiter);
    }
    let bytes = cell.as_bytes();
    let formula = matches!(
        bytes.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && !is_integer(cell);
    let quote = bytes
        .iter()
        .any(|&b| b == delimiter || matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if quote {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    if quote {
        for &b in bytes {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

fn is_integer(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}
