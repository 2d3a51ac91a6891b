//! A product's contract: the `data_product:` document consumers read, typed.
//!
//! Its YAML form (`mesh_analysis::ContractYaml`) keeps the contract example's keys in its order (name,
//! domain, owner, sla, schema, access) and adds what consumers need after them.

use serde::{Deserialize, Serialize};

use mesh_avro::declared::ProductSchema;
use mesh_model::{
    Availability, Compatibility, Encryption, Freshness, Layer, PiiClass, ProductDescriptor, QualityScore, Version,
    Visibility,
};

pub use crate::contract_rule::ContractRule;

/// A contract document: `data_product:` at the top, as in the contract example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractDocument {
    /// The contract.
    pub data_product: Contract,
}

/// What a product promises its consumers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// The product's name in its domain.
    pub name: String,
    /// The owning domain.
    pub domain: String,
    /// The owning team's address.
    pub owner: String,
    /// Service levels.
    pub sla: ContractSla,
    /// The data's schema.
    pub schema: ContractSchema,
    /// How to read the data.
    pub access: ContractAccess,
    /// What the product is and what it is for.
    pub description: String,
    /// The lakehouse layer.
    pub layer: Layer,
    /// Where consumers get help.
    pub support: Option<String>,
    /// Catalog tags.
    pub tags: Vec<String>,
    /// Date from which the product is deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// Upstream products (lineage).
    pub inputs: Vec<ContractInput>,
    /// The record's fields.
    pub fields: Vec<ContractField>,
    /// The quality rules `cargo xtask validate` checks, each with its stable id; absent in contracts
    /// published before rules existed, and for products without rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quality: Vec<ContractRule>,
}

/// Promised service levels; `null` where nothing is promised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractSla {
    /// Maximum age of the newest data, e.g. `15 minutes`.
    pub freshness: Option<Freshness>,
    /// Share of time the data is readable, e.g. `99.9%`.
    pub availability: Option<Availability>,
    /// Minimum share of records passing quality checks, e.g. `>95%`.
    pub quality_score: Option<QualityScore>,
    /// The field whose newest value the freshness is measured from (the declaration's `event_time`);
    /// absent when the product names none, as in contracts published before the key existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freshness_field: Option<String>,
}

/// The data's schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractSchema {
    /// Always `Avro`.
    pub format: String,
    /// The product version the schema belongs to.
    pub version: Version,
    /// The CRC-64-AVRO (Rabin) fingerprint of the schema's Parsing Canonical Form, in hex.
    pub fingerprint: String,
    /// Which schema changes consumers tolerate.
    pub compatibility: Compatibility,
}

/// How consumers get at the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractAccess {
    /// The read grant or endpoint.
    pub read: Option<String>,
    /// How readers authenticate.
    pub authentication: Option<String>,
    /// Who may consume: `domain`, `public`, or `domain and <domains>`.
    pub visibility: Visibility,
}

/// An upstream product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractInput {
    /// The upstream product id, `domain.product`.
    pub product: String,
    /// The semver requirement on its version.
    pub requirement: String,
}

/// A field of the product's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractField {
    /// The Avro field name.
    pub name: String,
    /// The Avro type, written for people.
    #[serde(rename = "type")]
    pub avro_type: String,
    /// What the field means.
    pub doc: String,
    /// Personal-data classification, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pii: Option<ContractPii>,
    /// Personal data inside the record the field holds, by path from the
    /// product's record: `shipping_address.postcode`, `line_items[].sku`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nested_pii: Vec<ContractNestedPii>,
    /// Earlier names of the field (`#[avro(aliases(..))]`), so a renamed field is matched with its previous contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// A field's personal-data classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractPii {
    /// How sensitive the data is.
    pub class: PiiClass,
    /// Whether it is encrypted at rest.
    pub encrypted_at_rest: bool,
    /// How, when encrypted: `randomized` or `deterministic` (contracts that say only
    /// `encrypted_at_rest: true` mean randomized, the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<Encryption>,
}

