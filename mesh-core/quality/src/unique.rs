//! Exact uniqueness over data larger than memory: keys are counted in a hash map until it holds
//! `memory_budget` bytes; then every key (the map's, and each one after) goes to one of
//! [`PARTITIONS`] spill files chosen by its hash. Equal keys land in the same file, so each file is
//! counted on its own with a map of about 1/64 of the keys; a file still over the budget is split
//! again with another hash seed. The counts are exact: no sketch, no sampling.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::key_table::{KeyTable, MAX_KEYS, SLOT_BYTES};

/// Spill files per split.
pub const PARTITIONS: usize = 64;
/// Splits of one partition at most; past it the partition is counted in memory whatever its size.
const MAX_DEPTH: u32 = 4;
/// Example locations kept per duplicated value and per rule.
pub const EXAMPLES: usize = 5;

/// Where a record is: file (index into the validated files), block and record in the block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Index of the file in the run's file list.
    pub file: u32,
    /// 0-based block of the file.
    pub block: u64,
    /// 0-based record in the block.
    pub record: u64,
}

/// The result of counting.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Uniqueness {
    /// Keys counted.
    pub checked: u64,
    /// Records whose key occurs more than once (every occurrence).
    pub failing: u64,
    /// Distinct keys that occur more than once.
    pub duplicated_values: u64,
    /// The earliest duplicate occurrences, with their keys, at most [`EXAMPLES`].
    pub examples: Vec<(Location, Vec<u8>)>,
    /// Whether the keys outgrew the memory budget and were partitioned on disk.
    pub spilled: bool,
}

/// Counts keys exactly within a memory budget, on the calling thread (see
/// [`UniqueCounter`](crate::unique_worker::UniqueCounter) for one that counts on its own).
pub struct KeyCounter {
    budget: usize,
    keys: KeyTable,
    used: usize,
    checked: u64,
    spill: Option<Spill>,
    spill_dir: PathBuf,
}

struct Spill {
    dir: tempfile::TempDir,
    files: Vec<BufWriter<File>>,
}

impl KeyCounter {
    /// A counter holding at most about `budget` bytes of keys in memory, spilling under `spill_dir`.
    pub fn new(budget: usize, spill_dir: &Path) -> Self {
        Self { budget, keys: KeyTable::new(), used: 0, checked: 0, spill: None, spill_dir: spill_dir.to_path_buf() }
    }

    /// Sizes the table for `records` keys at most (capped by the budget), so that it does not grow
    /// and rehash as the keys arrive; `None` keeps the default.
    pub fn expecting(mut self, records: Option<u64>) -> Self {
        if let Some(records) = records {
            // Keys of at least 16 bytes each: the budget holds no more than this many.
            let fit = self.budget / (SLOT_BYTES + 16);
            self.keys = KeyTable::with_capacity((records as usize).min(fit));
        }
        self
    }

    /// Counts one occurrence of `key` at `location`.
    ///
    /// # Errors
    /// A spill file cannot be created or written.
    pub fn add(&mut self, key: &[u8], location: Location) -> io::Result<()> {
        self.add_all(key, &[(key.len(), location)])
    }

    /// Counts the keys of `bytes`, each ending where `keys` says, at its location, in order: as
    /// [`KeyCounter::add`] each, their table slots loaded a few keys at a time so that the cache
    /// misses overlap.
    ///
    /// # Errors
    /// As [`KeyCounter::add`].
    pub fn add_all(&mut self, bytes: &[u8], keys: &[(usize, Location)]) -> io::Result<()> {
        const TOGETHER: usize = 8;
        let mut start = 0;
        for group in keys.chunks(TOGETHER) {
            // Spilled keys go by their partition's hash, not the table's.
            let mut hashes = [0u64; TOGETHER];
            if self.spill.is_none() {
                let mut from = start;
                for (hash, &(end, _)) in hashes.iter_mut().zip(group) {
                    *hash = self.keys.hash(&bytes[from..end]);
                    from = end;
                }
                self.keys.warm(&hashes[..group.len()]);
            }
            for (&hash, &(end, location)) in hashes.iter().zip(group) {
                self.add_hashed(hash, &bytes[start..end], location)?;
                start = end;
            }
        }
        Ok(())
    }

