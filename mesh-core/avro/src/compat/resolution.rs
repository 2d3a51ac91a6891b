//! The Avro specification's schema-resolution rules, applied to a previous
//! and a current schema in one direction at a time.
//!
//! Backward: the current schema reads data written with the previous one.
//! Forward: the previous schema reads data written with the current one.
//! Each problem is reported in terms of the change (previous -> current) at
//! the path where it happens, so both directions speak the same language.

use std::collections::HashSet;

use super::rules::{Breaks, Change, Rule};
use crate::schema::{Enum, Field, Fixed, Kind, Logical, Named, Record, Schema, TypeId};

/// Which side reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// The current schema reads previous data.
    Backward,
    /// The previous schema reads current data.
    Forward,
}

pub(crate) struct Resolver<'a> {
    previous: &'a Schema,
    current: &'a Schema,
    direction: Direction,
    seen: HashSet<(TypeId, TypeId)>,
    pub(crate) changes: Vec<Change>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(previous: &'a Schema, current: &'a Schema, direction: Direction) -> Self {
        Self { previous, current, direction, seen: HashSet::new(), changes: Vec::new() }
    }

    pub(crate) fn run(mut self, root: &str) -> Vec<Change> {
        self.pair(self.previous.root(), self.current.root(), root);
        self.changes
    }

    fn backward(&self) -> bool {
        self.direction == Direction::Backward
    }

    /// (reader, writer) types, each with its schema.
    fn oriented(&self, prev: TypeId, cur: TypeId) -> ((&'a Schema, TypeId), (&'a Schema, TypeId)) {
        if self.backward() {
            ((self.current, cur), (self.previous, prev))
        } else {
            ((self.previous, prev), (self.current, cur))
        }
    }

    /// Back from (reader, writer) to (previous, current).
    fn unoriented(&self, reader: TypeId, writer: TypeId) -> (TypeId, TypeId) {
        if self.backward() {
            (writer, reader)
        } else {
            (reader, writer)
        }
    }

    fn report(&mut self, rule: Rule, path: &str, message: String) {
        let breaks = if !rule.can_break() {
            Breaks::default()
        } else if self.backward() {
            Breaks { backward: true, forward: false }
        } else {
            Breaks { backward: false, forward: true }
        };
        self.changes.push(Change { rule, path: path.to_string(), message, breaks, breaking: false });
    }

    fn show(&self, prev: TypeId, cur: TypeId) -> (String, String) {
        (self.previous.display(prev).to_string(), self.current.display(cur).to_string())
    }

    fn pair(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        // A pair already under way or done: recursive types terminate, shared named types report once.
        if !self.seen.insert((prev, cur)) {
            return;
        }
        let ((rs, r), (ws, w)) = self.oriented(prev, cur);
        match (&rs.get(r).kind, &ws.get(w).kind) {
            (_, Kind::Union(writer_branches)) => {
                for &branch in writer_branches {
                    match best_match(rs, r, ws, branch) {
                        Some(reader) => {
                            let (p, c) = self.unoriented(reader, branch);
                            self.pair(p, c, path);
                        }
                        None => self.unreadable_branch(prev, cur, ws.display(branch).to_string(), path),
                    }
                }
            }
            (Kind::Union(_), _) => match best_match(rs, r, ws, w) {
                Some(reader) => {
                    let (p, c) = self.unoriented(reader, w);
                    self.pair(p, c, path);
                }
                None => {
                    let (before, after) = self.show(prev, cur);
                    self.report(Rule::FieldTypeChanged, path, format!("type changed from {before} to {after}"));
                }
            },
            _ if !matches(rs, r, ws, w) => self.mismatch(prev, cur, path),
            (Kind::Array(ri), Kind::Array(wi)) => {
                let (p, c) = self.unoriented(*ri, *wi);
                self.pair(p, c, &format!("{path}[]"));
            }
            (Kind::Map(rv), Kind::Map(wv)) => {
                let (p, c) = self.unoriented(*rv, *wv);
                self.pair(p, c, &format!("{path}{{}}"));
            }
            (Kind::Record(_), Kind::Record(_)) => self.record(prev, cur, path),
            (Kind::Enum(re), Kind::Enum(we)) => {
                let unknown: Vec<&str> = we
                    .symbols
                    .iter()
                    .filter(|s| !matches!(read_symbol(re, s), SymbolRead::Known(_)))
                    .map(String::as_str)
                    .collect();
                if !unknown.is_empty() {
                    let name = &re.named.full_name;
                    let list = unknown.join(", ");
                    match (&re.default, self.backward()) {
                        (Some(default), true) => self.report(
                            Rule::EnumSymbolChangedWithDefault,
                            path,
                            format!("enum {name}: symbols {list} removed; previous data holding them reads as the default {default}"),
                        ),
                        (Some(default), false) => self.report(
                            Rule::EnumSymbolChangedWithDefault,
                            path,
                            format!("enum {name}: symbols {list} added; readers of the previous schema read them as its default {default}"),
                        ),
                        (None, true) => self.report(
                            Rule::EnumSymbolRemovedWithoutDefault,
                            path,
                            format!("enum {name}: symbols {list} removed and the enum has no default, so previous data holding them cannot be read"),
                        ),
                        (None, false) => self.report(
                            Rule::EnumSymbolAddedWithoutDefault,
                            path,
                            format!("enum {name}: symbols {list} added, but the previous enum has no default, so its readers cannot read them"),
                        ),
                    }
                }
            }
            (Kind::Fixed(rf), Kind::Fixed(wf)) if !fixed_sizes_match(rf, wf) => {
                let (before, after) = if self.backward() { (wf.size, rf.size) } else { (rf.size, wf.size) };
                self.report(
                    Rule::FixedSizeChanged,
                    path,
                    format!("fixed {}: size changed from {before} to {after} bytes", rf.named.full_name),
                );
            }
            _ => {}
        }
        if matches(rs, r, ws, w) {
            self.logical(prev, cur, path);
        }
    }

    /// A writer's union branch that no reader type accepts.
    fn unreadable_branch(&mut self, prev: TypeId, cur: TypeId, branch: String, path: &str) {
        let (before, after) = self.show(prev, cur);
        if self.backward() {
            self.report(
                Rule::UnionBranchRemoved,
                path,
                format!("type changed from {before} to {after}: previous data holding {branch} cannot be read"),
            );
        } else {
            self.report(
                Rule::UnionBranchAdded,
                path,
                format!(
                    "type changed from {before} to {after}: readers of the previous schema cannot read {branch} values"
                ),
            );
        }
    }

    fn mismatch(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        let (before, after) = self.show(prev, cur);
        let ((rs, r), (ws, w)) = self.oriented(prev, cur);
        let same_named_kind = matches!(
            (&rs.get(r).kind, &ws.get(w).kind),
            (Kind::Record(_), Kind::Record(_)) | (Kind::Enum(_), Kind::Enum(_)) | (Kind::Fixed(_), Kind::Fixed(_))
        );
        if same_named_kind {
            let (old, new) = (self.previous.named(prev), self.current.named(cur));
            let (old, new) = (old.map_or("", |n| &n.full_name), new.map_or("", |n| &n.full_name));
            let message = if self.backward() {
                format!("{old} renamed to {new} without an alias to its previous name, so previous data cannot be read")
            } else {
                format!("{old} renamed to {new}; readers of the previous schema know only {old}")
            };
            self.report(Rule::NameChanged, path, message);
        } else if promotes(&rs.get(r).kind, &ws.get(w).kind) {
            // The writer would promote to the reader, so the reverse is the narrowing direction.
            let rule = if self.backward() { Rule::FieldTypeNarrowed } else { Rule::FieldTypeWidened };
            let consequence = if self.backward() {
                "previous data cannot be read with the narrower type"
            } else {
                "readers of the previous schema cannot read the wider values"
            };
            self.report(rule, path, format!("type changed from {before} to {after}: {consequence}"));
        } else {
            self.report(Rule::FieldTypeChanged, path, format!("type changed from {before} to {after}"));
        }
    }

    fn logical(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        let before = known_logical(&self.previous.get(prev).logical);
        let after = known_logical(&self.current.get(cur).logical);
        match (logical_change(&self.previous.get(prev).logical, &self.current.get(cur).logical), before, after) {
            (
                LogicalChange::Decimal { precision, scale },
                Some(Logical::Decimal { precision: p1, scale: s1 }),
                Some(Logical::Decimal { precision: p2, scale: s2 }),
            ) => {
                if precision {
                    self.report(
                        Rule::DecimalPrecisionChanged,
                        path,
                        format!("decimal precision changed from {p1} to {p2} (was decimal({p1},{s1}), now decimal({p2},{s2}))"),
                    );
                }
                if scale {
                    self.report(
                        Rule::DecimalScaleChanged,
                        path,
                        format!(
                            "decimal scale changed from {s1} to {s2} (was decimal({p1},{s1}), now decimal({p2},{s2}))"
                        ),
                    );
                }
            }
            (LogicalChange::Changed, _, _) => {
                let (before, after) = self.show(prev, cur);
                self.report(Rule::LogicalTypeChanged, path, format!("logical type changed: {before} is now {after}"));
            }
            (LogicalChange::Annotation, _, _) => {
                let (before, after) = self.show(prev, cur);
                self.report(
                    Rule::LogicalTypeAnnotationChanged,
                    path,
                    format!("type changed from {before} to {after} (a logical type annotation; resolution ignores it)"),
                );
            }
            _ => {}
        }
        let (pk, ck) = (&self.previous.get(prev).kind, &self.current.get(cur).kind);
        if matches!((pk, ck), (Kind::String, Kind::Bytes) | (Kind::Bytes, Kind::String)) && self.backward() {
            let (before, after) = self.show(prev, cur);
            self.report(
                Rule::TypePromoted,
                path,
                format!("type changed from {before} to {after} (promotable both ways)"),
            );
        }
    }

    fn record(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        let ((rs, r), (ws, w)) = self.oriented(prev, cur);
        let (Kind::Record(reader), Kind::Record(writer)) = (&rs.get(r).kind, &ws.get(w).kind) else { return };
        for field in &reader.fields {
            let found = writer_field(field, writer).map(|(_, wf)| wf);
            // Paths use the current field name.
            let name = match (self.backward(), found) {
                (false, Some(wf)) => &wf.name,
                _ => &field.name,
            };
            let field_path = format!("{path}.{name}");
            match found {
                Some(wf) => {
                    let (p, c) = self.unoriented(field.ty, wf.ty);
                    self.pair(p, c, &field_path);
                }
                None => {
                    let ty = rs.display(field.ty);
                    match (missing_field_default(field).is_some(), self.backward()) {
                        (true, true) => self.report(
                            Rule::FieldAddedWithDefault,
                            &field_path,
                            format!("field added ({ty}) with a default"),
                        ),
                        (true, false) => self.report(
                            Rule::FieldRemovedWithDefault,
                            &field_path,
                            format!("field removed (was {ty}); readers of the previous schema use its default"),
                        ),
                        (false, true) => self.report(
                            Rule::FieldAddedWithoutDefault,
                            &field_path,
                            format!("field added ({ty}) without a default, so previous data, which lacks it, cannot be read"),
                        ),
                        (false, false) => {
                            let renamed = writer.fields.iter().find(|wf| wf.aliases.contains(&field.name));
                            match renamed {
                                Some(wf) => self.report(
                                    Rule::FieldRenamed,
                                    &field_path,
                                    format!(
                                        "field renamed to `{}` (alias `{}`); readers of the previous schema look for `{}`, which had no default",
                                        wf.name, field.name, field.name
                                    ),
                                ),
                                None => self.report(
                                    Rule::FieldRemovedWithoutDefault,
                                    &field_path,
                                    format!("field removed (was {ty}); readers of the previous schema require it, as it had no default"),
                                ),
                            }
                        }
                    }
                }
            }
        }
    }
}

