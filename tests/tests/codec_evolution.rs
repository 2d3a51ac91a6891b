//! Data written with an older (or foreign) schema of a product, read as the current type.
//!
//! The older files are written by apache-avro's generic writer from a hand-written
//! schema, as an older version of the producer (or another tool) would have.
// apache-avro 0.22 deprecates its datum functions for a builder API; the Writer used here is not deprecated.
#![allow(deprecated)]
// Test fixtures, not API.
#![allow(missing_docs)]

use std::io::Cursor;

use apache_avro::types::Value;
use mesh_core::codec::{Compression, ContainerErrorKind, ContainerReader, ContainerWriter, DecodeErrorKind};
use mesh_macros::{data_product, AvroEnum, AvroRecord};

#[derive(Debug, Clone, Copy, PartialEq, AvroEnum)]
#[avro(namespace = "shop")]
pub enum Tier {
    Gold,
    Silver,
    #[avro(default)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, AvroRecord)]
#[avro(namespace = "shop")]
pub struct Line {
    pub sku: String,
    pub quantity: i64,
}

/// The current version of the product.
#[data_product(domain = "shop", version = "2.0.0", owner = "shop-team@company.com", layer = "silver")]
#[avro(aliases("LegacyOrders"))]
#[derive(Debug, Clone, PartialEq)]
pub struct Orders {
    pub order_id: String,
    /// Was `customer_id`.
    #[avro(aliases("customer_id"))]
    pub customer_ref: String,
    /// Was a float.
    pub amount: f64,
    /// Was an int.
    pub count: i64,
    /// Was bytes.
    pub payload: String,
    pub tier: Tier,
    pub lines: Vec<Line>,
    /// Added in 2.0.
    pub note: Option<String>,
    /// Added in 2.0.
    #[avro(default = 1)]
    pub priority: i32,
    /// Was `["null", "int"]`.
    pub rating: Option<i64>,
}

/// Another product, to check a file of one is not read as the other.
#[data_product(domain = "shop", version = "1.0.0", owner = "shop-team@company.com", layer = "bronze")]
#[derive(Debug, Clone, PartialEq)]
pub struct Refunds {
    pub order_id: String,
}

/// Version 1 of `Orders`: another record name, fields in another order, narrower types,
/// fields since removed (of every kind), no `note` or `priority`.
const V1_SCHEMA: &str = r#"{"type": "record", "name": "LegacyOrders", "namespace": "shop", "fields": [
    {"name": "legacy_flags", "type": {"type": "map", "values": {"type": "array", "items": "long"}}},
    {"name": "tier", "type": {"type": "enum", "name": "Tier", "symbols": ["Platinum", "Gold", "Silver"]}},
    {"name": "order_id", "type": "string"},
    {"name": "customer_id", "type": "string"},
    {"name": "amount", "type": "float"},
    {"name": "count", "type": "int"},
    {"name": "payload", "type": "bytes"},
    {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
        {"name": "sku", "type": "string"},
        {"name": "quantity", "type": "int"},
        {"name": "removed", "type": ["null", "string"]}]}}},
    {"name": "rating", "type": ["null", "int"]},
    {"name": "gone", "type": {"type": "record", "name": "Gone", "fields": [
        {"name": "a", "type": "double"}, {"name": "b", "type": "boolean"}, {"name": "c", "type": {"type": "fixed", "name": "F", "size": 3}}]}}
]}"#;

