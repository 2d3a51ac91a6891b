//! `cargo xtask check`: the lineage graph and the mesh's policies, over every registered product.

use std::collections::BTreeSet;
use std::io::ErrorKind;

use mesh_analysis::baseline::{CONTRACTS_DIR, PUBLISH_COMMAND};
use mesh_analysis::diagnostic::{Code, Diagnostic};
use mesh_analysis::governance::{self, CalendarDate, Format, MeshConfig, Report, POLICIES};
use mesh_analysis::lineage::Lineage;
use mesh_core::registered_products;

use crate::output::{Failure, Output};
use crate::{evolution, mesh, workspace_root};

/// How `cargo xtask check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Like rustc, with a summary line.
    Text,
    /// One JSON document for machines.
    Json,
    /// GitHub Actions annotations.
    Github,
}

impl From<CheckFormat> for Format {
    fn from(format: CheckFormat) -> Self {
        match format {
            CheckFormat::Text => Format::Text,
            CheckFormat::Json => Format::Json,
            CheckFormat::Github => Format::Github,
        }
    }
}

/// The file, relative to the workspace root, that holds the global policies.
pub const CONFIG_FILE: &str = "mesh.toml";

/// Reads `mesh.toml` at the workspace root; the built-in policies when there is none.
pub fn load_config() -> MeshConfig {
    let path = workspace_root().join(CONFIG_FILE);
    match crate::files::read_text_file(&path) {
        Ok(text) => MeshConfig::parse(&text, CONFIG_FILE),
        Err(e) if e.kind() == ErrorKind::NotFound => MeshConfig::default(),
        Err(e) => {
            let mut config = MeshConfig::default();
            config.problems.push(
                Diagnostic::new(Code::InvalidConfig, format!("cannot read {}: {e}", path.display()))
                    .help("make the file readable; the built-in policies apply until then"),
            );
            config
        }
    }
}

/// Checks the mesh and prints the report; fails when it has errors.
pub fn run(
    format: CheckFormat,
    today: Option<CalendarDate>,
    against: Option<&str>,
    out: &mut Output,
) -> Result<(), Failure> {
    let format = Format::from(format);
    let report = analyse(today, against)?;
    out.print(&report.render(format))?;
    match report.errors() {
        0 => Ok(()),
        1 => Err("the mesh check found 1 error".into()),
        n => Err(format!("the mesh check found {n} errors").into()),
    }
}

/// Every check over the registered products: lineage, policies, schemas, and
/// schema evolution against the published baseline (`contracts/`, or its
/// state at `against`).
///
/// # Errors
/// `contracts/` cannot be read, or `against` is not a git ref.
pub fn analyse(today: Option<CalendarDate>, against: Option<&str>) -> Result<Report, String> {
    let lineage = Lineage::build(registered_products().into_iter().map(|r| r.descriptor));
    let mesh = mesh::load_all();
    let config = load_config();
    let today = today.unwrap_or_else(CalendarDate::today);
    let mut report = governance::check_lineage(&lineage, &config, today);
    // Still declared: evolution must not take a product whose schema fails for a removed one.
    let unbuilt: BTreeSet<String> = mesh.unbuilt.iter().map(|(product, _)| product.id()).collect();
    for (product, e) in &mesh.unbuilt {
        report.diagnostics.push(
            Diagnostic::new(
                Code::SchemaNotBuilt,
                format!("the Avro schema of `{}` cannot be built: {}", product.id(), e.reason),
            )
            .product(product.id())
            .at(&product.source)
            .help("fix the field types named in the message; `cargo xtask export` reports the same"),
        );
    }
    let loaded = mesh.products;
    let root = workspace_root();
    if against.is_some() || root.join(CONTRACTS_DIR).is_dir() {
        report.diagnostics.extend(evolution::diagnostics(&loaded, &root, against, today, &unbuilt)?);
    } else {
        report.diagnostics.push(
            Diagnostic::new(
                Code::NoBaseline,
                format!(
                    "this workspace has no published baseline (`{CONTRACTS_DIR}/`), so schema evolution is not checked"
                ),
            )
            .help(format!("run `{PUBLISH_COMMAND}` to publish the current schemas and contracts as the baseline")),
        );
    }
    report.sort();
    Ok(report)
}

/// Prints every policy with its level in this workspace (`mesh.toml`, else the built-in default).
pub fn list_policies(out: &mut Output) -> Result<(), Failure> {
    let config = load_config();
    for problem in &config.problems {
        errln!("{problem}\n");
    }
    out.line(format_args!("{:<10} {:<26} {:<8} {:<8} purpose", "code", "policy", "level", "checked"))?;
    for info in POLICIES {
        let level = config.global_level(info.policy);
        out.line(format_args!(
            "{:<10} {:<26} {:<8} {:<8} {}",
            info.code.as_str(),
            info.name(),
            level.to_string(),
            info.scope.to_string(),
            info.purpose()
        ))?;
    }
    Ok(())
}
