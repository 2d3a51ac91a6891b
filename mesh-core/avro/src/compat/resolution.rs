//! The Avro specification's schema-resolution rules, applied to a previous
//! and a current schema in one direction at a time.
//!
//! Backward: the current schema reads data written with the previous one.
//! Forward: the previous schema reads data written with the current one.
//! Each problem is reported in terms of the change (previous -> current) at
//! the path where it happens, so both directions speak the same language.
//! Which reader type reads which writer type is the schema's resolution rules
//! (`crate::schema::resolution`), the same the codec's read plan follows; this
//! walks them and names each problem by its rule.

use std::collections::HashSet;

use super::rules::{Breaks, Change, Rule};
use crate::schema::resolution::{
    field_reads, known_logical, pair, promotes, read_symbol, FieldRead, LogicalChange, Matched, Pairing, SymbolRead,
};
use crate::schema::{Field, Kind, Logical, Record, Schema, TypeId};

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
    /// The (rule, path) pairs reported: a repeat in one direction adds nothing to the merged
    /// changes (see `classify`), so its message is not even written (a union losing thousands of
    /// branches would write the union once per branch).
    reported: HashSet<(Rule, String)>,
    pub(crate) changes: Vec<Change>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(previous: &'a Schema, current: &'a Schema, direction: Direction) -> Self {
        Self { previous, current, direction, seen: HashSet::new(), reported: HashSet::new(), changes: Vec::new() }
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

    fn report(&mut self, rule: Rule, path: &str, message: impl FnOnce(&Self) -> String) {
        if !self.reported.insert((rule, path.to_string())) {
            return;
        }
        let message = message(self);
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

    // One call per level of the schemas' nesting: the reports sit in helpers, so that the
    // recursive frame stays small for deep schemas.
    fn pair(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        // A pair already under way or done: recursive types terminate, shared named types report once.
        if !self.seen.insert((prev, cur)) {
            return;
        }
        let ((rs, r), (ws, w)) = self.oriented(prev, cur);
        match pair(rs, r, ws, w) {
            Pairing::WriterUnion(reads) => {
                let Kind::Union(writer_branches) = &ws.get(w).kind else { return };
                for (&branch, read) in writer_branches.iter().zip(reads) {
                    match read {
                        Some(reader) => {
                            let (p, c) = self.unoriented(reader.ty, branch);
                            self.pair(p, c, path);
                        }
                        None => self.unreadable_branch(prev, cur, branch, path),
                    }
                }
            }
            Pairing::ReaderUnion(Some(reader)) => {
                let (p, c) = self.unoriented(reader.ty, w);
                self.pair(p, c, path);
            }
            Pairing::ReaderUnion(None) => self.unreadable(prev, cur, path),
            Pairing::Renamed | Pairing::Mismatch => self.mismatch(prev, cur, path),
            Pairing::Matched(matched, logical) => {
                match matched {
                    Matched::Array { reader, writer } => {
                        let (p, c) = self.unoriented(reader, writer);
                        self.pair(p, c, &format!("{path}[]"));
                    }
                    Matched::Map { reader, writer } => {
                        let (p, c) = self.unoriented(reader, writer);
                        self.pair(p, c, &format!("{path}{{}}"));
                    }
                    Matched::Record => self.record(prev, cur, path),
                    Matched::Enum => self.enumeration(prev, cur, path),
                    Matched::Fixed { sizes_match: false } => self.fixed_size(prev, cur, path),
                    Matched::Fixed { sizes_match: true } | Matched::Primitive => {}
                }
                self.logical(prev, cur, logical, path);
            }
        }
    }

    /// A writer's type no branch of the reader's union reads.
    #[inline(never)]
    fn unreadable(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        self.report(Rule::FieldTypeChanged, path, |this| {
            let (before, after) = this.show(prev, cur);
            format!("type changed from {before} to {after}")
        });
    }

    #[inline(never)]
    fn fixed_size(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        let ((rs, r), (ws, w)) = self.oriented(prev, cur);
        let (Kind::Fixed(rf), Kind::Fixed(wf)) = (&rs.get(r).kind, &ws.get(w).kind) else { return };
        let (before, after) = if self.backward() { (wf.size, rf.size) } else { (rf.size, wf.size) };
        self.report(Rule::FixedSizeChanged, path, |_| {
            format!("fixed {}: size changed from {before} to {after} bytes", rf.named.full_name)
        });
    }

    #[inline(never)]
    fn enumeration(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        let ((rs, r), (ws, w)) = self.oriented(prev, cur);
        let (Kind::Enum(re), Kind::Enum(we)) = (&rs.get(r).kind, &ws.get(w).kind) else { return };
        let unknown: Vec<&str> = we
            .symbols
            .iter()
            .filter(|s| !matches!(read_symbol(re, s), SymbolRead::Known(_)))
            .map(String::as_str)
            .collect();
        if unknown.is_empty() {
            return;
        }
        let name = &re.named.full_name;
        let list = || unknown.join(", ");
        match (&re.default, self.backward()) {
            (Some(default), true) => self.report(Rule::EnumSymbolChangedWithDefault, path, |_| {
                format!("enum {name}: symbols {} removed; previous data holding them reads as the default {default}", list())
            }),
            (Some(default), false) => self.report(Rule::EnumSymbolChangedWithDefault, path, |_| {
                format!("enum {name}: symbols {} added; readers of the previous schema read them as its default {default}", list())
            }),
            (None, true) => self.report(Rule::EnumSymbolRemovedWithoutDefault, path, |_| {
                format!("enum {name}: symbols {} removed and the enum has no default, so previous data holding them cannot be read", list())
            }),
            (None, false) => self.report(Rule::EnumSymbolAddedWithoutDefault, path, |_| {
                format!("enum {name}: symbols {} added, but the previous enum has no default, so its readers cannot read them", list())
            }),
        }
    }

    /// A writer's union branch that no reader type accepts.
    #[inline(never)]
    fn unreadable_branch(&mut self, prev: TypeId, cur: TypeId, branch: TypeId, path: &str) {
        let ws = self.oriented(prev, cur).1 .0;
        if self.backward() {
            self.report(Rule::UnionBranchRemoved, path, |this| {
                let (before, after) = this.show(prev, cur);
                let branch = ws.display(branch);
                format!("type changed from {before} to {after}: previous data holding {branch} cannot be read")
            });
        } else {
            self.report(Rule::UnionBranchAdded, path, |this| {
                let (before, after) = this.show(prev, cur);
                let branch = ws.display(branch);
                format!(
                    "type changed from {before} to {after}: readers of the previous schema cannot read {branch} values"
                )
            });
        }
    }

    #[inline(never)]
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
            self.report(Rule::NameChanged, path, |_| message);
        } else if promotes(&rs.get(r).kind, &ws.get(w).kind) {
            // The writer would promote to the reader, so the reverse is the narrowing direction.
            let rule = if self.backward() { Rule::FieldTypeNarrowed } else { Rule::FieldTypeWidened };
            let consequence = if self.backward() {
                "previous data cannot be read with the narrower type"
            } else {
                "readers of the previous schema cannot read the wider values"
            };
            self.report(rule, path, |_| format!("type changed from {before} to {after}: {consequence}"));
        } else {
            self.report(Rule::FieldTypeChanged, path, |_| format!("type changed from {before} to {after}"));
        }
    }

    #[inline(never)]
    fn logical(&mut self, prev: TypeId, cur: TypeId, change: LogicalChange, path: &str) {
        let before = known_logical(&self.previous.get(prev).logical);
        let after = known_logical(&self.current.get(cur).logical);
        match (change, before, after) {
            (
                LogicalChange::Decimal { precision, scale },
                Some(Logical::Decimal { precision: p1, scale: s1 }),
                Some(Logical::Decimal { precision: p2, scale: s2 }),
            ) => {
                if precision {
                    self.report(Rule::DecimalPrecisionChanged, path, |_| {
                        format!("decimal precision changed from {p1} to {p2} (was decimal({p1},{s1}), now decimal({p2},{s2}))")
                    });
                }
                if scale {
                    self.report(Rule::DecimalScaleChanged, path, |_| {
                        format!(
                            "decimal scale changed from {s1} to {s2} (was decimal({p1},{s1}), now decimal({p2},{s2}))"
                        )
                    });
                }
            }
            (LogicalChange::Changed, _, _) => self.report(Rule::LogicalTypeChanged, path, |this| {
                let (before, after) = this.show(prev, cur);
                format!("logical type changed: {before} is now {after}")
            }),
            (LogicalChange::Annotation, _, _) => self.report(Rule::LogicalTypeAnnotationChanged, path, |this| {
                let (before, after) = this.show(prev, cur);
                format!("type changed from {before} to {after} (a logical type annotation; resolution ignores it)")
            }),
            _ => {}
        }
        let (pk, ck) = (&self.previous.get(prev).kind, &self.current.get(cur).kind);
        if matches!((pk, ck), (Kind::String, Kind::Bytes) | (Kind::Bytes, Kind::String)) && self.backward() {
            self.report(Rule::TypePromoted, path, |this| {
                let (before, after) = this.show(prev, cur);
                format!("type changed from {before} to {after} (promotable both ways)")
            });
        }
    }

    fn record(&mut self, prev: TypeId, cur: TypeId, path: &str) {
        let ((rs, r), (ws, w)) = self.oriented(prev, cur);
        let (Kind::Record(reader), Kind::Record(writer)) = (&rs.get(r).kind, &ws.get(w).kind) else { return };
        for (field, read) in field_reads(reader, writer) {
            match read {
                FieldRead::Writer(_, wf) => {
                    // Paths use the current field name.
                    let name = if self.backward() { &field.name } else { &wf.name };
                    let (p, c) = self.unoriented(field.ty, wf.ty);
                    self.pair(p, c, &format!("{path}.{name}"));
                }
                FieldRead::Default(_) | FieldRead::Missing => self.missing_field(rs, field, writer, read, path),
            }
        }
    }

    /// A reader field the writer lacks: filled from its default, or not at all.
    #[inline(never)]
    fn missing_field(&mut self, rs: &Schema, field: &Field, writer: &Record, read: FieldRead<'_>, path: &str) {
        let field_path = format!("{path}.{}", field.name);
        let ty = || rs.display(field.ty);
        match (read, self.backward()) {
            (FieldRead::Writer(..), _) => {}
            (FieldRead::Default(_), true) => self.report(Rule::FieldAddedWithDefault, &field_path, |_| {
                format!("field added ({}) with a default", ty())
            }),
            (FieldRead::Default(_), false) => self.report(Rule::FieldRemovedWithDefault, &field_path, |_| {
                format!("field removed (was {}); readers of the previous schema use its default", ty())
            }),
            (FieldRead::Missing, true) => self.report(Rule::FieldAddedWithoutDefault, &field_path, |_| {
                format!("field added ({}) without a default, so previous data, which lacks it, cannot be read", ty())
            }),
            (FieldRead::Missing, false) => match writer.field_aliased(&field.name) {
                Some((_, wf)) => self.report(Rule::FieldRenamed, &field_path, |_| {
                    format!(
                        "field renamed to `{}` (alias `{}`); readers of the previous schema look for `{}`, which had no default",
                        wf.name, field.name, field.name
                    )
                }),
                None => self.report(Rule::FieldRemovedWithoutDefault, &field_path, |_| {
                    format!("field removed (was {}); readers of the previous schema require it, as it had no default", ty())
                }),
            },
        }
    }
}
