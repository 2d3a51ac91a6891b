//! The Avro specification's schema-resolution rules: which reader type reads which writer type.
//!
//! The one statement of them in this workspace. The evolution check ([`crate::compat`]) reports
//! with them and the codec's read plan ([`crate::codec::resolve::Plan`]) reads data with them,
//! both through [`pair`] and [`field_reads`], so the two cannot disagree on what resolves.

use super::index::{slot, Slot};
use super::types::{Enum, Field, Fixed, Kind, Logical, Named, Record, Schema, TypeId};

/// How a reader type reads a writer type, at the top level: what is inside (items, values,
/// fields, branches) the caller pairs in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pairing {
    /// The writer is a union: per writer branch, the reader type reading it ([`best_match`]), or
    /// `None` when no reader type does (only data using that branch fails).
    WriterUnion(Vec<Option<Branch>>),
    /// The reader is a union and the writer not: the branch reading it, if any.
    ReaderUnion(Option<Branch>),
    /// Two named types of the same kind whose names do not match ([`names_match`]).
    Renamed,
    /// Types that do not match, not even by promotion.
    Mismatch,
    /// Matching types, and how their logical types differ (the caller decides what that means).
    Matched(Matched, LogicalChange),
}

/// The reader type that reads a writer type (or writer union branch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Branch {
    /// The reader type: the reader itself, or one of its union branches.
    pub(crate) ty: TypeId,
    /// Its position among the reader union's branches; `None` when the reader is not a union.
    pub(crate) position: Option<usize>,
}

/// Two types that match at the top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matched {
    /// Arrays: the reader's and the writer's items.
    Array { reader: TypeId, writer: TypeId },
    /// Maps: the reader's and the writer's values.
    Map { reader: TypeId, writer: TypeId },
    /// Records of matching names: pair their fields with [`field_reads`].
    Record,
    /// Enums of matching names: read each writer symbol with [`read_symbol`].
    Enum,
    /// Fixed types of matching names; they resolve only with equal sizes.
    Fixed { sizes_match: bool },
    /// Primitives of the same type, or the writer's promoting to the reader's ([`promotes`]).
    Primitive,
}

/// How the reader type `r` of `rs` reads the writer type `w` of `ws`.
pub(crate) fn pair(rs: &Schema, r: TypeId, ws: &Schema, w: TypeId) -> Pairing {
    let (reader, writer) = (rs.get(r), ws.get(w));
    match (&reader.kind, &writer.kind) {
        (_, Kind::Union(branches)) => {
            Pairing::WriterUnion(branches.iter().map(|&branch| best_match(rs, r, ws, branch)).collect())
        }
        (Kind::Union(_), _) => Pairing::ReaderUnion(best_match(rs, r, ws, w)),
        (Kind::Record(_), Kind::Record(_)) | (Kind::Enum(_), Kind::Enum(_)) | (Kind::Fixed(_), Kind::Fixed(_))
            if !matches(rs, r, ws, w) =>
        {
            Pairing::Renamed
        }
        _ if !matches(rs, r, ws, w) => Pairing::Mismatch,
        (rk, wk) => {
            let matched = match (rk, wk) {
                (Kind::Array(reader), Kind::Array(writer)) => Matched::Array { reader: *reader, writer: *writer },
                (Kind::Map(reader), Kind::Map(writer)) => Matched::Map { reader: *reader, writer: *writer },
                (Kind::Record(_), Kind::Record(_)) => Matched::Record,
                (Kind::Enum(_), Kind::Enum(_)) => Matched::Enum,
                (Kind::Fixed(rf), Kind::Fixed(wf)) => Matched::Fixed { sizes_match: fixed_sizes_match(rf, wf) },
                _ => Matched::Primitive,
            };
            Pairing::Matched(matched, logical_change(&writer.logical, &reader.logical))
        }
    }
}

/// The reader type that resolves `writer` (not a union): the reader itself, or for a reader
/// union its first branch of the same type, else its first branch the writer promotes to (the
/// specification's first matching branch).
pub(crate) fn best_match(rs: &Schema, reader: TypeId, ws: &Schema, writer: TypeId) -> Option<Branch> {
    if !matches!(rs.get(reader).kind, Kind::Union(_)) {
        return matches(rs, reader, ws, writer).then_some(Branch { ty: reader, position: None });
    }
    let Kind::Union(branches) = &rs.get(reader).kind else { return None };
    // Every parsed union has its index; without one, no branch is found.
    let index = rs.unions.get(&reader)?;
    let writer_kind = &ws.get(writer).kind;
    let position = match slot(writer_kind)? {
        // Named branches match by name only (no promotion), so the first that matches is the one.
        Slot::Named(slot) => index.named(slot, writer_kind.named()?),
        // A union holds one branch per unnamed kind: the writer's own, else the first it promotes to.
        Slot::Unnamed(own) => index.unnamed(own).or_else(|| {
            PROMOTABLE
                .iter()
                .filter(|to| promotes(writer_kind, to))
                .filter_map(|to| match slot(to) {
                    Some(Slot::Unnamed(slot)) => index.unnamed(slot),
                    _ => None,
                })
                .min()
        }),
    }?;
    Some(Branch { ty: branches[position], position: Some(position) })
}

/// The kinds a writer's value can promote to (see [`promotes`]).
const PROMOTABLE: [Kind; 5] = [Kind::Long, Kind::Float, Kind::Double, Kind::Bytes, Kind::String];

