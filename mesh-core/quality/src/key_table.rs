//! The keys of one uniqueness rule in memory: their bytes in one arena, a hash table of slots into
//! it, so that counting a million keys makes no allocation per key (a `HashMap<Vec<u8>, _>` made
//! two, and its SipHash was most of the validator's time).

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::unique::{Location, EXAMPLES};

/// One distinct key: where its bytes are, how often it occurred, its earliest location. Kept small
/// (56 bytes): the table is walked once per record and rule, so its size is memory traffic.
struct Slot {
    hash: u64,
    start: usize,
    len: u32,
    /// 1 + the index of the key's further locations in `KeyTable::more`; 0 for a key seen once.
    more: u32,
    count: u64,
    first: Location,
}

/// Distinct keys with their counts and earliest locations.
pub struct KeyTable {
    arena: Vec<u8>,
    table: HashTable<Slot>,
    /// Further locations of duplicated keys (rare), at most `EXAMPLES` with `first` each.
    more: Vec<Vec<Location>>,
    hasher: foldhash::fast::RandomState,
}

/// What one distinct key costs beyond its bytes (the slot and the table's control byte), roughly.
pub const SLOT_BYTES: usize = std::mem::size_of::<Slot>() + 1;

impl KeyTable {
    /// An empty table.
    pub fn new() -> Self {
        Self {
            arena: Vec::new(),
            table: HashTable::new(),
            more: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }

    /// An empty table with room for `keys` distinct keys.
    pub fn with_capacity(keys: usize) -> Self {
        Self { table: HashTable::with_capacity(keys), ..Self::new() }
    }

    /// Counts `count` occurrences of `key` at `locations`; whether the key is new.
    pub fn add(&mut self, key: &[u8], count: u64, locations: &[Location]) -> bool {
        let hash = self.hasher.hash_one(key);
        let arena = &self.arena;
        if let Some(slot) = self.table.find_mut(hash, |s| &arena[s.start..s.start + s.len as usize] == key) {
            slot.count += count;
            absorb(slot, &mut self.more, locations);
            return false;
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(key);
        let (first, rest) = locations.split_first().map_or((Location::default(), &[][..]), |(f, r)| (*f, r));
        let mut slot = Slot { hash, start, len: key.len() as u32, more: 0, count, first };
        if !rest.is_empty() {
            absorb(&mut slot, &mut self.more, rest);
        }
        self.table.insert_unique(hash, slot, |s| s.hash);
        true
    }

    /// Hands every key, its count and its earliest locations (sorted) to `each`, emptying the table.
    pub fn drain(&mut self, mut each: impl FnMut(&[u8], u64, &[Location])) {
        let arena = std::mem::take(&mut self.arena);
        let mut more = std::mem::take(&mut self.more);
        let mut locations = Vec::with_capacity(EXAMPLES);
        for slot in std::mem::take(&mut self.table) {
            locations.clear();
            locations.push(slot.first);
            if slot.more > 0 {
                locations.append(&mut more[slot.more as usize - 1]);
            }
            each(&arena[slot.start..slot.start + slot.len as usize], slot.count, &locations);
        }
    }
}

/// Adds `locations` to a key's, keeping the earliest `EXAMPLES`, the earliest as `first`.
fn absorb(slot: &mut Slot, more: &mut Vec<Vec<Location>>, locations: &[Location]) {
    if slot.more == 0 {
        more.push(Vec::new());
        slot.more = more.len() as u32;
    }
    let list = &mut more[slot.more as usize - 1];
    list.extend_from_slice(locations);
    list.push(slot.first);
    list.sort_unstable();
    list.truncate(EXAMPLES);
    slot.first = list.remove(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(record: u64) -> Location {
        Location { file: 0, block: 0, record }
    }

    #[test]
    fn counts_keys_and_keeps_the_earliest_locations() {
        let mut table = KeyTable::new();
        assert!(table.add(b"a", 1, &[at(9)]));
        assert!(table.add(b"b", 1, &[at(1)]));
        for record in [8, 7, 6, 5, 4, 3] {
            assert!(!table.add(b"a", 1, &[at(record)]));
        }
        assert!(!table.add(b"a", 2, &[at(0), at(2)]));
        let mut seen = Vec::new();
        table.drain(|key, count, locations| seen.push((key.to_vec(), count, locations.to_vec())));
        seen.sort();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0], (b"a".to_vec(), 9, (0..5).map(|r| at([0, 2, 3, 4, 5][r])).collect::<Vec<_>>()));
        assert_eq!(seen[1], (b"b".to_vec(), 1, vec![at(1)]));
        table.drain(|_, _, _| panic!("drained twice"));
    }
}
