//! Where data keys come from: the [`KeyProvider`] trait, and the local keyring file that is its
//! embedded implementation.
//!
//! Envelope encryption: each domain has numbered data keys; each data key is stored wrapped
//! (encrypted with AES-256-GCM-SIV) by a key-encryption key. The local keyring keeps that
//! key-encryption key in the same owner-only file; a cloud KMS provider would keep it in the KMS
//! and unwrap data keys there, behind the same trait.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use aes_gcm_siv::aead::{Aead, KeyInit, Payload};
use aes_gcm_siv::{Aes256GcmSiv, Nonce};
use serde_json::{json, Value};

use super::base64;
use super::error::{CryptoError, CryptoErrorKind};

/// Bytes of one data key: 32 for AES-256-GCM-SIV, then 64 for AES-256-SIV.
pub const DATA_KEY_BYTES: usize = 96;

/// One data key of a domain.
#[derive(Clone)]
pub struct DataKey {
    /// Its version, from 1.
    pub version: u32,
    /// The key material.
    pub material: [u8; DATA_KEY_BYTES],
}

impl std::fmt::Debug for DataKey {
    // Never the material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataKey(v{})", self.version)
    }
}

/// Hands out the data keys of each domain.
pub trait KeyProvider: Send + Sync {
    /// Where the keys are, for messages (a file path, a KMS key name).
    fn describe(&self) -> String;
    /// The domain's newest data key, the one new values are written with; a provider may create
    /// version 1 on first use.
    ///
    /// # Errors
    /// The keys cannot be read or created.
    fn current_key(&self, domain: &str) -> Result<DataKey, CryptoErrorKind>;
    /// The domain's data key of `version`.
    ///
    /// # Errors
    /// [`CryptoErrorKind::MissingKey`] if there is none, or the keys cannot be read.
    fn key(&self, domain: &str, version: u32) -> Result<DataKey, CryptoErrorKind>;
}

/// The keyring file: a key-encryption key and each domain's wrapped data keys, in JSON,
/// readable by its owner only.
#[derive(Debug, Clone)]
pub struct LocalKeyring {
    path: PathBuf,
}

const FORMAT: &str = "mesh-keyring 1";

struct Contents {
    kek: [u8; 32],
    domains: BTreeMap<String, Vec<(u32, String)>>,
}

impl LocalKeyring {
    /// The keyring at `path` (created on first write).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds a new data key version to `domain` (version 1 if it has none); older versions stay, so
    /// files written with them stay readable. Returns the new version.
    ///
    /// # Errors
    /// The keyring cannot be read or written.
    pub fn rotate(&self, domain: &str) -> Result<u32, CryptoErrorKind> {
        self.update(|contents| {
            let versions = contents.domains.entry(domain.to_owned()).or_default();
            let version = versions.last().map_or(1, |(v, _)| v + 1);
            let wrapped = wrap(&contents.kek, domain, version, &random_bytes::<DATA_KEY_BYTES>()?)?;
            versions.push((version, wrapped));
            Ok(version)
        })
    }

    /// Each domain with its key versions, oldest first.
    ///
    /// # Errors
    /// The keyring cannot be read.
    pub fn versions(&self) -> Result<BTreeMap<String, Vec<u32>>, CryptoErrorKind> {
        let Some(contents) = self.load()? else { return Ok(BTreeMap::new()) };
        Ok(contents.domains.into_iter().map(|(d, v)| (d, v.into_iter().map(|(n, _)| n).collect())).collect())
    }

    fn error(&self, reason: impl Into<String>) -> CryptoErrorKind {
        CryptoErrorKind::Keyring { path: self.path.display().to_string(), reason: reason.into() }
    }

