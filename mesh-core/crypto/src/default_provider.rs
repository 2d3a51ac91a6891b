//! The key provider container writers and readers use when given none.

use std::sync::{Arc, PoisonError, RwLock};

use crate::{CryptoError, KeyProvider, LocalKeyring};

/// The environment variable naming the keyring file to use.
pub const KEYRING_VARIABLE: &str = "MESH_KEYRING";
/// The development keyring, which `.cargo/config.toml` sets for every cargo command of the
/// workspace (a git-ignored file), so tests and local runs work with nothing set up.
pub const DEV_KEYRING_VARIABLE: &str = "MESH_DEV_KEYRING";

static DEFAULT: RwLock<Option<Arc<dyn KeyProvider>>> = RwLock::new(None);

/// Makes `provider` the one used by writers and readers that are given none.
pub fn set_default_provider(provider: Arc<dyn KeyProvider>) {
    *DEFAULT.write().unwrap_or_else(PoisonError::into_inner) = Some(provider);
}

/// The provider set with [`set_default_provider`]; else the local keyring named by
/// `MESH_KEYRING`; else the one named by `MESH_DEV_KEYRING`.
///
/// # Errors
/// [`CryptoError::NoKeyring`] when there is none of them.
pub fn default_provider() -> Result<Arc<dyn KeyProvider>, CryptoError> {
    if let Some(provider) = DEFAULT.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
        return Ok(Arc::clone(provider));
    }
    keyring_from_environment().map(|keyring| Arc::new(keyring) as Arc<dyn KeyProvider>).ok_or(CryptoError::NoKeyring)
}

/// The keyring the environment names: `MESH_KEYRING`, else `MESH_DEV_KEYRING`.
pub fn keyring_from_environment() -> Option<LocalKeyring> {
    [KEYRING_VARIABLE, DEV_KEYRING_VARIABLE]
        .iter()
        .find_map(|name| std::env::var_os(name).filter(|value| !value.is_empty()))
        .map(LocalKeyring::new)
}
