//! The local lakehouse: one folder per product, versions published by atomic manifest renames.
//!
//! ```text
//! <root>/<layer>/<domain>/<product>/
//!     _manifests/00000001.json    committed versions; the highest number is current
//!     data/00000001-<run>-000.avro standard Avro container files, listed by the manifests
//!     quarantine/00000001-<run>.jsonl  records set aside by that run, with reasons
//!     _lock                       held by the run building the product
//! ```
//!
//! A reader lists `_manifests/`, takes the highest-numbered file and reads the data files it
//! lists. Files no manifest lists are leftovers of a run that did not commit; the next run of
//! the product removes them.

mod manifest;
mod quarantine;
mod transaction;
mod writer;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use mesh_core::model::ProductDescriptor;

pub use manifest::{DataFile, InputVersion, LandingFile, Manifest, RunCounts, FORMAT};
pub use quarantine::{Origin, Quarantine};
pub use transaction::{Transaction, KEEP_VERSIONS};
pub use writer::DataWriter;

use crate::PipelineError;

/// Where the manifests live in a product's folder.
pub const MANIFESTS: &str = "_manifests";

/// A lakehouse rooted at a folder.
#[derive(Debug, Clone)]
pub struct Lakehouse {
    root: PathBuf,
}

impl Lakehouse {
    /// The lakehouse at `root` (created when the first product commits).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of `product`: `<root>/<layer>/<domain>/<name>`.
    pub fn product_dir(&self, product: &ProductDescriptor) -> PathBuf {
        self.root.join(product.layer.as_str()).join(&*product.domain).join(&*product.name)
    }

    /// The current committed version of `product`, if it has one.
    ///
    /// # Errors
    /// The manifests folder cannot be listed, or the current manifest cannot be read or is not
    /// a manifest of this product.
    pub fn current(&self, product: &ProductDescriptor) -> Result<Option<Manifest>, PipelineError> {
        let dir = self.product_dir(product).join(MANIFESTS);
        let Some((_, path)) = committed_manifests(&dir)?.pop() else { return Ok(None) };
        read_manifest(&path, &product.id()).map(Some)
    }
}

/// The committed manifests in `dir`, by version (ascending); none when `dir` does not exist.
pub(crate) fn committed_manifests(dir: &Path) -> Result<Vec<(u64, PathBuf)>, PipelineError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(PipelineError::io(dir, "listing", e)),
    };
    let mut versions = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| PipelineError::io(dir, "listing", e))?;
        let name = entry.file_name();
        if let Some(version) = name.to_str().and_then(manifest_version) {
            versions.push((version, entry.path()));
        }
    }
    versions.sort_unstable();
    Ok(versions)
}

/// `00000042.json` -> 42; anything else (temporary files among them) is not a committed manifest.
fn manifest_version(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".json")?;
    (digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok())?
}

/// The file name of version `version`'s manifest.
pub(crate) fn manifest_name(version: u64) -> String {
    format!("{version:08}.json")
}

fn read_manifest(path: &Path, product: &str) -> Result<Manifest, PipelineError> {
    let text = fs::read_to_string(path).map_err(|e| PipelineError::io(path, "reading", e))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        PipelineError::Lakehouse(format!(
            "{} is not a valid manifest ({e}); manifests are written only by `cargo xtask run`: \
             restore the file, or delete it to fall back to the version before",
            path.display()
        ))
    })?;
    if manifest.format != FORMAT {
        return Err(PipelineError::Lakehouse(format!(
            "{} has manifest format {}, this version reads format {FORMAT}: run a matching version of the tools",
            path.display(),
            manifest.format
        )));
    }
    if manifest.product != product {
        return Err(PipelineError::Lakehouse(format!(
            "{} is a manifest of {}, not of {product}: the folder was copied from another product; move it back",
            path.display(),
            manifest.product
        )));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_eight_digit_json_names_are_committed_manifests() {
        assert_eq!(manifest_version("00000042.json"), Some(42));
        assert_eq!(manifest_name(42), "00000042.json");
        for other in [".00000042.json.tmp-1", "42.json", "00000042.json.bak", "0000004x.json"] {
            assert_eq!(manifest_version(other), None, "{other}");
        }
    }
}
