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

/// A bench's size from the environment variable `name`, or `default`.
pub fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The median of the benches' rounds (the upper one of an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The bytes `record` takes in a container file written with the default keys: its encrypted
/// fields are tokens, whose length depends only on the value's, not on its random nonce.
pub fn stored_len<T: mesh_core::codec::ContainerRecord>(record: &T) -> usize {
    let domain = mesh_core::model::domain_of(T::PRODUCT_ID);
    let mut sealer = mesh_core::codec::crypto::Sealer::new(domain, None);
    let mut out = Vec::new();
    record.encode_sealed(&mut out, &mut sealer).expect("the default keys seal");
    out.len()
}
