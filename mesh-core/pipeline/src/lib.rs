//! mesh-pipeline: how data products are built from their inputs into a local lakehouse.
//!
//! - [`Pipeline`]: what a domain writes next to a product's declaration, reading each
//!   declared input as its Rust type ([`Build::read`]) and writing the product's records
//!   ([`Build::write`]); registered with [`pipeline!`].
//! - [`ingest`]: bronze products loaded from the JSON lines an operational system drops in a
//!   landing folder, registered with [`landing!`]; a line that does not fit goes to quarantine
//!   with its file, line and reason.
//! - [`lakehouse`]: where versions live: data files, quarantine files and the manifest whose
//!   atomic rename commits a run.
//! - [`run()`]: builds a [`Plan`] in lineage order, independent products in parallel.

mod build;
pub mod clean;
mod error;
pub mod ingest;
pub mod lakehouse;
mod pipeline;
mod run;

pub use build::{Build, CommittedInput, Records};
pub use error::PipelineError;
pub use pipeline::{registered_pipelines, Job, Outcome, Pipeline, PipelineRegistration};
pub use run::{run, Plan, ProductReport, Status, Step};

/// What the registration macros use; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use mesh_core::__private::inventory;
}
