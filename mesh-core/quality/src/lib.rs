//! mesh-quality: the embedded validator behind `cargo xtask validate`.
//!
//! One streaming pass per product over its committed data (or any container files of it), through
//! the product's typed reader, so files written with older schema versions are resolved. Every quality
//! rule of the declaration is evaluated ([`rules`]), uniqueness exactly within a memory budget
//! ([`unique`]); then the quality score and the freshness are compared with the SLA. Results go to a
//! report ([`report`], printed by [`format`](mod@format)) and to the history database ([`history`]).
//!
//! The quality score is the share of records that pass every record-level rule (`not_empty`,
//! `range`, `accepted_values`, `pattern`, `length`); rules that judge the data as a whole
//! (`unique`, `unique_combination`, `max_null_share`, `row_count`) are breaches of their own.

pub mod format;
pub mod history;
mod key;
mod key_table;
pub mod report;
pub mod rules;
pub mod sql;
pub mod unique;
pub mod unique_worker;

use std::path::{Path, PathBuf};

use mesh_core::{QualityRegistration, RecordPosition};
use mesh_model::{Bound, Instant, ProductDescriptor};
use mesh_pipeline::lakehouse::Lakehouse;

use report::{Breach, FreshnessResult, ProductReport, ReadError};
use unique::Location;

/// How a validation runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The time freshness is measured at.
    pub at: Instant,
    /// Bytes of keys each uniqueness rule holds in memory before it spills to disk.
    pub unique_memory: usize,
    /// Where spill files go (removed when the rule is counted).
    pub spill_dir: PathBuf,
}

/// What to read: the files, and the committed version they make up (if they come from a lakehouse).
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// Container files of the product.
    pub files: Vec<PathBuf>,
    /// The lakehouse version.
    pub version: Option<u64>,
    /// Its commit time.
    pub committed_at: Option<String>,
    /// The newest event time the manifest records (microseconds), used when the records hold none.
    pub manifest_newest_event: Option<i64>,
    /// The records the manifest counts, so that uniqueness sizes its table once instead of growing it.
    pub expected_records: Option<u64>,
}

/// The current committed version of `product` in `lakehouse`; `None` when it was never built.
///
/// # Errors
/// The manifest cannot be read.
pub fn lakehouse_target(lakehouse: &Lakehouse, product: &ProductDescriptor) -> Result<Option<Target>, String> {
    let Some(manifest) = lakehouse.current(product).map_err(|e| e.to_string())? else { return Ok(None) };
    let dir = lakehouse.product_dir(product);
    Ok(Some(Target {
        files: manifest.files.iter().map(|f| dir.join(&f.path)).collect(),
        version: Some(manifest.version),
        committed_at: Some(manifest.committed_at.clone()),
        manifest_newest_event: manifest.files.iter().filter_map(|f| f.newest_event_micros).max(),
        expected_records: Some(manifest.records),
    }))
}

/// Validates `target`'s records of `product` (read through `scan`) against its rules and SLA.
pub fn validate(
    product: &ProductDescriptor,
    scan: &QualityRegistration,
    target: &Target,
    options: &Options,
) -> ProductReport {
    let mut evaluator =
        match rules::Evaluator::new(product, options.unique_memory, &options.spill_dir, target.expected_records) {
            Ok(evaluator) => evaluator,
            Err(message) => return unreadable(product, target, options.at, message),
        };
    let mut report = unmeasured(product, target, options.at);
    let file_names = report.files.clone();
    let mut newest: Option<i64> = None;
    for (index, path) in target.files.iter().enumerate() {
        let mut visit = |position: RecordPosition, record: &dyn mesh_core::QualityRecord, event: Option<i64>| {
            newest = newest.max(event);
            let location = Location { file: index as u32, block: position.block, record: position.record };
            evaluator.record(location, record);
        };
        let mut skipped = |error: &mesh_avro::codec::ContainerError| {
            report.read_errors.push(ReadError {
                file: error.file.clone(),
                block: error.block,
                message: error.kind.to_string(),
            });
        };
        if let Err(error) = (scan.scan_file)(path, &mut visit, &mut skipped) {
            report.read_errors.push(ReadError {
                file: path.display().to_string(),
                block: error.block,
                message: error.kind.to_string(),
            });
        }
    }
    (report.records, report.passing_records) = evaluator.counts();
    let name = |file: u32| file_names.get(file as usize).cloned().unwrap_or_default();
    match evaluator.finish(&name) {
        Ok((rules, spilled)) => {
            report.rules = rules;
            report.spilled = spilled;
        }
        Err(e) => report.read_errors.push(ReadError {
            file: options.spill_dir.display().to_string(),
            block: None,
            message: format!("uniqueness could not be counted: {e}"),
        }),
    }
    judge(product, &mut report, newest.or(target.manifest_newest_event), options.at);
    report
}

