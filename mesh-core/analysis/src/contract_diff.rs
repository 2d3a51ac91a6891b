//! Contract-level changes that break consumers although the Avro data still
//! resolves: weaker personal-data protection, looser service levels (or freshness
//! measured on another field), narrower visibility or changed access, and a weaker
//! compatibility promise; and the compatible ones reported for information (the
//! field freshness is measured on, newly named).

use std::collections::BTreeSet;

use mesh_avro::compat::{Breaks, Change, Rule};
use mesh_avro::Schema;
use mesh_core::{Contract, ContractPii};
use mesh_model::{Bound, Compatibility, Encryption, FieldPath, PiiClass, Visibility};

/// Every consumer-breaking difference from the `previous` contract to the `current` one, then the compatible
/// ones reported for information (`breaking: false`); paths start at `root`.
///
/// `current_schema`, when given, tells a nested PII field that was removed (the schema rules report
/// the removal) from one that stayed, perhaps renamed with an alias, but lost its classification;
/// without it both count as unclassified.
pub fn compare_contracts(
    previous: &Contract,
    current: &Contract,
    current_schema: Option<&Schema>,
    root: &str,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut report = |rule: Rule, path: String, message: String| {
        let breaking = rule.can_break();
        let breaks = Breaks { backward: breaking, forward: breaking };
        changes.push(Change { rule, path, message, breaks, breaking });
    };
    for before in &previous.fields {
        // A renamed field names its previous name among its aliases; an exact name match wins.
        let Some(after) = current
            .fields
            .iter()
            .find(|f| f.name == before.name)
            .or_else(|| current.fields.iter().find(|f| f.aliases.contains(&before.name)))
        else {
            continue;
        };
        let path = if after.name == before.name {
            format!("{root}.{}", before.name)
        } else {
            format!("{root}.{} (renamed from {})", after.name, before.name)
        };
        let protection = |pii: &Option<ContractPii>| pii.as_ref().map(|p| (p.class, p.encryption()));
        compare_pii(protection(&before.pii), protection(&after.pii), path, &mut report);
        // Nested paths start with the field's name; the rest of the path matches across a rename.
        // A nested path that disappears from the contract counts as unclassified unless the schema
        // shows the field itself is gone: a dropped #[pii] must not pass unnoticed. A nested field
        // renamed with an alias is still there, and is compared at its new path.
        for nested in &before.nested_pii {
            let rest = nested.path.strip_prefix(&before.name).unwrap_or(&nested.path);
            let mut current_path = format!("{}{rest}", after.name);
            let mut kept = after.nested_pii.iter().find(|n| n.path == current_path);
            if let (None, Some(schema)) = (kept, current_schema) {
                // The contract's text is read as a path; one that is none names no field either.
                let Ok(path) = FieldPath::parse(&current_path) else { continue };
                let Some(now) = schema.current_field_path(&path) else { continue };
                current_path = now.to_string();
                kept = after.nested_pii.iter().find(|n| n.path == current_path);
            }
            let path = if current_path == nested.path {
                format!("{root}.{current_path}")
            } else {
                format!("{root}.{current_path} (renamed from {})", nested.path)
            };
            compare_pii(
                Some((nested.class, nested.encryption())),
                kept.map(|n| (n.class, n.encryption())),
                path,
                &mut report,
            );
        }
    }
    let shown = |value: Option<String>| value.unwrap_or_else(|| "nothing promised".into());
    let (before, after) = (&previous.sla, &current.sla);
    if let Some(b) = before.freshness {
        if after.freshness.is_none_or(|a| a > b) {
            let message = format!("freshness loosened from {b} to {}", shown(after.freshness.map(|a| a.to_string())));
            report(Rule::SlaFreshnessLoosened, format!("{root} (sla.freshness)"), message);
        }
    }
    compare_freshness_field(previous, current, root, &mut report);
    crate::quality_diff::compare_quality(previous, current, root, &mut report);
    if let Some(b) = before.availability {
        if after.availability.is_none_or(|a| a < b) {
            let message =
                format!("availability lowered from {b} to {}", shown(after.availability.map(|a| a.to_string())));
            report(Rule::SlaAvailabilityLowered, format!("{root} (sla.availability)"), message);
        }
    }
    if let Some(b) = before.quality_score {
        let strength = |q: mesh_model::QualityScore| (q.percent, q.bound == Bound::Above);
        if after.quality_score.is_none_or(|a| strength(a) < strength(b)) {
            let message =
                format!("quality score lowered from {b} to {}", shown(after.quality_score.map(|a| a.to_string())));
            report(Rule::SlaQualityLowered, format!("{root} (sla.quality_score)"), message);
        }
    }
    let lost = lost_domains(&previous.access.visibility, &current.access.visibility);
    if !lost.is_empty() {
        report(
            Rule::VisibilityNarrowed,
            format!("{root} (access.visibility)"),
            format!(
                "visibility narrowed from `{}` to `{}`: {} may no longer consume it",
                previous.access.visibility, current.access.visibility, lost
            ),
        );
    }
    let (before, after) = (&previous.access, &current.access);
    if before.read.is_some() && before.read != after.read {
        report(
            Rule::AccessChanged,
            format!("{root} (access.read)"),
            format!(
                "read access changed from `{}` to `{}`",
                before.read.as_deref().unwrap_or_default(),
                shown(after.read.clone())
            ),
        );
    }
    if before.authentication != after.authentication {
        report(
            Rule::AccessChanged,
            format!("{root} (access.authentication)"),
            format!(
                "authentication changed from {} to {}",
                shown(before.authentication.clone()),
                shown(after.authentication.clone())
            ),
        );
    }
    let (b, a) = (guarantees(previous.schema.compatibility), guarantees(current.schema.compatibility));
    if (b.0 && !a.0) || (b.1 && !a.1) || (b.2 && !a.2) {
        report(
            Rule::CompatibilityLoosened,
            format!("{root} (schema.compatibility)"),
            format!(
                "compatibility loosened from {} to {}",
                previous.schema.compatibility, current.schema.compatibility
            ),
        );
    }
    changes
}

