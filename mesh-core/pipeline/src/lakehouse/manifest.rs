//! A committed version of a product: the one file whose atomic rename publishes a run.
//!
//! Manifests are JSON so that any tool can find a product's current files without this crate:
//! the highest-numbered `_manifests/NNNNNNNN.json` is the product's current version, and its
//! `files` are every data file of that version.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The manifest format this version writes and reads.
pub const FORMAT: u32 = 1;

/// One committed version of a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// The product id, `domain.name`.
    pub product: String,
    /// The lakehouse version: 1 for the first commit, one more for each later one.
    pub version: u64,
    /// The product's declared (semver) version that wrote this version.
    pub product_version: String,
    /// Rabin fingerprint of the writer schema's canonical form, as 16 hex digits.
    pub schema_fingerprint: String,
    /// When the run started and when it committed (RFC 3339, UTC).
    pub started_at: String,
    /// See `started_at`.
    pub committed_at: String,
    /// Every data file of this version, relative to the product's folder.
    pub files: Vec<DataFile>,
    /// Records over all `files`.
    pub records: u64,
    /// The newest event time over all records (RFC 3339), from the declaration's `event_time` field.
    pub newest_event_time: Option<String>,
    /// The committed input versions this version was computed from.
    pub inputs: Vec<InputVersion>,
    /// Bronze: every landing file ingested into this version or an earlier one, by name. A file
    /// listed here is never ingested again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub landing: Vec<LandingFile>,
    /// What this run did.
    pub run: RunCounts,
}

/// One Avro container file of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFile {
    /// Relative to the product's folder, e.g. `data/00000003-1a2b-000.avro`.
    pub path: String,
    /// Records in the file.
    pub records: u64,
    /// The file's size.
    pub bytes: u64,
    /// The newest event time in the file, in microseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_event_micros: Option<i64>,
}

/// An input's committed version, as read by a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputVersion {
    /// The input product id.
    pub product: String,
    /// Its lakehouse version.
    pub version: u64,
}

/// A landing file a bronze product ingested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandingFile {
    /// The file's name in the product's landing folder.
    pub name: String,
    /// Its size when ingested: a landing file must not change afterwards.
    pub bytes: u64,
    /// Its lines (blank lines included).
    pub lines: u64,
    /// Lines that became records.
    pub records: u64,
    /// Lines that went to quarantine.
    pub quarantined: u64,
    /// The lakehouse version that ingested it.
    pub version: u64,
}

/// What one run read, wrote and set aside.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    /// Records (or landing lines) read.
    pub records_in: u64,
    /// Records written by this run (for bronze: added to the previous version's).
    pub records_out: u64,
    /// Records set aside in `quarantine`, with a reason each.
    pub quarantined: u64,
    /// Records the pipeline dropped on purpose, by reason (e.g. "duplicate order").
    pub dropped: BTreeMap<String, u64>,
    /// This run's quarantine file, relative to the product's folder, if anything was quarantined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine_file: Option<String>,
}
