//! A uniqueness rule's keys counted on a thread of their own, so that the hash table's cache
//! misses (a quarter of a validation's time on one core) overlap the decoding of the next records.
//!
//! The validating thread copies each key into a batch; a full batch goes to the rule's counting
//! thread and comes back empty, to be filled again, so nothing is allocated per key or per batch
//! once two batches exist. Keys are counted in the order they were read, by the same
//! [`KeyCounter`], so the counts, the examples and the spilling are exactly those of counting on
//! one thread. A file of a few keys never starts a thread: they are counted at the end.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::unique::{KeyCounter, Location, Uniqueness};

/// Keys per batch: large enough that handing a batch over costs nothing per key.
const BATCH_KEYS: usize = 8192;

/// Keys and their locations, back to back.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    /// Each key's end in `bytes`, and its location.
    keys: Vec<(usize, Location)>,
}

impl Batch {
    fn count_into(&self, counter: &mut KeyCounter) -> io::Result<()> {
        counter.add_all(&self.bytes, &self.keys)
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.keys.clear();
    }
}

/// The counting thread: batches in, empty batches back, the counts at the end.
struct Worker {
    full: Option<SyncSender<Batch>>,
    empty: Receiver<Batch>,
    counted: Option<JoinHandle<io::Result<Uniqueness>>>,
    /// Set when the counter is dropped unfinished: the thread stops counting and removes its
    /// spill files (they may hold decrypted values) without reading them back.
    abandoned: Arc<AtomicBool>,
}

impl Worker {
    /// Moves `counter` to a thread of its own.
    fn start(mut counter: KeyCounter) -> io::Result<Self> {
        // Two batches in flight: one being counted, one being filled.
        let (full, batches) = sync_channel::<Batch>(1);
        let (recycle, empty) = sync_channel::<Batch>(2);
        let abandoned = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&abandoned);
        let counted = std::thread::Builder::new().name("unique".into()).spawn(move || {
            let mut failed = None;
            for mut batch in batches {
                if failed.is_none() && !stop.load(Ordering::Relaxed) {
                    failed = batch.count_into(&mut counter).err();
                }
                batch.clear();
                // Never waits: once the validating thread has as many empty batches as it can
                // take, or has finished, the batch is dropped.
                let _ = recycle.try_send(batch);
            }
            match failed {
                _ if stop.load(Ordering::Relaxed) => Ok(Uniqueness::default()),
                Some(error) => Err(io::Error::new(error.kind(), format!("writing a spill file: {error}"))),
                None => counter.finish(),
            }
        })?;
        Ok(Self { full: Some(full), empty, counted: Some(counted), abandoned })
    }

    /// Hands `batch` over, taking an empty one back if there is one.
    fn send(&self, batch: Batch) -> io::Result<Batch> {
        let next = self.empty.try_recv().unwrap_or_default();
        let sent = self.full.as_ref().map(|full| full.send(batch));
        match sent {
            Some(Ok(())) => Ok(next),
            _ => Err(io::Error::other("the uniqueness counting thread stopped")),
        }
    }

    /// Sends the `last` batch and waits for the counts.
    fn finish(&mut self, last: Batch) -> io::Result<Uniqueness> {
        self.send(last)?;
        self.full = None;
        let counted = self.counted.take().ok_or_else(|| io::Error::other("the uniqueness count was finished"))?;
        counted.join().unwrap_or_else(|_| Err(io::Error::other("the uniqueness counting thread panicked")))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(counted) = self.counted.take() {
            self.abandoned.store(true, Ordering::Relaxed);
            self.full = None;
            let _ = counted.join();
        }
    }
}

/// Where a rule's keys are counted.
enum Counting {
    /// Here, at the end: no more than a batch of keys came so far.
    Here(KeyCounter),
    /// On a thread of their own.
    Threaded(Worker),
}

/// Counts a rule's keys exactly within a memory budget (see [`KeyCounter`]), on a thread of its
/// own once there are more than a batch of them.
pub struct UniqueCounter {
    /// `None` only after the counting thread could not be started.
    counting: Option<Counting>,
    batch: Batch,
}

impl UniqueCounter {
    /// A counter holding at most about `budget` bytes of keys in memory, spilling under `spill_dir`.
    pub fn new(budget: usize, spill_dir: &Path) -> Self {
        Self { counting: Some(Counting::Here(KeyCounter::new(budget, spill_dir))), batch: Batch::default() }
    }

