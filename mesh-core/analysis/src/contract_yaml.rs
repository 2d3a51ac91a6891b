//! Contracts as YAML documents: what `contracts/` publishes and consumers read.
//!
//! The document keeps the contract example's keys in its order (name, domain, owner, sla,
//! schema, access) and adds what consumers need after them. Every value is written so that any
//! YAML parser reads it back unchanged: `quality_score: >95%` unquoted would be a folded block
//! scalar, so it is quoted.

use mesh_core::{Contract, ContractDocument};

/// A contract YAML document that could not be read.
#[derive(Debug)]
pub struct ContractParseError(String);

impl std::fmt::Display for ContractParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid contract YAML: {}", self.0)
    }
}

impl std::error::Error for ContractParseError {}

/// A [`Contract`] written to and read from its YAML document.
pub trait ContractYaml: Sized {
    /// The contract as a YAML document.
    fn to_yaml(&self) -> String;

    /// Reads a contract YAML document.
    ///
    /// # Errors
    /// The text is not YAML, or not a contract (with the parser's location).
    fn from_yaml(text: &str) -> Result<Self, ContractParseError>;
}

impl ContractYaml for Contract {
    fn to_yaml(&self) -> String {
        let document = ContractDocument { data_product: self.clone() };
        // Serialising plain strings, numbers and lists cannot fail.
        serde_saphyr::to_string(&document).unwrap_or_else(|e| format!("# contract could not be written: {e}\n"))
    }

    fn from_yaml(text: &str) -> Result<Self, ContractParseError> {
        serde_saphyr::from_str::<ContractDocument>(text)
            .map(|doc| doc.data_product)
            .map_err(|e| ContractParseError(e.to_string()))
    }
}
