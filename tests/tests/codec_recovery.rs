//! Skipping corrupt blocks (`ContainerReader::skip_corrupt_blocks`): the records of the blocks
//! before and after a corrupt one are read, the corrupt one is reported once with where it was,
//! why and what was lost, and by default reading still stops at the first corrupt block.

use std::cell::Cell;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;

use mesh_core::codec::{
    encode::write_long, to_datum, Compression, ContainerError, ContainerErrorKind, ContainerReader, ContainerWriter,
    Reader, Sample, SampleRng, SkippedBlock,
};
use proptest::prelude::*;
use sales::gold::SalesAnalytics;

const SYNC: [u8; 16] = [0xA5; 16];

fn records(n: usize) -> Vec<SalesAnalytics> {
    let mut rng = SampleRng::new(11);
    (0..n).map(|_| SalesAnalytics::sample(&mut rng, "")).collect()
}

/// A block's place in a file: where it starts, its record count, where its data starts, its size.
#[derive(Debug, Clone, Copy)]
struct Block {
    offset: usize,
    count: usize,
    data: usize,
    size: usize,
}

impl Block {
    /// Where the next block starts: after this one's data and sync marker.
    fn end(&self) -> usize {
        self.data + self.size + 16
    }
}

/// The varint at `at` (a count or size, never negative here), moving `at` past it.
fn varint(bytes: &[u8], at: &mut usize) -> usize {
    let mut reader = Reader::new(&bytes[*at..]);
    let value = reader.read_long().unwrap();
    *at += reader.offset();
    usize::try_from(value).unwrap()
}

/// A file of `records`, in blocks of about `block_bytes`, and where its blocks are.
fn file(codec: Compression, records: &[SalesAnalytics], block_bytes: usize) -> (Vec<u8>, Vec<Block>) {
    let mut writer = ContainerWriter::<SalesAnalytics, _>::with_sync_marker(Vec::new(), codec, SYNC).unwrap();
    writer.set_block_bytes(block_bytes);
    for record in records {
        writer.append(record).unwrap();
    }
    let bytes = writer.finish().unwrap();
    let mut blocks = Vec::new();
    let mut at = bytes.windows(16).position(|w| w == SYNC).unwrap() + 16;
    while at < bytes.len() {
        let offset = at;
        let count = varint(&bytes, &mut at);
        let size = varint(&bytes, &mut at);
        blocks.push(Block { offset, count, data: at, size });
        at += size;
        assert_eq!(bytes[at..at + 16], SYNC);
        at += 16;
    }
    (bytes, blocks)
}

/// Records as datums, to compare them.
fn datums(records: &[SalesAnalytics]) -> Vec<Vec<u8>> {
    records.iter().map(to_datum).collect()
}

/// Everything a reader yields: the records (as datums), and the errors.
fn read_all(bytes: Vec<u8>, skip: bool) -> (Vec<Vec<u8>>, Vec<ContainerError>) {
    let mut reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(bytes), "orders.avro").unwrap();
    if skip {
        reader.skip_corrupt_blocks();
    }
    let (mut read, mut errors) = (Vec::new(), Vec::new());
    for item in reader {
        match item {
            Ok(record) => read.push(to_datum(&record)),
            Err(error) => errors.push(error),
        }
    }
    (read, errors)
}

fn skipped(error: &ContainerError) -> &SkippedBlock {
    match &error.kind {
        ContainerErrorKind::Skipped(skipped) => skipped,
        other => panic!("not a skipped block: {other}"),
    }
}

/// The records of every block but `corrupt`.
fn all_but(records: &[SalesAnalytics], blocks: &[Block], corrupt: usize) -> Vec<Vec<u8>> {
    let before: usize = blocks[..corrupt].iter().map(|b| b.count).sum();
    let mut kept = datums(&records[..before]);
    kept.extend(datums(&records[before + blocks[corrupt].count..]));
    kept
}

