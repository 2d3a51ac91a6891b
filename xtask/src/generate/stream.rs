//! One day's file as a stream of lines: the clock that spreads a day's events over it in order,
//! and the lines to send again a little later (duplicates). Only those few pending lines are
//! held; everything else goes straight to the writer.

use std::io::{self, Write};

use mesh_core::model::{CalendarDate, Instant};

use super::render::{start_of, MICROS_PER_DAY};
use super::rng::Rng;

/// How many lines later, at most, a duplicate follows its original.
const MAX_RESEND_DELAY: u64 = 300;

/// The times of a day's `events` events: event `i` falls in the `i`-th of `events` equal slots
/// of the day, so times rise through the file and stay inside the day.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: i64,
    events: u64,
}

impl Clock {
    pub fn new(day: CalendarDate, events: u64) -> Self {
        Self { start: start_of(day).0, events: events.max(1) }
    }

    /// The start of event `index`'s slot.
    pub fn slot_start(&self, index: u64) -> Instant {
        let offset = i128::from(index) * i128::from(MICROS_PER_DAY) / i128::from(self.events);
        Instant(self.start + offset as i64)
    }

    /// A time inside event `index`'s slot.
    pub fn at(&self, index: u64, rng: &mut Rng) -> Instant {
        let slot = self.slot_start(index);
        let width = (self.slot_start(index + 1).0 - slot.0).max(1);
        Instant(slot.0 + rng.below(width as u64) as i64)
    }

    /// The first instant of the day.
    pub fn day_start(&self) -> Instant {
        Instant(self.start)
    }

    /// The last instant of the day.
    pub fn day_end(&self) -> Instant {
        Instant(self.start + MICROS_PER_DAY - 1)
    }

    /// The slot `index` of the day that `at` falls in and the first slot after it (which
    /// may be the next day's first).
    pub fn next_slot_after(&self, at: Instant) -> (i64, u64) {
        let day = at.0.div_euclid(MICROS_PER_DAY);
        let in_day = at.0.rem_euclid(MICROS_PER_DAY);
        let slot = (i128::from(in_day) * i128::from(self.events) / i128::from(MICROS_PER_DAY)) as u64 + 1;
        if slot >= self.events {
            (day + 1, 0)
        } else {
            (day, slot)
        }
    }
}

/// A line to send again once the file has `due` lines.
struct Resend {
    due: u64,
    line: Vec<u8>,
}

/// The lines of one file, written to `out` as they come.
pub struct LineStream<W: Write> {
    out: W,
    lines: u64,
    resends: Vec<Resend>,
}

impl<W: Write> LineStream<W> {
    pub fn new(out: W) -> Self {
        Self { out, lines: 0, resends: Vec::new() }
    }

    /// Writes `line` and a newline, then any resend that is due.
    pub fn emit(&mut self, line: &[u8]) -> io::Result<()> {
        self.write_line(line)?;
        while let Some(at) = self.resends.iter().position(|resend| resend.due <= self.lines) {
            let resend = self.resends.swap_remove(at);
            self.write_line(&resend.line)?;
        }
        Ok(())
    }

    /// How many lines later a line scheduled now would be sent again.
    pub fn draw_delay(rng: &mut Rng) -> u64 {
        rng.between(1, MAX_RESEND_DELAY)
    }

    /// Sends `line` again `delay` lines from now (or at the end of the file, if it ends first).
    pub fn resend_later(&mut self, line: Vec<u8>, delay: u64) {
        self.resends.push(Resend { due: self.lines + delay, line });
    }

    /// Writes the resends still pending, in the order they were due, and flushes.
    /// Returns the writer and the number of lines written.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        let mut pending = std::mem::take(&mut self.resends);
        pending.sort_by_key(|resend| resend.due);
        for resend in pending {
            self.write_line(&resend.line)?;
        }
        self.out.flush()?;
        Ok((self.out, self.lines))
    }

    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        self.out.write_all(line)?;
        self.out.write_all(b"\n")?;
        self.lines += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_rise_through_the_day_and_stay_inside_it() {
        let day = CalendarDate::new(2026, 11, 1).unwrap();
        let clock = Clock::new(day, 1000);
        let mut rng = Rng::from_parts(&[1]);
        let times: Vec<Instant> = (0..1000).map(|i| clock.at(i, &mut rng)).collect();
        assert!(times.is_sorted());
        assert!(times.iter().all(|t| t.date() == day));
        assert_eq!(clock.day_end().date(), day);
        let (next_day, first) = clock.next_slot_after(clock.day_end());
        assert_eq!((next_day, first), (day.days_since_epoch() + 1, 0));
        let (same_day, slot) = clock.next_slot_after(times[10]);
        assert_eq!((same_day, slot), (day.days_since_epoch(), 11));
        assert!(clock.slot_start(slot) > times[10]);
    }

    #[test]
    fn resends_follow_their_original_and_none_is_lost() {
        let mut stream = LineStream::new(Vec::new());
        stream.emit(b"a").unwrap();
        stream.resend_later(b"a".to_vec(), 2);
        stream.resend_later(b"b".to_vec(), 50);
        stream.emit(b"c").unwrap();
        stream.emit(b"d").unwrap();
        let (out, lines) = stream.finish().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\nc\nd\na\nb\n");
        assert_eq!(lines, 5);
    }
}
