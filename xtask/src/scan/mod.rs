//! `cargo xtask scan [DIR...]`: the platform's check of data at rest. Every Avro file under the
//! folders (the lakehouse by default) is read record by record, files in parallel, and each
//! finding is a diagnostic of a policy on data at rest, at the level `mesh.toml` sets for the
//! product's domain and excused by the domain's waivers, as the check's are:
//! - `pii-stored-encrypted` (MESH0110): a field declared encrypted holds values that are not
//!   ciphertext of the declared kind (a file written by another tool, or an older writer);
//! - `personal-data-classified` (MESH0111): a field not classified as PII holds values that look
//!   like emails, E.164 phone numbers, IBANs, payment card numbers or IP addresses;
//! - `data-files-known` (MESH0112) and `data-files-readable` (MESH0113): files of no product,
//!   and files that cannot be read (the others are still scanned).
//!
//! Counts only: no value is ever printed. Memory stays that of one block per worker whatever the
//! files' sizes.

mod file;
mod personal_data;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use mesh_analysis::diagnostic::{Diagnostic, Severity};
use mesh_analysis::governance::{self, CalendarDate, Format, MeshConfig, Policy};
use serde_json::json;

use crate::check::CheckFormat;
use crate::output::{Failure, Output};
pub(crate) use file::Products;
use file::{FieldCounts, Scanned};
use personal_data::Kind;

/// What one run of the scan covers and found, before levels and waivers.
struct Scan {
    files: Vec<PathBuf>,
    results: Vec<Scanned>,
    seconds: f64,
}

/// Scans `dirs` and prints the findings; fails on an error-level one.
///
/// # Errors
/// A folder cannot be listed, or the scan found errors.
pub fn run(dirs: &[PathBuf], format: CheckFormat, today: CalendarDate, out: &mut Output) -> Result<(), Failure> {
    let mut files = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(format!(
                "{} is not a folder: give the lakehouse, or folders holding Avro files (`cargo xtask scan DIR...`)",
                dir.display()
            )
            .into());
        }
        walk(dir, &mut files).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    }
    files.sort();
    let products = Products::of_mesh()?;
    let started = Instant::now();
    let results = scan(&files, &products);
    let scan = Scan { files, results, seconds: started.elapsed().as_secs_f64() };
    let config = crate::check::load_config();
    let (diagnostics, waived) = diagnostics(&scan, &config, today);
    let format = Format::from(format);
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    let records: u64 = scan.results.iter().map(records_of).sum();
    let bytes: u64 = scan.results.iter().map(bytes_of).sum();
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let summary_line = format!(
        "scan {}: {} ({}, {:.1} MB) in {:.2} s, {} waived: {}, {}",
        if errors > 0 { "failed" } else { "ok" },
        plural(scan.files.len() as u64, "file"),
        plural(records, "record"),
        bytes as f64 / 1e6,
        scan.seconds,
        plural(waived as u64, "finding"),
        plural(errors as u64, "error"),
        plural(warnings as u64, "warning"),
    );
    let summary = json!({
        "files": scan.files.len(),
        "records": records,
        "bytes": bytes,
        "seconds": scan.seconds,
        "waived": waived,
        "errors": errors,
        "warnings": warnings,
    });
    out.print(&governance::render(&diagnostics, format, &summary_line, summary))?;
    match errors {
        0 => Ok(()),
        n => Err(format!("the scan found {n} error{} in data at rest", if n == 1 { "" } else { "s" }).into()),
    }
}

/// Every `*.avro` entry under `dir`; links to folders are not followed, and links to files are
/// listed so that the scan reports them (it does not follow them either).
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "avro") {
            files.push(path);
        }
    }
    Ok(())
}

/// The results of every file, in file order; files are read on every core.
fn scan(files: &[PathBuf], products: &Products) -> Vec<Scanned> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(files.len()));
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let at = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(at) else { break };
                let scanned = file::scan(path, products);
                results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((at, scanned));
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_by_key(|(at, _)| *at);
    results.into_iter().map(|(_, scanned)| scanned).collect()
}

fn records_of(scanned: &Scanned) -> u64 {
    match scanned {
        Scanned::Product { records, .. } => *records,
        _ => 0,
    }
}

fn bytes_of(scanned: &Scanned) -> u64 {
    match scanned {
        Scanned::Product { bytes, .. } => *bytes,
        _ => 0,
    }
}

/// One finding before its level: the policy, the domain whose level and waivers apply, and the diagnostic's text.
struct Finding {
    policy: Policy,
    domain: Option<String>,
    product: Option<String>,
    message: String,
    help: String,
}

