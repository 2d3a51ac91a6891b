use mesh_core::{Decimal, Uuid};
use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Orders {
    #[quality(unique, uniq)]
    pub order_id: Uuid,
    #[quality(range(min = 0, max = 100))]
    pub customer_id: String,
    #[quality(pattern = "[0-9]+")]
    pub quantity: i32,
    #[quality(max_null_share = "5%")]
    pub amount: Decimal<12, 2>,
    #[quality(pattern = "[A-Z")]
    pub currency: String,
    #[quality(range(min = 0.5), length(min = 5, max = 1))]
    pub units: Option<i64>,
    #[quality(range(min = 10, max = 1), accepted_values())]
    pub rank: i32,
    #[quality(max_null_share = "0.05")]
    pub note: Option<String>,
}

fn main() {}
