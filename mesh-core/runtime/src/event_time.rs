//! Reading a record's event time, in one unit, from the field its product names with `event_time`.

use mesh_avro::values::{Date, TimestampMicros, TimestampMillis};

const MICROS_PER_MILLI: i64 = 1_000;
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// A field type a product's event time can be read from: [`TimestampMillis`], [`TimestampMicros`],
/// [`Date`] (its midnight, UTC), and `Option` of one.
///
/// A value beyond what microseconds since the epoch hold (about 292,000 years either side) saturates at
/// `i64::MIN` or `i64::MAX`, so the newest record stays the newest.
///
/// ```
/// use mesh_core::{Date, EventTime, TimestampMillis};
/// assert_eq!(TimestampMillis(-1_500).event_time_micros(), Some(-1_500_000));
/// assert_eq!(Date(1).event_time_micros(), Some(86_400_000_000));
/// assert_eq!(None::<Date>.event_time_micros(), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold an event time",
    note = "`event_time` names a field of type TimestampMillis, TimestampMicros or Date (from mesh_core), or Option of one"
)]
pub trait EventTime {
    /// Microseconds since the Unix epoch (UTC); `None` for a null value.
    fn event_time_micros(&self) -> Option<i64>;
}

impl EventTime for TimestampMillis {
    fn event_time_micros(&self) -> Option<i64> {
        Some(self.0.saturating_mul(MICROS_PER_MILLI))
    }
}

impl EventTime for TimestampMicros {
    fn event_time_micros(&self) -> Option<i64> {
        Some(self.0)
    }
}

impl EventTime for Date {
    fn event_time_micros(&self) -> Option<i64> {
        Some(i64::from(self.0).saturating_mul(MICROS_PER_DAY))
    }
}

impl<T: EventTime> EventTime for Option<T> {
    fn event_time_micros(&self) -> Option<i64> {
        self.as_ref().and_then(EventTime::event_time_micros)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit_becomes_microseconds_since_the_epoch() {
        // 2026-11-01T10:15:00.123Z, 20_758 days after the epoch.
        assert_eq!(TimestampMillis(1_793_528_100_123).event_time_micros(), Some(1_793_528_100_123_000));
        assert_eq!(TimestampMicros(1_793_528_100_123_456).event_time_micros(), Some(1_793_528_100_123_456));
        assert_eq!(Date(20_758).event_time_micros(), Some(20_758 * 86_400 * 1_000_000));
    }

    #[test]
    fn instants_before_the_epoch_stay_negative() {
        assert_eq!(TimestampMillis(-1).event_time_micros(), Some(-1_000));
        assert_eq!(TimestampMicros(-1).event_time_micros(), Some(-1));
        // 1969-12-31 is day -1.
        assert_eq!(Date(-1).event_time_micros(), Some(-86_400_000_000));
    }

    #[test]
    fn values_past_the_microsecond_range_saturate_instead_of_overflowing() {
        assert_eq!(TimestampMillis(i64::MAX).event_time_micros(), Some(i64::MAX));
        assert_eq!(TimestampMillis(i64::MIN).event_time_micros(), Some(i64::MIN));
        assert_eq!(Date(i32::MAX).event_time_micros(), Some(i64::MAX));
        assert_eq!(Date(i32::MIN).event_time_micros(), Some(i64::MIN));
        // The last day that fits is still exact.
        let last_day = i64::MAX / MICROS_PER_DAY;
        assert_eq!(Date(last_day as i32).event_time_micros(), Some(last_day * MICROS_PER_DAY));
    }

    #[test]
    fn a_null_optional_value_has_no_event_time() {
        assert_eq!(None::<TimestampMillis>.event_time_micros(), None);
        assert_eq!(Some(TimestampMillis(2)).event_time_micros(), Some(2_000));
        assert_eq!(Some(Date(-2)).event_time_micros(), Some(-2 * MICROS_PER_DAY));
        assert_eq!(None::<TimestampMicros>.event_time_micros(), None);
    }
}