fn v1_record(i: i32, tier: &str) -> Value {
    let tier_index = ["Platinum", "Gold", "Silver"].iter().position(|s| *s == tier).unwrap() as u32;
    Value::Record(vec![
        (
            "legacy_flags".into(),
            Value::Map([("x".to_string(), Value::Array(vec![Value::Long(1), Value::Long(-2)]))].into()),
        ),
        ("tier".into(), Value::Enum(tier_index, tier.into())),
        ("order_id".into(), Value::String(format!("o-{i}"))),
        ("customer_id".into(), Value::String(format!("c-{i}"))),
        ("amount".into(), Value::Float(i as f32 + 0.5)),
        ("count".into(), Value::Int(i * 1000)),
        ("payload".into(), Value::Bytes(format!("payload {i}").into_bytes())),
        (
            "lines".into(),
            Value::Array(
                (0..i % 3)
                    .map(|n| {
                        Value::Record(vec![
                            ("sku".into(), Value::String(format!("sku-{n}"))),
                            ("quantity".into(), Value::Int(n)),
                            ("removed".into(), Value::Union(1, Box::new(Value::String("r".into())))),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "rating".into(),
            if i % 2 == 0 { Value::Union(0, Box::new(Value::Null)) } else { Value::Union(1, Box::new(Value::Int(i))) },
        ),
        (
            "gone".into(),
            Value::Record(vec![
                ("a".into(), Value::Double(1.5)),
                ("b".into(), Value::Boolean(true)),
                ("c".into(), Value::Fixed(3, vec![1, 2, 3])),
            ]),
        ),
    ])
}

fn expected(i: i32, tier: Tier) -> Orders {
    Orders {
        order_id: format!("o-{i}"),
        customer_ref: format!("c-{i}"),
        amount: f64::from(i as f32 + 0.5),
        count: i64::from(i * 1000),
        payload: format!("payload {i}"),
        tier,
        lines: (0..i % 3).map(|n| Line { sku: format!("sku-{n}"), quantity: i64::from(n) }).collect(),
        note: None,
        priority: 1,
        rating: (i % 2 == 1).then_some(i64::from(i)),
    }
}

fn apache_file(schema: &str, records: impl IntoIterator<Item = Value>, codec: apache_avro::Codec) -> Vec<u8> {
    let schema = apache_avro::Schema::parse_str(schema).unwrap();
    let mut writer = apache_avro::Writer::with_codec(&schema, Vec::new(), codec).unwrap();
    for record in records {
        writer.append_value(record).unwrap();
    }
    writer.into_inner().unwrap()
}

/// Every record, read with `next()`; read again with `read_into` into one reused value, which
/// must see the same records.
fn read_all<T>(file: Vec<u8>) -> Result<Vec<T>, String>
where
    T: mesh_core::DataProduct + mesh_core::codec::ContainerRecord + Clone + PartialEq + std::fmt::Debug,
{
    let reader = ContainerReader::<T, _>::new(Cursor::new(file.clone()), "test.avro").map_err(|e| e.to_string())?;
    let records = reader.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
    if let Some(last) = records.last() {
        let mut reader = ContainerReader::<T, _>::new(Cursor::new(file), "test.avro").unwrap();
        let mut reused = last.clone();
        for expected in &records {
            reader.read_into(&mut reused).expect("as many records as next() read").unwrap();
            assert_eq!(&reused, expected);
        }
        assert!(reader.read_into(&mut reused).is_none());
    }
    Ok(records)
}

#[test]
fn an_older_version_resolves_field_by_field() {
    let tiers = ["Gold", "Silver", "Platinum"];
    let file = apache_file(V1_SCHEMA, (0..50).map(|i| v1_record(i, tiers[i as usize % 3])), apache_avro::Codec::Null);
    let reader = ContainerReader::<Orders, _>::new(Cursor::new(file.clone()), "v1.avro").unwrap();
    assert!(reader.is_resolving());
    let read = read_all::<Orders>(file).unwrap();
    // Platinum is unknown to the reader: it becomes the enum's default.
    let tier = |i: i32| [Tier::Gold, Tier::Silver, Tier::Unknown][i as usize % 3];
    assert_eq!(read, (0..50).map(|i| expected(i, tier(i))).collect::<Vec<_>>());
}

#[test]
fn an_older_version_without_reordering_streams_defaults_in_place() {
    // Fewer fields, same order: the plan writes straight through, inserting defaults.
    let schema = r#"{"type": "record", "name": "Orders", "namespace": "shop", "fields": [
        {"name": "order_id", "type": "string"},
        {"name": "customer_ref", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "count", "type": "long"},
        {"name": "payload", "type": "string"},
        {"name": "tier", "type": {"type": "enum", "name": "Tier", "symbols": ["Gold", "Silver", "Unknown"]}},
        {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
            {"name": "sku", "type": "string"}, {"name": "quantity", "type": "long"}]}}},
        {"name": "rating", "type": ["null", "long"]}
    ]}"#;
    let record = Value::Record(vec![
        ("order_id".into(), Value::String("o".into())),
        ("customer_ref".into(), Value::String("c".into())),
        ("amount".into(), Value::Double(2.25)),
        ("count".into(), Value::Long(i64::MAX)),
        ("payload".into(), Value::String(String::new())),
        ("tier".into(), Value::Enum(1, "Silver".into())),
        ("lines".into(), Value::Array(vec![])),
        ("rating".into(), Value::Union(1, Box::new(Value::Long(i64::MIN)))),
    ]);
    let read = read_all::<Orders>(apache_file(schema, [record], apache_avro::Codec::Deflate(Default::default())));
    assert_eq!(
        read.unwrap(),
        vec![Orders {
            order_id: "o".into(),
            customer_ref: "c".into(),
            amount: 2.25,
            count: i64::MAX,
            payload: String::new(),
            tier: Tier::Silver,
            lines: vec![],
            note: None,
            priority: 1,
            rating: Some(i64::MIN),
        }]
    );
}

