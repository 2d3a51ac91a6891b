//! A struct with named fields, read into a plain record model.

use std::collections::HashSet;

use mesh_model::{check_avro_name, check_avro_namespace, Encryption, Pii, PiiClass, TypeShape};
use syn::{Attribute, Expr, ExprLit, Fields, Lit, Meta};

use super::attr::{doc_comment, key_of, nested_metas, string_list, string_value, Keys};
use super::types::{classify, FieldType};
use crate::ctxt::Ctxt;
use crate::symbol::*;

/// A record field, as generated code needs it.
pub struct Field {
    /// The Rust field.
    pub member: syn::Ident,
    pub name: String,
    pub doc: String,
    pub ty: FieldType,
    pub pii: Option<Pii>,
    pub aliases: Vec<String>,
    /// The default as JSON text.
    pub default: Option<String>,
}

/// Container-level `#[avro(...)]` settings of a record or enum.
#[derive(Default)]
pub struct TypeAttrs {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub aliases: Vec<String>,
}

/// The Avro identity of a nested record or enum: name, namespace, aliases and doc.
pub struct Identity {
    pub name: String,
    pub attrs: TypeAttrs,
    pub doc: String,
}

/// Reads a derive input's identity, rejecting generic types (a named type has one fixed schema).
pub fn identity(cx: &Ctxt, input: &syn::DeriveInput) -> Identity {
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "an Avro named type cannot be generic: its schema must be fixed; use concrete types",
        );
    }
    let attrs = type_attrs(cx, &input.attrs);
    let name = attrs.name.clone().unwrap_or_else(|| input.ident.to_string());
    Identity { name, attrs, doc: doc_comment(&input.attrs) }
}

/// Reads `#[avro(name = "...", namespace = "...", aliases(...))]` on a type.
pub fn type_attrs(cx: &Ctxt, attrs: &[Attribute]) -> TypeAttrs {
    let mut out = TypeAttrs::default();
    let mut seen = Keys::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident(AVRO)) {
        let Meta::List(list) = &attr.meta else {
            cx.error_spanned_by(attr, "write `#[avro(name = \"...\", namespace = \"...\", aliases(\"...\"))]`");
            continue;
        };
        for meta in nested_metas(cx, list) {
            let Some(key) = key_of(cx, &meta, TYPE_AVRO_KEYS, &mut seen, "#[avro(...)] on a type") else {
                continue;
            };
            match key.as_str() {
                NAME => {
                    if let Some(name) = string_value(cx, &meta, NAME, "\"LineItem\"") {
                        match check_avro_name(&name.value) {
                            Ok(()) => out.name = Some(name.value),
                            Err(e) => cx.error_at(name.span, e),
                        }
                    }
                }
                NAMESPACE => {
                    if let Some(ns) = string_value(cx, &meta, NAMESPACE, "\"sales\"") {
                        match check_avro_namespace(&ns.value) {
                            Ok(()) => out.namespace = Some(ns.value),
                            Err(e) => cx.error_at(ns.span, e),
                        }
                    }
                }
                _ => out.aliases = checked_aliases(cx, &meta, true),
            }
        }
    }
    out
}

/// Aliases, each a valid Avro name (full names allowed where `dotted`).
fn checked_aliases(cx: &Ctxt, meta: &Meta, dotted: bool) -> Vec<String> {
    string_list(cx, meta, ALIASES, "\"old_name\"")
        .into_iter()
        .filter_map(|alias| {
            let check = if dotted { check_avro_namespace(&alias.value) } else { check_avro_name(&alias.value) };
            match check {
                Ok(()) => Some(alias.value),
                Err(e) => {
                    cx.error_at(alias.span, format!("alias: {e}"));
                    None
                }
            }
        })
        .collect()
}

