//! The sales domain owns sales data (data mesh principle 1) and publishes it
//! as products along the lakehouse layers:
//!
//! `bronze.sales_raw` -> `silver.sales_cleaned` -> `gold.sales_analytics`
//!
//! `sales_analytics` is the mesh's example contract: fresh within 15
//! minutes, 99.9% available, quality score above 95%, Avro, OAuth2.

pub mod bronze;
pub mod gold;
mod order_payload;
pub mod silver;
pub mod types;
