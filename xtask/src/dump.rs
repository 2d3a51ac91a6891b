//! `cargo xtask dump FILE [--product PRODUCT] [--count] [--skip-corrupt]`: a container file's
//! records as JSON lines.
//!
//! With `--product`, records go through the product's typed reader (so files
//! written with an older schema are resolved to the current one); without it,
//! apache-avro's generic reader prints them as the file's own schema has them.
//! `--count` prints only the record count and the peak memory of the process.
//! `--skip-corrupt` (typed reader only) prints the records of the readable
//! blocks, reports each skipped block on stderr, and fails if any was skipped.
//!
//! A closed pipe (`dump FILE | head`) ends the reading there, quietly: the exit code is that of
//! the records read until then.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::Path;

use apache_avro::schema::{Name, ResolvedSchema, Schema};
use apache_avro::types::Value;
use mesh_core::codec::{ContainerError, ContainerErrorKind};
use serde_json::Value as Json;

use crate::output::{Failure, Output};
use crate::sample::find_product;

/// Why reading stopped before the end of the file.
enum Stop {
    /// The file or the product is at fault: the message.
    Input(String),
    /// Stdout failed or was closed, after this many records were written.
    Output(io::Error, u64),
}

impl From<String> for Stop {
    fn from(message: String) -> Self {
        Self::Input(message)
    }
}

pub fn run(
    file: &Path,
    product: Option<&str>,
    count_only: bool,
    skip_corrupt: bool,
    out: &mut Output,
) -> Result<(), Failure> {
    let mut skipped = Skipped::default();
    let mut records = BufWriter::with_capacity(1 << 16, &mut *out);
    let read = match product {
        Some(product) => typed(file, product, count_only, skip_corrupt.then_some(&mut skipped), &mut records),
        None => generic(file, count_only, &mut records),
    };
    let flushed = records.flush();
    drop(records);
    let count = match read {
        Ok(count) => {
            out.settle(flushed)?;
            count
        }
        // The records read before the error are printed as far as stdout takes them; the error is the input's.
        Err(Stop::Input(message)) => return Err(message.into()),
        // A closed pipe ends the reading as the end of the file would.
        Err(Stop::Output(e, written)) => {
            out.settle(Err(e))?;
            written
        }
    };
    if count_only {
        out.line(format_args!("{count} records"))?;
        if let Some(peak) = peak_memory() {
            out.line(format_args!("peak memory (VmHWM): {peak}"))?;
        }
    }
    skipped.outcome(file, count).map_err(Failure::from)
}

/// The corrupt blocks `--skip-corrupt` skipped, each already reported on stderr: only what the
/// reader knows is counted, and what it does not is said to be unknown.
#[derive(Default)]
struct Skipped {
    blocks: u64,
    /// Records lost in the blocks whose loss is known.
    records_lost: u64,
    /// Blocks whose loss is unknown.
    unknown_losses: u64,
    /// Records read from the corrupt blocks before their rest was skipped (counted among those read).
    records_read: u64,
}

impl Skipped {
    fn report(&mut self, error: &ContainerError) {
        errln!("warning: {error}");
        self.blocks += 1;
        match &error.kind {
            ContainerErrorKind::Skipped(skipped) => {
                self.records_read += skipped.records_read;
                match skipped.records_lost {
                    Some(lost) => self.records_lost += lost,
                    None => self.unknown_losses += 1,
                }
            }
            _ => self.unknown_losses += 1,
        }
    }

    /// An error (so a non-zero exit) if anything was skipped: data is never lost silently.
    fn outcome(&self, file: &Path, read: u64) -> Result<(), String> {
        if self.blocks == 0 {
            return Ok(());
        }
        let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let lost = match (self.unknown_losses, self.blocks - self.unknown_losses) {
            (0, _) => format!("{} lost", plural(self.records_lost, "record", "records")),
            (_, 0) => "an unknown number of records lost".to_string(),
            (unknown, known) => format!(
                "{} lost in {}, an unknown number in {unknown}",
                plural(self.records_lost, "record", "records"),
                plural(known, "block", "blocks")
            ),
        };
        let read = match self.records_read {
            0 => format!("read the {read} records of the other blocks"),
            partly => format!(
                "read {read} records, {partly} of them from the corrupt block{} before {} damage",
                if self.blocks == 1 { "" } else { "s" },
                if self.blocks == 1 { "its" } else { "their" }
            ),
        };
        Err(format!(
            "{}: skipped {} ({lost}); {read}",
            file.display(),
            plural(self.blocks, "corrupt block", "corrupt blocks")
        ))
    }
}

