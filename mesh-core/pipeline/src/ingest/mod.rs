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
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

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
        let metadata = fs::metadata(&path).map_err(|e| PipelineError::io(&path, "reading", e))?;
        if !metadata.is_file() {
            return Err(PipelineError::Lakehouse(format!(
                "{} is not a regular file (a folder, device or FIFO): landing files are files that were written \
                 completely; move it out of the landing folder",
                path.display()
            )));
        }
        files.push((name, path, metadata.len()));
    }
    files.sort();
    Ok(files)
}

/// Lines parsed by the reading thread, handed to the writing one in order.
#[derive(Default)]
struct Batch {
    // The datums of the lines that became records, back to back.
    datums: Vec<u8>,
    lines: Vec<Line>,
    // The bytes of rejected lines, back to back.
    rejected: Vec<u8>,
}

enum Line {
    /// A record: its datum ends at this offset of `Batch::datums`.
    Record { line: u64, end: usize },
    /// A line for quarantine: its bytes end at this offset of `Batch::rejected`.
    Rejected { line: u64, end: usize, reason: String },
    /// A line longer than [`MAX_LINE_BYTES`], left where it is in the landing file.
    TooLong { line: u64, offset: u64, bytes: u64 },
}

/// The longest landing line read: longer ones are quarantined by position, not copied.
const MAX_LINE_BYTES: usize = 16 << 20;

/// Lines per batch: enough to keep both threads busy, few enough to stay small in memory.
const BATCH_LINES: usize = 4096;

/// Ingests one landing file in two stages on two threads: one reads and parses lines into
/// datums, the other decodes them into records and writes (and compresses) the data file. They
/// cost about the same, so ingestion of one product uses two cores; batches are recycled, so
/// memory stays at a few batches whatever the file's size.
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
    let (full, parsed) = sync_channel::<Batch>(2);
    let (recycle, empty) = sync_channel::<Batch>(4);
    for _ in 0..4 {
        let _ = recycle.send(Batch::default());
    }
    let (mut records, mut quarantined) = (0, 0);
    // A line that does not parse may hold any of the product's personal data: sealed whole.
    let sealed_by = (!T::DESCRIPTOR.pii_fields().is_empty()).then_some(T::DOMAIN);
    let lines = std::thread::scope(|scope| {
        let reader =
            scope.spawn(move || parse_lines(BufReader::with_capacity(1 << 16, file), path, encoder, &full, &empty));
        let written = (|| {
            for batch in parsed.iter() {
                let (mut datum_start, mut rejected_start) = (0, 0);
                for line in &batch.lines {
                    match line {
                        Line::Record { line, end } => {
                            // The typed decoder checks the datum once more and gives the writer its record.
                            let record = from_datum::<T>(&batch.datums[datum_start..*end]).map_err(|e| {
                                PipelineError::Failed(format!(
                                    "{source} line {line}: the JSON encoder wrote a bad datum ({e}); this is a bug"
                                ))
                            })?;
                            datum_start = *end;
                            writer.append(transaction, &record)?;
                            records += 1;
                        }
                        Line::TooLong { line, offset, bytes } => {
                            let origin = Origin::Landing { source, line: *line };
                            let reason = format!(
                                "the line is {bytes} bytes, longer than the {} MiB a line may have; it stays in the landing file",
                                MAX_LINE_BYTES >> 20
                            );
                            quarantine.landing_line_at(transaction, origin, &reason, *offset, *bytes)?;
                            quarantined += 1;
                        }
                        Line::Rejected { line, end, reason } => {
                            let origin = Origin::Landing { source, line: *line };
                            let raw = &batch.rejected[rejected_start..*end];
                            rejected_start = *end;
                            quarantine.landing_line(transaction, origin, reason, raw, sealed_by)?;
                            quarantined += 1;
                        }
                    }
                }
                // The reader may have stopped already; then the batch is simply dropped.
                let _ = recycle.send(batch);
            }
            Ok(())
        })();
        // Dropping both ends stops a reader still sending, or waiting for a batch, after a write error.
        drop(parsed);
        drop(recycle);
        let read = reader.join().unwrap_or_else(|_| Err(PipelineError::failed("the landing file reader panicked")));
        written.and(read)
    })?;
    Ok(LandingFile { name: String::new(), bytes, lines, records, quarantined, version: 0 })
}

/// The reading stage: every line of `input`, in batches; returns the line count.
fn parse_lines(
    mut input: BufReader<File>,
    path: &Path,
    encoder: &mut JsonLineEncoder,
    full: &SyncSender<Batch>,
    empty: &Receiver<Batch>,
) -> Result<u64, PipelineError> {
    let mut lines = 0;
    let mut offset = 0u64;
    let mut line = Vec::new();
    loop {
        // No batch back means the writer stopped: its error is the one reported.
        let Ok(mut batch) = empty.recv() else { return Ok(lines) };
        batch.datums.clear();
        batch.lines.clear();
        batch.rejected.clear();
        let mut at_end = false;
        while batch.lines.len() < BATCH_LINES {
            line.clear();
            let reading = |e| PipelineError::io(path, "reading", e);
            let read = (&mut input).take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut line).map_err(reading)?;
            if read == 0 {
                at_end = true;
                break;
            }
            lines += 1;
            let start = offset;
            offset += read as u64;
            if line.len() > MAX_LINE_BYTES && line.last() != Some(&b'\n') {
                // Skip the rest of the line without holding it.
                let mut rest = 0;
                loop {
                    let buffer = input.fill_buf().map_err(reading)?;
                    if buffer.is_empty() {
                        break;
                    }
                    let (used, ends) = match buffer.iter().position(|&b| b == b'\n') {
                        Some(at) => (at + 1, true),
                        None => (buffer.len(), false),
                    };
                    input.consume(used);
                    rest += used as u64;
                    if ends {
                        break;
                    }
                }
                offset += rest;
                batch.lines.push(Line::TooLong { line: lines, offset: start, bytes: read as u64 + rest });
                continue;
            }
            let content = line.strip_suffix(b"\n").unwrap_or(&line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let reason = match std::str::from_utf8(content) {
                Err(_) => "the line is not UTF-8 text".to_owned(),
                Ok(text) => match encoder.encode(text, &mut batch.datums) {
                    Ok(()) => {
                        batch.lines.push(Line::Record { line: lines, end: batch.datums.len() });
                        continue;
                    }
                    Err(error) => error.to_string(),
                },
            };
            batch.rejected.extend_from_slice(content);
            batch.lines.push(Line::Rejected { line: lines, end: batch.rejected.len(), reason });
        }
        if full.send(batch).is_err() || at_end {
            return Ok(lines);
        }
    }
}