#[test]
fn a_count_corrupted_downwards_loses_records_and_says_it_cannot_tell_how_many() {
    let records = records(120);
    let (mut bytes, blocks) = file(Compression::Null, &records, 1500);
    let corrupt = blocks.len() / 2;
    let block = blocks[corrupt];
    // One record fewer than written, in a varint of the same length.
    let mut count = Vec::new();
    mesh_core::codec::encode::write_long(&mut count, block.count as i64 - 1);
    let mut written = Vec::new();
    mesh_core::codec::encode::write_long(&mut written, block.count as i64);
    assert_eq!(count.len(), written.len());
    bytes[block.offset..block.offset + count.len()].copy_from_slice(&count);

    let (read, errors) = read_all(bytes, true);
    // The promised records are read; the one after them is lost, and the report must not claim
    // that nothing was.
    assert_eq!(read.len(), records.len() - 1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let skip = skipped(&errors[0]);
    assert_eq!(skip.records_lost, None, "{}", errors[0]);
    assert_eq!(skip.resumed_at, Some(block.end() as u64));
}

#[test]
fn a_block_that_does_not_decompress_is_skipped_and_reported_once() {
    let records = records(120);
    let (mut bytes, blocks) = file(Compression::Deflate, &records, 1500);
    assert!(blocks.len() >= 5, "{} blocks", blocks.len());
    let corrupt = blocks.len() / 2;
    let block = blocks[corrupt];
    bytes[block.data..block.data + block.size.min(40)].fill(0xff);

    // By default reading stops at the corrupt block, with the records before it.
    let (read, errors) = read_all(bytes.clone(), false);
    assert_eq!(read.len(), blocks[..corrupt].iter().map(|b| b.count).sum::<usize>());
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0].kind, ContainerErrorKind::Decompress(_)), "{}", errors[0]);

    let (read, errors) = read_all(bytes, true);
    assert!(read == all_but(&records, &blocks, corrupt), "the records of every other block, in order");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let skip = skipped(&errors[0]);
    assert_eq!(errors[0].block, Some(corrupt as u64));
    assert_eq!(skip.offset, block.offset as u64);
    assert_eq!(skip.resumed_at, Some(block.end() as u64));
    assert_eq!(skip.records_lost, Some(block.count as u64));
    assert!(matches!(skip.reason, ContainerErrorKind::Decompress(_)));
    let message = errors[0].to_string();
    assert!(
        message.starts_with(&format!("orders.avro, block {corrupt}: skipped a corrupt block at byte {}", block.offset))
            && message.contains(&format!("{} records lost; reading resumed at byte {}", block.count, block.end())),
        "{message}"
    );
}

/// A null-codec file's blocks deflated (miniz_oxide, directly), its header naming the codec: bytes
/// changed in a block's records before compressing, so that a record (not the block) fails.
fn deflated(null_file: &[u8], blocks: &[Block]) -> (Vec<u8>, Vec<Block>) {
    let (codec_null, codec_deflate) = (&b"\x14avro.codec\x08null"[..], &b"\x14avro.codec\x0edeflate"[..]);
    let at = null_file.windows(codec_null.len()).position(|w| w == codec_null).unwrap();
    let mut bytes = [&null_file[..at], codec_deflate, &null_file[at + codec_null.len()..blocks[0].offset]].concat();
    let mut moved = Vec::new();
    for block in blocks {
        let data = miniz_oxide::deflate::compress_to_vec(&null_file[block.data..block.data + block.size], 6);
        let offset = bytes.len();
        write_long(&mut bytes, block.count as i64);
        write_long(&mut bytes, data.len() as i64);
        moved.push(Block { offset, count: block.count, data: bytes.len(), size: data.len() });
        bytes.extend_from_slice(&data);
        bytes.extend_from_slice(&SYNC);
    }
    (bytes, moved)
}

#[test]
fn a_record_that_does_not_decode_skips_the_rest_of_its_block() {
    let records = records(80);
    let (mut null_file, null_blocks) = file(Compression::Null, &records, 1200);
    let corrupt = 2;
    let block = null_blocks[corrupt];
    // The second record's customer id (after the 37-byte uuid and its one-byte length) is not UTF-8.
    let first: usize = null_blocks[..corrupt].iter().map(|b| b.count).sum();
    let second_record = block.data + mesh_tests::stored_len(&records[first]);
    null_file[second_record + 38] = 0xff;
    let deflated = deflated(&null_file, &null_blocks);

    // Deflated, the next block is read and inflated ahead while the bad one is decoded: reading
    // still resumes where the bad block ends.
    for (bytes, blocks) in [(null_file.clone(), null_blocks.clone()), deflated] {
        let (read, errors) = read_all(bytes, true);
        let mut expected = all_but(&records, &blocks, corrupt);
        // The block's first record was read before the bad one.
        expected.insert(first, to_datum(&records[first]));
        assert!(read == expected);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].block, errors[0].record), (Some(corrupt as u64), Some(1)));
        let skip = skipped(&errors[0]);
        assert_eq!(skip.records_lost, Some(block.count as u64 - 1));
        assert_eq!(skip.resumed_at, Some(blocks[corrupt].end() as u64));
        assert_eq!(skip.offset, blocks[corrupt].offset as u64);
        assert!(matches!(&skip.reason, ContainerErrorKind::Decode(_)), "{}", errors[0]);
    }
}

