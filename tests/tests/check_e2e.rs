//! End to end: `cargo xtask check` and `cargo xtask graph` run as real
//! binaries on fixture meshes declared with the real `#[data_product]` macro.
//!
//! Each fixture (`tests/fixtures/meshes/<name>.rs`) is a `cargo xtask` binary
//! linking its own products, as `xtask/src/main.rs` links the example domains;
//! `fixture_example` links exactly the example domains, so it is `cargo xtask`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_path_buf()
}

/// Runs `binary args` with `MESH_ROOT=root`; returns the exit code and stdout, for a snapshot.
fn run(binary: &str, root: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(binary)
        .args(args)
        .env("MESH_ROOT", root)
        .current_dir(workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {binary}: {e}"));
    let code = output.status.code().expect("the check exits normally");
    (code, String::from_utf8(output.stdout).expect("UTF-8 output"))
}

/// Checks fixture `name` (its `mesh.toml`, if any, in `tests/fixtures/meshes/<name>/`) on a fixed date.
fn check(binary: &str, name: &str, format: &str) -> (i32, String) {
    let root = workspace_root().join("tests/fixtures/meshes").join(name);
    run(binary, &root, &["check", "--format", format, "--today", "2026-06-01"])
}

fn assert_fails_with(code: i32, output: &str, expected: &[&str]) {
    assert_eq!(code, 1, "the check must fail:\n{output}");
    for needle in expected {
        assert!(output.contains(needle), "missing {needle}:\n{output}");
    }
}

#[test]
fn a_cycle_is_reported_with_its_full_path() {
    let (code, output) = check(env!("CARGO_BIN_EXE_fixture_cycle"), "cycle", "text");
    assert_fails_with(
        code,
        &output,
        &["error[MESH0004]: dependency cycle: ops.orders_cleaned -> ops.returns_cleaned -> ops.refunds_cleaned -> ops.orders_cleaned"],
    );
    insta::assert_snapshot!("cycle_text", output);
    let (code, json) = check(env!("CARGO_BIN_EXE_fixture_cycle"), "cycle", "json");
    assert_eq!(code, 1, "{json}");
    insta::assert_snapshot!("cycle_json", json);
}

#[test]
fn a_dangling_input_is_reported() {
    let (code, output) = check(env!("CARGO_BIN_EXE_fixture_dangling"), "dangling", "text");
    assert_fails_with(code, &output, &["error[MESH0002]", "did you mean `shop.orders_cleaned`?"]);
    insta::assert_snapshot!("dangling_text", output);
}

#[test]
fn an_unsatisfied_requirement_is_reported() {
    let (code, output) = check(env!("CARGO_BIN_EXE_fixture_unsatisfied"), "unsatisfied", "text");
    assert_fails_with(code, &output, &["error[MESH0003]", "tests/fixtures/meshes/unsatisfied.rs:"]);
    insta::assert_snapshot!("unsatisfied_text", output);
    let (code, github) = check(env!("CARGO_BIN_EXE_fixture_unsatisfied"), "unsatisfied", "github");
    assert_eq!(code, 1, "{github}");
    insta::assert_snapshot!("unsatisfied_github", github);
}

#[test]
fn unencrypted_pii_is_reported() {
    let (code, output) = check(env!("CARGO_BIN_EXE_fixture_unencrypted_pii"), "unencrypted_pii", "text");
    assert_fails_with(code, &output, &["error[MESH0101]", "field `email` of `crm.signups_raw`"]);
    insta::assert_snapshot!("unencrypted_pii_text", output);
}

#[test]
fn unencrypted_pii_in_a_nested_record_is_reported_at_its_path() {
    let binary = env!("CARGO_BIN_EXE_fixture_unencrypted_nested_pii");
    let (code, output) = check(binary, "unencrypted_nested_pii", "text");
    assert_fails_with(
        code,
        &output,
        &[
            "error[MESH0101]: field `addresses[].postcode` of `crm.customers_raw`",
            "`#[pii(indirect, encrypted)]` on field `postcode` of `fixture_unencrypted_nested_pii::crm::Address`",
        ],
    );
    assert_eq!(output.matches("error[").count(), 1, "the encrypted street passes:\n{output}");
    insta::assert_snapshot!("unencrypted_nested_pii_text", output);
}

#[test]
fn reading_a_product_not_visible_to_the_domain_is_reported() {
    let binary = env!("CARGO_BIN_EXE_fixture_visibility_violation");
    let (code, output) = check(binary, "visibility_violation", "text");
    assert_fails_with(
        code,
        &output,
        &[
            "error[MESH0006]: `finance.personnel_cost_analytics` reads `hr.employees_cleaned`, which is visible to domain `hr` only",
            "tests/fixtures/meshes/visibility_violation.rs:",
        ],
    );
    assert!(!output.contains("hr.headcount_analytics`,"), "the product admitting finance is not reported:\n{output}");
    insta::assert_snapshot!("visibility_violation_text", output);
    let (code, json) = check(binary, "visibility_violation", "json");
    assert_eq!(code, 1, "{json}");
    insta::assert_snapshot!("visibility_violation_json", json);
}

#[test]
fn an_expired_waiver_is_an_error_and_no_longer_excuses() {
    let (code, output) = check(env!("CARGO_BIN_EXE_fixture_expired_waiver"), "expired_waiver", "text");
    assert_fails_with(code, &output, &["error[MESH0203]", "--> mesh.toml:", "error[MESH0101]", "1 finding waived"]);
    insta::assert_snapshot!("expired_waiver_text", output);
    // Before its expiry date the same waiver holds; the other waiver still covers the misnamed product.
    let root = workspace_root().join("tests/fixtures/meshes/expired_waiver");
    let (code, output) = run(env!("CARGO_BIN_EXE_fixture_expired_waiver"), &root, &["check", "--today", "2026-03-31"]);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("2 findings waived"), "{output}");
}

