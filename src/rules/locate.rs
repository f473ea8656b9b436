//! Where a YAML path is in a file: its line and column, found after the
//! fact with a span-aware YAML parser (saphyr-parser).
//!
//! Validation names places by YAML path (`flags[4].when.item`), which is
//! exact but hard to find by eye. This module turns such a path into a line
//! and column of the file's text. It parses spans only when asked: when
//! there are problems to report, or for a report that lists rule origins,
//! never on the way to a valid rule set (the built-in rules load from JSON).
//!
//! It owns saphyr-parser and nothing else; it reads no file (the loaded
//! texts are kept in `RuleSet::written`).

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser};

use crate::error::{Diagnostic, Place};
use crate::model::{Origin, RuleSet};

/// A line and a column, both 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineCol {
    pub(crate) line: usize,
    pub(crate) col: usize,
}

/// Where a rule-set element is written: file, line and column (1-based).
/// Shown as `file:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The line of a rule-set element, from its origin (file and YAML path),
/// for the built-in rules and rules read from disk alike. `None` when the
/// file is not one of the rule set's or the path is not in it.
pub(crate) fn line_of(rules: &RuleSet, origin: &Origin) -> Option<Location> {
    Locator::new(rules).locate(origin)
}

/// Finds origins in a rule set's files, parsing each file's spans once:
/// for a report that places many elements.
pub(crate) struct Locator<'a> {
    rules: &'a RuleSet,
    spans: HashMap<String, Spans>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(rules: &'a RuleSet) -> Locator<'a> {
        Locator {
            rules,
            spans: HashMap::new(),
        }
    }

    /// Where `origin` is, when its path is in its file.
    pub(crate) fn locate(&mut self, origin: &Origin) -> Option<Location> {
        let rules = self.rules;
        let spans = match self.spans.entry(origin.file.clone()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let text = rules.written.text_of(&origin.file)?;
                e.insert(Spans::parse(text))
            }
        };
        let found = spans.find(&origin.path)?;
        found.exact.then(|| Location {
            file: origin.file.clone(),
            line: found.at.line,
            column: found.at.col,
        })
    }
}

/// Give every diagnostic placed by a YAML path its line and column, the
/// path kept beside them. `text_of` gives a file's text by the name the
/// diagnostics use; a file it does not know keeps its paths. A path that
/// is not in the file (a key that is missing) is placed where its deepest
/// written part is.
pub(super) fn place<'t>(diags: &mut [Diagnostic], text_of: impl Fn(&str) -> Option<&'t str>) {
    let mut cache: HashMap<String, Option<Spans>> = HashMap::new();
    for diag in diags.iter_mut() {
        let Place::Path(path) = &diag.place else {
            continue;
        };
        let spans = cache
            .entry(diag.file.clone())
            .or_insert_with(|| text_of(&diag.file).map(Spans::parse));
        if let Some(found) = spans.as_ref().and_then(|s| s.find(path)) {
            diag.place = Place::At {
                line: found.at.line,
                col: found.at.col,
                path: path.clone(),
            };
        }
    }
}

/// Place the diagnostics of checks made after loading (`check`), from the
/// texts the rule set keeps.
pub(crate) fn place_in(rules: &RuleSet, diags: &mut [Diagnostic]) {
    place(diags, |file| rules.written.text_of(file));
}

/// The second time `key` is given in the mapping at `path`, for a
/// duplicate key the deserializer reports at its mapping.
pub(super) fn duplicate_key(text: &str, path: &str, key: &str) -> Option<LineCol> {
    let spans = Spans::parse(text);
    let found = spans.find(path).filter(|f| f.exact)?;
    let Kind::Map(entries) = &found.node.kind else {
        return None;
    };
    entries
        .iter()
        .filter(|entry| entry.key == key)
        .nth(1)
        .map(|entry| entry.at)
}

/// A parsed file's shape: every node with where it starts. A file that
/// does not parse keeps what was read before the error.
struct Spans {
    root: Option<Node>,
}

