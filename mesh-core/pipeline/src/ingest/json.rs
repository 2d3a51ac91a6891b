//! JSON text to an Avro datum, walking the product's schema.
//!
//! A bronze product is loaded from the JSON lines an operational system drops in a landing
//! folder: natural JSON, as APIs and CDC tools write it, not Avro's own JSON encoding. Each line
//! is one record of the product's schema, read by these rules (the landing-file contract):
//!
//! | Avro type | JSON a line holds |
//! |---|---|
//! | record | an object; keys in any order; keys that are no field's name are ignored (CDC metadata), but a field given twice is an error; a field left out takes the schema's default, else, if it is nullable, null, else it is an error |
//! | null | `null` (or the key left out) |
//! | `["null", T]` | `null` or the key left out for null, else a `T` |
//! | other unions | the first branch the value fits, in the schema's order: `null` the null branch, `true`/`false` the boolean branch, a number or a string the first branch that accepts it (an enum with a default accepts every string), an object the first record or map branch, an array the first array branch |
//! | boolean | `true` or `false` |
//! | int, long | an integer in range, written without fraction or exponent (`1.0` and `1e3` are errors) |
//! | float, double | a number (a float is the number rounded to a double, then to a float, as other writers do) |
//! | string | a string |
//! | enum | a string that is one of the symbols, exactly; any other string is the enum's default symbol if it has one, else an error |
//! | bytes | a string of standard base64 (RFC 4648, section 4: alphabet `A-Z a-z 0-9 + /`, padding `=` required, no line breaks, zero bits after the last byte) |
//! | fixed | as bytes, decoding to exactly the fixed's size |
//! | array | an array |
//! | map | an object (keys are strings; a key given twice is an error) |
//! | decimal (on bytes or fixed) | a string or a number of decimal text, `-123.45`: digits on both sides of an optional point, no exponent; at most `scale` digits after the point (fewer are padded with zeros; more are an error: values are never rounded) and at most `precision` digits in all (at most 38) |
//! | uuid (on string or fixed(16)) | its canonical text of 36 characters, `123e4567-e89b-12d3-a456-426614174000`, in either case (written in lower case on a string) |
//! | date | a string `YYYY-MM-DD`, or an integer of days since 1970-01-01 |
//! | time-millis, time-micros | an integer of milliseconds (microseconds) after midnight, less than a day |
//! | timestamp-millis, -micros, -nanos | an RFC 3339 string with `Z` or an offset, `2026-11-01T10:15:00.123Z`, or an integer of milliseconds (microseconds, nanoseconds) since 1970-01-01T00:00:00Z; non-zero digits finer than the unit are an error (never rounded) |
//! | local-timestamp-millis, -micros, -nanos | a wall-clock time without an offset (or with `Z`), `2026-11-01T10:15:00.123`, or an integer, as above |
//!
//! Other logical types (duration, unknown ones) read as their underlying type. Keys are fields'
//! names; aliases are not read. A line holds one JSON value and nothing after it but whitespace.
//! Defaults come from the schema, in Avro's JSON encoding, as any Avro reader applies them.
//!
//! Nesting is bounded: records nest in a line as deep as JSON objects do, and every object and
//! array counts against serde_json's recursion limit of 128 levels (and the encoder's own
//! [`MAX_NESTING`]), so no line can exhaust the stack. Keys left unread are skipped without
//! recursion, whatever their depth.
//!
//! An error ([`LineError`]) names the field by its path (`line_items[2].quantity`) or, for text
//! that is not JSON, the column; and what was expected. It never repeats a value or any other
//! text of the line: landing lines hold personal data.
//!
//! The encoder walks serde_json's parser with the schema and writes Avro bytes as it goes: no
//! JSON value is built. A record's fields are encoded into slots of one reused scratch stack and
//! joined in schema order at the end of the object; strings are borrowed from the line where
//! they have no escapes. After the first lines nothing is allocated per line, except for the
//! strings with escapes that serde_json unescapes and for lines that fail.

mod default;
mod error;
mod text;

use std::collections::HashMap;
use std::fmt;
use std::mem;

use mesh_avro::codec::encode::{
    write_block_len, write_boolean, write_decimal, write_double, write_end_of_blocks, write_float, write_long,
    write_str, write_uuid,
};
use mesh_avro::schema::{Enum, Kind, Logical, Record, Schema, TypeId};
use mesh_avro::values::Uuid;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize as _;
use serde_json::value::RawValue;

