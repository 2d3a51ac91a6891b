//! The trait every declared data product implements.

use mesh_avro::declared::{AvroSchema, ProductSchema, ProductSchemaError};
use mesh_model::ProductDescriptor;

use crate::contract::Contract;

/// A data product: a Rust type declared with `#[data_product(...)]`.
///
/// The macro implements this trait; read the product's metadata from
/// [`DataProduct::DESCRIPTOR`] and its schema from [`DataProduct::schema`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a data product",
    label = "not declared with #[data_product(...)]",
    note = "`inputs(...)` takes types declared with #[data_product(...)], or \"domain.product@requirement\" for a product this crate does not link"
)]
pub trait DataProduct: AvroSchema + 'static {
    /// The owning domain.
    const DOMAIN: &'static str;
    /// The product's name in its domain.
    const NAME: &'static str;
    /// The product's semver version.
    const VERSION: &'static str;
    /// Everything the declaration says.
    const DESCRIPTOR: &'static ProductDescriptor;

    /// The product's Avro schema, built on first use and cached.
    ///
    /// # Errors
    /// The composed schema is not valid Avro, e.g. two nested types share a name.
    fn schema() -> Result<&'static ProductSchema, ProductSchemaError>;

    /// The product's contract.
    ///
    /// # Errors
    /// As [`DataProduct::schema`].
    fn contract() -> Result<Contract, ProductSchemaError> {
        Ok(Contract::new(Self::DESCRIPTOR, Self::schema()?))
    }

    /// The record's event time in microseconds since the Unix epoch (UTC), from the field named by
    /// `event_time`; `None` when the product declares none or the field is null.
    ///
    /// The freshness SLA is measured as the time since the newest of these. The macro implements it
    /// when the declaration names the field: a `TimestampMillis` times 1000, a `TimestampMicros` as
    /// it is, a `Date` at its midnight (days times 86,400,000,000); see [`EventTime`](crate::EventTime).
    fn event_time_micros(&self) -> Option<i64> {
        None
    }
}
