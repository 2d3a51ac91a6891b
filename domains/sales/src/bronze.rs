//! Raw sales data, as the order system emits it.

use mesh_core::TimestampMillis;
use mesh_macros::data_product;

/// Order events exactly as the order system published them, unvalidated.
#[data_product(
    domain = "sales",
    version = "2.0.0",
    event_time = "received_at",
    owner = "sales-data-team@company.com",
    layer = "bronze",
    support = "#sales-data on Slack",
    tags("orders", "raw"),
    sla(freshness = "5 minutes", availability = "99.9%"),
    access(read = "SELECT on bronze.sales_raw", authentication = "OAuth2")
)]
pub struct SalesRaw {
    /// Identifier the order system assigned to the event.
    pub event_id: String,
    /// The customer's email as typed at checkout.
    #[pii(direct, encrypted)]
    pub customer_email: String,
    /// The order event as JSON, unparsed: it holds the shipping address (personal data).
    #[pii(direct, encrypted)]
    pub payload: String,
    /// Which order system sent the event.
    pub source_system: String,
    /// When the event reached the platform.
    pub received_at: TimestampMillis,
}

mesh_pipeline::landing!(SalesRaw);
