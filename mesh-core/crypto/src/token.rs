//! The text an encrypted value is stored as, in the field's own `string`:
//!
//! ```text
//! mesh1.r.1.3fa2c01d.<base64url of the sealed bytes>
//!       │ │ └ fingerprint of the data key (4 bytes of a MAC of a constant, hex)
//!       │ └── data key version
//!       └──── r randomized (AES-256-GCM-SIV: nonce, ciphertext, tag), d deterministic (AES-256-SIV: tag, ciphertext)
//! ```
//!
//! Text rather than `bytes` keeps every schema's field types, so other Avro tools read the files
//! (they see tokens, never plaintext).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use mesh_model::Encryption;

/// Every token starts with it; the digit is the format's version.
pub const TOKEN_PREFIX: &str = "mesh1.";
/// Bytes of a GCM-SIV nonce.
pub(crate) const NONCE_BYTES: usize = 12;
/// Bytes of an authentication tag (both ciphers).
pub(crate) const TAG_BYTES: usize = 16;
/// Hex digits of a key fingerprint.
pub(crate) const FINGERPRINT_DIGITS: usize = 8;

/// The letter a token names its mode with.
pub(crate) const fn mode_letter(mode: Encryption) -> char {
    match mode {
        Encryption::Randomized => 'r',
        Encryption::Deterministic => 'd',
    }
}

/// Bytes the cipher adds to a value of `mode`.
pub(crate) const fn overhead(mode: Encryption) -> usize {
    match mode {
        Encryption::Randomized => NONCE_BYTES + TAG_BYTES,
        Encryption::Deterministic => TAG_BYTES,
    }
}

/// A stored token, split; the sealed bytes are still base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub mode: Encryption,
    pub version: u32,
    pub fingerprint: &'a [u8],
    pub sealed: &'a [u8],
}

/// Splits `text` if it has the shape of a token: the prefix, a mode, a version, a fingerprint and
/// text long enough for the cipher's overhead (whether it is base64url, decoding tells).
pub(crate) fn parse(text: &[u8]) -> Option<Token<'_>> {
    let rest = text.strip_prefix(TOKEN_PREFIX.as_bytes())?;
    let (mode, rest) = match rest {
        [b'r', b'.', rest @ ..] => (Encryption::Randomized, rest),
        [b'd', b'.', rest @ ..] => (Encryption::Deterministic, rest),
        _ => return None,
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let version = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let rest = rest[digits..].strip_prefix(b".")?;
    let fingerprint = rest.get(..FINGERPRINT_DIGITS)?;
    let sealed = rest[FINGERPRINT_DIGITS..].strip_prefix(b".")?;
    let long_enough = sealed.len() * 3 / 4 >= overhead(mode);
    (fingerprint.iter().all(u8::is_ascii_hexdigit) && long_enough && sealed.len() % 4 != 1).then_some(Token {
        mode,
        version,
        fingerprint,
        sealed,
    })
}

/// The mode of `text` if it is a mesh ciphertext token (by its shape, base64url included: no key
/// is needed, none is checked), as `cargo xtask scan` tells ciphertext from plaintext at rest.
pub fn token_mode(text: impl AsRef<[u8]>) -> Option<Encryption> {
    let token = parse(text.as_ref())?;
    is_base64url(token.sealed).then_some(token.mode)
}

/// Whether `sealed` is all base64url characters (no padding).
pub(crate) fn is_base64url(sealed: &[u8]) -> bool {
    sealed.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

/// Appends `TOKEN_PREFIX`, the mode, version and fingerprint, and the dots between them.
pub(crate) fn write_prefix(out: &mut String, mode: Encryption, version: u32, fingerprint: &str) {
    out.push_str(TOKEN_PREFIX);
    out.push(mode_letter(mode));
    out.push('.');
    out.push_str(&version.to_string());
    out.push('.');
    out.push_str(fingerprint);
    out.push('.');
}

/// Appends the base64url text of `sealed` to `out`.
pub(crate) fn write_sealed(out: &mut String, sealed: &[u8]) {
    URL_SAFE_NO_PAD.encode_string(sealed, out);
}

/// Decodes the base64 of a token's sealed bytes into `out` (replacing its contents); `None` if it
/// is not base64url.
pub(crate) fn decode_sealed(sealed: &[u8], out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    URL_SAFE_NO_PAD.decode_vec(sealed, out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_recognised_by_shape_and_everything_else_is_not() {
        let sealed = "A".repeat(40);
        let randomized = format!("mesh1.r.12.0a1b2c3d.{sealed}");
        let token = parse(randomized.as_bytes()).unwrap();
        assert_eq!((token.mode, token.version, token.fingerprint), (Encryption::Randomized, 12, &b"0a1b2c3d"[..]));
        assert_eq!(token_mode(format!("mesh1.d.1.0a1b2c3d.{}", "A".repeat(22))), Some(Encryption::Deterministic));
        for text in [
            "jane@example.com".to_owned(),
            String::new(),
            format!("mesh1.x.1.0a1b2c3d.{sealed}"),
            format!("mesh1.r..0a1b2c3d.{sealed}"),
            format!("mesh1.r.1.0a1b2c3z.{sealed}"),
            format!("mesh1.r.1.0a1b2c3d{sealed}"),
            format!("mesh1.r.1.0a1b2c3d.{}", "A".repeat(20)),
            format!("mesh1.r.1.0a1b2c3d.{sealed}+/"),
            format!("mesh2.r.1.0a1b2c3d.{sealed}"),
        ] {
            assert_eq!(token_mode(&text), None, "{text}");
        }
    }
}
