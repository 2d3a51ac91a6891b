//! `cargo xtask run`: builds the mesh's products into the lakehouse, in lineage order.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant as Clock;

use mesh_analysis::lineage::Lineage;
use mesh_core::model::ProductDescriptor;
use mesh_core::registered_products;
use mesh_pipeline::lakehouse::Lakehouse;
use mesh_pipeline::{Plan, ProductReport, Status};
use serde_json::json;

use crate::output::{Failure, Output};

/// How `cargo xtask run` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RunFormat {
    /// A progress line per product on stderr, a summary table on stdout.
    Text,
    /// One JSON document on stdout, for machines.
    Json,
}

/// Builds `products` (all when empty) and what feeds them; `Ok(false)` when any failed.
pub fn run(
    products: &[String],
    landing: &Path,
    lakehouse: &Path,
    format: RunFormat,
    out: &mut Output,
) -> Result<bool, Failure> {
    let registrations = registered_products();
    let lineage = Lineage::build(registrations.iter().map(|r| r.descriptor));
    if let Some(cycle) = lineage.cycles().first() {
        let ids: Vec<String> = cycle.iter().map(|&node| lineage.product(node).id()).collect();
        return Err(Failure::from(format!(
            "the lineage has a cycle ({}): nothing can be built first; `cargo xtask check` explains",
            ids.join(" -> ")
        )));
    }
    let selected = selection(&lineage, products)?;
    let mesh: Vec<&'static ProductDescriptor> = registrations.iter().map(|r| r.descriptor).collect();
    let plan = Plan::new(mesh, &selected).map_err(Failure::from)?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let lakehouse = Lakehouse::new(lakehouse);
    let started = Clock::now();
    let width = selected.iter().map(|p| p.id().len()).max().unwrap_or(0);
    let progress = Mutex::new(());
    let reports = mesh_pipeline::run(&plan, &lakehouse, landing, threads, &|report| {
        if format == RunFormat::Text {
            let _serial = progress.lock();
            errln!("{}", progress_line(report, width));
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let ok = reports.iter().all(|r| matches!(r.status, Status::Built | Status::UpToDate));
    match format {
        RunFormat::Text => out.print(&summary(&reports, width, elapsed))?,
        RunFormat::Json => {
            let document = json!({
                "lakehouse": lakehouse.root().display().to_string(),
                "landing": landing.display().to_string(),
                "seconds": elapsed,
                "peak_memory_kib": crate::files::peak_memory_kib(),
                "products": reports.iter().map(report_json).collect::<Vec<_>>(),
            });
            out.print(&(serde_json::to_string_pretty(&document).map_err(|e| e.to_string())? + "\n"))?;
        }
    }
    Ok(ok)
}

/// The products to build in lineage order: those asked for and everything upstream of them.
fn selection(lineage: &Lineage<'static>, products: &[String]) -> Result<Vec<&'static ProductDescriptor>, Failure> {
    let order = lineage.topological_order();
    if products.is_empty() {
        return Ok(order.iter().map(|&node| lineage.product(node)).collect());
    }
    let mut wanted = HashSet::new();
    for id in products {
        let node = lineage.find_id(id).ok_or_else(|| {
            let known: Vec<String> = lineage.products().iter().map(|p| p.id()).collect();
            format!("no product `{id}` in the mesh: write `--product domain.name`, one of {}", known.join(", "))
        })?;
        wanted.insert(node);
        wanted.extend(lineage.upstream(node));
    }
    Ok(order.iter().filter(|node| wanted.contains(node)).map(|&node| lineage.product(node)).collect())
}

fn status_word(status: &Status) -> &'static str {
    match status {
        Status::Built => "built",
        Status::UpToDate => "up to date",
        Status::Failed(_) => "FAILED",
        Status::Skipped { .. } => "skipped",
    }
}

fn progress_line(report: &ProductReport, width: usize) -> String {
    let id = report.product.id();
    let word = status_word(&report.status);
    match (&report.status, &report.manifest) {
        (Status::Built, Some(m)) => format!(
            "{word:>10} {id:<width$} v{} in {} out {} quarantined {} dropped {} ({:.2} s)",
            m.version,
            m.run.records_in,
            m.run.records_out,
            m.run.quarantined,
            m.run.dropped.values().sum::<u64>(),
            report.elapsed.as_secs_f64()
        ),
        (Status::UpToDate, Some(m)) => format!("{word:>10} {id:<width$} v{} (no new input)", m.version),
        (Status::Failed(message), _) => format!("{word:>10} {id:<width$} {message}"),
        (Status::Skipped { upstream }, _) => format!("{word:>10} {id:<width$} (upstream {upstream} failed)"),
        _ => format!("{word:>10} {id}"),
    }
}

fn summary(reports: &[ProductReport], width: usize, elapsed: f64) -> String {
    let mut text = format!(
        "{:<width$}  {:<10}  {:>7}  {:>9}  {:>9}  {:>11}  {:>7}  {:<27}  {:>7}\n",
        "product", "status", "version", "in", "out", "quarantined", "dropped", "newest event", "seconds"
    );
    for report in reports {
        let manifest = report.manifest.as_ref();
        let this_run = matches!(report.status, Status::Built).then_some(manifest).flatten();
        let count = |pick: fn(&mesh_pipeline::lakehouse::Manifest) -> u64| {
            this_run.map_or_else(|| "-".to_owned(), |m| pick(m).to_string())
        };
        text += &format!(
            "{:<width$}  {:<10}  {:>7}  {:>9}  {:>9}  {:>11}  {:>7}  {:<24}  {:>7.2}\n",
            report.product.id(),
            status_word(&report.status),
            manifest.map_or_else(|| "-".to_owned(), |m| m.version.to_string()),
            count(|m| m.run.records_in),
            count(|m| m.run.records_out),
            count(|m| m.run.quarantined),
            count(|m| m.run.dropped.values().sum()),
            manifest.and_then(|m| m.newest_event_time.as_deref()).unwrap_or("-"),
            report.elapsed.as_secs_f64(),
        );
    }
    let tally = |wanted: fn(&Status) -> bool| reports.iter().filter(|r| wanted(&r.status)).count();
    let built = tally(|s| matches!(s, Status::Built));
    let fresh = tally(|s| matches!(s, Status::UpToDate));
    let failed = tally(|s| matches!(s, Status::Failed(_)));
    let skipped = tally(|s| matches!(s, Status::Skipped { .. }));
    let peak =
        crate::files::peak_memory_kib().map_or_else(String::new, |kib| format!(", peak memory {} MiB", kib / 1024));
    text += &format!(
        "{} products: {built} built, {fresh} up to date, {failed} failed, {skipped} skipped, in {elapsed:.2} s{peak}\n",
        reports.len()
    );
    if built + failed + skipped == 0 {
        text += "nothing to do: no product has new input\n";
    }
    for report in reports {
        match &report.status {
            Status::Failed(message) => text += &format!("error: {} failed: {message}\n", report.product.id()),
            Status::Skipped { upstream } => {
                text +=
                    &format!("error: {} was not built because {upstream} upstream of it failed\n", report.product.id())
            }
            _ => {}
        }
    }
    text
}

fn report_json(report: &ProductReport) -> serde_json::Value {
    let (status, error) = match &report.status {
        Status::Built => ("built", None),
        Status::UpToDate => ("up_to_date", None),
        Status::Failed(message) => ("failed", Some(message.clone())),
        Status::Skipped { upstream } => ("skipped", Some(format!("upstream {upstream} failed"))),
    };
    let built = matches!(report.status, Status::Built);
    json!({
        "product": report.product.id(),
        "layer": report.product.layer.as_str(),
        "status": status,
        "error": error,
        "version": report.manifest.as_ref().map(|m| m.version),
        "newest_event_time": report.manifest.as_ref().and_then(|m| m.newest_event_time.clone()),
        "run": report.manifest.as_ref().filter(|_| built).map(|m| &m.run),
        "seconds": report.elapsed.as_secs_f64(),
    })
}
