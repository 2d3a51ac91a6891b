//! `cargo xtask generate`, run as the real binary on temporary folders: the same options write
//! the same bytes, files already dropped are never rewritten, a changed one stops the run before
//! anything is written, and the dirt the files hold (counted here by parsing them, as a pipeline
//! would) is what `_generated.json` says was injected.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use mesh_core::model::{Instant, Layer};
use mesh_core::registered_products;
use serde_json::Value;

// The binary's mesh: the registry of this test must link the same domains.
use customer as _;
use marketing as _;
use product as _;
use sales as _;

const SALES: &str = "sales/sales_raw";
const MARKETING: &str = "marketing/marketing_raw";
const USAGE: &str = "product/usage_raw";
const RESERVED_DOMAINS: [&str; 3] = ["example.com", "example.org", "example.net"];
const MICROS_PER_SECOND: i64 = 1_000_000;

/// `cargo xtask generate --landing dir args`: exit code, stdout, stderr.
fn generate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--landing", dir.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().expect("exits, not killed"), text(output.stdout), text(output.stderr))
}

/// Generates and asserts success; returns stdout and stderr.
fn generated(dir: &Path, args: &[&str]) -> (String, String) {
    let (code, stdout, stderr) = generate(dir, args);
    assert_eq!(code, 0, "{stderr}");
    (stdout, stderr)
}

/// Every file under `dir`, by path relative to it (with `/`), with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&fs::read(dir.join("_generated.json")).unwrap()).unwrap()
}

/// The file's modification time and inode: a rewrite (even with the same bytes) changes them.
fn identity(path: &Path) -> (std::time::SystemTime, u64) {
    let metadata = fs::metadata(path).unwrap();
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    (metadata.modified().unwrap(), inode)
}

#[test]
fn the_same_options_write_the_same_bytes_and_another_seed_others() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let options = ["--days", "2", "--orders-per-day", "200", "--customers", "100", "--seed", "5"];
    generated(a.path(), &options);
    generated(b.path(), &options);
    let files = tree(a.path());
    let expected: BTreeSet<String> = [SALES, MARKETING, USAGE]
        .iter()
        .flat_map(|folder| ["2026-11-01", "2026-11-02"].map(|day| format!("{folder}/{day}.jsonl")))
        .chain(["_generated.json".to_string()])
        .collect();
    assert_eq!(files.keys().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(files, tree(b.path()));
    generated(c.path(), &["--days", "2", "--orders-per-day", "200", "--customers", "100", "--seed", "6"]);
    let other = tree(c.path());
    for (path, bytes) in files.iter().filter(|(path, _)| path.ends_with(".jsonl")) {
        assert_ne!(&other[path], bytes, "{path} is the same for another seed");
    }
}

