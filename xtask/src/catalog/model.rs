//! What the catalog shows, as plain data: built from the mesh by `load.rs`, or by hand in tests
//! and the 10,000-product benchmark, and turned into pages by `pages.rs`.

use mesh_core::Contract;
use mesh_quality::history::Run;

/// Everything the catalog shows.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Every product, sorted by id.
    pub products: Vec<Entry>,
    /// The governance page's content.
    pub governance: Governance,
    /// When the catalog was built (RFC 3339, UTC): SLA status is as of then.
    pub generated_at: String,
}

/// One product with what the catalog knows about it beyond its contract.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The contract, as `Contract::new` builds it from the declaration.
    pub contract: Contract,
    /// The Rust type that declares it, e.g. `customer::Customer360`.
    pub rust_type: String,
    /// Products that read this one, by id, sorted.
    pub consumers: Vec<String>,
    /// Versions published in `contracts/`, oldest first, the current one last.
    pub versions: Vec<PublishedVersion>,
    /// The product's Avro schema (JSON), offered as a download.
    pub schema_json: String,
    /// The current lakehouse version, when the product was built.
    pub lakehouse: Option<LakehouseFacts>,
    /// The newest validations from the history, oldest first; empty when never validated.
    pub validations: Vec<Run>,
    /// Synthetic example records, pretty JSON, personal data masked by class.
    pub examples: Vec<String>,
    /// The Spark SQL that reads it: the database, the external table over its lakehouse folder and
    /// the grants (`cargo xtask sql --dialect spark`, without the check query); empty when the
    /// contract has no SQL form.
    pub spark_sql: String,
}

/// A version published in `contracts/`.
#[derive(Debug, Clone)]
pub struct PublishedVersion {
    /// Its semver version.
    pub version: String,
    /// Its schema fingerprint.
    pub fingerprint: String,
    /// The change from the version before: `identical`, `doc-only`, `compatible`, `breaking`;
    /// none for the first.
    pub verdict: Option<String>,
    /// What changed from the version before, one line each.
    pub changes: Vec<String>,
}

/// Facts from the product's current lakehouse manifest.
#[derive(Debug, Clone)]
pub struct LakehouseFacts {
    /// The lakehouse version (1, 2, ...).
    pub version: u64,
    /// The declared version that wrote it.
    pub product_version: String,
    /// Records in the version.
    pub records: u64,
    /// When it was committed.
    pub committed_at: String,
    /// The newest event time in the data.
    pub newest_event_time: Option<String>,
    /// The data's age at `Catalog::generated_at`, in seconds, when the newest event time is known.
    pub age_seconds: Option<u64>,
    /// Records set aside by the latest run.
    pub quarantined: u64,
}

/// Whether a product met its freshness SLA when the catalog was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaStatus {
    /// The newest data is younger than the promised freshness.
    Met,
    /// The newest data is older than promised.
    Breached,
    /// No freshness promised, or no data built yet.
    NotMeasured,
}

impl SlaStatus {
    /// The keyword used in filters and the search index.
    pub fn as_str(self) -> &'static str {
        match self {
            SlaStatus::Met => "met",
            SlaStatus::Breached => "breached",
            SlaStatus::NotMeasured => "not-measured",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            SlaStatus::Met => "SLA met",
            SlaStatus::Breached => "SLA breached",
            SlaStatus::NotMeasured => "not measured",
        }
    }
}

impl Entry {
    /// `domain.name`.
    pub fn id(&self) -> String {
        format!("{}.{}", self.contract.domain, self.contract.name)
    }

    /// The freshness status at build time.
    pub fn sla_status(&self) -> SlaStatus {
        let (Some(freshness), Some(age)) =
            (self.contract.sla.freshness, self.lakehouse.as_ref().and_then(|facts| facts.age_seconds))
        else {
            return SlaStatus::NotMeasured;
        };
        if age <= freshness.as_secs() {
            SlaStatus::Met
        } else {
            SlaStatus::Breached
        }
    }
}

/// The mesh's policies, waivers and latest findings.
#[derive(Debug, Clone, Default)]
pub struct Governance {
    /// Each policy: code, name, global level, purpose.
    pub policies: Vec<PolicyRow>,
    /// Waivers declared in `mesh.toml`.
    pub waivers: Vec<WaiverRow>,
    /// The findings of the check, when it was run.
    pub findings: Vec<Finding>,
}

/// A policy and its level.
#[derive(Debug, Clone)]
pub struct PolicyRow {
    /// `MESH0101`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// `error`, `warn` or `off`.
    pub level: String,
    /// What it is for.
    pub purpose: String,
}

/// A waiver with its expiry.
#[derive(Debug, Clone)]
pub struct WaiverRow {
    /// The domain excused.
    pub domain: String,
    /// The policy waived.
    pub policy: String,
    /// Why.
    pub reason: String,
    /// The last day it applies.
    pub expires: String,
    /// Days from the build day to the expiry (negative: expired).
    pub days_left: i64,
}

/// One finding of `cargo xtask check`.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Its code.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The product, if any.
    pub product: Option<String>,
    /// What is wrong.
    pub message: String,
}
