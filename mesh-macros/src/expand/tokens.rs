//! Small token builders shared by the generators.

use mesh_model::TypeShape;
use proc_macro2::TokenStream;
use quote::quote;

/// `__mesh::Some(String::from(..))` or `__mesh::None`.
pub fn opt_string(value: Option<&str>) -> TokenStream {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => quote!(__mesh::Some(__mesh::String::from(#v))),
        None => quote!(__mesh::None),
    }
}

/// `__mesh::Some(Cow::Borrowed(..))` or `__mesh::None`, for descriptors.
pub fn opt_cow(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(__mesh::Some(__mesh::Cow::Borrowed(#v))),
        None => quote!(__mesh::None),
    }
}

/// `__mesh::vec![String::from(..), ..]`.
pub fn string_vec(values: &[String]) -> TokenStream {
    quote!(__mesh::vec![#(__mesh::String::from(#values)),*])
}

/// A `Cow<'static, [Cow<'static, str>]>` of the values.
pub fn cow_list(values: &[String]) -> TokenStream {
    quote!(__mesh::Cow::Borrowed(&[#(__mesh::Cow::Borrowed(#values)),*]))
}

/// Code that builds `shape` as a `mesh_model::TypeShape` value.
pub fn shape(shape: &TypeShape) -> TokenStream {
    let boxed = |inner: &TypeShape| {
        let inner = self::shape(inner);
        quote!(__mesh::Box::new(#inner))
    };
    match shape {
        TypeShape::Boolean => quote!(__mesh::TypeShape::Boolean),
        TypeShape::Int => quote!(__mesh::TypeShape::Int),
        TypeShape::Long => quote!(__mesh::TypeShape::Long),
        TypeShape::Float => quote!(__mesh::TypeShape::Float),
        TypeShape::Double => quote!(__mesh::TypeShape::Double),
        TypeShape::String => quote!(__mesh::TypeShape::String),
        TypeShape::Bytes => quote!(__mesh::TypeShape::Bytes),
        TypeShape::Date => quote!(__mesh::TypeShape::Date),
        TypeShape::TimestampMillis => quote!(__mesh::TypeShape::TimestampMillis),
        TypeShape::TimestampMicros => quote!(__mesh::TypeShape::TimestampMicros),
        TypeShape::Uuid => quote!(__mesh::TypeShape::Uuid),
        TypeShape::Decimal { precision, scale } => {
            quote!(__mesh::TypeShape::Decimal { precision: #precision, scale: #scale })
        }
        TypeShape::Fixed(size) => quote!(__mesh::TypeShape::Fixed(#size)),
        TypeShape::Optional(inner) => {
            let inner = boxed(inner);
            quote!(__mesh::TypeShape::Optional(#inner))
        }
        TypeShape::Array(inner) => {
            let inner = boxed(inner);
            quote!(__mesh::TypeShape::Array(#inner))
        }
        TypeShape::Map(inner) => {
            let inner = boxed(inner);
            quote!(__mesh::TypeShape::Map(#inner))
        }
        TypeShape::Named(name) => quote!(__mesh::TypeShape::Named(__mesh::String::from(#name))),
    }
}
