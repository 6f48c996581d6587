//! The one place where the lesson's threads and locks come from std or from loom.
//!
//! The binary uses std. The proofs (`tests/proofs.rs`, built with `RUSTFLAGS="--cfg loom"`) use
//! loom's look-alikes, so the model checker runs the very same `transfer` and `run_thread`. One
//! thing differs beyond the names: under loom, `Mutex` is a thin wrapper around loom's that also
//! writes down what each thread does with each account's lock (waits for it, takes it and finds
//! the balance, releases it and leaves the balance), so a model can say who held which lock and
//! who waited for which, and check the total whenever no lock is held (see `steps`).
//!
//! The watchdog's board (`src/board.rs`) is not here: it is std's atomics in both builds, the
//! program's own bookkeeping, which loom need not explore.

#[cfg(not(loom))]
pub use std::{
    sync::{Arc, Mutex, MutexGuard},
    thread,
};

// std's `Arc` under loom too: what the proofs are about is the locks, not the reference count,
// and after a deadlock loom unwinds the blocked threads with none of them active, where dropping
// one of loom's `Arc`s (a loom operation) would panic again and abort the test.
#[cfg(loom)]
pub use loom::thread;
#[cfg(loom)]
pub use std::sync::Arc;
#[cfg(loom)]
pub use steps::{Mutex, MutexGuard};

/// Loom only: each lock's steps, written down as the model runs.
#[cfg(loom)]
pub mod steps {
    use std::cell::{Cell, RefCell};
    use std::ops::{Deref, DerefMut};
    use std::sync::{LockResult, PoisonError};

    /// How a step of a thread with no name is recorded: the word std prints in a panic message for
    /// such a thread, as the other lessons print it. Loom's main thread is one.
    pub const UNNAMED: &str = "<unnamed>";

    /// What a thread did with a lock.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Access {
        /// It asked for the lock (it may have to wait). `value` is 0: nothing is read yet.
        Waits,
        /// It took the lock, and found the balance at `value`.
        Locks,
        /// It released the lock, leaving the balance at `value`.
        Unlocks,
    }

    /// One step on one lock, in the order loom ran it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Step {
        /// The loom thread's name (`Thread-1`, ...; [`UNNAMED`] for loom's main thread).
        pub thread: String,
        /// Which lock: the mutexes are numbered in the order they were created in this
        /// execution, from 0 (the lesson creates account A's first, then B's).
        pub lock: usize,
        /// What it did.
        pub access: Access,
        /// The balance it found or left (see [`Access`]).
        pub value: i64,
    }

    // Loom runs all of a model's threads as coroutines on the test's own OS thread, so a std
    // thread-local is one log per model, shared by its loom threads and invisible to loom (it is
    // no loom operation: loom never switches threads while it is borrowed). `None`: not recording.
    std::thread_local! {
        static STEPS: RefCell<Option<Vec<Step>>> = const { RefCell::new(None) };
        static CREATED: Cell<usize> = const { Cell::new(0) };
    }

    /// Starts a fresh log of steps on this OS thread, and numbers locks from 0 again (call it at
    /// the start of each execution).
    pub fn record() {
        STEPS.with(|steps| *steps.borrow_mut() = Some(Vec::new()));
        CREATED.with(|created| created.set(0));
    }

    /// Stops recording and returns the steps logged since [`record`]. After a deadlock, loom
    /// stops the execution where it is: the log then ends with the steps that led to it.
    pub fn take() -> Vec<Step> {
        STEPS.with(|steps| steps.borrow_mut().take().unwrap_or_default())
    }

    /// Calls `read` with the steps logged so far (`None` when not recording), without ending the
    /// log: for a check that runs while the model runs, such as one that compares the watchdog's
    /// board with what the locks did.
    pub fn so_far<R>(read: impl FnOnce(&[Step]) -> R) -> Option<R> {
        STEPS.with(|steps| steps.borrow().as_deref().map(read))
    }

    fn log(lock: usize, access: Access, value: i64) {
        // While a panic unwinds, log nothing: after a deadlock, loom unwinds the blocked threads
        // with no thread active, and asking loom for the current thread would panic again.
        if std::thread::panicking() {
            return;
        }
        STEPS.with(|steps| {
            if let Some(steps) = steps.borrow_mut().as_mut() {
                let thread = loom::thread::current();
                let thread = thread.name().unwrap_or(UNNAMED).to_string();
                steps.push(Step {
                    thread,
                    lock,
                    access,
                    value,
                });
            }
        });
    }

    /// Loom's `Mutex` around a balance, with each wait, lock and release written to the log.
    #[derive(Debug)]
    pub struct Mutex<T> {
        inner: loom::sync::Mutex<T>,
        number: usize,
    }

    impl<T: Copy + Into<i64>> Mutex<T> {
        /// See `std::sync::Mutex::new`.
        pub fn new(value: T) -> Self {
            let number =
                CREATED.with(|created| created.replace(created.get() + 1));
            Mutex {
                inner: loom::sync::Mutex::new(value),
                number,
            }
        }

        /// See `std::sync::Mutex::lock`. (Loom never poisons a lock; the `Err` arm keeps the
        /// signature std's.)
        pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
            log(self.number, Access::Waits, 0);
            let (inner, poisoned) = match self.inner.lock() {
                Ok(guard) => (guard, false),
                Err(poisoned) => (poisoned.into_inner(), true),
            };
            let guard = MutexGuard {
                inner,
                number: self.number,
            };
            log(self.number, Access::Locks, (*guard.inner).into());
            if poisoned {
                Err(PoisonError::new(guard))
            } else {
                Ok(guard)
            }
        }
    }

    /// The guard of [`Mutex`]: dropping it is logged as the release, with the balance it leaves.
    #[derive(Debug)]
    pub struct MutexGuard<'a, T: Copy + Into<i64>> {
        inner: loom::sync::MutexGuard<'a, T>,
        number: usize,
    }

    impl<T: Copy + Into<i64>> Deref for MutexGuard<'_, T> {
        type Target = T;

        fn deref(&self) -> &T {
            &self.inner
        }
    }

    impl<T: Copy + Into<i64>> DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            &mut self.inner
        }
    }

    impl<T: Copy + Into<i64>> Drop for MutexGuard<'_, T> {
        fn drop(&mut self) {
            // Still held: the inner guard is dropped, and the lock released, after this.
            log(self.number, Access::Unlocks, (*self.inner).into());
        }
    }
}
