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
//!
//! Fields declared `#[pii(..., encrypted)]` are plaintext in memory and in standalone datums
//! ([`AvroCodec::encode`]); the container writer seals them ([`AvroCodec::encode_sealed`]) and
//! the container reader opens them ([`AvroCodec::decode_opened`]), with [`crypto`]'s keys.

mod container;
mod decode;
pub mod encode;
pub mod encrypted;
mod error;
pub mod json;
pub mod resolve;
mod sample;

pub use container::{
    Compression, ContainerError, ContainerErrorKind, ContainerReader, ContainerRecord, ContainerWriter, FileHeader,
    Redacted, RedactedReader, SchemaReader, SkippedBlock,
};
pub use decode::{unscaled_decimal, Reader, MAX_DEPTH};
pub use error::{DecodeError, DecodeErrorKind, FieldCryptoError};
pub use mesh_crypto as crypto;
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

    /// As [`AvroCodec::encode`], with the fields declared `encrypted` sealed by `sealer`: what the
    /// container writer stores. The macro overrides it for types with such fields, or with nested
    /// types that may have them; other types have nothing to seal.
    ///
    /// # Errors
    /// A data key cannot be had; `out` then holds part of the value.
    #[inline]
    fn encode_sealed(&self, out: &mut Vec<u8>, sealer: &mut crypto::Sealer) -> Result<(), FieldCryptoError> {
        let _ = sealer;
        self.encode(out);
        Ok(())
    }

    /// As [`AvroCodec::decode`], with the fields declared `encrypted` opened (or redacted) by
    /// `opener`: what the container reader does with data of the product's own schema.
    ///
    /// # Errors
    /// As [`AvroCodec::decode`], or a [`DecodeErrorKind::Crypto`] error.
    #[inline]
    fn decode_opened(input: &mut Reader<'_>, opener: &mut crypto::Opener) -> Result<Self, DecodeError> {
        let _ = opener;
        Self::decode(input)
    }

    /// As [`AvroCodec::decode_into`], with the fields declared `encrypted` opened by `opener`.
    ///
    /// # Errors
    /// As [`AvroCodec::decode_opened`].
    #[inline]
    fn decode_into_opened(&mut self, input: &mut Reader<'_>, opener: &mut crypto::Opener) -> Result<(), DecodeError> {
        let _ = opener;
        self.decode_into(input)
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
