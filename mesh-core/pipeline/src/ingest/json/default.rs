//! The Avro binary encoding of a field's schema default, written once when the encoder is built
//! and copied into every record whose line leaves the field out.
//!
//! Defaults are in Avro's JSON encoding (bytes as strings of code points 0-255, a union's value
//! for the first branch it fits), not in the landing files' natural JSON: the parser has already
//! checked each against its type ([`Schema::check_default`]), so this only writes the bytes.

use mesh_avro::codec::encode::{
    write_block_len, write_boolean, write_bytes, write_double, write_end_of_blocks, write_fixed, write_float,
    write_long,
};
use mesh_avro::schema::{Kind, Schema, TypeId, MAX_DEFAULT_DEPTH};
use serde_json::Value as Json;

/// The default `value` of type `ty`, appended to `out`; `None` if it does not fit the type.
pub(super) fn encode_default(schema: &Schema, ty: TypeId, value: &Json, out: &mut Vec<u8>) -> Option<()> {
    schema.check_default(ty, value).ok()?;
    write(schema, ty, value, out, 0)
}

fn write(schema: &Schema, ty: TypeId, value: &Json, out: &mut Vec<u8>, depth: u32) -> Option<()> {
    // As deep as the check lets a default nest; kept so that the recursion is bounded here too.
    if depth > MAX_DEFAULT_DEPTH {
        return None;
    }
    match &schema.get(ty).kind {
        Kind::Null => return value.is_null().then_some(()),
        Kind::Boolean => write_boolean(out, value.as_bool()?),
        Kind::Int => write_long(out, value.as_i64().filter(|n| i32::try_from(*n).is_ok())?),
        Kind::Long => write_long(out, value.as_i64()?),
        Kind::Float => write_float(out, value.as_f64()? as f32),
        Kind::Double => write_double(out, value.as_f64()?),
        Kind::String => write_bytes(out, value.as_str()?.as_bytes()),
        Kind::Bytes => write_bytes(out, &code_points(value)?),
        Kind::Fixed(fixed) => {
            let bytes = code_points(value)?;
            if bytes.len() as u64 != fixed.size {
                return None;
            }
            write_fixed(out, &bytes);
        }
        Kind::Enum(e) => write_long(out, e.symbol_index(value.as_str()?)? as i64),
        Kind::Union(branches) => {
            let index = schema.default_branch(ty, value)?;
            write_long(out, index as i64);
            write(schema, branches[index], value, out, depth + 1)?;
        }
        Kind::Record(record) => {
            let object = value.as_object()?;
            for field in &record.fields {
                let field_value = object.get(&field.name).or(field.default.as_ref())?;
                write(schema, field.ty, field_value, out, depth + 1)?;
            }
        }
        Kind::Array(items) => {
            let values = value.as_array()?;
            write_block_len(out, values.len());
            for each in values {
                write(schema, *items, each, out, depth + 1)?;
            }
            write_end_of_blocks(out);
        }
        Kind::Map(values) => {
            let entries = value.as_object()?;
            write_block_len(out, entries.len());
            for (key, each) in entries {
                write_bytes(out, key.as_bytes());
                write(schema, *values, each, out, depth + 1)?;
            }
            write_end_of_blocks(out);
        }
    }
    Some(())
}

/// A string of code points 0-255 as the bytes it stands for.
fn code_points(value: &Json) -> Option<Vec<u8>> {
    value.as_str()?.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}
