//! Reading data written with another (older or newer) schema of a product.
//!
//! A [`Plan`] is built once per file from the writer's schema and the
//! product's schema, both parsed into the [`crate::compat`] model, with the
//! very rules the schema-evolution check applies (one function per rule,
//! shared): fields matched by name or reader alias (in any order), writer
//! fields the reader lacks skipped, reader fields the writer lacks filled
//! from their defaults, promotions int -> long -> float -> double and
//! string <-> bytes, enum symbols mapped by name (unknown ones to the
//! reader's default), union branches selected, and named types matched by
//! unqualified name or reader alias.
//!
//! Plan nodes live in an arena; the node of a (writer record, reader record)
//! pair is built once and referenced from every use, so recursive types
//! (a tree whose nodes hold their children) have finite plans. Data nesting
//! stays bounded at run time: every record entered counts against
//! [`MAX_DEPTH`](super::MAX_DEPTH), as in the generated decoders, so hostile
//! nesting is an error, not a stack overflow.
//!
//! Per record, the plan re-encodes the writer's bytes in the reader's layout
//! and the product's generated decoder reads the result: one straight pass,
//! with no dynamic value in between. When the two schemas encode identically
//! the plan says so ([`Plan::is_identity`]) and the reader skips it.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::decode::{Reader, MAX_DEPTH};
use super::encode::{write_boolean, write_bytes, write_double, write_float, write_long};
use super::error::{DecodeError, DecodeErrorKind};
use crate::compat::resolve::{
    best_match, fixed_sizes_match, logical_change, matches, missing_field_default, read_symbol, writer_field,
    SymbolRead,
};
use crate::compat::{Kind, Logical, Schema, TypeId};

/// How to read data of a writer schema as a reader schema, planned once.
#[derive(Debug, Clone)]
pub struct Plan {
    nodes: Vec<Node>,
    skips: Vec<Skip>,
    root: NodeId,
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

/// Index of a node in [`Plan::nodes`].
type NodeId = usize;
/// Index of a skip in [`Plan::skips`].
type SkipId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prim {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    Fixed(usize),
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
    Enum(Box<[Result<i64, String>]>),
    Array(NodeId),
    Map(NodeId),
    Record(Box<RecordPlan>),
    /// Writer union branch -> reader branch and how to read it (None: no reader branch fits).
    UnionToUnion(Box<[Option<(i64, NodeId)>]>),
    /// Writer union, reader not a union.
    UnionToValue(Box<[Option<NodeId>]>),
    /// Writer not a union, reader union branch.
    ValueToUnion(i64, NodeId),
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
    Read { slot: usize, node: NodeId },
    Skip(SkipId),
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
    Array(SkipId),
    Map(SkipId),
    Union(Box<[SkipId]>),
    Record(Box<[SkipId]>),
}

impl Plan {
    /// Plans reading data written with `writer` as `reader`.
    ///
    /// # Errors
    /// The schemas are incompatible: the message names the field and the rule.
    pub fn new(writer: &Schema, reader: &Schema) -> Result<Self, ResolveError> {
        let mut builder = Builder {
            ws: writer,
            rs: reader,
            nodes: Vec::new(),
            records: HashMap::new(),
            built: Vec::new(),
            skips: Vec::new(),
            skip_records: HashMap::new(),
        };
        let root = builder.node(writer.root(), reader.root(), "").map_err(ResolveError)?;
        let identity = identity(&builder.nodes)[root];
        Ok(Self { nodes: builder.nodes, skips: builder.skips, root, identity })
    }

    /// Plans reading data of the writer's Avro JSON schema as the reader's.
    ///
    /// # Errors
    /// Either text is not a valid Avro schema, or as [`Plan::new`].
    pub fn from_json(writer: &str, reader: &str) -> Result<Self, ResolveError> {
        let parse = |side: &str, text| {
            Schema::parse(text).map_err(|e| ResolveError(format!("the {side}'s schema is not valid: {e}")))
        };
        Self::new(&parse("writer", writer)?, &parse("reader", reader)?)
    }

