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

/// `time.sleep(...)` under loom, which has no clock: a no-op. A sleep changes when lines come, not
/// which orders are possible, and loom already tries every order of the lock-guarded lines.
/// Not `yield_now`: loom reads a yield as "I cannot progress until another thread does" and
/// stops exploring the yielding thread while any other can run, so a sleeping LoopThread could
/// never finish ahead of a runnable main thread (the contrast model then misses that order).
#[cfg(loom)]
pub fn sleep(_interval: Duration) {}
