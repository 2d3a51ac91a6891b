use mesh_macros::AvroRecord;

#[derive(AvroRecord)]
#[avro(name = "Line-Item", namespace = "sales..orders", colour = "red")]
pub struct LineItem {
    #[pii(direct)]
    pub sku: String,
    pub quantity: u32,
}

#[derive(AvroRecord)]
pub struct Tuple(i32);

fn main() {}
