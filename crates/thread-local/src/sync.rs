//! The only place the binary (std) and the proofs (loom, `--cfg loom`) differ.
//!
//! `thread_local` is a macro: re-exporting it lets `lib.rs` declare its thread-local once, for both
//! builds. The two are not interchangeable under loom: loom runs all its threads on one OS thread,
//! so std's `thread_local!` would hand every loom thread the *same* slot; loom's keeps one per loom
//! thread and drops it when that loom thread ends, as std's does for real threads.

#[cfg(not(loom))]
pub use std::{
    sync::{Arc, Mutex},
    thread, thread_local,
};

#[cfg(loom)]
pub use loom::{
    sync::{Arc, Mutex},
    thread, thread_local,
};
