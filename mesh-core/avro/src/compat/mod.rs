//! Schema evolution: is a new Avro schema compatible with the published one?
//!
//! - [`classify`]: identical / doc-only / compatible / breaking under a
//!   [`Mode`], with every [`Change`] found by a [`Rule`] and its path.
//!
//! Why not apache-avro's `SchemaCompatibility`: it answers `Partial` for some
//! incompatible pairs, ignores aliases for renamed records, and does not say
//! what changed or where. The tests pin each difference.

mod classify;
pub(crate) mod resolution;
mod rules;

pub use classify::{classify, Classification, Mode, Verdict};
pub use rules::{Breaks, Change, Rule, RuleKind};
