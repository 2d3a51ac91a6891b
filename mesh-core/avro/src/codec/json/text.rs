//! The JSON text of single values, shared by the schema walk ([`write_datum_json`](super::write_datum_json))
//! and the generated [`WriteJson`](super::WriteJson) impls, so both print a value identically.

use std::fmt::Write as _;

use serde_json::Value as Json;

use crate::codec::decode::unscaled_decimal;
use crate::values::Uuid;

/// `true` or `false`.
#[inline]
pub fn push_bool(out: &mut String, value: bool) {
    out.push_str(if value { "true" } else { "false" });
}

/// An `int` or `long` (dates and timestamps print as their numbers).
#[inline]
pub fn push_long(out: &mut String, value: i64) {
    let _ = write!(out, "{value}");
}

/// A `float` or `double`, as serde_json prints an `f64` (not finite: `null`).
#[inline]
pub fn push_double(out: &mut String, value: f64) {
    let _ = write!(out, "{}", Json::from(value));
}

/// A string, quoted and escaped as serde_json escapes it: `"` and `\`, the short escapes
/// `\b \f \n \r \t`, other control characters as `\u00xx`; everything else as it is.
pub fn push_str(out: &mut String, value: &str) {
    out.reserve(value.len() + 2);
    out.push('"');
    let mut plain = 0;
    for (at, byte) in value.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Bytes below 0x80 are whole characters, so these slice boundaries are char boundaries.
        out.push_str(&value[plain..at]);
        plain = at + 1;
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&value[plain..]);
    out.push('"');
}

/// `bytes` or `fixed`: a string of the code points 0-255, as Avro's JSON encoding writes them.
pub fn push_bytes(out: &mut String, bytes: &[u8]) {
    push_str(out, &bytes.iter().map(|&c| char::from(c)).collect::<String>());
}

/// A uuid held as 16 big-endian bytes, in its lower-case hyphenated form.
pub fn push_uuid_bytes(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{byte:02x}");
    }
    out.push('"');
}

/// A [`Uuid`], in its lower-case hyphenated form.
#[inline]
pub fn push_uuid(out: &mut String, value: Uuid) {
    push_uuid_bytes(out, &value.0.to_be_bytes());
}

/// A decimal's exact decimal string from its big-endian two's-complement bytes, or the bytes
/// themselves if the unscaled value does not fit 128 bits.
pub fn push_decimal_bytes(out: &mut String, raw: &[u8], scale: u32) {
    match unscaled_decimal(raw) {
        Some(unscaled) => push_decimal(out, unscaled, scale),
        None => push_bytes(out, raw),
    }
}

/// `unscaled` × 10^-`scale` as an exact decimal string.
pub fn push_decimal(out: &mut String, unscaled: i128, scale: u32) {
    push_str(out, &decimal_text(unscaled, scale as usize));
}

/// `unscaled` × 10^-`scale` written out exactly.
pub(super) fn decimal_text(unscaled: i128, scale: usize) -> String {
    let sign = if unscaled < 0 { "-" } else { "" };
    let digits = unscaled.unsigned_abs().to_string();
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(value: &str) -> String {
        let mut out = String::new();
        push_str(&mut out, value);
        out
    }

    #[test]
    fn strings_escape_as_serde_json_escapes_them() {
        for c in (0..=0x7f_u8).map(char::from).chain(['é', '\u{2028}', '\u{ffff}', '😀']) {
            let text = format!("a{c}b{c}");
            assert_eq!(quoted(&text), Json::from(text.as_str()).to_string(), "character U+{:04X}", c as u32);
        }
        assert_eq!(quoted(""), r#""""#);
    }

    #[test]
    fn numbers_print_as_serde_json_prints_them() {
        for value in [0.0, -0.0, 1.5, 1e300, f64::MIN_POSITIVE, f64::from(f32::MAX), f64::NAN, f64::INFINITY] {
            let mut out = String::new();
            push_double(&mut out, value);
            assert_eq!(out, Json::from(value).to_string());
        }
        let mut out = String::new();
        push_long(&mut out, i64::MIN);
        assert_eq!(out, "-9223372036854775808");
    }
}
