//! Writes a product's records to an Avro object container file.

use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::marker::PhantomData;

use super::block_worker::BlockWorker;
use super::compression::BlockCompressor;
use super::ContainerRecord;
use super::{Compression, FileHeader, PRODUCT_KEY, VERSION_KEY};
use crate::codec::crypto::{KeyProvider, Sealer};

/// Bytes of encoded records gathered before a block is written.
const DEFAULT_BLOCK_BYTES: usize = 256 << 10;

/// A full block handed to the compressing thread and back, with its record count.
struct DeflateJob {
    block: Vec<u8>,
    compressed: Vec<u8>,
    records: u64,
    level: u8,
    result: io::Result<()>,
}

/// Writes records of product `T` as a standard Avro object container file.
///
/// Records are encoded by `T`'s generated encoder into a block buffer that
/// is compressed and written once it holds [`ContainerWriter::set_block_bytes`]
/// bytes. With a compressing codec, a full block is compressed on a thread of the
/// writer's own while the next block is encoded, and written when that one is full
/// (or at [`ContainerWriter::flush_block`]): two blocks are in memory at a time.
/// Call [`ContainerWriter::finish`] to write the last blocks and get the
/// output back; dropping the writer also writes them, but ignores errors.
///
/// Fields declared `encrypted` are sealed with the current data key of the product's domain,
/// from the [default key provider](crate::codec::crypto::default_provider) (or
/// [`ContainerWriter::set_key_provider`]'s), fetched on the first record.
///
/// ```no_run
/// # fn demo<T: mesh_avro::codec::ContainerRecord>(records: &[T]) -> std::io::Result<()> {
/// use mesh_avro::codec::{Compression, ContainerWriter};
/// let file = std::io::BufWriter::new(std::fs::File::create("orders.avro")?);
/// let mut writer = ContainerWriter::<T, _>::new(file, Compression::Deflate)?;
/// for record in records {
///     writer.append(record)?;
/// }
/// writer.finish()?;
/// # Ok(()) }
/// ```
pub struct ContainerWriter<T: ContainerRecord, W: Write> {
    out: Option<W>,
    compressor: BlockCompressor,
    sync: [u8; 16],
    block: Vec<u8>,
    compressed: Vec<u8>,
    records: u64,
    block_bytes: usize,
    /// Compresses a full block while the next is encoded (compressing codecs only).
    deflater: Option<BlockWorker<DeflateJob>>,
    /// Whether a block is with `deflater`, to be written before any other.
    in_flight: bool,
    /// The buffer the next block is encoded into while the last is compressed.
    spare: Vec<u8>,
    sealer: Sealer,
    _product: PhantomData<fn(&T)>,
}

impl<T: ContainerRecord, W: Write> ContainerWriter<T, W> {
    /// Starts a file with a random sync marker.
    ///
    /// # Errors
    /// The product's schema is invalid, or writing the header fails.
    pub fn new(out: W, codec: Compression) -> io::Result<Self> {
        Self::with_sync_marker(out, codec, random_sync_marker())
    }

    /// Starts a file with the given sync marker (for reproducible files).
    ///
    /// # Errors
    /// As [`ContainerWriter::new`].
    pub fn with_sync_marker(mut out: W, codec: Compression, sync: [u8; 16]) -> io::Result<Self> {
        let schema = T::writer_schema().map_err(io::Error::other)?;
        let compressor = BlockCompressor::new(codec)?;
        let product = T::PRODUCT_ID;
        FileHeader::write(
            &mut out,
            &[
                ("avro.schema", schema.json.as_bytes()),
                ("avro.codec", codec.name().as_bytes()),
                (PRODUCT_KEY, product.as_bytes()),
                (VERSION_KEY, T::PRODUCT_VERSION.as_bytes()),
            ],
            &sync,
        )?;
        Ok(Self {
            out: Some(out),
            compressor,
            sync,
            block: Vec::with_capacity(DEFAULT_BLOCK_BYTES + (DEFAULT_BLOCK_BYTES >> 2)),
            compressed: Vec::new(),
            records: 0,
            block_bytes: DEFAULT_BLOCK_BYTES,
            deflater: None,
            in_flight: false,
            spare: Vec::new(),
            sealer: Sealer::new(mesh_model::domain_of(product), None),
            _product: PhantomData,
        })
    }

    /// Seals encrypted fields with keys from `provider` instead of the default provider.
    pub fn set_key_provider(&mut self, provider: std::sync::Arc<dyn KeyProvider>) {
        self.sealer = Sealer::new(mesh_model::domain_of(T::PRODUCT_ID), Some(provider));
    }

    /// Sets how many bytes of encoded records make a block (at least 1).
    pub fn set_block_bytes(&mut self, bytes: usize) {
        self.block_bytes = bytes.max(1);
    }

    /// Sets the deflate level: 0 (stored) to 10 (smallest and slowest), 6 by default; 1 writes
    /// several times faster for somewhat larger files. Any deflate reader reads every level; the
    /// other codecs ignore it.
    pub fn set_deflate_level(&mut self, level: u8) {
        self.compressor.set_deflate_level(level);
    }

    /// Appends one record.
    ///
    /// # Errors
    /// Writing a full block fails, or an encrypted field's data key cannot be had (the record is
    /// then not written, and the writer can go on).
    pub fn append(&mut self, record: &T) -> io::Result<()> {
        let start = self.block.len();
        if let Err(error) = record.encode_sealed(&mut self.block, &mut self.sealer) {
            self.block.truncate(start);
            return Err(io::Error::other(format!("{}: {error}", T::PRODUCT_ID)));
        }
        self.records += 1;
        if self.block.len() >= self.block_bytes {
            self.hand_over()?;
        }
        Ok(())
    }

