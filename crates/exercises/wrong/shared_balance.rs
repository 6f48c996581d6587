//! # shared-balance: a wrong answer kept for `--verify-all`
//!
//! Every read and every write takes the lock, but on its own: between reading the balance and
//! writing it back, the other thread can change it, and that change is overwritten. In a plain
//! run of a few iterations the threads rarely overlap.

use lock_balance::sync::{Arc, Mutex, thread};

/// `change_it(n)`, `iterations` times, each read and write under its own lock.
pub fn run_thread(balance: &Mutex<i64>, n: i64, iterations: u32) {
    for _ in 0..iterations {
        let read = *balance.lock().unwrap();
        *balance.lock().unwrap() = read + n;
        let read = *balance.lock().unwrap();
        *balance.lock().unwrap() = read - n;
    }
}

/// Runs `Thread-1` (n = 5) and `Thread-2` (n = 8) on one balance; returns it once both ended.
pub fn run(iterations: u32) -> i64 {
    let balance = Arc::new(Mutex::new(0));
    let threads: Vec<thread::JoinHandle<()>> = [("Thread-1", 5), ("Thread-2", 8)]
        .into_iter()
        .map(|(name, n)| {
            let balance = Arc::clone(&balance);
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || run_thread(&balance, n, iterations))
                .expect("failed to spawn thread")
        })
        .collect();
    for t in threads {
        t.join().expect("a thread panicked");
    }
    *balance.lock().unwrap()
}