fn typed(
    file: &Path,
    product: &str,
    count_only: bool,
    skipped: Option<&mut Skipped>,
    out: &mut impl Write,
) -> Result<u64, Stop> {
    let registration = find_product(product)?;
    let schema = mesh_core::registered_products()
        .into_iter()
        .find(|r| format!("{}.{}", r.descriptor.domain, r.descriptor.name) == registration.product)
        .ok_or_else(|| format!("`{}` has no registered schema", registration.product))
        .and_then(|r| (r.schema)().map_err(|e| e.to_string()))?;
    let avro = apache_avro::Schema::parse_str(&schema.json).map_err(|e| format!("`{product}`'s schema: {e}"))?;
    let names = names(&avro)?;
    let mut line = String::new();
    // A failed write to stdout is kept here, so that it is not reported as the file's error.
    let (mut written, mut failed) = (0, None);
    let mut each = |datum: &[u8]| -> io::Result<()> {
        if count_only {
            return Ok(());
        }
        let mut input = datum;
        #[allow(deprecated)] // the plain generic datum reader of apache-avro 0.22
        let value = apache_avro::from_avro_datum(&avro, &mut input, None).map_err(io::Error::other)?;
        write_line(out, &mut line, &value, &avro, &names).map_err(|e| {
            let stop = io::Error::new(e.kind(), "stdout");
            failed = Some(e);
            stop
        })?;
        written += 1;
        Ok(())
    };
    let mut report = skipped.map(|skipped| move |error: &ContainerError| skipped.report(error));
    let report = report.as_mut().map(|report| report as &mut dyn FnMut(&ContainerError));
    let read = (registration.read_file)(file, &mut each, report);
    match (read, failed) {
        (_, Some(e)) => Err(Stop::Output(e, written)),
        (Ok(count), None) => Ok(count),
        (Err(e), None) => Err(Stop::Input(e.to_string())),
    }
}

fn generic(file: &Path, count_only: bool, out: &mut impl Write) -> Result<u64, Stop> {
    let input = File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let reader = apache_avro::Reader::new(BufReader::new(input)).map_err(|e| format!("{}: {e}", file.display()))?;
    let schema = reader.writer_schema().clone();
    let names = names(&schema)?;
    let mut count = 0;
    let mut line = String::new();
    for value in reader {
        let value = value.map_err(|e| format!("{}, record {count}: {e}", file.display()))?;
        if !count_only {
            write_line(out, &mut line, &value, &schema, &names).map_err(|e| Stop::Output(e, count))?;
        }
        count += 1;
    }
    Ok(count)
}

/// One record as a JSON line; `line` is a buffer reused from record to record.
fn write_line(
    out: &mut impl Write,
    line: &mut String,
    value: &Value,
    schema: &Schema,
    names: &HashMap<Name, Schema>,
) -> io::Result<()> {
    line.clear();
    write_json(line, value, schema, names).map_err(io::Error::other)?;
    line.push('\n');
    out.write_all(line.as_bytes())
}

fn names(schema: &Schema) -> Result<HashMap<Name, Schema>, String> {
    let resolved = ResolvedSchema::try_from(schema).map_err(|e| e.to_string())?;
    Ok(resolved.get_names().iter().map(|(name, schema)| (name.clone(), (*schema).clone())).collect())
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
            match mesh_core::codec::unscaled_decimal(&raw) {
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

/// The process's peak resident memory, from /proc (Linux only).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| line.strip_prefix("VmHWM:").map(|v| v.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_their_field_order_and_maps_sort_their_keys() {
        let schema = Schema::parse_str(
            r#"{"type": "record", "name": "Reading", "fields": [
                {"name": "zone", "type": "int"},
                {"name": "counts", "type": {"type": "map", "values": "long"}},
                {"name": "note", "type": ["null", "string"]},
                {"name": "at", "type": {"type": "record", "name": "At", "fields": [
                    {"name": "y", "type": "int"}, {"name": "x", "type": "int"}]}}]}"#,
        )
        .unwrap();
        let value = Value::Record(vec![
            ("zone".into(), Value::Int(1)),
            ("counts".into(), Value::Map([("b".into(), Value::Long(1)), ("a\"".into(), Value::Long(2))].into())),
            ("note".into(), Value::Union(1, Box::new(Value::String("x\n".into())))),
            ("at".into(), Value::Record(vec![("y".into(), Value::Int(3)), ("x".into(), Value::Int(4))])),
        ]);
        let mut out = String::new();
        write_json(&mut out, &value, &schema, &names(&schema).unwrap()).unwrap();
        assert_eq!(out, r#"{"zone":1,"counts":{"a\"":2,"b":1},"note":"x\n","at":{"y":3,"x":4}}"#);
    }

    #[test]
    fn decimals_print_exactly() {
        assert_eq!(decimal_text(12345, 2), "123.45");
        assert_eq!(decimal_text(-5, 2), "-0.05");
        assert_eq!(decimal_text(7, 0), "7");
    }
}
