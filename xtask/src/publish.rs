//! `cargo xtask publish`: check schema evolution, then write `contracts/`.
//!
//! Nothing is written unless every check passes. Changed files are first
//! written beside their targets as temporary files; only when all are written
//! are they renamed into place and stale files removed, so a failed publish
//! leaves the old baseline, and unchanged files are never rewritten.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use mesh_core::baseline::{Baseline, Files, CONTRACTS_DIR};
use mesh_core::diagnostic::{Diagnostic, Severity};
use mesh_core::evolution::baseline_errors;
use mesh_core::governance::CalendarDate;

use crate::evolution::{current_products, diagnostics, read_contracts};
use crate::mesh;

/// What publishing itself resolves: contracts out of date (MESH1001), products not yet
/// published (MESH1006), no baseline at all (MESH1010).
const RESOLVED_BY_PUBLISHING: [&str; 3] = ["MESH1001", "MESH1006", "MESH1010"];

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
    // `mesh::load` fails when a schema does not build, so every declared product is here.
    let found = diagnostics(&products, root, against, CalendarDate::today(), &BTreeSet::new())?;
    let ok = report(&found);
    if ok {
        println!("schema evolution: {} products match the published contracts", products.len());
    }
    Ok(ok)
}

/// `publish`: run every check (as `cargo xtask check`), then write.
pub fn run(root: &Path) -> Result<bool, String> {
    let checked = crate::check::analyse(None, None)?;
    let relevant: Vec<Diagnostic> =
        checked.diagnostics.into_iter().filter(|d| !RESOLVED_BY_PUBLISHING.contains(&d.code.as_str())).collect();
    if !report(&relevant) {
        eprintln!("nothing published: fix the errors above (`cargo xtask check` shows the same)");
        return Ok(false);
    }
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
    // The evolution rules ran in `analyse` above, with every other check.
    // `analyse` stops on a schema that does not build, so no declared product is missing here.
    let expected = baseline.render(&current, &BTreeSet::new());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect()
    }

    fn on_disk(dir: &Path) -> Files {
        let mut found = Files::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(current) = stack.pop() {
            for entry in fs::read_dir(current).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let relative = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                    found.insert(relative, fs::read_to_string(&path).unwrap());
                }
            }
        }
        found
    }

    #[test]
    fn writes_changes_removes_stale_files_and_leaves_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let old = files(&[("index.yaml", "v1"), ("a/kept.avsc", "same"), ("b/stale.avsc", "gone")]);
        write_baseline(dir.path(), &old, &Files::new()).unwrap();
        #[cfg(unix)]
        let inode = |p: &str| std::os::unix::fs::MetadataExt::ino(&fs::metadata(dir.path().join(p)).unwrap());
        #[cfg(unix)]
        let kept_before = inode("a/kept.avsc");
        let new = files(&[("index.yaml", "v2"), ("a/kept.avsc", "same"), ("a/new.avsc", "new")]);
        assert_eq!(write_baseline(dir.path(), &new, &old).unwrap(), (2, 1));
        assert_eq!(on_disk(dir.path()), new);
        assert!(!dir.path().join("b").exists(), "the emptied directory is removed");
        #[cfg(unix)]
        assert_eq!(inode("a/kept.avsc"), kept_before, "an unchanged file is not rewritten");
    }

    #[test]
    fn a_failed_write_leaves_the_old_baseline() {
        let dir = tempfile::tempdir().unwrap();
        let old = files(&[("index.yaml", "v1"), ("z", "a file where the new baseline wants a directory")]);
        write_baseline(dir.path(), &old, &Files::new()).unwrap();
        // `index.yaml` is staged before `z/` fails, so its temporary file must be cleaned up.
        let new = files(&[("index.yaml", "v2"), ("z/product.avsc", "x")]);
        let error = write_baseline(dir.path(), &new, &old).unwrap_err();
        assert!(error.contains("nothing was published"), "{error}");
        assert_eq!(on_disk(dir.path()), old, "no file changed and no temporary file is left");
    }
}
