//! One codec path of the `codec` benchmark, alone, for an instruction profiler, which counts
//! reproducibly on a loaded machine where timings do not:
//!
//! ```text
//! cargo build --release -p mesh-tests --example codec_profile
//! valgrind --tool=callgrind --toggle-collect='codec_profile::run_read_file' \
//!     target/release/examples/codec_profile read_file 20000
//! ```
//!
//! Paths (each counted in its `run_<path>` function; building the records is not):
//! `encode_datum`, `write_file`, `decode_datum`, `read_file`, `read_evolved_file`. Without valgrind it prints
//! the time the path took.
#![allow(missing_docs)]

use std::hint::black_box;
use std::io::Cursor;

use mesh_core::codec::{AvroCodec, Codec, ContainerReader, ContainerWriter, Reader, Sample, SampleRng};
use sales::gold::SalesAnalytics;

#[inline(never)]
fn run_encode_datum(records: &[SalesAnalytics]) {
    let mut out = Vec::with_capacity(1024);
    for record in records {
        out.clear();
        record.encode(&mut out);
        black_box(&out);
    }
}

#[inline(never)]
fn run_write_file(records: &[SalesAnalytics]) -> Vec<u8> {
    let mut writer = ContainerWriter::<SalesAnalytics, _>::new(Vec::new(), Codec::Null).unwrap();
    for record in records {
        writer.append(record).unwrap();
    }
    writer.finish().unwrap()
}

#[inline(never)]
fn run_decode_datum(datums: &[u8], offsets: &[usize]) {
    for window in offsets.windows(2) {
        let mut input = Reader::new(&datums[window[0]..window[1]]);
        black_box(SalesAnalytics::decode(&mut input).unwrap());
    }
}

#[inline(never)]
fn run_read_file(file: &[u8]) {
    let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(file), "profile").unwrap();
    for record in reader {
        black_box(record.unwrap());
    }
}

#[inline(never)]
fn run_read_evolved_file(file: &[u8]) {
    let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(file), "profile").unwrap();
    assert!(reader.is_resolving());
    for record in reader {
        black_box(record.unwrap());
    }
}

/// The records written by apache-avro with the benchmark's older schema (v2.0: no `channel`
/// or `discount`, a `legacy_source` since removed).
#[allow(deprecated)]
fn evolved_file(records: &[SalesAnalytics]) -> Vec<u8> {
    use apache_avro::types::Value;
    use mesh_core::DataProduct;
    let product = &SalesAnalytics::schema().unwrap().avro;
    let mut json: serde_json::Value = serde_json::from_str(&SalesAnalytics::schema().unwrap().json).unwrap();
    let fields = json["fields"].as_array_mut().unwrap();
    fields.retain(|f| f["name"] != "discount" && f["name"] != "channel");
    fields.insert(3, serde_json::json!({"name": "legacy_source", "type": "string"}));
    let older = apache_avro::Schema::parse_str(&json.to_string()).unwrap();
    let mut writer = apache_avro::Writer::new(&older, Vec::new()).unwrap();
    for record in records {
        let datum = mesh_core::codec::to_datum(record);
        let Value::Record(mut fields) = apache_avro::from_avro_datum(product, &mut &datum[..], None).unwrap() else {
            unreachable!()
        };
        fields.retain(|(name, _)| name != "discount" && name != "channel");
        fields.insert(3, ("legacy_source".into(), Value::String("erp".into())));
        writer.append_value(Value::Record(fields)).unwrap();
    }
    writer.into_inner().unwrap()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "read_file".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let mut rng = SampleRng::new(42);
    let records: Vec<SalesAnalytics> = (0..count).map(|_| SalesAnalytics::sample(&mut rng, "")).collect();
    let started = std::time::Instant::now();
    let mut elapsed = None;
    match path.as_str() {
        "encode_datum" => run_encode_datum(&records),
        "write_file" => {
            black_box(run_write_file(&records));
        }
        "decode_datum" => {
            let mut datums = Vec::new();
            let mut offsets = vec![0];
            for record in &records {
                record.encode(&mut datums);
                offsets.push(datums.len());
            }
            let started = std::time::Instant::now();
            run_decode_datum(&datums, &offsets);
            elapsed = Some(started.elapsed());
        }
        "read_file" => {
            let file = run_write_file(&records);
            let started = std::time::Instant::now();
            run_read_file(&file);
            elapsed = Some(started.elapsed());
        }
        "read_evolved_file" => {
            let file = evolved_file(&records);
            let started = std::time::Instant::now();
            run_read_evolved_file(&file);
            elapsed = Some(started.elapsed());
        }
        other => {
            eprintln!("unknown path `{other}`: use encode_datum, write_file, decode_datum or read_file");
            std::process::exit(2);
        }
    }
    let elapsed = elapsed.unwrap_or_else(|| started.elapsed());
    eprintln!("{path}: {count} records in {elapsed:?} ({:.0} ns/record)", elapsed.as_nanos() as f64 / count as f64);
}
