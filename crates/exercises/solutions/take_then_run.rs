//! # take-then-run (chapter 8, worker-pool)
//!
//! The Python to port (a worker of a pool whose workers share one queue of jobs, behind a lock,
//! as the Rust pool shares its channel's `Receiver`):
//!
//! ```python
//! def worker(jobs, lock, run):
//!     done = []
//!     while True:
//!         with lock:                      # only to take a job
//!             job = jobs.get()
//!         if job is None:                 # no job left, and none will come
//!             return done
//!         done.append((job, run(job)))    # the lock is free while the job runs
//! ```
//!
//! Your task: `worker` takes a job from `jobs` (lock it, then `recv()`), runs it with
//! `run(job)`, and again, until `recv()` returns `Err` (the queue is empty and every `Sender`
//! gone); it returns every `(job, result)` it ran, in the order it ran them. Hold the lock to
//! take a job, not to run it: while one worker runs its job, another must be able to take the
//! next. The checks start two such workers on one channel. Use `worker_pool::sync` for `Mutex`
//! and `mpsc`.
//!
//! Check it: `cargo xtask learn take-then-run`.

use worker_pool::Job;
use worker_pool::sync::Mutex;
use worker_pool::sync::mpsc::Receiver;

/// Takes jobs from `jobs` and runs each with `run`, until none is left; what it ran, in order.
pub fn worker(jobs: &Mutex<Receiver<Job>>, run: &dyn Fn(Job) -> u64) -> Vec<(Job, u64)> {
    let mut done = Vec::new();
    loop {
        // The guard is a temporary of this statement: the lock is released here, before the
        // job runs.
        let next = jobs.lock().unwrap().recv();
        let Ok(job) = next else { break };
        done.push((job, run(job)));
    }
    done
}