#[test]
fn a_layer_violation_is_reported() {
    let (code, output) = check(env!("CARGO_BIN_EXE_fixture_layer_violation"), "layer_violation", "text");
    assert_fails_with(code, &output, &["error[MESH0005]: gold product `shop.revenue_analytics` reads bronze product"]);
    insta::assert_snapshot!("layer_violation_text", output);
}

#[test]
fn a_schema_that_cannot_be_built_is_reported_once() {
    let (code, output) = check(env!("CARGO_BIN_EXE_fixture_schema_conflict"), "schema_conflict", "text");
    assert_fails_with(code, &output, &["error[MESH0008]", "`shop.Address`"]);
    assert_eq!(output.matches("error[").count(), 1, "one error, no follow-on ones:\n{output}");
    insta::assert_snapshot!("schema_conflict_text", output);
}

#[test]
fn a_clean_mesh_prints_its_summary_and_passes() {
    let (code, output) = check(env!("CARGO_BIN_EXE_fixture_clean"), "clean", "text");
    assert_eq!(code, 0, "{output}");
    assert_eq!(
        output,
        "mesh ok: 2 domains, 3 products, 2 edges (1 cross-domain), 9 policies checked, 0 findings waived: 0 errors, 0 warnings\n"
    );
}

#[test]
fn the_example_mesh_passes_cargo_xtask_check_with_the_workspace_policies() {
    let (code, json) = run(env!("CARGO_BIN_EXE_fixture_example"), &workspace_root(), &["check", "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).expect("check --format json prints JSON");
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    insta::assert_json_snapshot!("example_summary", report["summary"]);
}

#[test]
fn the_example_lineage_renders_and_answers_upstream_and_downstream() {
    let root = workspace_root();
    let binary = env!("CARGO_BIN_EXE_fixture_example");
    let (code, dot) = run(binary, &root, &["graph", "--format", "dot"]);
    assert_eq!(code, 0, "{dot}");
    insta::assert_snapshot!("example_graph_dot", dot);
    let (code, mermaid) = run(binary, &root, &["graph", "--format", "mermaid"]);
    assert_eq!(code, 0, "{mermaid}");
    insta::assert_snapshot!("example_graph_mermaid", mermaid);
    let (code, downstream) =
        run(binary, &root, &["graph", "--format", "json", "--product", "sales.sales_cleaned", "--downstream"]);
    assert_eq!(code, 0, "{downstream}");
    let downstream: serde_json::Value = serde_json::from_str(&downstream).unwrap();
    let ids: Vec<&str> = downstream["products"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["customer.customer_360", "marketing.marketing_analytics", "sales.sales_analytics", "sales.sales_cleaned"]
    );
    let (code, upstream) =
        run(binary, &root, &["graph", "--format", "json", "--product", "customer.customer_360", "--upstream"]);
    assert_eq!(code, 0, "{upstream}");
    insta::assert_snapshot!("example_upstream_of_customer_360", upstream);
    let (code, _) = run(binary, &root, &["graph", "--product", "sales.nothing", "--upstream"]);
    assert_eq!(code, 1, "an unknown product is an error");
}

#[test]
fn policies_lists_every_policy_with_the_workspace_level() {
    let (code, table) = run(env!("CARGO_BIN_EXE_fixture_example"), &workspace_root(), &["policies"]);
    assert_eq!(code, 0, "{table}");
    insta::assert_snapshot!("example_policies", table);
    // Without a mesh.toml the built-in levels apply.
    let (code, defaults) =
        run(env!("CARGO_BIN_EXE_fixture_clean"), &workspace_root().join("tests/fixtures/meshes/clean"), &["policies"]);
    assert_eq!(code, 0, "{defaults}");
    assert_eq!(table, defaults, "the workspace mesh.toml states the built-in levels");
}
