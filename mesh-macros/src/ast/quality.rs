//! Quality rules: `#[quality(...)]` on a product's fields and `quality(...)` in `#[data_product(...)]`,
//! read into `mesh_model::QualityRule`s, each checked against the field's type at its token.

use std::borrow::Cow;

use mesh_model::{check_rule_fits, parse_share, Check, Limit, Number, QualityRule, TypeShape, FIELD_RULES};
use proc_macro2::Span;
use syn::spanned::Spanned as _;
use syn::{Expr, ExprLit, ExprUnary, Lit, Meta, UnOp};

use super::attr::{closest, key_of, nested_metas, string_list, string_value, Keys};
use super::record::Field;
use crate::ctxt::Ctxt;
use crate::symbol::QUALITY;

/// A product's rules, and the fields the generated accessor must reach.
#[derive(Default)]
pub struct Rules {
    /// Field rules in field order, then product rules.
    pub rules: Vec<QualityRule>,
    /// Indices into the record's fields of every field a rule reads.
    pub accessed: Vec<usize>,
}

impl Rules {
    fn access(&mut self, index: usize) {
        if !self.accessed.contains(&index) {
            self.accessed.push(index);
        }
    }
}

const FIELD_USAGE: &str = "write e.g. `#[quality(unique, not_empty, range(min = 0, max = 100), accepted_values(\"EUR\", \"GBP\"), pattern = \"[A-Z]{3}\", length(min = 1, max = 64), max_null_share = \"5%\")]`";

/// Reads every rule: those on `declared`'s fields (read as `fields`) and the product's `quality(...)`.
pub fn rules(cx: &Ctxt, declared: &syn::Fields, fields: &[Field], product: Option<&Meta>) -> Rules {
    let mut out = Rules::default();
    for syn_field in declared {
        let Some(ident) = &syn_field.ident else { continue };
        // A field whose type has no Avro mapping is already reported at its type.
        let Some(index) = fields.iter().position(|f| &f.member == ident) else { continue };
        let field = &fields[index];
        let mut seen = Keys::default();
        for attr in syn_field.attrs.iter().filter(|a| a.path().is_ident(QUALITY)) {
            let Meta::List(list) = &attr.meta else {
                cx.error_spanned_by(attr, FIELD_USAGE);
                continue;
            };
            for meta in nested_metas(cx, list) {
                let Some(key) = key_of(cx, &meta, FIELD_RULES, &mut seen, "#[quality(...)]") else { continue };
                if let Some(problem) = check_rule_fits(&key, &field.ty.shape) {
                    cx.error_spanned_by(meta.path(), format!("field `{}`: {problem}", field.member));
                    continue;
                }
                if let Some(check) = field_check(cx, &meta, &key, &field.ty.shape) {
                    out.rules.push(QualityRule { field: Some(Cow::Owned(field.name.clone())), check });
                    out.access(index);
                }
            }
        }
    }
    if let Some(meta) = product {
        product_rules(cx, meta, fields, &mut out);
    }
    out
}

fn field_check(cx: &Ctxt, meta: &Meta, key: &str, shape: &TypeShape) -> Option<Check> {
    let flag = |check: Check| match meta {
        Meta::Path(_) => Some(check),
        _ => {
            cx.error_spanned_by(meta, format!("`{key}` takes no value: write `#[quality({key})]`"));
            None
        }
    };
    match key {
        "unique" => flag(Check::Unique),
        "not_empty" => flag(Check::NotEmpty),
        "range" => range(cx, meta, shape),
        "accepted_values" => accepted_values(cx, meta, shape),
        "pattern" => {
            let pattern = string_value(cx, meta, key, "\"[A-Z]{3}\"")?;
            match check_pattern(&pattern.value) {
                Ok(()) => Some(Check::Pattern(Cow::Owned(pattern.value))),
                Err(e) => {
                    cx.error_at(pattern.span, format!("`pattern` is not a valid regular expression: {e}"));
                    None
                }
            }
        }
        "length" => {
            let (min, max) = count_bounds(cx, meta, key, "length(min = 1, max = 64)")?;
            Some(Check::Length { min, max })
        }
        _ => {
            let share = string_value(cx, meta, key, "\"5%\"")?;
            parse_share(&share.value).map(Check::MaxNullShare).map_err(|e| cx.error_at(share.span, e)).ok()
        }
    }
}

