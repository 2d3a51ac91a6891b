//! `cargo xtask validate`: every product's quality rules, quality score and freshness checked on its
//! committed data (or on container files), reported, and kept as history in the lakehouse.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mesh_avro::codec::SchemaReader;
use mesh_core::model::{Instant, ProductDescriptor};
use mesh_core::{registered_products, registered_quality_scans, QualityRegistration};
use mesh_pipeline::lakehouse::Lakehouse;
use mesh_quality::report::ProductReport;
use mesh_quality::{format, history::History, Options, Target};

use mesh_alerts::config::AlertsConfig;

use crate::output::{Failure, Output};

mod spark;

/// Where the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// In this process: one streaming pass per product through its typed reader.
    Embedded,
    /// On Apache Spark (`--master`): the contract's check query over the files as a Hive Avro table.
    Spark,
}

/// How `cargo xtask validate` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ValidateFormat {
    /// A block per product: each rule's counts and examples, the score, the freshness, the breaches.
    Text,
    /// One JSON document.
    Json,
    /// GitHub Actions error annotations, one per breach.
    Github,
    /// JUnit XML: a suite per product, a case per rule and SLA.
    Junit,
}

/// What to validate.
pub struct Request<'a> {
    /// Product ids; empty: every product (with `--files`: the products the files' headers name).
    pub products: &'a [String],
    /// The lakehouse (its current committed versions, and where history goes).
    pub lakehouse: &'a Path,
    /// Container files instead of the lakehouse.
    pub files: &'a [PathBuf],
    /// The time freshness is measured at (RFC 3339); default now.
    pub at: Option<&'a str>,
    /// Output format.
    pub format: ValidateFormat,
    /// KiB of keys each uniqueness rule holds in memory before spilling to disk.
    pub unique_memory_kib: usize,
    /// Where the checks run.
    pub engine: Engine,
    /// The Spark master URL (`--engine spark`).
    pub master: &'a str,
    /// Where each product's Prometheus metrics file goes (default: `mesh.toml`'s `metrics-dir`).
    pub metrics_dir: Option<&'a Path>,
    /// Whether breaches are sent to the webhooks `mesh.toml` routes them to.
    pub send_alerts: bool,
    /// The workspace root (its `mesh.toml`).
    pub root: &'a Path,
}

/// Validates, prints the reports, records history; the exit code: 0 every SLA holds, 1 a breach,
/// 2 data that cannot be read.
pub fn run(request: &Request<'_>, out: &mut Output) -> Result<u8, Failure> {
    let at = match request.at {
        Some(text) => Instant::parse_rfc3339(text).map_err(|e| Failure::from(format!("--at `{text}`: {e}")))?,
        None => Instant::now(),
    };
    let from_files = !request.files.is_empty();
    let spill_dir = if from_files { std::env::temp_dir() } else { request.lakehouse.to_path_buf() };
    let options = Options { at, unique_memory: request.unique_memory_kib.max(1) << 10, spill_dir };
    // Before any work: a mistake in `mesh.toml` must not cost a validation.
    let alerts = alerts_config(request.root)?;
    let targets = if from_files { file_targets(request)? } else { lakehouse_targets(request)? };
    let mut reports = Vec::new();
    match request.engine {
        Engine::Embedded => {
            for (descriptor, target) in targets {
                let report = match (scan_of(descriptor), target) {
                    (Some(scan), Ok(target)) => mesh_quality::validate(descriptor, scan, &target, &options),
                    (None, _) => unreadable(
                        descriptor,
                        &options,
                        format!("{} has no quality scan linked into xtask", descriptor.id()),
                    ),
                    (_, Err(message)) => unreadable(descriptor, &options, message),
                };
                reports.push(report);
            }
        }
        Engine::Spark => {
            let mut jobs = Vec::new();
            for (descriptor, target) in targets {
                match target {
                    Ok(target) => jobs.push((descriptor, target)),
                    Err(message) => reports.push(unreadable(descriptor, &options, message)),
                }
            }
            let (counted, timings) =
                spark::validate(&jobs, request.master, &options.spill_dir, at).map_err(Failure::from)?;
            if let Some(startup) = timings.startup_seconds {
                errln!("  Spark ({}): session started in {startup:.1} s", request.master);
            }
            for (product, seconds) in &timings.products {
                errln!("  Spark: {product} counted in {seconds:.1} s");
            }
            reports.extend(counted);
        }
    }
    if !from_files && request.lakehouse.is_dir() {
        let mut history = History::open(request.lakehouse).map_err(Failure::from)?;
        let now = Instant::now().to_string();
        for report in &reports {
            history.record(report, &now).map_err(Failure::from)?;
        }
    }
    // After the history: a failing delivery never loses a result.
    deliver_alerts(request, alerts, &reports);
    let text = match request.format {
        ValidateFormat::Text => format::text(&reports),
        ValidateFormat::Json => format::json(&reports),
        ValidateFormat::Github => format::github(&reports),
        ValidateFormat::Junit => format::junit(&reports),
    };
    out.print(&text)?;
    Ok(reports.iter().map(ProductReport::exit_code).max().unwrap_or(0))
}

