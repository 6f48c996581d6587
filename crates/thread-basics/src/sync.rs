//! The `cfg(loom)` facade: the only place where the binary's std and the proofs' loom differ.
//!
//! Under `--cfg loom` the lesson's thread, its lock and its `Arc` are loom's, so every line the two
//! threads print goes through a lock that loom schedules around; otherwise they are std's.

#[cfg(not(loom))]
pub use std::{
    sync::{Arc, Mutex},
    thread,
};

#[cfg(loom)]
pub use loom::{
    sync::{Arc, Mutex},
    thread,
};

use std::time::Duration;

/// `time.sleep(...)`: std sleeps for real.
#[cfg(not(loom))]
pub fn sleep(interval: Duration) {
    thread::sleep(interval);
}

/// `time.sleep(...)` under loom, which has no clock: a sleep's only effect on ordering is that other
/// threads may run meanwhile, so it becomes `yield_now`, a point where loom switches threads.
#[cfg(loom)]
pub fn sleep(_interval: Duration) {
    thread::yield_now();
}
