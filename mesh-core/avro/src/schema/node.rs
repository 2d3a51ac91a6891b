//! From a parsed [`Schema`] to the [`SchemaNode`] tree generated code builds,
//! for the schemas that tree can represent (e.g. a published `.avsc` of a
//! product, or a writer schema read from a file).

use std::collections::HashSet;
use std::fmt;

use super::types::{Enum, Fixed, Kind, Logical, Named, Order, Record, Schema, TypeId};
use mesh_model::avro::{EnumSchema, FieldSchema, FixedSchema, Name, RecordSchema, SchemaNode};

/// A part of a schema that [`SchemaNode`] has no place for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrepresentable {
    /// What cannot be represented, and where.
    pub what: String,
}

impl fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the schema tree of generated code cannot represent {}", self.what)
    }
}

impl std::error::Error for Unrepresentable {}

impl Schema {
    /// The schema as the tree generated code builds: each named type defined
    /// at its first use and referenced by full name afterwards.
    ///
    /// # Errors
    /// The schema uses something the tree lacks: a logical type other than
    /// date, timestamp-millis/micros, uuid on string and decimal on bytes;
    /// aliases or documentation on a fixed; a field sort order.
    pub fn to_node(&self) -> Result<SchemaNode, Unrepresentable> {
        self.node(self.root(), &mut HashSet::new())
    }

    // One call per level of the schema's nesting: the arms' work sits in helpers, so that the
    // recursive frame stays small for deep schemas (unoptimized builds give every temporary a slot).
    fn node(&self, id: TypeId, defined: &mut HashSet<TypeId>) -> Result<SchemaNode, Unrepresentable> {
        // Arrays, maps, unions and records have no logical type the tree knows (the parser keeps
        // only unknown ones on them, which the tree ignores).
        match &self.get(id).kind {
            Kind::Array(items) => self.node(*items, defined).map(|node| SchemaNode::Array(Box::new(node))),
            Kind::Map(values) => self.node(*values, defined).map(|node| SchemaNode::Map(Box::new(node))),
            Kind::Union(branches) => self.union_node(branches, defined),
            Kind::Record(record) if defined.insert(id) => self.record_node(record, defined),
            _ => self.leaf_node(id, defined),
        }
    }

    /// The node of a type with nothing nested: a logical type, a reference to a named type defined
    /// before, a primitive, an enum or a fixed.
    #[inline(never)]
    fn leaf_node(&self, id: TypeId, defined: &mut HashSet<TypeId>) -> Result<SchemaNode, Unrepresentable> {
        if let Some(node) = self.logical_node(id)? {
            return Ok(node);
        }
        if let Some(named) = self.named(id) {
            if !defined.insert(id) {
                return Ok(SchemaNode::Reference(named.full_name.clone()));
            }
        }
        Ok(match &self.get(id).kind {
            Kind::Null => SchemaNode::Null,
            Kind::Boolean => SchemaNode::Boolean,
            Kind::Int => SchemaNode::Int,
            Kind::Long => SchemaNode::Long,
            Kind::Float => SchemaNode::Float,
            Kind::Double => SchemaNode::Double,
            Kind::Bytes => SchemaNode::Bytes,
            Kind::String => SchemaNode::String,
            Kind::Enum(enumeration) => enum_node(enumeration),
            Kind::Fixed(fixed) => fixed_node(fixed)?,
            // Nested types are `node`'s, which never sends them here (a record defined before is
            // a reference above).
            Kind::Array(_) | Kind::Map(_) | Kind::Union(_) | Kind::Record(_) => return self.node(id, defined),
        })
    }

    /// The node of a type with a logical type the tree has, `None` for a type without one.
    #[inline(never)]
    fn logical_node(&self, id: TypeId) -> Result<Option<SchemaNode>, Unrepresentable> {
        let ty = self.get(id);
        Ok(match (&ty.logical, &ty.kind) {
            (None | Some(Logical::Other(_)), _) => None,
            (Some(Logical::Date), Kind::Int) => Some(SchemaNode::Date),
            (Some(Logical::TimestampMillis), Kind::Long) => Some(SchemaNode::TimestampMillis),
            (Some(Logical::TimestampMicros), Kind::Long) => Some(SchemaNode::TimestampMicros),
            (Some(Logical::Uuid), Kind::String) => Some(SchemaNode::Uuid),
            (Some(Logical::Decimal { precision, scale }), Kind::Bytes) => {
                Some(SchemaNode::Decimal { precision: *precision, scale: *scale })
            }
            (Some(_), _) => return Err(Unrepresentable { what: format!("`{}`", self.display(id)) }),
        })
    }

