//! The `#[data_product(...)]` arguments, read into a plain model.

use mesh_model::{
    check_avro_name, check_owner, is_snake_case, parse_input_ref, parse_version, to_snake_case, Availability,
    CalendarDate, Compatibility, Freshness, Layer, QualityScore, Sla,
};
use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{LitStr, Meta, Token};

use super::attr::{key_of, key_span, nested_metas, parse_metas, string_list, string_value, Keys, Spanned};
use super::event_time::EventTime;
use crate::ctxt::Ctxt;
use crate::symbol::*;

/// An upstream product.
pub enum Input {
    /// Named by its Rust type: the compiler resolves it.
    Linked(syn::Path),
    /// Named by id and requirement, for products this crate does not link.
    Declared { domain: String, name: String, requirement: String },
}

/// Who may consume the product.
pub enum Visibility {
    Domain,
    Public,
    Domains(Vec<String>),
}

/// Everything `#[data_product(...)]` says.
pub struct ProductAttrs {
    pub domain: String,
    pub name: String,
    pub version: String,
    pub owner: String,
    pub layer: Layer,
    pub description: Option<String>,
    pub support: Option<String>,
    pub tags: Vec<String>,
    pub sla: Sla,
    /// The field `event_time` names, once checked against the struct's fields (`event_time::resolve`).
    pub event_time: Option<EventTime>,
    /// The SLA as written, so docs and contracts show canonical values.
    pub read: Option<String>,
    pub authentication: Option<String>,
    pub visibility: Visibility,
    pub inputs: Vec<Input>,
    pub compatibility: Compatibility,
    pub deprecated: Option<String>,
    /// The quality rules, once read against the fields.
    pub quality: super::quality::Rules,
}

enum InputArg {
    Id(LitStr),
    Path(syn::Path),
}

impl Parse for InputArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(LitStr) {
            input.parse().map(InputArg::Id)
        } else {
            input.parse().map(InputArg::Path)
        }
    }
}

/// Checks what the struct itself must be: not generic, as a product has exactly one schema.
pub fn check_product_struct(cx: &Ctxt, item: &syn::ItemStruct) {
    if !item.generics.params.is_empty() {
        cx.error_spanned_by(
            &item.generics,
            "a data product cannot be generic: it has exactly one schema; use concrete types",
        );
    }
}

/// The arguments as read, before the struct's fields are.
pub struct ProductArgs {
    /// `None` when something required is missing or invalid (every problem is recorded in the context).
    pub attrs: Option<ProductAttrs>,
    /// The field name `event_time` gives, checked against the fields once they are read; kept apart
    /// from `attrs` so that it is checked even when a required key is missing.
    pub event_time: Option<Spanned<String>>,
    /// The product rules `quality(...)`, read once the fields are (`quality::rules`).
    pub quality: Option<Meta>,
}

