//! Plain `cargo xtask dump FILE` (the schema-driven reader) on hostile files, built byte by byte,
//! and on valid files checked against apache-avro's decoding (the oracle), as the real binary.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use apache_avro::schema::{Name, ResolvedSchema, Schema};
use apache_avro::types::Value;
use serde_json::Value as Json;

// Linked so that every example product is registered here too.
#[path = "support/hand_made.rs"]
mod hand_made;
#[path = "support/unencrypted.rs"]
mod unencrypted;

use hand_made::container;

use customer as _;
use marketing as _;
use product as _;
use sales as _;

/// How long any one run may take: every hostile file is refused at once, not after a spin.
const LIMIT: Duration = Duration::from_secs(20);

/// Runs `cargo xtask args`, killed after [`LIMIT`]: the exit code, stdout and stderr.
fn xtask(args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained on threads, so a child printing without end cannot block on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(&mut stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(&mut stderr).unwrap_or_default());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`xtask {}` did not finish in {LIMIT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let code = status.code().expect("xtask exits, not killed by a signal");
    (code, out.join().unwrap(), err.join().unwrap())
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mesh-dump-generic-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

/// A failure: exit 1, one line on stderr naming the file and saying `why`, no panic.
fn assert_fails(args: &[&str], file: &str, why: &str) -> String {
    let (code, stdout, stderr) = xtask(args);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(file) && stderr.contains(why), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stdout
}

#[test]
fn a_record_nested_2000_deep_is_an_error_not_a_stack_overflow() {
    let dir = temp_dir("deep");
    let schema = r#"{"type":"record","name":"N","fields":[{"name":"next","type":["null","N"]}]}"#;
    let mut datum = vec![2u8; 2000];
    datum.push(0);
    let file = write(&dir, "deep.avro", &container(schema, &[(1, &datum)]));
    let stdout = assert_fails(&["dump", &file], &file, "nested deeper than the decoder allows");
    assert_eq!(stdout, "");
    assert_fails(&["dump", &file, "--count"], &file, "block 0, record 0");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_block_claiming_2_pow_62_empty_records_is_refused() {
    let dir = temp_dir("count");
    let schema = r#"{"type":"record","name":"E","fields":[]}"#;
    let bytes = container(schema, &[(1 << 62, &[])]);
    // About the issue's 123 bytes: a header and one block of no bytes.
    assert!(bytes.len() < 130, "{}", bytes.len());
    let file = write(&dir, "empty.avro", &bytes);
    let stdout = assert_fails(&["dump", &file], &file, "bad block");
    assert_eq!(stdout, "");
    assert_fails(&["dump", &file, "--count"], &file, "bad block");
    std::fs::remove_dir_all(dir).unwrap();
}

const LONGS: &str = r#"{"type":"record","name":"L","fields":[{"name":"n","type":"long"}]}"#;

#[test]
fn an_empty_block_before_records_loses_none_of_them() {
    let dir = temp_dir("empty-block");
    let file = write(&dir, "gap.avro", &container(LONGS, &[(0, &[]), (2, &[2, 4])]));
    let (code, stdout, stderr) = xtask(&["dump", &file]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "{\"n\":1}\n{\"n\":2}\n");
    let (code, stdout, stderr) = xtask(&["dump", &file, "--count"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("2 records\n"), "{stdout}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_block_holding_more_records_than_its_count_fails() {
    let dir = temp_dir("more");
    let file = write(&dir, "more.avro", &container(LONGS, &[(1, &[2, 4])]));
    let stdout = assert_fails(&["dump", &file], &file, "1 bytes follow the records the block's count gives");
    // The record the count gives is printed before the error.
    assert_eq!(stdout, "{\"n\":1}\n");
    std::fs::remove_dir_all(dir).unwrap();
}

/// What `dump` printed through apache-avro before the schema-driven reader: the oracle.
fn oracle(file: &Path) -> String {
    let reader = apache_avro::Reader::new(std::fs::File::open(file).unwrap()).unwrap();
    let schema = reader.writer_schema().clone();
    let names = names(&schema);
    let mut out = String::new();
    for value in reader {
        write_json(&mut out, &value.unwrap(), &schema, &names).unwrap();
        out.push('\n');
    }
    out
}

/// `json` with every string that is a ciphertext token replaced by `<encrypted>` (tokens hold
/// no character JSON escapes, so each is the text between two quotes).
fn redact_tokens(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(at) = rest.find("\"mesh1.") {
        let (before, from) = rest.split_at(at + 1);
        out.push_str(before);
        let end = from.find('"').unwrap_or(from.len());
        let text = &from[..end];
        out.push_str(if mesh_core::codec::crypto::token_mode(text).is_some() {
            mesh_core::codec::crypto::REDACTED
        } else {
            text
        });
        rest = &from[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn files_written_by_apache_avro_print_as_apache_avro_reads_them() {
    let dir = temp_dir("oracle");
    let schema = Schema::parse_str(
        r#"{"type": "record", "name": "All", "namespace": "t", "fields": [
            {"name": "b", "type": "boolean"}, {"name": "i", "type": "int"}, {"name": "l", "type": "long"},
            {"name": "f", "type": "float"}, {"name": "d", "type": "double"}, {"name": "s", "type": "string"},
            {"name": "raw", "type": "bytes"},
            {"name": "fx", "type": {"type": "fixed", "name": "F4", "size": 4}},
            {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
            {"name": "u", "type": ["null", "string", "long"]},
            {"name": "m", "type": {"type": "map", "values": "int"}},
            {"name": "a", "type": {"type": "array", "items": {"type": "record", "name": "Item",
                "fields": [{"name": "z", "type": "int"}, {"name": "y", "type": "string"}]}}},
            {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 3}},
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
            {"name": "next", "type": ["null", "All"]}]}"#,
    )
    .unwrap();
    let record = |n: i32, next: Value| {
        Value::Record(vec![
            ("b".into(), Value::Boolean(n % 2 == 0)),
            ("i".into(), Value::Int(-n)),
            ("l".into(), Value::Long(i64::from(n) << 40)),
            ("f".into(), Value::Float(n as f32 / 3.0)),
            ("d".into(), Value::Double(f64::from(n) * 1.5e300)),
            ("s".into(), Value::String(format!("s\"{n}\n\u{e9}"))),
            ("raw".into(), Value::Bytes(vec![0, 200, n as u8])),
            ("fx".into(), Value::Fixed(4, vec![1, 2, 255, n as u8])),
            ("e".into(), Value::Enum(1, "GREEN".into())),
            (
                "u".into(),
                if n % 2 == 0 {
                    Value::Union(2, Box::new(Value::Long(7)))
                } else {
                    Value::Union(0, Box::new(Value::Null))
                },
            ),
            ("m".into(), Value::Map([("zz".into(), Value::Int(1)), ("a".into(), Value::Int(n))].into())),
            (
                "a".into(),
                Value::Array(vec![Value::Record(vec![
                    ("z".into(), Value::Int(n)),
                    ("y".into(), Value::String("y".into())),
                ])]),
            ),
            ("dec".into(), Value::Decimal(apache_avro::Decimal::from(vec![0xff, 0x85, n as u8]))),
            ("id".into(), Value::Uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8".parse().unwrap())),
            ("day".into(), Value::Date(19_000 + n)),
            ("at".into(), Value::TimestampMicros(1_700_000_000_000_000 + i64::from(n))),
            ("next".into(), next),
        ])
    };
    for codec in [apache_avro::Codec::Null, apache_avro::Codec::Deflate(Default::default())] {
        let mut writer = apache_avro::Writer::with_codec(&schema, Vec::new(), codec).unwrap();
        for n in 0..50 {
            let inner = record(n + 100, Value::Union(0, Box::new(Value::Null)));
            let next =
                if n % 3 == 0 { Value::Union(1, Box::new(inner)) } else { Value::Union(0, Box::new(Value::Null)) };
            writer.append_value(record(n, next)).unwrap();
            if n == 20 {
                writer.flush().unwrap();
            }
        }
        let file = dir.join("all.avro");
        std::fs::write(&file, writer.into_inner().unwrap()).unwrap();
        let (code, stdout, stderr) = xtask(&["dump", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stdout.lines().count(), 50);
        assert_eq!(stdout, oracle(&file), "{codec:?}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sample_files_of_every_product_print_as_apache_avro_reads_them() {
    let dir = temp_dir("products");
    let products: Vec<_> = mesh_core::registered_codecs().map(|c| c.product).collect();
    assert!(products.len() >= 4, "{products:?}");
    for product in products {
        let file = dir.join(format!("{product}.avro"));
        let file_arg = file.to_str().unwrap();
        let (code, _, stderr) = xtask(&["sample", product, "--rows", "30", "--seed", "11", "--out", file_arg]);
        assert_eq!(code, 0, "{product}: {stderr}");
        let (code, generic, stderr) = xtask(&["dump", file_arg]);
        assert_eq!(code, 0, "{product}: {stderr}");
        // apache-avro reads the encrypted fields' tokens; dump shows each as <encrypted>.
        assert_eq!(generic, redact_tokens(&oracle(&file)), "{product}");
        assert_eq!(generic.lines().count(), 30, "{product}");
        let (code, typed, stderr) = xtask(&["dump", file_arg, "--product", product]);
        assert_eq!(code, 0, "{product}: {stderr}");
        assert_eq!(typed, generic, "{product}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

// The oracle: the JSON `dump` printed from apache-avro's values before the schema-driven reader.

fn names(schema: &Schema) -> HashMap<Name, Schema> {
    let resolved = ResolvedSchema::try_from(schema).unwrap();
    resolved.get_names().iter().map(|(name, schema)| (name.clone(), (*schema).clone())).collect()
}

/// A value as JSON text, appended to `out`: records with their fields in schema order (the order
/// the product declares them, as apache-avro and `avro-tools tojson` print them), map entries
/// sorted by key (Avro maps have no order), unions unwrapped, enums as symbols, decimals as exact
/// decimal strings, uuids as strings, bytes as strings of code points 0-255 (as Avro's JSON
/// encoding writes them).
fn write_json(out: &mut String, value: &Value, schema: &Schema, names: &HashMap<Name, Schema>) -> fmt::Result {
    let schema = match schema {
        Schema::Ref { name } => names.get(name).unwrap_or(schema),
        other => other,
    };
    match (value, schema) {
        (Value::Union(index, inner), Schema::Union(union)) => {
            let branch = union.variants().get(*index as usize).unwrap_or(&Schema::Null);
            write_json(out, inner, branch, names)
        }
        (Value::Union(_, inner), _) => write_json(out, inner, schema, names),
        (Value::Record(fields), Schema::Record(record)) => {
            let fields = fields.iter().map(|(name, value)| {
                let field = record.fields.iter().find(|f| f.name == *name).map_or(&Schema::Null, |f| &f.schema);
                (name.as_str(), value, field)
            });
            write_object(out, fields, names)
        }
        (Value::Map(entries), Schema::Map(map)) => {
            let mut entries: Vec<_> = entries.iter().map(|(k, v)| (k.as_str(), v, &*map.types)).collect();
            entries.sort_unstable_by_key(|(key, _, _)| *key);
            write_object(out, entries.into_iter(), names)
        }
        (Value::Array(items), Schema::Array(array)) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item, &array.items, names)?;
            }
            out.push(']');
            Ok(())
        }
        (value, schema) => write!(out, "{}", scalar_json(value, schema)),
    }
}

/// `{"key":value,...}` with the entries in the order given.
fn write_object<'a>(
    out: &mut String,
    entries: impl Iterator<Item = (&'a str, &'a Value, &'a Schema)>,
    names: &HashMap<Name, Schema>,
) -> fmt::Result {
    out.push('{');
    for (i, (key, value, schema)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write!(out, "{}:", Json::from(key))?;
        write_json(out, value, schema, names)?;
    }
    out.push('}');
    Ok(())
}

/// A value that holds no other values, as JSON.
fn scalar_json(value: &Value, schema: &Schema) -> Json {
    let bytes = |b: &[u8]| Json::String(b.iter().map(|&c| char::from(c)).collect());
    match (value, schema) {
        (Value::Decimal(decimal), Schema::Decimal(decimal_schema)) => {
            let raw: Vec<u8> = decimal.try_into().unwrap_or_default();
            match mesh_avro::codec::unscaled_decimal(&raw) {
                Some(unscaled) => Json::String(decimal_text(unscaled, decimal_schema.scale)),
                None => bytes(&raw),
            }
        }
        (Value::Null, _) => Json::Null,
        (Value::Boolean(b), _) => Json::Bool(*b),
        (Value::Int(n) | Value::Date(n) | Value::TimeMillis(n), _) => Json::from(*n),
        (
            Value::Long(n)
            | Value::TimeMicros(n)
            | Value::TimestampMillis(n)
            | Value::TimestampMicros(n)
            | Value::TimestampNanos(n)
            | Value::LocalTimestampMillis(n)
            | Value::LocalTimestampMicros(n)
            | Value::LocalTimestampNanos(n),
            _,
        ) => Json::from(*n),
        (Value::Float(f), _) => Json::from(f64::from(*f)),
        (Value::Double(f), _) => Json::from(*f),
        (Value::String(s) | Value::Enum(_, s), _) => Json::String(s.clone()),
        (Value::Uuid(uuid), _) => Json::String(uuid.to_string()),
        (Value::Bytes(b) | Value::Fixed(_, b), _) => bytes(b),
        (other, _) => Json::String(format!("{other:?}")),
    }
}

fn decimal_text(unscaled: i128, scale: usize) -> String {
    let sign = if unscaled < 0 { "-" } else { "" };
    let digits = unscaled.unsigned_abs().to_string();
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

#[test]
fn a_file_storing_unencrypted_what_its_product_encrypts_is_printed_only_when_revealed() {
    use sales::gold::SalesAnalytics;
    let dir = temp_dir("unmarked");
    // Once with `mesh.product`, once known by its schema's fingerprint only.
    for (name, named) in [("named.avro", true), ("fingerprinted.avro", false)] {
        let (records, bytes) = unencrypted::unencrypted_file::<SalesAnalytics>(5, 3, named);
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let (code, stdout, stderr) = xtask(&["dump", file.to_str().unwrap()]);
        // Values are never part of a failure's message: only how much was printed.
        assert!(code == 1 && stdout.is_empty(), "{name}: exit {code}, {} bytes printed", stdout.len());
        assert!(
            stderr.contains("sales.sales_analytics encrypts `customer_email`, which this file stores unencrypted"),
            "{name}: {stderr}"
        );
        // Counting prints no value, so it needs no `--reveal`.
        let (code, counted, stderr) = xtask(&["dump", file.to_str().unwrap(), "--count"]);
        assert!(code == 0 && counted.starts_with("5 records\n"), "{name}: exit {code}: {stderr}");
        let (code, revealed, stderr) = xtask(&["dump", file.to_str().unwrap(), "--reveal"]);
        assert_eq!((code, revealed.lines().count()), (0, 5), "{name}: {stderr}");
        // Revealed: each record's own email, as stored.
        for (line, record) in revealed.lines().zip(&records) {
            let line: Json = serde_json::from_str(line).unwrap();
            assert!(line["customer_email"] == record.customer_email.as_str(), "{name}: an email differs");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn revealing_without_any_keyring_is_one_exact_error_and_prints_nothing() {
    let dir = temp_dir("no-keyring");
    let file = dir.join("orders.avro");
    let (code, _, stderr) = xtask(&["sample", "sales.sales_analytics", "--rows", "3", "--out", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // Neither the environment nor mesh.toml (whose `[keys]` is commented out) names a keyring.
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["dump", file.to_str().unwrap(), "--product", "sales.sales_analytics", "--reveal"])
        .env_remove("MESH_KEYRING")
        .env_remove("MESH_DEV_KEYRING")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let printed = output.stdout.len();
    assert!(output.status.code() == Some(1) && printed == 0, "{printed} bytes printed: {stderr}");
    let expected = "block 0, record 0: field `customer_email` cannot be encrypted or decrypted: no keyring is \
                    configured: set MESH_KEYRING to a keyring file (created, owner-only, on the first encrypted \
                    write) or `[keys] keyring = \"...\"` in mesh.toml";
    assert!(stderr.contains(&format!("{}, {expected}", file.display())), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_file_of_an_older_published_schema_storing_what_the_product_now_encrypts_is_refused() {
    // sales_raw 1.1.0, published before it encrypted the payload, as another tool writes it: no
    // `mesh.product`, only the published schema's fingerprint says whose it is.
    let history = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/sales/history/sales_raw@1.1.0.avsc");
    let schema = Schema::parse_str(&std::fs::read_to_string(history).unwrap()).unwrap();
    let mut writer = apache_avro::Writer::new(&schema, Vec::new()).unwrap();
    let mut record = apache_avro::types::Record::new(&schema).unwrap();
    record.put("event_id", "e1");
    record.put("customer_email", "person@example.org");
    record.put("payload", "{}");
    record.put("source_system", "shop");
    record.put("received_at", Value::TimestampMillis(1_700_000_000_000));
    writer.append_value(record).unwrap();
    let dir = temp_dir("older-schema");
    let file = write(&dir, "old.avro", &writer.into_inner().unwrap());
    let (code, stdout, stderr) = xtask(&["dump", &file]);
    assert!(code == 1 && stdout.is_empty(), "exit {code}, {} bytes printed: {stderr}", stdout.len());
    assert!(stderr.contains("sales.sales_raw encrypts `payload`, which this file stores unencrypted"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_file_without_the_field_its_product_now_encrypts_is_printed() {
    use mesh_core::codec::{to_datum, Sample, SampleRng};
    use mesh_core::DataProduct;
    use sales::gold::SalesAnalytics;
    // As a writer of a version before the email existed leaves it: the product's schema, marks
    // kept, less `customer_email`; `mesh.product` says whose it is.
    let mut full: Json = serde_json::from_str(&SalesAnalytics::schema().unwrap().json).unwrap();
    let full_schema = Schema::parse_str(&full.to_string()).unwrap();
    full["fields"].as_array_mut().unwrap().retain(|field| field["name"] != "customer_email");
    let schema = Schema::parse_str(&full.to_string()).unwrap();
    let mut writer = apache_avro::Writer::new(&schema, Vec::new()).unwrap();
    writer.add_user_metadata("mesh.product".into(), "sales.sales_analytics").unwrap();
    let mut rng = SampleRng::new(4);
    for _ in 0..3 {
        let datum = to_datum(&SalesAnalytics::sample(&mut rng, ""));
        #[allow(deprecated)] // The datum API is apache-avro's way to decode one datum of a schema.
        let Value::Record(fields) = apache_avro::from_avro_datum(&full_schema, &mut &datum[..], None).unwrap() else {
            panic!("a record")
        };
        writer
            .append_value(Value::Record(fields.into_iter().filter(|(name, _)| name != "customer_email").collect()))
            .unwrap();
    }
    let dir = temp_dir("older-without-field");
    let file = write(&dir, "old.avro", &writer.into_inner().unwrap());
    let (code, stdout, stderr) = xtask(&["dump", &file]);
    assert_eq!((code, stdout.lines().count()), (0, 3), "{stderr}");
    assert!(stdout.lines().all(|line| !line.contains("customer_email")), "no such field in the file");
    std::fs::remove_dir_all(dir).unwrap();
}
