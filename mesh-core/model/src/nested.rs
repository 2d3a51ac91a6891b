//! Records nested in a product's fields, and the personal data anywhere inside them.
//!
//! A field holding a record (directly, or through options, arrays and maps)
//! links to that record's fields, which the record's own `AvroSchema` impl
//! describes: the product knows its nested records by type only, possibly
//! from another crate. Paths ([`FieldPath`]) name a nested field from the
//! product's record: `shipping_address.postcode`, `line_items[].sku` (each array
//! element), `attributes{}.value` (each map value); an option adds nothing.

use std::fmt;
use std::hash::{Hash, Hasher};

use super::descriptor::{FieldDescriptor, Pii, ProductDescriptor};
use super::field_path::{FieldPath, PathStep};

/// The fields of a record type, as its `AvroSchema` impl describes them.
#[derive(Clone, Copy)]
pub struct RecordFields {
    /// The record's Rust type, e.g. `customer::Address`; it identifies the record.
    pub rust_type: &'static str,
    /// The record's fields. A function, not a list, so a record that nests
    /// itself (a tree) is described without an infinite constant.
    pub fields: fn() -> &'static [FieldDescriptor],
}

impl PartialEq for RecordFields {
    fn eq(&self, other: &Self) -> bool {
        self.rust_type == other.rust_type
    }
}

impl Eq for RecordFields {}

impl Hash for RecordFields {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.rust_type.hash(state);
    }
}

impl fmt::Debug for RecordFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordFields").field("rust_type", &self.rust_type).finish_non_exhaustive()
    }
}

/// The record a field holds, and how a path steps into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NestedRecord {
    /// The steps from the field into the record: [`PathStep::Items`] per array,
    /// [`PathStep::Values`] per map, none when the field holds the record directly
    /// or in an option.
    pub step: &'static [PathStep],
    /// The record.
    pub record: RecordFields,
}

impl NestedRecord {
    /// The nested record of a field whose type holds `record` (`None` for enums
    /// and other types without fields), reached through `step`.
    pub const fn of(record: Option<RecordFields>, step: &'static [PathStep]) -> Option<Self> {
        match record {
            Some(record) => Some(NestedRecord { step, record }),
            None => None,
        }
    }
}

/// A field of a record nested in a product's field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedField {
    /// The path from the product's record: `shipping_address.postcode`, `line_items[].sku`.
    pub path: FieldPath,
    /// The nested record's field.
    pub field: &'static FieldDescriptor,
    /// The Rust type of the nested record declaring the field.
    pub record: &'static str,
}

/// A field classified as personal data, anywhere in a product's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiPath<'a> {
    /// The path from the product's record: `email`, `shipping_address.postcode`, `line_items[].sku`.
    pub path: String,
    /// The product's field the path starts from.
    pub product_field: &'a FieldDescriptor,
    /// The field declaring the classification: the product's, or the nested record's.
    pub field: &'a FieldDescriptor,
    /// The Rust type of the nested record declaring the field; `None` for the product's own fields.
    pub record: Option<&'static str>,
    /// The classification.
    pub pii: Pii,
}

impl FieldDescriptor {
    /// Every field of the record this field holds, and of the records nested
    /// in those, depth first; paths start with this field's name. A record
    /// nested in itself is walked once.
    pub fn nested_fields(&self) -> Vec<NestedField> {
        let mut found = Vec::new();
        if let Some(nested) = self.record {
            let mut path = FieldPath::field(&*self.name);
            path.extend(nested.step.iter().cloned());
            walk(&path, nested.record, &mut Vec::new(), &mut found);
        }
        found
    }

    /// The nested fields classified as personal data.
    pub fn nested_pii(&self) -> Vec<NestedField> {
        self.nested_fields().into_iter().filter(|nested| nested.field.pii.is_some()).collect()
    }
}

