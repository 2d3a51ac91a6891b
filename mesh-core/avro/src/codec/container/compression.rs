//! Block compression codecs, and the per-file compressor and decompressor that reuse their
//! state and buffers from block to block.

use std::fmt;
use std::io;

// Deflate with miniz_oxide (at the lakehouse's level 1 as fast as zlib-rs, and its blocks 14%
// smaller), inflate with zlib-rs (1.4x as fast as miniz_oxide on this project's blocks).
use flate2::{Decompress, FlushDecompress, Status};
use miniz_oxide::deflate::core::{compress_to_output, CompressorOxide, TDEFLFlush, TDEFLStatus};
use miniz_oxide::deflate::CompressionLevel;
use miniz_oxide::DataFormat;

/// How blocks are compressed (`avro.codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Compression {
    /// Uncompressed.
    #[default]
    Null,
    /// Raw deflate (RFC 1951), as Avro specifies.
    Deflate,
    /// Snappy, each block followed by the CRC-32 of its uncompressed bytes (cargo feature `snappy`).
    #[cfg(feature = "snappy")]
    Snappy,
    /// Zstandard (cargo feature `zstandard`).
    #[cfg(feature = "zstandard")]
    Zstandard,
}

impl Compression {
    /// Every codec this build reads and writes.
    pub const SUPPORTED: &'static [Compression] = &[
        Compression::Null,
        Compression::Deflate,
        #[cfg(feature = "snappy")]
        Compression::Snappy,
        #[cfg(feature = "zstandard")]
        Compression::Zstandard,
    ];

    /// The name written in `avro.codec`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Null => "null",
            Compression::Deflate => "deflate",
            #[cfg(feature = "snappy")]
            Compression::Snappy => "snappy",
            #[cfg(feature = "zstandard")]
            Compression::Zstandard => "zstandard",
        }
    }

    /// The codec named `name`, if this build supports it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "null" => Some(Compression::Null),
            "deflate" => Some(Compression::Deflate),
            #[cfg(feature = "snappy")]
            "snappy" => Some(Compression::Snappy),
            #[cfg(feature = "zstandard")]
            "zstandard" => Some(Compression::Zstandard),
            _ => None,
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The codecs built only with the cargo feature of the same name (of mesh-avro, and of mesh-core).
const OPTIONAL: [&str; 2] = ["snappy", "zstandard"];

/// `a`, `a and b`, `a, b and c`.
fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [only] => only.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Why a file whose `avro.codec` is `name` cannot be read, with what this build reads and the fix:
/// the cargo feature for a codec it was built without, else another codec for the file. The name
/// comes from the file, so it is escaped and cut short to keep the message one line.
pub(crate) fn unsupported(name: &str) -> String {
    let mut shown: String = name.chars().take(40).collect::<String>().escape_debug().collect();
    if name.chars().count() > 40 {
        shown.push_str("...");
    }
    let supported: Vec<&str> = Compression::SUPPORTED.iter().map(|codec| codec.name()).collect();
    let missing: Vec<&str> = OPTIONAL.into_iter().filter(|codec| !supported.contains(codec)).collect();
    let reads = format!("codec `{shown}` is not supported by this build, which reads {}", list(&supported));
    if missing.contains(&name) {
        format!("{reads}: enable the cargo feature `{name}` of mesh-core (or mesh-avro) to read it")
    } else if missing.is_empty() {
        format!("{reads}: write the file with one of those")
    } else {
        format!("{reads} ({} with the cargo features of those names): write the file with one of those", list(&missing))
    }
}

/// The message of a block that decompresses past the reader's limit.
fn past_limit(limit: usize) -> String {
    format!("the block inflates past the limit of {limit} bytes")
}

/// Compresses the blocks of one file: the codec's state (deflate's hash tables, snappy's table,
/// zstandard's context) is made once and reset per block, and output goes into the caller's buffer.
pub(crate) struct BlockCompressor {
    codec: Compression,
    deflate_level: u8,
    state: CompressorState,
}

