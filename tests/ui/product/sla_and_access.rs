use mesh_macros::data_product;

#[data_product(
    domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver",
    sla(freshness = "15 fortnights", availability = "0%", quality_score = ">100%", latency = "1s"),
    access(read = "SELECT on sales.orders", authentication = 2)
)]
pub struct Orders {
    pub id: String,
}

fn main() {}
