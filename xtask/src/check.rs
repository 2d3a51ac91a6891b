//! `cargo xtask check`: the lineage graph and the mesh's policies, over every registered product.

use std::fs;
use std::io::ErrorKind;

use mesh_core::diagnostic::Diagnostic;
use mesh_core::governance::{self, CalendarDate, Format, MeshConfig, POLICIES};
use mesh_core::lineage::Lineage;
use mesh_core::registered_products;

use crate::workspace_root;

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

/// The product's Avro schema cannot be built (reported by the front end, which builds the schemas).
const SCHEMA_ERROR: &str = "MESH0008";

/// The file, relative to the workspace root, that holds the global policies.
pub const CONFIG_FILE: &str = "mesh.toml";

/// Reads `mesh.toml` at the workspace root; the built-in policies when there is none.
pub fn load_config() -> MeshConfig {
    let path = workspace_root().join(CONFIG_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => MeshConfig::parse(&text, CONFIG_FILE),
        Err(e) if e.kind() == ErrorKind::NotFound => MeshConfig::default(),
        Err(e) => {
            let mut config = MeshConfig::default();
            config.problems.push(
                Diagnostic::error(governance::codes::INVALID_CONFIG, format!("cannot read {}: {e}", path.display()))
                    .help("make the file readable; the built-in policies apply until then"),
            );
            config
        }
    }
}

/// Checks the mesh and prints the report; fails when it has errors.
pub fn run(format: CheckFormat, today: Option<CalendarDate>) -> Result<(), String> {
    let format = match format {
        CheckFormat::Text => Format::Text,
        CheckFormat::Json => Format::Json,
        CheckFormat::Github => Format::Github,
    };
    let registrations = registered_products();
    let lineage = Lineage::build(registrations.iter().map(|r| r.descriptor));
    let config = load_config();
    let mut report = governance::check_lineage(&lineage, &config, today.unwrap_or_else(CalendarDate::today));
    for registration in &registrations {
        if let Err(e) = (registration.schema)() {
            let product = registration.descriptor;
            report.diagnostics.push(
                Diagnostic::error(
                    SCHEMA_ERROR,
                    format!("the Avro schema of `{}` cannot be built: {}", product.id(), e.reason),
                )
                .product(product.id())
                .at(&product.source)
                .help("fix the field types named in the message; `cargo xtask export` reports the same"),
            );
        }
    }
    report.sort();
    print!("{}", report.render(format));
    match report.errors() {
        0 => Ok(()),
        1 => Err("the mesh check found 1 error".into()),
        n => Err(format!("the mesh check found {n} errors")),
    }
}

/// Prints every policy with its level in this workspace (`mesh.toml`, else the built-in default).
pub fn list_policies() -> Result<(), String> {
    let config = load_config();
    for problem in &config.problems {
        eprintln!("{problem}\n");
    }
    println!("{:<10} {:<26} {:<8} purpose", "code", "policy", "level");
    for info in POLICIES {
        let level = config.global_level(info.policy);
        println!("{:<10} {:<26} {:<8} {}", info.code, info.name, level.to_string(), info.purpose);
    }
    Ok(())
}
