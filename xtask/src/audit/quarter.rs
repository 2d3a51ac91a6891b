//! Calendar quarters: `2026-Q4` is 2026-10-01 to 2026-12-31.

use std::fmt;

use mesh_analysis::governance::CalendarDate;

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u8,
}

impl Quarter {
    /// Reads `YYYY-QN`.
    ///
    /// # Errors
    /// Not of that form, or N outside 1-4.
    pub fn parse(text: &str) -> Result<Quarter, String> {
        let bad = || format!("`{text}` is not a quarter: write it as YYYY-QN, e.g. 2026-Q4");
        let (year, number) = text.split_once("-Q").ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let number: u8 = number.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&number) || !(1970..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, number })
    }

    /// The quarter `date` is in.
    pub fn of(date: CalendarDate) -> Quarter {
        let text = date.to_string();
        let year = text[..4].parse().unwrap_or(1970);
        let month: u8 = text[5..7].parse().unwrap_or(1);
        Quarter { year, number: (month - 1) / 3 + 1 }
    }

    /// The first day.
    pub fn start(self) -> CalendarDate {
        CalendarDate::new(self.year, (self.number - 1) * 3 + 1, 1)
            .unwrap_or_else(|| CalendarDate::from_days_since_epoch(0))
    }

    /// The last day.
    pub fn end(self) -> CalendarDate {
        CalendarDate::from_days_since_epoch(self.next().start().days_since_epoch() - 1)
    }

    /// The quarter after.
    pub fn next(self) -> Quarter {
        if self.number == 4 {
            Quarter { year: self.year + 1, number: 1 }
        } else {
            Quarter { year: self.year, number: self.number + 1 }
        }
    }

    /// The quarter before.
    pub fn previous(self) -> Quarter {
        if self.number == 1 {
            Quarter { year: self.year - 1, number: 4 }
        } else {
            Quarter { year: self.year, number: self.number - 1 }
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_have_their_calendar_bounds_and_neighbours() {
        let q4 = Quarter::parse("2026-Q4").unwrap();
        assert_eq!((q4.start().to_string(), q4.end().to_string()), ("2026-10-01".into(), "2026-12-31".into()));
        assert_eq!(q4.next().to_string(), "2027-Q1");
        assert_eq!(q4.previous().to_string(), "2026-Q3");
        assert_eq!(Quarter::parse("2024-Q1").unwrap().end().to_string(), "2024-03-31");
        assert_eq!(Quarter::parse("2024-Q1").unwrap().previous().to_string(), "2023-Q4");
        assert_eq!(Quarter::of(CalendarDate::parse("2026-12-02").unwrap()), q4);
        assert_eq!(Quarter::of(CalendarDate::parse("2026-04-01").unwrap()).to_string(), "2026-Q2");
    }

    #[test]
    fn bad_quarters_are_refused() {
        for text in ["2026-Q5", "2026-Q0", "2026Q4", "Q4-2026", "2026-q4"] {
            assert!(Quarter::parse(text).unwrap_err().contains("YYYY-QN"), "{text}");
        }
    }
}
