//! End to end: `cargo xtask generate` then `cargo xtask run` (the real binary) build the example
//! mesh into a lakehouse; the tests read what it committed with the typed readers.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use customer::gold::Customer360;
use marketing::silver::MarketingCleaned;
use mesh_core::codec::crypto::{Encryption, Opener};
use mesh_core::codec::{ContainerReader, ContainerRecord};
use mesh_core::{registered_codecs, registered_products, DataProduct, TimestampMillis};
use mesh_pipeline::lakehouse::{Lakehouse, Manifest};
use sales::silver::SalesCleaned;
// Linked so that its products are registered in this binary too.
use product as _;

const XTASK: &str = env!("CARGO_BIN_EXE_fixture_example");

fn xtask(args: &[&str]) -> Output {
    Command::new(XTASK).args(args).output().unwrap_or_else(|e| panic!("cannot run {XTASK}: {e}"))
}

fn generate(root: &Path, days: u32) {
    generate_orders(root, days, 300);
}

fn generate_orders(root: &Path, days: u32, orders_per_day: u32) {
    let (days, orders) = (days.to_string(), orders_per_day.to_string());
    let landing = root.join("landing");
    let output =
        xtask(&["generate", "--landing", landing.to_str().unwrap(), "--days", &days, "--orders-per-day", &orders]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// `cargo xtask run --format json`: the exit code and the report.
fn run(root: &Path) -> (i32, serde_json::Value) {
    let (landing, lake) = (root.join("landing"), root.join("lake"));
    let output = xtask(&[
        "run",
        "--landing",
        landing.to_str().unwrap(),
        "--lakehouse",
        lake.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().expect("run exits normally"), report)
}

fn statuses(report: &serde_json::Value) -> BTreeMap<String, String> {
    report["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["product"].as_str().unwrap().to_owned(), p["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn current(root: &Path, id: &str) -> Option<Manifest> {
    let product = registered_products().into_iter().find(|r| r.descriptor.id() == id).unwrap().descriptor;
    Lakehouse::new(root.join("lake")).current(product).unwrap()
}

fn read<T: ContainerRecord + DataProduct>(root: &Path) -> Vec<T> {
    let lakehouse = Lakehouse::new(root.join("lake"));
    let manifest = lakehouse.current(T::DESCRIPTOR).unwrap().expect("committed");
    let dir = lakehouse.product_dir(T::DESCRIPTOR);
    manifest
        .files
        .iter()
        .flat_map(|f| ContainerReader::<T, _>::open(dir.join(&f.path)).unwrap().map(Result::unwrap))
        .collect()
}

#[test]
fn the_mesh_builds_from_landing_data_then_does_nothing_then_only_the_new_day() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    generate(root, 2);
    let (code, first) = run(root);
    assert_eq!(code, 0, "{first}");
    let built = statuses(&first);
    assert_eq!(built.len(), 10);
    assert!(built.values().all(|s| s == "built"), "{built:?}");

    let (code, second) = run(root);
    assert_eq!(code, 0);
    assert!(statuses(&second).values().all(|s| s == "up_to_date"), "{second}");

    generate(root, 3);
    let (code, third) = run(root);
    assert_eq!(code, 0);
    assert!(statuses(&third).values().all(|s| s == "built"), "{third}");
    for (id, folder) in [
        ("sales.sales_raw", "sales/sales_raw"),
        ("marketing.marketing_raw", "marketing/marketing_raw"),
        ("product.usage_raw", "product/usage_raw"),
    ] {
        let manifest = current(root, id).unwrap();
        let new_day = fs::read_to_string(root.join("landing").join(folder).join("2026-11-03.jsonl")).unwrap();
        assert_eq!(manifest.run.records_in, new_day.lines().count() as u64, "{id} read only the new day");
        let ingested: Vec<(&str, u64)> = manifest.landing.iter().map(|f| (f.name.as_str(), f.version)).collect();
        assert_eq!(ingested, [("2026-11-01.jsonl", 1), ("2026-11-02.jsonl", 1), ("2026-11-03.jsonl", 2)], "{id}");
    }
}

#[test]
fn malformed_landing_lines_are_quarantined_by_line_and_none_is_lost() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    generate(root, 2);
    assert_eq!(run(root).0, 0);
    let truth: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("landing/_generated.json")).unwrap()).unwrap();
    for id in ["sales.sales_raw", "marketing.marketing_raw", "product.usage_raw"] {
        let manifest = current(root, id).unwrap();
        let days = truth["products"][id].as_object().unwrap();
        let count = |key: &str| days.values().map(|day| day[key].as_u64().unwrap_or(0)).sum::<u64>();
        let malformed = count("malformed_truncated") + count("malformed_wrong_type") + count("malformed_missing_field");
        assert_eq!(manifest.run.quarantined, malformed, "{id}: every malformed line, and only those");
        assert_eq!(manifest.run.records_in, count("lines"), "{id}");
        assert_eq!(manifest.records + manifest.run.quarantined, count("lines"), "{id}: no line lost");
        // Each quarantined entry names a line of its landing file that is indeed not a record; every
        // bronze product holds personal data, so the line is kept sealed with its domain's key.
        let (domain, name) = id.split_once('.').unwrap();
        let dir = root.join("lake/bronze").join(domain).join(name);
        let quarantine = fs::read_to_string(dir.join(manifest.run.quarantine_file.unwrap())).unwrap();
        let mut opener = Opener::new(domain, None);
        for entry in quarantine.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()) {
            let source = root.join("landing").join(entry["source"].as_str().unwrap());
            let text = fs::read_to_string(source).unwrap();
            let line = text.lines().nth(entry["line"].as_u64().unwrap() as usize - 1).unwrap();
            assert!(entry.get("raw").is_none(), "{id}: no line in plaintext");
            let sealed = entry["raw_sealed"].as_str().expect("the line, sealed");
            let opened = opener.open(sealed, Encryption::Randomized).unwrap();
            assert!(opened == line, "{id}: the entry holds its line (line {})", entry["line"]);
        }
    }
    // Records a silver pipeline sets aside keep their encrypted fields sealed, as in their own files.
    let manifest = current(root, "sales.sales_cleaned").unwrap();
    let dir = root.join("lake/silver/sales/sales_cleaned");
    let quarantine = fs::read_to_string(dir.join(manifest.run.quarantine_file.unwrap())).unwrap();
    assert!(quarantine.lines().count() > 0, "the generated dirt makes sales_cleaned quarantine records");
    for entry in quarantine.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()) {
        assert_eq!(entry["input"], "sales.sales_raw");
        let email = entry["record"]["customer_email"].as_str().unwrap();
        assert_eq!(mesh_core::codec::crypto::token_mode(email), Some(Encryption::Randomized));
    }
}

