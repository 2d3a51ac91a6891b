//! Federated computational governance: the mesh's global policies, checked
//! automatically on every product.
//!
//! The built-in [`policy::POLICIES`] are the global policies; `mesh.toml`
//! ([`MeshConfig`]) sets their levels centrally, lets a domain be stricter,
//! and holds the waivers: a domain's exception to one policy, with a reason
//! and an expiry date. [`check`] runs the lineage checks and every enabled
//! policy and returns a [`Report`] of diagnostics.
//!
//! Codes (all in [`crate::diagnostic::codes`]): MESH0101..MESH0109 are the
//! policies ([`POLICIES`], levels set in `mesh.toml`); MESH0201..MESH0206
//! report `mesh.toml` itself and are never waived.

mod config;
pub mod policy;
mod report;
mod rules;

use std::collections::HashMap;

pub use config::{MeshConfig, Waiver};
pub use mesh_model::CalendarDate;
pub use policy::{Level, Policy, PolicyInfo, Scope, POLICIES};
pub use report::{render, Format, Report, Summary};

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::lineage::{is_typo_of, Lineage};
use mesh_model::ProductDescriptor;

/// Checks `products`: the lineage graph, then every policy enabled by `config`, with waivers valid on `today`.
///
/// ```
/// use std::borrow::Cow;
/// use mesh_analysis::governance::{check, CalendarDate, MeshConfig};
/// use mesh_model::*;
///
/// let raw = ProductDescriptor {
///     domain: Cow::Borrowed("sales"),
///     name: Cow::Borrowed("sales_raw"),
///     version: Cow::Borrowed("1.0.0"),
///     owner: Cow::Borrowed("sales-data@company.com"),
///     layer: Layer::Bronze,
///     description: Cow::Borrowed("Order events as the shop emitted them."),
///     support: Some(Cow::Borrowed("#sales-data on Slack")),
///     tags: Cow::Borrowed(&[]),
///     sla: Sla::default(),
///     event_time: None,
///     access: Access::default(),
///     visibility: Visibility::Domain,
///     compatibility: Compatibility::Full,
///     deprecated: None,
///     inputs: Cow::Borrowed(&[]),
///     fields: Cow::Owned(vec![FieldDescriptor {
///         name: Cow::Borrowed("email"),
///         avro_type: Cow::Borrowed("string"),
///         doc: Cow::Borrowed("The buyer's address."),
///         pii: Some(Pii { class: PiiClass::Direct, encryption: None }),
///         aliases: Cow::Borrowed(&[]),
///         record: None,
///         source: SourceLocation { file: Cow::Borrowed("domains/sales/src/bronze.rs"), line: 10, column: 9 },
///     }]),
///     quality: Cow::Borrowed(&[]),
///     rust_type: Cow::Borrowed("sales::SalesRaw"),
///     source: SourceLocation { file: Cow::Borrowed("domains/sales/src/bronze.rs"), line: 7, column: 12 },
/// };
/// let config = MeshConfig::parse("[policies]\nlayer-names = \"error\"\n", "mesh.toml");
/// let report = check([&raw], &config, CalendarDate::parse("2026-06-01").unwrap());
/// assert!(report.has_errors());
/// assert_eq!(report.diagnostics[0].code, "MESH0101"); // pii-encrypted-at-rest
/// ```
pub fn check<'a>(
    products: impl IntoIterator<Item = &'a ProductDescriptor>,
    config: &MeshConfig,
    today: CalendarDate,
) -> Report {
    check_lineage(&Lineage::build(products), config, today)
}

