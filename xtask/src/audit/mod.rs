//! `cargo xtask audit`: the quarterly governance review. PII inventory, policy findings,
//! waivers, SLA compliance, contract changes, ownership gaps and the trend since the previous
//! audit, as Markdown, HTML or JSON; the same repository state and quarter give the same bytes.

mod history;
mod quarter;
mod render;
mod report;

use std::path::{Path, PathBuf};

use mesh_analysis::governance::CalendarDate;
use mesh_core::registered_products;

use crate::output::{Failure, Output};
pub use quarter::Quarter;

/// How `cargo xtask audit` prints the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// For the repository and review meetings.
    Markdown,
    /// One self-contained page.
    Html,
    /// For machines, and for the next quarter's trend.
    Json,
}

/// Where the audits are filed, relative to the workspace root: `audits/2026-Q4.json`, ...
pub const AUDITS_DIR: &str = "audits";

/// Builds the audit of `quarter` (default: the current one) and prints it, or files all three
/// formats under `out` as `<quarter>.md`, `.html` and `.json`.
///
/// # Errors
/// git fails on the repository, the previous audit is not readable JSON, or a file cannot be written.
pub fn run(
    quarter: Option<Quarter>,
    format: AuditFormat,
    previous: Option<&Path>,
    out_dir: Option<&Path>,
    out: &mut Output,
) -> Result<(), Failure> {
    let root = crate::workspace_root();
    let quarter = quarter.unwrap_or_else(|| Quarter::of(CalendarDate::today()));
    let audit = build(&root, quarter, previous)?;
    let markdown = || render::markdown(&audit);
    let html = || render::html(&audit);
    let json = || {
        let mut text = serde_json::to_string_pretty(&audit).unwrap_or_default();
        text.push('\n');
        text
    };
    match out_dir {
        None => out.print(&match format {
            AuditFormat::Markdown => markdown(),
            AuditFormat::Html => html(),
            AuditFormat::Json => json(),
        }),
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            for (extension, text) in [("md", markdown()), ("html", html()), ("json", json())] {
                let path = dir.join(format!("{quarter}.{extension}"));
                std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                out.line(format_args!("    Filed {}", path.display()))?;
            }
            Ok(())
        }
    }
}

fn build(root: &Path, quarter: Quarter, previous: Option<&Path>) -> Result<serde_json::Value, String> {
    let products: Vec<_> = registered_products().into_iter().map(|r| r.descriptor).collect();
    let config = crate::check::load_config();
    // The check as it stands on the quarter's last day, so waivers expire as they would then.
    let report = crate::check::analyse(Some(quarter.end()), None)?;
    let changes = history::contract_changes(root, quarter.start(), quarter.end())?;
    let compliance = match mesh_quality::history::History::open_existing(&root.join("lakehouse"))? {
        None => None,
        Some(history) => {
            let until = quarter.next().start().to_string();
            Some(history.compliance(&quarter.start().to_string(), &until)?)
        }
    };
    let previous_path: PathBuf = match previous {
        Some(path) => path.to_path_buf(),
        None => root.join(AUDITS_DIR).join(format!("{}.json", quarter.previous())),
    };
    let previous = match crate::files::read_text_file(&previous_path) {
        Ok(text) => Some(serde_json::from_str::<serde_json::Value>(&text).map_err(|e| {
            format!(
                "{}: not an audit's JSON ({e}); file it again with `cargo xtask audit --format json`",
                previous_path.display()
            )
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && previous.is_none() => None,
        Err(e) => return Err(format!("cannot read the previous audit {}: {e}", previous_path.display())),
    };
    Ok(report::build(&report::Inputs {
        quarter,
        products: &products,
        config: &config,
        findings: &report.diagnostics,
        contract_changes: changes.as_deref(),
        compliance: compliance.as_deref(),
        previous: previous.as_ref(),
    }))
}
