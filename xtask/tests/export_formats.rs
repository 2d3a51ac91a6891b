//! `cargo xtask export --format odcs|datahub`: the real binary's files, checked by the other
//! tools' own code: ODCS against the standard's official v3.1.0 JSON Schema, DataHub through
//! DataHub's Python models and file source.

use std::path::{Path, PathBuf};
use std::process::Command;

use mesh_core::{registered_products, Contract};
use serde_json::Value;

// The binary's mesh: the registry of this test must link the same domains.
use customer as _;
use marketing as _;
use product as _;
use sales as _;

fn export(format: &str, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["export", "--format", format, "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "export --format {format}: {}", String::from_utf8_lossy(&output.stderr));
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/exports").join(name)
}

/// Runs a checker script; its JSON lines.
fn python(script_name: &str, args: &[PathBuf]) -> Vec<Value> {
    let output = Command::new("python3").arg(script(script_name)).args(args).output().expect(
        "python3 is missing: `cargo xtask test` installs it with the open-data-contract-standard, jsonschema and acryl-datahub packages",
    );
    assert!(
        output.status.success(),
        "{script_name} failed (`cargo xtask test` installs its packages): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn contracts() -> Vec<Contract> {
    registered_products().iter().map(|r| Contract::new(r.descriptor, (r.schema)().unwrap())).collect()
}

#[test]
fn odcs_contracts_validate_against_the_official_schema() {
    let out = tempfile::tempdir().unwrap();
    export("odcs", out.path());
    let contracts = contracts();
    let files: Vec<PathBuf> =
        contracts.iter().map(|c| out.path().join(format!("{}/{}.odcs.yaml", c.domain, c.name))).collect();
    // The validator is live: a document with a key the standard forbids and no `id` fails.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let broken = out.path().join("broken.odcs.yaml");
    let without_id: String = text.lines().filter(|l| !l.starts_with("id: ")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&broken, format!("{without_id}layer: gold\n")).unwrap();
    let mut args = files.clone();
    args.push(broken.clone());
    let results = python("check_odcs.py", &args);
    assert_eq!(results.len(), files.len() + 1);
    for result in &results[..files.len()] {
        assert_eq!(result["errors"], Value::Array(vec![]), "{} is not valid ODCS v3.1.0", result["file"]);
    }
    let errors = results[files.len()]["errors"].to_string();
    assert!(errors.contains("'id' is a required property") && errors.contains("layer"), "{errors}");

    // What the contract says is where ODCS puts it.
    let customer: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(out.path().join("customer/customer_360.odcs.yaml")).unwrap())
            .unwrap();
    assert_eq!(customer["apiVersion"], "v3.1.0");
    assert_eq!(customer["id"], "customer.customer_360");
    let latency = customer["slaProperties"].as_array().unwrap().iter().find(|p| p["property"] == "latency").unwrap();
    assert_eq!(
        (latency["value"].as_u64(), latency["unit"].as_str()),
        (Some(1), Some("d")),
        "freshness 1 day as latency"
    );
    let properties = customer["schema"][0]["properties"].as_array().unwrap();
    let email = properties.iter().find(|p| p["name"] == "email").unwrap();
    assert_eq!(email["classification"], "direct");
    let address = properties.iter().find(|p| p["name"] == "shipping_address").unwrap();
    assert_eq!(address["logicalType"], "object");
    let postcode = address["properties"].as_array().unwrap().iter().find(|p| p["name"] == "postcode").unwrap();
    assert_eq!(postcode["classification"], "indirect", "nested personal data keeps its class");
    let custom: Vec<&str> =
        customer["customProperties"].as_array().unwrap().iter().map(|p| p["property"].as_str().unwrap()).collect();
    assert!(custom.contains(&"layer") && custom.contains(&"authentication"), "{custom:?}");
    assert_eq!(customer["servers"][0]["path"], "lakehouse/gold/customer/customer_360/data/*.avro");
    assert_eq!(customer["team"]["members"][0]["username"], "customer-insights@company.com");

    // Every quality rule is one ODCS check where it applies: ODCS's own metric where it has one.
    for c in &contracts {
        let document: Value = serde_saphyr::from_str(
            &std::fs::read_to_string(out.path().join(format!("{}/{}.odcs.yaml", c.domain, c.name))).unwrap(),
        )
        .unwrap();
        let schema = &document["schema"][0];
        for rule in &c.quality {
            let checks = match &rule.field {
                Some(field) => {
                    let property =
                        schema["properties"].as_array().unwrap().iter().find(|p| p["name"] == field.as_str()).unwrap();
                    property["quality"].clone()
                }
                None => schema["quality"].clone(),
            };
            let found: Vec<&Value> =
                checks.as_array().into_iter().flatten().filter(|q| q["name"] == rule.id.as_str()).collect();
            assert_eq!(found.len(), 1, "{}.{}: rule {} once in {checks}", c.domain, c.name, rule.id);
            let expected_metric = match rule.rule.as_str() {
                "unique" | "unique_combination" => Some("duplicateValues"),
                "accepted_values" | "pattern" => Some("invalidValues"),
                "max_null_share" => Some("nullValues"),
                "row_count" => Some("rowCount"),
                _ => None,
            };
            match expected_metric {
                Some(metric) => assert_eq!(found[0]["metric"], metric, "{}", rule.id),
                None => assert_eq!(
                    (found[0]["engine"].as_str(), found[0]["implementation"]["id"].as_str()),
                    (Some("mesh-as-code"), Some(rule.id.as_str())),
                    "{}",
                    rule.id
                ),
            }
        }
    }
    let sales: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(out.path().join("sales/sales_analytics.odcs.yaml")).unwrap())
            .unwrap();
    let property = |name: &str| {
        sales["schema"][0]["properties"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap().clone()
    };
    assert_eq!(property("amount")["logicalTypeOptions"], serde_json::json!({"minimum": 0, "maximum": 1_000_000}));
    assert_eq!(property("order_id")["unique"], true);
    let channel_nulls = &property("channel")["quality"][0];
    assert_eq!(
        (&channel_nulls["mustBeLessOrEqualTo"], &channel_nulls["unit"]),
        (&serde_json::json!(20), &serde_json::json!("percent"))
    );
}

#[test]
fn the_datahub_file_parses_with_datahubs_models() {
    let out = tempfile::tempdir().unwrap();
    export("datahub", out.path());
    let summary = python("check_datahub.py", &[out.path().join("datahub.json")]).remove(0);
    let contracts = contracts();
    assert_eq!(summary["workunits"], summary["proposals"], "the file source reads every proposal");
    for aspect in ["DatasetPropertiesClass", "SchemaMetadataClass", "OwnershipClass", "DomainsClass"] {
        assert_eq!(summary["aspects"][aspect].as_u64(), Some(contracts.len() as u64), "{aspect}: {summary}");
    }
    assert_eq!(summary["platform_schema"], serde_json::json!(["OtherSchemaClass"]));
    for c in &contracts {
        let urn = format!("urn:li:dataset:(urn:li:dataPlatform:mesh,{}.{},PROD)", c.domain, c.name);
        let mut expected: Vec<String> =
            c.inputs.iter().map(|i| format!("urn:li:dataset:(urn:li:dataPlatform:mesh,{},PROD)", i.product)).collect();
        expected.sort();
        let upstreams: Vec<String> = summary["upstreams"][&urn]
            .as_array()
            .map(|a| a.iter().map(|u| u.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        assert_eq!(upstreams, expected, "lineage of {urn}");
        assert_eq!(summary["owners"][&urn][0], format!("urn:li:corpGroup:{}", c.owner));
        for field in &c.fields {
            let key = format!("{}.{}.{}", c.domain, c.name, field.name);
            let terms = summary["pii_terms"].get(&key);
            assert_eq!(terms.is_some(), field.pii.is_some() || !field.nested_pii.is_empty(), "glossary terms of {key}");
        }
    }
    assert_eq!(summary["field_types"]["customer.customer_360.preferred_channel"], "EnumTypeClass");
    assert_eq!(summary["field_types"]["customer.customer_360.lifetime_value_eur"], "NumberTypeClass");
    assert_eq!(summary["field_types"]["customer.customer_360.shipping_address"], "RecordTypeClass");
}

#[test]
fn an_unknown_format_is_refused_with_the_known_ones() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["export", "--format", "openmetadata", "--out", out.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid value 'openmetadata'") && stderr.contains("contract, odcs, datahub"), "{stderr}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "nothing is written");
}

#[test]
fn the_prometheus_rules_pass_promtool() {
    let out = tempfile::tempdir().unwrap();
    export("prometheus-rules", out.path());
    let file = out.path().join("prometheus/mesh-rules.yml");
    let checked = Command::new("promtool")
        .args(["check", "rules", file.to_str().unwrap()])
        .output()
        .expect("promtool is missing: `cargo xtask test` installs Debian's prometheus");
    let stdout = String::from_utf8_lossy(&checked.stdout);
    assert!(checked.status.success(), "{stdout}{}", String::from_utf8_lossy(&checked.stderr));
    // Per product: a rule for each promise it makes, and one for unreadable data.
    let expected: usize = contracts()
        .iter()
        .map(|c| {
            usize::from(c.sla.quality_score.is_some())
                + usize::from(c.sla.freshness.is_some())
                + usize::from(c.quality.iter().any(|r| {
                    matches!(r.rule.as_str(), "unique" | "unique_combination" | "max_null_share" | "row_count")
                }))
                + 1
        })
        .sum();
    assert!(stdout.contains(&format!("SUCCESS: {expected} rules found")), "{stdout}");
    // A broken rules file fails: the check is live.
    std::fs::write(&file, "groups:\n- name: x\n  rules:\n  - alert: A\n    expr: 'rate(('\n").unwrap();
    let broken = Command::new("promtool").args(["check", "rules", file.to_str().unwrap()]).output().unwrap();
    assert!(!broken.status.success());
}