/// The findings of the scan as diagnostics at their domain's level, less those waived; and how
/// many were waived.
fn diagnostics(scan: &Scan, config: &MeshConfig, today: CalendarDate) -> (Vec<Diagnostic>, usize) {
    let mut findings = Vec::new();
    for (path, scanned) in scan.files.iter().zip(&scan.results) {
        findings.extend(findings_of(path, scanned));
    }
    let mut waived = 0;
    let mut diagnostics = Vec::new();
    for finding in findings {
        let level = match &finding.domain {
            Some(domain) => config.level(finding.policy, domain),
            None => config.global_level(finding.policy),
        };
        let Some(severity) = level.severity() else { continue };
        if finding.domain.as_deref().is_some_and(|d| config.active_waiver(d, finding.policy, today).is_some()) {
            waived += 1;
            continue;
        }
        let mut diagnostic =
            Diagnostic::policy(finding.policy.info().code, severity, finding.message).help(finding.help);
        if let Some(product) = finding.product {
            diagnostic = diagnostic.product(product);
        }
        diagnostics.push(diagnostic);
    }
    (diagnostics, waived)
}

fn findings_of(path: &Path, scanned: &Scanned) -> Vec<Finding> {
    let file = path.display();
    match scanned {
        Scanned::Unreadable(why) => vec![Finding {
            policy: Policy::DataFilesReadable,
            domain: lakehouse_domain(path),
            product: None,
            message: format!("{file} cannot be read: {why}"),
            help: "restore the file from its source, or move it out; the other files were scanned".into(),
        }],
        Scanned::Unknown(why) => vec![Finding {
            policy: Policy::DataFilesKnown,
            domain: lakehouse_domain(path),
            product: None,
            message: format!("{file} belongs to no product of the mesh: {why}"),
            help: "write data files with their product's typed writer, or move the file out of the lakehouse".into(),
        }],
        Scanned::Link => vec![Finding {
            policy: Policy::DataFilesKnown,
            domain: lakehouse_domain(path),
            product: None,
            message: format!("{file} is a symbolic link, which the scan does not follow"),
            help: "scan the folder holding its target, or replace the link with the file itself".into(),
        }],
        Scanned::Product { product, records, fields, unreadable, .. } => {
            let domain = product.split_once('.').map(|(domain, _)| domain.to_owned());
            let finding = |policy, message, help: &str| Finding {
                policy,
                domain: domain.clone(),
                product: Some(product.clone()),
                message,
                help: help.into(),
            };
            let mut findings = Vec::new();
            for field in fields {
                findings.extend(field_findings(&file.to_string(), field, &finding));
            }
            if let Some(why) = unreadable {
                findings.push(finding(
                    Policy::DataFilesReadable,
                    format!("{file} cannot be read to its end: {why}; its first {records} records were scanned"),
                    "restore the file from its source, or rewrite it with the product's pipeline",
                ));
            }
            findings
        }
    }
}

/// A field's findings: values not encrypted as declared, and personal data where none is declared.
fn field_findings(file: &str, field: &FieldCounts, finding: &impl Fn(Policy, String, &str) -> Finding) -> Vec<Finding> {
    let mut findings = Vec::new();
    let path = &field.path;
    let of = |count: u64| format!("{count} of its {} values", field.values);
    if let Some(mode) = field.encrypted {
        if field.plaintext > 0 {
            findings.push(finding(
                Policy::PiiStoredEncrypted,
                format!(
                    "{file}: field `{path}` is declared encrypted ({mode}), but {} are not ciphertext",
                    of(field.plaintext)
                ),
                "rewrite the file with the product's typed writer (its pipeline run encrypts), then delete this one",
            ));
        }
        if field.other_mode > 0 {
            let other = if mode == mesh_core::model::Encryption::Randomized { "deterministic" } else { "randomized" };
            findings.push(finding(
                Policy::PiiStoredEncrypted,
                format!("{file}: field `{path}` is declared {mode}, but {} are {other} ciphertext", of(field.other_mode)),
                "rewrite the file with the product's current typed writer so that the field's values are encrypted as declared",
            ));
        }
    }
    for (kind, &count) in Kind::ALL.iter().zip(&field.personal) {
        if count > 0 {
            findings.push(finding(
                Policy::PersonalDataClassified,
                format!("{file}: field `{path}` is not classified as PII, but {} look like {kind}", of(count)),
                "classify the field with #[pii(CLASS, encrypted)] in the declaration, or stop storing that data",
            ));
        }
    }
    for (kind, &count) in Kind::ALL.iter().zip(&field.in_json) {
        if count > 0 {
            findings.push(finding(
                Policy::PersonalDataClassified,
                format!("{file}: field `{path}` is not classified as PII, but {} are JSON holding {kind}", of(count)),
                "classify the field (a raw event holding personal data) with #[pii(CLASS, encrypted)], or drop that data from it",
            ));
        }
    }
    findings
}

/// The domain of a file in a lakehouse's layout (`<layer>/<domain>/<product>/...`), when its
/// path has one: whose levels and waivers apply to a file that names no product.
fn lakehouse_domain(path: &Path) -> Option<String> {
    let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
    parts
        .iter()
        .position(|p| ["bronze", "silver", "gold"].contains(p))
        .and_then(|at| parts.get(at + 1))
        .map(|domain| (*domain).to_owned())
}
