//! Every example product through our codec and apache-avro, both ways.
//!
//! Values are compared as apache-avro `Value`s: maps (HashMap in Rust) may be
//! written in any order, so equal data need not mean equal bytes.
// apache-avro 0.22 deprecates the datum functions for a builder API; they remain its plain generic path.
#![allow(deprecated)]

use std::io::Cursor;

use apache_avro::types::Value;
use mesh_core::codec::crypto::Opener;
use mesh_core::codec::{
    from_datum, to_datum, Compression, ContainerReader, ContainerRecord, ContainerWriter, Reader, Sample, SampleRng,
    SchemaReader,
};
use mesh_core::DataProduct;

const RECORDS: usize = 300;

fn samples<T: Sample>(seed: u64) -> Vec<T> {
    let mut rng = SampleRng::new(seed);
    (0..RECORDS).map(|_| T::sample(&mut rng, "")).collect()
}

fn apache_value<T: DataProduct>(datum: &[u8]) -> Value {
    let mut input = datum;
    let value = apache_avro::from_avro_datum(&apache_schema::<T>(), &mut input, None)
        .unwrap_or_else(|e| panic!("{}: apache-avro cannot read our datum: {e}", T::NAME));
    assert!(input.is_empty(), "{}: apache-avro left {} bytes", T::NAME, input.len());
    value
}

/// Ours -> apache-avro -> ours: apache reads our datum; what apache writes from that value, we read
/// back to the same value.
fn datum_cross_check<T: DataProduct + ContainerRecord + Sample>() {
    let schema = &apache_schema::<T>();
    for record in samples::<T>(1) {
        let ours = to_datum(&record);
        let value = apache_value::<T>(&ours);
        let theirs = apache_avro::to_avro_datum(schema, value.clone()).unwrap();
        let decoded: T = from_datum(&theirs).unwrap();
        assert_eq!(apache_value::<T>(&to_datum(&decoded)), value, "{}: values differ", T::NAME);
    }
}

/// Our container writer -> apache-avro's reader, and apache-avro's writer -> our container reader.
fn container_cross_check<T: DataProduct + ContainerRecord + Sample>(codec: Compression) {
    let schema = &apache_schema::<T>();
    let records = samples::<T>(2);
    let mut writer = ContainerWriter::<T, _>::new(Vec::new(), codec).unwrap();
    writer.set_block_bytes(1000);
    for record in &records {
        writer.append(record).unwrap();
    }
    let file = writer.finish().unwrap();

    let values: Vec<Value> = apache_avro::Reader::new(&file[..]).unwrap().map(Result::unwrap).collect();
    assert_eq!(values.len(), records.len(), "{}", T::NAME);
    let mut opener = Opener::new(T::DOMAIN, None);
    for (value, record) in values.iter().zip(&records) {
        // apache-avro reads the fields declared `encrypted` as their tokens: they open to the values written.
        let stored = apache_avro::to_avro_datum(schema, value.clone()).unwrap();
        let opened = T::decode_opened(&mut Reader::new(&stored), &mut opener).unwrap();
        assert_eq!(apache_value::<T>(&to_datum(&opened)), apache_value::<T>(&to_datum(record)), "{}", T::NAME);
    }
    // Every value the schema marks encrypted is a token (the redacting reader refuses anything else).
    let mut ours = SchemaReader::new(Cursor::new(&file), "ours.avro").unwrap();
    let mut json = String::new();
    while let Some(read) = ours.read_json(&mut json) {
        read.unwrap_or_else(|e| panic!("{}: {e}", T::NAME));
    }

    let apache_codec = match codec {
        Compression::Null => apache_avro::Codec::Null,
        Compression::Deflate => apache_avro::Codec::Deflate(Default::default()),
        Compression::Snappy => apache_avro::Codec::Snappy,
        Compression::Zstandard => apache_avro::Codec::Zstandard(Default::default()),
        other => panic!("no apache-avro codec for {other}"),
    };
    let mut apache_writer = apache_avro::Writer::with_codec(schema, Vec::new(), apache_codec).unwrap();
    for value in values {
        apache_writer.append_value(value).unwrap();
    }
    let apache_file = apache_writer.into_inner().unwrap();
    let reader = ContainerReader::<T, _>::new(Cursor::new(apache_file), "apache.avro").unwrap();
    assert_eq!(reader.header().codec, codec, "{}: apache-avro wrote another codec", T::NAME);
    let read: Vec<T> = reader.map(Result::unwrap).collect();
    assert_eq!(read.len(), records.len());
    for (read, record) in read.iter().zip(&records) {
        assert_eq!(apache_value::<T>(&to_datum(read)), apache_value::<T>(&to_datum(record)), "{}", T::NAME);
    }
}

