//! The built-in policies' rules: each looks at the lineage and reports a
//! [`Finding`] per violation; the check turns findings into diagnostics with
//! the policy's code and the level configured for the product's domain.

mod classification;
mod naming;
mod ownership;
mod pii;
mod published;
mod sla_lineage;

use std::borrow::Cow;
use std::collections::HashSet;

use petgraph::graph::NodeIndex;

use super::policy::Policy;
use crate::lineage::Lineage;
use mesh_model::{FieldDescriptor, ProductDescriptor, SourceLocation};

/// One violation of a policy by one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The violating product.
    pub product: NodeIndex,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Where the fix goes, when that is narrower than the product's declaration: the field.
    pub at: Option<SourceLocation>,
}

impl Finding {
    fn new(product: NodeIndex, message: String, help: String) -> Self {
        Self { product, message, help, at: None }
    }

    /// Points the finding at `field`'s declaration instead of the product's.
    fn at_field(self, field: &FieldDescriptor) -> Self {
        Self { at: Some(field.source.clone()), ..self }
    }
}

/// Runs `policy`'s rule over the whole mesh.
pub fn check(policy: Policy, lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    match policy {
        Policy::PiiEncryptedAtRest => pii::encrypted_at_rest(lineage, findings),
        Policy::Ownership => ownership::owner_and_support(lineage, findings),
        Policy::PublishedSla => published::complete_sla(lineage, findings),
        Policy::PublishedDocs => published::documented(lineage, findings),
        Policy::FreshnessLineage => sla_lineage::freshness(lineage, findings),
        Policy::AvailabilityLineage => sla_lineage::availability(lineage, findings),
        Policy::SnakeCaseNames => naming::snake_case(lineage, findings),
        Policy::LayerNames => naming::layer_suffixes(lineage, findings),
        Policy::PiiLineage => classification::kept_along_lineage(lineage, findings),
        // Checked on the files by `cargo xtask scan`, not on the declarations.
        Policy::PiiStoredEncrypted
        | Policy::PersonalDataClassified
        | Policy::DataFilesKnown
        | Policy::DataFilesReadable => {}
    }
}

/// Every node with its product.
fn nodes<'l, 'a>(
    lineage: &'l Lineage<'a>,
) -> impl Iterator<Item = (NodeIndex, &'a mesh_model::ProductDescriptor)> + 'l {
    lineage.products().iter().enumerate().map(|(i, p)| (NodeIndex::new(i), *p))
}

/// A field anywhere in a product's record, with its path from the product (`email`,
/// `shipping_address.postcode`) and the nested record declaring it (`None` for the product's own).
struct AnyField<'a> {
    path: Cow<'a, str>,
    field: &'a FieldDescriptor,
    record: Option<&'static str>,
}

/// The product's fields, then those of the records nested in them. A nested record's field is
/// listed once per product, at its first path: one fix in the record's type covers every path.
/// A product nested in itself (a tree) repeats its own fields, which are listed at their own path.
fn every_field(product: &ProductDescriptor) -> Vec<AnyField<'_>> {
    let own = product.fields.iter().map(|field| AnyField { path: Cow::Borrowed(&*field.name), field, record: None });
    let mut fields: Vec<AnyField<'_>> = own.collect();
    // Most products nest no record: no paths to build, nothing to deduplicate.
    if product.fields.iter().all(|field| field.record.is_none()) {
        return fields;
    }
    let mut seen: HashSet<(&str, &str)> = product.fields.iter().map(|f| (&*product.rust_type, &*f.name)).collect();
    for field in product.fields.iter() {
        for nested in field.nested_fields() {
            if seen.insert((nested.record, &*nested.field.name)) {
                let path = Cow::Owned(nested.path.to_string());
                fields.push(AnyField { path, field: nested.field, record: Some(nested.record) });
            }
        }
    }
    fields
}
