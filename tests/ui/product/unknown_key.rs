use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", ownr = "team@company.com", layer = "silver")]
pub struct Orders {
    pub id: String,
}

fn main() {}
