//! Pieces of JSON text written straight into a line buffer: a line is a few hundred bytes
//! written millions of times, so no serde and no `format!` on the hot path.

use mesh_core::model::{CalendarDate, Instant};

use super::rng::Rng;

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// The digits of timestamps: operational systems write a fixed number (unlike `Instant`'s
/// `Display`, which drops zero fractions).
#[derive(Debug, Clone, Copy)]
pub enum Precision {
    Millis,
    Micros,
}

/// Writes RFC 3339 timestamps in UTC, keeping the text of the last date it wrote: nearly every
/// timestamp of a file falls on its day.
pub struct Timestamps {
    day: i64,
    date: [u8; 10],
}

impl Timestamps {
    pub fn new() -> Self {
        Self { day: i64::MIN, date: [b'0'; 10] }
    }

    /// `at` as `2026-11-01T10:15:02.123Z` (or `.123456Z`).
    pub fn push(&mut self, line: &mut Vec<u8>, at: Instant, precision: Precision) {
        let day = at.0.div_euclid(MICROS_PER_DAY);
        if day != self.day {
            let text = at.date().to_string();
            // Years 0..=9999 only: `generate` refuses dates outside them.
            self.date.copy_from_slice(&text.as_bytes()[..10]);
            self.day = day;
        }
        let in_day = at.0.rem_euclid(MICROS_PER_DAY);
        let seconds = in_day / MICROS_PER_SECOND;
        line.extend_from_slice(&self.date);
        line.push(b'T');
        push_padded(line, (seconds / 3600) as u64, 2);
        line.push(b':');
        push_padded(line, (seconds / 60 % 60) as u64, 2);
        line.push(b':');
        push_padded(line, (seconds % 60) as u64, 2);
        line.push(b'.');
        let fraction = (in_day % MICROS_PER_SECOND) as u64;
        match precision {
            Precision::Millis => push_padded(line, fraction / 1000, 3),
            Precision::Micros => push_padded(line, fraction, 6),
        }
        line.push(b'Z');
    }
}

/// The first instant of `day`.
pub fn start_of(day: CalendarDate) -> Instant {
    Instant(day.days_since_epoch() * MICROS_PER_DAY)
}

/// `YYYYMMDD`, as event ids carry the day.
pub fn compact_date(day: CalendarDate) -> String {
    day.to_string().replace('-', "")
}

pub fn push_u64(line: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    line.extend_from_slice(&digits[at..]);
}

/// `value` with leading zeros to at least `width` digits.
pub fn push_padded(line: &mut Vec<u8>, value: u64, width: usize) {
    let mut digits = 1;
    let mut rest = value / 10;
    while rest > 0 {
        digits += 1;
        rest /= 10;
    }
    line.resize(line.len() + width.saturating_sub(digits), b'0');
    push_u64(line, value);
}

/// `value / 10^places` as exact decimal text with `places` digits: `12345, 2` is `123.45`.
pub fn push_decimal(line: &mut Vec<u8>, value: u64, places: u32) {
    let unit = 10u64.pow(places);
    push_u64(line, value / unit);
    line.push(b'.');
    push_padded(line, value % unit, places as usize);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The low `digits` hex digits of `value`, lower case.
pub fn push_hex(line: &mut Vec<u8>, value: u64, digits: u32) {
    for shift in (0..digits).rev() {
        line.push(HEX[(value >> (shift * 4) & 0xF) as usize]);
    }
}

/// A random (version 4) UUID as text: `8-4-4-4-12` lower-case hex digits.
pub fn push_uuid_v4(line: &mut Vec<u8>, rng: &mut Rng) {
    let high = (rng.next_u64() & !0xF000) | 0x4000;
    let low = (rng.next_u64() & !(0b11 << 62)) | (0b10 << 62);
    push_hex(line, high >> 32, 8);
    line.push(b'-');
    push_hex(line, high >> 16, 4);
    line.push(b'-');
    push_hex(line, high, 4);
    line.push(b'-');
    push_hex(line, low >> 48, 4);
    line.push(b'-');
    push_hex(line, low, 12);
}

/// `text` as the inside of a JSON string. The generated texts hold no control characters, so
/// only the quote and the backslash need escaping.
pub fn push_escaped(line: &mut Vec<u8>, text: &[u8]) {
    for &byte in text {
        if byte == b'"' || byte == b'\\' {
            line.push(b'\\');
        }
        line.push(byte);
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `bytes` in standard base64 (RFC 4648 section 4), padded with `=`.
pub fn push_base64(line: &mut Vec<u8>, bytes: &[u8]) {
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let group = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            line.push(if i <= chunk.len() { BASE64[(group >> shift & 0x3F) as usize] } else { b'=' });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut line = Vec::new();
        write(&mut line);
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn timestamps_have_a_fixed_number_of_digits_and_round_trip() {
        let mut timestamps = Timestamps::new();
        for (micros, precision, expected) in [
            (1_793_528_100_000_000, Precision::Millis, "2026-11-01T10:15:00.000Z"),
            (1_793_528_100_123_456, Precision::Millis, "2026-11-01T10:15:00.123Z"),
            (1_793_528_100_000_007, Precision::Micros, "2026-11-01T10:15:00.000007Z"),
            (1_793_491_199_999_999, Precision::Micros, "2026-10-31T23:59:59.999999Z"),
        ] {
            let written = text(|line| timestamps.push(line, Instant(micros), precision));
            assert_eq!(written, expected);
            let truncated = match precision {
                Precision::Millis => micros / 1000 * 1000,
                Precision::Micros => micros,
            };
            assert_eq!(Instant::parse_rfc3339(&written), Ok(Instant(truncated)));
        }
    }

    #[test]
    fn numbers_decimals_and_hex_are_exact() {
        assert_eq!(text(|l| push_u64(l, 0)), "0");
        assert_eq!(text(|l| push_u64(l, u64::MAX)), u64::MAX.to_string());
        assert_eq!(text(|l| push_padded(l, 42, 6)), "000042");
        assert_eq!(text(|l| push_padded(l, 1_234_567, 6)), "1234567");
        assert_eq!(text(|l| push_decimal(l, 12_345, 2)), "123.45");
        assert_eq!(text(|l| push_decimal(l, 150, 4)), "0.0150");
        assert_eq!(text(|l| push_hex(l, 0x1a2b_3c4d, 8)), "1a2b3c4d");
    }

    #[test]
    fn uuids_are_version_4_text() {
        let mut rng = Rng::from_parts(&[1]);
        for _ in 0..100 {
            let uuid = text(|l| push_uuid_v4(l, &mut rng));
            let groups: Vec<&str> = uuid.split('-').collect();
            assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{uuid}");
            assert!(groups[2].starts_with('4') && "89ab".contains(&groups[3][..1]), "{uuid}");
            assert!(uuid.bytes().all(|b| b == b'-' || HEX.contains(&b)), "{uuid}");
        }
    }

    #[test]
    fn base64_is_the_standard_alphabet_with_padding() {
        // RFC 4648 section 10's test vectors.
        for (plain, encoded) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")]
        {
            assert_eq!(text(|l| push_base64(l, plain.as_bytes())), encoded);
        }
        assert_eq!(text(|l| push_base64(l, &[0xFB, 0xFF])), "+/8=");
    }

    #[test]
    fn escaping_makes_a_json_string() {
        let inner = br#"{"a":"b\c"}"#;
        let escaped = text(|l| push_escaped(l, inner));
        let parsed: String = serde_json::from_str(&format!("\"{escaped}\"")).unwrap();
        assert_eq!(parsed.as_bytes(), inner);
    }
}
