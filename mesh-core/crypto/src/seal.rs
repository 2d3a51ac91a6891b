//! Encrypting values for storage.

use std::sync::Arc;

use aes_gcm_siv::aead::AeadInPlace;
use aes_gcm_siv::Nonce;
use mesh_model::Encryption;

use crate::cipher::{associated_data, KeyCiphers};
use crate::token::{self, NONCE_BYTES, TAG_BYTES};
use crate::{default_provider, CryptoError, KeyProvider};

/// Nonces handed out from one read of the operating system's generator (341 of them), so a value
/// costs no system call.
const NONCES_PER_FILL: usize = 341;

/// Seals one domain's values with its current data key (fetched on first use) into tokens.
pub struct Sealer {
    domain: String,
    provider: Option<Arc<dyn KeyProvider>>,
    key: Option<KeyCiphers>,
    aad: Vec<u8>,
    nonces: Box<[u8; NONCES_PER_FILL * NONCE_BYTES]>,
    nonces_used: usize,
    scratch: Vec<u8>,
    token: String,
}

impl Sealer {
    /// Seals with `domain`'s current key from `provider`, or from the
    /// [default provider](crate::default_provider) if `None`.
    pub fn new(domain: &str, provider: Option<Arc<dyn KeyProvider>>) -> Self {
        Self {
            domain: domain.to_owned(),
            provider,
            key: None,
            aad: associated_data(domain),
            nonces: Box::new([0; NONCES_PER_FILL * NONCE_BYTES]),
            nonces_used: NONCES_PER_FILL,
            scratch: Vec::new(),
            token: String::new(),
        }
    }

    /// The domain whose keys seal.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    fn key(&mut self) -> Result<&mut KeyCiphers, CryptoError> {
        if self.key.is_none() {
            let provider = match &self.provider {
                Some(provider) => Arc::clone(provider),
                None => default_provider()?,
            };
            self.key = Some(KeyCiphers::new(&provider.current_key(&self.domain)?));
        }
        Ok(self.key.as_mut().unwrap_or_else(|| unreachable!("set above")))
    }

    fn next_nonce(&mut self) -> Result<[u8; NONCE_BYTES], CryptoError> {
        if self.nonces_used == NONCES_PER_FILL {
            getrandom::fill(self.nonces.as_mut()).map_err(|e| CryptoError::NoRandomness(e.to_string()))?;
            self.nonces_used = 0;
        }
        let at = self.nonces_used * NONCE_BYTES;
        self.nonces_used += 1;
        let mut nonce = [0; NONCE_BYTES];
        nonce.copy_from_slice(&self.nonces[at..at + NONCE_BYTES]);
        Ok(nonce)
    }

    /// Encrypts `plaintext` in `mode` and returns its token, valid until the next call.
    ///
    /// Randomized values get a fresh random nonce each (AES-256-GCM-SIV: were two nonces ever
    /// to repeat, only the equality of two equal values would show); deterministic ones none
    /// (AES-256-SIV: equal values, equal tokens).
    ///
    /// # Errors
    /// No keyring, the domain's key cannot be read or created, or no randomness.
    pub fn seal(&mut self, plaintext: &str, mode: Encryption) -> Result<&str, CryptoError> {
        let nonce = match mode {
            Encryption::Randomized => Some(self.next_nonce()?),
            Encryption::Deterministic => None,
        };
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut token = std::mem::take(&mut self.token);
        let aad = std::mem::take(&mut self.aad);
        let sealed = self.key().and_then(|key| {
            scratch.clear();
            match nonce {
                Some(nonce) => {
                    scratch.extend_from_slice(&nonce);
                    scratch.extend_from_slice(plaintext.as_bytes());
                    let tag = key
                        .gcm
                        .encrypt_in_place_detached(Nonce::from_slice(&nonce), &aad, &mut scratch[NONCE_BYTES..])
                        .map_err(|_| CryptoError::TooLong)?;
                    scratch.extend_from_slice(&tag);
                }
                None => {
                    scratch.resize(TAG_BYTES, 0);
                    scratch.extend_from_slice(plaintext.as_bytes());
                    let tag = key
                        .siv
                        .encrypt_in_place_detached([&aad], &mut scratch[TAG_BYTES..])
                        .map_err(|_| CryptoError::TooLong)?;
                    scratch[..TAG_BYTES].copy_from_slice(&tag);
                }
            }
            token.clear();
            token.push_str(key.prefix(mode));
            token::write_sealed(&mut token, &scratch);
            Ok(())
        });
        self.scratch = scratch;
        self.token = token;
        self.aad = aad;
        sealed.map(|()| self.token.as_str())
    }
}
