//! The JSON line encoder allocates nothing per line once its buffers have grown: records, arrays
//! and maps reuse its scratch stack, strings are borrowed from the line, defaults are compiled.
//!
//! A counting global allocator counts the allocations of the process, so this binary holds one
//! test.
#![allow(missing_docs)]

use std::alloc::System;

use mesh_avro::Schema;
use mesh_pipeline::ingest::json::JsonLineEncoder;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const SCHEMA: &str = r#"{"type": "record", "name": "Order", "namespace": "sales", "fields": [
    {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "customer_email", "type": "string"},
    {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
    {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
    {"name": "discount", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}], "default": null},
    {"name": "attributes", "type": {"type": "map", "values": "string"}},
    {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item", "fields": [
        {"name": "sku", "type": "string"}, {"name": "quantity", "type": "int"},
        {"name": "gift", "type": "boolean", "default": false}]}}}
]}"#;

fn line(i: usize) -> String {
    let items: Vec<String> = (0..i % 4).map(|j| format!(r#"{{"quantity": {j}, "sku": "SKU-{i}{j}"}}"#)).collect();
    format!(
        r#"{{"order_id": "123e4567-e89b-12d3-a456-4266141740{:02}", "customer_email": "user{i}@example.com",
        "placed_at": "2026-11-01T10:15:{:02}.123Z", "status": "PAID", "amount": {i}.5, "discount": "0.{:02}",
        "attributes": {{"channel": "web", "n{}": "x"}}, "items": [{}], "_op": "c"}}"#,
        i % 100,
        i % 60,
        i % 100,
        i % 3,
        items.join(", ")
    )
    .replace('\n', " ")
}

#[test]
fn lines_allocate_nothing_once_the_buffers_have_grown() {
    let schema = Schema::parse(SCHEMA).unwrap();
    let mut encoder = JsonLineEncoder::new(&schema).unwrap();
    let lines: Vec<String> = (0..1000).map(line).collect();
    // One pass grows the buffers to the largest record, array and map of the lines.
    let mut first = Vec::with_capacity(1 << 20);
    for line in &lines {
        encoder.encode(line, &mut first).unwrap();
    }
    let mut out = Vec::with_capacity(first.len());
    let region = Region::new(GLOBAL);
    for line in &lines {
        encoder.encode(line, &mut out).unwrap();
    }
    let change = region.change();
    assert_eq!(change.allocations + change.reallocations, 0, "{change:?}");
    assert!(out.len() > lines.len() * 60, "{} bytes", out.len());
    assert_eq!(out, first);
}
