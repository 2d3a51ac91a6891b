//! Reading data written with another (older or newer) schema of a product.
//!
//! A [`Plan`] is built once per file from the writer's schema and the
//! product's schema, following the Avro specification's resolution rules:
//! fields matched by name or reader alias (in any order), writer fields the
//! reader lacks skipped, reader fields the writer lacks filled from their
//! defaults, promotions int -> long -> float -> double and string <-> bytes,
//! enum symbols mapped by name (unknown ones to the reader's default), union
//! branches matched, and records and enums matched by name or alias.
//!
//! Per record, the plan re-encodes the writer's bytes in the reader's layout
//! and the product's generated decoder reads the result: one straight pass,
//! with no dynamic value in between. When the two schemas encode identically
//! the plan says so ([`Plan::is_identity`]) and the reader skips it.

use std::collections::HashMap;

use apache_avro::schema::{Name, RecordSchema, ResolvedSchema, Schema, UuidSchema};
use serde_json::Value as Json;

use super::decode::Reader;
use super::encode::{write_boolean, write_bytes, write_double, write_float, write_long};
use super::error::{DecodeError, DecodeErrorKind};

/// Schemas nested deeper than this are refused (recursive schemas are not resolved).
const MAX_PLAN_DEPTH: u32 = 64;

/// How to read data of a writer schema as a reader schema, planned once.
#[derive(Debug, Clone)]
pub struct Plan {
    root: Node,
    identity: bool,
}

