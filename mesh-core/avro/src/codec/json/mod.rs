//! One datum as JSON text, decoded by walking its schema: no Rust type, no intermediate value.
//!
//! The JSON is what `cargo xtask dump` prints: records with their fields in schema order, map
//! entries sorted by key (Avro maps have no order; of repeated keys the last is kept), unions
//! unwrapped, enums as symbols, decimals as exact decimal strings, uuids as strings, bytes and
//! fixed as strings of code points 0-255 (as Avro's JSON encoding writes them), dates, times and
//! timestamps as their numbers.

mod text;

pub use text::{
    push_bool, push_bytes, push_decimal, push_decimal_bytes, push_double, push_long, push_str, push_uuid,
    push_uuid_bytes,
};

use std::sync::Arc;

use mesh_crypto::{KeyProvider, Opener, REDACTED};
use mesh_model::FieldEncryption;

use super::decode::Reader;
use super::encrypted::crypto_error;
use super::error::{DecodeError, DecodeErrorKind};
use crate::schema::{Kind, Logical, Schema, TypeId};
use crate::values::{Date, Decimal, TimestampMicros, TimestampMillis, Uuid};

/// A typed value printed as JSON straight from the value: the text [`write_datum_json`] prints for
/// the value's datum, without encoding or decoding it again.
///
/// The macro implements it for every `#[data_product]`, `#[derive(AvroRecord)]` and
/// `#[derive(AvroEnum)]`, as it implements [`AvroCodec`](super::AvroCodec).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be printed as JSON",
    label = "this type is used in a data product but has no JSON form",
    note = "derive one: `#[derive(mesh_macros::AvroRecord)]` on a struct with named fields, or `#[derive(mesh_macros::AvroEnum)]` on an enum of unit variants"
)]
pub trait WriteJson {
    /// Appends the value as JSON to `out`.
    fn write_json(&self, out: &mut String);
}

// The logical types print through the trait rather than generated field access, so that a
// look-alike type of the same name is one clear error, not a type mismatch inside the macro.

impl WriteJson for Date {
    fn write_json(&self, out: &mut String) {
        push_long(out, i64::from(self.0));
    }
}

impl WriteJson for TimestampMillis {
    fn write_json(&self, out: &mut String) {
        push_long(out, self.0);
    }
}

impl WriteJson for TimestampMicros {
    fn write_json(&self, out: &mut String) {
        push_long(out, self.0);
    }
}

impl WriteJson for Uuid {
    fn write_json(&self, out: &mut String) {
        push_uuid(out, *self);
    }
}

impl<const PRECISION: u32, const SCALE: u32> WriteJson for Decimal<PRECISION, SCALE> {
    fn write_json(&self, out: &mut String) {
        push_decimal(out, self.unscaled(), SCALE);
    }
}

/// Decodes one datum of type `ty` from `input` and appends it to `out` as JSON.
///
/// Records nest at most [`MAX_DEPTH`](super::MAX_DEPTH) deep (recursive types could otherwise
/// exhaust the stack); every length is checked against the bytes left, as in [`Reader`].
///
/// # Errors
/// The bytes are not a datum of `ty`: truncated, a bad length or index, invalid UTF-8, too deep.
pub fn write_datum_json(
    schema: &Schema,
    ty: TypeId,
    input: &mut Reader<'_>,
    out: &mut String,
) -> Result<(), DecodeError> {
    write_datum_json_with(schema, ty, input, out, &mut EncryptedValues::AsStored)
}

