//! Parsed Avro schemas: any `.avsc` with named types resolved.
//!
//! - [`Schema`]: one arena of types addressed by [`TypeId`]; converts from and
//!   (where representable) to the [`mesh_model::avro::SchemaNode`] tree.
//! - [`Schema::canonical_form`]: the specification's Parsing Canonical Form.

mod canonical;
mod default;
mod index;
mod node;
mod parse;
mod path;
pub(crate) mod resolution;
mod size;
mod types;

pub use default::{DefaultMismatch, MAX_DEFAULT_DEPTH};
pub use node::Unrepresentable;
pub use parse::{ParseError, MAX_JSON_DEPTH};
pub use types::{
    simple_name, Enum, Field, Fixed, Kind, Logical, Named, Order, Record, Schema, Type, TypeDisplay, TypeId,
};
