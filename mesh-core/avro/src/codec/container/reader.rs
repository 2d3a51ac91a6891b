//! Reads a product's records from an Avro object container file, block by block.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::marker::PhantomData;
use std::path::Path;

use super::block_worker::BlockWorker;
use super::compression::BlockDecompressor;
use super::header::{read_block_bytes, read_exact, read_long};
use super::recovery::{skip_past_sync, Recovery};
use super::ContainerRecord;
use super::{Compression, ContainerError, ContainerErrorKind, FileHeader, SkippedBlock};
use crate::codec::crypto::{KeyProvider, Opener};
use crate::codec::resolve::Plan;
use crate::codec::{DecodeError, DecodeErrorKind, Reader};

/// Blocks of a compressed file read and decompressed ahead of the one being decoded.
const BLOCKS_AHEAD: usize = 4;

/// The largest block (compressed or not) read by default; larger ones are refused as corrupt.
const DEFAULT_MAX_BLOCK_BYTES: usize = 512 << 20;

/// Reads the records of product `T` from a container file, yielding `T`s.
///
/// Memory is bounded by the largest block: one block is read, decompressed
/// into a buffer reused for every block, and decoded in place from that
/// buffer. In a compressed file the next blocks (up to four) are read as soon as
/// this one is loaded, and decompressed on a thread of the reader's own while this
/// one's records are decoded, so up to five blocks are in memory at a time.
///
/// If the file's writer schema encodes exactly as `T`'s schema, records go
/// straight to `T`'s generated decoder. Otherwise a [`Plan`] built once
/// when the file is opened re-encodes each record in `T`'s layout first
/// (fields added, removed, reordered or renamed, promoted types, enum symbols).
///
/// Fields the file's schema marks encrypted are opened with the product's domain's keys from the
/// [default key provider](crate::codec::crypto::default_provider) (or
/// [`ContainerReader::set_key_provider`]'s), or shown redacted
/// ([`ContainerReader::redacted`]); a value that does not open fails its record.
///
/// Errors name the file, the block and the record; after an error the
/// iterator ends, unless the reader was told to skip corrupt blocks
/// ([`ContainerReader::skip_corrupt_blocks`]): then each skipped block is
/// yielded as a [`ContainerErrorKind::Skipped`] error and reading goes on.
pub struct ContainerReader<T: ContainerRecord, R: Read> {
    blocks: Blocks<R>,
    _product: PhantomData<fn() -> T>,
}

/// The block loop every container reader shares: framing, bounds, counts, recovery. Generic
/// over how a record is decoded ([`Blocks::read_next`]), so the typed reader and the
/// schema-driven one ([`super::SchemaReader`]) are one code path.
pub(super) struct Blocks<R: Read> {
    input: BufReader<R>,
    file: String,
    pub(super) header: FileHeader,
    plan: Option<Plan>,
    /// Opens encrypted fields, for the plan or the record's decoder; the schema-driven reader
    /// opens its own.
    opener: Option<Opener>,
    decompressor: BlockDecompressor,
    compressed: Vec<u8>,
    block: Vec<u8>,
    /// The next blocks, framed and handed to `inflater` while this one's records are decoded.
    ahead: VecDeque<Framed>,
    inflater: Option<BlockWorker<InflateJob>>,
    /// Buffers for blocks to be read into and decompressed into, kept for reuse.
    spare_compressed: Vec<Vec<u8>>,
    spare_blocks: Vec<Vec<u8>>,
    scratch: Vec<u8>,
    position: usize,
    left_in_block: u64,
    blocks_read: u64,
    record_in_block: u64,
    done: bool,
    pub(super) max_block_bytes: usize,
    /// The fewest bytes a record of the writer schema takes: a block's count is checked against
    /// its size with it. Zero for records that take no bytes (all fields `null`, say).
    min_record_bytes: u64,
    /// Set when corrupt blocks are skipped, with where the current block starts and the record
    /// count and byte size its header gives (for the report).
    recovery: Option<Recovery<R>>,
    block_start: u64,
    block_claimed: Option<(u64, Option<u64>)>,
    pub(super) skipped: u64,
}

