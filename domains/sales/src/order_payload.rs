//! The order event the order system puts in `SalesRaw::payload`, parsed and validated.
//!
//! Reasons never quote the payload: it holds the customer's address.

use mesh_core::model::Instant;
use mesh_core::{Decimal, TimestampMillis, Uuid};
use std::borrow::Cow;

use serde::Deserialize;

use crate::types::{Currency, LineItem, PostalAddress};

#[derive(Deserialize)]
struct OrderJson<'a> {
    // Borrowed where the text has no escapes, owned where it has.
    #[serde(borrow)]
    order_id: Cow<'a, str>,
    customer_id: String,
    #[serde(borrow)]
    amount: Cow<'a, str>,
    #[serde(borrow)]
    currency: Cow<'a, str>,
    #[serde(borrow)]
    ordered_at: Cow<'a, str>,
    #[serde(borrow)]
    line_items: Vec<LineJson<'a>>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    coupon_code: Option<String>,
    #[serde(default, borrow)]
    discount: Option<Cow<'a, str>>,
    #[serde(default)]
    shipping_address: Option<AddressJson>,
}

#[derive(Deserialize)]
struct LineJson<'a> {
    sku: String,
    quantity: i32,
    #[serde(borrow)]
    unit_price: Cow<'a, str>,
}

#[derive(Deserialize)]
struct AddressJson {
    street: String,
    postcode: String,
    country: String,
}

/// An order event's content, validated.
pub struct Order {
    pub order_id: Uuid,
    pub customer_id: String,
    pub amount: Decimal<12, 2>,
    pub currency: Currency,
    pub ordered_at: TimestampMillis,
    pub line_items: Vec<LineItem>,
    pub channel: Option<String>,
    pub coupon_code: Option<String>,
    pub discount: Option<Decimal<12, 2>>,
    pub shipping_address: Option<PostalAddress>,
}

/// Parses and validates an order payload; the error is a reason that quotes nothing of it.
pub fn parse(payload: &str) -> Result<Order, String> {
    let order: OrderJson<'_> = serde_json::from_str(payload).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            format!("the payload does not have the order event's fields and types (at column {})", e.column())
        }
        _ => format!("the payload is not JSON (at column {})", e.column()),
    })?;
    let decimal = |text: &str, what: &str| {
        text.parse::<Decimal<12, 2>>().map_err(|_| format!("`{what}` is not a decimal with at most 2 places"))
    };
    let mut line_items = Vec::with_capacity(order.line_items.len());
    for (at, line) in order.line_items.into_iter().enumerate() {
        if line.quantity <= 0 {
            return Err(format!("line_items[{at}].quantity is not positive"));
        }
        line_items.push(LineItem {
            sku: line.sku,
            quantity: line.quantity,
            unit_price: decimal(&line.unit_price, "unit_price")?,
        });
    }
    Ok(Order {
        order_id: order.order_id.parse::<Uuid>().map_err(|_| "`order_id` is not a UUID".to_owned())?,
        customer_id: order.customer_id,
        amount: decimal(&order.amount, "amount")?,
        currency: Currency::from_code(&order.currency)
            .ok_or_else(|| "`currency` is not a known currency (EUR, GBP, USD)".to_owned())?,
        ordered_at: Instant::parse_rfc3339(&order.ordered_at)
            .map(|at| TimestampMillis(at.millis()))
            .map_err(|e| format!("`ordered_at` is {e}"))?,
        line_items,
        channel: order.channel,
        coupon_code: order.coupon_code,
        discount: order.discount.map(|d| decimal(&d, "discount")).transpose()?,
        shipping_address: order.shipping_address.map(|a| PostalAddress {
            street: a.street,
            postcode: a.postcode,
            country: a.country,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &str = r#"{"order_id":"123e4567-e89b-12d3-a456-426614174000","customer_id":"C000042","amount":"15.00","currency":"GBP","ordered_at":"2026-11-01T10:15:00.123Z","line_items":[{"sku":"SKU-0001","quantity":2,"unit_price":"10.00"}],"coupon_code":null,"discount":"5.00","shipping_address":{"street":"12 Example Street","postcode":"AB1 2CD","country":"GB"}}"#;

    #[test]
    fn an_order_payload_is_read_with_every_field() {
        let order = parse(ORDER).unwrap();
        assert_eq!(order.order_id.to_string(), "123e4567-e89b-12d3-a456-426614174000");
        assert_eq!((order.amount.to_string(), order.currency), ("15.00".to_owned(), Currency::GBP));
        assert_eq!(order.ordered_at, TimestampMillis(1_793_528_100_123));
        assert_eq!(order.line_items[0].unit_price.to_string(), "10.00");
        assert_eq!(order.discount.map(|d| d.to_string()).as_deref(), Some("5.00"));
        assert_eq!(order.channel, None);
        assert_eq!(order.shipping_address.map(|a| a.country).as_deref(), Some("GB"));
    }

    #[test]
    fn bad_payloads_are_refused_with_reasons_that_quote_nothing() {
        for (payload, reason) in [
            (ORDER.replace("GBP", "CHF"), "`currency` is not a known currency"),
            (ORDER.replace("\"15.00\"", "\"15.005\""), "`amount` is not a decimal"),
            (ORDER.replace("\"quantity\":2", "\"quantity\":0"), "line_items[0].quantity is not positive"),
            (ORDER.replace("2026-11-01T10:15:00.123Z", "yesterday"), "`ordered_at` is not an RFC 3339"),
            (ORDER.replace("\"customer_id\":\"C000042\"", "\"customer_id\":42"), "does not have the order event's"),
            (ORDER[..40].to_owned(), "the payload is not JSON"),
        ] {
            let error = parse(&payload).err().unwrap();
            assert!(error.contains(reason), "{error}");
            assert!(!error.contains("Example Street") && !error.contains("C000042") && !error.contains("CHF"));
        }
    }
}
