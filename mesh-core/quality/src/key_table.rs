//! The keys of one uniqueness rule in memory: their bytes in one arena, their counts in one list
//! appended to in order, and a hash table of 8-byte slots pointing into that list, so that
//! counting a million keys makes no allocation per key (a `HashMap<Vec<u8>, _>` made two, and its
//! SipHash was most of the validator's time).
//!
//! The table is what every key looks up at random, a cache miss each: it is kept small (16 MiB for
//! a million keys, where 56-byte slots took 117 MiB), and keys counted together have their slots
//! loaded together first ([`KeyTable::warm`]), so that their misses overlap instead of coming one
//! after another. The list and the arena are written in order.

use std::hash::BuildHasher;

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
    /// Open addressing with linear probing, at most half full: 0 is an empty slot, else the upper
    /// half of the key's hash (another key's lookup stops there without reading the entry) and
    /// 1 + the entry's index.
    slots: Vec<u64>,
    /// Further locations of duplicated keys (rare), at most `EXAMPLES` with `first` each.
    more: Vec<Vec<Location>>,
    hasher: foldhash::fast::RandomState,
}

/// What one distinct key costs beyond its bytes (its entry, and two slots of the table), roughly.
pub const SLOT_BYTES: usize = std::mem::size_of::<Entry>() + 2 * std::mem::size_of::<u64>();

/// The most distinct keys a table indexes: past it a counter must spill, whatever its budget.
pub const MAX_KEYS: usize = u32::MAX as usize - 1;

/// Slots of an empty table.
const MIN_SLOTS: usize = 16;

impl KeyTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty table with room for `keys` distinct keys.
    pub fn with_capacity(keys: usize) -> Self {
        let keys = keys.min(MAX_KEYS);
        Self {
            arena: Vec::new(),
            entries: Vec::with_capacity(keys),
            slots: vec![0; (keys * 2).next_power_of_two().max(MIN_SLOTS)],
            more: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }

    /// How many distinct keys it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The hash [`KeyTable::add_hashed`] takes for `key`.
    pub fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    /// Loads the first slot each of these hashes looks at, so that the cache misses of the keys
    /// about to be added overlap (their loads are independent), and their lookups then hit.
    pub fn warm(&self, hashes: &[u64]) {
        let mask = self.slots.len() - 1;
        std::hint::black_box(hashes.iter().fold(0, |all, &hash| all ^ self.slots[hash as usize & mask]));
    }

    /// Counts `count` occurrences of `key` at `locations`; whether the key is new. The caller
    /// keeps the table under [`MAX_KEYS`] keys.
    pub fn add(&mut self, key: &[u8], count: u64, locations: &[Location]) -> bool {
        self.add_hashed(self.hash(key), key, count, locations)
    }

    /// As [`KeyTable::add`], `hash` being [`KeyTable::hash`] of `key`.
    pub fn add_hashed(&mut self, hash: u64, key: &[u8], count: u64, locations: &[Location]) -> bool {
        let (mask, tag) = (self.slots.len() - 1, hash >> 32 << 32);
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                break;
            }
            if slot & !u64::from(u32::MAX) == tag {
                let index = (slot as u32 - 1) as usize;
                let entry = &self.entries[index];
                if &self.arena[entry.start..entry.start + entry.len as usize] == key {
                    let entry = &mut self.entries[index];
                    entry.count += count;
                    absorb(entry, &mut self.more, locations);
                    return false;
                }
            }
            at = (at + 1) & mask;
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(key);
        let (first, rest) = locations.split_first().map_or((Location::default(), &[][..]), |(f, r)| (*f, r));
        let mut entry = Entry { hash, start, len: key.len() as u32, more: 0, count, first };
        if !rest.is_empty() {
            absorb(&mut entry, &mut self.more, rest);
        }
        self.entries.push(entry);
        self.slots[at] = tag | self.entries.len() as u64;
        if self.entries.len() * 2 > self.slots.len() {
            self.grow();
        }
        true
    }

    /// Twice the slots, every entry placed again.
    fn grow(&mut self) {
        let mut slots = vec![0u64; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for (index, entry) in self.entries.iter().enumerate() {
            let mut at = entry.hash as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = entry.hash >> 32 << 32 | (index as u64 + 1);
        }
        self.slots = slots;
    }

    /// Hands every key, its count and its earliest locations (sorted) to `each`, in the order the
    /// keys first came, emptying the table.
    pub fn drain(&mut self, mut each: impl FnMut(&[u8], u64, &[Location])) {
        let arena = std::mem::take(&mut self.arena);
        let mut more = std::mem::take(&mut self.more);
        self.slots = vec![0; MIN_SLOTS];
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

    #[test]
    fn a_table_grown_from_empty_finds_every_key_again() {
        let mut table = KeyTable::new();
        let key = |i: u32| format!("key-{}", i % 10_000).into_bytes();
        // 10,000 distinct keys (the table doubles ten times on the way), each added 3 times.
        for i in 0..30_000u32 {
            let batch: Vec<u64> = (i..i + 8).map(|j| table.hash(&key(j))).collect();
            table.warm(&batch);
            assert_eq!(table.add(&key(i), 1, &[at(u64::from(i))]), i < 10_000, "{i}");
        }
        assert_eq!(table.len(), 10_000);
        let mut seen = 0;
        table.drain(|key, count, locations| {
            let i: u64 = std::str::from_utf8(key).unwrap()[4..].parse().unwrap();
            assert_eq!((count, locations), (3, &[at(i), at(i + 10_000), at(i + 20_000)][..]));
            seen += 1;
        });
        assert_eq!((seen, table.len()), (10_000, 0));
    }
}
