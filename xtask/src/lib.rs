//! The mesh's command line. The binary links the domain crates; this library
//! works on whatever products are registered, so other binaries (test
//! fixtures, other meshes) reuse it by linking their own domains.
//!
//! Commands print through `output.rs`, never `print!`: see there what a closed pipe or a full
//! disk does.

// `print!` and `eprint!` panic when the stream cannot be written.
#![deny(clippy::print_stdout, clippy::print_stderr)]

// First: the modules below use its `errln!`.
#[macro_use]
mod output;

mod audit;
mod catalog;
mod check;
mod compat;
mod components;
mod docs;
mod dump;
mod evolution;
mod export;
mod files;
mod generate;
mod graph;
mod keys;
mod mesh;
mod publish;
mod quarantine;
mod readiness;
mod run;
mod sample;
mod scaffold;
mod scan;
mod sql;
mod validate;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use output::{Failure, Output};

/// Data mesh as code: checks and artifacts for every registered data product.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about)]
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
        /// What to write.
        #[arg(long, value_enum, default_value_t = export::ExportFormat::Contract)]
        format: export::ExportFormat,
    },
    /// Check the lineage graph, the policies (mesh.toml) and schema evolution (contracts/); non-zero on any error.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = check::CheckFormat::Text)]
        format: check::CheckFormat,
        /// The date waivers are checked against, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE", value_parser = mesh_analysis::governance::CalendarDate::parse)]
        today: Option<mesh_analysis::governance::CalendarDate>,
        /// Compare schemas with `contracts/` as they are at this git ref (e.g. `origin/main`) instead of on disk.
        #[arg(long, value_name = "GIT_REF")]
        against: Option<String>,
    },
    /// List the mesh's policies: code, name, global level (from mesh.toml) and purpose.
    Policies,
    /// Generate docs/reference/ from the tables in code: codes, policies, rules, keys.
    Docs {
        /// Write nothing; fail if a page is missing or differs from what the tables generate.
        #[arg(long)]
        check: bool,
        /// The workspace whose docs/reference/ is written or checked (default: this one).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
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
    /// Run every check (as `check`), then publish every product's schema and contract to `contracts/`.
    Publish {
        /// Only report the evolution diagnostics (and whether `contracts/` is up to date); write nothing.
        #[arg(long)]
        check: bool,
        /// With --check: compare with `contracts/` as they are at this git ref (e.g. `origin/main`).
        #[arg(long, value_name = "GIT_REF", requires = "check")]
        against: Option<String>,
    },
    /// Classify the change between two Avro schemas: identical, doc-only, compatible or breaking.
    Compat {
        /// The previous schema (.avsc).
        old: PathBuf,
        /// The new schema (.avsc).
        new: PathBuf,
        /// Which readers must keep working.
        #[arg(long, value_enum, default_value = "full")]
        mode: compat::ModeArg,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: compat::Format,
    },
    /// Write N synthetic records of PRODUCT (the same records for a seed) to an Avro container file.
    Sample {
        /// The product id (`sales.sales_analytics`) or its name if unique.
        product: String,
        /// How many records.
        #[arg(long, default_value_t = 1000)]
        rows: u64,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The seed: the same seed writes the same records (encrypted fields get fresh nonces, so other bytes).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Block compression: null, deflate, snappy or zstandard.
        #[arg(long, default_value = "deflate")]
        codec: String,
    },
    /// Install the outside components the tests use (Graphviz, Python's avro) if missing, then run
    /// `cargo test --workspace` with ARGS.
    Test {
        /// Passed to `cargo test` (e.g. `-- --nocapture`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build the products into the lakehouse in lineage order: bronze from the landing folder,
    /// the others by their pipelines; only what has new input is rebuilt.
    Run {
        /// Only this product (`domain.name`) and what feeds it; repeatable.
        #[arg(long, value_name = "ID")]
        product: Vec<String>,
        /// The landing folder bronze products are ingested from (default: `landing/` in the workspace).
        #[arg(long, value_name = "DIR")]
        landing: Option<PathBuf>,
        /// The lakehouse folder (default: `lakehouse/` in the workspace).
        #[arg(long, value_name = "DIR")]
        lakehouse: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = run::RunFormat::Text)]
        format: run::RunFormat,
    },
    /// Check the products' data against their contracts: quality rules, quality score and freshness
    /// against the SLA; exit 0 when every SLA holds, 1 on a breach, 2 when data cannot be read.
    Validate {
        /// Products (`domain.name`); default: all (with `--files`, those the files hold).
        products: Vec<String>,
        /// The lakehouse folder (default: `lakehouse/` in the workspace); history goes to its `_validations.sqlite`.
        #[arg(long, value_name = "DIR", conflicts_with = "files")]
        lakehouse: Option<PathBuf>,
        /// Validate these container files instead of the lakehouse's committed versions.
        #[arg(long, value_name = "FILE", num_args = 1..)]
        files: Vec<PathBuf>,
        /// Measure freshness at this time (RFC 3339; default: now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = validate::ValidateFormat::Text)]
        format: validate::ValidateFormat,
        /// KiB of keys each uniqueness rule holds in memory before it partitions them on disk.
        #[arg(long, value_name = "KIB", default_value_t = 256 * 1024)]
        unique_memory: usize,
        /// Where the checks run: in this process, or on Apache Spark (the query of `cargo xtask sql`).
        #[arg(long, value_enum, default_value_t = validate::Engine::Embedded)]
        engine: validate::Engine,
        /// The Spark master (`local[*]`, `spark://host:7077`) for `--engine spark`.
        #[arg(long, value_name = "URL", default_value = "local[*]")]
        master: String,
        /// Write each product's Prometheus metrics file here (default: `mesh.toml`'s `[alerts] metrics-dir`).
        #[arg(long, value_name = "DIR")]
        metrics_dir: Option<PathBuf>,
        /// Do not send breaches to the webhooks `mesh.toml` routes them to.
        #[arg(long)]
        no_alerts: bool,
    },
    /// Print a product's contract as SQL: the table over its lakehouse folder, the grant of its read
    /// access, and the query that counts every quality rule's checked and failing records.
    Sql {
        /// The product (`domain.name`).
        product: String,
        /// The SQL dialect.
        #[arg(long, value_enum, default_value_t = sql::SqlDialect::Spark)]
        dialect: sql::SqlDialect,
        /// The lakehouse folder the table's location is in (default: `lakehouse/` in the workspace).
        #[arg(long, value_name = "DIR")]
        lakehouse: Option<PathBuf>,
        /// The folder of Avro files the table reads, instead of the product's `data/` folder.
        #[arg(long, value_name = "DIR", conflicts_with = "lakehouse")]
        location: Option<String>,
    },
    /// Print the records of an Avro container file as JSON lines.
    Dump {
        /// The container file.
        file: PathBuf,
        /// Read through this product's typed reader (resolving older schemas); otherwise as the file's own schema has them.
        #[arg(long)]
        product: Option<String>,
        /// Print only the record count and the peak memory.
        #[arg(long)]
        count: bool,
        /// Skip corrupt blocks (reported on stderr) and print the records of the others; exits
        /// non-zero if any block was skipped.
        #[arg(long)]
        skip_corrupt: bool,
        /// Print fields encrypted at rest in plaintext, opened with the keyring (default: `<encrypted>`).
        #[arg(long)]
        reveal: bool,
    },
    /// Write the catalog: a static, searchable site of every product (works from `file://`).
    Catalog {
        /// Output directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The lakehouse its manifests (freshness, record counts) and validation history (quality history) come from (default: `lakehouse/`).
        #[arg(long, value_name = "DIR")]
        lakehouse: Option<PathBuf>,
        /// Then serve the site on 127.0.0.1 until stopped.
        #[arg(long)]
        serve: bool,
        /// With --serve: the port (0: any free one, printed).
        #[arg(long, default_value_t = 8000, requires = "serve")]
        port: u16,
    },
    /// Write synthetic landing files, with the dirt real sources have, for the bronze products.
    ///
    /// One JSON lines file per product and day, DIR/<domain>/<product>/<YYYY-MM-DD>.jsonl, the same
    /// bytes for the same options; DIR/_generated.json counts the lines and the dirt of each.
    Generate {
        /// The landing folder (created if missing); files already there are compared, never rewritten.
        #[arg(long, value_name = "DIR")]
        landing: PathBuf,
        /// How many days, one file per product and day.
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=36_500))]
        days: u32,
        /// The seed: the same options write the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The first day, YYYY-MM-DD (fixed, so that the output never depends on today).
        #[arg(long, value_name = "DATE", default_value = "2026-11-01", value_parser = mesh_core::model::CalendarDate::parse)]
        start: mesh_core::model::CalendarDate,
        /// Sales events per day; marketing has 3 times as many, usage 5 times.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        orders_per_day: u64,
        /// Synthetic customers (ids C000001 ..).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=i64::from(generate::MAX_CUSTOMERS)))]
        customers: u32,
    },
    /// Print what a product's current version set aside (quarantined landing lines and records)
    /// as JSON lines; personal data shows as `<encrypted>` unless `--reveal`.
    Quarantine {
        /// The product (`domain.name`, or its name if unique).
        product: String,
        /// The lakehouse folder (default: `lakehouse/` in the workspace).
        #[arg(long, value_name = "DIR")]
        lakehouse: Option<PathBuf>,
        /// Open the sealed lines and fields with the keyring.
        #[arg(long)]
        reveal: bool,
    },
    /// Scan the data at rest: personal data stored unencrypted where the declaration encrypts it,
    /// values that look like personal data in fields not classified as PII, and files of no product
    /// or unreadable (the policies MESH0110-MESH0113, at mesh.toml's levels); non-zero on an error.
    ///
    /// Counts only: no value is printed.
    Scan {
        /// The folders to scan, every `*.avro` file under them (default: `lakehouse/` in the workspace).
        dirs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = check::CheckFormat::Text)]
        format: check::CheckFormat,
        /// The date waivers are checked against, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE", value_parser = mesh_analysis::governance::CalendarDate::parse)]
        today: Option<mesh_analysis::governance::CalendarDate>,
    },
    /// Data keys of the local keyring that encrypts personal data at rest.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
    /// The quarterly governance audit: PII inventory, policy findings, waivers, SLA compliance,
    /// contract changes, ownership gaps and what changed since the previous audit.
    Audit {
        /// The quarter, YYYY-QN (default: the current one, UTC).
        #[arg(long, value_name = "QUARTER", value_parser = audit::Quarter::parse)]
        quarter: Option<audit::Quarter>,
        /// Output format (on stdout).
        #[arg(long, value_enum, default_value_t = audit::AuditFormat::Markdown)]
        format: audit::AuditFormat,
        /// The previous quarter's audit JSON (default: `audits/<previous quarter>.json`, if filed).
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
        /// File the audit as DIR/<quarter>.md, .html and .json instead of printing it.
        #[arg(long, value_name = "DIR", conflicts_with = "format")]
        out: Option<PathBuf>,
    },
    /// Scaffold a domain crate or a product declaration that passes `cargo xtask check` as written.
    New {
        #[command(subcommand)]
        what: scaffold::NewCommand,
    },
    /// The data mesh readiness assessment: six factors scored 1-5, the total's band, what to do
    /// first, and the evidence the mesh itself shows.
    ///
    /// Asks in the terminal (each factor with what a 1, 3 and 5 look like; answers can be revised
    /// before the result), or reads `--answers FILE.toml` with one key per factor.
    Readiness {
        /// The scores: domain_clarity, team_maturity, platform_capability, governance_maturity,
        /// scale_need and organizational_buy_in, each 1-5.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = readiness::ReadinessFormat::Text)]
        format: readiness::ReadinessFormat,
        /// The date waivers are counted against, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_name = "DATE", value_parser = mesh_analysis::governance::CalendarDate::parse)]
        today: Option<mesh_analysis::governance::CalendarDate>,
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
    let mut out = Output::stdout();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        // `--help` and `--version`, on stdout.
        Err(e) => {
            let printed = e.print();
            return finish(out.settle(printed).map(|()| ExitCode::SUCCESS), &mut out, 1);
        }
    };
    // `compat` exits 2 when it cannot do its job (unreadable input or output), as `diff` and `cmp` do.
    let failure_code = if matches!(cli.command, Command::Compat { .. }) { 2 } else { 1 };
    let result = run(cli.command, &mut out);
    finish(result, &mut out, failure_code)
}