    /// Sizes the table for `records` keys at most (see [`KeyCounter::expecting`]).
    pub fn expecting(mut self, records: Option<u64>) -> Self {
        if let Some(Counting::Here(counter)) = self.counting.take() {
            self.counting = Some(Counting::Here(counter.expecting(records)));
        }
        self
    }

    /// Counts one occurrence of `key` at `location`. Never fails here: a counting thread that
    /// cannot be started or has stopped, or a spill file that cannot be written, is an error of
    /// [`UniqueCounter::finish`] (the keys it could not take are dropped, not held in memory).
    pub fn add(&mut self, key: &[u8], location: Location) {
        self.batch.bytes.extend_from_slice(key);
        self.batch.keys.push((self.batch.bytes.len(), location));
        if self.batch.keys.len() == BATCH_KEYS {
            self.hand_over();
        }
    }

    /// Sends the full batch to the counting thread (started on the first), taking an empty one.
    fn hand_over(&mut self) {
        let full = std::mem::take(&mut self.batch);
        self.counting = match self.counting.take() {
            Some(Counting::Threaded(worker)) => {
                if let Ok(empty) = worker.send(full) {
                    self.batch = empty;
                }
                Some(Counting::Threaded(worker))
            }
            // The counter goes with a thread that cannot start: `finish` says so.
            Some(Counting::Here(counter)) => Worker::start(counter).ok().map(|worker| {
                if let Ok(empty) = worker.send(full) {
                    self.batch = empty;
                }
                Counting::Threaded(worker)
            }),
            None => None,
        };
    }

    /// The counts, once every key was added.
    ///
    /// # Errors
    /// A spill file cannot be written or read back (the message says which), or the counting
    /// thread could not be started.
    pub fn finish(mut self) -> io::Result<Uniqueness> {
        let last = std::mem::take(&mut self.batch);
        match self.counting.take() {
            Some(Counting::Threaded(mut worker)) => worker.finish(last),
            Some(Counting::Here(mut counter)) => {
                last.count_into(&mut counter)?;
                counter.finish()
            }
            None => Err(io::Error::other("the uniqueness counting thread could not be started")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(keys: &[u64], budget: usize, on_thread: bool) -> Uniqueness {
        let dir = tempfile::tempdir().unwrap();
        let at = |i: usize| Location { file: 0, block: (i / 100) as u64, record: (i % 100) as u64 };
        let result = if on_thread {
            let mut counter = UniqueCounter::new(budget, dir.path());
            keys.iter().enumerate().for_each(|(i, key)| counter.add(&key.to_le_bytes(), at(i)));
            counter.finish().unwrap()
        } else {
            let mut counter = KeyCounter::new(budget, dir.path());
            keys.iter().enumerate().for_each(|(i, key)| counter.add(&key.to_le_bytes(), at(i)).unwrap());
            counter.finish().unwrap()
        };
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "spill files are removed");
        result
    }

    #[test]
    fn counting_on_a_thread_gives_exactly_the_counts_of_one_thread() {
        // More than a few batches, with duplicates across batches; in memory and spilled.
        let mut keys: Vec<u64> = (0..50_000).collect();
        keys.extend((0..50_000).step_by(3));
        keys.extend((0..50_000).rev().step_by(997));
        for budget in [usize::MAX, 20_000] {
            let (threaded, inline) = (count(&keys, budget, true), count(&keys, budget, false));
            assert_eq!(threaded, inline, "budget {budget}");
            assert_eq!(threaded.checked, keys.len() as u64);
            assert_eq!(threaded.spilled, budget != usize::MAX);
        }
        // Fewer keys than a batch: counted at the end, no thread.
        assert_eq!(count(&keys[..100], usize::MAX, true), count(&keys[..100], usize::MAX, false));
    }

    #[test]
    fn a_counter_dropped_unfinished_stops_its_thread_and_removes_its_spill_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut counter = UniqueCounter::new(20_000, dir.path());
        for i in 0..100_000u64 {
            counter.add(&i.to_le_bytes(), Location { file: 0, block: 0, record: i });
        }
        // A dozen batches were handed over, at most two of them not yet counted: the first ones
        // went past the budget, so the thread is spilling.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "the counter spills");
        drop(counter);
        // The drop waited for the thread, which removed the spill folder it had made.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no spill files are left behind");
    }
}
