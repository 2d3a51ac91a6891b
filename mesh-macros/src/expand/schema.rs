//! Generates `AvroSchema` impls: records from their fields, enums from their symbols.

use mesh_model::TypeShape;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::descriptor::{field_list, mode_tokens};
use super::docs::record_pii_docs;
use super::tokens::{opt_string, shape, string_vec};
use crate::ast::enumeration::Symbols;
use crate::ast::record::Field;
use crate::ast::types::{Leaf, LogicalType};

/// The Avro identity of a generated named type.
pub struct NamedType<'a> {
    pub ident: &'a syn::Ident,
    pub name: &'a str,
    pub namespace: Option<&'a str>,
    pub doc: &'a str,
    pub aliases: &'a [String],
}

/// `impl AvroSchema for <record>`.
pub fn record_impl(named: &NamedType, fields: &[Field]) -> TokenStream {
    let NamedType { ident, name, .. } = named;
    let namespace = opt_string(named.namespace);
    let doc = opt_string(Some(named.doc));
    let aliases = string_vec(named.aliases);
    let checks = logical_type_checks(fields);
    let descriptors = field_list(fields);
    let rust_name = ident.to_string();
    let record_docs = record_pii_docs(fields);
    let fields = fields.iter().map(field_schema);
    quote! {
        #checks
        impl __mesh::AvroSchema for #ident {
            #(#[doc = #record_docs])*
            const RECORD: ::core::option::Option<__mesh::RecordFields> = __mesh::Some(__mesh::RecordFields {
                rust_type: ::core::concat!(::core::module_path!(), "::", #rust_name),
                fields: || const { #descriptors },
            });

            fn avro_schema(__ctx: &mut __mesh::SchemaContext) -> __mesh::SchemaNode {
                __ctx.record(__mesh::Name::new(#name, #namespace), #doc, #aliases, |__ctx| {
                    __mesh::vec![#(#fields),*]
                })
            }
        }
    }
}

fn field_schema(field: &Field) -> TokenStream {
    let name = &field.name;
    let doc = opt_string(Some(&field.doc));
    let aliases = string_vec(&field.aliases);
    let default = opt_string(field.default.as_deref());
    let shape = shape(&field.ty.shape);
    let nested = match &field.ty.leaf {
        Leaf::Named(ty) => quote_spanned!(ty.span()=> <#ty as __mesh::AvroSchema>::avro_schema(__ctx)),
        Leaf::Builtin | Leaf::Logical(..) => quote!(__mesh::SchemaNode::Null),
    };
    let encryption = match field.pii.and_then(|pii| pii.encryption).map(mode_tokens) {
        Some(mode) => quote!(__mesh::Some(__ctx.encryption(#mode))),
        None => quote!(__mesh::None),
    };
    quote! {
        __mesh::FieldSchema {
            name: __mesh::String::from(#name),
            doc: #doc,
            aliases: #aliases,
            default: #default,
            schema: (#shape).to_schema(&mut || #nested),
            encryption: #encryption,
        }
    }
}

/// Makes sure a field written `Date` (say) is `mesh_core::Date`, not a type of the same name.
fn logical_type_checks(fields: &[Field]) -> TokenStream {
    let checks = fields.iter().filter_map(|field| {
        let Leaf::Logical(ty, logical) = &field.ty.leaf else { return None };
        let name = syn::Ident::new(logical.rust_name(), ty.span());
        let expected = match logical_decimal(&field.ty.shape) {
            Some((precision, scale)) if matches!(logical, LogicalType::Decimal) => {
                quote!(::mesh_core::#name<#precision, #scale>)
            }
            _ => quote!(::mesh_core::#name),
        };
        Some(quote_spanned!(ty.span()=> const _: fn(#ty) -> #expected = |__value| __value;))
    });
    quote!(#(#checks)*)
}

fn logical_decimal(shape: &TypeShape) -> Option<(u32, u32)> {
    match shape {
        TypeShape::Decimal { precision, scale } => Some((*precision, *scale)),
        TypeShape::Optional(inner) | TypeShape::Array(inner) | TypeShape::Map(inner) => logical_decimal(inner),
        _ => None,
    }
}

/// `impl AvroSchema for <enum>`.
pub fn enum_impl(named: &NamedType, symbols: &Symbols) -> TokenStream {
    let NamedType { ident, name, .. } = named;
    let namespace = opt_string(named.namespace);
    let doc = opt_string(Some(named.doc));
    let aliases = string_vec(named.aliases);
    let names: Vec<String> = symbols.symbols.iter().map(|s| s.name.clone()).collect();
    let symbol_list = string_vec(&names);
    let default = opt_string(symbols.default.as_deref());
    quote! {
        impl __mesh::AvroSchema for #ident {
            fn avro_schema(__ctx: &mut __mesh::SchemaContext) -> __mesh::SchemaNode {
                __ctx.enumeration(__mesh::EnumSchema {
                    name: __mesh::Name::new(#name, #namespace),
                    doc: #doc,
                    aliases: #aliases,
                    symbols: #symbol_list,
                    default: #default,
                })
            }
        }
    }
}
