//! Decrypting stored values, or showing them redacted to whoever reads without keys.

use std::sync::Arc;

use aes_gcm_siv::aead::AeadInPlace;
use aes_gcm_siv::Nonce;
use mesh_model::Encryption;

use crate::cipher::{associated_data, KeyCiphers};
use crate::token::{self, NONCE_BYTES, TAG_BYTES};
use crate::{default_provider, CryptoError, KeyProvider};

/// What a reader without access to the keys shows for an encrypted value.
pub const REDACTED: &str = "<encrypted>";

/// Opens one domain's tokens with its data keys (each fetched on first use), or redacts them.
pub struct Opener {
    domain: String,
    provider: Option<Arc<dyn KeyProvider>>,
    reveal: bool,
    keys: Vec<KeyCiphers>,
    aad: Vec<u8>,
    scratch: Vec<u8>,
}

impl Opener {
    /// Opens with `domain`'s keys from `provider`, or from the
    /// [default provider](crate::default_provider) if `None`.
    pub fn new(domain: &str, provider: Option<Arc<dyn KeyProvider>>) -> Self {
        Self {
            domain: domain.to_owned(),
            provider,
            reveal: true,
            keys: Vec::new(),
            aad: associated_data(domain),
            scratch: Vec::new(),
        }
    }

    /// Reads every token as [`REDACTED`], without keys (after checking it is a token).
    pub fn redacting(domain: &str) -> Self {
        Self { reveal: false, ..Self::new(domain, None) }
    }

    /// The domain whose keys open.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Whether values are decrypted (else redacted).
    pub fn reveals(&self) -> bool {
        self.reveal
    }

    /// The plaintext of the token `stored`, valid until the next call; [`REDACTED`] when redacting.
    ///
    /// The token's own mode is used, so values written before a field's mode changed stay readable;
    /// `expected` is the mode the schema marks, named when `stored` is no token at all.
    ///
    /// # Errors
    /// Not a token; the key of its version is missing or another one; authentication fails.
    pub fn open(&mut self, stored: &str, expected: Encryption) -> Result<&str, CryptoError> {
        self.open_bytes(stored.as_bytes(), expected)
    }

    /// As [`Opener::open`], from the stored bytes (a token is ASCII: no UTF-8 check is needed
    /// before it is parsed).
    ///
    /// # Errors
    /// As [`Opener::open`].
    pub fn open_bytes(&mut self, stored: &[u8], expected: Encryption) -> Result<&str, CryptoError> {
        let token = token::parse(stored).ok_or(CryptoError::NotCiphertext { expected })?;
        if !self.reveal {
            // Without keys the shape is all there is to check, base64 included (opening checks it
            // by decoding).
            return match token::is_base64url(token.sealed) {
                true => Ok(REDACTED),
                false => Err(CryptoError::NotCiphertext { expected }),
            };
        }
        let at = self.key_index(token.version)?;
        let tampered = || CryptoError::Tampered { domain: self.domain.clone(), version: token.version };
        let key = &mut self.keys[at];
        if key.fingerprint.as_bytes() != token.fingerprint {
            let keys = self.provider.as_ref().map_or_else(String::new, |p| p.describe());
            return Err(CryptoError::WrongKey { domain: self.domain.clone(), version: token.version, keys });
        }
        token::decode_sealed(token.sealed, &mut self.scratch).ok_or_else(tampered)?;
        let opened = match token.mode {
            Encryption::Randomized if self.scratch.len() >= NONCE_BYTES + TAG_BYTES => {
                let (nonce, rest) = self.scratch.split_at_mut(NONCE_BYTES);
                let (text, tag) = rest.split_at_mut(rest.len() - TAG_BYTES);
                key.gcm.decrypt_in_place_detached(Nonce::from_slice(nonce), &self.aad, text, (&*tag).into()).is_ok()
            }
            Encryption::Deterministic if self.scratch.len() >= TAG_BYTES => {
                let (tag, text) = self.scratch.split_at_mut(TAG_BYTES);
                key.siv.decrypt_in_place_detached([&self.aad], text, (&*tag).into()).is_ok()
            }
            _ => false,
        };
        if !opened {
            return Err(tampered());
        }
        let text = match token.mode {
            Encryption::Randomized => &self.scratch[NONCE_BYTES..self.scratch.len() - TAG_BYTES],
            Encryption::Deterministic => &self.scratch[TAG_BYTES..],
        };
        // Sealed values are text; authenticated bytes that are not were not sealed by a mesh writer.
        std::str::from_utf8(text)
            .map_err(|_| CryptoError::Tampered { domain: self.domain.clone(), version: token.version })
    }

    /// The index in `keys` of the data key of `version`, fetched on first use.
    fn key_index(&mut self, version: u32) -> Result<usize, CryptoError> {
        if let Some(at) = self.keys.iter().position(|key| key.version == version) {
            return Ok(at);
        }
        let provider = match &self.provider {
            Some(provider) => Arc::clone(provider),
            None => {
                let provider = default_provider()?;
                self.provider = Some(Arc::clone(&provider));
                provider
            }
        };
        self.keys.push(KeyCiphers::new(&provider.key(&self.domain, version)?));
        Ok(self.keys.len() - 1)
    }
}
