//! `marketing.marketing_raw`: campaign touches (sends, opens, clicks, ad views) as the campaign
//! tools export them, each tool spelling its channel its own way.

use std::io::{self, Write};

use mesh_core::model::{CalendarDate, Instant};

use super::dirt::{truncate, Dirt, Malformed, Tally};
use super::population::{Casing, Customer};
use super::render::{compact_date, push_decimal, push_padded, push_u64, Precision, Timestamps, MICROS_PER_DAY};
use super::rng::Rng;
use super::stream::{Clock, LineStream};
use super::Generation;

const TAG_MARKETING: u64 = 0x3A4E;

/// Touches per order of the same day.
pub const TOUCHES_PER_ORDER: u64 = 3;

const DUPLICATE_RATE: f64 = 0.02;
const MALFORMED_RATE: f64 = 0.005;
const LATE_RATE: f64 = 0.03;
const MIXED_CASE_RATE: f64 = 0.30;
const UNKNOWN_CHANNEL_RATE: f64 = 0.01;
/// Recipients without a CRM contact (bought lists, forwarded mails).
const ANONYMOUS_RATE: f64 = 0.05;
const NO_COST_RATE: f64 = 0.20;
/// Touches aimed at one of the same customer's orders in the next seven days, for attribution.
const ATTRIBUTED_RATE: f64 = 0.40;
const ATTRIBUTION_WINDOW_MICROS: i64 = 7 * MICROS_PER_DAY;
const DAY_MILLIS: u64 = 86_400_000;
const CAMPAIGNS: u64 = 20;

/// A channel: how the tools spell it, its UTM source and medium, and its cost per touch in
/// 1/10000 EUR.
struct Channel {
    spellings: &'static [&'static str],
    utm_sources: &'static [&'static str],
    utm_medium: &'static str,
    cost: (u64, u64),
}

const CHANNELS: &[Channel] = &[
    Channel {
        spellings: &["email", "E-Mail", "newsletter"],
        utm_sources: &["newsletter"],
        utm_medium: "email",
        cost: (10, 200),
    },
    Channel {
        spellings: &["search", "sem", "google_ads"],
        utm_sources: &["google", "bing"],
        utm_medium: "cpc",
        cost: (2_000, 25_000),
    },
    Channel {
        spellings: &["social", "facebook", "instagram"],
        utm_sources: &["facebook", "instagram"],
        utm_medium: "social",
        cost: (500, 8_000),
    },
    Channel {
        spellings: &["display", "banner"],
        utm_sources: &["partner_network"],
        utm_medium: "display",
        cost: (20, 500),
    },
];

/// Spellings of channels the mesh does not know.
const UNKNOWN_CHANNELS: &[&str] = &["sms", "podcast", "SMS", "Podcast"];

/// One touch before it is written, with the dirt drawn for it.
struct Touch {
    index: u64,
    customer: Customer,
    anonymous: bool,
    occurred: Instant,
    campaign: u64,
    spelling: &'static str,
    spelling_case: u64,
    unknown_channel: bool,
    utm_source: &'static str,
    cost: Option<u64>,
    malformed: Option<Malformed>,
    broken_field: u64,
    late: bool,
    casing: Casing,
}

/// Writes the marketing file of `day` to `out`; returns it and what the file holds.
pub fn write_day<W: Write>(generation: &Generation, day: CalendarDate, out: W) -> io::Result<(W, Tally)> {
    let mut rng = Rng::from_parts(&[generation.seed, TAG_MARKETING, day.days_since_epoch() as u64]);
    let events = generation.orders_per_day * TOUCHES_PER_ORDER;
    let clock = Clock::new(day, events);
    let orders = Clock::new(day, generation.orders_per_day);
    let date = compact_date(day);
    let mut stream = LineStream::new(out);
    let mut tally = Tally::new(events);
    let mut timestamps = Timestamps::new();
    let mut line = Vec::with_capacity(512);
    let day_start = clock.day_start().millis();
    for index in 0..events {
        let at = Instant::from_millis(clock.at(index, &mut rng).millis());
        let late = rng.chance(LATE_RATE);
        let occurred = if late { Instant::from_millis(day_start - rng.between(1, DAY_MILLIS) as i64) } else { at };
        let customer = pick_customer(generation, &orders, occurred, &mut rng);
        let campaign = rng.between(1, CAMPAIGNS);
        let channel = &CHANNELS[(campaign % CHANNELS.len() as u64) as usize];
        let unknown_channel = rng.chance(UNKNOWN_CHANNEL_RATE);
        let spelling = if unknown_channel { rng.pick(UNKNOWN_CHANNELS) } else { rng.pick(channel.spellings) };
        let malformed = Malformed::draw(&mut rng, MALFORMED_RATE);
        let touch = Touch {
            index,
            customer,
            anonymous: rng.chance(ANONYMOUS_RATE),
            occurred,
            campaign,
            spelling,
            spelling_case: rng.below(10),
            unknown_channel,
            utm_source: rng.pick::<&str>(channel.utm_sources),
            cost: (!rng.chance(NO_COST_RATE)).then(|| rng.between(channel.cost.0, channel.cost.1)),
            malformed,
            broken_field: if malformed.is_some() { rng.below(3) } else { 0 },
            late,
            casing: Casing::draw(&mut rng, MIXED_CASE_RATE),
        };
        line.clear();
        push_line(&mut line, &touch, channel, &date, &mut timestamps);
        count(&mut tally, &touch);
        if touch.malformed == Some(Malformed::Truncated) {
            truncate(&mut line, &mut rng);
        }
        stream.emit(&line)?;
        if touch.malformed.is_none() && rng.chance(DUPLICATE_RATE) {
            tally.add(Dirt::Duplicate);
            stream.resend_later(line.clone(), LineStream::<W>::draw_delay(&mut rng));
        }
    }
    let (out, lines) = stream.finish()?;
    tally.lines = lines;
    Ok((out, tally))
}

