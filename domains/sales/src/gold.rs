//! Sales data products for consumers across the company.

use mesh_core::{Decimal, TimestampMillis, Uuid};
use mesh_macros::data_product;
use mesh_pipeline::{Build, Pipeline, PipelineError};

use crate::silver::SalesCleaned;
use crate::types::{Currency, LineItem};

/// Orders enriched for analytics: one record per order, with its sales channel
/// and discount. The example of a data product contract in the docs.
#[data_product(
    domain = "sales",
    version = "2.4.0",
    event_time = "ordered_at",
    owner = "sales-data-team@company.com",
    layer = "gold",
    support = "#sales-data on Slack",
    tags("orders", "revenue"),
    sla(freshness = "15 minutes", availability = "99.9%", quality_score = ">95%"),
    access(read = "SELECT on sales.orders", authentication = "OAuth2"),
    visibility = "public",
    inputs(SalesCleaned),
    quality(row_count(min = 1), unique_combination("customer_id", "ordered_at"))
)]
pub struct SalesAnalytics {
    /// Unique order identifier.
    #[quality(unique)]
    pub order_id: Uuid,
    /// The customer who placed the order.
    #[quality(not_empty, pattern = "C[0-9]{6}", length(max = 16))]
    pub customer_id: String,
    /// The customer's email, for consented follow-up only.
    #[quality(pattern = "[^@\\s]+@[^@\\s]+\\.[a-z]+")]
    #[pii(direct, encrypted)]
    pub customer_email: String,
    /// Total order amount, in `currency`.
    #[quality(range(min = 0, max = 1000000))]
    pub amount: Decimal<12, 2>,
    /// Currency of `amount`.
    pub currency: Currency,
    /// When the customer placed the order.
    pub ordered_at: TimestampMillis,
    /// The products ordered.
    #[quality(not_empty)]
    pub line_items: Vec<LineItem>,
    /// Sales channel (web, app, store), when known.
    #[quality(max_null_share = "20%", accepted_values("web", "app", "store"))]
    pub channel: Option<String>,
    /// Discount granted, in `currency`, when any.
    #[quality(range(min = 0))]
    pub discount: Option<Decimal<12, 2>>,
}

/// The channel names analytics groups by; what the order systems call them otherwise.
fn conformed_channel(channel: &str) -> Option<&'static str> {
    match channel.trim().to_ascii_lowercase().as_str() {
        "web" | "online" | "shop-web" => Some("web"),
        "app" | "mobile" | "shop-app" => Some("app"),
        "store" | "pos" | "retail" => Some("store"),
        _ => None,
    }
}

/// One record per cleaned order, with the channel conformed (unknown names become none).
/// Streams: holds one order at a time.
impl Pipeline for SalesAnalytics {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        for order in build.read::<SalesCleaned>()? {
            let order = order?;
            build.write(&SalesAnalytics {
                order_id: order.order_id,
                customer_id: order.customer_id,
                customer_email: order.customer_email,
                amount: order.amount,
                currency: order.currency,
                ordered_at: order.ordered_at,
                line_items: order.line_items,
                channel: order.channel.as_deref().and_then(conformed_channel).map(str::to_owned),
                discount: order.discount,
            })?;
        }
        Ok(())
    }
}

mesh_pipeline::pipeline!(SalesAnalytics);

#[cfg(test)]
mod tests {
    use super::conformed_channel;

    #[test]
    fn channel_spellings_conform_and_unknown_ones_become_none() {
        assert_eq!(conformed_channel(" Web"), Some("web"));
        assert_eq!(conformed_channel("POS"), Some("store"));
        assert_eq!(conformed_channel("fax"), None);
    }
}
