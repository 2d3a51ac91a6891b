//! pii-classification-kept (MESH0109): a consumer that copies a PII field
//! from an input keeps it classified, at least as strictly.
//!
//! A field copies an input's field when it has the same name or lists it as
//! an alias. Renaming the field is the explicit way to say it no longer holds
//! the personal data (a hash, an aggregate). Inside nested records the copy
//! is the field at the same path under the copied product field.

use super::Finding;
use crate::lineage::Lineage;
use mesh_model::{FieldDescriptor, Pii, PiiClass};

/// Strictness of a classification: indirect < direct < sensitive.
fn rank(class: PiiClass) -> u8 {
    match class {
        PiiClass::Indirect => 0,
        PiiClass::Direct => 1,
        PiiClass::Sensitive => 2,
    }
}

/// A consumer's field at the copied path: its path, classification and where to declare it.
struct Copy<'a> {
    path: String,
    pii: Option<Pii>,
    declared: String,
    field: &'a FieldDescriptor,
}

pub fn kept_along_lineage(lineage: &Lineage<'_>, findings: &mut Vec<Finding>) {
    for (from, to, _) in lineage.edges() {
        let (producer, consumer) = (lineage.product(from), lineage.product(to));
        for source in producer.pii_fields() {
            let Pii { class, .. } = source.pii;
            let top = &source.product_field.name;
            // The path below the product field: empty for the product's own fields.
            let rest = &source.path[top.len()..];
            let copied_fields = consumer.fields.iter().filter(|f| f.name == *top || f.aliases.contains(top));
            let copies = copied_fields.filter_map(|field| {
                if rest.is_empty() {
                    return Some(Copy {
                        path: field.name.to_string(),
                        pii: field.pii,
                        declared: format!("`{}`", field.name),
                        field,
                    });
                }
                // Matched by field names alone: a consumer may hold the record in another
                // container (`address` copied into `address[]` or `address{}`).
                let wanted = field_names(&format!("{}{rest}", field.name));
                let nested =
                    field.nested_fields().into_iter().find(|nested| field_names(&nested.path.to_string()) == wanted)?;
                Some(Copy {
                    path: nested.path.to_string(),
                    pii: nested.field.pii,
                    declared: format!("`{}` of `{}`", nested.field.name, nested.record),
                    field: nested.field,
                })
            });
            for copy in copies {
                let weakened = match copy.pii {
                    None => "is not classified".to_string(),
                    Some(kept) if rank(kept.class) < rank(class) => format!("is classified only as {}", kept.class),
                    Some(_) => continue,
                };
                findings.push(
                    Finding::new(
                        to,
                        format!(
                            "field `{}` of `{}` copies {class} PII field `{}` of `{}` but {weakened}",
                            copy.path,
                            consumer.id(),
                            source.path,
                            producer.id()
                        ),
                        format!(
                            "declare `#[pii({class}, encrypted)]` on {}; if it no longer holds the personal data \
                         (hashed, aggregated), rename it to say so",
                            copy.declared
                        ),
                    )
                    .at_field(copy.field),
                );
            }
        }
    }
}

/// A nested field path without its container steps (`[]`, `{}`): the field names from the
/// product's record down. Avro names cannot contain brackets or braces.
fn field_names(path: &str) -> String {
    path.replace("[]", "").replace("{}", "")
}
