//! Validation results kept as history in SQLite (`<lakehouse>/_validations.sqlite`), so the catalog
//! and the governance audit can show SLA compliance over time.
//!
//! Two tables: `validation_runs`, one row per product and committed version validated, and
//! `validation_rules`, one row per run and rule (the SLA's quality score and freshness are rows too,
//! with ids `sla.quality_score` and `sla.freshness`). A committed version is identified by
//! `(product, version, committed_at)`: validating it again replaces its rows, so history holds one
//! result per committed version, the latest.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags};

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

/// One product's SLA compliance over a period, from the runs committed in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compliance {
    /// The product id.
    pub product: String,
    /// Committed versions validated.
    pub runs: u64,
    /// Runs whose data was read whole and met the SLA's quality score.
    pub quality_met: u64,
    /// Runs that met the SLA's freshness.
    pub freshness_met: u64,
    /// Runs that met both: what compliance means.
    pub both_met: u64,
}

impl Compliance {
    /// `both_met / runs` in percent.
    pub fn percent(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            self.both_met as f64 * 100.0 / self.runs as f64
        }
    }
}

/// One validated run: what the catalog charts.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The lakehouse version validated.
    pub version: u64,
    /// Its commit time, RFC 3339 UTC.
    pub committed_at: String,
    /// The quality score in percent; absent without records.
    pub quality_score: Option<f64>,
    /// The data's age when validated, in seconds.
    pub freshness_seconds: Option<i64>,
    /// Whether its data was read whole and met the SLA's quality score.
    pub quality_met: bool,
    /// Whether it met the SLA's freshness.
    pub freshness_met: bool,
}

// Each run with its two SLA rows. A run with unreadable data did not meet its quality score,
// whatever the records read scored.
macro_rules! runs_with_sla {
    ($select:literal, $rest:literal) => {
        concat!(
            "SELECT ",
            $select,
            " FROM validation_runs r
              JOIN validation_rules q ON q.product = r.product AND q.version = r.version
                   AND q.committed_at = r.committed_at AND q.rule_id = 'sla.quality_score'
              JOIN validation_rules f ON f.product = r.product AND f.version = r.version
                   AND f.committed_at = r.committed_at AND f.rule_id = 'sla.freshness' ",
            $rest
        )
    };
}

const COMPLIANCE: &str = runs_with_sla!(
    "r.product, COUNT(*), SUM(q.passed AND r.read_errors = 0), SUM(f.passed),
     SUM(q.passed AND r.read_errors = 0 AND f.passed)",
    "WHERE r.committed_at >= ?1 AND r.committed_at < ?2 GROUP BY r.product ORDER BY r.product"
);

