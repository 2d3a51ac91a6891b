//! `sales.sales_raw`: order events as the shop systems drop them, one JSON object per line with
//! the order itself as JSON text in `payload`.

use std::io::{self, Write};

use mesh_core::model::{CalendarDate, Instant};

use super::dirt::{padding, truncate, Dirt, Malformed, Tally};
use super::population::{Casing, Customer};
use super::render::{
    compact_date, push_decimal, push_escaped, push_padded, push_u64, push_uuid_v4, Precision, Timestamps,
};
use super::rng::{derive, Rng};
use super::stream::{Clock, LineStream};
use super::Generation;

const TAG_SALES: u64 = 0x5A1E;
const TAG_SKU: u64 = 0x5C0;

const DUPLICATE_RATE: f64 = 0.02;
const MALFORMED_RATE: f64 = 0.005;
const LATE_RATE: f64 = 0.03;
const MIXED_CASE_RATE: f64 = 0.30;
const PADDED_RATE: f64 = 0.01;
const UNKNOWN_CURRENCY_RATE: f64 = 0.01;
const INVALID_PAYLOAD_RATE: f64 = 0.003;
const NO_CHANNEL_RATE: f64 = 0.10;
const COUPON_RATE: f64 = 0.15;
/// Web and app orders collected in a shop; store (`pos`) orders never ship.
const PICKUP_RATE: f64 = 0.02;

const SKUS: u64 = 200;
const MAX_ITEMS: u64 = 4;
const MAX_QUANTITY: u64 = 5;
/// How long an order takes to reach the platform, at most.
const MAX_DELIVERY_MILLIS: u64 = 120_000;
const DAY_MILLIS: u64 = 86_400_000;

const UNKNOWN_CURRENCIES: &[&str] = &["CHF", "JPY", "SEK"];

/// Which shop system sent the order, and the channel it records.
const SOURCES: &[(&str, &str, u64)] = &[("shop-web", "web", 55), ("shop-app", "app", 30), ("pos", "store", 15)];

