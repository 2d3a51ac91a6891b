use mesh_macros::data_product;

pub struct Address {
    pub street: String,
}

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Customers {
    pub address: Address,
}

fn main() {}
