//! Reads any container file's records as JSON, decoded by walking the file's own writer schema.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use super::reader::{open_file, writer_schema, Blocks};
use super::{ContainerError, FileHeader};
use crate::codec::crypto::KeyProvider;
use crate::codec::json::{write_datum_json_with, EncryptedValues, Openers};
use crate::schema::Schema;

/// Reads the records of any container file, each written as one JSON text (see
/// [`write_datum_json`](crate::codec::json::write_datum_json)), with the bounds, errors and block handling of
/// [`ContainerReader`](super::ContainerReader): the same block loop, only the record decoder
/// differs (the file's parsed writer schema, walked, instead of a Rust type).
///
/// Fields the schema marks encrypted print as `<encrypted>` (after checking they hold
/// ciphertext) unless the reader is told to open them ([`SchemaReader::reveal_encrypted`]).
pub struct SchemaReader<R: Read> {
    blocks: Blocks<R>,
    schema: Schema,
    encrypted: EncryptedValues,
}

impl SchemaReader<File> {
    /// Opens the file at `path`.
    ///
    /// # Errors
    /// As [`SchemaReader::new`], or the file cannot be opened.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ContainerError> {
        let (file, name) = open_file(path.as_ref())?;
        Self::new(file, name)
    }
}

impl<R: Read> SchemaReader<R> {
    /// Reads the header from `input`; `file` names the input in errors.
    ///
    /// # Errors
    /// Not an Avro file, a truncated or malformed header, an unsupported codec, or a writer
    /// schema that is not valid Avro.
    pub fn new(input: R, file: impl Into<String>) -> Result<Self, ContainerError> {
        let file = file.into();
        let error = |kind| ContainerError { file: file.clone(), block: None, record: None, kind };
        let mut input = BufReader::with_capacity(1 << 16, input);
        let header = FileHeader::read(&mut input).map_err(error)?;
        let schema = writer_schema(&header).map_err(error)?;
        let min_record_bytes = schema.min_datum_bytes();
        let blocks = Blocks::new(input, file, header, None, min_record_bytes);
        Ok(Self { blocks, schema, encrypted: EncryptedValues::Redacted })
    }

    /// Opens encrypted fields with keys from `provider` (the default provider if `None`) instead
    /// of redacting them.
    pub fn reveal_encrypted(&mut self, provider: Option<std::sync::Arc<dyn KeyProvider>>) {
        self.encrypted = EncryptedValues::Opened(Openers::new(provider));
    }

    /// The file's header.
    pub fn header(&self) -> &FileHeader {
        &self.blocks.header
    }

    /// The file's writer schema, parsed.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Sets the largest block accepted, compressed or decompressed.
    pub fn set_max_block_bytes(&mut self, bytes: usize) {
        self.blocks.max_block_bytes = bytes;
    }

    /// How many corrupt blocks were skipped so far.
    pub fn skipped_blocks(&self) -> u64 {
        self.blocks.skipped
    }

    /// Appends the next record to `out` as JSON; `None` at the end.
    ///
    /// # Errors
    /// As [`ContainerReader`](super::ContainerReader)'s items; after an error `out` may hold part
    /// of the record, and the reading ends (unless skipping corrupt blocks).
    pub fn read_json(&mut self, out: &mut String) -> Option<Result<(), ContainerError>> {
        let (schema, encrypted) = (&self.schema, &mut self.encrypted);
        self.blocks.read_next(|input, _| write_datum_json_with(schema, schema.root(), input, out, encrypted))
    }
}

impl<R: Read> SchemaReader<R> {
    /// Hands the next record to `visit`, as a [`Reader`](crate::codec::Reader) at its first byte that `visit` reads to
    /// its end by walking the file's schema (given too); `None` at the end. The block handling,
    /// bounds and errors are [`SchemaReader::read_json`]'s: for tools that look at every value
    /// without printing it (`cargo xtask scan`).
    ///
    /// # Errors
    /// As [`SchemaReader::read_json`], or `visit`'s error.
    pub fn read_with<X>(
        &mut self,
        visit: impl FnOnce(&Schema, &mut crate::codec::Reader<'_>) -> Result<X, crate::codec::DecodeError>,
    ) -> Option<Result<X, ContainerError>> {
        let schema = &self.schema;
        self.blocks.read_next(|input, _| visit(schema, input))
    }
}

impl<R: Read + Seek> SchemaReader<R> {
    /// Skips corrupt blocks instead of ending at the first one, as
    /// [`ContainerReader::skip_corrupt_blocks`](super::ContainerReader::skip_corrupt_blocks).
    pub fn skip_corrupt_blocks(&mut self) {
        self.blocks.skip_corrupt_blocks();
    }
}
