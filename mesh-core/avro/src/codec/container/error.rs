//! Errors reading a container file: what, in which file, block and record.

use std::fmt;

use crate::codec::DecodeError;

/// What went wrong in a container file.
#[derive(Debug)]
#[non_exhaustive]
pub enum ContainerErrorKind {
    /// Reading or writing the underlying file failed.
    Io(std::io::Error),
    /// The file does not start with `Obj\x01`.
    NotAvro,
    /// The file ends inside the header or a block.
    Truncated,
    /// The header is malformed.
    BadHeader(String),
    /// The file's codec is not supported by this build.
    UnsupportedCodec(String),
    /// The file holds another product's records.
    WrongProduct {
        /// The product read as.
        expected: String,
        /// The product named in the file.
        found: String,
    },
    /// The file's writer schema cannot be read as the product's schema.
    IncompatibleSchema(String),
    /// A block's count or size is negative or past the configured limit.
    BadBlock(String),
    /// A block does not decompress.
    Decompress(String),
    /// A block is not followed by the file's sync marker.
    SyncMismatch,
    /// A record does not decode.
    Decode(DecodeError),
    /// A corrupt block was skipped and reading goes on after it (only when the reader was told
    /// to, with [`ContainerReader::skip_corrupt_blocks`](super::ContainerReader::skip_corrupt_blocks)).
    Skipped(Box<SkippedBlock>),
}

/// A corrupt block the reader skipped, whole or after its first records: where, why, what was
/// read of it and what was lost.
#[derive(Debug)]
pub struct SkippedBlock {
    /// The byte offset in the file where the block starts.
    pub offset: u64,
    /// The byte offset where reading resumed, right after the next sync marker; `None` when no
    /// marker follows (the rest of the file is lost).
    pub resumed_at: Option<u64>,
    /// The records of this block read (and yielded) before the rest of it was skipped: those
    /// before a record that does not decode, or every record its count gives when bytes follow them.
    pub records_read: u64,
    /// The records lost, when known: those a record error left unread, or the count the block's
    /// header gives when the block is unreadable but ends exactly where its count and size say.
    /// `None` when nothing tells: the count is proven wrong (more records than fit, bytes left
    /// over, or bytes ending before the records do), or the block's framing is.
    pub records_lost: Option<u64>,
    /// Why the block was skipped.
    pub reason: ContainerErrorKind,
}

impl fmt::Display for SkippedBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.records_read {
            0 => write!(f, "skipped a corrupt block at byte {}", self.offset)?,
            1 => {
                write!(f, "skipped the rest of a corrupt block at byte {} after reading its first record", self.offset)?
            }
            n => write!(
                f,
                "skipped the rest of a corrupt block at byte {} after reading its first {n} records",
                self.offset
            )?,
        }
        write!(f, " ({}); ", self.reason)?;
        match self.records_lost {
            Some(1) => write!(f, "1 record lost")?,
            Some(n) => write!(f, "{n} records lost")?,
            None => write!(f, "an unknown number of records lost")?,
        }
        match self.resumed_at {
            Some(at) => write!(f, "; reading resumed at byte {at}"),
            None => write!(f, "; no sync marker follows, so the rest of the file is lost"),
        }
    }
}

impl fmt::Display for ContainerErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::NotAvro => write!(f, "not an Avro container file (it does not start with `Obj\\x01`)"),
            Self::Truncated => write!(f, "the file ends early (truncated)"),
            Self::BadHeader(why) => write!(f, "bad file header: {why}"),
            Self::UnsupportedCodec(name) => write!(f, "{}", super::compression::unsupported(name)),
            Self::WrongProduct { expected, found } => {
                write!(f, "the file holds `{found}` records, not `{expected}`: read it as `{found}`")
            }
            Self::IncompatibleSchema(why) => write!(f, "the file's schema cannot be read as this product: {why}"),
            Self::BadBlock(why) => write!(f, "bad block: {why}"),
            Self::Decompress(why) => write!(f, "block does not decompress: {why}"),
            Self::SyncMismatch => write!(f, "the block is not followed by the file's sync marker (corrupt block)"),
            Self::Decode(e) => write!(f, "{e}"),
            Self::Skipped(skipped) => write!(f, "{skipped}"),
        }
    }
}

/// An error in a container file, with where it happened.
#[derive(Debug)]
pub struct ContainerError {
    /// The file (a path, or a description of the stream).
    pub file: String,
    /// The block index (0-based), when the error is in a block.
    pub block: Option<u64>,
    /// The record index within the block (0-based), when the error is in a record.
    pub record: Option<u64>,
    /// What went wrong.
    pub kind: ContainerErrorKind,
}

impl fmt::Display for ContainerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(block) = self.block {
            write!(f, ", block {block}")?;
        }
        if let Some(record) = self.record {
            write!(f, ", record {record}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for ContainerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ContainerErrorKind::Io(e) => Some(e),
            ContainerErrorKind::Decode(e) => Some(e),
            _ => None,
        }
    }
}