/// Reports the field the freshness is measured on (`event_time`) named, changed or dropped. A field renamed
/// with an alias to the previous name is the same field: the schema rules report the rename.
fn compare_freshness_field(
    previous: &Contract,
    current: &Contract,
    root: &str,
    report: &mut impl FnMut(Rule, String, String),
) {
    let path = format!("{root} (sla.freshness_field)");
    match (&previous.sla.freshness_field, &current.sla.freshness_field) {
        (None, Some(now)) => {
            report(Rule::SlaFreshnessFieldAdded, path, format!("freshness is now measured on field `{now}`"))
        }
        (Some(before), None) => report(
            Rule::SlaFreshnessFieldChanged,
            path,
            format!("freshness no longer names the field it is measured on (was `{before}`)"),
        ),
        (Some(before), Some(now)) if before != now => {
            let renamed = current.fields.iter().any(|f| &f.name == now && f.aliases.contains(before));
            if !renamed {
                report(
                    Rule::SlaFreshnessFieldChanged,
                    path,
                    format!("freshness measured on field `{now}` instead of `{before}`"),
                );
            }
        }
        _ => {}
    }
}

/// A field's classification and how it is stored: (class, encryption at rest).
type Protection = Option<(PiiClass, Option<Encryption>)>;

/// Reports a weaker class, and encryption at rest dropped, added or changed in mode, between two
/// classifications of one field.
fn compare_pii(before: Protection, after: Protection, path: String, report: &mut impl FnMut(Rule, String, String)) {
    let rank = |pii: Protection| pii.map_or(0, |(class, _)| pii_rank(class));
    let show = |pii: Protection| pii.map_or("none".to_string(), |(class, _)| class.to_string());
    if rank(after) < rank(before) {
        report(
            Rule::PiiClassWeakened,
            path.clone(),
            format!("personal-data class weakened from {} to {}", show(before), show(after)),
        );
    }
    let encryption = |pii: Protection| pii.and_then(|(_, encryption)| encryption);
    match (encryption(before), encryption(after)) {
        // A field no longer classified is the class rule's finding.
        (Some(_), None) if after.is_some() => {
            report(Rule::PiiEncryptionRemoved, path, "no longer encrypted at rest (was encrypted)".into());
        }
        (None, Some(mode)) => report(
            Rule::PiiEncryptionAdded,
            path,
            format!(
                "now encrypted at rest ({mode}): other tools and SQL engines reading the files see ciphertext, \
                 and consumers read it with the domain's key"
            ),
        ),
        (Some(Encryption::Deterministic), Some(Encryption::Randomized)) => report(
            Rule::PiiEncryptionRandomized,
            path,
            "encryption changed from deterministic to randomized: equal values no longer have equal ciphertexts, \
             so joins and groupings on the stored values stop matching"
                .into(),
        ),
        (Some(Encryption::Randomized), Some(Encryption::Deterministic)) => report(
            Rule::PiiEncryptionMadeDeterministic,
            path,
            "encryption changed from randomized to deterministic: equal values now have equal ciphertexts \
             (joinable; readers of the files can tell which values are equal)"
                .into(),
        ),
        _ => {}
    }
}

fn pii_rank(class: PiiClass) -> u8 {
    match class {
        PiiClass::Indirect => 1,
        PiiClass::Direct => 2,
        PiiClass::Sensitive => 3,
    }
}

/// (backward, forward, transitive)
fn guarantees(mode: Compatibility) -> (bool, bool, bool) {
    use Compatibility as C;
    match mode {
        C::Backward => (true, false, false),
        C::Forward => (false, true, false),
        C::Full => (true, true, false),
        C::BackwardTransitive => (true, false, true),
        C::ForwardTransitive => (false, true, true),
        C::FullTransitive => (true, true, true),
    }
}

/// Who a visibility admits besides the owner: `None` means everyone.
fn admitted(visibility: &Visibility) -> Option<BTreeSet<&str>> {
    match visibility {
        Visibility::Public => None,
        Visibility::Domain => Some(BTreeSet::new()),
        Visibility::Domains(domains) => Some(domains.iter().map(|d| d.as_ref()).collect()),
    }
}

