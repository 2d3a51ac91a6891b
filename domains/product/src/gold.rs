//! Product usage data products for consumers across the company.

use std::collections::{BTreeMap, HashSet};

use mesh_core::model::Instant;
use mesh_core::Date;
use mesh_macros::data_product;
use mesh_pipeline::{Build, Pipeline, PipelineError};

use crate::silver::UsageCleaned;
use crate::types::Platform;

/// Daily feature adoption: how many customers used each feature on each platform.
#[data_product(
    domain = "product",
    version = "1.2.0",
    event_time = "day",
    owner = "product-analytics@company.com",
    layer = "gold",
    support = "#product-analytics on Slack",
    tags("usage", "adoption"),
    sla(freshness = "1 day", availability = "99.9%", quality_score = ">95%"),
    access(read = "SELECT on product.feature_adoption", authentication = "OAuth2"),
    visibility = "public",
    inputs(UsageCleaned),
    quality(unique_combination("day", "feature", "platform"))
)]
pub struct UsageAnalytics {
    /// The day measured (UTC).
    pub day: Date,
    /// The product feature.
    #[quality(not_empty, length(max = 64))]
    pub feature: String,
    /// The client platform.
    pub platform: Platform,
    /// Distinct signed-in customers who used the feature.
    #[quality(range(min = 1))]
    pub active_customers: i64,
    /// Events recorded for the feature.
    #[quality(range(min = 1))]
    pub events: i64,
    /// 95th percentile interaction time in milliseconds, when measured.
    #[quality(range(min = 0), max_null_share = "50%")]
    pub p95_duration_ms: Option<f64>,
}

#[derive(Default)]
struct Group {
    customers: HashSet<String>,
    events: i64,
    durations: Vec<i64>,
}

/// The nearest-rank 95th percentile: the smallest value at least 95% of the values do not exceed.
fn p95(values: &mut [i64]) -> Option<f64> {
    values.sort_unstable();
    let rank = (values.len() * 95).div_ceil(100);
    values.get(rank.checked_sub(1)?).map(|&ms| ms as f64)
}

/// Groups events by UTC day, feature and platform. Holds, per group, its distinct customers and
/// every measured duration (the exact percentile needs them all).
impl Pipeline for UsageAnalytics {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let mut groups: BTreeMap<(i32, String, Platform), Group> = BTreeMap::new();
        for event in build.read::<UsageCleaned>()? {
            let event = event?;
            let day = Instant(event.occurred_at.0).date().days_since_epoch() as i32;
            let group = groups.entry((day, event.feature, event.platform)).or_default();
            group.events += 1;
            group.customers.extend(event.customer_id);
            group.durations.extend(event.duration_ms);
        }
        for ((day, feature, platform), mut group) in groups {
            build.write(&UsageAnalytics {
                day: Date(day),
                feature,
                platform,
                active_customers: group.customers.len() as i64,
                events: group.events,
                p95_duration_ms: p95(&mut group.durations),
            })?;
        }
        Ok(())
    }
}

mesh_pipeline::pipeline!(UsageAnalytics);

#[cfg(test)]
mod tests {
    use super::p95;

    #[test]
    fn the_95th_percentile_is_the_nearest_rank() {
        assert_eq!(p95(&mut []), None);
        assert_eq!(p95(&mut [7]), Some(7.0));
        let mut hundred: Vec<i64> = (1..=100).rev().collect();
        assert_eq!(p95(&mut hundred), Some(95.0));
        let mut twenty_one: Vec<i64> = (1..=21).collect();
        assert_eq!(p95(&mut twenty_one), Some(20.0));
    }
}