use error::{Failure, Found, Problem, Step};
pub use error::{LineError, UnsupportedSchema};
use text::Unit;

/// How deep objects and arrays may nest in a line: serde_json's own recursion limit, which also
/// bounds the values the encoder parses a second time (decimals in unions) on their own.
pub const MAX_NESTING: u32 = 128;

/// Encodes JSON lines as Avro datums of one schema, compiled once; see the [module docs](self)
/// for what a line may hold.
///
/// ```
/// # use mesh_pipeline::ingest::json::JsonLineEncoder;
/// let schema = mesh_avro::Schema::parse(r#"{"type": "record", "name": "Order", "fields": [
///     {"name": "id", "type": "long"}, {"name": "note", "type": ["null", "string"]}]}"#).unwrap();
/// let mut encoder = JsonLineEncoder::new(&schema).unwrap();
/// let mut out = Vec::new();
/// encoder.encode(r#"{"id": 7, "cdc_op": "insert"}"#, &mut out).unwrap();
/// assert_eq!(out, [14, 0]); // id 7, note null (its key left out)
/// let error = encoder.encode(r#"{"id": "seven"}"#, &mut out).unwrap_err();
/// assert_eq!(error.to_string(), "field `id`: expected an integer (long), found a string");
/// ```
pub struct JsonLineEncoder {
    plan: Plan,
    scratch: Scratch,
}

impl fmt::Debug for JsonLineEncoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLineEncoder").field("root", &self.plan.schema.root_name()).finish_non_exhaustive()
    }
}

impl JsonLineEncoder {
    /// Compiles the encoder for `schema`, whose root must be a record.
    ///
    /// # Errors
    /// The root is not a record, or a field's default cannot be encoded.
    pub fn new(schema: &Schema) -> Result<Self, UnsupportedSchema> {
        Ok(Self { plan: Plan::compile(schema)?, scratch: Scratch::default() })
    }

    /// Appends the line's record, as an Avro datum of the schema, to `out`.
    ///
    /// # Errors
    /// The line is not JSON, or not a record of the schema by the module's rules; `out` is then
    /// left as it was.
    pub fn encode(&mut self, line: &str, out: &mut Vec<u8>) -> Result<(), LineError> {
        let start = out.len();
        self.scratch.reset();
        let mut parser = serde_json::Deserializer::from_str(line);
        let seed = Seed { plan: &self.plan, scratch: &mut self.scratch, node: self.plan.root, out };
        match seed.deserialize(&mut parser).and_then(|()| parser.end()) {
            Ok(()) => Ok(()),
            Err(error) => {
                out.truncate(start);
                Err(self.line_error(&error))
            }
        }
    }

    fn line_error(&mut self, error: &serde_json::Error) -> LineError {
        if let Some(failure) = self.scratch.failure.take() {
            return failure.into_line_error(&self.plan);
        }
        // serde_json's syntax messages are fixed texts ("expected `,` or `}`"); its data
        // messages could quote the line, and only the encoder's own failures are data errors.
        let reason = match error.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                let position = format!(" at line {} column {}", error.line(), error.column());
                error.to_string().strip_suffix(&position).map(str::to_string)
            }
            _ => None,
        };
        let reason = match reason.as_deref() {
            Some("recursion limit exceeded") => format!("nested deeper than {MAX_NESTING} objects and arrays"),
            _ => reason.unwrap_or_else(|| "not a JSON value".into()),
        };
        LineError::syntax(error.column(), reason)
    }
}

/// Index of a [`Node`] in [`Plan::nodes`].
type NodeId = u32;

/// The schema compiled for encoding: one node per type reachable from the root.
struct Plan {
    schema: Schema,
    nodes: Vec<Node>,
    /// The schema type of each node, for messages.
    types: Vec<TypeId>,
    /// Whether a node reads its value's raw text (decimals, and unions with a decimal branch).
    raw: Vec<bool>,
    root: NodeId,
}

enum Node {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    String,
    Bytes,
    Fixed { size: usize },
    Enum(Box<EnumPlan>),
    Uuid { fixed: bool },
    Decimal { fixed: Option<usize>, precision: u32, scale: u32 },
    Date,
    TimeMillis,
    TimeMicros,
    Timestamp { unit: Unit, local: bool },
    Array(NodeId),
    Map(NodeId),
    Record(Box<RecordPlan>),
    Union(Box<UnionPlan>),
}

struct EnumPlan {
    schema: Enum,
    default: Option<usize>,
}

