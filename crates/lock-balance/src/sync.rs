//! The one place where the lesson's threads, locks and atomics come from std or from loom.
//!
//! The binary uses std. The proofs (`tests/proofs.rs`, built with `RUSTFLAGS="--cfg loom"`) use
//! loom's look-alikes, so the model checker runs the very same `change_it` and `run_thread`.
//! One thing differs beyond the names: under loom, `Mutex` and `AtomicI64` are thin wrappers
//! around loom's that also write down what each thread does to the balance, at the operations the
//! lesson performs anyway: taking the lock (the balance it finds), releasing it (the balance it
//! leaves), and each load, store and `fetch_add`/`fetch_sub` (see `steps`). So a model can print
//! the schedule of a failure it found, in the lesson's terms. Reading or writing through the
//! guard (`*guard`) records nothing, as with std: it is plain memory, seen only by the thread
//! that holds the lock, and what it did shows in the balance that thread leaves at the release.
//! The wrappers offer only what the lesson and the chapter's "Try it" edits use; anything else of
//! std's API fails to compile under loom rather than behave differently.

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
    sync::{Arc, atomic::Ordering},
    thread,
};
#[cfg(loom)]
pub use steps::{AtomicI64, Mutex};

/// Loom only: the balance's steps, written down as the model runs.
#[cfg(loom)]
pub mod steps {
    use std::cell::RefCell;
    use std::ops::{Deref, DerefMut};
    use std::sync::{LockResult, PoisonError};

    /// How a step of a thread with no name is recorded: the word std prints in a panic message for
    /// such a thread, as the other lessons print it. Loom's main thread is one.
    pub const UNNAMED: &str = "<unnamed>";

    /// What a thread did to the balance.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Access {
        /// It read the atomic balance, and saw `value`.
        Load,
        /// It wrote `value` into the atomic balance.
        Store,
        /// One indivisible step, `fetch_add(n)` (or `fetch_sub`, as a negative `n`): it found
        /// `value` and left `value + n`.
        FetchAdd(i64),
        /// It took the lock, and found the balance at `value`.
        Lock,
        /// It released the lock (dropped the guard), leaving the balance at `value`.
        Unlock,
    }

    /// One step on the balance, in the order loom ran it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Step {
        /// The loom thread's name (`Thread-1`, ...; [`UNNAMED`] for loom's main thread, which has
        /// no name).
        pub thread: String,
        /// What it did.
        pub access: Access,
        /// The value it read, wrote or found (see [`Access`]).
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

    /// Loom's `AtomicI64`, with each access also written to the log.
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

        /// See `std::sync::atomic::AtomicI64::fetch_add`. Not used by the lesson: here so that the
        /// chapter's "Try it" edit, `fetch_add`/`fetch_sub` in `unlocked::change_it`, compiles
        /// under loom too, and its failing contrast shows each line as one step.
        pub fn fetch_add(&self, n: i64, order: super::Ordering) -> i64 {
            let found = self.0.fetch_add(n, order);
            log(Access::FetchAdd(n), found);
            found
        }

        /// See `std::sync::atomic::AtomicI64::fetch_sub` (as [`AtomicI64::fetch_add`]).
        pub fn fetch_sub(&self, n: i64, order: super::Ordering) -> i64 {
            let found = self.0.fetch_sub(n, order);
            log(Access::FetchAdd(-n), found);
            found
        }
    }

    /// Loom's `Mutex` around the balance, with each lock and release written to the log.
    ///
    /// `T: Copy + Into<i64>`: the log writes down the balance's value, as an `i64`, when the lock
    /// is taken and when it is released; the lesson's `Mutex<i64>` is the one use.
    #[derive(Debug)]
    pub struct Mutex<T>(loom::sync::Mutex<T>);

    impl<T: Copy + Into<i64>> Mutex<T> {
        /// See `std::sync::Mutex::new`.
        pub fn new(value: T) -> Self {
            Mutex(loom::sync::Mutex::new(value))
        }

        /// See `std::sync::Mutex::lock`. (Loom never poisons a lock; the `Err` arm keeps the
        /// signature std's.)
        pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
            let guard = match self.0.lock() {
                Ok(guard) => MutexGuard(guard),
                Err(poisoned) => {
                    return Err(PoisonError::new(MutexGuard(
                        poisoned.into_inner(),
                    )));
                }
            };
            // Logged once the lock is held, so no other thread's step comes between.
            log(Access::Lock, (*guard.0).into());
            Ok(guard)
        }
    }

    /// The guard of [`Mutex`]: as std's, `*guard` and `&mut *guard` only reach the balance;
    /// dropping it (the release) is logged, with the balance it leaves.
    #[derive(Debug)]
    pub struct MutexGuard<'a, T: Copy + Into<i64>>(
        loom::sync::MutexGuard<'a, T>,
    );

    impl<T: Copy + Into<i64>> Deref for MutexGuard<'_, T> {
        type Target = T;

        fn deref(&self) -> &T {
            &self.0
        }
    }

    impl<T: Copy + Into<i64>> DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            &mut self.0
        }
    }

    impl<T: Copy + Into<i64>> Drop for MutexGuard<'_, T> {
        fn drop(&mut self) {
            // Still held: the inner guard is dropped, and the lock released, after this.
            log(Access::Unlock, (*self.0).into());
        }
    }
}