#[test]
fn a_broken_sync_marker_loses_the_blocks_up_to_the_next_marker_and_says_the_count_is_unknown() {
    let records = records(80);
    let (mut bytes, blocks) = file(Compression::Null, &records, 1200);
    let corrupt = 1;
    let block = blocks[corrupt];
    bytes[block.end() - 1] ^= 1;

    let (read, errors) = read_all(bytes, true);
    // The marker closing the next block is the first one found: both blocks are lost.
    let mut expected = all_but(&records, &blocks, corrupt);
    let next_first: usize = blocks[..corrupt].iter().map(|b| b.count).sum();
    expected.drain(next_first..next_first + blocks[corrupt + 1].count);
    assert!(read == expected);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let skip = skipped(&errors[0]);
    assert!(matches!(skip.reason, ContainerErrorKind::SyncMismatch));
    assert_eq!(skip.resumed_at, Some(blocks[corrupt + 1].end() as u64));
    assert_eq!(skip.records_lost, None);
    assert!(errors[0].to_string().contains("an unknown number of records lost"), "{}", errors[0]);
}

#[test]
fn an_unreadable_block_header_is_skipped_with_an_unknown_loss() {
    let records = records(80);
    let (mut bytes, blocks) = file(Compression::Null, &records, 1200);
    let corrupt = 2;
    let block = blocks[corrupt];
    // An 11-byte varint where the count starts.
    bytes[block.offset..block.offset + 11].fill(0xff);
    let (read, errors) = read_all(bytes, true);
    assert!(read == all_but(&records, &blocks, corrupt));
    assert_eq!(errors.len(), 1, "{errors:?}");
    let skip = skipped(&errors[0]);
    assert!(matches!(skip.reason, ContainerErrorKind::BadBlock(_)), "{}", errors[0]);
    assert_eq!((skip.offset, skip.resumed_at), (block.offset as u64, Some(block.end() as u64)));
    assert_eq!(skip.records_lost, None);
}

#[test]
fn a_lying_block_size_does_not_lose_the_blocks_after_it() {
    let records = records(80);
    let (bytes, blocks) = file(Compression::Null, &records, 1200);
    let corrupt = 1;
    let block = blocks[corrupt];
    // The size, rewritten as 2^28: the block claims most of the 512 MiB limit, past the file's end.
    assert_eq!(block.data - block.offset, 1 + 2, "a one-byte count, a two-byte size");
    let mut lying = bytes[..block.offset + 1].to_vec();
    lying.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x02]);
    lying.extend_from_slice(&bytes[block.data..]);

    let (read, errors) = read_all(lying, true);
    assert!(read == all_but(&records, &blocks, corrupt));
    assert_eq!(errors.len(), 1, "{errors:?}");
    let skip = skipped(&errors[0]);
    assert!(matches!(skip.reason, ContainerErrorKind::Truncated), "{}", errors[0]);
    assert_eq!(skip.resumed_at, Some(block.end() as u64 + 3), "the new size is three bytes longer");
    assert_eq!(skip.records_lost, None, "the size lied, so the count may too");
}

#[test]
fn a_truncated_last_block_ends_reading_after_one_report() {
    let records = records(60);
    let (bytes, blocks) = file(Compression::Deflate, &records, 1500);
    let last = blocks.len() - 1;
    let cut = bytes[..blocks[last].data + blocks[last].size / 2].to_vec();
    let (read, errors) = read_all(cut, true);
    assert!(read == datums(&records[..records.len() - blocks[last].count]));
    assert_eq!(errors.len(), 1, "{errors:?}");
    let skip = skipped(&errors[0]);
    assert_eq!((skip.offset, skip.resumed_at), (blocks[last].offset as u64, None));
    assert!(
        errors[0].to_string().ends_with("no sync marker follows, so the rest of the file is lost"),
        "{}",
        errors[0]
    );
}

#[test]
fn every_corrupt_block_is_reported_and_every_intact_one_read() {
    let records = records(200);
    let (mut bytes, blocks) = file(Compression::Deflate, &records, 1000);
    let corrupt: Vec<usize> = (0..blocks.len()).filter(|i| i % 3 == 1).collect();
    for &i in &corrupt {
        bytes[blocks[i].data..blocks[i].data + 20].fill(0);
    }
    let (read, errors) = read_all(bytes, true);
    let reported: Vec<u64> = errors.iter().map(|e| e.block.unwrap()).collect();
    assert_eq!(reported, corrupt.iter().map(|&i| i as u64).collect::<Vec<_>>());
    let lost: u64 = errors.iter().map(|e| skipped(e).records_lost.unwrap()).sum();
    assert_eq!(read.len() as u64 + lost, records.len() as u64);
}