/// As [`write_datum_json`], with the fields the schema marks encrypted (`mesh.encryption`)
/// printed as `encrypted` says: as stored, redacted, or opened.
///
/// # Errors
/// As [`write_datum_json`], or an encrypted field is not ciphertext or does not open.
pub fn write_datum_json_with(
    schema: &Schema,
    ty: TypeId,
    input: &mut Reader<'_>,
    out: &mut String,
    encrypted: &mut EncryptedValues,
) -> Result<(), DecodeError> {
    let node = schema.get(ty);
    match (&node.kind, &node.logical) {
        (Kind::Bytes, Some(Logical::Decimal { scale, .. })) => {
            let raw = input.read_slice()?;
            push_decimal_bytes(out, raw, *scale);
        }
        (Kind::Fixed(fixed), Some(Logical::Decimal { scale, .. })) => {
            let raw = input.take(fixed_len(input, fixed.size)?)?;
            push_decimal_bytes(out, raw, *scale);
        }
        (Kind::Fixed(fixed), Some(Logical::Uuid)) if fixed.size == 16 => {
            push_uuid_bytes(out, input.take(16)?);
        }
        (Kind::Null, _) => out.push_str("null"),
        (Kind::Boolean, _) => push_bool(out, input.read_boolean()?),
        (Kind::Int, _) => push_long(out, i64::from(input.read_int()?)),
        (Kind::Long, _) => push_long(out, input.read_long()?),
        (Kind::Float, _) => push_double(out, f64::from(input.read_float()?)),
        (Kind::Double, _) => push_double(out, input.read_double()?),
        (Kind::Bytes, _) => push_bytes(out, input.read_slice()?),
        (Kind::String, _) => push_str(out, input.read_str()?),
        (Kind::Fixed(fixed), _) => {
            let raw = input.take(fixed_len(input, fixed.size)?)?;
            push_bytes(out, raw);
        }
        (Kind::Enum(e), _) => push_str(out, &e.symbols[input.read_enum_index(e.symbols.len())?]),
        (Kind::Union(branches), _) => {
            let branch = branches[input.read_union_index(branches.len())?];
            write_datum_json_with(schema, branch, input, out, encrypted)?;
        }
        (Kind::Record(record), _) => {
            input.enter()?;
            out.push('{');
            for (i, field) in record.fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_str(out, &field.name);
                out.push(':');
                match &field.encryption {
                    Some(how) if !matches!(encrypted, EncryptedValues::AsStored) => {
                        write_encrypted(schema, field.ty, how, &field.name, input, out, encrypted)?;
                    }
                    _ => write_datum_json_with(schema, field.ty, input, out, encrypted)?,
                }
            }
            out.push('}');
            input.leave();
        }
        (Kind::Array(items), _) => {
            out.push('[');
            let mut first = true;
            while let Some(count) = input.read_block_count()? {
                for _ in 0..count {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    write_datum_json_with(schema, *items, input, out, encrypted)?;
                }
            }
            out.push(']');
        }
        (Kind::Map(values), _) => write_map(schema, *values, input, out, encrypted)?,
    }
    Ok(())
}

/// A map's entries, sorted by key: each value is written on its own first, then placed.
fn write_map(
    schema: &Schema,
    values: TypeId,
    input: &mut Reader<'_>,
    out: &mut String,
    encrypted: &mut EncryptedValues,
) -> Result<(), DecodeError> {
    let mut entries: Vec<(&str, String)> = Vec::new();
    while let Some(count) = input.read_block_count()? {
        for _ in 0..count {
            let key = input.read_str()?;
            let mut value = String::new();
            write_datum_json_with(schema, values, input, &mut value, encrypted)?;
            entries.push((key, value));
        }
    }
    // Stable, so of repeated keys the last written stays last, and is the one kept (as a map would).
    entries.sort_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    let mut first = true;
    for (i, (key, value)) in entries.iter().enumerate() {
        if entries.get(i + 1).is_some_and(|next| next.0 == *key) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        push_str(out, key);
        out.push(':');
        out.push_str(value);
    }
    out.push('}');
    Ok(())
}

/// What the schema walk prints for a field its schema marks encrypted.
pub enum EncryptedValues {
    /// The stored text as it is: in-memory datums hold plaintext, files hold tokens.
    AsStored,
    /// [`REDACTED`], after checking the stored value is a token,
    /// so plaintext in a field marked encrypted is an error, never printed.
    Redacted,
    /// Opened with each domain's keys (the domain the field's `mesh.key` names).
    Opened(Openers),
}

/// Openers of the domains met so far, from one key provider (or all redacting).
pub struct Openers {
    provider: Option<Arc<dyn KeyProvider>>,
    reveal: bool,
    by_domain: Vec<Opener>,
}

impl Openers {
    /// Openers with keys from `provider`, or the default provider if `None`.
    pub fn new(provider: Option<Arc<dyn KeyProvider>>) -> Self {
        Self { provider, reveal: true, by_domain: Vec::new() }
    }

    /// Openers that redact (see [`Opener::redacting`]).
    pub fn redacting() -> Self {
        Self { provider: None, reveal: false, by_domain: Vec::new() }
    }

    /// The opener of `domain`'s values, made on first use.
    pub fn for_domain(&mut self, domain: &str) -> &mut Opener {
        let at = match self.by_domain.iter().position(|o| o.domain() == domain) {
            Some(at) => at,
            None => {
                let opener = match self.reveal {
                    true => Opener::new(domain, self.provider.clone()),
                    false => Opener::redacting(domain),
                };
                self.by_domain.push(opener);
                self.by_domain.len() - 1
            }
        };
        &mut self.by_domain[at]
    }
}

