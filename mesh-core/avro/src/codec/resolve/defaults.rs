//! The Avro binary encoding of the reader's defaults, for the fields the writer's data lacks.
//!
//! What a valid default is, and which union branch it stands for, is the schema's to say
//! ([`Schema::check_default`](crate::schema::Schema::check_default), which the parser already
//! applied to every field default): this only writes the bytes.

use serde_json::Value as Json;

use mesh_model::FieldPath;

use super::build::{Builder, Refusal};
use crate::codec::encode::{write_boolean, write_bytes, write_double, write_float, write_long};
use crate::schema::{Kind, TypeId, MAX_DEFAULT_DEPTH};

impl Builder<'_> {
    /// The Avro binary encoding of a JSON default for a reader type, appended to `out`.
    pub(super) fn encode_default(
        &self,
        ty: TypeId,
        value: &Json,
        out: &mut Vec<u8>,
        path: &FieldPath,
    ) -> Result<(), Refusal> {
        self.rs.check_default(ty, value).map_err(|_| self.unfit(ty, value, path))?;
        self.write_default(ty, value, out, path, 0)
    }

    fn unfit(&self, ty: TypeId, value: &Json, path: &FieldPath) -> Refusal {
        let message = format!("the default {value} does not fit the field's type {}", self.rs.display(ty));
        Refusal::new(path, "", message)
    }

    /// Writes a checked default. Extracting its parts cannot fail then, but stays total.
    fn write_default(
        &self,
        ty: TypeId,
        value: &Json,
        out: &mut Vec<u8>,
        path: &FieldPath,
        depth: u32,
    ) -> Result<(), Refusal> {
        let rs = self.rs;
        let bad = || self.unfit(ty, value, path);
        // As deep as the check above lets a default go (a record default may fill a nested field
        // from that field's own default); kept so that the recursion is bounded here too.
        if depth > MAX_DEFAULT_DEPTH {
            return Err(bad());
        }
        let schema = rs.get(ty);
        match &schema.kind {
            Kind::Union(branches) => {
                let index = rs.default_branch(ty, value).ok_or_else(bad)?;
                write_long(out, index as i64);
                self.write_default(branches[index], value, out, path, depth + 1)
            }
            Kind::Record(record) => {
                let object = value.as_object().ok_or_else(bad)?;
                for field in &record.fields {
                    let field_value = object.get(&field.name).or(field.default.as_ref()).ok_or_else(bad)?;
                    self.write_default(field.ty, field_value, out, &path.then_field(&field.name), depth + 1)?;
                }
                Ok(())
            }
            Kind::Enum(e) => {
                let symbol = value.as_str().ok_or_else(bad)?;
                let index = e.symbol_index(symbol).ok_or_else(bad)?;
                write_long(out, index as i64);
                Ok(())
            }
            Kind::Array(item) => {
                let items = value.as_array().ok_or_else(bad)?;
                if !items.is_empty() {
                    write_long(out, items.len() as i64);
                    for each in items {
                        self.write_default(*item, each, out, path, depth + 1)?;
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
                        self.write_default(*values, each, out, path, depth + 1)?;
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
