//! Rust types for Avro's logical types: what a product field uses for a date,
//! a timestamp, a uuid or a decimal.

use std::fmt;
use std::str::FromStr;

/// A calendar date: days since 1970-01-01 (Avro `int`, logical type `date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date(pub i32);

/// An instant in milliseconds since the Unix epoch, UTC (Avro `long`, logical type `timestamp-millis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimestampMillis(pub i64);

/// An instant in microseconds since the Unix epoch, UTC (Avro `long`, logical type `timestamp-micros`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimestampMicros(pub i64);

/// A UUID (Avro `string`, logical type `uuid`), written in its hyphenated form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Uuid(pub u128);

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = format!("{:032x}", self.0);
        write!(f, "{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }
}

impl FromStr for Uuid {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let hex: String = text.chars().filter(|c| *c != '-').collect();
        let hyphens_ok = text.len() == 36 && [8, 13, 18, 23].iter().all(|&i| text.as_bytes()[i] == b'-');
        if !hyphens_ok || hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{text}` is not a UUID like 123e4567-e89b-12d3-a456-426614174000"));
        }
        u128::from_str_radix(&hex, 16).map(Uuid).map_err(|e| e.to_string())
    }
}

/// A fixed-point decimal with `PRECISION` digits, `SCALE` of them after the
/// point (Avro `bytes`, logical type `decimal`), stored as its unscaled integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal<const PRECISION: u32, const SCALE: u32> {
    unscaled: i128,
}

impl<const PRECISION: u32, const SCALE: u32> Decimal<PRECISION, SCALE> {
    /// The decimal `unscaled * 10^-SCALE`, if it has at most `PRECISION` digits.
    pub fn from_unscaled(unscaled: i128) -> Option<Self> {
        (unscaled.unsigned_abs() < Self::LIMIT).then_some(Self { unscaled })
    }

    /// 10^PRECISION, computed once per type (decoding checks every value against it); 0 when it overflows.
    const LIMIT: u128 = match 10u128.checked_pow(PRECISION) {
        Some(limit) if PRECISION <= 38 => limit,
        _ => 0,
    };

    /// The unscaled integer value.
    pub const fn unscaled(self) -> i128 {
        self.unscaled
    }
}

impl<const PRECISION: u32, const SCALE: u32> fmt::Display for Decimal<PRECISION, SCALE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.unscaled < 0 { "-" } else { "" };
        let digits = self.unscaled.unsigned_abs().to_string();
        let scale = SCALE as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

impl<const PRECISION: u32, const SCALE: u32> FromStr for Decimal<PRECISION, SCALE> {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = || format!("`{text}` is not a decimal with at most {PRECISION} digits, {SCALE} after the point");
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        if whole.is_empty()
            || fraction.len() > SCALE as usize
            || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let digits = format!("{whole}{fraction:0<width$}", width = SCALE as usize);
        let magnitude: i128 = digits.parse().map_err(|_| invalid())?;
        Self::from_unscaled(if negative { -magnitude } else { magnitude }).ok_or_else(invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_round_trips_through_text() {
        let text = "123e4567-e89b-12d3-a456-426614174000";
        let uuid: Uuid = text.parse().unwrap();
        assert_eq!(uuid.to_string(), text);
        assert!("123e4567e89b12d3a456426614174000".parse::<Uuid>().is_err());
        assert!("123e4567-e89b-12d3-a456-42661417400g".parse::<Uuid>().is_err());
    }

    #[test]
    fn decimals_keep_their_scale_and_precision() {
        let amount: Decimal<12, 2> = "1234.5".parse().unwrap();
        assert_eq!(amount.unscaled(), 123_450);
        assert_eq!(amount.to_string(), "1234.50");
        assert_eq!("-0.07".parse::<Decimal<12, 2>>().unwrap().to_string(), "-0.07");
        assert!("1.234".parse::<Decimal<12, 2>>().is_err());
        assert!("12345678901".parse::<Decimal<12, 2>>().is_err());
        assert!(Decimal::<4, 0>::from_unscaled(9999).is_some());
        assert!(Decimal::<4, 0>::from_unscaled(-10_000).is_none());
    }
}
