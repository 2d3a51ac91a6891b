//! A thread of a reader's or writer's own that (de)compresses blocks while the reader decodes or
//! the writer encodes the next: deflate is about a third of reading a file and most of writing
//! one, and this way it runs beside the records' own work.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

/// The thread and the two ends of its queue: jobs go in and come back done, in order, at most
/// `depth` of them in flight.
pub(super) struct BlockWorker<J> {
    jobs: Option<SyncSender<J>>,
    done: Option<Receiver<J>>,
    thread: Option<JoinHandle<()>>,
}

impl<J: Send + 'static> BlockWorker<J> {
    /// A thread named `name` doing `work` on each job, or `None` if no thread can be started (the
    /// caller then does the work itself).
    pub(super) fn start(name: &str, depth: usize, mut work: impl FnMut(&mut J) + Send + 'static) -> Option<Self> {
        let (jobs, incoming) = mpsc::sync_channel::<J>(depth);
        // As deep as the jobs' queue: the thread never waits to hand a job back.
        let (finished, done) = mpsc::sync_channel::<J>(depth);
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                for mut job in incoming {
                    work(&mut job);
                    if finished.send(job).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Self { jobs: Some(jobs), done: Some(done), thread: Some(thread) })
    }

    /// Hands `job` over; gives it back if the thread is gone.
    pub(super) fn send(&self, job: J) -> Result<(), J> {
        match &self.jobs {
            Some(jobs) => jobs.send(job).map_err(|e| e.0),
            None => Err(job),
        }
    }

    /// The earliest job sent, done; `None` if the thread is gone (only if `work` panicked).
    pub(super) fn receive(&self) -> Option<J> {
        self.done.as_ref()?.recv().ok()
    }
}

impl<J> Drop for BlockWorker<J> {
    fn drop(&mut self) {
        // Closing both queues ends the thread after the job it may be on (handing it back fails,
        // so the queue of finished jobs closes first), the jobs queued behind it never done;
        // waiting for it leaves no thread behind.
        self.done = None;
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