    #[inline(never)]
    fn union_node(&self, branches: &[TypeId], defined: &mut HashSet<TypeId>) -> Result<SchemaNode, Unrepresentable> {
        Ok(SchemaNode::Union(branches.iter().map(|b| self.node(*b, defined)).collect::<Result<_, _>>()?))
    }

    #[inline(never)]
    fn record_node(&self, record: &Record, defined: &mut HashSet<TypeId>) -> Result<SchemaNode, Unrepresentable> {
        let mut fields = Vec::with_capacity(record.fields.len());
        for field in &record.fields {
            if field.order != Order::Ascending {
                return Err(Unrepresentable {
                    what: format!("the sort order of field `{}` in {}", field.name, record.named.full_name),
                });
            }
            fields.push(FieldSchema {
                name: field.name.clone(),
                doc: field.doc.clone(),
                aliases: field.aliases.clone(),
                default: field.default.as_ref().map(ToString::to_string),
                schema: self.node(field.ty, defined)?,
                encryption: field.encryption.clone(),
            });
        }
        Ok(SchemaNode::Record(RecordSchema {
            name: name(&record.named),
            doc: record.named.doc.clone(),
            aliases: record.named.aliases.clone(),
            fields,
        }))
    }
}

fn enum_node(enumeration: &Enum) -> SchemaNode {
    SchemaNode::Enum(EnumSchema {
        name: name(&enumeration.named),
        doc: enumeration.named.doc.clone(),
        aliases: enumeration.named.aliases.clone(),
        symbols: enumeration.symbols.clone(),
        default: enumeration.default.clone(),
    })
}

fn fixed_node(fixed: &Fixed) -> Result<SchemaNode, Unrepresentable> {
    if !fixed.named.aliases.is_empty() || fixed.named.doc.is_some() {
        return Err(Unrepresentable {
            what: format!("the aliases or documentation of fixed {}", fixed.named.full_name),
        });
    }
    let size = usize::try_from(fixed.size)
        .map_err(|_| Unrepresentable { what: format!("the size of fixed {}", fixed.named.full_name) })?;
    Ok(SchemaNode::Fixed(FixedSchema { name: name(&fixed.named), size }))
}

fn name(named: &Named) -> Name {
    Name::new(named.simple_name(), named.namespace().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_generated_tree() {
        let text = r#"{
  "type": "record",
  "name": "Order",
  "namespace": "sales",
  "doc": "An order.",
  "aliases": ["sales.OldOrder"],
  "fields": [
    {
      "name": "next",
      "type": ["null", "sales.Order"],
      "default": null,
      "aliases": ["following"]
    },
    {
      "name": "hash",
      "type": {
        "type": "fixed",
        "name": "Hash",
        "namespace": "sales",
        "size": 16
      }
    },
    {
      "name": "hashes",
      "type": {
        "type": "array",
        "items": "sales.Hash"
      }
    }
  ]
}"#;
        let node = Schema::parse(text).unwrap().to_node().unwrap();
        assert_eq!(mesh_model::avro::to_json(&node).unwrap(), text);
    }

    #[test]
    fn names_what_the_tree_cannot_hold() {
        for (text, needle) in [
            (r#"{"type":"int","logicalType":"time-millis"}"#, "`time-millis`"),
            (r#"{"type":"fixed","name":"F","size":4,"aliases":["G"]}"#, "aliases or documentation of fixed F"),
            (
                r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"ignore"}]}"#,
                "sort order of field `a` in R",
            ),
        ] {
            let error = Schema::parse(text).unwrap().to_node().unwrap_err().to_string();
            assert!(error.contains(needle), "{text}: {error}");
        }
    }
}