impl ContractPii {
    /// How the field is encrypted at rest, if it is.
    pub fn encryption(&self) -> Option<Encryption> {
        encryption_at_rest(self.encrypted_at_rest, self.encryption)
    }
}

/// The mode of a field `encrypted` at rest: the one a contract names, or randomized (the default)
/// where it names none.
fn encryption_at_rest(encrypted: bool, named: Option<Encryption>) -> Option<Encryption> {
    encrypted.then(|| named.unwrap_or(Encryption::Randomized))
}

/// A field of a nested record classified as personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractNestedPii {
    /// The path from the product's record, starting with the product field's name.
    pub path: String,
    /// How sensitive the data is.
    pub class: PiiClass,
    /// Whether it is encrypted at rest.
    pub encrypted_at_rest: bool,
    /// How, when encrypted (as [`ContractPii::encryption`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<Encryption>,
}

impl ContractNestedPii {
    /// How the field is encrypted at rest, if it is.
    pub fn encryption(&self) -> Option<Encryption> {
        encryption_at_rest(self.encrypted_at_rest, self.encryption)
    }
}

impl Contract {
    /// The contract of a product, from its descriptor and schema.
    pub fn new(descriptor: &ProductDescriptor, schema: &ProductSchema) -> Self {
        // The macro validated the version; a hand-built descriptor with a bad one shows as 0.0.0.
        let version = mesh_model::parse_version(&descriptor.version).unwrap_or(Version::new(0, 0, 0));
        Self {
            name: descriptor.name.to_string(),
            domain: descriptor.domain.to_string(),
            owner: descriptor.owner.to_string(),
            sla: ContractSla {
                freshness: descriptor.sla.freshness,
                availability: descriptor.sla.availability,
                quality_score: descriptor.sla.quality_score,
                freshness_field: descriptor.event_time.as_deref().map(str::to_string),
            },
            schema: ContractSchema {
                format: "Avro".into(),
                version,
                fingerprint: format!("{:016x}", mesh_model::avro::rabin_fingerprint(&schema.canonical_form)),
                compatibility: descriptor.compatibility,
            },
            access: ContractAccess {
                read: descriptor.access.read.as_deref().map(str::to_string),
                authentication: descriptor.access.authentication.as_deref().map(str::to_string),
                visibility: descriptor.visibility.clone(),
            },
            description: descriptor.description.to_string(),
            layer: descriptor.layer,
            support: descriptor.support.as_deref().map(str::to_string),
            tags: descriptor.tags.iter().map(|t| t.to_string()).collect(),
            deprecated: descriptor.deprecated.as_deref().map(str::to_string),
            inputs: descriptor
                .inputs
                .iter()
                .map(|input| ContractInput {
                    product: input.id(),
                    // A linked input's requirement is the linked version, which semver reads as a caret requirement.
                    requirement: if input.linked {
                        format!("^{}", input.requirement)
                    } else {
                        input.requirement.to_string()
                    },
                })
                .collect(),
            fields: descriptor
                .fields
                .iter()
                .map(|field| ContractField {
                    name: field.name.to_string(),
                    avro_type: field.avro_type.to_string(),
                    doc: field.doc.to_string(),
                    pii: field.pii.map(|pii| ContractPii {
                        class: pii.class,
                        encrypted_at_rest: pii.encrypted_at_rest(),
                        encryption: pii.encryption,
                    }),
                    nested_pii: field
                        .nested_fields()
                        .into_iter()
                        .filter_map(|nested| {
                            let pii = nested.field.pii?;
                            Some(ContractNestedPii {
                                path: nested.path.to_string(),
                                class: pii.class,
                                encrypted_at_rest: pii.encrypted_at_rest(),
                                encryption: pii.encryption,
                            })
                        })
                        .collect(),
                    aliases: field.aliases.iter().map(|alias| alias.to_string()).collect(),
                })
                .collect(),
            quality: descriptor.quality.iter().map(ContractRule::new).collect(),
        }
    }
}
