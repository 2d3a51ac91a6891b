use mesh_macros::data_product;

#[data_product(
    domain = "sales",
    version = "1.0.0",
    owner = "team@company.com",
    layer = "silver",
    quality(row_count(min = 10, max = 1), unique, unique_combination("day", "chanel"), unique_combination("day"), unique_combination("day", "address.city"), unique_combination("channel", "day"), unique_combination("channel", "day"))
)]
pub struct Daily {
    pub day: i32,
    pub channel: String,
}

fn main() {}
