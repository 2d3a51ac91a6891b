//! A validation as metrics in the Prometheus text exposition format, one file per product for
//! node_exporter's textfile collector (`--collector.textfile.directory`). Labels carry product ids,
//! domains, layers and rule ids, never a record value.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mesh_model::{Instant, ProductDescriptor};
use mesh_quality::report::ProductReport;

/// Every metric written, with its help text, in file order.
pub const METRICS: &[(&str, &str)] = &[
    ("mesh_records", "Records of the product's validated version."),
    ("mesh_quality_score_percent", "Share of records passing every record-level quality rule, in percent."),
    ("mesh_quality_score_bound_percent", "The SLA's quality score bound, in percent."),
    ("mesh_freshness_seconds", "Age of the newest event time at the validation's time, in seconds."),
    ("mesh_freshness_bound_seconds", "The SLA's freshness, in seconds."),
    ("mesh_newest_event_timestamp_seconds", "The newest event time of the data, in seconds since the epoch."),
    ("mesh_rule_checked_records", "Records (or values) a quality rule checked."),
    ("mesh_rule_failing_records", "Records failing a quality rule."),
    ("mesh_breach", "1 when the SLA promise or data-wide rule `what` is breached, else 0."),
    ("mesh_read_errors", "Blocks or files of the version that could not be read."),
    ("mesh_validation_timestamp_seconds", "When the product was last validated, in seconds since the epoch."),
];

/// The metrics file of one product's validation at `validated_at`.
pub fn text(product: &ProductDescriptor, report: &ProductReport, validated_at: Instant) -> String {
    let base = format!(
        "product=\"{}\",domain=\"{}\",layer=\"{}\"",
        escape(&report.product),
        escape(&product.domain),
        product.layer.as_str()
    );
    let mut samples: Vec<(&str, String, f64)> = vec![("mesh_records", base.clone(), report.records as f64)];
    if let Some(score) = report.quality_score {
        samples.push(("mesh_quality_score_percent", base.clone(), score));
    }
    if let Some(bound) = product.sla.quality_score {
        samples.push((
            "mesh_quality_score_bound_percent",
            base.clone(),
            f64::from(bound.percent.thousandths()) / 1000.0,
        ));
    }
    if let Some(age) = report.freshness.age_seconds {
        samples.push(("mesh_freshness_seconds", base.clone(), age as f64));
    }
    if let Some(bound) = report.freshness.bound_seconds {
        samples.push(("mesh_freshness_bound_seconds", base.clone(), bound as f64));
    }
    if let Some(newest) = report.freshness.newest_event_time.as_deref().and_then(|t| Instant::parse_rfc3339(t).ok()) {
        samples.push(("mesh_newest_event_timestamp_seconds", base.clone(), newest.0 as f64 / 1e6));
    }
    for rule in &report.rules {
        let labels = format!("{base},rule=\"{}\"", escape(&rule.id));
        samples.push(("mesh_rule_checked_records", labels.clone(), rule.checked as f64));
        samples.push(("mesh_rule_failing_records", labels, rule.failing as f64));
    }
    // A flag for every promise that can be breached, 0 when kept, so an alert can test `== 1`.
    let breached = |what: &str| report.breaches.iter().any(|b| b.what == what);
    let mut promises: Vec<(String, &str)> = Vec::new();
    if product.sla.quality_score.is_some() {
        promises.push(("sla.quality_score".into(), "sla"));
    }
    if product.sla.freshness.is_some() {
        promises.push(("sla.freshness".into(), "sla"));
    }
    promises.extend(report.rules.iter().filter(|r| !r.record_level).map(|r| (r.id.clone(), "rule")));
    for (what, kind) in promises {
        let labels = format!("{base},what=\"{}\",kind=\"{kind}\"", escape(&what));
        samples.push(("mesh_breach", labels, if breached(&what) { 1.0 } else { 0.0 }));
    }
    samples.push(("mesh_read_errors", base.clone(), report.read_errors.len() as f64));
    samples.push(("mesh_validation_timestamp_seconds", base, validated_at.0 as f64 / 1e6));

    let mut out = String::new();
    for (name, help) in METRICS {
        let mine: Vec<&(&str, String, f64)> = samples.iter().filter(|(n, _, _)| n == name).collect();
        if mine.is_empty() {
            continue;
        }
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for (_, labels, value) in mine {
            let _ = writeln!(out, "{name}{{{labels}}} {}", number(*value));
        }
    }
    out
}

/// The file of `product` in the metrics folder: `mesh_<domain>_<name>.prom`.
pub fn file_of(dir: &Path, product: &ProductDescriptor) -> PathBuf {
    dir.join(format!("mesh_{}_{}.prom", product.domain, product.name))
}

/// Writes `text` to `path` atomically (a temporary file renamed into place), as the textfile
/// collector needs: it may read the folder at any moment.
///
/// # Errors
/// The folder cannot be created or the file written (naming it).
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the metrics folder {}: {e}", dir.display()))?;
    // node_exporter reads only `*.prom`, so the temporary name is never half-read.
    let temporary = path.with_extension(format!("prom.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, path)).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write the metrics file {}: {e}", path.display())
    })
}

/// A label value escaped as the text format demands (`\`, `"`, newline).
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// A sample value: integers without a fraction, others as Rust prints them (`NaN` never occurs:
/// a score exists only with records).
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}
