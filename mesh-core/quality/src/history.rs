//! Validation results kept as history in SQLite (`<lakehouse>/_validations.sqlite`), so the catalog
//! and the governance audit can show SLA compliance over time.
//!
//! Two tables: `validation_runs`, one row per product and committed version validated, and
//! `validation_rules`, one row per run and rule (the SLA's quality score and freshness are rows too,
//! with ids `sla.quality_score` and `sla.freshness`). A committed version is identified by
//! `(product, version, committed_at)`: validating it again replaces its rows, so history holds one
//! result per committed version, the latest.

use std::path::Path;

use rusqlite::{params, Connection};

use crate::report::ProductReport;

/// The history file's name in the lakehouse.
pub const FILE: &str = "_validations.sqlite";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS validation_runs (
    product         TEXT    NOT NULL,  -- domain.name
    version         INTEGER NOT NULL,  -- the lakehouse version (manifest number)
    committed_at    TEXT    NOT NULL,  -- its commit time, RFC 3339 UTC
    product_version TEXT    NOT NULL,  -- the declared semver version that validated
    validated_at    TEXT    NOT NULL,  -- when the validation ran, RFC 3339 UTC
    at              TEXT    NOT NULL,  -- the time freshness was measured at
    records         INTEGER NOT NULL,
    passing_records INTEGER NOT NULL,
    quality_score   REAL,              -- percent; NULL without records
    quality_bound   TEXT,              -- the SLA's quality_score, e.g. >95%
    freshness_seconds INTEGER,         -- at minus the newest event time
    freshness_bound_seconds INTEGER,   -- the SLA's freshness
    breaches        INTEGER NOT NULL,  -- promises not kept
    read_errors     INTEGER NOT NULL,  -- corrupt blocks and unreadable files
    PRIMARY KEY (product, version, committed_at)
);
CREATE TABLE IF NOT EXISTS validation_rules (
    product      TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    committed_at TEXT    NOT NULL,
    rule_id      TEXT    NOT NULL,     -- a rule's stable id, or sla.quality_score / sla.freshness
    rule         TEXT    NOT NULL,     -- its keyword (sla for the SLA rows)
    checked      INTEGER NOT NULL,
    failing      INTEGER NOT NULL,
    passed       INTEGER NOT NULL,     -- 1 or 0
    measured     TEXT,                 -- a share, a count or a score, for people
    PRIMARY KEY (product, version, committed_at, rule_id),
    FOREIGN KEY (product, version, committed_at) REFERENCES validation_runs ON DELETE CASCADE
);
";

/// The history database.
pub struct History {
    connection: Connection,
}

impl History {
    /// Opens (creating if needed) the history in `lakehouse`.
    ///
    /// # Errors
    /// The file cannot be opened or is not a history database.
    pub fn open(lakehouse: &Path) -> Result<Self, String> {
        let path = lakehouse.join(FILE);
        let failed = |e: rusqlite::Error| format!("validation history {}: {e}", path.display());
        let connection = Connection::open(&path).map_err(failed)?;
        connection.execute_batch("PRAGMA foreign_keys = ON;").map_err(failed)?;
        connection.execute_batch(SCHEMA).map_err(failed)?;
        Ok(Self { connection })
    }

    /// Records `report` (validated at `validated_at`), replacing an earlier result of the same committed
    /// version; reports of files outside a lakehouse (no version) are not recorded.
    ///
    /// # Errors
    /// The database cannot be written.
    pub fn record(&mut self, report: &ProductReport, validated_at: &str) -> Result<bool, String> {
        let (Some(version), Some(committed_at)) = (report.version, report.committed_at.as_deref()) else {
            return Ok(false);
        };
        let failed = |e: rusqlite::Error| format!("validation history of {}: {e}", report.product);
        let tx = self.connection.transaction().map_err(failed)?;
        tx.execute(
            "DELETE FROM validation_runs WHERE product = ?1 AND version = ?2 AND committed_at = ?3",
            params![report.product, version, committed_at],
        )
        .map_err(failed)?;
        tx.execute(
            "INSERT INTO validation_runs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                report.product,
                version,
                committed_at,
                report.product_version,
                validated_at,
                report.at,
                report.records,
                report.passing_records,
                report.quality_score,
                report.quality_bound,
                report.freshness.age_seconds,
                report.freshness.bound_seconds,
                report.breaches.len(),
                report.read_errors.len(),
            ],
        )
        .map_err(failed)?;
        {
            let mut insert = tx
                .prepare("INSERT INTO validation_rules VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                .map_err(failed)?;
            for rule in &report.rules {
                insert
                    .execute(params![
                        report.product,
                        version,
                        committed_at,
                        rule.id,
                        rule.rule,
                        rule.checked,
                        rule.failing,
                        rule.passed,
                        rule.measured
                    ])
                    .map_err(failed)?;
            }
            let breached = |what: &str| report.breaches.iter().any(|b| b.what == what);
            let score = report.quality_score.map(|s| format!("{s:.3}%"));
            let age = report.freshness.age_seconds.map(|s| format!("{s} s"));
            for (id, measured) in [("sla.quality_score", score), ("sla.freshness", age)] {
                insert
                    .execute(params![
                        report.product,
                        version,
                        committed_at,
                        id,
                        "sla",
                        report.records,
                        0,
                        !breached(id),
                        measured
                    ])
                    .map_err(failed)?;
            }
        }
        tx.commit().map_err(failed)?;
        Ok(true)
    }
}
