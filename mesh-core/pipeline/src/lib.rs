//! mesh-pipeline: how data products are built from their inputs into a local lakehouse.
//!
//! - [`ingest`]: bronze products loaded from the JSON lines an operational system drops in a
//!   landing folder; a line that does not fit goes to quarantine with its file, line and reason.

pub mod ingest;