#[test]
fn a_longer_run_keeps_the_files_already_dropped_and_adds_the_new_days() {
    let dir = tempfile::tempdir().unwrap();
    let options = ["--orders-per-day", "100", "--customers", "50"];
    generated(dir.path(), &[&["--days", "3"][..], &options].concat());
    let before = tree(dir.path());
    let identities: BTreeMap<&String, _> =
        before.keys().filter(|p| p.ends_with(".jsonl")).map(|p| (p, identity(&dir.path().join(p)))).collect();
    assert_eq!(identities.len(), 9);
    // Past the granularity of any file system's modification times.
    std::thread::sleep(std::time::Duration::from_millis(50));
    let (stdout, _) = generated(dir.path(), &[&["--days", "4"][..], &options].concat());
    assert!(stdout.contains("3 files written, 9 unchanged"), "{stdout}");
    let after = tree(dir.path());
    for (path, was) in &identities {
        assert_eq!(after[*path], before[*path], "{path}");
        assert_eq!(identity(&dir.path().join(path)), *was, "{path} was rewritten");
    }
    let new: Vec<&String> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert_eq!(
        new,
        [
            &format!("{MARKETING}/2026-11-04.jsonl"),
            &format!("{USAGE}/2026-11-04.jsonl"),
            &format!("{SALES}/2026-11-04.jsonl")
        ]
    );
    let listed = manifest(dir.path());
    for product in ["sales.sales_raw", "marketing.marketing_raw", "product.usage_raw"] {
        let days: Vec<&String> = listed["products"][product].as_object().unwrap().keys().collect();
        assert_eq!(days, ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"], "{product}");
    }
    // A day's file depends on the day alone, not on where the run started.
    let alone = tempfile::tempdir().unwrap();
    generated(alone.path(), &[&["--days", "1", "--start", "2026-11-04"][..], &options].concat());
    for (path, bytes) in tree(alone.path()).iter().filter(|(path, _)| path.ends_with(".jsonl")) {
        assert_eq!(&after[path], bytes, "{path}");
    }
}

#[test]
fn a_changed_landing_file_stops_the_run_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let options = ["--orders-per-day", "100", "--customers", "50"];
    generated(dir.path(), &[&["--days", "2"][..], &options].concat());
    let changed = dir.path().join(SALES).join("2026-11-02.jsonl");
    let mut bytes = fs::read(&changed).unwrap();
    bytes.truncate(bytes.len() / 2);
    fs::write(&changed, &bytes).unwrap();
    let before = tree(dir.path());
    let manifest_identity = identity(&dir.path().join("_generated.json"));

    let (code, stdout, stderr) = generate(dir.path(), &[&["--days", "3"][..], &options].concat());
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(&format!("error: {} exists with other content", changed.display())), "{stderr}");
    assert!(stderr.contains("nothing was written") && stderr.contains("another --landing folder"), "{stderr}");
    assert_eq!(tree(dir.path()), before, "no file was added, removed or changed (no temporary file either)");
    assert_eq!(identity(&dir.path().join("_generated.json")), manifest_identity);
}

