//! Instants as microseconds since 1970-01-01T00:00:00Z, read from and written as RFC 3339 text
//! (`2026-11-01T10:15:00.123Z`): landing files, run manifests and `--at` arguments use them.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::calendar::CalendarDate;

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// An instant, in microseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

/// Why a text is not an RFC 3339 timestamp. It never repeats the text: landing data may hold
/// personal data in any field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstantError {
    /// Not `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`.
    Form,
    /// The date does not exist, or a time part is out of range.
    OutOfRange,
}

impl fmt::Display for InstantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Form => "not an RFC 3339 timestamp (e.g. 2026-11-01T10:15:00Z)",
            Self::OutOfRange => "an RFC 3339 timestamp with a date or time that does not exist",
        })
    }
}

impl std::error::Error for InstantError {}

impl Instant {
    /// Now, from the system clock.
    pub fn now() -> Self {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => Self(i64::try_from(after.as_micros()).unwrap_or(i64::MAX)),
            Err(before) => Self(-i64::try_from(before.duration().as_micros()).unwrap_or(i64::MAX)),
        }
    }

    /// From milliseconds since the epoch.
    pub fn from_millis(millis: i64) -> Self {
        Self(millis.saturating_mul(1000))
    }

    /// Milliseconds since the epoch (rounded towards negative infinity).
    pub fn millis(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// The calendar day (UTC) the instant falls on.
    pub fn date(self) -> CalendarDate {
        CalendarDate::from_days_since_epoch(self.0.div_euclid(MICROS_PER_DAY))
    }

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of up to 9 digits (digits
    /// beyond microseconds are truncated), then `Z` or an offset `±HH:MM`. `t` and `z` are
    /// accepted in lower case, and a space in place of `T`, as RFC 3339 allows.
    ///
    /// # Errors
    /// The text is not of that form, or names a date or time that does not exist.
    pub fn parse_rfc3339(text: &str) -> Result<Self, InstantError> {
        let b = text.as_bytes();
        if b.len() < 20 {
            return Err(InstantError::Form);
        }
        let digits = |range: std::ops::Range<usize>| -> Result<i64, InstantError> {
            let mut value = 0i64;
            for &byte in &b[range] {
                if !byte.is_ascii_digit() {
                    return Err(InstantError::Form);
                }
                value = value * 10 + i64::from(byte - b'0');
            }
            Ok(value)
        };
        let separators = b[4] == b'-' && b[7] == b'-' && matches!(b[10], b'T' | b't' | b' ') && b[13] == b':';
        if !separators || b[16] != b':' {
            return Err(InstantError::Form);
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        let mut at = 19;
        let mut micros = 0i64;
        if b[at] == b'.' {
            let start = at + 1;
            at = start;
            while at < b.len() && b[at].is_ascii_digit() {
                at += 1;
            }
            let fraction = at - start;
            if fraction == 0 || fraction > 9 {
                return Err(InstantError::Form);
            }
            let kept = fraction.min(6);
            micros = digits(start..start + kept)? * 10i64.pow(6 - kept as u32);
        }
        let offset_minutes = match &b[at..] {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = digits(at + 1..at + 3)?;
                let minutes = digits(at + 4..at + 6)?;
                let _ = (h1, h2, m1, m2);
                if hours > 23 || minutes > 59 {
                    return Err(InstantError::OutOfRange);
                }
                let total = hours * 60 + minutes;
                if *sign == b'-' {
                    -total
                } else {
                    total
                }
            }
            _ => return Err(InstantError::Form),
        };
        // Leap seconds (":60") are accepted as RFC 3339 allows and folded into the next second.
        if hour > 23 || minute > 59 || second > 60 {
            return Err(InstantError::OutOfRange);
        }
        let date = CalendarDate::new(year as i32, month as u8, day as u8).ok_or(InstantError::OutOfRange)?;
        let seconds = date.days_since_epoch() * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
        Ok(Self(seconds * MICROS_PER_SECOND + micros))
    }
}

impl fmt::Display for Instant {
    /// RFC 3339 in UTC, with as many fraction digits as the instant needs (none, 3 or 6).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day_micros = self.0.rem_euclid(MICROS_PER_DAY);
        let seconds = day_micros / MICROS_PER_SECOND;
        let fraction = day_micros % MICROS_PER_SECOND;
        write!(f, "{}T{:02}:{:02}:{:02}", self.date(), seconds / 3600, seconds / 60 % 60, seconds % 60)?;
        if fraction % 1000 != 0 {
            write!(f, ".{fraction:06}")?;
        } else if fraction != 0 {
            write!(f, ".{:03}", fraction / 1000)?;
        }
        f.write_str("Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_text_round_trips_through_microseconds() {
        for (text, micros) in [
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59.999Z", -1000),
            ("2026-11-01T10:15:00.123Z", 1_793_528_100_123_000),
            ("2024-02-29T12:00:00.000001Z", 1_709_208_000_000_001),
        ] {
            let parsed = Instant::parse_rfc3339(text).unwrap();
            assert_eq!(parsed, Instant(micros), "{text}");
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn offsets_lower_case_and_long_fractions_are_read() {
        let utc = Instant::parse_rfc3339("2026-11-01T10:15:00Z").unwrap();
        assert_eq!(Instant::parse_rfc3339("2026-11-01T12:15:00+02:00").unwrap(), utc);
        assert_eq!(Instant::parse_rfc3339("2026-11-01T05:45:00-04:30").unwrap(), utc);
        assert_eq!(Instant::parse_rfc3339("2026-11-01t10:15:00z").unwrap(), utc);
        assert_eq!(Instant::parse_rfc3339("2026-11-01 10:15:00Z").unwrap(), utc);
        assert_eq!(Instant::parse_rfc3339("2026-11-01T10:15:00.123456789Z").unwrap().0 - utc.0, 123_456);
    }

    #[test]
    fn malformed_and_impossible_timestamps_are_refused() {
        for bad in ["", "2026-11-01", "2026-11-01T10:15:00", "2026-11-01T10:15:00.Z", "2026/11/01T10:15:00Z"] {
            assert_eq!(Instant::parse_rfc3339(bad), Err(InstantError::Form), "{bad}");
        }
        for bad in ["2026-02-30T10:15:00Z", "2026-11-01T24:00:00Z", "2026-11-01T10:15:00+24:00"] {
            assert_eq!(Instant::parse_rfc3339(bad), Err(InstantError::OutOfRange), "{bad}");
        }
        assert!(!InstantError::Form.to_string().contains("2026-02-30"));
    }

    #[test]
    fn millis_and_dates_follow_the_instant() {
        let before_epoch = Instant(-1);
        assert_eq!(before_epoch.millis(), -1);
        assert_eq!(before_epoch.date().to_string(), "1969-12-31");
        assert_eq!(Instant::from_millis(1_793_528_100_123).date().to_string(), "2026-11-01");
    }
}
