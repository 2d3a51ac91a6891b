//! A plain Avro schema tree, built by generated code and rendered to JSON.

use std::fmt;

use crate::FieldEncryption;

/// A named type's name and optional namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    /// The simple name, e.g. `LineItem`.
    pub name: String,
    /// The namespace; `None` inherits the enclosing one, as in Avro.
    pub namespace: Option<String>,
}

impl Name {
    /// A name, with the namespace it declares (if any).
    pub fn new(name: impl Into<String>, namespace: Option<String>) -> Self {
        Self { name: name.into(), namespace }
    }

    /// The full name, resolving a missing namespace against `enclosing`.
    pub fn full_name(&self, enclosing: Option<&str>) -> String {
        match self.namespace.as_deref().or(enclosing) {
            Some(ns) if !ns.is_empty() => format!("{ns}.{}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// An Avro record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordSchema {
    /// The record's name.
    pub name: Name,
    /// Documentation.
    pub doc: Option<String>,
    /// Former full names.
    pub aliases: Vec<String>,
    /// The fields, in order.
    pub fields: Vec<FieldSchema>,
}

/// A field of an Avro record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldSchema {
    /// The field name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Former names.
    pub aliases: Vec<String>,
    /// The default value as JSON text, used by readers of data that lacks the field.
    pub default: Option<String>,
    /// The field's type.
    pub schema: SchemaNode,
    /// How the field's values are encrypted, for fields declared `encrypted`: written as the
    /// properties `mesh.encryption` and `mesh.key`, which other Avro tools ignore.
    pub encryption: Option<FieldEncryption>,
}

/// An Avro enum.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumSchema {
    /// The enum's name.
    pub name: Name,
    /// Documentation.
    pub doc: Option<String>,
    /// Former full names.
    pub aliases: Vec<String>,
    /// The symbols, in order (the order is the encoding).
    pub symbols: Vec<String>,
    /// The symbol readers use for a symbol they do not know.
    pub default: Option<String>,
}

/// An Avro fixed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FixedSchema {
    /// The fixed type's name.
    pub name: Name,
    /// The size in bytes.
    pub size: usize,
}

/// An Avro schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SchemaNode {
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `int` (32-bit)
    Int,
    /// `long` (64-bit)
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `bytes`
    Bytes,
    /// `string`
    String,
    /// `int` with logical type `date`
    Date,
    /// `long` with logical type `timestamp-millis`
    TimestampMillis,
    /// `long` with logical type `timestamp-micros`
    TimestampMicros,
    /// `string` with logical type `uuid`
    Uuid,
    /// `bytes` with logical type `decimal`
    Decimal {
        /// Total digits.
        precision: u32,
        /// Digits after the point.
        scale: u32,
    },
    /// `array` of the items' type.
    Array(Box<SchemaNode>),
    /// `map` from strings to the values' type.
    Map(Box<SchemaNode>),
    /// A union of branches.
    Union(Vec<SchemaNode>),
    /// A record definition.
    Record(RecordSchema),
    /// An enum definition.
    Enum(EnumSchema),
    /// A fixed definition.
    Fixed(FixedSchema),
    /// A named type defined elsewhere in the schema, by full name.
    Reference(String),
}

/// A schema that cannot be written out as valid Avro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    /// Two different types claim the same full name.
    ConflictingDefinitions {
        /// The full name both types use.
        full_name: String,
    },
    /// A reference to a name that is never defined.
    UndefinedReference {
        /// The name referenced.
        full_name: String,
    },
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::ConflictingDefinitions { full_name } => write!(
                f,
                "two different types are both named `{full_name}` in one schema; give one of them another name or namespace with #[avro(name = \"...\")] or #[avro(namespace = \"...\")]"
            ),
            SchemaError::UndefinedReference { full_name } => {
                write!(f, "the schema refers to `{full_name}`, which it never defines")
            }
        }
    }
}

impl std::error::Error for SchemaError {}
