//! Marketing data products for consumers across the company.

use mesh_core::{Date, Decimal, TimestampMillis};
use mesh_macros::data_product;
use mesh_pipeline::clean::{HashMap, HashMapExt, HashSet};
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

/// What the performance is measured per: campaign (its index in [`Interned`]), UTC day (days since
/// the epoch), channel.
type GroupKey = (u32, i32, Channel);

#[derive(Default)]
struct Group {
    touches: i64,
    /// Indexes of the distinct customers touched.
    customers: HashSet<u32>,
    // In ten-thousandths of a euro, as `cost_eur` has it.
    spend: i128,
    // In euro cents.
    revenue: i128,
}

/// Each distinct string once, numbered densely in order of first sight: touches then refer to
/// campaigns and customers by number, so no string is copied per touch.
#[derive(Default)]
struct Interned {
    numbers: HashMap<String, u32>,
}

impl Interned {
    /// The number of `text`, numbering it if new (the string is moved in, not copied).
    fn number(&mut self, text: String) -> u32 {
        let next = self.numbers.len() as u32;
        *self.numbers.entry(text).or_insert(next)
    }

    fn get(&self, text: &str) -> Option<u32> {
        self.numbers.get(text).copied()
    }

    /// The strings by number.
    fn by_number(&self) -> Vec<&str> {
        let mut names = vec![""; self.numbers.len()];
        for (name, &number) in &self.numbers {
            names[number as usize] = name;
        }
        names
    }
}

/// Groups touches by campaign, UTC day and channel, then attributes each order (converted to
/// EUR at the sales domain's fixed rates) to the customer's last touch in the 7 days before it
/// (last-touch attribution; an order with no such touch is attributed to none). Rows are written
/// ordered by campaign, day and channel.
///
/// Holds each distinct customer and campaign id once, every touch as (time, group) and every
/// group's distinct customers as numbers: memory grows with the touches, not with the orders,
/// which are streamed.
impl Pipeline for MarketingAnalytics {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let (mut campaigns, mut customers) = (Interned::default(), Interned::default());
        let mut group_numbers: HashMap<GroupKey, u32> = HashMap::new();
        let mut groups: Vec<(GroupKey, Group)> = Vec::new();
        // Per customer number: their touches as (time, group number).
        let mut touches: Vec<Vec<(TimestampMillis, u32)>> = Vec::new();
        for touch in build.read::<MarketingCleaned>()? {
            let touch = touch?;
            let key = (campaigns.number(touch.campaign_id), day_of(touch.touched_at), touch.channel);
            let number = *group_numbers.entry(key).or_insert_with(|| {
                groups.push((key, Group::default()));
                groups.len() as u32 - 1
            });
            let customer = customers.number(touch.customer_id);
            let group = &mut groups[number as usize].1;
            group.touches += 1;
            group.spend += touch.cost_eur.map_or(0, Decimal::unscaled);
            group.customers.insert(customer);
            if customer as usize == touches.len() {
                touches.push(Vec::new());
            }
            touches[customer as usize].push((touch.touched_at, number));
        }
        let campaign_ids = campaigns.by_number();
        let order_key = |number: u32| {
            let (campaign, day, channel) = groups[number as usize].0;
            (campaign_ids[campaign as usize], day, channel)
        };
        // By time, then group: of touches at the same time, the last is the greatest group.
        for customer_touches in &mut touches {
            customer_touches.sort_unstable_by(|(a_at, a), (b_at, b)| (a_at, order_key(*a)).cmp(&(b_at, order_key(*b))));
        }
        for order in build.read::<SalesCleaned>()? {
            let order = order?;
            let Some(cents) = order.currency.to_eur_cents(order.amount) else { continue };
            let Some(customer) = customers.get(&order.customer_id) else { continue };
            let customer_touches = &touches[customer as usize];
            // The last touch at or before the order, if it is within the window.
            let before = customer_touches.partition_point(|(at, _)| *at <= order.ordered_at);
            let Some((at, number)) = before.checked_sub(1).map(|i| customer_touches[i]) else { continue };
            if order.ordered_at.0 - at.0 <= ATTRIBUTION_WINDOW_MILLIS {
                groups[number as usize].1.revenue += cents;
            }
        }
        groups.sort_unstable_by(|((a, a_day, a_channel), _), ((b, b_day, b_channel), _)| {
            (campaign_ids[*a as usize], a_day, a_channel).cmp(&(campaign_ids[*b as usize], b_day, b_channel))
        });
        for ((campaign, day, channel), group) in groups {
            let campaign_id = campaign_ids[campaign as usize];
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
                campaign_id: campaign_id.to_owned(),
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
