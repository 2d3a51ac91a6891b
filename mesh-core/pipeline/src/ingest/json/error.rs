//! What is wrong with a line: found while encoding as a [`Problem`] and a path of steps, written
//! out only when the line fails, as a [`LineError`] that names the field and the expectation but
//! never a value or any other text of the line (landing lines hold personal data).

use std::fmt::{self, Write as _};

use super::text::{Base64Error, DateError, DecimalError, TimestampError};
use super::{Node, NodeId, Plan, MAX_NESTING};

/// The kind of JSON value a line had where the schema expected another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    Null,
    Boolean,
    Number,
    String,
    Object,
    Array,
}

impl Found {
    fn as_str(self) -> &'static str {
        match self {
            Found::Null => "null",
            Found::Boolean => "a boolean",
            Found::Number => "a number",
            Found::String => "a string",
            Found::Object => "an object",
            Found::Array => "an array",
        }
    }
}

/// Why a value does not fit its type. Cheap to make: a union tries branches that may refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Problem {
    /// A JSON value of the wrong kind.
    Mismatch(NodeId, Found),
    /// A union none of whose branches takes the value.
    NoBranch(NodeId, Found),
    /// A number with a fraction or exponent where an integer belongs.
    NotInteger(NodeId),
    /// A number beyond the type's range.
    OutOfRange(NodeId),
    Base64(NodeId, Base64Error),
    /// Base64 of another length than the fixed's size.
    FixedSize(NodeId, usize),
    UnknownSymbol(NodeId),
    Decimal(NodeId, DecimalError),
    /// A decimal whose two's complement needs more bytes than its fixed has.
    DecimalFixed(NodeId),
    Uuid(NodeId),
    Date(DateError),
    Timestamp(NodeId, TimestampError),
    TooDeep,
    MapKeyTwice,
    /// A field the line lacks and the schema gives no default (the path ends at it).
    Missing,
    /// A field the line gives twice (the path ends at it).
    Duplicate,
}

/// A step from the line's record to where the problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// The field at this position of the record node.
    Field(NodeId, usize),
    /// The array item at this position.
    Item(usize),
    /// A map's value; its key is data and so never named.
    Value,
}

/// The problem, with the steps pushed while the error went up (innermost first).
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) problem: Problem,
    pub(super) steps: Vec<Step>,
}

impl Failure {
    pub(super) fn into_line_error(self, plan: &Plan) -> LineError {
        let mut path = String::new();
        for step in self.steps.iter().rev() {
            match *step {
                Step::Field(record, i) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(plan.field_name(record, i));
                }
                Step::Item(i) => {
                    let _ = write!(path, "[{i}]");
                }
                Step::Value => path.push_str("{}"),
            }
        }
        let (kind, message) = match self.problem {
            Problem::Missing => (Kind::Missing, String::new()),
            Problem::Duplicate => (Kind::Duplicate, String::new()),
            problem => (Kind::Value, describe_problem(plan, problem)),
        };
        LineError { kind, path, message }
    }
}

/// Why a line is not a record of the schema: where, and what was expected. It never holds a
/// value or other text of the line, so it can go to logs and quarantine reports as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    kind: Kind,
    path: String,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Syntax { column: usize },
    Value,
    Missing,
    Duplicate,
}

impl LineError {
    pub(super) fn syntax(column: usize, reason: String) -> Self {
        LineError { kind: Kind::Syntax { column }, path: String::new(), message: reason }
    }

    /// The path of the field at fault, as `line_items[2].quantity` (map values as `{}`, their keys
    /// being data); empty for the record itself and for a syntax error.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// For a line that is not JSON, the column (1-based, in bytes) where the parser stopped.
    pub fn column(&self) -> Option<usize> {
        match self.kind {
            Kind::Syntax { column } => Some(column),
            _ => None,
        }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Syntax { column } => write!(f, "invalid JSON at column {column}: {}", self.message),
            Kind::Missing => write!(f, "missing field `{}`, which has no default in the schema", self.path),
            Kind::Duplicate => write!(f, "field `{}` is given twice", self.path),
            Kind::Value if self.path.is_empty() => write!(f, "the record: {}", self.message),
            Kind::Value => write!(f, "field `{}`: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for LineError {}

/// A schema the encoder cannot read lines for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedSchema {
    pub(super) reason: String,
}

impl fmt::Display for UnsupportedSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read JSON lines with this schema: {}", self.reason)
    }
}

impl std::error::Error for UnsupportedSchema {}

