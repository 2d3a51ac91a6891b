//! Product usage data products for consumers across the company.

use mesh_core::Date;
use mesh_macros::data_product;

use crate::silver::UsageCleaned;
use crate::types::Platform;

/// Daily feature adoption: how many customers used each feature on each platform.
#[data_product(
    domain = "product",
    version = "1.0.0",
    owner = "product-analytics@company.com",
    layer = "gold",
    support = "#product-analytics on Slack",
    tags("usage", "adoption"),
    sla(freshness = "1 day", availability = "99.9%", quality_score = ">95%"),
    access(read = "SELECT on product.feature_adoption", authentication = "OAuth2"),
    visibility = "public",
    inputs(UsageCleaned)
)]
pub struct UsageAnalytics {
    /// The day measured (UTC).
    pub day: Date,
    /// The product feature.
    pub feature: String,
    /// The client platform.
    pub platform: Platform,
    /// Distinct signed-in customers who used the feature.
    pub active_customers: i64,
    /// Events recorded for the feature.
    pub events: i64,
    /// 95th percentile interaction time in milliseconds, when measured.
    pub p95_duration_ms: Option<f64>,
}
