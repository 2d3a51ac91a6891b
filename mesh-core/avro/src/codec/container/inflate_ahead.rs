//! Decompressing the next block on a thread of its own while the reader decodes the current one:
//! inflating is about a third of reading a deflate file, and this way it overlaps the decoding.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use super::compression::BlockDecompressor;
use super::Compression;

/// One block handed to the worker and back: its bytes, the buffer it decompresses into, and how
/// that went.
pub(super) struct Job {
    pub compressed: Vec<u8>,
    pub out: Vec<u8>,
    pub limit: usize,
    pub result: Result<(), String>,
}

/// The worker thread and the two ends of its queue.
pub(super) struct InflateAhead {
    jobs: Option<SyncSender<Job>>,
    done: Receiver<Job>,
    worker: Option<JoinHandle<()>>,
}

impl InflateAhead {
    /// A worker decompressing `codec`, `depth` jobs at most in flight, or `None` if no thread can
    /// be started (the reader then decompresses inline).
    pub(super) fn start(codec: Compression, depth: usize) -> Option<Self> {
        let (jobs, incoming) = mpsc::sync_channel::<Job>(depth);
        let (finished, done) = mpsc::sync_channel::<Job>(depth);
        let worker = std::thread::Builder::new()
            .name("inflate".into())
            .spawn(move || {
                let mut decompressor = BlockDecompressor::new(codec);
                for mut job in incoming {
                    job.result = decompressor.decompress(&job.compressed, &mut job.out, job.limit);
                    if finished.send(job).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Self { jobs: Some(jobs), done, worker: Some(worker) })
    }

    /// Hands `job` to the worker; gives it back if the worker is gone.
    pub(super) fn send(&self, job: Job) -> Result<(), Job> {
        match &self.jobs {
            Some(jobs) => jobs.send(job).map_err(|e| e.0),
            None => Err(job),
        }
    }

    /// The earliest job sent, done; `None` if the worker is gone (it never panics, so only if it
    /// could not be started).
    pub(super) fn receive(&self) -> Option<Job> {
        self.done.recv().ok()
    }
}

impl Drop for InflateAhead {
    fn drop(&mut self) {
        // Closing the queue ends the worker after the block it may be on; waiting for it keeps a
        // reader from leaving a thread behind.
        self.jobs = None;
        while self.done.try_recv().is_ok() {}
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}
