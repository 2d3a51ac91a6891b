//! `cargo xtask readiness`: the data mesh readiness assessment. Six factors scored 1-5, asked in
//! the terminal or read from `--answers FILE.toml`; the total's band, the first steps for weak
//! factors, and the evidence the mesh itself provides.

mod answers;
mod evidence;
mod factors;
mod prompt;
mod render;

use std::io::IsTerminal;
use std::path::Path;

use mesh_analysis::governance::CalendarDate;
use mesh_core::registered_products;

use crate::output::{Failure, Output};

/// How `cargo xtask readiness` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReadinessFormat {
    /// For a terminal.
    Text,
    /// One JSON document (`scores`, `total`, `band`, ...).
    Json,
    /// For a review document.
    Markdown,
}

/// Scores the assessment (from `answers`, else interactively) and prints the result.
///
/// # Errors
/// The answers file is wrong, stdin is not a terminal and no answers file was given, or the
/// interactive input ended before the scores were accepted.
pub fn run(
    answers: Option<&Path>,
    format: ReadinessFormat,
    today: Option<CalendarDate>,
    out: &mut Output,
) -> Result<(), Failure> {
    let scores = match answers {
        Some(path) => answers::read(path)?,
        None if std::io::stdin().is_terminal() => prompt::ask(&mut std::io::stdin().lock(), &mut std::io::stderr())?,
        None => {
            return Err("stdin is not a terminal, so the assessment cannot ask its questions: pass the scores with \
                        `--answers FILE.toml` (keys domain_clarity, team_maturity, platform_capability, \
                        governance_maturity, scale_need, organizational_buy_in, each 1-5)"
                .into())
        }
    };
    let facts = mesh_evidence(today.unwrap_or_else(CalendarDate::today));
    let text = match format {
        ReadinessFormat::Text => render::text(&scores, &facts),
        ReadinessFormat::Json => render::json(&scores, &facts),
        ReadinessFormat::Markdown => render::markdown(&scores, &facts),
    };
    out.print(&text)
}

/// The evidence of this workspace's mesh.
fn mesh_evidence(today: CalendarDate) -> Vec<evidence::Fact> {
    let root = crate::workspace_root();
    let products: Vec<_> = registered_products().into_iter().map(|r| r.descriptor).collect();
    let config = crate::check::load_config();
    let workspace = evidence::Workspace {
        validation_history: evidence::validation_history(&root.join("lakehouse")),
        ci_running_check: evidence::ci_running_check(&root),
        check: crate::check::analyse(Some(today), None).map(|report| (report.errors(), report.warnings())),
    };
    evidence::gather(&products, &config, today, &workspace)
}
