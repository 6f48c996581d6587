//! The one place where the lesson's threads and its channel come from std or from loom.
//!
//! The binary uses std: `std::thread` and `std::sync::mpsc`. The proofs (`tests/proofs.rs`, built
//! with `RUSTFLAGS="--cfg loom"`) use loom's threads and [`channel`], this facade's own channel,
//! so that the model checker runs the very same `teller`, `ledger` and `experiment`.
//!
//! Why a channel of our own under loom: loom 0.7.3's `loom::sync::mpsc` is a stub. Its `recv` on
//! an empty channel blocks whatever the senders (`rt/mpsc.rs` counts messages, not `Sender`s), so
//! it never reports the disconnection that ends this lesson's ledger; and it has no
//! `sync_channel`. [`channel`] is std's semantics (the receiver's `recv` returns `Err` once every
//! `Sender` is dropped and the queue is empty; `sync_channel(k)` holds at most `k` messages) built
//! on loom's `Mutex` and `Condvar`, whose steps loom schedules and searches like any other. In the normal
//! build the same module is built on std's `Mutex` and `Condvar`, and
//! `tests/channel_conformance.rs` runs one set of behavioural checks against it and against
//! `std::sync::mpsc`.

#[cfg(not(loom))]
pub use std::{sync::mpsc, thread};

#[cfg(loom)]
pub use loom::thread;

/// Under loom, the lesson's `mpsc` is the facade's [`channel`].
#[cfg(loom)]
pub use channel as mpsc;

pub mod channel;
