use mesh_core::{TimestampMicros, TimestampMillis, Uuid};
use mesh_macros::data_product;

// A plain integer is not a timestamp, even when it holds milliseconds.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "ordered_at")]
pub struct Orders {
    pub ordered_at: i64,
    pub loaded_at: TimestampMicros,
}

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "order_id")]
pub struct Payments {
    pub order_id: Uuid,
}

// Optional text, and a list of timestamps (which has no one event time).
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "note")]
pub struct Notes {
    pub note: Option<String>,
}

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "scans")]
pub struct Scans {
    pub scans: Vec<TimestampMillis>,
}

// A type with no Avro mapping is reported at the type, once.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "seen_at")]
pub struct Visits {
    pub seen_at: u64,
}

fn main() {}
