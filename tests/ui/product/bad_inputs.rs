use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", inputs("sales.orders", "orders@^2", "sales.orders@two", "sales.Orders@^1"))]
pub struct Enriched {
    pub id: String,
}

fn main() {}