struct RecordPlan {
    record: Record,
    fields: Vec<FieldPlan>,
}

struct FieldPlan {
    node: NodeId,
    /// The bytes of a record whose line leaves the field out: its default, or null.
    missing: Option<Box<[u8]>>,
}

struct UnionPlan {
    branches: Vec<NodeId>,
    null: Option<usize>,
    /// The one branch that is not null, if there is one.
    only: Option<usize>,
}

impl RecordPlan {
    /// The position of the field named `key`; `next` (the field after the last one read) first,
    /// as lines mostly list fields in schema order.
    #[inline]
    fn position(&self, key: &str, next: usize) -> Option<usize> {
        match self.record.fields.get(next) {
            Some(field) if field.name == key => Some(next),
            _ => self.record.field(key).map(|(i, _)| i),
        }
    }
}

impl Plan {
    fn compile(schema: &Schema) -> Result<Plan, UnsupportedSchema> {
        if !matches!(schema.get(schema.root()).kind, Kind::Record(_)) {
            return Err(UnsupportedSchema {
                reason: format!(
                    "its root is {}, not a record (a line is one JSON object)",
                    schema.display(schema.root())
                ),
            });
        }
        let mut plan = Plan { schema: schema.clone(), nodes: Vec::new(), types: Vec::new(), raw: Vec::new(), root: 0 };
        let mut ids = HashMap::new();
        // A work list, not recursion: schemas may nest deeply and name types recursively.
        let mut pending = Vec::new();
        let mut intern = |ty: TypeId, plan: &mut Plan, pending: &mut Vec<TypeId>| -> NodeId {
            *ids.entry(ty).or_insert_with(|| {
                plan.nodes.push(Node::Null);
                plan.types.push(ty);
                pending.push(ty);
                (plan.nodes.len() - 1) as NodeId
            })
        };
        plan.root = intern(schema.root(), &mut plan, &mut pending);
        while let Some(ty) = pending.pop() {
            let id = intern(ty, &mut plan, &mut pending);
            let node = match (&schema.get(ty).kind, &schema.get(ty).logical) {
                (Kind::Bytes, Some(Logical::Decimal { precision, scale })) => {
                    Node::Decimal { fixed: None, precision: *precision, scale: *scale }
                }
                (Kind::Fixed(f), Some(Logical::Decimal { precision, scale })) => {
                    Node::Decimal { fixed: Some(fixed_size(schema, ty, f.size)?), precision: *precision, scale: *scale }
                }
                (Kind::String, Some(Logical::Uuid)) => Node::Uuid { fixed: false },
                (Kind::Fixed(f), Some(Logical::Uuid)) if f.size == 16 => Node::Uuid { fixed: true },
                (Kind::Int, Some(Logical::Date)) => Node::Date,
                (Kind::Int, Some(Logical::TimeMillis)) => Node::TimeMillis,
                (Kind::Long, Some(Logical::TimeMicros)) => Node::TimeMicros,
                (Kind::Long, Some(logical)) if timestamp(logical).is_some() => {
                    let (unit, local) = timestamp(logical).unwrap_or((Unit::Micros, false));
                    Node::Timestamp { unit, local }
                }
                (Kind::Null, _) => Node::Null,
                (Kind::Boolean, _) => Node::Boolean,
                (Kind::Int, _) => Node::Int,
                (Kind::Long, _) => Node::Long,
                (Kind::Float, _) => Node::Float,
                (Kind::Double, _) => Node::Double,
                (Kind::String, _) => Node::String,
                (Kind::Bytes, _) => Node::Bytes,
                (Kind::Fixed(f), _) => Node::Fixed { size: fixed_size(schema, ty, f.size)? },
                (Kind::Enum(e), _) => {
                    let default = e.default.as_deref().and_then(|symbol| e.symbol_index(symbol));
                    Node::Enum(Box::new(EnumPlan { schema: e.clone(), default }))
                }
                (Kind::Array(items), _) => Node::Array(intern(*items, &mut plan, &mut pending)),
                (Kind::Map(values), _) => Node::Map(intern(*values, &mut plan, &mut pending)),
                (Kind::Union(branches), _) => {
                    let null = branches.iter().position(|b| schema.get(*b).kind == Kind::Null);
                    let others: Vec<usize> = (0..branches.len()).filter(|&i| Some(i) != null).collect();
                    let branches = branches.iter().map(|b| intern(*b, &mut plan, &mut pending)).collect();
                    let only = if let [only] = others[..] { Some(only) } else { None };
                    Node::Union(Box::new(UnionPlan { branches, null, only }))
                }
                (Kind::Record(record), _) => {
                    let mut fields = Vec::with_capacity(record.fields.len());
                    for field in &record.fields {
                        let missing = missing_bytes(schema, record, field)?;
                        fields.push(FieldPlan { node: intern(field.ty, &mut plan, &mut pending), missing });
                    }
                    Node::Record(Box::new(RecordPlan { record: record.clone(), fields }))
                }
            };
            plan.nodes[id as usize] = node;
        }
        plan.raw = (0..plan.nodes.len()).map(|id| plan.reads_raw(id as NodeId)).collect();
        Ok(plan)
    }

