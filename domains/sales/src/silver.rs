//! Cleaned, conformed sales data.

use mesh_core::{Decimal, TimestampMillis, Uuid};
use mesh_macros::data_product;

use crate::bronze::SalesRaw;
use crate::types::{Currency, LineItem};

/// Orders parsed from the raw events, validated and deduplicated: one record per order.
#[data_product(
    domain = "sales",
    version = "1.2.0",
    owner = "sales-data-team@company.com",
    layer = "silver",
    support = "#sales-data on Slack",
    tags("orders"),
    sla(freshness = "10 minutes", availability = "99.9%", quality_score = ">98%"),
    access(read = "SELECT on silver.sales_cleaned", authentication = "OAuth2"),
    visibility("customer", "marketing"),
    inputs(SalesRaw)
)]
pub struct SalesCleaned {
    /// Unique order identifier.
    pub order_id: Uuid,
    /// The customer who placed the order.
    pub customer_id: String,
    /// The customer's email, normalised to lower case.
    #[pii(direct, encrypted)]
    pub customer_email: String,
    /// Total order amount, in `currency`.
    pub amount: Decimal<12, 2>,
    /// Currency of `amount` and of the line prices.
    pub currency: Currency,
    /// When the customer placed the order.
    pub ordered_at: TimestampMillis,
    /// The products ordered.
    pub line_items: Vec<LineItem>,
    /// Coupon applied at checkout, if any.
    pub coupon_code: Option<String>,
}