/// A report of `product` over `target` with nothing measured yet (for data that cannot be read).
pub fn unmeasured(product: &ProductDescriptor, target: &Target, at: Instant) -> ProductReport {
    ProductReport {
        product: product.id(),
        version: target.version,
        committed_at: target.committed_at.clone(),
        product_version: product.version.to_string(),
        at: at.to_string(),
        files: target.files.iter().map(|f| f.display().to_string()).collect(),
        records: 0,
        passing_records: 0,
        quality_score: None,
        quality_bound: product.sla.quality_score.map(|q| q.to_string()),
        freshness: FreshnessResult {
            newest_event_time: None,
            age_seconds: None,
            bound: product.sla.freshness.map(|f| f.to_string()),
            bound_seconds: product.sla.freshness.map(|f| f.as_secs()),
        },
        rules: Vec::new(),
        breaches: Vec::new(),
        read_errors: Vec::new(),
        spilled: false,
    }
}

/// The report of `product` whose data could not be read at all, saying why (exit code 2).
pub fn unreadable(product: &ProductDescriptor, target: &Target, at: Instant, message: String) -> ProductReport {
    let mut report = unmeasured(product, target, at);
    report.read_errors.push(ReadError { file: product.id(), block: None, message });
    report
}

/// Compares the measurements with the SLA and the data-wide rules, recording each breach.
pub(crate) fn judge(product: &ProductDescriptor, report: &mut ProductReport, newest: Option<i64>, at: Instant) {
    if report.records > 0 {
        report.quality_score = Some(report.passing_records as f64 * 100.0 / report.records as f64);
    }
    if let Some(bound) = product.sla.quality_score {
        // Exact in integers: passing / records against thousandths of a percent.
        let scaled = u128::from(report.passing_records) * 100_000;
        let needed = u128::from(bound.percent.thousandths()) * u128::from(report.records);
        let holds = report.records == 0 || if bound.bound == Bound::Above { scaled > needed } else { scaled >= needed };
        if !holds {
            report.breaches.push(Breach {
                what: "sla.quality_score".into(),
                message: format!(
                    "quality score {:.3}% ({} of {} records pass every record-level rule) breaches the SLA's quality_score {bound}",
                    report.quality_score.unwrap_or(0.0),
                    report.passing_records,
                    report.records
                ),
            });
        }
    }
    report.freshness.newest_event_time = newest.map(|micros| Instant(micros).to_string());
    report.freshness.age_seconds = newest.map(|micros| (at.0 - micros).div_euclid(1_000_000));
    if let Some(bound) = product.sla.freshness {
        match report.freshness.age_seconds {
            Some(age) if age > bound.as_secs() as i64 => report.breaches.push(Breach {
                what: "sla.freshness".into(),
                message: format!(
                    "the newest event ({}) is {} old at {}, which breaches the SLA's freshness of {bound}",
                    report.freshness.newest_event_time.clone().unwrap_or_default(),
                    format::duration(age),
                    report.at
                ),
            }),
            Some(_) => {}
            None if product.event_time.is_some() => report.breaches.push(Breach {
                what: "sla.freshness".into(),
                message: format!("no record holds an event time, so the SLA's freshness of {bound} cannot hold"),
            }),
            None => {}
        }
    }
    for rule in report.rules.iter().filter(|r| !r.record_level && !r.passed) {
        let measured = rule.measured.clone().unwrap_or_default();
        report.breaches.push(Breach {
            what: rule.id.clone(),
            message: format!(
                "quality rule `{}` ({}) fails: {} of {} records, {measured}",
                rule.id, rule.description, rule.failing, rule.checked
            ),
        });
    }
}

/// The default spill folder: the lakehouse's, so spill files stay on the data's disk.
pub fn spill_dir(lakehouse: Option<&Path>) -> PathBuf {
    lakehouse.map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir)
}
