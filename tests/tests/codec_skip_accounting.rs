//! What skipping corrupt blocks reports: exactly the records read and lost, and "unknown" when
//! nothing tells. Files are built byte by byte from a valid one with one block's count (or
//! data, or sync marker) changed; each case is checked on the reader's report and on the
//! summary of `cargo xtask dump --skip-corrupt` (the `fixture_example` binary is `cargo xtask`).

use std::io::Cursor;
use std::path::PathBuf;
use std::process::Command;

use mesh_core::codec::{
    encode::write_long, to_datum, Compression, ContainerError, ContainerErrorKind, ContainerReader, ContainerRecord,
    ContainerWriter, Reader, Sample, SampleRng, SkippedBlock,
};
use sales::gold::SalesAnalytics;

const SYNC: [u8; 16] = [0x5A; 16];

/// A block of a file: where it starts, its record count, its data.
#[derive(Debug, Clone)]
struct Block {
    offset: usize,
    count: u64,
    data: Vec<u8>,
}

impl Block {
    /// Where the next block starts, in the file as `encode` writes it.
    fn end(&self) -> usize {
        self.offset + self.encode().len()
    }

    /// Count, size, data and sync marker; the count as given (any varint length).
    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_long(&mut bytes, self.count as i64);
        write_long(&mut bytes, self.data.len() as i64);
        bytes.extend_from_slice(&self.data);
        bytes.extend_from_slice(&SYNC);
        bytes
    }
}

/// A container file: its header bytes and its blocks.
struct File {
    header: Vec<u8>,
    blocks: Vec<Block>,
    records: Vec<SalesAnalytics>,
}

impl File {
    /// `n` records in uncompressed blocks of about 1200 bytes (at least five blocks).
    fn new(n: usize) -> Self {
        let mut rng = SampleRng::new(5);
        let records: Vec<SalesAnalytics> = (0..n).map(|_| SalesAnalytics::sample(&mut rng, "")).collect();
        let mut writer =
            ContainerWriter::<SalesAnalytics, _>::with_sync_marker(Vec::new(), Compression::Null, SYNC).unwrap();
        writer.set_block_bytes(1200);
        for record in &records {
            writer.append(record).unwrap();
        }
        let bytes = writer.finish().unwrap();
        let mut at = bytes.windows(16).position(|w| w == SYNC).unwrap() + 16;
        let header = bytes[..at].to_vec();
        let mut blocks = Vec::new();
        while at < bytes.len() {
            let mut reader = Reader::new(&bytes[at..]);
            let count = reader.read_long().unwrap() as u64;
            let size = reader.read_long().unwrap() as usize;
            let data = at + reader.offset();
            blocks.push(Block { offset: at, count, data: bytes[data..data + size].to_vec() });
            at = data + size + 16;
        }
        assert!(blocks.len() >= 5, "{} blocks", blocks.len());
        Self { header, blocks, records }
    }

    /// The bytes, with every block's offset set to where it now starts.
    fn bytes(&mut self) -> Vec<u8> {
        let mut bytes = self.header.clone();
        for block in &mut self.blocks {
            block.offset = bytes.len();
            bytes.extend_from_slice(&block.encode());
        }
        bytes
    }

    /// Where the records of block `index` are in `records` (by the counts as they are now).
    fn records_of(&self, index: usize) -> std::ops::Range<usize> {
        let first: u64 = self.blocks[..index].iter().map(|b| b.count).sum();
        first as usize..(first + self.blocks[index].count) as usize
    }
}

/// Everything the reader yields with skipping on: the records (as datums), and the skip reports.
fn read(bytes: Vec<u8>) -> (Vec<Vec<u8>>, Vec<ContainerError>) {
    let mut reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(bytes), "orders.avro").unwrap();
    reader.skip_corrupt_blocks();
    let (mut records, mut skips) = (Vec::new(), Vec::new());
    for item in reader {
        match item {
            Ok(record) => records.push(to_datum(&record)),
            Err(error) => skips.push(error),
        }
    }
    (records, skips)
}

fn skipped(error: &ContainerError) -> &SkippedBlock {
    match &error.kind {
        ContainerErrorKind::Skipped(skipped) => skipped,
        other => panic!("not a skipped block: {other}"),
    }
}

