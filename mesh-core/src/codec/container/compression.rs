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
}

impl Codec {
    /// The name written in `avro.codec`.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Null => "null",
            Codec::Deflate => "deflate",
        }
    }

    /// The codec named `name`, if this build supports it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "null" => Some(Codec::Null),
            "deflate" => Some(Codec::Deflate),
            _ => None,
        }
    }

    /// Compresses `data` into `out` (cleared first).
    pub(crate) fn compress(self, data: &[u8], out: &mut Vec<u8>) {
        out.clear();
        match self {
            Codec::Null => out.extend_from_slice(data),
            Codec::Deflate => *out = miniz_oxide::deflate::compress_to_vec(data, 6),
        }
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
        }
        Ok(())
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
