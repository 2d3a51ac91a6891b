//! Prometheus alerting rules from every product's SLA, over the metrics of [`crate::metrics`]: one
//! group per domain, per product a rule for its quality score, its freshness (from the newest event
//! time, so it fires as time passes even without a new validation), its data-wide rules and
//! unreadable data. `promtool check rules` validates the file in CI.

use serde::Serialize;

use mesh_model::{Bound, ProductDescriptor};

/// A rules file.
#[derive(Debug, Serialize)]
pub struct RuleFile {
    groups: Vec<Group>,
}

#[derive(Debug, Serialize)]
struct Group {
    name: String,
    rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
struct Rule {
    alert: &'static str,
    expr: String,
    labels: Labels,
    annotations: Annotations,
}

#[derive(Debug, Serialize)]
struct Labels {
    severity: &'static str,
    product: String,
    domain: String,
    owner: String,
}

#[derive(Debug, Serialize)]
struct Annotations {
    summary: String,
    description: String,
}

/// The rules of `products`, grouped by domain in the order given.
pub fn rule_file(products: &[&ProductDescriptor]) -> RuleFile {
    let mut groups: Vec<Group> = Vec::new();
    for product in products {
        let name = format!("mesh.{}", product.domain);
        let index = match groups.iter().position(|g| g.name == name) {
            Some(index) => index,
            None => {
                groups.push(Group { name, rules: Vec::new() });
                groups.len() - 1
            }
        };
        groups[index].rules.extend(product_rules(product));
    }
    RuleFile { groups }
}

fn product_rules(product: &ProductDescriptor) -> Vec<Rule> {
    let id = product.id();
    let selector = format!("{{product=\"{id}\"}}");
    let contact = match &product.support {
        Some(support) => format!("Owner {}, support {support}.", product.owner),
        None => format!("Owner {}.", product.owner),
    };
    let rule = |alert, expr: String, severity, summary: String, description: String| Rule {
        alert,
        expr,
        labels: Labels {
            severity,
            product: id.clone(),
            domain: product.domain.to_string(),
            owner: product.owner.to_string(),
        },
        annotations: Annotations { summary, description: format!("{description} {contact}") },
    };
    let mut rules = Vec::new();
    if let Some(bound) = product.sla.quality_score {
        let percent = f64::from(bound.percent.thousandths()) / 1000.0;
        // The promise `>95%` is broken at 95% or below; `>=95%` only below.
        let comparison = if bound.bound == Bound::Above { "<=" } else { "<" };
        rules.push(rule(
            "DataProductQualityScoreBelowSla",
            format!("mesh_quality_score_percent{selector} {comparison} {percent}"),
            "critical",
            format!("{id}: quality score below its SLA ({bound})"),
            format!(
                "The last validation of {id} scored {{{{ $value }}}}% of records passing every record-level rule; the SLA promises {bound}."
            ),
        ));
    }
    if let Some(freshness) = product.sla.freshness {
        rules.push(rule(
            "DataProductStale",
            format!("time() - mesh_newest_event_timestamp_seconds{selector} > {}", freshness.as_secs()),
            "critical",
            format!("{id}: data older than its SLA's freshness ({freshness})"),
            format!(
                "The newest event of {id} is {{{{ $value | humanizeDuration }}}} old; the SLA promises {freshness}."
            ),
        ));
    }
    if product.quality.iter().any(|r| !r.check.is_record_level()) {
        rules.push(rule(
            "DataProductRuleBreached",
            format!("mesh_breach{{product=\"{id}\",kind=\"rule\"}} == 1"),
            "warning",
            format!("{id}: a data-wide quality rule fails ({{{{ $labels.what }}}})"),
            format!("Quality rule {{{{ $labels.what }}}} of {id} failed at its last validation."),
        ));
    }
    rules.push(rule(
        "DataProductUnreadable",
        format!("mesh_read_errors{selector} > 0"),
        "critical",
        format!("{id}: committed data cannot be read"),
        format!("{{{{ $value }}}} blocks or files of {id} could not be read at its last validation."),
    ));
    rules
}
