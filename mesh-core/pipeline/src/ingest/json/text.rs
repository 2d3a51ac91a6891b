//! The text forms landing files use for values JSON has no type for: base64 bytes, decimal text,
//! uuids, dates and RFC 3339 timestamps. Each parser returns why a text is refused, never the text.

use mesh_core::model::{CalendarDate, Instant, InstantError};

/// Why a text is not standard base64 (RFC 4648, section 4) with its padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Base64Error {
    /// The length is not a multiple of 4 (padding is required).
    Length,
    /// A character outside `A-Z a-z 0-9 + /` (the URL-safe `-` and `_` included).
    Alphabet,
    /// `=` before the last two characters, or three of them.
    Padding,
    /// The bits after the last byte are not zero, as no encoder writes them.
    TrailingBits,
}

const INVALID: u8 = 0xff;

/// The value of each base64 character, [`INVALID`] for the others.
const BASE64: [u8; 256] = {
    let mut table = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// How many bytes `text` decodes to, if its length and padding are those of base64.
pub(super) fn base64_len(text: &str) -> Result<usize, Base64Error> {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(4) {
        return Err(Base64Error::Length);
    }
    let padding = b.iter().rev().take(2).take_while(|&&c| c == b'=').count();
    Ok(b.len() / 4 * 3 - padding)
}

/// Appends the bytes `text` encodes to `out`; on error `out` may hold part of them.
pub(super) fn decode_base64(text: &str, out: &mut Vec<u8>) -> Result<(), Base64Error> {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(4) {
        return Err(Base64Error::Length);
    }
    let Some((full, last)) = b.split_last_chunk::<4>() else { return Ok(()) };
    out.reserve(b.len() / 4 * 3);
    for group in full.chunks_exact(4) {
        let n = sextets(group)?;
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    match last {
        [.., b'=', c] if *c != b'=' => Err(Base64Error::Padding),
        [a, b, b'=', b'='] => {
            let n = sextets(&[*a, *b, b'A', b'A'])?;
            if n & 0xffff != 0 {
                return Err(Base64Error::TrailingBits);
            }
            out.push((n >> 16) as u8);
            Ok(())
        }
        [a, b, c, b'='] => {
            let n = sextets(&[*a, *b, *c, b'A'])?;
            if n & 0xff != 0 {
                return Err(Base64Error::TrailingBits);
            }
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]);
            Ok(())
        }
        group => {
            let n = sextets(group)?;
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
            Ok(())
        }
    }
}

/// Four characters as 24 bits.
#[inline]
fn sextets(group: &[u8]) -> Result<u32, Base64Error> {
    let mut n = 0u32;
    for &c in group {
        let value = BASE64[usize::from(c)];
        if value == INVALID {
            return Err(if c == b'=' { Base64Error::Padding } else { Base64Error::Alphabet });
        }
        n = n << 6 | u32::from(value);
    }
    Ok(n)
}

/// Why a text is not a decimal of the declared precision and scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DecimalError {
    /// Not `[-]digits[.digits]`.
    Form,
    /// More digits after the point than the scale: rounding would change the value.
    Scale,
    /// More digits than the precision.
    Precision,
    /// More than 38 digits, beyond the 128 bits this encoder computes in.
    Wide,
}