/// Flushes stdout, then reports the failure, if any, on stderr: one `error: ...` line (after
/// the output, so that a terminal shows them in order) and `failure_code`.
fn finish(result: Result<ExitCode, Failure>, out: &mut Output, failure_code: u8) -> ExitCode {
    let result = result.and_then(|code| out.flush().map(|()| code));
    match result {
        Ok(code) => code,
        Err(failure) => {
            // Whatever was printed before the failure still goes out first; that flush can fail too.
            let _ = out.flush();
            errln!("error: {failure}");
            ExitCode::from(failure_code)
        }
    }
}

impl Command {
    /// Whether the command reads or writes data files, whose personal data the keyring
    /// encrypts and decrypts.
    fn touches_data(&self) -> bool {
        matches!(
            self,
            Command::Sample { .. }
                | Command::Run { .. }
                | Command::Validate { .. }
                | Command::Dump { .. }
                | Command::Catalog { .. }
                | Command::Quarantine { .. }
        )
    }
}

fn run(command: Command, out: &mut Output) -> Result<ExitCode, Failure> {
    let passed = |passed: bool| if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    if command.touches_data() {
        keys::install(&workspace_root())?;
    }
    match command {
        Command::Export { out: dir, format } => export::run(&dir, format, out),
        Command::Check { format, today, against } => check::run(format, today, against.as_deref(), out),
        Command::Policies => check::list_policies(out),
        Command::Keys { command } => keys::run(&workspace_root(), &command, out),
        Command::Quarantine { product, lakehouse, reveal } => {
            let lakehouse = lakehouse.unwrap_or_else(|| workspace_root().join("lakehouse"));
            quarantine::run(&product, &lakehouse, reveal, out)
        }
        Command::Scan { dirs, format, today } => {
            let dirs = if dirs.is_empty() { vec![workspace_root().join("lakehouse")] } else { dirs };
            scan::run(&dirs, format, today.unwrap_or_else(mesh_analysis::governance::CalendarDate::today), out)
        }
        Command::Docs { check, root } => docs::run(&root.unwrap_or_else(workspace_root), check, out),
        Command::Graph { format, product, upstream: _, downstream } => graph::run(
            format,
            product
                .as_deref()
                .map(|id| (id, if downstream { graph::Direction::Downstream } else { graph::Direction::Upstream })),
            out,
        ),
        Command::Publish { check, against } => {
            let root = workspace_root();
            let ok = if check { publish::check(&root, against.as_deref(), out)? } else { publish::run(&root, out)? };
            return Ok(passed(ok));
        }
        Command::Compat { old, new, mode, format } => {
            let (text, breaking) = compat::run(&old, &new, mode, format)?;
            out.print(&text)?;
            return Ok(passed(!breaking));
        }
        Command::Sample { product, rows, out: file, seed, codec } => {
            sample::run(&product, rows, &file, seed, &codec).map_err(Failure::from)
        }
        Command::Test { args } => components::run(&workspace_root(), &args).map_err(Failure::from),
        Command::Run { product, landing, lakehouse, format } => {
            let root = workspace_root();
            let landing = landing.unwrap_or_else(|| root.join("landing"));
            let lakehouse = lakehouse.unwrap_or_else(|| root.join("lakehouse"));
            return run::run(&product, &landing, &lakehouse, format, out).map(passed);
        }
        Command::Sql { product, dialect, lakehouse, location } => {
            let lakehouse = lakehouse.unwrap_or_else(|| workspace_root().join("lakehouse"));
            sql::run(&product, dialect, &lakehouse, location.as_deref(), out)
        }
        Command::Validate {
            products,
            lakehouse,
            files,
            at,
            format,
            unique_memory,
            engine,
            master,
            metrics_dir,
            no_alerts,
        } => {
            let root = workspace_root();
            let lakehouse = lakehouse.unwrap_or_else(|| root.join("lakehouse"));
            let request = validate::Request {
                products: &products,
                lakehouse: &lakehouse,
                files: &files,
                at: at.as_deref(),
                format,
                unique_memory_kib: unique_memory,
                engine,
                master: &master,
                metrics_dir: metrics_dir.as_deref(),
                send_alerts: !no_alerts,
                root: &root,
            };
            return validate::run(&request, out).map(ExitCode::from);
        }
        Command::Dump { file, product, count, skip_corrupt, reveal } => {
            let request =
                dump::Request { file: &file, product: product.as_deref(), count_only: count, skip_corrupt, reveal };
            dump::run(&request, out)
        }
        Command::Catalog { out: dir, lakehouse, serve, port } => {
            let lakehouse = lakehouse.unwrap_or_else(|| workspace_root().join("lakehouse"));
            catalog::run(&dir, &lakehouse, serve.then_some(port), out)
        }
        Command::Generate { landing, days, seed, start, orders_per_day, customers } => {
            generate::run(&generate::Options { landing, days, seed, start, orders_per_day, customers }, out)
        }
        Command::Audit { quarter, format, previous, out: dir } => {
            audit::run(quarter, format, previous.as_deref(), dir.as_deref(), out)
        }
        Command::New { what } => scaffold::run(what, &workspace_root(), out),
        Command::Readiness { answers, format, today } => readiness::run(answers.as_deref(), format, today, out),
    }
    .map(|()| ExitCode::SUCCESS)
}
