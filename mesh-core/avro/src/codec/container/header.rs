//! The file header: magic, metadata and sync marker.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};

use super::{Compression, ContainerErrorKind, MAGIC, PRODUCT_KEY, VERSION_KEY};
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
    pub codec: Compression,
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
                let key = read_metadata_bytes(input, &mut budget)?;
                let key = String::from_utf8(key)
                    .map_err(|_| ContainerErrorKind::BadHeader("a metadata key is not UTF-8".into()))?;
                let value = read_metadata_bytes(input, &mut budget)?;
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
            None => Compression::Null,
            Some(name) => {
                let name = String::from_utf8_lossy(name);
                Compression::from_name(&name).ok_or_else(|| ContainerErrorKind::UnsupportedCodec(name.into_owned()))?
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

/// Reads exactly `size` bytes into `buf` (replacing its contents).
///
/// `size` comes from the file, so the buffer grows only as bytes arrive (at most doubling what
/// was read): a lying size costs an error at the end of the input, not its size in memory.
pub(crate) fn read_sized(input: &mut impl Read, size: usize, buf: &mut Vec<u8>) -> Result<(), ContainerErrorKind> {
    buf.clear();
    read_more(input, size, buf)
}

/// [`read_sized`] for a buffered input: what `input` has buffered is taken first, the rest is
/// read from the inner reader straight into `buf`, so block bytes are copied once, not twice.
pub(crate) fn read_block_bytes<R: Read>(
    input: &mut BufReader<R>,
    size: usize,
    buf: &mut Vec<u8>,
) -> Result<(), ContainerErrorKind> {
    buf.clear();
    let buffered = input.buffer();
    let from_buffer = buffered.len().min(size);
    buf.extend_from_slice(&buffered[..from_buffer]);
    input.consume(from_buffer);
    read_more(input.get_mut(), size, buf)
}

/// Appends bytes to `buf` until it holds `size`, reserving at most its length again at a time.
fn read_more(input: &mut impl Read, size: usize, buf: &mut Vec<u8>) -> Result<(), ContainerErrorKind> {
    const FIRST_CHUNK: usize = 1 << 16;
    while buf.len() < size {
        let chunk = (size - buf.len()).min(buf.len().max(FIRST_CHUNK));
        buf.reserve_exact(chunk);
        // `read_to_end` fills the reserved capacity without zeroing it first.
        let read = input.take(chunk as u64).read_to_end(buf).map_err(ContainerErrorKind::Io)?;
        if read < chunk {
            return Err(ContainerErrorKind::Truncated);
        }
    }
    Ok(())
}

/// Reads a zig-zag varint; `None` at a clean end of file before its first byte.
pub(crate) fn read_long(input: &mut impl Read) -> Result<Option<i64>, ContainerErrorKind> {
    let mut value: u64 = 0;
    for i in 0..10 {
        let mut byte = [0u8; 1];
        // An interrupted read is retried for the same byte, not counted as one.
        let read = loop {
            match input.read(&mut byte) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match read {
            Ok(0) if i == 0 => return Ok(None),
            Ok(0) => return Err(ContainerErrorKind::Truncated),
            Ok(_) => {}
            Err(e) => return Err(ContainerErrorKind::Io(e)),
        }
        value |= u64::from(byte[0] & 0x7f) << (7 * i);
        if byte[0] & 0x80 == 0 {
            return Ok(Some((value >> 1) as i64 ^ -((value & 1) as i64)));
        }
    }
    Err(ContainerErrorKind::BadBlock("a varint is longer than 10 bytes".into()))
}

/// Reads a length-prefixed metadata key or value, within what is left of the header's `budget`.
fn read_metadata_bytes(input: &mut impl Read, budget: &mut u64) -> Result<Vec<u8>, ContainerErrorKind> {
    let len = read_long(input)?.ok_or(ContainerErrorKind::Truncated)?;
    if len < 0 || len as u64 > *budget {
        return Err(ContainerErrorKind::BadHeader(format!("metadata length {len} is negative or too large")));
    }
    *budget -= len as u64;
    let mut bytes = Vec::new();
    read_sized(input, len as usize, &mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sized_reads_take_exactly_the_size_across_chunks() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        let mut input = &data[..];
        let mut buf = vec![7; 3];
        read_sized(&mut input, 200_000, &mut buf).unwrap();
        assert_eq!(buf, data[..200_000]);
        assert_eq!(input.len(), 100_000);
        read_sized(&mut input, 0, &mut buf).unwrap();
        assert!(buf.is_empty());
    }

    #[test]
    fn a_size_past_the_input_is_truncated_without_allocating_it() {
        let data = vec![1u8; 1000];
        let mut buf = Vec::new();
        let error = read_sized(&mut &data[..], 1 << 40, &mut buf).unwrap_err();
        assert!(matches!(error, ContainerErrorKind::Truncated), "{error:?}");
        assert!(buf.capacity() < 1 << 20, "allocated {} bytes for 1000 bytes of input", buf.capacity());
    }

    /// Fails every other read with `Interrupted`, as a signal-interrupted system call does.
    struct Interrupting<'a> {
        bytes: &'a [u8],
        interrupt: bool,
    }

    impl Read for Interrupting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            self.bytes.read(buf)
        }
    }

    #[test]
    fn interrupted_reads_are_retried_without_losing_a_varint_byte() {
        let mut bytes = Vec::new();
        write_long(&mut bytes, 300_000);
        write_long(&mut bytes, -5);
        let mut input = Interrupting { bytes: &bytes, interrupt: false };
        assert_eq!(read_long(&mut input).unwrap(), Some(300_000));
        assert_eq!(read_long(&mut input).unwrap(), Some(-5));
        assert_eq!(read_long(&mut input).unwrap(), None);
    }

    #[test]
    fn block_reads_take_the_buffered_bytes_then_the_inner_reader() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut input = BufReader::with_capacity(1000, &data[..]);
        let mut first = [0u8; 10];
        input.read_exact(&mut first).unwrap();
        let mut buf = Vec::new();
        read_block_bytes(&mut input, 150_000, &mut buf).unwrap();
        assert_eq!(buf, data[10..150_010]);
        read_block_bytes(&mut input, 5, &mut buf).unwrap();
        assert_eq!(buf, data[150_010..150_015]);
        let error = read_block_bytes(&mut input, 200_000, &mut buf).unwrap_err();
        assert!(matches!(error, ContainerErrorKind::Truncated), "{error:?}");
    }
}