/// The alert routing of the workspace's `mesh.toml` (none without the file).
///
/// # Errors
/// The file exists but cannot be read, or its alerts tables are invalid: routing silently
/// nowhere would hide every breach.
fn alerts_config(root: &Path) -> Result<AlertsConfig, Failure> {
    let file = root.join(crate::check::CONFIG_FILE);
    match crate::files::read_text_file(&file) {
        Ok(text) => AlertsConfig::parse(&text, &file.display().to_string()).map_err(Failure::from),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AlertsConfig::default()),
        Err(e) => Err(Failure::from(format!(
            "cannot read {}: {e}; make it readable (or remove it) so that alerts are routed as it says",
            file.display()
        ))),
    }
}

/// Sends the breaches to their domains' webhooks and writes the metrics files, reporting on stderr;
/// a failing delivery is a warning.
fn deliver_alerts(request: &Request<'_>, config: AlertsConfig, reports: &[ProductReport]) {
    let metrics_dir = request
        .metrics_dir
        .map(Path::to_path_buf)
        .or_else(|| config.metrics_dir.as_ref().map(|dir| request.root.join(dir)));
    let validated: Vec<(&ProductDescriptor, &ProductReport)> =
        reports.iter().filter_map(|r| descriptor(&r.product).ok().map(|d| (d, r))).collect();
    let config = if request.send_alerts { config } else { config.without_webhooks() };
    let delivery = mesh_alerts::deliver(
        &validated,
        &config,
        metrics_dir.as_deref(),
        &|name| std::env::var(name).ok(),
        Instant::now(),
    );
    if delivery.sent > 0 {
        errln!("  Alerts: {} sent", delivery.sent);
    }
    for failure in &delivery.failures {
        errln!("warning: {failure}; the validation's result is kept in the history");
    }
    if let Some(dir) = &metrics_dir {
        errln!("  Metrics: {} file(s) in {}", delivery.metrics_files.len(), dir.display());
    }
}

fn scan_of(product: &ProductDescriptor) -> Option<&'static QualityRegistration> {
    let id = product.id();
    registered_quality_scans().find(|s| s.product == id)
}

fn unreadable(product: &ProductDescriptor, options: &Options, message: String) -> ProductReport {
    mesh_quality::unreadable(product, &Target::default(), options.at, message)
}

type Targets = Vec<(&'static ProductDescriptor, Result<Target, String>)>;

fn descriptor(id: &str) -> Result<&'static ProductDescriptor, Failure> {
    let products = registered_products();
    products.iter().map(|r| r.descriptor).find(|d| d.id() == id).ok_or_else(|| {
        let known: Vec<String> = products.iter().map(|r| r.descriptor.id()).collect();
        Failure::from(format!("no product `{id}` in the mesh; known: {}", known.join(", ")))
    })
}

fn lakehouse_targets(request: &Request<'_>) -> Result<Targets, Failure> {
    let lakehouse = Lakehouse::new(request.lakehouse);
    let selected: Vec<&'static ProductDescriptor> = if request.products.is_empty() {
        registered_products().iter().map(|r| r.descriptor).collect()
    } else {
        request.products.iter().map(|id| descriptor(id)).collect::<Result<_, _>>()?
    };
    Ok(selected
        .into_iter()
        .map(|d| {
            let target = match mesh_quality::lakehouse_target(&lakehouse, d) {
                Ok(Some(target)) => Ok(target),
                Ok(None) => Err(format!(
                    "{} has no committed version in {}: build it with `cargo xtask run --product {}`",
                    d.id(),
                    request.lakehouse.display(),
                    d.id()
                )),
                Err(e) => Err(e),
            };
            (d, target)
        })
        .collect())
}

fn file_targets(request: &Request<'_>) -> Result<Targets, Failure> {
    let mut by_product: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for file in request.files {
        let id = match request.products {
            [one] => one.clone(),
            _ => {
                let reader = SchemaReader::open(file).map_err(|e| Failure::from(e.to_string()))?;
                reader.header().product().map(str::to_string).ok_or_else(|| {
                    Failure::from(format!(
                        "{}: the file's header names no product; name it: `cargo xtask validate PRODUCT --files ...`",
                        file.display()
                    ))
                })?
            }
        };
        if !request.products.is_empty() && !request.products.contains(&id) {
            return Err(Failure::from(format!(
                "{} holds `{id}` records, which are not among the products named",
                file.display()
            )));
        }
        by_product.entry(id).or_default().push(file.clone());
    }
    by_product
        .into_iter()
        .map(|(id, files)| Ok((descriptor(&id)?, Ok(Target { files, ..Target::default() }))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_config_defaults_only_when_mesh_toml_is_absent() {
        let root = tempfile::tempdir().unwrap();
        assert!(alerts_config(root.path()).is_ok_and(|config| config.metrics_dir.is_none()));

        // Present but unreadable (a folder: refused as root too, unlike a permission bit).
        std::fs::create_dir(root.path().join("mesh.toml")).unwrap();
        let error = alerts_config(root.path()).unwrap_err().to_string();
        assert!(error.starts_with("cannot read ") && error.contains("mesh.toml"), "{error}");
        assert!(error.contains("not a regular file") && error.contains("make it readable"), "{error}");
    }

    #[test]
    fn alerts_config_reads_mesh_toml() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("mesh.toml"), "[alerts]\nmetrics-dir = \"metrics\"\n").unwrap();
        let config = alerts_config(root.path()).unwrap();
        assert_eq!(config.metrics_dir.as_deref(), Some(Path::new("metrics")));
    }
}
