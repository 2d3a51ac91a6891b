//! Bronze ingestion: the JSON lines an operational system drops in a landing folder, loaded
//! into the product's records.
//!
//! A bronze product `domain.name` reads `<landing>/<domain>/<name>/*.jsonl` (files whose name
//! starts with `.` are being written and are left alone). Each run ingests the files no earlier
//! version ingested, in name order, exactly once: the manifest lists every file ingested so far
//! with its size, and a listed file that changed afterwards stops the run. A line that is not
//! JSON or does not fit the schema goes to the run's quarantine file with its file, line number
//! and reason; blank lines are skipped.

pub mod json;

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use mesh_core::codec::{from_datum, ContainerRecord};
use mesh_core::model::Instant;
use mesh_core::DataProduct;

use crate::lakehouse::{DataWriter, LandingFile, Origin, Quarantine, RunCounts, Transaction};
use crate::pipeline::{new_manifest, schema_fingerprint, Job, Outcome};
use crate::PipelineError;

use json::JsonLineEncoder;

/// The landing folder of bronze product `T`.
pub fn landing_dir<T: DataProduct>(landing: &Path) -> PathBuf {
    landing.join(T::DOMAIN).join(T::NAME)
}

pub(crate) fn run<T: ContainerRecord + DataProduct>(job: &Job<'_>) -> Result<Outcome, PipelineError> {
    let dir = landing_dir::<T>(job.landing);
    let files = landing_files(&dir, T::PRODUCT_ID)?;
    let transaction = Transaction::begin(job.lakehouse, T::DESCRIPTOR)?;
    let ingested: HashMap<&str, &LandingFile> =
        transaction.previous().map(|m| m.landing.iter().map(|f| (f.name.as_str(), f)).collect()).unwrap_or_default();
    let mut new_files = Vec::new();
    for (name, path, bytes) in &files {
        match ingested.get(name.as_str()) {
            Some(earlier) if earlier.bytes != *bytes => {
                return Err(PipelineError::Lakehouse(format!(
                    "landing file {} was ingested by version {} with {} bytes and now has {bytes}: landing \
                     files must not change once dropped; put corrections in a new file and restore this one",
                    path.display(),
                    earlier.version,
                    earlier.bytes
                )))
            }
            Some(_) => {}
            None => new_files.push((name.as_str(), path.as_path())),
        }
    }
    if let (Some(previous), true) = (transaction.previous(), new_files.is_empty()) {
        return Ok(Outcome::UpToDate(previous.clone()));
    }
    let schema = T::writer_schema().map_err(|e| PipelineError::Failed(e.to_string()))?;
    let mut encoder = JsonLineEncoder::new(&schema.parsed)
        .map_err(|e| PipelineError::Failed(format!("{} cannot be ingested from JSON: {e}", T::PRODUCT_ID)))?;
    let mut writer = DataWriter::<T>::default();
    let mut quarantine = Quarantine::default();
    let mut landing = transaction.previous().map(|m| m.landing.clone()).unwrap_or_default();
    let mut lines_in = 0;
    for (name, path) in new_files {
        let source = format!("{}/{}/{name}", T::DOMAIN, T::NAME);
        let file = ingest_file(&transaction, &mut encoder, &mut writer, &mut quarantine, path, &source)?;
        lines_in += file.lines;
        landing.push(LandingFile { name: name.to_owned(), version: transaction.version(), ..file });
    }
    let previous = transaction.previous();
    let records_out = writer.records();
    let newest = previous
        .and_then(|m| m.newest_event_time.as_deref())
        .and_then(|text| Instant::parse_rfc3339(text).ok())
        .map(|instant| instant.0)
        .max(writer.newest_event_micros());
    let mut manifest = new_manifest::<T>(schema_fingerprint::<T>()?);
    // Bronze is append-only: the new version is the previous files and this run's.
    manifest.files = previous.map(|m| m.files.clone()).unwrap_or_default();
    manifest.files.extend(writer.finish()?);
    manifest.records = manifest.files.iter().map(|f| f.records).sum();
    manifest.newest_event_time = newest.map(|micros| Instant(micros).to_string());
    manifest.landing = landing;
    manifest.run = RunCounts {
        records_in: lines_in,
        records_out,
        quarantined: quarantine.entries(),
        dropped: Default::default(),
        quarantine_file: quarantine.finish()?,
    };
    transaction.commit(manifest).map(Outcome::Built)
}

/// The `.jsonl` files of `dir` by name, with their sizes.
fn landing_files(dir: &Path, product: &str) -> Result<Vec<(String, PathBuf, u64)>, PipelineError> {
    let entries = fs::read_dir(dir).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            PipelineError::Lakehouse(format!(
                "the landing folder of {product}, {}, does not exist: create it and drop JSON lines files \
                 (*.jsonl) there, or generate example data with `cargo xtask generate`",
                dir.display()
            ))
        } else {
            PipelineError::io(dir, "listing", e)
        }
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| PipelineError::io(dir, "listing", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !name.ends_with(".jsonl") {
            continue;
        }
        let path = entry.path();
        let bytes = entry.metadata().map_err(|e| PipelineError::io(&path, "reading", e))?.len();
        files.push((name, path, bytes));
    }
    files.sort();
    Ok(files)
}

fn ingest_file<T: ContainerRecord + DataProduct>(
    transaction: &Transaction,
    encoder: &mut JsonLineEncoder,
    writer: &mut DataWriter<T>,
    quarantine: &mut Quarantine,
    path: &Path,
    source: &str,
) -> Result<LandingFile, PipelineError> {
    let file = File::open(path).map_err(|e| PipelineError::io(path, "opening", e))?;
    let bytes = file.metadata().map_err(|e| PipelineError::io(path, "reading", e))?.len();
    let mut input = BufReader::with_capacity(1 << 16, file);
    let (mut lines, mut records, mut quarantined) = (0, 0, 0);
    let mut line = Vec::new();
    let mut datum = Vec::new();
    loop {
        line.clear();
        let read = input.read_until(b'\n', &mut line).map_err(|e| PipelineError::io(path, "reading", e))?;
        if read == 0 {
            break;
        }
        lines += 1;
        let content = line.strip_suffix(b"\n").unwrap_or(&line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if content.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let origin = Origin::Landing { source, line: lines };
        let Ok(text) = std::str::from_utf8(content) else {
            quarantine.landing_line(transaction, origin, "the line is not UTF-8 text", content)?;
            quarantined += 1;
            continue;
        };
        datum.clear();
        match encoder.encode(text, &mut datum) {
            Ok(()) => {
                // The typed decoder checks the datum once more and gives the writer its record.
                let record = from_datum::<T>(&datum).map_err(|e| {
                    PipelineError::Failed(format!(
                        "{source} line {lines}: the JSON encoder wrote a bad datum ({e}); this is a bug"
                    ))
                })?;
                writer.append(transaction, &record)?;
                records += 1;
            }
            Err(error) => {
                quarantine.landing_line(transaction, origin, &error.to_string(), content)?;
                quarantined += 1;
            }
        }
    }
    Ok(LandingFile { name: String::new(), bytes, lines, records, quarantined, version: 0 })
}