enum CompressorState {
    Stateless,
    Deflate(Box<CompressorOxide>),
    #[cfg(feature = "snappy")]
    Snappy(Box<snap::raw::Encoder>),
    #[cfg(feature = "zstandard")]
    Zstandard(zstd::bulk::Compressor<'static>),
}

impl BlockCompressor {
    /// A compressor for `codec`.
    pub(crate) fn new(codec: Compression) -> io::Result<Self> {
        let state = match codec {
            Compression::Null => CompressorState::Stateless,
            Compression::Deflate => CompressorState::Deflate(Box::new(CompressorOxide::with_format_and_level(
                DataFormat::Raw,
                CompressionLevel::DefaultLevel,
            ))),
            #[cfg(feature = "snappy")]
            Compression::Snappy => CompressorState::Snappy(Box::new(snap::raw::Encoder::new())),
            #[cfg(feature = "zstandard")]
            Compression::Zstandard => CompressorState::Zstandard(zstd::bulk::Compressor::new(0)?),
        };
        Ok(Self { codec, deflate_level: CompressionLevel::DefaultLevel as u8, state })
    }

    /// Sets deflate's level, 0 (store) to 10 (smallest, slowest); 6 is the default. Other codecs
    /// have no level here.
    pub(crate) fn set_deflate_level(&mut self, level: u8) {
        self.deflate_level = level.min(10);
        if let CompressorState::Deflate(compressor) = &mut self.state {
            compressor.set_format_and_level(DataFormat::Raw, self.deflate_level);
        }
    }

    /// Deflate's level (see [`BlockCompressor::set_deflate_level`]).
    pub(crate) fn deflate_level(&self) -> u8 {
        self.deflate_level
    }

    /// The codec this compressor writes.
    pub(crate) fn codec(&self) -> Compression {
        self.codec
    }

    /// Compresses `data` into `out`, replacing its contents (its allocation is kept).
    pub(crate) fn compress(&mut self, data: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        out.clear();
        match &mut self.state {
            CompressorState::Stateless => out.extend_from_slice(data),
            CompressorState::Deflate(compressor) => {
                compressor.reset();
                let (status, consumed) = compress_to_output(compressor, data, TDEFLFlush::Finish, |chunk| {
                    out.extend_from_slice(chunk);
                    true
                });
                if status != TDEFLStatus::Done || consumed != data.len() {
                    return Err(io::Error::other(format!("deflate stopped with {status:?} after {consumed} bytes")));
                }
            }
            #[cfg(feature = "snappy")]
            CompressorState::Snappy(encoder) => {
                out.resize(snap::raw::max_compress_len(data.len()), 0);
                let len = encoder.compress(data, out).map_err(io::Error::other)?;
                out.truncate(len);
                // Avro's snappy blocks end with the CRC-32 of the uncompressed data, big-endian.
                out.extend_from_slice(&crc32fast::hash(data).to_be_bytes());
            }
            #[cfg(feature = "zstandard")]
            CompressorState::Zstandard(compressor) => {
                out.reserve(zstd::zstd_safe::compress_bound(data.len()));
                compressor.compress_to_buffer(data, out)?;
            }
        }
        Ok(())
    }
}

/// Decompresses the blocks of one file: the codec's state is made once and reset per block,
/// output goes into the caller's buffer, and no block may decompress past a limit.
pub(crate) struct BlockDecompressor {
    state: DecompressorState,
}

enum DecompressorState {
    Stateless,
    Deflate(Box<Decompress>),
    #[cfg(feature = "snappy")]
    Snappy(snap::raw::Decoder),
    #[cfg(feature = "zstandard")]
    Zstandard(zstd::zstd_safe::DCtx<'static>),
}

impl BlockDecompressor {
    /// A decompressor for `codec`.
    pub(crate) fn new(codec: Compression) -> Self {
        let state = match codec {
            Compression::Null => DecompressorState::Stateless,
            Compression::Deflate => DecompressorState::Deflate(Box::new(Decompress::new(false))),
            #[cfg(feature = "snappy")]
            Compression::Snappy => DecompressorState::Snappy(snap::raw::Decoder::new()),
            #[cfg(feature = "zstandard")]
            Compression::Zstandard => DecompressorState::Zstandard(zstd::zstd_safe::DCtx::create()),
        };
        Self { state }
    }

