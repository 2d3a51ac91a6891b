//! `product.usage_raw`: usage events as the clients send them to the collector, the event's
//! properties as base64 of the client's JSON.

use std::io::{self, Write};

use mesh_core::model::{CalendarDate, Instant};

use super::dirt::{truncate, Dirt, Malformed, Tally};
use super::render::{
    push_base64, push_hex, push_padded, push_u64, push_uuid_v4, Precision, Timestamps, MICROS_PER_SECOND,
};
use super::rng::{derive, Rng};
use super::stream::{Clock, LineStream};
use super::Generation;

const TAG_USAGE: u64 = 0x05A6;
const TAG_DEVICE: u64 = 0xDE71;
const TAG_ANONYMOUS_DEVICE: u64 = 0xA707;

/// Usage events per order of the same day.
pub const EVENTS_PER_ORDER: u64 = 5;

const DUPLICATE_RATE: f64 = 0.02;
const MALFORMED_RATE: f64 = 0.005;
const LATE_RATE: f64 = 0.03;
const NON_UUID_RATE: f64 = 0.003;
const UNKNOWN_PLATFORM_RATE: f64 = 0.005;
const SIGNED_OUT_RATE: f64 = 0.30;
const NO_DURATION_RATE: f64 = 0.25;
/// How long before the collector receives an event the client stamped it, at most.
const MAX_CLIENT_LAG_MICROS: u64 = 5 * MICROS_PER_SECOND as u64;
const DAY_MICROS: u64 = 86_400 * MICROS_PER_SECOND as u64;
/// Devices per signed-in user.
const DEVICES_PER_USER: u64 = 3;

/// Event names and the screen each happens on.
const EVENTS: &[(&str, &str)] = &[
    ("search.open", "search"),
    ("checkout.click", "checkout"),
    ("cart.add", "product"),
    ("profile.edit", "profile"),
    ("report.export", "reports"),
];
const PLATFORMS: &[&str] = &["web", "ios", "android", "api"];
const UNKNOWN_PLATFORMS: &[&str] = &["tvos", "watchos"];
const APP_VERSIONS: &[&str] = &["3.2.1", "3.2.0", "3.1.4", "2.9.8"];

/// One usage event before it is written, with the dirt drawn for it.
struct Usage {
    /// The device's bits: its id and platform.
    device: u64,
    user: Option<u32>,
    event: usize,
    received: Instant,
    client: Instant,
    duration: Option<u64>,
    session: u64,
    malformed: Option<Malformed>,
    broken_field: u64,
    non_uuid: Option<u64>,
    unknown_platform: bool,
    late: bool,
}

/// Writes the usage file of `day` to `out`; returns it and what the file holds.
pub fn write_day<W: Write>(generation: &Generation, day: CalendarDate, out: W) -> io::Result<(W, Tally)> {
    let seed = generation.seed;
    let mut rng = Rng::from_parts(&[seed, TAG_USAGE, day.days_since_epoch() as u64]);
    let events = generation.orders_per_day * EVENTS_PER_ORDER;
    let clock = Clock::new(day, events);
    let mut stream = LineStream::new(out);
    let mut tally = Tally::new(events);
    let mut timestamps = Timestamps::new();
    let (mut line, mut payload) = (Vec::with_capacity(768), Vec::with_capacity(256));
    let day_start = clock.day_start().0;
    let slot = DAY_MICROS / events.max(1);
    for index in 0..events {
        let received = clock.at(index, &mut rng);
        let late = rng.chance(LATE_RATE);
        let client = if late {
            Instant(day_start - rng.between(1, DAY_MICROS) as i64)
        } else {
            Instant((received.0 - rng.between(0, MAX_CLIENT_LAG_MICROS) as i64).max(day_start))
        };
        let user = (!rng.chance(SIGNED_OUT_RATE)).then(|| generation.population.any(&mut rng).index);
        let device = match user {
            Some(user) => derive(&[seed, TAG_DEVICE, u64::from(user), rng.below(DEVICES_PER_USER)]),
            // Signed-out devices: a pool twice the population's size.
            None => derive(&[seed, TAG_ANONYMOUS_DEVICE, rng.below(2 * u64::from(generation.population.size()))]),
        };
        let malformed = Malformed::draw(&mut rng, MALFORMED_RATE);
        let usage = Usage {
            device,
            user,
            event: rng.below(EVENTS.len() as u64) as usize,
            received,
            client,
            duration: (!rng.chance(NO_DURATION_RATE)).then(|| rng.between(5, 30_000)),
            session: rng.next_u64(),
            malformed,
            broken_field: if malformed.is_some() { rng.below(3) } else { 0 },
            non_uuid: rng.chance(NON_UUID_RATE).then(|| rng.next_u64()),
            unknown_platform: rng.chance(UNKNOWN_PLATFORM_RATE),
            late,
        };
        payload.clear();
        push_payload(&mut payload, &usage, &mut rng, &mut timestamps);
        line.clear();
        let received_at = push_line(&mut line, &usage, &payload, &mut rng, &mut timestamps);
        count(&mut tally, &usage);
        if usage.malformed == Some(Malformed::Truncated) {
            truncate(&mut line, &mut rng);
        }
        stream.emit(&line)?;
        if usage.malformed.is_none() && rng.chance(DUPLICATE_RATE) {
            // A client retry: the same event, received again later.
            tally.add(Dirt::Duplicate);
            let delay = LineStream::<W>::draw_delay(&mut rng);
            let again = Instant((received.0 + (delay * slot) as i64).min(clock.day_end().0));
            let mut copy = line[..received_at].to_vec();
            timestamps.push(&mut copy, again, Precision::Micros);
            copy.extend_from_slice(b"\"}");
            stream.resend_later(copy, delay);
        }
    }
    let (out, lines) = stream.finish()?;
    tally.lines = lines;
    Ok((out, tally))
}

