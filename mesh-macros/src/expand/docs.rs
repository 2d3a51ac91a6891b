//! The rustdoc appended to a product, so `cargo doc` is a browsable catalog.

use mesh_model::avro::{to_json_fragment, FieldSchema, Name, RecordSchema, SchemaNode};
use mesh_model::{Encryption, FieldEncryption, Pii};
use quote::ToTokens;

use crate::ast::product::{Input, ProductAttrs, Visibility};
use crate::ast::record::Field;
use crate::ast::types::Leaf;

/// The doc lines (each becomes a `#[doc = ...]` attribute).
pub fn product_docs(attrs: &ProductAttrs, record_name: &str, namespace: &str, fields: &[Field]) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut push = |line: String| lines.push(line);
    let id = format!("{}.{}", attrs.domain, attrs.name);
    push(format!("# Data product `{id}` v{}", attrs.version));
    push(String::new());
    push("| Contract | |".into());
    push("|---|---|".into());
    let or_none = |value: Option<String>| value.unwrap_or_else(|| "*not promised*".into());
    for (key, value) in [
        ("Owner", attrs.owner.clone()),
        ("Domain", attrs.domain.clone()),
        ("Layer", attrs.layer.to_string()),
        ("Freshness", or_none(attrs.sla.freshness.map(|f| f.to_string()))),
        (
            "Freshness field",
            attrs
                .event_time
                .as_ref()
                .map_or_else(|| "*not declared*".into(), |e| format!("`{}`, the records' event time", e.name)),
        ),
        ("Availability", or_none(attrs.sla.availability.map(|a| a.to_string()))),
        ("Quality score", or_none(attrs.sla.quality_score.map(|q| q.to_string()))),
        ("Read access", or_none(attrs.read.clone())),
        ("Authentication", or_none(attrs.authentication.clone())),
        ("Visibility", visibility(&attrs.visibility)),
        ("Compatibility", attrs.compatibility.to_string()),
        ("Support", or_none(attrs.support.clone())),
        ("Schema", "Avro (see below)".into()),
    ] {
        push(format!("| {key} | {} |", cell(&value)));
    }
    if let Some(date) = &attrs.deprecated {
        push(format!("| Deprecated | since {date} |"));
    }
    if !attrs.tags.is_empty() {
        push(format!("| Tags | {} |", cell(&attrs.tags.join(", "))));
    }
    push(String::new());
    push("## Fields".into());
    push(String::new());
    push("| Field | Avro type | PII | Description |".into());
    push("|---|---|---|---|".into());
    for field in fields {
        let pii = field.pii.map(protection).unwrap_or_default();
        let ty = field.ty.shape.display();
        push(format!("| `{}` | `{}` | {pii} | {} |", field.name, cell(&ty), cell(&field.doc)));
    }
    let nested: Vec<String> = fields
        .iter()
        .filter_map(|field| match &field.ty.leaf {
            Leaf::Named(ty) => Some(ty.to_token_stream().to_string().replace(' ', "")),
            _ => None,
        })
        .collect();
    if !nested.is_empty() {
        push(String::new());
        // Code spans, not links: rustdoc leaves a type imported from another crate unresolved here.
        let names: Vec<String> = nested.iter().map(|ty| format!("`{ty}`")).collect();
        push(format!(
            "Personal data inside nested types is classified on their own fields (see {}); the contract lists it by path under `nested_pii`, e.g. `line_items[].sku`.",
            names.join(", ")
        ));
    }
    push(String::new());
    push("## Lineage".into());
    push(String::new());
    if attrs.inputs.is_empty() {
        push("A source product: it reads no other data product.".into());
    }
    for input in &attrs.inputs {
        match input {
            Input::Linked(path) => {
                let path = path.to_token_stream().to_string().replace(' ', "");
                push(format!("- [`{path}`]({path}) (linked, this version)"));
            }
            Input::Declared { domain, name, requirement } => push(format!("- `{domain}.{name}` `{requirement}`")),
        }
    }
    push(String::new());
    push("## Avro schema".into());
    push(String::new());
    push("Nested records and enums are defined on their own pages.".into());
    push(String::new());
    push("```json".into());
    for line in schema_fragment(record_name, namespace, &attrs.domain, fields).lines() {
        push(line.to_string());
    }
    push("```".into());
    lines
}

