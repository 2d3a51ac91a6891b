//! Service-level values a product promises: freshness, availability and quality.
//!
//! Each value parses from the text a product team writes (`"15 minutes"`,
//! `"99.9%"`, `">95%"`) and displays back in one canonical spelling, so the
//! contract shows what the team meant and tools can compare promises.

use std::fmt;
use std::str::FromStr;

/// How stale the data may be at most: a whole number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Freshness {
    seconds: u64,
}

const UNITS: [(&str, u64); 4] = [("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)];

impl Freshness {
    /// A freshness bound of `seconds`.
    pub const fn from_secs(seconds: u64) -> Self {
        Self { seconds }
    }

    /// The bound in seconds.
    pub const fn as_secs(self) -> u64 {
        self.seconds
    }
}

impl FromStr for Freshness {
    type Err = String;

    /// Parses `"<count> <unit>"`, e.g. `15 minutes`, `1 hour`, `30s`, `2 days`.
    fn from_str(text: &str) -> Result<Self, String> {
        let usage = "write it as `<count> <unit>`, e.g. \"15 minutes\", \"1 hour\", \"30 seconds\" or \"1 day\"";
        let trimmed = text.trim();
        let split = trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len());
        let (count, unit) = trimmed.split_at(split);
        let count: u64 =
            count.parse().map_err(|_| format!("freshness `{text}` does not start with a whole number: {usage}"))?;
        let unit = unit.trim().to_ascii_lowercase();
        let seconds_per_unit = match unit.as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
            "d" | "day" | "days" => 86_400,
            "" => return Err(format!("freshness `{text}` has no unit: {usage}")),
            other => return Err(format!("freshness `{text}` has an unknown unit `{other}`: {usage}")),
        };
        if count == 0 {
            return Err(format!("freshness `{text}` is zero: no pipeline delivers instantly; {usage}"));
        }
        count
            .checked_mul(seconds_per_unit)
            .map(Freshness::from_secs)
            .ok_or_else(|| format!("freshness `{text}` is too large"))
    }
}

impl fmt::Display for Freshness {
    /// The largest unit that divides the bound exactly: 900 s is `15 minutes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (unit, size) =
            UNITS.iter().copied().find(|(_, size)| self.seconds.is_multiple_of(*size)).unwrap_or(("second", 1));
        let count = self.seconds / size;
        let plural = if count == 1 { "" } else { "s" };
        write!(f, "{count} {unit}{plural}")
    }
}

/// A percentage with up to three decimals, stored exactly as thousandths of a percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent {
    thousandths: u32,
}

impl Percent {
    /// `thousandths` of a percent: 99.9% is `Percent::from_thousandths(99_900)`.
    pub const fn from_thousandths(thousandths: u32) -> Self {
        Self { thousandths }
    }

    /// The value in thousandths of a percent.
    pub const fn thousandths(self) -> u32 {
        self.thousandths
    }

    /// Parses `99.9%` (the `%` is required so nobody confuses 0.999 with 99.9%).
    pub(crate) fn parse(text: &str, what: &str) -> Result<Self, String> {
        let number = text
            .trim()
            .strip_suffix('%')
            .ok_or_else(|| format!("{what} `{text}` must end with `%`, e.g. \"99.9%\""))?
            .trim();
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits_only(whole)
            || !digits_only(fraction)
            || (number.contains('.') && fraction.is_empty())
        {
            return Err(format!("{what} `{text}` is not a number followed by `%`, e.g. \"99.9%\""));
        }
        if fraction.len() > 3 {
            return Err(format!("{what} `{text}` has more than three decimals"));
        }
        let whole: u32 =
            whole.parse().ok().filter(|w| *w <= 100).ok_or_else(|| format!("{what} `{text}` is above 100%"))?;
        let fraction: u32 = format!("{fraction:0<3}").parse().unwrap_or(0);
        let thousandths = whole * 1000 + fraction;
        if thousandths > 100_000 {
            return Err(format!("{what} `{text}` is above 100%"));
        }
        Ok(Self { thousandths })
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.thousandths / 1000;
        let fraction = self.thousandths % 1000;
        if fraction == 0 {
            write!(f, "{whole}%")
        } else {
            let digits = format!("{fraction:03}");
            write!(f, "{whole}.{}%", digits.trim_end_matches('0'))
        }
    }
}

