//! One run's changes to one product: staged data files, published by one atomic rename.
//!
//! The order of steps is what makes a killed run harmless: data and quarantine files are
//! written under names no manifest lists, synced, then the new manifest is written to a
//! temporary name, synced and renamed into place. Until the rename the previous version is
//! current; after it the new one is. The next run, holding the product's lock, removes what
//! a failed run left behind.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};
use std::process;
use std::time::{SystemTime, UNIX_EPOCH};

use mesh_core::model::{Instant, ProductDescriptor};

use super::{committed_manifests, manifest_name, read_manifest, Lakehouse, Manifest, MANIFESTS};
use crate::PipelineError;

/// Committed versions kept after a commit: older manifests and the files only they list are removed.
pub const KEEP_VERSIONS: usize = 3;

/// Folders of a product that hold files listed by manifests.
const LISTED_FOLDERS: [&str; 2] = ["data", "quarantine"];

/// A run's exclusive hold on one product's folder, from the start of the run to its commit.
#[derive(Debug)]
pub struct Transaction {
    dir: PathBuf,
    product: String,
    previous: Option<Manifest>,
    version: u64,
    run_id: String,
    started_at: Instant,
    // Files this run created, removed if it ends without committing.
    created: RefCell<Vec<PathBuf>>,
    // Held for the transaction's life: the OS releases the lock when the file is closed, also
    // when the process is killed.
    _lock: File,
}

impl Transaction {
    /// Locks `product`'s folder, removes what failed runs left, and reads the current version.
    ///
    /// # Errors
    /// Another run holds the lock, the folder cannot be written, or the current manifest is bad.
    pub fn begin(lakehouse: &Lakehouse, product: &ProductDescriptor) -> Result<Self, PipelineError> {
        let dir = lakehouse.product_dir(product);
        let manifests = dir.join(MANIFESTS);
        fs::create_dir_all(&manifests).map_err(|e| PipelineError::io(&manifests, "creating", e))?;
        let lock_path = dir.join("_lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| PipelineError::io(&lock_path, "opening", e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(PipelineError::Lakehouse(format!(
                    "another run is building {} (it holds {}); wait for it to finish",
                    product.id(),
                    lock_path.display()
                )))
            }
            Err(TryLockError::Error(e)) => return Err(PipelineError::io(&lock_path, "locking", e)),
        }
        let id = product.id();
        let previous = clean(&dir, &id)?;
        let version = previous.as_ref().map_or(1, |m| m.version + 1);
        let started_at = Instant::now();
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let run_id = format!("{:x}{:08x}", process::id(), nanos);
        Ok(Self { dir, product: id, previous, version, run_id, started_at, created: RefCell::default(), _lock: lock })
    }

    /// The product's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The version current when the run started.
    pub fn previous(&self) -> Option<&Manifest> {
        self.previous.as_ref()
    }

    /// The version this run commits.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// When the run started.
    pub fn started_at(&self) -> Instant {
        self.started_at
    }

    /// A new file name in `folder` (`data` or `quarantine`) for this run: relative and absolute.
    pub(crate) fn new_file(
        &self,
        folder: &str,
        part: usize,
        extension: &str,
    ) -> Result<(String, PathBuf), PipelineError> {
        let dir = self.dir.join(folder);
        fs::create_dir_all(&dir).map_err(|e| PipelineError::io(&dir, "creating", e))?;
        let name = format!("{:08}-{}-{part:03}.{extension}", self.version, self.run_id);
        self.created.borrow_mut().push(dir.join(&name));
        Ok((format!("{folder}/{name}"), dir.join(name)))
    }

    /// Publishes `manifest` as this run's version: the one atomic step of the run.
    ///
    /// # Errors
    /// Writing, syncing or renaming the manifest fails; the previous version stays current.
    pub fn commit(self, mut manifest: Manifest) -> Result<Manifest, PipelineError> {
        manifest.version = self.version;
        manifest.product.clone_from(&self.product);
        manifest.started_at = self.started_at.to_string();
        manifest.committed_at = Instant::now().to_string();
        for file in &manifest.files {
            let path = self.dir.join(&file.path);
            // The data must be on disk before the manifest that lists it.
            File::open(&path).and_then(|f| f.sync_all()).map_err(|e| PipelineError::io(&path, "syncing", e))?;
        }
        for folder in LISTED_FOLDERS {
            sync_dir(&self.dir.join(folder))?;
        }
        let manifests = self.dir.join(MANIFESTS);
        let temporary = manifests.join(format!(".{}.tmp-{}", manifest_name(self.version), self.run_id));
        let text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| PipelineError::Lakehouse(format!("cannot write the manifest of {}: {e}", self.product)))?;
        fs::write(&temporary, text + "\n").map_err(|e| PipelineError::io(&temporary, "writing", e))?;
        File::open(&temporary).and_then(|f| f.sync_all()).map_err(|e| PipelineError::io(&temporary, "syncing", e))?;
        let committed = manifests.join(manifest_name(self.version));
        fs::rename(&temporary, &committed).map_err(|e| PipelineError::io(&committed, "committing", e))?;
        sync_dir(&manifests)?;
        self.created.borrow_mut().clear();
        // The commit stands whatever happens here; what is not pruned now is after the next commit.
        let _ = prune(&self.dir, &self.product);
        Ok(manifest)
    }
}

