//! The evolution check on the example mesh against its published baseline
//! (`contracts/` as committed), with one change at a time.

use mesh_analysis::ContractYaml;
use std::collections::BTreeSet;
use std::fmt::Display;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use mesh_analysis::baseline::{Baseline, CurrentProduct, Files};
use mesh_analysis::diagnostic::{Diagnostic, Severity};
use mesh_analysis::evolution::{baseline_errors, check_evolution, check_published};
use mesh_analysis::governance::CalendarDate;
use mesh_core::model::{Compatibility, FieldDescriptor, ProductDescriptor, Version};
use mesh_core::{registered_products, AvroSchema, Contract};
use mesh_tests as _;

fn published_files() -> Files {
    fn walk(dir: &Path, prefix: &str, files: &mut Files) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{name}/"), files);
            } else {
                files.insert(name, fs::read_to_string(entry.path()).unwrap());
            }
        }
    }
    let mut files = Files::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts"), "", &mut files);
    files
}

/// The example mesh, owned so that tests can change a product.
struct Mesh {
    products: Vec<(ProductDescriptor, String, Contract)>,
}

impl Mesh {
    fn example() -> Self {
        let products = registered_products()
            .into_iter()
            .map(|r| {
                let schema = (r.schema)().unwrap();
                (r.descriptor.clone(), schema.json.clone(), Contract::new(r.descriptor, schema))
            })
            .collect();
        Self { products }
    }

    fn current(&self) -> Vec<CurrentProduct<'_>> {
        self.products
            .iter()
            .map(|(descriptor, json, contract)| CurrentProduct {
                descriptor,
                schema_json: json,
                contract: contract.clone(),
            })
            .collect()
    }

    fn product(&mut self, id: &str) -> &mut (ProductDescriptor, String, Contract) {
        self.products.iter_mut().find(|(d, _, _)| d.id() == id).unwrap()
    }

    fn declared(&self, id: &str) -> &(ProductDescriptor, String, Contract) {
        self.products.iter().find(|(d, _, _)| d.id() == id).unwrap()
    }

    /// The product's version; in the example mesh as registered, the version `contracts/` publishes
    /// (`the_example_mesh_matches_its_published_contracts`), so tests need not repeat the numbers.
    fn version(&self, id: &str) -> Version {
        self.declared(id).2.schema.version.clone()
    }

    /// The requirement `consumer`'s contract states on its input `producer`, e.g. `^1.1.0` (a linked input
    /// requires its producer's version as a caret requirement).
    fn requirement(&self, consumer: &str, producer: &str) -> String {
        let inputs = &self.declared(consumer).2.inputs;
        inputs.iter().find(|input| input.product == producer).unwrap().requirement.clone()
    }

    fn set_version(&mut self, id: &str, version: impl Display) {
        let version = version.to_string();
        let (descriptor, _, contract) = self.product(id);
        contract.schema.version = version.parse().unwrap();
        descriptor.version = version.into();
    }

    /// Adds an optional field with a default to the product's record: a compatible change.
    fn add_optional_field(&mut self, id: &str) {
        let (_, json, _) = self.product(id);
        *json = json.replacen(
            r#""fields": ["#,
            r#""fields": [{"name": "region", "type": ["null", "string"], "default": null},"#,
            1,
        );
    }

    /// Changes `customer.customer_360`'s shipping address (a `sales::types::PostalAddress`): its
    /// fields become `fields` in the descriptor and `edit` changes the record's fields in the schema;
    /// the contract is rebuilt from the descriptor.
    fn change_shipping_address(
        &mut self,
        fields: fn() -> &'static [FieldDescriptor],
        edit: impl FnOnce(&mut Vec<serde_json::Value>),
    ) {
        let (descriptor, json, contract) = self.product("customer.customer_360");
        let mut product_fields = descriptor.fields.to_vec();
        let shipping = product_fields.iter_mut().find(|f| f.name == "shipping_address").unwrap();
        shipping.record.as_mut().expect("PostalAddress is a record").record.fields = fields;
        descriptor.fields = product_fields.into();
        let mut schema: serde_json::Value = serde_json::from_str(json).unwrap();
        let shipping = schema["fields"].as_array_mut().unwrap().iter_mut().find(|f| f["name"] == "shipping_address");
        let address = shipping.unwrap()["type"].as_array_mut().unwrap().iter_mut().find(|t| t["type"] == "record");
        edit(address.unwrap()["fields"].as_array_mut().unwrap());
        *json = schema.to_string();
        let registered =
            (registered_products().into_iter().find(|r| r.descriptor.id() == "customer.customer_360").unwrap().schema)(
            )
            .unwrap();
        *contract = Contract::new(descriptor, registered);
    }

    /// The nested PII paths under customer_360's `shipping_address` in its contract.
    fn shipping_address_pii(&mut self) -> Vec<String> {
        let (_, _, contract) = self.product("customer.customer_360");
        let shipping = contract.fields.iter().find(|f| f.name == "shipping_address").unwrap();
        shipping.nested_pii.iter().map(|n| n.path.clone()).collect()
    }

    fn check(&self, baseline: &Baseline) -> Vec<Diagnostic> {
        check_evolution(&self.current(), baseline, today(), &BTreeSet::new())
    }
}

