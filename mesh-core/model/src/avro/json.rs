//! Writes a [`SchemaNode`] as Avro JSON: each named type is defined at its first
//! use and referenced by full name afterwards, as the specification requires.

use std::collections::HashMap;
use std::fmt::Write;

use super::node::{FieldSchema, Name, RecordSchema, SchemaError, SchemaNode};

/// Renders the schema as pretty-printed Avro JSON.
///
/// # Errors
/// Two different definitions of one full name, or a reference to an undefined name.
pub fn to_json(schema: &SchemaNode) -> Result<String, SchemaError> {
    render(schema, false)
}

/// Renders part of a schema for display: references to names defined
/// elsewhere (e.g. a nested type documented on its own page) are allowed.
///
/// # Errors
/// Two different definitions of one full name.
pub fn to_json_fragment(schema: &SchemaNode) -> Result<String, SchemaError> {
    render(schema, true)
}

fn render(schema: &SchemaNode, allow_undefined: bool) -> Result<String, SchemaError> {
    let mut writer = JsonWriter { defined: HashMap::new(), allow_undefined };
    let value = writer.node(schema, None)?;
    let mut out = String::new();
    value.write(&mut out, 0);
    Ok(out)
}

enum Json {
    Str(String),
    Raw(String),
    Array(Vec<Json>),
    Object(Vec<(&'static str, Json)>),
}

struct JsonWriter<'a> {
    defined: HashMap<String, &'a SchemaNode>,
    allow_undefined: bool,
}

impl<'a> JsonWriter<'a> {
    // One call per level of the schema's nesting: all but the recursion sits in helpers, so that
    // the recursive frame stays small for deep schemas.
    fn node(&mut self, node: &'a SchemaNode, ns: Option<&str>) -> Result<Json, SchemaError> {
        Ok(match node {
            SchemaNode::Array(items) => {
                Json::Object(vec![("type", Json::Str("array".into())), ("items", self.node(items, ns)?)])
            }
            SchemaNode::Map(values) => {
                Json::Object(vec![("type", Json::Str("map".into())), ("values", self.node(values, ns)?)])
            }
            SchemaNode::Union(branches) => {
                Json::Array(branches.iter().map(|b| self.node(b, ns)).collect::<Result<_, _>>()?)
            }
            SchemaNode::Record(record) => self.record(node, record, ns)?,
            _ => self.leaf(node, ns)?,
        })
    }

    fn record(
        &mut self,
        node: &'a SchemaNode,
        record: &'a RecordSchema,
        ns: Option<&str>,
    ) -> Result<Json, SchemaError> {
        let Some(own_ns) = self.first_definition(&record.name, node, ns)? else {
            return Ok(Json::Str(record.name.full_name(ns)));
        };
        let mut object = named_header("record", &record.name, own_ns.as_deref());
        push_doc_and_aliases(&mut object, record.doc.as_deref(), &record.aliases);
        let mut fields = Vec::with_capacity(record.fields.len());
        for field in &record.fields {
            let mut entry = field_header(field);
            entry.push(("type", self.node(&field.schema, own_ns.as_deref())?));
            field_trailer(field, &mut entry);
            fields.push(Json::Object(entry));
        }
        object.push(("fields", Json::Array(fields)));
        Ok(Json::Object(object))
    }

