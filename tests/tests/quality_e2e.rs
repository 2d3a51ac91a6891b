//! End to end: the example mesh built by `cargo xtask run`, faults injected into its committed
//! `sales.sales_analytics` data, and `cargo xtask validate` (the real binary) counting each exactly.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mesh_core::codec::{Compression, ContainerReader, ContainerWriter};
use mesh_core::{DataProduct, Decimal};
use mesh_pipeline::lakehouse::Lakehouse;
use sales::gold::SalesAnalytics;
// Linked so that every product of the example mesh is registered in this binary too.
use customer as _;
use marketing as _;
use product as _;

const XTASK: &str = env!("CARGO_BIN_EXE_fixture_example");
/// The bad email injected: it must never appear in any output.
const BAD_EMAIL: &str = "nobody-at-example";

fn xtask(args: &[&str]) -> Output {
    Command::new(XTASK).args(args).output().unwrap_or_else(|e| panic!("cannot run {XTASK}: {e}"))
}

/// Builds the example mesh (two days) into `<root>/lake`.
fn build(root: &Path) -> PathBuf {
    let (landing, lake) = (root.join("landing"), root.join("lake"));
    let generated =
        xtask(&["generate", "--landing", landing.to_str().unwrap(), "--days", "2", "--orders-per-day", "300"]);
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let run = xtask(&["run", "--landing", landing.to_str().unwrap(), "--lakehouse", lake.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    lake
}

/// The committed data file of `sales.sales_analytics`.
fn analytics_file(lake: &Path) -> PathBuf {
    let lakehouse = Lakehouse::new(lake);
    let manifest = lakehouse.current(SalesAnalytics::DESCRIPTOR).unwrap().expect("built");
    assert_eq!(manifest.files.len(), 1, "the example builds sales_analytics into one file");
    lakehouse.product_dir(SalesAnalytics::DESCRIPTOR).join(&manifest.files[0].path)
}

/// `cargo xtask validate ... --format json`: the exit code and the report, after checking that no
/// output holds the injected personal data.
fn validate(lake: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["validate", "--lakehouse", lake.to_str().unwrap(), "--format", "json"];
    args.extend(extra);
    let output = xtask(&args);
    for stream in [&output.stdout, &output.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(BAD_EMAIL), "personal data printed");
    }
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().expect("validate exits normally"), report)
}

fn product<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["products"].as_array().unwrap().iter().find(|p| p["product"] == id).unwrap_or_else(|| panic!("{id}"))
}

fn rule<'a>(product: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    product["rules"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("rule {id}"))
}

fn breaches(product: &serde_json::Value) -> Vec<String> {
    product["breaches"].as_array().unwrap().iter().map(|b| b["what"].as_str().unwrap().to_string()).collect()
}

/// Rewrites the committed file with faults; returns (records, nulls in `channel`, newest event millis).
fn inject_faults(file: &Path) -> (usize, usize, i64) {
    let mut records: Vec<SalesAnalytics> =
        ContainerReader::<SalesAnalytics, _>::open(file).unwrap().map(|r| r.unwrap()).collect();
    assert!(records.len() > 500, "enough records to inject into");
    // Three order ids appear twice: 6 failing records, 3 duplicated values.
    for (from, to) in [(0, 100), (1, 101), (2, 102)] {
        records[to].order_id = records[from].order_id;
    }
    // Four amounts below the range's minimum of 0.
    for (i, record) in records.iter_mut().enumerate().take(204).skip(200) {
        record.amount = Decimal::from_unscaled(-100 - i as i128).unwrap();
    }
    // Three customer ids off the pattern, and one empty (fails `not_empty` and the pattern).
    for (i, record) in records.iter_mut().enumerate().take(303).skip(300) {
        record.customer_id = format!("X{i}");
    }
    records[303].customer_id = String::new();
    // A malformed email: personal data, so reports show `<pii:direct>`.
    records[400].customer_email = BAD_EMAIL.into();
    // Nulls over the 20% limit.
    for (i, record) in records.iter_mut().enumerate() {
        if i % 3 == 0 {
            record.channel = None;
        }
    }
    let nulls = records.iter().filter(|r| r.channel.is_none()).count();
    let newest = records.iter().map(|r| r.ordered_at.0).max().unwrap();
    let mut writer =
        ContainerWriter::<SalesAnalytics, _>::new(File::create(file).unwrap(), Compression::Deflate).unwrap();
    for record in &records {
        writer.append(record).unwrap();
    }
    writer.finish().unwrap();
    (records.len(), nulls, newest)
}

fn rfc3339(millis: i64) -> String {
    mesh_core::model::Instant::from_millis(millis).to_string()
}

