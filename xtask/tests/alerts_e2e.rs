//! Alerts end to end with the real binary: the example mesh built, its sales analytics given
//! malformed emails (personal data), validated late enough to be stale; a webhook on loopback
//! receives exactly one alert per breach (also when its first answer is an error), the metrics
//! files pass `promtool check metrics`, no output holds a personal value, and a webhook that is
//! down is reported without failing the validation or losing its history.

#[path = "support/webhook_server.rs"]
mod webhook_server;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use mesh_core::codec::{Compression, ContainerReader, ContainerWriter};
use mesh_core::DataProduct;
use mesh_pipeline::lakehouse::Lakehouse;
use sales::gold::SalesAnalytics;
use serde_json::Value;
use webhook_server::WebhookServer;

/// Late enough for every product with a freshness promise to be stale.
const AT: &str = "2030-01-01T00:00:00Z";

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        // The workspace whose mesh.toml routes the alerts.
        .env("MESH_ROOT", root)
        .env_remove("MESH_ALERT_WEBHOOK")
        .output()
        .unwrap()
}

/// Builds the example mesh in `root/lake`; every email of sales analytics' data, where every fifth
/// is replaced by a malformed one (so the quality score breaches its SLA).
fn build(root: &Path) -> (PathBuf, Vec<String>) {
    let (landing, lake) = (root.join("landing"), root.join("lake"));
    for args in [
        vec!["generate", "--landing", landing.to_str().unwrap(), "--days", "1", "--orders-per-day", "200"],
        vec!["run", "--landing", landing.to_str().unwrap(), "--lakehouse", lake.to_str().unwrap()],
    ] {
        let output = xtask(root, &args);
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    let lakehouse = Lakehouse::new(&lake);
    let manifest = lakehouse.current(SalesAnalytics::DESCRIPTOR).unwrap().unwrap();
    let file = lakehouse.product_dir(SalesAnalytics::DESCRIPTOR).join(&manifest.files[0].path);
    let mut records: Vec<SalesAnalytics> =
        ContainerReader::<SalesAnalytics, _>::open(&file).unwrap().map(|r| r.unwrap()).collect();
    let mut emails = Vec::new();
    for (i, record) in records.iter_mut().enumerate() {
        if i % 5 == 0 {
            record.customer_email = format!("malformed-{i}-at-example");
        }
        emails.push(record.customer_email.clone());
    }
    let mut writer =
        ContainerWriter::<SalesAnalytics, _>::new(File::create(&file).unwrap(), Compression::Deflate).unwrap();
    for record in &records {
        writer.append(record).unwrap();
    }
    writer.finish().unwrap();
    (lake, emails)
}

fn validate(root: &Path, lake: &Path, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["validate", "--lakehouse", lake.to_str().unwrap(), "--at", AT, "--format", "json"];
    args.extend(extra);
    let output = xtask(root, &args);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output, report)
}

/// `(product, breach)` of every breach the report lists, and `data.unreadable` per unreadable product.
fn breaches(report: &Value) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for product in report["products"].as_array().unwrap() {
        let id = product["product"].as_str().unwrap().to_string();
        for breach in product["breaches"].as_array().unwrap() {
            *out.entry((id.clone(), breach["what"].as_str().unwrap().to_string())).or_default() += 1;
        }
        if !product["read_errors"].as_array().unwrap().is_empty() {
            *out.entry((id, "data.unreadable".to_string())).or_default() += 1;
        }
    }
    out
}

fn assert_no_personal_data(emails: &[String], texts: &[(&str, &str)]) {
    for (what, text) in texts {
        for email in emails {
            assert!(!text.contains(email.as_str()), "{what} holds a personal value");
        }
    }
}

