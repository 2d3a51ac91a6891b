//! The keys of one uniqueness rule in memory: their bytes in one arena, their counts in one list
//! appended to in order, and a hash table of 4-byte indexes into that list, so that counting a
//! million keys makes no allocation per key (a `HashMap<Vec<u8>, _>` made two, and its SipHash was
//! most of the validator's time).
//!
//! The table is what every key looks up at random: holding only indexes keeps it small (5 bytes
//! a bucket with its control byte, 10 MiB for a million keys, where 56-byte slots took 117 MiB),
//! so fewer lookups miss the caches and fewer pages are touched for the first time, while the
//! list and the arena are written in order.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::unique::{Location, EXAMPLES};

/// One distinct key: where its bytes are, how often it occurred, its earliest location.
struct Entry {
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
    entries: Vec<Entry>,
    /// Indexes into `entries`, by the hash of their key.
    table: HashTable<u32>,
    /// Further locations of duplicated keys (rare), at most `EXAMPLES` with `first` each.
    more: Vec<Vec<Location>>,
    hasher: foldhash::fast::RandomState,
}

/// What one distinct key costs beyond its bytes (its entry, and its index and control byte in the
/// table), roughly.
pub const SLOT_BYTES: usize = std::mem::size_of::<Entry>() + std::mem::size_of::<u32>() + 1;

/// The most distinct keys a table indexes: past it a counter must spill, whatever its budget.
pub const MAX_KEYS: usize = u32::MAX as usize;

impl KeyTable {
    /// An empty table.
    pub fn new() -> Self {
        Self {
            arena: Vec::new(),
            entries: Vec::new(),
            table: HashTable::new(),
            more: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }

    /// An empty table with room for `keys` distinct keys.
    pub fn with_capacity(keys: usize) -> Self {
        let keys = keys.min(MAX_KEYS);
        Self { table: HashTable::with_capacity(keys), entries: Vec::with_capacity(keys), ..Self::new() }
    }

    /// How many distinct keys it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Counts `count` occurrences of `key` at `locations`; whether the key is new. The caller
    /// keeps the table under [`MAX_KEYS`] keys.
    pub fn add(&mut self, key: &[u8], count: u64, locations: &[Location]) -> bool {
        let hash = self.hasher.hash_one(key);
        let (arena, entries) = (&self.arena, &self.entries);
        let same = |&index: &u32| {
            let entry = &entries[index as usize];
            &arena[entry.start..entry.start + entry.len as usize] == key
        };
        if let Some(&index) = self.table.find(hash, same) {
            let entry = &mut self.entries[index as usize];
            entry.count += count;
            absorb(entry, &mut self.more, locations);
            return false;
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(key);
        let (first, rest) = locations.split_first().map_or((Location::default(), &[][..]), |(f, r)| (*f, r));
        let mut entry = Entry { hash, start, len: key.len() as u32, more: 0, count, first };
        if !rest.is_empty() {
            absorb(&mut entry, &mut self.more, rest);
        }
        let index = self.entries.len() as u32;
        self.entries.push(entry);
        let entries = &self.entries;
        self.table.insert_unique(hash, index, |&index| entries[index as usize].hash);
        true
    }

    /// Hands every key, its count and its earliest locations (sorted) to `each`, in the order the
    /// keys first came, emptying the table.
    pub fn drain(&mut self, mut each: impl FnMut(&[u8], u64, &[Location])) {
        let arena = std::mem::take(&mut self.arena);
        let mut more = std::mem::take(&mut self.more);
        self.table = HashTable::new();
        let mut locations = Vec::with_capacity(EXAMPLES);
        for entry in std::mem::take(&mut self.entries) {
            locations.clear();
            locations.push(entry.first);
            if entry.more > 0 {
                locations.append(&mut more[entry.more as usize - 1]);
            }
            each(&arena[entry.start..entry.start + entry.len as usize], entry.count, &locations);
        }
    }
}

/// Adds `locations` to a key's, keeping the earliest `EXAMPLES`, the earliest as `first`.
fn absorb(entry: &mut Entry, more: &mut Vec<Vec<Location>>, locations: &[Location]) {
    if entry.more == 0 {
        more.push(Vec::new());
        entry.more = more.len() as u32;
    }
    let list = &mut more[entry.more as usize - 1];
    list.extend_from_slice(locations);
    list.push(entry.first);
    list.sort_unstable();
    list.truncate(EXAMPLES);
    entry.first = list.remove(0);
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
