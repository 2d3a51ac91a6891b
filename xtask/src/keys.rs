//! `cargo xtask keys rotate DOMAIN` and `cargo xtask keys list`: the local keyring's data keys,
//! and which keyring the other commands encrypt and decrypt with.
//!
//! The keyring is, in order: `MESH_KEYRING`; `[keys] keyring` in mesh.toml (relative to the
//! workspace root); `MESH_DEV_KEYRING`, which `.cargo/config.toml` sets to the git-ignored
//! `.mesh/dev-keyring.json` for every cargo command of this workspace. It is created, owner-only,
//! on the first write of an encrypted field.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mesh_avro::codec::crypto::{set_default_provider, CryptoError, LocalKeyring};

/// The keyring this workspace uses.
///
/// # Errors
/// None of the three is set.
pub fn keyring(root: &Path) -> Result<LocalKeyring, String> {
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let configured = crate::check::load_config().keyring.map(|path| root.join(path));
    from_env("MESH_KEYRING").or(configured).or_else(|| from_env("MESH_DEV_KEYRING")).map(LocalKeyring::new).ok_or_else(
        || {
            "no keyring is configured: set MESH_KEYRING to a keyring file, or `[keys] keyring = \"...\"` in mesh.toml"
                .to_owned()
        },
    )
}

/// Makes this workspace's keyring the one container writers and readers use.
///
/// # Errors
/// As [`keyring`].
pub fn install(root: &Path) -> Result<(), String> {
    set_default_provider(Arc::new(keyring(root)?));
    Ok(())
}

fn message(kind: mesh_avro::codec::crypto::CryptoErrorKind) -> String {
    CryptoError { field: String::new(), kind }.to_string()
}

/// `keys rotate DOMAIN`: a new data key version, used by every write from now on.
///
/// # Errors
/// An unknown domain, or the keyring cannot be read or written.
pub fn rotate(root: &Path, domain: &str, out: &mut crate::output::Output) -> Result<(), crate::output::Failure> {
    let domains: std::collections::BTreeSet<String> =
        mesh_core::registered_products().into_iter().map(|r| r.descriptor.domain.to_string()).collect();
    if !domains.contains(domain) {
        let known: Vec<&str> = domains.iter().map(String::as_str).collect();
        return Err(format!("no domain `{domain}` in this mesh; the domains are {}", known.join(", ")).into());
    }
    let keyring = keyring(root)?;
    let version = keyring.rotate(domain).map_err(message)?;
    out.line(format_args!(
        "{domain}: data key v{version} added to {}; new files use it, files written with older versions stay readable",
        keyring.path().display()
    ))?;
    Ok(())
}

/// `keys list`: each domain's key versions (never the keys).
///
/// # Errors
/// The keyring cannot be read.
pub fn list(root: &Path, out: &mut crate::output::Output) -> Result<(), crate::output::Failure> {
    let keyring = keyring(root)?;
    let versions = keyring.versions().map_err(message)?;
    out.line(format_args!("keyring {}", keyring.path().display()))?;
    if versions.is_empty() {
        out.line(format_args!("  no data keys yet (a domain's first is created on its first encrypted write)"))?;
    }
    for (domain, versions) in versions {
        let list: Vec<String> = versions.iter().map(|v| format!("v{v}")).collect();
        out.line(format_args!("  {domain}: {} (current v{})", list.join(", "), versions.last().unwrap_or(&0)))?;
    }
    Ok(())
}
