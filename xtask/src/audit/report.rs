//! The audit as data: one JSON document, built from the declarations, the check's findings,
//! mesh.toml's waivers, the contract history and the previous audit. Maps are ordered, so the
//! same repository state and quarter give the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use mesh_analysis::diagnostic::{Diagnostic, Severity};
use mesh_analysis::governance::MeshConfig;
use mesh_core::model::ProductDescriptor;
use serde_json::{json, Value};

use mesh_quality::history::Compliance;

use super::history::{ChangeKind, ContractChange};
use super::quarter::Quarter;

/// An owner with at least this many products is listed as carrying many.
pub const MANY_PRODUCTS: usize = 3;

/// What the audit reads.
pub struct Inputs<'a> {
    pub quarter: Quarter,
    pub products: &'a [&'a ProductDescriptor],
    pub config: &'a MeshConfig,
    /// The check's findings on the quarter's last day.
    pub findings: &'a [Diagnostic],
    /// `None` when the workspace has no git history.
    pub contract_changes: Option<&'a [ContractChange]>,
    /// Compliance of the products with runs in the quarter; `None` without a validation history.
    pub compliance: Option<&'a [Compliance]>,
    /// The previous quarter's audit (its JSON), if filed.
    pub previous: Option<&'a Value>,
}

/// The products that list `id` as an input.
fn consumers<'a>(products: &'a [&'a ProductDescriptor], id: &str) -> Vec<&'a ProductDescriptor> {
    let mut found: Vec<&ProductDescriptor> =
        products.iter().copied().filter(|p| p.inputs.iter().any(|input| input.id() == id)).collect();
    found.sort_by_key(|p| p.id());
    found
}

/// The audit document.
pub fn build(inputs: &Inputs<'_>) -> Value {
    let Inputs { quarter, products, config, findings, contract_changes, compliance, previous } = *inputs;
    let mut sorted: Vec<&ProductDescriptor> = products.to_vec();
    sorted.sort_by_key(|p| p.id());

    // PII inventory, by domain.
    let mut pii: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for product in &sorted {
        for field in product.pii_fields() {
            let copied_by: Vec<String> = consumers(products, &product.id())
                .into_iter()
                .filter(|consumer| consumer.pii_fields().iter().any(|theirs| theirs.path == field.path))
                .map(|consumer| consumer.id())
                .collect();
            pii.entry(product.domain.to_string()).or_default().push(json!({
                "product": product.id(),
                "path": field.path,
                "class": field.pii.class.to_string(),
                "encrypted": field.pii.encrypted_at_rest(),
                "encryption": field.pii.encryption.map(|mode| mode.name()),
                "copied_by": copied_by,
            }));
        }
    }
    let pii_count: usize = pii.values().map(Vec::len).sum();

    // Policy findings, by domain.
    let mut by_domain: BTreeMap<String, (usize, usize, Vec<Value>)> = BTreeMap::new();
    for finding in findings {
        // A finding about a waiver points at it in mesh.toml: it belongs to the waiver's domain.
        let waived = config.waivers.iter().find(|w| finding.location.as_ref() == Some(&w.location));
        let domain = match (finding.product.as_deref().and_then(|id| id.split_once('.')), waived) {
            (Some((domain, _)), _) => domain,
            (None, Some(waiver)) => &waiver.domain,
            (None, None) => "(mesh)",
        };
        let entry = by_domain.entry(domain.to_owned()).or_default();
        match finding.severity {
            Severity::Error => entry.0 += 1,
            Severity::Warning => entry.1 += 1,
        }
        entry.2.push(json!({"code": finding.code.as_str(), "product": finding.product, "message": finding.message}));
    }
    let policy_findings: BTreeMap<String, Value> = by_domain
        .into_iter()
        .map(|(domain, (errors, warnings, list))| {
            (domain, json!({"errors": errors, "warnings": warnings, "findings": list}))
        })
        .collect();

    // Waivers active during the quarter, and those ending in the next.
    let next = quarter.next();
    let waiver = |w: &mesh_analysis::governance::Waiver| json!({"domain": w.domain, "policy": w.policy.info().name(), "reason": w.reason, "expires": w.expires.to_string()});
    let mut active: Vec<Value> = config.waivers.iter().filter(|w| w.expires >= quarter.start()).map(waiver).collect();
    let mut expiring: Vec<Value> =
        config.waivers.iter().filter(|w| w.expires >= next.start() && w.expires <= next.end()).map(waiver).collect();
    active.sort_by_key(Value::to_string);
    expiring.sort_by_key(Value::to_string);

    // SLA compliance from the validation history; without one the audit says so per product.
    let sla: Vec<Value> = sorted
        .iter()
        .map(|p| {
            let id = p.id();
            match compliance.map(|all| all.iter().find(|c| c.product == id)) {
                None => json!({"product": id, "status": "no history"}),
                Some(None) => json!({"product": id, "status": "no runs in the quarter"}),
                Some(Some(c)) => json!({
                    "product": id,
                    "status": "measured",
                    "runs": c.runs,
                    "quality_met": c.quality_met,
                    "freshness_met": c.freshness_met,
                    "compliant_runs": c.both_met,
                    // One decimal, so the same history gives the same bytes on every machine.
                    "compliance_percent": (c.percent() * 10.0).round() / 10.0,
                }),
            }
        })
        .collect();

    // Contract changes.
    let contracts = match contract_changes {
        None => json!({"available": false}),
        Some(changes) => {
            let published: Vec<Value> = changes
                .iter()
                .filter_map(|c| match &c.kind {
                    ChangeKind::Published { version, previous } => Some(json!({
                        "date": c.date, "commit": c.commit, "product": c.product, "version": version,
                        "previous": previous, "breaking": c.breaking(),
                        "consumers": if c.breaking() { consumers(products, &c.product).iter().map(|p| p.id()).collect::<Vec<_>>() } else { Vec::new() },
                    })),
                    ChangeKind::Removed { .. } | ChangeKind::Deprecated { .. } => None,
                })
                .collect();
            let removed: Vec<Value> = changes
                .iter()
                .filter_map(|c| match &c.kind {
                    ChangeKind::Removed { version } => {
                        Some(json!({"date": c.date, "commit": c.commit, "product": c.product, "version": version}))
                    }
                    ChangeKind::Published { .. } | ChangeKind::Deprecated { .. } => None,
                })
                .collect();
            let deprecated: Vec<Value> = changes
                .iter()
                .filter_map(|c| match &c.kind {
                    ChangeKind::Deprecated { since } => Some(json!({
                        "date": c.date, "commit": c.commit, "product": c.product, "since": since,
                        "consumers": consumers(products, &c.product).iter().map(|p| p.id()).collect::<Vec<_>>(),
                    })),
                    _ => None,
                })
                .collect();
            json!({
                "available": true,
                "versions_published": published.len(),
                "breaking": changes.iter().filter(|c| c.breaking()).count(),
                "published": published,
                "removed": removed,
                "deprecated": deprecated,
            })
        }
    };

    // Ownership gaps.
    let without_support: Vec<String> = sorted.iter().filter(|p| p.support.is_none()).map(|p| p.id()).collect();
    let mut owners: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for product in &sorted {
        owners.entry(&product.owner).or_default().push(product.id());
    }
    let many: Vec<Value> = owners
        .iter()
        .filter(|(_, owned)| owned.len() >= MANY_PRODUCTS)
        .map(|(owner, owned)| json!({"owner": owner, "products": owned.len()}))
        .collect();
    let deprecated: Vec<Value> = sorted
        .iter()
        .filter(|p| p.deprecated.is_some())
        .map(|p| {
            let by: Vec<String> = consumers(products, &p.id()).iter().map(|c| c.id()).collect();
            json!({"product": p.id(), "deprecated": p.deprecated.as_deref(), "consumers": by})
        })
        .collect();
    let still_consumed: Vec<&Value> =
        deprecated.iter().filter(|d| d["consumers"].as_array().is_some_and(|c| !c.is_empty())).collect();

    let mut audit = json!({
        "quarter": quarter.to_string(),
        "period": {"start": quarter.start().to_string(), "end": quarter.end().to_string()},
        "products": sorted.iter().map(|p| p.id()).collect::<Vec<_>>(),
        "pii_fields": pii_count,
        "pii_inventory": pii,
        "policy_findings": policy_findings,
        "waivers": {"active": active, "expiring_next_quarter": expiring, "next_quarter": next.to_string()},
        "sla_compliance": sla,
        "contract_changes": contracts,
        "ownership": {
            "without_support": without_support,
            "owners_of_many": many,
            "many_threshold": MANY_PRODUCTS,
            "deprecated": deprecated,
            "deprecated_still_consumed": still_consumed.len(),
        },
    });
    audit["since_previous"] = previous.map_or(Value::Null, |previous| trend(previous, &audit));
    audit
}

/// What changed from the previous audit to this one.
fn trend(previous: &Value, current: &Value) -> Value {
    let pii_keys = |audit: &Value| -> BTreeSet<String> {
        audit["pii_inventory"]
            .as_object()
            .into_iter()
            .flat_map(|domains| domains.values())
            .flat_map(|fields| fields.as_array().cloned().unwrap_or_default())
            .map(|f| format!("{}:{}", f["product"].as_str().unwrap_or(""), f["path"].as_str().unwrap_or("")))
            .collect()
    };
    let strings = |value: &Value| -> BTreeSet<String> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect()
    };
    let errors = |audit: &Value| -> u64 {
        audit["policy_findings"]
            .as_object()
            .into_iter()
            .flat_map(|d| d.values())
            .filter_map(|d| d["errors"].as_u64())
            .sum()
    };
    let percents = |audit: &Value| -> BTreeMap<String, f64> {
        audit["sla_compliance"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p["product"].as_str()?.to_owned(), p["compliance_percent"].as_f64()?)))
            .collect()
    };
    let compliance_before = percents(previous);
    let compliance_changes: Vec<Value> = percents(current)
        .into_iter()
        .filter_map(|(product, now)| {
            let before = *compliance_before.get(&product)?;
            let direction = if now > before {
                "up"
            } else if now < before {
                "down"
            } else {
                return None;
            };
            Some(json!({"product": product, "before": before, "now": now, "direction": direction}))
        })
        .collect();
    let (before, now) = (pii_keys(previous), pii_keys(current));
    let (products_before, products_now) = (strings(&previous["products"]), strings(&current["products"]));
    let (waivers_before, waivers_now) =
        (strings(&previous["waivers"]["active"]), strings(&current["waivers"]["active"]));
    json!({
        "previous": previous["quarter"],
        "new_pii_fields": now.difference(&before).collect::<Vec<_>>(),
        "removed_pii_fields": before.difference(&now).collect::<Vec<_>>(),
        "new_waivers": waivers_now.difference(&waivers_before).filter_map(|w| serde_json::from_str::<Value>(w).ok()).collect::<Vec<_>>(),
        "products_added": products_now.difference(&products_before).collect::<Vec<_>>(),
        "products_removed": products_before.difference(&products_now).collect::<Vec<_>>(),
        "policy_errors": {"before": errors(previous), "now": errors(current)},
        "compliance": compliance_changes,
    })
}