/// The writer and reader schemas cannot be resolved; the message names the field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError(pub String);

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ResolveError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prim {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Fixed(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Logical {
    None,
    Decimal { scale: usize },
    Uuid,
    Other(&'static str),
}

#[derive(Debug, Clone)]
enum Node {
    /// The value is copied as it is.
    Copy(Prim),
    IntToLong,
    IntToFloat,
    IntToDouble,
    LongToFloat,
    LongToDouble,
    FloatToDouble,
    /// Writer symbol index -> reader symbol index, or the unknown symbol.
    Enum(Vec<Result<i64, String>>),
    Array(Box<Node>),
    Map(Box<Node>),
    Record(Box<RecordPlan>),
    /// Writer union branch -> reader branch and how to read it (None: no reader branch fits).
    UnionToUnion(Vec<Option<(i64, Node)>>),
    /// Writer union, reader not a union.
    UnionToValue(Vec<Option<Node>>),
    /// Writer not a union, reader union branch.
    ValueToUnion(i64, Box<Node>),
}

#[derive(Debug, Clone)]
struct RecordPlan {
    /// In writer order.
    steps: Vec<Step>,
    /// In reader order.
    sources: Vec<Source>,
    /// Whether the read fields come in reader order, so output can be written straight through.
    in_order: bool,
}

#[derive(Debug, Clone)]
enum Step {
    Read { slot: usize, node: Node },
    Skip(Skip),
}

#[derive(Debug, Clone)]
enum Source {
    Slot,
    Default(Vec<u8>),
}

#[derive(Debug, Clone)]
enum Skip {
    Nothing,
    Boolean,
    Varint,
    Bytes(usize),
    Sized,
    Array(Box<Skip>),
    Map(Box<Skip>),
    Union(Vec<Skip>),
    Record(Vec<Skip>),
}

impl Plan {
    /// Plans reading data written with `writer` as `reader`.
    ///
    /// # Errors
    /// The schemas are incompatible: the message names the field and the rule.
    pub fn new(writer: &Schema, reader: &Schema) -> Result<Self, ResolveError> {
        let names = |schema| {
            ResolvedSchema::try_from(schema)
                .map(|resolved| resolved.get_names().iter().map(|(n, s)| (n.clone(), *s)).collect::<HashMap<_, _>>())
                .map_err(|e| ResolveError(format!("the schema does not resolve: {e}")))
        };
        let mut builder =
            Builder { writer_names: names(writer)?, reader_names: names(reader)?, identity: true, depth: 0 };
        let root = builder.node(writer, reader, "").map_err(ResolveError)?;
        Ok(Self { root, identity: builder.identity })
    }

    /// Whether data of the writer schema decodes as the reader schema with no change.
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// Re-encodes one writer value from `input` in the reader's layout, appending to `out`.
    ///
    /// # Errors
    /// The writer data is corrupt, or holds a value the reader cannot represent
    /// (an unknown enum symbol without default, a union branch with no match).
    pub fn transcode(&self, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        transcode(&self.root, input, out)
    }
}

struct Builder<'s> {
    writer_names: HashMap<Name, &'s Schema>,
    reader_names: HashMap<Name, &'s Schema>,
    identity: bool,
    depth: u32,
}

fn prim(schema: &Schema) -> Option<(Prim, Logical)> {
    use Logical::{Other, Uuid};
    Some(match schema {
        Schema::Null => (Prim::Null, Logical::None),
        Schema::Boolean => (Prim::Boolean, Logical::None),
        Schema::Int => (Prim::Int, Logical::None),
        Schema::Long => (Prim::Long, Logical::None),
        Schema::Float => (Prim::Float, Logical::None),
        Schema::Double => (Prim::Double, Logical::None),
        Schema::Bytes => (Prim::Bytes, Logical::None),
        Schema::String => (Prim::String, Logical::None),
        Schema::Decimal(d) => match &d.inner {
            apache_avro::schema::InnerDecimalSchema::Bytes => (Prim::Bytes, Logical::Decimal { scale: d.scale }),
            apache_avro::schema::InnerDecimalSchema::Fixed(f) => {
                (Prim::Fixed(f.size), Logical::Decimal { scale: d.scale })
            }
        },
        Schema::BigDecimal => (Prim::Bytes, Other("big-decimal")),
        Schema::Uuid(UuidSchema::String) => (Prim::String, Uuid),
        Schema::Uuid(UuidSchema::Bytes) => (Prim::Bytes, Uuid),
        Schema::Uuid(UuidSchema::Fixed(f)) => (Prim::Fixed(f.size), Uuid),
        Schema::Date => (Prim::Int, Other("date")),
        Schema::TimeMillis => (Prim::Int, Other("time-millis")),
        Schema::TimeMicros => (Prim::Long, Other("time-micros")),
        Schema::TimestampMillis => (Prim::Long, Other("timestamp-millis")),
        Schema::TimestampMicros => (Prim::Long, Other("timestamp-micros")),
        Schema::TimestampNanos => (Prim::Long, Other("timestamp-nanos")),
        Schema::LocalTimestampMillis => (Prim::Long, Other("local-timestamp-millis")),
        Schema::LocalTimestampMicros => (Prim::Long, Other("local-timestamp-micros")),
        Schema::LocalTimestampNanos => (Prim::Long, Other("local-timestamp-nanos")),
        Schema::Duration(_) => (Prim::Fixed(12), Other("duration")),
        Schema::Fixed(f) => (Prim::Fixed(f.size), Logical::None),
        _ => return None,
    })
}

fn describe(schema: &Schema) -> String {
    match schema {
        Schema::Record(r) => format!("record {}", r.name.name()),
        Schema::Enum(e) => format!("enum {}", e.name.name()),
        Schema::Fixed(f) => format!("fixed {}", f.name.name()),
        Schema::Array(_) => "array".into(),
        Schema::Map(_) => "map".into(),
        Schema::Union(_) => "union".into(),
        other => match prim(other) {
            Some((_, Logical::Decimal { scale })) => format!("decimal (scale {scale})"),
            Some((_, Logical::Uuid)) => "uuid".into(),
            Some((_, Logical::Other(name))) => name.into(),
            Some((p, Logical::None)) => format!("{p:?}").to_lowercase(),
            None => "an unsupported type".into(),
        },
    }
}

fn names_match(writer: &Name, reader: &Name, reader_aliases: Option<&Vec<apache_avro::schema::Alias>>) -> bool {
    // The specification matches named types by unqualified name, or by the reader's aliases.
    writer.name() == reader.name()
        || reader_aliases.is_some_and(|aliases| aliases.iter().any(|a| a.name() == writer.name()))
}

fn at(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

impl<'s> Builder<'s> {
    fn deref(&self, schema: &'s Schema, writer: bool) -> Result<&'s Schema, String> {
        match schema {
            Schema::Ref { name } => {
                let names = if writer { &self.writer_names } else { &self.reader_names };
                names.get(name).copied().ok_or_else(|| format!("the type `{}` is not defined", name.fullname(None)))
            }
            other => Ok(other),
        }
    }

    /// Plans `writer` as `reader` without changing the identity flag (for trying union branches).
    fn attempt(&mut self, writer: &'s Schema, reader: &'s Schema, path: &str) -> Option<(Node, bool)> {
        let saved = std::mem::replace(&mut self.identity, true);
        let result = self.node(writer, reader, path).ok().map(|node| (node, self.identity));
        self.identity = saved;
        result
    }

    /// The reader union branch for a writer value: the first of the same kind, else the first that resolves.
    fn branch(&mut self, writer: &'s Schema, branches: &'s [Schema], path: &str) -> Option<(i64, Node, bool)> {
        let writer_kind = self.deref(writer, true).ok().map(std::mem::discriminant);
        let same_kind = branches
            .iter()
            .position(|b| self.deref(b, false).ok().map(std::mem::discriminant) == writer_kind)
            .and_then(|i| self.attempt(writer, &branches[i], path).map(|(node, same)| (i as i64, node, same)));
        same_kind.or_else(|| {
            branches
                .iter()
                .enumerate()
                .find_map(|(i, b)| self.attempt(writer, b, path).map(|(node, same)| (i as i64, node, same)))
        })
    }

    fn node(&mut self, writer: &'s Schema, reader: &'s Schema, path: &str) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_PLAN_DEPTH {
            return Err(format!("{path}: the schema nests too deeply (recursive schemas are not resolved)"));
        }
        let result = self.node_inner(writer, reader, path);
        self.depth -= 1;
        result
    }

    fn node_inner(&mut self, writer: &'s Schema, reader: &'s Schema, path: &str) -> Result<Node, String> {
        let writer = self.deref(writer, true)?;
        let reader = self.deref(reader, false)?;
        let mismatch = || {
            format!(
                "{}: the writer's {} cannot be read as {}",
                if path.is_empty() { "the record" } else { path },
                describe(writer),
                describe(reader)
            )
        };
        match (writer, reader) {
            (Schema::Union(w), Schema::Union(r)) => {
                let mut same = w.variants().len() == r.variants().len();
                let mut branches = Vec::new();
                for (i, variant) in w.variants().iter().enumerate() {
                    let found = self.branch(variant, r.variants(), path);
                    same &= matches!(&found, Some((index, _, true)) if *index == i as i64);
                    branches.push(found.map(|(index, node, _)| (index, node)));
                }
                if branches.iter().all(Option::is_none) {
                    return Err(mismatch());
                }
                self.identity &= same;
                Ok(Node::UnionToUnion(branches))
            }
            (Schema::Union(w), _) => {
                self.identity = false;
                let branches: Vec<_> =
                    w.variants().iter().map(|v| self.attempt(v, reader, path).map(|(node, _)| node)).collect();
                if branches.iter().all(Option::is_none) {
                    return Err(mismatch());
                }
                Ok(Node::UnionToValue(branches))
            }
            (_, Schema::Union(r)) => {
                self.identity = false;
                let (index, node, _) = self.branch(writer, r.variants(), path).ok_or_else(mismatch)?;
                Ok(Node::ValueToUnion(index, Box::new(node)))
            }
            (Schema::Record(w), Schema::Record(r)) => {
                if !names_match(&w.name, &r.name, r.aliases.as_ref()) {
                    return Err(format!(
                        "{}: the writer's record `{}` is not the reader's `{}` (nor one of its aliases)",
                        if path.is_empty() { "the file" } else { path },
                        w.name.name(),
                        r.name.name()
                    ));
                }
                self.record(w, r, path)
            }
            (Schema::Enum(w), Schema::Enum(r)) => {
                if !names_match(&w.name, &r.name, r.aliases.as_ref()) {
                    return Err(mismatch());
                }
                let default = r.default.as_ref().and_then(|d| r.symbols.iter().position(|s| s == d));
                let mapping: Vec<_> = w
                    .symbols
                    .iter()
                    .map(|symbol| match r.symbols.iter().position(|s| s == symbol).or(default) {
                        Some(index) => Ok(index as i64),
                        None => Err(symbol.clone()),
                    })
                    .collect();
                self.identity &= mapping.iter().enumerate().all(|(i, m)| *m == Ok(i as i64));
                Ok(Node::Enum(mapping))
            }
            (Schema::Array(w), Schema::Array(r)) => {
                Ok(Node::Array(Box::new(self.node(&w.items, &r.items, &format!("{path}[]"))?)))
            }
            (Schema::Map(w), Schema::Map(r)) => {
                Ok(Node::Map(Box::new(self.node(&w.types, &r.types, &format!("{path}{{}}"))?)))
            }
            _ => {
                let ((w, wl), (r, rl)) = prim(writer).zip(prim(reader)).ok_or_else(mismatch)?;
                let logical_ok = match (&wl, &rl) {
                    (Logical::None, _) | (_, Logical::None) => true,
                    (Logical::Decimal { scale: a }, Logical::Decimal { scale: b }) => a == b,
                    (a, b) => a == b,
                };
                if !logical_ok {
                    return Err(mismatch());
                }
                if let (Schema::Fixed(wf), Schema::Fixed(rf)) = (writer, reader) {
                    if !names_match(&wf.name, &rf.name, rf.aliases.as_ref()) {
                        return Err(mismatch());
                    }
                }
                let node = match (w, r) {
                    (a, b) if a == b => Node::Copy(a),
                    // Same bytes on the wire; the reader's decoder checks UTF-8.
                    (Prim::String, Prim::Bytes) | (Prim::Bytes, Prim::String) => Node::Copy(Prim::Bytes),
                    (Prim::Int, Prim::Long) => Node::IntToLong,
                    (Prim::Int, Prim::Float) => Node::IntToFloat,
                    (Prim::Int, Prim::Double) => Node::IntToDouble,
                    (Prim::Long, Prim::Float) => Node::LongToFloat,
                    (Prim::Long, Prim::Double) => Node::LongToDouble,
                    (Prim::Float, Prim::Double) => Node::FloatToDouble,
                    _ => return Err(mismatch()),
                };
                if !matches!(node, Node::Copy(_)) {
                    self.identity = false;
                }
                Ok(node)
            }
        }
    }

    fn record(&mut self, w: &'s RecordSchema, r: &'s RecordSchema, path: &str) -> Result<Node, String> {
        let mut taken = vec![false; r.fields.len()];
        let mut steps = Vec::with_capacity(w.fields.len());
        let mut slots_in_order = Vec::new();
        for field in &w.fields {
            let matched = r
                .fields
                .iter()
                .enumerate()
                .position(|(i, rf)| !taken[i] && (rf.name == field.name || rf.aliases.contains(&field.name)));
            match matched {
                Some(slot) => {
                    taken[slot] = true;
                    let node = self.node(&field.schema, &r.fields[slot].schema, &at(path, &r.fields[slot].name))?;
                    slots_in_order.push(slot);
                    steps.push(Step::Read { slot, node });
                }
                None => steps.push(Step::Skip(self.skip(&field.schema, 0)?)),
            }
        }
        let mut sources = Vec::with_capacity(r.fields.len());
        for (i, field) in r.fields.iter().enumerate() {
            if taken[i] {
                sources.push(Source::Slot);
                continue;
            }
            let default = field.default.as_ref().ok_or_else(|| {
                format!(
                    "{}: the writer's data has no such field and the product declares no default for it; add #[avro(default = ...)] or an alias naming the writer's field",
                    at(path, &field.name)
                )
            })?;
            let mut bytes = Vec::new();
            self.encode_default(&field.schema, default, &mut bytes, &at(path, &field.name), 0)?;
            sources.push(Source::Default(bytes));
        }
        let in_order = slots_in_order.windows(2).all(|pair| pair[0] < pair[1]);
        let same_layout = w.fields.len() == r.fields.len()
            && steps.iter().enumerate().all(|(i, step)| matches!(step, Step::Read { slot, .. } if *slot == i));
        self.identity &= same_layout;
        Ok(Node::Record(Box::new(RecordPlan { steps, sources, in_order })))
    }

    fn skip(&self, writer: &'s Schema, depth: u32) -> Result<Skip, String> {
        if depth > MAX_PLAN_DEPTH {
            return Err("a removed field's schema nests too deeply (recursive schemas are not resolved)".into());
        }
        let writer = self.deref(writer, true)?;
        Ok(match writer {
            Schema::Record(r) => {
                Skip::Record(r.fields.iter().map(|f| self.skip(&f.schema, depth + 1)).collect::<Result<_, _>>()?)
            }
            Schema::Enum(_) => Skip::Varint,
            Schema::Array(a) => Skip::Array(Box::new(self.skip(&a.items, depth + 1)?)),
            Schema::Map(m) => Skip::Map(Box::new(self.skip(&m.types, depth + 1)?)),
            Schema::Union(u) => {
                Skip::Union(u.variants().iter().map(|v| self.skip(v, depth + 1)).collect::<Result<_, _>>()?)
            }
            other => match prim(other) {
                Some((Prim::Null, _)) => Skip::Nothing,
                Some((Prim::Boolean, _)) => Skip::Boolean,
                Some((Prim::Int | Prim::Long, _)) => Skip::Varint,
                Some((Prim::Float, _)) => Skip::Bytes(4),
                Some((Prim::Double, _)) => Skip::Bytes(8),
                Some((Prim::Bytes | Prim::String, _)) => Skip::Sized,
                Some((Prim::Fixed(n), _)) => Skip::Bytes(n),
                None => return Err(format!("cannot skip {}", describe(other))),
            },
        })
    }

    /// The Avro binary encoding of a JSON default for a reader schema.
    fn encode_default(
        &self,
        schema: &'s Schema,
        value: &Json,
        out: &mut Vec<u8>,
        path: &str,
        depth: u32,
    ) -> Result<(), String> {
        let bad = || format!("{path}: the default {value} does not fit the field's type {}", describe(schema));
        if depth > MAX_PLAN_DEPTH {
            return Err(bad());
        }
        let schema = self.deref(schema, false)?;
        match schema {
            Schema::Union(u) => {
                // A union's default is a value of one branch: the first, or (Avro 1.12) any that fits.
                for (i, variant) in u.variants().iter().enumerate() {
                    let mut bytes = Vec::new();
                    write_long(&mut bytes, i as i64);
                    if self.encode_default(variant, value, &mut bytes, path, depth + 1).is_ok() {
                        out.extend_from_slice(&bytes);
                        return Ok(());
                    }
                }
                Err(bad())
            }
            Schema::Record(r) => {
                let object = value.as_object().ok_or_else(bad)?;
                for field in &r.fields {
                    let field_value = object.get(&field.name).or(field.default.as_ref()).ok_or_else(bad)?;
                    self.encode_default(&field.schema, field_value, out, &at(path, &field.name), depth + 1)?;
                }
                Ok(())
            }
            Schema::Enum(e) => {
                let symbol = value.as_str().ok_or_else(bad)?;
                let index = e.symbols.iter().position(|s| s == symbol).ok_or_else(bad)?;
                write_long(out, index as i64);
                Ok(())
            }
            Schema::Array(a) => {
                let items = value.as_array().ok_or_else(bad)?;
                if !items.is_empty() {
                    write_long(out, items.len() as i64);
                    for item in items {
                        self.encode_default(&a.items, item, out, path, depth + 1)?;
                    }
                }
                out.push(0);
                Ok(())
            }
            Schema::Map(m) => {
                let entries = value.as_object().ok_or_else(bad)?;
                if !entries.is_empty() {
                    write_long(out, entries.len() as i64);
                    for (key, item) in entries {
                        write_bytes(out, key.as_bytes());
                        self.encode_default(&m.types, item, out, path, depth + 1)?;
                    }
                }
                out.push(0);
                Ok(())
            }
            other => {
                let (prim, logical) = prim(other).ok_or_else(bad)?;
                match prim {
                    Prim::Null => value.is_null().then_some(()).ok_or_else(bad),
                    Prim::Boolean => {
                        write_boolean(out, value.as_bool().ok_or_else(bad)?);
                        Ok(())
                    }
                    Prim::Int => {
                        let n = value.as_i64().filter(|n| i32::try_from(*n).is_ok()).ok_or_else(bad)?;
                        write_long(out, n);
                        Ok(())
                    }
                    Prim::Long => {
                        write_long(out, value.as_i64().ok_or_else(bad)?);
                        Ok(())
                    }
                    Prim::Float => {
                        write_float(out, value.as_f64().ok_or_else(bad)? as f32);
                        Ok(())
                    }
                    Prim::Double => {
                        write_double(out, value.as_f64().ok_or_else(bad)?);
                        Ok(())
                    }
                    Prim::String => {
                        let text = value.as_str().ok_or_else(bad)?;
                        if logical == Logical::Uuid && text.parse::<crate::Uuid>().is_err() {
                            return Err(bad());
                        }
                        write_bytes(out, text.as_bytes());
                        Ok(())
                    }
                    Prim::Bytes | Prim::Fixed(_) => {
                        // JSON encodes bytes as a string of code points 0-255.
                        let text = value.as_str().ok_or_else(bad)?;
                        let bytes = text
                            .chars()
                            .map(|c| u8::try_from(u32::from(c)).ok())
                            .collect::<Option<Vec<u8>>>()
                            .ok_or_else(bad)?;
                        match prim {
                            Prim::Fixed(n) if bytes.len() != n => Err(bad()),
                            Prim::Fixed(_) => {
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
    }
}

fn copy_varint(input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    let before = input.rest();
    input.read_long()?;
    out.extend_from_slice(&before[..before.len() - input.remaining()]);
    Ok(())
}

fn transcode(node: &Node, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    match node {
        Node::Copy(prim) => match prim {
            Prim::Null => Ok(()),
            Prim::Boolean => {
                write_boolean(out, input.read_boolean()?);
                Ok(())
            }
            Prim::Int | Prim::Long => copy_varint(input, out),
            Prim::Float => {
                out.extend_from_slice(input.take(4)?);
                Ok(())
            }
            Prim::Double => {
                out.extend_from_slice(input.take(8)?);
                Ok(())
            }
            Prim::Bytes | Prim::String => {
                let before = input.rest();
                let len = input.read_len()?;
                input.take(len)?;
                out.extend_from_slice(&before[..before.len() - input.remaining()]);
                Ok(())
            }
            Prim::Fixed(n) => {
                out.extend_from_slice(input.take(*n)?);
                Ok(())
            }
        },
        Node::IntToLong => copy_varint(input, out),
        Node::IntToFloat => {
            write_float(out, input.read_int()? as f32);
            Ok(())
        }
        Node::IntToDouble => {
            write_double(out, f64::from(input.read_int()?));
            Ok(())
        }
        Node::LongToFloat => {
            write_float(out, input.read_long()? as f32);
            Ok(())
        }
        Node::LongToDouble => {
            write_double(out, input.read_long()? as f64);
            Ok(())
        }
        Node::FloatToDouble => {
            write_double(out, f64::from(input.read_float()?));
            Ok(())
        }
        Node::Enum(mapping) => {
            let index = input.read_enum_index(mapping.len())?;
            match &mapping[index] {
                Ok(reader_index) => {
                    write_long(out, *reader_index);
                    Ok(())
                }
                Err(symbol) => Err(input.error(DecodeErrorKind::UnknownSymbol(symbol.clone()))),
            }
        }
        Node::Array(item) => {
            while let Some(count) = input.read_block_count()? {
                write_long(out, count as i64);
                for _ in 0..count {
                    transcode(item, input, out)?;
                }
            }
            out.push(0);
            Ok(())
        }
        Node::Map(value) => {
            while let Some(count) = input.read_block_count()? {
                write_long(out, count as i64);
                for _ in 0..count {
                    transcode(&Node::Copy(Prim::String), input, out)?;
                    transcode(value, input, out)?;
                }
            }
            out.push(0);
            Ok(())
        }
        Node::Record(plan) => {
            input.enter()?;
            if plan.in_order {
                record_in_order(plan, input, out)?;
            } else {
                record_reordered(plan, input, out)?;
            }
            input.leave();
            Ok(())
        }
        Node::UnionToUnion(branches) => {
            let index = input.read_union_index(branches.len())?;
            match &branches[index] {
                Some((reader_index, node)) => {
                    write_long(out, *reader_index);
                    transcode(node, input, out)
                }
                None => Err(input.error(DecodeErrorKind::UnmatchedBranch(index as i64))),
            }
        }
        Node::UnionToValue(branches) => {
            let index = input.read_union_index(branches.len())?;
            match &branches[index] {
                Some(node) => transcode(node, input, out),
                None => Err(input.error(DecodeErrorKind::UnmatchedBranch(index as i64))),
            }
        }
        Node::ValueToUnion(index, node) => {
            write_long(out, *index);
            transcode(node, input, out)
        }
    }
}

fn record_in_order(plan: &RecordPlan, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    let mut sources = plan.sources.iter();
    for step in &plan.steps {
        match step {
            Step::Read { node, .. } => {
                // Defaults of reader fields that come before this one.
                for source in sources.by_ref() {
                    match source {
                        Source::Default(bytes) => out.extend_from_slice(bytes),
                        Source::Slot => break,
                    }
                }
                transcode(node, input, out)?;
            }
            Step::Skip(skip) => skip_value(skip, input)?,
        }
    }
    for source in sources {
        if let Source::Default(bytes) = source {
            out.extend_from_slice(bytes);
        }
    }
    Ok(())
}

fn record_reordered(plan: &RecordPlan, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    let mut parts: Vec<Vec<u8>> = vec![Vec::new(); plan.sources.len()];
    for step in &plan.steps {
        match step {
            Step::Read { slot, node } => transcode(node, input, &mut parts[*slot])?,
            Step::Skip(skip) => skip_value(skip, input)?,
        }
    }
    for (source, part) in plan.sources.iter().zip(&parts) {
        match source {
            Source::Default(bytes) => out.extend_from_slice(bytes),
            Source::Slot => out.extend_from_slice(part),
        }
    }
    Ok(())
}

fn skip_value(skip: &Skip, input: &mut Reader<'_>) -> Result<(), DecodeError> {
    match skip {
        Skip::Nothing => Ok(()),
        Skip::Boolean => input.read_boolean().map(drop),
        Skip::Varint => input.read_long().map(drop),
        Skip::Bytes(n) => input.take(*n).map(drop),
        Skip::Sized => input.read_slice().map(drop),
        Skip::Array(item) => {
            while let Some(count) = input.read_block_count()? {
                for _ in 0..count {
                    skip_value(item, input)?;
                }
            }
            Ok(())
        }
        Skip::Map(value) => {
            while let Some(count) = input.read_block_count()? {
                for _ in 0..count {
                    input.read_slice()?;
                    skip_value(value, input)?;
                }
            }
            Ok(())
        }
        Skip::Union(branches) => {
            let index = input.read_union_index(branches.len())?;
            skip_value(&branches[index], input)
        }
        Skip::Record(fields) => {
            input.enter()?;
            for field in fields {
                skip_value(field, input)?;
            }
            input.leave();
            Ok(())
        }
    }
}
