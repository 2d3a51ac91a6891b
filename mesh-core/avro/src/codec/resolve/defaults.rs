//! The Avro binary encoding of the reader's defaults, for the fields the writer's data lacks.

use serde_json::Value as Json;

use super::build::{at, Builder};
use crate::codec::decode::MAX_DEPTH;
use crate::codec::encode::{write_boolean, write_bytes, write_double, write_float, write_long};
use crate::schema::{Kind, Logical, TypeId};

impl Builder<'_> {
    /// The Avro binary encoding of a JSON default for a reader type.
    pub(super) fn encode_default(
        &self,
        ty: TypeId,
        value: &Json,
        out: &mut Vec<u8>,
        path: &str,
        depth: u32,
    ) -> Result<(), String> {
        let rs = self.rs;
        let bad = || format!("{path}: the default {value} does not fit the field's type {}", rs.display(ty));
        // A record default may fill a nested field from that field's own default, which can recurse.
        if depth > MAX_DEPTH {
            return Err(bad());
        }
        let schema = rs.get(ty);
        match &schema.kind {
            Kind::Union(branches) => {
                // A union's default is a value of its first branch (or, Avro 1.12, any that fits).
                for (i, &branch) in branches.iter().enumerate() {
                    let mut bytes = Vec::new();
                    write_long(&mut bytes, i as i64);
                    if self.encode_default(branch, value, &mut bytes, path, depth + 1).is_ok() {
                        out.extend_from_slice(&bytes);
                        return Ok(());
                    }
                }
                Err(bad())
            }
            Kind::Record(record) => {
                let object = value.as_object().ok_or_else(bad)?;
                for field in &record.fields {
                    let field_value = object.get(&field.name).or(field.default.as_ref()).ok_or_else(bad)?;
                    self.encode_default(field.ty, field_value, out, &at(path, &field.name), depth + 1)?;
                }
                Ok(())
            }
            Kind::Enum(e) => {
                let symbol = value.as_str().ok_or_else(bad)?;
                let index = e.symbols.iter().position(|s| s == symbol).ok_or_else(bad)?;
                write_long(out, index as i64);
                Ok(())
            }
            Kind::Array(item) => {
                let items = value.as_array().ok_or_else(bad)?;
                if !items.is_empty() {
                    write_long(out, items.len() as i64);
                    for each in items {
                        self.encode_default(*item, each, out, path, depth + 1)?;
                    }
                }
                out.push(0);
                Ok(())
            }
            Kind::Map(values) => {
                let entries = value.as_object().ok_or_else(bad)?;
                if !entries.is_empty() {
                    write_long(out, entries.len() as i64);
                    for (key, each) in entries {
                        write_bytes(out, key.as_bytes());
                        self.encode_default(*values, each, out, path, depth + 1)?;
                    }
                }
                out.push(0);
                Ok(())
            }
            Kind::Null => value.is_null().then_some(()).ok_or_else(bad),
            Kind::Boolean => {
                write_boolean(out, value.as_bool().ok_or_else(bad)?);
                Ok(())
            }
            Kind::Int => {
                let n = value.as_i64().filter(|n| i32::try_from(*n).is_ok()).ok_or_else(bad)?;
                write_long(out, n);
                Ok(())
            }
            Kind::Long => {
                write_long(out, value.as_i64().ok_or_else(bad)?);
                Ok(())
            }
            Kind::Float => {
                write_float(out, value.as_f64().ok_or_else(bad)? as f32);
                Ok(())
            }
            Kind::Double => {
                write_double(out, value.as_f64().ok_or_else(bad)?);
                Ok(())
            }
            Kind::String => {
                let text = value.as_str().ok_or_else(bad)?;
                if schema.logical == Some(Logical::Uuid) && text.parse::<crate::values::Uuid>().is_err() {
                    return Err(bad());
                }
                write_bytes(out, text.as_bytes());
                Ok(())
            }
            Kind::Bytes | Kind::Fixed(_) => {
                // JSON encodes bytes as a string of code points 0-255.
                let text = value.as_str().ok_or_else(bad)?;
                let bytes = text
                    .chars()
                    .map(|c| u8::try_from(u32::from(c)).ok())
                    .collect::<Option<Vec<u8>>>()
                    .ok_or_else(bad)?;
                match &schema.kind {
                    Kind::Fixed(f) if bytes.len() as u64 != f.size => Err(bad()),
                    Kind::Fixed(_) => {
                        out.extend_from_slice(&bytes);
                        Ok(())
                    }
                    _ => {
                        write_bytes(out, &bytes);
                        Ok(())
                    }
                }
            }
        }
    }
}
