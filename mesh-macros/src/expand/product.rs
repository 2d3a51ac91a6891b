//! `#[data_product(...)]`: validate the declaration, then generate the schema,
//! the descriptor, the registration and the docs.

use proc_macro2::TokenStream;
use quote::quote;

use super::codec::{fallback_codec, record_codec};
use super::descriptor::descriptor;
use super::docs::product_docs;
use super::json::{fallback_json, record_json};
use super::schema::{record_impl, NamedType};
use super::typed::{field_names, linked_inputs};
use crate::ast::product::{check_product_struct, product_attrs};
use crate::ast::record::{fields, strip_field_attrs, type_attrs};
use crate::ast::{event_time, quality};
use crate::ctxt::Ctxt;
use crate::symbol::AVRO;

/// Expands the attribute on `input`.
pub fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item: syn::ItemStruct = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = syn::Error::new(
                proc_macro2::Span::call_site(),
                "#[data_product] goes on a struct with named fields: `struct Orders { order_id: Uuid, .. }`",
            )
            .to_compile_error();
            return quote!(#error #input);
        }
    };
    let cx = Ctxt::default();
    check_product_struct(&cx, &item);
    let args = product_attrs(&cx, args, &item.ident);
    let container = type_attrs(&cx, &item.attrs);
    let record_fields = fields(&cx, &item.fields, &item.ident);
    let event_time = args
        .event_time
        .and_then(|written| event_time::resolve(&cx, &written, &item.ident, &item.fields, &record_fields));
    let rules = quality::rules(&cx, &item.fields, &record_fields, args.quality.as_ref());
    quality::strip(&mut item.fields);
    strip_field_attrs(&mut item.fields);
    item.attrs.retain(|a| !a.path().is_ident(AVRO));

    let mut attrs = match (cx.check(), args.attrs) {
        (Ok(()), Some(attrs)) => attrs,
        (result, _) => return fallback(&item, result.err()),
    };
    attrs.event_time = event_time;
    attrs.quality = rules;
    let ident = &item.ident;
    let record_name = container.name.clone().unwrap_or_else(|| ident.to_string());
    let namespace = container.namespace.clone().unwrap_or_else(|| attrs.domain.clone());
    let doc = attrs.description.clone().unwrap_or_else(|| crate::ast::attr::doc_comment(&item.attrs));
    attrs.description = Some(doc.clone());

    for line in product_docs(&attrs, &record_name, &namespace, &record_fields) {
        item.attrs.push(syn::parse_quote!(#[doc = #line]));
    }
    for line in super::quality::docs(&attrs.quality) {
        item.attrs.push(syn::parse_quote!(#[doc = #line]));
    }
    let schema = record_impl(
        &NamedType { ident, name: &record_name, namespace: Some(&namespace), doc: &doc, aliases: &container.aliases },
        &record_fields,
    );
    let codec = record_codec(ident, &record_fields);
    let json = record_json(ident, &record_fields);
    let field_names = field_names(ident, &record_fields);
    let inputs = linked_inputs(ident, &attrs.inputs);
    let descriptor = descriptor(&attrs, ident, &record_fields);
    let (domain, name, version) = (&attrs.domain, &attrs.name, &attrs.version);
    let id = format!("{domain}.{name}");
    let quality_accessor = super::quality::accessor(ident, &id, &record_fields, &attrs.quality);
    // Declared (its type checked while parsing): read through `EventTime`; else the trait default, `None`.
    let event_time_micros = attrs.event_time.as_ref().map(|event_time| {
        let member = &event_time.member;
        quote! {
            fn event_time_micros(&self) -> ::core::option::Option<i64> {
                __mesh::EventTime::event_time_micros(&self.#member)
            }
        }
    });
    quote! {
        #item

        const _: () = {
            use ::mesh_core::__private as __mesh;

            #schema
            #codec
            #json
            #field_names
            #inputs
            #quality_accessor

            impl __mesh::DataProduct for #ident {
                const DOMAIN: &'static str = #domain;
                const NAME: &'static str = #name;
                const VERSION: &'static str = #version;
                const DESCRIPTOR: &'static __mesh::ProductDescriptor = #descriptor;

                fn schema() -> ::core::result::Result<&'static __mesh::ProductSchema, __mesh::ProductSchemaError> {
                    static SCHEMA: __mesh::OnceLock<::core::result::Result<__mesh::ProductSchema, __mesh::ProductSchemaError>> =
                        __mesh::OnceLock::new();
                    __mesh::cached_schema::<Self>(&SCHEMA, #id)
                }

                #event_time_micros
            }

            impl __mesh::ContainerRecord for #ident {
                const PRODUCT_ID: &'static str = #id;
                const PRODUCT_VERSION: &'static str = #version;
                fn writer_schema() -> ::core::result::Result<&'static __mesh::ProductSchema, __mesh::ProductSchemaError> {
                    <Self as __mesh::DataProduct>::schema()
                }
            }

            __mesh::inventory::submit! {
                __mesh::Registration {
                    descriptor: <#ident as __mesh::DataProduct>::DESCRIPTOR,
                    schema: <#ident as __mesh::DataProduct>::schema,
                }
            }

            __mesh::inventory::submit! {
                __mesh::CodecRegistration {
                    product: #id,
                    write_sample: __mesh::write_sample::<#ident>,
                    sample_json: __mesh::sample_json::<#ident>,
                    read_file: __mesh::read_file::<#ident>,
                    read_json: __mesh::read_json::<#ident>,
                }
            }
        };
    }
}

/// The struct as written plus the errors, and placeholder impls so that code
/// using the product does not drown the real errors in follow-on ones.
fn fallback(item: &syn::ItemStruct, error: Option<syn::Error>) -> TokenStream {
    let error = error.map(|e| e.to_compile_error());
    let ident = &item.ident;
    if !item.generics.params.is_empty() {
        // Placeholder impls would only add "missing generics" errors.
        return quote!(#error #item);
    }
    let codec = fallback_codec(ident);
    let json = fallback_json(ident);
    quote! {
        #error
        #item
        const _: () = {
            use ::mesh_core::__private as __mesh;
            impl __mesh::AvroSchema for #ident {
                fn avro_schema(_: &mut __mesh::SchemaContext) -> __mesh::SchemaNode {
                    __mesh::SchemaNode::Null
                }
            }
            #codec
            #json
            impl __mesh::DataProduct for #ident {
                const DOMAIN: &'static str = "";
                const NAME: &'static str = "";
                const VERSION: &'static str = "0.0.0";
                const DESCRIPTOR: &'static __mesh::ProductDescriptor = &__mesh::INVALID_PRODUCT;
                fn schema() -> ::core::result::Result<&'static __mesh::ProductSchema, __mesh::ProductSchemaError> {
                    ::core::result::Result::Err(__mesh::invalid_product_error())
                }
            }
            impl __mesh::ContainerRecord for #ident {
                const PRODUCT_ID: &'static str = "";
                const PRODUCT_VERSION: &'static str = "0.0.0";
                fn writer_schema() -> ::core::result::Result<&'static __mesh::ProductSchema, __mesh::ProductSchemaError> {
                    ::core::result::Result::Err(__mesh::invalid_product_error())
                }
            }
        };
    }
}
