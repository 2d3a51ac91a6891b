//! The marketing domain owns marketing data and publishes it as products:
//!
//! `bronze.marketing_raw` -> `silver.marketing_cleaned` -> `gold.marketing_analytics`
//!
//! Campaign attribution in gold also reads the sales domain's silver orders.

pub mod bronze;
pub mod gold;
pub mod silver;
pub mod types;
