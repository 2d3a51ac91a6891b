//! `cargo xtask quarantine` with the real binary, on the example mesh built from generated landing
//! data (whose dirt makes bronze and silver products set lines and records aside): personal data
//! shows as `<encrypted>`, and `--reveal` gives back exactly the landing lines. No value is printed
//! by the assertions.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).env("MESH_ROOT", root).output().unwrap()
}

fn entries(root: &Path, args: &[&str]) -> Vec<Value> {
    let output = xtask(root, args);
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn quarantined_lines_and_records_show_redacted_and_open_with_reveal() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let (landing, lake) = (root.join("landing"), root.join("lake"));
    let (landing, lake) = (landing.to_str().unwrap(), lake.to_str().unwrap());
    for args in
        [vec!["generate", "--landing", landing, "--days", "1"], vec!["run", "--landing", landing, "--lakehouse", lake]]
    {
        let output = xtask(root, &args);
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }

    let redacted = entries(root, &["quarantine", "sales.sales_raw", "--lakehouse", lake]);
    assert!(!redacted.is_empty());
    assert!(redacted.iter().all(|e| e["raw"] == "<encrypted>" && e.get("raw_sealed").is_none()));
    let revealed = entries(root, &["quarantine", "sales_raw", "--lakehouse", lake, "--reveal"]);
    assert_eq!(revealed.len(), redacted.len());
    for entry in &revealed {
        let source = std::fs::read_to_string(Path::new(landing).join(entry["source"].as_str().unwrap())).unwrap();
        let line = source.lines().nth(entry["line"].as_u64().unwrap() as usize - 1).unwrap();
        assert!(entry["raw"].as_str() == Some(line), "line {} is given back exactly", entry["line"]);
    }

    let records = entries(root, &["quarantine", "sales.sales_cleaned", "--lakehouse", lake]);
    assert!(!records.is_empty());
    assert!(records.iter().all(|e| e["input"] == "sales.sales_raw" && e["record"]["customer_email"] == "<encrypted>"));
    let opened = entries(root, &["quarantine", "sales.sales_cleaned", "--lakehouse", lake, "--reveal"]);
    assert_eq!(opened.len(), records.len());
    let is_plaintext_email = |v: &str| v.contains('@') && mesh_core::codec::crypto::token_mode(v).is_none();
    assert!(opened.iter().all(|e| e["record"]["customer_email"].as_str().is_some_and(is_plaintext_email)));

    // A quarantine file from before encryption stores lines and fields in plaintext: refused
    // without `--reveal`, nothing printed.
    for (product, dir, plaintext) in [
        (
            "sales.sales_raw",
            "bronze/sales/sales_raw",
            "the landing line of sales.sales_raw, whose records hold personal data, is stored unencrypted",
        ),
        (
            "sales.sales_cleaned",
            "silver/sales/sales_cleaned",
            "field `customer_email`, which sales.sales_raw encrypts, is stored unencrypted",
        ),
    ] {
        let file = quarantine_file(&Path::new(lake).join(dir));
        let old: Vec<String> = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .map(|line| {
                let mut entry: Value = serde_json::from_str(line).unwrap();
                if entry.as_object_mut().unwrap().remove("raw_sealed").is_some() {
                    entry["raw"] = "an old line".into();
                }
                if entry.get("record").is_some() {
                    entry["record"]["customer_email"] = "someone@example.org".into();
                }
                entry.to_string()
            })
            .collect();
        std::fs::write(&file, old.join("\n") + "\n").unwrap();
        let refused = xtask(root, &["quarantine", product, "--lakehouse", lake]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success() && refused.stdout.is_empty(), "{product}: {stderr}");
        assert!(stderr.contains(plaintext) && stderr.contains("`--reveal` prints it"), "{product}: {stderr}");
        assert_eq!(entries(root, &["quarantine", product, "--lakehouse", lake, "--reveal"]).len(), old.len());
    }

    // A product whose run set nothing aside says so, and one never built is an error naming it.
    let nothing = xtask(root, &["quarantine", "sales.sales_analytics", "--lakehouse", lake]);
    assert!(nothing.status.success() && nothing.stdout.is_empty());
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("its run set nothing aside"));
    let unbuilt = xtask(root, &["quarantine", "sales.sales_raw", "--lakehouse", root.join("empty").to_str().unwrap()]);
    assert!(!unbuilt.status.success());
    assert!(String::from_utf8_lossy(&unbuilt.stderr).contains("sales.sales_raw has no committed version"));
}

/// The quarantine file under a product's folder (one run, one file).
fn quarantine_file(dir: &Path) -> std::path::PathBuf {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.to_string_lossy().contains("quarantine") {
                found.push(path);
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}
