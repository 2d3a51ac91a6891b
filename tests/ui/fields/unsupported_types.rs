use std::collections::{HashMap, HashSet};

use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Orders {
    pub a: u64,
    pub b: usize,
    pub c: u128,
    pub d: (String, i64),
    pub e: &'static str,
    pub f: HashSet<String>,
    pub g: Option<Option<String>>,
    pub h: HashMap<i64, String>,
    pub i: u8,
    pub j: char,
    pub k: [i32; 4],
    pub l: Box<String>,
}

fn main() {}
