//! `cargo xtask catalog --out DIR [--serve [--port P]]`: the mesh as a static, searchable site.
//!
//! The data is gathered once (`load.rs`) into plain types (`model.rs`); `generate` turns them into
//! files without touching the disk, so tests and the 10,000-product measurement run it on data
//! of their own.

mod examples;
mod html;
mod lineage_svg;
mod load;
pub mod model;
mod pages;
mod product_page;
mod quality_history;
mod serve;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::output::{Failure, Output};

pub use load::load;
pub use serve::serve;

/// The site's style sheet.
const CSS: &str = include_str!("catalog.css");
/// The index's search.
const JS: &str = include_str!("catalog.js");

/// Every file of the site, by path relative to its root.
pub fn generate(catalog: &model::Catalog) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert("index.html".into(), pages::index(catalog));
    files.insert("search-index.js".into(), pages::search_index(catalog));
    files.insert("products.html".into(), pages::products(catalog));
    files.insert("lineage.html".into(), pages::lineage(catalog));
    files.insert("governance.html".into(), pages::governance(catalog));
    files.insert("catalog.css".into(), CSS.into());
    files.insert("catalog.js".into(), JS.into());
    let by_id: BTreeMap<String, &model::Entry> = catalog.products.iter().map(|e| (e.id(), e)).collect();
    for entry in &catalog.products {
        let id = entry.id();
        files.insert(format!("products/{id}.html"), product_page::render(catalog, entry, &by_id));
        files.insert(format!("schemas/{id}.avsc"), entry.schema_json.clone());
    }
    files
}

/// Writes the site under `out`: only files whose bytes changed, and removes pages and schemas of
/// products no longer in the mesh (nothing else in `out` is touched).
///
/// # Errors
/// A file cannot be written or a stale one removed (named).
pub fn write(out: &Path, files: &BTreeMap<String, String>) -> Result<usize, String> {
    let mut written = 0;
    let mut dirs = BTreeSet::new();
    for (path, contents) in files {
        let target = out.join(path);
        if let Some(dir) = target.parent() {
            if dirs.insert(dir.to_path_buf()) {
                fs::create_dir_all(dir).map_err(|e| format!("cannot create directory {}: {e}", dir.display()))?;
            }
        }
        // A site is regenerated at will: no sync, which would make 10,000 pages take seconds.
        if fs::read(&target).ok().as_deref() != Some(contents.as_bytes()) {
            fs::write(&target, contents).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            written += 1;
        }
    }
    for (dir, extension) in [("products", "html"), ("schemas", "avsc")] {
        let Ok(listing) = fs::read_dir(out.join(dir)) else { continue };
        for item in listing.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if name.ends_with(&format!(".{extension}")) && !files.contains_key(&format!("{dir}/{name}")) {
                fs::remove_file(item.path())
                    .map_err(|e| format!("cannot remove the stale page {}: {e}", item.path().display()))?;
            }
        }
    }
    Ok(written)
}

/// The command: builds the site into `out`, then serves it on 127.0.0.1 if asked.
pub fn run(out: &Path, lakehouse: &Path, serve_port: Option<u16>, stdout: &mut Output) -> Result<(), Failure> {
    let started = Instant::now();
    let catalog = load(&crate::workspace_root(), lakehouse)?;
    let files = generate(&catalog);
    let written = write(out, &files)?;
    stdout.line(format_args!(
        "catalog of {} products written to {} ({} files, {written} changed) in {:.2}s",
        catalog.products.len(),
        out.display(),
        files.len(),
        started.elapsed().as_secs_f64()
    ))?;
    if let Some(port) = serve_port {
        serve(out, port, stdout)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
