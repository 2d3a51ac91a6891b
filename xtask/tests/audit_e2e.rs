//! `cargo xtask audit` over a fixture repository with a known contract history, waivers, a
//! validation history and a previous audit: every section's numbers, the same bytes twice.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use mesh_core::registered_products;
use serde_json::{json, Value};
use validations::validation;

#[path = "support/validations.rs"]
mod validations;

// The binary's mesh: the registry of this test must link the same domains.
use customer as _;
use marketing as _;
use product as _;
use sales as _;

fn git(root: &Path, args: &[&str], date: &str) {
    let status = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Audit Fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.com")
        .env("GIT_COMMITTER_NAME", "Audit Fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.com")
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

fn contract(root: &Path, path: &str, version: &str, note: &str) {
    let file = root.join("contracts").join(path);
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(file, format!("# {note}\ndata_product:\n  schema:\n    version: \"{version}\"\n")).unwrap();
}

fn commit(root: &Path, message: &str, date: &str) {
    git(root, &["add", "-A"], date);
    git(root, &["commit", "-q", "--allow-empty", "-m", message], date);
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().map(Result::unwrap) {
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The fixture: the example's declarations (linked into the binary), a history of contracts in
/// 2026-Q4 and around it, three waivers, one product's validation history and the Q3 audit.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    git(root, &["init", "-q", "-b", "main"], "2026-09-01T00:00:00Z");
    contract(root, "sales/sales_cleaned.contract.yaml", "1.0.0", "first");
    commit(root, "before the quarter", "2026-09-20T12:00:00Z");
    contract(root, "sales/sales_cleaned.contract.yaml", "1.1.0", "minor");
    commit(root, "minor", "2026-10-05T12:00:00Z");
    contract(root, "ledger/ledger_raw.contract.yaml", "1.0.0", "new product");
    commit(root, "new product", "2026-10-10T12:00:00Z");
    contract(root, "sales/sales_cleaned.contract.yaml", "1.1.0", "same version, new text");
    commit(root, "text only", "2026-10-20T12:00:00Z");
    contract(root, "sales/sales_cleaned.contract.yaml", "2.0.0", "major");
    commit(root, "major", "2026-11-02T12:00:00Z");
    fs::write(
        root.join("contracts/sales/sales_cleaned.contract.yaml"),
        "# deprecated\ndata_product:\n  schema:\n    version: \"2.0.0\"\n  deprecated: 2027-03-01\n",
    )
    .unwrap();
    commit(root, "deprecated", "2026-11-20T12:00:00Z");
    fs::remove_file(root.join("contracts/ledger/ledger_raw.contract.yaml")).unwrap();
    commit(root, "removed", "2026-12-01T12:00:00Z");
    // After the quarter: the real baseline, so the check compares with what the example declares.
    fs::remove_dir_all(root.join("contracts")).unwrap();
    copy_dir(&workspace.join("contracts"), &root.join("contracts"));
    let mesh = fs::read_to_string(workspace.join("mesh.toml")).unwrap()
        + "\n[[waivers]]\ndomain = \"sales\"\npolicy = \"layer-names\"\nreason = \"renames in DATA-1\"\nexpires = \"2026-11-15\"\n\
           \n[[waivers]]\ndomain = \"marketing\"\npolicy = \"published-docs\"\nreason = \"docs in DATA-2\"\nexpires = \"2027-02-01\"\n\
           \n[[waivers]]\ndomain = \"product\"\npolicy = \"ownership\"\nreason = \"team forming\"\nexpires = \"2026-09-01\"\n";
    fs::write(root.join("mesh.toml"), mesh).unwrap();
    commit(root, "baseline", "2027-01-05T12:00:00Z");
    validation_history(&root.join("lakehouse"));
    let mut products: Vec<String> =
        registered_products().iter().map(|r| r.descriptor.id()).filter(|id| id != "customer.customer_360").collect();
    products.push("old.gone".into());
    let previous = json!({
        "quarter": "2026-Q3",
        "products": products,
        "pii_inventory": {"sales": [{"product": "sales.sales_raw", "path": "customer_email"}],
                          "old": [{"product": "old.gone", "path": "email"}]},
        "waivers": {"active": []},
        "policy_findings": {"sales": {"errors": 3}},
        "sla_compliance": [{"product": "sales.sales_raw", "status": "measured", "compliance_percent": 75.0},
                           {"product": "marketing.marketing_raw", "status": "measured", "compliance_percent": 100.0}],
    });
    fs::create_dir_all(root.join("audits")).unwrap();
    fs::write(root.join("audits/2026-Q3.json"), previous.to_string()).unwrap();
    dir
}

/// sales_raw: one run in Q3, four in Q4 (two compliant, one late, one below its quality score), one
/// in 2027-Q1; marketing_raw: history, but only in Q3.
fn validation_history(lakehouse: &Path) {
    validations::record(
        lakehouse,
        &[
            validation("sales.sales_raw", 1, "2026-09-30T23:00:00Z", &["sla.freshness"]),
            validation("sales.sales_raw", 2, "2026-10-01T00:00:00Z", &[]),
            validation("sales.sales_raw", 3, "2026-10-15T06:00:00Z", &["sla.freshness"]),
            validation("sales.sales_raw", 4, "2026-11-15T06:00:00Z", &["sla.quality_score"]),
            validation("sales.sales_raw", 5, "2026-12-31T23:59:59Z", &[]),
            validation("sales.sales_raw", 6, "2027-01-01T00:00:00Z", &["sla.freshness"]),
            validation("marketing.marketing_raw", 1, "2026-08-01T00:00:00Z", &[]),
        ],
    );
}

fn audit(root: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["audit", "--quarter", "2026-Q4"])
        .args(args)
        .env("MESH_ROOT", root)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_section_of_the_quarter_from_a_known_history() {
    let dir = fixture();
    let text = audit(dir.path(), &["--format", "json"]);
    assert_eq!(text, audit(dir.path(), &["--format", "json"]), "the same state gives the same bytes");
    let a: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(a["period"], json!({"start": "2026-10-01", "end": "2026-12-31"}));

    // PII inventory: every classified path of every product, by domain.
    let descriptors: Vec<_> = registered_products().into_iter().map(|r| r.descriptor).collect();
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for product in &descriptors {
        *expected.entry(product.domain.to_string()).or_default() += product.pii_fields().len();
    }
    expected.retain(|_, n| *n > 0);
    let found: BTreeMap<String, usize> =
        a["pii_inventory"].as_object().unwrap().iter().map(|(d, f)| (d.clone(), f.as_array().unwrap().len())).collect();
    assert_eq!(found, expected);
    assert_eq!(a["pii_fields"], expected.values().sum::<usize>());
    let sales = a["pii_inventory"]["sales"].as_array().unwrap();
    let raw_email = sales.iter().find(|f| f["product"] == "sales.sales_raw" && f["path"] == "customer_email").unwrap();
    assert_eq!(raw_email["copied_by"], json!(["sales.sales_cleaned"]));
    assert_eq!((&raw_email["class"], &raw_email["encrypted"]), (&json!("direct"), &json!(true)));
    assert_eq!(raw_email["encryption"], "randomized", "how, so a review sees deterministic fields");
    let nested =
        sales.iter().find(|f| f["product"] == "sales.sales_cleaned" && f["path"] == "shipping_address.postcode");
    assert_eq!(nested.unwrap()["copied_by"], json!(["customer.customer_360"]), "nested PII by path");

    // Policy findings on 2026-12-31: the two expired waivers and the one waiving nothing, in
    // their domains.
    let findings = a["policy_findings"].as_object().unwrap();
    assert_eq!(findings.keys().collect::<Vec<_>>(), ["marketing", "product", "sales"], "{findings:?}");
    let counts = |d: &str| (findings[d]["errors"].as_u64().unwrap(), findings[d]["warnings"].as_u64().unwrap());
    assert_eq!([counts("marketing"), counts("product"), counts("sales")], [(0, 1), (1, 0), (1, 0)]);
    assert_eq!(findings["sales"]["findings"][0]["code"], "MESH0203");

    // Waivers active in the quarter (not the one ended in Q3) and ending in 2027-Q1.
    let domains = |list: &Value| list.as_array().unwrap().iter().map(|w| w["domain"].clone()).collect::<Vec<_>>();
    assert_eq!(domains(&a["waivers"]["active"]), [json!("marketing"), json!("sales")]);
    assert_eq!(domains(&a["waivers"]["expiring_next_quarter"]), [json!("marketing")]);

    // SLA compliance from the history: the four Q4 runs of sales_raw, none of marketing_raw's
    // (its only run is in Q3); every other product without runs.
    let sla = a["sla_compliance"].as_array().unwrap();
    assert_eq!(sla.len(), descriptors.len());
    let sales_raw = sla.iter().find(|p| p["product"] == "sales.sales_raw").unwrap();
    assert_eq!(
        sales_raw,
        &json!({"product": "sales.sales_raw", "status": "measured", "runs": 4, "quality_met": 3,
                "freshness_met": 3, "compliant_runs": 2, "compliance_percent": 50.0})
    );
    assert!(sla.iter().filter(|p| p["product"] != "sales.sales_raw").all(|p| p["status"] == "no runs in the quarter"));

    // Contract changes in the quarter: two versions of sales_cleaned and one of ledger; the major
    // one breaking with sales_cleaned's consumers; ledger removed; the text-only commit and the
    // commits before and after the quarter not counted.
    let contracts = &a["contract_changes"];
    assert_eq!((&contracts["versions_published"], &contracts["breaking"]), (&json!(3), &json!(1)));
    let published: Vec<(String, String, bool)> = contracts["published"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["date"].as_str().unwrap().into(), p["version"].as_str().unwrap().into(), p["breaking"] == true))
        .collect();
    assert_eq!(
        published,
        [
            ("2026-10-05".into(), "1.1.0".into(), false),
            ("2026-10-10".into(), "1.0.0".into(), false),
            ("2026-11-02".into(), "2.0.0".into(), true)
        ]
    );
    let mut consumers: Vec<String> = descriptors
        .iter()
        .filter(|p| p.inputs.iter().any(|i| i.id() == "sales.sales_cleaned"))
        .map(|p| p.id())
        .collect();
    consumers.sort();
    assert_eq!(contracts["published"][2]["consumers"], json!(consumers));
    assert_eq!(
        contracts["removed"],
        json!([{"date": "2026-12-01", "commit": contracts["removed"][0]["commit"], "product": "ledger.ledger_raw", "version": "1.0.0"}])
    );

    // Ownership gaps.
    let without: Vec<String> = {
        let mut ids: Vec<String> = descriptors.iter().filter(|p| p.support.is_none()).map(|p| p.id()).collect();
        ids.sort();
        ids
    };
    assert_eq!(a["ownership"]["without_support"], json!(without));
    let mut owners: BTreeMap<String, usize> = BTreeMap::new();
    for p in &descriptors {
        *owners.entry(p.owner.to_string()).or_default() += 1;
    }
    let many: Vec<Value> =
        owners.iter().filter(|(_, n)| **n >= 3).map(|(o, n)| json!({"owner": o, "products": n})).collect();
    assert_eq!(a["ownership"]["owners_of_many"], json!(many));

    // The trend since the filed Q3 audit.
    let since = &a["since_previous"];
    assert_eq!(since["previous"], "2026-Q3");
    assert_eq!(since["products_added"], json!(["customer.customer_360"]));
    assert_eq!(since["products_removed"], json!(["old.gone"]));
    assert_eq!(since["removed_pii_fields"], json!(["old.gone:email"]));
    assert_eq!(since["new_pii_fields"].as_array().unwrap().len(), a["pii_fields"].as_u64().unwrap() as usize - 1);
    assert_eq!(since["new_waivers"].as_array().unwrap().len(), 2);
    assert_eq!(since["policy_errors"], json!({"before": 3, "now": 2}));
    assert_eq!(
        since["compliance"],
        json!([{"product": "sales.sales_raw", "before": 75.0, "now": 50.0, "direction": "down"}]),
        "marketing_raw has no runs this quarter: no trend"
    );

    // The same numbers in the documents people read.
    let markdown = audit(dir.path(), &[]);
    assert!(markdown.starts_with("# Governance audit 2026-Q4\n"), "{markdown}");
    assert!(markdown.contains(&format!("## PII inventory ({} fields)", a["pii_fields"])), "{markdown}");
    assert!(markdown.contains("3 versions published, 1 breaking."), "{markdown}");
    assert!(markdown.contains("| 2026-11-02 |") && markdown.contains("| BREAKING 1.1.0 -> 2.0.0 |"), "{markdown}");
    assert!(markdown.contains("| Policy errors | 3 -> 2 |"), "{markdown}");
    assert!(markdown.contains("| sales.sales_raw | 4 | 3 | 3 | 50.0% (2 of 4 runs) |"), "{markdown}");
    assert!(markdown.contains("| SLA compliance | sales.sales_raw down 75.0% -> 50.0% |"), "{markdown}");
    let html = audit(dir.path(), &["--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<td>BREAKING 1.1.0 -&gt; 2.0.0</td>"), "{html}");
}

#[test]
fn out_files_the_three_formats_and_bad_quarters_are_refused() {
    let dir = fixture();
    let filed = dir.path().join("filed");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["audit", "--quarter", "2026-Q4", "--out"])
        .arg(&filed)
        .env("MESH_ROOT", dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&fs::read(filed.join("2026-Q4.json")).unwrap()).unwrap();
    assert_eq!(json["quarter"], "2026-Q4");
    assert!(fs::read_to_string(filed.join("2026-Q4.md")).unwrap().contains("## Ownership gaps"));
    assert!(fs::read_to_string(filed.join("2026-Q4.html")).unwrap().contains("<h2>Since the previous audit</h2>"));

    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["audit", "--quarter", "2026-Q5"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`2026-Q5` is not a quarter: write it as YYYY-QN"));
    fs::write(dir.path().join("audits/2026-Q3.json"), "not json").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["audit", "--quarter", "2026-Q4"])
        .env("MESH_ROOT", dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("2026-Q3.json: not an audit's JSON"));
}
