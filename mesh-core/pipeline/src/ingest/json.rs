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
mod scalar;
mod text;
mod walk;

use std::collections::HashMap;
use std::fmt;

use mesh_avro::codec::encode::write_long;
use mesh_avro::schema::{Enum, Kind, Logical, Record, Schema, TypeId};
use serde::de::DeserializeSeed as _;

pub use error::{LineError, UnsupportedSchema};
use text::Unit;
use walk::{Scratch, Seed};

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

impl EnumPlan {
    /// The position of `symbol`: a few comparisons for a short list, else its hash.
    #[inline]
    fn position(&self, symbol: &str) -> Option<usize> {
        if self.schema.symbols.len() <= 8 {
            self.schema.symbols.iter().position(|s| s == symbol)
        } else {
            self.schema.symbol_index(symbol)
        }
    }
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
