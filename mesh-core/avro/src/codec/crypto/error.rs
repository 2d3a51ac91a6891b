//! What goes wrong when encrypting or decrypting a field: every message names the domain, the key
//! version and the field, never the value.

use std::fmt;

/// Why a field could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CryptoErrorKind {
    /// No keyring is configured.
    NoKeyring,
    /// The keyring file cannot be used: unreadable, not owner-only, or not a keyring.
    Keyring {
        /// The keyring file.
        path: String,
        /// Why, and the fix.
        reason: String,
    },
    /// The keyring has no data key of that domain and version.
    MissingKey {
        /// The domain whose key is needed.
        domain: String,
        /// The key version needed.
        version: u32,
        /// Where the key was looked for.
        keyring: String,
    },
    /// The keyring's key of that domain and version is not the one the value was written with.
    WrongKey {
        /// The domain.
        domain: String,
        /// The key version.
        version: u32,
        /// Where the key came from.
        keyring: String,
    },
    /// The value fails authentication: its bytes were changed after it was written.
    Tampered {
        /// The domain.
        domain: String,
        /// The key version.
        version: u32,
    },
    /// The stored value is not ciphertext of the declared kind (plaintext, or another tool's encoding).
    NotCiphertext {
        /// The kind the declaration expects, `randomized` or `deterministic`.
        expected: &'static str,
    },
}

/// A field could not be encrypted or decrypted: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CryptoError {
    /// The field's name in its record.
    pub field: String,
    /// Why.
    pub kind: CryptoErrorKind,
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &self.field;
        match &self.kind {
            CryptoErrorKind::NoKeyring => write!(
                f,
                "field `{field}` is encrypted, but no keyring is configured: set MESH_KEYRING to a keyring file \
                 (created on first write) or `[keys] keyring = \"...\"` in mesh.toml"
            ),
            CryptoErrorKind::Keyring { path, reason } if path.is_empty() => {
                write!(f, "field `{field}` cannot be encrypted: {reason}")
            }
            CryptoErrorKind::Keyring { path, reason } => write!(f, "keyring {path}: {reason}"),
            CryptoErrorKind::MissingKey { domain, version, keyring } => write!(
                f,
                "field `{field}` needs data key {domain} v{version}, which {keyring} does not have: \
                 use the keyring the data was written with (MESH_KEYRING)"
            ),
            CryptoErrorKind::WrongKey { domain, version, keyring } => write!(
                f,
                "field `{field}` was encrypted with another data key {domain} v{version} than the one in {keyring}: \
                 use the keyring the data was written with (MESH_KEYRING)"
            ),
            CryptoErrorKind::Tampered { domain, version } => write!(
                f,
                "field `{field}` fails authentication with data key {domain} v{version}: the stored ciphertext \
                 was changed after it was written; the record is not returned"
            ),
            CryptoErrorKind::NotCiphertext { expected } => write!(
                f,
                "field `{field}` is declared encrypted ({expected}) but its stored value is not mesh ciphertext: \
                 the file was written by another tool or without encryption; rewrite it with the typed writer"
            ),
        }
    }
}

impl std::error::Error for CryptoError {}

impl From<CryptoError> for std::io::Error {
    fn from(error: CryptoError) -> Self {
        std::io::Error::other(error)
    }
}
