//! Recursive products (a tree whose nodes hold their children), declared with the macro,
//! written with an older schema and read as the current type through the resolution plan.
// apache-avro 0.22 deprecates its datum functions for a builder API; the Writer used here is not deprecated.
#![allow(deprecated)]
// Test fixtures, not API.
#![allow(missing_docs)]

use std::io::Cursor;

use apache_avro::types::Value;
use mesh_core::codec::{Compression, ContainerErrorKind, ContainerReader, ContainerWriter, DecodeErrorKind};
use mesh_macros::{data_product, AvroRecord};

/// A product that is itself recursive.
#[data_product(domain = "catalog", version = "2.0.0", owner = "catalog-team@company.com", layer = "silver")]
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub name: String,
    /// Was an int.
    pub level: i64,
    pub children: Vec<Category>,
    /// Added in 2.0.
    pub note: Option<String>,
}

/// A recursive record nested in a product.
#[derive(Debug, Clone, PartialEq, AvroRecord)]
#[avro(namespace = "org")]
pub struct Unit {
    pub name: String,
    pub children: Vec<Unit>,
    /// Added in 2.0.
    #[avro(default = 1)]
    pub headcount: i32,
}

#[data_product(domain = "org", version = "2.0.0", owner = "org-team@company.com", layer = "gold")]
#[derive(Debug, Clone, PartialEq)]
pub struct OrgChart {
    pub root: Unit,
}

/// Version 1 of `Category`: `level` an int, a `legacy_code` since removed, no `note`.
const CATEGORY_V1: &str = r#"{"type": "record", "name": "Category", "namespace": "catalog", "fields": [
    {"name": "legacy_code", "type": "string"},
    {"name": "name", "type": "string"},
    {"name": "level", "type": "int"},
    {"name": "children", "type": {"type": "array", "items": "Category"}}
]}"#;

/// Version 1 of `OrgChart`: units without `headcount`, with a `cost_center` since removed.
const ORG_V1: &str = r#"{"type": "record", "name": "OrgChart", "namespace": "org", "fields": [
    {"name": "root", "type": {"type": "record", "name": "Unit", "fields": [
        {"name": "name", "type": "string"},
        {"name": "cost_center", "type": ["null", "long"]},
        {"name": "children", "type": {"type": "array", "items": "Unit"}}
    ]}}
]}"#;

fn apache_file(schema: &str, records: impl IntoIterator<Item = Value>) -> Vec<u8> {
    let schema = apache_avro::Schema::parse_str(schema).unwrap();
    let mut writer = apache_avro::Writer::with_codec(&schema, Vec::new(), apache_avro::Codec::Null).unwrap();
    for record in records {
        writer.append_value(record).unwrap();
    }
    writer.into_inner().unwrap()
}

/// A v1 category tree `depth` levels deep with `fanout` children per node, and the v2 value it reads as.
fn category(depth: u32, fanout: usize, name: &str) -> (Value, Category) {
    let children: Vec<(Value, Category)> = if depth == 0 {
        Vec::new()
    } else {
        (0..fanout).map(|i| category(depth - 1, fanout, &format!("{name}.{i}"))).collect()
    };
    let level = depth as i32 * 10;
    let v1 = Value::Record(vec![
        ("legacy_code".into(), Value::String(format!("L-{name}"))),
        ("name".into(), Value::String(name.into())),
        ("level".into(), Value::Int(level)),
        ("children".into(), Value::Array(children.iter().map(|(v, _)| v.clone()).collect())),
    ]);
    let v2 = Category {
        name: name.into(),
        level: i64::from(level),
        children: children.into_iter().map(|(_, c)| c).collect(),
        note: None,
    };
    (v1, v2)
}

fn unit(depth: u32, name: &str) -> (Value, Unit) {
    let children: Vec<(Value, Unit)> =
        if depth == 0 { Vec::new() } else { (0..2).map(|i| unit(depth - 1, &format!("{name}/{i}"))).collect() };
    let v1 = Value::Record(vec![
        ("name".into(), Value::String(name.into())),
        ("cost_center".into(), Value::Union(1, Box::new(Value::Long(i64::from(depth) * 100)))),
        ("children".into(), Value::Array(children.iter().map(|(v, _)| v.clone()).collect())),
    ]);
    (v1, Unit { name: name.into(), children: children.into_iter().map(|(_, u)| u).collect(), headcount: 1 })
}