#[test]
fn the_products_own_files_take_the_fast_path() {
    let records: Vec<Orders> = (0..10).map(|i| expected(i, Tier::Gold)).collect();
    let mut writer = ContainerWriter::<Orders, _>::new(Vec::new(), Compression::Deflate).unwrap();
    for record in &records {
        writer.append(record).unwrap();
    }
    let file = writer.finish().unwrap();
    let reader = ContainerReader::<Orders, _>::new(Cursor::new(file.clone()), "own.avro").unwrap();
    assert!(!reader.is_resolving());
    assert_eq!(reader.header().product(), Some("shop.orders"));
    assert_eq!(reader.header().version(), Some("2.0.0"));
    assert_eq!(read_all::<Orders>(file).unwrap(), records);
}

#[test]
fn a_missing_field_without_default_names_the_field() {
    let schema = r#"{"type": "record", "name": "Orders", "namespace": "shop", "fields": [{"name": "customer_ref", "type": "string"}]}"#;
    let error = read_all::<Orders>(apache_file(schema, [], apache_avro::Codec::Null)).unwrap_err();
    assert!(error.contains("test.avro") && error.contains("order_id") && error.contains("no default"), "{error}");
}

#[test]
fn an_incompatible_type_names_the_field_and_both_types() {
    let schema = r#"{"type": "record", "name": "Refunds", "namespace": "shop", "fields": [{"name": "order_id", "type": "long"}]}"#;
    let error = read_all::<Refunds>(apache_file(schema, [], apache_avro::Codec::Null)).unwrap_err();
    assert!(error.contains("order_id") && error.contains("long") && error.contains("string"), "{error}");
}

#[test]
fn another_records_name_is_refused() {
    let schema = r#"{"type": "record", "name": "Invoices", "namespace": "shop", "fields": [{"name": "order_id", "type": "string"}]}"#;
    let error = read_all::<Refunds>(apache_file(schema, [], apache_avro::Codec::Null)).unwrap_err();
    assert!(error.contains("Invoices") && error.contains("Refunds"), "{error}");
}

#[test]
fn a_file_of_another_product_is_refused() {
    let mut writer = ContainerWriter::<Refunds, _>::new(Vec::new(), Compression::Null).unwrap();
    writer.append(&Refunds { order_id: "o".into() }).unwrap();
    let error = ContainerReader::<Orders, _>::new(Cursor::new(writer.finish().unwrap()), "refunds.avro").err().unwrap();
    assert!(matches!(error.kind, ContainerErrorKind::WrongProduct { .. }), "{error}");
    assert!(error.to_string().contains("refunds.avro") && error.to_string().contains("shop.refunds"), "{error}");
}

