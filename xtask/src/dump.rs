//! `cargo xtask dump FILE [--product PRODUCT] [--count]`: a container file's records as JSON lines.
//!
//! With `--product`, records go through the product's typed reader (so files
//! written with an older schema are resolved to the current one); without it,
//! apache-avro's generic reader prints them as the file's own schema has them.
//! `--count` prints only the record count and the peak memory of the process.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::Path;

use apache_avro::schema::{Name, ResolvedSchema, Schema};
use apache_avro::types::Value;
use serde_json::Value as Json;

use crate::sample::find_product;

pub fn run(file: &Path, product: Option<&str>, count_only: bool) -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let count = match product {
        Some(product) => typed(file, product, count_only, &mut out)?,
        None => generic(file, count_only, &mut out)?,
    };
    out.flush().map_err(|e| e.to_string())?;
    if count_only {
        println!("{count} records");
        if let Some(peak) = peak_memory() {
            println!("peak memory (VmHWM): {peak}");
        }
    }
    Ok(())
}

fn typed(file: &Path, product: &str, count_only: bool, out: &mut impl Write) -> Result<u64, String> {
    let registration = find_product(product)?;
    let schema = mesh_core::registered_products()
        .into_iter()
        .find(|r| format!("{}.{}", r.descriptor.domain, r.descriptor.name) == registration.product)
        .ok_or_else(|| format!("`{}` has no registered schema", registration.product))
        .and_then(|r| (r.schema)().map_err(|e| e.to_string()))?;
    let names = names(&schema.avro)?;
    let mut each = |datum: &[u8]| -> io::Result<()> {
        if count_only {
            return Ok(());
        }
        let mut input = datum;
        #[allow(deprecated)] // the plain generic datum reader of apache-avro 0.22
        let value = apache_avro::from_avro_datum(&schema.avro, &mut input, None).map_err(io::Error::other)?;
        writeln!(out, "{}", to_json(&value, &schema.avro, &names))
    };
    (registration.read_file)(file, &mut each).map_err(|e| e.to_string())
}

fn generic(file: &Path, count_only: bool, out: &mut impl Write) -> Result<u64, String> {
    let input = File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let reader = apache_avro::Reader::new(BufReader::new(input)).map_err(|e| format!("{}: {e}", file.display()))?;
    let schema = reader.writer_schema().clone();
    let names = names(&schema)?;
    let mut count = 0;
    for value in reader {
        let value = value.map_err(|e| format!("{}, record {count}: {e}", file.display()))?;
        if !count_only {
            writeln!(out, "{}", to_json(&value, &schema, &names)).map_err(|e| e.to_string())?;
        }
        count += 1;
    }
    Ok(count)
}

fn names(schema: &Schema) -> Result<HashMap<Name, Schema>, String> {
    let resolved = ResolvedSchema::try_from(schema).map_err(|e| e.to_string())?;
    Ok(resolved.get_names().iter().map(|(name, schema)| (name.clone(), (*schema).clone())).collect())
}

/// A value as JSON: unions unwrapped, enums as symbols, decimals as exact decimal strings,
/// uuids as strings, bytes as strings of code points 0-255 (as Avro's JSON encoding writes them).
fn to_json(value: &Value, schema: &Schema, names: &HashMap<Name, Schema>) -> Json {
    let schema = match schema {
        Schema::Ref { name } => names.get(name).unwrap_or(schema),
        other => other,
    };
    let bytes = |b: &[u8]| Json::String(b.iter().map(|&c| char::from(c)).collect());
    match (value, schema) {
        (Value::Union(index, inner), Schema::Union(union)) => {
            let branch = union.variants().get(*index as usize).unwrap_or(&Schema::Null);
            to_json(inner, branch, names)
        }
        (Value::Union(_, inner), _) => to_json(inner, schema, names),
        (Value::Record(fields), Schema::Record(record)) => Json::Object(
            fields
                .iter()
                .map(|(name, value)| {
                    let field = record.fields.iter().find(|f| f.name == *name).map_or(&Schema::Null, |f| &f.schema);
                    (name.clone(), to_json(value, field, names))
                })
                .collect(),
        ),
        (Value::Array(items), Schema::Array(array)) => {
            Json::Array(items.iter().map(|item| to_json(item, &array.items, names)).collect())
        }
        (Value::Map(entries), Schema::Map(map)) => {
            Json::Object(entries.iter().map(|(k, v)| (k.clone(), to_json(v, &map.types, names))).collect())
        }
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
    fn decimals_print_exactly() {
        assert_eq!(decimal_text(12345, 2), "123.45");
        assert_eq!(decimal_text(-5, 2), "-0.05");
        assert_eq!(decimal_text(7, 0), "7");
    }
}
