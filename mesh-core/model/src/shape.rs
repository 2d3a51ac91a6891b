//! The shape of a field's Rust type, as far as Avro is concerned.
//!
//! The macro classifies each field's syntax into a [`TypeShape`]; the same shape
//! then yields the field's Avro schema (at run time, where nested types are
//! known) and its display in docs and contracts (at compile time), so the two
//! can never disagree.

use crate::avro::SchemaNode;
use crate::field_path::PathStep;

/// A field type's Avro shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeShape {
    /// `bool`
    Boolean,
    /// `i32`
    Int,
    /// `i64`
    Long,
    /// `f32`
    Float,
    /// `f64`
    Double,
    /// `String`
    String,
    /// `Vec<u8>`
    Bytes,
    /// `mesh_core::Date`: days since the Unix epoch.
    Date,
    /// `mesh_core::TimestampMillis`
    TimestampMillis,
    /// `mesh_core::TimestampMicros`
    TimestampMicros,
    /// `mesh_core::Uuid`
    Uuid,
    /// `mesh_core::Decimal<P, S>`
    Decimal {
        /// Total number of digits.
        precision: u32,
        /// Digits after the decimal point.
        scale: u32,
    },
    /// `[u8; N]`
    Fixed(usize),
    /// `Option<T>`: a union of null and `T`, null by default.
    Optional(Box<TypeShape>),
    /// `Vec<T>`
    Array(Box<TypeShape>),
    /// `HashMap<String, T>` or `BTreeMap<String, T>`
    Map(Box<TypeShape>),
    /// A record or enum type declared with `#[derive(AvroRecord)]`, `#[derive(AvroEnum)]` or `#[data_product]`.
    Named(String),
}

impl TypeShape {
    /// The Avro type written for people: `string`, `decimal(12,2)`, `array<LineItem>`.
    pub fn display(&self) -> String {
        match self {
            TypeShape::Boolean => "boolean".into(),
            TypeShape::Int => "int".into(),
            TypeShape::Long => "long".into(),
            TypeShape::Float => "float".into(),
            TypeShape::Double => "double".into(),
            TypeShape::String => "string".into(),
            TypeShape::Bytes => "bytes".into(),
            TypeShape::Date => "date".into(),
            TypeShape::TimestampMillis => "timestamp-millis".into(),
            TypeShape::TimestampMicros => "timestamp-micros".into(),
            TypeShape::Uuid => "uuid".into(),
            TypeShape::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
            TypeShape::Fixed(size) => format!("fixed({size})"),
            TypeShape::Optional(inner) => format!("union<null,{}>", inner.display()),
            TypeShape::Array(inner) => format!("array<{}>", inner.display()),
            TypeShape::Map(inner) => format!("map<{}>", inner.display()),
            TypeShape::Named(name) => name.clone(),
        }
    }

    /// The Rust name of the nested record or enum type, if the shape contains one.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeShape::Named(name) => Some(name),
            TypeShape::Optional(inner) | TypeShape::Array(inner) | TypeShape::Map(inner) => inner.named(),
            _ => None,
        }
    }

    /// How a nested-field path steps from a field of this shape into its named type:
    /// [`PathStep::Items`] per array, [`PathStep::Values`] per map, nothing for an option
    /// (a union with null is transparent). `None` when the shape holds no named type.
    pub fn path_step(&self) -> Option<Vec<PathStep>> {
        let into = |step: PathStep, inner: &TypeShape| {
            inner.path_step().map(|rest| std::iter::once(step).chain(rest).collect())
        };
        match self {
            TypeShape::Named(_) => Some(Vec::new()),
            TypeShape::Optional(inner) => inner.path_step(),
            TypeShape::Array(inner) => into(PathStep::Items, inner),
            TypeShape::Map(inner) => into(PathStep::Values, inner),
            _ => None,
        }
    }

    /// The default a field of this shape gets without one being declared:
    /// optional fields default to null so that adding them stays compatible.
    pub fn implicit_default(&self) -> Option<&'static str> {
        matches!(self, TypeShape::Optional(_)).then_some("null")
    }

    /// The Avro schema of the shape; `named` gives the schema of the nested named type, if any.
    pub fn to_schema(&self, named: &mut dyn FnMut() -> SchemaNode) -> SchemaNode {
        match self {
            TypeShape::Boolean => SchemaNode::Boolean,
            TypeShape::Int => SchemaNode::Int,
            TypeShape::Long => SchemaNode::Long,
            TypeShape::Float => SchemaNode::Float,
            TypeShape::Double => SchemaNode::Double,
            TypeShape::String => SchemaNode::String,
            TypeShape::Bytes => SchemaNode::Bytes,
            TypeShape::Date => SchemaNode::Date,
            TypeShape::TimestampMillis => SchemaNode::TimestampMillis,
            TypeShape::TimestampMicros => SchemaNode::TimestampMicros,
            TypeShape::Uuid => SchemaNode::Uuid,
            TypeShape::Decimal { precision, scale } => SchemaNode::Decimal { precision: *precision, scale: *scale },
            TypeShape::Fixed(size) => SchemaNode::Fixed(crate::avro::FixedSchema {
                name: crate::avro::Name::new(format!("fixed_{size}"), None),
                size: *size,
            }),
            TypeShape::Optional(inner) => SchemaNode::Union(vec![SchemaNode::Null, inner.to_schema(named)]),
            TypeShape::Array(inner) => SchemaNode::Array(Box::new(inner.to_schema(named))),
            TypeShape::Map(inner) => SchemaNode::Map(Box::new(inner.to_schema(named))),
            TypeShape::Named(_) => named(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_nested_shapes() {
        let shape = TypeShape::Optional(Box::new(TypeShape::Array(Box::new(TypeShape::Named("LineItem".into())))));
        assert_eq!(shape.display(), "union<null,array<LineItem>>");
        assert_eq!(shape.named(), Some("LineItem"));
        assert_eq!(shape.implicit_default(), Some("null"));
        assert_eq!(TypeShape::Decimal { precision: 12, scale: 2 }.display(), "decimal(12,2)");
    }

    #[test]
    fn path_steps_through_arrays_and_maps_but_not_options() {
        let named = || Box::new(TypeShape::Named("Address".into()));
        assert_eq!(TypeShape::Named("Address".into()).path_step(), Some(vec![]));
        assert_eq!(TypeShape::Optional(named()).path_step(), Some(vec![]));
        let nested = TypeShape::Optional(Box::new(TypeShape::Map(Box::new(TypeShape::Array(named())))));
        assert_eq!(nested.path_step(), Some(vec![PathStep::Values, PathStep::Items]));
        assert_eq!(TypeShape::Array(Box::new(TypeShape::String)).path_step(), None);
    }

    #[test]
    fn to_schema_wraps_the_named_type() {
        let shape = TypeShape::Map(Box::new(TypeShape::Optional(Box::new(TypeShape::Named("X".into())))));
        let schema = shape.to_schema(&mut || SchemaNode::Reference("sales.X".into()));
        assert_eq!(
            schema,
            SchemaNode::Map(Box::new(SchemaNode::Union(vec![
                SchemaNode::Null,
                SchemaNode::Reference("sales.X".into())
            ])))
        );
    }
}
