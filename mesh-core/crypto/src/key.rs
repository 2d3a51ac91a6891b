//! Data keys and where they come from.

use zeroize::Zeroizing;

use crate::CryptoError;

/// Bytes of one data key: an AES-256-GCM-SIV key (32) for randomized values, then an AES-256-SIV
/// key (64) for deterministic ones.
pub const DATA_KEY_BYTES: usize = 96;

/// One numbered data key of a domain; its material is wiped from memory when dropped.
#[derive(Clone)]
pub struct DataKey {
    /// Its version, from 1.
    pub version: u32,
    /// The key material.
    pub material: Zeroizing<[u8; DATA_KEY_BYTES]>,
}

impl std::fmt::Debug for DataKey {
    // Never the material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataKey(v{})", self.version)
    }
}

/// Hands out each domain's data keys (envelope encryption: a provider keeps them wrapped by a
/// key-encryption key, and unwraps one when asked).
///
/// [`LocalKeyring`](crate::LocalKeyring) is the embedded implementation; a cloud KMS fits behind
/// the same trait, keeping the key-encryption key in the KMS and its access rules there.
pub trait KeyProvider: Send + Sync {
    /// Where the keys are, for messages: `keyring /path`, a KMS key's name.
    fn describe(&self) -> String;

    /// The domain's newest data key, the one new values are written with; a provider creates
    /// version 1 on a domain's first use.
    ///
    /// # Errors
    /// The keys cannot be read or created.
    fn current_key(&self, domain: &str) -> Result<DataKey, CryptoError>;

    /// The domain's data key of `version`.
    ///
    /// # Errors
    /// [`CryptoError::MissingKey`] if there is none; the keys cannot be read.
    fn key(&self, domain: &str, version: u32) -> Result<DataKey, CryptoError>;

    /// The versions of the domain's data keys, oldest first (none for a domain without keys:
    /// asking creates nothing).
    ///
    /// # Errors
    /// The keys cannot be read.
    fn key_versions(&self, domain: &str) -> Result<Vec<u32>, CryptoError>;
}

/// `N` random bytes from the operating system.
///
/// # Errors
/// [`CryptoError::NoRandomness`].
pub(crate) fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>, CryptoError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut()).map_err(|e| CryptoError::NoRandomness(e.to_string()))?;
    Ok(bytes)
}
