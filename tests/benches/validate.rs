//! The validate benchmark: `sales.sales_analytics` of the example lakehouse (about 1M records by
//! default, every rule kind declared) validated by the embedded validator, against baselines
//! measured in the same run:
//! - a plain typed read of the same files (`ContainerReader`, every record decoded and dropped);
//! - Python fastavro reading the same files and opening their encrypted fields as the typed read
//!   does (`read_fastavro.py`, no rule checked);
//! - peak memory of the release `validate` at full size, spilling uniqueness at full and at a
//!   quarter of the size (memory that does not grow with the data but for the uniqueness state);
//! - the same validation on Spark (`local[2]` and a standalone master + worker on loopback), its
//!   session start-up separated from the query.
//!
//! `cargo bench -p mesh-tests --bench validate` (`MESH_BENCH_ORDERS_PER_DAY`, `MESH_BENCH_DAYS`
//! change the size; default 52,000 x 20). Needs fastavro and pyspark (`python3 -m pip install
//! fastavro pyspark`) and Java 17.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mesh_core::codec::{Compression, ContainerReader, ContainerWriter};
use mesh_core::model::Instant as MeshInstant;
use mesh_core::{registered_quality_scans, DataProduct};
use mesh_pipeline::lakehouse::Lakehouse;
use mesh_quality::{Options, Target};
use mesh_tests::spark::SparkCluster;
use sales::gold::SalesAnalytics;