/// Whether the reader type matches the writer type at the top level, as the specification defines it.
pub(crate) fn matches(rs: &Schema, reader: TypeId, ws: &Schema, writer: TypeId) -> bool {
    let (rk, wk) = (&rs.get(reader).kind, &ws.get(writer).kind);
    match (rk, wk) {
        (Kind::Record(_), Kind::Record(_)) | (Kind::Enum(_), Kind::Enum(_)) | (Kind::Fixed(_), Kind::Fixed(_)) => {
            let (Some(rn), Some(wn)) = (rk.named(), wk.named()) else { return false };
            names_match(rn, wn)
        }
        (Kind::Array(_), Kind::Array(_)) | (Kind::Map(_), Kind::Map(_)) => true,
        (Kind::Union(_), _) | (_, Kind::Union(_)) => false,
        _ => std::mem::discriminant(rk) == std::mem::discriminant(wk) || promotes(wk, rk),
    }
}

/// Whether a reader's named type reads a writer's: the same unqualified name, or a reader
/// alias that is the writer's full name (aliases are full names, as the specification says).
pub(crate) fn names_match(reader: &Named, writer: &Named) -> bool {
    reader.simple_name() == writer.simple_name() || reader.aliases.contains(&writer.full_name)
}

/// Whether a writer's `from` value promotes to the reader's `to`.
pub(crate) fn promotes(from: &Kind, to: &Kind) -> bool {
    matches!(
        (from, to),
        (Kind::Int, Kind::Long | Kind::Float | Kind::Double)
            | (Kind::Long, Kind::Float | Kind::Double)
            | (Kind::Float, Kind::Double)
            | (Kind::String, Kind::Bytes)
            | (Kind::Bytes, Kind::String)
    )
}

/// How a reader record's field is filled from a writer record's data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FieldRead<'s> {
    /// From the writer's field at this position ([`writer_field`]).
    Writer(usize, &'s Field),
    /// The writer lacks it: from the reader field's default.
    Default(&'s serde_json::Value),
    /// The writer lacks it and it has no default: the writer's data cannot be read.
    Missing,
}

/// How each of the reader record's fields (in reader order) is filled from the writer record.
pub(crate) fn field_reads<'s>(
    reader: &'s Record,
    writer: &'s Record,
) -> impl Iterator<Item = (&'s Field, FieldRead<'s>)> + 's {
    reader.fields.iter().map(move |field| {
        let read = match (writer_field(field, writer), missing_field_default(field)) {
            (Some((index, wf)), _) => FieldRead::Writer(index, wf),
            (None, Some(default)) => FieldRead::Default(default),
            (None, None) => FieldRead::Missing,
        };
        (field, read)
    })
}

/// The writer field a reader field reads: the one of the same name, else the first (in writer
/// order) whose name is one of the reader field's aliases. `None`: the reader needs the default.
pub(crate) fn writer_field<'w>(reader: &Field, writer: &'w Record) -> Option<(usize, &'w Field)> {
    writer
        .field(&reader.name)
        .or_else(|| reader.aliases.iter().filter_map(|alias| writer.field(alias)).min_by_key(|(index, _)| *index))
}

/// The value a reader field takes when the writer's data lacks it: its default, if declared.
pub(crate) fn missing_field_default(reader: &Field) -> Option<&serde_json::Value> {
    reader.default.as_ref()
}

/// How a writer's enum symbol reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SymbolRead {
    /// The reader has the symbol, at this index.
    Known(usize),
    /// The reader lacks it and reads its default, at this index.
    Default(usize),
    /// The reader lacks it and has no default: data holding it cannot be read.
    Unknown,
}

/// How the reader enum reads the writer's `symbol`.
pub(crate) fn read_symbol(reader: &Enum, symbol: &str) -> SymbolRead {
    if let Some(index) = reader.symbol_index(symbol) {
        return SymbolRead::Known(index);
    }
    match reader.default.as_ref().and_then(|d| reader.symbol_index(d)) {
        Some(index) => SymbolRead::Default(index),
        None => SymbolRead::Unknown,
    }
}

/// Whether fixed values resolve: only with equal sizes.
pub(crate) fn fixed_sizes_match(reader: &Fixed, writer: &Fixed) -> bool {
    reader.size == writer.size
}

/// The logical type, unless it is one this tool does not know (which resolution ignores).
pub(crate) fn known_logical(logical: &Option<Logical>) -> Option<&Logical> {
    logical.as_ref().filter(|l| !matches!(l, Logical::Other(_)))
}

/// How the logical types of two matching types differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogicalChange {
    /// The same (or both absent, or unknown).
    Same,
    /// Present on one side only: resolution ignores it.
    Annotation,
    /// Two decimals whose precision or scale differ (which).
    Decimal {
        /// The precisions differ.
        precision: bool,
        /// The scales differ.
        scale: bool,
    },
    /// Two different logical types: the bytes resolve but mean something else.
    Changed,
}

impl LogicalChange {
    /// Whether values still resolve: decimals only with equal precision and scale (the
    /// specification), other logical types only when equal (stricter than it, as the values'
    /// meaning changes).
    pub(crate) fn resolves(self) -> bool {
        matches!(self, LogicalChange::Same | LogicalChange::Annotation)
    }
}

/// How logical type `a` differs from `b` (symmetric).
pub(crate) fn logical_change(a: &Option<Logical>, b: &Option<Logical>) -> LogicalChange {
    match (known_logical(a), known_logical(b)) {
        (Some(Logical::Decimal { precision: p1, scale: s1 }), Some(Logical::Decimal { precision: p2, scale: s2 }))
            if p1 != p2 || s1 != s2 =>
        {
            LogicalChange::Decimal { precision: p1 != p2, scale: s1 != s2 }
        }
        (Some(x), Some(y)) if x != y => LogicalChange::Changed,
        (x, y) if x != y => LogicalChange::Annotation,
        _ => LogicalChange::Same,
    }
}
