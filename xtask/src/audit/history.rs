//! Contract changes in a quarter, from the git history of `contracts/`: each commit's published
//! contracts (`<domain>/<name>.contract.yaml` added or changed), removals, and deprecations.

use std::path::Path;
use std::process::Command;

use mesh_analysis::governance::CalendarDate;

/// One change to a published contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractChange {
    /// The commit's date (committer date, UTC).
    pub date: String,
    /// The commit's id, abbreviated.
    pub commit: String,
    /// `domain.name`.
    pub product: String,
    /// What happened.
    pub kind: ChangeKind,
}

/// What a commit did to a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// A version was published; `previous` is the version before, if any.
    Published { version: String, previous: Option<String> },
    /// The contract was removed.
    Removed { version: Option<String> },
    /// The contract gained a deprecation date.
    Deprecated { since: String },
}

impl ContractChange {
    /// A publication whose major version differs from the previous one's.
    pub fn breaking(&self) -> bool {
        match &self.kind {
            ChangeKind::Published { version, previous: Some(previous) } => major(version) != major(previous),
            _ => false,
        }
    }
}

fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}

/// The contract changes committed from `start` to `end` (inclusive), oldest first; `None` when
/// `root` is not a git work tree.
///
/// # Errors
/// git fails on the repository.
pub fn contract_changes(
    root: &Path,
    start: CalendarDate,
    end: CalendarDate,
) -> Result<Option<Vec<ContractChange>>, String> {
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"]);
    if !inside.is_ok_and(|out| out.trim() == "true") {
        return Ok(None);
    }
    let log = git(
        root,
        &[
            "log",
            "--reverse",
            "--no-renames",
            "--date=format-local:%Y-%m-%d",
            &format!("--since={start}T00:00:00Z"),
            &format!("--until={end}T23:59:59Z"),
            "--format=@%h %cd",
            "--name-status",
            "--",
            "contracts/",
        ],
    )?;
    let mut changes = Vec::new();
    let (mut commit, mut date) = (String::new(), String::new());
    for line in log.lines() {
        if let Some(header) = line.strip_prefix('@') {
            let (id, day) = header.split_once(' ').unwrap_or((header, ""));
            (commit, date) = (id.to_owned(), day.to_owned());
            continue;
        }
        let Some((status, path)) = line.split_once('\t') else { continue };
        let Some(product) = contract_product(path) else { continue };
        let kind = match status {
            "D" => ChangeKind::Removed { version: version_at(root, &format!("{commit}^"), path) },
            "A" | "M" => {
                let deprecated = field_at(root, &commit, path, "deprecated:");
                if deprecated.is_some() && field_at(root, &format!("{commit}^"), path, "deprecated:").is_none() {
                    let since = deprecated.unwrap_or_default();
                    changes.push(ContractChange {
                        date: date.clone(),
                        commit: commit.clone(),
                        product: product.clone(),
                        kind: ChangeKind::Deprecated { since },
                    });
                }
                let Some(version) = version_at(root, &commit, path) else { continue };
                let previous = if status == "M" { version_at(root, &format!("{commit}^"), path) } else { None };
                if previous.as_deref() == Some(version.as_str()) {
                    // The contract's text changed without a new version (a header, a doc).
                    continue;
                }
                ChangeKind::Published { version, previous }
            }
            _ => continue,
        };
        changes.push(ContractChange { date: date.clone(), commit: commit.clone(), product, kind });
    }
    Ok(Some(changes))
}

/// `contracts/sales/sales_raw.contract.yaml` -> `sales.sales_raw`.
fn contract_product(path: &str) -> Option<String> {
    let rest = path.strip_prefix("contracts/")?;
    let (domain, file) = rest.split_once('/')?;
    let name = file.strip_suffix(".contract.yaml")?;
    (!name.contains('/')).then(|| format!("{domain}.{name}"))
}

/// The `version:` of a contract at a revision.
fn version_at(root: &Path, revision: &str, path: &str) -> Option<String> {
    field_at(root, revision, path, "version:")
}

/// The first `key` line's value of a contract at a revision, unquoted; `None` when absent or null.
fn field_at(root: &Path, revision: &str, path: &str, key: &str) -> Option<String> {
    let text = git(root, &["show", &format!("{revision}:{path}")]).ok()?;
    text.lines()
        .find_map(|line| line.trim().strip_prefix(key))
        .map(|value| value.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|value| !value.is_empty() && value != "null")
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("TZ", "UTC")
        .output()
        .map_err(|e| format!("cannot run git for the contract history: {e}; install git"))?;
    if !output.status.success() {
        return Err(format!(
            "git {} failed in {}: {}",
            args.first().unwrap_or(&""),
            root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_paths_name_their_product_and_history_files_none() {
        assert_eq!(contract_product("contracts/sales/sales_raw.contract.yaml").as_deref(), Some("sales.sales_raw"));
        assert_eq!(contract_product("contracts/sales/sales_raw.avsc"), None);
        assert_eq!(contract_product("contracts/sales/history/x@1.0.0.contract.yaml"), None);
        assert_eq!(contract_product("contracts/index.yaml"), None);
    }

    #[test]
    fn a_new_major_is_breaking_and_a_minor_is_not() {
        let change = |version: &str, previous: Option<&str>| ContractChange {
            date: String::new(),
            commit: String::new(),
            product: "s.p".into(),
            kind: ChangeKind::Published { version: version.into(), previous: previous.map(Into::into) },
        };
        assert!(change("2.0.0", Some("1.3.0")).breaking());
        assert!(!change("1.4.0", Some("1.3.0")).breaking());
        assert!(!change("1.0.0", None).breaking());
    }
}
