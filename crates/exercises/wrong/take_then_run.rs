//! # take-then-run: a wrong answer kept for `--verify-all`
//!
//! `while let Ok(job) = jobs.lock().unwrap().recv()`: the guard is a temporary of the `while
//! let`'s condition, and lives to the end of its body, so the worker holds the lock while it
//! runs the job, and the other worker waits. Every job still runs once and the results are
//! right in every run; but no two jobs ever run at once: a pool of one worker.

use worker_pool::Job;
use worker_pool::sync::Mutex;
use worker_pool::sync::mpsc::Receiver;

/// Takes jobs from `jobs` and runs each with `run`, holding the lock throughout.
pub fn worker(jobs: &Mutex<Receiver<Job>>, run: &dyn Fn(Job) -> u64) -> Vec<(Job, u64)> {
    let mut done = Vec::new();
    while let Ok(job) = jobs.lock().unwrap().recv() {
        done.push((job, run(job)));
    }
    done
}
