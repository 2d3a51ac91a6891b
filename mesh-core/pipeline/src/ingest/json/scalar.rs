//! Encoding the JSON values that are not objects or arrays, by their node, and choosing the
//! union branch a value goes to.

use mesh_avro::codec::encode::{
    write_boolean, write_decimal, write_double, write_float, write_long, write_str, write_uuid,
};
use mesh_avro::values::Uuid;

use super::error::{Found, Problem};
use super::{text, Node, NodeId, Plan, UnionPlan};

impl Plan {
    /// Encodes a JSON value that is not an object or array.
    pub(super) fn encode_scalar(
        &self,
        node: NodeId,
        value: Scalar<'_>,
        text: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Result<(), Problem> {
        let mismatch = || Problem::Mismatch(node, value.found());
        match (&self.nodes[node as usize], value) {
            (Node::Union(union), _) => return self.union_scalar(node, union, value, text, out),
            (Node::Null, Scalar::Null) => {}
            (Node::Boolean, Scalar::Bool(b)) => write_boolean(out, b),
            (Node::Int | Node::Date, Scalar::Number(n)) => {
                write_long(out, integer(node, n, i32::MIN.into(), i32::MAX.into())?)
            }
            (Node::Long | Node::Timestamp { .. }, Scalar::Number(n)) => {
                write_long(out, integer(node, n, i64::MIN, i64::MAX)?)
            }
            (Node::TimeMillis, Scalar::Number(n)) => write_long(out, integer(node, n, 0, 86_400_000 - 1)?),
            (Node::TimeMicros, Scalar::Number(n)) => write_long(out, integer(node, n, 0, 86_400_000_000 - 1)?),
            (Node::Float, Scalar::Number(n)) => {
                let value = n.as_f64() as f32;
                if value.is_infinite() {
                    return Err(Problem::OutOfRange(node));
                }
                write_float(out, value);
            }
            (Node::Double, Scalar::Number(n)) => write_double(out, n.as_f64()),
            (Node::String, Scalar::Str(s)) => write_str(out, s),
            (Node::Bytes, Scalar::Str(s)) => {
                let len = text::base64_len(s).map_err(|e| Problem::Base64(node, e))?;
                write_long(out, len as i64);
                text::decode_base64(s, out).map_err(|e| Problem::Base64(node, e))?;
            }
            (Node::Fixed { size }, Scalar::Str(s)) => {
                let len = text::base64_len(s).map_err(|e| Problem::Base64(node, e))?;
                if len != *size {
                    return Err(Problem::FixedSize(node, len));
                }
                text::decode_base64(s, out).map_err(|e| Problem::Base64(node, e))?;
            }
            (Node::Enum(e), Scalar::Str(s)) => {
                let index = e.position(s).or(e.default).ok_or(Problem::UnknownSymbol(node))?;
                write_long(out, index as i64);
            }
            (Node::Uuid { fixed }, Scalar::Str(s)) => {
                let uuid = text::parse_uuid(s).ok_or(Problem::Uuid(node))?;
                if *fixed {
                    out.extend_from_slice(&uuid.to_be_bytes());
                } else {
                    write_uuid(out, Uuid(uuid));
                }
            }
            (Node::Decimal { fixed, precision, scale }, Scalar::Str(_) | Scalar::Number(_)) => {
                // A number's exact text: the raw value this node was read from.
                let Some(digits) = (if let Scalar::Str(s) = value { Some(s) } else { text.map(str::trim) }) else {
                    return Err(mismatch());
                };
                let unscaled =
                    text::parse_decimal(digits, *precision, *scale).map_err(|e| Problem::Decimal(node, e))?;
                match fixed {
                    None => write_decimal(out, unscaled),
                    Some(size) => write_fixed_decimal(out, unscaled, *size).ok_or(Problem::DecimalFixed(node))?,
                }
            }
            (Node::Date, Scalar::Str(s)) => write_long(out, text::parse_date(s).map_err(Problem::Date)?.into()),
            (Node::Timestamp { unit, local }, Scalar::Str(s)) => {
                write_long(out, text::parse_timestamp(s, *unit, *local).map_err(|e| Problem::Timestamp(node, e))?);
            }
            _ => return Err(mismatch()),
        }
        Ok(())
    }

    /// A scalar in a union: null to the null branch, anything else to the only other branch or,
    /// of several, the first that takes it.
    fn union_scalar(
        &self,
        node: NodeId,
        union: &UnionPlan,
        value: Scalar<'_>,
        text: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Result<(), Problem> {
        if let (Scalar::Null, Some(null)) = (value, union.null) {
            write_long(out, null as i64);
            return Ok(());
        }
        if let Some(only) = union.only {
            write_long(out, only as i64);
            return self.encode_scalar(union.branches[only], value, text, out);
        }
        let mut first_problem = None;
        let mut candidates = 0;
        for (i, branch) in union.branches.iter().enumerate() {
            let start = out.len();
            write_long(out, i as i64);
            match self.encode_scalar(*branch, value, text, out) {
                Ok(()) => return Ok(()),
                Err(problem) => {
                    out.truncate(start);
                    if !matches!(problem, Problem::Mismatch(..)) {
                        candidates += 1;
                        first_problem.get_or_insert(problem);
                    }
                }
            }
        }
        // One branch of the value's kind: its reason is the precise one.
        Err(match first_problem {
            Some(problem) if candidates == 1 => problem,
            _ => Problem::NoBranch(node, value.found()),
        })
    }

    /// The branch of `node` an object or array goes to (the node itself if not a union), written
    /// as its union index; `None` if there is none.
    pub(super) fn container_branch(&self, node: NodeId, object: bool, out: &mut Vec<u8>) -> Option<NodeId> {
        let fits = |id: NodeId| match &self.nodes[id as usize] {
            Node::Record(_) | Node::Map(_) => object,
            Node::Array(_) => !object,
            _ => false,
        };
        match &self.nodes[node as usize] {
            Node::Union(union) => {
                let (index, branch) = union.branches.iter().enumerate().find(|(_, b)| fits(**b))?;
                write_long(out, index as i64);
                Some(*branch)
            }
            _ => fits(node).then_some(node),
        }
    }
}

/// An integer JSON number within `min..=max`.
fn integer(node: NodeId, number: Number, min: i64, max: i64) -> Result<i64, Problem> {
    let value = match number {
        Number::Signed(n) => i128::from(n),
        Number::Unsigned(n) => i128::from(n),
        // serde_json gives integers as such: this one was written with a fraction or an exponent,
        // or is beyond 64 bits.
        Number::Float(f) if f.fract() == 0.0 && f.abs() >= 9.2e18 => return Err(Problem::OutOfRange(node)),
        Number::Float(_) => return Err(Problem::NotInteger(node)),
    };
    if value < i128::from(min) || value > i128::from(max) {
        return Err(Problem::OutOfRange(node));
    }
    Ok(value as i64)
}

/// A decimal on a fixed: big-endian two's complement, sign-extended to `size` bytes.
fn write_fixed_decimal(out: &mut Vec<u8>, unscaled: i128, size: usize) -> Option<()> {
    let bytes = unscaled.to_be_bytes();
    let sign = if unscaled < 0 { 0xff } else { 0 };
    if size < 16 {
        // The dropped bytes must be sign bytes, and the first kept byte must carry the sign.
        let (dropped, kept) = bytes.split_at(16 - size);
        if dropped.iter().any(|&b| b != sign) || (kept.first().map_or(0, |b| b & 0x80) != 0) != (unscaled < 0) {
            return None;
        }
        out.extend_from_slice(kept);
    } else {
        out.resize(out.len() + (size - 16), sign);
        out.extend_from_slice(&bytes);
    }
    Some(())
}

/// A JSON number as serde_json gives it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Number {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
}

impl Number {
    pub(super) fn as_f64(self) -> f64 {
        match self {
            Number::Signed(n) => n as f64,
            Number::Unsigned(n) => n as f64,
            Number::Float(f) => f,
        }
    }
}

/// A JSON value that is not an object or array.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(&'a str),
}

impl Scalar<'_> {
    pub(super) fn found(self) -> Found {
        match self {
            Scalar::Null => Found::Null,
            Scalar::Bool(_) => Found::Boolean,
            Scalar::Number(_) => Found::Number,
            Scalar::Str(_) => Found::String,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_on_fixed_are_sign_extended_or_refused_when_too_wide() {
        let fixed = |unscaled, size| {
            let mut out = Vec::new();
            write_fixed_decimal(&mut out, unscaled, size).map(|()| out)
        };
        assert_eq!(fixed(-125, 3), Some(vec![0xff, 0xff, 0x83]));
        assert_eq!(fixed(127, 1), Some(vec![0x7f]));
        assert_eq!(fixed(-128, 1), Some(vec![0x80]));
        assert_eq!(fixed(128, 1), None, "the sign bit would make it negative");
        assert_eq!(fixed(-129, 1), None);
        assert_eq!(fixed(1 << 70, 8), None);
        let mut wide = vec![0; 4];
        wide.extend_from_slice(&(1i128 << 100).to_be_bytes());
        assert_eq!(fixed(1 << 100, 20), Some(wide));
    }
}