    fn reads_raw(&self, node: NodeId) -> bool {
        match &self.nodes[node as usize] {
            Node::Decimal { .. } => true,
            Node::Union(u) => u.branches.iter().any(|b| matches!(self.nodes[*b as usize], Node::Decimal { .. })),
            _ => false,
        }
    }

    fn display(&self, node: NodeId) -> String {
        self.schema.display(self.types[node as usize]).to_string()
    }

    fn field_name(&self, record: NodeId, field: usize) -> &str {
        match &self.nodes[record as usize] {
            Node::Record(plan) => &plan.record.fields[field].name,
            _ => "?",
        }
    }

    /// Encodes a JSON value that is not an object or array.
    fn encode_scalar(
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
                let index = e.schema.symbol_index(s).or(e.default).ok_or(Problem::UnknownSymbol(node))?;
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
    fn container_branch(&self, node: NodeId, object: bool, out: &mut Vec<u8>) -> Option<NodeId> {
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

fn timestamp(logical: &Logical) -> Option<(Unit, bool)> {
    Some(match logical {
        Logical::TimestampMillis => (Unit::Millis, false),
        Logical::TimestampMicros => (Unit::Micros, false),
        Logical::TimestampNanos => (Unit::Nanos, false),
        Logical::LocalTimestampMillis => (Unit::Millis, true),
        Logical::LocalTimestampMicros => (Unit::Micros, true),
        Logical::LocalTimestampNanos => (Unit::Nanos, true),
        _ => return None,
    })
}

fn fixed_size(schema: &Schema, ty: TypeId, size: u64) -> Result<usize, UnsupportedSchema> {
    usize::try_from(size).map_err(|_| UnsupportedSchema { reason: format!("{} is too large", schema.display(ty)) })
}

/// What a record whose line leaves `field` out holds for it: the field's default, or null for a
/// nullable field without one, or nothing (the line is refused).
fn missing_bytes(
    schema: &Schema,
    record: &Record,
    field: &mesh_avro::schema::Field,
) -> Result<Option<Box<[u8]>>, UnsupportedSchema> {
    let mut bytes = Vec::new();
    if let Some(value) = &field.default {
        default::encode_default(schema, field.ty, value, &mut bytes).ok_or_else(|| UnsupportedSchema {
            reason: format!(
                "the default of field `{}` in {} does not fit its type {}",
                field.name,
                record.named.full_name,
                schema.display(field.ty)
            ),
        })?;
        return Ok(Some(bytes.into()));
    }
    Ok(match &schema.get(field.ty).kind {
        Kind::Null => Some(bytes.into()),
        Kind::Union(branches) => branches.iter().position(|b| schema.get(*b).kind == Kind::Null).map(|null| {
            write_long(&mut bytes, null as i64);
            bytes.into()
        }),
        _ => None,
    })
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
enum Number {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Signed(n) => n as f64,
            Number::Unsigned(n) => n as f64,
            Number::Float(f) => f,
        }
    }
}

/// A JSON value that is not an object or array.
#[derive(Debug, Clone, Copy)]
enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(&'a str),
}

impl Scalar<'_> {
    fn found(self) -> Found {
        match self {
            Scalar::Null => Found::Null,
            Scalar::Bool(_) => Found::Boolean,
            Scalar::Number(_) => Found::Number,
            Scalar::Str(_) => Found::String,
        }
    }
}

/// Buffers reused from line to line.
#[derive(Default)]
struct Scratch {
    /// A stack of byte buffers: a record's fields, an array's or map's items, while they are read.
    slots: Vec<Vec<u8>>,
    /// Whether each slot of a record holds its field already.
    filled: Vec<bool>,
    /// Slots in use (the stack's height; the buffers above keep their allocations).
    used: usize,
    /// The byte ranges of the keys of the maps being read, in their body buffers.
    keys: Vec<(usize, usize)>,
    /// Objects and arrays open around the current value.
    depth: u32,
    /// The encoder's own reason a line failed, if it failed on data rather than syntax.
    failure: Option<Failure>,
}

impl Scratch {
    fn reset(&mut self) {
        self.used = 0;
        self.keys.clear();
        self.depth = 0;
        self.failure = None;
    }