/// Reads the arguments, recording every problem in `cx`.
pub fn product_attrs(cx: &Ctxt, args: TokenStream, struct_ident: &syn::Ident) -> ProductArgs {
    let mut seen = Keys::default();
    let mut domain = None;
    let mut name = None;
    let mut version = None;
    let mut owner = None;
    let mut layer = None;
    let mut description = None;
    let mut support = None;
    let mut tags = Vec::new();
    let mut sla = Sla::default();
    let mut event_time = None;
    let mut read = None;
    let mut authentication = None;
    let mut visibility = Visibility::Domain;
    let mut inputs = Vec::new();
    let mut compatibility = Compatibility::Full;
    let mut deprecated = None;
    let mut quality = None;

    for meta in parse_metas(cx, args) {
        let Some(key) = key_of(cx, &meta, PRODUCT_KEYS, &mut seen, "#[data_product(...)]") else {
            continue;
        };
        let text = |example: &str| string_value(cx, &meta, &key, example);
        match key.as_str() {
            DOMAIN => domain = text("\"sales\"").and_then(|v| checked(cx, v, check_snake_name)),
            NAME => name = text("\"orders_cleaned\"").and_then(|v| checked(cx, v, check_snake_name)),
            VERSION => {
                version = text("\"2.1.0\"").and_then(|v| checked(cx, v, |s| parse_version(s).map(|_| ())));
            }
            OWNER => owner = text("\"sales-data-team@company.com\"").and_then(|v| checked(cx, v, check_owner)),
            LAYER => {
                layer = text("\"gold\"").and_then(|v| match Layer::parse(&v.value) {
                    Ok(layer) => Some(layer),
                    Err(e) => {
                        cx.error_at(v.span, e);
                        None
                    }
                });
            }
            DESCRIPTION => description = text("\"Orders, cleaned and deduplicated\"").map(|v| v.value),
            SUPPORT => support = text("\"#sales-data on Slack\"").map(|v| v.value),
            TAGS => {
                tags = string_list(cx, &meta, TAGS, "\"orders\", \"finance\"").into_iter().map(|t| t.value).collect()
            }
            SLA => sla = sla_attrs(cx, &meta),
            EVENT_TIME => event_time = text("\"ordered_at\""),
            ACCESS => (read, authentication) = access_attrs(cx, &meta),
            VISIBILITY => visibility = visibility_attr(cx, &meta),
            INPUTS => inputs = input_list(cx, &meta),
            COMPATIBILITY => {
                if let Some(v) = text("\"full\"") {
                    match Compatibility::parse(&v.value) {
                        Ok(mode) => compatibility = mode,
                        Err(e) => cx.error_at(v.span, e),
                    }
                }
            }
            QUALITY => quality = Some(meta.clone()),
            _ => deprecated = text("\"2027-01-31\"").and_then(|v| checked(cx, v, check_date)),
        }
    }

    let name = name.or_else(|| {
        let derived = to_snake_case(&struct_ident.to_string());
        match check_snake_name(&derived) {
            Ok(()) => Some(derived),
            Err(e) => {
                cx.error_spanned_by(
                    struct_ident,
                    format!("the product name derived from the struct name: {e}; set name = \"...\""),
                );
                None
            }
        }
    });
    let missing = |what: &str, example: &str, why: &str| {
        cx.error_at(Span::call_site(), format!("missing `{what} = {example}` in #[data_product(...)]: {why}"));
    };
    if domain.is_none() && !seen.mentioned(DOMAIN) {
        missing(DOMAIN, "\"sales\"", "every product belongs to the domain that owns it");
    }
    if version.is_none() && !seen.mentioned(VERSION) {
        missing(VERSION, "\"1.0.0\"", "consumers pin products by semver version");
    }
    if owner.is_none() && !seen.mentioned(OWNER) {
        missing(OWNER, "\"sales-data-team@company.com\"", "every product has an accountable owning team");
    }
    if layer.is_none() && !seen.mentioned(LAYER) {
        missing(LAYER, "\"silver\"", "one of bronze, silver, gold decides which inputs the product may read");
    }
    let attrs = match (domain, name, version, owner, layer) {
        (Some(domain), Some(name), Some(version), Some(owner), Some(layer)) => Some(ProductAttrs {
            domain,
            name,
            version,
            owner,
            layer,
            description,
            support,
            tags,
            sla,
            event_time: None,
            read,
            authentication,
            visibility,
            inputs,
            compatibility,
            deprecated,
            quality: Default::default(),
        }),
        _ => None,
    };
    ProductArgs { attrs, event_time, quality }
}

fn checked(cx: &Ctxt, value: Spanned<String>, check: impl Fn(&str) -> Result<(), String>) -> Option<String> {
    match check(&value.value) {
        Ok(()) => Some(value.value),
        Err(e) => {
            cx.error_at(value.span, e);
            None
        }
    }
}

fn check_snake_name(name: &str) -> Result<(), String> {
    check_avro_name(name)?;
    if !is_snake_case(name) {
        return Err(format!(
            "`{name}` must be lower snake case (letters, digits, single `_`), e.g. \"orders_cleaned\""
        ));
    }
    Ok(())
}

fn check_date(text: &str) -> Result<(), String> {
    CalendarDate::parse(text).map(|_| ())
}

