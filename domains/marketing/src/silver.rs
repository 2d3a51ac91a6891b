//! Cleaned, conformed marketing data.

use mesh_core::{Decimal, TimestampMillis, Uuid};
use mesh_macros::data_product;

use crate::bronze::MarketingRaw;
use crate::types::Channel;

/// Campaign touches matched to known customers, deduplicated, with a conformed channel.
#[data_product(
    domain = "marketing",
    version = "1.1.0",
    owner = "marketing-data@company.com",
    layer = "silver",
    support = "#marketing-data on Slack",
    tags("campaigns"),
    sla(freshness = "2 hours", availability = "99.5%", quality_score = ">97%"),
    access(read = "SELECT on silver.marketing_cleaned", authentication = "OAuth2"),
    visibility("customer"),
    inputs(MarketingRaw)
)]
pub struct MarketingCleaned {
    /// Unique touch identifier.
    pub touch_id: Uuid,
    /// The customer who was touched.
    pub customer_id: String,
    /// The campaign the touch belongs to.
    pub campaign_id: String,
    /// How the campaign reached the customer.
    pub channel: Channel,
    /// When the touch happened (UTC).
    pub touched_at: TimestampMillis,
    /// Cost of the touch in EUR, when the channel reports one.
    pub cost_eur: Option<Decimal<10, 4>>,
}
