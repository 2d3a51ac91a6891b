//! The same contract on Apache Spark: `cargo xtask validate --engine spark` (the real binary, a
//! real Spark from pyspark) counts exactly what the embedded validator counts, rule by rule, on
//! data made of the edge cases (nulls, decimals at their bounds, NaN and infinities, timestamps,
//! non-ASCII and empty strings, trailing newlines, duplicates), in local mode and on a standalone
//! cluster (a master and a worker process on loopback); and on every product of the example mesh.
//! The SQL itself is snapshotted per dialect.

#[path = "../fixtures/quality_kinds.rs"]
mod quality_kinds;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output};

use mesh_core::codec::{Compression, ContainerWriter};
use mesh_core::{Date, Decimal, TimestampMillis};
use mesh_tests::spark::SparkCluster;
use quality_kinds::EveryRule;
use serde_json::Value;

const KINDS: &str = env!("CARGO_BIN_EXE_fixture_quality_kinds");
const EXAMPLE: &str = env!("CARGO_BIN_EXE_fixture_example");
/// Freshness is measured here: two hours after the newest record below, so the product is stale
/// (its SLA promises one hour).
const AT: &str = "2026-11-01T14:00:00Z";

fn run(binary: &str, args: &[&str]) -> Output {
    Command::new(binary).args(args).output().unwrap_or_else(|e| panic!("cannot run {binary}: {e}"))
}

/// Cycles through `values`: record `i` takes `values[i % len]`, so lists of coprime lengths mix.
fn pick<T: Clone>(values: &[T], i: usize) -> T {
    values[i % values.len()].clone()
}

/// Writes the edge cases as one container file of `checks.every_rule`.
fn write_edge_cases(path: &Path) -> usize {
    let codes = ["A001", "A001", "A002", "a001", "A0011", "Ä001", "B001\n", "C123", "D456", "E789", "F000"];
    let names = ["", "é", "ééééé", "ab", "abcdef", "日本語", "😀😀", "  ", "abc\n"];
    let amounts: [i128; 7] = [-1, 0, 99_999, 100_000, 1_234_567_890, 50, 12_345];
    let ratios = [
        None,
        Some(0.0),
        Some(1.0),
        Some(1.000_000_1),
        Some(0.5),
        Some(f64::NAN),
        Some(-0.0),
        None,
        Some(f64::INFINITY),
        None,
    ];
    let currencies = ["EUR", "GBP", "€", "eur", "", "€ ", "EUR"];
    let levels = [1, 2, 3, 0, -1, 4];
    let payloads: [&[u8]; 4] = [b"", &[0], &[0xff, 0x00], b"x"];
    let tags: [&[&str]; 4] = [&[], &["a", "b"], &["a", "b", "c"], &["é"]];
    let days = [None, Some(1), Some(1), Some(2), None, Some(-3)];
    let count = 120;
    let mut writer = ContainerWriter::<EveryRule, _>::new(File::create(path).unwrap(), Compression::Deflate).unwrap();
    let newest = mesh_core::model::Instant::parse_rfc3339("2026-11-01T12:00:00Z").unwrap().0 / 1_000;
    for i in 0..count {
        writer
            .append(&EveryRule {
                code: pick(&codes, i).to_string(),
                name: pick(&names, i).to_string(),
                amount: Decimal::from_unscaled(pick(&amounts, i)).unwrap(),
                ratio: pick(&ratios, i),
                currency: pick(&currencies, i).to_string(),
                level: pick(&levels, i),
                payload: pick(&payloads, i).to_vec(),
                tags: pick(&tags, i).iter().map(|t| t.to_string()).collect(),
                day: pick(&days, i).map(Date),
                // The newest is the last record's; earlier ones are a minute apart.
                seen_at: TimestampMillis(newest - (count - 1 - i) as i64 * 60_000),
            })
            .unwrap();
    }
    writer.finish().unwrap();
    count
}

/// `validate ... --format json` with the extra arguments; the exit code and the report.
fn validate(binary: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["validate", "--format", "json", "--at", AT];
    all.extend(args);
    let output = run(binary, &all);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("validate {args:?}: {e}\n{}", String::from_utf8_lossy(&output.stderr));
    });
    (output.status.code().expect("exits normally"), report)
}