/// The share of time the product is readable, in (0, 100]%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Availability(pub Percent);

impl FromStr for Availability {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let percent = Percent::parse(text, "availability")?;
        if percent.thousandths == 0 {
            return Err(format!("availability `{text}` must be above 0%"));
        }
        Ok(Self(percent))
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How a quality score bound is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bound {
    /// Strictly above the percentage (`>95%`).
    Above,
    /// At or above the percentage (`>=95%`).
    AtLeast,
}

/// The minimum share of records that pass the product's quality checks, e.g. `>95%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualityScore {
    /// How the score is compared with `percent`.
    pub bound: Bound,
    /// The threshold.
    pub percent: Percent,
}

impl FromStr for QualityScore {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let (bound, rest) = if let Some(rest) = trimmed.strip_prefix(">=") {
            (Bound::AtLeast, rest)
        } else if let Some(rest) = trimmed.strip_prefix('>') {
            (Bound::Above, rest)
        } else {
            return Err(format!(
                "quality score `{text}` must start with `>` or `>=`, e.g. \">95%\" (share of records passing quality checks)"
            ));
        };
        let percent = Percent::parse(rest, "quality score")?;
        if bound == Bound::Above && percent.thousandths >= 100_000 {
            return Err(format!("quality score `{text}` can never be met: nothing is above 100%; write \">=100%\""));
        }
        Ok(Self { bound, percent })
    }
}

impl fmt::Display for QualityScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.bound {
            Bound::Above => ">",
            Bound::AtLeast => ">=",
        };
        write!(f, "{op}{}", self.percent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_parses_units_and_displays_canonically() {
        for (text, secs, shown) in [
            ("15 minutes", 900, "15 minutes"),
            ("1 hour", 3600, "1 hour"),
            ("90min", 5400, "90 minutes"),
            ("30s", 30, "30 seconds"),
            ("2 days", 172_800, "2 days"),
            ("24 h", 86_400, "1 day"),
        ] {
            let parsed: Freshness = text.parse().unwrap();
            assert_eq!(parsed.as_secs(), secs, "{text}");
            assert_eq!(parsed.to_string(), shown, "{text}");
            assert_eq!(shown.parse::<Freshness>().unwrap(), parsed);
        }
    }

    #[test]
    fn freshness_rejects_what_it_cannot_read() {
        for (text, needle) in [
            ("soon", "whole number"),
            ("15", "no unit"),
            ("15 fortnights", "unknown unit `fortnights`"),
            ("0 minutes", "zero"),
            ("-5 minutes", "whole number"),
            ("99999999999999999999 days", "whole number"),
            ("999999999999999999 days", "too large"),
        ] {
            let err = text.parse::<Freshness>().unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn availability_is_a_percentage_in_zero_to_hundred() {
        assert_eq!("99.9%".parse::<Availability>().unwrap().0.thousandths(), 99_900);
        assert_eq!("99.999%".parse::<Availability>().unwrap().to_string(), "99.999%");
        assert_eq!("100%".parse::<Availability>().unwrap().to_string(), "100%");
        assert_eq!("99.50%".parse::<Availability>().unwrap().to_string(), "99.5%");
        for (text, needle) in [
            ("0%", "above 0%"),
            ("0.000%", "above 0%"),
            ("100.1%", "above 100%"),
            ("101%", "above 100%"),
            ("99.9", "end with `%`"),
            ("99.9999%", "three decimals"),
            ("abc%", "not a number"),
            ("99.%", "not a number"),
            (".5%", "not a number"),
        ] {
            let err = text.parse::<Availability>().unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn quality_score_keeps_its_comparison() {
        let above: QualityScore = ">95%".parse().unwrap();
        assert_eq!(above.bound, Bound::Above);
        assert_eq!(above.percent.thousandths(), 95_000);
        assert_eq!(above.to_string(), ">95%");
        let at_least: QualityScore = ">= 99.5%".parse().unwrap();
        assert_eq!(at_least.to_string(), ">=99.5%");
        for (text, needle) in
            [("95%", "must start with"), (">95", "end with `%`"), (">100%", "never be met"), (">=120%", "above 100%")]
        {
            let err = text.parse::<QualityScore>().unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