fn count(tally: &mut Tally, usage: &Usage) {
    if let Some(malformed) = usage.malformed {
        tally.add(malformed.dirt());
        return;
    }
    if usage.non_uuid.is_some() {
        tally.add(Dirt::NonUuidEventId);
    }
    if usage.unknown_platform {
        tally.add(Dirt::UnknownPlatform);
    }
    if usage.late {
        tally.add(Dirt::Late);
    }
}

/// The client's JSON: its platform (the device's, unless it reports one the mesh does not know),
/// its own clock, and a few properties.
fn push_payload(payload: &mut Vec<u8>, usage: &Usage, rng: &mut Rng, timestamps: &mut Timestamps) {
    payload.extend_from_slice(b"{\"platform\":\"");
    let platform = if usage.unknown_platform {
        rng.pick(UNKNOWN_PLATFORMS)
    } else {
        // One in ten devices is an API client.
        PLATFORMS[match usage.device % 10 {
            0..=3 => 0,
            4..=6 => 1,
            7 | 8 => 2,
            _ => 3,
        }]
    };
    payload.extend_from_slice(platform.as_bytes());
    payload.extend_from_slice(b"\",\"client_ts\":\"");
    timestamps.push(payload, usage.client, Precision::Micros);
    payload.push(b'"');
    if let Some(duration) = usage.duration {
        payload.extend_from_slice(b",\"duration_ms\":");
        push_u64(payload, duration);
    }
    payload.extend_from_slice(b",\"app_version\":\"");
    payload.extend_from_slice(APP_VERSIONS[((usage.device >> 8) % APP_VERSIONS.len() as u64) as usize].as_bytes());
    payload.extend_from_slice(b"\",\"screen\":\"");
    payload.extend_from_slice(EVENTS[usage.event].1.as_bytes());
    payload.extend_from_slice(b"\",\"session_id\":\"s-");
    push_hex(payload, usage.session, 8);
    payload.extend_from_slice(b"\"}");
}

/// The line; returns where the text of `received_at` starts (a retry rewrites it). A malformed
/// event's line gets a field of the wrong type or lacks one.
fn push_line(line: &mut Vec<u8>, usage: &Usage, payload: &[u8], rng: &mut Rng, timestamps: &mut Timestamps) -> usize {
    let wrong_type = usage.malformed == Some(Malformed::WrongType);
    let missing = |field| usage.malformed == Some(Malformed::MissingField) && usage.broken_field == field;
    line.extend_from_slice(b"{\"event_id\":\"");
    match usage.non_uuid {
        // An id from a client that makes its own: `evt_` and 16 hex digits, or 32 without dashes.
        Some(bits) if bits % 2 == 0 => {
            line.extend_from_slice(b"evt_");
            push_hex(line, bits, 16);
        }
        Some(bits) => {
            push_hex(line, bits, 16);
            push_hex(line, rng.next_u64(), 16);
        }
        None => push_uuid_v4(line, rng),
    }
    line.push(b'"');
    if !missing(0) {
        line.extend_from_slice(b",\"device_id\":\"dev-");
        push_hex(line, usage.device >> 32, 8);
        line.push(b'"');
    }
    match usage.user {
        // The user's number where the contract says the id text.
        Some(user) if wrong_type && usage.broken_field == 0 => {
            line.extend_from_slice(b",\"user_id\":");
            push_u64(line, u64::from(user) + 1);
        }
        Some(user) => {
            line.extend_from_slice(b",\"user_id\":\"C");
            push_padded(line, u64::from(user) + 1, 6);
            line.push(b'"');
        }
        None => line.extend_from_slice(b",\"user_id\":null"),
    }
    if !missing(1) {
        line.extend_from_slice(b",\"event_name\":\"");
        line.extend_from_slice(EVENTS[usage.event].0.as_bytes());
        line.push(b'"');
    }
    if !missing(2) {
        line.extend_from_slice(b",\"payload\":\"");
        push_base64(line, payload);
        line.push(b'"');
    }
    // A signed-out event has no user id to get wrong: its received_at is wrong instead.
    if wrong_type && (usage.broken_field != 0 || usage.user.is_none()) {
        // Epoch microseconds as text where the contract says RFC 3339 text (or a JSON number).
        line.extend_from_slice(b",\"received_at\":\"");
        push_u64(line, usage.received.0 as u64);
        line.extend_from_slice(b"\"}");
        return line.len();
    }
    line.extend_from_slice(b",\"received_at\":\"");
    let received_at = line.len();
    timestamps.push(line, usage.received, Precision::Micros);
    line.extend_from_slice(b"\"}");
    received_at
}
