// The declaring module's names cannot capture the generated code's bindings:
// lowercase constants named like every local the macros once generated
// (`count`, `item0`, `input`, ..) turned those bindings into patterns. The
// generated locals now start with `__`, which is left to generated code.
#![allow(non_upper_case_globals)]

use std::collections::BTreeMap;

use mesh_core::codec::{self, AvroCodec, Sample, SampleRng};
use mesh_core::DataProduct;
use mesh_macros::{data_product, AvroEnum, AvroRecord};

const out: u8 = 0;
const input: u8 = 0;
const place: u8 = 0;
const items: u8 = 0;
const count: u8 = 0;
const entries: u8 = 0;
const key: u8 = 0;
const value: u8 = 0;
const more: u8 = 0;
const index: u8 = 0;
const rng: u8 = 0;
const ctx: u8 = 0;
const item0: u8 = 0;
const item1: u8 = 0;
const item2: u8 = 0;
const items0: u8 = 0;
const items1: u8 = 0;
const len0: u8 = 0;
const len1: u8 = 0;
const entries0: u8 = 0;
const entries1: u8 = 0;
const key0: u8 = 0;
const key1: u8 = 0;

/// A status.
#[derive(AvroEnum, Debug, PartialEq)]
pub enum Status {
    /// Open.
    Open,
    /// Closed.
    Closed,
}

/// A line.
#[derive(AvroRecord, Debug, PartialEq)]
pub struct Line {
    /// The sku.
    pub sku: String,
    /// Tags by name.
    pub tags: BTreeMap<String, Vec<Option<String>>>,
}

/// Orders with every shape the code generator writes a loop or a match for.
#[data_product(
    domain = "sales",
    version = "1.0.0",
    owner = "sales-data@company.com",
    layer = "silver",
    support = "#sales-data on Slack",
    sla(freshness = "1 hour", availability = "99.5%")
)]
#[derive(Debug, PartialEq)]
pub struct Orders {
    /// The order.
    pub order_id: String,
    /// The status.
    pub status: Status,
    /// An optional note.
    pub note: Option<String>,
    /// Lines, in groups.
    pub lines: Vec<Vec<Line>>,
    /// Optional lines.
    pub maybe_lines: Option<Vec<Option<Line>>>,
    /// Counters by name.
    pub counters: BTreeMap<String, BTreeMap<String, i64>>,
}

fn main() {
    let line = |sku: &str| Line {
        sku: sku.to_owned(),
        tags: BTreeMap::from([("colour".to_owned(), vec![Some("red".to_owned()), None])]),
    };
    let order = Orders {
        order_id: "o-1".to_owned(),
        status: Status::Closed,
        note: Some("gift".to_owned()),
        lines: vec![vec![line("a"), line("b")], vec![]],
        maybe_lines: Some(vec![None, Some(line("c"))]),
        counters: BTreeMap::from([("x".to_owned(), BTreeMap::from([("y".to_owned(), -3)]))]),
    };
    let bytes = codec::to_datum(&order);
    assert_eq!(codec::from_datum::<Orders>(&bytes).unwrap(), order);

    // Decoding over a value that already holds data reuses it, through every shape.
    let mut reused = Orders::sample(&mut SampleRng::new(7), "orders");
    let mut reader = codec::Reader::new(&bytes);
    reused.decode_into(&mut reader).unwrap();
    assert_eq!(reused, order);

    let schema = Orders::schema().unwrap();
    assert!(schema.json.contains("\"maybe_lines\""), "{}", schema.json);
}