#[test]
fn a_recursive_product_written_with_an_older_schema_reads_as_the_current_type() {
    let trees: Vec<(Value, Category)> = (0..4).map(|depth| category(depth, 3 - depth as usize % 2, "root")).collect();
    let file = apache_file(CATEGORY_V1, trees.iter().map(|(v, _)| v.clone()));
    let reader = ContainerReader::<Category, _>::new(Cursor::new(file), "categories_v1.avro").unwrap();
    assert!(reader.is_resolving());
    let read: Vec<Category> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(read, trees.into_iter().map(|(_, c)| c).collect::<Vec<_>>());
}

#[test]
fn a_recursive_record_inside_a_product_reads_with_its_added_field_defaulted() {
    let charts: Vec<(Value, OrgChart)> = (0..5)
        .map(|depth| {
            let (v1, root) = unit(depth, "hq");
            (Value::Record(vec![("root".into(), v1)]), OrgChart { root })
        })
        .collect();
    let file = apache_file(ORG_V1, charts.iter().map(|(v, _)| v.clone()));
    let read: Vec<OrgChart> = ContainerReader::<OrgChart, _>::new(Cursor::new(file), "org_v1.avro")
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(read, charts.into_iter().map(|(_, c)| c).collect::<Vec<_>>());
}

#[test]
fn the_current_schema_of_a_recursive_product_takes_the_fast_path() {
    let (_, tree) = category(3, 2, "root");
    let mut writer = ContainerWriter::<Category, _>::new(Vec::new(), Compression::Null).unwrap();
    writer.append(&tree).unwrap();
    let reader = ContainerReader::<Category, _>::new(Cursor::new(writer.finish().unwrap()), "own.avro").unwrap();
    assert!(!reader.is_resolving());
    assert_eq!(reader.collect::<Result<Vec<_>, _>>().unwrap(), vec![tree]);
}

#[test]
fn hostile_nesting_in_an_older_file_is_a_record_error_not_a_stack_overflow() {
    // A chain of 1 000 categories, each the only child of the previous one (the plan-level test goes deeper).
    let mut chain = category(0, 0, "leaf").0;
    for _ in 0..1_000 {
        chain = Value::Record(vec![
            ("legacy_code".into(), Value::String(String::new())),
            ("name".into(), Value::String(String::new())),
            ("level".into(), Value::Int(0)),
            ("children".into(), Value::Array(vec![chain])),
        ]);
    }
    // apache-avro's writer recurses too: encode on a thread with room for it.
    let file = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || apache_file(CATEGORY_V1, [chain]))
        .unwrap()
        .join()
        .unwrap();
    let results: Vec<_> = ContainerReader::<Category, _>::new(Cursor::new(file), "deep.avro").unwrap().collect();
    assert_eq!(results.len(), 1);
    let error = results[0].as_ref().unwrap_err();
    assert_eq!((error.block, error.record), (Some(0), Some(0)));
    assert!(matches!(&error.kind, ContainerErrorKind::Decode(e) if e.kind == DecodeErrorKind::TooDeep), "{error}");
}

#[test]
fn an_older_recursive_schema_missing_a_required_field_names_its_path() {
    let schema = r#"{"type": "record", "name": "Category", "namespace": "catalog", "fields": [
        {"name": "name", "type": "string"},
        {"name": "children", "type": {"type": "array", "items": "Category"}}
    ]}"#;
    let error = ContainerReader::<Category, _>::new(Cursor::new(apache_file(schema, [])), "old.avro").err().unwrap();
    assert!(matches!(error.kind, ContainerErrorKind::IncompatibleSchema(_)), "{error}");
    let message = error.to_string();
    assert!(message.contains("old.avro") && message.contains("level") && message.contains("no default"), "{message}");
}
