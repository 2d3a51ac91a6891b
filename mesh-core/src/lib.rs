//! mesh-core: data products as Rust code.
//!
//! A domain declares each data product with `#[mesh_macros::data_product(...)]`
//! on a struct. This crate holds what the declaration becomes:
//! - [`model`]: the plain product description and the parsers for its values
//!   (shared with the macro, which validates declarations at compile time);
//! - [`avro`]: schemas as values, rendered to Avro JSON;
//! - [`DataProduct`], [`Contract`] and the registry of every linked product;
//! - [`lineage`] and [`governance`]: the graph of products and the checks of `cargo xtask check`.
#![cfg_attr(not(feature = "runtime"), allow(dead_code))]

pub mod avro;
pub mod model;

#[cfg(feature = "runtime")]
pub mod baseline;
#[cfg(feature = "runtime")]
pub mod codec;
#[cfg(feature = "runtime")]
pub mod compat;
#[cfg(feature = "runtime")]
pub mod contract;
#[cfg(feature = "runtime")]
pub mod diagnostic;
#[cfg(feature = "runtime")]
pub mod evolution;
#[cfg(feature = "runtime")]
pub mod governance;
#[cfg(feature = "runtime")]
pub mod lineage;
#[cfg(feature = "runtime")]
mod product;
#[cfg(all(test, feature = "runtime"))]
mod sample;
#[cfg(feature = "runtime")]
mod values;

#[cfg(feature = "runtime")]
pub use contract::Contract;
#[cfg(feature = "runtime")]
pub use product::{
    registered_products, AvroSchema, DataProduct, LinkedInputs, ProductSchema, ProductSchemaError, Registration,
    SchemaContext,
};
#[cfg(feature = "runtime")]
pub use values::{Date, Decimal, TimestampMicros, TimestampMillis, Uuid};

/// What generated code uses; not part of the public API.
#[cfg(feature = "runtime")]
#[doc(hidden)]
pub mod __private {
    pub use crate::avro::{EnumSchema, FieldSchema, Name, SchemaNode};
    pub use crate::codec::{self, AvroCodec, DecodeError, Sample, SampleRng};
    pub use crate::model::*;
    pub use crate::product::{
        AvroSchema, DataProduct, LinkedInputs, ProductSchema, ProductSchemaError, Registration, SchemaContext,
    };
    pub use crate::values::{Date, Decimal, TimestampMicros, TimestampMillis, Uuid};
    pub use inventory;
    pub use std::borrow::Cow;
    pub use std::boxed::Box;
    pub use std::option::Option::{None, Some};
    pub use std::result::Result::{self, Err, Ok};
    pub use std::string::String;
    pub use std::sync::OnceLock;
    pub use std::vec;
    pub use std::vec::Vec;

    /// Stands in for a product whose declaration did not compile.
    pub const INVALID_PRODUCT: ProductDescriptor = ProductDescriptor {
        domain: Cow::Borrowed(""),
        name: Cow::Borrowed(""),
        version: Cow::Borrowed("0.0.0"),
        owner: Cow::Borrowed(""),
        layer: Layer::Bronze,
        description: Cow::Borrowed(""),
        support: None,
        tags: Cow::Borrowed(&[]),
        sla: Sla { freshness: None, availability: None, quality_score: None },
        access: Access { read: None, authentication: None },
        visibility: Visibility::Domain,
        compatibility: Compatibility::Full,
        deprecated: None,
        inputs: Cow::Borrowed(&[]),
        fields: Cow::Borrowed(&[]),
        rust_type: Cow::Borrowed(""),
        source: SourceLocation { file: Cow::Borrowed(""), line: 0, column: 0 },
    };

    /// The schema error of a product whose declaration did not compile.
    pub fn invalid_product_error() -> ProductSchemaError {
        ProductSchemaError { product: String::new(), reason: "the declaration has compile errors".into() }
    }

    /// The cached schema of `T`, built on first call.
    pub fn cached_schema<T: AvroSchema>(
        cell: &'static OnceLock<Result<ProductSchema, ProductSchemaError>>,
        product: &str,
    ) -> Result<&'static ProductSchema, ProductSchemaError> {
        cell.get_or_init(|| ProductSchema::build::<T>(product)).as_ref().map_err(Clone::clone)
    }
}
