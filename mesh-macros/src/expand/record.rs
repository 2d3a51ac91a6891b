//! `#[derive(AvroRecord)]` and `#[derive(AvroEnum)]`: nested types of a product.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput};

use super::codec::{enum_codec, record_codec};
use super::schema::{enum_impl, record_impl, NamedType};
use super::typed::field_names;
use crate::ast::attr::doc_comment;
use crate::ast::enumeration::symbols;
use crate::ast::record::{fields, type_attrs, FieldContext};
use crate::ctxt::Ctxt;

/// Expands `#[derive(AvroRecord)]`.
pub fn derive_record(input: DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let Data::Struct(data) = &input.data else {
        return syn::Error::new_spanned(
            &input.ident,
            "#[derive(AvroRecord)] needs a struct with named fields; use #[derive(AvroEnum)] for enums",
        )
        .to_compile_error();
    };
    check_not_generic(&cx, &input);
    let container = type_attrs(&cx, &input.attrs);
    let record_fields = fields(&cx, &data.fields, FieldContext::NestedRecord, &input.ident);
    if let Err(error) = cx.check() {
        return error.to_compile_error();
    }
    let name = container.name.clone().unwrap_or_else(|| input.ident.to_string());
    let doc = doc_comment(&input.attrs);
    let schema = record_impl(
        &NamedType {
            ident: &input.ident,
            name: &name,
            namespace: container.namespace.as_deref(),
            doc: &doc,
            aliases: &container.aliases,
        },
        &record_fields,
    );
    let codec = record_codec(&input.ident, &record_fields);
    let field_names = field_names(&input.ident, &record_fields);
    quote!(const _: () = { use ::mesh_core::__private as __mesh; #schema #codec #field_names };)
}

/// Expands `#[derive(AvroEnum)]`.
pub fn derive_enum(input: DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let Data::Enum(data) = &input.data else {
        return syn::Error::new_spanned(
            &input.ident,
            "#[derive(AvroEnum)] needs an enum of unit variants; use #[derive(AvroRecord)] for structs",
        )
        .to_compile_error();
    };
    check_not_generic(&cx, &input);
    let container = type_attrs(&cx, &input.attrs);
    let symbols = symbols(&cx, data.variants.iter(), &input.ident);
    if let Err(error) = cx.check() {
        return error.to_compile_error();
    }
    let name = container.name.clone().unwrap_or_else(|| input.ident.to_string());
    let doc = doc_comment(&input.attrs);
    let schema = enum_impl(
        &NamedType {
            ident: &input.ident,
            name: &name,
            namespace: container.namespace.as_deref(),
            doc: &doc,
            aliases: &container.aliases,
        },
        &symbols,
    );
    let codec = enum_codec(&input.ident, &symbols);
    quote!(const _: () = { use ::mesh_core::__private as __mesh; #schema #codec };)
}

fn check_not_generic(cx: &Ctxt, input: &DeriveInput) {
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "an Avro named type cannot be generic: its schema must be fixed; use concrete types",
        );
    }
}
