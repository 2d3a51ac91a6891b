//! What a validation found, per rule and per product, and the verdict.

use serde::Serialize;

use mesh_model::QualityRule;

/// Where a failing record is, and its value (`<pii:direct>` for personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    /// The data file.
    pub file: String,
    /// 0-based block.
    pub block: u64,
    /// 0-based record in the block.
    pub record: u64,
    /// The offending value, or the mask of a personal-data field.
    pub value: String,
}

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    /// The rule's stable id.
    pub id: String,
    /// Its keyword.
    pub rule: String,
    /// What it demands.
    pub description: String,
    /// Whether it counts in the quality score.
    pub record_level: bool,
    /// Records (or keys) checked.
    pub checked: u64,
    /// Records failing.
    pub failing: u64,
    /// What was measured where a count alone does not say it (a null share, a row count).
    pub measured: Option<String>,
    /// Whether the rule holds.
    pub passed: bool,
    /// Up to five failing records.
    pub examples: Vec<Example>,
}

impl RuleResult {
    /// An empty result of `rule`.
    pub fn new(rule: &QualityRule) -> Self {
        Self {
            id: rule.id(),
            rule: rule.check.keyword().into(),
            description: rule.describe(),
            record_level: rule.check.is_record_level(),
            checked: 0,
            failing: 0,
            measured: None,
            passed: true,
            examples: Vec::new(),
        }
    }
}

/// A promise the data does not keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// What is breached: `sla.quality_score`, `sla.freshness`, or a rule's id.
    pub what: String,
    /// The measured value against the bound, for people.
    pub message: String,
}

/// Data that could not be read: a corrupt block (counted, never skipped silently) or an unreadable file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadError {
    /// The file.
    pub file: String,
    /// The block, when known.
    pub block: Option<u64>,
    /// What went wrong.
    pub message: String,
}

/// The freshness measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FreshnessResult {
    /// The newest event time of the data, RFC 3339 UTC.
    pub newest_event_time: Option<String>,
    /// Seconds from it to the validation's `--at` time.
    pub age_seconds: Option<i64>,
    /// The SLA's freshness, e.g. `15 minutes`.
    pub bound: Option<String>,
    /// The SLA's freshness in seconds.
    pub bound_seconds: Option<u64>,
}

/// One product's validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductReport {
    /// The product id.
    pub product: String,
    /// The lakehouse version validated (absent for `--files`).
    pub version: Option<u64>,
    /// Its commit time.
    pub committed_at: Option<String>,
    /// The declared version of the product that validated.
    pub product_version: String,
    /// The time freshness is measured at, RFC 3339 UTC.
    pub at: String,
    /// The files read.
    pub files: Vec<String>,
    /// Records read.
    pub records: u64,
    /// Records passing every record-level rule.
    pub passing_records: u64,
    /// `passing_records / records` in percent; absent without records.
    pub quality_score: Option<f64>,
    /// The SLA's bound, e.g. `>95%`.
    pub quality_bound: Option<String>,
    /// Freshness.
    pub freshness: FreshnessResult,
    /// Every rule's result, in declaration order.
    pub rules: Vec<RuleResult>,
    /// What the data breaches.
    pub breaches: Vec<Breach>,
    /// What could not be read.
    pub read_errors: Vec<ReadError>,
    /// Whether uniqueness spilled keys to disk.
    pub spilled: bool,
}

impl ProductReport {
    /// 2 when data could not be read, 1 on a breach, else 0.
    pub fn exit_code(&self) -> u8 {
        if !self.read_errors.is_empty() {
            2
        } else if !self.breaches.is_empty() {
            1
        } else {
            0
        }
    }
}