fn lost_domains(previous: &Visibility, current: &Visibility) -> String {
    match (admitted(previous), admitted(current)) {
        (_, None) => String::new(),
        (None, Some(_)) => "domains outside the new list".into(),
        (Some(before), Some(after)) => {
            before.difference(&after).map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ContractYaml;

    /// A contract whose field `addresses` (an array of records) holds `postcode` with `nested_pii`,
    /// the field named `name` and listing `aliases`.
    fn contract(name: &str, aliases: &str, nested_pii: &str) -> Contract {
        Contract::from_yaml(&format!(
            "data_product:
  name: customers
  domain: crm
  owner: crm-data@company.com
  sla: {{freshness: null, availability: null, quality_score: null}}
  schema: {{format: Avro, version: \"1.0.0\", fingerprint: \"0000000000000000\", compatibility: full}}
  access: {{read: null, authentication: null, visibility: domain}}
  description: Customers.
  layer: silver
  support: null
  tags: []
  inputs: []
  fields:
  - name: {name}
    type: array<Address>
    doc: Where the customer receives parcels.
    nested_pii: {nested_pii}
    aliases: {aliases}
"
        ))
        .expect("a valid contract")
    }

    fn found(previous: &Contract, current: &Contract) -> Vec<(Rule, String, String)> {
        compare_contracts(previous, current, None, "crm.customers")
            .into_iter()
            .map(|change| (change.rule, change.path, change.message))
            .collect()
    }

    const DIRECT_ENCRYPTED: &str = "[{path: \"addresses[].postcode\", class: direct, encrypted_at_rest: true}]";

    #[test]
    fn nested_pii_weakened_or_decrypted_is_breaking_at_its_path() {
        let before = contract("addresses", "[]", DIRECT_ENCRYPTED);
        assert_eq!(found(&before, &before), []);
        let weaker = contract(
            "addresses",
            "[]",
            "[{path: \"addresses[].postcode\", class: indirect, encrypted_at_rest: false}]",
        );
        assert_eq!(
            found(&before, &weaker),
            [
                (
                    Rule::PiiClassWeakened,
                    "crm.customers.addresses[].postcode".to_string(),
                    "personal-data class weakened from direct to indirect".to_string()
                ),
                (
                    Rule::PiiEncryptionRemoved,
                    "crm.customers.addresses[].postcode".to_string(),
                    "no longer encrypted at rest (was encrypted)".to_string()
                ),
            ]
        );
        let dropped = contract("addresses", "[]", "[]");
        assert_eq!(
            found(&before, &dropped),
            [(
                Rule::PiiClassWeakened,
                "crm.customers.addresses[].postcode".to_string(),
                "personal-data class weakened from direct to none".to_string()
            )]
        );
        let stronger = contract(
            "addresses",
            "[]",
            "[{path: \"addresses[].postcode\", class: sensitive, encrypted_at_rest: true}]",
        );
        assert_eq!(found(&before, &stronger), []);
    }

    #[test]
    fn nested_pii_is_matched_through_a_renamed_field() {
        let before = contract("addresses", "[]", DIRECT_ENCRYPTED);
        let renamed_kept = contract(
            "shipping_addresses",
            "[addresses]",
            "[{path: \"shipping_addresses[].postcode\", class: direct, encrypted_at_rest: true}]",
        );
        assert_eq!(found(&before, &renamed_kept), []);
        let renamed_dropped = contract("shipping_addresses", "[addresses]", "[]");
        assert_eq!(
            found(&before, &renamed_dropped),
            [(
                Rule::PiiClassWeakened,
                "crm.customers.shipping_addresses[].postcode (renamed from addresses[].postcode)".to_string(),
                "personal-data class weakened from direct to none".to_string()
            )]
        );
    }

    #[test]
    fn a_nested_pii_field_gone_from_the_schema_is_left_to_the_schema_rules() {
        let before = contract("addresses", "[]", DIRECT_ENCRYPTED);
        let dropped = contract("addresses", "[]", "[]");
        let schema = |address_fields: &str| {
            Schema::parse(&format!(
                r#"{{"type": "record", "name": "Customers", "fields": [{{"name": "addresses", "type":
                    {{"type": "array", "items": {{"type": "record", "name": "Address", "fields": [{address_fields}]}}}}}}]}}"#
            ))
            .unwrap()
        };
        let removed = schema(r#"{"name": "street", "type": "string"}"#);
        assert_eq!(compare_contracts(&before, &dropped, Some(&removed), "crm.customers"), []);
        let kept = schema(r#"{"name": "street", "type": "string"}, {"name": "postcode", "type": "string"}"#);
        let found = compare_contracts(&before, &dropped, Some(&kept), "crm.customers");
        assert_eq!(
            found.iter().map(|c| (c.rule, c.message.as_str())).collect::<Vec<_>>(),
            [(Rule::PiiClassWeakened, "personal-data class weakened from direct to none")],
            "still there, no longer classified"
        );
    }
}
