//! Container files allocate per file, not per block: the compressor, the decompressor and their
//! buffers are made once and reused, so writing or reading a hundred blocks allocates no more than
//! writing or reading twenty (more than the reader inflates ahead, so that its buffers all exist).
//!
//! A counting global allocator counts the allocations of the process, so this binary holds one
//! test; the product has no heap fields, so records allocate nothing themselves.
#![allow(missing_docs)]

use std::alloc::System;
use std::io::Cursor;

use mesh_core::codec::{Compression, ContainerReader, ContainerWriter};
use mesh_macros::data_product;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations and reallocations made by the process while `f` runs.
fn allocations_in<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let region = Region::new(GLOBAL);
    let result = f();
    let change = region.change();
    (result, change.allocations + change.reallocations)
}

#[data_product(domain = "test", version = "1.0.0", owner = "test-team@company.com", layer = "bronze")]
#[derive(Debug, Clone, PartialEq)]
pub struct MeterReading {
    pub meter: i64,
    pub at: i64,
    pub kwh: f64,
    pub phase: i32,
}

fn reading(i: i64) -> MeterReading {
    MeterReading { meter: i % 977, at: 1_700_000_000_000 + i * 900_000, kwh: (i % 1000) as f64 / 8.0, phase: 1 }
}

/// Block sizes: many small blocks, so per-block costs dominate.
const BLOCK_BYTES: usize = 4096;

/// A file of `blocks` blocks, and the allocations made while appending its records.
fn write(codec: Compression, blocks: usize) -> (Vec<u8>, usize) {
    // Records are about 20 bytes: enough for the requested number of full blocks.
    let records = (blocks * BLOCK_BYTES / 20) as i64;
    let mut writer = ContainerWriter::<MeterReading, _>::new(Vec::with_capacity(4 << 20), codec).unwrap();
    writer.set_block_bytes(BLOCK_BYTES);
    let ((), appending) = allocations_in(|| {
        for i in 0..records {
            writer.append(&reading(i)).unwrap();
        }
    });
    (writer.finish().unwrap(), appending)
}

/// The records of `file` and the allocations made while iterating them (opening excluded).
fn read(file: &[u8]) -> (usize, usize) {
    let reader = ContainerReader::<MeterReading, _>::new(Cursor::new(file), "meters.avro").unwrap();
    allocations_in(|| {
        let mut count = 0;
        for record in reader {
            assert!(record.unwrap() == reading(count as i64), "record {count}");
            count += 1;
        }
        count
    })
}

fn codecs() -> Vec<Compression> {
    ["null", "deflate", "snappy", "zstandard"].into_iter().filter_map(Compression::from_name).collect()
}

#[test]
fn writing_and_reading_more_blocks_allocates_no_more() {
    for codec in codecs() {
        let (few, few_writing) = write(codec, 20);
        let (many, many_writing) = write(codec, 100);
        let (few_records, few_reading) = read(&few);
        let (many_records, many_reading) = read(&many);
        assert!(many_records > 4 * few_records, "{codec}: {many_records} vs {few_records} records");
        // Growing buffers may reallocate a few times more in a longer file; a cost per block would show 80 more.
        assert!(
            many_writing <= few_writing + 8,
            "{codec}: writing 100 blocks allocated {many_writing} times, 20 blocks {few_writing}"
        );
        assert!(
            many_reading <= few_reading + 8,
            "{codec}: reading 100 blocks allocated {many_reading} times, 20 blocks {few_reading}"
        );
    }
}
