//! A decimal number as written in a rule (`0`, `-1.5`, `1000.00`), compared exactly with integer and
//! decimal values and as `f64` with floating-point ones.

use std::cmp::Ordering;

/// A decimal number: `unscaled / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Number {
    /// The digits without the decimal point, with the sign.
    pub unscaled: i128,
    /// Digits after the decimal point.
    pub scale: u32,
}

impl Number {
    /// Parses `-12.50`: an optional `-`, digits, optionally `.` and digits (no exponent, at most 38 digits).
    ///
    /// # Errors
    /// The text is not such a number.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a decimal number such as 0, -1.5 or 1000.00");
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
        {
            return Err(bad());
        }
        if whole.len() + fraction.len() > 38 {
            return Err(format!("`{text}` has more than 38 digits"));
        }
        let unscaled: i128 = format!("{whole}{fraction}").parse().map_err(|_| bad())?;
        Ok(Self { unscaled: if negative { -unscaled } else { unscaled }, scale: fraction.len() as u32 })
    }

    /// Whether the number has no fractional digits other than zeros, so it fits an integer field.
    pub fn is_integer(self) -> bool {
        self.scale == 0 || self.unscaled % 10i128.pow(self.scale) == 0
    }

    /// Compares `unscaled / 10^scale` (an integer or decimal value) with this number, exactly.
    pub fn compare_decimal(self, unscaled: i128, scale: u32) -> Ordering {
        let common = self.scale.max(scale);
        let lift = |value: i128, from: u32| value.checked_mul(10i128.checked_pow(common - from)?);
        match (lift(unscaled, scale), lift(self.unscaled, self.scale)) {
            (Some(value), Some(bound)) => value.cmp(&bound),
            // Beyond 38 digits after scaling: the magnitudes are so far apart that f64 decides right.
            _ => self.compare_float(unscaled as f64 / 10f64.powi(scale as i32)),
        }
    }

    /// Compares a floating-point value with this number (a NaN is `Greater` than every bound, so a
    /// range with a maximum fails it; one with only a minimum passes it, as SQL's `>=` would not).
    pub fn compare_float(self, value: f64) -> Ordering {
        let bound = self.unscaled as f64 / 10f64.powi(self.scale as i32);
        value.partial_cmp(&bound).unwrap_or(Ordering::Greater)
    }

    /// The number as `f64`.
    pub fn as_f64(self) -> f64 {
        self.unscaled as f64 / 10f64.powi(self.scale as i32)
    }
}
