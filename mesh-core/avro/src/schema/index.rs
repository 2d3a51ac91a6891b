//! Names to positions, built once when a schema is parsed: pairing fields by name or alias,
//! enum symbols and union branches then costs a lookup, not a scan (comparing schemas of tens
//! of thousands of fields, symbols or branches was quadratic).

use std::collections::HashMap;
use std::fmt;

use super::types::{Kind, Named};

/// The first position of each name in a list.
#[derive(Clone, Default)]
pub(crate) struct Positions(HashMap<Box<str>, usize>);

impl Positions {
    /// Records `name` at `position` unless it is already there; whether it was new.
    pub(crate) fn insert(&mut self, name: &str, position: usize) -> bool {
        if self.0.contains_key(name) {
            return false;
        }
        self.0.insert(name.into(), position);
        true
    }

    /// The first position of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }
}

// An index is a function of the list it indexes: equal lists have equal indexes, and the list
// itself is what debug output should show.
impl PartialEq for Positions {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Positions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("..")
    }
}

/// A record's fields by name, and by each alias (the first field listing it).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FieldIndex {
    pub(crate) names: Positions,
    pub(crate) aliases: Positions,
}

/// A union's branches by what the resolution rules look them up by: each unnamed kind (a union
/// holds at most one of each), and each named kind by unqualified name and by alias.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnionIndex {
    unnamed: [Option<usize>; UNNAMED_KINDS],
    names: [Positions; NAMED_KINDS],
    aliases: [Positions; NAMED_KINDS],
}

const UNNAMED_KINDS: usize = 10;
const NAMED_KINDS: usize = 3;

/// What a union branch is looked up by.
pub(crate) enum Slot {
    /// An unnamed kind: its slot.
    Unnamed(usize),
    /// A named kind (record, enum, fixed): its slot.
    Named(usize),
}

/// The lookup slot of a kind; `None` for a union, which no union holds.
pub(crate) fn slot(kind: &Kind) -> Option<Slot> {
    Some(match kind {
        Kind::Null => Slot::Unnamed(0),
        Kind::Boolean => Slot::Unnamed(1),
        Kind::Int => Slot::Unnamed(2),
        Kind::Long => Slot::Unnamed(3),
        Kind::Float => Slot::Unnamed(4),
        Kind::Double => Slot::Unnamed(5),
        Kind::Bytes => Slot::Unnamed(6),
        Kind::String => Slot::Unnamed(7),
        Kind::Array(_) => Slot::Unnamed(8),
        Kind::Map(_) => Slot::Unnamed(9),
        Kind::Record(_) => Slot::Named(0),
        Kind::Enum(_) => Slot::Named(1),
        Kind::Fixed(_) => Slot::Named(2),
        Kind::Union(_) => return None,
    })
}

impl UnionIndex {
    /// The index of a union of branches of these kinds, in order.
    pub(crate) fn new<'k>(branches: impl IntoIterator<Item = &'k Kind>) -> Self {
        let mut index = UnionIndex::default();
        for (position, kind) in branches.into_iter().enumerate() {
            match slot(kind) {
                Some(Slot::Unnamed(slot)) => {
                    index.unnamed[slot].get_or_insert(position);
                }
                Some(Slot::Named(slot)) => {
                    if let Some(named) = kind.named() {
                        index.names[slot].insert(named.simple_name(), position);
                        for alias in &named.aliases {
                            index.aliases[slot].insert(alias, position);
                        }
                    }
                }
                None => {}
            }
        }
        index
    }

    /// The first branch of an unnamed kind's slot.
    pub(crate) fn unnamed(&self, slot: usize) -> Option<usize> {
        self.unnamed[slot]
    }

    /// The first branch of a named kind's slot that a writer's type of that name matches: the same
    /// unqualified name, or an alias that is the writer's full name.
    pub(crate) fn named(&self, slot: usize, writer: &Named) -> Option<usize> {
        let by_name = self.names[slot].get(writer.simple_name());
        let by_alias = self.aliases[slot].get(&writer.full_name);
        by_name.into_iter().chain(by_alias).min()
    }
}
