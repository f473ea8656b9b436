//! The mapping file as written: serde types mirroring the YAML exactly,
//! with no logic (`super::validate` turns them into a `Mapping`). Each
//! field's `///` text is the format reference; MAPPING.md mirrors it.

use schemars::JsonSchema;
use serde::Deserialize;

/// A mapping file: how to read an export whose column names and answer
/// codes are not the batch contract's (a REDCap export, another EHR's).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMapping {
    /// Format version of this file: `1`.
    pub(crate) mapping: u32,
    /// The source column holding the record id (REDCap: `record_id`).
    pub(crate) id: String,
    /// Source columns copied to the output right after the id column, in
    /// this order (CSV: columns of the same name; JSON Lines: a `keep`
    /// object). `score --keep` adds more.
    #[serde(default)]
    pub(crate) keep: Vec<String>,
    /// Score only the rows whose `column` holds one of the values `in`
    /// (after trimming spaces, exactly). Other rows are skipped: no output
    /// row, counted in the summary. A row that does not line up with the
    /// header is never skipped.
    #[serde(default)]
    pub(crate) only_if: Option<RawOnlyIf>,
    /// Where an item's answers are: `item` <- source column `from`. An item
    /// not listed is looked up by its own id, as without a mapping.
    #[serde(default)]
    pub(crate) columns: Vec<RawColumn>,
    /// Source values -> the item's codes, for the listed items. A value not
    /// in its item's table (and not blank or a `missing` value) rejects the
    /// row, naming the column and the item.
    #[serde(default)]
    pub(crate) recode: Vec<RawRecode>,
    /// Values read as "no answer" in every item column, exactly as a blank
    /// cell is (the item's missing-data rule applies); never as 0.
    #[serde(default)]
    pub(crate) missing: Vec<Text>,
    /// Source columns known and not needed: not warned about.
    #[serde(default)]
    pub(crate) ignore: Vec<String>,
    /// Instruments (ids) the export does not hold at all. Their columns are
    /// not required; every row gets the scores of the collected scales and
    /// the flags its answers establish, but no level, and the warning
    /// `not_collected:ID;ID`.
    #[serde(default)]
    pub(crate) not_collected: Vec<String>,
}

/// A condition on a source column.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOnlyIf {
    /// The source column.
    pub(crate) column: String,
    /// The values that admit a row.
    #[serde(rename = "in")]
    pub(crate) values: Vec<Text>,
}

/// One item's source column.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawColumn {
    /// The item id (`phq9_1`).
    pub(crate) item: String,
    /// The source column holding its answers (`phq_1`).
    pub(crate) from: String,
}

/// One recode table and the items it applies to.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecode {
    /// The item ids.
    pub(crate) items: Vec<String>,
    /// Source value -> the item's code (`"1": 1`, `"2": 0`). Each value
    /// once; each code one of every listed item's codes.
    pub(crate) values: RecodeTable,
}

/// A YAML scalar read as text: `UNK`, `"-99"` and `-99` alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text(pub(crate) String);

impl JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A value as the export writes it: a string or a whole number.",
            "type": ["string", "integer"]
        })
    }
}

struct TextVisitor;

impl serde::de::Visitor<'_> for TextVisitor {
    type Value = Text;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string or a whole number")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A recode table, in file order. A key given twice is kept in
/// `duplicates` (a plain map would keep the last silently), so validation
/// reports it with every other problem.
#[derive(Debug, Default)]
pub(crate) struct RecodeTable {
    pub(crate) pairs: Vec<(String, i64)>,
    pub(crate) duplicates: Vec<String>,
}

impl JsonSchema for RecodeTable {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RecodeTable".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Source value -> the item's code.",
            "type": "object",
            "additionalProperties": { "type": "integer" }
        })
    }
}

impl<'de> Deserialize<'de> for RecodeTable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RecodeTable;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of source values to codes")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut table = RecodeTable::default();
                while let Some((Text(key), code)) = map.next_entry::<Text, i64>()? {
                    if table.pairs.iter().any(|(k, _)| *k == key) {
                        table.duplicates.push(key);
                    } else {
                        table.pairs.push((key, code));
                    }
                }
                Ok(table)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
