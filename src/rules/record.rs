//! A record file for `explain`: YAML or JSON, item id -> answer.
//!
//! Each answer is read as the text a batch cell would hold, so `explain`
//! parses it exactly as `score` does: `2`, `"2"` and ` 2 ` are the same
//! answer, `yes`/`no` are read for yes/no items, `null` or `""` is no
//! answer, and anything else (`1.0`, `true`) is an invalid answer that
//! rejects the record with the item named. Errors about the file itself
//! name the file, the line and the key, and what was expected; never a
//! value, since a record is health data.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};

/// One answer of a record file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordEntry {
    pub(crate) key: String,
    /// The answer as text; `None` for `null` (no answer).
    pub(crate) text: Option<String>,
}

/// Why a record file cannot be read. Carries no value from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordError {
    /// Line and column (1-based), where the parser knows them.
    pub(crate) place: Option<(usize, usize)>,
    pub(crate) reason: String,
}

/// The keys a record may hold: `Err` with the reason for any other.
pub(crate) type KeyCheck<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// Read a record file: a map of item ids to answers, each key once.
pub(crate) fn parse_record(
    text: &str,
    check: KeyCheck<'_>,
) -> Result<Vec<RecordEntry>, RecordError> {
    let reason: RefCell<Option<(String, bool)>> = RefCell::new(None);
    let seed = RecordSeed {
        reason: &reason,
        check,
    };
    let deserializer = serde_yaml::Deserializer::from_str(text);
    match seed.deserialize(deserializer) {
        Ok(entries) => Ok(entries),
        Err(err) => {
            let place = err.location().map(|l| (l.line(), l.column()));
            // The parser's own words may quote the file; ours never do.
            Err(match reason.into_inner() {
                Some((reason, located)) => RecordError {
                    place: place.filter(|_| located),
                    reason,
                },
                None => RecordError {
                    place,
                    reason: "not valid YAML or JSON".to_string(),
                },
            })
        }
    }
}

struct RecordSeed<'a> {
    /// Why the record was refused, and whether the parser's place is the
    /// problem's (not so for a key, found after the parser moved on: the
    /// key names it).
    reason: &'a RefCell<Option<(String, bool)>>,
    check: KeyCheck<'a>,
}

impl RecordSeed<'_> {
    fn fail<E: serde::de::Error>(&self, reason: String) -> E {
        *self.reason.borrow_mut() = Some((reason, true));
        E::custom("record")
    }

    fn fail_key<E: serde::de::Error>(&self, reason: String) -> E {
        *self.reason.borrow_mut() = Some((reason, false));
        E::custom("record")
    }

    fn not_a_map<E: serde::de::Error>(&self, found: &str) -> E {
        self.fail(format!(
            "expected a map of item ids to answer codes (`phq9_1: 2`), found {found}"
        ))
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Vec<RecordEntry>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Vec<RecordEntry>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of item ids to answer codes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<RecordEntry> = Vec::new();
        while let Some(key) = map.next_key_seed(Key { seed: &self })? {
            if out.iter().any(|e| e.key == key) {
                return Err(self.fail_key(format!("item `{key}` is given more than once")));
            }
            if let Err(reason) = (self.check)(&key) {
                return Err(self.fail_key(reason));
            }
            let text = map.next_value_seed(Answer {
                seed: &self,
                key: &key,
            })?;
            out.push(RecordEntry { key, text });
        }
        Ok(out)
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(self.fail(
            "expected a map of item ids to answer codes (`phq9_1: 2`), found text; \
             a batch CSV file is explained one row at a time with `--data FILE --id ID`"
                .to_string(),
        ))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.not_a_map("a list"))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self.not_a_map("a number"))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self.not_a_map("a number"))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self.not_a_map("a number"))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.not_a_map("true or false"))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Err(self.not_a_map("nothing (the file is empty)"))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
}

