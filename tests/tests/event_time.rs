//! `event_time = "field"`: the generated `DataProduct::event_time_micros` reads each accepted field type
//! with real values, and the descriptor, the contract and its YAML name the field.

use mesh_analysis::ContractYaml;
use mesh_core::{DataProduct, Date, TimestampMicros, TimestampMillis};
use mesh_macros::data_product;

/// Orders, their event time in milliseconds.
#[data_product(
    domain = "eventtime",
    version = "1.0.0",
    owner = "eventtime-data@company.com",
    layer = "silver",
    sla(freshness = "15 minutes"),
    event_time = "ordered_at"
)]
pub struct Orders {
    /// The order.
    pub order_id: String,
    /// When the order was placed.
    pub ordered_at: TimestampMillis,
}

/// Shipments, their event time optional and in microseconds.
#[data_product(
    domain = "eventtime",
    version = "1.0.0",
    owner = "eventtime-data@company.com",
    layer = "silver",
    event_time = "shipped_at"
)]
pub struct Shipments {
    /// When the parcel left, once it has.
    pub shipped_at: Option<TimestampMicros>,
}

/// Daily totals, their event time a date; the field renamed in Avro.
#[data_product(
    domain = "eventtime",
    version = "1.0.0",
    owner = "eventtime-data@company.com",
    layer = "gold",
    event_time = "day"
)]
pub struct DailyTotals {
    /// The day totalled.
    #[avro(rename = "business_day")]
    pub day: Date,
    /// The day it was corrected on, if it was.
    pub corrected_on: Option<Date>,
}

/// Corrections, their event time an optional date.
#[data_product(
    domain = "eventtime",
    version = "1.0.0",
    owner = "eventtime-data@company.com",
    layer = "gold",
    event_time = "corrected_on"
)]
pub struct Corrections {
    /// The day it was corrected on, if it was.
    pub corrected_on: Option<Date>,
}

/// A product that names no event time.
#[data_product(domain = "eventtime", version = "1.0.0", owner = "eventtime-data@company.com", layer = "bronze")]
pub struct Undated {
    /// A timestamp that is not declared the event time.
    pub seen_at: TimestampMillis,
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

#[test]
fn millisecond_timestamps_become_microseconds() {
    let order = |millis| Orders { order_id: "o-1".into(), ordered_at: TimestampMillis(millis) };
    // 2026-11-01T10:15:00.123Z
    assert_eq!(order(1_793_528_100_123).event_time_micros(), Some(1_793_528_100_123_000));
    assert_eq!(order(0).event_time_micros(), Some(0));
    // 1969-12-31T23:59:59.999Z, before the epoch.
    assert_eq!(order(-1).event_time_micros(), Some(-1_000));
    assert_eq!(order(i64::MIN).event_time_micros(), Some(i64::MIN), "saturates, never overflows");
}

#[test]
fn optional_microsecond_timestamps_are_none_when_null() {
    let shipment = |micros: Option<i64>| Shipments { shipped_at: micros.map(TimestampMicros) };
    assert_eq!(shipment(Some(1_793_528_100_123_456)).event_time_micros(), Some(1_793_528_100_123_456));
    assert_eq!(shipment(Some(-42)).event_time_micros(), Some(-42));
    assert_eq!(shipment(None).event_time_micros(), None);
}

#[test]
fn dates_become_their_midnight_in_microseconds() {
    let totals = |day| DailyTotals { day: Date(day), corrected_on: Some(Date(day + 1)) };
    // 2026-11-01 is day 20,758; the event time is the declared field's, not `corrected_on`'s.
    assert_eq!(totals(20_758).event_time_micros(), Some(20_758 * MICROS_PER_DAY));
    assert_eq!(totals(-1).event_time_micros(), Some(-MICROS_PER_DAY), "1969-12-31");
    let correction = |day: Option<i32>| Corrections { corrected_on: day.map(Date) };
    assert_eq!(correction(Some(-719_468)).event_time_micros(), Some(-719_468 * MICROS_PER_DAY), "0000-03-01");
    assert_eq!(correction(None).event_time_micros(), None);
}

#[test]
fn a_product_without_event_time_has_none() {
    assert_eq!(Undated { seen_at: TimestampMillis(1_000) }.event_time_micros(), None);
    assert_eq!(Undated::DESCRIPTOR.event_time, None);
    let yaml = Undated::contract().unwrap().to_yaml();
    assert!(!yaml.contains("freshness_field"), "{yaml}");
}

#[test]
fn the_descriptor_and_the_contract_name_the_avro_field() {
    assert_eq!(Orders::DESCRIPTOR.event_time.as_deref(), Some("ordered_at"));
    assert_eq!(DailyTotals::DESCRIPTOR.event_time.as_deref(), Some("business_day"), "the Avro name, as fields show");
    let contract = Orders::contract().unwrap();
    assert_eq!(contract.sla.freshness_field.as_deref(), Some("ordered_at"));
    let yaml = contract.to_yaml();
    assert!(
        yaml.contains(
            "  sla:\n    freshness: 15 minutes\n    availability: null\n    quality_score: null\n    freshness_field: ordered_at\n"
        ),
        "{yaml}"
    );
    assert_eq!(mesh_core::Contract::from_yaml(&yaml).unwrap(), contract, "reads back");
    let totals = DailyTotals::contract().unwrap();
    assert_eq!(totals.sla.freshness_field.as_deref(), Some("business_day"));
    assert!(totals.fields.iter().any(|f| f.name == "business_day"), "a field the contract lists");
}
