//! The generated codec against apache-avro 0.22 (its typed serde path) and
//! serde_avro_fast, on `sales.sales_analytics` (uuid, strings, decimals, an
//! enum, a timestamp, an array of nested records, optional values).
//!
//! `cargo bench -p mesh-tests --bench codec` (records: `MESH_BENCH_RECORDS`, default 1,000,000).
//! Every benchmark processes all records once per iteration; compare the
//! rows of one group for the ratios. The cases live in `support/` so that
//! `examples/codec_profile.rs` (instruction counts, paired timing ratios)
//! measures the same code.
#![allow(missing_docs)]

use std::sync::OnceLock;

use divan::Bencher;

mod support;

use support::Data;

fn main() {
    divan::main();
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| Data::new(support::records()))
}

const SAMPLES: u32 = 5;

/// One divan group per measured path, one row per library, each running its `support` case.
macro_rules! group {
    ($group:ident: $($library:ident),+) => {
        mod $group {
            use super::*;
            $(
                #[divan::bench(sample_count = SAMPLES, sample_size = 1)]
                fn $library(bencher: Bencher) {
                    let data = data();
                    bencher.bench_local(|| support::$group::$library(data));
                }
            )+
        }
    };
}

group!(encode_datum: mesh_generated, apache_avro_serde, serde_avro_fast);
group!(decode_datum: mesh_generated, apache_avro_serde, serde_avro_fast);
group!(write_file: mesh_generated, apache_avro_serde, serde_avro_fast);
group!(read_file: mesh_generated, apache_avro_serde, serde_avro_fast, mesh_generated_evolved, mesh_generated_reused);
