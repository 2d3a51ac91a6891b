use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", version = "2.0.0")]
pub struct Orders {
    pub id: String,
}

fn main() {}