#[test]
fn other_options_into_the_same_folder_are_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    generated(dir.path(), &["--days", "1", "--orders-per-day", "50", "--customers", "20"]);
    let before = tree(dir.path());
    // Other days, so no file collides: the manifest is what keeps the folder one data set.
    let args = ["--days", "1", "--start", "2026-12-01", "--orders-per-day", "50", "--customers", "30"];
    let (code, stdout, stderr) = generate(dir.path(), &args);
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    let manifest_path = dir.path().join("_generated.json");
    assert!(stderr.starts_with(&format!("error: {}: ", manifest_path.display())), "{stderr}");
    assert!(stderr.contains("--seed 1 --customers 20 --orders-per-day 50, not --seed 1 --customers 30"), "{stderr}");
    assert_eq!(tree(dir.path()), before);

    let (code, _, stderr) = generate(dir.path(), &["--start", "1969-12-31", "--days", "1"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--start 1969-12-31 --days 1: the days must lie between 1970-01-02"), "{stderr}");
    let (code, _, stderr) = generate(dir.path(), &["--customers", "0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--customers"), "{stderr}");
}

/// A field every line must have, and the test of its JSON type.
type Field = (&'static str, fn(&Value) -> bool);

/// Counts a file's dirt (the file's text and day).
type Counter = fn(&str, &str) -> BTreeMap<String, u64>;

/// A file's lines counted the way a pipeline sees them: lines that are not JSON, objects that
/// lack a field or have one of the wrong type, repeated event ids, then each distinct event's
/// dirt. The keys are the manifest's.
#[derive(Default)]
struct Counted {
    counts: BTreeMap<String, u64>,
    seen: HashSet<String>,
}

impl Counted {
    fn add(&mut self, key: &str) {
        *self.counts.entry(key.to_string()).or_default() += 1;
    }

    /// Classifies `line`: `Some(object)` for a well-formed first occurrence of an event.
    fn line(&mut self, line: &str, fields: &[Field]) -> Option<Value> {
        self.add("lines");
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            self.add("events");
            self.add("malformed_truncated");
            return None;
        };
        if fields.iter().any(|(name, _)| value.get(*name).is_none()) {
            self.add("events");
            self.add("malformed_missing_field");
            return None;
        }
        if fields.iter().any(|(name, is_right)| !is_right(&value[*name])) {
            self.add("events");
            self.add("malformed_wrong_type");
            return None;
        }
        if !self.seen.insert(value["event_id"].as_str().unwrap().to_string()) {
            self.add("duplicates");
            return None;
        }
        self.add("events");
        Some(value)
    }

    /// Counts `key` if `set`.
    fn flag(&mut self, key: &str, set: bool) {
        let count = self.counts.entry(key.to_string()).or_default();
        *count += u64::from(set);
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap()
}

fn is_string(value: &Value) -> bool {
    value.is_string()
}

fn is_object(value: &Value) -> bool {
    value.is_object()
}

fn is_string_or_null(value: &Value) -> bool {
    value.is_string() || value.is_null()
}

/// The email has no upper-case letter and no spaces around it once normalised, and is on a
/// reserved domain.
fn assert_reserved(email: &str) {
    let normal = email.trim().to_lowercase();
    let domain = normal.rsplit_once('@').map(|(_, domain)| domain);
    assert!(domain.is_some_and(|d| RESERVED_DOMAINS.contains(&d)), "an email on a domain that is not reserved");
}

fn day_of(timestamp: &str) -> &str {
    &timestamp[..10]
}

fn parse_instant(timestamp: &str) -> Instant {
    Instant::parse_rfc3339(timestamp).unwrap()
}

/// RFC 3339 text, as the landing contract wants timestamps (epoch numbers as text are not).
fn is_timestamp(value: &Value) -> bool {
    value.as_str().is_some_and(|text| mesh_core::model::Instant::parse_rfc3339(text).is_ok())
}

const SALES_FIELDS: &[Field] = &[
    ("event_id", is_string),
    ("customer_email", is_string),
    ("payload", is_string),
    ("source_system", is_string),
    ("received_at", is_timestamp),
];

const MARKETING_FIELDS: &[Field] = &[
    ("event_id", is_string),
    ("campaign_id", is_string),
    ("email", is_string),
    ("channel", is_string),
    ("occurred_at", is_timestamp),
    ("utm", is_object),
];

const USAGE_FIELDS: &[Field] = &[
    ("event_id", is_string),
    ("device_id", is_string),
    ("user_id", is_string_or_null),
    ("event_name", is_string),
    ("payload", is_string),
    ("received_at", is_timestamp),
];

/// Counts a sales file's dirt and checks every well-formed order's documented form.
fn count_sales(file: &str, day: &str) -> BTreeMap<String, u64> {
    let mut counted = Counted::default();
    for line in file.lines() {
        let Some(event) = counted.line(line, SALES_FIELDS) else { continue };
        let email = text(&event["customer_email"]);
        assert_reserved(email);
        counted.flag("mixed_case_email", email.chars().any(|c| c.is_ascii_uppercase()));
        counted.flag("padded_email", email != email.trim());
        assert!(["shop-web", "shop-app", "pos"].contains(&text(&event["source_system"])));
        let received = text(&event["received_at"]);
        assert_eq!((day_of(received), received.len()), (day, "2026-11-01T10:15:02.123Z".len()), "{received}");
        let Ok(order) = serde_json::from_str::<Value>(text(&event["payload"])) else {
            counted.add("invalid_payload");
            continue;
        };
        counted.flag("invalid_payload", false);
        let ordered = text(&order["ordered_at"]);
        let late = day_of(ordered) < day;
        counted.flag("late", late);
        if !late {
            let delay = parse_instant(received).0 - parse_instant(ordered).0;
            assert!((0..=120 * MICROS_PER_SECOND).contains(&delay), "received {delay} µs after the order");
        }
        let currency = text(&order["currency"]);
        counted.flag("unknown_currency", !["EUR", "GBP", "USD"].contains(&currency));
        assert_amount_is_the_items_less_the_discount(&order);
        let customer = text(&order["customer_id"]);
        assert!(customer.len() == 7 && customer.starts_with('C'), "{customer}");
        assert_eq!(order["order_id"].as_str().map(is_uuid), Some(true));
    }
    counted.counts
}

/// Cents of a 2-decimal text; anything else fails.
fn cents(value: &Value) -> u64 {
    let (units, fraction) = text(value).split_once('.').unwrap();
    assert_eq!(fraction.len(), 2, "{value}");
    units.parse::<u64>().unwrap() * 100 + fraction.parse::<u64>().unwrap()
}

fn assert_amount_is_the_items_less_the_discount(order: &Value) {
    let items = order["line_items"].as_array().unwrap();
    assert!(!items.is_empty());
    let subtotal: u64 = items.iter().map(|item| item["quantity"].as_u64().unwrap() * cents(&item["unit_price"])).sum();
    let discount = if order["discount"].is_null() { 0 } else { cents(&order["discount"]) };
    assert_eq!(order["coupon_code"].is_null(), order["discount"].is_null());
    assert_eq!(cents(&order["amount"]), subtotal - discount);
    if let Some(channel) = order.get("channel") {
        assert!(["web", "app", "store"].contains(&text(channel)));
    }
    let address = &order["shipping_address"];
    assert!(address.is_null() || ["street", "postcode", "country"].iter().all(|key| address[*key].is_string()));
}

const CHANNEL_SPELLINGS: &[&str] = &[
    "email",
    "e-mail",
    "newsletter",
    "search",
    "sem",
    "google_ads",
    "social",
    "facebook",
    "instagram",
    "display",
    "banner",
];

fn count_marketing(file: &str, day: &str) -> BTreeMap<String, u64> {
    let mut counted = Counted::default();
    for line in file.lines() {
        let Some(touch) = counted.line(line, MARKETING_FIELDS) else { continue };
        let email = text(&touch["email"]);
        assert_reserved(email);
        counted.flag("mixed_case_email", email.chars().any(|c| c.is_ascii_uppercase()));
        let occurred = text(&touch["occurred_at"]);
        counted.flag("late", day_of(occurred) < day);
        counted.flag("unknown_channel", !CHANNEL_SPELLINGS.contains(&text(&touch["channel"]).to_lowercase().as_str()));
        let campaign: u32 = text(&touch["campaign_id"]).strip_prefix("CAMP-").unwrap().parse().unwrap();
        assert!((1..=20).contains(&campaign));
        if let Some(cost) = touch.get("cost_eur") {
            assert_eq!(text(cost).split_once('.').map(|(_, places)| places.len()), Some(4), "{cost}");
        }
    }
    counted.counts
}

/// Standard base64 with padding, strictly.
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    assert_eq!(text.len() % 4, 0, "base64 length");
    let mut bytes = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let padding = chunk.iter().filter(|&&b| b == b'=').count();
        let group = chunk.iter().fold(0u32, |group, &b| {
            let value =
                if b == b'=' { 0 } else { ALPHABET.iter().position(|&a| a == b).expect("base64 alphabet") as u32 };
            group << 6 | value
        });
        bytes.extend_from_slice(&group.to_be_bytes()[1..4 - padding]);
    }
    bytes
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

fn count_usage(file: &str, day: &str) -> BTreeMap<String, u64> {
    let mut counted = Counted::default();
    for line in file.lines() {
        let Some(event) = counted.line(line, USAGE_FIELDS) else { continue };
        counted.flag("non_uuid_event_id", !is_uuid(text(&event["event_id"])));
        let payload: Value = serde_json::from_slice(&base64_decode(text(&event["payload"]))).unwrap();
        counted.flag("unknown_platform", !["web", "ios", "android", "api"].contains(&text(&payload["platform"])));
        let (received, client) = (text(&event["received_at"]), text(&payload["client_ts"]));
        assert_eq!((day_of(received), received.len()), (day, "2026-11-01T10:15:02.123456Z".len()));
        let late = day_of(client) < day;
        counted.flag("late", late);
        if !late {
            let lag = parse_instant(received).0 - parse_instant(client).0;
            assert!((0..=5 * MICROS_PER_SECOND).contains(&lag), "client clock {lag} µs before receipt");
        }
        assert!(["search.open", "checkout.click", "cart.add", "profile.edit", "report.export"]
            .contains(&text(&event["event_name"])));
        assert!(payload.get("duration_ms").is_none_or(Value::is_u64) && payload["app_version"].is_string());
    }
    counted.counts
}

#[test]
fn the_dirt_in_the_files_is_what_the_manifest_says_was_injected() {
    let dir = tempfile::tempdir().unwrap();
    generated(dir.path(), &["--days", "2", "--orders-per-day", "3000", "--customers", "300", "--seed", "11"]);
    let manifest = manifest(dir.path());
    let products = manifest["products"].as_object().unwrap();
    let bronze: BTreeSet<String> = registered_products()
        .iter()
        .filter(|r| r.descriptor.layer == Layer::Bronze)
        .map(|r| r.descriptor.id())
        .collect();
    assert_eq!(products.keys().cloned().collect::<BTreeSet<_>>(), bronze, "one landing per bronze product");
    let counters: [(&str, Counter, u64); 3] = [
        ("sales.sales_raw", count_sales, 1),
        ("marketing.marketing_raw", count_marketing, 3),
        ("product.usage_raw", count_usage, 5),
    ];
    for (product, count, per_order) in counters {
        for (day, entry) in products[product].as_object().unwrap() {
            let file = fs::read_to_string(dir.path().join(text(&entry["file"]))).unwrap();
            let injected: BTreeMap<String, u64> =
                entry.as_object().unwrap().iter().filter_map(|(k, v)| Some((k.clone(), v.as_u64()?))).collect();
            // A kind the file does not hold is not counted at all here; the manifest says 0.
            let mut counted = count(&file, day);
            for kind in injected.keys() {
                counted.entry(kind.clone()).or_default();
            }
            assert_eq!(counted, injected, "{product} {day}");
            // Every kind is there, at about its documented rate.
            let events = injected["events"] as f64;
            assert_eq!(injected["events"], 3000 * per_order);
            for (kind, &n) in &injected {
                let (low, high) = match kind.as_str() {
                    "lines" | "events" => continue,
                    "duplicates" | "late" => (0.01, 0.05),
                    "mixed_case_email" => (0.25, 0.35),
                    "unknown_currency" | "unknown_channel" | "unknown_platform" | "padded_email" => (0.003, 0.02),
                    _ => (0.0003, 0.006),
                };
                let rate = n as f64 / events;
                assert!((low..high).contains(&rate), "{product} {day}: {kind} {n} of {events}");
            }
        }
    }
}

#[test]
fn some_customers_are_only_in_sales_some_only_in_marketing_and_touches_precede_their_orders() {
    let dir = tempfile::tempdir().unwrap();
    // Many customers for few touches: a touch within a week of an order is rarely chance.
    generated(dir.path(), &["--days", "8", "--orders-per-day", "100", "--customers", "20000", "--seed", "3"]);
    let objects = |folder: &str| -> Vec<Value> {
        tree(&dir.path().join(folder))
            .values()
            .flat_map(|bytes| String::from_utf8(bytes.clone()).unwrap().lines().map(str::to_string).collect::<Vec<_>>())
            .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
            .collect()
    };
    let mut emails: BTreeMap<String, String> = BTreeMap::new();
    let mut same_email = |customer: &str, email: &str| {
        let normal = email.trim().to_lowercase();
        let known = emails.entry(customer.to_string()).or_insert_with(|| normal.clone());
        assert_eq!(*known, normal, "a customer has one email in sales and marketing");
    };
    let mut orders: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for event in objects(SALES) {
        let (Some(email), Some(Ok(order))) =
            (event["customer_email"].as_str(), event["payload"].as_str().map(serde_json::from_str::<Value>))
        else {
            continue;
        };
        let (Some(customer), Some(at)) = (order["customer_id"].as_str(), order["ordered_at"].as_str()) else {
            continue;
        };
        same_email(customer, email);
        orders.entry(customer.to_string()).or_default().push(parse_instant(at).0);
    }
    let mut touches: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for touch in objects(MARKETING) {
        let (Some(customer), Some(email), Some(at)) =
            (touch["customer_id"].as_str(), touch["email"].as_str(), touch["occurred_at"].as_str())
        else {
            continue;
        };
        same_email(customer, email);
        touches.entry(customer.to_string()).or_default().push(parse_instant(at).0);
    }
    let only_sales = orders.keys().filter(|c| !touches.contains_key(*c)).count();
    let only_marketing = touches.keys().filter(|c| !orders.contains_key(*c)).count();
    assert!(only_sales > 5 && only_marketing > 5, "only in sales {only_sales}, only in marketing {only_marketing}");
    let number = |id: &String| id.strip_prefix('C').and_then(|n| n.parse::<u32>().ok());
    assert!(orders.keys().chain(touches.keys()).all(|id| number(id).is_some_and(|n| (1..=20_000).contains(&n))));
    // Orders with a touch of the same customer 0-7 days before them, against the same count
    // with the touches of the next customer (what chance gives).
    let week = 7 * 86_400 * MICROS_PER_SECOND;
    let follows = |offset: u32| {
        orders
            .iter()
            .flat_map(|(customer, at)| at.iter().map(move |at| (customer, *at)))
            .filter(|(customer, at)| {
                let whose = format!("C{:06}", number(customer).unwrap() + offset);
                touches.get(&whose).is_some_and(|t| t.iter().any(|t| (0..=week).contains(&(at - t))))
            })
            .count()
    };
    let (attributed, chance) = (follows(0), follows(1));
    let all: usize = orders.values().map(Vec::len).sum();
    assert!(attributed * 4 > all && attributed > 3 * chance, "{attributed} of {all} orders follow a touch of their customer within a week, {chance} one of the next customer");
}

#[test]
fn the_command_prints_counts_and_paths_but_no_customer_data() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, stderr) = generated(dir.path(), &["--days", "1", "--orders-per-day", "300", "--customers", "100"]);
    assert_eq!(stderr, "");
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(stdout.starts_with("sales.sales_raw: 1 files (1 written, 0 unchanged), "), "{stdout}");
    assert!(stdout.contains(&dir.path().display().to_string()) && stdout.contains("_generated.json created"));
    // A changed file: the error names it, and still no data.
    let changed = dir.path().join(MARKETING).join("2026-11-01.jsonl");
    let mut bytes = fs::read(&changed).unwrap();
    bytes[20] ^= 1;
    fs::write(&changed, bytes).unwrap();
    let (code, _, error) = generate(dir.path(), &["--days", "1", "--orders-per-day", "300", "--customers", "100"]);
    assert_eq!(code, 1);
    let printed = format!("{stdout}{error}").to_lowercase();
    let mut personal = BTreeSet::new();
    for bytes in tree(dir.path()).values() {
        let text = String::from_utf8(bytes.clone()).unwrap();
        for line in text.lines().filter_map(|line| serde_json::from_str::<Value>(line).ok()) {
            for key in ["customer_email", "email", "device_id", "customer_id", "user_id"] {
                if let Some(value) = line.get(key).and_then(Value::as_str) {
                    personal.insert(value.trim().to_lowercase());
                }
            }
            if let Some(Ok(order)) = line.get("payload").and_then(Value::as_str).map(serde_json::from_str::<Value>) {
                if let Some(street) = order["shipping_address"]["street"].as_str() {
                    personal.insert(street.to_lowercase());
                }
            }
        }
    }
    assert!(personal.len() > 300, "{}", personal.len());
    let leaked = personal.iter().filter(|value| printed.contains(value.as_str())).count();
    assert_eq!(leaked, 0, "customer data in the command's output");
}

