//! # shared-balance (chapter 2, lock-balance)
//!
//! The Python to port (the seed's lock program):
//!
//! ```python
//! balance = 0
//! lock = threading.Lock()
//!
//! def change_it(n):
//!     global balance
//!     balance = balance + n
//!     balance = balance - n
//!
//! def run_thread(n, iterations):
//!     for i in range(iterations):
//!         with lock:
//!             change_it(n)
//!
//! def run(iterations):
//!     t1 = threading.Thread(target=run_thread, args=(5, iterations), name='Thread-1')
//!     t2 = threading.Thread(target=run_thread, args=(8, iterations), name='Thread-2')
//!     t1.start(); t2.start()
//!     t1.join(); t2.join()
//!     return balance          # always 0
//! ```
//!
//! Your task: `run_thread` does `change_it(n)` `iterations` times, both lines of it under the
//! lock; `run` shares one `Mutex<i64>` (in an `Arc`) between `Thread-1` (n = 5) and `Thread-2`
//! (n = 8), joins them and returns the balance. Use `lock_balance::sync`.
//!
//! Check it: `cargo xtask learn shared-balance`.

use lock_balance::sync::{Arc, Mutex, thread};

/// `change_it(n)`, `iterations` times, each time under the lock.
pub fn run_thread(balance: &Mutex<i64>, n: i64, iterations: u32) {
    todo!("both lines of change_it under one guard, iterations times")
}

/// Runs `Thread-1` (n = 5) and `Thread-2` (n = 8) on one balance; returns it once both ended.
pub fn run(iterations: u32) -> i64 {
    todo!("share an Arc<Mutex<i64>> between two named threads, join them, return the balance")
}