impl Drop for Transaction {
    /// A run that ends without committing removes its files (a killed run cannot: the next run
    /// of the product does).
    fn drop(&mut self) {
        for path in self.created.get_mut().drain(..) {
            let _ = fs::remove_file(path);
        }
    }
}

/// Removes what runs that did not commit left behind; returns the current version.
fn clean(dir: &Path, product: &str) -> Result<Option<Manifest>, PipelineError> {
    let manifests_dir = dir.join(MANIFESTS);
    remove_temporaries(&manifests_dir)?;
    let committed = committed_manifests(&manifests_dir)?;
    remove_unlisted(dir, &listed_files(&committed, product)?)?;
    committed.last().map(|(_, path)| read_manifest(path, product)).transpose()
}

/// Removes versions beyond the last [`KEEP_VERSIONS`]: manifests first, then the files only they
/// listed (a crash in between leaves only unlisted files, which the next run removes).
fn prune(dir: &Path, product: &str) -> Result<(), PipelineError> {
    let committed = committed_manifests(&dir.join(MANIFESTS))?;
    let keep_from = committed.len().saturating_sub(KEEP_VERSIONS);
    for (_, path) in &committed[..keep_from] {
        fs::remove_file(path).map_err(|e| PipelineError::io(path, "removing", e))?;
    }
    remove_unlisted(dir, &listed_files(&committed[keep_from..], product)?)
}

/// Every data and quarantine file the given manifests list.
fn listed_files(manifests: &[(u64, PathBuf)], product: &str) -> Result<HashSet<String>, PipelineError> {
    let mut listed = HashSet::new();
    for (_, path) in manifests {
        let manifest = read_manifest(path, product)?;
        listed.extend(manifest.files.into_iter().map(|f| f.path));
        listed.extend(manifest.run.quarantine_file);
    }
    Ok(listed)
}

fn remove_unlisted(dir: &Path, listed: &HashSet<String>) -> Result<(), PipelineError> {
    for folder in LISTED_FOLDERS {
        let path = dir.join(folder);
        let Ok(entries) = fs::read_dir(&path) else { continue };
        for entry in entries {
            let entry = entry.map_err(|e| PipelineError::io(&path, "listing", e))?;
            let relative = format!("{folder}/{}", entry.file_name().to_string_lossy());
            if !listed.contains(&relative) {
                let file = entry.path();
                fs::remove_file(&file).map_err(|e| PipelineError::io(&file, "removing", e))?;
            }
        }
    }
    Ok(())
}

fn remove_temporaries(manifests: &Path) -> Result<(), PipelineError> {
    let Ok(entries) = fs::read_dir(manifests) else { return Ok(()) };
    for entry in entries {
        let entry = entry.map_err(|e| PipelineError::io(manifests, "listing", e))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            let file = entry.path();
            fs::remove_file(&file).map_err(|e| PipelineError::io(&file, "removing", e))?;
        }
    }
    Ok(())
}

/// Makes renames and new names in `dir` durable (a no-op where the folder does not exist).
fn sync_dir(dir: &Path) -> Result<(), PipelineError> {
    match File::open(dir) {
        Ok(handle) => handle.sync_all().map_err(|e| PipelineError::io(dir, "syncing", e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(PipelineError::io(dir, "opening", e)),
    }
}