    /// A type with nothing nested.
    #[inline(never)]
    fn leaf(&mut self, node: &'a SchemaNode, ns: Option<&str>) -> Result<Json, SchemaError> {
        let primitive = |name: &str| Json::Str(name.to_string());
        let logical = |base: &str, logical: &str| {
            Json::Object(vec![("type", Json::Str(base.into())), ("logicalType", Json::Str(logical.into()))])
        };
        Ok(match node {
            SchemaNode::Null => primitive("null"),
            SchemaNode::Boolean => primitive("boolean"),
            SchemaNode::Int => primitive("int"),
            SchemaNode::Long => primitive("long"),
            SchemaNode::Float => primitive("float"),
            SchemaNode::Double => primitive("double"),
            SchemaNode::Bytes => primitive("bytes"),
            SchemaNode::String => primitive("string"),
            SchemaNode::Date => logical("int", "date"),
            SchemaNode::TimestampMillis => logical("long", "timestamp-millis"),
            SchemaNode::TimestampMicros => logical("long", "timestamp-micros"),
            SchemaNode::Uuid => logical("string", "uuid"),
            SchemaNode::Decimal { precision, scale } => Json::Object(vec![
                ("type", Json::Str("bytes".into())),
                ("logicalType", Json::Str("decimal".into())),
                ("precision", Json::Raw(precision.to_string())),
                ("scale", Json::Raw(scale.to_string())),
            ]),
            SchemaNode::Reference(full_name) => {
                if !self.allow_undefined && !self.defined.contains_key(full_name) {
                    return Err(SchemaError::UndefinedReference { full_name: full_name.clone() });
                }
                Json::Str(full_name.clone())
            }
            SchemaNode::Enum(enumeration) => {
                let Some(own_ns) = self.first_definition(&enumeration.name, node, ns)? else {
                    return Ok(Json::Str(enumeration.name.full_name(ns)));
                };
                let mut object = named_header("enum", &enumeration.name, own_ns.as_deref());
                push_doc_and_aliases(&mut object, enumeration.doc.as_deref(), &enumeration.aliases);
                object.push(("symbols", string_array(&enumeration.symbols)));
                if let Some(default) = &enumeration.default {
                    object.push(("default", Json::Str(default.clone())));
                }
                Json::Object(object)
            }
            SchemaNode::Fixed(fixed) => {
                let Some(own_ns) = self.first_definition(&fixed.name, node, ns)? else {
                    return Ok(Json::Str(fixed.name.full_name(ns)));
                };
                let mut object = named_header("fixed", &fixed.name, own_ns.as_deref());
                object.push(("size", Json::Raw(fixed.size.to_string())));
                Json::Object(object)
            }
            // Nested types are `node`'s (which never sends them here).
            SchemaNode::Array(_) | SchemaNode::Map(_) | SchemaNode::Union(_) | SchemaNode::Record(_) => {
                return self.node(node, ns)
            }
        })
    }

