use mesh_macros::{data_product, AvroRecord};

#[derive(AvroRecord)]
pub struct Address {
    #[quality(not_empty)]
    pub city: String,
}

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Customers {
    #[quality(unique)]
    pub address: Address,
}

fn main() {}
