//! Which keys encrypt and decrypt personal data, and `cargo xtask keys rotate|list`.
//!
//! The keyring is, first match: `MESH_KEYRING`; `[keys] keyring = "PATH"` in mesh.toml (relative
//! to the workspace root); `MESH_DEV_KEYRING`, which `.cargo/config.toml` sets to the git-ignored
//! `.mesh/dev-keyring.json` for every cargo command of this workspace. It is created, owner-only,
//! by a domain's first encrypted write.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use mesh_core::codec::crypto::{keyring_from_environment, set_default_provider, LocalKeyring, KEYRING_VARIABLE};
use serde::Deserialize;

use crate::check::CONFIG_FILE;
use crate::output::{Failure, Output};

/// `cargo xtask keys ...`.
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Add a new data key version to DOMAIN: new files use it, files written with older versions
    /// stay readable (nothing is re-encrypted).
    Rotate {
        /// The domain.
        domain: String,
    },
    /// List each domain's data key versions (never the keys) and which keyring holds them.
    List,
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    keys: Option<RawKeys>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeys {
    keyring: Option<String>,
}

/// The keyring this workspace uses; `None` when none is configured.
///
/// # Errors
/// mesh.toml exists but cannot be read, or its `[keys]` table is not `keyring = "PATH"`.
pub fn keyring(root: &Path) -> Result<Option<LocalKeyring>, String> {
    if let Some(path) = std::env::var_os(KEYRING_VARIABLE).filter(|v| !v.is_empty()) {
        return Ok(Some(LocalKeyring::new(PathBuf::from(path))));
    }
    let config = root.join(CONFIG_FILE);
    let configured = match crate::files::read_text_file(&config) {
        Ok(text) => {
            let file: RawFile = toml::from_str(&text).map_err(|e| {
                format!("{}: the [keys] table: {} (write `keyring = \"PATH\"`)", config.display(), e.message())
            })?;
            file.keys.and_then(|keys| keys.keyring).map(|path| root.join(path))
        }
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", config.display())),
    };
    Ok(configured.map(LocalKeyring::new).or_else(keyring_from_environment))
}

/// Makes this workspace's keyring the one every container writer and reader uses. With none
/// configured, writing an encrypted field fails with the message saying how to configure one.
///
/// # Errors
/// As [`keyring`].
pub fn install(root: &Path) -> Result<(), Failure> {
    if let Some(keyring) = keyring(root)? {
        set_default_provider(Arc::new(keyring));
    }
    Ok(())
}

/// Runs `keys rotate` or `keys list`.
///
/// # Errors
/// An unknown domain, no keyring configured, or the keyring cannot be read or written.
pub fn run(root: &Path, command: &KeysCommand, out: &mut Output) -> Result<(), Failure> {
    let keyring = keyring(root)?.ok_or_else(|| {
        format!("no keyring is configured: set {KEYRING_VARIABLE} to a keyring file, or `[keys] keyring = \"PATH\"` in mesh.toml")
    })?;
    match command {
        KeysCommand::Rotate { domain } => {
            let domains: BTreeSet<String> =
                mesh_core::registered_products().into_iter().map(|r| r.descriptor.domain.to_string()).collect();
            if !domains.contains(domain) {
                let known: Vec<&str> = domains.iter().map(String::as_str).collect();
                return Err(format!("no domain `{domain}` in this mesh; its domains are {}", known.join(", ")).into());
            }
            let version = keyring.rotate(domain).map_err(|e| e.to_string())?;
            out.line(format_args!(
                "{domain}: data key v{version} added to keyring {}; new files use it, files written with older \
                 versions stay readable",
                keyring.path().display()
            ))?;
        }
        KeysCommand::List => {
            let versions = keyring.versions().map_err(|e| e.to_string())?;
            out.line(format_args!("keyring {}", keyring.path().display()))?;
            if versions.is_empty() {
                out.line(format_args!("  no data keys yet: a domain's first is created by its first encrypted write"))?;
            }
            for (domain, versions) in versions {
                let list: Vec<String> = versions.iter().map(|v| format!("v{v}")).collect();
                let current = versions.last().copied().unwrap_or_default();
                out.line(format_args!("  {domain}: {} (current v{current})", list.join(", ")))?;
            }
        }
    }
    Ok(())
}
