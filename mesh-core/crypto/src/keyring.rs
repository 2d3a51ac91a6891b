//! The local keyring: the embedded [`KeyProvider`], one JSON file readable by its owner only.
//!
//! It holds a key-encryption key and each domain's numbered data keys, each wrapped
//! (AES-256-GCM-SIV) by that key-encryption key and bound to its domain and version. A cloud KMS
//! provider would keep the key-encryption key in the KMS instead of beside the data keys.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use aes_gcm_siv::aead::{AeadInPlace, KeyInit};
use aes_gcm_siv::Nonce;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::cipher::Aes256GcmSiv;
use crate::key::{random_bytes, DataKey, KeyProvider, DATA_KEY_BYTES};
use crate::CryptoError;

/// The `format` of the files this version reads and writes.
const FORMAT: &str = "mesh-keyring 1";
/// The largest keyring file read: far beyond any real one, so a wrong path cannot exhaust memory.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// A keyring file (created on the first write).
#[derive(Debug, Clone)]
pub struct LocalKeyring {
    path: PathBuf,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File1 {
    format: String,
    /// The key-encryption key, base64.
    kek: String,
    /// Each domain's wrapped data keys, oldest first.
    domains: BTreeMap<String, Vec<WrappedKey>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WrappedKey {
    version: u32,
    /// Nonce, ciphertext and tag, base64.
    wrapped: String,
}

/// A keyring read into memory.
struct Contents {
    kek: Zeroizing<[u8; 32]>,
    domains: BTreeMap<String, Vec<WrappedKey>>,
}

impl LocalKeyring {
    /// The keyring at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds a new data key version to `domain` (version 1 if it has none) and returns it. Older
    /// versions stay, so values written with them stay readable.
    ///
    /// # Errors
    /// The keyring cannot be read or written.
    pub fn rotate(&self, domain: &str) -> Result<u32, CryptoError> {
        self.update(|contents| {
            let versions = contents.domains.entry(domain.to_owned()).or_default();
            let version = versions.last().map_or(1, |key| key.version + 1);
            versions.push(wrap(&contents.kek, domain, version, &*random_bytes::<DATA_KEY_BYTES>()?)?);
            Ok(version)
        })
    }

    /// Each domain with its key versions, oldest first (never the keys).
    ///
    /// # Errors
    /// The keyring cannot be read.
    pub fn versions(&self) -> Result<BTreeMap<String, Vec<u32>>, CryptoError> {
        let Some(contents) = self.load()? else { return Ok(BTreeMap::new()) };
        Ok(contents.domains.into_iter().map(|(d, keys)| (d, keys.iter().map(|k| k.version).collect())).collect())
    }

    fn error(&self, reason: impl Into<String>) -> CryptoError {
        CryptoError::Keyring { path: self.path.display().to_string(), reason: reason.into() }
    }

    /// Reads the file; `None` if there is none.
    fn load(&self) -> Result<Option<Contents>, CryptoError> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error(format!("cannot be read: {e}"))),
        };
        let metadata = file.metadata().map_err(|e| self.error(format!("cannot be read: {e}")))?;
        if !metadata.is_file() {
            return Err(self.error("is not a regular file: give the path of a keyring file"));
        }
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(self.error(format!(
                "is readable by others (mode {:o}); a keyring must be owner-only: run `chmod 600 {}`",
                mode & 0o777,
                self.path.display()
            )));
        }
        if metadata.len() > MAX_FILE_BYTES {
            return Err(self.error("is larger than any keyring (16 MiB): give the path of a keyring file"));
        }
        // Read whole into a buffer sized up front and wiped on drop: it holds the key-encryption
        // key's text (a reader's own buffer, or a grown one, would be freed unwiped).
        let mut text = Zeroizing::new(Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0) + 1));
        (&file).read_to_end(&mut text).map_err(|e| self.error(format!("cannot be read: {e}")))?;
        let parsed: File1 =
            serde_json::from_slice(&text).map_err(|e| self.error(format!("is not a mesh keyring ({e})")))?;
        if parsed.format != FORMAT {
            return Err(self.error(format!("is not a mesh keyring: its format is `{}`, not `{FORMAT}`", parsed.format)));
        }
        // The key-encryption key's copies are wiped too: its text, and its decoded bytes.
        let text = Zeroizing::new(parsed.kek);
        let bytes = Zeroizing::new(STANDARD.decode(text.as_bytes()).unwrap_or_default());
        let mut kek = Zeroizing::new([0u8; 32]);
        if bytes.len() != 32 {
            return Err(self.error("is not a mesh keyring: its `kek` is not 32 bytes of base64"));
        }
        kek.copy_from_slice(&bytes);
        Ok(Some(Contents { kek, domains: parsed.domains }))
    }

    /// Changes the keyring under an exclusive lock, so that two writers never both create a
    /// domain's key (one would be lost, and with it the data it encrypted).
    fn update<T>(&self, change: impl FnOnce(&mut Contents) -> Result<T, CryptoError>) -> Result<T, CryptoError> {
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| self.error(format!("cannot be created: its folder: {e}")))?;
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(self.path.with_extension("lock"))
            .map_err(|e| self.error(format!("cannot be locked: {e}")))?;
        lock.lock().map_err(|e| self.error(format!("cannot be locked: {e}")))?;
        let mut contents = match self.load()? {
            Some(contents) => contents,
            None => Contents { kek: random_bytes::<32>()?, domains: BTreeMap::new() },
        };
        let result = change(&mut contents)?;
        self.store(&contents)?;
        Ok(result)
    }

    /// Writes a new file beside the old one and renames it over it, then syncs the folder: a crash
    /// leaves one or the other, and a key written is a key kept (data encrypted with a key the
    /// keyring then lost could never be read).
    fn store(&self, contents: &Contents) -> Result<(), CryptoError> {
        let mut kek = Zeroizing::new(STANDARD.encode(contents.kek.as_slice()));
        let mut file = File1 {
            format: FORMAT.to_owned(),
            kek: std::mem::take(&mut *kek),
            domains: contents
                .domains
                .iter()
                .map(|(domain, keys)| {
                    let keys = keys.iter().map(|k| WrappedKey { version: k.version, wrapped: k.wrapped.clone() });
                    (domain.clone(), keys.collect())
                })
                .collect(),
        };
        // Sized up front (generously: the pretty-printed layout of each key and domain) so that the
        // buffer holding the key-encryption key's text never grows and leaves a copy behind.
        let capacity = 1024
            + (file.domains.iter())
                .map(|(domain, keys)| 64 + domain.len() + keys.iter().map(|k| 128 + k.wrapped.len()).sum::<usize>())
                .sum::<usize>();
        let mut text = Zeroizing::new(Vec::with_capacity(capacity));
        let serialized = serde_json::to_writer_pretty(&mut *text, &file);
        drop(Zeroizing::new(std::mem::take(&mut file.kek)));
        serialized.map_err(|e| self.error(e.to_string()))?;
        let temp = self.path.with_extension("new");
        let written = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .mode(0o600)
            .open(&temp)
            .and_then(|mut out| {
                out.write_all(&text)?;
                out.sync_all()
            })
            .and_then(|()| fs::rename(&temp, &self.path))
            .and_then(|()| match self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(folder) => File::open(folder)?.sync_all(),
                None => File::open(".")?.sync_all(),
            });
        written.map_err(|e| self.error(format!("cannot be written: {e}")))
    }

    fn unwrap_key(&self, contents: &Contents, domain: &str, version: u32) -> Result<DataKey, CryptoError> {
        let wrapped = contents
            .domains
            .get(domain)
            .and_then(|keys| keys.iter().find(|k| k.version == version))
            .ok_or_else(|| CryptoError::MissingKey { domain: domain.to_owned(), version, keys: self.describe() })?;
        let unusable = || self.error(format!("has a data key {domain} v{version} that does not unwrap with its kek"));
        let mut bytes = Zeroizing::new(STANDARD.decode(&wrapped.wrapped).map_err(|_| unusable())?);
        if bytes.len() != 12 + DATA_KEY_BYTES + 16 {
            return Err(unusable());
        }
        let (nonce, rest) = bytes.split_at_mut(12);
        let (material, tag) = rest.split_at_mut(DATA_KEY_BYTES);
        Aes256GcmSiv::new((&*contents.kek).into())
            .decrypt_in_place_detached(
                Nonce::from_slice(nonce),
                wrap_aad(domain, version).as_bytes(),
                material,
                (&*tag).into(),
            )
            .map_err(|_| unusable())?;
        let mut key = Zeroizing::new([0u8; DATA_KEY_BYTES]);
        key.copy_from_slice(material);
        Ok(DataKey { version, material: key })
    }
}

