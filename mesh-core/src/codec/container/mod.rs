//! Avro object container files of a data product.
//!
//! A file is the magic `Obj\x01`, a metadata map (`avro.schema`, `avro.codec`,
//! and ours: `mesh.product`, `mesh.version`), a 16-byte sync marker, then
//! blocks of records, each followed by the sync marker.

mod compression;
mod error;
mod header;
mod reader;
mod recovery;
mod writer;

pub use compression::Codec;
pub use error::{ContainerError, ContainerErrorKind, SkippedBlock};
pub use header::FileHeader;
pub use reader::ContainerReader;
pub use writer::ContainerWriter;

/// The four bytes every Avro object container file starts with.
pub const MAGIC: [u8; 4] = *b"Obj\x01";

/// Metadata key: the product id (`domain.name`) whose records the file holds.
pub const PRODUCT_KEY: &str = "mesh.product";
/// Metadata key: the product version that wrote the file.
pub const VERSION_KEY: &str = "mesh.version";