const RECENT_RUNS: &str = runs_with_sla!(
    "r.version, r.committed_at, r.quality_score, r.freshness_seconds, q.passed AND r.read_errors = 0, f.passed",
    "WHERE r.product = ?1 ORDER BY r.committed_at DESC, r.version DESC LIMIT ?2"
);

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

    /// Opens the history in `lakehouse` for reading; `None` when it has none (nothing validated yet).
    ///
    /// # Errors
    /// The file exists but cannot be read as a history database.
    pub fn open_existing(lakehouse: &Path) -> Result<Option<Self>, String> {
        let path = lakehouse.join(FILE);
        if !path.exists() {
            return Ok(None);
        }
        let failed = |e: rusqlite::Error| {
            format!("validation history {}: {e}; move it aside and run `cargo xtask validate` again", path.display())
        };
        let connection = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(failed)?;
        // A file of another program has no such table: say so here, not on the first query.
        connection.prepare("SELECT 1 FROM validation_runs, validation_rules LIMIT 0").map_err(failed)?;
        Ok(Some(Self { connection }))
    }

    /// Compliance per product (sorted by id) over the runs committed from `from` (inclusive) to
    /// `until` (exclusive), both RFC 3339 UTC or dates (`2026-10-01`): they compare as text.
    ///
    /// # Errors
    /// The database cannot be read.
    pub fn compliance(&self, from: &str, until: &str) -> Result<Vec<Compliance>, String> {
        let failed = |e: rusqlite::Error| format!("validation history: {e}");
        let mut query = self.connection.prepare(COMPLIANCE).map_err(failed)?;
        let rows = query
            .query_map(params![from, until], |row| {
                Ok(Compliance {
                    product: row.get(0)?,
                    runs: row.get(1)?,
                    quality_met: row.get(2)?,
                    freshness_met: row.get(3)?,
                    both_met: row.get(4)?,
                })
            })
            .map_err(failed)?;
        rows.collect::<Result<_, _>>().map_err(failed)
    }

    /// Compliance per product (sorted by id) over every run in the history.
    ///
    /// # Errors
    /// The database cannot be read.
    pub fn compliance_over_all_runs(&self) -> Result<Vec<Compliance>, String> {
        // Commit times are RFC 3339 text: every one sorts between these two.
        self.compliance("0000", "9999")
    }

    /// The newest `limit` runs of `product`, oldest first.
    ///
    /// # Errors
    /// The database cannot be read.
    pub fn recent_runs(&self, product: &str, limit: usize) -> Result<Vec<Run>, String> {
        let failed = |e: rusqlite::Error| format!("validation history of {product}: {e}");
        let mut query = self.connection.prepare(RECENT_RUNS).map_err(failed)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = query
            .query_map(params![product, limit], |row| {
                Ok(Run {
                    version: row.get(0)?,
                    committed_at: row.get(1)?,
                    quality_score: row.get(2)?,
                    freshness_seconds: row.get(3)?,
                    quality_met: row.get(4)?,
                    freshness_met: row.get(5)?,
                })
            })
            .map_err(failed)?;
        let mut runs: Vec<Run> = rows.collect::<Result<_, _>>().map_err(failed)?;
        runs.reverse();
        Ok(runs)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Breach, FreshnessResult, ReadError};

    /// A run of `product` committed at `committed_at`, breaching what `breaches` names.
    fn run(product: &str, version: u64, committed_at: &str, breaches: &[&str], unreadable: bool) -> ProductReport {
        ProductReport {
            product: product.into(),
            version: Some(version),
            committed_at: Some(committed_at.into()),
            product_version: "1.0.0".into(),
            at: committed_at.into(),
            files: Vec::new(),
            records: 10,
            passing_records: 10,
            quality_score: Some(100.0),
            quality_bound: Some(">95%".into()),
            freshness: FreshnessResult {
                newest_event_time: None,
                age_seconds: Some(60),
                bound: Some("15 minutes".into()),
                bound_seconds: Some(900),
            },
            rules: Vec::new(),
            breaches: breaches.iter().map(|what| Breach { what: (*what).into(), message: String::new() }).collect(),
            read_errors: if unreadable {
                vec![ReadError { file: "f.avro".into(), block: Some(0), message: "corrupt".into() }]
            } else {
                Vec::new()
            },
            spilled: false,
        }
    }

    #[test]
    fn compliance_counts_the_runs_committed_in_the_period_and_each_promise_met() {
        let dir = tempfile::tempdir().unwrap();
        let mut history = History::open(dir.path()).unwrap();
        for report in [
            run("a.x", 1, "2026-09-30T23:59:59Z", &["sla.freshness"], false), // before the period
            run("a.x", 2, "2026-10-01T00:00:00Z", &[], false),
            run("a.x", 3, "2026-11-01T00:00:00Z", &["sla.freshness"], false),
            run("a.x", 4, "2026-12-01T00:00:00Z", &[], true), // unreadable: quality not met
            run("b.y", 1, "2026-12-31T23:59:59Z", &["sla.quality_score"], false),
            run("b.y", 2, "2027-01-01T00:00:00Z", &[], false), // after
        ] {
            assert!(history.record(&report, "2027-01-02T00:00:00Z").unwrap());
        }
        // Validating a version again replaces its result: still one run.
        history.record(&run("a.x", 2, "2026-10-01T00:00:00Z", &[], false), "2027-01-03T00:00:00Z").unwrap();
        drop(history);

        let history = History::open_existing(dir.path()).unwrap().unwrap();
        let found = history.compliance("2026-10-01", "2027-01-01").unwrap();
        let a = Compliance { product: "a.x".into(), runs: 3, quality_met: 2, freshness_met: 2, both_met: 1 };
        let b = Compliance { product: "b.y".into(), runs: 1, quality_met: 0, freshness_met: 1, both_met: 0 };
        assert_eq!(found, [a.clone(), b]);
        assert!((a.percent() - 100.0 / 3.0).abs() < 1e-9);

        let recent = history.recent_runs("a.x", 2).unwrap();
        let seen: Vec<(u64, bool, bool)> = recent.iter().map(|r| (r.version, r.quality_met, r.freshness_met)).collect();
        assert_eq!(seen, [(3, true, false), (4, false, true)], "the newest two, oldest first");
        assert_eq!(recent[0].committed_at, "2026-11-01T00:00:00Z");
        assert_eq!((recent[0].quality_score, recent[0].freshness_seconds), (Some(100.0), Some(60)));
        assert!(history.recent_runs("none.such", 5).unwrap().is_empty());
        let all: Vec<(String, u64)> =
            history.compliance_over_all_runs().unwrap().into_iter().map(|c| (c.product, c.runs)).collect();
        assert_eq!(all, [("a.x".to_owned(), 4), ("b.y".to_owned(), 2)]);
    }

    #[test]
    fn no_history_file_is_none_and_a_foreign_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        assert!(History::open_existing(dir.path()).unwrap().is_none());
        assert!(!dir.path().join(FILE).exists(), "reading creates nothing");
        let other = Connection::open(dir.path().join(FILE)).unwrap();
        other.execute_batch("CREATE TABLE t (x);").unwrap();
        drop(other);
        let Err(message) = History::open_existing(dir.path()) else { panic!("a foreign database was read") };
        assert!(message.contains(FILE) && message.contains("validation_runs"), "{message}");
    }
}
