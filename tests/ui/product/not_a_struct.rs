use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub enum Orders {
    Placed,
}

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Pair(String, i64);

fn main() {}
