//! Generates the product's `ProductDescriptor` as a constant.

use mesh_model::{Bound, Encryption, Layer, PathStep, PiiClass, Sla};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::tokens::{cow_list, opt_cow};
use crate::ast::product::{Input, ProductAttrs, Visibility};
use crate::ast::record::Field;
use crate::ast::types::Leaf;

/// The `&'static ProductDescriptor` expression, with the helper constants it needs.
pub fn descriptor(attrs: &ProductAttrs, ident: &syn::Ident, fields: &[Field]) -> TokenStream {
    let ProductAttrs { domain, name, version, owner, .. } = attrs;
    let layer = match attrs.layer {
        Layer::Bronze => quote!(Bronze),
        Layer::Silver => quote!(Silver),
        Layer::Gold => quote!(Gold),
    };
    let description = attrs.description.clone().unwrap_or_default();
    let support = opt_cow(attrs.support.as_deref());
    let tags = cow_list(&attrs.tags);
    let sla = sla(&attrs.sla);
    let event_time = opt_cow(attrs.event_time.as_ref().map(|e| e.name.as_str()));
    let read = opt_cow(attrs.read.as_deref());
    let authentication = opt_cow(attrs.authentication.as_deref());
    let visibility = match &attrs.visibility {
        Visibility::Domain => quote!(__mesh::Visibility::Domain),
        Visibility::Public => quote!(__mesh::Visibility::Public),
        Visibility::Domains(domains) => {
            let list = cow_list(domains);
            quote!(__mesh::Visibility::Domains(#list))
        }
    };
    let compatibility = syn::Ident::new(
        &attrs.compatibility.as_str().split('_').map(capitalise).collect::<String>(),
        proc_macro2::Span::call_site(),
    );
    let deprecated = opt_cow(attrs.deprecated.as_deref());
    let inputs = attrs.inputs.iter().map(input);
    let fields = field_list(fields);
    let quality = super::quality::rule_list(&attrs.quality);
    let rust_name = ident.to_string();
    let source = source_location(ident.span());
    quote! {{
        const INPUTS: &[__mesh::InputRef] = &[#(#inputs),*];
        const FIELDS: &[__mesh::FieldDescriptor] = #fields;
        const QUALITY: &[__mesh::QualityRule] = #quality;
        const DESCRIPTOR: &__mesh::ProductDescriptor = &__mesh::ProductDescriptor {
            domain: __mesh::Cow::Borrowed(#domain),
            name: __mesh::Cow::Borrowed(#name),
            version: __mesh::Cow::Borrowed(#version),
            owner: __mesh::Cow::Borrowed(#owner),
            layer: __mesh::Layer::#layer,
            description: __mesh::Cow::Borrowed(#description),
            support: #support,
            tags: #tags,
            sla: #sla,
            event_time: #event_time,
            access: __mesh::Access { read: #read, authentication: #authentication },
            visibility: #visibility,
            compatibility: __mesh::Compatibility::#compatibility,
            deprecated: #deprecated,
            inputs: __mesh::Cow::Borrowed(INPUTS),
            fields: __mesh::Cow::Borrowed(FIELDS),
            quality: __mesh::Cow::Borrowed(QUALITY),
            rust_type: __mesh::Cow::Borrowed(::core::concat!(::core::module_path!(), "::", #rust_name)),
            source: #source,
        };
        DESCRIPTOR
    }}
}

/// A `SourceLocation` of the token at `span`: the compiler fills in its line and column.
fn source_location(span: proc_macro2::Span) -> TokenStream {
    let line = quote_spanned!(span=> ::core::line!());
    let column = quote_spanned!(span=> ::core::column!());
    quote! {
        __mesh::SourceLocation { file: __mesh::Cow::Borrowed(::core::file!()), line: #line, column: #column }
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn percent(thousandths: u32) -> TokenStream {
    quote!(__mesh::Percent::from_thousandths(#thousandths))
}

fn sla(sla: &Sla) -> TokenStream {
    let freshness = match sla.freshness {
        Some(f) => {
            let secs = f.as_secs();
            quote!(__mesh::Some(__mesh::Freshness::from_secs(#secs)))
        }
        None => quote!(__mesh::None),
    };
    let availability = match sla.availability {
        Some(a) => {
            let p = percent(a.0.thousandths());
            quote!(__mesh::Some(__mesh::Availability(#p)))
        }
        None => quote!(__mesh::None),
    };
    let quality_score = match sla.quality_score {
        Some(q) => {
            let bound = match q.bound {
                Bound::Above => quote!(Above),
                Bound::AtLeast => quote!(AtLeast),
            };
            let p = percent(q.percent.thousandths());
            quote!(__mesh::Some(__mesh::QualityScore { bound: __mesh::Bound::#bound, percent: #p }))
        }
        None => quote!(__mesh::None),
    };
    quote!(__mesh::Sla { freshness: #freshness, availability: #availability, quality_score: #quality_score })
}

fn input(input: &Input) -> TokenStream {
    match input {
        Input::Linked(path) => quote! {
            __mesh::InputRef {
                domain: __mesh::Cow::Borrowed(<#path as __mesh::DataProduct>::DOMAIN),
                name: __mesh::Cow::Borrowed(<#path as __mesh::DataProduct>::NAME),
                requirement: __mesh::Cow::Borrowed(<#path as __mesh::DataProduct>::VERSION),
                linked: true,
            }
        },
        Input::Declared { domain, name, requirement } => quote! {
            __mesh::InputRef {
                domain: __mesh::Cow::Borrowed(#domain),
                name: __mesh::Cow::Borrowed(#name),
                requirement: __mesh::Cow::Borrowed(#requirement),
                linked: false,
            }
        },
    }
}

/// The `&[FieldDescriptor]` of a record's fields, as a constant expression.
pub fn field_list(fields: &[Field]) -> TokenStream {
    let fields = fields.iter().map(field);
    quote!(&[#(#fields),*])
}

fn field(field: &Field) -> TokenStream {
    let name = &field.name;
    let avro_type = field.ty.shape.display();
    let doc = &field.doc;
    let aliases = cow_list(&field.aliases);
    let pii = match field.pii {
        Some(pii) => {
            let class = match pii.class {
                PiiClass::Direct => quote!(Direct),
                PiiClass::Indirect => quote!(Indirect),
                PiiClass::Sensitive => quote!(Sensitive),
            };
            let encryption = encryption_tokens(pii.encryption);
            quote!(__mesh::Some(__mesh::Pii { class: __mesh::PiiClass::#class, encryption: #encryption }))
        }
        None => quote!(__mesh::None),
    };
    // The nested type says whether it is a record (and which fields it has): only its name is known here.
    let record = match (&field.ty.leaf, field.ty.shape.path_step()) {
        (Leaf::Named(ty), Some(step)) => {
            // Steps into a nested record are arrays and maps only, never fields.
            let step = step.iter().filter_map(|step| match step {
                PathStep::Items => Some(quote!(__mesh::PathStep::Items)),
                PathStep::Values => Some(quote!(__mesh::PathStep::Values)),
                PathStep::Field(_) => None,
            });
            quote_spanned! {ty.span()=>
                __mesh::NestedRecord::of(<#ty as __mesh::AvroSchema>::RECORD, &[#(#step),*])
            }
        }
        _ => quote!(__mesh::None),
    };
    let source = source_location(field.member.span());
    quote! {
        __mesh::FieldDescriptor {
            name: __mesh::Cow::Borrowed(#name),
            avro_type: __mesh::Cow::Borrowed(#avro_type),
            doc: __mesh::Cow::Borrowed(#doc),
            pii: #pii,
            aliases: #aliases,
            record: #record,
            source: #source,
        }
    }
}

/// `None`, or `Some(Encryption::Randomized)` / `Some(Encryption::Deterministic)`.
pub fn encryption_tokens(encryption: Option<Encryption>) -> TokenStream {
    match encryption.map(mode_tokens) {
        None => quote!(__mesh::None),
        Some(mode) => quote!(__mesh::Some(#mode)),
    }
}

/// `Encryption::Randomized` or `Encryption::Deterministic`.
pub fn mode_tokens(mode: Encryption) -> TokenStream {
    match mode {
        Encryption::Randomized => quote!(__mesh::Encryption::Randomized),
        Encryption::Deterministic => quote!(__mesh::Encryption::Deterministic),
    }
}
