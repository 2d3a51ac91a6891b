//! `cargo xtask dump FILE [--product PRODUCT] [--count] [--skip-corrupt]`: a container file's
//! records as JSON lines.
//!
//! With `--product`, records go through the product's typed reader (so files
//! written with an older schema are resolved to the current one) and printed from the decoded
//! value by its generated `WriteJson` (one decode per record); without it,
//! they are decoded by walking the file's own writer schema, with the typed reader's bounds,
//! errors and block handling (one block loop, `mesh_avro::codec::SchemaReader`).
//! `--count` prints only the record count and the peak memory of the process.
//! Fields encrypted at rest print as `<encrypted>` (after checking that they hold ciphertext:
//! plaintext where the schema marks a field encrypted is an error, never printed); `--reveal`
//! opens them with the keyring.
//! `--skip-corrupt` prints the records of the readable
//! blocks, reports each skipped block on stderr, and fails if any was skipped.
//!
//! A closed pipe (`dump FILE | head`) ends the reading there, quietly: the exit code is that of
//! the records read until then.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use mesh_avro::codec::SchemaReader;
use mesh_core::codec::{ContainerError, ContainerErrorKind};

use crate::output::{Failure, Output};
use crate::sample::find_product;

/// Why reading stopped before the end of the file.
enum Stop {
    /// The file or the product is at fault: the message.
    Input(String),
    /// Stdout failed or was closed, after this many records were written.
    Output(io::Error, u64),
}

impl From<String> for Stop {
    fn from(message: String) -> Self {
        Self::Input(message)
    }
}

/// What `dump` reads and how.
pub struct Request<'a> {
    /// The container file.
    pub file: &'a Path,
    /// Read through this product's typed reader.
    pub product: Option<&'a str>,
    /// Print only the count and peak memory.
    pub count_only: bool,
    /// Skip corrupt blocks.
    pub skip_corrupt: bool,
    /// Open encrypted fields with the keyring.
    pub reveal: bool,
}

pub fn run(request: &Request<'_>, out: &mut Output) -> Result<(), Failure> {
    let Request { file, product, count_only, skip_corrupt, reveal } = *request;
    let mut skipped = Skipped::default();
    let mut records = BufWriter::with_capacity(1 << 16, &mut *out);
    let skips = skip_corrupt.then_some(&mut skipped);
    let read = match product {
        Some(product) => typed(file, product, count_only, reveal, skips, &mut records),
        None => generic(file, count_only, reveal, skips, &mut records),
    };
    let flushed = records.flush();
    drop(records);
    let count = match read {
        Ok(count) => {
            out.settle(flushed)?;
            count
        }
        // The records read before the error are printed as far as stdout takes them; the error is the input's.
        Err(Stop::Input(message)) => return Err(message.into()),
        // A closed pipe ends the reading as the end of the file would.
        Err(Stop::Output(e, written)) => {
            out.settle(Err(e))?;
            written
        }
    };
    if count_only {
        out.line(format_args!("{count} records"))?;
        if let Some(peak) = crate::files::peak_memory_kib() {
            out.line(format_args!("peak memory (VmHWM): {peak} kB"))?;
        }
    }
    skipped.outcome(file, count).map_err(Failure::from)
}

/// The corrupt blocks `--skip-corrupt` skipped, each already reported on stderr: only what the
/// reader knows is counted, and what it does not is said to be unknown.
#[derive(Default)]
struct Skipped {
    blocks: u64,
    /// Records lost in the blocks whose loss is known.
    records_lost: u64,
    /// Blocks whose loss is unknown.
    unknown_losses: u64,
    /// Records read from the corrupt blocks before their rest was skipped (counted among those read).
    records_read: u64,
}

impl Skipped {
    fn report(&mut self, error: &ContainerError) {
        errln!("warning: {error}");
        self.blocks += 1;
        match &error.kind {
            ContainerErrorKind::Skipped(skipped) => {
                self.records_read += skipped.records_read;
                match skipped.records_lost {
                    Some(lost) => self.records_lost += lost,
                    None => self.unknown_losses += 1,
                }
            }
            _ => self.unknown_losses += 1,
        }
    }

