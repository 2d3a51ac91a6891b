//! `cargo xtask publish`: check schema evolution, then write `contracts/`.
//!
//! Nothing is written unless every check passes. Changed files are first
//! written beside their targets as temporary files; only when all are written
//! are they renamed into place and stale files removed, keeping a backup of
//! every file replaced or removed until the end, so a failed publish restores
//! the old baseline, and unchanged files are never rewritten.
//!
//! Only files publish wrote are ever removed, each named: those the published
//! index lists. Any other file under `contracts/` (a user's notes, say) makes
//! publish refuse, naming it, before anything is written.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use mesh_analysis::baseline::{Baseline, Files, CONTRACTS_DIR, PUBLISH_COMMAND};
use mesh_analysis::diagnostic::{Code, Diagnostic, Severity};
use mesh_analysis::evolution::baseline_errors;
use mesh_analysis::governance::CalendarDate;

use crate::evolution::{current_products, diagnostics, read_contracts};
use crate::mesh;
use crate::output::{Failure, Output};

/// What publishing itself resolves: contracts out of date, products not yet published, no baseline at all.
const RESOLVED_BY_PUBLISHING: [Code; 3] = [Code::ContractsOutOfDate, Code::NotPublished, Code::NoBaseline];

/// Prints diagnostics and a summary; true when there is no error.
pub fn report(diagnostics: &[Diagnostic]) -> bool {
    for diagnostic in diagnostics {
        errln!("{diagnostic}\n");
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        errln!("schema evolution: {errors} error(s), {warnings} warning(s)");
    }
    errors == 0
}

/// `publish --check [--against REF]`: report without writing.
pub fn check(root: &Path, against: Option<&str>, out: &mut Output) -> Result<bool, Failure> {
    let products = mesh::load().map_err(|errors| mesh::describe(&errors))?;
    // `mesh::load` fails when a schema does not build, so every declared product is here.
    let found = diagnostics(&products, root, against, CalendarDate::today(), &BTreeSet::new())?;
    let ok = report(&found);
    if ok {
        out.line(format_args!("schema evolution: {} products match the published contracts", products.len()))?;
    }
    Ok(ok)
}

