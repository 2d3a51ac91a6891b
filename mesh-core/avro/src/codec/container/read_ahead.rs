//! A container reader on a thread of its own: records are read, decompressed and decoded a batch
//! ahead of the code that uses them, so that with two cores reading costs the consumer little.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError};
use std::thread::JoinHandle;

use super::{ContainerError, ContainerErrorKind, ContainerReader, ContainerRecord};

/// Records a batch holds: big enough that handing one over costs nothing per record, small
/// enough that the batches in flight are a few hundred kilobytes.
const BATCH: usize = 1024;

/// One step of the read, as [`ContainerReader`] yields it, with the record's position (its block
/// and index in the block, as [`ContainerReader::position`] gives).
pub type ReadAheadItem<T> = Result<(T, (u64, u64)), ContainerError>;

/// What the consumer hands back to the thread: an emptied batch, and records to decode into.
struct Spare<T> {
    batch: Vec<ReadAheadItem<T>>,
    records: Vec<T>,
}

/// The records of a [`ContainerReader`], decoded on a thread of their own one batch ahead: the
/// same items in the same order (corrupt blocks skipped and reported as the reader was told).
/// Memory: two batches of records in flight.
///
/// Records given back with [`ReadAhead::recycle`] are decoded into again, as
/// [`ContainerReader::read_into`] does, instead of allocating new ones.
pub struct ReadAhead<T: ContainerRecord + Send> {
    /// The current batch, in reverse so the next item is popped from the end.
    batch: Vec<ReadAheadItem<T>>,
    returned: Vec<T>,
    full: Option<Receiver<Vec<ReadAheadItem<T>>>>,
    spare: SyncSender<Spare<T>>,
    worker: Option<JoinHandle<()>>,
    file: String,
}

impl<T: ContainerRecord + Send, R: Read + Send + 'static> ContainerReader<T, R> {
    /// Reads on a thread of its own from now on (see [`ReadAhead`]).
    ///
    /// # Errors
    /// The thread cannot be started.
    pub fn read_ahead(self) -> io::Result<ReadAhead<T>> {
        let file = self.blocks.file.clone();
        let (full_sender, full) = std::sync::mpsc::sync_channel(1);
        let (spare, spares) = std::sync::mpsc::sync_channel(2);
        let worker = std::thread::Builder::new()
            .name("avro-read-ahead".into())
            .spawn(move || decode_batches(self, &full_sender, &spares))?;
        Ok(ReadAhead { batch: Vec::new(), returned: Vec::new(), full: Some(full), spare, worker: Some(worker), file })
    }
}

/// The thread: fills batches until the file ends or the consumer is gone.
fn decode_batches<T: ContainerRecord, R: Read>(
    mut reader: ContainerReader<T, R>,
    full: &SyncSender<Vec<ReadAheadItem<T>>>,
    spares: &Receiver<Spare<T>>,
) {
    let mut pool: Vec<T> = Vec::new();
    loop {
        let mut batch = match spares.try_recv() {
            Ok(spare) => {
                pool.extend(spare.records);
                spare.batch
            }
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => Vec::with_capacity(BATCH),
        };
        let mut ended = false;
        while batch.len() < BATCH {
            let item = match pool.pop() {
                Some(mut record) => match reader.read_into(&mut record) {
                    None => None,
                    Some(Ok(())) => Some(Ok(record)),
                    Some(Err(error)) => {
                        pool.push(record);
                        Some(Err(error))
                    }
                },
                None => reader.next(),
            };
            let Some(item) = item else {
                ended = true;
                break;
            };
            batch.push(item.map(|record| (record, reader.position())));
        }
        batch.reverse();
        // A send fails only when the consumer is gone: then nobody wants the rest.
        if (!batch.is_empty() && full.send(batch).is_err()) || ended {
            return;
        }
    }
}

impl<T: ContainerRecord + Send> ReadAhead<T> {
    /// Gives a record back to be decoded into (its strings and vectors reused).
    pub fn recycle(&mut self, record: T) {
        if self.returned.len() < BATCH {
            self.returned.push(record);
        }
    }

    /// The thread is gone without a last batch: the end, unless it panicked (never silently).
    #[cold]
    fn ended(&mut self) -> Option<ReadAheadItem<T>> {
        let panicked = self.worker.take().is_some_and(|worker| worker.join().is_err());
        panicked.then(|| {
            Err(ContainerError {
                file: self.file.clone(),
                block: None,
                record: None,
                kind: ContainerErrorKind::Io(io::Error::other("the read-ahead thread panicked")),
            })
        })
    }
}

impl<T: ContainerRecord + Send> Iterator for ReadAhead<T> {
    type Item = ReadAheadItem<T>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(item) = self.batch.pop() {
            return Some(item);
        }
        let full = self.full.as_ref()?;
        let emptied = Spare { batch: std::mem::take(&mut self.batch), records: std::mem::take(&mut self.returned) };
        // The thread may hold two spares already (or be gone): then these are freed.
        let _ = self.spare.try_send(emptied);
        match full.recv() {
            Ok(batch) => {
                self.batch = batch;
                self.batch.pop()
            }
            Err(_) => {
                self.full = None;
                self.ended()
            }
        }
    }
}

impl<T: ContainerRecord + Send> Drop for ReadAhead<T> {
    fn drop(&mut self) {
        // Closing the channel first ends a thread waiting to hand over a batch.
        self.full = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}
