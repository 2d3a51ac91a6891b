//! The plan against apache-avro's resolution (the oracle) and against the evolution check.

// apache-avro's datum functions are deprecated for a builder API; they are the independent oracle here.
#![allow(deprecated)]

mod depth;
mod oracle;
mod rules;
mod zero_bytes;

use apache_avro::types::Value;

use super::*;
use crate::codec::encode::{write_bytes, write_long};
use crate::codec::error::DecodeErrorKind;
use crate::codec::Reader;

/// Writes `value` with the writer schema, transcodes it with the plan and reads the result with
/// apache-avro under the reader schema.
fn resolve(writer: &str, reader: &str, value: Value) -> Value {
    let plan = Plan::from_json(writer, reader).unwrap();
    let datum = apache_avro::to_avro_datum(&apache_avro::Schema::parse_str(writer).unwrap(), value).unwrap();
    let mut input = Reader::new(&datum);
    let mut out = Vec::new();
    plan.transcode(&mut input, &mut out).unwrap();
    input.finish().unwrap();
    apache_avro::from_avro_datum(&apache_avro::Schema::parse_str(reader).unwrap(), &mut out.as_slice(), None).unwrap()
}

fn record(fields: Vec<(&str, Value)>) -> Value {
    Value::Record(fields.into_iter().map(|(name, value)| (name.to_string(), value)).collect())
}

const TREE_V1: &str = r#"{"type": "record", "name": "Node", "namespace": "t", "fields": [
    {"name": "value", "type": "int"},
    {"name": "label", "type": "string"},
    {"name": "children", "type": {"type": "array", "items": "Node"}}]}"#;

/// `value` widened, `label` removed, `weight` added, fields reordered.
const TREE_V2: &str = r#"{"type": "record", "name": "Node", "namespace": "t", "fields": [
    {"name": "children", "type": {"type": "array", "items": "t.Node"}},
    {"name": "value", "type": "long"},
    {"name": "weight", "type": "double", "default": 1.5}]}"#;

fn tree_v1(value: i32, children: Vec<Value>) -> Value {
    record(vec![
        ("value", Value::Int(value)),
        ("label", Value::String(format!("n{value}"))),
        ("children", Value::Array(children)),
    ])
}

fn tree_v2(value: i64, children: Vec<Value>) -> Value {
    record(vec![("children", Value::Array(children)), ("value", Value::Long(value)), ("weight", Value::Double(1.5))])
}

fn tree_value(value: i32, label: String, children: Vec<Value>) -> Value {
    record(vec![("value", Value::Int(value)), ("label", Value::String(label)), ("children", Value::Array(children))])
}
