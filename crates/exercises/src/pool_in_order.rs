//! # pool-in-order (chapter 8, worker-pool)
//!
//! The Python to port (what `ThreadPoolExecutor.map` does for you):
//!
//! ```python
//! def map_in_order(workers, f, items):
//!     jobs = queue.SimpleQueue()
//!     for job in range(len(items)):
//!         jobs.put(job)                       # every job queued, in input order
//!     done = [[] for _ in range(workers)]     # what each worker ran: (job, result)
//!     def work(mine):
//!         while True:
//!             try:
//!                 job = jobs.get_nowait()
//!             except queue.Empty:
//!                 return                      # no job left
//!             mine.append((job, f(items[job])))
//!     threads = [threading.Thread(target=work, args=(done[k],), name='worker-%d' % (k + 1))
//!                for k in range(workers)]
//!     for t in threads:
//!         t.start()
//!     for t in threads:
//!         t.join()
//!     results = [None] * len(items)
//!     for mine in done:
//!         for job, result in mine:
//!             results[job] = result           # at its job's place, whoever ran it
//!     return results
//! ```
//!
//! Your task: `map_in_order` runs `f` on every item in a pool of `workers` threads named
//! `worker-1`, `worker-2`, ..., and returns the results in input order, whichever worker ran
//! each job and whenever it finished. Send the jobs `0..items.len()` (as `Job`s, a `u32`: a job
//! is its item's place) on an `mpsc::channel()`, and drop the `Sender`; share the `Receiver`
//! behind an `Arc<Mutex<_>>`; let each worker run the lesson's own loop,
//! `worker_pool::worker(&receiver, |job| f(items[job]))`, which hands back, when joined, every
//! `(job, result)` it ran, in the order it ran them (`result` is `Err` with the message if the
//! job panicked). Share the items with `std::sync::Arc`. Use `worker_pool::sync` for `thread`,
//! `Mutex` and `mpsc`.
//!
//! Check it: `cargo xtask learn pool-in-order`.

use std::sync::Arc;

use worker_pool::Job;
use worker_pool::sync::{Mutex, mpsc, thread};

/// `f` on every item, run by `workers` named threads that share one channel of jobs; the
/// results in input order.
pub fn map_in_order(workers: usize, f: fn(u64) -> u64, items: Vec<u64>) -> Vec<u64> {
    todo!("send the jobs, start the named workers, join them, put each result at its place")
}
