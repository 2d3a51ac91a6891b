//! Contract-level changes that break consumers although the Avro data still
//! resolves: weaker personal-data protection, looser service levels,
//! narrower visibility or changed access, and a weaker compatibility promise.

use std::collections::BTreeSet;

use super::rules::{Breaks, Change, Rule};
use crate::contract::Contract;
use crate::model::{Bound, Compatibility, PiiClass};

/// Every consumer-breaking difference from the `previous` contract to the `current` one; paths start at `root`.
pub fn compare_contracts(previous: &Contract, current: &Contract, root: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut report = |rule: Rule, path: String, message: String| {
        changes.push(Change { rule, path, message, breaks: Breaks { backward: true, forward: true }, breaking: true });
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
        let rank = |pii: &Option<crate::contract::ContractPii>| pii.as_ref().map_or(0, |p| pii_rank(p.class));
        let show = |pii: &Option<crate::contract::ContractPii>| {
            pii.as_ref().map_or("none".to_string(), |p| p.class.to_string())
        };
        if rank(&after.pii) < rank(&before.pii) {
            report(
                Rule::PiiClassWeakened,
                path.clone(),
                format!("personal-data class weakened from {} to {}", show(&before.pii), show(&after.pii)),
            );
        }
        let encrypted = |pii: &Option<crate::contract::ContractPii>| pii.as_ref().is_some_and(|p| p.encrypted_at_rest);
        if encrypted(&before.pii) && after.pii.is_some() && !encrypted(&after.pii) {
            report(Rule::PiiEncryptionRemoved, path, "no longer encrypted at rest (was encrypted)".into());
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
    if let Some(b) = before.availability {
        if after.availability.is_none_or(|a| a < b) {
            let message =
                format!("availability lowered from {b} to {}", shown(after.availability.map(|a| a.to_string())));
            report(Rule::SlaAvailabilityLowered, format!("{root} (sla.availability)"), message);
        }
    }
    if let Some(b) = before.quality_score {
        let strength = |q: crate::model::QualityScore| (q.percent, q.bound == Bound::Above);
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
fn admitted(visibility: &str) -> Option<BTreeSet<String>> {
    match visibility.trim() {
        "public" => None,
        "domain" => Some(BTreeSet::new()),
        other => {
            Some(other.strip_prefix("domain and ").unwrap_or(other).split(',').map(|d| d.trim().to_string()).collect())
        }
    }
}

fn lost_domains(previous: &str, current: &str) -> String {
    match (admitted(previous), admitted(current)) {
        (_, None) => String::new(),
        (None, Some(_)) => "domains outside the new list".into(),
        (Some(before), Some(after)) => {
            before.difference(&after).map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
        }
    }
}