    /// A full block: compressed on the writer's thread while the next block is encoded, once the
    /// block before it is written; written here for the null codec, or if no thread can start.
    fn hand_over(&mut self) -> io::Result<()> {
        self.write_in_flight()?;
        if self.compressor.codec() == Compression::Null {
            return self.flush_block();
        }
        if self.deflater.is_none() {
            let mut compressor = BlockCompressor::new(self.compressor.codec())?;
            self.deflater = BlockWorker::start("deflate", 1, move |job: &mut DeflateJob| {
                compressor.set_deflate_level(job.level);
                job.result = compressor.compress(&job.block, &mut job.compressed);
            });
        }
        let Some(deflater) = &self.deflater else { return self.flush_block() };
        let job = DeflateJob {
            block: std::mem::replace(&mut self.block, std::mem::take(&mut self.spare)),
            compressed: std::mem::take(&mut self.compressed),
            records: self.records,
            level: self.compressor.deflate_level(),
            result: Ok(()),
        };
        match deflater.send(job) {
            Ok(()) => {
                self.in_flight = true;
                self.records = 0;
                Ok(())
            }
            Err(job) => {
                (self.spare, self.block, self.compressed) =
                    (std::mem::take(&mut self.block), job.block, job.compressed);
                self.flush_block()
            }
        }
    }

    /// Writes the block the compressing thread has, once it is compressed.
    fn write_in_flight(&mut self) -> io::Result<()> {
        if !std::mem::take(&mut self.in_flight) {
            return Ok(());
        }
        let job = self.deflater.as_ref().and_then(BlockWorker::receive);
        let Some(DeflateJob { mut block, compressed, records, result, .. }) = job else {
            return Err(io::Error::other("the thread compressing a block stopped; the block is lost"));
        };
        let written = result.and_then(|()| match self.out.as_mut() {
            Some(out) => write_block(out, records, &compressed, &self.sync),
            None => Ok(()),
        });
        if let Err(error) = written {
            // Not lost: the block goes back in front of the records gathered since, for the next
            // flush to try again, as a block that failed to compress or be written here stays.
            block.extend_from_slice(&self.block);
            self.block.clear();
            self.spare = std::mem::replace(&mut self.block, block);
            (self.records, self.compressed) = (self.records + records, compressed);
            return Err(error);
        }
        block.clear();
        (self.spare, self.compressed) = (block, compressed);
        Ok(())
    }

    /// Writes the records gathered so far as a block, if there are any.
    ///
    /// # Errors
    /// Writing fails.
    pub fn flush_block(&mut self) -> io::Result<()> {
        self.write_in_flight()?;
        let Some(out) = self.out.as_mut() else { return Ok(()) };
        if self.records == 0 {
            return Ok(());
        }
        // An uncompressed block is written straight from the buffer it was encoded into.
        let data = if self.compressor.codec() == Compression::Null {
            &self.block
        } else {
            self.compressor.compress(&self.block, &mut self.compressed)?;
            &self.compressed
        };
        write_block(out, self.records, data, &self.sync)?;
        self.block.clear();
        self.records = 0;
        Ok(())
    }

    /// Writes the last block, flushes, and returns the output.
    ///
    /// # Errors
    /// Writing or flushing fails.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_block()?;
        let mut out = self.out.take().ok_or_else(|| io::Error::other("the writer was already finished"))?;
        out.flush()?;
        Ok(out)
    }
}

impl<T: ContainerRecord, W: Write> Drop for ContainerWriter<T, W> {
    fn drop(&mut self) {
        // Like BufWriter: do not lose buffered records, but errors can only be seen through `finish`.
        let _ = self.flush_block();
        if let Some(out) = self.out.as_mut() {
            let _ = out.flush();
        }
    }
}

/// One block: its record count and size, its data, the sync marker.
fn write_block(out: &mut impl Write, records: u64, data: &[u8], sync: &[u8; 16]) -> io::Result<()> {
    let mut prefix = [0u8; 20];
    let prefix_len = block_prefix(&mut prefix, records, data.len());
    out.write_all(&prefix[..prefix_len])?;
    out.write_all(data)?;
    out.write_all(sync)
}

/// Writes a block's record count and byte size (two zig-zag varints) into `prefix`; returns their length.
fn block_prefix(prefix: &mut [u8; 20], records: u64, bytes: usize) -> usize {
    let mut len = 0;
    for value in [records, bytes as u64] {
        // Both are non-negative and below 2^63, so the zig-zag form is the value doubled.
        let mut n = value << 1;
        while n >= 0x80 {
            prefix[len] = (n as u8) | 0x80;
            n >>= 7;
            len += 1;
        }
        prefix[len] = n as u8;
        len += 1;
    }
    len
}

/// 16 unpredictable bytes, from the standard library's randomly seeded hasher.
fn random_sync_marker() -> [u8; 16] {
    let state = std::collections::hash_map::RandomState::new();
    let mut marker = [0u8; 16];
    for (i, chunk) in marker.chunks_mut(8).enumerate() {
        let mut hasher = state.build_hasher();
        hasher.write_usize(i);
        hasher
            .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        chunk.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    marker
}