#[test]
fn injected_faults_are_counted_exactly_and_a_stale_product_breaches_its_freshness() {
    let dir = tempfile::tempdir().unwrap();
    let lake = build(dir.path());
    let file = analytics_file(&lake);
    let (records, nulls, newest) = inject_faults(&file);
    let fresh = rfc3339(newest + 60_000);
    let (code, report) = validate(&lake, &["sales.sales_analytics", "--at", &fresh]);
    let analytics = product(&report, "sales.sales_analytics");
    assert_eq!(analytics["records"], records);
    let counts =
        |id: &str| (rule(analytics, id)["checked"].as_u64().unwrap(), rule(analytics, id)["failing"].as_u64().unwrap());
    let n = records as u64;
    assert_eq!(counts("order_id.unique"), (n, 6));
    assert_eq!(rule(analytics, "order_id.unique")["measured"], "3 duplicated values");
    assert_eq!(counts("amount.range"), (n, 4));
    assert_eq!(counts("customer_id.pattern"), (n, 4));
    assert_eq!(counts("customer_id.not_empty"), (n, 1));
    assert_eq!(counts("customer_email.pattern"), (n, 1));
    assert_eq!(counts("channel.max_null_share"), (n, nulls as u64));
    // Examples locate the record and never show personal data.
    let email = &rule(analytics, "customer_email.pattern")["examples"][0];
    assert_eq!((email["block"].as_u64(), email["value"].as_str()), (Some(0), Some("<pii:direct>")));
    assert_eq!(email["file"], file.display().to_string());
    let amount = &rule(analytics, "amount.range")["examples"];
    assert_eq!(amount.as_array().unwrap().len(), 4);
    assert_eq!(amount[0]["value"], "-3.00");
    assert_eq!(amount[0]["record"], 200);
    // The score: records 200..204, 300..304 and 400 fail a record-level rule.
    assert_eq!(analytics["passing_records"], n - 9);
    // Uniqueness and the null share judge the data as a whole: breaches; the freshness holds.
    assert_eq!(breaches(analytics), ["order_id.unique", "channel.max_null_share"]);
    assert_eq!(code, 1);

    // The same data an hour later is stale: the breach names the SLA.
    let stale = rfc3339(newest + 3_600_000);
    let (code, report) = validate(&lake, &["sales.sales_analytics", "--at", &stale]);
    let analytics = product(&report, "sales.sales_analytics");
    assert_eq!(code, 1);
    let freshness = analytics["breaches"].as_array().unwrap().iter().find(|b| b["what"] == "sla.freshness").unwrap();
    assert!(
        freshness["message"].as_str().unwrap().contains("breaches the SLA's freshness of 15 minutes"),
        "{freshness}"
    );
    assert_eq!(analytics["freshness"]["age_seconds"], 3600);

    // Keys partitioned on disk (a 16 KiB budget) count the same.
    let (_, spilled) = validate(&lake, &["sales.sales_analytics", "--at", &fresh, "--unique-memory", "16"]);
    let spilled = product(&spilled, "sales.sales_analytics");
    assert_eq!(spilled["spilled"], true);
    assert_eq!(rule(spilled, "order_id.unique")["failing"], 6);
    assert_eq!(rule(spilled, "order_id.unique")["examples"], rule(analytics, "order_id.unique")["examples"]);
}

#[test]
fn history_keeps_one_result_per_committed_version_and_corrupt_data_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let lake = build(dir.path());
    let (code, first) = validate(&lake, &["--at", "2026-11-02T00:00:00Z"]);
    assert!(code <= 1, "the built mesh is readable: {first}");
    let (_, _) = validate(&lake, &["--at", "2026-11-02T00:00:00Z"]);
    let db = rusqlite::Connection::open(lake.join("_validations.sqlite")).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |row| row.get::<_, i64>(0)).unwrap();
    let products = first["products"].as_array().unwrap().len() as i64;
    assert_eq!(count("SELECT COUNT(*) FROM validation_runs"), products, "validated twice, recorded once");
    let rules: i64 =
        first["products"].as_array().unwrap().iter().map(|p| p["rules"].as_array().unwrap().len() as i64 + 2).sum();
    assert_eq!(count("SELECT COUNT(*) FROM validation_rules"), rules);
    let failing: i64 = db
        .query_row(
            "SELECT failing FROM validation_rules WHERE product = 'sales.sales_analytics' AND rule_id = 'channel.max_null_share'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(
        failing,
        rule(product(&first, "sales.sales_analytics"), "channel.max_null_share")["failing"].as_i64().unwrap()
    );

    // A corrupt block: reported with its file and block, exit 2.
    let file = analytics_file(&lake);
    let mut bytes = fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 64] {
        *byte ^= 0x5a;
    }
    fs::write(&file, bytes).unwrap();
    let (code, report) = validate(&lake, &["sales.sales_analytics", "--at", "2026-11-02T00:00:00Z"]);
    assert_eq!(code, 2, "{report}");
    let errors = product(&report, "sales.sales_analytics")["read_errors"].as_array().unwrap().clone();
    assert!(!errors.is_empty());
    assert_eq!(errors[0]["file"], file.display().to_string());
    assert!(errors[0]["block"].is_u64(), "{errors:?}");
}
