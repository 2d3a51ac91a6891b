//! The product domain owns product usage data and publishes it as products:
//!
//! `bronze.usage_raw` -> `silver.usage_cleaned` -> `gold.usage_analytics`

pub mod bronze;
mod event_payload;
pub mod gold;
pub mod silver;
pub mod types;
