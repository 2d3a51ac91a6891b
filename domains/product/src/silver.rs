//! Cleaned, conformed product usage data.

use std::collections::BTreeMap;

use mesh_core::{TimestampMicros, Uuid};
use mesh_macros::data_product;

use crate::bronze::UsageRaw;
use crate::types::Platform;

/// Usage events, deduplicated, mapped to features and (where signed in) customers.
#[data_product(
    domain = "product",
    version = "1.0.0",
    owner = "product-analytics@company.com",
    layer = "silver",
    support = "#product-analytics on Slack",
    tags("usage"),
    sla(freshness = "5 minutes", availability = "99.9%", quality_score = ">99%"),
    access(read = "SELECT on silver.usage_cleaned", authentication = "OAuth2"),
    inputs(UsageRaw)
)]
pub struct UsageCleaned {
    /// Unique event identifier.
    pub event_id: Uuid,
    /// The customer using the product, when signed in.
    pub customer_id: Option<String>,
    /// The product feature used.
    pub feature: String,
    /// Where the event came from.
    pub platform: Platform,
    /// When the event happened (UTC).
    pub occurred_at: TimestampMicros,
    /// How long the interaction took, when measured.
    pub duration_ms: Option<i64>,
    /// Conformed event properties.
    pub properties: BTreeMap<String, String>,
}
