//! Generates a product's quality rules (for its descriptor), the accessor the validator reads rule fields
//! through, and the rules' rustdoc section.

use mesh_model::{Check, Limit, QualityRule, TypeShape};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::tokens::opt_cow;
use crate::ast::enumeration::Symbols;
use crate::ast::quality::Rules;
use crate::ast::record::Field;
use crate::ast::types::Leaf;

/// The `&[QualityRule]` constant expression.
pub fn rule_list(rules: &Rules) -> TokenStream {
    let rules = rules.rules.iter().map(rule);
    quote!(&[#(#rules),*])
}

fn rule(rule: &QualityRule) -> TokenStream {
    let field = opt_cow(rule.field.as_deref());
    let bounds = |min: &Option<u64>, max: &Option<u64>| {
        let opt = |v: &Option<u64>| match v {
            Some(v) => quote!(__mesh::Some(#v)),
            None => quote!(__mesh::None),
        };
        (opt(min), opt(max))
    };
    let limit = |limit: &Option<Limit>| match limit {
        Some(Limit { value, inclusive }) => {
            let value = value.as_ref();
            quote!(__mesh::Some(__mesh::Limit { value: __mesh::Cow::Borrowed(#value), inclusive: #inclusive }))
        }
        None => quote!(__mesh::None),
    };
    let list = |values: &[std::borrow::Cow<'static, str>]| {
        let values = values.iter().map(|v| v.as_ref());
        quote!(__mesh::Cow::Borrowed(&[#(__mesh::Cow::Borrowed(#values)),*]))
    };
    let check = match &rule.check {
        Check::Unique => quote!(__mesh::Check::Unique),
        Check::NotEmpty => quote!(__mesh::Check::NotEmpty),
        Check::Range { min, max } => {
            let (min, max) = (limit(min), limit(max));
            quote!(__mesh::Check::Range { min: #min, max: #max })
        }
        Check::AcceptedValues(values) => {
            let values = list(values);
            quote!(__mesh::Check::AcceptedValues(#values))
        }
        Check::Pattern(pattern) => {
            let pattern = pattern.as_ref();
            quote!(__mesh::Check::Pattern(__mesh::Cow::Borrowed(#pattern)))
        }
        Check::Length { min, max } => {
            let (min, max) = bounds(min, max);
            quote!(__mesh::Check::Length { min: #min, max: #max })
        }
        Check::MaxNullShare(share) => {
            let thousandths = share.thousandths();
            quote!(__mesh::Check::MaxNullShare(__mesh::Percent::from_thousandths(#thousandths)))
        }
        Check::RowCount { min, max } => {
            let (min, max) = bounds(min, max);
            quote!(__mesh::Check::RowCount { min: #min, max: #max })
        }
        Check::UniqueCombination(fields) => {
            let fields = list(fields);
            quote!(__mesh::Check::UniqueCombination(#fields))
        }
    };
    quote!(__mesh::QualityRule { field: #field, check: #check })
}

/// `impl QualityRecord` (a match over the rule fields' indices) and the scan's registration.
pub fn accessor(ident: &syn::Ident, id: &str, fields: &[Field], rules: &Rules) -> TokenStream {
    let arms = rules.accessed.iter().map(|&index| {
        let member = &fields[index].member;
        let span = match &fields[index].ty.leaf {
            Leaf::Named(ty) => ty.span(),
            _ => member.span(),
        };
        let value = value(&fields[index].ty.shape, span);
        quote!(#index => { let __v = &self.#member; #value })
    });
    quote! {
        impl __mesh::QualityRecord for #ident {
            fn quality_value(&self, __field: usize) -> __mesh::QualityValue<'_> {
                #[allow(clippy::match_single_binding)]
                match __field {
                    #(#arms)*
                    _ => __mesh::QualityValue::Unavailable,
                }
            }
        }

        __mesh::inventory::submit! {
            __mesh::QualityRegistration { product: #id, scan_file: __mesh::scan_quality::<#ident> }
        }
    }
}

/// The `QualityValue` of `__v`, a reference to a value of `shape`.
fn value(shape: &TypeShape, span: Span) -> TokenStream {
    match shape {
        TypeShape::Boolean => quote!(__mesh::QualityValue::Bool(*__v)),
        TypeShape::Int => quote!(__mesh::QualityValue::Int(i64::from(*__v))),
        TypeShape::Long => quote!(__mesh::QualityValue::Int(*__v)),
        TypeShape::Float => quote!(__mesh::QualityValue::Float(f64::from(*__v))),
        TypeShape::Double => quote!(__mesh::QualityValue::Float(*__v)),
        TypeShape::String => quote!(__mesh::QualityValue::Text(__v.as_str())),
        TypeShape::Bytes => quote!(__mesh::QualityValue::Bytes(__v.as_slice())),
        TypeShape::Fixed(_) => quote!(__mesh::QualityValue::Bytes(&__v[..])),
        TypeShape::Date => quote!(__mesh::QualityValue::Int(i64::from(__v.0))),
        TypeShape::TimestampMillis | TypeShape::TimestampMicros => quote!(__mesh::QualityValue::Int(__v.0)),
        TypeShape::Uuid => quote!(__mesh::QualityValue::Uuid(__v.0)),
        TypeShape::Decimal { scale, .. } => {
            quote!(__mesh::QualityValue::Decimal { unscaled: __v.unscaled(), scale: #scale })
        }
        TypeShape::Optional(inner) => {
            let inner = value(inner, span);
            quote!(match __v { __mesh::Some(__v) => #inner, __mesh::None => __mesh::QualityValue::Null })
        }
        TypeShape::Array(_) | TypeShape::Map(_) => quote!(__mesh::QualityValue::Items(__v.len())),
        // An enum gives its symbol; a record does not implement the trait, reported at its type.
        TypeShape::Named(_) => quote_spanned!(span=> __mesh::QualityKey::quality_value(__v)),
    }
}

/// The rustdoc section listing the rules, with their ids; empty without rules.
pub fn docs(rules: &Rules) -> Vec<String> {
    if rules.rules.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        "## Quality rules".into(),
        String::new(),
        "Checked on the committed data by `cargo xtask validate`.".into(),
        String::new(),
        "| Rule id | Demands | Counts in the quality score |".into(),
        "|---|---|---|".into(),
    ];
    for rule in &rules.rules {
        let scored = if rule.check.is_record_level() { "yes" } else { "no: judges the data as a whole" };
        lines.push(format!("| `{}` | {} | {scored} |", rule.id(), rule.describe().replace('|', "\\|")));
    }
    lines
}

/// `impl QualityKey` for an enum: its symbol's name, so rules compare and show symbols.
pub fn enum_key(ident: &syn::Ident, symbols: &Symbols) -> TokenStream {
    let arms = symbols.symbols.iter().map(|s| {
        let (variant, name) = (&s.ident, &s.name);
        quote!(#ident::#variant => #name)
    });
    quote! {
        impl __mesh::QualityKey for #ident {
            fn quality_value(&self) -> __mesh::QualityValue<'_> {
                __mesh::QualityValue::Text(match self { #(#arms),* })
            }
        }
    }
}
