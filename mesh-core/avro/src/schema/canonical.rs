//! Canonical text forms of a schema.
//!
//! - [`Schema::canonical_form`]: the specification's Parsing Canonical Form
//!   (keep only `type`, `name`, `fields`, `symbols`, `items`, `values`, `size`;
//!   full names; that key order; no whitespace). apache-avro 0.22's version
//!   keeps `order`, `precision` and `scale`, so its fingerprints differ from
//!   other implementations' for such schemas.
//! - [`Schema::structural_form`]: everything that can affect readers, i.e. the
//!   canonical form plus logical types, defaults, aliases and sort order.
//!   Two schemas whose structural forms agree differ at most in documentation.
//! - [`Schema::full_form`]: the structural form plus documentation.

use std::collections::HashSet;

use super::types::{Field, Kind, Order, Record, Schema, TypeId};
use mesh_model::avro::json_string;

#[derive(Clone, Copy)]
struct Keep {
    structure: bool,
    docs: bool,
}

impl Schema {
    /// The Parsing Canonical Form of the Avro specification.
    pub fn canonical_form(&self) -> String {
        self.render(Keep { structure: false, docs: false })
    }

    /// The canonical form plus what else affects readers (logical types, defaults, aliases, order).
    pub fn structural_form(&self) -> String {
        self.render(Keep { structure: true, docs: false })
    }

    /// Everything, documentation included.
    pub fn full_form(&self) -> String {
        self.render(Keep { structure: true, docs: true })
    }

    /// The CRC-64-AVRO (Rabin) fingerprint of the Parsing Canonical Form, in hex as contracts show it.
    pub fn fingerprint(&self) -> String {
        format!("{:016x}", mesh_model::avro::rabin_fingerprint(&self.canonical_form()))
    }

    fn render(&self, keep: Keep) -> String {
        let mut out = String::new();
        self.write(self.root, keep, &mut HashSet::new(), &mut out);
        out
    }