/// [`check`] over a lineage graph already built.
pub fn check_lineage(lineage: &Lineage<'_>, config: &MeshConfig, today: CalendarDate) -> Report {
    let mut diagnostics: Vec<Diagnostic> = lineage.diagnostics().to_vec();
    diagnostics.extend(config.problems.iter().cloned());
    for (domain, location) in config.domain_tables() {
        if lineage.domains().binary_search(&domain).is_err() {
            diagnostics.push(unknown_domain(domain, location, lineage.domains()));
        }
    }

    // One waiver per domain and policy: a second would silently replace the first, so it is reported instead.
    let mut declared: HashMap<(&str, Policy), &Waiver> = HashMap::new();
    let mut active: HashMap<(&str, Policy), usize> = HashMap::new();
    for (position, waiver) in config.waivers.iter().enumerate() {
        let key = (&*waiver.domain, waiver.policy);
        if let Some(first) = declared.get(&key) {
            diagnostics.push(duplicate(waiver, first));
            continue;
        }
        declared.insert(key, waiver);
        if waiver.expires < today {
            diagnostics.push(expired(waiver));
        } else {
            active.insert(key, position);
        }
    }
    let mut used = vec![false; config.waivers.len()];

    let mut policies_checked = 0;
    let mut waived = 0;
    let mut findings = Vec::new();
    for policy in Policy::of(Scope::Declarations) {
        if config.strictest(policy) == Level::Off {
            continue;
        }
        policies_checked += 1;
        findings.clear();
        rules::check(policy, lineage, &mut findings);
        let info = policy.info();
        for finding in findings.drain(..) {
            let product = lineage.product(finding.product);
            let Some(severity) = config.level(policy, &product.domain).severity() else { continue };
            if let Some(&waiver) = active.get(&(&*product.domain, policy)) {
                used[waiver] = true;
                waived += 1;
                continue;
            }
            let diagnostic = Diagnostic::policy(info.code, severity, finding.message);
            let at = finding.at.as_ref().unwrap_or(&product.source);
            diagnostics.push(diagnostic.product(product.id()).at(at).help(finding.help));
        }
    }
    // Whether a waiver of a policy on data at rest is used, only the scan can tell.
    for (waiver, position) in active {
        if !used[position] && waiver.1.info().scope == Scope::Declarations {
            diagnostics.push(unused(&config.waivers[position], waiver.0));
        }
    }

    let summary = Summary {
        domains: lineage.domains().len(),
        products: lineage.products().len(),
        edges: lineage.edge_count(),
        cross_domain_edges: lineage.cross_domain_edge_count(),
        policies_checked,
        waived,
    };
    let mut report = Report { diagnostics, summary };
    report.sort();
    report
}

fn unknown_domain(domain: &str, location: &Location, domains: &[&str]) -> Diagnostic {
    let meant: Vec<&str> = domains.iter().copied().filter(|candidate| is_typo_of(domain, candidate)).collect();
    let help = if !meant.is_empty() {
        format!("did you mean `{}`? Otherwise remove the table", meant.join("` or `"))
    } else if domains.is_empty() {
        "the mesh has no products yet: remove the table, or link the domain's crate".to_string()
    } else {
        format!("the mesh's domains are `{}`: fix the name, or remove the table", domains.join("`, `"))
    };
    Diagnostic::new(
        Code::UnknownDomain,
        format!("{} sets policies for domain `{domain}`, which has no product in the mesh", location.file),
    )
    .at(location.clone())
    .help(help)
}

fn duplicate(waiver: &Waiver, first: &Waiver) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidWaiver,
        format!(
            "duplicate waiver for {}/{}, first at {} line {}",
            waiver.domain, waiver.policy, first.location.file, first.location.line
        ),
    )
    .at(waiver.location.clone())
    .help("keep one: a domain has at most one waiver per policy, so only the first applies")
}

fn expired(waiver: &Waiver) -> Diagnostic {
    Diagnostic::new(
        Code::ExpiredWaiver,
        format!(
            "the waiver of {} for domain `{}` expired on {} (reason given: {})",
            waiver.policy, waiver.domain, waiver.expires, waiver.reason
        ),
    )
    .at(waiver.location.clone())
    .help(format!(
        "bring domain `{}` into line with {} and remove the waiver, or, after review, renew it with a new `expires` date",
        waiver.domain, waiver.policy
    ))
}

fn unused(waiver: &Waiver, domain: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnusedWaiver,
        format!("the waiver of {} for domain `{domain}` waives nothing: no product there violates it", waiver.policy),
    )
    .at(waiver.location.clone())
    .help("remove the waiver, so the policy protects the domain again")
}

#[cfg(test)]
mod tests;
