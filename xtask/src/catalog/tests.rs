//! The site generated from catalog data built here: escaping, consumers and versions, the search
//! index, and a mesh of 10,000 products (time and size).

use std::collections::BTreeMap;
use std::time::Instant;

use mesh_core::{ContractDocument, ContractInput};

use mesh_quality::history::Run;

use super::model::{Catalog, Entry, Governance, LakehouseFacts, PublishedVersion, SlaStatus};
use super::{generate, write};

/// customer_360's published contract, the template of synthetic products.
fn template() -> mesh_core::Contract {
    let text = include_str!("../../../contracts/customer/customer_360.contract.yaml");
    serde_saphyr::from_str::<ContractDocument>(text).unwrap().data_product
}

fn entry(domain: &str, name: &str, inputs: &[&str]) -> Entry {
    let mut contract = template();
    contract.domain = domain.into();
    contract.name = name.into();
    contract.inputs =
        inputs.iter().map(|i| ContractInput { product: (*i).to_string(), requirement: "^1.0.0".into() }).collect();
    Entry {
        contract,
        rust_type: format!("{domain}::{name}"),
        consumers: Vec::new(),
        versions: Vec::new(),
        schema_json: "{}".into(),
        lakehouse: None,
        validations: Vec::new(),
        examples: Vec::new(),
        // About the size of a real product's DDL, so that the 10,000-product measurement carries it.
        spark_sql: format!(
            "CREATE EXTERNAL TABLE IF NOT EXISTS `{domain}`.`{name}`\nSTORED AS AVRO\n{}",
            "-- ".repeat(500)
        ),
    }
}

/// A catalog of `entries`, consumers filled in from their inputs.
fn catalog(mut entries: Vec<Entry>) -> Catalog {
    let mut consumers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in &entries {
        for i in &e.contract.inputs {
            consumers.entry(i.product.clone()).or_default().push(e.id());
        }
    }
    for e in &mut entries {
        e.consumers = consumers.remove(&e.id()).unwrap_or_default();
    }
    entries.sort_by_key(Entry::id);
    Catalog { products: entries, governance: Governance::default(), generated_at: "2026-12-01T00:00:00Z".into() }
}

