// The declaration from the README's "Declaring a product" section, verbatim:
// a newcomer who copies it gets a product that compiles.
use mesh_core::{Decimal, TimestampMillis, Uuid};
use mesh_macros::{data_product, AvroEnum, AvroRecord};

/// How the order was paid.
#[derive(AvroEnum)]
pub enum PaymentMethod {
    /// Card payment.
    Card,
    /// Bank transfer.
    Transfer,
    /// A method this version does not know.
    #[avro(default)]
    Other,
}

/// One returned item.
#[derive(AvroRecord)]
pub struct ReturnedItem {
    /// Stock keeping unit.
    pub sku: String,
    /// Units returned.
    pub quantity: i32,
}

/// Returns, one record per return, cleaned and deduplicated.
#[data_product(
    domain = "returns",
    version = "1.0.0",
    owner = "returns-data@company.com",
    layer = "silver",
    support = "#returns-data on Slack",
    tags("returns"),
    sla(freshness = "1 hour", availability = "99.5%", quality_score = ">=97%"),
    event_time = "returned_at",
    access(read = "SELECT on silver.returns_cleaned", authentication = "OAuth2"),
    visibility("customer"),
    inputs("sales.sales_cleaned@^1.2")
)]
pub struct ReturnsCleaned {
    /// Unique return identifier.
    pub return_id: Uuid,
    /// The customer's email.
    #[pii(direct, encrypted)]
    pub customer_email: String,
    /// Amount refunded.
    pub refund: Decimal<12, 2>,
    /// How the refund was paid.
    pub method: PaymentMethod,
    /// The items returned.
    pub items: Vec<ReturnedItem>,
    /// When the return was registered.
    #[avro(aliases("registered"))]
    pub returned_at: TimestampMillis,
    /// Free-text reason, if the customer gave one.
    pub reason: Option<String>,
}

fn main() {
    use mesh_core::DataProduct;
    let schema = ReturnsCleaned::schema().expect("the README example has a valid schema");
    assert!(schema.json.contains("\"name\": \"ReturnsCleaned\""));
}