/// Parses the pattern as the validator's `regex` crate will (its own parser, `regex-syntax`).
fn check_pattern(pattern: &str) -> Result<(), String> {
    // One line: the parser's multi-line report with carets does not fit a compiler message.
    regex_syntax::Parser::new().parse(pattern).map(|_| ()).map_err(|e| match e {
        regex_syntax::Error::Parse(e) => e.kind().to_string(),
        regex_syntax::Error::Translate(e) => e.kind().to_string(),
        other => other.to_string(),
    })
}

const RANGE_KEYS: &[&str] = &["min", "max", "min_exclusive", "max_exclusive"];

fn range(cx: &Ctxt, meta: &Meta, shape: &TypeShape) -> Option<Check> {
    let usage = "write `range(min = 0, max = 100)`; `min_exclusive` / `max_exclusive` exclude the bound";
    let Meta::List(list) = meta else {
        cx.error_spanned_by(meta, usage);
        return None;
    };
    let (mut min, mut max) = (None, None);
    let mut seen = Keys::default();
    let bounds = nested_metas(cx, list);
    let written = !bounds.is_empty();
    for inner in bounds {
        let Some(key) = key_of(cx, &inner, RANGE_KEYS, &mut seen, "range(...)") else { continue };
        let Some((number, text, span)) = number_value(cx, &inner, &key) else { continue };
        let integer = matches!(inner_shape(shape), TypeShape::Int | TypeShape::Long);
        if integer && !number.is_integer() {
            cx.error_at(
                span,
                format!("range bound `{text}` is not an integer, and the field is `{}`", shape.display()),
            );
            continue;
        }
        if let TypeShape::Decimal { scale, .. } = inner_shape(shape) {
            if number.scale > *scale && !number.is_integer() {
                cx.error_at(span, format!("range bound `{text}` has more decimals than the field's scale {scale}"));
                continue;
            }
        }
        let limit = Limit { value: Cow::Owned(text), inclusive: !key.ends_with("_exclusive") };
        let slot = if key.starts_with("min") { &mut min } else { &mut max };
        if slot.is_some() {
            cx.error_at(
                span,
                format!("a range has one {} bound: keep `min` or `min_exclusive`, `max` or `max_exclusive`", &key[..3]),
            );
            continue;
        }
        *slot = Some((limit, number));
    }
    if let (Some((_, low)), Some((_, high))) = (&min, &max) {
        if low.compare_decimal(high.unscaled, high.scale).is_lt() {
            cx.error_spanned_by(meta, "this range's minimum is above its maximum: no value could pass");
            return None;
        }
    }
    if min.is_none() && max.is_none() {
        // A bound written but rejected is already reported.
        if !written {
            cx.error_spanned_by(meta, usage);
        }
        return None;
    }
    Some(Check::Range { min: min.map(|m| m.0), max: max.map(|m| m.0) })
}

fn inner_shape(shape: &TypeShape) -> &TypeShape {
    match shape {
        TypeShape::Optional(inner) => inner,
        other => other,
    }
}

/// A numeric literal, possibly negative, with its text and span.
fn number_value(cx: &Ctxt, meta: &Meta, key: &str) -> Option<(Number, String, Span)> {
    let Meta::NameValue(nv) = meta else {
        cx.error_spanned_by(meta, format!("write `{key} = <number>`, e.g. {key} = 0"));
        return None;
    };
    let (negative, expr) = match &nv.value {
        Expr::Unary(ExprUnary { op: UnOp::Neg(_), expr, .. }) => (true, expr.as_ref()),
        other => (false, other),
    };
    let digits = match expr {
        Expr::Lit(ExprLit { lit: Lit::Int(n), .. }) if n.suffix().is_empty() => n.base10_digits().to_string(),
        Expr::Lit(ExprLit { lit: Lit::Float(n), .. }) if n.suffix().is_empty() => n.base10_digits().to_string(),
        other => {
            cx.error_spanned_by(other, format!("`{key}` takes a number literal, e.g. {key} = 0 or {key} = 99.5"));
            return None;
        }
    };
    let text = if negative { format!("-{digits}") } else { digits };
    match Number::parse(&text) {
        Ok(number) => Some((number, text, nv.value.span())),
        Err(e) => {
            cx.error_spanned_by(&nv.value, e);
            None
        }
    }
}

