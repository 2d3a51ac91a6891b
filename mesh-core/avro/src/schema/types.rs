//! A parsed Avro schema with its named types resolved.
//!
//! Unlike [`mesh_model::avro::SchemaNode`] (the tree our generated code builds),
//! this model holds everything an arbitrary `.avsc` can say (fixed aliases,
//! decimals on fixed, every logical type, field order) and resolves named
//! types: every use of a name points at the one definition, so a definition
//! moving to another field changes nothing and recursive types are finite.

use std::collections::HashMap;
use std::fmt;

use super::index::{FieldIndex, Positions, UnionIndex};

/// Index of a type in a [`Schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub(crate) usize);

/// An Avro schema: its types, each named type once, and the root.
#[derive(Debug, Clone)]
pub struct Schema {
    pub(crate) types: Vec<Type>,
    pub(crate) root: TypeId,
    /// The branches of each union by kind and name (see [`UnionIndex`]).
    pub(crate) unions: HashMap<TypeId, UnionIndex>,
}

/// One type: its kind and, where declared and valid, its logical type.
#[derive(Debug, Clone, PartialEq)]
pub struct Type {
    /// The underlying Avro type.
    pub kind: Kind,
    /// The logical type, if declared and valid for the underlying type (else ignored, as the specification says).
    pub logical: Option<Logical>,
}

/// The underlying Avro type.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `int`
    Int,
    /// `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `bytes`
    Bytes,
    /// `string`
    String,
    /// `array` of items.
    Array(TypeId),
    /// `map` of values.
    Map(TypeId),
    /// A union of branches.
    Union(Vec<TypeId>),
    /// A record.
    Record(Record),
    /// An enum.
    Enum(Enum),
    /// A fixed.
    Fixed(Fixed),
}

impl Kind {
    /// The name, aliases and doc of a named type.
    pub fn named(&self) -> Option<&Named> {
        match self {
            Kind::Record(r) => Some(&r.named),
            Kind::Enum(e) => Some(&e.named),
            Kind::Fixed(f) => Some(&f.named),
            _ => None,
        }
    }
}

/// What every named type has.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// The full name, `namespace.Name`.
    pub full_name: String,
    /// Former full names.
    pub aliases: Vec<String>,
    /// Documentation.
    pub doc: Option<String>,
}

impl Named {
    /// The name without its namespace.
    pub fn simple_name(&self) -> &str {
        simple_name(&self.full_name)
    }

    /// The namespace, if any.
    pub fn namespace(&self) -> Option<&str> {
        self.full_name.rsplit_once('.').map(|(ns, _)| ns)
    }
}

/// The part of a full name after the last dot.
pub fn simple_name(full_name: &str) -> &str {
    full_name.rsplit_once('.').map_or(full_name, |(_, name)| name)
}

/// An Avro record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Name, aliases and documentation.
    pub named: Named,
    /// The fields, in order.
    pub fields: Vec<Field>,
    pub(crate) index: FieldIndex,
}

impl Record {
    /// The field named `name`, with its position.
    pub fn field(&self, name: &str) -> Option<(usize, &Field)> {
        self.index.names.get(name).map(|i| (i, &self.fields[i]))
    }

    /// The first field listing `alias` among its aliases (a field renamed from `alias`), with its position.
    pub fn field_aliased(&self, alias: &str) -> Option<(usize, &Field)> {
        self.index.aliases.get(alias).map(|i| (i, &self.fields[i]))
    }
}

/// A record field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field name.
    pub name: String,
    /// Former names.
    pub aliases: Vec<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// The default readers use when the data lacks the field.
    pub default: Option<serde_json::Value>,
    /// The sort order.
    pub order: Order,
    /// The field's type.
    pub ty: TypeId,
    /// How its values are encrypted (the `mesh.encryption` and `mesh.key` properties).
    pub encryption: Option<mesh_model::FieldEncryption>,
}

/// A field's sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `ascending` (the default).
    Ascending,
    /// `descending`
    Descending,
    /// `ignore`
    Ignore,
}

impl Order {
    /// The keyword in Avro JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Ascending => "ascending",
            Order::Descending => "descending",
            Order::Ignore => "ignore",
        }
    }
}

/// An Avro enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Name, aliases and documentation.
    pub named: Named,
    /// The symbols, in order.
    pub symbols: Vec<String>,
    /// The symbol readers use for symbols they do not know.
    pub default: Option<String>,
    pub(crate) index: Positions,
}

