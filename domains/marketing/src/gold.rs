//! Marketing data products for consumers across the company.

use std::collections::{BTreeMap, HashMap, HashSet};

use mesh_core::{Date, Decimal, TimestampMillis};
use mesh_macros::data_product;
use mesh_pipeline::{Build, Pipeline, PipelineError};
use sales::silver::SalesCleaned;

use crate::silver::{day_of, MarketingCleaned};
use crate::types::Channel;

/// Daily campaign performance per channel, with revenue attributed from sales orders.
#[data_product(
    domain = "marketing",
    version = "1.2.0",
    event_time = "day",
    owner = "marketing-data@company.com",
    layer = "gold",
    support = "#marketing-data on Slack",
    tags("campaigns", "attribution"),
    sla(freshness = "1 day", availability = "99.5%", quality_score = ">95%"),
    access(read = "SELECT on marketing.campaign_performance", authentication = "OAuth2"),
    visibility = "public",
    inputs(MarketingCleaned, "sales.sales_cleaned@^1.2"),
    quality(unique_combination("campaign_id", "day", "channel"))
)]
pub struct MarketingAnalytics {
    /// The campaign measured.
    #[quality(pattern = "CAMP-[0-9A-Z-]+")]
    pub campaign_id: String,
    /// The day measured (UTC).
    pub day: Date,
    /// The channel measured.
    pub channel: Channel,
    /// Touches on the day.
    #[quality(range(min = 1))]
    pub touches: i64,
    /// Distinct customers touched on the day.
    #[quality(range(min = 1))]
    pub unique_customers: i64,
    /// Spend in EUR.
    #[quality(range(min = 0))]
    pub spend_eur: Decimal<14, 2>,
    /// Revenue in EUR from orders placed within 7 days of a touch.
    #[quality(range(min = 0))]
    pub attributed_revenue_eur: Decimal<14, 2>,
}

/// How long after a touch an order is attributed to it.
const ATTRIBUTION_WINDOW_MILLIS: i64 = 7 * 86_400_000;

/// What the performance is measured per: campaign, UTC day (days since the epoch), channel.
type GroupKey = (String, i32, Channel);

#[derive(Default)]
struct Group {
    touches: i64,
    customers: HashSet<String>,
    // In ten-thousandths of a euro, as `cost_eur` has it.
    spend: i128,
    // In euro cents.
    revenue: i128,
}

/// Groups touches by campaign, UTC day and channel, then attributes each order (converted to
/// EUR at the sales domain's fixed rates) to the customer's last touch in the 7 days before it
/// (last-touch attribution; an order with no such touch is attributed to none).
///
/// Holds every touch as (customer, time, group) and every group's distinct customers: memory
/// grows with the touches, not with the orders, which are streamed.
impl Pipeline for MarketingAnalytics {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let mut groups: BTreeMap<GroupKey, Group> = BTreeMap::new();
        let mut touches: HashMap<String, Vec<(TimestampMillis, GroupKey)>> = HashMap::new();
        for touch in build.read::<MarketingCleaned>()? {
            let touch = touch?;
            let key = (touch.campaign_id, day_of(touch.touched_at), touch.channel);
            let group = groups.entry(key.clone()).or_default();
            group.touches += 1;
            group.spend += touch.cost_eur.map_or(0, Decimal::unscaled);
            group.customers.insert(touch.customer_id.clone());
            touches.entry(touch.customer_id).or_default().push((touch.touched_at, key));
        }
        for customer_touches in touches.values_mut() {
            customer_touches.sort();
        }
        for order in build.read::<SalesCleaned>()? {
            let order = order?;
            let Some(cents) = order.currency.to_eur_cents(order.amount) else { continue };
            let Some(customer_touches) = touches.get(&order.customer_id) else { continue };
            // The last touch at or before the order, if it is within the window.
            let before = customer_touches.partition_point(|(at, _)| *at <= order.ordered_at);
            let Some((at, key)) = before.checked_sub(1).map(|i| &customer_touches[i]) else { continue };
            if order.ordered_at.0 - at.0 <= ATTRIBUTION_WINDOW_MILLIS {
                if let Some(group) = groups.get_mut(key) {
                    group.revenue += cents;
                }
            }
        }
        for ((campaign_id, day, channel), group) in groups {
            let euros = |unscaled: i128| {
                Decimal::from_unscaled(unscaled).ok_or_else(|| {
                    PipelineError::failed(format!(
                        "a euro total of campaign {campaign_id} exceeds 14 digits; widen the decimal in the declaration"
                    ))
                })
            };
            build.write(&MarketingAnalytics {
                day: Date(day),
                channel,
                touches: group.touches,
                unique_customers: group.customers.len() as i64,
                spend_eur: euros(round_to_cents(group.spend))?,
                attributed_revenue_eur: euros(group.revenue)?,
                campaign_id,
            })?;
        }
        Ok(())
    }
}

mesh_pipeline::pipeline!(MarketingAnalytics);

/// Ten-thousandths of a euro to cents, rounded half away from zero.
fn round_to_cents(ten_thousandths: i128) -> i128 {
    let (whole, rest) = (ten_thousandths / 100, ten_thousandths % 100);
    if rest.abs() >= 50 {
        whole + rest.signum()
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::round_to_cents;

    #[test]
    fn spend_rounds_half_away_from_zero_to_the_cent() {
        assert_eq!(round_to_cents(12_345), 123);
        assert_eq!(round_to_cents(12_350), 124);
        assert_eq!(round_to_cents(-12_350), -124);
        assert_eq!(round_to_cents(49), 0);
    }
}
