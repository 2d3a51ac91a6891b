//! The customer 360 view.

use marketing::silver::MarketingCleaned;
use marketing::types::Channel;
use mesh_core::{Decimal, TimestampMillis};
use mesh_macros::data_product;
use sales::silver::SalesCleaned;

/// One record per customer: what they bought (sales) and how campaigns reached
/// them (marketing).
#[data_product(
    domain = "customer",
    name = "customer_360",
    version = "1.1.0",
    owner = "customer-insights@company.com",
    layer = "gold",
    support = "#customer-insights on Slack",
    tags("customer", "cross-domain"),
    sla(freshness = "1 day", availability = "99.5%", quality_score = ">95%"),
    access(read = "SELECT on customer.customer_360", authentication = "OAuth2"),
    visibility = "public",
    inputs(SalesCleaned, MarketingCleaned)
)]
pub struct Customer360 {
    /// The customer.
    pub customer_id: String,
    /// The customer's email, from their most recent order.
    #[pii(direct, encrypted)]
    pub email: String,
    /// When the customer first ordered, if ever.
    pub first_order_at: Option<TimestampMillis>,
    /// Orders placed.
    pub orders: i64,
    /// Sum of all order amounts, in EUR.
    pub lifetime_value_eur: Decimal<14, 2>,
    /// Campaign touches received.
    pub marketing_touches: i64,
    /// The channel through which the customer was touched most often.
    pub preferred_channel: Option<Channel>,
    /// The campaign of the most recent touch.
    pub last_campaign_id: Option<String>,
    /// Where the customer's most recent order was shipped, if it was shipped.
    pub shipping_address: Option<sales::types::PostalAddress>,
}
