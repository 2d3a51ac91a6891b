//! The customer 360 view.

use std::collections::BTreeMap;

use marketing::silver::MarketingCleaned;
use marketing::types::Channel;
use mesh_core::{Decimal, TimestampMillis};
use mesh_macros::data_product;
use mesh_pipeline::{Build, Pipeline, PipelineError};
use sales::silver::SalesCleaned;
use sales::types::PostalAddress;

/// One record per customer: what they bought (sales) and how campaigns reached
/// them (marketing).
#[data_product(
    domain = "customer",
    name = "customer_360",
    version = "1.3.0",
    event_time = "last_activity_at",
    owner = "customer-insights@company.com",
    layer = "gold",
    support = "#customer-insights on Slack",
    tags("customer", "cross-domain"),
    sla(freshness = "1 day", availability = "99.5%", quality_score = ">95%"),
    access(read = "SELECT on customer.customer_360", authentication = "OAuth2"),
    visibility = "public",
    inputs(SalesCleaned, MarketingCleaned),
    quality(row_count(min = 1))
)]
pub struct Customer360 {
    /// The customer.
    #[quality(unique, pattern = "C[0-9]{6}")]
    pub customer_id: String,
    /// The customer's email, from their most recent order.
    #[quality(not_empty)]
    #[pii(direct, encrypted)]
    pub email: String,
    /// When the customer first ordered, if ever.
    pub first_order_at: Option<TimestampMillis>,
    /// Orders placed.
    #[quality(range(min = 0))]
    pub orders: i64,
    /// Sum of all order amounts, in EUR.
    #[quality(range(min = 0))]
    pub lifetime_value_eur: Decimal<14, 2>,
    /// Campaign touches received.
    #[quality(range(min = 0))]
    pub marketing_touches: i64,
    /// The channel through which the customer was touched most often; of channels touched
    /// equally often, the one that touched the customer most recently.
    pub preferred_channel: Option<Channel>,
    /// The campaign of the most recent touch.
    pub last_campaign_id: Option<String>,
    /// Where the customer's most recent order was shipped, if it was shipped.
    pub shipping_address: Option<sales::types::PostalAddress>,
    /// The customer's most recent order or campaign touch: what the view is as fresh as.
    pub last_activity_at: Option<TimestampMillis>,
}

/// What customer 360 keeps per customer while it reads both inputs.
#[derive(Default)]
struct Customer {
    // (ordered_at, email, shipping address) of the most recent order.
    latest_order: Option<(TimestampMillis, String, Option<PostalAddress>)>,
    first_order_at: Option<TimestampMillis>,
    orders: i64,
    lifetime_value_cents: i128,
    touches: i64,
    // Per channel: touches, and the time of the latest.
    channels: BTreeMap<Channel, (i64, TimestampMillis)>,
    // (touched_at, campaign, email) of the most recent touch.
    latest_touch: Option<(TimestampMillis, String, Option<String>)>,
}

/// Joins sales and marketing silver per customer: every customer found in either input gets
/// one record, sorted by customer id. Holds one small accumulator per customer (a few hundred bytes
/// each); both inputs are streamed. Amounts are converted to EUR order by order at the sales
/// domain's fixed rates (`sales::types::Currency::to_eur_cents`); orders in a currency without a
/// rate count as orders but add no lifetime value.
impl Pipeline for Customer360 {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let mut customers: BTreeMap<String, Customer> = BTreeMap::new();
        for order in build.read::<SalesCleaned>()? {
            let order = order?;
            let customer = customers.entry(order.customer_id).or_default();
            customer.orders += 1;
            customer.lifetime_value_cents += order.currency.to_eur_cents(order.amount).unwrap_or(0);
            customer.first_order_at =
                Some(customer.first_order_at.map_or(order.ordered_at, |first| first.min(order.ordered_at)));
            if customer.latest_order.as_ref().is_none_or(|(at, ..)| order.ordered_at >= *at) {
                customer.latest_order = Some((order.ordered_at, order.customer_email, order.shipping_address));
            }
        }
        for touch in build.read::<MarketingCleaned>()? {
            let touch = touch?;
            let customer = customers.entry(touch.customer_id).or_default();
            customer.touches += 1;
            let channel = customer.channels.entry(touch.channel).or_insert((0, touch.touched_at));
            *channel = (channel.0 + 1, channel.1.max(touch.touched_at));
            if customer.latest_touch.as_ref().is_none_or(|(at, ..)| touch.touched_at >= *at) {
                customer.latest_touch = Some((touch.touched_at, touch.campaign_id, touch.email));
            }
        }
        for (customer_id, customer) in customers {
            let lifetime_value_eur = Decimal::from_unscaled(customer.lifetime_value_cents).ok_or_else(|| {
                PipelineError::failed(format!(
                    "the lifetime value of customer {customer_id} exceeds 14 digits; widen the decimal in the declaration"
                ))
            })?;
            let preferred_channel =
                customer.channels.iter().max_by_key(|(_, (touches, latest))| (*touches, *latest)).map(|(c, _)| *c);
            let last_order_at = customer.latest_order.as_ref().map(|(at, ..)| *at);
            let last_activity_at = last_order_at.max(customer.latest_touch.as_ref().map(|(at, ..)| *at));
            let (email, shipping_address) = match (customer.latest_order, &customer.latest_touch) {
                (Some((_, email, address)), _) => (email, address),
                (None, Some((_, _, email))) => (email.clone().unwrap_or_default(), None),
                (None, None) => (String::new(), None),
            };
            build.write(&Customer360 {
                customer_id,
                email,
                first_order_at: customer.first_order_at,
                orders: customer.orders,
                lifetime_value_eur,
                marketing_touches: customer.touches,
                preferred_channel,
                last_campaign_id: customer.latest_touch.map(|(_, campaign, _)| campaign),
                shipping_address,
                last_activity_at,
            })?;
        }
        Ok(())
    }
}

mesh_pipeline::pipeline!(Customer360);
