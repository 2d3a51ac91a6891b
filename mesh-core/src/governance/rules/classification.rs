//! pii-classification-kept (MESH0109): a consumer that copies a PII field
//! from an input keeps it classified, at least as strictly.
//!
//! A field copies an input's field when it has the same name or lists it as
//! an alias. Renaming the field is the explicit way to say it no longer holds
//! the personal data (a hash, an aggregate).

use super::Finding;
use crate::lineage::Lineage;
use crate::model::{Pii, PiiClass};

/// Strictness of a classification: indirect < direct < sensitive.
fn rank(class: PiiClass) -> u8 {
    match class {
        PiiClass::Indirect => 0,
        PiiClass::Direct => 1,
        PiiClass::Sensitive => 2,
    }
}

pub fn kept_along_lineage(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (from, to, _) in lineage.edges() {
        let (producer, consumer) = (lineage.product(from), lineage.product(to));
        for source in producer.fields.iter() {
            let Some(Pii { class, .. }) = source.pii else { continue };
            let copies = consumer.fields.iter().filter(|f| f.name == source.name || f.aliases.contains(&source.name));
            for copy in copies {
                let weakened = match copy.pii {
                    None => "is not classified".to_string(),
                    Some(kept) if rank(kept.class) < rank(class) => format!("is classified only as {}", kept.class),
                    Some(_) => continue,
                };
                findings.push(Finding::new(
                    to,
                    format!(
                        "field `{}` of `{}` copies {class} PII field `{}` of `{}` but {weakened}",
                        copy.name,
                        consumer.id(),
                        source.name,
                        producer.id()
                    ),
                    format!(
                        "declare `#[pii({class}, encrypted)]` on `{}`; if it no longer holds the personal data \
                         (hashed, aggregated), rename it to say so",
                        copy.name
                    ),
                ));
            }
        }
    }
}