    /// Takes `n` empty slots off the stack; returns the first.
    fn reserve(&mut self, n: usize) -> usize {
        let base = self.used;
        self.used += n;
        if self.slots.len() < self.used {
            self.slots.resize_with(self.used, Vec::new);
            self.filled.resize(self.used, false);
        }
        for slot in &mut self.slots[base..self.used] {
            slot.clear();
        }
        self.filled[base..self.used].fill(false);
        base
    }

    fn enter<E: de::Error>(&mut self) -> Result<(), E> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.fail(Problem::TooDeep));
        }
        Ok(())
    }

    /// Records the line's failure; the returned error carries no text (serde needs one).
    #[cold]
    fn fail<E: de::Error>(&mut self, problem: Problem) -> E {
        self.failure = Some(Failure { problem, steps: Vec::new() });
        E::custom("")
    }

    #[cold]
    fn fail_at<E: de::Error>(&mut self, problem: Problem, step: Step) -> E {
        let error = self.fail(problem);
        self.step(step);
        error
    }

    /// Adds a step to the failure's path as the error goes up through `step`.
    #[cold]
    fn step(&mut self, step: Step) {
        if let Some(failure) = &mut self.failure {
            failure.steps.push(step);
        }
    }
}

/// One value of type `node`, written to `out`.
struct Seed<'p, 's> {
    plan: &'p Plan,
    scratch: &'s mut Scratch,
    node: NodeId,
    out: &'s mut Vec<u8>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if !self.plan.raw[self.node as usize] {
            return deserializer.deserialize_any(Visit { seed: self, text: None });
        }
        // A decimal written as a number must not pass through f64: read its text, then the
        // value again from that text, with the text at hand.
        let raw = <&'de RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let mut again = serde_json::Deserializer::from_str(text);
        again.deserialize_any(Visit { seed: self, text: Some(text) }).map_err(|_| de::Error::custom(""))
    }
}

struct Visit<'p, 's, 'de> {
    seed: Seed<'p, 's>,
    /// The value's JSON text, for the nodes that read it ([`Plan::raw`]).
    text: Option<&'de str>,
}

impl Visit<'_, '_, '_> {
    fn scalar<E: de::Error>(self, value: Scalar<'_>) -> Result<(), E> {
        let Seed { plan, scratch, node, out } = self.seed;
        plan.encode_scalar(node, value, self.text, out).map_err(|problem| scratch.fail(problem))
    }
}

impl<'de> Visitor<'de> for Visit<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value of the schema")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar(Scalar::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.scalar(Scalar::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.scalar(Scalar::Number(Number::Signed(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(Scalar::Number(Number::Unsigned(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.scalar(Scalar::Number(Number::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.scalar(Scalar::Str(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let Seed { plan, scratch, node, out } = self.seed;
        let Some(branch) = plan.container_branch(node, true, out) else {
            return Err(scratch.fail(Problem::Mismatch(node, Found::Object)));
        };
        scratch.enter()?;
        match &plan.nodes[branch as usize] {
            Node::Record(record) => read_record(plan, scratch, branch, record, map, out)?,
            Node::Map(values) => read_map(plan, scratch, *values, map, out)?,
            _ => return Err(scratch.fail(Problem::Mismatch(node, Found::Object))),
        }
        scratch.depth -= 1;
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let Seed { plan, scratch, node, out } = self.seed;
        let Some(Node::Array(items)) = plan.container_branch(node, false, out).map(|b| &plan.nodes[b as usize]) else {
            return Err(scratch.fail(Problem::Mismatch(node, Found::Array)));
        };
        scratch.enter()?;
        read_array(plan, scratch, *items, seq, out)?;
        scratch.depth -= 1;
        Ok(())
    }
}

