//! `cargo xtask scan` with the real binary: the example mesh built by its pipelines scans clean;
//! files written by other tools (fastavro, apache-avro) with personal data where it does not
//! belong are found with exact counts; files of no product and damaged files are reported without
//! stopping the scan; mesh.toml's levels and waivers apply. The scan's output never holds a value.

use std::path::Path;
use std::process::{Command, Output};

use sales::silver::SalesCleaned;
use serde_json::Value;

#[path = "support/unencrypted.rs"]
mod unencrypted;

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).env("MESH_ROOT", root).output().unwrap()
}

/// The scan's JSON report of `dirs` and its exit code.
fn scan(root: &Path, dirs: &[&Path]) -> (i32, Value) {
    let mut args = vec!["scan", "--format", "json", "--today", "2026-12-01"];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    let output = xtask(root, &args);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap(), report)
}

/// Each diagnostic as (code, severity, message).
fn findings(report: &Value) -> Vec<(String, String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().into(),
                d["severity"].as_str().unwrap().into(),
                d["message"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// The example mesh built from one day of landing data into `root/lake`.
fn build(root: &Path) -> std::path::PathBuf {
    let (landing, lake) = (root.join("landing"), root.join("lake"));
    for args in [
        vec!["generate", "--landing", landing.to_str().unwrap(), "--days", "1", "--orders-per-day", "150"],
        vec!["run", "--landing", landing.to_str().unwrap(), "--lakehouse", lake.to_str().unwrap()],
    ] {
        let output = xtask(root, &args);
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    lake
}

/// 20 sales analytics orders written by fastavro with the product's published schema: plaintext
/// emails where the product encrypts them, and an email in `customer_id` (not personal data) in 7.
fn fastavro_file(path: &Path) {
    let script = r#"
import datetime, decimal, json, sys, uuid, fastavro
schema = fastavro.parse_schema(json.load(open(sys.argv[1])))
records = [{
    "order_id": str(uuid.UUID(int=i)),
    "customer_id": f"buyer{i}@example.org" if i % 3 == 0 else f"C{i:06d}",
    "customer_email": f"plain{i}@example.org",
    "amount": decimal.Decimal("1.00"), "currency": "EUR",
    "ordered_at": datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc),
    "line_items": [], "channel": None, "discount": None,
} for i in range(20)]
with open(sys.argv[2], "wb") as out:
    fastavro.writer(out, schema, records)
"#;
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/sales/sales_analytics.avsc");
    let output = Command::new("python3").args(["-c", script]).arg(schema).arg(path).output().expect("python3 runs");
    assert!(output.status.success(), "fastavro: {}", String::from_utf8_lossy(&output.stderr));
}

/// 30 sales cleaned orders as a writer without encryption leaves them, with `mesh.product` set.
/// Returns how many have a shipping address, and every personal value it stores in plaintext
/// (emails, streets, postcodes).
fn unencrypted_file(path: &Path) -> (usize, Vec<String>) {
    let (records, file) = unencrypted::unencrypted_file::<SalesCleaned>(30, 9, true);
    std::fs::write(path, file).unwrap();
    let addresses = records.iter().filter_map(|r| r.shipping_address.as_ref());
    let mut values: Vec<String> = records.iter().map(|r| r.customer_email.clone()).collect();
    values.extend(addresses.clone().flat_map(|a| [a.street.clone(), a.postcode.clone()]).filter(|v| !v.is_empty()));
    (addresses.count(), values)
}

#[test]
fn a_lakehouse_the_pipelines_wrote_scans_clean() {
    let root = tempfile::tempdir().unwrap();
    let lake = build(root.path());
    let (code, report) = scan(root.path(), &[&lake]);
    assert_eq!((code, findings(&report)), (0, vec![]));
    assert_eq!(report["summary"]["files"], 10, "one data file per product");
    assert!(report["summary"]["records"].as_u64().unwrap() > 1000);
}

#[test]
fn personal_data_where_it_does_not_belong_is_found_and_counted() {
    let root = tempfile::tempdir().unwrap();
    let lake = build(root.path());
    let gold = lake.join("gold/sales/sales_analytics/data");
    fastavro_file(&gold.join("from-fastavro.avro"));
    let silver = lake.join("silver/sales/sales_cleaned/data");
    let (addresses, plaintext) = unencrypted_file(&silver.join("from-an-older-writer.avro"));
    std::fs::write(lake.join("gold/sales/sales_analytics/data/notes.avro"), b"Obj\x01 cut short").unwrap();
    let foreign = root.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    let schema = apache_avro::Schema::parse_str(r#"{"type":"record","name":"T","fields":[{"name":"x","type":"int"}]}"#);
    let mut writer = apache_avro::Writer::new(schema.as_ref().unwrap(), Vec::new()).unwrap();
    writer
        .append_value(apache_avro::types::Value::Record(vec![("x".into(), apache_avro::types::Value::Int(1))]))
        .unwrap();
    std::fs::write(foreign.join("other.avro"), writer.into_inner().unwrap()).unwrap();
    // A link is reported, not followed (its target's findings are not counted twice); a FIFO is
    // never opened, or the scan would wait forever.
    std::os::unix::fs::symlink(gold.join("from-fastavro.avro"), foreign.join("link.avro")).unwrap();
    let fifo = foreign.join("pipe.avro");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());

    let (code, report) = scan(root.path(), &[&lake, &foreign]);
    assert_eq!(code, 1);
    let fastavro = gold.join("from-fastavro.avro").display().to_string();
    let older = silver.join("from-an-older-writer.avro").display().to_string();
    let error = |message: String| ("error".to_string(), message);
    let mut found: Vec<(String, String, String)> = findings(&report);
    found.sort();
    let expected_errors = [
        (
            "MESH0110",
            error(format!("{fastavro}: field `customer_email` is declared encrypted (randomized), but 20 of its 20 values are not ciphertext")),
        ),
        (
            "MESH0110",
            error(format!("{older}: field `customer_email` is declared encrypted (randomized), but 30 of its 30 values are not ciphertext")),
        ),
        (
            "MESH0110",
            error(format!(
                "{older}: field `shipping_address.street` is declared encrypted (randomized), but {addresses} of its {addresses} values are not ciphertext"
            )),
        ),
        (
            "MESH0110",
            error(format!(
                "{older}: field `shipping_address.postcode` is declared encrypted (randomized), but {addresses} of its {addresses} values are not ciphertext"
            )),
        ),
        (
            "MESH0111",
            error(format!("{fastavro}: field `customer_id` is not classified as PII, but 7 of its 20 values look like email addresses")),
        ),
    ];
    for (code, (severity, message)) in &expected_errors {
        assert!(
            found.contains(&(code.to_string(), severity.clone(), message.clone())),
            "missing {code} {message} in {found:#?}"
        );
    }
    let warnings: Vec<&(String, String, String)> = found.iter().filter(|f| f.1 == "warning").collect();
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.0 == "MESH0112" && w.2.contains("other.avro belongs to no product of the mesh")));
    assert!(warnings.iter().any(|w| w.0 == "MESH0112" && w.2.contains("link.avro is a symbolic link")));
    assert!(warnings.iter().any(|w| w.0 == "MESH0113" && w.2.contains("notes.avro cannot be read")));
    assert!(warnings
        .iter()
        .any(|w| w.0 == "MESH0113" && w.2.contains("pipe.avro cannot be read") && w.2.contains("not a regular file")));
    assert_eq!(found.len(), expected_errors.len() + warnings.len(), "nothing else is found: {found:#?}");
    // No stored value is ever printed, in either format, on either stream.
    let text = xtask(root.path(), &["scan", lake.to_str().unwrap(), foreign.to_str().unwrap()]);
    let printed = [
        report.to_string(),
        String::from_utf8_lossy(&text.stdout).into(),
        String::from_utf8_lossy(&text.stderr).into(),
    ];
    let fastavro_values = (0..20).flat_map(|i| [format!("plain{i}@example.org"), format!("buyer{i}@example.org")]);
    let values: Vec<String> = plaintext.into_iter().chain(fastavro_values).collect();
    let shown = values.iter().filter(|value| printed.iter().any(|out| out.contains(value.as_str()))).count();
    assert_eq!(shown, 0, "{shown} stored values printed by the scan");
}

#[test]
fn levels_and_waivers_come_from_mesh_toml() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data/gold/sales/sales_analytics");
    std::fs::create_dir_all(&data).unwrap();
    fastavro_file(&data.join("orders.avro"));
    std::fs::write(
        root.path().join("mesh.toml"),
        "[policies]\npersonal-data-classified = \"warning\"\n\n\
         [[waivers]]\ndomain = \"sales\"\npolicy = \"pii-stored-encrypted\"\n\
         reason = \"the import is being moved to the typed writer, DATA-7\"\nexpires = \"2026-12-31\"\n",
    )
    .unwrap();
    let (code, report) = scan(root.path(), &[&root.path().join("data")]);
    assert_eq!(code, 0, "a warning and a waived finding do not fail the scan");
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].0.as_str(), found[0].1.as_str()), ("MESH0111", "warning"));
    assert_eq!(report["summary"]["waived"], 1);
}
