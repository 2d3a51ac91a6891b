//! Sales data products for consumers across the company.

use mesh_core::{Decimal, TimestampMillis, Uuid};
use mesh_macros::data_product;

use crate::silver::SalesCleaned;
use crate::types::{Currency, LineItem};

/// Orders enriched for analytics: one record per order, with its sales channel
/// and discount. The example of a data product contract in the docs.
#[data_product(
    domain = "sales",
    version = "2.1.0",
    owner = "sales-data-team@company.com",
    layer = "gold",
    support = "#sales-data on Slack",
    tags("orders", "revenue"),
    sla(freshness = "15 minutes", availability = "99.9%", quality_score = ">95%"),
    access(read = "SELECT on sales.orders", authentication = "OAuth2"),
    visibility = "public",
    inputs(SalesCleaned)
)]
pub struct SalesAnalytics {
    /// Unique order identifier.
    pub order_id: Uuid,
    /// The customer who placed the order.
    pub customer_id: String,
    /// The customer's email, for consented follow-up only.
    #[pii(direct, encrypted)]
    pub customer_email: String,
    /// Total order amount, in `currency`.
    pub amount: Decimal<12, 2>,
    /// Currency of `amount`.
    pub currency: Currency,
    /// When the customer placed the order.
    pub ordered_at: TimestampMillis,
    /// The products ordered.
    pub line_items: Vec<LineItem>,
    /// Sales channel (web, app, store), when known.
    pub channel: Option<String>,
    /// Discount granted, in `currency`, when any.
    pub discount: Option<Decimal<12, 2>>,
}
