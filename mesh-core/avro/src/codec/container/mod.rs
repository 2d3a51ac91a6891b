//! Avro object container files of a data product.
//!
//! A file is the magic `Obj\x01`, a metadata map (`avro.schema`, `avro.codec`,
//! and ours: `mesh.product`, `mesh.version`), a 16-byte sync marker, then
//! blocks of records, each followed by the sync marker.

mod block_worker;
mod compression;
mod error;
mod header;
mod reader;
mod recovery;
mod schema_reader;
mod writer;

pub use compression::Compression;
pub use error::{ContainerError, ContainerErrorKind, SkippedBlock};
pub use header::FileHeader;
pub use reader::{ContainerReader, Redacted, RedactedReader};
pub use schema_reader::SchemaReader;
pub use writer::ContainerWriter;

/// The four bytes every Avro object container file starts with.
pub const MAGIC: [u8; 4] = *b"Obj\x01";

/// Metadata key: the product id (`domain.name`) whose records the file holds.
pub const PRODUCT_KEY: &str = "mesh.product";
/// Metadata key: the product version that wrote the file.
pub const VERSION_KEY: &str = "mesh.version";

/// What a container file needs of the record type it holds: the product it belongs to and the
/// schema it is written with. `#[data_product]` implements it beside `DataProduct`.
pub trait ContainerRecord: super::AvroCodec + 'static {
    /// The product id, `domain.name`, written as `mesh.product` and checked on reading.
    const PRODUCT_ID: &'static str;
    /// The product version, written as `mesh.version`.
    const PRODUCT_VERSION: &'static str;

    /// The schema records are written with, and read as.
    ///
    /// # Errors
    /// The composed schema is not valid Avro.
    fn writer_schema() -> Result<&'static crate::declared::ProductSchema, crate::declared::ProductSchemaError>;
}
