use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver", deprecated = "2027-02-30")]
pub struct Orders {
    pub id: String,
}

fn main() {}