/// Reads the named fields of a struct: a product's, or a nested record's (the same attributes apply).
pub fn fields(cx: &Ctxt, fields: &Fields, type_span: &syn::Ident) -> Vec<Field> {
    let Fields::Named(named) = fields else {
        cx.error_spanned_by(type_span, "an Avro record needs named fields: write `struct Name { field: Type, .. }`");
        return Vec::new();
    };
    if named.named.is_empty() {
        cx.error_spanned_by(type_span, "an Avro record needs at least one field");
    }
    let mut names = HashSet::new();
    named
        .named
        .iter()
        .filter_map(|field| {
            let member = field.ident.clone()?;
            let ty = classify(cx, &field.ty);
            let attrs = field_attrs(cx, &field.attrs, ty.as_ref().map(|t| &t.shape));
            if let (Some(pii), Some(ty)) = (&attrs.pii, &ty) {
                if pii.encrypted_at_rest() && !is_text(&ty.shape) {
                    cx.error_spanned_by(
                        &field.ty,
                        "an `encrypted` field must be a `String` or an `Option<String>`: its ciphertext is stored as \
                         text in the field's own type; store the value as a string",
                    );
                }
            }
            let name = attrs.rename.unwrap_or_else(|| member.to_string().trim_start_matches("r#").to_string());
            if let Err(e) = check_avro_name(&name) {
                cx.error_spanned_by(&member, e);
            }
            if !names.insert(name.clone()) {
                cx.error_spanned_by(
                    &member,
                    format!("two fields are named `{name}` in Avro; rename one with #[avro(rename = \"...\")]"),
                );
            }
            let default =
                attrs.default.or_else(|| ty.as_ref().and_then(|t| t.shape.implicit_default()).map(str::to_string));
            Some(Field {
                member,
                name,
                doc: doc_comment(&field.attrs),
                ty: ty?,
                pii: attrs.pii,
                aliases: attrs.aliases,
                default,
            })
        })
        .collect()
}

#[derive(Default)]
struct FieldAttrs {
    rename: Option<String>,
    aliases: Vec<String>,
    default: Option<String>,
    pii: Option<Pii>,
}

fn field_attrs(cx: &Ctxt, attrs: &[Attribute], shape: Option<&TypeShape>) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let mut seen = Keys::default();
    let mut seen_pii = false;
    for attr in attrs {
        if attr.path().is_ident(PII) {
            if seen_pii {
                cx.error_spanned_by(attr, "duplicate #[pii] attribute: keep one");
                continue;
            }
            seen_pii = true;
            out.pii = pii(cx, attr);
        } else if attr.path().is_ident(AVRO) {
            let Meta::List(list) = &attr.meta else {
                cx.error_spanned_by(attr, "write `#[avro(rename = \"...\", aliases(\"...\"), default = ...)]`");
                continue;
            };
            for meta in nested_metas(cx, list) {
                let Some(key) = key_of(cx, &meta, FIELD_AVRO_KEYS, &mut seen, "#[avro(...)] on a field") else {
                    continue;
                };
                match key.as_str() {
                    RENAME => {
                        if let Some(name) = string_value(cx, &meta, RENAME, "\"order_id\"") {
                            match check_avro_name(&name.value) {
                                Ok(()) => out.rename = Some(name.value),
                                Err(e) => cx.error_at(name.span, e),
                            }
                        }
                    }
                    ALIASES => out.aliases = checked_aliases(cx, &meta, false),
                    _ => out.default = default_value(cx, &meta, shape),
                }
            }
        }
    }
    out
}

/// What the codecs can encrypt: text, required or optional.
fn is_text(shape: &TypeShape) -> bool {
    match shape {
        TypeShape::String => true,
        TypeShape::Optional(inner) => **inner == TypeShape::String,
        _ => false,
    }
}