/// `publish`: run every check (as `cargo xtask check`), then write.
pub fn run(root: &Path, out: &mut Output) -> Result<bool, Failure> {
    let checked = crate::check::analyse(None, None)?;
    let relevant: Vec<Diagnostic> =
        checked.diagnostics.into_iter().filter(|d| !RESOLVED_BY_PUBLISHING.contains(&d.code)).collect();
    if !report(&relevant) {
        errln!("nothing published: fix the errors above (`cargo xtask check` shows the same)");
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
    refuse_foreign_files(&on_disk, &baseline, &expected)?;
    let (written, removed) = write_baseline(&root.join(CONTRACTS_DIR), &expected, &on_disk)?;
    for path in &removed {
        errln!("removed {CONTRACTS_DIR}/{path}");
    }
    out.line(format_args!(
        "published {} products to {CONTRACTS_DIR}/ ({written} files written, {} removed, the rest unchanged)",
        products.len(),
        removed.len()
    ))?;
    Ok(true)
}

/// Fails, naming them, if `on_disk` holds files that publishing would delete although publish did
/// not write them: neither about to be written (`expected`) nor listed by the published index.
/// `contracts/` is generated, so such a file is someone's, and deleting it would lose their work.
fn refuse_foreign_files(on_disk: &Files, baseline: &Baseline, expected: &Files) -> Result<(), String> {
    let listed: BTreeSet<&str> = baseline
        .products
        .values()
        .flat_map(|product| {
            let entry = &product.entry;
            [entry.schema.as_str(), entry.contract.as_str()]
                .into_iter()
                .chain(entry.history.iter().map(|h| h.schema.as_str()))
        })
        .collect();
    let foreign: Vec<String> = on_disk
        .keys()
        .filter(|path| !expected.contains_key(*path) && !listed.contains(path.as_str()))
        .map(|path| format!("{CONTRACTS_DIR}/{path}"))
        .collect();
    match foreign.as_slice() {
        [] => Ok(()),
        [one] => Err(format!(
            "{one} was not written by `{PUBLISH_COMMAND}`, which would delete it: move it out of `{CONTRACTS_DIR}/` \
             (which holds only generated files), then publish again; nothing was published"
        )),
        several => Err(format!(
            "{} were not written by `{PUBLISH_COMMAND}`, which would delete them: move them out of `{CONTRACTS_DIR}/` \
             (which holds only generated files), then publish again; nothing was published",
            several.join(", ")
        )),
    }
}

/// Makes `dir` hold exactly `expected`; returns the number of files written and the files removed
/// (relative to `dir`). Every file of `on_disk` that `expected` lacks is removed: refuse those
/// publish did not write first ([`refuse_foreign_files`]).
///
/// All or nothing: every changed file is first written beside its target, and
/// every file to be replaced or removed is first kept as a backup
/// (`.<name>.bak-<pid>`); if any step fails, the backups are put back and the
/// temporary files removed, so `dir` holds the old baseline again.
///
/// # Errors
/// A file cannot be written, renamed or removed (after the old baseline is restored).
pub fn write_baseline(dir: &Path, expected: &Files, on_disk: &Files) -> Result<(usize, Vec<String>), String> {
    let changed: Vec<(&String, &String)> =
        expected.iter().filter(|(path, text)| on_disk.get(*path) != Some(*text)).collect();
    let mut publish = Publish::default();
    for (path, text) in &changed {
        let staged = stage(dir, path, text).and_then(|temporary| {
            let target = dir.join(path);
            let backup = match on_disk.contains_key(*path) {
                true => Some(keep_copy(&target)?),
                false => None,
            };
            Ok(Staged { temporary, target, backup })
        });
        match staged {
            Ok(staged) => publish.staged.push(staged),
            Err(e) => return Err(publish.roll_back(e)),
        }
    }
    for staged in &publish.staged {
        if let Err(e) = fs::rename(&staged.temporary, &staged.target) {
            let message = format!("cannot move {} into place: {e}", staged.target.display());
            return Err(publish.roll_back(message));
        }
        publish.renamed += 1;
    }
    let mut removed = Vec::new();
    for path in on_disk.keys().filter(|path| !expected.contains_key(*path)) {
        let target = dir.join(path);
        let backup = backup_path(&target);
        if let Err(e) = fs::rename(&target, &backup) {
            let message = format!("cannot remove stale {}: {e}", target.display());
            return Err(publish.roll_back(message));
        }
        publish.removed.push((target, backup));
        removed.push(path.clone());
    }
    // Done: drop the backups, and directories the removals emptied (e.g. a removed domain's history).
    for staged in &publish.staged {
        if let Some(backup) = &staged.backup {
            let _ = fs::remove_file(backup);
        }
    }
    for (target, backup) in &publish.removed {
        let _ = fs::remove_file(backup);
        let mut parent = target.parent();
        while let Some(p) = parent.filter(|p| *p != dir) {
            if fs::remove_dir(p).is_err() {
                break;
            }
            parent = p.parent();
        }
    }
    Ok((publish.staged.len(), removed))
}

/// A changed file written beside its target, and the old file's backup if it replaces one.
struct Staged {
    temporary: PathBuf,
    target: PathBuf,
    backup: Option<PathBuf>,
}

/// How far a publish got, so that it can be undone.
#[derive(Default)]
struct Publish {
    staged: Vec<Staged>,
    /// How many of `staged` are renamed into place.
    renamed: usize,
    /// Stale files moved to their backups: (target, backup).
    removed: Vec<(PathBuf, PathBuf)>,
}

impl Publish {
    /// Puts the old baseline back; the error message, saying what could not be restored, if anything.
    fn roll_back(self, error: String) -> String {
        let mut unrestored = Vec::new();
        let mut restore = |backup: &Path, target: &Path| {
            if let Err(e) = fs::rename(backup, target) {
                unrestored.push(format!("{} (its old contents are in {}: {e})", target.display(), backup.display()));
            }
        };
        for (target, backup) in &self.removed {
            restore(backup, target);
        }
        for (i, staged) in self.staged.iter().enumerate() {
            match (&staged.backup, i < self.renamed) {
                (Some(backup), true) => restore(backup, &staged.target),
                (Some(backup), false) => {
                    let _ = fs::remove_file(backup);
                }
                (None, true) => {
                    let _ = fs::remove_file(&staged.target);
                }
                (None, false) => {}
            }
            let _ = fs::remove_file(&staged.temporary);
        }
        if unrestored.is_empty() {
            format!("{error}; nothing was published")
        } else {
            format!(
                "{error}; could not restore {}: restore `{CONTRACTS_DIR}/` from version control",
                unrestored.join(", ")
            )
        }
    }
}

/// Writes `text` beside `dir/path`; returns the temporary file.
fn stage(dir: &Path, path: &str, text: &str) -> Result<PathBuf, String> {
    let target = dir.join(path);
    let parent = target.parent().unwrap_or(dir);
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = parent.join(format!(".{name}.publish-{}", std::process::id()));
    let mut file = fs::File::create(&temporary).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| {
        let _ = fs::remove_file(&temporary);
        format!("cannot write {}: {e}", temporary.display())
    })?;
    Ok(temporary)
}

/// Where the old contents of `target` are kept during a publish (a dot file, which the baseline reader skips).
fn backup_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.bak-{}", std::process::id()))
}

/// Keeps `target`'s contents at its backup path while `target` stays in place (a hard link, else a copy).
fn keep_copy(target: &Path) -> Result<PathBuf, String> {
    let backup = backup_path(target);
    let _ = fs::remove_file(&backup);
    fs::hard_link(target, &backup)
        .or_else(|_| fs::copy(target, &backup).map(|_| ()))
        .map_err(|e| format!("cannot back up {} before replacing it: {e}", target.display()))?;
    Ok(backup)
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
        assert_eq!(write_baseline(dir.path(), &new, &old).unwrap(), (2, vec!["b/stale.avsc".to_string()]));
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

    #[test]
    fn a_failed_rename_restores_the_files_already_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let old = files(&[("a/first.avsc", "old first"), ("c/stale.avsc", "stale"), ("index.yaml", "v1")]);
        write_baseline(dir.path(), &old, &Files::new()).unwrap();
        // A directory where the new baseline puts a file: its rename fails after `a/first.avsc` was replaced.
        fs::create_dir_all(dir.path().join("b/blocked.avsc/inside")).unwrap();
        let new = files(&[("a/first.avsc", "new first"), ("b/blocked.avsc", "x"), ("index.yaml", "v2")]);
        let error = write_baseline(dir.path(), &new, &old).unwrap_err();
        assert!(error.starts_with("cannot move "), "{error}");
        assert!(error.contains("blocked.avsc") && error.ends_with("; nothing was published"), "{error}");
        assert_eq!(on_disk(dir.path()), old, "every old file is back, and no temporary file or backup is left");
    }
}
