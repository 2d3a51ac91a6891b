//! Defaults checked against their types: the one validator of JSON defaults. The parser applies
//! it to every field default once the whole schema is read (so a record's own fields are known
//! when a default of that record, or of a type inside it, is checked), and the read plan encodes
//! only what it accepts, through the same union branch ([`Schema::default_branch`]).

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::Value;

use super::types::{Kind, Logical, Schema, TypeId};

/// The most levels a default may nest records, arrays, maps and unions, counting the defaults of
/// the fields it leaves out: as deep as data may nest records ([`crate::codec::MAX_DEPTH`]). The
/// read plan encodes a default by recursing as deep.
pub const MAX_DEFAULT_DEPTH: u32 = 256;

/// Why a JSON value is not a default of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultMismatch {
    message: String,
}

impl fmt::Display for DefaultMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DefaultMismatch {}

impl Schema {
    /// Whether `value` is a valid default for type `ty` (Avro specification 1.12, "Complex Types:
    /// Records"), checked against the whole type, nested records with all their fields and a record
    /// inside itself included. Otherwise, what is wrong.
    ///
    /// - A union's default is a value of any of its branches and stands for the first branch it
    ///   matches ([`Schema::default_branch`]). Avro 1.12 says so ("Default values for union fields
    ///   correspond to the first schema that matches in the union"), as apache-avro and the Java
    ///   implementation check it; Avro 1.11 and earlier required the first branch, which is the
    ///   stricter subset of this.
    /// - Bytes and fixed take a string of code points 0-255, one per byte (a fixed exactly its size).
    /// - A string with logical type uuid takes a uuid (RFC 4122 text), as its values must be.
    /// - A record takes an object with a value for each field, or none for a field with a default
    ///   of its own, which then counts as part of the value; other keys are ignored.
    ///
    /// # Errors
    /// The value does not match; or it never ends (a field it lacks takes a default that leads back
    /// to it), or nests deeper than [`MAX_DEFAULT_DEPTH`]: no reader could build it.
    pub fn check_default(&self, ty: TypeId, value: &Value) -> Result<(), DefaultMismatch> {
        Checker::new(self).check(ty, value, 0).map(drop).map_err(|error| {
            let mut message = String::new();
            error.write(self, &mut message);
            DefaultMismatch { message }
        })
    }

    /// The branch of the union `union` that the default `value` stands for: the first whose type
    /// it matches. `None` when `union` is not a union or the value is no default of it.
    pub fn default_branch(&self, union: TypeId, value: &Value) -> Option<usize> {
        let Kind::Union(branches) = &self.get(union).kind else { return None };
        Checker::new(self).branch(branches, value, 1).ok().flatten().map(|(position, _)| position)
    }
}

/// Why a check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Error {
    /// The value is not of the type; cheap to make, as failing union branches make many, and
    /// written out only for the one reported.
    Mismatch(Mismatch),
    /// The value is no finite value: the whole check stops (see [`Fatal`]).
    Fatal(Fatal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Mismatch {
    /// The value is not of this type.
    Expected(TypeId),
    /// An array item that does not match.
    Item(Box<Mismatch>),
    /// A map entry that does not match.
    Entry(String, Box<Mismatch>),
    /// A record field that does not match.
    Field(String, Box<Mismatch>),
    /// A record field absent from the value that has no default of its own.
    Lacks { field: String, record: String },
    /// A union without branches has no values.
    EmptyUnion,
}

/// Failures of the value as a whole rather than of one type: they end the check, union branches
/// left untried, so that no result depends on where a type was met.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fatal {
    /// The value leads back to itself through the default of this field (and record) it lacks.
    Endless { field: String, record: String },
    /// Deeper than [`MAX_DEFAULT_DEPTH`].
    TooDeep,
}

impl Error {
    fn write(&self, schema: &Schema, out: &mut String) {
        match self {
            Error::Mismatch(mismatch) => mismatch.write(schema, out),
            Error::Fatal(Fatal::Endless { field, record }) => out.push_str(&format!(
                "never ends: it lacks field `{field}` of record {record}, whose default leads back to it"
            )),
            Error::Fatal(Fatal::TooDeep) => out.push_str(&format!(
                "nests more than {MAX_DEFAULT_DEPTH} levels of records, arrays, maps and unions (counting the defaults of the fields it lacks)"
            )),
        }
    }
}