impl KeyProvider for LocalKeyring {
    fn describe(&self) -> String {
        format!("keyring {}", self.path.display())
    }

    fn current_key(&self, domain: &str) -> Result<DataKey, CryptoError> {
        if let Some(contents) = self.load()? {
            if let Some(newest) = contents.domains.get(domain).and_then(|keys| keys.last()) {
                return self.unwrap_key(&contents, domain, newest.version);
            }
        }
        // The domain's first write: version 1, created under the lock unless another writer
        // created it meanwhile.
        self.update(|contents| {
            let keys = contents.domains.entry(domain.to_owned()).or_default();
            if keys.is_empty() {
                keys.push(wrap(&contents.kek, domain, 1, &*random_bytes::<DATA_KEY_BYTES>()?)?);
            }
            let newest = keys.last().map_or(1, |k| k.version);
            self.unwrap_key(contents, domain, newest)
        })
    }

    fn key_versions(&self, domain: &str) -> Result<Vec<u32>, CryptoError> {
        Ok(self.versions()?.remove(domain).unwrap_or_default())
    }

    fn key(&self, domain: &str, version: u32) -> Result<DataKey, CryptoError> {
        match self.load()? {
            Some(contents) => self.unwrap_key(&contents, domain, version),
            None => Err(CryptoError::MissingKey {
                domain: domain.to_owned(),
                version,
                keys: format!("{} (no such file)", self.describe()),
            }),
        }
    }
}

