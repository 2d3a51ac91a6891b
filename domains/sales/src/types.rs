//! Types shared by the sales products.

use mesh_core::Decimal;
use mesh_macros::{AvroEnum, AvroRecord};

/// ISO 4217 currency of an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AvroEnum)]
pub enum Currency {
    /// Euro.
    EUR,
    /// Pound sterling.
    GBP,
    /// US dollar.
    USD,
    /// A currency this version does not know; older readers map new symbols here.
    #[avro(default)]
    Other,
}

/// One product line of an order.
#[derive(Debug, Clone, PartialEq, AvroRecord)]
pub struct LineItem {
    /// Stock keeping unit of the product sold.
    pub sku: String,
    /// Units sold.
    pub quantity: i32,
    /// Price of one unit, in the order's currency.
    pub unit_price: Decimal<12, 2>,
}

/// A postal address, as the shop records where an order is shipped.
#[derive(Debug, Clone, PartialEq, AvroRecord)]
#[avro(namespace = "sales")]
pub struct PostalAddress {
    /// Street, house number and any addition, as the customer typed them.
    #[pii(direct, encrypted)]
    pub street: String,
    /// The postal code: narrows a person down to a few households.
    #[pii(indirect, encrypted)]
    pub postcode: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}
