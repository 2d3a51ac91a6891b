//! Block compression codecs.

use std::fmt;

/// How blocks are compressed (`avro.codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Codec {
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

impl Codec {
    /// The name written in `avro.codec`.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Null => "null",
            Codec::Deflate => "deflate",
            #[cfg(feature = "snappy")]
            Codec::Snappy => "snappy",
            #[cfg(feature = "zstandard")]
            Codec::Zstandard => "zstandard",
        }
    }

    /// The codec named `name`, if this build supports it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "null" => Some(Codec::Null),
            "deflate" => Some(Codec::Deflate),
            #[cfg(feature = "snappy")]
            "snappy" => Some(Codec::Snappy),
            #[cfg(feature = "zstandard")]
            "zstandard" => Some(Codec::Zstandard),
            _ => None,
        }
    }

    /// Compresses `data` into `out` (cleared first).
    pub(crate) fn compress(self, data: &[u8], out: &mut Vec<u8>) -> std::io::Result<()> {
        out.clear();
        match self {
            Codec::Null => out.extend_from_slice(data),
            Codec::Deflate => *out = miniz_oxide::deflate::compress_to_vec(data, 6),
            #[cfg(feature = "snappy")]
            Codec::Snappy => {
                out.resize(snap::raw::max_compress_len(data.len()), 0);
                let len = snap::raw::Encoder::new().compress(data, out).map_err(std::io::Error::other)?;
                out.truncate(len);
                out.extend_from_slice(&crc32fast::hash(data).to_be_bytes());
            }
            #[cfg(feature = "zstandard")]
            Codec::Zstandard => {
                *out = zstd::bulk::compress(data, 0)?;
            }
        }
        Ok(())
    }

    /// Decompresses `data` into `out` (cleared first), refusing more than `limit` bytes.
    pub(crate) fn decompress(self, data: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<(), String> {
        out.clear();
        match self {
            Codec::Null => out.extend_from_slice(data),
            Codec::Deflate => {
                *out = miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit).map_err(|e| match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                        format!("the block inflates past the limit of {limit} bytes")
                    }
                    status => format!("the deflate data is corrupt ({status:?})"),
                })?;
            }
            #[cfg(feature = "snappy")]
            Codec::Snappy => {
                let (body, crc) =
                    data.split_at_checked(data.len().wrapping_sub(4)).ok_or("the block is shorter than its CRC")?;
                let len = snap::raw::decompress_len(body).map_err(|e| format!("the snappy data is corrupt ({e})"))?;
                if len > limit {
                    return Err(format!("the block inflates past the limit of {limit} bytes"));
                }
                out.resize(len, 0);
                snap::raw::Decoder::new()
                    .decompress(body, out)
                    .map_err(|e| format!("the snappy data is corrupt ({e})"))?;
                if crc32fast::hash(out).to_be_bytes() != crc {
                    return Err("the block's CRC does not match its data".into());
                }
            }
            #[cfg(feature = "zstandard")]
            Codec::Zstandard => {
                use std::io::Read;
                let decoder = zstd::stream::read::Decoder::new(data).map_err(|e| e.to_string())?;
                decoder
                    .take(limit as u64 + 1)
                    .read_to_end(out)
                    .map_err(|e| format!("the zstandard data is corrupt ({e})"))?;
                if out.len() > limit {
                    return Err(format!("the block inflates past the limit of {limit} bytes"));
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every codec this build has.
    fn codecs() -> Vec<Codec> {
        ["null", "deflate", "snappy", "zstandard"].into_iter().filter_map(Codec::from_name).collect()
    }

    #[test]
    fn every_codec_round_trips_and_knows_its_name() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for codec in codecs() {
            assert_eq!(Codec::from_name(codec.name()), Some(codec));
            let (mut packed, mut unpacked) = (Vec::new(), Vec::new());
            codec.compress(&data, &mut packed).unwrap();
            codec.decompress(&packed, &mut unpacked, 1 << 20).unwrap();
            assert_eq!(unpacked, data, "{codec}");
        }
    }

    #[test]
    fn compressed_codecs_refuse_corrupt_and_oversized_blocks() {
        let data = vec![b'a'; 10_000];
        for codec in codecs().into_iter().filter(|c| *c != Codec::Null) {
            let (mut packed, mut unpacked) = (Vec::new(), Vec::new());
            codec.compress(&data, &mut packed).unwrap();
            assert!(codec.decompress(&packed, &mut unpacked, 100).unwrap_err().contains("limit"), "{codec}");
            let corrupt = vec![0xff; packed.len()];
            assert!(codec.decompress(&corrupt, &mut unpacked, 1 << 20).is_err(), "{codec}");
        }
    }
}
