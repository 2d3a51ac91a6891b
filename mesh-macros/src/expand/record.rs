//! `#[derive(AvroRecord)]` and `#[derive(AvroEnum)]`: nested types of a product.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput};

use super::codec::{enum_codec, record_codec};
use super::json::{enum_json, record_json};
use super::schema::{enum_impl, record_impl, NamedType};
use super::typed::field_names;
use crate::ast::enumeration::symbols;
use crate::ast::record::{fields, identity};
use crate::ctxt::Ctxt;

/// Expands `#[derive(AvroRecord)]`.
pub fn derive_record(input: DeriveInput) -> TokenStream {
    let Data::Struct(data) = &input.data else {
        return wrong_kind(
            &input,
            "#[derive(AvroRecord)] needs a struct with named fields; use #[derive(AvroEnum)] for enums",
        );
    };
    let nested_rules = crate::ast::quality::reject_nested(&data.fields);
    let expanded = expand_named(
        &input,
        |cx| fields(cx, &data.fields, &input.ident),
        |named, fields| {
            let schema = record_impl(named, fields);
            let codec = record_codec(&input.ident, fields);
            let json = record_json(&input.ident, fields);
            let field_names = field_names(&input.ident, fields);
            quote!(#schema #codec #json #field_names)
        },
    );
    quote!(#nested_rules #expanded)
}

/// Expands `#[derive(AvroEnum)]`.
pub fn derive_enum(input: DeriveInput) -> TokenStream {
    let Data::Enum(data) = &input.data else {
        return wrong_kind(
            &input,
            "#[derive(AvroEnum)] needs an enum of unit variants; use #[derive(AvroRecord)] for structs",
        );
    };
    expand_named(
        &input,
        |cx| symbols(cx, data.variants.iter(), &input.ident),
        |named, symbols| {
            let schema = enum_impl(named, symbols);
            let codec = enum_codec(&input.ident, symbols);
            let json = enum_json(&input.ident, symbols);
            let key = super::quality::enum_key(&input.ident, symbols);
            quote!(#schema #codec #json #key)
        },
    )
}

fn wrong_kind(input: &DeriveInput, message: &str) -> TokenStream {
    syn::Error::new_spanned(&input.ident, message).to_compile_error()
}

/// Parses the type's identity and body (every error collected), then generates.
fn expand_named<T>(
    input: &DeriveInput,
    parse: impl FnOnce(&Ctxt) -> T,
    generate: impl FnOnce(&NamedType, &T) -> TokenStream,
) -> TokenStream {
    let cx = Ctxt::default();
    let identity = identity(&cx, input);
    let body = parse(&cx);
    if let Err(error) = cx.check() {
        return error.to_compile_error();
    }
    let named = NamedType {
        ident: &input.ident,
        name: &identity.name,
        namespace: identity.attrs.namespace.as_deref(),
        doc: &identity.doc,
        aliases: &identity.attrs.aliases,
    };
    let items = generate(&named, &body);
    quote!(const _: () = { use ::mesh_core::__private as __mesh; #items };)
}
