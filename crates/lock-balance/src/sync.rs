//! The one place where the lesson's threads, locks and atomics come from std or from loom.
//!
//! The binary uses std. The proofs (`tests/proofs.rs`, built with `RUSTFLAGS="--cfg loom"`) use
//! loom's look-alikes, so the model checker runs the very same `change_it` and `run_thread`.
//! One thing differs beyond the names: under loom, `AtomicI64` is a thin wrapper around loom's
//! that also writes down each load and store of the balance, so a model can print the timeline of
//! a lost update it found (see `steps`). It offers only what the lesson uses, `load` and `store`.

#[cfg(not(loom))]
pub use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicI64, Ordering},
    },
    thread,
};

#[cfg(loom)]
pub use loom::{
    sync::{Arc, Mutex, atomic::Ordering},
    thread,
};
#[cfg(loom)]
pub use steps::AtomicI64;

/// Loom only: the balance's steps, written down as the model runs.
#[cfg(loom)]
pub mod steps {
    use std::cell::RefCell;

    /// How a step of a thread with no name is recorded: the word std prints in a panic message for
    /// such a thread, as the other lessons print it. Loom's main thread is one.
    pub const UNNAMED: &str = "<unnamed>";

    /// What a thread did to the balance.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Access {
        /// It read the balance, and saw `value`.
        Load,
        /// It wrote `value` into the balance.
        Store,
    }

    /// One step on the balance, in the order loom ran it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Step {
        /// The loom thread's name (`Thread-1`, ...; [`UNNAMED`] for loom's main thread, which has
        /// no name).
        pub thread: String,
        /// Read or write.
        pub access: Access,
        /// The value read or written.
        pub value: i64,
    }

    // Loom runs all of a model's threads as coroutines on the test's own OS thread, so a std
    // thread-local is one log per model, shared by its loom threads and invisible to loom (it is
    // no loom operation: loom never switches threads while it is borrowed). `None`: not recording.
    std::thread_local! {
        static STEPS: RefCell<Option<Vec<Step>>> = const { RefCell::new(None) };
    }

    /// Starts a fresh log of steps on this OS thread (call it at the start of each execution).
    pub fn record() {
        STEPS.with(|steps| *steps.borrow_mut() = Some(Vec::new()));
    }

    /// Stops recording and returns the steps logged since [`record`].
    pub fn take() -> Vec<Step> {
        STEPS.with(|steps| steps.borrow_mut().take().unwrap_or_default())
    }

    fn log(access: Access, value: i64) {
        STEPS.with(|steps| {
            if let Some(steps) = steps.borrow_mut().as_mut() {
                let thread = loom::thread::current();
                let thread = thread.name().unwrap_or(UNNAMED).to_string();
                steps.push(Step {
                    thread,
                    access,
                    value,
                });
            }
        });
    }

    /// Loom's `AtomicI64`, with each load and store also written to the log.
    #[derive(Debug)]
    pub struct AtomicI64(loom::sync::atomic::AtomicI64);

    impl AtomicI64 {
        /// See `std::sync::atomic::AtomicI64::new`.
        pub fn new(value: i64) -> Self {
            AtomicI64(loom::sync::atomic::AtomicI64::new(value))
        }

        /// See `std::sync::atomic::AtomicI64::load`.
        pub fn load(&self, order: super::Ordering) -> i64 {
            let value = self.0.load(order);
            log(Access::Load, value);
            value
        }

        /// See `std::sync::atomic::AtomicI64::store`.
        pub fn store(&self, value: i64, order: super::Ordering) {
            self.0.store(value, order);
            log(Access::Store, value);
        }
    }
}
