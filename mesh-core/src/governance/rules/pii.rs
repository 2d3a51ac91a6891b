//! pii-encrypted-at-rest (MESH0101): every field classified as PII is encrypted at rest.

use super::{nodes, Finding};
use crate::lineage::Lineage;

pub fn encrypted_at_rest(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (node, product) in nodes(lineage) {
        for field in product.fields.iter() {
            let Some(pii) = field.pii.filter(|pii| !pii.encrypted_at_rest) else { continue };
            findings.push(Finding::new(
                node,
                format!(
                    "field `{}` of `{}` holds {} PII but is not encrypted at rest",
                    field.name,
                    product.id(),
                    pii.class
                ),
                format!(
                    "encrypt the stored column and declare it: `#[pii({}, encrypted)]` on field `{}`",
                    pii.class, field.name
                ),
            ));
        }
    }
}
