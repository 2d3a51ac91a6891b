//! Building a [`Plan`] from a writer and a reader schema: one node per type pair (records once
//! per pair, so recursive types stay finite), the skips of writer values no reader field reads.

use std::collections::HashMap;
use std::fmt;

use mesh_model::{FieldPath, PathStep};

use super::{Decrypt, Node, NodeId, Prim, RecordPlan, Skip, SkipId, Source, Step, MAX_LEVELS};
use crate::codec::decode::MAX_DEPTH;
use crate::schema::resolution::{field_reads, pair, read_symbol, Branch, FieldRead, Matched, Pairing, SymbolRead};
use crate::schema::{Kind, Schema, TypeId};

/// Whether each node reads its writer bytes unchanged: the greatest fixed point, so a recursive
/// record is unchanged when nothing along its cycle changes.
pub(super) fn identity(nodes: &[Node]) -> Vec<bool> {
    let mut same = vec![true; nodes.len()];
    loop {
        let mut changed = false;
        for (i, node) in nodes.iter().enumerate() {
            let unchanged = match node {
                Node::Copy(_) => true,
                Node::Enum(mapping) => mapping.iter().enumerate().all(|(i, m)| *m == Ok(i as i64)),
                Node::Array(item, _) | Node::Map(item) => same[*item],
                Node::Record(plan) => {
                    plan.sources.iter().all(|s| matches!(s, Source::Slot))
                        && plan
                            .steps
                            .iter()
                            .enumerate()
                            .all(|(i, step)| matches!(step, Step::Read { slot, node } if *slot == i && same[*node]))
                }
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
                | Node::ValueToUnion(..)
                | Node::TooDeep => false,
                Node::Decrypt(decrypt) => decrypt.same_for_reader,
                Node::StoredPlaintext(_) => false,
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

pub(super) struct Builder<'s> {
    ws: &'s Schema,
    pub(super) rs: &'s Schema,
    /// The fewest bytes of each writer type: 0 for items that take no bytes (see [`MAX_ZERO_BYTE_ITEMS`]).
    writer_min_bytes: Vec<u64>,
    pub(super) nodes: Vec<Node>,
    /// The node of each (writer, reader) record pair, built once (also while under way, for recursion).
    records: HashMap<(TypeId, TypeId), NodeId>,
    /// The pairs of `records` in the order they were added, to undo a failed union branch.
    built: Vec<(TypeId, TypeId)>,
    pub(super) skips: Vec<Skip>,
    skip_records: HashMap<TypeId, SkipId>,
    /// The records being planned or skipped around the current type. A writer schema can chain
    /// records by name without nesting its JSON, so planning past [`MAX_DEPTH`] would only
    /// overflow the stack on types that no data can reach.
    depth: u32,
    /// The types being planned or skipped around the current one, records or not: arrays, maps
    /// and unions between the records can nest each record's types deep too (see [`MAX_LEVELS`]).
    levels: u32,
    /// The (writer, reader) record pairs that cannot be read, with the path they were planned at
    /// and why. Remembered past the union branch attempt that rolls their nodes back: a recursive
    /// product would otherwise rebuild the same failing pair at every reference, in exponential
    /// time. A pair fails only on a real mismatch (a reference to a pair under way succeeds), so
    /// it fails wherever it is met.
    failed: HashMap<(TypeId, TypeId), (FieldPath, Refusal)>,
}

/// Why a writer type cannot be read as a reader type: where, and what is wrong.
#[derive(Debug, Clone)]
pub(super) struct Refusal {
    path: FieldPath,
    /// What the message calls an empty path (the root).
    root: &'static str,
    message: String,
}

impl Refusal {
    pub(super) fn new(path: &FieldPath, root: &'static str, message: String) -> Self {
        Refusal { path: path.clone(), root, message }
    }

    /// A record pair's refusal, planned at path `from`, as met at path `to`: it names one of the
    /// record's fields below `from`, and so below `to` now.
    fn rebased(&self, from: &FieldPath, to: &FieldPath) -> Refusal {
        match self.path.strip_prefix(from) {
            Some(rest @ [PathStep::Field(_), ..]) => {
                let mut path = to.clone();
                path.extend(rest.iter().cloned());
                Refusal { path, ..self.clone() }
            }
            _ => self.clone(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.root, self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
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
    pub(super) fn new(writer: &'s Schema, reader: &'s Schema) -> Self {
        Builder {
            ws: writer,
            rs: reader,
            writer_min_bytes: writer.min_bytes_by_type(),
            nodes: Vec::new(),
            records: HashMap::new(),
            built: Vec::new(),
            skips: Vec::new(),
            skip_records: HashMap::new(),
            depth: 0,
            levels: 0,
            failed: HashMap::new(),
        }
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn mismatch(&self, w: TypeId, r: TypeId, path: &FieldPath) -> Refusal {
        let message = format!("the writer's {} cannot be read as {}", self.ws.display(w), self.rs.display(r));
        Refusal::new(path, "the record", message)
    }

    /// Plans `w` as `r`; on failure, forgets every node the attempt made (for trying union branches).
    fn attempt(&mut self, w: TypeId, r: TypeId, path: &FieldPath) -> Result<NodeId, Refusal> {
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

    pub(super) fn node(&mut self, w: TypeId, r: TypeId, path: &FieldPath) -> Result<NodeId, Refusal> {
        if self.levels >= MAX_LEVELS {
            return Ok(self.push(Node::TooDeep));
        }
        self.levels += 1;
        let result = self.plan_node(w, r, path);
        self.levels -= 1;
        result
    }

    // One call per level of the schemas' nesting: all but arrays, maps and the reader's unions sit
    // in helpers, so that the recursive frame stays small for deep schemas.
    fn plan_node(&mut self, w: TypeId, r: TypeId, path: &FieldPath) -> Result<NodeId, Refusal> {
        match pair(self.rs, r, self.ws, w) {
            Pairing::WriterUnion(reads) => self.writer_union(w, r, reads, path),
            Pairing::ReaderUnion(Some(target)) => {
                let node = self.node(w, target.ty, path)?;
                Ok(self.push(Node::ValueToUnion(target.position.unwrap_or(0) as i64, node)))
            }
            Pairing::Matched(Matched::Array { reader: ri, writer: wi }, logical) if logical.resolves() => {
                let item = self.node(wi, ri, &path.then(PathStep::Items))?;
                let zero_bytes = self.writer_min_bytes[wi.0] == 0;
                Ok(self.push(Node::Array(item, zero_bytes)))
            }
            Pairing::Matched(Matched::Map { reader: rv, writer: wv }, logical) if logical.resolves() => {
                let value = self.node(wv, rv, &path.then(PathStep::Values))?;
                Ok(self.push(Node::Map(value)))
            }
            Pairing::Matched(Matched::Record, logical) if logical.resolves() => self.record(w, r, path),
            pairing => self.leaf(w, r, pairing, path),
        }
    }

    /// A writer union: each branch as the reader type that reads it.
    #[inline(never)]
    fn writer_union(
        &mut self,
        w: TypeId,
        r: TypeId,
        reads: Vec<Option<Branch>>,
        path: &FieldPath,
    ) -> Result<NodeId, Refusal> {
        let Kind::Union(writer_branches) = &self.ws.get(w).kind else { return Err(self.mismatch(w, r, path)) };
        let mut branches = Vec::with_capacity(writer_branches.len());
        let mut first_error = None;
        for (&branch, read) in writer_branches.iter().zip(reads) {
            // A branch the reader cannot read fails only for the values that use it.
            let read = read.and_then(|target| {
                let node = self.attempt(branch, target.ty, path).map_err(|e| first_error.get_or_insert(e).clone());
                node.ok().map(|node| (target.position.unwrap_or(0) as i64, node))
            });
            branches.push(read);
        }
        if branches.iter().all(Option::is_none) {
            return Err(first_error.unwrap_or_else(|| self.mismatch(w, r, path)));
        }
        Ok(self.push(match self.rs.get(r).kind {
            Kind::Union(_) => Node::UnionToUnion(branches.into()),
            _ => Node::UnionToValue(branches.into_iter().map(|b| b.map(|(_, node)| node)).collect()),
        }))
    }

    /// The pairings with nothing nested to plan: refusals, enums, fixed types and primitives.
    #[inline(never)]
    fn leaf(&mut self, w: TypeId, r: TypeId, pairing: Pairing, path: &FieldPath) -> Result<NodeId, Refusal> {
        let (ws, rs) = (self.ws, self.rs);
        let (writer, reader) = (ws.get(w), rs.get(r));
        match pairing {
            Pairing::Renamed => {
                let (wn, rn) = (ws.named(w).map(|n| n.full_name.as_str()), rs.named(r).map(|n| n.full_name.as_str()));
                let message = format!(
                    "the writer's {} `{}` is not the reader's `{}` (nor one of its aliases)",
                    match &writer.kind {
                        Kind::Record(_) => "record",
                        Kind::Enum(_) => "enum",
                        _ => "fixed",
                    },
                    wn.unwrap_or_default(),
                    rn.unwrap_or_default()
                );
                Err(Refusal::new(path, "the file", message))
            }
            Pairing::Matched(Matched::Enum, logical) if logical.resolves() => {
                let (Kind::Enum(we), Kind::Enum(re)) = (&writer.kind, &reader.kind) else {
                    return Err(self.mismatch(w, r, path));
                };
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
            Pairing::Matched(Matched::Fixed { sizes_match: true } | Matched::Primitive, logical)
                if logical.resolves() =>
            {
                let (from, to) = prim(&writer.kind).zip(prim(&reader.kind)).ok_or_else(|| self.mismatch(w, r, path))?;
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
            // No reader branch reads the writer's type, the types do not match, their logical
            // types differ, or fixed sizes do.
            _ => Err(self.mismatch(w, r, path)),
        }
    }

    fn record(&mut self, w: TypeId, r: TypeId, path: &FieldPath) -> Result<NodeId, Refusal> {
        if let Some(&id) = self.records.get(&(w, r)) {
            return Ok(id);
        }
        if let Some((planned_at, error)) = self.failed.get(&(w, r)) {
            return Err(error.rebased(planned_at, path));
        }
        if self.depth >= MAX_DEPTH {
            return Ok(self.push(Node::TooDeep));
        }
        self.depth += 1;
        let result = self.new_record(w, r, path);
        self.depth -= 1;
        if let Err(error) = &result {
            self.failed.insert((w, r), (path.clone(), error.clone()));
        }
        result
    }

    fn new_record(&mut self, w: TypeId, r: TypeId, path: &FieldPath) -> Result<NodeId, Refusal> {
        let (Kind::Record(writer), Kind::Record(reader)) = (&self.ws.get(w).kind, &self.rs.get(r).kind) else {
            return Err(self.mismatch(w, r, path));
        };
        // Registered before its fields, so that a recursive use refers to this node.
        let id = self.push(Node::Copy(Prim::Null));
        self.records.insert((w, r), id);
        self.built.push((w, r));
        let mut read_by: Vec<Vec<(usize, NodeId)>> = vec![Vec::new(); writer.fields.len()];
        let mut sources = Vec::with_capacity(reader.fields.len());
        for (slot, (field, read)) in field_reads(reader, writer).enumerate() {
            let field_path = path.then_field(&field.name);
            match read {
                FieldRead::Writer(index, wf) => {
                    let mut node = self.node(wf.ty, field.ty, &field_path)?;
                    match (&wf.encryption, &field.encryption) {
                        (Some(encryption), reader) => {
                            let same_for_reader = reader.as_ref() == Some(encryption);
                            let decrypt =
                                Decrypt { mode: encryption.mode, field: field_path.to_string(), same_for_reader };
                            node = self.with_strings(node, Node::Decrypt(Box::new(decrypt)));
                        }
                        (None, Some(encryption)) => {
                            let mode = encryption.mode;
                            let decrypt = Decrypt { mode, field: field_path.to_string(), same_for_reader: false };
                            node = self.with_strings(node, Node::StoredPlaintext(Box::new(decrypt)));
                        }
                        (None, None) => {}
                    }
                    read_by[index].push((slot, node));
                    sources.push(Source::Slot);
                }
                FieldRead::Default(default) => {
                    let mut bytes = Vec::new();
                    self.encode_default(field.ty, default, &mut bytes, &field_path)?;
                    sources.push(Source::Default(bytes));
                }
                FieldRead::Missing => {
                    let message = "the writer's data has no such field and the product declares no default for it; add #[avro(default = ...)] or an alias naming the writer's field";
                    return Err(Refusal::new(&field_path, "the record", message.into()));
                }
            }
        }
        let steps: Vec<Step> = writer
            .fields
            .iter()
            .zip(&read_by)
            .map(|(wf, reads)| match reads.as_slice() {
                [] => Step::Skip(self.skip(wf.ty)),
                [(slot, node)] => Step::Read { slot: *slot, node: *node },
                several => Step::ReadEach(several.into()),
            })
            .collect();
        let slots = steps.iter().filter_map(|step| match step {
            Step::Read { slot, .. } => Some(*slot),
            Step::ReadEach(_) | Step::Skip(_) => None,
        });
        let in_order = slots.clone().zip(slots.skip(1)).all(|(a, b)| a < b)
            && !steps.iter().any(|step| matches!(step, Step::ReadEach(_)));
        self.nodes[id] = Node::Record(Box::new(RecordPlan { steps, sources, in_order }));
        Ok(id)
    }

    /// `node`, a writer `string` (or a union holding one) read as the reader's type, with the
    /// string read by `string` instead: the parser accepts encryption on nothing else, and every
    /// leaf is a node of its own, so it is replaced in place.
    fn with_strings(&mut self, node: NodeId, string: Node) -> NodeId {
        let strings: Vec<NodeId> = match &self.nodes[node] {
            Node::Copy(Prim::Bytes) => vec![node],
            Node::UnionToUnion(branches) => branches.iter().flatten().map(|(_, n)| *n).collect(),
            Node::UnionToValue(branches) => branches.iter().flatten().copied().collect(),
            Node::ValueToUnion(_, n) => vec![*n],
            _ => Vec::new(),
        };
        for id in strings {
            if matches!(self.nodes[id], Node::Copy(Prim::Bytes)) {
                self.nodes[id] = string.clone();
            }
        }
        node
    }

    /// How to step over a writer value no reader field reads.
    fn skip(&mut self, w: TypeId) -> SkipId {
        if self.levels >= MAX_LEVELS {
            self.skips.push(Skip::TooDeep);
            return self.skips.len() - 1;
        }
        self.levels += 1;
        let skip = self.plan_skip(w);
        self.levels -= 1;
        skip
    }

    fn plan_skip(&mut self, w: TypeId) -> SkipId {
        let ws = self.ws;
        let skip = match &ws.get(w).kind {
            Kind::Record(record) => {
                if let Some(&id) = self.skip_records.get(&w) {
                    return id;
                }
                if self.depth >= MAX_DEPTH {
                    self.skips.push(Skip::TooDeep);
                    return self.skips.len() - 1;
                }
                self.skips.push(Skip::Nothing);
                let id = self.skips.len() - 1;
                self.skip_records.insert(w, id);
                self.depth += 1;
                let fields = record.fields.iter().map(|f| self.skip(f.ty)).collect();
                self.depth -= 1;
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
            Kind::Array(item) => Skip::Array(self.skip(*item), self.writer_min_bytes[item.0] == 0),
            Kind::Map(value) => Skip::Map(self.skip(*value)),
            Kind::Union(branches) => Skip::Union(branches.iter().map(|b| self.skip(*b)).collect()),
        };
        self.skips.push(skip);
        self.skips.len() - 1
    }
}