/// A key: an item id (a number is read as its digits).
struct Key<'a, 'b> {
    seed: &'a RecordSeed<'b>,
}

impl<'de> DeserializeSeed<'de> for Key<'_, '_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_, '_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an item id")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self
            .seed
            .fail("expected an item id as a key, found a map".into()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self
            .seed
            .fail("expected an item id as a key, found a list".into()))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<String, E> {
        Err(self
            .seed
            .fail("expected an item id as a key, found true or false".into()))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<String, E> {
        Err(self
            .seed
            .fail("expected an item id as a key, found a number".into()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<String, E> {
        Err(self
            .seed
            .fail("expected an item id as a key, found nothing".into()))
    }
}

/// An answer, as the text a batch cell would hold.
struct Answer<'a, 'b> {
    seed: &'a RecordSeed<'b>,
    key: &'a str,
}

impl Answer<'_, '_> {
    fn not_an_answer<E: serde::de::Error>(&self, found: &str) -> E {
        self.seed.fail(format!(
            "item `{}`: expected an answer code (a number, or text such as `yes`), found {found}",
            self.key
        ))
    }
}

impl<'de> DeserializeSeed<'de> for Answer<'_, '_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Answer<'_, '_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an answer code")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    // Kept as written, so `1.0` is refused as batch input refuses it.
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(format!("{v:?}")))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.not_an_answer("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.not_an_answer("a map"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_key(_: &str) -> Result<(), String> {
        Ok(())
    }

    fn read(text: &str) -> Result<Vec<(String, Option<String>)>, RecordError> {
        parse_record(text, &any_key).map(|v| v.into_iter().map(|e| (e.key, e.text)).collect())
    }

    fn pair(key: &str, text: Option<&str>) -> (String, Option<String>) {
        (key.to_string(), text.map(String::from))
    }

    #[test]
    fn numbers_strings_and_nulls_are_read_as_batch_cells() {
        let yaml = read("a: 2\nb: \"3\"\nc: ~\nd: yes\ne: 1.0\nf: true\n").expect("reads");
        assert_eq!(
            yaml,
            vec![
                pair("a", Some("2")),
                pair("b", Some("3")),
                pair("c", None),
                pair("d", Some("yes")),
                pair("e", Some("1.0")),
                pair("f", Some("true")),
            ]
        );
        let json = read(r#"{"a": "2", "b": 1, "c": null}"#).expect("reads");
        assert_eq!(
            json,
            vec![pair("a", Some("2")), pair("b", Some("1")), pair("c", None)]
        );
    }

    #[test]
    fn no_error_quotes_the_file() {
        let secret = "id,phq9_1\nsecret-client,3\n";
        let err = read(secret).expect_err("a CSV is no record");
        assert!(!err.reason.contains("secret"), "{err:?}");
        assert!(err.reason.contains("--data FILE --id ID"), "{err:?}");
        for text in [
            "a: [secret]\n",
            "a: {secret: 1}\n",
            "a: 1\na: 2\n",
            "[secret]\n",
            "a: \"secret\n",
            "{\"a\": secret-",
        ] {
            let err = read(text).expect_err(text);
            assert!(!err.reason.contains("secret"), "{text}: {err:?}");
        }
        let err = read("x: 1\na: {secret: 1}\n").expect_err("nested");
        assert_eq!(err.place.map(|p| p.0), Some(2), "{err:?}");
        assert!(
            err.reason.starts_with("item `a`: expected an answer code"),
            "{err:?}"
        );
    }

    #[test]
    fn a_key_the_check_refuses_stops_with_its_reason() {
        let check = |k: &str| match k {
            "zzz" => Err("`zzz` is not an item".to_string()),
            _ => Ok(()),
        };
        let err = parse_record("a: 1\nzzz: 2\n", &check).expect_err("refused");
        assert_eq!(err.reason, "`zzz` is not an item");
        assert_eq!(err.place, None, "the key names the place");
    }
}