/// Some touches go to a customer who orders within seven days after them (found through the
/// sales day's stateless choice of customers); the rest to anyone marketing reaches.
fn pick_customer(generation: &Generation, orders: &Clock, occurred: Instant, rng: &mut Rng) -> Customer {
    let population = &generation.population;
    if rng.chance(ATTRIBUTED_RATE) {
        // Two order slots of slack: the order is the first one after the target time.
        let slack = 2 * MICROS_PER_DAY / generation.orders_per_day as i64;
        let gap = rng.below((ATTRIBUTION_WINDOW_MICROS - slack).max(1) as u64) as i64;
        let (day, slot) = orders.next_slot_after(Instant(occurred.0 + gap));
        let buyer = population.order_customer(day, slot);
        if population.is_touched(buyer.index) {
            return buyer;
        }
    }
    population.touched(rng)
}

fn count(tally: &mut Tally, touch: &Touch) {
    if let Some(malformed) = touch.malformed {
        tally.add(malformed.dirt());
        return;
    }
    if touch.casing != Casing::Lower {
        tally.add(Dirt::MixedCaseEmail);
    }
    if touch.late {
        tally.add(Dirt::Late);
    }
    if touch.unknown_channel {
        tally.add(Dirt::UnknownChannel);
    }
}

/// A channel as one tool spells it: mostly as listed, sometimes upper case or capitalised.
fn push_spelling(line: &mut Vec<u8>, spelling: &str, case: u64) {
    let start = line.len();
    line.extend_from_slice(spelling.as_bytes());
    match case {
        0 | 1 => line[start..].make_ascii_uppercase(),
        2 | 3 => line[start].make_ascii_uppercase(),
        _ => {}
    }
}

fn push_line(line: &mut Vec<u8>, touch: &Touch, channel: &Channel, date: &str, timestamps: &mut Timestamps) {
    let wrong_type = touch.malformed == Some(Malformed::WrongType);
    let missing = |field| touch.malformed == Some(Malformed::MissingField) && touch.broken_field == field;
    line.extend_from_slice(b"{\"event_id\":\"mk-");
    line.extend_from_slice(date.as_bytes());
    line.push(b'-');
    push_padded(line, touch.index + 1, 6);
    line.push(b'"');
    if !missing(0) {
        line.extend_from_slice(b",\"campaign_id\":\"CAMP-");
        push_padded(line, touch.campaign, 3);
        line.push(b'"');
    }
    if !missing(1) {
        line.extend_from_slice(b",\"email\":\"");
        touch.customer.push_email(line, touch.casing);
        line.push(b'"');
    }
    if !touch.anonymous {
        line.extend_from_slice(b",\"customer_id\":\"");
        touch.customer.push_id(line);
        line.push(b'"');
    }
    if !missing(2) {
        line.extend_from_slice(b",\"channel\":\"");
        push_spelling(line, touch.spelling, touch.spelling_case);
        line.push(b'"');
    }
    if wrong_type && touch.broken_field == 0 {
        // Epoch milliseconds as text where the contract says RFC 3339 text (or a JSON number).
        line.extend_from_slice(b",\"occurred_at\":\"");
        push_u64(line, touch.occurred.millis() as u64);
        line.push(b'"');
    } else {
        line.extend_from_slice(b",\"occurred_at\":\"");
        timestamps.push(line, touch.occurred, Precision::Millis);
        line.push(b'"');
    }
    let campaign = |line: &mut Vec<u8>| {
        line.extend_from_slice(b"camp-");
        push_padded(line, touch.campaign, 3);
    };
    if wrong_type && touch.broken_field != 0 {
        // The link's query string where the contract says a map.
        line.extend_from_slice(b",\"utm\":\"utm_source=");
        line.extend_from_slice(touch.utm_source.as_bytes());
        line.extend_from_slice(b"&utm_medium=");
        line.extend_from_slice(channel.utm_medium.as_bytes());
        line.extend_from_slice(b"&utm_campaign=");
        campaign(line);
        line.push(b'"');
    } else {
        line.extend_from_slice(b",\"utm\":{\"utm_source\":\"");
        line.extend_from_slice(touch.utm_source.as_bytes());
        line.extend_from_slice(b"\",\"utm_medium\":\"");
        line.extend_from_slice(channel.utm_medium.as_bytes());
        line.extend_from_slice(b"\",\"utm_campaign\":\"");
        campaign(line);
        line.extend_from_slice(b"\"}");
    }
    if let Some(cost) = touch.cost {
        line.extend_from_slice(b",\"cost_eur\":\"");
        push_decimal(line, cost, 4);
        line.push(b'"');
    }
    line.push(b'}');
}
