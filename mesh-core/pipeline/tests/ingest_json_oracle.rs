//! Another implementation of the Avro specification, apache-avro, decodes what the JSON line
//! encoder writes for a schema with every type and logical type, to the values the line holds.
#![allow(missing_docs)]

use std::collections::HashMap;

use apache_avro::types::Value;
use apache_avro::{Decimal, Uuid};
use mesh_pipeline::ingest::json::JsonLineEncoder;

const SCHEMA: &str = r#"{"type": "record", "name": "Everything", "namespace": "test", "fields": [
    {"name": "null", "type": "null"},
    {"name": "boolean", "type": "boolean"},
    {"name": "int", "type": "int"},
    {"name": "long", "type": "long"},
    {"name": "float", "type": "float"},
    {"name": "double", "type": "double"},
    {"name": "bytes", "type": "bytes"},
    {"name": "string", "type": "string"},
    {"name": "fixed", "type": {"type": "fixed", "name": "Four", "size": 4}},
    {"name": "enum", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"], "default": "RED"}},
    {"name": "array", "type": {"type": "array", "items": "long"}},
    {"name": "map", "type": {"type": "map", "values": "string"}},
    {"name": "optional", "type": ["null", "string"]},
    {"name": "absent", "type": ["null", "string"], "default": null},
    {"name": "union", "type": ["null", "int", "string"]},
    {"name": "nested", "type": {"type": "record", "name": "Nested", "fields": [
        {"name": "x", "type": "int"}, {"name": "label", "type": "string", "default": "none"}]}},
    {"name": "decimal", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
    {"name": "decimal_fixed", "type": {"type": "fixed", "name": "Money", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 3}},
    {"name": "uuid", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "date", "type": {"type": "int", "logicalType": "date"}},
    {"name": "time_millis", "type": {"type": "int", "logicalType": "time-millis"}},
    {"name": "time_micros", "type": {"type": "long", "logicalType": "time-micros"}},
    {"name": "timestamp_millis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "timestamp_micros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
    {"name": "local_timestamp_millis", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
    {"name": "local_timestamp_micros", "type": {"type": "long", "logicalType": "local-timestamp-micros"}}
]}"#;

/// The line lists its keys out of schema order, with metadata the schema does not know.
const LINE: &str = r#"{"_op": "c", "boolean": true, "null": null, "int": -7, "long": 9007199254740993,
    "float": 1.5, "double": -0.1, "bytes": "AAH/", "string": "caf\u00e9", "fixed": "3q2+7w==",
    "enum": "BLUE", "array": [1, -2, 3], "map": {"k": "v", "w": ""}, "optional": "o",
    "union": "text", "nested": {"x": 5}, "decimal": "-1234.5", "decimal_fixed": 12.345,
    "uuid": "123E4567-E89B-12D3-A456-426614174000", "date": "2026-11-01", "time_millis": 37800000,
    "time_micros": 37800000001, "timestamp_millis": "2026-11-01T10:15:00.123Z",
    "timestamp_micros": "2026-11-01T12:15:00.123456+02:00", "local_timestamp_millis": "2026-11-01T10:15:00.123",
    "local_timestamp_micros": 1793528100123456}"#;

#[test]
fn apache_avro_decodes_every_type_to_the_values_of_the_line() {
    let ours = mesh_avro::Schema::parse(SCHEMA).unwrap();
    let mut out = Vec::new();
    JsonLineEncoder::new(&ours).unwrap().encode(&LINE.replace('\n', " "), &mut out).unwrap();
    let theirs = apache_avro::Schema::parse_str(SCHEMA).unwrap();
    let mut input = out.as_slice();
    let decoded = apache_avro::reader::datum::GenericDatumReader::builder(&theirs)
        .build()
        .unwrap()
        .read_value(&mut input)
        .unwrap();
    assert!(input.is_empty(), "{} bytes left over", input.len());
    let at_millis = 1_793_528_100_123; // 2026-11-01T10:15:00.123Z
    let expected = [
        ("null", Value::Null),
        ("boolean", Value::Boolean(true)),
        ("int", Value::Int(-7)),
        ("long", Value::Long(9_007_199_254_740_993)),
        ("float", Value::Float(1.5)),
        ("double", Value::Double(-0.1)),
        ("bytes", Value::Bytes(vec![0, 1, 0xff])),
        ("string", Value::String("café".into())),
        ("fixed", Value::Fixed(4, vec![0xde, 0xad, 0xbe, 0xef])),
        ("enum", Value::Enum(0, "RED".into())),
        ("array", Value::Array(vec![Value::Long(1), Value::Long(-2), Value::Long(3)])),
        (
            "map",
            Value::Map(HashMap::from([
                ("k".into(), Value::String("v".into())),
                ("w".into(), Value::String(String::new())),
            ])),
        ),
        ("optional", Value::Union(1, Box::new(Value::String("o".into())))),
        ("absent", Value::Union(0, Box::new(Value::Null))),
        ("union", Value::Union(2, Box::new(Value::String("text".into())))),
        ("nested", Value::Record(vec![("x".into(), Value::Int(5)), ("label".into(), Value::String("none".into()))])),
        // -123450 as shortest two's complement: 0xfe1dc6.
        ("decimal", Value::Decimal(Decimal::from(vec![0xfe, 0x1d, 0xc6]))),
        ("decimal_fixed", Value::Decimal(Decimal::from(12_345i64.to_be_bytes().to_vec()))),
        ("uuid", Value::Uuid(Uuid::from_u128(0x123e4567_e89b_12d3_a456_426614174000))),
        ("date", Value::Date(20_758)), // at_millis / 86_400_000
        ("time_millis", Value::TimeMillis(37_800_000)),
        ("time_micros", Value::TimeMicros(37_800_000_001)),
        ("timestamp_millis", Value::TimestampMillis(at_millis)),
        ("timestamp_micros", Value::TimestampMicros(at_millis * 1000 + 456)),
        ("local_timestamp_millis", Value::LocalTimestampMillis(at_millis)),
        ("local_timestamp_micros", Value::LocalTimestampMicros(at_millis * 1000 + 456)),
    ];
    let Value::Record(fields) = decoded else { panic!("not a record: {decoded:?}") };
    assert_eq!(fields.len(), expected.len());
    for ((name, value), (expected_name, expected_value)) in fields.iter().zip(expected) {
        assert_eq!((name.as_str(), value), (expected_name, &expected_value));
    }
}
