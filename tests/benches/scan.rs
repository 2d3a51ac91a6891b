//! The scan of data at rest (`cargo xtask scan`) against a plain typed read of the same file:
//! `sales.sales_analytics` records (encrypted emails, as the lakehouse holds them) in one
//! container file at the lakehouse's deflate level, so that the scan reads one file (inflating
//! on a second thread, as every reader of a compressed file does). The scan's own time comes from
//! its JSON summary (the binary's start-up is not counted); the typed read is
//! `ContainerReader::read_into` in this process. Throughput is given per byte of the file and per
//! byte of Avro data (the records' encoded size, uncompressed), per second of wall time and per
//! second of CPU time (both threads; the scan's includes its start-up), from `/proc`.
//!
//! `cargo bench -p mesh-tests --bench scan` (`MESH_BENCH_RECORDS`, default 1,000,000).

use std::fs::File;
use std::io::BufWriter;
use std::process::Command;
use std::time::Instant;

use mesh_core::codec::crypto::Sealer;
use mesh_core::codec::{AvroCodec, Compression, ContainerReader, ContainerWriter, Sample, SampleRng};
use sales::gold::SalesAnalytics;

const XTASK: &str = env!("CARGO_BIN_EXE_fixture_example");
const ROUNDS: usize = 5;

/// CPU seconds (user and system) of this process, every thread, and of its waited-for children.
fn cpu_seconds(ticks_per_second: f64) -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // The fields after the command's closing parenthesis start with the 3rd (state): utime, stime,
    // cutime and cstime are the 14th to 17th.
    let fields: Vec<f64> =
        stat[stat.rfind(')').unwrap() + 2..].split(' ').skip(11).take(4).map(|f| f.parse().unwrap()).collect();
    ((fields[0] + fields[1]) / ticks_per_second, (fields[2] + fields[3]) / ticks_per_second)
}

fn main() {
    let n = mesh_tests::env_or("MESH_BENCH_RECORDS", 1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("gold/sales/sales_analytics/data");
    std::fs::create_dir_all(&data).unwrap();
    let file = data.join("orders.avro");
    let mut writer =
        ContainerWriter::<SalesAnalytics, _>::new(BufWriter::new(File::create(&file).unwrap()), Compression::Deflate)
            .unwrap();
    writer.set_deflate_level(1);
    let mut rng = SampleRng::new(5);
    let (mut sealer, mut datum, mut avro_bytes) = (Sealer::new("sales", None), Vec::new(), 0u64);
    for _ in 0..n {
        let record = SalesAnalytics::sample(&mut rng, "");
        datum.clear();
        record.encode_sealed(&mut datum, &mut sealer).unwrap();
        avro_bytes += datum.len() as u64;
        writer.append(&record).unwrap();
    }
    writer.finish().unwrap();
    let file_bytes = std::fs::metadata(&file).unwrap().len();

    let ticks = Command::new("getconf").arg("CLK_TCK").output().unwrap();
    let ticks: f64 = String::from_utf8(ticks.stdout).unwrap().trim().parse().unwrap();
    let (mut scans, mut reads, mut scan_cpu, mut read_cpu) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let mut scan = || {
            let before = cpu_seconds(ticks).1;
            let output = Command::new(XTASK).args(["scan", "--format", "json"]).arg(dir.path()).output().unwrap();
            scan_cpu.push(cpu_seconds(ticks).1 - before);
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(report["summary"]["records"], n, "every record scanned");
            report["summary"]["seconds"].as_f64().unwrap()
        };
        let mut read = || {
            let before = cpu_seconds(ticks).0;
            let started = Instant::now();
            let mut reader = ContainerReader::<SalesAnalytics, _>::open(&file).unwrap();
            let mut record = SalesAnalytics::sample(&mut SampleRng::new(0), "");
            let mut count = 0;
            while let Some(read) = reader.read_into(&mut record) {
                read.unwrap();
                count += 1;
            }
            assert_eq!(count, n);
            let seconds = started.elapsed().as_secs_f64();
            read_cpu.push(cpu_seconds(ticks).0 - before);
            seconds
        };
        if round % 2 == 0 {
            scans.push(scan());
            reads.push(read());
        } else {
            reads.push(read());
            scans.push(scan());
        }
    }
    let (scan, read, scan_cpu, read_cpu) = (
        mesh_tests::median(scans),
        mesh_tests::median(reads),
        mesh_tests::median(scan_cpu),
        mesh_tests::median(read_cpu),
    );
    let rate = |bytes: u64, seconds: f64| bytes as f64 / 1e6 / seconds;
    println!("{n} sales_analytics records: a {:.1} MB file (deflate level 1) of {:.1} MB of Avro data; medians of {ROUNDS} rounds", file_bytes as f64 / 1e6, avro_bytes as f64 / 1e6);
    println!();
    println!("| | seconds | MB/s of file | MB/s of Avro data | CPU seconds | MB/s of Avro data per CPU second | vs the typed read |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    println!(
        "| `cargo xtask scan` | {scan:.2} | {:.0} | {:.0} | {scan_cpu:.2} | {:.0} | {:.2}x its time, {:.2}x its CPU |",
        rate(file_bytes, scan),
        rate(avro_bytes, scan),
        rate(avro_bytes, scan_cpu),
        scan / read,
        scan_cpu / read_cpu
    );
    println!(
        "| typed read (`read_into`, decrypting) | {read:.2} | {:.0} | {:.0} | {read_cpu:.2} | {:.0} | |",
        rate(file_bytes, read),
        rate(avro_bytes, read),
        rate(avro_bytes, read_cpu)
    );
}
