//! mesh-core: the data-product runtime that domain crates depend on.
//!
//! A domain declares each data product with `#[mesh_macros::data_product(...)]`
//! on a struct. This crate holds what the declaration becomes at run time:
//! - [`DataProduct`]: the trait every product implements, with its [`Contract`];
//! - [`registered_products`] and [`registered_codecs`]: every product linked into a binary;
//! - the typed data types and codecs, re-exported from `mesh-avro`.
//!
//! The layers under and beside it: `mesh-model` (the plain model the macro shares),
//! `mesh-avro` (schemas, codecs, container files) and `mesh-analysis` (what `cargo xtask
//! check` runs, which domain crates never compile).

mod codecs;
mod contract;
mod contract_rule;
mod event_time;
mod inputs;
mod product;
mod quality;
mod registry;

pub use mesh_avro::codec;
pub use mesh_avro::declared::{AvroSchema, ProductSchema, ProductSchemaError, SchemaContext};
pub use mesh_avro::values::{Date, Decimal, TimestampMicros, TimestampMillis, Uuid};
pub use mesh_model as model;

pub use codecs::{
    read_file, read_json, registered_codecs, sample_json, write_sample, CodecRegistration, JsonSink, RecordSink,
    SkipSink,
};
pub use contract::{
    Contract, ContractAccess, ContractDocument, ContractField, ContractInput, ContractNestedPii, ContractPii,
    ContractRule, ContractSchema, ContractSla,
};
pub use event_time::EventTime;
pub use inputs::LinkedInputs;
pub use product::DataProduct;
pub use quality::{
    registered_quality_scans, scan_quality, QualityKey, QualityRecord, QualityRegistration, QualityValue,
    QualityVisitor, RecordPosition,
};
pub use registry::{registered_products, Registration};

/// What generated code uses; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::codecs::{read_file, read_json, sample_json, write_sample, CodecRegistration};
    pub use crate::quality::{scan_quality, QualityKey, QualityRecord, QualityRegistration, QualityValue};
    pub use crate::{DataProduct, EventTime, LinkedInputs, Registration};
    pub use inventory;
    pub use mesh_avro::codec::{self, AvroCodec, ContainerRecord, DecodeError, Sample, SampleRng};
    pub use mesh_avro::declared::{AvroSchema, ProductSchema, ProductSchemaError, SchemaContext};
    pub use mesh_avro::values::{Date, Decimal, TimestampMicros, TimestampMillis, Uuid};
    pub use mesh_model::avro::{EnumSchema, FieldSchema, Name, SchemaNode};
    pub use mesh_model::*;
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
        event_time: None,
        access: Access { read: None, authentication: None },
        visibility: Visibility::Domain,
        compatibility: Compatibility::Full,
        deprecated: None,
        inputs: Cow::Borrowed(&[]),
        fields: Cow::Borrowed(&[]),
        quality: Cow::Borrowed(&[]),
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