/// A fixed "today", so that deprecation dates do not expire under the tests.
fn today() -> CalendarDate {
    CalendarDate::new(2026, 6, 1).unwrap()
}

fn baseline() -> Baseline {
    Baseline::from_files(&published_files()).unwrap()
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// The next patch version: a step up too small for a compatible change.
fn next_patch(version: &Version) -> Version {
    Version::new(version.major, version.minor, version.patch + 1)
}

fn next_minor(version: &Version) -> Version {
    Version::new(version.major, version.minor + 1, 0)
}

fn next_major(version: &Version) -> Version {
    Version::new(version.major + 1, 0, 0)
}

#[test]
fn the_example_mesh_matches_its_published_contracts() {
    let mesh = Mesh::example();
    let files = published_files();
    let baseline = Baseline::from_files(&files).unwrap();
    assert_eq!(baseline.products.len(), mesh.products.len());
    assert_eq!(mesh.check(&baseline), []);
    assert_eq!(check_published(&mesh.current(), &files, &baseline, &BTreeSet::new()), [], "run `cargo xtask publish`");
}

#[test]
fn a_compatible_change_needs_a_minor_version() {
    let mut mesh = Mesh::example();
    let published = mesh.version("sales.sales_cleaned");
    mesh.add_optional_field("sales.sales_cleaned");
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1003"]);
    assert!(found[0].message.contains("[FIELD_ADDED_WITH_DEFAULT] sales.sales_cleaned.region"), "{}", found[0]);
    mesh.set_version("sales.sales_cleaned", next_patch(&published));
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1005"]);
    assert_eq!(found[0].help, Some(format!("declare version {}", next_minor(&published))));
    mesh.set_version("sales.sales_cleaned", next_minor(&published));
    assert_eq!(mesh.check(&baseline()), []);
}

/// Declaring `event_time` on a published product makes its freshness promise more precise: compatible, so a
/// new minor version, never a breaking change; measuring on another field after that breaks consumers.
#[test]
fn declaring_the_event_time_needs_a_minor_version_and_changing_it_a_major() {
    let mut mesh = Mesh::example();
    let published = mesh.version("sales.sales_cleaned");
    let field =
        mesh.declared("sales.sales_cleaned").0.event_time.clone().expect("sales_cleaned declares its event time");

    // Against the baseline as it was before the product declared its event time, declaring it is compatible.
    let mut files = published_files();
    let contract = files.get_mut("sales/sales_cleaned.contract.yaml").unwrap();
    let measured_on = format!("    freshness_field: {field}\n");
    assert!(contract.contains(&measured_on), "{contract}");
    *contract = contract.replacen(&measured_on, "", 1);
    let unmeasured = Baseline::from_files(&files).unwrap();
    assert_eq!(unmeasured.products["sales.sales_cleaned"].contract.sla.freshness_field, None);
    let found = mesh.check(&unmeasured);
    assert_eq!(codes(&found), ["MESH1003"]);
    assert!(
        found[0].message.contains(&format!("(compatible under full compatibility):\n  [SLA_FRESHNESS_FIELD_ADDED] sales.sales_cleaned (sla.freshness_field): freshness is now measured on field `{field}`")),
        "{}",
        found[0]
    );
    assert_eq!(
        found[0].help,
        Some(format!("a compatible change needs a minor version: declare version {}", next_minor(&published)))
    );
    mesh.set_version("sales.sales_cleaned", next_patch(&published));
    assert_eq!(codes(&mesh.check(&unmeasured)), ["MESH1005"]);
    mesh.set_version("sales.sales_cleaned", next_minor(&published));
    assert_eq!(mesh.check(&unmeasured), []);

    // Against the committed baseline, which publishes that field, another field is a breaking change.
    let measured = baseline();
    assert_eq!(measured.products["sales.sales_cleaned"].contract.sla.freshness_field.as_deref(), Some(&*field));
    mesh.set_version("sales.sales_cleaned", &published);
    assert_eq!(mesh.check(&measured), [], "the same field as published");
    mesh.product("sales.sales_cleaned").2.sla.freshness_field = Some("shipped_at".into());
    mesh.set_version("sales.sales_cleaned", next_minor(&published));
    let found = mesh.check(&measured);
    assert_eq!(codes(&found), ["MESH1004"]);
    assert!(
        found[0].message.contains(&format!("[SLA_FRESHNESS_FIELD_CHANGED] sales.sales_cleaned (sla.freshness_field): freshness measured on field `shipped_at` instead of `{field}`")),
        "{}",
        found[0]
    );
}

#[test]
fn documentation_changes_need_no_new_version() {
    let mut mesh = Mesh::example();
    let (_, json, _) = mesh.product("sales.sales_cleaned");
    *json = json.replace("Unique order identifier.", "The order's unique identifier.");
    assert_eq!(mesh.check(&baseline()), []);
}

#[test]
fn a_version_lower_than_published_is_an_error() {
    let mut mesh = Mesh::example();
    let published = mesh.version("sales.sales_analytics");
    mesh.set_version("sales.sales_analytics", "2.0.9");
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1002"]);
    assert_eq!(
        found[0].message,
        format!("sales.sales_analytics has version 2.0.9, lower than the published {published}")
    );
    assert_eq!(found[0].location.as_ref().unwrap().file, "domains/sales/src/gold.rs");
}

#[test]
fn weaker_contract_promises_need_a_major_version() {
    let mut mesh = Mesh::example();
    let published = mesh.version("sales.sales_cleaned");
    let requirement = mesh.requirement("marketing.marketing_analytics", "sales.sales_cleaned");
    mesh.set_version("sales.sales_cleaned", next_minor(&published));
    let (_, _, contract) = mesh.product("sales.sales_cleaned");
    contract.sla.availability = Some("99%".parse().unwrap());
    contract.fields.iter_mut().find(|f| f.name == "customer_email").unwrap().pii.as_mut().unwrap().encrypted_at_rest =
        false;
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1004"]);
    let message = &found[0].message;
    assert!(
        message.contains(
            "[SLA_AVAILABILITY_LOWERED] sales.sales_cleaned (sla.availability): availability lowered from 99.9% to 99%"
        ),
        "{message}"
    );
    assert!(message.contains("[PII_ENCRYPTION_REMOVED] sales.sales_cleaned.customer_email"), "{message}");
    let consumer =
        format!("marketing.marketing_analytics (requires {requirement}, which accepts {}", next_minor(&published));
    assert!(message.contains(&consumer), "{message}");
    mesh.set_version("sales.sales_cleaned", next_major(&published));
    assert_eq!(codes(&mesh.check(&baseline())), ["MESH1008"]);
}

#[test]
fn removing_a_published_product_needs_a_deprecation_first() {
    let mut mesh = Mesh::example();
    let published = mesh.version("sales.sales_raw");
    let requirement = mesh.requirement("sales.sales_cleaned", "sales.sales_raw");
    mesh.products.retain(|(d, _, _)| d.id() != "sales.sales_raw");
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1007"]);
    assert!(
        found[0].message.starts_with(&format!(
            "published product sales.sales_raw {published} was removed without being deprecated first"
        )),
        "{}",
        found[0]
    );
    assert!(found[0].message.contains(&format!("sales.sales_cleaned (requires {requirement})")), "{}", found[0]);

    // Deprecated in the published contract from a date that has passed: removal is fine.
    let mut files = published_files();
    let contract = files.get_mut("sales/sales_raw.contract.yaml").unwrap();
    *contract = contract.replace("\n  inputs:", "\n  deprecated: 2026-01-31\n  inputs:");
    assert_eq!(mesh.check(&Baseline::from_files(&files).unwrap()), []);

    // From a date still in the future: consumers were promised time until then.
    let contract = files.get_mut("sales/sales_raw.contract.yaml").unwrap();
    *contract = contract.replace("deprecated: 2026-01-31", "deprecated: 2026-06-01");
    let found = mesh.check(&Baseline::from_files(&files).unwrap());
    assert_eq!(codes(&found), ["MESH1007"]);
    assert!(
        found[0].message.starts_with(&format!(
            "published product sales.sales_raw {published} was removed, but its deprecation date 2026-06-01 is still in the future (today is 2026-06-01)"
        )),
        "{}",
        found[0]
    );
    assert!(found[0].help.as_deref().unwrap().contains("until 2026-06-01 has passed"), "{}", found[0]);
}

/// Publishing without a removed product keeps its files and index entry, so
/// that declaring the id again is checked against what was published.
#[test]
fn a_removed_product_stays_published_and_its_id_cannot_restart_lower() {
    let mut files = published_files();
    let contract = files.get_mut("sales/sales_raw.contract.yaml").unwrap();
    *contract = contract.replace("\n  inputs:", "\n  deprecated: 2026-01-31\n  inputs:");
    let baseline = Baseline::from_files(&files).unwrap();
    let mut mesh = Mesh::example();
    let published_version = mesh.version("sales.sales_raw");
    let full = mesh.products.clone();
    mesh.products.retain(|(d, _, _)| d.id() != "sales.sales_raw");

    let published = baseline.render(&mesh.current(), &BTreeSet::new());
    for path in ["sales/sales_raw.avsc", "sales/sales_raw.contract.yaml"] {
        assert_eq!(published.get(path), files.get(path), "{path} is kept as published");
    }
    let index = &published["index.yaml"];
    let entry = &index[index.find("- id: sales.sales_raw").unwrap()..];
    let entry = &entry[..entry[1..].find("\n- id:").map_or(entry.len(), |end| end + 1)];
    assert!(
        entry.contains(&format!("version: \"{published_version}\"")) && entry.ends_with("removed: true\n"),
        "{entry}"
    );

    // The published files after the removal are consistent, and publishing again changes nothing.
    let after = Baseline::from_files(&published).unwrap();
    assert!(after.products["sales.sales_raw"].entry.removed);
    assert_eq!(mesh.check(&after), []);
    assert_eq!(check_published(&mesh.current(), &published, &after, &BTreeSet::new()), []);
    assert_eq!(after.render(&mesh.current(), &BTreeSet::new()), published);

    // Declared again, the id is checked against its last published version.
    mesh.products = full;
    mesh.set_version("sales.sales_raw", "0.1.0");
    let found = mesh.check(&after);
    assert_eq!(codes(&found), ["MESH1002"], "{found:#?}");
    assert_eq!(
        found[0].message,
        format!("sales.sales_raw has version 0.1.0, lower than the published {published_version}")
    );
    mesh.set_version("sales.sales_raw", &published_version);
    let republished = after.render(&mesh.current(), &BTreeSet::new());
    assert!(!republished["index.yaml"].contains("removed: true"), "re-declared, it is no longer removed");
}

/// A product whose schema does not build is still declared: it is neither removed nor out of date.
#[test]
fn a_product_whose_schema_fails_to_build_is_not_taken_as_removed() {
    let files = published_files();
    let baseline = Baseline::from_files(&files).unwrap();
    let mut mesh = Mesh::example();
    mesh.products.retain(|(d, _, _)| d.id() != "sales.sales_raw");
    let unbuilt: BTreeSet<String> = ["sales.sales_raw".to_string()].into();
    assert_eq!(check_evolution(&mesh.current(), &baseline, today(), &unbuilt), []);
    assert_eq!(check_published(&mesh.current(), &files, &baseline, &unbuilt), []);
    // Without the hint, it looks like a removal.
    assert_eq!(codes(&mesh.check(&baseline)), ["MESH1007"]);
}

#[test]
fn deprecating_a_consumed_product_warns_its_consumers() {
    let mut mesh = Mesh::example();
    let requirement = mesh.requirement("sales.sales_cleaned", "sales.sales_raw");
    let (descriptor, _, contract) = mesh.product("sales.sales_raw");
    descriptor.deprecated = Some("2026-12-31".into());
    contract.deprecated = Some("2026-12-31".into());
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1009"]);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].message.contains(&format!("sales.sales_cleaned (requires {requirement})")), "{}", found[0]);
}

/// Transitive modes check against every published version of the same major.
#[test]
fn transitive_modes_check_every_version_of_the_major() {
    let mut files = published_files();
    // Pretend 1.1.0 was published before the earliest version `contracts/` keeps, with `coupon_code`
    // required (no default, no null).
    let kept = baseline().products["sales.sales_cleaned"].entry.history.clone();
    let earliest = kept.first().expect("contracts/ keeps an earlier version of sales_cleaned");
    let older_version = Version::new(1, 1, 0);
    assert!(earliest.version.major == older_version.major && earliest.version > older_version, "{earliest:?}");
    let earliest_schema = &files[&earliest.schema];
    let older = earliest_schema.replace(
        r#""type": ["null", "string"],
      "default": null"#,
        r#""type": "string""#,
    );
    assert_ne!(&older, earliest_schema);
    files.insert("sales/history/sales_cleaned@1.1.0.avsc".into(), older);
    let index = files.get_mut("index.yaml").unwrap();
    let history = "  contract: sales/sales_cleaned.contract.yaml\n  history:\n";
    assert!(index.contains(history), "{index}");
    *index = index.replacen(
        history,
        &format!("{history}  - version: \"1.1.0\"\n    fingerprint: '0'\n    schema: sales/history/sales_cleaned@1.1.0.avsc\n"),
        1,
    );
    let baseline = Baseline::from_files(&files).unwrap();
    let versions: Vec<_> = baseline.products["sales.sales_cleaned"].history.iter().map(|h| h.version.clone()).collect();
    assert_eq!(versions.len(), kept.len() + 1, "{versions:?}");
    assert!(versions.contains(&older_version), "{versions:?}");

    // Adding a field is compatible with the latest version; the mode decides whether 1.1.0 counts.
    let mut mesh = Mesh::example();
    let published = mesh.version("sales.sales_cleaned");
    mesh.add_optional_field("sales.sales_cleaned");
    mesh.set_version("sales.sales_cleaned", next_minor(&published));
    assert_eq!(mesh.check(&baseline), []);
    for (descriptor, _, contract) in mesh.products.iter_mut().filter(|(d, _, _)| d.id() == "sales.sales_cleaned") {
        descriptor.compatibility = Compatibility::FullTransitive;
        contract.schema.compatibility = Compatibility::FullTransitive;
    }
    let found = mesh.check(&baseline);
    let codes: Vec<_> = codes(&found);
    assert_eq!(codes, ["MESH1004"], "{found:#?}");
    assert!(
        found[0].message.contains("[UNION_BRANCH_ADDED] sales.sales_cleaned.coupon_code: type changed from string to union[null, string]: readers of the previous schema cannot read null values (against 1.1.0)"),
        "{}",
        found[0]
    );
}

#[test]
fn contracts_out_of_date_say_to_publish() {
    let mut mesh = Mesh::example();
    let published = mesh.version("sales.sales_cleaned");
    mesh.add_optional_field("sales.sales_cleaned");
    mesh.set_version("sales.sales_cleaned", next_minor(&published));
    let mut files = published_files();
    files.insert("sales/stray.avsc".into(), "{}".into());
    let baseline = Baseline::from_files(&files).unwrap();
    let found = check_published(&mesh.current(), &files, &baseline, &BTreeSet::new());
    assert_eq!(codes(&found), ["MESH1001", "MESH1001"]);
    assert_eq!(
        found[0].message,
        format!("the published contract of sales.sales_cleaned is out of date: contracts/sales/history/sales_cleaned@{published}.avsc, contracts/sales/sales_cleaned.avsc, contracts/sales/sales_cleaned.contract.yaml")
    );
    assert_eq!(found[0].help.as_deref(), Some("run `cargo xtask publish` and commit `contracts/`"));
    assert_eq!(found[1].message, "`contracts/` is out of date: contracts/index.yaml, contracts/sales/stray.avsc");

    // A product that was never published.
    files.remove("sales/sales_raw.avsc");
    files.remove("sales/sales_raw.contract.yaml");
    let index = files.get_mut("index.yaml").unwrap();
    let start = index.find("- id: sales.sales_raw").unwrap();
    index.truncate(start);
    let baseline = Baseline::from_files(&files).unwrap();
    let mesh = Mesh::example();
    let found = check_published(&mesh.current(), &files, &baseline, &BTreeSet::new());
    let unpublished = format!("product sales.sales_raw {} is not published yet", mesh.version("sales.sales_raw"));
    assert!(found.iter().any(|d| d.code == "MESH1006" && d.message == unpublished), "{found:#?}");
}

#[test]
fn an_unreadable_baseline_names_the_file() {
    let mut files = published_files();
    files.insert("sales/sales_cleaned.avsc".into(), r#"{"type": "record""#.into());
    files.remove("product/usage_raw.contract.yaml");
    let errors = Baseline::from_files(&files).unwrap_err();
    let found = baseline_errors(&errors);
    assert_eq!(codes(&found), ["MESH1000", "MESH1000"]);
    let files_named: Vec<_> = found.iter().map(|d| d.location.as_ref().unwrap().file.as_str()).collect();
    assert_eq!(files_named, ["contracts/product/usage_raw.contract.yaml", "contracts/sales/sales_cleaned.avsc"]);
    assert!(
        found[0].message.ends_with("usage_raw.contract.yaml: missing, though `contracts/index.yaml` lists it"),
        "{}",
        found[0]
    );
    assert!(found[1].message.contains("not JSON"), "{}", found[1]);
    assert!(found[0].help.as_deref().unwrap().contains("git checkout -- contracts/"));
}

/// Every published `.avsc` reads back into the tree the product's code builds
/// (equal up to namespaces written out where the code inherits them).
#[test]
fn published_schemas_read_back_into_the_generated_tree() {
    let files = published_files();
    for registration in registered_products() {
        let d = registration.descriptor;
        let published = &files[&format!("{}/{}.avsc", d.domain, d.name)];
        let node = mesh_avro::Schema::parse(published).unwrap().to_node().unwrap();
        assert_eq!(
            mesh_core::model::avro::to_json(&node).unwrap(),
            (registration.schema)().unwrap().json,
            "{}",
            d.id()
        );
    }
}

/// The impact of a breaking change reaches past the direct consumers.
#[test]
fn impact_lists_direct_consumers_and_everything_downstream() {
    let mut mesh = Mesh::example();
    let minor = next_minor(&mesh.version("sales.sales_raw"));
    let requirement = mesh.requirement("sales.sales_cleaned", "sales.sales_raw");
    let (_, json, _) = mesh.product("sales.sales_raw");
    *json = json.replacen(r#""fields": ["#, r#""fields": [{"name": "region", "type": "string"},"#, 1);
    mesh.set_version("sales.sales_raw", &minor);
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1004"]);
    assert!(
        found[0].message.ends_with(&format!(
            "[FIELD_ADDED_WITHOUT_DEFAULT] sales.sales_raw.region: field added (string) without a default, so previous data, which lacks it, cannot be read
  consumers affected:
    sales.sales_cleaned (requires {requirement}, which accepts {minor}, so it would read incompatible data)
  downstream of them: customer.customer_360, marketing.marketing_analytics, sales.sales_analytics"
        )),
        "{}",
        found[0].message
    );
}

/// A pre-release of a later minor is still in the same major series, so a breaking change there needs the next
/// major.
#[test]
fn a_breaking_change_in_a_pre_release_of_the_same_major_is_not_a_new_major() {
    let mut mesh = Mesh::example();
    let published = mesh.version("sales.sales_raw");
    let (_, json, _) = mesh.product("sales.sales_raw");
    *json = json.replacen(r#""fields": ["#, r#""fields": [{"name": "region", "type": "string"},"#, 1);
    mesh.set_version("sales.sales_raw", format!("{}-rc.1", next_minor(&next_minor(&published))));
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1004"], "{found:#?}");
    let major = next_major(&published);
    assert!(found[0].help.as_deref().unwrap().starts_with(&format!("declare version {major}")), "{}", found[0]);
    mesh.set_version("sales.sales_raw", format!("{major}-rc.1"));
    assert_eq!(codes(&mesh.check(&baseline())), ["MESH1008"]);
}

/// A published version at the top of the number range leaves no next version to suggest, and no panic.
#[test]
fn no_next_version_is_suggested_past_the_largest_number() {
    let top = format!("{}.0.0", u64::MAX);
    let mut mesh = Mesh::example();
    let mut files = published_files();
    let index = files.get_mut("index.yaml").unwrap();
    *index = index.replacen(
        &format!("- id: sales.sales_raw\n  version: \"{}\"", mesh.version("sales.sales_raw")),
        &format!("- id: sales.sales_raw\n  version: \"{top}\""),
        1,
    );
    let baseline = Baseline::from_files(&files).unwrap();
    assert_eq!(baseline.products["sales.sales_raw"].latest.version.to_string(), top);
    let (_, json, _) = mesh.product("sales.sales_raw");
    *json = json.replacen(r#""fields": ["#, r#""fields": [{"name": "region", "type": "string"},"#, 1);
    mesh.set_version("sales.sales_raw", &top);
    let found = mesh.check(&baseline);
    assert_eq!(codes(&found), ["MESH1003"], "{found:#?}");
    assert_eq!(
        found[0].help.as_deref(),
        Some(format!("a breaking change needs a major version: {top} leaves no higher version for this change: publish it as a new product").as_str())
    );
}

/// A generated schema that does not read back has its own code, not the baseline's MESH1000.
#[test]
fn an_unreadable_current_schema_is_not_reported_as_an_unreadable_baseline() {
    let mut mesh = Mesh::example();
    let (_, json, _) = mesh.product("sales.sales_raw");
    *json = r#"{"type": "record""#.into();
    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1011"], "{found:#?}");
    assert!(found[0].message.starts_with("the schema of sales.sales_raw cannot be read back"), "{}", found[0]);
    assert!(found[0].help.is_some());
}

/// Renaming a PII field (with the old name as an alias) and dropping its `#[pii]` weakens its protection.
#[test]
fn a_pii_field_renamed_with_an_alias_keeps_its_protection() {
    let registration = registered_products().into_iter().find(|r| r.descriptor.id() == "sales.sales_cleaned").unwrap();
    let mut descriptor = registration.descriptor.clone();
    let mut fields = descriptor.fields.to_vec();
    let field = fields.iter_mut().find(|f| f.name == "customer_email").unwrap();
    assert!(field.pii.is_some_and(|p| p.encrypted_at_rest()));
    let doc = field.doc.clone();
    field.name = "contact_email".into();
    field.aliases = vec!["customer_email".into()].into();
    field.pii = None;
    descriptor.fields = fields.into();
    let current = Contract::new(&descriptor, (registration.schema)().unwrap());
    let renamed = current.fields.iter().find(|f| f.name == "contact_email").unwrap();
    assert_eq!(renamed.aliases, ["customer_email"]);
    let yaml = current.to_yaml();
    let written =
        format!("  - name: contact_email\n    type: string\n    doc: {doc}\n    aliases:\n    - customer_email\n");
    assert!(yaml.contains(&written), "{yaml}");
    assert_eq!(Contract::from_yaml(&current.to_yaml()).unwrap(), current, "aliases read back");

    let previous = &baseline().products["sales.sales_cleaned"].contract;
    let changes = mesh_analysis::contract_diff::compare_contracts(previous, &current, None, "sales.sales_cleaned");
    let shown: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        shown,
        ["[PII_CLASS_WEAKENED] sales.sales_cleaned.contact_email (renamed from customer_email): personal-data class weakened from direct to none"],
    );
}

/// `sales::types::PostalAddress` as if its postcode had lost its `#[pii]`.
fn postcode_unclassified() -> &'static [FieldDescriptor] {
    static FIELDS: OnceLock<Vec<FieldDescriptor>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let address = <sales::types::PostalAddress as AvroSchema>::RECORD.expect("a record");
        let mut fields = (address.fields)().to_vec();
        fields.iter_mut().find(|f| f.name == "postcode").unwrap().pii = None;
        fields
    })
}

/// Dropping `#[pii]` from a field of a nested record (declared in another crate) weakens the product's contract there.
#[test]
fn nested_pii_weakened_needs_a_major_version() {
    let mut mesh = Mesh::example();
    let published = mesh.version("customer.customer_360");
    mesh.change_shipping_address(postcode_unclassified, |_| {});
    mesh.set_version("customer.customer_360", next_minor(&published));
    assert_eq!(mesh.shipping_address_pii(), ["shipping_address.street"], "the postcode is no longer listed");

    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1004"], "{found:#?}");
    assert!(
        found[0].message.contains(
            "[PII_CLASS_WEAKENED] customer.customer_360.shipping_address.postcode: personal-data class weakened from indirect to none"
        ),
        "{}",
        found[0].message
    );
    mesh.set_version("customer.customer_360", next_major(&published));
    assert_eq!(mesh.check(&baseline()), []);
}

/// `sales::types::PostalAddress` as if its postcode field had been removed.
fn postcode_removed() -> &'static [FieldDescriptor] {
    static FIELDS: OnceLock<Vec<FieldDescriptor>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let address = <sales::types::PostalAddress as AvroSchema>::RECORD.expect("a record");
        (address.fields)().iter().filter(|f| f.name != "postcode").cloned().collect()
    })
}

/// Removing a nested PII field is a schema change, reported as the removal it is; the
/// classification was not dropped from a field that still holds the data.
#[test]
fn a_removed_nested_pii_field_is_a_removal_not_a_weakened_class() {
    let mut mesh = Mesh::example();
    mesh.change_shipping_address(postcode_removed, |fields| fields.retain(|f| f["name"] != "postcode"));
    assert_eq!(mesh.shipping_address_pii(), ["shipping_address.street"], "the postcode is no longer listed");

    let found = mesh.check(&baseline());
    assert_eq!(codes(&found), ["MESH1003"], "{found:#?}");
    let message = &found[0].message;
    assert!(
        message.contains("[FIELD_REMOVED_WITHOUT_DEFAULT] customer.customer_360.shipping_address.postcode"),
        "{message}"
    );
    assert!(!message.contains("PII_CLASS_WEAKENED"), "{message}");
}

/// `sales::types::PostalAddress` as if its postcode had been renamed `post_code` (the old name an
/// alias), classified as `pii` says.
fn postcode_renamed(pii: Option<mesh_core::model::Pii>) -> Vec<FieldDescriptor> {
    let address = <sales::types::PostalAddress as AvroSchema>::RECORD.expect("a record");
    let mut fields = (address.fields)().to_vec();
    let postcode = fields.iter_mut().find(|f| f.name == "postcode").unwrap();
    postcode.name = "post_code".into();
    postcode.aliases = vec!["postcode".into()].into();
    postcode.pii = pii;
    fields
}

fn postcode_renamed_unclassified() -> &'static [FieldDescriptor] {
    static FIELDS: OnceLock<Vec<FieldDescriptor>> = OnceLock::new();
    FIELDS.get_or_init(|| postcode_renamed(None))
}

