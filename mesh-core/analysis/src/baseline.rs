//! The published baseline: what `cargo xtask publish` writes under `contracts/`
//! and what schema evolution is checked against.
//!
//! Layout (paths relative to `contracts/`; reviewed in pull requests like code):
//! - `index.yaml`: every published product with its version, fingerprint,
//!   compatibility mode, deprecation and the versions published before;
//! - `<domain>/<name>.avsc` and `<domain>/<name>.contract.yaml`: the current
//!   published schema and contract;
//! - `<domain>/history/<name>@<version>.avsc`: every earlier published schema,
//!   which the transitive compatibility modes check against;
//! - `README.md`: says all of the above is generated.
//!
//! [`Baseline::render`] is pure (products in, files out), so the check compares
//! the files it would write with those on disk or at a git ref.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use mesh_avro::Schema;
use mesh_core::Contract;

use crate::ContractYaml;
use mesh_model::{Compatibility, ProductDescriptor};

/// The directory of the published baseline, relative to the workspace root.
pub const CONTRACTS_DIR: &str = "contracts";
/// The index file, relative to [`CONTRACTS_DIR`].
pub const INDEX_FILE: &str = "index.yaml";
/// The command that regenerates the baseline.
pub const PUBLISH_COMMAND: &str = "cargo xtask publish";

/// A product as the code declares it now.
#[derive(Debug, Clone)]
pub struct CurrentProduct<'a> {
    /// The declaration.
    pub descriptor: &'a ProductDescriptor,
    /// The schema as Avro JSON.
    pub schema_json: &'a str,
    /// The contract.
    pub contract: Contract,
}

/// The index of published products (`contracts/index.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// One entry per product, sorted by id.
    pub products: Vec<IndexEntry>,
}

/// A published product in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexEntry {
    /// `domain.product`.
    pub id: String,
    /// The published version.
    pub version: mesh_model::Version,
    /// Rabin fingerprint of the schema's Parsing Canonical Form, hex.
    pub fingerprint: String,
    /// The compatibility mode evolution is checked under.
    pub compatibility: Compatibility,
    /// The deprecation date, if deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// The schema file, relative to `contracts/`.
    pub schema: String,
    /// The contract file, relative to `contracts/`.
    pub contract: String,
    /// Versions published before this one, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// The product was removed from the code after its deprecation. Its files stay
    /// so that declaring the id again is checked against its last published version.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
}

/// An earlier published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// Its version.
    pub version: mesh_model::Version,
    /// Its fingerprint.
    pub fingerprint: String,
    /// Its schema file, relative to `contracts/`.
    pub schema: String,
}

/// A published version's schema.
#[derive(Debug, Clone)]
pub struct PublishedVersion {
    /// Its version.
    pub version: mesh_model::Version,
    /// The `.avsc` text as published.
    pub schema_json: String,
    /// The parsed schema.
    pub schema: Schema,
}

/// A product as last published.
#[derive(Debug, Clone)]
pub struct PublishedProduct {
    /// `domain.product`.
    pub id: String,
    /// The latest published version and schema.
    pub latest: PublishedVersion,
    /// The published contract.
    pub contract: Contract,
    /// The contract file's text as published.
    pub contract_yaml: String,
    /// The index entry.
    pub entry: IndexEntry,
    /// Earlier versions, oldest first.
    pub history: Vec<PublishedVersion>,
}

/// Every published product, by id.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// Products by id.
    pub products: BTreeMap<String, PublishedProduct>,
}

/// A baseline file that is missing or unreadable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineError {
    /// The file, relative to the workspace root.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for BaselineError {}

/// Files of a baseline: path relative to `contracts/` -> contents.
pub type Files = BTreeMap<String, String>;

fn rooted(path: &str) -> String {
    format!("{CONTRACTS_DIR}/{path}")
}

impl Baseline {
    /// Reads a baseline from its files (relative to `contracts/`). No files is an empty baseline.
    ///
    /// # Errors
    /// Every missing or unreadable file, each named.
    pub fn from_files(files: &Files) -> Result<Baseline, Vec<BaselineError>> {
        let mut errors = Vec::new();
        let mut baseline = Baseline::default();
        if files.is_empty() {
            return Ok(baseline);
        }
        let Some(index) = files.get(INDEX_FILE) else {
            return Err(vec![BaselineError { file: rooted(INDEX_FILE), message: "missing".into() }]);
        };
        let index: Index = match serde_saphyr::from_str(index) {
            Ok(index) => index,
            Err(e) => {
                return Err(vec![BaselineError {
                    file: rooted(INDEX_FILE),
                    message: format!("not a valid index: {e}"),
                }])
            }
        };
        let schema = |path: &str, version: &mesh_model::Version, errors: &mut Vec<BaselineError>| {
            let error = |message: String| BaselineError { file: rooted(path), message };
            match files.get(path) {
                None => errors.push(error("missing, though `contracts/index.yaml` lists it".into())),
                Some(text) => match Schema::parse(text) {
                    Ok(schema) => {
                        return Some(PublishedVersion { version: version.clone(), schema_json: text.clone(), schema })
                    }
                    Err(e) => errors.push(error(e.to_string())),
                },
            }
            None
        };
        for entry in index.products {
            let latest = schema(&entry.schema, &entry.version, &mut errors);
            let history: Vec<_> =
                entry.history.iter().filter_map(|h| schema(&h.schema, &h.version, &mut errors)).collect();
            let contract = match files.get(&entry.contract) {
                None => {
                    errors.push(BaselineError {
                        file: rooted(&entry.contract),
                        message: "missing, though `contracts/index.yaml` lists it".into(),
                    });
                    None
                }
                Some(text) => Contract::from_yaml(text)
                    .map(|contract| (contract, text.clone()))
                    .map_err(|e| errors.push(BaselineError { file: rooted(&entry.contract), message: e.to_string() }))
                    .ok(),
            };
            if let (Some(latest), Some((contract, contract_yaml))) = (latest, contract) {
                let id = entry.id.clone();
                let product = PublishedProduct { id: id.clone(), latest, contract, contract_yaml, entry, history };
                baseline.products.insert(id, product);
            }
        }
        if errors.is_empty() {
            Ok(baseline)
        } else {
            Err(errors)
        }
    }

