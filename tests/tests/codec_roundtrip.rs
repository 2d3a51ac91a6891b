//! Round trips (proptest) through the generated codec for every type the macro maps.
// apache-avro 0.22 deprecates its datum functions for a builder API; they remain its plain generic path.
#![allow(deprecated)]
// Test fixtures, not API.
#![allow(missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use mesh_core::codec::json::{write_datum_json, WriteJson};
use mesh_core::codec::{from_datum, to_datum, AvroCodec, Compression, ContainerReader, ContainerWriter, Reader};
use mesh_core::{DataProduct, Date, Decimal, TimestampMicros, TimestampMillis, Uuid};
use mesh_macros::{data_product, AvroEnum, AvroRecord};
use proptest::collection::{btree_map, hash_map, vec};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, AvroEnum)]
pub enum Color {
    Red,
    Green,
    Blue,
}

#[derive(Debug, Clone, PartialEq, AvroRecord)]
pub struct Inner {
    pub name: String,
    pub tags: Vec<String>,
    pub color: Option<Color>,
}

#[data_product(domain = "test", version = "1.0.0", owner = "test-team@company.com", layer = "bronze")]
#[derive(Debug, Clone, PartialEq)]
pub struct Everything {
    pub flag: bool,
    pub small: i32,
    pub big: i64,
    pub ratio: f32,
    pub precise: f64,
    pub text: String,
    pub blob: Vec<u8>,
    pub day: Date,
    pub at_ms: TimestampMillis,
    pub at_us: TimestampMicros,
    pub id: Uuid,
    pub money: Decimal<38, 4>,
    pub cents: Decimal<4, 2>,
    pub digest: [u8; 16],
    pub maybe_text: Option<String>,
    pub maybe_number: Option<i64>,
    pub maybe_inner: Option<Inner>,
    pub maybe_money: Option<Decimal<12, 2>>,
    pub numbers: Vec<i32>,
    pub nested: Vec<Inner>,
    pub nested_lists: Vec<Vec<Inner>>,
    pub counts: HashMap<String, i64>,
    pub groups: BTreeMap<String, Vec<Inner>>,
    pub color: Color,
}

fn color() -> impl Strategy<Value = Color> {
    prop_oneof![Just(Color::Red), Just(Color::Green), Just(Color::Blue)]
}

fn text() -> impl Strategy<Value = String> {
    // Empty strings, ASCII and any Unicode.
    prop_oneof![Just(String::new()), "[a-z]{1,8}", any::<String>()]
}

fn inner() -> impl Strategy<Value = Inner> {
    (text(), vec(text(), 0..3), proptest::option::of(color())).prop_map(|(name, tags, color)| Inner {
        name,
        tags,
        color,
    })
}

fn extreme_i64() -> impl Strategy<Value = i64> {
    prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0), Just(-1), any::<i64>()]
}

fn decimal<const P: u32, const S: u32>() -> impl Strategy<Value = Decimal<P, S>> {
    let limit = 10i128.pow(P) - 1;
    prop_oneof![Just(limit), Just(-limit), Just(0), -limit..=limit]
        .prop_map(|unscaled| Decimal::from_unscaled(unscaled).unwrap())
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(f64::INFINITY),
        Just(-0.0),
        any::<f64>().prop_filter("NaN != NaN", |f| !f.is_nan())
    ]
}

prop_compose! {
    fn everything()(
        scalars in (any::<bool>(), prop_oneof![Just(i32::MIN), Just(i32::MAX), any::<i32>()], extreme_i64(),
            any::<f32>().prop_filter("NaN != NaN", |f| !f.is_nan()), finite_f64(), text(), vec(any::<u8>(), 0..20)),
        logical in (any::<i32>(), extreme_i64(), extreme_i64(), any::<u128>(), decimal::<38, 4>(), decimal::<4, 2>(), any::<[u8; 16]>()),
        optional in (proptest::option::of(text()), proptest::option::of(extreme_i64()), proptest::option::of(inner()),
            proptest::option::of(decimal::<12, 2>())),
        collections in (vec(any::<i32>(), 0..5), vec(inner(), 0..4), vec(vec(inner(), 0..3), 0..3),
            hash_map(text(), extreme_i64(), 0..4), btree_map(text(), vec(inner(), 0..2), 0..3), color()),
    ) -> Everything {
        let (flag, small, big, ratio, precise, text, blob) = scalars;
        let (day, at_ms, at_us, id, money, cents, digest) = logical;
        let (maybe_text, maybe_number, maybe_inner, maybe_money) = optional;
        let (numbers, nested, nested_lists, counts, groups, color) = collections;
        Everything {
            flag, small, big, ratio, precise, text, blob,
            day: Date(day), at_ms: TimestampMillis(at_ms), at_us: TimestampMicros(at_us), id: Uuid(id), money, cents, digest,
            maybe_text, maybe_number, maybe_inner, maybe_money,
            numbers, nested, nested_lists, counts, groups, color,
        }
    }
}

