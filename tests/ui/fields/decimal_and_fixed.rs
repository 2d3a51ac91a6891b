use mesh_core::Decimal;

use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Amounts {
    pub too_precise: Decimal<40, 2>,
    pub negative_scale: Decimal<4, 6>,
    pub not_literal: Decimal<P, 2>,
    pub empty: [u8; 0],
}

const P: u32 = 10;

fn main() {}
