//! Shared helpers of the mesh's integration tests; the tests are in `tests/`.
//!
//! Linking the example domains here registers every example product.

use customer as _;
use marketing as _;
use product as _;
use sales as _;

/// Reads YAML with a generic reader into JSON values, to check what any YAML
/// parser sees (not what our typed contract reader accepts).
pub fn yaml_to_json(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).expect("valid YAML")
}

pub mod spark;
