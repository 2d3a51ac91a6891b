//! The built-in policies' rules: each looks at the lineage and reports a
//! [`Finding`] per violation; the check turns findings into diagnostics with
//! the policy's code and the level configured for the product's domain.

mod classification;
mod naming;
mod ownership;
mod pii;
mod published;
mod sla_lineage;

use petgraph::graph::NodeIndex;

use super::policy::Policy;
use crate::lineage::Lineage;

/// One violation of a policy by one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The violating product.
    pub product: NodeIndex,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Finding {
    fn new(product: NodeIndex, message: String, help: String) -> Self {
        Self { product, message, help }
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
    }
}

/// Every node with its product.
fn nodes<'l, 'a>(
    lineage: &'l Lineage<'a>,
) -> impl Iterator<Item = (NodeIndex, &'a crate::model::ProductDescriptor)> + 'l {
    lineage.products().iter().enumerate().map(|(i, p)| (NodeIndex::new(i), *p))
}