fn count_bounds(cx: &Ctxt, meta: &Meta, key: &str, example: &str) -> Option<(Option<u64>, Option<u64>)> {
    let Meta::List(list) = meta else {
        cx.error_spanned_by(meta, format!("write `{example}`"));
        return None;
    };
    let (mut min, mut max) = (None, None);
    let mut seen = Keys::default();
    for inner in nested_metas(cx, list) {
        let Some(bound) = key_of(cx, &inner, &["min", "max"], &mut seen, &format!("{key}(...)")) else { continue };
        let value = match &inner {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit { lit: Lit::Int(n), .. }) => n.base10_parse::<u64>().ok(),
                _ => None,
            },
            _ => None,
        };
        match value {
            Some(v) if bound == "min" => min = Some(v),
            Some(v) => max = Some(v),
            None => cx.error_spanned_by(&inner, format!("`{bound}` takes a whole number, e.g. {example}")),
        }
    }
    if min.is_none() && max.is_none() {
        cx.error_spanned_by(meta, format!("write `{example}`"));
        return None;
    }
    if let (Some(low), Some(high)) = (min, max) {
        if low > high {
            cx.error_spanned_by(meta, format!("`{key}`: min {low} is above max {high}"));
            return None;
        }
    }
    Some((min, max))
}

fn accepted_values(cx: &Ctxt, meta: &Meta, shape: &TypeShape) -> Option<Check> {
    let Meta::List(list) = meta else {
        cx.error_spanned_by(meta, "write `accepted_values(\"EUR\", \"GBP\")` or `accepted_values(1, 2, 3)`");
        return None;
    };
    let values = if matches!(inner_shape(shape), TypeShape::String) {
        string_list(cx, meta, "accepted_values", "\"EUR\", \"GBP\"").into_iter().map(|v| v.value).collect()
    } else {
        let parsed = list.parse_args_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated);
        let Ok(items) = parsed else {
            cx.error_spanned_by(
                list,
                "`accepted_values` of an integer field takes integers, e.g. accepted_values(1, 2, 3)",
            );
            return None;
        };
        let mut values = Vec::new();
        for item in items {
            let (negative, expr) = match &item {
                Expr::Unary(ExprUnary { op: UnOp::Neg(_), expr, .. }) => (true, expr.as_ref()),
                other => (false, other),
            };
            match expr {
                Expr::Lit(ExprLit { lit: Lit::Int(n), .. }) => {
                    values.push(format!("{}{}", if negative { "-" } else { "" }, n.base10_digits()));
                }
                _ => cx.error_spanned_by(
                    &item,
                    format!("the field is `{}`: accepted values are integers here", shape.display()),
                ),
            }
        }
        values
    };
    if values.is_empty() {
        cx.error_spanned_by(meta, "`accepted_values()` is empty: no value could pass; list them");
        return None;
    }
    Some(Check::AcceptedValues(Cow::Owned(values.into_iter().map(Cow::Owned).collect())))
}

