//! Field-level encryption of the fields a declaration marks `#[pii(..., encrypted)]`.
//!
//! The typed container writer encrypts those fields with its [`Sealer`], the typed container
//! reader decrypts them with its [`Opener`]; in-memory datums (`AvroCodec::encode`) stay
//! plaintext. A value is stored in the field's declared `string` type as a token
//!
//! ```text
//! mesh1.<r|d>.<key version>.<key fingerprint>.<base64url(ciphertext)>
//! ```
//!
//! so the schema's types do not change and other Avro tools read the files (they see tokens,
//! never plaintext). `r` is randomized AES-256-GCM-SIV (a fresh 96-bit nonce per value; a repeated
//! nonce does not reveal plaintext, unlike AES-GCM); `d` is deterministic AES-256-SIV (equal
//! plaintexts give equal tokens, so the field can still be joined or grouped on, which is what it
//! leaks). Both authenticate: a changed byte fails the read. The key fingerprint (4 bytes of a MAC
//! of a constant) tells a wrong key from a tampered value without trying to decrypt.

mod base64;
mod error;
mod keyring;

use std::sync::Arc;

use aes_gcm_siv::aead::{Aead, KeyInit, Payload};
use aes_gcm_siv::{Aes256GcmSiv, Nonce};
use aes_siv::siv::Aes256Siv;

pub use error::{CryptoError, CryptoErrorKind};
pub use keyring::{default_provider, set_default_provider, DataKey, KeyProvider, LocalKeyring, DATA_KEY_BYTES};

use super::{DecodeError, DecodeErrorKind, Reader};
use keyring::for_field;

/// What a reader without access to the keys shows for an encrypted value.
pub const REDACTED: &str = "<encrypted>";

/// The schema property naming a field's encryption (`AES-256-GCM-SIV` or `AES-256-SIV`).
pub const ENCRYPTION_PROPERTY: &str = "mesh.encryption";
/// The schema property naming the key a field is encrypted with (`domain:<domain>`).
pub const KEY_PROPERTY: &str = "mesh.key";

/// How a field is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// AES-256-GCM-SIV with a random nonce: equal values give different ciphertexts.
    Randomized,
    /// AES-256-SIV: equal values give equal ciphertexts (joinable; leaks equality).
    Deterministic,
}

impl Mode {
    /// The algorithm, as the schema property names it.
    pub fn algorithm(self) -> &'static str {
        match self {
            Self::Randomized => "AES-256-GCM-SIV",
            Self::Deterministic => "AES-256-SIV",
        }
    }

    /// `randomized` or `deterministic`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Randomized => "randomized",
            Self::Deterministic => "deterministic",
        }
    }

    fn tag(self) -> char {
        match self {
            Self::Randomized => 'r',
            Self::Deterministic => 'd',
        }
    }
}

/// One data key, ready to use.
struct Ciphers {
    version: u32,
    fingerprint: String,
    gcm: Aes256GcmSiv,
    siv: Aes256Siv,
}

impl Ciphers {
    fn new(key: &DataKey) -> Self {
        let (gcm_key, siv_key) = key.material.split_at(32);
        let gcm = Aes256GcmSiv::new(gcm_key.into());
        // The tag of an empty message under a fixed nonce: a MAC of a constant, so it says which key
        // this is without revealing it.
        let check =
            gcm.encrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &[], aad: b"mesh key check" }).unwrap_or_default();
        let fingerprint = check.iter().take(4).map(|b| format!("{b:02x}")).collect();
        Self { version: key.version, fingerprint, gcm, siv: Aes256Siv::new(siv_key.into()) }
    }
}

fn aad(domain: &str) -> String {
    format!("mesh field v1 {domain}")
}

/// Encrypts the fields of one domain's records; the data key is fetched on first use.
pub struct Sealer {
    domain: String,
    provider: Option<Arc<dyn KeyProvider>>,
    ciphers: Option<Ciphers>,
    aad: String,
    token: String,
}