#[test]
fn every_breach_is_one_alert_and_no_output_holds_personal_data() {
    let root = tempfile::tempdir().unwrap();
    let (lake, emails) = build(root.path());
    // The first answer is an error: the retry delivers that alert, once.
    let server = WebhookServer::start(&[500]);
    std::fs::write(
        root.path().join("mesh.toml"),
        format!("[alerts]\nwebhook-env = \"MESH_TEST_HOOK\"\nretries = 2\ntimeout-seconds = 5\nmetrics-dir = \"metrics\"\n\n[domains.sales.alerts]\nwebhook = \"{}\"\n", server.url),
    )
    .unwrap();
    // Only sales has a webhook: the others' variable is unset.
    let (output, report) = validate(root.path(), &lake, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));

    let expected: BTreeMap<(String, String), usize> =
        breaches(&report).into_iter().filter(|((product, _), _)| product.starts_with("sales.")).collect();
    assert!(expected.contains_key(&("sales.sales_analytics".into(), "sla.quality_score".into())), "{expected:?}");
    assert!(expected.contains_key(&("sales.sales_analytics".into(), "sla.freshness".into())), "{expected:?}");
    let bodies = server.accepted();
    let mut received: BTreeMap<(String, String), usize> = BTreeMap::new();
    for body in &bodies {
        let alert: Value = serde_json::from_str(body).unwrap();
        *received
            .entry((alert["product"].as_str().unwrap().into(), alert["breach"].as_str().unwrap().into()))
            .or_default() += 1;
        assert!(alert["text"].as_str().unwrap().contains(alert["product"].as_str().unwrap()), "{alert}");
        for key in ["measured", "bound", "owner", "run", "kind"] {
            assert!(!alert[key].is_null(), "{key} in {alert}");
        }
    }
    assert_eq!(received, expected, "exactly one alert per breach");
    assert_eq!(server.requests(), bodies.len() + 1, "one retry after the 500");
    let score = bodies
        .iter()
        .map(|b| serde_json::from_str::<Value>(b).unwrap())
        .find(|a| a["product"] == "sales.sales_analytics" && a["breach"] == "sla.quality_score")
        .unwrap();
    let analytics_report =
        report["products"].as_array().unwrap().iter().find(|p| p["product"] == "sales.sales_analytics").unwrap();
    let measured_score = analytics_report["quality_score"].as_f64().unwrap();
    assert!(measured_score < 81.0, "a fifth of the emails are malformed: {measured_score}");
    assert_eq!(
        (score["measured"].as_str().unwrap(), score["bound"].as_str()),
        (format!("{measured_score:.3}%").as_str(), Some(">95%"))
    );

    // A metrics file per product, valid for Prometheus.
    let metrics = root.path().join("metrics");
    let files: Vec<PathBuf> = std::fs::read_dir(&metrics).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), report["products"].as_array().unwrap().len());
    let analytics = std::fs::read_to_string(metrics.join("mesh_sales_sales_analytics.prom")).unwrap();
    assert!(
        analytics.contains(&format!(
            "mesh_quality_score_percent{{product=\"sales.sales_analytics\",domain=\"sales\",layer=\"gold\"}} {measured_score}\n"
        )),
        "{analytics}"
    );
    assert!(analytics.contains("mesh_breach{product=\"sales.sales_analytics\",domain=\"sales\",layer=\"gold\",what=\"sla.freshness\",kind=\"sla\"} 1\n"));
    let mut everything = String::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let mut promtool = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("promtool is missing: `cargo xtask test` installs Debian's prometheus");
        promtool.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let checked = promtool.wait_with_output().unwrap();
        assert!(checked.status.success(), "{}: {}", file.display(), String::from_utf8_lossy(&checked.stderr));
        everything.push_str(&text);
    }
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_no_personal_data(
        &emails,
        &[("an alert", &bodies.join("\n")), ("a metrics file", &everything), ("stdout", &stdout), ("stderr", &stderr)],
    );
}

#[test]
fn a_webhook_that_is_down_is_reported_and_the_result_kept() {
    let root = tempfile::tempdir().unwrap();
    let (lake, emails) = build(root.path());
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    std::fs::write(
        root.path().join("mesh.toml"),
        format!(
            "[alerts]\nwebhook = \"http://127.0.0.1:{closed}/hooks/secret-token\"\nretries = 1\ntimeout-seconds = 1\n"
        ),
    )
    .unwrap();
    let (output, report) = validate(root.path(), &lake, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "the breaches decide the exit code, not the webhook: {stderr}");
    assert!(stderr.contains(&format!("the webhook at http://127.0.0.1:{closed} failed 2 time(s)")), "{stderr}");
    assert!(!stderr.contains("secret-token"), "a webhook's path is its secret: {stderr}");
    assert_no_personal_data(&emails, &[("stderr", &stderr)]);
    let db = rusqlite::Connection::open(lake.join("_validations.sqlite")).unwrap();
    let runs: i64 = db.query_row("SELECT COUNT(*) FROM validation_runs", [], |row| row.get(0)).unwrap();
    assert_eq!(runs as usize, report["products"].as_array().unwrap().len(), "every result is in the history");

    // A mistake in the alerts tables stops the validation before any work, naming the key.
    let validated_at = |db: &rusqlite::Connection| -> String {
        db.query_row("SELECT MAX(validated_at) FROM validation_runs", [], |row| row.get(0)).unwrap()
    };
    let before = validated_at(&db);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(root.path().join("mesh.toml"), "[alerts]\nwebhok = \"http://127.0.0.1:1/\"\n").unwrap();
    let refused = xtask(root.path(), &["validate", "--lakehouse", lake.to_str().unwrap(), "--at", AT]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(refused.stdout.is_empty() && stderr.contains("mesh.toml") && stderr.contains("webhok"), "{stderr}");
    assert_eq!(validated_at(&db), before, "nothing validated, nothing recorded");
    std::fs::remove_file(root.path().join("mesh.toml")).unwrap();

    // `--no-alerts` sends nothing and says nothing about webhooks.
    let (output, _) = validate(root.path(), &lake, &["--no-alerts"]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("webhook"));
}