fn product_rules(cx: &Ctxt, meta: &Meta, fields: &[Field], out: &mut Rules) {
    let usage = "write `quality(row_count(min = 1), unique_combination(\"day\", \"channel\"))`";
    let Meta::List(list) = meta else {
        cx.error_spanned_by(meta, usage);
        return;
    };
    let mut seen = Keys::default();
    for inner in nested_metas(cx, list) {
        // A product may have several combinations; each is its own rule, with its own id.
        let key = if inner.path().is_ident("unique_combination") {
            "unique_combination".to_string()
        } else {
            let Some(key) = key_of(cx, &inner, PRODUCT_RULES_AND_HINTS, &mut seen, "quality(...)") else { continue };
            key
        };
        if FIELD_RULES.contains(&key.as_str()) {
            cx.error_spanned_by(
                inner.path(),
                format!("`{key}` is a field rule: put `#[quality({key})]` on the field it checks"),
            );
            continue;
        }
        if key == "row_count" {
            if let Some((min, max)) = count_bounds(cx, &inner, &key, "row_count(min = 1, max = 10000000)") {
                out.rules.push(QualityRule { field: None, check: Check::RowCount { min, max } });
            }
            continue;
        }
        let named = string_list(cx, &inner, &key, "\"day\", \"channel\"");
        if named.len() < 2 {
            cx.error_spanned_by(
                &inner,
                "`unique_combination` takes two fields or more; for one, use `#[quality(unique)]` on it",
            );
            continue;
        }
        let mut avro_names = Vec::new();
        for name in &named {
            let Some(index) = field_index(cx, fields, name.value.as_str(), name.span) else { continue };
            if let Some(problem) = check_rule_fits("unique", &fields[index].ty.shape) {
                cx.error_at(name.span, format!("unique_combination: field `{}`: {problem}", name.value));
                continue;
            }
            out.access(index);
            avro_names.push(Cow::Owned(fields[index].name.clone()));
        }
        if avro_names.len() == named.len() {
            let rule = QualityRule { field: None, check: Check::UniqueCombination(Cow::Owned(avro_names)) };
            if out.rules.iter().any(|r| r.id() == rule.id()) {
                cx.error_spanned_by(&inner, format!("`{}` is declared twice: remove one", rule.id()));
                continue;
            }
            out.rules.push(rule);
        }
    }
}

/// Product rules, and the field rules a user may write there by mistake (reported with the fix).
const PRODUCT_RULES_AND_HINTS: &[&str] = &[
    "row_count",
    "unique_combination",
    "unique",
    "not_empty",
    "range",
    "accepted_values",
    "pattern",
    "length",
    "max_null_share",
];

fn field_index(cx: &Ctxt, fields: &[Field], wanted: &str, span: Span) -> Option<usize> {
    let rust_name = |f: &Field| f.member.to_string().trim_start_matches("r#").to_string();
    if let Some(index) = fields.iter().position(|f| rust_name(f) == wanted) {
        return Some(index);
    }
    if wanted.contains('.') || wanted.contains('[') {
        cx.error_at(
            span,
            format!("unique_combination: `{wanted}` is a nested field; quality rules check a product's top-level fields only"),
        );
        return None;
    }
    let hint =
        closest(wanted, fields.iter().map(|f| f.member.to_string()).collect::<Vec<_>>().iter().map(String::as_str))
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
    cx.error_at(span, format!("unique_combination: the product has no field `{wanted}`{hint}"));
    None
}

/// Rejects `#[quality]` on a nested record's field (rules check a product's top-level fields): the
/// errors, emitted beside the record's otherwise complete expansion so nothing else fails with it.
pub fn reject_nested(fields: &syn::Fields) -> proc_macro2::TokenStream {
    fields
        .iter()
        .flat_map(|f| &f.attrs)
        .filter(|a| a.path().is_ident(QUALITY))
        .map(|attr| {
            syn::Error::new_spanned(
                attr,
                "#[quality(...)] goes on the fields of a #[data_product] struct; rules on the fields of nested records are not supported yet: check the product field that holds the record, or flatten the field into the product",
            )
            .to_compile_error()
        })
        .collect()
}

/// Removes `#[quality]` from the fields, so the compiler never sees it.
pub fn strip(fields: &mut syn::Fields) {
    for field in fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident(QUALITY));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_rules_and_the_field_rules_hinted_at_are_the_model_tables() {
        let expected: Vec<&str> = mesh_model::PRODUCT_RULES.iter().chain(FIELD_RULES).copied().collect();
        assert_eq!(PRODUCT_RULES_AND_HINTS, expected);
    }

    #[test]
    fn patterns_are_checked_with_the_validators_parser() {
        assert_eq!(check_pattern("[A-Z]{3}"), Ok(()));
        assert!(check_pattern("[A-Z").unwrap_err().contains("unclosed character class"));
    }
}
