//! Gathers the catalog's data: the registered products, `contracts/` (published versions and
//! the change between them), the lakehouse manifests, the validation history and `mesh.toml`'s
//! policies and waivers.

use std::collections::BTreeMap;
use std::path::Path;

use mesh_analysis::baseline::Baseline;
use mesh_analysis::governance::{CalendarDate, POLICIES};
use mesh_avro::compat::{classify, Mode};
use mesh_core::model::{Instant, ProductDescriptor};
use mesh_pipeline::lakehouse::Lakehouse;
use mesh_quality::history::History;
use mesh_quality::sql::{self, Dialect};

use super::examples;
use super::model::{Catalog, Entry, Finding, Governance, LakehouseFacts, PolicyRow, PublishedVersion, WaiverRow};
use crate::{check, evolution, mesh};

/// Validations shown per product page, newest last.
pub const CHARTED_RUNS: usize = 30;

/// The catalog of the registered products, with `contracts/` under `root` and the lakehouse
/// at `lakehouse` when they exist.
///
/// # Errors
/// A product's schema does not build, or `contracts/` or a manifest cannot be read (named).
pub fn load(root: &Path, lakehouse: &Path) -> Result<Catalog, String> {
    let products = mesh::load().map_err(|errors| mesh::describe(&errors))?;
    let files = evolution::read_contracts(root)?;
    let baseline = Baseline::from_files(&files).map_err(|errors| {
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("contracts/ cannot be read: {}; run `cargo xtask publish` to rewrite it", listed.join("; "))
    })?;
    let history = History::open_existing(lakehouse)?;
    let lakehouse_root = std::path::absolute(lakehouse).unwrap_or_else(|_| lakehouse.to_path_buf());
    let lakehouse = Lakehouse::new(lakehouse);
    let now = Instant::now();
    let mut consumers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for product in &products {
        for input in product.descriptor.inputs.iter() {
            consumers.entry(input.id()).or_default().push(product.descriptor.id());
        }
    }
    let mut entries = Vec::new();
    for product in &products {
        let d = product.descriptor;
        let id = d.id();
        let manifest = lakehouse
            .current(d)
            .map_err(|e| format!("the lakehouse manifest of `{id}` cannot be read: {e}; rerun `cargo xtask run`"))?;
        let lakehouse = manifest.map(|m| LakehouseFacts {
            age_seconds: m
                .newest_event_time
                .as_deref()
                .and_then(|t| Instant::parse_rfc3339(t).ok())
                .map(|t| u64::try_from((now.millis() - t.millis()).max(0) / 1000).unwrap_or(0)),
            version: m.version,
            product_version: m.product_version,
            records: m.records,
            committed_at: m.committed_at,
            newest_event_time: m.newest_event_time,
            quarantined: m.run.quarantined,
        });
        let mut product_consumers = consumers.remove(&id).unwrap_or_default();
        product_consumers.sort();
        product_consumers.dedup();
        entries.push(Entry {
            contract: product.contract(),
            rust_type: d.rust_type.to_string(),
            consumers: product_consumers,
            versions: published_versions(&baseline, &id, d.compatibility),
            schema_json: product.schema.json.clone(),
            lakehouse,
            validations: match &history {
                Some(history) => history.recent_runs(&id, CHARTED_RUNS)?,
                None => Vec::new(),
            },
            examples: examples::examples(d)?,
            spark_sql: spark_sql(d, &product.schema.json, &lakehouse_root),
        });
    }
    entries.sort_by_key(Entry::id);
    Ok(Catalog { products: entries, governance: governance()?, generated_at: now.to_string() })
}

/// The Spark statements that make the product a table (what `cargo xtask sql --dialect spark`
/// prints before its check query); empty when its schema has no SQL form.
fn spark_sql(product: &ProductDescriptor, schema_json: &str, lakehouse: &Path) -> String {
    let location = Lakehouse::new(lakehouse).product_dir(product).join("data").display().to_string();
    match sql::statements(product, schema_json, Dialect::Spark, &location) {
        Ok(statements) => {
            let mut out: Vec<String> = statements.ddl.iter().map(|s| format!("{s};")).collect();
            out.push(statements.grants.iter().map(|s| format!("{s};")).collect::<Vec<_>>().join("\n"));
            out.push(format!("SELECT * FROM {} LIMIT 10;", statements.table));
            out.join("\n\n")
        }
        Err(_) => String::new(),
    }
}

/// The published versions of `id`, oldest first, each classified against the one before.
fn published_versions(
    baseline: &Baseline,
    id: &str,
    compatibility: mesh_core::model::Compatibility,
) -> Vec<PublishedVersion> {
    let Some(published) = baseline.products.get(id) else { return Vec::new() };
    let mode = Mode::from(compatibility);
    let all: Vec<_> = published.history.iter().chain(std::iter::once(&published.latest)).collect();
    let fingerprints: BTreeMap<String, String> = published
        .entry
        .history
        .iter()
        .map(|h| (h.version.to_string(), h.fingerprint.clone()))
        .chain(std::iter::once((published.entry.version.to_string(), published.entry.fingerprint.clone())))
        .collect();
    let mut versions = Vec::new();
    for (i, version) in all.iter().enumerate() {
        let (verdict, changes) = match i.checked_sub(1).map(|p| all[p]) {
            None => (None, Vec::new()),
            Some(previous) => {
                let root = version.schema.root_name().unwrap_or("root").to_string();
                let classification = classify(&previous.schema, &version.schema, mode, &root);
                let changes = classification
                    .changes
                    .iter()
                    .map(|c| format!("{}{}", if c.breaking { "breaking: " } else { "" }, c.message))
                    .collect();
                (Some(classification.verdict.as_str().to_string()), changes)
            }
        };
        let number = version.version.to_string();
        versions.push(PublishedVersion {
            fingerprint: fingerprints.get(&number).cloned().unwrap_or_default(),
            version: number,
            verdict,
            changes,
        });
    }
    versions
}

/// The policies with their levels, the waivers and the check's findings.
fn governance() -> Result<Governance, String> {
    let config = check::load_config();
    let today = CalendarDate::today();
    let policies = POLICIES
        .iter()
        .map(|info| PolicyRow {
            code: info.code.as_str().to_string(),
            name: info.name().to_string(),
            level: config.global_level(info.policy).to_string(),
            purpose: info.purpose().to_string(),
        })
        .collect();
    let waivers = config
        .waivers
        .iter()
        .map(|w| WaiverRow {
            domain: w.domain.clone(),
            policy: w.policy.info().name().to_string(),
            reason: w.reason.clone(),
            expires: w.expires.to_string(),
            days_left: w.expires.days_since_epoch() - today.days_since_epoch(),
        })
        .collect();
    let report = check::analyse(Some(today), None)?;
    let findings = report
        .diagnostics
        .iter()
        .map(|d| Finding {
            code: d.code.as_str().to_string(),
            severity: d.severity.to_string(),
            product: d.product.clone(),
            message: d.message.clone(),
        })
        .collect();
    Ok(Governance { policies, waivers, findings })
}
