//! Schema evolution diagnostics of the registered products against the
//! published baseline under `contracts/` (on disk, or at a git ref).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use mesh_analysis::baseline::{Baseline, CurrentProduct, Files, CONTRACTS_DIR, PUBLISH_COMMAND};
use mesh_analysis::diagnostic::{Code, Diagnostic};
use mesh_analysis::evolution::{baseline_errors, check_evolution, check_published};
use mesh_analysis::governance::CalendarDate;

use crate::mesh::LoadedProduct;

/// The products as evolution sees them.
pub fn current_products(products: &[LoadedProduct]) -> Vec<CurrentProduct<'_>> {
    products
        .iter()
        .map(|p| CurrentProduct { descriptor: p.descriptor, schema_json: &p.schema.json, contract: p.contract() })
        .collect()
}

/// Every evolution diagnostic: the products against the baseline (the one at
/// `against` if given, else `contracts/` on disk), and `contracts/` on disk
/// against what the code publishes. Removals are allowed after the deprecation
/// date (compared with `today`); products in `unbuilt` (declared, but their
/// schema failed to build) are left out rather than taken as removed.
///
/// # Errors
/// `contracts/` cannot be read, or `against` is not a git ref of the repository.
pub fn diagnostics(
    products: &[LoadedProduct],
    root: &Path,
    against: Option<&str>,
    today: CalendarDate,
    unbuilt: &BTreeSet<String>,
) -> Result<Vec<Diagnostic>, String> {
    let current = current_products(products);
    let on_disk = read_contracts(root)?;
    let mut out = Vec::new();
    let disk_baseline = match Baseline::from_files(&on_disk) {
        Ok(baseline) => Some(baseline),
        Err(errors) => {
            out.extend(baseline_errors(&errors));
            None
        }
    };
    match against {
        None => out.extend(disk_baseline.iter().flat_map(|baseline| check_evolution(&current, baseline, today, unbuilt))),
        Some(git_ref) => match read_contracts_at(root, git_ref)? {
            None => out.push(
                Diagnostic::new(
                    Code::NoBaseline,
                    format!("`{git_ref}` has no published baseline (`{CONTRACTS_DIR}/{}`), so schema evolution is not checked against it", mesh_analysis::baseline::INDEX_FILE),
                )
                .help(format!("the first `{PUBLISH_COMMAND}` creates it; compare with a ref that has one once it is merged")),
            ),
            Some(files) => match Baseline::from_files(&files) {
                Ok(baseline) => out.extend(check_evolution(&current, &baseline, today, unbuilt)),
                Err(errors) => out.extend(baseline_errors(&errors).into_iter().map(|d| {
                    let message = format!("{} (at `{git_ref}`)", d.message);
                    Diagnostic { message, ..d }
                })),
            },
        },
    }
    if let Some(baseline) = &disk_baseline {
        out.extend(check_published(&current, &on_disk, baseline, unbuilt));
    }
    Ok(out)
}

/// Every file under `root/contracts/`, by path relative to it (none if the directory is missing).
///
/// # Errors
/// A file or directory cannot be read.
pub fn read_contracts(root: &Path) -> Result<Files, String> {
    let mut files = Files::new();
    let dir = root.join(CONTRACTS_DIR);
    if dir.is_dir() {
        walk(&dir, "", &mut files)?;
    }
    Ok(files)
}

fn walk(dir: &Path, prefix: &str, files: &mut Files) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Temporary files of an interrupted publish are not part of the baseline.
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let relative = format!("{prefix}{name}");
        if path.is_dir() {
            walk(&path, &format!("{relative}/"), files)?;
        } else {
            let text =
                crate::files::read_text_file(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.insert(relative, text);
        }
    }
    Ok(())
}

/// The files under `contracts/` at `git_ref`; `None` when the ref has none.
///
/// # Errors
/// git fails, e.g. `git_ref` does not exist or `root` is not in a repository.
pub fn read_contracts_at(root: &Path, git_ref: &str) -> Result<Option<Files>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let output =
            Command::new("git").arg("-C").arg(root).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
        if !output.status.success() {
            return Err(format!("`git {}` failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
        }
        String::from_utf8(output.stdout).map_err(|_| format!("`git {}` printed invalid UTF-8", args.join(" ")))
    };
    git(&["rev-parse", "--verify", "--quiet", &format!("{git_ref}^{{commit}}")])
        .map_err(|_| format!("`{git_ref}` is not a commit of the repository at {}: pass a branch, tag or commit, e.g. `--against origin/main`", root.display()))?;
    let listing = git(&["ls-tree", "-r", "--name-only", git_ref, "--", &format!("{CONTRACTS_DIR}/")])?;
    let mut files = Files::new();
    for path in listing.lines() {
        let Some(relative) = path.strip_prefix(&format!("{CONTRACTS_DIR}/")) else { continue };
        files.insert(relative.to_string(), git(&["show", &format!("{git_ref}:./{path}")])?);
    }
    Ok((!files.is_empty()).then_some(files))
}
