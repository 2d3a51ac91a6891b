//! The contract-level compatibility rules: each finds its one change in a published contract.

use std::path::Path;

use mesh_analysis::contract_diff::compare_contracts;
use mesh_analysis::ContractYaml;
use mesh_avro::compat::{Rule, RuleKind};
use mesh_core::model::{Availability, Compatibility, Encryption, Freshness, PiiClass, QualityScore, Visibility};
use mesh_core::Contract;

/// The rules that compare contracts rather than schemas, in table order.
/// The contract rules this file has a case for: the quality rules' four (added, tightened,
/// removed, loosened) have theirs beside their comparison, in `quality_diff.rs`'s unit tests.
fn contract_rules() -> Vec<Rule> {
    let quality =
        [Rule::QualityRuleAdded, Rule::QualityRuleTightened, Rule::QualityRuleRemoved, Rule::QualityRuleLoosened];
    Rule::ALL.iter().copied().filter(|rule| rule.compares_contracts() && !quality.contains(rule)).collect()
}

/// A change to a contract.
type Edit = Box<dyn Fn(&mut Contract)>;

/// A contract as published before `sla.freshness_field` existed.
fn published_contract() -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sales_cleaned.contract.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Contract::from_yaml(&text).unwrap()
}

/// The published contract with its freshness measured on `ordered_at` (`event_time = "ordered_at"`).
fn measured_on_ordered_at() -> Contract {
    let mut contract = published_contract();
    contract.sla.freshness_field = Some("ordered_at".into());
    contract
}

#[test]
fn every_contract_rule_finds_its_change() {
    let previous = published_contract();
    let measured = measured_on_ordered_at();
    let email = previous.fields.iter().position(|f| f.name == "customer_email").unwrap();
    let mut plaintext = previous.clone();
    plaintext.fields[email].pii.as_mut().unwrap().encrypted_at_rest = false;
    let mut deterministic = previous.clone();
    deterministic.fields[email].pii.as_mut().unwrap().encryption = Some(Encryption::Deterministic);
    // Each rule, the path it reports, the contract before and the change to it.
    let cases: Vec<(Rule, &str, &Contract, Edit)> = vec![
        (
            Rule::PiiClassWeakened,
            "sales.sales_cleaned.customer_email",
            &previous,
            Box::new(move |c| c.fields[email].pii.as_mut().unwrap().class = PiiClass::Indirect),
        ),
        (
            Rule::PiiEncryptionRemoved,
            "sales.sales_cleaned.customer_email",
            &previous,
            Box::new(move |c| c.fields[email].pii.as_mut().unwrap().encrypted_at_rest = false),
        ),
        (
            Rule::PiiEncryptionAdded,
            "sales.sales_cleaned.customer_email",
            &plaintext,
            Box::new(move |c| c.fields[email].pii.as_mut().unwrap().encrypted_at_rest = true),
        ),
        (
            Rule::PiiEncryptionRandomized,
            "sales.sales_cleaned.customer_email",
            &deterministic,
            Box::new(move |c| c.fields[email].pii.as_mut().unwrap().encryption = Some(Encryption::Randomized)),
        ),
        (
            Rule::SlaFreshnessLoosened,
            "sales.sales_cleaned (sla.freshness)",
            &previous,
            Box::new(|c| c.sla.freshness = Some("1 hour".parse::<Freshness>().unwrap())),
        ),
        (
            Rule::SlaFreshnessFieldChanged,
            "sales.sales_cleaned (sla.freshness_field)",
            &measured,
            Box::new(|c| c.sla.freshness_field = Some("shipped_at".into())),
        ),
        (
            Rule::SlaAvailabilityLowered,
            "sales.sales_cleaned (sla.availability)",
            &previous,
            Box::new(|c| c.sla.availability = Some("99%".parse::<Availability>().unwrap())),
        ),
        (
            Rule::SlaQualityLowered,
            "sales.sales_cleaned (sla.quality_score)",
            &previous,
            Box::new(|c| c.sla.quality_score = Some(">=98%".parse::<QualityScore>().unwrap())),
        ),
        (
            Rule::VisibilityNarrowed,
            "sales.sales_cleaned (access.visibility)",
            &previous,
            Box::new(|c| c.access.visibility = Visibility::Domains(vec!["customer".into()].into())),
        ),
        (
            Rule::AccessChanged,
            "sales.sales_cleaned (access.read)",
            &previous,
            Box::new(|c| c.access.read = Some("GET /orders".into())),
        ),
        (
            Rule::CompatibilityLoosened,
            "sales.sales_cleaned (schema.compatibility)",
            &previous,
            Box::new(|c| c.schema.compatibility = Compatibility::Backward),
        ),
        (
            Rule::SlaFreshnessFieldAdded,
            "sales.sales_cleaned (sla.freshness_field)",
            &previous,
            Box::new(|c| c.sla.freshness_field = Some("ordered_at".into())),
        ),
        (
            Rule::PiiEncryptionMadeDeterministic,
            "sales.sales_cleaned.customer_email",
            &previous,
            Box::new(move |c| c.fields[email].pii.as_mut().unwrap().encryption = Some(Encryption::Deterministic)),
        ),
    ];
    let mut messages = String::new();
    for (rule, path, before, change) in &cases {
        let mut current = (*before).clone();
        change(&mut current);
        let found = compare_contracts(before, &current, None, "sales.sales_cleaned");
        assert_eq!(found.iter().map(|c| (c.rule, c.path.as_str())).collect::<Vec<_>>(), [(*rule, *path)]);
        assert_eq!(found[0].breaking, rule.kind() == RuleKind::Contract, "{rule}");
        assert_eq!(found[0].breaks.backward && found[0].breaks.forward, found[0].breaking, "{rule}");
        messages.push_str(&format!("{}\n", found[0]));
    }
    assert_eq!(cases.iter().map(|case| case.0).collect::<Vec<_>>(), contract_rules());
    insta::assert_snapshot!("contract_rule_messages", messages);
    // Stronger promises break no one.
    let mut stronger = previous.clone();
    stronger.sla.freshness = Some("1 minute".parse().unwrap());
    stronger.access.visibility = Visibility::Public;
    stronger.fields[email].pii.as_mut().unwrap().class = PiiClass::Sensitive;
    assert_eq!(compare_contracts(&previous, &stronger, None, "x"), []);
    // A contract published before the mode was written reads as randomized, the default.
    let mut said_randomized = previous.clone();
    said_randomized.fields[email].pii.as_mut().unwrap().encryption = Some(Encryption::Randomized);
    assert_eq!(compare_contracts(&previous, &said_randomized, None, "x"), []);
}

