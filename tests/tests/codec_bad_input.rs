//! Bad input: each corruption gives a typed error naming the file, block and
//! record, never a panic. The proptests are the bounded, deterministic
//! version of the fuzz targets under `fuzz/`.

use std::io::Cursor;

use mesh_core::codec::{
    from_datum, to_datum, Compression, ContainerError, ContainerErrorKind, ContainerReader, ContainerWriter,
    DecodeErrorKind, Sample, SampleRng,
};
use mesh_core::DataProduct;
use proptest::prelude::*;
use sales::gold::SalesAnalytics;

fn records(n: usize) -> Vec<SalesAnalytics> {
    let mut rng = SampleRng::new(9);
    (0..n).map(|_| SalesAnalytics::sample(&mut rng, "")).collect()
}

fn file(codec: Compression, n: usize, block_bytes: usize) -> Vec<u8> {
    let mut writer = ContainerWriter::<SalesAnalytics, _>::with_sync_marker(Vec::new(), codec, [7; 16]).unwrap();
    writer.set_block_bytes(block_bytes);
    for record in records(n) {
        writer.append(&record).unwrap();
    }
    writer.finish().unwrap()
}

/// Reads every record; the first error, if any.
fn read(bytes: Vec<u8>) -> Result<usize, ContainerError> {
    let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(bytes), "orders.avro")?;
    let mut count = 0;
    for record in reader {
        record?;
        count += 1;
    }
    Ok(count)
}

/// Every block codec of this build (the tests enable all of them).
fn codecs() -> Vec<Compression> {
    ["null", "deflate", "snappy", "zstandard"].into_iter().filter_map(Compression::from_name).collect()
}

fn decode_error(datum: &[u8]) -> mesh_core::codec::DecodeError {
    from_datum::<SalesAnalytics>(datum).err().expect("the corrupt datum decoded")
}

/// Where the first block starts: right after the header's sync marker.
fn first_block(bytes: &[u8]) -> usize {
    bytes.windows(16).position(|w| w == [7; 16]).unwrap() + 16
}

#[test]
fn a_valid_file_reads_whole() {
    assert_eq!(read(file(Compression::Deflate, 200, 2000)).unwrap(), 200);
}

#[test]
fn not_an_avro_file() {
    let error = read(b"PAR1....".to_vec()).unwrap_err();
    assert!(matches!(error.kind, ContainerErrorKind::NotAvro), "{error}");
    assert!(error.to_string().starts_with("orders.avro: not an Avro container file"), "{error}");
}

#[test]
fn a_truncated_header() {
    let bytes = file(Compression::Null, 10, 2000);
    let error = read(bytes[..40].to_vec()).unwrap_err();
    assert!(matches!(error.kind, ContainerErrorKind::Truncated), "{error}");
    assert_eq!(error.block, None);
}

/// How many blocks `bytes` holds: one sync marker after the header, one after each block.
fn block_count(bytes: &[u8]) -> u64 {
    bytes.windows(16).filter(|w| *w == [7; 16]).count() as u64 - 1
}

#[test]
fn a_truncated_block_names_the_block() {
    let bytes = file(Compression::Null, 100, 1000);
    let last = block_count(&bytes) - 1;
    assert!(last > 0, "several blocks");
    // The last 20 bytes: the last block's sync marker and the end of its data.
    let error = read(bytes[..bytes.len() - 20].to_vec()).unwrap_err();
    assert!(matches!(error.kind, ContainerErrorKind::Truncated), "{error}");
    assert_eq!(error.block, Some(last), "{error}");
}

#[test]
fn a_wrong_sync_marker_names_the_block() {
    let mut bytes = file(Compression::Null, 100, 1000);
    let last_block = block_count(&bytes) - 1;
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    let error = read(bytes).unwrap_err();
    assert!(matches!(error.kind, ContainerErrorKind::SyncMismatch), "{error}");
    assert_eq!(error.block, Some(last_block), "{error}");
    assert!(error.to_string().starts_with(&format!("orders.avro, block {last_block}")), "{error}");
}

#[test]
fn a_corrupt_deflate_block() {
    let mut bytes = file(Compression::Deflate, 50, 100_000);
    let start = first_block(&bytes);
    for byte in &mut bytes[start + 4..start + 40] {
        *byte = 0xff;
    }
    let error = read(bytes).unwrap_err();
    assert!(matches!(error.kind, ContainerErrorKind::Decompress(_)), "{error}");
    assert_eq!(error.block, Some(0));
}

#[test]
fn a_snappy_block_whose_crc_does_not_match_is_refused_by_us_and_by_apache_avro() {
    let mut bytes = file(Compression::Snappy, 50, 100_000);
    // The block's CRC is its last four bytes, before the closing sync marker.
    let crc = bytes.len() - 16 - 4;
    bytes[crc + 3] ^= 1;
    let apache = apache_avro::Reader::new(&bytes[..]).unwrap().collect::<Result<Vec<_>, _>>();
    assert!(apache.is_err(), "apache-avro read a block whose CRC is wrong");
    let error = read(bytes).unwrap_err();
    assert!(matches!(error.kind, ContainerErrorKind::Decompress(_)), "{error}");
    assert!(
        error.to_string().contains("block 0: block does not decompress: the block's CRC does not match"),
        "{error}"
    );
}

