//! Round trips over generated schemas and values: a datum written as natural JSON (in every form
//! the landing contract allows) and encoded again gives the same bytes; and so does the JSON
//! `mesh_avro`'s datum-to-JSON writer prints, for the types where that JSON is natural.
#![allow(missing_docs)]

use mesh_avro::codec::encode::{
    write_block_len, write_boolean, write_bytes, write_decimal, write_double, write_end_of_blocks, write_float,
    write_long, write_str, write_uuid,
};
use mesh_avro::codec::json::write_datum_json;
use mesh_avro::codec::Reader;
use mesh_core::model::{CalendarDate, Instant};
use mesh_pipeline::ingest::json::JsonLineEncoder;
use proptest::prelude::*;

/// A generated type.
#[derive(Debug, Clone)]
enum Ty {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Str,
    Bytes,
    Fixed(usize),
    Enum(usize),
    Uuid,
    UuidFixed,
    Decimal(u32, u32),
    DecimalFixed(u32, u32),
    Date,
    TimeMillis,
    Timestamp {
        micros: bool,
        local: bool,
    },
    Array(Box<Ty>),
    Map(Box<Ty>),
    Nullable(Box<Ty>),
    /// `["null", "long", "string", "boolean"]`: the value's kind picks the branch.
    Choice,
    Record(Vec<Ty>),
}

/// A generated value of a [`Ty`].
#[derive(Debug, Clone)]
enum Val {
    Null,
    Bool(bool),
    Long(i64),
    Float(f32),
    Double(f64),
    Str(String),
    Bytes(Vec<u8>),
    Index(usize),
    Uuid(u128),
    Decimal(i128),
    Items(Vec<Val>),
    Entries(Vec<(String, Val)>),
    Union(usize, Box<Val>),
    Fields(Vec<Val>),
}

fn types() -> impl Strategy<Value = Ty> {
    let leaf = prop_oneof![
        Just(Ty::Null),
        Just(Ty::Boolean),
        Just(Ty::Int),
        Just(Ty::Long),
        Just(Ty::Float),
        Just(Ty::Double),
        Just(Ty::Str),
        Just(Ty::Bytes),
        (0usize..6).prop_map(Ty::Fixed),
        (1usize..4).prop_map(Ty::Enum),
        Just(Ty::Uuid),
        Just(Ty::UuidFixed),
        (1u32..=38).prop_flat_map(|p| (Just(p), 0..=p)).prop_map(|(p, s)| Ty::Decimal(p, s)),
        (1u32..=18).prop_flat_map(|p| (Just(p), 0..=p)).prop_map(|(p, s)| Ty::DecimalFixed(p, s)),
        Just(Ty::Date),
        Just(Ty::TimeMillis),
        (any::<bool>(), any::<bool>()).prop_map(|(micros, local)| Ty::Timestamp { micros, local }),
        Just(Ty::Choice),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Ty::Array(Box::new(t))),
            inner.clone().prop_map(|t| Ty::Map(Box::new(t))),
            inner.clone().prop_map(|t| match t {
                // A union holds no union, and null once.
                Ty::Null | Ty::Nullable(_) | Ty::Choice => t,
                t => Ty::Nullable(Box::new(t)),
            }),
            prop::collection::vec(inner, 1..5).prop_map(Ty::Record),
        ]
    })
}

const MIN_DAY: i64 = -719_162; // 0001-01-01
const MAX_DAY: i64 = 2_932_896; // 9999-12-31

