//! Cleaned, conformed sales data.

use mesh_core::{Decimal, TimestampMillis, Uuid};
use mesh_macros::data_product;
use mesh_pipeline::clean::{trimmed_lowercase, HashSet, HashSetExt};
use mesh_pipeline::{Build, Pipeline, PipelineError};

use crate::bronze::SalesRaw;
use crate::order_payload;
use crate::types::{Currency, LineItem, PostalAddress};

/// Orders parsed from the raw events, validated and deduplicated: one record per order.
#[data_product(
    domain = "sales",
    version = "1.4.0",
    event_time = "ordered_at",
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
    #[quality(unique)]
    pub order_id: Uuid,
    /// The customer who placed the order.
    #[quality(pattern = "C[0-9]{6}")]
    pub customer_id: String,
    /// The customer's email, trimmed and in lower case.
    #[pii(direct, encrypted)]
    pub customer_email: String,
    /// Total order amount, in `currency`.
    #[quality(range(min = 0))]
    pub amount: Decimal<12, 2>,
    /// Currency of `amount` and of the line prices.
    pub currency: Currency,
    /// When the customer placed the order.
    pub ordered_at: TimestampMillis,
    /// The products ordered.
    #[quality(not_empty)]
    pub line_items: Vec<LineItem>,
    /// Coupon applied at checkout, if any.
    #[quality(length(min = 1, max = 32))]
    pub coupon_code: Option<String>,
    /// Sales channel as the order system names it (web, app, store), when it says.
    pub channel: Option<String>,
    /// Discount granted, in `currency`, when any.
    pub discount: Option<Decimal<12, 2>>,
    /// Where the order is shipped; none for pickup in store.
    pub shipping_address: Option<PostalAddress>,
}

/// Parses each raw event's order, quarantines events whose order does not validate, and keeps
/// the first event of each order (order systems resend events). Holds the ids of the orders
/// seen: 16 bytes per order.
impl Pipeline for SalesCleaned {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let mut seen = HashSet::new();
        for raw in build.read::<SalesRaw>()? {
            let raw = raw?;
            let order = match order_payload::parse(&raw.payload) {
                Ok(order) => order,
                Err(reason) => {
                    build.quarantine(&raw, &reason)?;
                    continue;
                }
            };
            if !seen.insert(order.order_id) {
                build.drop_record("duplicate order event");
                continue;
            }
            build.write(&SalesCleaned {
                order_id: order.order_id,
                customer_id: order.customer_id,
                customer_email: trimmed_lowercase(raw.customer_email),
                amount: order.amount,
                currency: order.currency,
                ordered_at: order.ordered_at,
                line_items: order.line_items,
                coupon_code: order.coupon_code,
                channel: order.channel,
                discount: order.discount,
                shipping_address: order.shipping_address,
            })?;
        }
        Ok(())
    }
}

mesh_pipeline::pipeline!(SalesCleaned);
