//! The pipelines benchmark: the whole example mesh built from generated landing data (1M sales
//! events by default), against two baselines measured in the same run:
//! - bronze ingestion against Python fastavro ingesting the same lines into the same schema,
//!   encrypting the fields it marks as the typed writer does (`ingest_fastavro.py`);
//! - each silver and gold pipeline against a plain typed read of its inputs plus a typed write of
//!   the records it produced.
//!
//! `cargo bench -p mesh-tests --bench pipelines` (`MESH_BENCH_ORDERS_PER_DAY`, `MESH_BENCH_DAYS`
//! change the size; default 50,000 x 20). Needs `python3 -m pip install fastavro`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use mesh_analysis::lineage::Lineage;
use mesh_core::codec::{Compression, ContainerReader, ContainerRecord, ContainerWriter};
use mesh_core::model::ProductDescriptor;
use mesh_core::{registered_products, DataProduct};
use mesh_pipeline::lakehouse::Lakehouse;
use serde_json::Value;

use customer::gold::Customer360;
use marketing::bronze::MarketingRaw;
use marketing::gold::MarketingAnalytics;
use marketing::silver::MarketingCleaned;
use product::bronze::UsageRaw;
use product::gold::UsageAnalytics;
use product::silver::UsageCleaned;
use sales::bronze::SalesRaw;
use sales::gold::SalesAnalytics;
use sales::silver::SalesCleaned;

const XTASK: &str = env!("CARGO_BIN_EXE_fixture_example");