struct Node {
    at: LineCol,
    kind: Kind,
}

enum Kind {
    Scalar,
    Map(Vec<Entry>),
    Seq(Vec<Node>),
}

struct Entry {
    key: String,
    /// Where the key is written.
    at: LineCol,
    value: Node,
}

/// What a path led to: the node, and where to point (a scalar value on
/// its key's line, else the key); `exact` when the whole path was found.
struct Found<'a> {
    at: LineCol,
    node: &'a Node,
    exact: bool,
}

/// A collection being read.
enum Frame {
    Map {
        at: LineCol,
        entries: Vec<Entry>,
        /// A key read, waiting for its value.
        key: Option<(String, LineCol)>,
    },
    Seq {
        at: LineCol,
        items: Vec<Node>,
    },
}

impl Spans {
    fn parse(text: &str) -> Spans {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        while let Some(Ok((event, span))) = parser.next_event() {
            // saphyr's lines are 1-based, its columns 0-based.
            let at = LineCol {
                line: span.start.line(),
                col: span.start.col() + 1,
            };
            match event {
                Event::MappingStart(..) => builder.stack.push(Frame::Map {
                    at,
                    entries: Vec::new(),
                    key: None,
                }),
                Event::SequenceStart(..) => builder.stack.push(Frame::Seq {
                    at,
                    items: Vec::new(),
                }),
                Event::MappingEnd | Event::SequenceEnd => builder.close(),
                Event::Scalar(text, ..) => builder.add(
                    Node {
                        at,
                        kind: Kind::Scalar,
                    },
                    Some(text.into_owned()),
                ),
                Event::Alias(_) => builder.add(
                    Node {
                        at,
                        kind: Kind::Scalar,
                    },
                    None,
                ),
                // Only the first document is a rules file.
                Event::DocumentEnd => break,
                Event::Nothing
                | Event::StreamStart
                | Event::StreamEnd
                | Event::DocumentStart(_) => {}
            }
        }
        while !builder.stack.is_empty() {
            builder.close();
        }
        Spans { root: builder.root }
    }

    fn find(&self, path: &str) -> Option<Found<'_>> {
        let root = self.root.as_ref()?;
        let mut found = Found {
            at: root.at,
            node: root,
            exact: true,
        };
        for step in steps(path) {
            let next = match (step, &found.node.kind) {
                (Step::Key(key), Kind::Map(entries)) => {
                    entries.iter().find(|e| e.key == key).map(|entry| Found {
                        // A block scalar's text starts below its key.
                        at: match entry.value.kind {
                            Kind::Scalar if entry.value.at.line == entry.at.line => entry.value.at,
                            _ => entry.at,
                        },
                        node: &entry.value,
                        exact: true,
                    })
                }
                (Step::Index(i), Kind::Seq(items)) => items.get(i).map(|node| Found {
                    at: node.at,
                    node,
                    exact: true,
                }),
                _ => None,
            };
            match next {
                Some(next) => found = next,
                None => {
                    found.exact = false;
                    break;
                }
            }
        }
        Some(found)
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
}

impl Builder {
    /// A finished node: the value of a pending key, a key, a sequence
    /// element or the root.
    fn add(&mut self, node: Node, text: Option<String>) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some((key, at)) => entries.push(Entry {
                    key,
                    at,
                    value: node,
                }),
                None => *key = Some((text.unwrap_or_default(), node.at)),
            },
        }
    }

    /// The innermost collection is complete (or the text ended in it).
    fn close(&mut self) {
        let node = match self.stack.pop() {
            Some(Frame::Map {
                at,
                mut entries,
                key,
            }) => {
                // A key whose value was never read (the text broke off).
                if let Some((key, key_at)) = key {
                    entries.push(Entry {
                        key,
                        at: key_at,
                        value: Node {
                            at: key_at,
                            kind: Kind::Scalar,
                        },
                    });
                }
                Node {
                    at,
                    kind: Kind::Map(entries),
                }
            }
            Some(Frame::Seq { at, items }) => Node {
                at,
                kind: Kind::Seq(items),
            },
            None => return,
        };
        self.add(node, None);
    }
}