fn walk(prefix: &FieldPath, record: RecordFields, open: &mut Vec<&'static str>, found: &mut Vec<NestedField>) {
    // A record met again inside itself repeats the same fields at a longer path.
    if open.contains(&record.rust_type) {
        return;
    }
    open.push(record.rust_type);
    for field in (record.fields)() {
        let path = prefix.then_field(&field.name);
        found.push(NestedField { path: path.clone(), field, record: record.rust_type });
        if let Some(nested) = field.record {
            let mut path = path;
            path.extend(nested.step.iter().cloned());
            walk(&path, nested.record, open, found);
        }
    }
    open.pop();
}

impl ProductDescriptor {
    /// Every field classified as personal data: the product's own fields and
    /// the fields of the records nested in them, in declaration order.
    pub fn pii_fields(&self) -> Vec<PiiPath<'_>> {
        let mut out = Vec::new();
        for product_field in self.fields.iter() {
            if let Some(pii) = product_field.pii {
                let path = product_field.name.to_string();
                out.push(PiiPath { path, product_field, field: product_field, record: None, pii });
            }
            for nested in product_field.nested_fields() {
                let Some(pii) = nested.field.pii else { continue };
                let NestedField { path, field, record } = nested;
                out.push(PiiPath { path: path.to_string(), product_field, field, record: Some(record), pii });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::{Encryption, PiiClass, SourceLocation};

    const fn field(name: &'static str, pii: Option<Pii>, record: Option<NestedRecord>) -> FieldDescriptor {
        FieldDescriptor {
            name: Cow::Borrowed(name),
            avro_type: Cow::Borrowed("string"),
            doc: Cow::Borrowed(""),
            pii,
            aliases: Cow::Borrowed(&[]),
            record,
            source: SourceLocation { file: Cow::Borrowed("src/lib.rs"), line: 1, column: 1 },
        }
    }

    const INDIRECT: Option<Pii> = Some(Pii { class: PiiClass::Indirect, encryption: None });
    const DIRECT: Option<Pii> = Some(Pii { class: PiiClass::Direct, encryption: Some(Encryption::Randomized) });

    const ADDRESS: RecordFields = RecordFields {
        rust_type: "customer::Address",
        fields: || const { &[field("street", None, None), field("postcode", INDIRECT, None)] },
    };
    const CONTACT: RecordFields = RecordFields {
        rust_type: "customer::Contact",
        fields: || {
            const {
                &[
                    field("email", DIRECT, None),
                    field("home", None, NestedRecord::of(Some(ADDRESS), &[])),
                    field("referred_by", None, NestedRecord::of(Some(CONTACT), &[])),
                ]
            }
        },
    };

    #[test]
    fn paths_step_through_records_arrays_and_maps_and_stop_at_recursion() {
        let contacts = field("contacts", None, NestedRecord::of(Some(CONTACT), &[PathStep::Items]));
        // Contact nests Contact: walked once, not forever.
        let by_label = field("by_label", None, NestedRecord::of(Some(ADDRESS), &[PathStep::Values]));
        let paths = |f: &FieldDescriptor| f.nested_pii().into_iter().map(|p| p.path.to_string()).collect::<Vec<_>>();
        assert_eq!(paths(&contacts), ["contacts[].email", "contacts[].home.postcode"]);
        assert_eq!(paths(&by_label), ["by_label{}.postcode"]);
        assert_eq!(field("plain", DIRECT, None).nested_pii(), []);
        let postcode = &contacts.nested_pii()[1];
        assert_eq!((postcode.record, &*postcode.field.name), ("customer::Address", "postcode"));
        assert_eq!(postcode.field.pii, INDIRECT);
        let every: Vec<String> = contacts.nested_fields().into_iter().map(|f| f.path.to_string()).collect();
        assert_eq!(
            every,
            [
                "contacts[].email",
                "contacts[].home",
                "contacts[].home.street",
                "contacts[].home.postcode",
                "contacts[].referred_by"
            ]
        );
    }

    #[test]
    fn an_enum_field_has_no_nested_record() {
        assert_eq!(NestedRecord::of(None, &[PathStep::Items]), None);
    }
}