fn postcode_renamed_classified() -> &'static [FieldDescriptor] {
    static FIELDS: OnceLock<Vec<FieldDescriptor>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let address = <sales::types::PostalAddress as AvroSchema>::RECORD.expect("a record");
        let pii = (address.fields)().iter().find(|f| f.name == "postcode").unwrap().pii;
        postcode_renamed(pii)
    })
}

/// `customer.customer_360` with its shipping address's postcode renamed (an alias keeps the data
/// readable), the address's fields given by `fields`.
fn with_postcode_renamed(fields: fn() -> &'static [FieldDescriptor]) -> Mesh {
    let mut mesh = Mesh::example();
    mesh.change_shipping_address(fields, |fields| {
        let postcode = fields.iter_mut().find(|f| f["name"] == "postcode").unwrap();
        postcode["name"] = "post_code".into();
        postcode["aliases"] = serde_json::json!(["postcode"]);
    });
    let minor = next_minor(&mesh.version("customer.customer_360"));
    mesh.set_version("customer.customer_360", minor);
    mesh
}

/// A nested PII field renamed with an alias is still there: dropping its `#[pii]` in the same
/// change weakens its protection, and keeping it changes nothing.
#[test]
fn a_nested_pii_field_renamed_with_an_alias_keeps_its_protection() {
    let found = with_postcode_renamed(postcode_renamed_unclassified).check(&baseline());
    // Under full compatibility the rename itself breaks old readers; the lost class must be named too.
    assert_eq!(codes(&found), ["MESH1004"], "{found:#?}");
    assert!(found[0].message.contains("[FIELD_RENAMED] customer.customer_360.shipping_address.postcode"));
    assert!(
        found[0].message.contains(
            "[PII_CLASS_WEAKENED] customer.customer_360.shipping_address.post_code (renamed from \
             shipping_address.postcode): personal-data class weakened from indirect to none"
        ),
        "{}",
        found[0].message
    );

    let found = with_postcode_renamed(postcode_renamed_classified).check(&baseline());
    assert_eq!(codes(&found), ["MESH1004"], "{found:#?}");
    assert!(!found[0].message.contains("PII_"), "{}", found[0].message);
}
