//! What goes wrong when encrypting or decrypting a field. Every message names the domain, the key
//! version and where the keys were looked for, never a value.

use std::fmt;

/// Why a value could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CryptoError {
    /// No key provider is set and no keyring is configured.
    NoKeyring,
    /// The keyring cannot be used: unreadable, readable by others, or not a keyring.
    Keyring {
        /// The keyring file.
        path: String,
        /// Why, and the fix.
        reason: String,
    },
    /// The keys have no data key of that domain and version.
    MissingKey {
        /// The domain whose key is needed.
        domain: String,
        /// The key version needed.
        version: u32,
        /// Where the key was looked for (`keyring PATH`).
        keys: String,
    },
    /// The data key of that domain and version is not the one the value was written with.
    WrongKey {
        /// The domain.
        domain: String,
        /// The key version.
        version: u32,
        /// Where the key came from.
        keys: String,
    },
    /// The value fails authentication: its stored bytes were changed after it was written.
    Tampered {
        /// The domain.
        domain: String,
        /// The key version the value names.
        version: u32,
    },
    /// The stored value is not a mesh ciphertext (plaintext, or another tool's encoding).
    NotCiphertext {
        /// The mode the schema says the value is encrypted in.
        expected: mesh_model::Encryption,
    },
    /// The operating system gave no random bytes for a nonce or a new key.
    NoRandomness(String),
    /// The value is longer than the cipher takes (64 GiB; no Avro string a reader accepts is).
    TooLong,
}

impl CryptoError {
    /// Whether the error is about the keys at hand rather than the value: no keyring, an
    /// unreadable one, or not the key the value was written with. Every value under the same key
    /// fails alike, so a reader stops at the first instead of skipping block after block.
    pub fn is_about_keys(&self) -> bool {
        matches!(
            self,
            CryptoError::NoKeyring
                | CryptoError::Keyring { .. }
                | CryptoError::MissingKey { .. }
                | CryptoError::WrongKey { .. }
        )
    }
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CryptoError::NoKeyring => write!(
                f,
                "no keyring is configured: set MESH_KEYRING to a keyring file (created, owner-only, on the first \
                 encrypted write) or `[keys] keyring = \"...\"` in mesh.toml"
            ),
            CryptoError::Keyring { path, reason } => write!(f, "keyring {path} {reason}"),
            CryptoError::MissingKey { domain, version, keys } => write!(
                f,
                "needs data key {domain} v{version}, which {keys} does not have: use the keyring the data was \
                 written with (MESH_KEYRING)"
            ),
            CryptoError::WrongKey { domain, version, keys } => write!(
                f,
                "was encrypted with another data key {domain} v{version} than the one in {keys}: use the keyring \
                 the data was written with (MESH_KEYRING)"
            ),
            CryptoError::Tampered { domain, version } => write!(
                f,
                "fails authentication with data key {domain} v{version}: the stored ciphertext was changed after \
                 it was written, so the record is not returned"
            ),
            CryptoError::NotCiphertext { expected } => write!(
                f,
                "is marked encrypted ({expected}) but its stored value is not mesh ciphertext: the file was \
                 written by another tool or without encryption; rewrite it with the product's typed writer"
            ),
            CryptoError::NoRandomness(why) => {
                write!(f, "cannot be encrypted: the operating system gave no random bytes ({why})")
            }
            CryptoError::TooLong => write!(f, "is longer than the cipher can encrypt (64 GiB)"),
        }
    }
}

impl std::error::Error for CryptoError {}
