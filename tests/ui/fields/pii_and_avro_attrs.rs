use mesh_macros::data_product;

#[data_product(domain = "sales", version = "1.0.0", owner = "team@company.com", layer = "silver")]
pub struct Customers {
    #[pii]
    pub email: String,
    #[pii(secret)]
    pub phone: String,
    #[pii(direct, indirect)]
    pub name: String,
    #[avro(rename = "full-name")]
    pub display_name: String,
    #[avro(rename = "email")]
    pub email_copy: String,
    #[avro(default = "zero")]
    pub count: i64,
    #[avro(default = 1)]
    pub note: Option<String>,
    #[avro(alias = "old")]
    pub renamed: String,
}

fn main() {}