/// One block handed to the inflate thread and back: its bytes, the buffer it decompresses into,
/// and how that went.
struct InflateJob {
    compressed: Vec<u8>,
    out: Vec<u8>,
    limit: usize,
    result: Result<(), String>,
}

/// A block's framing (its count, size and sync marker) read, its bytes in `Blocks::compressed` or
/// with the inflate worker.
struct Framed {
    /// Where the block starts, when skipping corrupt blocks (`None` if the input could not say).
    start: Option<u64>,
    /// The count and size its header gives, as far as they were read.
    claimed: Option<(u64, Option<u64>)>,
    /// Its record count, `None` at the end of the file, or what is wrong with its framing.
    count: Result<Option<u64>, ContainerErrorKind>,
    /// Whether its bytes went to the inflate worker.
    sent: bool,
}

/// Opens the file at `path` for a reader; the name is how errors show the file.
pub(super) fn open_file(path: &Path) -> Result<(File, String), ContainerError> {
    let name = path.display().to_string();
    match File::open(path) {
        Ok(file) => Ok((file, name)),
        Err(e) => Err(ContainerError { file: name, block: None, record: None, kind: ContainerErrorKind::Io(e) }),
    }
}

/// The writer schema a file's header carries, parsed.
pub(super) fn writer_schema(header: &FileHeader) -> Result<crate::schema::Schema, ContainerErrorKind> {
    crate::schema::Schema::parse(&header.schema_json)
        .map_err(|e| ContainerErrorKind::BadHeader(format!("`avro.schema` is not a valid schema: {e}")))
}

impl<T: ContainerRecord> ContainerReader<T, File> {
    /// Opens the file at `path`.
    ///
    /// # Errors
    /// As [`ContainerReader::new`], or the file cannot be opened.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ContainerError> {
        let (file, name) = open_file(path.as_ref())?;
        Self::new(file, name)
    }
}

impl<T: ContainerRecord, R: Read> ContainerReader<T, R> {
    /// Reads the header from `input`; `file` names the input in errors.
    ///
    /// # Errors
    /// Not an Avro file, a truncated or malformed header, an unsupported codec,
    /// another product's file, or a writer schema that cannot be read as `T`.
    pub fn new(input: R, file: impl Into<String>) -> Result<Self, ContainerError> {
        let file = file.into();
        let error = |kind| ContainerError { file: file.clone(), block: None, record: None, kind };
        let mut input = BufReader::with_capacity(1 << 16, input);
        let header = FileHeader::read(&mut input).map_err(error)?;
        let expected = T::PRODUCT_ID.to_string();
        if let Some(found) = header.product() {
            if found != expected {
                return Err(error(ContainerErrorKind::WrongProduct { expected, found: found.to_string() }));
            }
        }
        let reader_schema =
            T::writer_schema().map_err(|e| error(ContainerErrorKind::IncompatibleSchema(e.to_string())))?;
        let writer_schema = writer_schema(&header).map_err(error)?;
        let plan = Plan::new(&writer_schema, &reader_schema.parsed)
            .map_err(|e| error(ContainerErrorKind::IncompatibleSchema(format!("{e} (reading as `{expected}`)"))))?;
        let plan = (!plan.is_identity()).then_some(plan);
        let mut blocks = Blocks::new(input, file, header, plan, writer_schema.min_datum_bytes());
        blocks.opener = Some(Opener::new(mesh_model::domain_of(T::PRODUCT_ID), None));
        Ok(Self { blocks, _product: PhantomData })
    }

    /// Opens encrypted fields with keys from `provider` instead of the default provider.
    pub fn set_key_provider(&mut self, provider: std::sync::Arc<dyn KeyProvider>) {
        self.blocks.opener = Some(Opener::new(mesh_model::domain_of(T::PRODUCT_ID), Some(provider)));
    }

    /// Reads without keys: every encrypted field as [`REDACTED`](crate::codec::crypto::REDACTED),
    /// after checking that it holds ciphertext, each record wrapped in [`Redacted`] so that it
    /// cannot be taken for data by mistake (written to a product, say). For showing a file to
    /// whoever has no access. Call [`ContainerReader::skip_corrupt_blocks`] first if wanted.
    pub fn redacted(mut self) -> RedactedReader<T, R> {
        self.blocks.opener = Some(Opener::redacting(mesh_model::domain_of(T::PRODUCT_ID)));
        RedactedReader { reader: self }
    }