    fn add_hashed(&mut self, hash: u64, key: &[u8], location: Location) -> io::Result<()> {
        self.checked += 1;
        if let Some(spill) = &mut self.spill {
            return write_entry(&mut spill.files[partition(key, 0)], key, 1, &[location]);
        }
        if self.keys.add_hashed(hash, key, 1, &[location]) {
            self.used += key.len() + SLOT_BYTES;
        }
        if self.used > self.budget || self.keys.len() == MAX_KEYS {
            self.start_spilling()?;
        }
        Ok(())
    }

    fn start_spilling(&mut self) -> io::Result<()> {
        let dir = tempfile::Builder::new().prefix(".unique-").tempdir_in(&self.spill_dir)?;
        let files = create_partitions(dir.path())?;
        let mut spill = Spill { dir, files };
        let mut written = Ok(());
        self.keys.drain(|key, count, locations| {
            if written.is_ok() {
                written = write_entry(&mut spill.files[partition(key, 0)], key, count, locations);
            }
        });
        written?;
        self.used = 0;
        self.spill = Some(spill);
        Ok(())
    }

    /// The counts, once every key was added.
    ///
    /// # Errors
    /// A spill file cannot be read back.
    pub fn finish(mut self) -> io::Result<Uniqueness> {
        let mut out = Uniqueness { checked: self.checked, ..Uniqueness::default() };
        match self.spill.take() {
            None => collect(&mut self.keys, &mut out),
            Some(spill) => {
                out.spilled = true;
                let paths = close_partitions(spill.dir.path(), spill.files)?;
                for path in paths {
                    count_partition(&path, 1, self.budget, &mut out)?;
                }
                drop(spill.dir);
            }
        }
        out.examples.sort_unstable();
        out.examples.truncate(EXAMPLES);
        Ok(out)
    }
}

fn collect(keys: &mut KeyTable, out: &mut Uniqueness) {
    keys.drain(|key, count, locations| {
        if count > 1 {
            out.failing += count;
            out.duplicated_values += 1;
            out.examples.extend(locations.iter().map(|l| (*l, key.to_vec())));
            if out.examples.len() > 8 * EXAMPLES {
                out.examples.sort_unstable();
                out.examples.truncate(EXAMPLES);
            }
        }
    });
}

/// Counts one partition file, splitting it again with the next seed while it exceeds the budget.
fn count_partition(path: &Path, depth: u32, budget: usize, out: &mut Uniqueness) -> io::Result<()> {
    let size = std::fs::metadata(path)?.len();
    if size as usize > budget && depth < MAX_DEPTH {
        let dir = path.with_extension("split");
        std::fs::create_dir(&dir)?;
        let mut files = create_partitions(&dir)?;
        read_entries(path, |key, count, locations| {
            write_entry(&mut files[partition(key, depth)], key, count, locations)
        })?;
        std::fs::remove_file(path)?;
        for sub in close_partitions(&dir, files)? {
            count_partition(&sub, depth + 1, budget, out)?;
        }
        return std::fs::remove_dir(&dir);
    }
    let mut keys = KeyTable::new();
    read_entries(path, |key, count, locations| {
        if keys.len() == MAX_KEYS {
            return Err(io::Error::other(format!("{} holds more than {MAX_KEYS} distinct keys", path.display())));
        }
        keys.add(key, count, locations);
        Ok(())
    })?;
    std::fs::remove_file(path)?;
    collect(&mut keys, out);
    Ok(())
}

fn partition(key: &[u8], seed: u32) -> usize {
    // SipHash with fixed keys: the same key always lands in the same file.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    seed.hash(&mut hasher);
    key.hash(&mut hasher);
    (hasher.finish() % PARTITIONS as u64) as usize
}

