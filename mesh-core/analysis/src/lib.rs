//! mesh-analysis: what `cargo xtask check` runs over the whole mesh.
//!
//! - [`lineage`]: the graph of products and their inputs, with the checks that need it
//!   (cycles, dangling inputs, unsatisfied version requirements) and its renderings;
//! - [`governance`]: the mesh's policies, their levels and waivers from `mesh.toml`;
//! - [`evolution`] against the published [`baseline`] under `contracts/`: is each change
//!   classified and versioned as the compatibility rules demand;
//! - [`diagnostic`]: what every check reports, and the one table of its codes;
//! - [`contract_yaml`]: contracts as the YAML documents that are published.
//!
//! Only the tools depend on this crate; domain crates never compile it.

pub mod baseline;
pub mod contract_diff;
pub mod contract_yaml;
pub mod diagnostic;
pub mod evolution;
pub mod governance;
pub mod lineage;
mod quality_diff;
#[cfg(test)]
mod test_mesh;

pub use contract_yaml::{ContractParseError, ContractYaml};