/// Counts the bytes read from the input.
struct CountingInput {
    inner: Cursor<Vec<u8>>,
    read: Rc<Cell<u64>>,
}

impl Read for CountingInput {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl Seek for CountingInput {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

#[test]
fn skipping_reads_each_corrupt_block_about_twice_not_the_file_again() {
    let records = records(8000);
    // Every block corrupt (nothing is read ahead), and every other one (the blocks read ahead of
    // a corrupt block are read again after it).
    for every in [1, 2] {
        let (mut bytes, blocks) = file(Compression::Deflate, &records, 20_000);
        assert!(blocks.len() >= 50, "{} blocks", blocks.len());
        for block in blocks.iter().step_by(every) {
            bytes[block.data..block.data + 20].fill(0);
        }
        let corrupt = blocks.len().div_ceil(every) as u64;
        let largest = blocks.iter().map(|b| b.end() - b.offset).max().unwrap() as u64;
        let len = bytes.len() as u64;
        let read = Rc::new(Cell::new(0));
        let input = CountingInput { inner: Cursor::new(bytes), read: Rc::clone(&read) };
        let mut reader = ContainerReader::<SalesAnalytics, _>::new(input, "orders.avro").unwrap();
        reader.skip_corrupt_blocks();
        let errors = reader.filter(Result::is_err).count() as u64;
        assert_eq!(errors, corrupt, "one report per corrupt block");
        // Each block is read, then scanned once from one byte past its start; each seek back costs
        // at most one refill of the reader's 64 KiB buffer, and the (at most 4) blocks read ahead
        // are read again. Rescanning from earlier places would read the file again per block.
        let bound = 2 * len + corrupt * ((64 << 10) + 4 * largest);
        assert!(read.get() <= bound, "every {every}: read {} bytes of a {len}-byte file (bound {bound})", read.get());
    }
}

#[test]
fn read_into_skips_the_same_blocks_as_the_iterator() {
    let records = records(120);
    let (mut bytes, blocks) = file(Compression::Deflate, &records, 1500);
    let corrupt = 2;
    bytes[blocks[corrupt].data..blocks[corrupt].data + 30].fill(0xff);
    let mut reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(bytes), "orders.avro").unwrap();
    reader.skip_corrupt_blocks();
    let mut record = SalesAnalytics::sample(&mut SampleRng::new(0), "");
    let (mut read, mut errors) = (Vec::new(), Vec::new());
    while let Some(item) = reader.read_into(&mut record) {
        match item {
            Ok(()) => read.push(to_datum(&record)),
            Err(error) => errors.push(error),
        }
    }
    assert!(read == all_but(&records, &blocks, corrupt));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(skipped(&errors[0]).records_lost, Some(blocks[corrupt].count as u64));
}

#[test]
fn an_intact_file_reads_the_same_with_and_without_skipping() {
    let records = records(100);
    let (bytes, _) = file(Compression::Deflate, &records, 1000);
    let (read, errors) = read_all(bytes, true);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(read == datums(&records));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever the damage: no panic, the iterator ends, every error but the last is a skipped
    /// block, and a file whose damage spares the blocks' framing loses only the damaged blocks.
    #[test]
    fn damaged_files_end_and_report_every_skip(
        deflate in any::<bool>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let records = records(40);
        let (mut bytes, blocks) = file(if deflate { Compression::Deflate } else { Compression::Null }, &records, 700);
        let header = blocks[0].offset;
        for (at, value) in edits {
            let at = header + at.index(bytes.len() - header);
            bytes[at] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(header + cut.index(bytes.len() - header));
        }
        let mut reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(bytes), "orders.avro").unwrap();
        reader.skip_corrupt_blocks();
        let mut items = 0usize;
        let mut errors = Vec::new();
        for item in reader.by_ref() {
            items += 1;
            // A corrupt count can't make the reader yield more items than the file has bytes.
            prop_assert!(items < 100_000);
            if let Err(error) = item {
                errors.push(error);
            }
        }
        prop_assert_eq!(reader.skipped_blocks() as usize, errors.iter().filter(|e| matches!(e.kind, ContainerErrorKind::Skipped(_))).count());
        if let Some((last, skips)) = errors.split_last() {
            for error in skips {
                prop_assert!(matches!(error.kind, ContainerErrorKind::Skipped(_)), "{}", error);
            }
            prop_assert!(last.to_string().starts_with("orders.avro"));
        }
    }
}
