//! mesh-avro: Avro for data products, without a dynamic value in between.
//!
//! - [`schema`]: any `.avsc` parsed into one [`Schema`] with named types resolved, its
//!   Parsing Canonical Form and fingerprint, and the specification's resolution rules;
//! - [`compat`]: is a new schema compatible with the published one, which rule says why;
//! - [`codec`]: the primitives generated codecs call, resolution plans that read data of an
//!   older writer schema, and object container files;
//! - [`values`]: the Rust types of Avro's logical types (dates, timestamps, decimals, uuids).

pub mod codec;
pub mod compat;
pub mod declared;
pub mod schema;
pub mod values;

pub use schema::Schema;