#[test]
fn an_unknown_symbol_without_reader_default_is_a_record_error() {
    #[derive(Debug, Clone, Copy, PartialEq, AvroEnum)]
    pub enum Strict {
        A,
        B,
    }
    #[data_product(domain = "shop", version = "1.0.0", owner = "shop-team@company.com", layer = "bronze")]
    #[derive(Debug)]
    pub struct Flags {
        pub flag: Strict,
    }
    let schema = r#"{"type": "record", "name": "Flags", "fields": [{"name": "flag", "type": {"type": "enum", "name": "Strict", "symbols": ["A", "B", "C"]}}]}"#;
    let records =
        [0, 1, 2].map(|i| Value::Record(vec![("flag".into(), Value::Enum(i, ["A", "B", "C"][i as usize].into()))]));
    let reader = ContainerReader::<Flags, _>::new(
        Cursor::new(apache_file(schema, records, apache_avro::Codec::Null)),
        "flags.avro",
    )
    .unwrap();
    let results: Vec<_> = reader.collect();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().flag, Strict::A);
    assert_eq!(results[1].as_ref().unwrap().flag, Strict::B);
    let error = results[2].as_ref().unwrap_err();
    assert_eq!((error.block, error.record), (Some(0), Some(2)));
    assert!(
        matches!(&error.kind, ContainerErrorKind::Decode(e) if e.kind == DecodeErrorKind::UnknownSymbol("C".into())),
        "{error}"
    );
}

#[test]
fn a_union_value_the_reader_cannot_hold_is_a_record_error() {
    let schema = r#"{"type": "record", "name": "Refunds", "namespace": "shop", "fields": [{"name": "order_id", "type": ["null", "string"]}]}"#;
    let records = [
        Value::Record(vec![("order_id".into(), Value::Union(1, Box::new(Value::String("o-1".into()))))]),
        Value::Record(vec![("order_id".into(), Value::Union(0, Box::new(Value::Null)))]),
    ];
    let reader = ContainerReader::<Refunds, _>::new(
        Cursor::new(apache_file(schema, records, apache_avro::Codec::Null)),
        "u.avro",
    )
    .unwrap();
    let results: Vec<_> = reader.collect();
    assert_eq!(results[0].as_ref().unwrap().order_id, "o-1");
    let error = results[1].as_ref().unwrap_err();
    assert!(
        matches!(&error.kind, ContainerErrorKind::Decode(e) if e.kind == DecodeErrorKind::UnmatchedBranch(0)),
        "{error}"
    );
}

#[test]
fn promotions_and_a_plain_value_into_an_optional_field() {
    #[data_product(domain = "shop", version = "1.0.0", owner = "shop-team@company.com", layer = "bronze")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Metrics {
        pub ratio: f64,
        pub share: f32,
        pub raw: Vec<u8>,
        pub label: Option<String>,
    }
    let schema = r#"{"type": "record", "name": "Metrics", "fields": [
        {"name": "ratio", "type": "int"},
        {"name": "share", "type": "long"},
        {"name": "raw", "type": "string"},
        {"name": "label", "type": "string"}
    ]}"#;
    let record = Value::Record(vec![
        ("ratio".into(), Value::Int(-7)),
        ("share".into(), Value::Long(1 << 20)),
        ("raw".into(), Value::String("héllo".into())),
        ("label".into(), Value::String(String::new())),
    ]);
    let read = read_all::<Metrics>(apache_file(schema, [record], apache_avro::Codec::Null)).unwrap();
    assert_eq!(
        read,
        vec![Metrics { ratio: -7.0, share: 1048576.0, raw: "héllo".as_bytes().to_vec(), label: Some(String::new()) }]
    );
}

#[test]
fn records_that_take_no_bytes_are_read_however_many_a_block_holds() {
    #[data_product(domain = "shop", version = "1.0.0", owner = "shop-team@company.com", layer = "bronze")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Heartbeats {
        pub note: Option<String>,
    }
    // A foreign writer whose records are all `null` writes blocks of many records in 0 bytes.
    let schema = r#"{"type": "record", "name": "Heartbeats", "fields": [{"name": "note", "type": "null"}]}"#;
    let records = (0..5_000).map(|_| Value::Record(vec![("note".into(), Value::Null)]));
    let read = read_all::<Heartbeats>(apache_file(schema, records, apache_avro::Codec::Null)).unwrap();
    assert_eq!(read, vec![Heartbeats { note: None }; 5_000]);
}
