//! The file header: magic, metadata and sync marker.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};

use super::{Codec, ContainerErrorKind, MAGIC, PRODUCT_KEY, VERSION_KEY};
use crate::codec::encode::{write_bytes, write_long, write_str};

/// The metadata a header may hold in all; past it the header is refused as corrupt.
const MAX_HEADER_BYTES: u64 = 64 << 20;

/// A container file's header.
#[derive(Debug, Clone)]
pub struct FileHeader {
    /// Every metadata entry.
    pub metadata: BTreeMap<String, Vec<u8>>,
    /// The writer schema (`avro.schema`), as JSON.
    pub schema_json: String,
    /// The block codec (`avro.codec`).
    pub codec: Codec,
    /// The marker after every block.
    pub sync: [u8; 16],
}

impl FileHeader {
    /// The product id the file says it holds (`mesh.product`), if written by a mesh writer.
    pub fn product(&self) -> Option<&str> {
        self.text(PRODUCT_KEY)
    }

    /// The product version that wrote the file (`mesh.version`).
    pub fn version(&self) -> Option<&str> {
        self.text(VERSION_KEY)
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(|v| std::str::from_utf8(v).ok())
    }

    pub(crate) fn write(out: &mut impl Write, entries: &[(&str, &[u8])], sync: &[u8; 16]) -> io::Result<()> {
        let mut bytes = MAGIC.to_vec();
        write_long(&mut bytes, entries.len() as i64);
        for (key, value) in entries {
            write_str(&mut bytes, key);
            write_bytes(&mut bytes, value);
        }
        bytes.push(0);
        bytes.extend_from_slice(sync);
        out.write_all(&bytes)
    }

    pub(crate) fn read(input: &mut impl Read) -> Result<Self, ContainerErrorKind> {
        let mut magic = [0u8; 4];
        read_exact(input, &mut magic)?;
        if magic != MAGIC {
            return Err(ContainerErrorKind::NotAvro);
        }
        let mut metadata = BTreeMap::new();
        let mut budget = MAX_HEADER_BYTES;
        loop {
            let count = match read_long(input)? {
                Some(0) => break,
                Some(count) => count,
                None => return Err(ContainerErrorKind::Truncated),
            };
            let count = if count < 0 {
                read_long(input)?.ok_or(ContainerErrorKind::Truncated)?;
                count.unsigned_abs()
            } else {
                count as u64
            };
            for _ in 0..count {
                let key = read_sized(input, &mut budget)?;
                let key = String::from_utf8(key)
                    .map_err(|_| ContainerErrorKind::BadHeader("a metadata key is not UTF-8".into()))?;
                let value = read_sized(input, &mut budget)?;
                metadata.insert(key, value);
            }
        }
        let mut sync = [0u8; 16];
        read_exact(input, &mut sync)?;
        let schema_json = metadata
            .get("avro.schema")
            .ok_or_else(|| ContainerErrorKind::BadHeader("no `avro.schema` entry".into()))
            .and_then(|bytes| {
                String::from_utf8(bytes.clone())
                    .map_err(|_| ContainerErrorKind::BadHeader("`avro.schema` is not UTF-8".into()))
            })?;
        let codec = match metadata.get("avro.codec") {
            None => Codec::Null,
            Some(name) => {
                let name = String::from_utf8_lossy(name);
                Codec::from_name(&name).ok_or_else(|| ContainerErrorKind::UnsupportedCodec(name.into_owned()))?
            }
        };
        Ok(Self { metadata, schema_json, codec, sync })
    }
}

/// Reads exactly `buf.len()` bytes; a short file is [`ContainerErrorKind::Truncated`].
pub(crate) fn read_exact(input: &mut impl Read, buf: &mut [u8]) -> Result<(), ContainerErrorKind> {
    input.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => ContainerErrorKind::Truncated,
        _ => ContainerErrorKind::Io(e),
    })
}

/// Reads a zig-zag varint; `None` at a clean end of file before its first byte.
pub(crate) fn read_long(input: &mut impl Read) -> Result<Option<i64>, ContainerErrorKind> {
    let mut value: u64 = 0;
    for i in 0..10 {
        let mut byte = [0u8; 1];
        match input.read(&mut byte) {
            Ok(0) if i == 0 => return Ok(None),
            Ok(0) => return Err(ContainerErrorKind::Truncated),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ContainerErrorKind::Io(e)),
        }
        value |= u64::from(byte[0] & 0x7f) << (7 * i);
        if byte[0] & 0x80 == 0 {
            return Ok(Some((value >> 1) as i64 ^ -((value & 1) as i64)));
        }
    }
    Err(ContainerErrorKind::BadBlock("a varint is longer than 10 bytes".into()))
}

/// Reads length-prefixed bytes, growing the buffer only as bytes arrive.
fn read_sized(input: &mut impl Read, budget: &mut u64) -> Result<Vec<u8>, ContainerErrorKind> {
    let len = read_long(input)?.ok_or(ContainerErrorKind::Truncated)?;
    if len < 0 || len as u64 > *budget {
        return Err(ContainerErrorKind::BadHeader(format!("metadata length {len} is negative or too large")));
    }
    *budget -= len as u64;
    let mut bytes = Vec::new();
    let read = input.take(len as u64).read_to_end(&mut bytes).map_err(ContainerErrorKind::Io)?;
    if read as u64 != len as u64 {
        return Err(ContainerErrorKind::Truncated);
    }
    Ok(bytes)
}
