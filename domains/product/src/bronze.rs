//! Raw product usage data, as the clients send it.

use mesh_core::TimestampMicros;
use mesh_macros::data_product;

/// Usage events exactly as the clients sent them to the collector.
#[data_product(
    domain = "product",
    version = "1.1.0",
    event_time = "received_at",
    owner = "product-analytics@company.com",
    layer = "bronze",
    support = "#product-analytics on Slack",
    tags("usage", "raw"),
    sla(freshness = "1 minute", availability = "99.9%"),
    access(read = "SELECT on bronze.usage_raw", authentication = "OAuth2")
)]
pub struct UsageRaw {
    /// Identifier the client assigned to the event.
    pub event_id: String,
    /// Installation identifier of the device.
    #[pii(indirect, encrypted)]
    pub device_id: String,
    /// The signed-in user, if any.
    pub user_id: Option<String>,
    /// Event name as the client spells it.
    pub event_name: String,
    /// The event's properties, as the client serialised them.
    pub payload: Vec<u8>,
    /// When the collector received the event.
    pub received_at: TimestampMicros,
}

mesh_pipeline::landing!(UsageRaw);