fn values(ty: &Ty) -> BoxedStrategy<Val> {
    let day_micros = 86_400_000_000i64;
    match ty {
        Ty::Null => Just(Val::Null).boxed(),
        Ty::Boolean => any::<bool>().prop_map(Val::Bool).boxed(),
        Ty::Int => any::<i32>().prop_map(|n| Val::Long(n.into())).boxed(),
        Ty::Long => any::<i64>().prop_map(Val::Long).boxed(),
        Ty::Float => any::<f32>().prop_filter("finite", |f| f.is_finite()).prop_map(Val::Float).boxed(),
        Ty::Double => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Val::Double).boxed(),
        Ty::Str => "\\PC{0,6}".prop_map(Val::Str).boxed(),
        Ty::Bytes => prop::collection::vec(any::<u8>(), 0..8).prop_map(Val::Bytes).boxed(),
        Ty::Fixed(size) => prop::collection::vec(any::<u8>(), *size).prop_map(Val::Bytes).boxed(),
        Ty::Enum(symbols) => (0..*symbols).prop_map(Val::Index).boxed(),
        Ty::Uuid | Ty::UuidFixed => any::<u128>().prop_map(Val::Uuid).boxed(),
        Ty::Decimal(precision, _) | Ty::DecimalFixed(precision, _) => {
            let limit = 10i128.pow(*precision);
            (-limit + 1..limit).prop_map(Val::Decimal).boxed()
        }
        Ty::Date => (MIN_DAY..=MAX_DAY).prop_map(Val::Long).boxed(),
        Ty::TimeMillis => (0i64..86_400_000).prop_map(Val::Long).boxed(),
        Ty::Timestamp { micros, .. } => {
            let per_micro = if *micros { 1 } else { 1000 };
            (MIN_DAY * day_micros / per_micro..(MAX_DAY + 1) * day_micros / per_micro).prop_map(Val::Long).boxed()
        }
        Ty::Array(items) => prop::collection::vec(values(items), 0..4).prop_map(Val::Items).boxed(),
        Ty::Map(values_ty) => prop::collection::btree_map("\\PC{0,4}", values(values_ty), 0..4)
            .prop_map(|m| Val::Entries(m.into_iter().collect()))
            .boxed(),
        Ty::Nullable(inner) => prop_oneof![
            Just(Val::Union(0, Box::new(Val::Null))),
            values(inner).prop_map(|v| Val::Union(1, Box::new(v))),
        ]
        .boxed(),
        Ty::Choice => prop_oneof![
            Just(Val::Union(0, Box::new(Val::Null))),
            any::<i64>().prop_map(|n| Val::Union(1, Box::new(Val::Long(n)))),
            "\\PC{0,4}".prop_map(|s| Val::Union(2, Box::new(Val::Str(s)))),
            any::<bool>().prop_map(|b| Val::Union(3, Box::new(Val::Bool(b)))),
        ]
        .boxed(),
        Ty::Record(fields) => fields.iter().map(values).collect::<Vec<_>>().prop_map(Val::Fields).boxed(),
    }
}