#[test]
fn a_contract_published_before_freshness_field_reads_and_writes_without_it() {
    let older = published_contract();
    assert_eq!(older.sla.freshness_field, None);
    assert!(!older.to_yaml().contains("freshness_field"), "no key where no field is named");
    let measured = measured_on_ordered_at();
    let yaml = measured.to_yaml();
    assert!(yaml.contains("  sla:\n    freshness: 10 minutes\n    availability: 99.9%\n    quality_score: \">98%\"\n    freshness_field: ordered_at\n"), "{yaml}");
    assert_eq!(Contract::from_yaml(&yaml).unwrap(), measured, "reads back");
}

#[test]
fn the_freshness_field_is_followed_through_a_rename_and_dropping_it_breaks() {
    let previous = measured_on_ordered_at();
    let rules = |current: &Contract| -> Vec<(Rule, bool, String)> {
        compare_contracts(&previous, current, None, "sales.sales_cleaned")
            .into_iter()
            .map(|c| (c.rule, c.breaking, c.message))
            .collect()
    };
    assert_eq!(rules(&previous), [], "unchanged");

    // `ordered_at` renamed to `placed_at` with an alias: the same field, so the same promise.
    let mut renamed = previous.clone();
    let field = renamed.fields.iter_mut().find(|f| f.name == "ordered_at").unwrap();
    field.name = "placed_at".into();
    field.aliases = vec!["ordered_at".into()];
    renamed.sla.freshness_field = Some("placed_at".into());
    assert_eq!(rules(&renamed), []);

    // Another field without the alias is another measure.
    let mut other = renamed.clone();
    other.fields.iter_mut().find(|f| f.name == "placed_at").unwrap().aliases.clear();
    assert_eq!(
        rules(&other),
        [(
            Rule::SlaFreshnessFieldChanged,
            true,
            "freshness measured on field `placed_at` instead of `ordered_at`".to_string()
        )]
    );

    let mut dropped = previous.clone();
    dropped.sla.freshness_field = None;
    assert_eq!(
        rules(&dropped),
        [(
            Rule::SlaFreshnessFieldChanged,
            true,
            "freshness no longer names the field it is measured on (was `ordered_at`)".to_string()
        )]
    );
}