fn visibility(visibility: &Visibility) -> String {
    match visibility {
        Visibility::Domain => "its domain only".into(),
        Visibility::Public => "every domain".into(),
        Visibility::Domains(domains) => format!("its domain and {}", domains.join(", ")),
    }
}

/// The doc lines of a record's field list for products nesting it: which of its own fields hold personal data.
pub fn record_pii_docs(fields: &[Field]) -> Vec<String> {
    let mut lines = vec!["The record's fields, so products nesting it see their personal data.".to_string()];
    let classified: Vec<String> = fields
        .iter()
        .filter_map(|field| {
            let pii = field.pii?;
            let encrypted = match pii.encryption {
                Some(Encryption::Randomized) => "encrypted",
                Some(Encryption::Deterministic) => "encrypted (deterministic: equal values encrypt equally)",
                None => "**NOT encrypted**",
            };
            Some(format!("- `{}`: {} PII, {encrypted}", field.name, pii.class))
        })
        .collect();
    lines.push(String::new());
    if classified.is_empty() {
        lines.push("No field of its own is classified as personal data.".into());
    } else {
        lines.push("Personal data in its own fields:".into());
        lines.push(String::new());
        lines.extend(classified);
    }
    lines
}

/// Markdown table cells cannot hold `|` or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A field's class and how it is protected, for the field table.
fn protection(pii: Pii) -> String {
    match pii.encryption {
        Some(Encryption::Randomized) => format!("{} (encrypted)", pii.class),
        Some(Encryption::Deterministic) => format!("{} (encrypted, deterministic)", pii.class),
        None => format!("**{} (NOT encrypted)**", pii.class),
    }
}

fn schema_fragment(record_name: &str, namespace: &str, domain: &str, fields: &[Field]) -> String {
    let record = SchemaNode::Record(RecordSchema {
        name: Name::new(record_name, Some(namespace.to_string())),
        doc: None,
        aliases: Vec::new(),
        fields: fields
            .iter()
            .map(|field| FieldSchema {
                name: field.name.clone(),
                doc: Some(field.doc.clone()),
                aliases: field.aliases.clone(),
                default: field.default.clone(),
                schema: field
                    .ty
                    .shape
                    .to_schema(&mut || SchemaNode::Reference(field.ty.shape.named().unwrap_or_default().to_string())),
                encryption: field
                    .pii
                    .and_then(|pii| pii.encryption)
                    .map(|mode| FieldEncryption::for_domain(mode, domain)),
            })
            .collect(),
    });
    to_json_fragment(&record).unwrap_or_else(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;
    use crate::ast::{event_time, product::product_attrs, record::fields};
    use crate::ctxt::Ctxt;

    /// The contract table of a product declared with `args` on `item`.
    fn contract_rows(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> Vec<String> {
        let cx = Ctxt::default();
        let item: syn::ItemStruct = syn::parse2(item).unwrap();
        let parsed = product_attrs(&cx, args, &item.ident);
        let record = fields(&cx, &item.fields, &item.ident);
        let resolved = parsed.event_time.and_then(|w| event_time::resolve(&cx, &w, &item.ident, &item.fields, &record));
        assert!(cx.check().is_ok(), "a valid declaration");
        let mut attrs = parsed.attrs.unwrap();
        attrs.event_time = resolved;
        product_docs(&attrs, "Orders", "sales", &record).into_iter().filter(|line| line.starts_with("| ")).collect()
    }

    #[test]
    fn the_contract_table_names_the_freshness_field_by_its_avro_name() {
        let item = quote! {
            pub struct Orders {
                #[avro(rename = "placed")]
                pub ordered_at: TimestampMillis,
            }
        };
        let declared =
            quote!(domain = "sales", version = "1.0.0", owner = "a@b.com", layer = "silver", event_time = "ordered_at");
        let rows = contract_rows(declared, item.clone());
        assert!(rows.contains(&"| Freshness field | `placed`, the records' event time |".to_string()), "{rows:#?}");
        let rows =
            contract_rows(quote!(domain = "sales", version = "1.0.0", owner = "a@b.com", layer = "silver"), item);
        assert!(rows.contains(&"| Freshness field | *not declared* |".to_string()), "{rows:#?}");
    }
}