/// The type as Avro JSON; named types get fresh names from `names`.
fn schema_json(ty: &Ty, names: &mut usize) -> String {
    let mut fresh = || {
        *names += 1;
        *names
    };
    match ty {
        Ty::Null => r#""null""#.into(),
        Ty::Boolean => r#""boolean""#.into(),
        Ty::Int => r#""int""#.into(),
        Ty::Long => r#""long""#.into(),
        Ty::Float => r#""float""#.into(),
        Ty::Double => r#""double""#.into(),
        Ty::Str => r#""string""#.into(),
        Ty::Bytes => r#""bytes""#.into(),
        Ty::Fixed(size) => format!(r#"{{"type": "fixed", "name": "F{}", "size": {size}}}"#, fresh()),
        Ty::Enum(n) => {
            let symbols: Vec<String> = (0..*n).map(|i| format!(r#""S{i}""#)).collect();
            format!(r#"{{"type": "enum", "name": "E{}", "symbols": [{}]}}"#, fresh(), symbols.join(", "))
        }
        Ty::Uuid => r#"{"type": "string", "logicalType": "uuid"}"#.into(),
        Ty::UuidFixed => format!(r#"{{"type": "fixed", "name": "U{}", "size": 16, "logicalType": "uuid"}}"#, fresh()),
        Ty::Decimal(p, s) => {
            format!(r#"{{"type": "bytes", "logicalType": "decimal", "precision": {p}, "scale": {s}}}"#)
        }
        Ty::DecimalFixed(p, s) => format!(
            r#"{{"type": "fixed", "name": "D{}", "size": 8, "logicalType": "decimal", "precision": {p}, "scale": {s}}}"#,
            fresh()
        ),
        Ty::Date => r#"{"type": "int", "logicalType": "date"}"#.into(),
        Ty::TimeMillis => r#"{"type": "int", "logicalType": "time-millis"}"#.into(),
        Ty::Timestamp { micros, local } => format!(
            r#"{{"type": "long", "logicalType": "{}timestamp-{}"}}"#,
            if *local { "local-" } else { "" },
            if *micros { "micros" } else { "millis" }
        ),
        Ty::Array(items) => format!(r#"{{"type": "array", "items": {}}}"#, schema_json(items, names)),
        Ty::Map(values) => format!(r#"{{"type": "map", "values": {}}}"#, schema_json(values, names)),
        Ty::Nullable(inner) => format!(r#"["null", {}]"#, schema_json(inner, names)),
        Ty::Choice => r#"["null", "long", "string", "boolean"]"#.into(),
        Ty::Record(fields) => {
            let name = fresh();
            let fields: Vec<String> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| format!(r#"{{"name": "f{i}", "type": {}}}"#, schema_json(f, names)))
                .collect();
            format!(r#"{{"type": "record", "name": "R{name}", "fields": [{}]}}"#, fields.join(", "))
        }
    }
}

/// The datum's bytes, as the specification writes them.
fn write_datum(ty: &Ty, val: &Val, out: &mut Vec<u8>) {
    match (ty, val) {
        (Ty::Null, Val::Null) => {}
        (Ty::Boolean, Val::Bool(b)) => write_boolean(out, *b),
        (Ty::Int | Ty::Long | Ty::Date | Ty::TimeMillis | Ty::Timestamp { .. }, Val::Long(n)) => write_long(out, *n),
        (Ty::Float, Val::Float(f)) => write_float(out, *f),
        (Ty::Double, Val::Double(d)) => write_double(out, *d),
        (Ty::Str, Val::Str(s)) => write_str(out, s),
        (Ty::Bytes, Val::Bytes(b)) => write_bytes(out, b),
        (Ty::Fixed(_), Val::Bytes(b)) => out.extend_from_slice(b),
        (Ty::Enum(_), Val::Index(i)) => write_long(out, *i as i64),
        (Ty::Uuid, Val::Uuid(u)) => write_uuid(out, mesh_avro::values::Uuid(*u)),
        (Ty::UuidFixed, Val::Uuid(u)) => out.extend_from_slice(&u.to_be_bytes()),
        (Ty::Decimal(..), Val::Decimal(d)) => write_decimal(out, *d),
        (Ty::DecimalFixed(..), Val::Decimal(d)) => out.extend_from_slice(&(*d as i64).to_be_bytes()),
        (Ty::Array(items), Val::Items(vals)) => {
            write_block_len(out, vals.len());
            vals.iter().for_each(|v| write_datum(items, v, out));
            write_end_of_blocks(out);
        }
        (Ty::Map(values), Val::Entries(entries)) => {
            write_block_len(out, entries.len());
            for (k, v) in entries {
                write_str(out, k);
                write_datum(values, v, out);
            }
            write_end_of_blocks(out);
        }
        (Ty::Nullable(inner), Val::Union(i, v)) => {
            write_long(out, *i as i64);
            if *i == 1 {
                write_datum(inner, v, out);
            }
        }
        (Ty::Choice, Val::Union(i, v)) => {
            write_long(out, *i as i64);
            let branch = [Ty::Null, Ty::Long, Ty::Str, Ty::Boolean];
            write_datum(&branch[*i], v, out);
        }
        (Ty::Record(fields), Val::Fields(vals)) => fields.iter().zip(vals).for_each(|(f, v)| write_datum(f, v, out)),
        (ty, val) => panic!("{val:?} is no value of {ty:?}"),
    }
}

/// Which of the forms the landing contract allows a natural JSON line uses.
#[derive(Debug, Clone)]
struct Style {
    /// Record keys in reverse schema order.
    reversed: bool,
    /// A metadata key no field has, in every record.
    metadata: bool,
    /// Null fields left out rather than `null`.
    omit_nulls: bool,
    /// Timestamps and dates as text rather than numbers.
    text_times: bool,
    /// Decimals as numbers rather than strings, without trailing fraction zeros.
    decimal_numbers: bool,
    /// Uuids in upper case.
    upper_uuids: bool,
}

fn styles() -> impl Strategy<Value = Style> {
    any::<[bool; 6]>().prop_map(|b| Style {
        reversed: b[0],
        metadata: b[1],
        omit_nulls: b[2],
        text_times: b[3],
        decimal_numbers: b[4],
        upper_uuids: b[5],
    })
}

fn json_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            text.push(if i <= chunk.len() { char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]) } else { '=' });
        }
    }
    text
}

fn decimal_text(unscaled: i128, scale: u32, trim: bool) -> String {
    let digits = format!("{:0>width$}", unscaled.unsigned_abs(), width = scale as usize + 1);
    let (whole, fraction) = digits.split_at(digits.len() - scale as usize);
    let fraction = if trim { fraction.trim_end_matches('0') } else { fraction };
    let sign = if unscaled < 0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// The value as natural JSON in `style`.
fn write_json(ty: &Ty, val: &Val, style: &Style, out: &mut String) {
    match (ty, val) {
        (_, Val::Null) => out.push_str("null"),
        (_, Val::Bool(b)) => out.push_str(&b.to_string()),
        (Ty::Date, Val::Long(days)) if style.text_times => {
            out.push_str(&json_str(&CalendarDate::from_days_since_epoch(*days).to_string()));
        }
        (Ty::Timestamp { micros, local }, Val::Long(n)) if style.text_times => {
            let instant = if *micros { Instant(*n) } else { Instant::from_millis(*n) }.to_string();
            out.push_str(&json_str(if *local { instant.trim_end_matches('Z') } else { &instant }));
        }
        (_, Val::Long(n)) => out.push_str(&n.to_string()),
        (_, Val::Float(f)) => out.push_str(&serde_json::Value::from(f64::from(*f)).to_string()),
        (_, Val::Double(d)) => out.push_str(&serde_json::Value::from(*d).to_string()),
        (_, Val::Str(s)) => out.push_str(&json_str(s)),
        (_, Val::Bytes(b)) => out.push_str(&json_str(&base64(b))),
        (Ty::Enum(_), Val::Index(i)) => out.push_str(&json_str(&format!("S{i}"))),
        (_, Val::Uuid(u)) => {
            let text = mesh_avro::values::Uuid(*u).to_string();
            out.push_str(&json_str(&if style.upper_uuids { text.to_uppercase() } else { text }));
        }
        (Ty::Decimal(_, scale) | Ty::DecimalFixed(_, scale), Val::Decimal(d)) => {
            let text = decimal_text(*d, *scale, style.decimal_numbers);
            out.push_str(&if style.decimal_numbers { text } else { json_str(&text) });
        }
        (Ty::Array(items), Val::Items(vals)) => {
            out.push('[');
            for (i, v) in vals.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(items, v, style, out);
            }
            out.push(']');
        }
        (Ty::Map(values), Val::Entries(entries)) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_str(k));
                out.push(':');
                write_json(values, v, style, out);
            }
            out.push('}');
        }
        (Ty::Nullable(inner), Val::Union(_, v)) => write_json(inner, v, style, out),
        (Ty::Choice, Val::Union(_, v)) => write_json(&Ty::Null, v, style, out),
        (Ty::Record(fields), Val::Fields(vals)) => {
            let mut entries: Vec<String> = Vec::new();
            if style.metadata {
                entries.push(r#""_cdc":{"op":"u","lsn":[1,{"x":null}]}"#.into());
            }
            for (i, (f, v)) in fields.iter().zip(vals).enumerate() {
                let null = matches!(v, Val::Null) || matches!(v, Val::Union(_, inner) if matches!(**inner, Val::Null));
                if null && style.omit_nulls {
                    continue;
                }
                let mut entry = format!("\"f{i}\":");
                write_json(f, v, style, &mut entry);
                entries.push(entry);
            }
            if style.reversed {
                entries.reverse();
            }
            out.push('{');
            out.push_str(&entries.join(","));
            out.push('}');
        }
        (ty, val) => panic!("{val:?} is no value of {ty:?}"),
    }
}

/// Whether `mesh_avro`'s JSON of the type is natural JSON: all but bytes and plain fixed, which
/// it prints as code points (Avro's JSON encoding) rather than base64. (Its reader also refuses
/// arrays of items of no bytes, counting on a byte per item.)
fn natural_in_mesh_avro(ty: &Ty) -> bool {
    match ty {
        Ty::Bytes | Ty::Fixed(_) => false,
        Ty::Array(t) => !no_bytes(t) && natural_in_mesh_avro(t),
        Ty::Map(t) | Ty::Nullable(t) => natural_in_mesh_avro(t),
        Ty::Record(fields) => fields.iter().all(natural_in_mesh_avro),
        _ => true,
    }
}

/// Whether every value of the type is encoded in no bytes.
fn no_bytes(ty: &Ty) -> bool {
    match ty {
        Ty::Null | Ty::Fixed(0) => true,
        Ty::Record(fields) => fields.iter().all(no_bytes),
        _ => false,
    }
}

/// A root record of one or more generated fields, and a value of it.
fn records() -> impl Strategy<Value = (Ty, Val)> {
    prop::collection::vec(types(), 1..5).prop_map(Ty::Record).prop_flat_map(|ty| (Just(ty.clone()), values(&ty)))
}

fn encoder(ty: &Ty) -> (mesh_avro::Schema, JsonLineEncoder) {
    let schema = mesh_avro::Schema::parse(&schema_json(ty, &mut 0)).unwrap();
    let encoder = JsonLineEncoder::new(&schema).unwrap();
    (schema, encoder)
}

proptest! {
    #[test]
    fn natural_json_in_every_allowed_form_encodes_to_the_datum((ty, val) in records(), style in styles()) {
        let (_, mut encoder) = encoder(&ty);
        let mut expected = Vec::new();
        write_datum(&ty, &val, &mut expected);
        let mut line = String::new();
        write_json(&ty, &val, &style, &mut line);
        let mut out = Vec::new();
        encoder.encode(&line, &mut out).map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
        prop_assert_eq!(out, expected, "{}", line);
    }

    #[test]
    fn the_json_mesh_avro_prints_encodes_back_to_the_same_datum((ty, val) in records()) {
        prop_assume!(natural_in_mesh_avro(&ty));
        let (schema, mut encoder) = encoder(&ty);
        let mut datum = Vec::new();
        write_datum(&ty, &val, &mut datum);
        let mut line = String::new();
        write_datum_json(&schema, schema.root(), &mut Reader::new(&datum), &mut line)
            .map_err(|e| TestCaseError::fail(format!("{}: {e:?}", schema_json(&ty, &mut 0))))?;
        let mut out = Vec::new();
        encoder.encode(&line, &mut out).map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
        prop_assert_eq!(out, datum, "{}", line);
    }
}
