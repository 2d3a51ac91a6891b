//! Encrypted `string` fields in the generated codecs: what the code the macro writes for a field
//! declared `#[pii(..., encrypted)]` calls, so that code stays one line per field.

use mesh_crypto::{Encryption, Opener, Sealer};

use super::decode::Reader;
use super::encode::write_str;
use super::error::{DecodeError, DecodeErrorKind, FieldCryptoError};

/// Appends `value`, sealed in `mode`, as an Avro `string` holding its token.
///
/// # Errors
/// The data key cannot be had (the message names `field`); `out` is left as it was.
#[inline]
pub fn write_sealed(
    out: &mut Vec<u8>,
    value: &str,
    mode: Encryption,
    sealer: &mut Sealer,
    field: &str,
) -> Result<(), FieldCryptoError> {
    let token = sealer.seal(value, mode).map_err(|error| FieldCryptoError::new(field, error))?;
    write_str(out, token);
    Ok(())
}

/// Reads a `string` holding a token sealed in `mode` (the mode the schema marks) and opens it.
///
/// # Errors
/// A bad length or UTF-8, or a [`DecodeErrorKind::Crypto`] error naming `field`: not a token,
/// a missing or wrong key, a changed byte.
#[inline]
pub fn read_opened(
    input: &mut Reader<'_>,
    mode: Encryption,
    opener: &mut Opener,
    field: &str,
) -> Result<String, DecodeError> {
    let mut out = String::new();
    read_opened_into(input, &mut out, mode, opener, field)?;
    Ok(out)
}

/// As [`read_opened`], into `out` (replacing its contents, reusing its allocation).
///
/// # Errors
/// As [`read_opened`].
#[inline]
pub fn read_opened_into(
    input: &mut Reader<'_>,
    out: &mut String,
    mode: Encryption,
    opener: &mut Opener,
    field: &str,
) -> Result<(), DecodeError> {
    let start = input.offset();
    let stored = input.read_slice()?;
    let plaintext = opener.open_bytes(stored, mode).map_err(|error| crypto_error(field, error, start))?;
    out.clear();
    out.push_str(plaintext);
    Ok(())
}

/// A decode error at `offset` for `field` that could not be opened.
pub(crate) fn crypto_error(field: &str, error: mesh_crypto::CryptoError, offset: usize) -> DecodeError {
    DecodeError { kind: DecodeErrorKind::Crypto(Box::new(FieldCryptoError::new(field, error))), offset }
}