    /// Whether data of the writer schema decodes as the reader schema with no change.
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// Re-encodes one writer value from `input` in the reader's layout, appending to `out`.
    ///
    /// # Errors
    /// The writer data is corrupt, nests records deeper than [`MAX_DEPTH`], or
    /// holds a value the reader cannot represent (an unknown enum symbol without
    /// default, a union branch with no match).
    pub fn transcode(&self, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        self.transcode_node(self.root, input, out)
    }
}

/// Whether each node reads its writer bytes unchanged: the greatest fixed point, so a recursive
/// record is unchanged when nothing along its cycle changes.
fn identity(nodes: &[Node]) -> Vec<bool> {
    let mut same = vec![true; nodes.len()];
    loop {
        let mut changed = false;
        for (i, node) in nodes.iter().enumerate() {
            let unchanged = match node {
                Node::Copy(_) => true,
                Node::Enum(mapping) => mapping.iter().enumerate().all(|(i, m)| *m == Ok(i as i64)),
                Node::Array(item) | Node::Map(item) => same[*item],
                Node::Record(plan) => plan.sources.iter().all(|s| matches!(s, Source::Slot))
                    && plan.steps.iter().enumerate().all(|(i, step)| {
                        matches!(step, Step::Read { slot, node } if *slot == i && same[*node])
                    }),
                Node::UnionToUnion(branches) => branches
                    .iter()
                    .enumerate()
                    .all(|(i, b)| matches!(b, Some((index, node)) if *index == i as i64 && same[*node])),
                Node::IntToLong
                | Node::IntToFloat
                | Node::IntToDouble
                | Node::LongToFloat
                | Node::LongToDouble
                | Node::FloatToDouble
                | Node::UnionToValue(_)
                | Node::ValueToUnion(..) => false,
            };
            if same[i] && !unchanged {
                same[i] = false;
                changed = true;
            }
        }
        if !changed {
            return same;
        }
    }
}

struct Builder<'s> {
    ws: &'s Schema,
    rs: &'s Schema,
    nodes: Vec<Node>,
    /// The node of each (writer, reader) record pair, built once (also while under way, for recursion).
    records: HashMap<(TypeId, TypeId), NodeId>,
    /// The pairs of `records` in the order they were added, to undo a failed union branch.
    built: Vec<(TypeId, TypeId)>,
    skips: Vec<Skip>,
    skip_records: HashMap<TypeId, SkipId>,
}

