//! Type-erased codec entry points of every linked product, for tools such as
//! `cargo xtask sample` and `cargo xtask dump` that pick a product by id at run time.

use std::io::{self, Write};
use std::path::Path;

use mesh_avro::codec::json::WriteJson;
use mesh_avro::codec::{
    Compression, ContainerError, ContainerErrorKind, ContainerReader, ContainerRecord, ContainerWriter, Redacted,
    Sample, SampleRng,
};

/// Receives each record read by [`CodecRegistration::read_file`], as a datum.
pub type RecordSink<'a> = &'a mut dyn FnMut(&[u8]) -> io::Result<()>;

/// Receives each record read by [`CodecRegistration::read_json`], as one line of JSON (no newline).
pub type JsonSink<'a> = &'a mut dyn FnMut(&str) -> io::Result<()>;

/// Receives each corrupt block skipped by [`CodecRegistration::read_file`] (an error of kind
/// [`ContainerErrorKind::Skipped`]); `None` stops at the first corrupt block instead.
pub type SkipSink<'a> = Option<&'a mut dyn FnMut(&ContainerError)>;

/// A product's codec, registered by `#[data_product]`.
pub struct CodecRegistration {
    /// The product id, `domain.name`.
    pub product: &'static str,
    /// Writes `rows` synthetic records as a container file; the same seed gives the same records
    /// (and, for a product without encrypted fields, the same bytes).
    pub write_sample: fn(out: &mut dyn Write, rows: u64, seed: u64, codec: Compression) -> io::Result<()>,
    /// Hands the JSON of `rows` synthetic records (the records `write_sample` writes for the same
    /// seed, in plaintext: nothing is stored, so nothing is encrypted) to `each`.
    pub sample_json: fn(rows: u64, seed: u64, each: JsonSink<'_>) -> io::Result<()>,
    /// Reads a container file through the product's typed reader, handing each record,
    /// re-encoded in the product's current schema, to `each`, and each skipped corrupt block to
    /// `skipped` (if given; see [`ContainerReader::skip_corrupt_blocks`]); returns the record count.
    /// Encrypted fields are opened with the default keys where `reveal`, else read as
    /// `<encrypted>` without any key.
    pub read_file:
        fn(path: &Path, each: RecordSink<'_>, skipped: SkipSink<'_>, reveal: bool) -> Result<u64, ContainerError>,
    /// As `read_file`, handing each record to `each` as JSON printed from the decoded value
    /// ([`WriteJson`]): one decode per record, as `cargo xtask dump --product` prints them.
    pub read_json:
        fn(path: &Path, each: JsonSink<'_>, skipped: SkipSink<'_>, reveal: bool) -> Result<u64, ContainerError>,
}

inventory::collect!(CodecRegistration);

/// The codec of every linked product.
pub fn registered_codecs() -> impl Iterator<Item = &'static CodecRegistration> {
    inventory::iter::<CodecRegistration>.into_iter()
}

/// [`CodecRegistration::write_sample`] for `T`.
///
/// # Errors
/// Writing fails, or `T`'s schema is invalid.
pub fn write_sample<T: ContainerRecord + Sample>(
    out: &mut dyn Write,
    rows: u64,
    seed: u64,
    codec: Compression,
) -> io::Result<()> {
    let (mut rng, sync) = sample_start(seed);
    let mut writer = ContainerWriter::<T, _>::with_sync_marker(out, codec, sync)?;
    for _ in 0..rows {
        writer.append(&T::sample(&mut rng, ""))?;
    }
    writer.finish()?;
    Ok(())
}

/// The generator of a sample of `seed` and the file's sync marker, drawn from it first: a file and
/// the JSON lines of one seed hold the same records.
fn sample_start(seed: u64) -> (SampleRng, [u8; 16]) {
    let mut rng = SampleRng::new(seed);
    let sync = std::array::from_fn(|_| rng.next_u64() as u8);
    (rng, sync)
}

/// [`CodecRegistration::sample_json`] for `T`.
///
/// # Errors
/// `each` fails.
pub fn sample_json<T: Sample + WriteJson>(rows: u64, seed: u64, each: JsonSink<'_>) -> io::Result<()> {
    let (mut rng, _) = sample_start(seed);
    let mut line = String::new();
    for _ in 0..rows {
        line.clear();
        T::sample(&mut rng, "").write_json(&mut line);
        each(&line)?;
    }
    Ok(())
}

/// [`CodecRegistration::read_json`] for `T`.
///
/// # Errors
/// The file cannot be read as `T` (see [`ContainerReader`]), or `each` fails.
pub fn read_json<T: ContainerRecord + WriteJson>(
    path: &Path,
    each: JsonSink<'_>,
    skipped: SkipSink<'_>,
    reveal: bool,
) -> Result<u64, ContainerError> {
    let mut line = String::new();
    read_records::<T>(path, skipped, reveal, |record| {
        line.clear();
        record.write_json(&mut line);
        each(&line)
    })
}

/// [`CodecRegistration::read_file`] for `T`.
///
/// # Errors
/// The file cannot be read as `T` (see [`ContainerReader`]), or `each` fails.
pub fn read_file<T: ContainerRecord>(
    path: &Path,
    each: RecordSink<'_>,
    skipped: SkipSink<'_>,
    reveal: bool,
) -> Result<u64, ContainerError> {
    let mut datum = Vec::new();
    read_records::<T>(path, skipped, reveal, |record| {
        datum.clear();
        record.encode(&mut datum);
        each(&datum)
    })
}

/// Reads every record of the file as `T`, handing each to `each`; corrupt blocks are skipped
/// (and reported to `skipped`) only when it is given; encrypted fields are opened only where
/// `reveal`.
fn read_records<T: ContainerRecord>(
    path: &Path,
    skipped: SkipSink<'_>,
    reveal: bool,
    each: impl FnMut(&T) -> io::Result<()>,
) -> Result<u64, ContainerError> {
    let mut reader = ContainerReader::<T, _>::open(path)?;
    if skipped.is_some() {
        reader.skip_corrupt_blocks();
    }
    if reveal {
        hand_each(path, reader, skipped, each, |record| record)
    } else {
        // Shown, never used as data: the redacted record is only printed or counted.
        hand_each(path, reader.redacted(), skipped, each, Redacted::record)
    }
}

/// Hands every record `records` yields to `each` (as `T`, through `record`), reporting skipped
/// blocks to `skipped`; the count.
fn hand_each<T, X>(
    path: &Path,
    records: impl Iterator<Item = Result<X, ContainerError>>,
    mut skipped: SkipSink<'_>,
    mut each: impl FnMut(&T) -> io::Result<()>,
    record: impl Fn(&X) -> &T,
) -> Result<u64, ContainerError> {
    let mut count = 0;
    for read in records {
        let read = match (read, skipped.as_mut()) {
            (Ok(read), _) => read,
            (Err(error), Some(report)) if matches!(error.kind, ContainerErrorKind::Skipped(_)) => {
                report(&error);
                continue;
            }
            (Err(error), _) => return Err(error),
        };
        each(record(&read)).map_err(|e| ContainerError {
            file: path.display().to_string(),
            block: None,
            record: None,
            kind: ContainerErrorKind::Io(e),
        })?;
        count += 1;
    }
    Ok(count)
}