    /// The file's header.
    pub fn header(&self) -> &FileHeader {
        &self.blocks.header
    }

    /// Whether records go through a resolution plan (the writer schema differs from `T`'s).
    pub fn is_resolving(&self) -> bool {
        self.blocks.plan.is_some()
    }

    /// Sets the largest block accepted, compressed or decompressed.
    pub fn set_max_block_bytes(&mut self, bytes: usize) {
        self.blocks.max_block_bytes = bytes;
    }

    /// How many corrupt blocks were skipped so far (see [`ContainerReader::skip_corrupt_blocks`]).
    pub fn skipped_blocks(&self) -> u64 {
        self.blocks.skipped
    }

    /// Where the record read last sits: its block (0-based, counting every block of the file) and its
    /// index in that block, as [`ContainerError`]s locate records. Meaningful after a record was read.
    pub fn position(&self) -> (u64, u64) {
        (self.blocks.blocks_read.saturating_sub(1), self.blocks.record_in_block.saturating_sub(1))
    }

    /// Reads the next record into `record`, reusing its strings and vectors (see
    /// [`AvroCodec::decode_into`](crate::codec::AvroCodec::decode_into)): the allocation-free way to scan a file. `None` at the end.
    ///
    /// ```no_run
    /// # fn scan<T: mesh_avro::codec::ContainerRecord>(first: T) -> Result<(), mesh_avro::codec::ContainerError> {
    /// let mut reader = mesh_avro::codec::ContainerReader::<T, _>::open("orders.avro")?;
    /// let mut record = first; // any value of `T`, e.g. the first record read with `next()`
    /// while let Some(read) = reader.read_into(&mut record) {
    ///     read?;
    ///     // use `&record` here; the next call overwrites it
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As the iterator's items; after an error `record` is partly overwritten and the reading ends.
    pub fn read_into(&mut self, record: &mut T) -> Option<Result<(), ContainerError>> {
        self.blocks.read_next(|input, opener| match opener {
            Some(opener) => record.decode_into_opened(input, opener),
            None => record.decode_into(input),
        })
    }
}

impl<R: Read> Blocks<R> {
    /// Blocks after `header`, read from `input` (just past the header); `file` names the input in
    /// errors; `plan` transcodes each record first; `min_record_bytes` is the writer schema's
    /// [`Schema::min_datum_bytes`](crate::schema::Schema::min_datum_bytes).
    pub(super) fn new(
        input: BufReader<R>,
        file: String,
        header: FileHeader,
        plan: Option<Plan>,
        min_record_bytes: u64,
    ) -> Self {
        Self {
            input,
            file,
            decompressor: BlockDecompressor::new(header.codec),
            header,
            plan,
            opener: None,
            compressed: Vec::new(),
            block: Vec::new(),
            ahead: VecDeque::new(),
            inflater: None,
            spare_compressed: Vec::new(),
            spare_blocks: Vec::new(),
            scratch: Vec::new(),
            position: 0,
            left_in_block: 0,
            blocks_read: 0,
            record_in_block: 0,
            done: false,
            max_block_bytes: DEFAULT_MAX_BLOCK_BYTES,
            min_record_bytes,
            recovery: None,
            block_start: 0,
            block_claimed: None,
            skipped: 0,
        }
    }

    fn error(&self, kind: ContainerErrorKind, record: bool) -> ContainerError {
        ContainerError {
            file: self.file.clone(),
            block: Some(self.blocks_read.saturating_sub(1)),
            record: record.then_some(self.record_in_block),
            kind,
        }
    }