    /// Reads the file; `None` if it does not exist.
    fn load(&self) -> Result<Option<Contents>, CryptoErrorKind> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error(format!("cannot be read: {e}"))),
        };
        let mode = file.metadata().map_err(|e| self.error(format!("cannot be read: {e}")))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(self.error(format!(
                "is readable by others (mode {:o}); a keyring must be owner-only: run `chmod 600 {}`",
                mode & 0o777,
                self.path.display()
            )));
        }
        let value: Value = serde_json::from_reader(std::io::BufReader::new(file))
            .map_err(|e| self.error(format!("is not a mesh keyring ({e})")))?;
        let bad = |what: &str| self.error(format!("is not a mesh keyring: {what}"));
        if value["format"] != FORMAT {
            return Err(bad("its `format` is not \"mesh-keyring 1\""));
        }
        let kek = value["kek"].as_str().and_then(base64::decode).ok_or_else(|| bad("no `kek`"))?;
        let kek: [u8; 32] = kek.try_into().map_err(|_| bad("`kek` is not 32 bytes"))?;
        let mut domains = BTreeMap::new();
        for (domain, versions) in value["domains"].as_object().ok_or_else(|| bad("no `domains`"))? {
            let mut list = Vec::new();
            for entry in versions.as_array().ok_or_else(|| bad("a domain is not a list of keys"))? {
                let version = entry["version"].as_u64().and_then(|v| u32::try_from(v).ok());
                let wrapped = entry["wrapped"].as_str();
                let (Some(version), Some(wrapped)) = (version, wrapped) else {
                    return Err(bad("a key lacks `version` or `wrapped`"));
                };
                list.push((version, wrapped.to_owned()));
            }
            domains.insert(domain.clone(), list);
        }
        Ok(Some(Contents { kek, domains }))
    }

    /// Changes the keyring under an exclusive lock, so that two writers never both create a
    /// domain's key (one of them would be lost, and with it the data it encrypted).
    fn update<T>(
        &self,
        change: impl FnOnce(&mut Contents) -> Result<T, CryptoErrorKind>,
    ) -> Result<T, CryptoErrorKind> {
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| self.error(format!("its folder cannot be created: {e}")))?;
        }
        let lock_path = self.path.with_extension("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&lock_path)
            .map_err(|e| self.error(format!("cannot create its lock file: {e}")))?;
        lock.lock().map_err(|e| self.error(format!("cannot be locked: {e}")))?;
        let mut contents = match self.load()? {
            Some(contents) => contents,
            None => Contents { kek: random_bytes::<32>()?, domains: BTreeMap::new() },
        };
        let result = change(&mut contents)?;
        self.store(&contents)?;
        Ok(result)
    }

    /// Writes a new file beside the old one and renames it over: a crash leaves one or the other.
    fn store(&self, contents: &Contents) -> Result<(), CryptoErrorKind> {
        let domains: serde_json::Map<String, Value> = contents
            .domains
            .iter()
            .map(|(domain, versions)| {
                let list = versions.iter().map(|(v, w)| json!({"version": v, "wrapped": w})).collect();
                (domain.clone(), Value::Array(list))
            })
            .collect();
        let text = serde_json::to_string_pretty(&json!({
            "format": FORMAT,
            "kek": base64::encode(&contents.kek),
            "domains": domains,
        }))
        .map_err(|e| self.error(e.to_string()))?;
        let temp = self.path.with_extension("new");
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .mode(0o600)
            .open(&temp)
            .map_err(|e| self.error(format!("cannot be written: {e}")))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| fs::rename(&temp, &self.path))
            .map_err(|e| self.error(format!("cannot be written: {e}")))
    }

    fn unwrap_key(&self, contents: &Contents, domain: &str, version: u32) -> Result<DataKey, CryptoErrorKind> {
        let wrapped = contents
            .domains
            .get(domain)
            .and_then(|versions| versions.iter().find(|(v, _)| *v == version))
            .map(|(_, wrapped)| wrapped)
            .ok_or_else(|| CryptoErrorKind::MissingKey {
                domain: domain.to_owned(),
                version,
                keyring: format!("keyring {}", self.path.display()),
            })?;
        let bytes = base64::decode(wrapped)
            .filter(|b| b.len() > 12)
            .ok_or_else(|| self.error(format!("the wrapped key {domain} v{version} is not base64 ciphertext")))?;
        let (nonce, ciphertext) = bytes.split_at(12);
        let aad = wrap_aad(domain, version);
        let material = Aes256GcmSiv::new(&contents.kek.into())
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: aad.as_bytes() })
            .ok()
            .and_then(|m| <[u8; DATA_KEY_BYTES]>::try_from(m).ok())
            .ok_or_else(|| self.error(format!("the wrapped key {domain} v{version} does not unwrap with its kek")))?;
        Ok(DataKey { version, material })
    }
}

