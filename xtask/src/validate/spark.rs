//! `cargo xtask validate --engine spark`: the contract's check query run on Apache Spark, the counts
//! scored by the embedded validator's code.
//!
//! Each product's committed files are hard-linked (copied across file systems) into a staging
//! folder, so that the Hive table Spark reads holds exactly the validated version; the table is
//! created in a metastore that lives in memory for the run. One Spark session (one start-up)
//! serves every product. The driver is a small pyspark script embedded in this binary.
//!
//! Rules on fields encrypted at rest read them through `mesh_open(domain, value)`: the driver
//! registers it as a Python function (the `cryptography` package's AES-GCM-SIV and AES-SIV) with
//! the data keys of the domains concerned, handed to it on its standard input, never on disk or
//! on its command line. The keys travel with the job to Spark's executors: validate encrypted
//! products on a cluster trusted with their data.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mesh_core::model::{Instant, ProductDescriptor};
use mesh_core::registered_products;
use mesh_quality::report::ProductReport;
use mesh_quality::sql::{self, score::score, Dialect};
use mesh_quality::Target;
use serde_json::{json, Value};
use zeroize::Zeroizing;

const DRIVER: &str = include_str!("spark_driver.py");

/// What the Spark run measured besides the reports: its start-up and each product's query time.
pub struct Timings {
    /// Seconds until the session was up.
    pub startup_seconds: Option<f64>,
    /// Per product, the seconds its DDL and query took.
    pub products: Vec<(String, f64)>,
}