    /// Loads the next block; `false` at the end of the file.
    fn next_block(&mut self) -> Result<bool, ContainerError> {
        let framed = match self.ahead.pop_front() {
            Some(framed) => framed,
            None => self.frame(),
        };
        if let Some(start) = framed.start {
            self.block_start = start;
        }
        self.block_claimed = framed.claimed;
        let count = match framed.count {
            Ok(None) => return Ok(false),
            Ok(Some(count)) => count,
            Err(kind) => {
                self.blocks_read += 1;
                return Err(self.error(kind, false));
            }
        };
        self.blocks_read += 1;
        self.load(framed.sent).map_err(|why| self.error(ContainerErrorKind::Decompress(why), false))?;
        if let Some(why) = records_cannot_fit(count, self.block.len(), self.min_record_bytes, self.max_block_bytes) {
            // The count is proven false: it says nothing of how many records the block held.
            self.block_claimed = None;
            return Err(self.error(ContainerErrorKind::BadBlock(why), false));
        }
        self.position = 0;
        self.left_in_block = count;
        self.record_in_block = 0;
        self.read_ahead();
        Ok(true)
    }

    /// Reads the next block's framing and its bytes into `compressed`.
    fn frame(&mut self) -> Framed {
        let mut framed = Framed { start: None, claimed: None, count: Ok(None), sent: false };
        if let Some(position) = self.recovery.as_ref().map(|r| r.position) {
            match position(&mut self.input) {
                Ok(at) => framed.start = Some(at),
                Err(e) => {
                    framed.count = Err(ContainerErrorKind::Io(e));
                    return framed;
                }
            }
        }
        framed.count = self.read_framing(&mut framed.claimed);
        framed
    }

    fn read_framing(&mut self, claimed: &mut Option<(u64, Option<u64>)>) -> Result<Option<u64>, ContainerErrorKind> {
        let Some(count) = read_long(&mut self.input)? else { return Ok(None) };
        *claimed = u64::try_from(count).ok().map(|count| (count, None));
        let size = read_long(&mut self.input).and_then(|size| size.ok_or(ContainerErrorKind::Truncated))?;
        *claimed = u64::try_from(count).ok().map(|count| (count, u64::try_from(size).ok()));
        if count < 0 || size < 0 || size as u64 > self.max_block_bytes as u64 {
            let why = format!("count {count}, size {size} (the limit is {} bytes)", self.max_block_bytes);
            return Err(ContainerErrorKind::BadBlock(why));
        }
        read_block_bytes(&mut self.input, size as usize, &mut self.compressed)?;
        let mut sync = [0u8; 16];
        read_exact(&mut self.input, &mut sync)?;
        if sync != self.header.sync {
            return Err(ContainerErrorKind::SyncMismatch);
        }
        Ok(Some(count as u64))
    }

    /// Puts the framed block's records in `block`: from the inflate worker if its bytes were
    /// `sent` there, else decompressed here.
    fn load(&mut self, sent: bool) -> Result<(), String> {
        if sent {
            let Some(job) = self.inflater.as_ref().and_then(BlockWorker::receive) else {
                return Err("the thread decompressing it stopped".into());
            };
            self.spare_compressed.push(job.compressed);
            self.spare_blocks.push(std::mem::replace(&mut self.block, job.out));
            return job.result;
        }
        if self.header.codec == Compression::Null {
            // The block is its own decoded form: swap buffers instead of copying.
            std::mem::swap(&mut self.compressed, &mut self.block);
            return Ok(());
        }
        self.decompressor.decompress(&self.compressed, &mut self.block, self.max_block_bytes)
    }

    /// Frames the blocks after this one (up to [`BLOCKS_AHEAD`]) and has the inflate worker
    /// decompress them while this one's records are decoded (compressed files only; a file of one
    /// block starts no thread).
    fn read_ahead(&mut self) {
        if self.header.codec == Compression::Null {
            return;
        }
        // Past the end, an error, or a block left in `compressed` (no thread), nothing more is read.
        while self.ahead.len() < BLOCKS_AHEAD && self.ahead.back().is_none_or(|last| last.sent) {
            let mut framed = self.frame();
            if matches!(framed.count, Ok(Some(_))) {
                if self.inflater.is_none() {
                    let mut decompressor = BlockDecompressor::new(self.header.codec);
                    self.inflater = BlockWorker::start("inflate", BLOCKS_AHEAD, move |job: &mut InflateJob| {
                        job.result = decompressor.decompress(&job.compressed, &mut job.out, job.limit);
                    });
                }
                let Some(inflater) = &self.inflater else {
                    // No thread: this block is decompressed when its turn comes.
                    self.ahead.push_back(framed);
                    return;
                };
                let compressed =
                    std::mem::replace(&mut self.compressed, self.spare_compressed.pop().unwrap_or_default());
                let out = self.spare_blocks.pop().unwrap_or_default();
                match inflater.send(InflateJob { compressed, out, limit: self.max_block_bytes, result: Ok(()) }) {
                    Ok(()) => framed.sent = true,
                    Err(job) => {
                        self.compressed = job.compressed;
                        self.spare_blocks.push(job.out);
                        self.ahead.push_back(framed);
                        return;
                    }
                }
            }
            self.ahead.push_back(framed);
        }
    }

