//! An enum of unit variants, read into a plain Avro enum model.

use std::collections::HashSet;

use mesh_model::check_avro_name;
use syn::{Meta, Variant};

use super::attr::{key_of, nested_metas, string_value, Keys};
use crate::ctxt::Ctxt;
use crate::symbol::*;

/// One symbol of the enum.
pub struct Symbol {
    /// The Rust variant.
    pub ident: syn::Ident,
    pub name: String,
}

/// The symbols and the default symbol.
pub struct Symbols {
    pub symbols: Vec<Symbol>,
    pub default: Option<String>,
}

/// Reads the variants; every variant must be a unit variant.
pub fn symbols<'a>(cx: &Ctxt, variants: impl Iterator<Item = &'a Variant>, enum_ident: &syn::Ident) -> Symbols {
    let mut symbols = Vec::new();
    let mut default = None;
    let mut names = HashSet::new();
    let mut variant_count = 0;
    for variant in variants {
        variant_count += 1;
        if !matches!(variant.fields, syn::Fields::Unit) {
            cx.error_spanned_by(
                variant,
                "an Avro enum has only unit variants: move the data into a #[derive(AvroRecord)] struct, or make this a unit variant",
            );
            continue;
        }
        let mut name = variant.ident.to_string();
        let mut seen = Keys::default();
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident(AVRO)) {
            let Meta::List(list) = &attr.meta else {
                cx.error_spanned_by(attr, "write `#[avro(rename = \"...\")]` or `#[avro(default)]`");
                continue;
            };
            for meta in nested_metas(cx, list) {
                let Some(key) = key_of(cx, &meta, VARIANT_AVRO_KEYS, &mut seen, "#[avro(...)] on a variant") else {
                    continue;
                };
                if key == RENAME {
                    if let Some(v) = string_value(cx, &meta, RENAME, "\"EUR\"") {
                        match check_avro_name(&v.value) {
                            Ok(()) => name = v.value,
                            Err(e) => cx.error_at(v.span, e),
                        }
                    }
                } else if !matches!(meta, Meta::Path(_)) {
                    cx.error_spanned_by(
                        &meta,
                        "write `#[avro(default)]`: the variant readers use for symbols they do not know",
                    );
                } else if default.is_some() {
                    cx.error_spanned_by(&meta, "only one variant can be the enum's default");
                } else {
                    default = Some(variant.ident.to_string());
                }
            }
        }
        if !names.insert(name.clone()) {
            cx.error_spanned_by(&variant.ident, format!("two variants are named `{name}` in Avro; rename one"));
        }
        if default.as_deref() == Some(&variant.ident.to_string()) {
            default = Some(name.clone());
        }
        symbols.push(Symbol { ident: variant.ident.clone(), name });
    }
    if variant_count == 0 {
        cx.error_spanned_by(enum_ident, "an Avro enum needs at least one symbol: add a unit variant");
    }
    Symbols { symbols, default }
}
