use mesh_macros::data_product;

#[data_product(name = "orders")]
pub struct Orders {
    pub id: String,
}

fn main() {}