fn xtask(args: &[&str]) -> Value {
    let output = Command::new(XTASK).args(args).output().expect("run the xtask binary");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or(Value::Null)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// One product built alone (its inputs already committed): seconds, records in and out, peak KiB.
struct Measured {
    seconds: f64,
    records_in: u64,
    records_out: u64,
    peak_kib: u64,
}

fn build_each(landing: &Path, lake: &Path, order: &[String]) -> BTreeMap<String, Measured> {
    let _ = fs::remove_dir_all(lake);
    let mut measured = BTreeMap::new();
    for id in order {
        let report =
            xtask(&["run", "--product", id, "--landing", path(landing), "--lakehouse", path(lake), "--format", "json"]);
        let product = report["products"].as_array().unwrap().iter().find(|p| p["product"] == id.as_str()).unwrap();
        assert_eq!(product["status"], "built", "{id}: {product}");
        measured.insert(
            id.clone(),
            Measured {
                seconds: product["seconds"].as_f64().unwrap(),
                records_in: product["run"]["records_in"].as_u64().unwrap(),
                records_out: product["run"]["records_out"].as_u64().unwrap(),
                peak_kib: report["peak_memory_kib"].as_u64().unwrap_or(0),
            },
        );
    }
    measured
}

/// The committed data files of product `descriptor`.
fn committed_files(lakehouse: &Lakehouse, descriptor: &ProductDescriptor) -> Vec<PathBuf> {
    let manifest = lakehouse.current(descriptor).unwrap().unwrap();
    let dir = lakehouse.product_dir(descriptor);
    manifest.files.iter().map(|f| dir.join(&f.path)).collect()
}

/// A plain typed read of input `I`: every record decoded and dropped (inflated on the reader's thread).
fn read_input<I: ContainerRecord + DataProduct>(lakehouse: &Lakehouse) -> u64 {
    let files = committed_files(lakehouse, I::DESCRIPTOR);
    files.iter().map(|f| ContainerReader::<I, _>::open(f).unwrap().map(Result::unwrap).count() as u64).sum()
}

/// Seconds for a plain typed read of every input of `P` (`inputs`) plus a typed write of `P`'s
/// records (loaded first, so that only the write is timed), deflated on the writer's thread.
fn typed_baseline<P: ContainerRecord + DataProduct>(lake: &Path, inputs: &[fn(&Lakehouse) -> u64]) -> f64 {
    let lakehouse = Lakehouse::new(lake);
    let outputs: Vec<P> = committed_files(&lakehouse, P::DESCRIPTOR)
        .iter()
        .flat_map(|f| ContainerReader::<P, _>::open(f).unwrap().map(Result::unwrap))
        .collect();
    let started = Instant::now();
    let read: u64 = inputs.iter().map(|read| read(&lakehouse)).sum();
    assert!(read > 0, "{}: no input records", P::PRODUCT_ID);
    let out = tempfile::NamedTempFile::new().unwrap();
    let mut writer =
        ContainerWriter::<P, _>::new(std::io::BufWriter::new(out.reopen().unwrap()), Compression::Deflate).unwrap();
    // The lakehouse's deflate level (mesh-core/pipeline/src/lakehouse/writer.rs): both write alike.
    writer.set_deflate_level(1);
    for record in &outputs {
        writer.append(record).unwrap();
    }
    writer.finish().unwrap();
    started.elapsed().as_secs_f64()
}

fn baseline(id: &str, lake: &Path) -> Option<f64> {
    Some(match id {
        "sales.sales_cleaned" => typed_baseline::<SalesCleaned>(lake, &[read_input::<SalesRaw>]),
        "sales.sales_analytics" => typed_baseline::<SalesAnalytics>(lake, &[read_input::<SalesCleaned>]),
        "marketing.marketing_cleaned" => typed_baseline::<MarketingCleaned>(lake, &[read_input::<MarketingRaw>]),
        "marketing.marketing_analytics" => {
            typed_baseline::<MarketingAnalytics>(lake, &[read_input::<MarketingCleaned>, read_input::<SalesCleaned>])
        }
        "product.usage_cleaned" => typed_baseline::<UsageCleaned>(lake, &[read_input::<UsageRaw>]),
        "product.usage_analytics" => typed_baseline::<UsageAnalytics>(lake, &[read_input::<UsageCleaned>]),
        "customer.customer_360" => {
            typed_baseline::<Customer360>(lake, &[read_input::<SalesCleaned>, read_input::<MarketingCleaned>])
        }
        _ => return None,
    })
}

/// Python fastavro ingesting the sales landing files, encrypting what the schema marks with a
/// throwaway key as the typed writer does: (lines, seconds).
fn fastavro_ingestion(landing: &Path, work: &Path) -> (u64, f64) {
    use std::io::Write;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ingest_fastavro.py");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/sales/sales_raw.avsc");
    let out = work.join("fastavro.avro");
    let mut child = Command::new("python3")
        .args([path(&script), path(&schema), path(&landing.join("sales/sales_raw")), path(&out)])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let key: String = (0..96).map(|i| format!("{:02x}", (i * 37 + 11) % 256)).collect();
    child.stdin.take().unwrap().write_all(key.as_bytes()).unwrap();
    let output = child.wait_with_output().expect("python3");
    assert!(
        output.status.success(),
        "the fastavro baseline failed (install it: python3 -m pip install fastavro cryptography): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    (report["lines"].as_u64().unwrap(), report["seconds"].as_f64().unwrap())
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` runs benches only with `--benches`.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let orders = mesh_tests::env_or("MESH_BENCH_ORDERS_PER_DAY", 50_000);
    let days = mesh_tests::env_or("MESH_BENCH_DAYS", 20);
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pipelines-{orders}x{days}"));
    let landing = work.join("landing");
    let started = Instant::now();
    xtask(&[
        "generate",
        "--landing",
        path(&landing),
        "--days",
        &days.to_string(),
        "--orders-per-day",
        &orders.to_string(),
    ]);
    eprintln!("landing data ready in {:.1} s", started.elapsed().as_secs_f64());

    // The same products at a quarter of the days: what memory does with the input's size.
    let small = work.join("landing-small");
    if !small.exists() {
        for folder in ["sales/sales_raw", "marketing/marketing_raw", "product/usage_raw"] {
            fs::create_dir_all(small.join(folder)).unwrap();
            let mut names: Vec<_> =
                fs::read_dir(landing.join(folder)).unwrap().map(|e| e.unwrap().file_name()).collect();
            names.sort();
            for name in names.iter().filter(|n| !n.to_string_lossy().starts_with('.')).take((days as usize / 4).max(1))
            {
                fs::hard_link(landing.join(folder).join(name), small.join(folder).join(name)).unwrap();
            }
        }
    }

    let registrations = registered_products();
    let lineage = Lineage::build(registrations.iter().map(|r| r.descriptor));
    let order: Vec<String> = lineage.topological_order().iter().map(|&n| lineage.product(n).id()).collect();

    let whole_lake = work.join("lake-whole");
    let _ = fs::remove_dir_all(&whole_lake);
    let whole = xtask(&["run", "--landing", path(&landing), "--lakehouse", path(&whole_lake), "--format", "json"]);
    let whole_seconds = whole["seconds"].as_f64().unwrap();
    let whole_records: u64 =
        whole["products"].as_array().unwrap().iter().map(|p| p["run"]["records_in"].as_u64().unwrap_or(0)).sum();

    let lake = work.join("lake-each");
    let each = build_each(&landing, &lake, &order);
    let baselines: BTreeMap<&str, f64> =
        order.iter().filter_map(|id| Some((id.as_str(), baseline(id, &lake)?))).collect();
    let small_each = build_each(&small, &work.join("lake-small"), &order);
    let (fastavro_lines, fastavro_seconds) = fastavro_ingestion(&landing, &work);

    println!("| product | records in | records out | records/s | peak MiB | peak MiB at 1/4 input | vs baseline |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for id in &order {
        let m = &each[id];
        let rate = m.records_in as f64 / m.seconds;
        let versus = if id == "sales.sales_raw" {
            let fastavro_rate = fastavro_lines as f64 / fastavro_seconds;
            format!("{:.1}x the lines/s of Python fastavro ({:.0} lines/s)", rate / fastavro_rate, fastavro_rate)
        } else if let Some(base) = baselines.get(id.as_str()) {
            format!("{:.2}x the time of a typed read + write ({base:.2} s)", m.seconds / base)
        } else {
            "-".to_owned()
        };
        println!(
            "| `{id}` | {} | {} | {:.0} | {} | {} | {versus} |",
            m.records_in,
            m.records_out,
            rate,
            m.peak_kib / 1024,
            small_each[id].peak_kib / 1024
        );
    }
    println!(
        "\nwhole run (parallel): {whole_records} records read in {whole_seconds:.1} s ({:.0} records/s), peak {} MiB",
        whole_records as f64 / whole_seconds,
        whole["peak_memory_kib"].as_u64().unwrap_or(0) / 1024
    );
}
