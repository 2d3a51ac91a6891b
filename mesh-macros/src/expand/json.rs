//! Generates `WriteJson` impls: a record printed as JSON straight from its fields, field by field
//! from each field's `TypeShape`, as the schema walk of `mesh_avro::codec::json` prints its datum.
//!
//! Locals start with `__`, for the reason given in `codec`.

use mesh_model::TypeShape;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::enumeration::Symbols;
use crate::ast::record::Field;

/// `impl WriteJson` for a record: its fields in declaration (schema) order.
pub fn record_json(ident: &syn::Ident, fields: &[Field]) -> TokenStream {
    let writes = fields.iter().enumerate().map(|(i, field)| {
        let member = &field.member;
        // Avro names are `[A-Za-z_][A-Za-z0-9_]*`: nothing in them needs escaping.
        let key = format!("{}\"{}\":", if i == 0 { "{" } else { "," }, field.name);
        let value = write(&field.ty.shape, quote!(&self.#member), 0);
        quote! {
            __out.push_str(#key);
            #value
        }
    });
    let close = if fields.is_empty() { "{}" } else { "}" };
    quote! {
        impl __mesh::codec::json::WriteJson for #ident {
            fn write_json(&self, __out: &mut __mesh::String) {
                #(#writes)*
                __out.push_str(#close);
            }
        }
    }
}

/// `impl WriteJson` for an enum: its symbol as a string.
pub fn enum_json(ident: &syn::Ident, symbols: &Symbols) -> TokenStream {
    let variants = symbols.symbols.iter().map(|s| &s.ident);
    // Avro symbols are names too: quoted as they are.
    let quoted = symbols.symbols.iter().map(|s| format!("\"{}\"", s.name));
    quote! {
        impl __mesh::codec::json::WriteJson for #ident {
            fn write_json(&self, __out: &mut __mesh::String) {
                __out.push_str(match self { #(Self::#variants => #quoted),* });
            }
        }
    }
}

/// A placeholder for a type whose declaration did not compile.
pub fn fallback_json(ident: &syn::Ident) -> TokenStream {
    quote! {
        impl __mesh::codec::json::WriteJson for #ident {
            fn write_json(&self, _: &mut __mesh::String) {}
        }
    }
}

/// Statements that append `value` (an expression of type `&T`) as JSON to `__out`.
fn write(shape: &TypeShape, value: TokenStream, depth: usize) -> TokenStream {
    let json = quote!(__mesh::codec::json);
    match shape {
        TypeShape::Boolean => quote!(#json::push_bool(__out, *#value);),
        TypeShape::Int => quote!(#json::push_long(__out, ::core::primitive::i64::from(*#value));),
        TypeShape::Long => quote!(#json::push_long(__out, *#value);),
        TypeShape::Float => quote!(#json::push_double(__out, ::core::primitive::f64::from(*#value));),
        TypeShape::Double => quote!(#json::push_double(__out, *#value);),
        TypeShape::String => quote!(#json::push_str(__out, #value);),
        TypeShape::Bytes | TypeShape::Fixed(_) => quote!(#json::push_bytes(__out, #value);),
        TypeShape::Date
        | TypeShape::TimestampMillis
        | TypeShape::TimestampMicros
        | TypeShape::Uuid
        | TypeShape::Decimal { .. }
        | TypeShape::Named(_) => quote!(#json::WriteJson::write_json(#value, __out);),
        // Unions print unwrapped: the value, or null.
        TypeShape::Optional(inner) => {
            let item = format_ident!("__item{}", depth);
            let inner = write(inner, quote!(#item), depth + 1);
            quote! {
                match #value {
                    __mesh::Some(#item) => { #inner }
                    __mesh::None => __out.push_str("null"),
                }
            }
        }
        TypeShape::Array(inner) => {
            let (index, item) = (format_ident!("__index{}", depth), format_ident!("__item{}", depth));
            let inner = write(inner, quote!(#item), depth + 1);
            quote! {
                __out.push('[');
                for (#index, #item) in (#value).iter().enumerate() {
                    if #index > 0 {
                        __out.push(',');
                    }
                    #inner
                }
                __out.push(']');
            }
        }
        // Sorted by key, as the schema walk prints a map (Avro maps have no order).
        TypeShape::Map(inner) => {
            let entries = format_ident!("__entries{}", depth);
            let (index, key, item) =
                (format_ident!("__index{}", depth), format_ident!("__key{}", depth), format_ident!("__item{}", depth));
            let inner = write(inner, quote!(#item), depth + 1);
            quote! {
                let mut #entries: __mesh::Vec<_> = (#value).iter().collect();
                #entries.sort_unstable_by(|__a, __b| __a.0.cmp(__b.0));
                __out.push('{');
                for (#index, (#key, #item)) in #entries.into_iter().enumerate() {
                    if #index > 0 {
                        __out.push(',');
                    }
                    #json::push_str(__out, #key);
                    __out.push(':');
                    #inner
                }
                __out.push('}');
            }
        }
    }
}