fn describe_problem(plan: &Plan, problem: Problem) -> String {
    let ty = |node| plan.display(node);
    match problem {
        Problem::Mismatch(node, found) => format!("expected {}, found {}", expected(plan, node), found.as_str()),
        Problem::NoBranch(node, found) => format!("{} fits no branch of {}", found.as_str(), ty(node)),
        Problem::NotInteger(node) => {
            format!("expected {}, found a number with a fraction or an exponent", expected(plan, node))
        }
        Problem::OutOfRange(node) => match &plan.nodes[node as usize] {
            Node::Int => format!("out of range of int ({} to {})", i32::MIN, i32::MAX),
            Node::Long => format!("out of range of long ({} to {})", i64::MIN, i64::MAX),
            Node::TimeMillis => "out of range of time-millis (0 to 86399999 milliseconds after midnight)".into(),
            Node::TimeMicros => "out of range of time-micros (0 to 86399999999 microseconds after midnight)".into(),
            _ => format!("out of range of {}", ty(node)),
        },
        Problem::Base64(node, error) => format!(
            "expected {}: {}",
            expected(plan, node),
            match error {
                Base64Error::Length => "the length is not a multiple of 4 (padding `=` is required)",
                Base64Error::Alphabet => "a character outside the standard alphabet A-Z a-z 0-9 + /",
                Base64Error::Padding => "padding `=` before the end",
                Base64Error::TrailingBits => "non-zero bits after the last byte",
            }
        ),
        Problem::FixedSize(node, decoded) => {
            format!("expected {}, found base64 of {decoded} bytes", expected(plan, node))
        }
        Problem::UnknownSymbol(node) => {
            format!("expected {}, found another string (symbols match exactly, case included)", expected(plan, node))
        }
        Problem::Decimal(node, error) => match error {
            DecimalError::Form => format!("expected {}", expected(plan, node)),
            DecimalError::Scale => format!("more digits after the point than {} holds (never rounded)", ty(node)),
            DecimalError::Precision => format!("more digits than {} holds", ty(node)),
            DecimalError::Wide => format!("more than the 38 digits this encoder computes, for {}", ty(node)),
        },
        Problem::DecimalFixed(node) => format!("a value too large for the bytes of {}", ty(node)),
        Problem::Uuid(node) => format!("expected {}", expected(plan, node)),
        Problem::Date(DateError::Form) => {
            "expected a date YYYY-MM-DD (e.g. 2026-11-01) or an integer of days since 1970-01-01".into()
        }
        Problem::Date(DateError::OutOfRange) => "a date that does not exist".into(),
        Problem::Timestamp(node, error) => match error {
            TimestampError::Text(error) => format!("{error}; expected {}", expected(plan, node)),
            TimestampError::Finer => format!("digits finer than {} holds (never rounded)", ty(node)),
            TimestampError::Offset => format!(
                "an offset other than Z: {} is a wall-clock time, written without one (e.g. 2026-11-01T10:15:00)",
                ty(node)
            ),
            TimestampError::OutOfRange => format!("out of range of {}", ty(node)),
        },
        Problem::TooDeep => format!("nested deeper than {MAX_NESTING} objects and arrays"),
        Problem::MapKeyTwice => "a key is given twice in this map".into(),
        Problem::Missing | Problem::Duplicate => String::new(),
    }
}

/// What a line must hold for a type, in the landing files' terms.
fn expected(plan: &Plan, node: NodeId) -> String {
    let ty = plan.display(node);
    match &plan.nodes[node as usize] {
        Node::Null => "null".into(),
        Node::Boolean => "a boolean".into(),
        Node::Int | Node::Long => format!("an integer ({ty})"),
        Node::Float | Node::Double => format!("a number ({ty})"),
        Node::String => "a string".into(),
        Node::Bytes => "a base64 string (bytes)".into(),
        Node::Fixed { size } => format!("a base64 string of {size} bytes ({ty})"),
        Node::Enum(e) => format!("one of the symbols {} ({ty})", e.schema.symbols.join(", ")),
        Node::Uuid { .. } => "a uuid of 36 characters like 123e4567-e89b-12d3-a456-426614174000".into(),
        Node::Decimal { .. } => format!("{ty} as decimal text or a number like -123.45 (no exponent)"),
        Node::Date => format!("{ty}: a string YYYY-MM-DD or an integer of days since 1970-01-01"),
        Node::TimeMillis | Node::TimeMicros => format!("an integer ({ty})"),
        Node::Timestamp { unit, local: false } => format!(
            "{ty}: an RFC 3339 string like 2026-11-01T10:15:00Z or an integer of {} since 1970-01-01T00:00:00Z",
            unit.name()
        ),
        Node::Timestamp { unit, local: true } => format!(
            "{ty}: a string like 2026-11-01T10:15:00 or an integer of {} since 1970-01-01T00:00:00",
            unit.name()
        ),
        Node::Array(_) => format!("an array ({ty})"),
        Node::Map(_) | Node::Record(_) => format!("an object ({ty})"),
        Node::Union(u) => match u.only {
            Some(only) if u.branches.len() == 2 => format!("null or {}", expected(plan, u.branches[only])),
            _ => format!("a value of {ty}"),
        },
    }
}