impl Sealer {
    /// Encrypts with `domain`'s current key from `provider`, or from [`default_provider`] if `None`.
    pub fn new(domain: &str, provider: Option<Arc<dyn KeyProvider>>) -> Self {
        Self { domain: domain.to_owned(), provider, ciphers: None, aad: aad(domain), token: String::new() }
    }

    /// The key version values are written with (fetching the key if not yet done).
    ///
    /// # Errors
    /// As [`Sealer::seal_str`].
    pub fn version(&mut self, field: &str) -> Result<u32, CryptoError> {
        self.ciphers(field).map(|c| c.version)
    }

    fn ciphers(&mut self, field: &str) -> Result<&mut Ciphers, CryptoError> {
        if self.ciphers.is_none() {
            let provider = match &self.provider {
                Some(provider) => Arc::clone(provider),
                None => default_provider().map_err(|kind| for_field(field, kind))?,
            };
            let key = provider.current_key(&self.domain).map_err(|kind| for_field(field, kind))?;
            self.ciphers = Some(Ciphers::new(&key));
        }
        Ok(self.ciphers.as_mut().unwrap_or_else(|| unreachable!("set above")))
    }

    /// Appends `value`, encrypted, as an Avro `string` to `out`.
    ///
    /// # Errors
    /// No keyring, or the domain's key cannot be read or created.
    pub fn seal_str(&mut self, out: &mut Vec<u8>, value: &str, mode: Mode, field: &str) -> Result<(), CryptoError> {
        let mut token = std::mem::take(&mut self.token);
        let aad = std::mem::take(&mut self.aad);
        let result = self.seal_token(value, mode, field, &aad, &mut token);
        self.aad = aad;
        if result.is_ok() {
            super::encode::write_str(out, &token);
        }
        self.token = token;
        result
    }

    fn seal_token(
        &mut self,
        value: &str,
        mode: Mode,
        field: &str,
        aad: &str,
        token: &mut String,
    ) -> Result<(), CryptoError> {
        let ciphers = self.ciphers(field)?;
        // Only a plaintext past the cipher's limit (64 GiB) fails to encrypt.
        let failed = || {
            for_field(
                field,
                CryptoErrorKind::Keyring { path: String::new(), reason: "the value is too long to encrypt".into() },
            )
        };
        let bytes = match mode {
            Mode::Randomized => {
                let nonce = keyring::random_bytes::<12>().map_err(|kind| for_field(field, kind))?;
                let sealed = ciphers
                    .gcm
                    .encrypt(Nonce::from_slice(&nonce), Payload { msg: value.as_bytes(), aad: aad.as_bytes() })
                    .map_err(|_| failed())?;
                let mut bytes = nonce.to_vec();
                bytes.extend_from_slice(&sealed);
                bytes
            }
            Mode::Deterministic => ciphers.siv.encrypt([aad.as_bytes()], value.as_bytes()).map_err(|_| failed())?,
        };
        token.clear();
        token.push_str("mesh1.");
        token.push(mode.tag());
        token.push('.');
        token.push_str(&ciphers.version.to_string());
        token.push('.');
        token.push_str(&ciphers.fingerprint);
        token.push('.');
        base64::encode_into(&bytes, token);
        Ok(())
    }
}

/// A stored token, split.
struct Token<'a> {
    mode: Mode,
    version: u32,
    fingerprint: &'a str,
    ciphertext: Vec<u8>,
}

fn parse_token(text: &str) -> Option<Token<'_>> {
    let rest = text.strip_prefix("mesh1.")?;
    let mut parts = rest.splitn(4, '.');
    let mode = match parts.next()? {
        "r" => Mode::Randomized,
        "d" => Mode::Deterministic,
        _ => return None,
    };
    let version = parts.next()?.parse().ok()?;
    let fingerprint = parts.next()?;
    let ciphertext = base64::decode(parts.next()?)?;
    let minimum = match mode {
        Mode::Randomized => 12 + 16,
        Mode::Deterministic => 16,
    };
    (fingerprint.len() == 8 && ciphertext.len() >= minimum).then_some(Token { mode, version, fingerprint, ciphertext })
}

