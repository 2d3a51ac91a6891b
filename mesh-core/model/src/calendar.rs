//! Calendar dates (`YYYY-MM-DD`): deprecation dates in declarations, waiver expiry
//! in `mesh.toml`, and today's date from the system clock.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A day of the proleptic Gregorian calendar (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    year: i32,
    month: u8,
    day: u8,
}

impl CalendarDate {
    /// The date `year-month-day`, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month).contains(&day).then_some(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    ///
    /// # Errors
    /// Says what is wrong and the expected form.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let numeric = |s: &&str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let [year, month, day] = parts.as_slice() else {
            return Err(format!("date `{text}` is not YYYY-MM-DD, e.g. \"2027-01-31\""));
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 || !parts.iter().all(numeric) {
            return Err(format!("date `{text}` is not YYYY-MM-DD, e.g. \"2027-01-31\""));
        }
        let (year, month, day) = (year.parse().unwrap_or(0), month.parse().unwrap_or(0), day.parse().unwrap_or(0));
        Self::new(year, month, day).ok_or_else(|| format!("date `{text}` does not exist"))
    }

    /// The date `days` after 1970-01-01 (negative: before).
    pub fn from_days_since_epoch(days: i64) -> Self {
        // Howard Hinnant's civil_from_days: shift to eras of 400 years starting on 0000-03-01.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u8;
        let month = if month_index < 10 { month_index + 3 } else { month_index - 9 } as u8;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// Days from 1970-01-01 to this date (negative: before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil, the inverse of `from_days_since_epoch`.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Self {
        let seconds = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_secs() as i64,
            Err(before) => -(before.duration().as_secs() as i64),
        };
        Self::from_days_since_epoch(seconds.div_euclid(86_400))
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_validate_and_display() {
        assert_eq!(CalendarDate::parse("2027-01-31").unwrap().to_string(), "2027-01-31");
        assert_eq!(CalendarDate::parse("2024-02-29").unwrap(), CalendarDate::new(2024, 2, 29).unwrap());
        for (bad, needle) in [
            ("2027-1-31", "YYYY-MM-DD"),
            ("31.01.2027", "YYYY-MM-DD"),
            ("2023-02-29", "does not exist"),
            ("2027-13-01", "does not exist"),
        ] {
            assert!(CalendarDate::parse(bad).unwrap_err().contains(needle), "{bad}");
        }
        assert!(CalendarDate::parse("2026-12-31").unwrap() < CalendarDate::parse("2027-01-01").unwrap());
    }

    #[test]
    fn days_since_epoch_become_civil_dates() {
        for (days, date) in [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (59, "1970-03-01"),
            (11_016, "2000-02-29"),
            (19_782, "2024-02-29"),
            (20_453, "2025-12-31"),
        ] {
            assert_eq!(CalendarDate::from_days_since_epoch(days).to_string(), date, "{days}");
            assert_eq!(CalendarDate::parse(date).unwrap().days_since_epoch(), days, "{date}");
        }
        assert!(CalendarDate::today() > CalendarDate::parse("2025-01-01").unwrap());
    }
}