/// One step of a YAML path.
#[derive(Debug, PartialEq, Eq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `flags[4].when.item` → `flags`, 4, `when`, `item`. A path that is not
/// well formed ends at its first malformed step.
fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let Some((digits, tail)) = after.split_once(']') else {
                break;
            };
            let Ok(index) = digits.parse() else {
                break;
            };
            out.push(Step::Index(index));
            rest = tail;
        } else {
            let rest_key = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest_key.find(['.', '[']).unwrap_or(rest_key.len());
            if end == 0 {
                break;
            }
            out.push(Step::Key(&rest_key[..end]));
            rest = &rest_key[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{duplicate_key, line_of, place, steps, LineCol, Locator, Spans, Step};
    use crate::error::{Diagnostic, Place};
    use crate::model::{Origin, RuleSet};
    use crate::rules::{load, RulesSource};

    /// Each origin's line holds `id: <its id>`: found by reading the text
    /// line by line, not by the parser under test.
    fn assert_every_origin_on_its_id_line(rules: &RuleSet) -> usize {
        let named = rules
            .flags
            .iter()
            .map(|f| (&f.id, &f.origin))
            .chain(rules.rules.iter().map(|r| (&r.id, &r.origin)))
            .chain(rules.cases.iter().map(|c| (&c.id, &c.origin)));
        let mut locator = Locator::new(rules);
        let mut checked = 0;
        for (id, origin) in named {
            let location = locator
                .locate(origin)
                .unwrap_or_else(|| panic!("{origin} not found"));
            assert_eq!(location.file, origin.file);
            let text = rules.written.text_of(&origin.file).expect("a text");
            let line = text.lines().nth(location.line - 1).unwrap_or_default();
            let written = line.contains(&format!("id: {id}\n"))
                || line.ends_with(&format!("id: {id}"))
                || line.contains(&format!("id: {id},"));
            assert!(written, "{origin} at {location}: {line:?}");
            assert_eq!(line_of(rules, origin), Some(location));
            checked += 1;
        }
        checked
    }

    #[test]
    fn line_of_finds_every_origin_of_the_built_in_rules() {
        let rules = load(&RulesSource::Embedded).expect("the built-in rules load");
        assert!(assert_every_origin_on_its_id_line(&rules) > 100);
        let case = &rules.cases[0].origin;
        let location = line_of(&rules, case).expect("found");
        assert_eq!(
            location.to_string(),
            format!("cases.yaml:{}", location.line)
        );
    }

    #[test]
    fn line_of_finds_origins_in_rules_read_from_disk() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/rich");
        let rules = load(&RulesSource::Path(dir)).expect("the fixture loads");
        assert!(assert_every_origin_on_its_id_line(&rules) >= 2);
        let boom = rules.flags.iter().find(|f| f.id == "boom").expect("flag");
        let location = line_of(&rules, &boom.origin).expect("found");
        assert!(location
            .to_string()
            .ends_with(&format!("rich/ruleset.yaml:{}", location.line)));
    }

    #[test]
    fn line_of_is_none_for_a_file_or_path_not_in_the_rule_set() {
        let rules = load(&RulesSource::Embedded).expect("the built-in rules load");
        let origin = |file: &str, path: &str| Origin {
            file: file.into(),
            path: path.into(),
        };
        assert_eq!(line_of(&rules, &origin("nowhere.yaml", "flags[0]")), None);
        assert_eq!(
            line_of(&rules, &origin("placement.yaml", "flags[999]")),
            None
        );
        assert!(line_of(&rules, &origin("placement.yaml", "flags[0]")).is_some());
    }

    const TEXT: &str = "\
# A comment, then the rules.
format_version: 1
levels:
  - id: low
    name: Low
  - { id: high, name: High }
flags:
  - id: danger
    when:
      item: mood_3
      eq: 1
    message: |
      Call now.
cases:
  - answers: { mood_1: 2 }
    expect:
      level: high
";

    fn at(path: &str) -> Option<(usize, usize, bool)> {
        Spans::parse(TEXT)
            .find(path)
            .map(|f| (f.at.line, f.at.col, f.exact))
    }

    #[test]
    fn paths_split_into_keys_and_indexes() {
        assert_eq!(
            steps("flags[4].when.item"),
            [
                Step::Key("flags"),
                Step::Index(4),
                Step::Key("when"),
                Step::Key("item")
            ]
        );
        assert_eq!(steps("cases[89]"), [Step::Key("cases"), Step::Index(89)]);
        assert_eq!(steps("text.es-MX"), [Step::Key("text"), Step::Key("es-MX")]);
        assert_eq!(steps(""), []);
        assert_eq!(steps("levels[x].id"), [Step::Key("levels")]);
    }

    #[test]
    fn a_scalar_is_found_at_its_value_and_a_collection_at_its_key() {
        assert_eq!(at("format_version"), Some((2, 17, true)));
        assert_eq!(at("flags[0].when.item"), Some((10, 13, true)));
        assert_eq!(at("flags[0].when"), Some((9, 5, true)));
        assert_eq!(at("flags[0].message"), Some((12, 5, true)));
        assert_eq!(at("levels"), Some((3, 1, true)));
    }

    #[test]
    fn sequence_elements_are_found_block_or_flow() {
        assert_eq!(at("levels[0]"), Some((4, 5, true)));
        assert_eq!(at("levels[1]"), Some((6, 5, true)));
        assert_eq!(at("levels[1].name"), Some((6, 23, true)));
        assert_eq!(at("cases[0].answers.mood_1"), Some((15, 24, true)));
        assert_eq!(at("cases[0].expect.level"), Some((17, 14, true)));
    }

    #[test]
    fn a_path_not_written_points_at_its_deepest_written_part() {
        assert_eq!(at("flags[0].urgency"), Some((8, 5, false)));
        assert_eq!(at("levels[7].id"), Some((3, 1, false)));
        assert_eq!(at("version"), Some((2, 1, false)));
        assert_eq!(at(""), Some((2, 1, true)));
        assert!(Spans::parse("").find("levels").is_none());
    }

    #[test]
    fn a_text_that_breaks_off_keeps_what_came_before() {
        let spans = Spans::parse("levels:\n  - id: low\n  - id: [high\nflags: []\n");
        let found = spans.find("levels[0].id").expect("found");
        assert_eq!((found.at, found.exact), (LineCol { line: 2, col: 9 }, true));
    }

    #[test]
    fn the_second_of_a_duplicate_key_is_found() {
        let text = "levels:\n  - id: low\n    name: Low\n    id: other\n";
        assert_eq!(
            duplicate_key(text, "levels[0]", "id"),
            Some(LineCol { line: 4, col: 5 })
        );
        assert_eq!(duplicate_key(text, "levels[0]", "name"), None);
        assert_eq!(duplicate_key(text, "levels[1]", "id"), None);
    }

    #[test]
    fn diagnostics_placed_by_path_get_a_line_and_keep_the_path() {
        let diag = |file: &str, place| Diagnostic {
            code: "x",
            message: "m".into(),
            file: file.into(),
            place,
            help: None,
            note: None,
        };
        let mut diags = [
            diag("r.yaml", Place::Path("flags[0].when.item".into())),
            diag("other.yaml", Place::Path("flags[0]".into())),
            diag("r.yaml", Place::LineCol(3, 4)),
        ];
        place(&mut diags, |file| (file == "r.yaml").then_some(TEXT));
        assert_eq!(
            diags[0].place,
            Place::At {
                line: 10,
                col: 13,
                path: "flags[0].when.item".into()
            }
        );
        assert_eq!(diags[1].place, Place::Path("flags[0]".into()));
        assert_eq!(diags[2].place, Place::LineCol(3, 4));
        assert_eq!(
            diags[0].to_string(),
            "error[x]: m\n --> r.yaml:10:13 (flags[0].when.item)"
        );
    }
}
