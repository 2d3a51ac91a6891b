use mesh_core::{DataProduct, TimestampMillis};
use mesh_macros::data_product;
use mesh_model::Instant;
use mesh_quality::report::{Breach, Example, FreshnessResult, ProductReport, RuleResult};

use crate::{alert, metrics, rules};

/// A customer list.
#[data_product(
    domain = "crm",
    version = "1.0.0",
    owner = "crm@company.com",
    layer = "silver",
    support = "#crm on Slack",
    sla(freshness = "1 hour", quality_score = ">=99%"),
    event_time = "seen_at",
    quality(row_count(min = 1))
)]
#[allow(dead_code)] // Declared for its descriptor only.
struct Customer {
    /// The address.
    #[pii(direct, encrypted)]
    #[quality(unique, pattern = "[^@]+@[^@]+")]
    email: String,
    /// Last seen.
    seen_at: TimestampMillis,
}

/// A validation of `crm.customer` where the email's uniqueness, the score and the freshness fail;
/// its examples hold a personal value, as the embedded validator's would if it ever failed to mask.
fn report() -> ProductReport {
    let rule = |id: &str, rule: &str, record_level: bool, failing: u64, measured: Option<&str>| RuleResult {
        id: id.into(),
        rule: rule.into(),
        description: "a rule".into(),
        record_level,
        checked: 10,
        failing,
        measured: measured.map(str::to_string),
        passed: failing == 0,
        examples: vec![Example { file: "f.avro".into(), block: 0, record: 1, value: "ann@example.com".into() }],
    };
    ProductReport {
        product: "crm.customer".into(),
        version: Some(3),
        committed_at: Some("2026-11-01T00:00:00Z".into()),
        product_version: "1.0.0".into(),
        at: "2026-11-01T02:00:00Z".into(),
        files: vec!["f.avro".into()],
        records: 10,
        passing_records: 9,
        quality_score: Some(90.0),
        quality_bound: Some(">=99%".into()),
        freshness: FreshnessResult {
            newest_event_time: Some("2026-11-01T00:00:00Z".into()),
            age_seconds: Some(7_200),
            bound: Some("1 hour".into()),
            bound_seconds: Some(3_600),
        },
        rules: vec![
            rule("email.unique", "unique", false, 2, Some("1 duplicated values")),
            rule("email.pattern", "pattern", true, 1, None),
            rule("row_count", "row_count", false, 0, Some("10 records")),
        ],
        breaches: ["sla.quality_score", "sla.freshness", "email.unique"]
            .iter()
            .map(|what| Breach { what: (*what).into(), message: "ann@example.com is a duplicate".into() })
            .collect(),
        read_errors: Vec::new(),
        spilled: false,
    }
}

#[test]
fn one_alert_per_breach_built_from_counts_never_from_values() {
    let alerts = alert::alerts(Customer::DESCRIPTOR, &report());
    let summary: Vec<(&str, &str, &str, &str)> =
        alerts.iter().map(|a| (a.breach.as_str(), a.kind, a.measured.as_str(), a.bound.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("sla.quality_score", "sla", "90.000%", ">=99%"),
            ("sla.freshness", "sla", "data 7200 s old", "1 hour"),
            ("email.unique", "rule", "2 of 10 records fail, 1 duplicated values", "a rule"),
        ]
    );
    assert_eq!(alerts[0].run.version, Some(3));
    assert!(alerts[0].text.contains("Owner crm@company.com, support #crm on Slack"), "{}", alerts[0].text);
    let json = serde_json::to_string(&alerts).unwrap();
    assert!(!json.contains("ann@example.com"), "an example's value or a breach message reached an alert");
}

#[test]
fn the_metrics_of_a_validation() {
    let at = Instant::parse_rfc3339("2026-11-01T02:00:05Z").unwrap();
    let text = metrics::text(Customer::DESCRIPTOR, &report(), at);
    assert!(!text.contains("ann@example.com"));
    insta::assert_snapshot!(text);
}

#[test]
fn the_alerting_rules_of_a_product() {
    let file = rules::rule_file(&[Customer::DESCRIPTOR]);
    insta::assert_yaml_snapshot!(file);
}