    /// Forgets the blocks read ahead, taking their buffers back from the inflate worker.
    fn discard_ahead(&mut self) {
        for framed in std::mem::take(&mut self.ahead) {
            if let Some(job) = framed.sent.then(|| self.inflater.as_ref().and_then(BlockWorker::receive)).flatten() {
                self.spare_compressed.push(job.compressed);
                self.spare_blocks.push(job.out);
            }
        }
    }

    /// Where the block after the current one starts: read ahead already, or next in the input.
    fn next_block_start(&mut self, position: fn(&mut BufReader<R>) -> std::io::Result<u64>) -> std::io::Result<u64> {
        match self.ahead.front() {
            Some(framed) => framed.start.ok_or_else(|| std::io::Error::other("the input's position is unknown")),
            None => position(&mut self.input),
        }
    }

    /// Loads blocks until one has records; `false` at the end of the file. Once per block, so
    /// kept out of the per-record path. After an error, `done` says whether reading goes on.
    #[inline(never)]
    fn next_nonempty_block(&mut self) -> Result<bool, ContainerError> {
        while self.left_in_block == 0 {
            if self.position != self.block.len() {
                let left = self.block.len() - self.position;
                let why = format!("{left} bytes follow the records the block's count gives");
                return Err(self.trailing_bytes(self.error(ContainerErrorKind::BadBlock(why), false)));
            }
            match self.next_block() {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(error) => return Err(self.block_failed(error)),
            }
        }
        Ok(true)
    }

    /// A block could not be read: the end of reading, or (when skipping corrupt blocks) a report
    /// of the skipped block, reading going on after the next sync marker found past its start.
    #[cold]
    fn block_failed(&mut self, error: ContainerError) -> ContainerError {
        let Some(seek) = self.recovery.as_ref().map(|r| r.seek) else {
            self.done = true;
            return error;
        };
        if matches!(error.kind, ContainerErrorKind::Io(_)) {
            // The input itself failed: nothing further can be trusted to be read.
            self.done = true;
            return error;
        }
        // Reading goes back into this block: the blocks read ahead are read again.
        self.discard_ahead();
        // From one byte past the block's start: its own size or sync may be what is corrupt, and
        // a lying size may have read past the next block.
        let from = self.block_start + 1;
        let resumed = seek(&mut self.input, from).and_then(|()| skip_past_sync(&mut self.input, &self.header.sync));
        let Ok(resumed) = resumed else {
            self.done = true;
            return error;
        };
        let resumed_at = resumed.map(|skipped| from + skipped);
        self.done = resumed_at.is_none();
        // The block's count is what was lost only if reading resumed exactly where the block's
        // header says it ends; otherwise the count, the size or the skipped span can't be trusted.
        let records_lost = match self.block_claimed {
            Some((count, Some(size))) if resumed_at == Some(block_end(self.block_start, count, size)) => Some(count),
            _ => None,
        };
        self.report_skipped(error, resumed_at, 0, records_lost)
    }

    /// Bytes left after a block's last record: the records the block's count promised were read
    /// (and are reported as read), but the count itself (or an earlier record) was wrong, so how
    /// many records the leftover bytes held is unknown; reading goes on (when skipping corrupt
    /// blocks) with the next block, whose framing was checked.
    #[cold]
    fn trailing_bytes(&mut self, error: ContainerError) -> ContainerError {
        let Some(position) = self.recovery.as_ref().map(|r| r.position) else {
            self.done = true;
            return error;
        };
        match self.next_block_start(position) {
            Ok(at) => self.report_skipped(error, Some(at), self.record_in_block, None),
            Err(_) => {
                self.done = true;
                error
            }
        }
    }

