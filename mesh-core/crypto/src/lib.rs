//! mesh-crypto: personal data encrypted at rest, field by field.
//!
//! The typed container writer seals every value of a field declared `#[pii(..., encrypted)]`
//! with a [`Sealer`]; the typed reader opens it with an [`Opener`]. Each domain has numbered data
//! keys, handed out by a [`KeyProvider`] that keeps them wrapped by a key-encryption key
//! (envelope encryption); [`LocalKeyring`] is the embedded provider, and a cloud KMS fits behind
//! the same trait. A sealed value is a [token](token_mode) naming its mode, key version and key
//! fingerprint, so a file written before a key rotation stays readable and a wrong key is told
//! from a changed byte.
//!
//! Randomized values use AES-256-GCM-SIV, deterministic ones AES-256-SIV; both authenticate,
//! both are misuse-resistant (a repeated nonce leaks at most that two values are equal), both are
//! RustCrypto crates that use the CPU's AES instructions where present.

mod cipher;
mod default_provider;
mod error;
mod key;
mod keyring;
mod open;
mod seal;
mod token;

pub use default_provider::{
    default_provider, keyring_from_environment, set_default_provider, DEV_KEYRING_VARIABLE, KEYRING_VARIABLE,
};
pub use error::CryptoError;
pub use key::{DataKey, KeyProvider, DATA_KEY_BYTES};
pub use keyring::LocalKeyring;
pub use mesh_model::Encryption;
pub use open::{Opener, REDACTED};
pub use seal::Sealer;
pub use token::{token_mode, TOKEN_PREFIX};

#[cfg(test)]
mod tests;