#[test]
fn an_absurd_block_size_is_refused_before_reading() {
    let mut bytes = file(Compression::Null, 5, 100_000);
    let start = first_block(&bytes);
    // count 5 (one byte), then a size of 2^62 as a varint.
    let mut corrupt = bytes[..start + 1].to_vec();
    corrupt.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    corrupt.extend_from_slice(&bytes.split_off(start + 3));
    let error = read(corrupt).unwrap_err();
    assert!(matches!(error.kind, ContainerErrorKind::BadBlock(_)), "{error}");
}

#[test]
fn a_count_more_records_than_the_block_can_hold_is_refused_before_decoding() {
    let mut bytes = file(Compression::Null, 1, 100_000);
    let start = first_block(&bytes);
    let mut header = mesh_core::codec::Reader::new(&bytes[start..]);
    assert_eq!(header.read_long().unwrap(), 1, "a block of one record, a one-byte count");
    let size = header.read_long().unwrap();
    let min_record = mesh_avro::Schema::parse(&SalesAnalytics::schema().unwrap().json).unwrap().min_datum_bytes();
    // Just more records than `size` bytes can hold at the schema's smallest record.
    let count = size as u64 / min_record + 1;
    assert!(count < 64, "the count must stay a one-byte varint");
    bytes[start] = (count as u8) << 1;
    let error = read(bytes).unwrap_err();
    let expected = format!("{count} records of at least {min_record} bytes each cannot fit in {size} bytes");
    assert!(matches!(&error.kind, ContainerErrorKind::BadBlock(why) if why == &expected), "{error}");
    assert_eq!((error.file.as_str(), error.block, error.record), ("orders.avro", Some(0), None));
}

#[test]
fn an_absurd_string_length_is_a_record_error() {
    let mut datum = to_datum(&records(1)[0]);
    // The customer id follows the 37-byte uuid: claim it is 2^40 bytes long.
    datum.truncate(37);
    datum.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    let error = decode_error(&datum);
    assert!(matches!(error.kind, DecodeErrorKind::LengthExceedsInput { .. }), "{error}");
}

#[test]
fn invalid_utf8_is_a_record_error_with_its_index() {
    let mut bytes = file(Compression::Null, 3, 100_000);
    // Corrupt the second record's customer id: find it after the first record.
    let all = records(3);
    let first = mesh_tests::stored_len(&all[0]);
    let start = first_block(&bytes) + 3; // count (1 byte) and size (2 bytes)
    bytes[start + first + 38] = 0xff;
    let error = read(bytes).unwrap_err();
    assert_eq!((error.block, error.record), (Some(0), Some(1)), "{error}");
    assert!(matches!(&error.kind, ContainerErrorKind::Decode(e) if e.kind == DecodeErrorKind::InvalidUtf8), "{error}");
    assert!(error.to_string().starts_with("orders.avro, block 0, record 1: a string is not valid UTF-8"), "{error}");
}

#[test]
fn an_enum_index_out_of_range() {
    let record = &records(1)[0];
    let mut datum = to_datum(record);
    // uuid (37 bytes), two short strings, the amount's length and bytes, then the currency.
    let amount_at = 37 + 1 + record.customer_id.len() + 1 + record.customer_email.len();
    let currency_at = amount_at + 1 + usize::from(datum[amount_at] / 2);
    datum[currency_at] = 2 * 9;
    let error = decode_error(&datum);
    assert_eq!(error.kind, DecodeErrorKind::EnumIndex { index: 9, symbols: 4 }, "{error}");
}

#[test]
fn an_unknown_union_branch() {
    let mut record = records(1).remove(0);
    record.discount = None;
    let mut datum = to_datum(&record);
    *datum.last_mut().unwrap() = 2 * 5;
    let error = decode_error(&datum);
    assert_eq!(error.kind, DecodeErrorKind::UnionBranch { index: 5, branches: 2 }, "{error}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = from_datum::<SalesAnalytics>(&bytes);
        let mut with_magic = b"Obj\x01".to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = read(with_magic);
    }

    #[test]
    fn mutated_files_never_panic(
        codec in prop::sample::select(codecs()),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = file(codec, 30, 800);
        for (at, value) in edits {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Err(error) = read(bytes) {
            // Every error names the file, and errors inside blocks name the block.
            prop_assert!(error.to_string().starts_with("orders.avro"));
            if matches!(error.kind, ContainerErrorKind::Decode(_)) {
                prop_assert!(error.block.is_some() && error.record.is_some());
            }
        }
    }
}