    /// Decompresses `data` into `out`, replacing its contents (its allocation is kept), and
    /// refusing to produce more than `limit` bytes: a block that says it is larger is an error,
    /// never an allocation of that size.
    pub(crate) fn decompress(&mut self, data: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<(), String> {
        match &mut self.state {
            DecompressorState::Stateless => {
                if data.len() > limit {
                    return Err(past_limit(limit));
                }
                out.clear();
                out.extend_from_slice(data);
                Ok(())
            }
            DecompressorState::Deflate(inflater) => inflate(inflater, data, out, limit),
            #[cfg(feature = "snappy")]
            DecompressorState::Snappy(decoder) => {
                let (body, crc) =
                    data.split_at_checked(data.len().wrapping_sub(4)).ok_or("the block is shorter than its CRC")?;
                let len = snap::raw::decompress_len(body).map_err(|e| format!("the snappy data is corrupt ({e})"))?;
                if len > limit {
                    return Err(past_limit(limit));
                }
                // `resize` zeroes only bytes `out` did not hold before; the decoder overwrites all `len`.
                out.resize(len, 0);
                let written = decoder.decompress(body, out).map_err(|e| format!("the snappy data is corrupt ({e})"))?;
                out.truncate(written);
                if crc32fast::hash(out).to_be_bytes() != crc {
                    return Err("the block's CRC does not match its data".into());
                }
                Ok(())
            }
            #[cfg(feature = "zstandard")]
            DecompressorState::Zstandard(context) => unzstd(context, data, out, limit),
        }
    }
}

/// Raw inflate of a whole block into `out`'s spare capacity (nothing is zeroed first), grown up
/// to `limit` as the output needs.
fn inflate(inflater: &mut Decompress, data: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<(), String> {
    inflater.reset(false);
    out.clear();
    // The allocation the previous block left is used first, so a block about as large as the last
    // allocates nothing.
    let guess = data.len().saturating_mul(4).max(1 << 16).min(limit);
    if out.capacity() < guess {
        out.reserve_exact(guess);
    }
    loop {
        let read = inflater.total_in() as usize;
        let status = inflater
            .decompress_vec(&data[read..], out, FlushDecompress::Finish)
            .map_err(|e| format!("the deflate data is corrupt ({e})"))?;
        if out.len() > limit {
            return Err(past_limit(limit));
        }
        if status == Status::StreamEnd {
            return Ok(());
        }
        if out.len() < out.capacity() {
            // Room left and still no end: the input ran out first.
            return Err("the deflate data ends before its last block (truncated or corrupt)".into());
        }
        if out.len() >= limit {
            return Err(past_limit(limit));
        }
        out.reserve_exact(out.len().max(1 << 16).min(limit - out.len()));
    }
}

/// Zstandard frames of a whole block into `out`, through one reused context; the output goes
/// into `out`'s spare capacity, reserved (up to `limit`) as it is needed.
#[cfg(feature = "zstandard")]
fn unzstd(
    context: &mut zstd::zstd_safe::DCtx<'static>,
    data: &[u8],
    out: &mut Vec<u8>,
    limit: usize,
) -> Result<(), String> {
    use zstd::zstd_safe::{get_error_name, InBuffer, OutBuffer, ResetDirective};
    let corrupt = |code| format!("the zstandard data is corrupt ({})", get_error_name(code));
    out.clear();
    context.reset(ResetDirective::SessionOnly).map_err(corrupt)?;
    let mut input = InBuffer::around(data);
    loop {
        if out.len() == out.capacity() {
            if out.len() >= limit {
                return Err(past_limit(limit));
            }
            out.reserve_exact(out.len().max(1 << 16).min(limit - out.len()));
        }
        let before = (input.pos, out.len());
        let left_in_frame = context.decompress_stream(&mut OutBuffer::around_pos(out, out.len()), &mut input);
        let left_in_frame = left_in_frame.map_err(corrupt)?;
        if out.len() > limit {
            return Err(past_limit(limit));
        }
        if left_in_frame == 0 && input.pos == data.len() {
            return Ok(());
        }
        if (input.pos, out.len()) == before && out.len() < out.capacity() {
            return Err("the zstandard data ends before its frame does (truncated or corrupt)".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every codec this build has.
    fn codecs() -> Vec<Compression> {
        ["null", "deflate", "snappy", "zstandard"].into_iter().filter_map(Compression::from_name).collect()
    }

    #[test]
    fn supported_is_every_codec_by_name() {
        assert_eq!(Compression::SUPPORTED, codecs());
    }

    #[test]
    #[cfg(all(feature = "snappy", feature = "zstandard"))]
    fn an_unsupported_codec_names_what_this_full_build_reads() {
        assert_eq!(
            unsupported("lz4"),
            "codec `lz4` is not supported by this build, which reads null, deflate, snappy and zstandard: \
             write the file with one of those"
        );
    }

    #[test]
    #[cfg(not(any(feature = "snappy", feature = "zstandard")))]
    fn an_unsupported_codec_names_what_this_minimal_build_reads_and_the_feature() {
        assert_eq!(
            unsupported("snappy"),
            "codec `snappy` is not supported by this build, which reads null and deflate: enable the cargo \
             feature `snappy` of mesh-core (or mesh-avro) to read it"
        );
        assert_eq!(
            unsupported("lz4"),
            "codec `lz4` is not supported by this build, which reads null and deflate (snappy and zstandard \
             with the cargo features of those names): write the file with one of those"
        );
    }

    #[test]
    fn a_hostile_codec_name_stays_one_short_line() {
        let message = unsupported(&format!("x\n{}", "y".repeat(100)));
        assert!(message.starts_with(&format!("codec `x\\n{}...` is not supported", "y".repeat(38))), "{message}");
        assert!(!message.contains('\n'));
    }

    /// Bytes that compress, but not to nothing.
    fn block(len: usize, seed: u32) -> Vec<u8> {
        (0..len as u32).map(|i| ((i / 7 + seed).wrapping_mul(2_654_435_761) >> 29) as u8 + b'a').collect()
    }

    fn round_trip(codec: Compression, data: &[u8], limit: usize) -> Result<Vec<u8>, String> {
        let mut packed = Vec::new();
        BlockCompressor::new(codec).unwrap().compress(data, &mut packed).unwrap();
        let mut unpacked = Vec::new();
        BlockDecompressor::new(codec).decompress(&packed, &mut unpacked, limit).map(|()| unpacked)
    }

    #[test]
    fn every_codec_round_trips_and_knows_its_name() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for codec in codecs() {
            assert_eq!(Compression::from_name(codec.name()), Some(codec));
            assert_eq!(round_trip(codec, &data, 1 << 20).unwrap(), data, "{codec}");
            assert_eq!(round_trip(codec, &[], 1 << 20).unwrap(), b"", "{codec}");
        }
    }

    #[test]
    fn one_compressor_and_decompressor_serve_many_blocks_in_the_same_buffers() {
        for codec in codecs() {
            let mut compressor = BlockCompressor::new(codec).unwrap();
            let mut decompressor = BlockDecompressor::new(codec);
            let (mut packed, mut unpacked) = (Vec::new(), Vec::new());
            let mut buffers = None;
            // Blocks of every size up and down, each a different content: state left over from
            // one block must not leak into the next.
            for (i, len) in [250_000, 3, 150_000, 0, 199_999, 200_000, 50_000].into_iter().enumerate() {
                let data = block(len, i as u32);
                compressor.compress(&data, &mut packed).unwrap();
                decompressor.decompress(&packed, &mut unpacked, 1 << 20).unwrap();
                assert!(unpacked == data, "{codec}, block {i}: {} bytes back for {len}", unpacked.len());
                // Past the first (largest) block, the output goes into the allocations already made.
                if i == 0 {
                    buffers = Some((packed.as_ptr(), unpacked.as_ptr()));
                } else {
                    assert_eq!(Some((packed.as_ptr(), unpacked.as_ptr())), buffers, "{codec}, block {i} reallocated");
                }
            }
        }
    }

    #[test]
    fn compressed_codecs_refuse_corrupt_and_oversized_blocks() {
        let data = vec![b'a'; 10_000];
        for codec in codecs().into_iter().filter(|c| *c != Compression::Null) {
            assert!(round_trip(codec, &data, 100).unwrap_err().contains("limit"), "{codec}");
            // A block exactly at the limit is fine, one byte past it is not.
            assert_eq!(round_trip(codec, &data, data.len()).unwrap(), data, "{codec}");
            assert!(round_trip(codec, &data, data.len() - 1).unwrap_err().contains("limit"), "{codec}");
            let mut packed = Vec::new();
            BlockCompressor::new(codec).unwrap().compress(&data, &mut packed).unwrap();
            let mut decompressor = BlockDecompressor::new(codec);
            let mut unpacked = Vec::new();
            let corrupt = vec![0xff; packed.len()];
            let error = decompressor.decompress(&corrupt, &mut unpacked, 1 << 20).unwrap_err();
            assert!(error.contains("corrupt") || error.contains("CRC"), "{codec}: {error}");
            let error = decompressor.decompress(&packed[..packed.len() / 2], &mut unpacked, 1 << 20).unwrap_err();
            assert!(error.contains("corrupt") || error.contains("CRC"), "{codec}: {error}");
            // The decompressor is usable again after an error.
            decompressor.decompress(&packed, &mut unpacked, 1 << 20).unwrap();
            assert_eq!(unpacked, data, "{codec}");
        }
    }

    #[test]
    fn a_deflate_bomb_stops_at_the_limit_without_allocating_its_size() {
        // 64 MiB of zeros compress to about 64 KiB.
        let zeros = vec![0u8; 64 << 20];
        let mut packed = Vec::new();
        BlockCompressor::new(Compression::Deflate).unwrap().compress(&zeros, &mut packed).unwrap();
        drop(zeros);
        let mut unpacked = Vec::new();
        let error =
            BlockDecompressor::new(Compression::Deflate).decompress(&packed, &mut unpacked, 1 << 20).unwrap_err();
        assert!(error.contains("limit of 1048576 bytes"), "{error}");
        assert!(unpacked.capacity() <= 2 << 20, "allocated {} bytes for a 1 MiB limit", unpacked.capacity());
    }

    #[test]
    fn deflate_is_raw_rfc_1951_as_avro_specifies() {
        let data = block(50_000, 9);
        let mut packed = Vec::new();
        BlockCompressor::new(Compression::Deflate).unwrap().compress(&data, &mut packed).unwrap();
        // Read as raw deflate (no zlib header, nothing after the stream) by zlib-rs, which did not
        // write it, and by miniz_oxide's own inflater.
        let mut inflater = Decompress::new(false);
        let mut theirs = Vec::with_capacity(data.len());
        let status = inflater.decompress_vec(&packed, &mut theirs, FlushDecompress::Finish).unwrap();
        assert_eq!((status, inflater.total_in() as usize, theirs == data), (Status::StreamEnd, packed.len(), true));
        assert_eq!(miniz_oxide::inflate::decompress_to_vec(&packed).unwrap(), data);
        // And a block miniz_oxide wrote at another level is read by ours.
        let theirs = miniz_oxide::deflate::compress_to_vec(&data, 6);
        let mut unpacked = Vec::new();
        BlockDecompressor::new(Compression::Deflate).decompress(&theirs, &mut unpacked, 1 << 20).unwrap();
        assert_eq!(unpacked, data);
    }
}
