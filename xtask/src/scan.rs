//! `cargo xtask scan [DIR...]`: the platform's check of data at rest. Every Avro file under the
//! folders (the lakehouse by default) is read record by record (memory independent of file sizes),
//! files in parallel, and reported as diagnostics:
//! - MESH0301: a field declared `encrypted` whose stored values are not ciphertext tokens;
//! - MESH0302: values that look like personal data in a field not classified as PII;
//! - MESH0303 / MESH0304: files of no product of the mesh, and unreadable files (the rest is scanned).
//!
//! Counts only: no value is ever printed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use mesh_analysis::diagnostic::{Code, Diagnostic, Severity};
use mesh_avro::codec::crypto::{is_token, Mode};
use mesh_avro::codec::SchemaReader;
use serde_json::Value;

use crate::check::CheckFormat;
use crate::output::{Failure, Output};

mod patterns;

pub use patterns::{classify, Kind};

/// Scans `dirs` and prints the findings; fails on an error-level finding.
pub fn run(dirs: &[PathBuf], format: CheckFormat, out: &mut Output) -> Result<(), Failure> {
    let mut files = Vec::new();
    for dir in dirs {
        walk(dir, &mut files).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    }
    files.sort();
    let findings = scan(&files);
    let errors = findings.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    let summary = format!(
        "scan {}: {} files, {errors} errors, {warnings} warnings",
        if errors > 0 { "failed" } else { "ok" },
        files.len()
    );
    let text = match format {
        CheckFormat::Text => findings.iter().map(|d| format!("{d}\n\n")).collect::<String>() + &summary + "\n",
        CheckFormat::Json => {
            let document = serde_json::json!({
                "summary": {"files": files.len(), "errors": errors, "warnings": warnings},
                "diagnostics": findings,
            });
            serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
        }
        CheckFormat::Github => {
            let lines: String = findings
                .iter()
                .map(|d| format!("::{} title={}::{}\n", d.severity, d.code, d.message.replace('\n', " ")))
                .collect();
            lines + &summary + "\n"
        }
    };
    out.print(&text)?;
    match errors {
        0 => Ok(()),
        n => Err(format!("the scan found {n} error{}", if n == 1 { "" } else { "s" }).into()),
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "avro") {
            files.push(path);
        }
    }
    Ok(())
}

/// The findings of every file, in file order; files are read on every core.
pub fn scan(files: &[PathBuf]) -> Vec<Diagnostic> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let at = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(at) else { break };
                let findings = scan_file(file);
                results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((at, findings));
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_by_key(|(at, _)| *at);
    results.into_iter().flat_map(|(_, findings)| findings).collect()
}

/// What the declaration says of each field path.
struct Expected {
    pii: HashMap<String, bool>,
}

fn expected(product: &str) -> Option<Expected> {
    let registration = mesh_core::registered_products().into_iter().find(|r| r.descriptor.id() == product)?;
    let pii = registration.descriptor.pii_fields().into_iter().map(|p| (p.path, p.pii.encrypted_at_rest)).collect();
    Some(Expected { pii })
}

#[derive(Default)]
struct Counts {
    records: u64,
    plaintext: BTreeMap<String, u64>,
    personal: BTreeMap<(String, Kind), u64>,
}

fn scan_file(file: &Path) -> Vec<Diagnostic> {
    let name = file.display().to_string();
    let unreadable = |why: String| {
        vec![Diagnostic::new(Code::UnreadableDataFile, format!("{name}: cannot be read: {why}"))
            .help("restore the file from its source, or remove it; the other files were scanned")]
    };
    let mut reader = match SchemaReader::open(file) {
        Ok(reader) => reader,
        Err(e) => return unreadable(e.kind.to_string()),
    };
    let Some(product) = reader.header().product().map(str::to_owned) else {
        return vec![Diagnostic::new(Code::UnknownDataFile, format!("{name}: names no product (`mesh.product`)"))
            .help("write data files with the product's typed writer, or move the file out of the lakehouse")];
    };
    let Some(expected) = expected(&product) else {
        return vec![Diagnostic::new(
            Code::UnknownDataFile,
            format!("{name}: holds records of `{product}`, which is not a product of this mesh"),
        )
        .help("remove the file, or declare the product")];
    };
    let mut counts = Counts::default();
    let mut line = String::new();
    let mut findings = Vec::new();
    loop {
        line.clear();
        match reader.read_json(&mut line) {
            None => break,
            Some(Ok(())) => {}
            Some(Err(e)) => {
                findings.extend(unreadable(format!("{} (after {} records)", e.kind, counts.records)));
                break;
            }
        }
        counts.records += 1;
        if let Ok(record) = serde_json::from_str::<Value>(&line) {
            visit(&record, &mut String::new(), &expected, &mut counts);
        }
    }
    for (path, count) in counts.plaintext {
        findings.push(
            Diagnostic::new(
                Code::PlaintextPii,
                format!(
                    "{name}: field `{path}` is declared encrypted, but {count} of {} values are not ciphertext",
                    counts.records
                ),
            )
            .product(&product)
            .help("rewrite the file with the product's typed writer (it encrypts), then delete this one"),
        );
    }
    for ((path, kind), count) in counts.personal {
        findings.push(
            Diagnostic::new(
                Code::UnclassifiedPersonalData,
                format!(
                    "{name}: field `{path}` is not classified as PII, but {count} of {} values look like {kind}",
                    counts.records,
                    kind = kind.plural()
                ),
            )
            .product(&product)
            .help("classify the field with #[pii(..., encrypted)] in the declaration, or stop storing that data"),
        );
    }
    findings
}

fn visit(value: &Value, path: &mut String, expected: &Expected, counts: &mut Counts) {
    match value {
        Value::Object(fields) => {
            for (name, value) in fields {
                let len = path.len();
                if !path.is_empty() && !path.ends_with("[]") {
                    path.push('.');
                }
                path.push_str(name);
                visit(value, path, expected, counts);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            let len = path.len();
            path.push_str("[]");
            for item in items {
                visit(item, path, expected, counts);
            }
            path.truncate(len);
        }
        Value::String(text) => match expected.pii.get(path.as_str()) {
            Some(true) => {
                if !(is_token(text, Mode::Randomized) || is_token(text, Mode::Deterministic)) {
                    *counts.plaintext.entry(path.clone()).or_default() += 1;
                }
            }
            Some(false) => {}
            None => {
                if let Some(kind) = classify(text) {
                    *counts.personal.entry((path.clone(), kind)).or_default() += 1;
                }
            }
        },
        _ => {}
    }
}
