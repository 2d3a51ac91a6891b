//! Avro schemas as plain values: the tree generated code builds, and its JSON.

mod fingerprint;
mod json;
mod node;

pub use fingerprint::rabin_fingerprint;
pub use json::{json_string, to_json, to_json_fragment};
pub use node::{EnumSchema, FieldSchema, FixedSchema, Name, RecordSchema, SchemaError, SchemaNode};
