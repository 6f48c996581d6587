//! The whole program: the Python `ThreadPoolExecutor` program as plain Rust, before any test
//! scaffolding.
//!
//! Run it with `cargo run -p worker-pool --example prime_pool`. `cargo xtask run-all` checks its
//! output against `prime_pool.txt` beside it.

use std::sync::{Mutex, mpsc};
use std::thread;

// def count_primes(n):
fn count_primes(n: u64) -> u64 {
    let mut count = 0;
    for k in 2..n {
        let mut d = 2;
        while d * d <= k && k % d != 0 {
            d += 1;
        }
        if d * d > k {
            count += 1; // no divisor up to its square root: k is prime
        }
    }
    count
}

fn main() {
    let items: &[u64] = &[
        80_000, 10_000, 70_000, 20_000, 60_000, 30_000, 50_000, 40_000,
    ];
    let mut results = vec![0; items.len()];
    let (jobs, receiver) = mpsc::channel();
    // One queue, shared by the workers: each job is taken once.
    let receiver = Mutex::new(receiver);
    let (done, finished) = mpsc::channel();
    // with ThreadPoolExecutor(max_workers=4) as executor:
    thread::scope(|scope| {
        for _ in 0..4 {
            let (receiver, done) = (&receiver, done.clone());
            scope.spawn(move || {
                loop {
                    // work_queue.get(): the lock is released after this line
                    let Ok(place) = receiver.lock().unwrap().recv() else {
                        break; // no job left, and the Sender is gone
                    };
                    let n = items[place]; // borrowed: the scope outlives us
                    done.send((place, count_primes(n))).unwrap();
                }
            });
        }
        drop(done); // only the workers' Senders are left
        for place in 0..items.len() {
            jobs.send(place).unwrap(); // executor.map(count_primes, items)
        }
        drop(jobs); // no more jobs: each worker's recv returns Err, and it ends
        for (place, count) in finished {
            results[place] = count; // back in input order
        }
    }); // the end of the with block: every worker is joined here
    for (n, count) in items.iter().zip(results) {
        // print('primes below %d: %d' % (n, count))
        println!("primes below {n}: {count}");
    }
}
