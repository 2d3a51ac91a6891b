//! The contract-level compatibility rules: each finds its one change in a published contract.

use std::path::Path;

use mesh_analysis::contract_diff::compare_contracts;
use mesh_analysis::ContractYaml;
use mesh_avro::compat::{Rule, RuleKind};
use mesh_core::model::{Availability, Compatibility, Freshness, PiiClass, QualityScore, Visibility};
use mesh_core::Contract;

/// The rules that compare contracts rather than schemas, in table order.
fn contract_rules() -> Vec<Rule> {
    Rule::ALL.iter().copied().filter(|rule| rule.kind() == RuleKind::Contract).collect()
}

/// A change to a contract.
type Edit = Box<dyn Fn(&mut Contract)>;

fn published_contract() -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sales_cleaned.contract.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Contract::from_yaml(&text).unwrap()
}

#[test]
fn every_contract_rule_finds_its_change() {
    let previous = published_contract();
    let email = previous.fields.iter().position(|f| f.name == "customer_email").unwrap();
    let cases: Vec<(Rule, &str, Edit)> = vec![
        (
            Rule::PiiClassWeakened,
            "sales.sales_cleaned.customer_email",
            Box::new(move |c| c.fields[email].pii.as_mut().unwrap().class = PiiClass::Indirect),
        ),
        (
            Rule::PiiEncryptionRemoved,
            "sales.sales_cleaned.customer_email",
            Box::new(move |c| c.fields[email].pii.as_mut().unwrap().encrypted_at_rest = false),
        ),
        (
            Rule::SlaFreshnessLoosened,
            "sales.sales_cleaned (sla.freshness)",
            Box::new(|c| c.sla.freshness = Some("1 hour".parse::<Freshness>().unwrap())),
        ),
        (
            Rule::SlaAvailabilityLowered,
            "sales.sales_cleaned (sla.availability)",
            Box::new(|c| c.sla.availability = Some("99%".parse::<Availability>().unwrap())),
        ),
        (
            Rule::SlaQualityLowered,
            "sales.sales_cleaned (sla.quality_score)",
            Box::new(|c| c.sla.quality_score = Some(">=98%".parse::<QualityScore>().unwrap())),
        ),
        (
            Rule::VisibilityNarrowed,
            "sales.sales_cleaned (access.visibility)",
            Box::new(|c| c.access.visibility = Visibility::Domains(vec!["customer".into()].into())),
        ),
        (
            Rule::AccessChanged,
            "sales.sales_cleaned (access.read)",
            Box::new(|c| c.access.read = Some("GET /orders".into())),
        ),
        (
            Rule::CompatibilityLoosened,
            "sales.sales_cleaned (schema.compatibility)",
            Box::new(|c| c.schema.compatibility = Compatibility::Backward),
        ),
    ];
    let mut messages = String::new();
    for (rule, path, change) in &cases {
        let mut current = previous.clone();
        change(&mut current);
        let found = compare_contracts(&previous, &current, None, "sales.sales_cleaned");
        assert_eq!(found.iter().map(|c| (c.rule, c.path.as_str())).collect::<Vec<_>>(), [(*rule, *path)]);
        assert!(found[0].breaking);
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
}
