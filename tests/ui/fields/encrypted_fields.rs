use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Customers {
    #[pii(direct, encrypted)]
    pub email: String,
    #[pii(direct, deterministic)]
    pub key: String,
    #[pii(sensitive, encrypted)]
    pub birth_year: i32,
    #[pii(indirect, encrypted, deterministic)]
    pub city: Option<String>,
    #[pii(indirect, encrypted)]
    pub postcodes: Vec<String>,
    #[pii(direct, encrypted, encrypted, deterministic, deterministic)]
    pub phone: String,
}

fn main() {}