/// The unscaled value of decimal text: `-12.5` at scale 2 is -1250. Fewer fraction digits than
/// the scale are padded with zeros; more are an error, never rounded.
pub(super) fn parse_decimal(text: &str, precision: u32, scale: u32) -> Result<i128, DecimalError> {
    let (negative, body) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        body => (false, body),
    };
    let (whole, fraction) = match body.iter().position(|&c| c == b'.') {
        Some(point) => (&body[..point], Some(&body[point + 1..])),
        None => (body, None),
    };
    let fraction = fraction.unwrap_or_default();
    let digits_ok = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    if !digits_ok(whole) || (body.len() > whole.len() && !digits_ok(fraction)) {
        return Err(DecimalError::Form);
    }
    if fraction.len() > scale as usize {
        return Err(DecimalError::Scale);
    }
    let padding = scale as usize - fraction.len();
    let mut unscaled: i128 = 0;
    let digits = whole.iter().chain(fraction).map(|&c| c - b'0').chain(std::iter::repeat_n(0, padding));
    for digit in digits {
        unscaled = unscaled
            .checked_mul(10)
            .and_then(|n| n.checked_add(i128::from(digit)))
            .ok_or(if precision > 38 { DecimalError::Wide } else { DecimalError::Precision })?;
    }
    if precision <= 38 && unscaled >= 10i128.pow(precision) {
        return Err(DecimalError::Precision);
    }
    Ok(if negative { -unscaled } else { unscaled })
}

/// A uuid's canonical text (`8-4-4-4-12` hex digits, either case) as its 128 bits.
pub(super) fn parse_uuid(text: &str) -> Option<u128> {
    let b: &[u8; 36] = text.as_bytes().try_into().ok()?;
    if [b[8], b[13], b[18], b[23]] != [b'-'; 4] {
        return None;
    }
    // Group by group, with constant ranges: loops the compiler unrolls, no bounds checks.
    let mut value = 0u128;
    let mut invalid = 0u8;
    for group in [&b[0..8], &b[9..13], &b[14..18], &b[19..23], &b[24..36]] {
        for &c in group {
            let digit = HEX[usize::from(c)];
            invalid |= digit;
            value = value << 4 | u128::from(digit & 0xf);
        }
    }
    // Only non-digits have the high bit.
    (invalid & 0x80 == 0).then_some(value)
}

/// The value of each hex digit, 0x80 for the other bytes.
const HEX: [u8; 256] = {
    let mut table = [0x80; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Why a text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateError {
    /// Not `YYYY-MM-DD`.
    Form,
    /// A month or day that does not exist.
    OutOfRange,
}

/// `YYYY-MM-DD` as days since 1970-01-01.
pub(super) fn parse_date(text: &str) -> Result<i32, DateError> {
    let b = text.as_bytes();
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(DateError::Form);
    }
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(DateError::Form);
    };
    let date = CalendarDate::new(year as i32, month as u8, day as u8).ok_or(DateError::OutOfRange)?;
    // Four-digit years are a few million days from the epoch at most.
    Ok(date.days_since_epoch() as i32)
}

/// The unit of a timestamp's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// `*-millis`
    Millis,
    /// `*-micros`
    Micros,
    /// `*-nanos`
    Nanos,
}

impl Unit {
    /// How many digits of a second's fraction the unit holds.
    fn digits(self) -> usize {
        match self {
            Unit::Millis => 3,
            Unit::Micros => 6,
            Unit::Nanos => 9,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Unit::Millis => "milliseconds",
            Unit::Micros => "microseconds",
            Unit::Nanos => "nanoseconds",
        }
    }
}

/// Why a text is not a timestamp of the field's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TimestampError {
    /// Not RFC 3339, or a date or time that does not exist.
    Text(InstantError),
    /// Non-zero digits finer than the unit: rounding would change the value.
    Finer,
    /// A local timestamp with an offset other than `Z`: it is a wall-clock time, in no zone.
    Offset,
    /// Beyond the range of a long in this unit.
    OutOfRange,
}

