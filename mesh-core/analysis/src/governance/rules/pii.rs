//! pii-encrypted-at-rest (MESH0101): every field classified as PII is encrypted
//! at rest, the product's own fields and the fields of its nested records alike.

use super::{nodes, Finding};
use crate::lineage::Lineage;

pub fn encrypted_at_rest(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (node, product) in nodes(lineage) {
        for found in product.pii_fields() {
            let pii = found.pii;
            // A product nested in itself (a tree) repeats its own fields: each is reported at its own path.
            if pii.encrypted_at_rest() || found.record == Some(&*product.rust_type) {
                continue;
            }
            // The fix goes where the classification is declared: on a nested record, in its own type.
            let declared = match found.record {
                Some(record) => format!("field `{}` of `{record}`", found.field.name),
                None => format!("field `{}`", found.field.name),
            };
            findings.push(
                Finding::new(
                    node,
                    format!(
                        "field `{}` of `{}` holds {} PII but is not encrypted at rest",
                        found.path,
                        product.id(),
                        pii.class
                    ),
                    format!(
                        "encrypt the stored column and declare it: `#[pii({}, encrypted)]` on {declared}",
                        pii.class
                    ),
                )
                .at_field(found.field),
            );
        }
    }
}
