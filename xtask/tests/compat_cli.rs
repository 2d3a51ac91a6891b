//! `cargo xtask compat OLD NEW`: the real binary on the rule fixtures.

use std::path::Path;
use std::process::Command;

fn compat(pair: &str, args: &[&str]) -> (i32, String, String) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mesh-core/avro/tests/fixtures/compat");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&fixtures)
        .args(["compat", &format!("{pair}/previous.avsc"), &format!("{pair}/current.avsc")])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn breaking_change_exits_one_with_every_reason() {
    let (status, stdout, _) = compat("FIELD_TYPE_CHANGED", &[]);
    assert_eq!(status, 1);
    insta::assert_snapshot!("text_breaking", stdout);
    let (status, stdout, _) = compat("FIELD_TYPE_CHANGED", &["--format", "json"]);
    assert_eq!(status, 1);
    insta::assert_snapshot!("json_breaking", stdout);
}

#[test]
fn the_mode_decides_whether_a_change_breaks() {
    let (status, stdout, _) = compat("FIELD_TYPE_WIDENED", &["--mode", "backward"]);
    assert_eq!(status, 0, "{stdout}");
    insta::assert_snapshot!("text_widened_backward", stdout);
    let (status, stdout, _) = compat("FIELD_TYPE_WIDENED", &["--mode", "forward", "--format", "json"]);
    assert_eq!(status, 1, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["verdict"], "breaking");
    assert_eq!(json["bump"], "major");
    assert_eq!(json["changes"][0]["rule"], "FIELD_TYPE_WIDENED");
    assert_eq!(json["changes"][0]["path"], "sales.Order.line_items[].quantity");
}

#[test]
fn compatible_and_identical_exit_zero() {
    let (status, stdout, _) = compat("FIELD_ADDED_WITH_DEFAULT", &["--format", "json"]);
    assert_eq!(status, 0);
    insta::assert_snapshot!("json_compatible", stdout);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mesh-core/avro/tests/fixtures/compat/OTHER_CHANGE");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("compat")
        .args([fixtures.join("previous.avsc"), fixtures.join("previous.avsc")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout)
        .contains(": identical (no new version needed) under full compatibility"));
}

#[test]
fn unreadable_input_exits_two_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.avsc");
    std::fs::write(&bad, r#"{"type":"record","name":"R","fields":[{"name":"a","type":"Missing"}]}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("compat").args([&bad, &bad]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.avsc: invalid Avro schema at record R, field a: unknown type `Missing`"), "{stderr}");
}
