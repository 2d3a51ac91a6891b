//! The mesh's command line. The binary links the domain crates; this library
//! works on whatever products are registered, so other binaries (test
//! fixtures, other meshes) reuse it by linking their own domains.

mod dump;
mod export;
mod files;
mod mesh;
mod sample;

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
    /// Write N synthetic records of PRODUCT (deterministic for a seed) to an Avro container file.
    Sample {
        /// The product id (`sales.sales_analytics`) or its name if unique.
        product: String,
        /// How many records.
        #[arg(long, default_value_t = 1000)]
        rows: u64,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The seed: the same seed writes the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Block compression: null or deflate.
        #[arg(long, default_value = "deflate")]
        codec: String,
    },
    /// Print the records of an Avro container file as JSON lines.
    Dump {
        /// The container file.
        file: PathBuf,
        /// Read through this product's typed reader (resolving older schemas); otherwise the generic reader.
        #[arg(long)]
        product: Option<String>,
        /// Print only the record count and the peak memory.
        #[arg(long)]
        count: bool,
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
        Command::Sample { product, rows, out, seed, codec } => sample::run(&product, rows, &out, seed, &codec),
        Command::Dump { file, product, count } => dump::run(&file, product.as_deref(), count),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
