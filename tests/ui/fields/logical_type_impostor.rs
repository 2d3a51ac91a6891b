use mesh_macros::data_product;

/// Not mesh_core::Date.
pub struct Date(pub String);

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Events {
    pub day: Date,
}

fn main() {}