/// Emails of every line, truncated ones too: every `@` is followed by a reserved domain (or a
/// prefix of one, where a line was cut).
#[test]
fn every_email_is_on_a_reserved_domain() {
    let dir = tempfile::tempdir().unwrap();
    generated(dir.path(), &["--days", "2", "--orders-per-day", "500", "--customers", "300", "--seed", "2"]);
    let mut emails = 0;
    for (path, bytes) in tree(dir.path()) {
        let text = String::from_utf8(bytes).unwrap().to_lowercase();
        for (at, _) in text.match_indices('@') {
            let domain: String =
                text[at + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();
            let at_line_end = text[at + 1 + domain.len()..].starts_with('\n') || at + 1 + domain.len() == text.len();
            let reserved = RESERVED_DOMAINS.contains(&domain.as_str())
                || (at_line_end && RESERVED_DOMAINS.iter().any(|d| d.starts_with(domain.as_str())));
            assert!(reserved, "{path}: an email on a domain that is not reserved");
            emails += 1;
        }
    }
    assert!(emails > 4000, "{emails}");
}

/// Stdout on a full device: the files are written, the summary cannot be, and the command says
/// so in one line with exit code 1 (never a panic).
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let full = fs::File::options().write(true).open("/dev/full").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--landing", dir.path().to_str().unwrap(), "--days", "1", "--orders-per-day", "20"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, "error: cannot write to stdout: No space left on device (os error 28)\n");
    assert_eq!(tree(dir.path()).len(), 4);
}