#[test]
fn customer_360_agrees_with_a_recomputation_from_the_silver_files() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    generate(root, 3);
    assert_eq!(run(root).0, 0);
    #[derive(Default, Debug, PartialEq)]
    struct Expected {
        orders: i64,
        touches: i64,
        first_order_at: Option<TimestampMillis>,
    }
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    for order in read::<SalesCleaned>(root) {
        let customer = expected.entry(order.customer_id).or_default();
        customer.orders += 1;
        customer.first_order_at = Some(match customer.first_order_at {
            Some(first) if first <= order.ordered_at => first,
            _ => order.ordered_at,
        });
    }
    for touch in read::<MarketingCleaned>(root) {
        expected.entry(touch.customer_id).or_default().touches += 1;
    }
    let actual: BTreeMap<String, Expected> = read::<Customer360>(root)
        .into_iter()
        .map(|c| {
            let fields = Expected { orders: c.orders, touches: c.marketing_touches, first_order_at: c.first_order_at };
            (c.customer_id, fields)
        })
        .collect();
    assert_eq!(actual.keys().collect::<BTreeSet<_>>(), expected.keys().collect::<BTreeSet<_>>());
    let only_marketing = expected.values().filter(|c| c.orders == 0).count();
    let only_sales = expected.values().filter(|c| c.touches == 0).count();
    assert!(only_marketing > 0 && only_sales > 0, "the data has customers in one input only");
    for (id, fields) in &expected {
        // Not `assert_eq!` on the maps: a difference names the customer id only, never an email.
        assert!(actual.get(id) == Some(fields), "customer {id}: {:?} != {fields:?}", actual.get(id));
    }
}

/// Every committed version is whole: each listed file exists and holds the records it says.
fn assert_committed_versions_are_whole(root: &Path) {
    let lakehouse = Lakehouse::new(root.join("lake"));
    for registration in registered_products() {
        let Some(manifest) = lakehouse.current(registration.descriptor).unwrap() else { continue };
        let codec = registered_codecs().find(|c| c.product == manifest.product).unwrap();
        let dir = lakehouse.product_dir(registration.descriptor);
        for file in &manifest.files {
            let read = (codec.read_file)(&dir.join(&file.path), &mut |_| Ok(()), None, true)
                .unwrap_or_else(|e| panic!("{}: {e}", manifest.product));
            assert_eq!(read, file.records, "{} {}", manifest.product, file.path);
        }
        assert_eq!(manifest.files.iter().map(|f| f.records).sum::<u64>(), manifest.records);
    }
}

fn record_counts(root: &Path) -> BTreeMap<String, u64> {
    let lakehouse = Lakehouse::new(root.join("lake"));
    registered_products()
        .into_iter()
        .filter_map(|r| lakehouse.current(r.descriptor).unwrap().map(|m| (m.product, m.records)))
        .collect()
}

#[test]
fn a_run_killed_at_any_moment_leaves_a_committed_version_and_the_next_run_completes() {
    let reference = tempfile::tempdir().unwrap();
    generate_orders(reference.path(), 2, 1000);
    assert_eq!(run(reference.path()).0, 0);

    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    generate_orders(root, 2, 1000);
    let (landing, lake) = (root.join("landing"), root.join("lake"));
    let mut partial = 0;
    for delay_ms in [30, 150, 400, 900, 1600, 2500] {
        let mut child = Command::new(XTASK)
            .args(["run", "--landing", landing.to_str().unwrap(), "--lakehouse", lake.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        // SIGKILL: no destructor, no cleanup.
        let _ = child.kill();
        let finished = child.wait().unwrap().success();
        assert_committed_versions_are_whole(root);
        partial += usize::from(!finished && record_counts(root).len() < 10);
    }
    assert!(partial > 0, "at least one kill must land while products are still being built");
    let (code, report) = run(root);
    assert_eq!(code, 0, "{report}");
    assert_committed_versions_are_whole(root);
    assert_eq!(record_counts(root), record_counts(reference.path()), "the same data as an uninterrupted run");
    assert!(statuses(&run(root).1).values().all(|s| s == "up_to_date"));
}