/// A folder removed when dropped, also when validation fails half-way.
struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Validates every `(product, target)` on the Spark at `master`; staging goes under `scratch`.
/// A product whose statements cannot be generated or whose query fails is reported unreadable.
///
/// # Errors
/// Spark cannot be started at all (pyspark missing, the master unreachable): the message says what to do.
pub fn validate(
    jobs: &[(&'static ProductDescriptor, Target)],
    master: &str,
    scratch: &Path,
    at: Instant,
) -> Result<(Vec<ProductReport>, Timings), String> {
    let root = scratch.join(format!(".spark-validate-{}", std::process::id()));
    std::fs::create_dir_all(&root).map_err(|e| format!("cannot create the staging folder {}: {e}", root.display()))?;
    let staging = Staging(root.canonicalize().unwrap_or(root));
    let staged: Vec<Result<sql::Statements, String>> =
        jobs.iter().map(|(product, target)| stage(product, target, &staging.0)).collect();
    let mut domains: Vec<&str> = staged.iter().flatten().flat_map(|s| s.opens.iter().map(String::as_str)).collect();
    domains.sort_unstable();
    domains.dedup();
    let keys = data_keys(&domains);
    // A product whose encrypted fields cannot be opened is not queried: it is reported unreadable.
    let staged: Vec<Result<sql::Statements, String>> = staged
        .into_iter()
        .map(|statements| match (statements, &keys) {
            (Ok(s), Err(why)) if !s.opens.is_empty() => Err(format!("its check query opens encrypted fields: {why}")),
            (statements, _) => statements,
        })
        .collect();
    let requests: Vec<Value> = jobs
        .iter()
        .zip(&staged)
        .filter_map(|((product, _), statements)| {
            let statements = statements.as_ref().ok()?;
            Some(json!({ "product": product.id(), "ddl": statements.ddl, "query": statements.check_query }))
        })
        .collect();
    let request = json!({
        "master": master,
        "warehouse": staging.0.join("warehouse").display().to_string(),
        "jobs": requests,
    });
    let request_file = staging.0.join("request.json");
    let driver = staging.0.join("driver.py");
    std::fs::write(&request_file, request.to_string())
        .and_then(|()| std::fs::write(&driver, DRIVER))
        .map_err(|e| format!("cannot write to the staging folder {}: {e}", staging.0.display()))?;
    // The keys go to the driver and are wiped as soon as they are sent.
    let keys = keys.unwrap_or_else(|_| Zeroizing::new("{}".to_owned()));
    let lines = run_driver(&driver, &request_file, &staging.0, master, keys)?;

    let mut timings = Timings { startup_seconds: None, products: Vec::new() };
    let mut reports = Vec::new();
    for ((product, target), statements) in jobs.iter().zip(staged) {
        let id = product.id();
        let unreadable = |message: String| mesh_quality::unreadable(product, target, at, message);
        if let Err(message) = statements {
            reports.push(unreadable(message));
            continue;
        }
        let line = lines.iter().find(|l| l["product"] == id.as_str());
        let report = match line.map(|l| (l, l["row"].as_object())) {
            Some((line, Some(row))) => {
                if let Some(seconds) = line["seconds"].as_f64() {
                    timings.products.push((id.clone(), seconds));
                }
                score(product, row, target, at).unwrap_or_else(unreadable)
            }
            Some((line, None)) => {
                unreadable(format!("Spark: {}", line["error"].as_str().unwrap_or("the query failed")))
            }
            None => unreadable("Spark returned no result for the product".into()),
        };
        reports.push(report);
    }
    timings.startup_seconds = lines.iter().find_map(|l| l["startup_seconds"].as_f64());
    Ok((reports, timings))
}

/// Links the target's files into a folder of their own; the product's statements over it.
fn stage(product: &ProductDescriptor, target: &Target, root: &Path) -> Result<sql::Statements, String> {
    let id = product.id();
    let schema = registered_products()
        .iter()
        .find(|r| r.descriptor.id() == id)
        .ok_or_else(|| format!("{id} is not registered in this binary"))
        .and_then(|r| (r.schema)().map_err(|e| e.to_string()))?;
    let folder = root.join(&id);
    std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    for (i, file) in target.files.iter().enumerate() {
        let staged = folder.join(format!("{i:06}.avro"));
        std::fs::hard_link(file, &staged)
            .or_else(|_| std::fs::copy(file, &staged).map(|_| ()))
            .map_err(|e| format!("cannot stage {} for Spark: {e}", file.display()))?;
    }
    sql::statements(product, &schema.json, Dialect::Spark, &folder.display().to_string())
}

/// Every data key of `domains`, as the driver's `mesh_open` takes them: JSON of domain -> version
/// -> hex, its text wiped when dropped. The text is allocated once at its full size, so that no
/// smaller copy of it is left behind unwiped by a reallocation.
fn data_keys(domains: &[&str]) -> Result<Zeroizing<String>, String> {
    use std::fmt::Write as _;
    if domains.is_empty() {
        return Ok(Zeroizing::new("{}".to_owned()));
    }
    let provider = mesh_core::codec::crypto::default_provider().map_err(|e| e.to_string())?;
    let mut versions = Vec::with_capacity(domains.len());
    for domain in domains {
        versions.push(provider.key_versions(domain).map_err(|e| e.to_string())?);
    }
    // Per domain its quoted name, braces and a comma; per key its version, quotes, colon, comma
    // and hex (2 digits a byte); escaping a domain's name at most doubles it.
    let size: usize = domains
        .iter()
        .zip(&versions)
        .map(|(d, v)| 2 * d.len() + 6 + v.len() * (16 + 2 * mesh_core::codec::crypto::DATA_KEY_BYTES))
        .sum();
    let mut json = Zeroizing::new(String::with_capacity(size + 2));
    json.push('{');
    for (i, (domain, versions)) in domains.iter().zip(versions).enumerate() {
        let _ = write!(json, "{}{}:{{", if i > 0 { "," } else { "" }, Value::from(*domain));
        for (j, version) in versions.into_iter().enumerate() {
            let key = provider.key(domain, version).map_err(|e| e.to_string())?;
            let _ = write!(json, "{}\"{version}\":\"", if j > 0 { "," } else { "" });
            for byte in key.material.iter() {
                let _ = write!(json, "{byte:02x}");
            }
            json.push('"');
        }
        json.push('}');
    }
    json.push('}');
    debug_assert!(json.len() <= size + 2, "the key text outgrew its allocation");
    Ok(json)
}

/// Runs the driver with `keys` on its standard input (wiped once written); its JSON lines.
fn run_driver(
    driver: &Path,
    request: &Path,
    cwd: &Path,
    master: &str,
    keys: Zeroizing<String>,
) -> Result<Vec<Value>, String> {
    let mut child = Command::new("python3")
        .arg(driver)
        .arg(request)
        .current_dir(cwd)
        // Spark binds loopback only.
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run python3 for Spark: {e}; install Python 3 with pyspark (`cargo xtask test` installs it)")
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A driver that died at once says why on stderr, read below.
        let _ = stdin.write_all(keys.as_bytes());
    }
    drop(keys);
    let mut stderr = String::new();
    let mut stdout = String::new();
    // Spark logs a lot on stderr: read it on a thread so neither pipe fills up and blocks the driver.
    let mut err_pipe = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err_pipe.read_to_string(&mut text);
        text
    });
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    let status = child.wait().map_err(|e| format!("python3 for Spark: {e}"))?;
    if let Ok(text) = reader.join() {
        stderr = text;
    }
    let lines: Vec<Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    if !status.success() {
        if stderr.contains("No module named 'pyspark'") {
            return Err("pyspark is not installed for python3: run `python3 -m pip install pyspark` (`cargo xtask test` installs it), or validate with `--engine embedded`".into());
        }
        let tail: Vec<&str> = stderr.lines().filter(|l| !l.trim_start().starts_with("at ")).collect();
        let tail = tail[tail.len().saturating_sub(8)..].join("\n");
        return Err(format!("Spark ({master}) failed ({status}); its last messages:\n{tail}"));
    }
    Ok(lines)
}
