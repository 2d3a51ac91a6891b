//! Reading attribute syntax: keys, string values, lists, doc comments.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta, Token};

use crate::ctxt::Ctxt;

/// A string value with the span to point errors at.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Parses `key = value, key(...), ...` into metas.
pub fn parse_metas(cx: &Ctxt, tokens: proc_macro2::TokenStream) -> Vec<Meta> {
    match syn::parse::Parser::parse2(Punctuated::<Meta, Token![,]>::parse_terminated, tokens) {
        Ok(metas) => metas.into_iter().collect(),
        Err(e) => {
            cx.syn_error(e);
            Vec::new()
        }
    }
}

/// The metas inside `key(...)`.
pub fn nested_metas(cx: &Ctxt, list: &syn::MetaList) -> Vec<Meta> {
    match list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
        Ok(metas) => metas.into_iter().collect(),
        Err(e) => {
            cx.syn_error(e);
            Vec::new()
        }
    }
}

/// The keys met so far in one attribute.
#[derive(Default)]
pub struct Keys {
    seen: HashSet<String>,
    /// Keys suggested for a misspelt key: not reported missing on top of the typo.
    suggested: HashSet<&'static str>,
}

impl Keys {
    /// Whether `key` was written, or a misspelling of it was reported.
    pub fn mentioned(&self, key: &str) -> bool {
        self.seen.contains(key) || self.suggested.contains(key)
    }
}

/// The key of a meta, checked against `allowed` and against earlier keys.
/// Records an error and returns `None` for an unknown or repeated key.
pub fn key_of(cx: &Ctxt, meta: &Meta, allowed: &[&'static str], keys: &mut Keys, context: &str) -> Option<String> {
    let Some(ident) = meta.path().get_ident() else {
        cx.error_spanned_by(meta.path(), format!("expected a key in {context}, one of: {}", allowed.join(", ")));
        return None;
    };
    let key = ident.to_string();
    if !allowed.contains(&key.as_str()) {
        let suggestion = closest(&key, allowed.iter().copied());
        keys.suggested.extend(suggestion);
        let hint = suggestion.map(|k| format!("did you mean `{k}`? ")).unwrap_or_default();
        cx.error_spanned_by(
            ident,
            format!("unknown key `{key}` in {context}: {hint}expected one of: {}", allowed.join(", ")),
        );
        return None;
    }
    if !keys.seen.insert(key.clone()) {
        cx.error_spanned_by(ident, format!("duplicate key `{key}` in {context}: it is already set; remove one"));
        return None;
    }
    Some(key)
}

/// The closest candidate (a key, a field name), for "did you mean" hints.
pub fn closest<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(key, candidate), candidate))
        .filter(|(distance, _)| *distance <= 2.max(key.len() / 3))
        .min()
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The string literal of `key = "..."`.
pub fn string_value(cx: &Ctxt, meta: &Meta, key: &str, example: &str) -> Option<Spanned<String>> {
    match meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(Spanned { value: s.value(), span: s.span() }),
            other => {
                cx.error_spanned_by(other, format!("`{key}` takes a string, e.g. {key} = {example}"));
                None
            }
        },
        _ => {
            cx.error_spanned_by(meta, format!("write `{key} = {example}`"));
            None
        }
    }
}

/// The string literals of `key("a", "b")`.
pub fn string_list(cx: &Ctxt, meta: &Meta, key: &str, example: &str) -> Vec<Spanned<String>> {
    let Meta::List(list) = meta else {
        cx.error_spanned_by(meta, format!("write `{key}({example})`"));
        return Vec::new();
    };
    match list.parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated) {
        Ok(items) => items.into_iter().map(|s| Spanned { value: s.value(), span: s.span() }).collect(),
        Err(e) => {
            cx.error_at(e.span(), format!("`{key}` takes a list of strings, e.g. {key}({example})"));
            Vec::new()
        }
    }
}

/// The text of the `///` doc comments among `attrs`: the lines of a paragraph
/// joined with spaces (they were wrapped for the source, not for readers),
/// paragraphs separated by a blank line.
pub fn doc_comment(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|text| text.lines().map(|line| line.trim().to_string()).collect::<Vec<_>>())
        .collect();
    lines
        .split(|line| line.is_empty())
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| paragraph.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The span of a meta's key, for errors about the key as a whole.
pub fn key_span(meta: &Meta) -> Span {
    meta.path().span()
}