proptest! {
    #[test]
    fn every_mapped_type_round_trips(record in everything()) {
        let datum = to_datum(&record);
        prop_assert_eq!(from_datum::<Everything>(&datum).unwrap(), record.clone());
        // apache-avro reads exactly the same bytes as a value of the product's schema.
        let mut input = &datum[..];
        apache_avro::from_avro_datum(&apache_avro::Schema::parse_str(&Everything::schema().unwrap().json).unwrap(), &mut input, None).unwrap();
        prop_assert!(input.is_empty());
    }

    #[test]
    fn decoding_into_a_previous_value_overwrites_all_of_it(previous in everything(), record in everything()) {
        let datum = to_datum(&record);
        let mut value = previous;
        let mut input = Reader::new(&datum);
        value.decode_into(&mut input).unwrap();
        prop_assert!(input.is_empty());
        prop_assert_eq!(value, record);
    }

    #[test]
    fn json_printed_from_the_value_is_the_json_of_its_datum(record in everything()) {
        // `dump --product` prints from the typed value; the schema walk prints from the bytes.
        let mut typed = String::new();
        record.write_json(&mut typed);
        let schema = &Everything::schema().unwrap().parsed;
        let (datum, mut walked) = (to_datum(&record), String::new());
        write_datum_json(schema, schema.root(), &mut Reader::new(&datum), &mut walked).unwrap();
        prop_assert_eq!(&typed, &walked);
        // And it is JSON: one member per field.
        let parsed: serde_json::Value = serde_json::from_str(&typed).unwrap();
        prop_assert_eq!(parsed.as_object().map(|fields| fields.len()), Some(24));
    }

    #[test]
    fn container_files_round_trip(records in vec(everything(), 0..20), deflate in any::<bool>(), block_bytes in 1usize..4000) {
        let mut writer = ContainerWriter::<Everything, _>::new(Vec::new(), if deflate { Compression::Deflate } else { Compression::Null }).unwrap();
        writer.set_block_bytes(block_bytes);
        for record in &records {
            writer.append(record).unwrap();
        }
        let file = writer.finish().unwrap();
        let read: Vec<Everything> = ContainerReader::<Everything, _>::new(Cursor::new(file.clone()), "prop.avro")
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        prop_assert_eq!(&read, &records);
        // Again into one reused value, seeded with a record unlike the first.
        if let Some(last) = records.last() {
            let mut reader = ContainerReader::<Everything, _>::new(Cursor::new(file), "prop.avro").unwrap();
            let mut reused = last.clone();
            for record in &records {
                reader.read_into(&mut reused).unwrap().unwrap();
                prop_assert_eq!(&reused, record);
            }
            prop_assert!(reader.read_into(&mut reused).is_none());
        }
    }
}

/// A writer's output that the test can read while the writer still holds it.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer's output whose next write can be made to fail (writing nothing), once.
#[derive(Clone, Default)]
struct Failing {
    out: Shared,
    fail_next: std::rc::Rc<std::cell::Cell<bool>>,
}

impl std::io::Write for Failing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.fail_next.replace(false) {
            return Err(std::io::Error::other("the disk is full"));
        }
        self.out.write(bytes)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn read_file(file: Vec<u8>) -> Vec<Everything> {
    ContainerReader::<Everything, _>::new(Cursor::new(file), "prop.avro").unwrap().collect::<Result<_, _>>().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Full blocks are compressed on the writer's own thread: `flush_block` still writes every
    /// record appended before it returns, and dropping the writer still writes the rest.
    #[test]
    fn a_flushed_or_dropped_deflate_writer_has_written_every_record(
        records in vec(everything(), 1..40),
        block_bytes in 1usize..3000,
        cut in any::<prop::sample::Index>(),
        finish in any::<bool>(),
    ) {
        let out = Shared::default();
        let mut writer = ContainerWriter::<Everything, _>::new(out.clone(), Compression::Deflate).unwrap();
        writer.set_block_bytes(block_bytes);
        let cut = cut.index(records.len() + 1);
        for record in &records[..cut] {
            writer.append(record).unwrap();
        }
        writer.flush_block().unwrap();
        let flushed = out.0.borrow().clone();
        prop_assert_eq!(read_file(flushed), &records[..cut]);
        for record in &records[cut..] {
            writer.append(record).unwrap();
        }
        if finish {
            writer.finish().unwrap();
        } else {
            drop(writer);
        }
        let written = out.0.borrow().clone();
        prop_assert_eq!(read_file(written), records);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// A block compressed on the writer's thread whose write fails is kept, as a block that fails
    /// to compress is: the next flush writes it, and no record is lost.
    #[test]
    fn a_block_whose_write_fails_is_written_by_the_next_flush(records in vec(everything(), 2..20)) {
        let output = Failing::default();
        let mut writer = ContainerWriter::<Everything, _>::new(output.clone(), Compression::Deflate).unwrap();
        // Every record a block of its own: appending hands each over, the last one still in flight.
        writer.set_block_bytes(1);
        for record in &records {
            writer.append(record).unwrap();
        }
        output.fail_next.set(true);
        prop_assert!(writer.flush_block().is_err());
        writer.flush_block().unwrap();
        writer.finish().unwrap();
        let written = output.out.0.borrow().clone();
        prop_assert_eq!(read_file(written), records);
    }
}

#[test]
fn decoding_leaves_nothing_unread() {
    let mut datum = to_datum(&Inner { name: "x".into(), tags: vec![], color: None });
    datum.push(0);
    let error = from_datum::<Inner>(&datum).unwrap_err();
    assert_eq!(error.kind, mesh_core::codec::DecodeErrorKind::TrailingBytes(1));
}
