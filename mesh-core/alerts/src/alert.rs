//! One alert per breach of a validation, with what a person and a machine need: a Slack-compatible
//! `text` and the structured fields. Built from the report's counts, bounds and rule ids only, so
//! no record value (personal data among them) can reach an alert.

use serde::Serialize;

use mesh_model::ProductDescriptor;
use mesh_quality::report::ProductReport;

/// The breach `what` of data that could not be read (the validation's exit code 2).
pub const UNREADABLE: &str = "data.unreadable";

/// What a webhook receives for one breach.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// For people, and for Slack, which shows `text`.
    pub text: String,
    /// The product id.
    pub product: String,
    /// Its domain, which routes the alert.
    pub domain: String,
    /// What is breached: `sla.quality_score`, `sla.freshness`, a rule's id, or `data.unreadable`.
    pub breach: String,
    /// `sla`, `rule` or `data`.
    pub kind: &'static str,
    /// What was measured, e.g. `93.500%`, `2 hours`, `6 of 120 records, 3 duplicated values`.
    pub measured: String,
    /// The promise, e.g. `>95%`, `15 minutes`, `no duplicate values`.
    pub bound: String,
    /// The validated run: the lakehouse version and its commit time (absent for `--files`).
    pub run: Run,
    /// The product's owner, from its contract.
    pub owner: String,
    /// Its support channel, from its contract.
    pub support: Option<String>,
}

/// The committed version a validation read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The lakehouse version.
    pub version: Option<u64>,
    /// When it was committed.
    pub committed_at: Option<String>,
    /// The time freshness was measured at.
    pub validated_at: String,
}

/// The alerts of one product's validation: one per breach, and one when data could not be read.
pub fn alerts(product: &ProductDescriptor, report: &ProductReport) -> Vec<Alert> {
    let run =
        Run { version: report.version, committed_at: report.committed_at.clone(), validated_at: report.at.clone() };
    let alert = |breach: &str, kind: &'static str, measured: String, bound: String| {
        let at = match (report.version, &report.committed_at) {
            (Some(version), Some(committed)) => format!(" (version {version}, committed {committed})"),
            _ => String::new(),
        };
        let support = product.support.as_deref().map(|s| format!(", support {s}")).unwrap_or_default();
        Alert {
            text: format!(
                ":rotating_light: {} breaches `{breach}`{at}: measured {measured}, promised {bound}. Owner {}{support}.",
                report.product, product.owner
            ),
            product: report.product.clone(),
            domain: product.domain.to_string(),
            breach: breach.to_string(),
            kind,
            measured,
            bound,
            run: run.clone(),
            owner: product.owner.to_string(),
            support: product.support.as_deref().map(str::to_string),
        }
    };
    let mut out = Vec::new();
    for breach in &report.breaches {
        out.push(match breach.what.as_str() {
            "sla.quality_score" => alert(
                &breach.what,
                "sla",
                report.quality_score.map_or_else(|| "no records".into(), |s| format!("{s:.3}%")),
                report.quality_bound.clone().unwrap_or_default(),
            ),
            "sla.freshness" => alert(
                &breach.what,
                "sla",
                report.freshness.age_seconds.map_or_else(|| "no event time".into(), |age| format!("data {age} s old")),
                report.freshness.bound.clone().unwrap_or_default(),
            ),
            rule_id => {
                let rule = report.rules.iter().find(|r| r.id == rule_id);
                alert(
                    rule_id,
                    "rule",
                    rule.map_or_else(String::new, |r| {
                        let counted = format!("{} of {} records fail", r.failing, r.checked);
                        match &r.measured {
                            Some(measured) => format!("{counted}, {measured}"),
                            None => counted,
                        }
                    }),
                    rule.map_or_else(String::new, |r| r.description.clone()),
                )
            }
        });
    }
    if !report.read_errors.is_empty() {
        out.push(alert(
            UNREADABLE,
            "data",
            format!("{} read errors", report.read_errors.len()),
            "every committed file readable".into(),
        ));
    }
    out
}