const XTASK: &str = env!("CARGO_BIN_EXE_fixture_example");
const ROUNDS: usize = 3;

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn xtask(args: &[&str]) -> std::process::Output {
    let output = Command::new(XTASK).args(args).output().expect("run the xtask binary");
    assert!(output.status.code().is_some_and(|c| c <= 1), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// Runs the release binary with `args`, polling its peak resident memory (VmHWM, KiB) until it exits.
fn peak_kib(args: &[&str]) -> u64 {
    let mut child = Command::new(XTASK).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        if child.try_wait().unwrap().is_some() {
            return peak;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The seconds Spark's session took to start and the product's query took, from `validate`'s stderr.
fn spark_run(lake: &Path, master: &str) -> (f64, f64, f64) {
    let started = Instant::now();
    let output = xtask(&[
        "validate",
        "sales.sales_analytics",
        "--lakehouse",
        path(lake),
        "--engine",
        "spark",
        "--master",
        master,
        "--no-alerts",
        "--format",
        "json",
    ]);
    let wall = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let seconds = |marker: &str| -> f64 {
        let line = stderr.lines().find(|l| l.contains(marker)).unwrap_or_else(|| panic!("{marker} in {stderr}"));
        line.rsplit(" in ").next().unwrap().trim_end_matches(" s").parse().unwrap()
    };
    (seconds("session started"), seconds("counted"), wall)
}

fn main() {
    let (orders, days) =
        (mesh_tests::env_or("MESH_BENCH_ORDERS_PER_DAY", 52_000), mesh_tests::env_or("MESH_BENCH_DAYS", 20));
    let work = tempfile::tempdir().unwrap();
    let (landing, lake) = (work.path().join("landing"), work.path().join("lake"));
    xtask(&[
        "generate",
        "--landing",
        path(&landing),
        "--days",
        &days.to_string(),
        "--orders-per-day",
        &orders.to_string(),
    ]);
    for product in ["sales.sales_raw", "sales.sales_cleaned", "sales.sales_analytics"] {
        xtask(&["run", "--product", product, "--landing", path(&landing), "--lakehouse", path(&lake)]);
    }
    let lakehouse = Lakehouse::new(&lake);
    let manifest = lakehouse.current(SalesAnalytics::DESCRIPTOR).unwrap().expect("built");
    let dir = lakehouse.product_dir(SalesAnalytics::DESCRIPTOR);
    let files: Vec<PathBuf> = manifest.files.iter().map(|f| dir.join(&f.path)).collect();
    let records = manifest.records;
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    println!("sales.sales_analytics: {records} records in {} files, {:.1} MB", files.len(), bytes as f64 / 1e6);

    let scan = registered_quality_scans().find(|s| s.product == "sales.sales_analytics").unwrap();
    let target = Target { files: files.clone(), expected_records: Some(records), ..Target::default() };
    let options = Options { at: MeshInstant::now(), unique_memory: 256 << 20, spill_dir: work.path().to_path_buf() };
    let (mut read_times, mut validate_times) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut read = 0u64;
        for file in &files {
            read += ContainerReader::<SalesAnalytics, _>::open(file).unwrap().map(Result::unwrap).count() as u64;
        }
        read_times.push(started.elapsed().as_secs_f64());
        assert_eq!(read, records);
        let started = Instant::now();
        let report = mesh_quality::validate(SalesAnalytics::DESCRIPTOR, scan, &target, &options);
        validate_times.push(started.elapsed().as_secs_f64());
        assert_eq!(report.records, records);
        assert!(report.read_errors.is_empty(), "{:?}", report.read_errors);
        assert_eq!(report.rules.len(), SalesAnalytics::DESCRIPTOR.quality.len());
    }
    let (read, validate) = (mesh_tests::median(read_times.clone()), mesh_tests::median(validate_times.clone()));
    let kinds: std::collections::BTreeSet<&str> =
        SalesAnalytics::DESCRIPTOR.quality.iter().map(|r| r.check.keyword()).collect();
    println!(
        "rules: {} ({} kinds: {})",
        SalesAnalytics::DESCRIPTOR.quality.len(),
        kinds.len(),
        kinds.into_iter().collect::<Vec<_>>().join(", ")
    );
    println!(
        "typed read: {read:.2} s ({:.0} records/s); validate: {validate:.2} s ({:.0} records/s): {:.2}x the throughput of the typed read (rounds: read {:?}, validate {:?})",
        records as f64 / read,
        records as f64 / validate,
        read / validate,
        read_times.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>(),
        validate_times.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>()
    );

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/read_fastavro.py");
    let mut args = vec![path(&script).to_string()];
    args.extend(files.iter().map(|f| path(f).to_string()));
    // The keys the lakehouse was written with, for fastavro to open what the typed read opens.
    let provider = mesh_core::codec::crypto::default_provider().expect("the workspace's keyring");
    let keys: serde_json::Map<String, serde_json::Value> = provider
        .key_versions("sales")
        .unwrap()
        .into_iter()
        .map(|v| {
            let material = provider.key("sales", v).unwrap().material;
            (v.to_string(), material.iter().map(|b| format!("{b:02x}")).collect::<String>().into())
        })
        .collect();
    let mut child = Command::new("python3")
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    let request = serde_json::json!({"domain": "sales", "keys": keys}).to_string();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), request.as_bytes()).unwrap();
    let output = child.wait_with_output().expect("python3");
    assert!(
        output.status.success(),
        "fastavro (python3 -m pip install fastavro cryptography): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fastavro: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let fastavro_seconds = fastavro["seconds"].as_f64().unwrap();
    assert_eq!(fastavro["records"].as_u64(), Some(records));
    println!(
        "fastavro read: {fastavro_seconds:.2} s ({:.0} records/s): validate is {:.1}x faster",
        records as f64 / fastavro_seconds,
        fastavro_seconds / validate
    );

    // Memory: the quarter file holds the first quarter of the records.
    let quarter = work.path().join("quarter.avro");
    let mut writer =
        ContainerWriter::<SalesAnalytics, _>::new(File::create(&quarter).unwrap(), Compression::Deflate).unwrap();
    for record in
        files.iter().flat_map(|f| ContainerReader::<SalesAnalytics, _>::open(f).unwrap()).take(records as usize / 4)
    {
        writer.append(&record.unwrap()).unwrap();
    }
    writer.finish().unwrap();
    let validate_args = |extra: &[&str]| {
        let mut args = vec!["validate", "sales.sales_analytics", "--no-alerts", "--format", "json"];
        args.extend(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<String>>()
    };
    let peak = |args: Vec<String>| peak_kib(&args.iter().map(String::as_str).collect::<Vec<_>>()) / 1024;
    let full = peak(validate_args(&["--lakehouse", path(&lake)]));
    let full_spilling = peak(validate_args(&["--lakehouse", path(&lake), "--unique-memory", "8192"]));
    let quarter_spilling = peak(validate_args(&["--files", path(&quarter), "--unique-memory", "8192"]));
    println!(
        "peak memory: {full} MiB (uniqueness in memory), {full_spilling} MiB with an 8 MiB uniqueness budget, {quarter_spilling} MiB on a quarter of the records with that budget"
    );

    let (startup, query, wall) = spark_run(&lake, "local[2]");
    println!("Spark local[2]: session start-up {startup:.1} s, DDL + query {query:.1} s, whole command {wall:.1} s: validate is {:.1}x faster than the query", query / validate);
    let logs = tempfile::tempdir().unwrap();
    let cluster = SparkCluster::start(logs.path());
    let (startup, query, wall) = spark_run(&lake, &cluster.master_url);
    println!(
        "Spark standalone (master + worker on loopback, started in {:.1} s): session start-up {startup:.1} s, DDL + query {query:.1} s, whole command {wall:.1} s: validate is {:.1}x faster than the query",
        cluster.startup_seconds,
        query / validate
    );
    drop(cluster);
}