    /// A record did not decode: the end of reading, or (when skipping corrupt blocks) a report of
    /// the rest of its block skipped, reading going on with the next block, whose framing was
    /// checked (the size and the sync marker) when this one was read.
    #[cold]
    #[inline(never)]
    fn record_failed(&mut self, error: DecodeError) -> ContainerError {
        let read = self.record_in_block;
        // No byte left for a record that takes some: the count is what is wrong (too high), so
        // the records it promised past this point were never there to lose, or who knows.
        let (kind, lost) = if self.position == self.block.len() && self.min_record_bytes > 0 {
            let count = read + self.left_in_block;
            let why = format!("its count gives {count} records, but its bytes end after {read}");
            (ContainerErrorKind::BadBlock(why), None)
        } else {
            (ContainerErrorKind::Decode(error), Some(self.left_in_block))
        };
        let about_keys = matches!(&kind, ContainerErrorKind::Decode(DecodeError { kind: DecodeErrorKind::Crypto(e), .. })
            if e.error.is_about_keys());
        let error = self.error(kind, true);
        self.left_in_block = 0;
        // Without the right keys no block would read: one error, not a skip per block.
        let position = self.recovery.as_ref().filter(|_| !about_keys).map(|r| r.position);
        let Some(position) = position else {
            self.done = true;
            return error;
        };
        match self.next_block_start(position) {
            Ok(at) => self.report_skipped(error, Some(at), read, lost),
            Err(_) => {
                self.done = true;
                error
            }
        }
    }

    /// Forgets the current block and reports it skipped, after `records_read` of its records.
    fn report_skipped(
        &mut self,
        error: ContainerError,
        resumed_at: Option<u64>,
        records_read: u64,
        records_lost: Option<u64>,
    ) -> ContainerError {
        self.block.clear();
        self.position = 0;
        self.left_in_block = 0;
        self.skipped += 1;
        let skipped =
            SkippedBlock { offset: self.block_start, resumed_at, records_read, records_lost, reason: error.kind };
        ContainerError { kind: ContainerErrorKind::Skipped(Box::new(skipped)), ..error }
    }