impl Enum {
    /// The position of `symbol`.
    pub fn symbol_index(&self, symbol: &str) -> Option<usize> {
        self.index.get(symbol)
    }
}

/// An Avro fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    /// Name, aliases and documentation.
    pub named: Named,
    /// Size in bytes.
    pub size: u64,
}

/// A logical type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logical {
    /// `decimal` on bytes or fixed.
    Decimal {
        /// Total digits.
        precision: u32,
        /// Digits after the point.
        scale: u32,
    },
    /// `uuid`
    Uuid,
    /// `date`
    Date,
    /// `time-millis`
    TimeMillis,
    /// `time-micros`
    TimeMicros,
    /// `timestamp-millis`
    TimestampMillis,
    /// `timestamp-micros`
    TimestampMicros,
    /// `timestamp-nanos`
    TimestampNanos,
    /// `local-timestamp-millis`
    LocalTimestampMillis,
    /// `local-timestamp-micros`
    LocalTimestampMicros,
    /// `local-timestamp-nanos`
    LocalTimestampNanos,
    /// `duration`
    Duration,
    /// A logical type this tool does not know; readers ignore it, and so does compatibility.
    Other(String),
}

impl Logical {
    /// The logical type's name in Avro JSON.
    pub fn name(&self) -> &str {
        match self {
            Logical::Decimal { .. } => "decimal",
            Logical::Uuid => "uuid",
            Logical::Date => "date",
            Logical::TimeMillis => "time-millis",
            Logical::TimeMicros => "time-micros",
            Logical::TimestampMillis => "timestamp-millis",
            Logical::TimestampMicros => "timestamp-micros",
            Logical::TimestampNanos => "timestamp-nanos",
            Logical::LocalTimestampMillis => "local-timestamp-millis",
            Logical::LocalTimestampMicros => "local-timestamp-micros",
            Logical::LocalTimestampNanos => "local-timestamp-nanos",
            Logical::Duration => "duration",
            Logical::Other(name) => name,
        }
    }
}

impl Schema {
    /// The root type.
    pub fn root(&self) -> TypeId {
        self.root
    }

    /// The type at `id`.
    pub fn get(&self, id: TypeId) -> &Type {
        &self.types[id.0]
    }

    /// The root record's full name, if the root is a named type.
    pub fn root_name(&self) -> Option<&str> {
        self.named(self.root).map(|n| n.full_name.as_str())
    }

    /// The name, aliases and doc of a named type.
    pub fn named(&self, id: TypeId) -> Option<&Named> {
        self.get(id).kind.named()
    }

    /// The type written for people: `string`, `decimal(12,2)`, `array<sales.LineItem>`, `union[null, string]`.
    pub fn display(&self, id: TypeId) -> TypeDisplay<'_> {
        TypeDisplay { schema: self, id }
    }
}

/// A type written for people; see [`Schema::display`].
pub struct TypeDisplay<'a> {
    schema: &'a Schema,
    id: TypeId,
}

impl fmt::Display for TypeDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = self.schema.get(self.id);
        match (&ty.kind, &ty.logical) {
            (_, Some(Logical::Decimal { precision, scale })) => return write!(f, "decimal({precision},{scale})"),
            (_, Some(logical)) if !matches!(logical, Logical::Other(_)) => return f.write_str(logical.name()),
            _ => {}
        }
        let nested = |id| self.schema.display(id);
        match &ty.kind {
            Kind::Null => f.write_str("null"),
            Kind::Boolean => f.write_str("boolean"),
            Kind::Int => f.write_str("int"),
            Kind::Long => f.write_str("long"),
            Kind::Float => f.write_str("float"),
            Kind::Double => f.write_str("double"),
            Kind::Bytes => f.write_str("bytes"),
            Kind::String => f.write_str("string"),
            Kind::Array(items) => write!(f, "array<{}>", nested(*items)),
            Kind::Map(values) => write!(f, "map<{}>", nested(*values)),
            Kind::Union(branches) => {
                f.write_str("union[")?;
                for (i, branch) in branches.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", nested(*branch))?;
                }
                f.write_str("]")
            }
            Kind::Record(r) => write!(f, "record {}", r.named.full_name),
            Kind::Enum(e) => write!(f, "enum {}", e.named.full_name),
            Kind::Fixed(x) => write!(f, "fixed {}({})", x.named.full_name, x.size),
        }
    }
}