/// A coupon and the discount it gives on a subtotal, in cents.
#[derive(Clone, Copy)]
enum Coupon {
    Percent(&'static str, u64),
    Fixed(&'static str, u64),
}

const COUPONS: &[Coupon] =
    &[Coupon::Percent("WELCOME10", 10), Coupon::Fixed("SAVE5", 500), Coupon::Percent("VIP20", 20)];

impl Coupon {
    fn code(self) -> &'static str {
        match self {
            Self::Percent(code, _) | Self::Fixed(code, _) => code,
        }
    }

    /// Never more than the subtotal, so the amount is never negative.
    fn discount(self, subtotal: u64) -> u64 {
        match self {
            Self::Percent(_, percent) => subtotal * percent / 100,
            Self::Fixed(_, cents) => cents.min(subtotal),
        }
    }
}

/// One order event before it is written, with the dirt drawn for it.
struct Order {
    index: u64,
    customer: Customer,
    received: Instant,
    ordered: Instant,
    source: usize,
    malformed: Option<Malformed>,
    /// Which field a malformed line gets wrong or lacks.
    broken_field: u64,
    invalid_payload: bool,
    late: bool,
    casing: Casing,
    padding: Option<(&'static [u8], &'static [u8])>,
    unknown_currency: bool,
}

/// Writes the sales file of `day` to `out`; returns it and what the file holds.
pub fn write_day<W: Write>(generation: &Generation, day: CalendarDate, out: W) -> io::Result<(W, Tally)> {
    let day_number = day.days_since_epoch();
    let mut rng = Rng::from_parts(&[generation.seed, TAG_SALES, day_number as u64]);
    let events = generation.orders_per_day;
    let clock = Clock::new(day, events);
    let date = compact_date(day);
    let mut stream = LineStream::new(out);
    let mut tally = Tally::new(events);
    let mut timestamps = Timestamps::new();
    let (mut line, mut payload) = (Vec::with_capacity(1024), Vec::with_capacity(768));
    let day_start = clock.day_start().millis();
    for index in 0..events {
        let received = Instant::from_millis(clock.at(index, &mut rng).millis());
        let late = rng.chance(LATE_RATE);
        let ordered = if late {
            day_start - rng.between(1, DAY_MILLIS) as i64
        } else {
            (received.millis() - rng.between(0, MAX_DELIVERY_MILLIS) as i64).max(day_start)
        };
        let malformed = Malformed::draw(&mut rng, MALFORMED_RATE);
        let order = Order {
            index,
            customer: generation.population.order_customer(day_number, index),
            received,
            ordered: Instant::from_millis(ordered),
            source: pick_source(&mut rng),
            malformed,
            broken_field: if malformed.is_some() { rng.below(3) } else { 0 },
            // A malformed line's payload stays JSON: one fault per line, so each is counted once.
            invalid_payload: rng.chance(INVALID_PAYLOAD_RATE) && malformed.is_none(),
            late,
            casing: Casing::draw(&mut rng, MIXED_CASE_RATE),
            padding: padding(&mut rng, PADDED_RATE),
            unknown_currency: rng.chance(UNKNOWN_CURRENCY_RATE),
        };
        payload.clear();
        push_payload(&mut payload, &order, generation.seed, &mut rng, &mut timestamps);
        if order.invalid_payload {
            spoil_payload(&mut payload, &mut rng);
        }
        line.clear();
        push_line(&mut line, &order, &date, &payload, &mut timestamps);
        count(&mut tally, &order);
        if order.malformed == Some(Malformed::Truncated) {
            truncate(&mut line, &mut rng);
        }
        stream.emit(&line)?;
        if order.malformed.is_none() && rng.chance(DUPLICATE_RATE) {
            tally.add(Dirt::Duplicate);
            stream.resend_later(line.clone(), LineStream::<W>::draw_delay(&mut rng));
        }
    }
    let (out, lines) = stream.finish()?;
    tally.lines = lines;
    Ok((out, tally))
}

fn pick_source(rng: &mut Rng) -> usize {
    let mut roll = rng.below(100);
    SOURCES
        .iter()
        .position(|&(_, _, weight)| {
            let here = roll < weight;
            roll = roll.saturating_sub(weight);
            here
        })
        .unwrap_or(0)
}

/// The dirt a reader can see in this event: a malformed line shows nothing else, and a payload
/// that is not JSON hides what it holds.
fn count(tally: &mut Tally, order: &Order) {
    if let Some(malformed) = order.malformed {
        tally.add(malformed.dirt());
        return;
    }
    if order.casing != Casing::Lower {
        tally.add(Dirt::MixedCaseEmail);
    }
    if order.padding.is_some() {
        tally.add(Dirt::PaddedEmail);
    }
    if order.invalid_payload {
        tally.add(Dirt::InvalidPayload);
        return;
    }
    if order.late {
        tally.add(Dirt::Late);
    }
    if order.unknown_currency {
        tally.add(Dirt::UnknownCurrency);
    }
}

/// The order as the shop's JSON: `amount` is the line items' sum less the discount, exactly.
fn push_payload(payload: &mut Vec<u8>, order: &Order, seed: u64, rng: &mut Rng, timestamps: &mut Timestamps) {
    let mut items = [(0u64, 0u64, 0u64); MAX_ITEMS as usize];
    let count = rng.between(1, MAX_ITEMS) as usize;
    for item in &mut items[..count] {
        let sku = rng.between(1, SKUS);
        // A catalogue price per SKU (and seed): `x.99` from 0.99 to 149.99.
        let price = (derive(&[seed, TAG_SKU, sku]) % 150) * 100 + 99;
        *item = (sku, rng.between(1, MAX_QUANTITY), price);
    }
    let subtotal: u64 = items[..count].iter().map(|&(_, quantity, price)| quantity * price).sum();
    let coupon = rng.chance(COUPON_RATE).then(|| *rng.pick(COUPONS));
    let discount = coupon.map_or(0, |coupon| coupon.discount(subtotal));
    let (_, channel, _) = SOURCES[order.source];
    let has_channel = !rng.chance(NO_CHANNEL_RATE);
    let ships = SOURCES[order.source].0 != "pos" && !rng.chance(PICKUP_RATE);

    payload.extend_from_slice(b"{\"order_id\":\"");
    push_uuid_v4(payload, rng);
    payload.extend_from_slice(b"\",\"customer_id\":\"");
    order.customer.push_id(payload);
    payload.extend_from_slice(b"\",\"amount\":\"");
    push_decimal(payload, subtotal - discount, 2);
    payload.extend_from_slice(b"\",\"currency\":\"");
    let currency =
        if order.unknown_currency { rng.pick(UNKNOWN_CURRENCIES) } else { order.customer.country.currency() };
    payload.extend_from_slice(currency.as_bytes());
    payload.extend_from_slice(b"\",\"ordered_at\":\"");
    timestamps.push(payload, order.ordered, Precision::Millis);
    payload.extend_from_slice(b"\",\"line_items\":[");
    for (i, &(sku, quantity, price)) in items[..count].iter().enumerate() {
        if i > 0 {
            payload.push(b',');
        }
        payload.extend_from_slice(b"{\"sku\":\"SKU-");
        push_padded(payload, sku, 4);
        payload.extend_from_slice(b"\",\"quantity\":");
        push_u64(payload, quantity);
        payload.extend_from_slice(b",\"unit_price\":\"");
        push_decimal(payload, price, 2);
        payload.extend_from_slice(b"\"}");
    }
    payload.push(b']');
    if has_channel {
        payload.extend_from_slice(b",\"channel\":\"");
        payload.extend_from_slice(channel.as_bytes());
        payload.push(b'"');
    }
    match coupon {
        Some(coupon) => {
            payload.extend_from_slice(b",\"coupon_code\":\"");
            payload.extend_from_slice(coupon.code().as_bytes());
            payload.extend_from_slice(b"\",\"discount\":\"");
            push_decimal(payload, discount, 2);
            payload.push(b'"');
        }
        None => payload.extend_from_slice(b",\"coupon_code\":null,\"discount\":null"),
    }
    payload.extend_from_slice(b",\"shipping_address\":");
    if ships {
        order.customer.push_address(payload);
    } else {
        payload.extend_from_slice(b"null");
    }
    payload.push(b'}');
}

/// A payload text that is not JSON: cut short, empty, or with single quotes (a Python `repr`).
fn spoil_payload(payload: &mut Vec<u8>, rng: &mut Rng) {
    match rng.below(3) {
        0 => truncate(payload, rng),
        1 => payload.clear(),
        _ => payload.iter_mut().filter(|b| **b == b'"').for_each(|b| *b = b'\''),
    }
}

/// The line; a malformed order's line gets a field of the wrong type or lacks one.
fn push_line(line: &mut Vec<u8>, order: &Order, date: &str, payload: &[u8], timestamps: &mut Timestamps) {
    let wrong_type = order.malformed == Some(Malformed::WrongType);
    let missing = |field| order.malformed == Some(Malformed::MissingField) && order.broken_field == field;
    line.extend_from_slice(b"{\"event_id\":\"so-");
    line.extend_from_slice(date.as_bytes());
    line.push(b'-');
    push_padded(line, order.index + 1, 6);
    line.push(b'"');
    if !missing(0) {
        line.extend_from_slice(b",\"customer_email\":\"");
        let (before, after) = order.padding.unwrap_or((b"", b""));
        line.extend_from_slice(before);
        order.customer.push_email(line, order.casing);
        line.extend_from_slice(after);
        line.push(b'"');
    }
    if wrong_type && order.broken_field == 0 {
        // The order embedded as an object where the contract says JSON text.
        line.extend_from_slice(b",\"payload\":");
        line.extend_from_slice(payload);
    } else {
        line.extend_from_slice(b",\"payload\":\"");
        push_escaped(line, payload);
        line.push(b'"');
    }
    if !missing(1) {
        line.extend_from_slice(b",\"source_system\":\"");
        line.extend_from_slice(SOURCES[order.source].0.as_bytes());
        line.push(b'"');
    }
    if wrong_type && order.broken_field != 0 {
        // Epoch milliseconds as text where the contract says RFC 3339 text (a JSON number
        // would be read as epoch milliseconds: the landing contract accepts both).
        line.extend_from_slice(b",\"received_at\":\"");
        push_u64(line, order.received.millis() as u64);
        line.push(b'"');
    } else if !missing(2) {
        line.extend_from_slice(b",\"received_at\":\"");
        timestamps.push(line, order.received, Precision::Millis);
        line.push(b'"');
    }
    line.push(b'}');
}
