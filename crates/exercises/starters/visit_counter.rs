//! # visit-counter (chapter 2, lock-balance)
//!
//! The Python to port:
//!
//! ```python
//! visits = 0
//! lock = threading.Lock()
//!
//! def visit():
//!     global visits
//!     with lock:
//!         visits += 1
//!
//! def count(visits_each):
//!     def run():
//!         for i in range(visits_each):
//!             visit()
//!     t1 = threading.Thread(target=run, name='Thread-1')
//!     t2 = threading.Thread(target=run, name='Thread-2')
//!     t1.start(); t2.start()
//!     t1.join(); t2.join()
//!     return visits
//! ```
//!
//! Your task: the same with no lock, on an `AtomicI64`: `visit` adds 1 in one indivisible step,
//! and `count` shares the counter (in an `Arc`) between `Thread-1` and `Thread-2`, each visiting
//! `visits_each` times, and returns the count. Use `lock_balance::sync` (`AtomicI64`,
//! `Ordering`, `Arc`, `thread`).
//!
//! Check it: `cargo xtask learn visit-counter`.

use lock_balance::sync::{Arc, AtomicI64, Ordering, thread};

/// `visits += 1`, as one indivisible step.
pub fn visit(counter: &AtomicI64) {
    todo!("add 1 in one indivisible step")
}

/// Two threads visit `visits_each` times each; returns the count once both ended.
pub fn count(visits_each: u32) -> i64 {
    todo!("share an Arc<AtomicI64> between two named threads, join them, return the count")
}