/// An RFC 3339 timestamp in `unit` since the epoch. A local timestamp is the wall-clock time as
/// written: without an offset (`2026-11-01T10:15:00`) or with `Z`.
pub(super) fn parse_timestamp(text: &str, unit: Unit, local: bool) -> Result<i64, TimestampError> {
    let b = text.as_bytes();
    let zoned = matches!(b.last(), Some(b'Z' | b'z'));
    let offset = b.len() >= 25 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':';
    let mut buffer = [0u8; 40];
    let text = if local && offset {
        return Err(TimestampError::Offset);
    } else if local && !zoned {
        // A wall-clock time read as if in UTC, which is what a local timestamp's number counts.
        let Some(with_zone) = buffer.get_mut(..b.len() + 1) else {
            return Err(TimestampError::Text(InstantError::Form));
        };
        with_zone[..b.len()].copy_from_slice(b);
        with_zone[b.len()] = b'Z';
        std::str::from_utf8(with_zone).map_err(|_| TimestampError::Text(InstantError::Form))?
    } else {
        text
    };
    let micros = Instant::parse_rfc3339(text).map_err(TimestampError::Text)?.0;
    // The fraction, if any, starts after `YYYY-MM-DDTHH:MM:SS.` (the parser checked the form).
    let fraction = match text.as_bytes().get(19) {
        Some(b'.') => {
            let digits = &text.as_bytes()[20..];
            &digits[..digits.iter().take_while(|c| c.is_ascii_digit()).count()]
        }
        _ => &[][..],
    };
    if fraction.iter().skip(unit.digits()).any(|&c| c != b'0') {
        return Err(TimestampError::Finer);
    }
    match unit {
        Unit::Millis => Ok(micros.div_euclid(1000)),
        Unit::Micros => Ok(micros),
        Unit::Nanos => {
            let below_micros =
                fraction.iter().skip(6).chain(b"000").take(3).fold(0, |n, &c| n * 10 + i64::from(c - b'0'));
            micros.checked_mul(1000).and_then(|n| n.checked_add(below_micros)).ok_or(TimestampError::OutOfRange)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base64(text: &str) -> Result<Vec<u8>, Base64Error> {
        let mut out = Vec::new();
        decode_base64(text, &mut out)?;
        assert_eq!(base64_len(text), Ok(out.len()), "{text}");
        Ok(out)
    }

    #[test]
    fn base64_decodes_the_rfc_4648_test_vectors() {
        // RFC 4648, section 10.
        for (text, bytes) in [
            ("", ""),
            ("Zg==", "f"),
            ("Zm8=", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg==", "foob"),
            ("Zm9vYmE=", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ] {
            assert_eq!(base64(text), Ok(bytes.as_bytes().to_vec()), "{text}");
        }
        assert_eq!(base64("+/+/"), Ok(vec![0xfb, 0xff, 0xbf]));
    }

    #[test]
    fn base64_refuses_missing_padding_other_alphabets_and_stray_bits() {
        for (text, error) in [
            ("Zg", Base64Error::Length),
            ("Zm9vY", Base64Error::Length),
            ("-_-_", Base64Error::Alphabet),
            ("Zm 9", Base64Error::Alphabet),
            ("Z===", Base64Error::Padding),
            ("Zg=A", Base64Error::Padding),
            ("Zg==Zm9v", Base64Error::Padding),
            ("Zh==", Base64Error::TrailingBits),
            ("Zm9=", Base64Error::TrailingBits),
        ] {
            assert_eq!(decode_base64(text, &mut Vec::new()), Err(error), "{text}");
        }
    }

    #[test]
    fn decimals_are_exact_or_refused() {
        for (text, unscaled) in [("123.45", 12345), ("-0.5", -50), ("7", 700), ("007.10", 710), ("-0", 0)] {
            assert_eq!(parse_decimal(text, 5, 2), Ok(unscaled), "{text}");
        }
        for (text, error) in [
            ("1.234", DecimalError::Scale),
            ("1234.5", DecimalError::Precision),
            ("1e2", DecimalError::Form),
            (".5", DecimalError::Form),
            ("5.", DecimalError::Form),
            ("+5", DecimalError::Form),
            ("", DecimalError::Form),
            ("-", DecimalError::Form),
            ("1.2.3", DecimalError::Form),
        ] {
            assert_eq!(parse_decimal(text, 5, 2), Err(error), "{text}");
        }
        let max38 = "9".repeat(38);
        assert_eq!(parse_decimal(&max38, 38, 0), Ok(10i128.pow(38) - 1));
        assert_eq!(parse_decimal(&format!("1{max38}"), 38, 0), Err(DecimalError::Precision));
        assert_eq!(parse_decimal(&format!("1{max38}"), 50, 0), Err(DecimalError::Wide));
        assert_eq!(parse_decimal(&format!("1{}", "0".repeat(38)), 50, 0), Ok(10i128.pow(38)));
    }

    #[test]
    fn uuids_take_either_case_and_only_the_hyphenated_form() {
        let expected = 0x123e4567_e89b_12d3_a456_426614174000;
        assert_eq!(parse_uuid("123e4567-e89b-12d3-a456-426614174000"), Some(expected));
        assert_eq!(parse_uuid("123E4567-E89B-12D3-A456-426614174000"), Some(expected));
        for bad in [
            "123e4567e89b12d3a456426614174000",
            "123e4567-e89b-12d3-a456-42661417400g",
            "{123e4567-e89b-12d3-a456-4266141740}",
        ] {
            assert_eq!(parse_uuid(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("1969-12-31"), Ok(-1));
        assert_eq!(parse_date("2024-02-29"), Ok(19_782));
        assert_eq!(parse_date("2023-02-29"), Err(DateError::OutOfRange));
        for bad in ["2024-2-29", "2024/02/29", "20240229", "2024-02-29T00:00:00Z", "+024-02-29"] {
            assert_eq!(parse_date(bad), Err(DateError::Form), "{bad}");
        }
    }

    #[test]
    fn timestamps_keep_every_digit_of_their_unit_and_refuse_finer_ones() {
        let at = |text, unit, local| parse_timestamp(text, unit, local);
        assert_eq!(at("1970-01-01T00:00:01.5Z", Unit::Millis, false), Ok(1500));
        assert_eq!(at("1969-12-31T23:59:59.999Z", Unit::Millis, false), Ok(-1));
        assert_eq!(at("1970-01-01T01:00:00.000100+01:00", Unit::Micros, false), Ok(100));
        assert_eq!(at("1970-01-01T00:00:00.000000001Z", Unit::Nanos, false), Ok(1));
        assert_eq!(at("1970-01-01T00:00:00.5Z", Unit::Nanos, false), Ok(500_000_000));
        assert_eq!(at("1970-01-01T00:00:00.1230Z", Unit::Millis, false), Ok(123));
        assert_eq!(at("1970-01-01T00:00:00.1234Z", Unit::Millis, false), Err(TimestampError::Finer));
        assert_eq!(at("1970-01-01T00:00:00.0000001Z", Unit::Micros, false), Err(TimestampError::Finer));
        assert_eq!(at("2300-01-01T00:00:00Z", Unit::Nanos, false), Err(TimestampError::OutOfRange));
        assert_eq!(
            at("1970-01-01T00:00:01", Unit::Millis, false),
            Err(TimestampError::Text(InstantError::Form)),
            "an instant needs its offset"
        );
    }

    #[test]
    fn local_timestamps_are_wall_clock_times_without_an_offset() {
        let at = |text| parse_timestamp(text, Unit::Millis, true);
        assert_eq!(at("1970-01-01T00:00:01"), Ok(1000));
        assert_eq!(at("1970-01-01T00:00:01.250"), Ok(1250));
        assert_eq!(at("1970-01-01T00:00:01Z"), Ok(1000));
        assert_eq!(at("1970-01-01T02:00:01+02:00"), Err(TimestampError::Offset));
        assert_eq!(at("1970-01-01"), Err(TimestampError::Text(InstantError::Form)));
        assert_eq!(at(&"1".repeat(60)), Err(TimestampError::Text(InstantError::Form)));
    }
}