impl KeyProvider for LocalKeyring {
    fn describe(&self) -> String {
        format!("keyring {}", self.path.display())
    }

    fn current_key(&self, domain: &str) -> Result<DataKey, CryptoErrorKind> {
        if let Some(contents) = self.load()? {
            if let Some((version, _)) = contents.domains.get(domain).and_then(|v| v.last()) {
                return self.unwrap_key(&contents, domain, *version);
            }
        }
        // The domain's first write: version 1, created under the lock (another writer may have
        // created it meanwhile, and then that one is used).
        self.update(|contents| {
            let versions = contents.domains.entry(domain.to_owned()).or_default();
            if versions.is_empty() {
                let wrapped = wrap(&contents.kek, domain, 1, &random_bytes::<DATA_KEY_BYTES>()?)?;
                versions.push((1, wrapped));
            }
            Ok(())
        })?;
        let contents = self.load()?.ok_or_else(|| self.error("vanished while being written"))?;
        let version = contents.domains.get(domain).and_then(|v| v.last()).map_or(1, |(v, _)| *v);
        self.unwrap_key(&contents, domain, version)
    }

    fn key(&self, domain: &str, version: u32) -> Result<DataKey, CryptoErrorKind> {
        match self.load()? {
            Some(contents) => self.unwrap_key(&contents, domain, version),
            None => Err(CryptoErrorKind::MissingKey {
                domain: domain.to_owned(),
                version,
                keyring: format!("keyring {} (no such file)", self.path.display()),
            }),
        }
    }
}

fn wrap_aad(domain: &str, version: u32) -> String {
    format!("mesh data key {domain} v{version}")
}

fn wrap(kek: &[u8; 32], domain: &str, version: u32, material: &[u8]) -> Result<String, CryptoErrorKind> {
    let nonce = random_bytes::<12>()?;
    let aad = wrap_aad(domain, version);
    let ciphertext = Aes256GcmSiv::new(kek.into())
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: material, aad: aad.as_bytes() })
        .map_err(|_| CryptoErrorKind::Keyring { path: String::new(), reason: "wrapping a data key failed".into() })?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&ciphertext);
    Ok(base64::encode(&bytes))
}

/// Random bytes from the operating system.
pub(super) fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoErrorKind> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| CryptoErrorKind::Keyring {
        path: String::new(),
        reason: format!("the operating system gave no random bytes: {e}"),
    })?;
    Ok(bytes)
}

static DEFAULT: RwLock<Option<Arc<dyn KeyProvider>>> = RwLock::new(None);

/// Makes `provider` the one container writers and readers use when given none.
pub fn set_default_provider(provider: Arc<dyn KeyProvider>) {
    *DEFAULT.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(provider);
}

/// The provider set with [`set_default_provider`]; else the local keyring named by the
/// `MESH_KEYRING` environment variable; else the one named by `MESH_DEV_KEYRING` (set for
/// `cargo` commands in this workspace by `.cargo/config.toml`, a git-ignored development keyring).
///
/// # Errors
/// [`CryptoErrorKind::NoKeyring`] when none of them is set.
pub fn default_provider() -> Result<Arc<dyn KeyProvider>, CryptoErrorKind> {
    if let Some(provider) = DEFAULT.read().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
        return Ok(Arc::clone(provider));
    }
    ["MESH_KEYRING", "MESH_DEV_KEYRING"]
        .iter()
        .find_map(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
        .map(|path| Arc::new(LocalKeyring::new(path)) as Arc<dyn KeyProvider>)
        .ok_or(CryptoErrorKind::NoKeyring)
}

/// Wraps a [`CryptoErrorKind`] for a field.
pub(super) fn for_field(field: &str, kind: CryptoErrorKind) -> CryptoError {
    CryptoError { field: field.to_owned(), kind }
}