    /// The files that publishing `current` over this baseline writes: a
    /// product whose version changed moves its previous schema to history.
    /// A published product missing from `current` keeps its files and entry,
    /// marked removed unless its id is in `unbuilt` (its schema failed to
    /// build, so it is still declared and stays as published).
    pub fn render(&self, current: &[CurrentProduct<'_>], unbuilt: &BTreeSet<String>) -> Files {
        let mut files = Files::new();
        let mut index = Index::default();
        let mut sorted: Vec<&CurrentProduct<'_>> = current.iter().collect();
        sorted.sort_by_key(|p| p.descriptor.id());
        for product in sorted {
            let d = product.descriptor;
            let id = d.id();
            let version = product.contract.schema.version.clone();
            let schema_path = format!("{}/{}.avsc", d.domain, d.name);
            let contract_path = format!("{}/{}.contract.yaml", d.domain, d.name);
            let artifacts = Artifacts::render(d, product.schema_json, &product.contract, PUBLISH_COMMAND);
            files.insert(schema_path.clone(), artifacts.avsc);
            files.insert(contract_path.clone(), artifacts.contract_yaml);
            let mut history = Vec::new();
            if let Some(published) = self.products.get(&id) {
                let mut earlier: Vec<&PublishedVersion> = published.history.iter().collect();
                if published.latest.version != version {
                    earlier.push(&published.latest);
                }
                for old in earlier.into_iter().filter(|old| old.version != version) {
                    let path = history_path(&d.domain, &d.name, &old.version);
                    files.insert(path.clone(), old.schema_json.clone());
                    history.push(HistoryEntry {
                        version: old.version.clone(),
                        fingerprint: old.schema.fingerprint(),
                        schema: path,
                    });
                }
                history.sort_by(|a, b| a.version.cmp(&b.version));
            }
            index.products.push(IndexEntry {
                id,
                version,
                fingerprint: product.contract.schema.fingerprint.clone(),
                compatibility: d.compatibility,
                deprecated: d.deprecated.as_deref().map(str::to_string),
                schema: schema_path,
                contract: contract_path,
                history,
                removed: false,
            });
        }
        let declared: BTreeSet<String> = current.iter().map(|p| p.descriptor.id()).collect();
        for (id, published) in self.products.iter().filter(|(id, _)| !declared.contains(*id)) {
            let entry = &published.entry;
            files.insert(entry.schema.clone(), published.latest.schema_json.clone());
            files.insert(entry.contract.clone(), published.contract_yaml.clone());
            for (listed, old) in entry.history.iter().zip(&published.history) {
                files.insert(listed.schema.clone(), old.schema_json.clone());
            }
            index.products.push(IndexEntry { removed: entry.removed || !unbuilt.contains(id), ..entry.clone() });
        }
        index.products.sort_by(|a, b| a.id.cmp(&b.id));
        let index_yaml = serde_saphyr::to_string(&index).unwrap_or_default();
        files.insert(
            INDEX_FILE.into(),
            format!("# Generated by `{PUBLISH_COMMAND}`. Do not edit: change the Rust declarations and publish.\n{index_yaml}"),
        );
        files.insert("README.md".into(), README.into());
        files
    }
}

/// Where an earlier version's schema is kept.
pub fn history_path(domain: &str, name: &str, version: &mesh_model::Version) -> String {
    format!("{domain}/history/{name}@{version}.avsc")
}

/// A product's files as `cargo xtask publish` and `cargo xtask export` write them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifacts {
    /// The `.avsc`: the schema's Avro JSON and a final newline.
    pub avsc: String,
    /// The `.contract.yaml`, headed by a comment naming the command that generated it.
    pub contract_yaml: String,
}

impl Artifacts {
    /// Renders the artifacts of the product `descriptor` with its schema and contract; `command`
    /// (e.g. [`PUBLISH_COMMAND`]) is named in the contract's header. Export and publish both
    /// render with this, so that their files differ only in that name.
    pub fn render(descriptor: &ProductDescriptor, schema_json: &str, contract: &Contract, command: &str) -> Self {
        let header = format!(
            "# Generated by `{command}` from the declaration of `{}`. Do not edit: change the Rust declaration and publish.\n",
            descriptor.rust_type
        );
        Self { avsc: format!("{}\n", schema_json.trim_end()), contract_yaml: header + &contract.to_yaml() }
    }
}

const README: &str = "\
# Published data product contracts

Generated by `cargo xtask publish`. Do not edit: change the Rust declarations and publish.

- `index.yaml`: every published product, its version, schema fingerprint, compatibility mode and earlier versions.
- `<domain>/<name>.avsc`, `<domain>/<name>.contract.yaml`: the published schema and contract.
- `<domain>/history/<name>@<version>.avsc`: schemas published before (checked by the transitive modes).

`cargo xtask check` compares the code with these files (as does `cargo xtask publish --check`); pull
requests are checked against the target branch's copy with `cargo xtask check --against <git-ref>`.
";
