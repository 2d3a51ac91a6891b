use mesh_core::{Date, TimestampMillis};
use mesh_macros::data_product;

// A misspelt field: the closest name is suggested.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "orderd_at")]
pub struct Orders {
    pub id: String,
    pub ordered_at: TimestampMillis,
}

// Nothing close: the fields that could hold the event time are listed.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "created")]
pub struct Refunds {
    pub refund_id: String,
    pub refunded_on: Date,
    pub settled_at: Option<TimestampMillis>,
}

// The Avro name of a renamed field: the struct's field name is what event_time takes.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "placed")]
pub struct Returns {
    pub id: String,
    #[avro(rename = "placed")]
    pub returned_at: TimestampMillis,
}

// No field could hold it, and a required key is missing too: both are reported.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", event_time = "timestamp")]
pub struct Notes {
    pub text: String,
}

fn main() {}