// The rules below are the one statement of the specification's resolution rules in this
// workspace: the evolution check reports with them and the codec's read plan
// (`crate::codec::resolve::Plan`) reads data with them, so the two cannot disagree.

/// The reader type that resolves `writer`: the reader itself, or for a
/// reader union its first branch of the same type, else its first branch
/// the writer promotes to (the specification's first matching branch).
pub(crate) fn best_match(rs: &Schema, reader: TypeId, ws: &Schema, writer: TypeId) -> Option<TypeId> {
    match &rs.get(reader).kind {
        Kind::Union(branches) => branches
            .iter()
            .copied()
            .find(|&b| matches(rs, b, ws, writer) && !promotes(&ws.get(writer).kind, &rs.get(b).kind))
            .or_else(|| branches.iter().copied().find(|&b| matches(rs, b, ws, writer))),
        _ => matches(rs, reader, ws, writer).then_some(reader),
    }
}

/// Whether the reader type matches the writer type at the top level, as the specification defines it.
pub(crate) fn matches(rs: &Schema, reader: TypeId, ws: &Schema, writer: TypeId) -> bool {
    let (rk, wk) = (&rs.get(reader).kind, &ws.get(writer).kind);
    match (rk, wk) {
        (Kind::Record(_), Kind::Record(_)) | (Kind::Enum(_), Kind::Enum(_)) | (Kind::Fixed(_), Kind::Fixed(_)) => {
            let (Some(rn), Some(wn)) = (rs.named(reader), ws.named(writer)) else { return false };
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

/// The writer field a reader field reads: the one of the same name, else the first whose
/// name is one of the reader field's aliases. `None`: the reader needs the field's default.
pub(crate) fn writer_field<'w>(reader: &Field, writer: &'w Record) -> Option<(usize, &'w Field)> {
    let fields = || writer.fields.iter().enumerate();
    fields()
        .find(|(_, wf)| wf.name == reader.name)
        .or_else(|| fields().find(|(_, wf)| reader.aliases.contains(&wf.name)))
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
    if let Some(index) = reader.symbols.iter().position(|s| s == symbol) {
        return SymbolRead::Known(index);
    }
    match reader.default.as_ref().and_then(|d| reader.symbols.iter().position(|s| s == d)) {
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
