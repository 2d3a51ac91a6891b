//! Fast, typed Avro binary data for data products.
//!
//! The macro generates an [`AvroCodec`] impl for every product and nested
//! record or enum: straight-line code for that exact type, with no dynamic
//! value in between. This module holds the primitives that code calls
//! ([`encode`], [`Reader`]) and the object container files that carry
//! products on disk ([`ContainerWriter`], [`ContainerReader`]), which resolve
//! data written with an older schema of a product (see [`resolve`]).
//!
//! Decoding reads from a borrowed slice and checks every length against the
//! bytes left before allocating; the container reader reuses one block
//! buffer, so memory stays bounded by the largest block, not the file.
//! [`AvroCodec::decode_into`] and [`ContainerReader::read_into`] also reuse
//! the record's own strings and vectors from one record to the next.

mod container;
mod decode;
pub mod encode;
mod error;
pub mod json;
pub mod resolve;
mod sample;

pub use container::{
    Compression, ContainerError, ContainerErrorKind, ContainerReader, ContainerRecord, ContainerWriter, FileHeader,
    SchemaReader, SkippedBlock,
};
pub use decode::{unscaled_decimal, Reader, MAX_DEPTH};
pub use error::{DecodeError, DecodeErrorKind};
pub use sample::{Sample, SampleRng};

/// A type with a generated Avro binary encoder and decoder.
///
/// The macro implements it for every `#[data_product]`, `#[derive(AvroRecord)]`
/// and `#[derive(AvroEnum)]`; the encoding is the one the type's
/// [`AvroSchema`](crate::declared::AvroSchema) describes, byte for byte.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no Avro encoding",
    label = "this type is used in a data product but has no Avro encoding",
    note = "derive one: `#[derive(mesh_macros::AvroRecord)]` on a struct with named fields, or `#[derive(mesh_macros::AvroEnum)]` on an enum of unit variants"
)]
pub trait AvroCodec: Sized {
    /// Appends the value's Avro binary encoding to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// Decodes one value from `input`.
    ///
    /// # Errors
    /// The bytes are not a value of this type: truncated, a bad length, an
    /// unknown union branch or enum index, invalid UTF-8, a decimal out of range.
    fn decode(input: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Decodes one value from `input` into `self`, reusing its allocations: strings, bytes and
    /// vectors are overwritten in place (nested records too), so reading record after record
    /// into one value allocates only when a record outgrows the previous ones.
    ///
    /// # Errors
    /// As [`AvroCodec::decode`]; after an error `self` holds a mix of old and new field values
    /// (still a valid value) and should be overwritten before use.
    #[inline]
    fn decode_into(&mut self, input: &mut Reader<'_>) -> Result<(), DecodeError> {
        *self = Self::decode(input)?;
        Ok(())
    }
}

/// Encodes one value as a standalone Avro datum.
pub fn to_datum<T: AvroCodec>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode(&mut out);
    out
}

/// Decodes a standalone Avro datum that must fill `bytes`.
///
/// # Errors
/// As [`AvroCodec::decode`], or bytes are left over.
pub fn from_datum<T: AvroCodec>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut reader = Reader::new(bytes);
    let value = T::decode(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// Adds an entry to a map being decoded (`HashMap` or `BTreeMap`).
#[doc(hidden)]
#[inline]
pub fn map_insert<M: Extend<(String, V)>, V>(map: &mut M, key: String, value: V) {
    map.extend(std::iter::once((key, value)));
}