/// A file removed when dropped (this crate has no tempfile dependency).
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `cargo xtask dump FILE --product sales.sales_analytics --skip-corrupt` on `bytes`, written to a
/// file named after `test`: the file's name as messages give it, the exit code, the lines printed, stderr.
fn dump(test: &str, bytes: &[u8]) -> (TempFile, String, i32, usize, String) {
    let path = std::env::temp_dir().join(format!("mesh-skip-accounting-{test}-{}.avro", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_fixture_example"))
        .args(["dump", path.to_str().unwrap(), "--product", "sales.sales_analytics", "--skip-corrupt"])
        .output()
        .unwrap();
    let file = path.display().to_string();
    let lines = output.stdout.iter().filter(|&&b| b == b'\n').count();
    (TempFile(path), file, output.status.code().unwrap(), lines, String::from_utf8(output.stderr).unwrap())
}

fn datums(records: &[SalesAnalytics]) -> Vec<Vec<u8>> {
    records.iter().map(to_datum).collect()
}

#[test]
fn a_count_past_what_fits_loses_an_unknown_number_not_the_count() {
    let mut file = File::new(100);
    let corrupt = 1;
    let written = file.records_of(corrupt);
    let claimed = 1u64 << 62;
    file.blocks[corrupt].count = claimed;
    let bytes = file.bytes();
    let block = &file.blocks[corrupt];
    let min = SalesAnalytics::writer_schema().unwrap().parsed.min_datum_bytes();

    let (records, skips) = read(bytes.clone());
    let mut expected = datums(&file.records);
    expected.drain(written);
    assert!(records == expected, "the records of every other block");
    assert_eq!(skips.len(), 1, "{skips:?}");
    let skip = skipped(&skips[0]);
    assert_eq!((skip.records_read, skip.records_lost), (0, None));
    assert_eq!(
        skips[0].to_string(),
        format!(
            "orders.avro, block 1: skipped a corrupt block at byte {} (bad block: {claimed} records of at least {min} \
             bytes each cannot fit in {} bytes); an unknown number of records lost; reading resumed at byte {}",
            block.offset,
            block.data.len(),
            block.end()
        )
    );

    let (_file, path, code, lines, stderr) = dump("count_past_fit", &bytes);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(lines, records.len());
    assert_eq!(
        stderr,
        format!(
            "warning: {path}, block 1: skipped a corrupt block at byte {} (bad block: {claimed} records of at least \
             {min} bytes each cannot fit in {} bytes); an unknown number of records lost; reading resumed at byte {}\n\
             error: {path}: skipped 1 corrupt block (an unknown number of records lost); read the {} records of the \
             other blocks\n",
            block.offset,
            block.data.len(),
            block.end(),
            records.len()
        )
    );
}

#[test]
fn a_count_one_short_reports_its_records_as_read_and_the_rest_as_unknown() {
    let mut file = File::new(100);
    let corrupt = 2;
    let written = file.records_of(corrupt);
    file.blocks[corrupt].count -= 1;
    let bytes = file.bytes();
    let block = &file.blocks[corrupt];
    let last = mesh_tests::stored_len(&file.records[written.end - 1]);

    let (records, skips) = read(bytes.clone());
    // Every record but the block's last, which the count leaves out, is read.
    let mut expected = datums(&file.records);
    expected.remove(written.end - 1);
    assert!(records == expected);
    assert_eq!(skips.len(), 1, "{skips:?}");
    let skip = skipped(&skips[0]);
    assert_eq!((skip.records_read, skip.records_lost), (block.count, None));
    let message = format!(
        "block 2: skipped the rest of a corrupt block at byte {} after reading its first {} records (bad block: \
         {last} bytes follow the records the block's count gives); an unknown number of records lost; reading \
         resumed at byte {}",
        block.offset,
        block.count,
        block.end()
    );
    assert_eq!(skips[0].to_string(), format!("orders.avro, {message}"));

    let (_file, path, code, lines, stderr) = dump("count_one_short", &bytes);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(lines, records.len());
    assert_eq!(
        stderr,
        format!(
            "warning: {path}, {message}\n\
             error: {path}: skipped 1 corrupt block (an unknown number of records lost); read {} records, {} of them \
             from the corrupt block before its damage\n",
            records.len(),
            block.count
        )
    );
}

#[test]
fn a_count_one_over_reports_its_records_as_read_and_no_loss_it_cannot_know() {
    let mut file = File::new(100);
    let corrupt = 1;
    file.blocks[corrupt].count += 1;
    let bytes = file.bytes();
    let block = &file.blocks[corrupt];

    let (records, skips) = read(bytes);
    assert!(records == datums(&file.records), "every record written is read");
    assert_eq!(skips.len(), 1, "{skips:?}");
    let skip = skipped(&skips[0]);
    assert_eq!((skip.records_read, skip.records_lost), (block.count - 1, None));
    assert_eq!(
        skips[0].to_string(),
        format!(
            "orders.avro, block 1, record {read}: skipped the rest of a corrupt block at byte {} after reading its \
             first {read} records (bad block: its count gives {} records, but its bytes end after {read}); an unknown \
             number of records lost; reading resumed at byte {}",
            block.offset,
            block.count,
            block.end(),
            read = block.count - 1
        )
    );
}

/// Known and unknown losses together: the known ones are counted, the unknown ones said to be.
#[test]
fn known_and_unknown_losses_are_told_apart() {
    let mut file = File::new(120);
    // Block 1: its second record's customer id (past the 37-byte uuid and its one-byte length)
    // is not UTF-8, so the records from there are lost, as many as the count gives.
    let bad = file.records_of(1);
    let second = mesh_tests::stored_len(&file.records[bad.start]);
    file.blocks[1].data[second + 38] = 0xff;
    let bytes = {
        let mut bytes = file.bytes();
        // Block 3: its sync marker broken, so the scan finds block 4's: both lost, how many unknown.
        let end = file.blocks[3].end();
        bytes[end - 1] ^= 1;
        bytes
    };
    let known = file.blocks[1].count - 1;
    let read_total = file.records.len() as u64 - known - file.blocks[3].count - file.blocks[4].count;

    let (records, skips) = read(bytes.clone());
    assert_eq!(records.len() as u64, read_total);
    let reports: Vec<(u64, Option<u64>)> =
        skips.iter().map(|e| (skipped(e).records_read, skipped(e).records_lost)).collect();
    assert_eq!(reports, [(1, Some(known)), (0, None)]);

    let (_file, path, code, lines, stderr) = dump("mixed", &bytes);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(lines as u64, read_total);
    assert_eq!(
        stderr.lines().last().unwrap(),
        format!(
            "error: {path}: skipped 2 corrupt blocks ({known} records lost in 1 block, an unknown number in 1); read \
             {read_total} records, 1 of them from the corrupt blocks before their damage"
        )
    );
}