    /// An error (so a non-zero exit) if anything was skipped: data is never lost silently.
    fn outcome(&self, file: &Path, read: u64) -> Result<(), String> {
        if self.blocks == 0 {
            return Ok(());
        }
        let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let lost = match (self.unknown_losses, self.blocks - self.unknown_losses) {
            (0, _) => format!("{} lost", plural(self.records_lost, "record", "records")),
            (_, 0) => "an unknown number of records lost".to_string(),
            (unknown, known) => format!(
                "{} lost in {}, an unknown number in {unknown}",
                plural(self.records_lost, "record", "records"),
                plural(known, "block", "blocks")
            ),
        };
        let read = match self.records_read {
            0 => format!("read the {read} records of the other blocks"),
            partly => format!(
                "read {read} records, {partly} of them from the corrupt block{} before {} damage",
                if self.blocks == 1 { "" } else { "s" },
                if self.blocks == 1 { "its" } else { "their" }
            ),
        };
        Err(format!(
            "{}: skipped {} ({lost}); {read}",
            file.display(),
            plural(self.blocks, "corrupt block", "corrupt blocks")
        ))
    }
}

fn typed(
    file: &Path,
    product: &str,
    count_only: bool,
    reveal: bool,
    skipped: Option<&mut Skipped>,
    out: &mut impl Write,
) -> Result<u64, Stop> {
    let registration = find_product(product)?;
    // A failed write to stdout is kept here, so that it is not reported as the file's error.
    let (mut written, mut failed) = (0, None);
    let mut each = |line: &str| -> io::Result<()> {
        // The line is printed from the one typed decode of the record (older schemas resolved).
        out.write_all(line.as_bytes()).and_then(|()| out.write_all(b"\n")).map_err(|e| {
            let stop = io::Error::new(e.kind(), "stdout");
            failed = Some(e);
            stop
        })?;
        written += 1;
        Ok(())
    };
    let mut report = skipped.map(|skipped| move |error: &ContainerError| skipped.report(error));
    let report = report.as_mut().map(|report| report as &mut dyn FnMut(&ContainerError));
    let read = if count_only {
        (registration.read_file)(file, &mut |_| Ok(()), report, reveal)
    } else {
        (registration.read_json)(file, &mut each, report, reveal)
    };
    match (read, failed) {
        (_, Some(e)) => Err(Stop::Output(e, written)),
        (Ok(count), None) => Ok(count),
        (Err(e), None) => Err(Stop::Input(e.to_string())),
    }
}

fn generic(
    file: &Path,
    count_only: bool,
    reveal: bool,
    mut skipped: Option<&mut Skipped>,
    out: &mut impl Write,
) -> Result<u64, Stop> {
    let mut reader = SchemaReader::open(file).map_err(|e| e.to_string())?;
    if reveal {
        reader.reveal_encrypted(None);
    } else if !count_only {
        // Counting prints no value.
        refuse_unmarked_pii(file, &reader)?;
    }
    if skipped.is_some() {
        reader.skip_corrupt_blocks();
    }
    let mut count = 0;
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_json(&mut line) {
            None => return Ok(count),
            Some(Ok(())) => {}
            Some(Err(error)) => match (&error.kind, skipped.as_deref_mut()) {
                (ContainerErrorKind::Skipped(_), Some(skipped)) => {
                    skipped.report(&error);
                    continue;
                }
                _ => return Err(Stop::Input(error.to_string())),
            },
        }
        if !count_only {
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(|e| Stop::Output(e, count))?;
        }
        count += 1;
    }
}

/// Refuses a file of a product of the mesh whose schema leaves unmarked a field the product
/// encrypts (a file another tool wrote, or an older writer): its values are plaintext personal
/// data, which `dump` prints only when told to (`--reveal`).
fn refuse_unmarked_pii(file: &Path, reader: &SchemaReader<std::fs::File>) -> Result<(), String> {
    let schema = reader.schema();
    // Found as the scan finds it, by a published older schema's fingerprint too.
    let Ok(product) = crate::scan::Products::of_mesh()?.identify(reader.header(), schema) else {
        return Ok(());
    };
    // A field the file's schema does not have (a file of an older version) stores nothing; one it
    // has without an encryption mark stores plaintext. A path that does not parse is refused.
    let unmarked: Vec<String> = product
        .pii_fields()
        .into_iter()
        .filter(|field| field.pii.encrypted_at_rest())
        .filter(|field| {
            mesh_core::model::FieldPath::parse(&field.path)
                .map_or(true, |path| schema.field_at(&path).is_some_and(|stored| stored.encryption.is_none()))
        })
        .map(|field| format!("`{}`", field.path))
        .collect();
    if unmarked.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}: {} encrypts {}, which this file stores unencrypted (written by another tool or without \
         encryption): `dump --reveal` prints it; `cargo xtask scan` reports such files",
        file.display(),
        product.id(),
        unmarked.join(", ")
    ))
}
