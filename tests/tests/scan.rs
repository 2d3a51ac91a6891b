//! `cargo xtask scan`: plaintext PII and unclassified personal data found in files written by
//! another tool (fastavro), with exact counts and no value printed; a lakehouse written by the
//! typed writers scans clean. The emails are made up.

use std::path::{Path, PathBuf};

use mesh_core::codec::Compression;
use xtask::scan::scan;
// Linked so that their products are registered, as in the `cargo xtask` binary.
use customer as _;
use marketing as _;
use product as _;
use sales as _;

/// Writes 5 `sales.sales_analytics` records with fastavro from the published schema: every
/// `customer_email` in plaintext, and emails planted in 3 `customer_id`s.
fn write_with_fastavro(path: &Path) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/sales/sales_analytics.avsc");
    let script = r#"
import sys, json, uuid, decimal, fastavro
schema = fastavro.parse_schema(json.load(open(sys.argv[1])))
rows = []
for i in range(5):
    rows.append({
        "order_id": str(uuid.UUID(int=i + 1)),
        "customer_id": f"someone.{i}@example.test" if i < 3 else f"cust-{i:06}",
        "customer_email": f"buyer.{i}@example.test",
        "amount": decimal.Decimal("12.50"),
        "currency": "EUR",
        "ordered_at": 1750000000000 + i,
        "line_items": [],
        "channel": None,
        "discount": None,
    })
with open(sys.argv[2], "wb") as out:
    fastavro.writer(out, schema, rows, metadata={"mesh.product": "sales.sales_analytics"})
"#;
    let status = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&schema)
        .arg(path)
        .status()
        .expect("python3 runs (fastavro is installed by `cargo xtask test`)");
    assert!(status.success(), "fastavro could not write the file");
}

fn messages(files: &[PathBuf]) -> Vec<String> {
    scan(files).iter().map(|d| format!("{}: {}", d.code, d.message)).collect()
}

#[test]
fn plaintext_pii_and_planted_emails_in_a_fastavro_file_are_found_with_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orders.avro");
    write_with_fastavro(&file);
    let found = messages(std::slice::from_ref(&file));
    let name = file.display();
    assert_eq!(
        found,
        [
            format!(
                "MESH0301: {name}: field `customer_email` is declared encrypted, but 5 of 5 values are not ciphertext"
            ),
            format!(
                "MESH0302: {name}: field `customer_id` is not classified as PII, but 3 of 5 values look like email addresses"
            ),
        ]
    );
    for line in &found {
        assert!(!line.contains("example.test"), "a value is printed: {line}");
    }
}

#[test]
fn a_lakehouse_written_by_the_typed_writers_scans_clean_and_strangers_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for codec in mesh_core::registered_codecs() {
        let (domain, product) = codec.product.split_once('.').unwrap();
        let data = dir.path().join("lakehouse/silver").join(domain).join(product).join("data");
        std::fs::create_dir_all(&data).unwrap();
        let path = data.join("part-00000.avro");
        let mut out = std::fs::File::create(&path).unwrap();
        (codec.write_sample)(&mut out, 200, 3, Compression::Deflate).unwrap();
        files.push(path);
    }
    assert!(files.len() >= 10, "every product of the example mesh is written");
    assert_eq!(messages(&files), Vec::<String>::new());

    let garbage = dir.path().join("garbage.avro");
    std::fs::write(&garbage, b"not avro at all").unwrap();
    let found = messages(std::slice::from_ref(&garbage));
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with(&format!("MESH0304: {}: cannot be read: ", garbage.display())), "{found:?}");
}