/// `#[pii]`, `#[pii(indirect)]`, `#[pii(direct, encrypted)]`, `#[pii(direct, encrypted, deterministic)]`.
fn pii(cx: &Ctxt, attr: &Attribute) -> Option<Pii> {
    let usage = "write `#[pii(CLASS)]`, `#[pii(CLASS, encrypted)]` or `#[pii(CLASS, encrypted, deterministic)]` \
                 with CLASS one of direct, indirect, sensitive";
    let metas = match &attr.meta {
        Meta::Path(_) => {
            cx.error_spanned_by(attr, format!("#[pii] needs a class: {usage}"));
            return None;
        }
        Meta::List(list) => nested_metas(cx, list),
        Meta::NameValue(_) => {
            cx.error_spanned_by(attr, usage);
            return None;
        }
    };
    let mut class = None;
    let (mut encrypted, mut deterministic) = (false, None);
    let mut reported = false;
    for meta in metas {
        let Meta::Path(path) = &meta else {
            cx.error_spanned_by(&meta, usage);
            continue;
        };
        let word = path.get_ident().map(ToString::to_string).unwrap_or_default();
        if word == ENCRYPTED {
            if encrypted {
                cx.error_spanned_by(path, "`encrypted` is given twice; keep one");
            }
            encrypted = true;
        } else if word == DETERMINISTIC {
            if deterministic.is_some() {
                cx.error_spanned_by(path, "`deterministic` is given twice; keep one");
            }
            deterministic = Some(path.clone());
        } else {
            match PiiClass::parse(&word) {
                Ok(parsed) if class.is_none() => class = Some(parsed),
                Ok(_) => cx.error_spanned_by(path, "a field has one PII class; keep one"),
                Err(e) => {
                    cx.error_spanned_by(path, format!("{e} (or `encrypted`, `deterministic`)"));
                    reported = true;
                }
            }
        }
    }
    if let (Some(path), false) = (&deterministic, encrypted) {
        cx.error_spanned_by(
            path,
            "`deterministic` says how a field is encrypted: write `#[pii(CLASS, encrypted, deterministic)]`",
        );
    }
    let encryption = match (encrypted, deterministic) {
        (false, _) => None,
        (true, None) => Some(Encryption::Randomized),
        (true, Some(_)) => Some(Encryption::Deterministic),
    };
    match class {
        Some(class) => Some(Pii { class, encryption }),
        None => {
            if !reported {
                cx.error_spanned_by(attr, format!("#[pii] needs a class: {usage}"));
            }
            None
        }
    }
}

/// `default = <literal>`, checked against the field's type, as JSON text.
fn default_value(cx: &Ctxt, meta: &Meta, shape: Option<&TypeShape>) -> Option<String> {
    let Meta::NameValue(nv) = meta else {
        cx.error_spanned_by(meta, "write `default = <literal>`, e.g. default = 0 or default = \"EUR\"");
        return None;
    };
    let Expr::Lit(ExprLit { lit, .. }) = &nv.value else {
        cx.error_spanned_by(&nv.value, "a default is a literal: a number, a string or a bool");
        return None;
    };
    let shape = shape?;
    let json = match (shape, lit) {
        (TypeShape::Int | TypeShape::Long, Lit::Int(n)) => n.base10_digits().to_string(),
        (TypeShape::Float | TypeShape::Double, Lit::Int(n)) => n.base10_digits().to_string(),
        (TypeShape::Float | TypeShape::Double, Lit::Float(n)) => n.base10_digits().to_string(),
        (TypeShape::Boolean, Lit::Bool(b)) => b.value.to_string(),
        (TypeShape::String | TypeShape::Uuid | TypeShape::Named(_), Lit::Str(s)) => {
            mesh_model::avro::json_string(&s.value())
        }
        (TypeShape::Optional(_), _) => {
            cx.error_spanned_by(
                lit,
                "an `Option` field already defaults to null (its union starts with null); remove the default",
            );
            return None;
        }
        (shape, _) => {
            cx.error_spanned_by(
                lit,
                format!(
                    "this default does not fit the field's Avro type `{}`: use a literal of that type",
                    shape.display()
                ),
            );
            return None;
        }
    };
    Some(json)
}

/// Removes the field attributes this crate reads, so the compiler never sees them.
pub fn strip_field_attrs(fields: &mut Fields) {
    for field in fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident(PII) && !a.path().is_ident(AVRO));
    }
}