fn at(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

fn prim(kind: &Kind) -> Option<Prim> {
    Some(match kind {
        Kind::Null => Prim::Null,
        Kind::Boolean => Prim::Boolean,
        Kind::Int => Prim::Int,
        Kind::Long => Prim::Long,
        Kind::Float => Prim::Float,
        Kind::Double => Prim::Double,
        // Strings and bytes have the same encoding; the reader's decoder checks UTF-8.
        Kind::Bytes | Kind::String => Prim::Bytes,
        Kind::Fixed(f) => Prim::Fixed(usize::try_from(f.size).ok()?),
        _ => return None,
    })
}

impl<'s> Builder<'s> {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn mismatch(&self, w: TypeId, r: TypeId, path: &str) -> String {
        format!(
            "{}: the writer's {} cannot be read as {}",
            if path.is_empty() { "the record" } else { path },
            self.ws.display(w),
            self.rs.display(r)
        )
    }

    /// Plans `w` as `r`; on failure, forgets every node the attempt made (for trying union branches).
    fn attempt(&mut self, w: TypeId, r: TypeId, path: &str) -> Result<NodeId, String> {
        let (nodes, built) = (self.nodes.len(), self.built.len());
        let result = self.node(w, r, path);
        if result.is_err() {
            self.nodes.truncate(nodes);
            for pair in self.built.drain(built..) {
                self.records.remove(&pair);
            }
        }
        result
    }

    fn node(&mut self, w: TypeId, r: TypeId, path: &str) -> Result<NodeId, String> {
        let (ws, rs) = (self.ws, self.rs);
        let (writer, reader) = (ws.get(w), rs.get(r));
        match (&writer.kind, &reader.kind) {
            (Kind::Union(writer_branches), reader_kind) => {
                let reader_branches = match reader_kind {
                    Kind::Union(branches) => Some(branches),
                    _ => None,
                };
                let mut branches = Vec::with_capacity(writer_branches.len());
                let mut first_error = None;
                for &branch in writer_branches {
                    // A branch the reader cannot read fails only for the values that use it.
                    let read = best_match(rs, r, ws, branch).and_then(|target| {
                        let node = self.attempt(branch, target, path).map_err(|e| first_error.get_or_insert(e).clone());
                        let index = reader_branches.and_then(|rb| rb.iter().position(|&b| b == target));
                        node.ok().map(|node| (index.unwrap_or(0) as i64, node))
                    });
                    branches.push(read);
                }
                if branches.iter().all(Option::is_none) {
                    return Err(first_error.unwrap_or_else(|| self.mismatch(w, r, path)));
                }
                Ok(self.push(match reader_branches {
                    Some(_) => Node::UnionToUnion(branches.into()),
                    None => Node::UnionToValue(branches.into_iter().map(|b| b.map(|(_, node)| node)).collect()),
                }))
            }
            (_, Kind::Union(reader_branches)) => {
                let target = best_match(rs, r, ws, w).ok_or_else(|| self.mismatch(w, r, path))?;
                let index = reader_branches.iter().position(|&b| b == target).unwrap_or(0) as i64;
                let node = self.node(w, target, path)?;
                Ok(self.push(Node::ValueToUnion(index, node)))
            }
            (Kind::Record(_), Kind::Record(_)) | (Kind::Enum(_), Kind::Enum(_)) | (Kind::Fixed(_), Kind::Fixed(_))
                if !matches(rs, r, ws, w) =>
            {
                let (wn, rn) = (ws.named(w).map(|n| n.full_name.as_str()), rs.named(r).map(|n| n.full_name.as_str()));
                Err(format!(
                    "{}: the writer's {} `{}` is not the reader's `{}` (nor one of its aliases)",
                    if path.is_empty() { "the file" } else { path },
                    match &writer.kind {
                        Kind::Record(_) => "record",
                        Kind::Enum(_) => "enum",
                        _ => "fixed",
                    },
                    wn.unwrap_or_default(),
                    rn.unwrap_or_default()
                ))
            }
            _ if !matches(rs, r, ws, w) || !logical_change(&writer.logical, &reader.logical).resolves() => {
                Err(self.mismatch(w, r, path))
            }
            (Kind::Array(wi), Kind::Array(ri)) => {
                let item = self.node(*wi, *ri, &format!("{path}[]"))?;
                Ok(self.push(Node::Array(item)))
            }
            (Kind::Map(wv), Kind::Map(rv)) => {
                let value = self.node(*wv, *rv, &format!("{path}{{}}"))?;
                Ok(self.push(Node::Map(value)))
            }
            (Kind::Record(_), Kind::Record(_)) => self.record(w, r, path),
            (Kind::Enum(we), Kind::Enum(re)) => {
                let mapping = we
                    .symbols
                    .iter()
                    .map(|symbol| match read_symbol(re, symbol) {
                        SymbolRead::Known(index) | SymbolRead::Default(index) => Ok(index as i64),
                        SymbolRead::Unknown => Err(symbol.clone()),
                    })
                    .collect();
                Ok(self.push(Node::Enum(mapping)))
            }
            (Kind::Fixed(wf), Kind::Fixed(rf)) if !fixed_sizes_match(rf, wf) => Err(self.mismatch(w, r, path)),
            (wk, rk) => {
                let (from, to) = prim(wk).zip(prim(rk)).ok_or_else(|| self.mismatch(w, r, path))?;
                let node = match (from, to) {
                    (a, b) if a == b => Node::Copy(a),
                    (Prim::Int, Prim::Long) => Node::IntToLong,
                    (Prim::Int, Prim::Float) => Node::IntToFloat,
                    (Prim::Int, Prim::Double) => Node::IntToDouble,
                    (Prim::Long, Prim::Float) => Node::LongToFloat,
                    (Prim::Long, Prim::Double) => Node::LongToDouble,
                    (Prim::Float, Prim::Double) => Node::FloatToDouble,
                    _ => return Err(self.mismatch(w, r, path)),
                };
                Ok(self.push(node))
            }
        }
    }

    fn record(&mut self, w: TypeId, r: TypeId, path: &str) -> Result<NodeId, String> {
        if let Some(&id) = self.records.get(&(w, r)) {
            return Ok(id);
        }
        let (Kind::Record(writer), Kind::Record(reader)) = (&self.ws.get(w).kind, &self.rs.get(r).kind) else {
            return Err(self.mismatch(w, r, path));
        };
        // Registered before its fields, so that a recursive use refers to this node.
        let id = self.push(Node::Copy(Prim::Null));
        self.records.insert((w, r), id);
        self.built.push((w, r));
        let mut read_by: Vec<Option<(usize, NodeId)>> = vec![None; writer.fields.len()];
        let mut sources = Vec::with_capacity(reader.fields.len());
        for (slot, field) in reader.fields.iter().enumerate() {
            let field_path = at(path, &field.name);
            match writer_field(field, writer) {
                // A writer field two reader fields claim (one by name, one by alias) is read by the first.
                Some((index, wf)) if read_by[index].is_none() => {
                    let node = self.node(wf.ty, field.ty, &field_path)?;
                    read_by[index] = Some((slot, node));
                    sources.push(Source::Slot);
                }
                _ => {
                    let default = missing_field_default(field).ok_or_else(|| {
                        format!(
                            "{field_path}: the writer's data has no such field and the product declares no default for it; add #[avro(default = ...)] or an alias naming the writer's field"
                        )
                    })?;
                    let mut bytes = Vec::new();
                    self.encode_default(field.ty, default, &mut bytes, &field_path, 0)?;
                    sources.push(Source::Default(bytes));
                }
            }
        }
        let steps: Vec<Step> = writer
            .fields
            .iter()
            .zip(&read_by)
            .map(|(wf, read)| match read {
                Some((slot, node)) => Step::Read { slot: *slot, node: *node },
                None => Step::Skip(self.skip(wf.ty)),
            })
            .collect();
        let slots = steps.iter().filter_map(|step| match step {
            Step::Read { slot, .. } => Some(*slot),
            Step::Skip(_) => None,
        });
        let in_order = slots.clone().zip(slots.skip(1)).all(|(a, b)| a < b);
        self.nodes[id] = Node::Record(Box::new(RecordPlan { steps, sources, in_order }));
        Ok(id)
    }

    /// How to step over a writer value no reader field reads.
    fn skip(&mut self, w: TypeId) -> SkipId {
        let ws = self.ws;
        let skip = match &ws.get(w).kind {
            Kind::Record(record) => {
                if let Some(&id) = self.skip_records.get(&w) {
                    return id;
                }
                self.skips.push(Skip::Nothing);
                let id = self.skips.len() - 1;
                self.skip_records.insert(w, id);
                let fields = record.fields.iter().map(|f| self.skip(f.ty)).collect();
                self.skips[id] = Skip::Record(fields);
                return id;
            }
            Kind::Null => Skip::Nothing,
            Kind::Boolean => Skip::Boolean,
            Kind::Int | Kind::Long | Kind::Enum(_) => Skip::Varint,
            Kind::Float => Skip::Bytes(4),
            Kind::Double => Skip::Bytes(8),
            Kind::Bytes | Kind::String => Skip::Sized,
            Kind::Fixed(f) => Skip::Bytes(usize::try_from(f.size).unwrap_or(usize::MAX)),
            Kind::Array(item) => Skip::Array(self.skip(*item)),
            Kind::Map(value) => Skip::Map(self.skip(*value)),
            Kind::Union(branches) => Skip::Union(branches.iter().map(|b| self.skip(*b)).collect()),
        };
        self.skips.push(skip);
        self.skips.len() - 1
    }

    /// The Avro binary encoding of a JSON default for a reader type.
    fn encode_default(&self, ty: TypeId, value: &Json, out: &mut Vec<u8>, path: &str, depth: u32) -> Result<(), String> {
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
                if schema.logical == Some(Logical::Uuid) && text.parse::<crate::Uuid>().is_err() {
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

fn copy_varint(input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    let before = input.rest();
    input.read_long()?;
    out.extend_from_slice(&before[..before.len() - input.remaining()]);
    Ok(())
}

impl Plan {
    fn transcode_node(&self, id: NodeId, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        match &self.nodes[id] {
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
                Prim::Bytes => {
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
            Node::IntToLong => {
                // The same varint: checked to be an int, copied as it is.
                let before = input.rest();
                input.read_int()?;
                out.extend_from_slice(&before[..before.len() - input.remaining()]);
                Ok(())
            }
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
                        self.transcode_node(*item, input, out)?;
                    }
                }
                out.push(0);
                Ok(())
            }
            Node::Map(value) => {
                while let Some(count) = input.read_block_count()? {
                    write_long(out, count as i64);
                    for _ in 0..count {
                        let before = input.rest();
                        input.read_slice()?;
                        out.extend_from_slice(&before[..before.len() - input.remaining()]);
                        self.transcode_node(*value, input, out)?;
                    }
                }
                out.push(0);
                Ok(())
            }
            Node::Record(plan) => {
                // Counts against the same depth limit as the generated decoders: recursive data ends.
                input.enter()?;
                if plan.in_order {
                    self.record_in_order(plan, input, out)?;
                } else {
                    self.record_reordered(plan, input, out)?;
                }
                input.leave();
                Ok(())
            }
            Node::UnionToUnion(branches) => {
                let index = input.read_union_index(branches.len())?;
                match &branches[index] {
                    Some((reader_index, node)) => {
                        write_long(out, *reader_index);
                        self.transcode_node(*node, input, out)
                    }
                    None => Err(input.error(DecodeErrorKind::UnmatchedBranch(index as i64))),
                }
            }
            Node::UnionToValue(branches) => {
                let index = input.read_union_index(branches.len())?;
                match &branches[index] {
                    Some(node) => self.transcode_node(*node, input, out),
                    None => Err(input.error(DecodeErrorKind::UnmatchedBranch(index as i64))),
                }
            }
            Node::ValueToUnion(index, node) => {
                write_long(out, *index);
                self.transcode_node(*node, input, out)
            }
        }
    }

    fn record_in_order(&self, plan: &RecordPlan, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
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
                    self.transcode_node(*node, input, out)?;
                }
                Step::Skip(skip) => self.skip_value(*skip, input)?,
            }
        }
        for source in sources {
            if let Source::Default(bytes) = source {
                out.extend_from_slice(bytes);
            }
        }
        Ok(())
    }

    fn record_reordered(&self, plan: &RecordPlan, input: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        let mut parts: Vec<Vec<u8>> = vec![Vec::new(); plan.sources.len()];
        for step in &plan.steps {
            match step {
                Step::Read { slot, node } => self.transcode_node(*node, input, &mut parts[*slot])?,
                Step::Skip(skip) => self.skip_value(*skip, input)?,
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

    fn skip_value(&self, skip: SkipId, input: &mut Reader<'_>) -> Result<(), DecodeError> {
        match &self.skips[skip] {
            Skip::Nothing => Ok(()),
            Skip::Boolean => input.read_boolean().map(drop),
            Skip::Varint => input.read_long().map(drop),
            Skip::Bytes(n) => input.take(*n).map(drop),
            Skip::Sized => input.read_slice().map(drop),
            Skip::Array(item) => {
                while let Some(count) = input.read_block_count()? {
                    for _ in 0..count {
                        self.skip_value(*item, input)?;
                    }
                }
                Ok(())
            }
            Skip::Map(value) => {
                while let Some(count) = input.read_block_count()? {
                    for _ in 0..count {
                        input.read_slice()?;
                        self.skip_value(*value, input)?;
                    }
                }
                Ok(())
            }
            Skip::Union(branches) => {
                let index = input.read_union_index(branches.len())?;
                self.skip_value(branches[index], input)
            }
            Skip::Record(fields) => {
                input.enter()?;
                for field in fields.iter() {
                    self.skip_value(*field, input)?;
                }
                input.leave();
                Ok(())
            }
        }
    }
}
