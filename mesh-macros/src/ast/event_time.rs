//! `event_time = "field"`: the field named must be one of the struct's, holding a timestamp or a date.

use mesh_model::TypeShape;
use quote::ToTokens;

use super::attr::{closest, Spanned};
use super::record::Field;
use crate::ctxt::Ctxt;

/// The field a product's event time is read from.
pub struct EventTime {
    /// The Rust field.
    pub member: syn::Ident,
    /// Its Avro name, which contracts and the descriptor show.
    pub name: String,
}

const ACCEPTED: &str = "TimestampMillis, TimestampMicros or Date (from mesh_core), or Option of one";

/// Checks the field `written` names among the struct's `declared` fields (`fields` are those whose
/// type has an Avro mapping); `None`, with the problem recorded, when it cannot be the event time.
pub fn resolve(
    cx: &Ctxt,
    written: &Spanned<String>,
    struct_ident: &syn::Ident,
    declared: &syn::Fields,
    fields: &[Field],
) -> Option<EventTime> {
    let wanted = written.value.as_str();
    let rust_name = |ident: &syn::Ident| ident.to_string().trim_start_matches("r#").to_string();
    let Some(syn_field) = declared.iter().find(|f| f.ident.as_ref().is_some_and(|i| rust_name(i) == wanted)) else {
        cx.error_at(written.span, unknown_field(wanted, struct_ident, declared, fields));
        return None;
    };
    // A field whose type has no Avro mapping is already reported at its type.
    let field = fields.iter().find(|f| rust_name(&f.member) == wanted)?;
    if !is_event_time(&field.ty.shape) {
        let ty = syn_field.ty.to_token_stream().to_string().replace(' ', "");
        cx.error_at(
            written.span,
            format!(
                "event_time: field `{wanted}` is `{ty}`, not a timestamp or a date; name a field of type {ACCEPTED}{}, or change the type of `{wanted}`",
                candidates_hint(fields, " (here: {})")
            ),
        );
        return None;
    }
    Some(EventTime { member: field.member.clone(), name: field.name.clone() })
}

/// The message for a name that is no field of the struct, with the field it most likely means.
fn unknown_field(wanted: &str, struct_ident: &syn::Ident, declared: &syn::Fields, fields: &[Field]) -> String {
    // Renamed fields keep their Rust name here, as every other field does.
    if let Some(renamed) = fields.iter().find(|f| f.name == wanted) {
        return format!(
            "event_time: `{wanted}` is the Avro name of field `{}`; event_time names the struct's field: write event_time = \"{}\"",
            renamed.member, renamed.member
        );
    }
    let names: Vec<String> = declared.iter().filter_map(|f| f.ident.as_ref()).map(ToString::to_string).collect();
    match closest(wanted, names.iter().map(String::as_str)) {
        Some(near) => format!("event_time: `{struct_ident}` has no field `{wanted}`; did you mean `{near}`?"),
        None => match candidates_hint(fields, "{}") {
            hint if hint.is_empty() => format!(
                "event_time: `{struct_ident}` has no field `{wanted}`, and no field of type {ACCEPTED}; add one, e.g. `pub ordered_at: TimestampMillis`"
            ),
            hint => format!(
                "event_time: `{struct_ident}` has no field `{wanted}`; its fields that can hold the event time: {hint}"
            ),
        },
    }
}

/// The fields that could be the event time, in `template` (`{}` is the list); empty when there are none.
fn candidates_hint(fields: &[Field], template: &str) -> String {
    let names: Vec<String> =
        fields.iter().filter(|f| is_event_time(&f.ty.shape)).map(|f| format!("`{}`", f.member)).collect();
    if names.is_empty() {
        String::new()
    } else {
        template.replace("{}", &names.join(", "))
    }
}

/// A timestamp or a date, optional or not: the types whose value is a point in time.
fn is_event_time(shape: &TypeShape) -> bool {
    match shape {
        TypeShape::TimestampMillis | TypeShape::TimestampMicros | TypeShape::Date => true,
        TypeShape::Optional(inner) => is_event_time(inner),
        _ => false,
    }
}
