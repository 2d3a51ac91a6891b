//! Raw marketing data, as the campaign tools deliver it.

use std::collections::HashMap;

use mesh_core::TimestampMillis;
use mesh_macros::data_product;

/// Campaign touch events (opens, clicks, ad views) as the campaign tools exported them.
#[data_product(
    domain = "marketing",
    version = "1.1.0",
    event_time = "occurred_at",
    owner = "marketing-data@company.com",
    layer = "bronze",
    support = "#marketing-data on Slack",
    tags("campaigns", "raw"),
    sla(freshness = "1 hour", availability = "99.5%"),
    access(read = "SELECT on bronze.marketing_raw", authentication = "OAuth2")
)]
pub struct MarketingRaw {
    /// Identifier the campaign tool assigned to the event.
    pub event_id: String,
    /// The campaign the event belongs to.
    pub campaign_id: String,
    /// The recipient's email address.
    #[pii(direct, encrypted)]
    pub email: String,
    /// The recipient's customer id in the CRM, when the recipient is a known contact.
    pub customer_id: Option<String>,
    /// Channel name as the tool spells it.
    pub channel: String,
    /// When the touch happened, by the tool's clock.
    pub occurred_at: TimestampMillis,
    /// UTM parameters of the link, if any.
    pub utm: HashMap<String, String>,
    /// What the touch cost in EUR, as decimal text, when the tool reports it.
    pub cost_eur: Option<String>,
}

mesh_pipeline::landing!(MarketingRaw);