    // One call per level of the schema's nesting: all but arrays, maps and the recursion sit in
    // helpers, so that the recursive frame stays small for deep schemas.
    fn write(&self, id: TypeId, keep: Keep, defined: &mut HashSet<TypeId>, out: &mut String) {
        match &self.get(id).kind {
            Kind::Array(items) => {
                out.push_str(r#"{"type":"array","items":"#);
                self.write(*items, keep, defined, out);
                out.push('}');
            }
            Kind::Map(values) => {
                out.push_str(r#"{"type":"map","values":"#);
                self.write(*values, keep, defined, out);
                out.push('}');
            }
            Kind::Union(branches) => self.write_union(branches, keep, defined, out),
            Kind::Record(_) | Kind::Enum(_) | Kind::Fixed(_) if !defined.insert(id) => {
                let named = self.named(id).map(|n| n.full_name.as_str()).unwrap_or_default();
                out.push_str(&json_string(named));
            }
            Kind::Record(record) => self.write_record(record, keep, defined, out),
            _ => self.write_leaf(id, keep, out),
        }
    }

    fn write_union(&self, branches: &[TypeId], keep: Keep, defined: &mut HashSet<TypeId>, out: &mut String) {
        out.push('[');
        for (i, branch) in branches.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.write(*branch, keep, defined, out);
        }
        out.push(']');
    }

    fn write_record(&self, record: &Record, keep: Keep, defined: &mut HashSet<TypeId>, out: &mut String) {
        out.push_str(&format!(r#"{{"name":{},"type":"record""#, json_string(&record.named.full_name)));
        named_extras(&record.named, keep, out);
        out.push_str(r#","fields":["#);
        for (i, field) in record.fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!(r#"{{"name":{},"type":"#, json_string(&field.name)));
            self.write(field.ty, keep, defined, out);
            field_extras(field, keep, out);
            out.push('}');
        }
        out.push_str("]}");
    }

    /// A primitive, an enum or a fixed: nothing nested.
    #[inline(never)]
    fn write_leaf(&self, id: TypeId, keep: Keep, out: &mut String) {
        let ty = self.get(id);
        let logical = match &ty.logical {
            Some(logical) if keep.structure => {
                let mut extra = format!(r#","logicalType":{}"#, json_string(logical.name()));
                if let super::types::Logical::Decimal { precision, scale } = logical {
                    extra.push_str(&format!(r#","precision":{precision},"scale":{scale}"#));
                }
                extra
            }
            _ => String::new(),
        };
        let name = match &ty.kind {
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Bytes => "bytes",
            Kind::String => "string",
            Kind::Enum(enumeration) => {
                out.push_str(&format!(r#"{{"name":{},"type":"enum""#, json_string(&enumeration.named.full_name)));
                named_extras(&enumeration.named, keep, out);
                out.push_str(&format!(r#","symbols":{}"#, string_list(&enumeration.symbols)));
                if keep.structure {
                    if let Some(default) = &enumeration.default {
                        out.push_str(&format!(r#","default":{}"#, json_string(default)));
                    }
                }
                out.push('}');
                return;
            }
            Kind::Fixed(fixed) => {
                out.push_str(&format!(r#"{{"name":{},"type":"fixed""#, json_string(&fixed.named.full_name)));
                named_extras(&fixed.named, keep, out);
                out.push_str(&format!(r#","size":{}{logical}}}"#, fixed.size));
                return;
            }
            Kind::Array(_) | Kind::Map(_) | Kind::Union(_) | Kind::Record(_) => return,
        };
        if logical.is_empty() {
            out.push_str(&json_string(name));
        } else {
            out.push_str(&format!(r#"{{"type":{}{logical}}}"#, json_string(name)));
        }
    }
}

#[inline(never)]
fn field_extras(field: &Field, keep: Keep, out: &mut String) {
    if keep.structure {
        if let Some(default) = &field.default {
            out.push_str(&format!(r#","default":{default}"#));
        }
        if !field.aliases.is_empty() {
            out.push_str(&format!(r#","aliases":{}"#, string_list(&field.aliases)));
        }
        if field.order != Order::Ascending {
            out.push_str(&format!(r#","order":"{}""#, field.order.as_str()));
        }
    }
    if keep.docs {
        if let Some(doc) = &field.doc {
            out.push_str(&format!(r#","doc":{}"#, json_string(doc)));
        }
    }
}

fn named_extras(named: &super::types::Named, keep: Keep, out: &mut String) {
    if keep.structure && !named.aliases.is_empty() {
        out.push_str(&format!(r#","aliases":{}"#, string_list(&named.aliases)));
    }
    if keep.docs {
        if let Some(doc) = &named.doc {
            out.push_str(&format!(r#","doc":{}"#, json_string(doc)));
        }
    }
}

fn string_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| json_string(s)).collect::<Vec<_>>().join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDERED: &str = r#"{
      "type": "record", "name": "Order", "namespace": "sales", "doc": "An order.", "aliases": ["Old"],
      "fields": [
        {"name": "id", "type": "long", "order": "descending", "doc": "Key.", "default": 0},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"], "default": "A"}},
        {"name": "other", "type": "Kind"}
      ]}"#;

    #[test]
    fn parsing_canonical_form_follows_the_specification() {
        let schema = Schema::parse(ORDERED).unwrap();
        assert_eq!(
            schema.canonical_form(),
            r#"{"name":"sales.Order","type":"record","fields":[{"name":"id","type":"long"},{"name":"amount","type":"bytes"},{"name":"kind","type":{"name":"sales.Kind","type":"enum","symbols":["A","B"]}},{"name":"other","type":"sales.Kind"}]}"#
        );
    }

    /// apache-avro 0.22 keeps `order`, `precision` and `scale`, which the
    /// specification's [STRIP] rule removes; so its fingerprints differ.
    #[test]
    fn apache_avro_canonical_form_differs_from_the_specification() {
        let theirs = apache_avro::Schema::parse_str(ORDERED).unwrap().canonical_form();
        let ours = Schema::parse(ORDERED).unwrap().canonical_form();
        assert!(theirs.contains(r#""order":"descending""#), "{theirs}");
        assert!(theirs.contains(r#""precision":12"#), "{theirs}");
        assert!(!ours.contains("order") && !ours.contains("precision"), "{ours}");
        assert_ne!(theirs, ours);
        // Without those attributes the two agree.
        let plain = r#"{"type":"record","name":"a.B","doc":"d","fields":[{"name":"x","type":["null","string"],"default":null}]}"#;
        assert_eq!(
            apache_avro::Schema::parse_str(plain).unwrap().canonical_form(),
            Schema::parse(plain).unwrap().canonical_form()
        );
    }

    #[test]
    fn structural_form_keeps_what_readers_use_and_full_form_adds_docs() {
        let schema = Schema::parse(ORDERED).unwrap();
        let structural = schema.structural_form();
        for kept in [r#""order":"descending""#, r#""default":0"#, r#""aliases":["sales.Old"]"#, r#""precision":12"#] {
            assert!(structural.contains(kept), "{kept} in {structural}");
        }
        assert!(!structural.contains("doc"));
        assert!(schema.full_form().contains(r#""doc":"Key.""#));
    }
}