/// What both engines must agree on, per product: counts, verdicts, score, freshness, breaches.
fn measured(report: &Value) -> Vec<Value> {
    report["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let rules: Vec<Value> = p["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| serde_json::json!([r["id"], r["checked"], r["failing"], r["passed"], r["measured"]]))
                .collect();
            let breaches: Vec<&Value> = p["breaches"].as_array().unwrap().iter().map(|b| &b["what"]).collect();
            serde_json::json!({
                "product": p["product"],
                "records": p["records"],
                "passing_records": p["passing_records"],
                "quality_score": p["quality_score"],
                "newest_event_time": p["freshness"]["newest_event_time"],
                "rules": rules,
                "breaches": breaches,
                "read_errors": p["read_errors"],
            })
        })
        .collect()
}

fn assert_same(embedded: &Value, spark: &Value, what: &str) {
    for (e, s) in measured(embedded).iter().zip(measured(spark).iter()) {
        assert_eq!(e, s, "{what}: the embedded validator (left) and Spark (right) differ");
    }
    assert_eq!(measured(embedded).len(), measured(spark).len(), "{what}: products");
}

#[test]
fn every_rule_kind_counts_the_same_on_spark_local_as_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("every_rule.avro");
    let records = write_edge_cases(&file);
    let file = file.to_str().unwrap();
    let (code, embedded) = validate(KINDS, &["--files", file]);
    // The faults are there: every rule but the row count fails, and the code is a breach's.
    let rules = embedded["products"][0]["rules"].as_array().unwrap();
    assert_eq!(embedded["products"][0]["records"], records);
    for rule in rules {
        assert_eq!(rule["passed"], rule["id"] == "row_count", "{rule}");
    }
    assert_eq!(code, 1);
    let (spark_code, spark) = validate(KINDS, &["--files", file, "--engine", "spark", "--master", "local[2]"]);
    assert_same(&embedded, &spark, "edge cases, local[2]");
    assert_eq!(spark_code, code);
    let stale = spark["products"][0]["breaches"].as_array().unwrap().iter().find(|b| b["what"] == "sla.freshness");
    let message = stale.expect("a freshness breach")["message"].as_str().unwrap();
    assert!(message.contains("is 2h old") && message.contains("SLA's freshness of 1 hour"), "{message}");
}

#[test]
fn the_example_mesh_counts_the_same_on_spark_as_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let (landing, lake) = (dir.path().join("landing"), dir.path().join("lake"));
    let generated =
        run(EXAMPLE, &["generate", "--landing", landing.to_str().unwrap(), "--days", "1", "--orders-per-day", "200"]);
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let built = run(EXAMPLE, &["run", "--landing", landing.to_str().unwrap(), "--lakehouse", lake.to_str().unwrap()]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let lake = lake.to_str().unwrap();
    let (code, embedded) = validate(EXAMPLE, &["--lakehouse", lake]);
    let (spark_code, spark) = validate(EXAMPLE, &["--lakehouse", lake, "--engine", "spark", "--master", "local[2]"]);
    assert_eq!(embedded["products"].as_array().unwrap().len(), 10);
    assert_same(&embedded, &spark, "example mesh, local[2]");
    assert_eq!(spark_code, code);
    // Staging is removed: only the data and the history remain in the lakehouse.
    let left: Vec<String> = std::fs::read_dir(lake)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert_eq!(left, Vec::<String>::new(), "staging folders left behind");
}

#[test]
fn every_rule_kind_counts_the_same_on_a_standalone_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("every_rule.avro");
    write_edge_cases(&file);
    let file = file.to_str().unwrap();
    let (_, embedded) = validate(KINDS, &["--files", file]);
    let logs = tempfile::tempdir().unwrap();
    let cluster = SparkCluster::start(logs.path());
    let (_, spark) = validate(KINDS, &["--files", file, "--engine", "spark", "--master", &cluster.master_url]);
    assert_same(&embedded, &spark, "edge cases, standalone cluster");
    drop(cluster);
}

#[test]
fn the_sql_of_every_rule_kind_in_each_dialect() {
    for dialect in ["spark", "trino", "postgres"] {
        let output =
            run(KINDS, &["sql", "checks.every_rule", "--dialect", dialect, "--location", "/lake/checks/every_rule"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        insta::assert_snapshot!(format!("sql_{dialect}"), String::from_utf8(output.stdout).unwrap());
    }
}

#[test]
fn an_unknown_product_is_refused_with_the_known_ones() {
    let output = run(KINDS, &["sql", "checks.nothing"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no product `checks.nothing`") && stderr.contains("checks.every_rule"), "{stderr}");
}
