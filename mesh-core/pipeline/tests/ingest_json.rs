//! The landing-file contract of `ingest::json`: every mapping rule of the module docs, checked
//! byte for byte, and every error with its exact message, which never holds a value of the line.
#![allow(missing_docs)]

use mesh_avro::codec::encode::{
    write_boolean, write_bytes, write_decimal, write_double, write_float, write_int, write_long, write_str,
};
use mesh_avro::Schema;
use mesh_pipeline::ingest::json::{JsonLineEncoder, LineError};

/// A record `sales.Order` with these fields (JSON, comma-separated).
fn encoder(fields: &str) -> JsonLineEncoder {
    let text = format!(r#"{{"type": "record", "name": "Order", "namespace": "sales", "fields": [{fields}]}}"#);
    JsonLineEncoder::new(&Schema::parse(&text).unwrap()).unwrap()
}

fn encode(fields: &str, line: &str) -> Result<Vec<u8>, LineError> {
    let mut out = Vec::new();
    encoder(fields).encode(line, &mut out).map(|()| out)
}

fn ok(fields: &str, line: &str) -> Vec<u8> {
    encode(fields, line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn datum(write: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out);
    out
}

const QUANTITY: &str = r#"{"name": "quantity", "type": "int"}"#;
const NOTE: &str = r#"{"name": "note", "type": ["null", "string"]}"#;

#[test]
fn records_take_keys_in_any_order_and_ignore_unknown_ones() {
    let fields = format!(r#"{QUANTITY}, {NOTE}, {{"name": "sku", "type": "string"}}"#);
    let expected = datum(|o| {
        write_int(o, 3);
        write_long(o, 1);
        write_str(o, "n");
        write_str(o, "A-1");
    });
    assert_eq!(ok(&fields, r#"{"quantity": 3, "note": "n", "sku": "A-1"}"#), expected);
    assert_eq!(ok(&fields, r#"{"sku": "A-1", "note": "n", "quantity": 3}"#), expected);
    let with_metadata =
        r#"{"_op": "u", "sku": "A-1", "_meta": {"lsn": [1, {"x": null}]}, "note": "n", "quantity": 3, "_ts": 1.5}"#;
    assert_eq!(ok(&fields, with_metadata), expected);
}

#[test]
fn a_missing_field_takes_its_default_then_null_if_nullable() {
    let fields = format!(
        r#"{QUANTITY}, {NOTE},
        {{"name": "channel", "type": "string", "default": "web"}},
        {{"name": "tags", "type": {{"type": "array", "items": "string"}}, "default": ["a"]}},
        {{"name": "rank", "type": ["int", "null"], "default": 5}},
        {{"name": "nothing", "type": "null"}}"#
    );
    let expected = datum(|o| {
        write_int(o, 1);
        write_long(o, 0);
        write_str(o, "web");
        write_long(o, 1);
        write_str(o, "a");
        o.push(0);
        write_long(o, 0);
        write_int(o, 5);
    });
    assert_eq!(ok(&fields, r#"{"quantity": 1}"#), expected);
    assert_eq!(ok(&fields, r#"{"quantity": 1, "note": null, "nothing": null}"#), expected);
}

#[test]
fn nullable_fields_take_null_or_their_type() {
    assert_eq!(ok(NOTE, r#"{"note": "x"}"#), datum(|o| (write_long(o, 1), write_str(o, "x")).1));
    assert_eq!(ok(NOTE, r#"{"note": null}"#), [0]);
    assert_eq!(ok(NOTE, r#"{}"#), [0]);
    // The null branch second.
    let later = r#"{"name": "note", "type": ["string", "null"]}"#;
    assert_eq!(ok(later, r#"{}"#), [2]);
    assert_eq!(ok(later, r#"{"note": "x"}"#), datum(|o| (write_long(o, 0), write_str(o, "x")).1));
}

#[test]
fn other_unions_take_the_first_branch_the_value_fits() {
    let union = r#"{"name": "u", "type": ["null", "int", "long", "string",
        {"type": "enum", "name": "E", "symbols": ["A"]}, "boolean",
        {"type": "map", "values": "int"}, {"type": "array", "items": "int"}]}"#;
    let case = |value: &str| ok(union, &format!(r#"{{"u": {value}}}"#));
    assert_eq!(case("null"), [0]);
    assert_eq!(case("7"), datum(|o| (write_long(o, 1), write_int(o, 7)).1));
    assert_eq!(case("3000000000"), datum(|o| (write_long(o, 2), write_long(o, 3_000_000_000)).1));
    // A string fits the string branch before the enum.
    assert_eq!(case(r#""A""#), datum(|o| (write_long(o, 3), write_str(o, "A")).1));
    assert_eq!(case("true"), datum(|o| (write_long(o, 5), write_boolean(o, true)).1));
    assert_eq!(
        case(r#"{"k": 1}"#),
        datum(|o| (write_long(o, 6), write_long(o, 1), write_str(o, "k"), write_int(o, 1), o.push(0)).4)
    );
    assert_eq!(case("[1]"), datum(|o| (write_long(o, 7), write_long(o, 1), write_int(o, 1), o.push(0)).3));
    // An enum before a string takes the strings that are its symbols.
    let enum_first = r#"{"name": "u", "type": [{"type": "enum", "name": "E", "symbols": ["A"]}, "string"]}"#;
    assert_eq!(ok(enum_first, r#"{"u": "A"}"#), [0, 0]);
    assert_eq!(ok(enum_first, r#"{"u": "B"}"#), datum(|o| (write_long(o, 1), write_str(o, "B")).1));
    // An object goes to the first record or map branch.
    let records = r#"{"name": "u", "type": [{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]},
        {"type": "map", "values": "string"}]}"#;
    assert_eq!(ok(records, r#"{"u": {"a": 4}}"#), [0, 8]);
}

#[test]
fn booleans_integers_and_floats() {
    let fields = r#"{"name": "b", "type": "boolean"}, {"name": "i", "type": "int"}, {"name": "l", "type": "long"},
        {"name": "f", "type": "float"}, {"name": "d", "type": "double"}"#;
    let line = r#"{"b": false, "i": -2147483648, "l": 9223372036854775807, "f": 0.1, "d": 12}"#;
    let expected = datum(|o| {
        write_boolean(o, false);
        write_int(o, i32::MIN);
        write_long(o, i64::MAX);
        write_float(o, 0.1);
        write_double(o, 12.0);
    });
    assert_eq!(ok(fields, line), expected);
    let line = r#"{"b": true, "i": 2147483647, "l": -9223372036854775808, "f": -3, "d": 2.2250738585072014e-308}"#;
    let expected = datum(|o| {
        write_boolean(o, true);
        write_int(o, i32::MAX);
        write_long(o, i64::MIN);
        write_float(o, -3.0);
        write_double(o, 2.2250738585072014e-308);
    });
    assert_eq!(ok(fields, line), expected);
    // Doubles are parsed to the nearest f64, not approximately.
    let d = r#"{"name": "d", "type": "double"}"#;
    assert_eq!(ok(d, r#"{"d": 0.30000000000000004}"#), 0.30000000000000004f64.to_le_bytes());
    assert_eq!(ok(d, r#"{"d": 2.0000000000000004}"#), 2.0000000000000004f64.to_le_bytes());
}

#[test]
fn strings_are_borrowed_or_unescaped() {
    let sku = r#"{"name": "sku", "type": "string"}"#;
    assert_eq!(ok(sku, r#"{"sku": "a\"b\u00e9\n"}"#), datum(|o| write_str(o, "a\"b\u{e9}\n")));
    assert_eq!(ok(sku, r#"{"sku": ""}"#), [0]);
    assert_eq!(ok(sku, "{\"sku\": \"\u{1F600}\"}"), datum(|o| write_str(o, "\u{1F600}")));
}

#[test]
fn enums_take_their_symbols_exactly_else_their_default() {
    let status = r#"{"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "SHIPPED"]}}"#;
    assert_eq!(ok(status, r#"{"status": "SHIPPED"}"#), [2]);
    let with_default = r#"{"name": "status", "type": {"type": "enum", "name": "Status",
        "symbols": ["NEW", "SHIPPED", "OTHER"], "default": "OTHER"}}"#;
    assert_eq!(ok(with_default, r#"{"status": "NEW"}"#), [0]);
    assert_eq!(ok(with_default, r#"{"status": "shipped"}"#), [4]);
}

#[test]
fn bytes_and_fixed_are_base64() {
    let payload = r#"{"name": "payload", "type": "bytes"}, {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}}"#;
    let expected = datum(|o| {
        write_bytes(o, b"fooba");
        o.extend_from_slice(&[0xfb, 0xff, 0xbf, 0x00]);
    });
    assert_eq!(ok(payload, r#"{"payload": "Zm9vYmE=", "hash": "+/+/AA=="}"#), expected);
    assert_eq!(ok(payload, r#"{"payload": "", "hash": "AAAAAA=="}"#), [0, 0, 0, 0, 0]);
}

#[test]
fn arrays_and_maps() {
    let fields = r#"{"name": "items", "type": {"type": "array", "items": {"type": "array", "items": "int"}}},
        {"name": "counts", "type": {"type": "map", "values": "long"}}"#;
    let expected = datum(|o| {
        write_long(o, 2);
        write_long(o, 2);
        write_int(o, 1);
        write_int(o, 2);
        o.push(0);
        o.push(0);
        o.push(0);
        write_long(o, 2);
        write_str(o, "b");
        write_long(o, 1);
        write_str(o, "a");
        write_long(o, -1);
        o.push(0);
    });
    assert_eq!(ok(fields, r#"{"items": [[1, 2], []], "counts": {"b": 1, "a": -1}}"#), expected);
    assert_eq!(ok(fields, r#"{"items": [], "counts": {}}"#), [0, 0]);
}

#[test]
fn timestamps_are_rfc_3339_text_or_epoch_integers() {
    let fields = r#"{"name": "ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "local", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "ns", "type": {"type": "long", "logicalType": "timestamp-nanos"}}"#;
    let at = 1_793_528_100_123i64; // 2026-11-01T10:15:00.123Z
    let expected = datum(|o| {
        write_long(o, at);
        write_long(o, at * 1000 + 456);
        write_long(o, at);
        write_long(o, at * 1_000_000 + 456_789);
    });
    let text = r#"{"ms": "2026-11-01T10:15:00.123Z", "us": "2026-11-01T11:15:00.123456+01:00",
        "local": "2026-11-01T10:15:00.123", "ns": "2026-11-01T10:15:00.123456789Z"}"#;
    assert_eq!(ok(fields, text), expected);
    let numbers =
        format!(r#"{{"ms": {at}, "us": {}, "local": {at}, "ns": {}}}"#, at * 1000 + 456, at * 1_000_000 + 456_789);
    assert_eq!(ok(fields, &numbers), expected);
}

#[test]
fn dates_and_times() {
    let fields = r#"{"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}}"#;
    let expected = datum(|o| {
        write_int(o, 19_782);
        write_int(o, 86_399_999);
        write_long(o, 0);
    });
    assert_eq!(ok(fields, r#"{"day": "2024-02-29", "tm": 86399999, "tu": 0}"#), expected);
    assert_eq!(ok(fields, r#"{"day": 19782, "tm": 86399999, "tu": 0}"#), expected);
}

#[test]
fn decimals_are_exact_text_from_strings_or_numbers() {
    let fields = r#"{"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
        {"name": "rate", "type": ["null", {"type": "fixed", "name": "Rate", "size": 3, "logicalType": "decimal", "precision": 6, "scale": 4}]}"#;
    let line = r#"{"amount": "1234.5", "rate": -0.0125}"#;
    let expected = datum(|o| {
        write_decimal(o, 123_450);
        write_long(o, 1);
        o.extend_from_slice(&(-125i32).to_be_bytes()[1..]);
    });
    assert_eq!(ok(fields, line), expected);
    // Escapes are read like any string's.
    assert_eq!(
        ok(fields, r#"{"amount": "\u0031234.5", "rate": null}"#),
        datum(|o| (write_decimal(o, 123_450), o.push(0)).1)
    );
    // A number too precise for an f64 keeps every digit.
    assert_eq!(
        ok(fields, r#"{"amount": 9999999999.99, "rate": null}"#),
        datum(|o| (write_decimal(o, 999_999_999_999), o.push(0)).1)
    );
    assert_eq!(ok(fields, r#"{"amount": "-0.07", "rate": "12.3456"}"#)[..2], [2, 0xf9]);
    let wide = r#"{"name": "big", "type": {"type": "fixed", "name": "Big", "size": 20, "logicalType": "decimal", "precision": 40, "scale": 0}}"#;
    let mut expected = vec![0xff; 4];
    expected.extend_from_slice(&(-2i128).to_be_bytes());
    assert_eq!(ok(wide, r#"{"big": -2}"#), expected);
}

#[test]
fn uuids_are_canonical_text_in_either_case() {
    let fields = r#"{"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "raw", "type": {"type": "fixed", "name": "U", "size": 16, "logicalType": "uuid"}}"#;
    let line = r#"{"id": "123E4567-E89B-12D3-A456-426614174000", "raw": "00112233-4455-6677-8899-AABBCCDDEEFF"}"#;
    let expected = datum(|o| {
        write_str(o, "123e4567-e89b-12d3-a456-426614174000");
        o.extend((0..16).map(|b| b * 17));
    });
    assert_eq!(ok(fields, line), expected);
}

#[test]
fn a_failed_line_leaves_the_output_as_it_was_and_the_next_line_encodes() {
    let fields = format!(
        r#"{{"name": "items", "type": {{"type": "array", "items": {{"type": "record", "name": "Item", "fields": [{QUANTITY}]}}}}}},
        {{"name": "counts", "type": {{"type": "map", "values": "int"}}}}"#
    );
    let mut encoder = encoder(&fields);
    let mut out = vec![9, 9];
    let good = r#"{"items": [{"quantity": 1}], "counts": {"a": 2}}"#;
    encoder.encode(good, &mut out).unwrap();
    let first = out[2..].to_vec();
    for bad in [
        r#"{"items": [{"quantity": 1}, {"quantity": "x"}], "counts": {}}"#,
        r#"{"counts": {"a": 1, "b": [}}"#,
        r#"{"items": [{"quantity": 1}], "counts": {"a": 1, "a": 2}}"#,
        r#"{"items": [{}]}"#,
    ] {
        let before = out.clone();
        assert!(encoder.encode(bad, &mut out).is_err(), "{bad}");
        assert_eq!(out, before, "{bad}");
        encoder.encode(good, &mut out).unwrap();
        assert_eq!(out[out.len() - first.len()..], first[..], "after {bad}");
    }
}

#[test]
fn the_root_must_be_a_record() {
    let error = JsonLineEncoder::new(&Schema::parse(r#"{"type": "array", "items": "int"}"#).unwrap()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot read JSON lines with this schema: its root is array<int>, not a record (a line is one JSON object)"
    );
}

/// Personal data the error cases' lines hold; no message may repeat any of it.
const SECRETS: [&str; 6] = ["jane.doe@example.com", "Jane", "Doe", "221B", "+44 20 7946 0000", "1987"];

/// Every error: the line, its exact message, and the path and column it reports.
#[test]
fn every_error_says_where_and_what_was_expected_without_the_value() {
    let item = format!(
        r#"{{"type": "record", "name": "LineItem", "fields": [{{"name": "sku", "type": "string"}}, {QUANTITY}]}}"#
    );
    let timestamps = r#"{"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "local", "type": ["null", {"type": "long", "logicalType": "local-timestamp-micros"}]}"#;
    let decimal = r#"{"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2}},
        {"name": "small", "type": ["null", {"type": "fixed", "name": "Small", "size": 1, "logicalType": "decimal", "precision": 2, "scale": 0}]}"#;
    let cases: Vec<(String, &str, &str)> = vec![
        (QUANTITY.into(), r#"{"quantity": "Jane"}"#, "field `quantity`: expected an integer (int), found a string"),
        (QUANTITY.into(), r#"{"quantity": null}"#, "field `quantity`: expected an integer (int), found null"),
        (QUANTITY.into(), r#"{"quantity": 1987.5}"#, "field `quantity`: expected an integer (int), found a number with a fraction or an exponent"),
        (QUANTITY.into(), r#"{"quantity": 1987e3}"#, "field `quantity`: expected an integer (int), found a number with a fraction or an exponent"),
        (QUANTITY.into(), r#"{"quantity": 19870000000}"#, "field `quantity`: out of range of int (-2147483648 to 2147483647)"),
        (r#"{"name": "l", "type": "long"}"#.into(), r#"{"l": 19870000000000000000}"#, "field `l`: out of range of long (-9223372036854775808 to 9223372036854775807)"),
        (r#"{"name": "l", "type": "long"}"#.into(), r#"{"l": 1987e30}"#, "field `l`: out of range of long (-9223372036854775808 to 9223372036854775807)"),
        (r#"{"name": "f", "type": "float"}"#.into(), r#"{"f": 1987e50}"#, "field `f`: out of range of float"),
        (QUANTITY.into(), r#"{"cdc": "Jane"}"#, "missing field `quantity`, which has no default in the schema"),
        (QUANTITY.into(), r#"{"quantity": 1, "quantity": 1987}"#, "field `quantity` is given twice"),
        (
            format!(r#"{{"name": "line_items", "type": {{"type": "array", "items": {item}}}}}"#),
            r#"{"line_items": [{"sku": "221B", "quantity": 1}, {"sku": "Doe", "quantity": 2}, {"sku": "Jane", "quantity": "1987"}]}"#,
            "field `line_items[2].quantity`: expected an integer (int), found a string",
        ),
        (
            format!(r#"{{"name": "line_items", "type": {{"type": "array", "items": {item}}}}}"#),
            r#"{"line_items": [{"sku": "221B", "quantity": 1}, {"quantity": 2}]}"#,
            "missing field `line_items[1].sku`, which has no default in the schema",
        ),
        (
            r#"{"name": "attributes", "type": {"type": "map", "values": {"type": "record", "name": "V", "fields": [{"name": "value", "type": "int"}]}}}"#.into(),
            r#"{"attributes": {"jane.doe@example.com": {"value": true}}}"#,
            "field `attributes{}.value`: expected an integer (int), found a boolean",
        ),
        (
            r#"{"name": "attributes", "type": {"type": "map", "values": "string"}}"#.into(),
            r#"{"attributes": {"jane.doe@example.com": "Jane", "jane.doe@example.com": "Doe"}}"#,
            "field `attributes`: a key is given twice in this map",
        ),
        (QUANTITY.into(), r#"["Jane", "Doe"]"#, "the record: expected an object (record sales.Order), found an array"),
        (QUANTITY.into(), r#""jane.doe@example.com""#, "the record: expected an object (record sales.Order), found a string"),
        (QUANTITY.into(), r#"{"quantity": 1, "name": "Jane",, }"#, "invalid JSON at column 32: key must be a string"),
        (QUANTITY.into(), r#"{"quantity": 1} "Jane Doe""#, "invalid JSON at column 17: trailing characters"),
        (QUANTITY.into(), r#"{"quantity": 1, "name": "Jane"#, "invalid JSON at column 29: EOF while parsing a string"),
        (QUANTITY.into(), "", "invalid JSON at column 0: EOF while parsing a value"),
        (QUANTITY.into(), r#"{"quantity": 1, "name": "Jane\q"}"#, "invalid JSON at column 31: invalid escape"),
        (
            r#"{"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "SHIPPED"]}}"#.into(),
            r#"{"status": "Jane"}"#,
            "field `status`: expected one of the symbols NEW, SHIPPED (enum sales.Status), found another string (symbols match exactly, case included)",
        ),
        (
            r#"{"name": "photo", "type": "bytes"}"#.into(),
            r#"{"photo": "Jane Doe"}"#,
            "field `photo`: expected a base64 string (bytes): a character outside the standard alphabet A-Z a-z 0-9 + /",
        ),
        (
            r#"{"name": "photo", "type": "bytes"}"#.into(),
            r#"{"photo": "Doe="}"#,
            "field `photo`: expected a base64 string (bytes): non-zero bits after the last byte",
        ),
        (
            r#"{"name": "photo", "type": "bytes"}"#.into(),
            r#"{"photo": "221B1"}"#,
            "field `photo`: expected a base64 string (bytes): the length is not a multiple of 4 (padding `=` is required)",
        ),
        (
            r#"{"name": "photo", "type": "bytes"}"#.into(),
            r#"{"photo": "1987=A=="}"#,
            "field `photo`: expected a base64 string (bytes): padding `=` before the end",
        ),
        (
            r#"{"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}}"#.into(),
            r#"{"hash": "221B"}"#,
            "field `hash`: expected a base64 string of 4 bytes (fixed sales.Hash(4)), found base64 of 3 bytes",
        ),
        (decimal.into(), r#"{"amount": "1987.123"}"#, "field `amount`: more digits after the point than decimal(5,2) holds (never rounded)"),
        (decimal.into(), r#"{"amount": 1987.12}"#, "field `amount`: more digits than decimal(5,2) holds"),
        (decimal.into(), r#"{"amount": 1987e-2}"#, "field `amount`: expected decimal(5,2) as decimal text or a number like -123.45 (no exponent)"),
        (decimal.into(), r#"{"amount": "Jane"}"#, "field `amount`: expected decimal(5,2) as decimal text or a number like -123.45 (no exponent)"),
        (decimal.into(), r#"{"amount": true}"#, "field `amount`: expected decimal(5,2) as decimal text or a number like -123.45 (no exponent), found a boolean"),
        (decimal.into(), r#"{"amount": 1, "small": 198}"#, "field `small`: more digits than decimal(2,0) holds"),
        (decimal.into(), r#"{"amount": 1, "small": [1987]}"#, "field `small`: expected null or decimal(2,0) as decimal text or a number like -123.45 (no exponent), found an array"),
        (
            r#"{"name": "id", "type": {"type": "string", "logicalType": "uuid"}}"#.into(),
            r#"{"id": "jane.doe@example.com"}"#,
            "field `id`: expected a uuid of 36 characters like 123e4567-e89b-12d3-a456-426614174000",
        ),
        (
            timestamps.into(),
            r#"{"at": "1987-01-01"}"#,
            "field `at`: not an RFC 3339 timestamp (e.g. 2026-11-01T10:15:00Z); expected timestamp-millis: an RFC 3339 string like 2026-11-01T10:15:00Z or an integer of milliseconds since 1970-01-01T00:00:00Z",
        ),
        (
            timestamps.into(),
            r#"{"at": "1987-02-30T10:00:00Z"}"#,
            "field `at`: an RFC 3339 timestamp with a date or time that does not exist; expected timestamp-millis: an RFC 3339 string like 2026-11-01T10:15:00Z or an integer of milliseconds since 1970-01-01T00:00:00Z",
        ),
        (timestamps.into(), r#"{"at": "1987-01-01T10:00:00.0001Z"}"#, "field `at`: digits finer than timestamp-millis holds (never rounded)"),
        (
            timestamps.into(),
            r#"{"at": 1, "local": "1987-01-01T10:00:00+01:00"}"#,
            "field `local`: an offset other than Z: local-timestamp-micros is a wall-clock time, written without one (e.g. 2026-11-01T10:15:00)",
        ),
        (timestamps.into(), r#"{"at": 1987.5}"#, "field `at`: expected timestamp-millis: an RFC 3339 string like 2026-11-01T10:15:00Z or an integer of milliseconds since 1970-01-01T00:00:00Z, found a number with a fraction or an exponent"),
        (
            r#"{"name": "born", "type": {"type": "int", "logicalType": "date"}}"#.into(),
            r#"{"born": "1987-02-29"}"#,
            "field `born`: a date that does not exist",
        ),
        (
            r#"{"name": "born", "type": {"type": "int", "logicalType": "date"}}"#.into(),
            r#"{"born": "29.02.1987"}"#,
            "field `born`: expected a date YYYY-MM-DD (e.g. 2026-11-01) or an integer of days since 1970-01-01",
        ),
        (
            r#"{"name": "opens", "type": {"type": "int", "logicalType": "time-millis"}}"#.into(),
            r#"{"opens": 86400000}"#,
            "field `opens`: out of range of time-millis (0 to 86399999 milliseconds after midnight)",
        ),
        (
            r#"{"name": "opens", "type": {"type": "int", "logicalType": "time-millis"}}"#.into(),
            r#"{"opens": "10:00"}"#,
            "field `opens`: expected an integer (time-millis), found a string",
        ),
        (
            r#"{"name": "u", "type": ["int", "boolean"]}"#.into(),
            r#"{"u": "Jane"}"#,
            "field `u`: a string fits no branch of union[int, boolean]",
        ),
        (
            r#"{"name": "u", "type": ["null", "int", "string"]}"#.into(),
            r#"{"u": 1987.5}"#,
            "field `u`: expected an integer (int), found a number with a fraction or an exponent",
        ),
        (
            r#"{"name": "u", "type": ["int", "long"]}"#.into(),
            r#"{"u": 1987e40}"#,
            "field `u`: a number fits no branch of union[int, long]",
        ),
        (NOTE.into(), r#"{"note": {"name": "Jane"}}"#, "field `note`: expected null or a string, found an object"),
    ];
    for (fields, line, message) in cases {
        let error = encode(&fields, line).expect_err(line);
        assert_eq!(error.to_string(), message, "{line}");
        for secret in SECRETS {
            assert!(!error.to_string().contains(secret), "{line}: {error} repeats `{secret}`");
            assert!(!format!("{error:?}").contains(secret), "{line}: {error:?} repeats `{secret}`");
        }
        let path = message.split('`').nth(1).filter(|_| !message.starts_with("invalid JSON"));
        assert_eq!(error.path(), path.unwrap_or(""), "{line}");
        assert_eq!(error.column().is_some(), message.starts_with("invalid JSON"), "{line}");
    }
}

#[test]
fn nesting_is_bounded_without_exhausting_the_stack() {
    let tree = r#"{"name": "next", "type": ["null", "Order"]}"#;
    let deep = |levels: usize| format!("{}null{}", r#"{"next": "#.repeat(levels), "}".repeat(levels));
    assert!(encode(tree, &deep(100)).is_ok());
    let error = encode(tree, &deep(100_000)).unwrap_err();
    assert_eq!(error.to_string(), "invalid JSON at column 1144: nested deeper than 128 objects and arrays");
    // A decimal branch reads each value from its own text: the encoder's own bound holds there.
    let with_decimal = r#"{"name": "next", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 0}, "Order"]}"#;
    assert!(encode(with_decimal, &deep(100)).is_ok());
    let error = encode(with_decimal, &deep(5_000)).unwrap_err();
    assert!(error.to_string().ends_with(": nested deeper than 128 objects and arrays"), "{error}");
    assert_eq!(error.path(), vec!["next"; 128].join("."));
    // Keys of no field are skipped however deep they nest.
    let unknown = format!(r#"{{"quantity": 1, "meta": {}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(encode(QUANTITY, &unknown).map_err(|e| e.to_string()), Ok(vec![2]));
}
