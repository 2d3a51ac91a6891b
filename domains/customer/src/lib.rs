//! Cross-domain data products: `gold.customer_360` combines the sales and
//! marketing domains' silver products into one view per customer.

pub mod gold;
