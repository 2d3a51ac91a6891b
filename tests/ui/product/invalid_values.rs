use mesh_macros::data_product;

#[data_product(
    domain = "Sales",
    name = "orders-clean",
    version = "2.1",
    owner = "sales team",
    layer = "platinum",
    sla(freshness = "soon", availability = "100.5%", quality_score = "95%"),
    compatibility = "sideways",
    deprecated = "next year",
    visibility = "everyone"
)]
pub struct Orders {
    pub id: String,
}

fn main() {}
