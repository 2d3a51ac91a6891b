//! From a parsed [`Schema`] to the [`SchemaNode`] tree generated code builds,
//! for the schemas that tree can represent (e.g. a published `.avsc` of a
//! product, or a writer schema read from a file).

use std::collections::HashSet;
use std::fmt;

use super::types::{Kind, Logical, Named, Order, Schema, TypeId};
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

    fn node(&self, id: TypeId, defined: &mut HashSet<TypeId>) -> Result<SchemaNode, Unrepresentable> {
        let ty = self.get(id);
        let unrepresentable = |what: String| Err(Unrepresentable { what });
        let logical = match (&ty.logical, &ty.kind) {
            (None | Some(Logical::Other(_)), _) => None,
            (Some(Logical::Date), Kind::Int) => Some(SchemaNode::Date),
            (Some(Logical::TimestampMillis), Kind::Long) => Some(SchemaNode::TimestampMillis),
            (Some(Logical::TimestampMicros), Kind::Long) => Some(SchemaNode::TimestampMicros),
            (Some(Logical::Uuid), Kind::String) => Some(SchemaNode::Uuid),
            (Some(Logical::Decimal { precision, scale }), Kind::Bytes) => {
                Some(SchemaNode::Decimal { precision: *precision, scale: *scale })
            }
            (Some(_), _) => return unrepresentable(format!("`{}`", self.display(id))),
        };
        if let Some(node) = logical {
            return Ok(node);
        }
        if let Some(named) = self.named(id) {
            if !defined.insert(id) {
                return Ok(SchemaNode::Reference(named.full_name.clone()));
            }
        }
        Ok(match &ty.kind {
            Kind::Null => SchemaNode::Null,
            Kind::Boolean => SchemaNode::Boolean,
            Kind::Int => SchemaNode::Int,
            Kind::Long => SchemaNode::Long,
            Kind::Float => SchemaNode::Float,
            Kind::Double => SchemaNode::Double,
            Kind::Bytes => SchemaNode::Bytes,
            Kind::String => SchemaNode::String,
            Kind::Array(items) => SchemaNode::Array(Box::new(self.node(*items, defined)?)),
            Kind::Map(values) => SchemaNode::Map(Box::new(self.node(*values, defined)?)),
            Kind::Union(branches) => {
                SchemaNode::Union(branches.iter().map(|b| self.node(*b, defined)).collect::<Result<_, _>>()?)
            }
            Kind::Record(record) => {
                let mut fields = Vec::with_capacity(record.fields.len());
                for field in &record.fields {
                    if field.order != Order::Ascending {
                        return unrepresentable(format!(
                            "the sort order of field `{}` in {}",
                            field.name, record.named.full_name
                        ));
                    }
                    fields.push(FieldSchema {
                        name: field.name.clone(),
                        doc: field.doc.clone(),
                        aliases: field.aliases.clone(),
                        default: field.default.as_ref().map(ToString::to_string),
                        schema: self.node(field.ty, defined)?,
                    });
                }
                SchemaNode::Record(RecordSchema {
                    name: name(&record.named),
                    doc: record.named.doc.clone(),
                    aliases: record.named.aliases.clone(),
                    fields,
                })
            }
            Kind::Enum(enumeration) => SchemaNode::Enum(EnumSchema {
                name: name(&enumeration.named),
                doc: enumeration.named.doc.clone(),
                aliases: enumeration.named.aliases.clone(),
                symbols: enumeration.symbols.clone(),
                default: enumeration.default.clone(),
            }),
            Kind::Fixed(fixed) => {
                if !fixed.named.aliases.is_empty() || fixed.named.doc.is_some() {
                    return unrepresentable(format!("the aliases or documentation of fixed {}", fixed.named.full_name));
                }
                let size = usize::try_from(fixed.size)
                    .map_err(|_| Unrepresentable { what: format!("the size of fixed {}", fixed.named.full_name) })?;
                SchemaNode::Fixed(FixedSchema { name: name(&fixed.named), size })
            }
        })
    }
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
