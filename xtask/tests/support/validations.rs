//! A validation history written through the real `History`, with runs whose outcome a test chooses.

use std::path::Path;

use mesh_quality::history::History;
use mesh_quality::report::{Breach, FreshnessResult, ProductReport};

/// A validation of `product` committed at `committed_at`, breaching what `breaches` names.
pub fn validation(product: &str, version: u64, committed_at: &str, breaches: &[&str]) -> ProductReport {
    ProductReport {
        product: product.into(),
        version: Some(version),
        committed_at: Some(committed_at.into()),
        product_version: "1.0.0".into(),
        at: committed_at.into(),
        files: Vec::new(),
        records: 100,
        passing_records: 100,
        quality_score: Some(100.0),
        quality_bound: Some(">95%".into()),
        freshness: FreshnessResult { newest_event_time: None, age_seconds: Some(60), bound: None, bound_seconds: None },
        rules: Vec::new(),
        breaches: breaches.iter().map(|what| Breach { what: (*what).into(), message: String::new() }).collect(),
        read_errors: Vec::new(),
        spilled: false,
    }
}

/// Writes `runs` to the history in `lakehouse`.
pub fn record(lakehouse: &Path, runs: &[ProductReport]) {
    std::fs::create_dir_all(lakehouse).unwrap();
    let mut history = History::open(lakehouse).unwrap();
    for report in runs {
        history.record(report, "2027-01-05T00:00:00Z").unwrap();
    }
}
