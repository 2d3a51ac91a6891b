//! The mesh's command line. The binary links the domain crates; this library
//! works on whatever products are registered, so other binaries (test
//! fixtures, other meshes) reuse it by linking their own domains.

mod check;
mod export;
mod files;
mod graph;
mod mesh;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Data mesh as code: checks and artifacts for every registered data product.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write every product's Avro schema (.avsc) and contract YAML under DIR/<domain>/, plus DIR/index.json.
    Export {
        /// Output directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Check the lineage graph and the mesh's policies (mesh.toml); exits non-zero on any error.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = check::CheckFormat::Text)]
        format: check::CheckFormat,
        /// The date waivers are checked against, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE", value_parser = mesh_core::governance::CalendarDate::parse)]
        today: Option<mesh_core::governance::CalendarDate>,
    },
    /// List the mesh's policies: code, name, global level (from mesh.toml) and purpose.
    Policies,
    /// Print the lineage graph: domains as clusters, layers shown, cross-domain inputs bold.
    Graph {
        /// Output format.
        #[arg(long, value_enum, default_value_t = graph::GraphFormat::Dot)]
        format: graph::GraphFormat,
        /// Only this product (`domain.name`) and what feeds it (--upstream) or what it feeds (--downstream).
        #[arg(long, value_name = "ID", requires = "direction")]
        product: Option<String>,
        /// With --product: everything that feeds the product.
        #[arg(long, group = "direction", requires = "product")]
        upstream: bool,
        /// With --product: everything the product feeds, i.e. who breaks if it changes.
        #[arg(long, group = "direction", requires = "product")]
        downstream: bool,
    },
}

/// The workspace root: `MESH_ROOT` if set (tests point it at fixtures),
/// else the directory above this crate.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("MESH_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).to_path_buf())
}

/// Runs the command line on `args` (the first is the program name).
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let result = match cli.command {
        Command::Export { out } => export::run(&out),
        Command::Check { format, today } => check::run(format, today),
        Command::Policies => check::list_policies(),
        Command::Graph { format, product, upstream: _, downstream } => graph::run(
            format,
            product
                .as_deref()
                .map(|id| (id, if downstream { graph::Direction::Downstream } else { graph::Direction::Upstream })),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
