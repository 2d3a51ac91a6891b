//! The generated artifacts of every example product: Avro schema and contract
//! YAML are snapshotted, parse with apache-avro and read back unchanged.

use mesh_analysis::ContractYaml;
use mesh_core::Contract;
use mesh_core::{registered_products, DataProduct, Registration};

fn example_products() -> Vec<&'static Registration> {
    registered_products()
}

#[test]
fn every_example_product_is_registered_once() {
    let ids: Vec<String> = example_products().iter().map(|r| r.descriptor.id()).collect();
    assert_eq!(
        ids,
        [
            "customer.customer_360",
            "marketing.marketing_analytics",
            "marketing.marketing_cleaned",
            "marketing.marketing_raw",
            "product.usage_analytics",
            "product.usage_cleaned",
            "product.usage_raw",
            "sales.sales_analytics",
            "sales.sales_cleaned",
            "sales.sales_raw",
        ]
    );
}

#[test]
fn avro_schemas_match_snapshots_and_parse_with_apache_avro() {
    for registration in example_products() {
        let schema = (registration.schema)().expect("example schemas are valid");
        apache_avro::Schema::parse_str(&schema.json).expect("apache-avro parses the schema");
        insta::assert_snapshot!(format!("{}.avsc", registration.descriptor.id()), schema.json);
    }
}

#[test]
fn contracts_match_snapshots_and_round_trip() {
    for registration in example_products() {
        let schema = (registration.schema)().expect("example schemas are valid");
        let contract = Contract::new(registration.descriptor, schema);
        let yaml = contract.to_yaml();
        assert_eq!(Contract::from_yaml(&yaml).expect("contract YAML reads back"), contract);
        insta::assert_snapshot!(format!("{}.contract.yaml", registration.descriptor.id()), yaml);
    }
}

/// The seed guide's example contract, value for value, read by a generic YAML reader
/// (so `quality_score: >95%`, a block scalar in the seed, must come back as the string).
#[test]
fn sales_gold_contract_reproduces_the_seed_example() {
    let yaml = sales::gold::SalesAnalytics::contract().unwrap().to_yaml();
    let document = mesh_tests::yaml_to_json(&yaml);
    let product = &document["data_product"];
    assert_eq!(product["name"], "sales_analytics");
    assert_eq!(product["domain"], "sales");
    assert_eq!(product["owner"], "sales-data-team@company.com");
    assert_eq!(product["sla"]["freshness"], "15 minutes");
    assert_eq!(product["sla"]["availability"], "99.9%");
    assert_eq!(product["sla"]["quality_score"], ">95%");
    assert_eq!(product["schema"]["format"], "Avro");
    assert_eq!(product["schema"]["version"], "2.1.0");
    assert_eq!(product["access"]["read"], "SELECT on sales.orders");
    assert_eq!(product["access"]["authentication"], "OAuth2");
    let email = product["fields"].as_array().unwrap().iter().find(|f| f["name"] == "customer_email").unwrap();
    assert_eq!(email["pii"]["class"], "direct");
    assert_eq!(email["pii"]["encrypted_at_rest"], true);
}

#[test]
fn linked_inputs_carry_the_linked_version_as_a_caret_requirement() {
    let contract = customer::gold::Customer360::contract().unwrap();
    let inputs: Vec<(String, String)> =
        contract.inputs.iter().map(|i| (i.product.clone(), i.requirement.clone())).collect();
    assert_eq!(
        inputs,
        [
            ("sales.sales_cleaned".to_string(), format!("^{}", sales::silver::SalesCleaned::VERSION)),
            ("marketing.marketing_cleaned".to_string(), format!("^{}", marketing::silver::MarketingCleaned::VERSION)),
        ]
    );
}

#[test]
fn declarations_record_their_source_location() {
    let source = &sales::gold::SalesAnalytics::DESCRIPTOR.source;
    assert_eq!(source.file, "domains/sales/src/gold.rs");
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../domains/sales/src/gold.rs")).unwrap();
    let line = text.lines().nth(source.line as usize - 1).unwrap();
    assert!(line.contains("pub struct SalesAnalytics"), "line {} is `{line}`", source.line);
}