/// An encrypted field's value (a `string`, or a union of `null` and `string`: the parser allows
/// no other), redacted or opened.
fn write_encrypted(
    schema: &Schema,
    ty: TypeId,
    how: &FieldEncryption,
    field: &str,
    input: &mut Reader<'_>,
    out: &mut String,
    encrypted: &mut EncryptedValues,
) -> Result<(), DecodeError> {
    if let Kind::Union(branches) = &schema.get(ty).kind {
        let branch = branches[input.read_union_index(branches.len())?];
        return write_encrypted(schema, branch, how, field, input, out, encrypted);
    }
    if !matches!(schema.get(ty).kind, Kind::String) {
        return write_datum_json_with(schema, ty, input, out, encrypted);
    }
    let start = input.offset();
    let stored = input.read_str()?;
    let opened = match encrypted {
        EncryptedValues::AsStored => Ok(stored),
        EncryptedValues::Redacted => mesh_crypto::token_mode(stored)
            .map(|_| REDACTED)
            .ok_or(mesh_crypto::CryptoError::NotCiphertext { expected: how.mode }),
        EncryptedValues::Opened(openers) => match how.domain() {
            Some(domain) => openers.for_domain(domain).open(stored, how.mode),
            None => Err(mesh_crypto::CryptoError::MissingKey {
                domain: how.key.clone(),
                version: 0,
                keys: "the keys of a domain (its `mesh.key` names none)".into(),
            }),
        },
    };
    push_str(out, opened.map_err(|error| crypto_error(field, error, start))?);
    Ok(())
}

/// A fixed's size as a length, checked against the bytes left (a schema may declare any size).
fn fixed_len(input: &Reader<'_>, size: u64) -> Result<usize, DecodeError> {
    usize::try_from(size)
        .ok()
        .filter(|&len| len <= input.remaining())
        .ok_or_else(|| input.error(DecodeErrorKind::LengthExceedsInput { length: size, remaining: input.remaining() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(schema: &str, datum: &[u8]) -> Result<String, DecodeError> {
        let schema = Schema::parse(schema).unwrap();
        let mut out = String::new();
        let mut input = Reader::new(datum);
        write_datum_json(&schema, schema.root(), &mut input, &mut out)?;
        input.finish()?;
        Ok(out)
    }

    #[test]
    fn records_keep_their_field_order_and_maps_sort_their_keys() {
        let schema = r#"{"type": "record", "name": "Reading", "fields": [
            {"name": "zone", "type": "int"},
            {"name": "counts", "type": {"type": "map", "values": "long"}},
            {"name": "note", "type": ["null", "string"]},
            {"name": "at", "type": {"type": "record", "name": "At", "fields": [
                {"name": "y", "type": "int"}, {"name": "x", "type": "int"}]}}]}"#;
        let datum = [2, 4, 2, b'b', 2, 4, b'a', b'"', 4, 0, 2, 4, b'x', b'\n', 6, 8];
        assert_eq!(
            json(schema, &datum).unwrap(),
            r#"{"zone":1,"counts":{"a\"":2,"b":1},"note":"x\n","at":{"y":3,"x":4}}"#
        );
    }

    #[test]
    fn decimals_print_exactly() {
        assert_eq!(text::decimal_text(12345, 2), "123.45");
        assert_eq!(text::decimal_text(-5, 2), "-0.05");
        assert_eq!(text::decimal_text(7, 0), "7");
        let schema = r#"{"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2}"#;
        assert_eq!(json(schema, &[4, 0x30, 0x39]).unwrap(), r#""123.45""#);
    }

    #[test]
    fn uuids_on_fixed_print_hyphenated_and_a_fixed_larger_than_the_input_is_an_error() {
        let schema = r#"{"type": "fixed", "name": "U", "size": 16, "logicalType": "uuid"}"#;
        let datum: Vec<u8> = (0..16).map(|b| b * 17).collect();
        assert_eq!(json(schema, &datum).unwrap(), r#""00112233-4455-6677-8899-aabbccddeeff""#);
        let huge = r#"{"type": "fixed", "name": "H", "size": 1000000}"#;
        assert!(matches!(json(huge, &[1, 2]).unwrap_err().kind, DecodeErrorKind::LengthExceedsInput { .. }));
    }

    #[test]
    fn a_map_keeps_the_last_of_repeated_keys_and_an_array_its_order() {
        let map = r#"{"type": "map", "values": "int"}"#;
        assert_eq!(json(map, &[4, 2, b'k', 2, 2, b'k', 4, 0]).unwrap(), r#"{"k":2}"#);
        let array = r#"{"type": "array", "items": "int"}"#;
        assert_eq!(json(array, &[2, 6, 4, 2, 4, 0]).unwrap(), "[3,1,2]");
    }

    #[test]
    fn a_too_deep_datum_is_an_error_not_a_stack_overflow() {
        let schema = r#"{"type":"record","name":"N","fields":[{"name":"next","type":["null","N"]}]}"#;
        let mut datum = vec![2; 100_000];
        datum.push(0);
        assert_eq!(json(schema, &datum).unwrap_err().kind, DecodeErrorKind::TooDeep);
    }
}
