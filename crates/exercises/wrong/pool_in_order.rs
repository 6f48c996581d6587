//! # pool-in-order: a wrong answer kept for `--verify-all`
//!
//! The results are collected in the order the workers hand them back: every result of
//! `worker-1`, then every result of `worker-2`. In a plain run of a few small jobs `worker-1`
//! has usually taken them all before `worker-2` starts, so the order looks right; when
//! `worker-2` runs the first job, it is not.

use std::sync::Arc;

use worker_pool::Job;
use worker_pool::sync::{Mutex, mpsc, thread};

/// `f` on every item, run by `workers` named threads; the results as the workers hand them back.
pub fn map_in_order(workers: usize, f: fn(u64) -> u64, items: Vec<u64>) -> Vec<u64> {
    let (sender, receiver) = mpsc::channel();
    for job in 0..items.len() {
        sender.send(job as Job).expect("a receiver lives");
    }
    drop(sender);
    let receiver = Arc::new(Mutex::new(receiver));
    let items = Arc::new(items);
    let handles: Vec<_> = (1..=workers)
        .map(|k| {
            let (receiver, items) = (Arc::clone(&receiver), Arc::clone(&items));
            thread::Builder::new()
                .name(format!("worker-{k}"))
                .spawn(move || worker_pool::worker(&receiver, |job| f(items[job])))
                .expect("failed to spawn thread")
        })
        .collect();
    let mut results = Vec::with_capacity(items.len());
    for handle in handles {
        for (job, result) in handle.join().expect("a worker panicked") {
            results.push(result.unwrap_or_else(|message| panic!("job {job} panicked: {message}")));
        }
    }
    results
}