/// A record's fields, each into its slot as its key comes, then joined in schema order.
fn read_record<'de, A: MapAccess<'de>>(
    plan: &Plan,
    scratch: &mut Scratch,
    node: NodeId,
    record: &RecordPlan,
    mut map: A,
    out: &mut Vec<u8>,
) -> Result<(), A::Error> {
    let base = scratch.reserve(record.fields.len());
    let mut next = 0;
    while let Some(key) = map.next_key_seed(FieldKey { record, next })? {
        let Some(i) = key else {
            map.next_value::<IgnoredAny>()?;
            continue;
        };
        if scratch.filled[base + i] {
            return Err(scratch.fail_at(Problem::Duplicate, Step::Field(node, i)));
        }
        let mut slot = mem::take(&mut scratch.slots[base + i]);
        let seed = Seed { plan, scratch: &mut *scratch, node: record.fields[i].node, out: &mut slot };
        let read = map.next_value_seed(seed);
        scratch.slots[base + i] = slot;
        if let Err(error) = read {
            scratch.step(Step::Field(node, i));
            return Err(error);
        }
        scratch.filled[base + i] = true;
        next = i + 1;
    }
    for (i, field) in record.fields.iter().enumerate() {
        if scratch.filled[base + i] {
            out.extend_from_slice(&scratch.slots[base + i]);
        } else if let Some(bytes) = &field.missing {
            out.extend_from_slice(bytes);
        } else {
            return Err(scratch.fail_at(Problem::Missing, Step::Field(node, i)));
        }
    }
    scratch.used = base;
    Ok(())
}

/// A map's entries into one slot (a block's count comes before its items), then as one block.
fn read_map<'de, A: MapAccess<'de>>(
    plan: &Plan,
    scratch: &mut Scratch,
    values: NodeId,
    mut map: A,
    out: &mut Vec<u8>,
) -> Result<(), A::Error> {
    let slot = scratch.reserve(1);
    let mut body = mem::take(&mut scratch.slots[slot]);
    let keys = scratch.keys.len();
    let mut count = 0;
    let read = (|| {
        while map.next_key_seed(MapKey { out: &mut body, keys: &mut scratch.keys })?.is_some() {
            let seed = Seed { plan, scratch: &mut *scratch, node: values, out: &mut body };
            if let Err(error) = map.next_value_seed(seed) {
                scratch.step(Step::Value);
                return Err(error);
            }
            count += 1;
        }
        // Sorted by their bytes, repeated keys are neighbours: found without allocating.
        let ranges = &mut scratch.keys[keys..];
        ranges.sort_unstable_by(|a, b| body[a.0..a.1].cmp(&body[b.0..b.1]));
        if ranges.windows(2).any(|pair| body[pair[0].0..pair[0].1] == body[pair[1].0..pair[1].1]) {
            return Err(scratch.fail(Problem::MapKeyTwice));
        }
        Ok(())
    })();
    if read.is_ok() {
        write_block_len(out, count);
        out.extend_from_slice(&body);
        write_end_of_blocks(out);
    }
    scratch.keys.truncate(keys);
    scratch.slots[slot] = body;
    scratch.used = slot;
    read
}

/// An array's items into one slot, then as one block.
fn read_array<'de, A: SeqAccess<'de>>(
    plan: &Plan,
    scratch: &mut Scratch,
    items: NodeId,
    mut seq: A,
    out: &mut Vec<u8>,
) -> Result<(), A::Error> {
    let slot = scratch.reserve(1);
    let mut body = mem::take(&mut scratch.slots[slot]);
    let mut count = 0;
    let read = loop {
        match seq.next_element_seed(Seed { plan, scratch: &mut *scratch, node: items, out: &mut body }) {
            Ok(Some(())) => count += 1,
            Ok(None) => break Ok(()),
            Err(error) => {
                scratch.step(Step::Item(count));
                break Err(error);
            }
        }
    };
    if read.is_ok() {
        write_block_len(out, count);
        out.extend_from_slice(&body);
        write_end_of_blocks(out);
    }
    scratch.slots[slot] = body;
    scratch.used = slot;
    read
}

/// A record's key: the position of the field it names, `None` for a key of no field.
struct FieldKey<'p> {
    record: &'p RecordPlan,
    next: usize,
}

impl<'de> DeserializeSeed<'de> for FieldKey<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldKey<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.record.position(key, self.next))
    }
}

/// A map's key, written to the map's body as an Avro string; its byte range kept for the check
/// for repeated keys.
struct MapKey<'b> {
    out: &'b mut Vec<u8>,
    keys: &'b mut Vec<(usize, usize)>,
}

impl<'de> DeserializeSeed<'de> for MapKey<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MapKey<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        write_str(self.out, key);
        self.keys.push((self.out.len() - key.len(), self.out.len()));
        Ok(())
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