macro_rules! every_product {
    ($check:ident $(, $arg:expr)?) => {
        $check::<sales::bronze::SalesRaw>($($arg)?);
        $check::<sales::silver::SalesCleaned>($($arg)?);
        $check::<sales::gold::SalesAnalytics>($($arg)?);
        $check::<marketing::bronze::MarketingRaw>($($arg)?);
        $check::<marketing::silver::MarketingCleaned>($($arg)?);
        $check::<marketing::gold::MarketingAnalytics>($($arg)?);
        $check::<product::bronze::UsageRaw>($($arg)?);
        $check::<product::silver::UsageCleaned>($($arg)?);
        $check::<product::gold::UsageAnalytics>($($arg)?);
        $check::<customer::gold::Customer360>($($arg)?);
    };
}

fn push_id<T: DataProduct>(ids: &mut Vec<String>) {
    ids.push(T::DESCRIPTOR.id());
}

/// `every_product!` lists types by hand (a check needs the type): it must list the registry.
#[test]
fn every_registered_product_is_cross_checked() {
    let mut ids = Vec::new();
    every_product!(push_id, &mut ids);
    ids.sort();
    let registered: Vec<String> = mesh_core::registered_products().iter().map(|r| r.descriptor.id()).collect();
    assert_eq!(ids, registered, "list every registered product in `every_product!`");
}

#[test]
fn apache_avro_reads_what_we_write_for_every_product() {
    every_product!(datum_cross_check);
}

#[test]
fn container_files_cross_check_with_apache_avro_null() {
    every_product!(container_cross_check, Compression::Null);
}

#[test]
fn container_files_cross_check_with_apache_avro_deflate() {
    every_product!(container_cross_check, Compression::Deflate);
}

#[test]
fn container_files_cross_check_with_apache_avro_snappy() {
    every_product!(container_cross_check, Compression::Snappy);
}

#[test]
fn container_files_cross_check_with_apache_avro_zstandard() {
    every_product!(container_cross_check, Compression::Zstandard);
}

/// CRC-32 (IEEE 802.3, reflected, as zlib and Java's `CRC32`), bit by bit: an implementation
/// independent of the one the codec uses.
fn crc32_ieee(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn snappy_blocks_end_with_the_big_endian_crc32_of_their_uncompressed_data() {
    // A product without encrypted fields: its block holds exactly the plain datums.
    use product::gold::UsageAnalytics;
    assert_eq!(crc32_ieee(b"123456789"), 0xCBF4_3926, "the CRC-32 check value");
    let records = samples::<UsageAnalytics>(4);
    let sync = [0x5a; 16];
    let mut writer =
        ContainerWriter::<UsageAnalytics, _>::with_sync_marker(Vec::new(), Compression::Snappy, sync).unwrap();
    for record in &records {
        writer.append(record).unwrap();
    }
    let file = writer.finish().unwrap();
    // One block: the record count and size (zig-zag varints) after the header's sync marker.
    let mut at = file.windows(16).position(|w| w == sync).unwrap() + 16;
    let mut varint = || {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let byte = file[at];
            at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                return (value >> 1) as usize;
            }
        }
    };
    assert_eq!(varint(), records.len());
    let size = varint();
    let block = &file[at..at + size];
    assert_eq!(&file[at + size..], &sync, "one block, then the sync marker");
    let uncompressed: Vec<u8> = records.iter().flat_map(to_datum).collect();
    assert_eq!(block[size - 4..], crc32_ieee(&uncompressed).to_be_bytes());
}

#[test]
fn apache_avro_sees_the_same_values() {
    use sales::gold::SalesAnalytics;
    let record = samples::<SalesAnalytics>(3).into_iter().find(|r| !r.line_items.is_empty()).unwrap();
    let value =
        apache_avro::from_avro_datum(&apache_schema::<SalesAnalytics>(), &mut &to_datum(&record)[..], None).unwrap();
    let Value::Record(fields) = value else { panic!("not a record: {value:?}") };
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(field("order_id"), Value::Uuid(record.order_id.to_string().parse().unwrap()));
    assert_eq!(field("customer_email"), Value::String(record.customer_email.clone()));
    assert_eq!(field("ordered_at"), Value::TimestampMillis(record.ordered_at.0));
    let Value::Decimal(amount) = field("amount") else { panic!("amount is not a decimal") };
    let bytes: Vec<u8> = amount.try_into().unwrap();
    assert_eq!(mesh_core::codec::unscaled_decimal(&bytes), Some(record.amount.unscaled()));
    let Value::Array(items) = field("line_items") else { panic!("line_items is not an array") };
    assert_eq!(items.len(), record.line_items.len());
    let Value::Record(first) = &items[0] else { panic!("not a record") };
    assert_eq!(first[0].1, Value::String(record.line_items[0].sku.clone()));
    assert_eq!(first[1].1, Value::Int(record.line_items[0].quantity));
}

/// `T`'s schema as apache-avro parses it: the oracle reads and writes with its own parse.
fn apache_schema<T: DataProduct>() -> apache_avro::Schema {
    apache_avro::Schema::parse_str(&T::schema().unwrap().json).unwrap()
}
