//! `cargo xtask publish`: check schema evolution, then write `contracts/`.
//!
//! Nothing is written unless every check passes. Changed files are first
//! written beside their targets as temporary files; only when all are written
//! are they renamed into place and stale files removed, so a failed publish
//! leaves the old baseline, and unchanged files are never rewritten.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use mesh_core::baseline::{Baseline, Files, CONTRACTS_DIR};
use mesh_core::diagnostic::{Diagnostic, Severity};
use mesh_core::evolution::{baseline_errors, check_evolution};

use crate::evolution::{current_products, diagnostics, read_contracts};
use crate::mesh;

/// Prints diagnostics and a summary; true when there is no error.
pub fn report(diagnostics: &[Diagnostic]) -> bool {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}\n");
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        eprintln!("schema evolution: {errors} error(s), {warnings} warning(s)");
    }
    errors == 0
}

/// `publish --check [--against REF]`: report without writing.
pub fn check(root: &Path, against: Option<&str>) -> Result<bool, String> {
    let products = mesh::load().map_err(|errors| mesh::describe(&errors))?;
    let found = diagnostics(&products, root, against)?;
    let ok = report(&found);
    if ok {
        println!("schema evolution: {} products match the published contracts", products.len());
    }
    Ok(ok)
}

/// `publish`: check, then write.
pub fn run(root: &Path) -> Result<bool, String> {
    let products = mesh::load().map_err(|errors| mesh::describe(&errors))?;
    let current = current_products(&products);
    let on_disk = read_contracts(root)?;
    let baseline = match Baseline::from_files(&on_disk) {
        Ok(baseline) => baseline,
        Err(errors) => {
            report(&baseline_errors(&errors));
            return Ok(false);
        }
    };
    if !report(&check_evolution(&current, &baseline)) {
        eprintln!("nothing published: fix the errors above");
        return Ok(false);
    }
    let expected = baseline.render(&current);
    let (written, removed) = write_baseline(&root.join(CONTRACTS_DIR), &expected, &on_disk)?;
    println!(
        "published {} products to {CONTRACTS_DIR}/ ({written} files written, {removed} removed, the rest unchanged)",
        products.len()
    );
    Ok(true)
}

/// Makes `dir` hold exactly `expected`; returns (files written, files removed).
///
/// # Errors
/// A file cannot be written, renamed or removed; before any rename, every temporary file is removed again.
pub fn write_baseline(dir: &Path, expected: &Files, on_disk: &Files) -> Result<(usize, usize), String> {
    let changed: Vec<(&String, &String)> =
        expected.iter().filter(|(path, text)| on_disk.get(*path) != Some(*text)).collect();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let stage = |path: &str, text: &str| -> Result<(PathBuf, PathBuf), String> {
        let target = dir.join(path);
        let parent = target.parent().unwrap_or(dir);
        fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temporary = parent.join(format!(".{name}.publish-{}", std::process::id()));
        let mut file =
            fs::File::create(&temporary).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        Ok((temporary, target))
    };
    for (path, text) in &changed {
        match stage(path, text) {
            Ok(pair) => staged.push(pair),
            Err(e) => {
                for (temporary, _) in &staged {
                    let _ = fs::remove_file(temporary);
                }
                return Err(format!("{e}; nothing was published"));
            }
        }
    }
    for (temporary, target) in &staged {
        fs::rename(temporary, target).map_err(|e| {
            format!("cannot move {} into place: {e}; run the publish again to finish", target.display())
        })?;
    }
    let mut removed = 0;
    for path in on_disk.keys().filter(|path| !expected.contains_key(*path)) {
        let target = dir.join(path);
        fs::remove_file(&target).map_err(|e| format!("cannot remove stale {}: {e}", target.display()))?;
        removed += 1;
        // Drop directories the removal emptied (e.g. a removed domain's history).
        let mut parent = target.parent();
        while let Some(p) = parent.filter(|p| *p != dir) {
            if fs::remove_dir(p).is_err() {
                break;
            }
            parent = p.parent();
        }
    }
    Ok((staged.len(), removed))
}
