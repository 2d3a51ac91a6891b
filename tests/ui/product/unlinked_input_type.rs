use mesh_macros::data_product;

pub struct NotAProduct {
    pub id: String,
}

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", inputs(NotAProduct))]
pub struct Orders {
    pub id: String,
}

fn main() {}