impl Mismatch {
    fn write(&self, schema: &Schema, out: &mut String) {
        match self {
            Mismatch::Expected(ty) => {
                out.push_str("does not match the field's type: expected ");
                out.push_str(&expected(schema, *ty));
            }
            Mismatch::Item(inner) => {
                out.push_str("has an item that ");
                inner.write(schema, out);
            }
            Mismatch::Entry(key, inner) => {
                out.push_str(&format!("has entry `{key}` that "));
                inner.write(schema, out);
            }
            Mismatch::Field(name, inner) => {
                out.push_str(&format!("has field `{name}` that "));
                inner.write(schema, out);
            }
            Mismatch::Lacks { field, record } => {
                out.push_str(&format!("lacks field `{field}` of record {record}, which has no default"));
            }
            Mismatch::EmptyUnion => out.push_str("is given for an empty union, which has no values"),
        }
    }
}

/// What a default of `ty` is, for people.
fn expected(schema: &Schema, ty: TypeId) -> String {
    let t = schema.get(ty);
    match &t.kind {
        Kind::Null => "null".into(),
        Kind::Boolean => "true or false".into(),
        Kind::String if t.logical == Some(Logical::Uuid) => {
            "a uuid such as `123e4567-e89b-12d3-a456-426614174000`".into()
        }
        Kind::String => "a string".into(),
        Kind::Int => "an integer within the range of int".into(),
        Kind::Long => "an integer within the range of long".into(),
        Kind::Float | Kind::Double => "a number".into(),
        Kind::Bytes => "a string of code points 0-255 (one per byte)".into(),
        Kind::Fixed(fixed) => {
            format!("a string of {} code points 0-255 (one per byte of fixed {})", fixed.size, fixed.named.full_name)
        }
        Kind::Enum(e) => format!("one of the symbols of enum {}", e.named.full_name),
        Kind::Array(_) => "an array".into(),
        Kind::Map(_) => "an object (a map)".into(),
        Kind::Union(_) => format!("a value of one of the branches of {}", schema.display(ty)),
        Kind::Record(record) => format!("an object with the fields of record {}", record.named.full_name),
    }
}

/// One check, walking the value as the read plan encodes it: level by level (a union branch, an
/// array item, a map value and a record field each one deeper), a field the value lacks by its
/// default. Each (type, JSON array or object) pair is checked once and remembered, keyed by the
/// value's address (one check borrows one value throughout): hostile unions of records holding
/// the same unions, or records whose defaults hold two of the next, would otherwise take
/// exponential time.
struct Checker<'s> {
    schema: &'s Schema,
    /// Each pair checked: the levels below it, or how it mismatches.
    done: HashMap<(TypeId, usize), Result<u32, Mismatch>>,
    /// The pairs being checked around the current one.
    open: HashSet<(TypeId, usize)>,
    /// The fields (and records) around the current pair whose defaults were taken, innermost last.
    taken: Vec<(&'s str, &'s str)>,
}

impl<'s> Checker<'s> {
    fn new(schema: &'s Schema) -> Self {
        Checker { schema, done: HashMap::new(), open: HashSet::new(), taken: Vec::new() }
    }

    /// The first branch the value matches at `level`, with the levels below it; `None` if none does.
    fn branch(&mut self, branches: &[TypeId], value: &Value, level: u32) -> Result<Option<(usize, u32)>, Fatal> {
        for (position, &branch) in branches.iter().enumerate() {
            match self.check(branch, value, level) {
                Ok(height) => return Ok(Some((position, height))),
                Err(Error::Mismatch(_)) => {}
                Err(Error::Fatal(fatal)) => return Err(fatal),
            }
        }
        Ok(None)
    }

