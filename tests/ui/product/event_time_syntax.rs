use mesh_core::TimestampMillis;
use mesh_macros::data_product;

// Given twice.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = "ordered_at", event_time = "ordered_at")]
pub struct Orders {
    pub ordered_at: TimestampMillis,
}

// Not a string literal.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time = ordered_at)]
pub struct Payments {
    pub ordered_at: TimestampMillis,
}

// Not `key = value`.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", event_time("ordered_at"))]
pub struct Refunds {
    pub ordered_at: TimestampMillis,
}

// Misspelt key: the did-you-mean comes from the key table.
#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", eventtime = "ordered_at")]
pub struct Returns {
    pub ordered_at: TimestampMillis,
}

fn main() {}
