//! The client's JSON that `UsageRaw::payload` carries, read in one pass without building a JSON
//! tree: the three fields the silver product maps are kept as they came, every other member
//! becomes a property. Borrowed from the payload where the text has no escapes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A member's value where only text, null or a whole number is wanted.
#[derive(Debug, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Text(Cow<'a, str>),
    /// A whole number that fits an `i64`.
    Int(i64),
    /// Anything else (a fraction, a boolean, an object, an array, a number past `i64`).
    Other,
}

/// A usage event's payload: the members the silver product maps, and the rest as properties
/// (text as it is, other values as their compact JSON). Of a member given twice, the last counts.
#[derive(Debug, Default)]
pub struct EventPayload<'a> {
    pub platform: Option<Scalar<'a>>,
    pub client_ts: Option<Scalar<'a>>,
    pub duration_ms: Option<Scalar<'a>>,
    pub properties: BTreeMap<String, String>,
}

impl<'a> EventPayload<'a> {
    /// The payload, if it is a JSON object (the reason quotes nothing of it).
    pub fn parse(payload: &'a [u8]) -> Result<Self, &'static str> {
        serde_json::from_slice(payload).map_err(|_| "the payload is not a JSON object")
    }
}

impl<'de> Deserialize<'de> for EventPayload<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PayloadVisitor)
    }
}

struct PayloadVisitor;

impl<'de> Visitor<'de> for PayloadVisitor {
    type Value = EventPayload<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut payload = EventPayload::default();
        while let Some(Key(key)) = map.next_key()? {
            match key.as_ref() {
                "platform" => payload.platform = Some(map.next_value()?),
                "client_ts" => payload.client_ts = Some(map.next_value()?),
                "duration_ms" => payload.duration_ms = Some(map.next_value()?),
                _ => {
                    let Property(value) = map.next_value()?;
                    payload.properties.insert(key.into_owned(), value);
                }
            }
        }
        Ok(payload)
    }
}

/// A member's name, borrowed where it has no escapes (`Cow`'s own `Deserialize` always copies;
/// `borrow` makes it borrow).
#[derive(serde::Deserialize)]
struct Key<'a>(#[serde(borrow)] Cow<'a, str>);

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Owned(text)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(n).map_or(Scalar::Other, Scalar::Int))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// A property's value: text as it is; anything else as its compact JSON.
struct Property(String);

impl<'de> Deserialize<'de> for Property {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PropertyVisitor)
    }
}

struct PropertyVisitor;

impl PropertyVisitor {
    fn json<E>(value: Value) -> Result<Property, E> {
        Ok(Property(value.to_string()))
    }
}

impl<'de> Visitor<'de> for PropertyVisitor {
    type Value = Property;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Property(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(Property(text))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Self::json(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Self::json(Value::from(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Self::json(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Self::json(Value::from(n))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Self::json(Value::from(n))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Self::json(Value::deserialize(MapAccessDeserializer::new(map))?)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Self::json(Value::deserialize(SeqAccessDeserializer::new(seq))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the silver product kept of a payload before this reader: a JSON tree, its three
    /// members taken out, the rest as text or compact JSON.
    fn through_a_tree(payload: &str) -> Option<BTreeMap<String, String>> {
        let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(payload) else { return None };
        for known in ["platform", "client_ts", "duration_ms"] {
            object.remove(known);
        }
        Some(
            object
                .into_iter()
                .map(|(key, value)| match value {
                    Value::String(text) => (key, text),
                    other => (key, other.to_string()),
                })
                .collect(),
        )
    }

    #[test]
    fn properties_are_what_a_json_tree_gives() {
        for payload in [
            r#"{"platform":"web","client_ts":"2026-11-01T10:00:00Z","app_version":"4.2.0","screen":"home"}"#,
            r#"{"platform":"ios","n":1,"f":1.5,"big":18446744073709551615,"b":true,"z":null}"#,
            r#"{"nested":{"b":[1,2,{"c":"d"}],"a":"\u00e9"}, "list": [ 1 , "x" ], "esc\"aped":"line\nbreak"}"#,
            r#"{"dup":"first","dup":"last","platform":"web","platform":"api"}"#,
            r#"{}"#,
        ] {
            let parsed = EventPayload::parse(payload.as_bytes()).unwrap();
            assert_eq!(Some(parsed.properties), through_a_tree(payload), "{payload}");
        }
    }

    #[test]
    fn the_mapped_members_keep_their_kind_and_the_last_of_a_repeat_counts() {
        let parsed =
            EventPayload::parse(br#"{"platform":"web","platform":"Api","client_ts":null,"duration_ms":-3,"x":1}"#)
                .unwrap();
        assert_eq!(parsed.platform, Some(Scalar::Text(Cow::Borrowed("Api"))));
        assert_eq!(parsed.client_ts, Some(Scalar::Null));
        assert_eq!(parsed.duration_ms, Some(Scalar::Int(-3)));
        for (duration, kind) in [
            ("1.0", Scalar::Other),
            ("true", Scalar::Other),
            ("[1]", Scalar::Other),
            ("9223372036854775808", Scalar::Other),
            ("\"5\"", Scalar::Text(Cow::Borrowed("5"))),
        ] {
            let payload = format!(r#"{{"duration_ms":{duration}}}"#);
            assert_eq!(EventPayload::parse(payload.as_bytes()).unwrap().duration_ms, Some(kind), "{payload}");
        }
    }

    #[test]
    fn anything_but_an_object_is_refused_without_quoting_it() {
        for payload in ["[1,2]", "\"text\"", "{\"a\":", "{\"a\":1} trailing", "", "\u{fffd}"] {
            assert_eq!(EventPayload::parse(payload.as_bytes()).err(), Some("the payload is not a JSON object"));
        }
        assert!(EventPayload::parse(&[b'{', 0xff, b'}']).is_err());
    }
}