fn sla_attrs(cx: &Ctxt, meta: &Meta) -> Sla {
    let mut sla = Sla::default();
    let Meta::List(list) = meta else {
        cx.error_spanned_by(
            meta,
            "write `sla(freshness = \"15 minutes\", availability = \"99.9%\", quality_score = \">95%\")`",
        );
        return sla;
    };
    let mut seen = Keys::default();
    for meta in nested_metas(cx, list) {
        let Some(key) = key_of(cx, &meta, SLA_KEYS, &mut seen, "sla(...)") else {
            continue;
        };
        match key.as_str() {
            FRESHNESS => sla.freshness = parsed::<Freshness>(cx, &meta, &key, "\"15 minutes\""),
            AVAILABILITY => sla.availability = parsed::<Availability>(cx, &meta, &key, "\"99.9%\""),
            _ => sla.quality_score = parsed::<QualityScore>(cx, &meta, &key, "\">95%\""),
        }
    }
    sla
}

fn parsed<T: std::str::FromStr<Err = String>>(cx: &Ctxt, meta: &Meta, key: &str, example: &str) -> Option<T> {
    let value = string_value(cx, meta, key, example)?;
    value.value.parse().map_err(|e: String| cx.error_at(value.span, e)).ok()
}

fn access_attrs(cx: &Ctxt, meta: &Meta) -> (Option<String>, Option<String>) {
    let Meta::List(list) = meta else {
        cx.error_spanned_by(meta, "write `access(read = \"SELECT on sales.orders\", authentication = \"OAuth2\")`");
        return (None, None);
    };
    let mut seen = Keys::default();
    let (mut read, mut authentication) = (None, None);
    for meta in nested_metas(cx, list) {
        let Some(key) = key_of(cx, &meta, ACCESS_KEYS, &mut seen, "access(...)") else {
            continue;
        };
        let value = string_value(cx, &meta, &key, "\"...\"").map(|v| v.value);
        if key == READ {
            read = value;
        } else {
            authentication = value;
        }
    }
    (read, authentication)
}

fn visibility_attr(cx: &Ctxt, meta: &Meta) -> Visibility {
    let usage = "write `visibility = \"public\"`, `visibility = \"domain\"`, or `visibility(\"customer\", \"marketing\")` for named domains";
    match meta {
        Meta::NameValue(_) => match string_value(cx, meta, VISIBILITY, "\"public\"") {
            Some(v) if v.value == "public" => Visibility::Public,
            Some(v) if v.value == "domain" => Visibility::Domain,
            Some(v) => {
                cx.error_at(v.span, format!("unknown visibility `{}`: {usage}", v.value));
                Visibility::Domain
            }
            None => Visibility::Domain,
        },
        Meta::List(_) => {
            let domains = string_list(cx, meta, VISIBILITY, "\"customer\", \"marketing\"");
            for d in &domains {
                if let Err(e) = check_snake_name(&d.value) {
                    cx.error_at(d.span, format!("visibility: domain {e}"));
                }
            }
            if domains.is_empty() {
                cx.error_at(key_span(meta), usage);
            }
            Visibility::Domains(domains.into_iter().map(|d| d.value).collect())
        }
        Meta::Path(_) => {
            cx.error_spanned_by(meta, usage);
            Visibility::Domain
        }
    }
}

fn input_list(cx: &Ctxt, meta: &Meta) -> Vec<Input> {
    let usage = "write `inputs(crate::silver::OrdersCleaned, \"marketing.touches_cleaned@^1\")`: Rust paths to linked products, or \"domain.product@requirement\"";
    let Meta::List(list) = meta else {
        cx.error_spanned_by(meta, usage);
        return Vec::new();
    };
    let args = match list.parse_args_with(Punctuated::<InputArg, Token![,]>::parse_terminated) {
        Ok(args) => args,
        Err(e) => {
            cx.error_at(e.span(), usage);
            return Vec::new();
        }
    };
    if args.is_empty() {
        cx.error_spanned_by(meta, format!("`inputs()` is empty: remove it, or {usage}"));
    }
    args.into_iter()
        .filter_map(|arg| match arg {
            InputArg::Path(path) => Some(Input::Linked(path)),
            InputArg::Id(lit) => match parse_input_ref(&lit.value()) {
                Ok(parsed) => Some(Input::Declared {
                    domain: parsed.domain.to_string(),
                    name: parsed.name.to_string(),
                    requirement: parsed.requirement.to_string(),
                }),
                Err(e) => {
                    cx.error_spanned_by(&lit, e);
                    None
                }
            },
        })
        .collect()
}
