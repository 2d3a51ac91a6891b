use mesh_macros::AvroRecord;

#[derive(AvroRecord)]
#[avro(name = "Line-Item", namespace = "sales..orders", colour = "red")]
pub struct LineItem {
    #[pii(secret)]
    pub sku: String,
    pub quantity: u32,
}

#[derive(AvroRecord)]
pub struct Tuple(i32);

// #[pii] reads the same on a nested record's fields as on a product's.
#[derive(AvroRecord)]
pub struct Contact {
    #[pii]
    pub email: String,
    #[pii(direct, indirect)]
    pub phone: String,
    #[pii(direct)]
    #[pii(direct, encrypted)]
    pub name: String,
}

fn main() {}