    /// Registers a named definition and returns its namespace; `None` when the
    /// same definition was already written (so it is referenced, not repeated).
    fn first_definition(
        &mut self,
        name: &Name,
        node: &'a SchemaNode,
        enclosing: Option<&str>,
    ) -> Result<Option<Option<String>>, SchemaError> {
        let full_name = name.full_name(enclosing);
        if let Some(previous) = self.defined.get(&full_name) {
            return if *previous == node { Ok(None) } else { Err(SchemaError::ConflictingDefinitions { full_name }) };
        }
        self.defined.insert(full_name, node);
        let own_ns = name.namespace.clone().or_else(|| enclosing.map(str::to_string));
        Ok(Some(own_ns))
    }
}

fn field_header(field: &FieldSchema) -> Vec<(&'static str, Json)> {
    let mut entry = vec![("name", Json::Str(field.name.clone()))];
    if let Some(doc) = field.doc.as_deref().filter(|d| !d.is_empty()) {
        entry.push(("doc", Json::Str(doc.into())));
    }
    entry
}

fn field_trailer(field: &FieldSchema, entry: &mut Vec<(&'static str, Json)>) {
    if let Some(default) = &field.default {
        entry.push(("default", Json::Raw(default.clone())));
    }
    if !field.aliases.is_empty() {
        entry.push(("aliases", string_array(&field.aliases)));
    }
    if let Some(encryption) = &field.encryption {
        entry.push((crate::ENCRYPTION_PROPERTY, Json::Str(encryption.mode.algorithm().into())));
        entry.push((crate::KEY_PROPERTY, Json::Str(encryption.key.clone())));
    }
}

fn named_header(kind: &str, name: &Name, namespace: Option<&str>) -> Vec<(&'static str, Json)> {
    let mut object = vec![("type", Json::Str(kind.into())), ("name", Json::Str(name.name.clone()))];
    if let Some(ns) = namespace.filter(|ns| !ns.is_empty()) {
        object.push(("namespace", Json::Str(ns.into())));
    }
    object
}

fn push_doc_and_aliases(object: &mut Vec<(&'static str, Json)>, doc: Option<&str>, aliases: &[String]) {
    if let Some(doc) = doc.filter(|d| !d.is_empty()) {
        object.push(("doc", Json::Str(doc.into())));
    }
    if !aliases.is_empty() {
        object.push(("aliases", string_array(aliases)));
    }
}

fn string_array(items: &[String]) -> Json {
    Json::Array(items.iter().cloned().map(Json::Str).collect())
}

/// Escapes `text` as a JSON string literal, quotes included.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Json {
    fn is_scalar(&self) -> bool {
        matches!(self, Json::Str(_) | Json::Raw(_))
    }

    fn write(&self, out: &mut String, indent: usize) {
        match self {
            Json::Str(s) => out.push_str(&json_string(s)),
            Json::Raw(raw) => out.push_str(raw),
            // Short lists of names (union branches, symbols, aliases) stay on one line.
            Json::Array(items) if items.iter().all(Json::is_scalar) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out, indent);
                }
                out.push(']');
            }
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    push_indent(out, indent + 1);
                    item.write(out, indent + 1);
                }
                out.push('\n');
                push_indent(out, indent);
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    push_indent(out, indent + 1);
                    out.push_str(&json_string(key));
                    out.push_str(": ");
                    value.write(out, indent + 1);
                }
                out.push('\n');
                push_indent(out, indent);
                out.push('}');
            }
        }
    }
}

fn push_indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avro::{EnumSchema, FieldSchema, RecordSchema};

    fn currency(doc: &str) -> SchemaNode {
        SchemaNode::Enum(EnumSchema {
            name: Name::new("Currency", None),
            doc: Some(doc.into()),
            aliases: vec![],
            symbols: vec!["EUR".into(), "USD".into()],
            default: None,
        })
    }

    fn record(fields: Vec<(&str, SchemaNode)>) -> SchemaNode {
        SchemaNode::Record(RecordSchema {
            name: Name::new("Order", Some("sales".into())),
            doc: Some("An \"order\"\nline two".into()),
            aliases: vec![],
            fields: fields
                .into_iter()
                .map(|(name, schema)| FieldSchema {
                    name: name.into(),
                    doc: None,
                    aliases: vec![],
                    default: None,
                    schema,
                    encryption: None,
                })
                .collect(),
        })
    }

    #[test]
    fn second_use_of_a_named_type_is_a_reference_in_the_enclosing_namespace() {
        let json = to_json(&record(vec![("a", currency("c")), ("b", currency("c"))])).unwrap();
        assert!(json.contains("\"name\": \"Currency\",\n        \"namespace\": \"sales\""), "{json}");
        assert!(json.contains("\"type\": \"sales.Currency\""), "{json}");
        assert!(json.contains("\"doc\": \"An \\\"order\\\"\\nline two\""), "{json}");
    }

    #[test]
    fn conflicting_definitions_are_reported() {
        let err = to_json(&record(vec![("a", currency("one")), ("b", currency("two"))])).unwrap_err();
        assert_eq!(err, SchemaError::ConflictingDefinitions { full_name: "sales.Currency".into() });
        let err = to_json(&record(vec![("a", SchemaNode::Reference("sales.Nope".into()))])).unwrap_err();
        assert_eq!(err, SchemaError::UndefinedReference { full_name: "sales.Nope".into() });
    }

    #[test]
    fn escapes_control_characters() {
        assert_eq!(json_string("a\u{1}b\\"), "\"a\\u0001b\\\\\"");
    }
}
