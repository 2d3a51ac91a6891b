//! Marketing data products for consumers across the company.

use mesh_core::{Date, Decimal};
use mesh_macros::data_product;

use crate::silver::MarketingCleaned;
use crate::types::Channel;

/// Daily campaign performance per channel, with revenue attributed from sales orders.
#[data_product(
    domain = "marketing",
    version = "1.0.0",
    owner = "marketing-data@company.com",
    layer = "gold",
    support = "#marketing-data on Slack",
    tags("campaigns", "attribution"),
    sla(freshness = "1 day", availability = "99.5%", quality_score = ">95%"),
    access(read = "SELECT on marketing.campaign_performance", authentication = "OAuth2"),
    visibility = "public",
    inputs(MarketingCleaned, "sales.sales_cleaned@^1.2")
)]
pub struct MarketingAnalytics {
    /// The campaign measured.
    pub campaign_id: String,
    /// The day measured (UTC).
    pub day: Date,
    /// The channel measured.
    pub channel: Channel,
    /// Touches on the day.
    pub touches: i64,
    /// Distinct customers touched on the day.
    pub unique_customers: i64,
    /// Spend in EUR.
    pub spend_eur: Decimal<14, 2>,
    /// Revenue in EUR from orders placed within 7 days of a touch.
    pub attributed_revenue_eur: Decimal<14, 2>,
}