fn partition_path(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("{index:02}.keys"))
}

fn create_partitions(dir: &Path) -> io::Result<Vec<BufWriter<File>>> {
    (0..PARTITIONS)
        .map(|i| File::create(partition_path(dir, i)).map(|f| BufWriter::with_capacity(1 << 14, f)))
        .collect()
}

fn close_partitions(dir: &Path, files: Vec<BufWriter<File>>) -> io::Result<Vec<PathBuf>> {
    for file in files {
        file.into_inner().map_err(|e| e.into_error())?;
    }
    Ok((0..PARTITIONS).map(|i| partition_path(dir, i)).collect())
}

fn write_entry(out: &mut impl Write, key: &[u8], count: u64, locations: &[Location]) -> io::Result<()> {
    out.write_all(&(key.len() as u32).to_le_bytes())?;
    out.write_all(key)?;
    out.write_all(&count.to_le_bytes())?;
    out.write_all(&[locations.len() as u8])?;
    for l in locations {
        out.write_all(&l.file.to_le_bytes())?;
        out.write_all(&l.block.to_le_bytes())?;
        out.write_all(&l.record.to_le_bytes())?;
    }
    Ok(())
}

fn read_entries(path: &Path, mut each: impl FnMut(&[u8], u64, &[Location]) -> io::Result<()>) -> io::Result<()> {
    let mut input = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut key = Vec::new();
    let mut locations = Vec::new();
    loop {
        let mut len = [0; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        key.resize(u32::from_le_bytes(len) as usize, 0);
        input.read_exact(&mut key)?;
        let mut count = [0; 8];
        input.read_exact(&mut count)?;
        let mut n = [0; 1];
        input.read_exact(&mut n)?;
        locations.clear();
        for _ in 0..n[0] {
            let (mut file, mut block, mut record) = ([0; 4], [0; 8], [0; 8]);
            input.read_exact(&mut file)?;
            input.read_exact(&mut block)?;
            input.read_exact(&mut record)?;
            locations.push(Location {
                file: u32::from_le_bytes(file),
                block: u64::from_le_bytes(block),
                record: u64::from_le_bytes(record),
            });
        }
        each(&key, u64::from_le_bytes(count), &locations)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(keys: &[u64], budget: usize) -> Uniqueness {
        let dir = tempfile::tempdir().unwrap();
        let mut counter = KeyCounter::new(budget, dir.path());
        for (i, key) in keys.iter().enumerate() {
            counter.add(&key.to_le_bytes(), Location { file: 0, block: 0, record: i as u64 }).unwrap();
        }
        let result = counter.finish().unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "spill files are removed");
        result
    }

    #[test]
    fn spilled_counts_equal_in_memory_counts() {
        // 20,000 keys, every 7th repeated once more and every 1000th three more times.
        let mut keys: Vec<u64> = (0..20_000).collect();
        keys.extend((0..20_000).step_by(7));
        keys.extend((0..20_000).step_by(1000).flat_map(|k| [k, k, k]));
        let in_memory = count(&keys, usize::MAX);
        assert!(!in_memory.spilled);
        // A budget of a few hundred keys: spills, and splits partitions again.
        let spilled = count(&keys, 4_000);
        assert!(spilled.spilled);
        let duplicated = (0..20_000u64).filter(|k| k % 7 == 0 || k % 1000 == 0).count() as u64;
        let failing: u64 = (0..20_000u64)
            .map(|k| 1 + u64::from(k % 7 == 0) + if k % 1000 == 0 { 3 } else { 0 })
            .filter(|c| *c > 1)
            .sum();
        for result in [&in_memory, &spilled] {
            assert_eq!(result.checked, keys.len() as u64);
            assert_eq!(result.duplicated_values, duplicated);
            assert_eq!(result.failing, failing);
            assert_eq!(result.examples.len(), EXAMPLES);
            assert_eq!(result.examples[0].0.record, 0, "the earliest duplicate comes first");
        }
        assert_eq!(in_memory.examples, spilled.examples);
    }
}