/// Whether `text` is a ciphertext token of `mode` (what `cargo xtask scan` checks, without keys).
pub fn is_token(text: &str, mode: Mode) -> bool {
    parse_token(text).is_some_and(|t| t.mode == mode)
}

/// Decrypts the fields of one domain's records, or redacts them.
pub struct Opener {
    domain: String,
    provider: Option<Arc<dyn KeyProvider>>,
    reveal: bool,
    keys: Vec<Ciphers>,
    aad: String,
}

impl Opener {
    /// Decrypts with `domain`'s keys from `provider`, or from [`default_provider`] if `None`.
    pub fn new(domain: &str, provider: Option<Arc<dyn KeyProvider>>) -> Self {
        Self { domain: domain.to_owned(), provider, reveal: true, keys: Vec::new(), aad: aad(domain) }
    }

    /// Reads every encrypted value as [`REDACTED`], without keys (after checking it is a token).
    pub fn redacting(domain: &str) -> Self {
        Self { reveal: false, ..Self::new(domain, None) }
    }

    /// Reads an encrypted `string` and decrypts it.
    ///
    /// # Errors
    /// A bad length or UTF-8, or a [`DecodeErrorKind::Crypto`] error: not a token, missing or
    /// wrong key, failed authentication.
    pub fn open_str(&mut self, input: &mut Reader<'_>, mode: Mode, field: &str) -> Result<String, DecodeError> {
        let mut out = String::new();
        self.open_str_into(input, &mut out, mode, field)?;
        Ok(out)
    }

    /// As [`Opener::open_str`], into `out`.
    ///
    /// # Errors
    /// As [`Opener::open_str`].
    pub fn open_str_into(
        &mut self,
        input: &mut Reader<'_>,
        out: &mut String,
        mode: Mode,
        field: &str,
    ) -> Result<(), DecodeError> {
        let start = input.offset();
        let text = input.read_str()?;
        let error =
            |kind| DecodeError { kind: DecodeErrorKind::Crypto(Box::new(for_field(field, kind))), offset: start };
        let token = parse_token(text).ok_or_else(|| error(CryptoErrorKind::NotCiphertext { expected: mode.name() }))?;
        out.clear();
        if !self.reveal {
            out.push_str(REDACTED);
            return Ok(());
        }
        let domain = self.domain.clone();
        let at = self.ciphers(token.version).map_err(error)?;
        if self.keys[at].fingerprint != token.fingerprint {
            let keyring = self.provider.as_ref().map_or_else(String::new, |p| p.describe());
            return Err(error(CryptoErrorKind::WrongKey { domain, version: token.version, keyring }));
        }
        let (aad, ciphers) = (&self.aad, &mut self.keys[at]);
        // The value's own mode is used, so files written before a field's mode changed stay readable.
        let plain = match token.mode {
            Mode::Randomized => {
                let (nonce, sealed) = token.ciphertext.split_at(12);
                ciphers.gcm.decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: aad.as_bytes() }).ok()
            }
            Mode::Deterministic => ciphers.siv.decrypt([aad.as_bytes()], &token.ciphertext).ok(),
        };
        let tampered = || error(CryptoErrorKind::Tampered { domain: domain.clone(), version: token.version });
        let plain = String::from_utf8(plain.ok_or_else(tampered)?).map_err(|_| tampered())?;
        *out = plain;
        Ok(())
    }

    /// The index in `keys` of the data key of `version`, fetched on first use.
    fn ciphers(&mut self, version: u32) -> Result<usize, CryptoErrorKind> {
        if let Some(at) = self.keys.iter().position(|c| c.version == version) {
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
        let key = provider.key(&self.domain, version)?;
        self.keys.push(Ciphers::new(&key));
        Ok(self.keys.len() - 1)
    }
}
