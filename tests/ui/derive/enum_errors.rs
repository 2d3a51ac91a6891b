use mesh_macros::{AvroEnum, AvroRecord};

#[derive(AvroEnum)]
pub enum Currency {
    Eur,
    Usd(String),
    #[avro(default)]
    Gbp,
    #[avro(default)]
    Chf,
}

#[derive(AvroEnum)]
pub enum Nothing {}

#[derive(AvroRecord)]
pub enum NotARecord {
    A,
}

#[derive(AvroEnum)]
pub struct NotAnEnum {
    pub a: i32,
}

fn main() {}