    /// The levels below the value of `ty` at `level`.
    fn check(&mut self, ty: TypeId, value: &Value, level: u32) -> Result<u32, Error> {
        if level > MAX_DEFAULT_DEPTH {
            return Err(Error::Fatal(Fatal::TooDeep));
        }
        // Scalars take constant time, and only arrays and objects lead further.
        if !(value.is_array() || value.is_object()) {
            return self.check_once(ty, value, level);
        }
        let key = (ty, value as *const Value as usize);
        if let Some(done) = self.done.get(&key) {
            return match done {
                Ok(height) if level + height > MAX_DEFAULT_DEPTH => Err(Error::Fatal(Fatal::TooDeep)),
                Ok(height) => Ok(*height),
                Err(mismatch) => Err(Error::Mismatch(mismatch.clone())),
            };
        }
        if !self.open.insert(key) {
            // Only a default taken for a field the value lacks leads back to a value around it.
            let (field, record) = self.taken.last().copied().unwrap_or_default();
            return Err(Error::Fatal(Fatal::Endless { field: field.into(), record: record.into() }));
        }
        let result = self.check_once(ty, value, level);
        self.open.remove(&key);
        match &result {
            Ok(height) => {
                self.done.insert(key, Ok(*height));
            }
            Err(Error::Mismatch(mismatch)) => {
                self.done.insert(key, Err(mismatch.clone()));
            }
            Err(Error::Fatal(_)) => {}
        }
        result
    }

