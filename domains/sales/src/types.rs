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

/// EUR per unit of each currency, in millionths: the fixed rates every domain converts with,
/// so that revenue figures agree across products. Change them here, in one place.
const EUR_RATES_MICROS: [(Currency, i128); 3] =
    [(Currency::EUR, 1_000_000), (Currency::GBP, 1_170_000), (Currency::USD, 920_000)];

impl Currency {
    /// The currency of an ISO 4217 code, if this version knows it (codes are upper case).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "EUR" => Some(Self::EUR),
            "GBP" => Some(Self::GBP),
            "USD" => Some(Self::USD),
            _ => None,
        }
    }

    /// `amount` of this currency in euro cents at the fixed rates, rounded half away from zero
    /// to the cent; `None` for [`Currency::Other`], which has no rate.
    pub fn to_eur_cents(self, amount: Decimal<12, 2>) -> Option<i128> {
        let (_, rate) = EUR_RATES_MICROS.iter().find(|(currency, _)| *currency == self)?;
        let micro_cents = amount.unscaled() * rate;
        let (whole, rest) = (micro_cents / 1_000_000, micro_cents % 1_000_000);
        Some(if rest.abs() >= 500_000 { whole + rest.signum() } else { whole })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_convert_to_euro_cents_at_the_fixed_rates() {
        let amount = |text: &str| text.parse::<Decimal<12, 2>>().unwrap();
        assert_eq!(Currency::EUR.to_eur_cents(amount("12.34")), Some(1234));
        assert_eq!(Currency::GBP.to_eur_cents(amount("10.00")), Some(1170));
        // 0.05 USD = 4.6 cents: rounded half away from zero, also below zero.
        assert_eq!(Currency::USD.to_eur_cents(amount("0.05")), Some(5));
        assert_eq!(Currency::USD.to_eur_cents(amount("-0.05")), Some(-5));
        assert_eq!(Currency::USD.to_eur_cents(amount("0.01")), Some(1));
        assert_eq!(Currency::Other.to_eur_cents(amount("1.00")), None);
        assert_eq!(Currency::from_code("GBP"), Some(Currency::GBP));
        assert_eq!(Currency::from_code("gbp"), None);
    }
}
