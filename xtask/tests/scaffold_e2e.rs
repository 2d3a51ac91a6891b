//! `cargo xtask new domain` and `new product` in a copy of the workspace: the generated crate and
//! declarations pass `cargo xtask check` (with the new products in the graph), clippy and rustfmt
//! as written; bad names and taken names are refused before anything is written.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Copies the workspace's sources (not its build output, data or git history) to `to`.
fn copy_workspace(from: &Path, to: &Path, top: bool) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if top && ["target", ".git", "landing", "lakehouse"].contains(&name.to_str().unwrap_or("")) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_workspace(&source, &target, false);
        } else if entry.file_type().unwrap().is_file() {
            fs::copy(&source, &target).unwrap();
        }
    }
}

struct Copy {
    root: PathBuf,
    target: PathBuf,
}

impl Copy {
    fn new() -> Copy {
        // Fixed places under the test's scratch folder, so a rerun's build is incremental.
        let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let root = scratch.join("scaffold-workspace");
        if root.exists() {
            fs::remove_dir_all(&root).unwrap();
        }
        fs::create_dir_all(&root).unwrap();
        copy_workspace(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap(), &root, true);
        Copy { root, target: scratch.join("scaffold-target") }
    }

    /// This build's binary on the copy (its mesh is the original's).
    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).env("MESH_ROOT", &self.root).output().unwrap()
    }

    /// `cargo ARGS` in the copy, which rebuilds the command line with the new crates.
    fn cargo(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("MESH_ROOT")
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap()
    }

    fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            for path in fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push((path.clone(), fs::read(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }
}

fn ok(output: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{what} failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

fn refused(output: &Output, message: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(message), "expected {message:?} in:\n{stderr}");
}

#[test]
fn a_new_domain_and_a_product_from_sales_cleaned_pass_check_clippy_and_rustfmt() {
    let copy = Copy::new();
    let before = copy.files();
    refused(&copy.xtask(&["new", "domain", "Finance-Ops", "--owner", "finance@company.com"]), "`finance_ops`");
    refused(&copy.xtask(&["new", "domain", "sales", "--owner", "finance@company.com"]), "the domain `sales` exists");
    refused(
        &copy.xtask(&["new", "domain", "finance", "--owner", "nobody"]),
        "--owner: owner `nobody` is not an address",
    );
    refused(
        &copy.xtask(&["new", "product", "sales", "sales_cleaned", "--layer", "silver", "--from", "sales.sales_raw"]),
        "the product `sales.sales_cleaned` exists",
    );
    refused(
        &copy.xtask(&["new", "product", "sales", "Orders", "--layer", "silver", "--from", "sales.sales_raw"]),
        "the product name `Orders` is not lower snake case",
    );
    refused(&copy.xtask(&["new", "product", "sales", "orders_x", "--layer", "gold"]), "--from domain.name");
    refused(
        &copy.xtask(&["new", "product", "sales", "orders_x", "--layer", "gold", "--from", "sales.nothing"]),
        "--from `sales.nothing`: no such product",
    );
    assert!(copy.files() == before, "a refused command wrote something");

    let created = ok(
        &copy.xtask(&[
            "new",
            "domain",
            "finance",
            "--owner",
            "finance-data@company.com",
            "--support",
            "#finance-data on Slack",
        ]),
        "new domain",
    );
    for file in ["domains/finance/src/bronze.rs", "domains/finance/src/silver.rs", "domains/finance/src/gold.rs"] {
        assert!(created.contains(&format!("Created {file}")), "{created}");
    }
    assert!(created.contains("Updated xtask/Cargo.toml") && created.contains("Updated xtask/src/main.rs"), "{created}");
    let gold_before = fs::read(copy.root.join("domains/finance/src/gold.rs")).unwrap();

    // Through `cargo xtask` in the copy: the command line is rebuilt with the finance crate.
    refused(
        &copy.cargo(&[
            "xtask",
            "new",
            "product",
            "finance",
            "order_copy",
            "--layer",
            "silver",
            "--from",
            "sales.sales_cleaned",
        ]),
        "visible to its domain and customer, marketing only, so the domain `finance` cannot read it",
    );
    ok(
        &copy.cargo(&[
            "xtask",
            "new",
            "product",
            "customer",
            "order_facts",
            "--layer",
            "gold",
            "--from",
            "sales.sales_cleaned",
        ]),
        "new product --from sales.sales_cleaned",
    );
    ok(&copy.cargo(&["xtask", "new", "product", "finance", "ledger_raw", "--layer", "bronze"]), "new bronze product");
    refused(
        &copy.cargo(&["xtask", "new", "product", "finance", "ledger_raw", "--layer", "bronze"]),
        "the product `finance.ledger_raw` exists",
    );
    assert_eq!(fs::read(copy.root.join("domains/finance/src/gold.rs")).unwrap(), gold_before, "never overwritten");

    let facts = fs::read_to_string(copy.root.join("domains/customer/src/order_facts.rs")).unwrap();
    assert!(facts.contains("    #[pii(direct, encrypted)]\n    pub customer_email: String,"), "PII kept:\n{facts}");
    assert!(facts.contains("inputs(SalesCleaned)") && facts.contains("impl Pipeline for OrderFacts"), "{facts}");
    assert!(facts.contains("mesh_pipeline::pipeline!(OrderFacts);"), "{facts}");
    let ledger = fs::read_to_string(copy.root.join("domains/finance/src/ledger_raw.rs")).unwrap();
    assert!(ledger.contains("mesh_pipeline::landing!(LedgerRaw);"), "{ledger}");
    assert!(
        ledger.contains("owner = \"finance-data@company.com\"")
            && ledger.contains("support = \"#finance-data on Slack\"")
    );

    // Before publishing, the only errors are that the new products are not published yet.
    let unpublished = copy.cargo(&["xtask", "check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&unpublished.stdout).unwrap();
    let codes: std::collections::BTreeSet<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["MESH1001", "MESH1006"].into(), "{report}");
    assert_eq!(report["summary"]["errors"], 6, "five new products and the index: {report}");
    ok(&copy.cargo(&["xtask", "publish"]), "cargo xtask publish");
    let check = ok(&copy.cargo(&["xtask", "check", "--format", "json"]), "cargo xtask check");
    let graph: serde_json::Value =
        serde_json::from_str(&ok(&copy.cargo(&["xtask", "graph", "--format", "json"]), "graph")).unwrap();
    let graph = graph.to_string();
    for id in [
        "finance.finance_raw",
        "finance.finance_cleaned",
        "finance.finance_analytics",
        "finance.ledger_raw",
        "customer.order_facts",
    ] {
        assert!(graph.contains(&format!("\"{id}\"")), "{id} not in the graph: {graph}");
    }
    let report: serde_json::Value = serde_json::from_str(&check).unwrap();
    assert_eq!(
        (report["summary"]["errors"].as_u64(), report["summary"]["products"].as_u64()),
        (Some(0), Some(15)),
        "{check}"
    );

    ok(&copy.cargo(&["fmt", "--check", "-p", "finance", "-p", "customer", "-p", "xtask"]), "rustfmt");
    ok(
        &copy.cargo(&["clippy", "-q", "-p", "finance", "-p", "customer", "--all-targets", "--", "-D", "warnings"]),
        "clippy",
    );
}
