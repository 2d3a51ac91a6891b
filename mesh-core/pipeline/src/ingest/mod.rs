//! Bronze ingestion: JSON lines from a landing folder into a product's Avro records.

pub mod json;