    fn check_once(&mut self, ty: TypeId, value: &Value, level: u32) -> Result<u32, Error> {
        let t = self.schema.get(ty);
        let below = level + 1;
        let bytes = |text: &str| text.chars().all(|c| u32::from(c) <= 0xFF);
        let fits = match (&t.kind, value) {
            (Kind::Null, Value::Null) | (Kind::Boolean, Value::Bool(_)) => true,
            (Kind::String, Value::String(text)) => {
                t.logical != Some(Logical::Uuid) || text.parse::<crate::values::Uuid>().is_ok()
            }
            (Kind::Int, Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            (Kind::Long, Value::Number(n)) => n.as_i64().is_some(),
            (Kind::Float | Kind::Double, Value::Number(_)) => true,
            (Kind::Bytes, Value::String(text)) => bytes(text),
            (Kind::Fixed(fixed), Value::String(text)) => bytes(text) && text.chars().count() as u64 == fixed.size,
            (Kind::Enum(e), Value::String(symbol)) => e.symbol_index(symbol).is_some(),
            (Kind::Array(items), Value::Array(values)) => {
                let mut height = 0;
                for value in values {
                    let below = self.check(*items, value, below).map_err(|e| nest(e, Mismatch::Item))?;
                    height = height.max(below + 1);
                }
                return Ok(height);
            }
            (Kind::Map(values), Value::Object(entries)) => {
                let mut height = 0;
                for (key, value) in entries {
                    let below = self
                        .check(*values, value, below)
                        .map_err(|e| nest(e, |inner| Mismatch::Entry(key.clone(), inner)))?;
                    height = height.max(below + 1);
                }
                return Ok(height);
            }
            (Kind::Union(branches), _) if branches.is_empty() => return Err(Error::Mismatch(Mismatch::EmptyUnion)),
            (Kind::Union(branches), _) => match self.branch(branches, value, below).map_err(Error::Fatal)? {
                Some((_, height)) => return Ok(height + 1),
                None => false,
            },
            (Kind::Record(record), Value::Object(entries)) => {
                let mut height = 0;
                for field in &record.fields {
                    let (value, taken) = match (entries.get(&field.name), &field.default) {
                        (Some(value), _) => (value, false),
                        (None, Some(default)) => (default, true),
                        (None, None) => {
                            let lacks =
                                Mismatch::Lacks { field: field.name.clone(), record: record.named.full_name.clone() };
                            return Err(Error::Mismatch(lacks));
                        }
                    };
                    if taken {
                        self.taken.push((&field.name, &record.named.full_name));
                    }
                    let checked = self.check(field.ty, value, below);
                    if taken {
                        self.taken.pop();
                    }
                    let below = checked.map_err(|e| nest(e, |inner| Mismatch::Field(field.name.clone(), inner)))?;
                    height = height.max(below + 1);
                }
                return Ok(height);
            }
            _ => false,
        };
        if fits {
            Ok(0)
        } else {
            Err(Error::Mismatch(Mismatch::Expected(ty)))
        }
    }
}

/// A mismatch found inside a value, said of the value; a fatal failure stays as it is.
fn nest(error: Error, wrap: impl FnOnce(Box<Mismatch>) -> Mismatch) -> Error {
    match error {
        Error::Mismatch(inner) => Error::Mismatch(wrap(Box::new(inner))),
        fatal => fatal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error parsing a schema whose root record `R` has these fields, or `Ok`.
    fn parse(fields: &str) -> Result<(), String> {
        Schema::parse(&format!(r#"{{"type": "record", "name": "R", "fields": [{fields}]}}"#))
            .map(drop)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_default_of_a_record_inside_itself_is_checked_against_all_its_fields() {
        // Once accepted: while `R` was being read it had no fields yet, so any object matched it.
        let error =
            parse(r#"{"name": "id", "type": "int"}, {"name": "next", "type": ["R", "null"], "default": {"zzz": 1}}"#);
        assert_eq!(
            error.unwrap_err(),
            "invalid Avro schema at record R, field next: default `{\"zzz\":1}` does not match the field's type: expected a value of one of the branches of union[record R, null]"
        );
        assert_eq!(
            parse(
                r#"{"name": "id", "type": "int"}, {"name": "next", "type": ["R", "null"], "default": {"id": 1, "next": null}}"#
            ),
            Ok(())
        );
    }

    #[test]
    fn a_default_with_a_wrongly_typed_nested_field_is_refused() {
        let children = r#"{"name": "id", "type": "int"}, {"name": "children", "type": {"type": "array", "items": "R"}, "default": DEFAULT}"#;
        let with = |default: &str| parse(&children.replace("DEFAULT", default));
        assert_eq!(with(r#"[{"id": 1, "children": [{"id": 2, "children": []}]}]"#), Ok(()));
        assert_eq!(
            with(r#"[{"id": 1, "children": [{"id": "2", "children": []}]}]"#).unwrap_err(),
            "invalid Avro schema at record R, field children: default `[{\"children\":[{\"children\":[],\"id\":\"2\"}],\"id\":1}]` has an item that has field `children` that has an item that has field `id` that does not match the field's type: expected an integer within the range of int"
        );
        // A nested record defined in the field itself, with a field of the wrong type.
        let error = parse(
            r#"{"name": "in", "type": {"type": "record", "name": "In", "fields": [{"name": "back", "type": ["null", "R"]}]},
                "default": {"back": {"in": {"back": null}, "extra": 0, "n": "x"}}}, {"name": "n", "type": "int", "default": 0}"#,
        );
        assert!(error.unwrap_err().ends_with("has field `back` that does not match the field's type: expected a value of one of the branches of union[null, record R]"));
    }

    #[test]
    fn a_default_that_fills_itself_from_itself_never_ends() {
        // `{"zzz": 1}` lacks `next`, whose default is `{"zzz": 1}`, which lacks `next`...
        assert_eq!(
            parse(r#"{"name": "next", "type": ["R", "null"], "default": {"zzz": 1}}"#).unwrap_err(),
            "invalid Avro schema at record R, field next: default `{\"zzz\":1}` never ends: it lacks field `next` of record R, whose default leads back to it"
        );
        // Leaving out a field whose default ends is fine.
        let inner = r#"{"type": "record", "name": "In", "fields": [{"name": "a", "type": "int", "default": 3}]}"#;
        assert_eq!(parse(&format!(r#"{{"name": "in", "type": {inner}, "default": {{}}}}"#)), Ok(()));
    }

    #[test]
    fn a_uuid_default_is_a_uuid() {
        let uuid = |default: &str| {
            parse(&format!(
                r#"{{"name": "id", "type": {{"type": "string", "logicalType": "uuid"}}, "default": {default}}}"#
            ))
        };
        assert_eq!(uuid(r#""123e4567-e89b-12d3-a456-426614174000""#), Ok(()));
        assert_eq!(
            uuid(r#""not-a-uuid""#).unwrap_err(),
            "invalid Avro schema at record R, field id: default `\"not-a-uuid\"` does not match the field's type: expected a uuid such as `123e4567-e89b-12d3-a456-426614174000`"
        );
    }

    #[test]
    fn defaults_nest_as_deep_as_the_read_plan_encodes_them() {
        // Record k holds record k - 1, defaulting to {}: the default of the last one takes the
        // defaults of all the others, one level each.
        let chain = |records: usize| {
            let mut types =
                vec![r#"{"type": "record", "name": "D0", "fields": [{"name": "v", "type": "int", "default": 0}]}"#
                    .to_string()];
            for k in 1..records {
                let previous = k - 1;
                types.push(format!(
                    r#"{{"type": "record", "name": "D{k}", "fields": [{{"name": "a", "type": "D{previous}", "default": {{}}}}]}}"#
                ));
            }
            Schema::parse(&format!("[{}]", types.join(","))).map(drop).map_err(|e| e.to_string())
        };
        assert_eq!(chain(MAX_DEFAULT_DEPTH as usize + 1), Ok(()));
        // Arrays in arrays: one level each.
        let nested = |levels: usize| {
            let ty = (0..levels).fold(r#""int""#.to_string(), |t, _| format!(r#"{{"type": "array", "items": {t}}}"#));
            let default = (0..levels).fold("1".to_string(), |d, _| format!("[{d}]"));
            parse(&format!(r#"{{"name": "deep", "type": {ty}, "default": {default}}}"#))
        };
        assert_eq!(nested(MAX_DEFAULT_DEPTH as usize), Ok(()));
        assert!(nested(MAX_DEFAULT_DEPTH as usize + 1).unwrap_err().ends_with("nests more than 256 levels of records, arrays, maps and unions (counting the defaults of the fields it lacks)"));
        assert_eq!(
            chain(MAX_DEFAULT_DEPTH as usize + 2).unwrap_err(),
            "invalid Avro schema at record D257, field a: default `{}` nests more than 256 levels of records, arrays, maps and unions (counting the defaults of the fields it lacks)"
        );
    }

    #[test]
    fn hostile_unions_and_doubling_defaults_take_linear_time() {
        // A.x and B.x both hold [A, B]: a default 100 levels deep that fails at the bottom once
        // tried 2^100 branch combinations.
        let schema = r#"{"type": "record", "name": "R", "fields": [{"name": "x", "type": [
            {"type": "record", "name": "A", "fields": [{"name": "x", "type": ["A",
                {"type": "record", "name": "B", "fields": [{"name": "x", "type": ["A", "B"]}]}]}]},
            "B"], "default": DEFAULT}]}"#;
        let default = (0..100).fold("5".to_string(), |d, _| format!(r#"{{"x": {d}}}"#));
        let error = Schema::parse(&schema.replace("DEFAULT", &default)).unwrap_err().to_string();
        assert!(error.contains("expected a value of one of the branches of union[record A, record B]"), "{error}");
        // Record k holds two of record k - 1, each defaulting to {}: the defaults expand to 2^60 values.
        let mut types =
            vec![r#"{"type": "record", "name": "D0", "fields": [{"name": "v", "type": "int", "default": 0}]}"#
                .to_string()];
        for k in 1..=60 {
            let previous = k - 1;
            types.push(format!(
                r#"{{"type": "record", "name": "D{k}", "fields": [{{"name": "a", "type": "D{previous}", "default": {{}}}}, {{"name": "b", "type": "D{previous}", "default": {{}}}}]}}"#
            ));
        }
        assert!(Schema::parse(&format!("[{}]", types.join(","))).is_ok());
    }

    #[test]
    fn the_branch_a_union_default_stands_for_is_the_first_it_matches() {
        let schema =
            Schema::parse(r#"["null", "string", "long", "double", {"type": "array", "items": "int"}]"#).unwrap();
        let root = schema.root();
        for (default, branch) in
            [("null", Some(0)), (r#""x""#, Some(1)), ("7", Some(2)), ("7.5", Some(3)), ("[1]", Some(4)), ("true", None)]
        {
            let value: Value = serde_json::from_str(default).unwrap();
            assert_eq!(schema.default_branch(root, &value), branch, "{default}");
        }
    }
}