    /// Decodes the record at `position` with `decode`; returns the result and where the next
    /// record starts. Through the plan when the writer schema differs: the plan opens encrypted
    /// fields, so `decode` is then given no opener and reads plaintext.
    #[inline]
    fn decode_record<X>(
        &mut self,
        decode: impl FnOnce(&mut Reader<'_>, Option<&mut Opener>) -> Result<X, DecodeError>,
    ) -> Result<(X, usize), DecodeError> {
        let mut input = Reader::new(&self.block);
        input.take(self.position)?;
        let value = match &self.plan {
            None => decode(&mut input, self.opener.as_mut())?,
            Some(plan) => {
                self.scratch.clear();
                match self.opener.as_mut() {
                    Some(opener) => plan.transcode_opened(&mut input, &mut self.scratch, opener)?,
                    None => plan.transcode(&mut input, &mut self.scratch)?,
                }
                let mut resolved = Reader::new(&self.scratch);
                let value = decode(&mut resolved, None)?;
                resolved.finish()?;
                value
            }
        };
        Ok((value, input.offset()))
    }

    /// The next record through `decode`: loads blocks as needed, counts the record, and ends
    /// the reading after an error (unless skipping corrupt blocks). `next` and `read_into` differ
    /// only in `decode`.
    #[inline]
    pub(super) fn read_next<X>(
        &mut self,
        decode: impl FnOnce(&mut Reader<'_>, Option<&mut Opener>) -> Result<X, DecodeError>,
    ) -> Option<Result<X, ContainerError>> {
        if self.left_in_block == 0 {
            if self.done {
                return None;
            }
            match self.next_nonempty_block() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(error) => return Some(Err(error)),
            }
        }
        // The value goes straight into the item: no `Result<Option<T>>` to rebuild per record.
        Some(match self.decode_record(decode) {
            Ok((value, position)) => {
                self.position = position;
                self.left_in_block -= 1;
                self.record_in_block += 1;
                Ok(value)
            }
            Err(error) => Err(self.record_failed(error)),
        })
    }
}

/// Why a block's record count cannot be true for its decoded size, if it cannot: records of
/// at least `min_record_bytes` must fit in `block_len`. Records that take no bytes fit any block;
/// they count as one byte against the block limit, so a lying count cannot make a block of a
/// few bytes yield records without end.
fn records_cannot_fit(count: u64, block_len: usize, min_record_bytes: u64, max_block_bytes: usize) -> Option<String> {
    if min_record_bytes == 0 {
        return (count > max_block_bytes as u64).then(|| {
            format!("{count} records are more than the {max_block_bytes} a block may hold (the block limit in bytes)")
        });
    }
    let room = block_len as u64 / min_record_bytes;
    let unit = if min_record_bytes == 1 { "byte" } else { "bytes" };
    (count > room)
        .then(|| format!("{count} records of at least {min_record_bytes} {unit} each cannot fit in {block_len} bytes"))
}

/// Where a block that starts at `start` ends, after its sync marker, if its count and size
/// are true and written in the shortest form (as every writer does).
fn block_end(start: u64, count: u64, size: u64) -> u64 {
    let varint_len = |n: u64| u64::from((64 - (n << 1).leading_zeros()).div_ceil(7).max(1));
    start + varint_len(count) + varint_len(size) + size + 16
}

impl<T: ContainerRecord, R: Read + Seek> ContainerReader<T, R> {
    /// Skips corrupt blocks instead of ending at the first one. Call it before reading.
    ///
    /// A block that cannot be read (a bad count or size, a missing sync marker, data that does
    /// not decompress, the file ending inside it) or that holds a record that does not decode is
    /// skipped: the reader goes back to one byte past the block's start, scans forward for the
    /// file's 16-byte sync marker, and goes on with the block after it. Each skipped block is
    /// yielded as an `Err` of kind [`ContainerErrorKind::Skipped`] (where the block starts, why it
    /// was skipped, how many of its records were read before, how many were lost if that is known,
    /// where reading resumed); other errors
    /// (the input failing) still end the iterator. Records yielded before a record error in the
    /// same block stay yielded.
    ///
    /// The scan reads each byte once and keeps 15 bytes; a corrupt block's claimed size is still
    /// bounded by [`ContainerReader::set_max_block_bytes`], and memory grows only as bytes arrive.
    pub fn skip_corrupt_blocks(&mut self) {
        self.blocks.skip_corrupt_blocks();
    }
}

impl<R: Read + Seek> Blocks<R> {
    /// As [`ContainerReader::skip_corrupt_blocks`].
    pub(super) fn skip_corrupt_blocks(&mut self) {
        let recovery = Recovery::new();
        if let Ok(at) = (recovery.position)(&mut self.input) {
            self.block_start = at;
        }
        self.recovery = Some(recovery);
    }
}

impl<T: ContainerRecord, R: Read> Iterator for ContainerReader<T, R> {
    type Item = Result<T, ContainerError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.blocks.read_next(|input, opener| match opener {
            Some(opener) => T::decode_opened(input, opener),
            None => T::decode(input),
        })
    }
}

/// A record read without keys: its encrypted fields hold
/// [`REDACTED`](crate::codec::crypto::REDACTED) instead of their values. Not a `T`, so that it is
/// never written or used as data by mistake; [`Redacted::record`] shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Redacted<T>(T);

impl<T> Redacted<T> {
    /// The record as read, its encrypted fields redacted: to show or count, not to use as data.
    pub fn record(&self) -> &T {
        &self.0
    }
}

/// A [`ContainerReader`] that reads without keys (see [`ContainerReader::redacted`]).
pub struct RedactedReader<T: ContainerRecord, R: Read> {
    reader: ContainerReader<T, R>,
}

impl<T: ContainerRecord, R: Read> Iterator for RedactedReader<T, R> {
    type Item = Result<Redacted<T>, ContainerError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.next().map(|read| read.map(Redacted))
    }
}
