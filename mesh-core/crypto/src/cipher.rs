//! One data key, ready to seal and open values of both modes.

use aes_gcm_siv::aead::{AeadInPlace, KeyInit};
use aes_gcm_siv::{Aes256GcmSiv, Nonce};
use aes_siv::siv::Aes256Siv;
use mesh_model::Encryption;

use crate::key::DataKey;
use crate::token::{self, FINGERPRINT_DIGITS};

/// The ciphers of one data key, and the token prefixes values sealed with it start with.
pub(crate) struct KeyCiphers {
    pub version: u32,
    /// Hex digits that tell this key from another of the same version (a wrong keyring).
    pub fingerprint: String,
    pub gcm: Aes256GcmSiv,
    pub siv: Aes256Siv,
    randomized_prefix: String,
    deterministic_prefix: String,
}

impl KeyCiphers {
    pub fn new(key: &DataKey) -> Self {
        let (gcm_key, siv_key) = key.material.split_at(32);
        let gcm = Aes256GcmSiv::new(gcm_key.into());
        // The tag of an empty message under a fixed nonce: a MAC of a constant, so it names the key
        // without revealing anything of it.
        let check = gcm.encrypt_in_place_detached(Nonce::from_slice(&[0; 12]), b"mesh key check", &mut []);
        let fingerprint: String = check
            .map(|tag| tag.iter().take(FINGERPRINT_DIGITS / 2).map(|b| format!("{b:02x}")).collect())
            .unwrap_or_else(|_| "0".repeat(FINGERPRINT_DIGITS));
        let prefix = |mode| {
            let mut prefix = String::new();
            token::write_prefix(&mut prefix, mode, key.version, &fingerprint);
            prefix
        };
        Self {
            version: key.version,
            randomized_prefix: prefix(Encryption::Randomized),
            deterministic_prefix: prefix(Encryption::Deterministic),
            fingerprint,
            gcm,
            siv: Aes256Siv::new(siv_key.into()),
        }
    }

    /// The start of every token of `mode` sealed with this key.
    pub fn prefix(&self, mode: Encryption) -> &str {
        match mode {
            Encryption::Randomized => &self.randomized_prefix,
            Encryption::Deterministic => &self.deterministic_prefix,
        }
    }
}

/// What a sealed value is bound to: it opens only as a value of this domain.
pub(crate) fn associated_data(domain: &str) -> Vec<u8> {
    format!("mesh field v1 {domain}").into_bytes()
}