/// What a wrapped key is bound to: it unwraps only as the key of this domain and version.
fn wrap_aad(domain: &str, version: u32) -> String {
    format!("mesh data key {domain} v{version}")
}

fn wrap(kek: &[u8; 32], domain: &str, version: u32, material: &[u8]) -> Result<WrappedKey, CryptoError> {
    let nonce = random_bytes::<12>()?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(12 + material.len() + 16));
    bytes.extend_from_slice(&*nonce);
    bytes.extend_from_slice(material);
    let tag = Aes256GcmSiv::new(kek.into())
        .encrypt_in_place_detached(Nonce::from_slice(&*nonce), wrap_aad(domain, version).as_bytes(), &mut bytes[12..])
        .map_err(|_| CryptoError::NoRandomness("a data key could not be wrapped".into()))?;
    bytes.extend_from_slice(&tag);
    Ok(WrappedKey { version, wrapped: STANDARD.encode(&*bytes) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_created_once_rotated_and_kept_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = LocalKeyring::new(dir.path().join("keys/keyring.json"));
        let first = keyring.current_key("sales").unwrap();
        assert_eq!(first.version, 1);
        assert_eq!(*keyring.current_key("sales").unwrap().material, *first.material, "created once");
        assert_eq!(keyring.rotate("sales").unwrap(), 2);
        let second = keyring.current_key("sales").unwrap();
        assert_eq!(second.version, 2);
        assert_ne!(*second.material, *first.material);
        assert_eq!(*keyring.key("sales", 1).unwrap().material, *first.material, "older versions stay");
        assert_eq!(keyring.versions().unwrap(), BTreeMap::from([("sales".to_owned(), vec![1, 2])]));
        let mode = fs::metadata(keyring.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(format!("{first:?}"), "DataKey(v1)", "debug output never shows the material");
    }

    #[test]
    fn a_missing_key_or_file_and_a_readable_keyring_are_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyring.json");
        let keyring = LocalKeyring::new(&path);
        let shown = path.display();
        assert_eq!(
            keyring.key("sales", 1).unwrap_err().to_string(),
            format!(
                "needs data key sales v1, which keyring {shown} (no such file) does not have: use the keyring the \
                 data was written with (MESH_KEYRING)"
            )
        );
        keyring.current_key("sales").unwrap();
        assert!(matches!(keyring.key("sales", 7), Err(CryptoError::MissingKey { version: 7, .. })));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            keyring.current_key("sales").unwrap_err().to_string(),
            format!("keyring {shown} is readable by others (mode 644); a keyring must be owner-only: run `chmod 600 {shown}`")
        );
    }

    #[test]
    fn a_wrapped_key_moved_to_another_domain_does_not_unwrap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keyring.json");
        let keyring = LocalKeyring::new(&path);
        keyring.current_key("sales").unwrap();
        let text = fs::read_to_string(&path).unwrap().replace("\"sales\"", "\"marketing\"");
        fs::write(&path, text).unwrap();
        let error = keyring.key("marketing", 1).unwrap_err().to_string();
        assert!(error.ends_with("has a data key marketing v1 that does not unwrap with its kek"), "{error}");
    }
}