#[test]
fn declared_text_is_escaped_everywhere() {
    let mut hostile = entry("d", "p", &[]);
    hostile.contract.description = "<script>alert(1)</script> \"quoted\"".into();
    hostile.contract.owner = "a\"><img src=x onerror=alert(1)>@x.com".into();
    let files = generate(&catalog(vec![hostile]));
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        assert!(!text.contains("<script>alert"), "{path} has raw markup from a description");
        assert!(!text.contains("<img src=x"), "{path} has raw markup from an owner");
    }
    assert!(files["products/d.p.html"].contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // In the search index the text is JSON data, which the script only ever sets as textContent.
    assert!(files["search-index.js"].contains(r#""<script>alert(1)</script> \"quoted\"""#));
}

#[test]
fn a_product_page_links_inputs_and_consumers_and_lists_versions() {
    let mut silver = entry("sales", "cleaned", &["sales.raw"]);
    silver.versions = vec![
        PublishedVersion { version: "1.0.0".into(), fingerprint: "aa".into(), verdict: None, changes: vec![] },
        PublishedVersion {
            version: "1.1.0".into(),
            fingerprint: "bb".into(),
            verdict: Some("compatible".into()),
            changes: vec!["field `note` was added with a default".into()],
        },
    ];
    let files =
        generate(&catalog(vec![entry("sales", "raw", &[]), silver, entry("customer", "view", &["sales.cleaned"])]));
    let page = &files["products/sales.cleaned.html"];
    assert!(page.contains(r#"<a href="sales.raw.html">sales.raw</a>"#), "input linked");
    assert!(
        page.contains(r#"<ul id="consumers"><li><a href="customer.view.html">customer.view</a>"#),
        "consumer linked"
    );
    let versions = &page[page.find(r#"id="versions""#).unwrap()..];
    assert!(versions.find("1.1.0").unwrap() < versions.find("1.0.0").unwrap(), "newest version first");
    assert!(page.contains("field `note` was added with a default") && page.contains("compatible"));
    // Its lineage view holds its neighbourhood: its input and its consumer.
    let svg = &page[page.find("<svg").unwrap()..];
    for node in ["sales.raw.html", "sales.cleaned.html", "customer.view.html"] {
        assert!(svg.contains(&format!("href=\"{node}\"")), "{node} in the lineage view");
    }
}

#[test]
fn freshness_status_follows_the_measured_age() {
    let mut fresh = entry("d", "fresh", &[]);
    let facts = |age| LakehouseFacts {
        version: 1,
        product_version: "1.0.0".into(),
        records: 10,
        committed_at: "2026-12-01T00:00:00Z".into(),
        newest_event_time: Some("2026-12-01T00:00:00Z".into()),
        age_seconds: Some(age),
        quarantined: 0,
    };
    // customer_360 promises a day.
    fresh.lakehouse = Some(facts(86_400));
    let mut stale = entry("d", "stale", &[]);
    stale.lakehouse = Some(facts(86_401));
    let unbuilt = entry("d", "unbuilt", &[]);
    assert_eq!(
        [fresh.sla_status(), stale.sla_status(), unbuilt.sla_status()],
        [SlaStatus::Met, SlaStatus::Breached, SlaStatus::NotMeasured]
    );
    let index = generate(&catalog(vec![fresh, stale])).remove("search-index.js").unwrap();
    assert!(index.contains(r#""d.fresh""#) && index.contains(r#""met""#) && index.contains(r#""breached""#));
}

#[test]
fn the_quality_history_charts_each_run_and_tables_it_newest_first() {
    let run = |version: u64, score: Option<f64>, quality_met: bool, freshness_met: bool| Run {
        version,
        committed_at: format!("2026-12-0{version}T00:00:00Z"),
        quality_score: score,
        freshness_seconds: Some(60 * version as i64),
        quality_met,
        freshness_met,
    };
    let mut validated = entry("d", "validated", &[]);
    validated.validations =
        vec![run(1, Some(100.0), true, true), run(2, Some(90.0), false, true), run(3, Some(97.5), true, false)];
    let mut files = generate(&catalog(vec![validated, entry("d", "never", &[])]));
    let page = files.remove("products/d.validated.html").unwrap();
    let section = &page[page.find(r#"id="quality-history""#).unwrap()..];
    assert!(
        section.contains("Latest run (version 3, committed 2026-12-03T00:00:00Z): quality score 97.5% (SLA &gt;95%: met), data age 180 s (SLA 1 day: breached)."),
        "{section}"
    );
    assert!(section.contains(r#"aria-label="Quality score of the last 3 runs, from 100.0% to 97.5%""#), "{section}");
    // One point per run, at its score (100% on top, 0% at the bottom of the 8..82 band).
    assert_eq!(section.matches("<circle").count(), 3);
    assert!(section.contains(r#"points="8.0,8.0 160.0,15.4 312.0,9.8""#), "{section}");
    assert_eq!(section.matches(r#"class="run met""#).count(), 1, "only the first run met both");
    let versions: Vec<&str> =
        section.split("<tr><td>").skip(1).map(|row| row.split("</td><td>").nth(1).unwrap()).collect();
    assert_eq!(versions, ["3", "2", "1"], "the table newest first");
    let never = files.remove("products/d.never.html").unwrap();
    assert!(never.contains("Not validated yet: run `cargo xtask validate`"));
}

/// This thread's CPU time (user and system), from /proc: on a shared machine the wall time says
/// more about the neighbours than about the generator. Linux reports it in ticks of 1/100 s.
fn thread_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<u64> = after_name.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
    fields.iter().sum::<u64>() as f64 / 100.0
}

/// 10,000 products in 1,000 domains of 10 (3 bronze, 3 silver, 4 gold; each gold product also
/// reads a silver product of the domain before it), generated and written: the time is printed
/// (`cargo test -p xtask --release catalog::tests::ten_thousand -- --nocapture` measures it), the
/// index page must stay under 1 MB.
#[test]
#[allow(clippy::print_stderr)] // the measurement is the point
fn ten_thousand_products() {
    let mut entries = Vec::new();
    for d in 0..1000 {
        let domain = format!("domain{d:04}");
        let previous = format!("domain{:04}", (d + 999) % 1000);
        for i in 0..3 {
            entries.push(entry(&domain, &format!("raw{i}"), &[]));
            entries.push(entry(&domain, &format!("cleaned{i}"), &[&format!("{domain}.raw{i}")]));
        }
        for i in 0..4 {
            let own = format!("{domain}.cleaned{}", i % 3);
            let other = format!("{previous}.cleaned{}", i % 3);
            entries.push(entry(&domain, &format!("gold{i}"), &[&own, &other]));
        }
    }
    let catalog = catalog(entries);
    let started = Instant::now();
    let cpu_started = thread_cpu_seconds();
    let files = generate(&catalog);
    let generated = started.elapsed();
    let generated_cpu = thread_cpu_seconds() - cpu_started;
    let out = tempfile::tempdir().unwrap();
    let written = write(out.path(), &files).unwrap();
    let total = started.elapsed();
    let bytes: usize = files.values().map(String::len).sum();
    eprintln!(
        "10,000 products: {} files, {:.1} MB, generated in {:.2}s ({:.2}s of CPU), written in {:.2}s; index.html {} bytes, search-index.js {:.1} MB",
        files.len(),
        bytes as f64 / 1e6,
        generated.as_secs_f64(),
        generated_cpu,
        (total - generated).as_secs_f64(),
        files["index.html"].len(),
        files["search-index.js"].len() as f64 / 1e6
    );
    assert_eq!(written, files.len());
    assert_eq!(files.keys().filter(|p| p.starts_with("products/")).count(), 10_000);
    assert!(files["index.html"].len() < 1_000_000, "the index page is {} bytes", files["index.html"].len());
}

#[test]
fn waivers_expiring_within_30_days_are_highlighted() {
    let mut catalog = catalog(vec![entry("sales", "raw", &[])]);
    let waiver = |domain: &str, days_left| super::model::WaiverRow {
        domain: domain.into(),
        policy: "ownership".into(),
        reason: "team forming".into(),
        expires: "2026-12-31".into(),
        days_left,
    };
    catalog.governance.waivers = vec![waiver("soon", 30), waiver("later", 31), waiver("gone", -2)];
    let page = generate(&catalog).remove("governance.html").unwrap();
    let row = |domain: &str| {
        let cell = page.find(&format!("<td>{domain}</td>")).unwrap();
        page[..cell].rsplit("<tr").next().unwrap().to_string()
    };
    assert!(row("soon").contains(r#"class="expiring""#), "{}", row("soon"));
    assert!(!row("later").contains("class="), "{}", row("later"));
    assert!(row("gone").contains(r#"class="expired""#), "{}", row("gone"));
    assert!(page.contains("2026-12-31 (in 30 days)") && page.contains("(expired 2 days ago)"));
}
