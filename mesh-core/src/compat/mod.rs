//! Schema evolution: is a new Avro schema compatible with the published one?
//!
//! - [`Schema`]: any `.avsc`, parsed with named types resolved; converts
//!   from and (where representable) to the [`crate::avro::SchemaNode`] tree.
//! - [`Schema::canonical_form`]: the specification's Parsing Canonical Form.
//! - [`classify`]: identical / doc-only / compatible / breaking under a
//!   [`Mode`], with every [`Change`] found by a [`Rule`] and its path.
//! - [`compare_contracts`]: promises that weaken although the data resolves.
//!
//! Why not apache-avro's `SchemaCompatibility`: it answers `Partial` for some
//! incompatible pairs, ignores aliases for renamed records, and does not say
//! what changed or where. The tests pin each difference.

mod canonical;
mod classify;
mod contract;
mod node;
mod parse;
mod path;
pub(crate) mod resolve;
mod rules;
mod schema;
mod size;

pub use classify::{classify, Classification, Mode, Verdict};
pub use contract::compare_contracts;
pub use node::Unrepresentable;
pub use parse::ParseError;
pub use rules::{Breaks, Change, Rule};
pub use schema::{
    simple_name, Enum, Field, Fixed, Kind, Logical, Named, Order, Record, Schema, Type, TypeDisplay, TypeId,
};
