//! The one place where the pool's threads, its lock and its channel come from std or from loom.
//!
//! The binary uses std: `std::thread`, `std::sync::Mutex` and `std::sync::mpsc`. The proofs
//! (`tests/proofs.rs`, built with `RUSTFLAGS="--cfg loom"`) use loom's threads and `Mutex`, and
//! channel-ledger's facade channel (`crates/channel-ledger/src/sync/channel.rs`): std's
//! semantics built on loom's `Mutex` and `Condvar`, because loom 0.7.3's own `mpsc` never
//! returns `Err` from `recv` once every `Sender` is gone, and that `Err` is how this pool's
//! workers learn that the jobs have ended. So the model checker runs the very same `worker`,
//! `map` and dispatch as the binary.
//!
//! `thread::scope` has no loom twin: [`crate::map_borrowed`], the version that borrows its
//! input, exists in the normal build only (it shares every step but the spawn with the
//! version the proofs run; see the chapter).

#[cfg(not(loom))]
pub use std::{
    sync::{Mutex, MutexGuard, mpsc},
    thread,
};

#[cfg(loom)]
pub use channel_ledger::sync::channel as mpsc;
#[cfg(loom)]
pub use loom::{
    sync::{Mutex, MutexGuard},
    thread,
};
