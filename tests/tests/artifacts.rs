//! The generated artifacts of every registered example product, checked by what they must
//! be: each declaration registers one product; the schema is the declared record, parses with
//! apache-avro to our Parsing Canonical Form, and the contract's fingerprint is apache-avro's;
//! the contract YAML reads back unchanged and says what the declaration says.
//!
//! Their bytes have one golden copy, the committed `contracts/`, which `cargo xtask check`
//! compares them with (run in `evolution.rs` and `check_e2e.rs`): no snapshots here.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use mesh_analysis::ContractYaml;
use mesh_core::model::ProductDescriptor;
use mesh_core::{registered_products, Contract, ContractDocument, DataProduct, ProductSchema};
use serde_json::Value;

fn workspace_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Every registered product with its built schema.
fn example_products() -> Vec<(&'static ProductDescriptor, &'static ProductSchema)> {
    registered_products()
        .into_iter()
        .map(|r| (r.descriptor, (r.schema)().unwrap_or_else(|e| panic!("{}: {e}", r.descriptor.id()))))
        .collect()
}

/// Every `#[data_product(...)]` in the domain sources, as (file, line, struct): the line of the
/// `pub struct` it annotates, where the declaration records its source.
fn declarations_in_the_sources() -> Vec<(String, u32, String)> {
    fn walk(dir: &Path, found: &mut Vec<(String, u32, String)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let file = path.strip_prefix(workspace_root()).unwrap().to_string_lossy().replace('\\', "/");
                let mut annotated = false;
                for (index, line) in fs::read_to_string(&path).unwrap().lines().enumerate() {
                    let line = line.trim_start();
                    if line.starts_with("#[") && line.contains("data_product(") {
                        annotated = true;
                    } else if let Some(rest) = line.strip_prefix("pub struct ").filter(|_| annotated) {
                        let name = rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap();
                        found.push((file.clone(), index as u32 + 1, name.to_string()));
                        annotated = false;
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&workspace_root().join("domains"), &mut found);
    found.sort();
    found
}

#[test]
fn every_example_product_is_registered_once() {
    let declared = declarations_in_the_sources();
    assert!(!declared.is_empty(), "no `#[data_product]` found under domains/");
    let mut registered: Vec<(String, u32, String)> = registered_products()
        .iter()
        .map(|r| {
            let d = r.descriptor;
            let rust_type = d.rust_type.rsplit("::").next().unwrap().to_string();
            (d.source.file.to_string(), d.source.line, rust_type)
        })
        .collect();
    registered.sort();
    assert_eq!(registered, declared, "one registration per declaration, each at its declaration");
    let ids: Vec<String> = registered_products().iter().map(|r| r.descriptor.id()).collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "ids are unique: {ids:?}");
    assert!(ids.is_sorted(), "the registry is sorted by id: {ids:?}");
}

/// The `.avsc` is the declared record: named after the Rust type in the domain's namespace,
/// with the product's description and the declared fields, in order, with their docs.
#[test]
fn avro_schemas_are_the_declared_records() {
    for (d, schema) in example_products() {
        let json: Value = serde_json::from_str(&schema.json).unwrap_or_else(|e| panic!("{}: not JSON: {e}", d.id()));
        assert_eq!(json["type"], "record", "{}", d.id());
        assert_eq!(json["name"], d.rust_type.rsplit("::").next().unwrap(), "{}", d.id());
        assert_eq!(json["namespace"], *d.domain, "{}", d.id());
        assert_eq!(json["doc"], *d.description, "{}", d.id());
        let fields: Vec<(&str, &str)> = json["fields"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: no fields", d.id()))
            .iter()
            .map(|f| (f["name"].as_str().unwrap(), f["doc"].as_str().unwrap_or("")))
            .collect();
        let declared: Vec<(&str, &str)> = d.fields.iter().map(|f| (&*f.name, &*f.doc)).collect();
        assert_eq!(fields, declared, "{}", d.id());
    }
}

/// The Parsing Canonical Form of `schema` as the Avro specification defines it, written from
/// the specification here, apart from ours: only `name`, `type`, `fields`, `symbols`, `items`,
/// `values` and `size` are kept, in that order, names are full names, annotated primitives plain.
fn specification_canonical_form(schema: &Value, namespace: Option<&str>) -> String {
    const PRIMITIVES: &[&str] = &["null", "boolean", "int", "long", "float", "double", "bytes", "string"];
    let full_name = |name: &str, namespace: Option<&str>| match namespace {
        Some(namespace) if !name.contains('.') && !namespace.is_empty() => format!("{namespace}.{name}"),
        _ => name.to_string(),
    };
    match schema {
        Value::String(name) if PRIMITIVES.contains(&name.as_str()) => format!("{schema}"),
        Value::String(name) => Value::from(full_name(name, namespace)).to_string(),
        Value::Array(branches) => {
            let branches: Vec<String> = branches.iter().map(|b| specification_canonical_form(b, namespace)).collect();
            format!("[{}]", branches.join(","))
        }
        Value::Object(map) => {
            let kind = &map["type"];
            match kind.as_str() {
                Some("record" | "error" | "enum" | "fixed") => {
                    let own = map.get("namespace").and_then(Value::as_str).or(namespace);
                    let name = full_name(map["name"].as_str().expect("a named type has a name"), own);
                    let inner = name.rsplit_once('.').map(|(namespace, _)| namespace);
                    let head =
                        format!("{{\"name\":{},\"type\":{}", Value::from(name.as_str()), Value::from(kind.as_str()));
                    match kind.as_str() {
                        Some("enum") => format!("{head},\"symbols\":{}}}", map["symbols"]),
                        Some("fixed") => format!("{head},\"size\":{}}}", map["size"]),
                        _ => {
                            let fields: Vec<String> = map["fields"]
                                .as_array()
                                .expect("a record has fields")
                                .iter()
                                .map(|f| {
                                    let field_type = specification_canonical_form(&f["type"], inner);
                                    format!("{{\"name\":{},\"type\":{field_type}}}", f["name"])
                                })
                                .collect();
                            format!("{head},\"fields\":[{}]}}", fields.join(","))
                        }
                    }
                }
                Some("array") => format!(
                    "{{\"type\":\"array\",\"items\":{}}}",
                    specification_canonical_form(&map["items"], namespace)
                ),
                Some("map") => format!(
                    "{{\"type\":\"map\",\"values\":{}}}",
                    specification_canonical_form(&map["values"], namespace)
                ),
                // A primitive (logical types annotate one: the annotation is stripped) or a reference.
                _ => specification_canonical_form(kind, namespace),
            }
        }
        other => panic!("not a schema: {other}"),
    }
}

/// Our Parsing Canonical Form is the specification's; apache-avro, an independent
/// implementation, parses the `.avsc` and reads our canonical form back as canonical; and the
/// contract's fingerprint is apache-avro's Rabin fingerprint of it.
#[test]
fn canonical_forms_follow_the_specification_and_fingerprint_as_apache_avro_does() {
    for (d, schema) in example_products() {
        apache_avro::Schema::parse_str(&schema.json)
            .unwrap_or_else(|e| panic!("{}: apache-avro cannot parse the schema: {e}", d.id()));
        let json: Value = serde_json::from_str(&schema.json).unwrap();
        assert_eq!(schema.canonical_form, specification_canonical_form(&json, None), "{}", d.id());
        // apache-avro's own canonical form keeps logical-type attributes the specification strips,
        // so it is compared on our form, which has none left.
        let apache = apache_avro::Schema::parse_str(&schema.canonical_form)
            .unwrap_or_else(|e| panic!("{}: apache-avro cannot parse the canonical form: {e}", d.id()));
        assert_eq!(apache.canonical_form(), schema.canonical_form, "{}", d.id());
        let rabin = apache.fingerprint::<apache_avro::rabin::Rabin>();
        let rabin = u64::from_le_bytes(rabin.bytes.try_into().expect("a 64-bit fingerprint"));
        assert_eq!(Contract::new(d, schema).schema.fingerprint, format!("{rabin:016x}"), "{}", d.id());
    }
}

/// The contract YAML reads back unchanged by our reader, means the same to a generic YAML reader
/// (no value turns into another type), and says what the declaration says.
#[test]
fn contracts_read_back_unchanged_and_state_the_declaration() {
    for (d, schema) in example_products() {
        let contract = Contract::new(d, schema);
        let yaml = contract.to_yaml();
        assert_eq!(Contract::from_yaml(&yaml).expect("contract YAML reads back"), contract, "{}", d.id());
        let generic = mesh_tests::yaml_to_json(&yaml);
        let typed = serde_json::to_value(ContractDocument { data_product: contract.clone() }).unwrap();
        assert_eq!(generic, typed, "{}: a generic reader sees other values:\n{yaml}", d.id());
        let product = &generic["data_product"];
        assert_eq!((&product["domain"], &product["name"]), (&Value::from(&*d.domain), &Value::from(&*d.name)));
        assert_eq!(product["owner"], *d.owner, "{}", d.id());
        assert_eq!(product["layer"], d.layer.as_str(), "{}", d.id());
        assert_eq!(product["schema"]["version"], *d.version, "{}", d.id());
        let inputs: Vec<&str> =
            product["inputs"].as_array().unwrap().iter().map(|i| i["product"].as_str().unwrap()).collect();
        assert_eq!(inputs, d.inputs.iter().map(|i| i.id()).collect::<Vec<_>>(), "{}", d.id());
        let fields: Vec<&str> =
            product["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(fields, d.fields.iter().map(|f| &*f.name).collect::<Vec<_>>(), "{}", d.id());
    }
}

/// The example contract, value for value, read by a generic YAML reader
/// (so `quality_score: >95%`, which unquoted YAML reads as a block scalar, must come back as the string).
#[test]
fn sales_gold_contract_reproduces_the_documented_example() {
    let yaml = sales::gold::SalesAnalytics::contract().unwrap().to_yaml();
    let document = mesh_tests::yaml_to_json(&yaml);
    let product = &document["data_product"];
    assert_eq!(product["name"], "sales_analytics");
    assert_eq!(product["domain"], "sales");
    assert_eq!(product["owner"], "sales-data-team@company.com");
    assert_eq!(product["sla"]["freshness"], "15 minutes");
    assert_eq!(product["sla"]["availability"], "99.9%");
    assert_eq!(product["sla"]["quality_score"], ">95%");
    assert_eq!(product["sla"]["freshness_field"], "ordered_at");
    assert_eq!(product["schema"]["format"], "Avro");
    assert_eq!(product["schema"]["version"], sales::gold::SalesAnalytics::VERSION);
    assert_eq!(product["access"]["read"], "SELECT on sales.orders");
    assert_eq!(product["access"]["authentication"], "OAuth2");
    let email = product["fields"].as_array().unwrap().iter().find(|f| f["name"] == "customer_email").unwrap();
    assert_eq!(email["pii"]["class"], "direct");
    assert_eq!(email["pii"]["encrypted_at_rest"], true);
    // The quality rules, each with its stable id and parameters.
    let rules = product["quality"].as_array().unwrap();
    let amount = rules.iter().find(|r| r["id"] == "amount.range").unwrap();
    assert_eq!(
        (&amount["rule"], &amount["field"], &amount["min"], &amount["max"]),
        (&"range".into(), &"amount".into(), &"0".into(), &"1000000".into())
    );
    assert!(rules.iter().any(|r| r["id"] == "order_id.unique" && r["rule"] == "unique"));
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
