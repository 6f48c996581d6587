//! The one place where the lesson's threads, locks and condvars come from std or from loom.
//!
//! The binary uses std. The proofs (`tests/proofs.rs`, built with `RUSTFLAGS="--cfg loom"`) use
//! loom's, so the model checker runs the very same `withdraw`, `deposit` and `experiment`. Under
//! loom, `Mutex`, `MutexGuard` and `Condvar` are thin wrappers around loom's that do two things
//! more:
//!
//! - They write down each step (a lock taken, released, a wait, a wake, a notify, with the value
//!   behind the lock), so that a model can check the balance at every release and tell a learner
//!   what happened (see [`steps`]).
//! - `Condvar::wait_while`, which loom's `Condvar` lacks, written once, with std's semantics: wait
//!   as long as the condition holds, checking it under the lock before each wait and after each
//!   wake.
//!
//! Loom's `Condvar` never wakes a thread that was not notified, and `notify_one` always wakes the
//! thread that has waited longest. std promises neither: a thread may wake with no notify at all
//! (a *spurious* wakeup), and `notify_one` may wake any waiter. So that the proofs still meet a
//! spurious wakeup, a model can ask for one ([`steps::spurious_wakeups`]): then each thread's first
//! wait on each condvar releases the lock and takes it back without being notified, as a wait
//! that woke spuriously does. Loom schedules the other threads in between, as it would around
//! any release.

#[cfg(not(loom))]
pub use std::{
    sync::{Arc, Condvar, Mutex, MutexGuard},
    thread,
};

// std's `Arc` under loom too: what the proofs are about is the lock and the condvar, not the
// reference count, and after a deadlock loom unwinds the blocked threads with none of them
// active, where dropping one of loom's `Arc`s (a loom operation) would panic again.
#[cfg(loom)]
pub use loom::thread;
#[cfg(loom)]
pub use std::sync::Arc;
#[cfg(loom)]
pub use steps::{Condvar, Mutex, MutexGuard};

/// Loom only: each step on each lock and condvar, written down as the model runs.
#[cfg(loom)]
pub mod steps {
    use std::cell::{Cell, RefCell};
    use std::ops::{Deref, DerefMut};
    use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
    use std::sync::{LockResult, PoisonError};

    /// How a step of a thread with no name is recorded: the word std prints in a panic message
    /// for such a thread. Loom's main thread is one.
    pub const UNNAMED: &str = "<unnamed>";

    /// What a thread did.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Access {
        /// It took the lock, and found `value` behind it.
        Locks,
        /// It released the lock, leaving `value`.
        Unlocks,
        /// It released the lock to wait on the condvar, leaving `value`.
        Waits,
        /// It was notified and took the lock back, finding `value`.
        Wakes,
        /// It took the lock back with no notify (a spurious wakeup, injected), finding `value`.
        WakesSpuriously,
        /// It called `notify_one` (`value`: how many threads were inside `wait` on the condvar).
        NotifiesOne,
        /// It called `notify_all` (`value`: as for `NotifiesOne`).
        NotifiesAll,
    }

    /// One step, in the order loom ran it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Step {
        /// The loom thread's name (`Thread-1`, ...; [`UNNAMED`] for loom's main thread).
        pub thread: String,
        /// Which lock (or, for a notify, which condvar): numbered in the order they were created
        /// in this execution, from 0. The lesson creates the account's first, then the Event's.
        pub lock: usize,
        /// What it did.
        pub access: Access,
        /// The value behind the lock (see [`Access`]).
        pub value: i64,
    }

    // Loom runs all of a model's threads as coroutines on the test's own OS thread, so a std
    // thread-local is one log per model, shared by its loom threads and invisible to loom (no
    // loom operation happens while it is borrowed). `None`: not recording.
    std::thread_local! {
        static STEPS: RefCell<Option<Vec<Step>>> = const { RefCell::new(None) };
        static LOCKS: Cell<usize> = const { Cell::new(0) };
        static CONDVARS: Cell<usize> = const { Cell::new(0) };
        static SPURIOUS: Cell<bool> = const { Cell::new(false) };
        // The (thread, condvar) pairs that have had their spurious wakeup in this execution.
        static WOKEN: RefCell<Vec<(loom::thread::ThreadId, usize)>> =
            const { RefCell::new(Vec::new()) };
    }

    /// Starts a fresh log on this OS thread, numbers locks and condvars from 0 again, and turns
    /// injected spurious wakeups off (call it at the start of each execution).
    pub fn record() {
        STEPS.with(|steps| *steps.borrow_mut() = Some(Vec::new()));
        LOCKS.with(|n| n.set(0));
        CONDVARS.with(|n| n.set(0));
        SPURIOUS.with(|on| on.set(false));
        WOKEN.with(|woken| woken.borrow_mut().clear());
    }

    /// From now until the next [`record`]: each thread's first wait on each condvar wakes
    /// spuriously (the lock released and taken back, with no notify).
    pub fn spurious_wakeups() {
        SPURIOUS.with(|on| on.set(true));
    }

    /// Stops recording and returns the steps logged since [`record`]. After a deadlock, loom
    /// stops the execution where it is: the log then ends with the steps that led to it.
    pub fn take() -> Vec<Step> {
        STEPS.with(|steps| steps.borrow_mut().take().unwrap_or_default())
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

    /// Loom's `Mutex`, with each lock and release written to the log.
    #[derive(Debug)]
    pub struct Mutex<T> {
        inner: loom::sync::Mutex<T>,
        number: usize,
    }

    impl<T: Copy + Into<i64>> Mutex<T> {
        /// See `std::sync::Mutex::new`.
        pub fn new(value: T) -> Self {
            let number = LOCKS.with(|n| n.replace(n.get() + 1));
            Mutex {
                inner: loom::sync::Mutex::new(value),
                number,
            }
        }

        /// See `std::sync::Mutex::lock`. (Loom never poisons a lock; the `Err` arm keeps the
        /// signature std's.)
        pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
            let (inner, poisoned) = split(self.inner.lock());
            let guard = MutexGuard {
                inner: Some(inner),
                mutex: self,
            };
            log(self.number, Access::Locks, guard.value());
            rewrap(guard, poisoned)
        }
    }

    fn split<G>(result: LockResult<G>) -> (G, bool) {
        match result {
            Ok(guard) => (guard, false),
            Err(poisoned) => (poisoned.into_inner(), true),
        }
    }

    fn rewrap<G>(guard: G, poisoned: bool) -> LockResult<G> {
        match poisoned {
            true => Err(PoisonError::new(guard)),
            false => Ok(guard),
        }
    }

    /// The guard of [`Mutex`]: dropping it is logged as the release, with the value it leaves.
    #[derive(Debug)]
    pub struct MutexGuard<'a, T: Copy + Into<i64>> {
        // `None` only inside `Condvar::wait`, between handing loom's guard to loom's condvar and
        // getting it back.
        inner: Option<loom::sync::MutexGuard<'a, T>>,
        mutex: &'a Mutex<T>,
    }

    impl<T: Copy + Into<i64>> MutexGuard<'_, T> {
        fn value(&self) -> i64 {
            (**self).into()
        }
    }

    impl<T: Copy + Into<i64>> Deref for MutexGuard<'_, T> {
        type Target = T;

        fn deref(&self) -> &T {
            self.inner.as_ref().expect("a guard holds its lock")
        }
    }

    impl<T: Copy + Into<i64>> DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.inner.as_mut().expect("a guard holds its lock")
        }
    }

    impl<T: Copy + Into<i64>> Drop for MutexGuard<'_, T> {
        fn drop(&mut self) {
            // Still held: loom's guard is dropped, and the lock released, after this.
            if self.inner.is_some() {
                log(self.mutex.number, Access::Unlocks, self.value());
            }
        }
    }

    /// Loom's `Condvar`, with each wait, wake and notify written to the log, `wait_while` as std
    /// has it, and, when a model asks, one spurious wakeup per thread.
    #[derive(Debug)]
    pub struct Condvar {
        inner: loom::sync::Condvar,
        number: usize,
        // How many threads are inside `wait` on it now, for the log: a std atomic, which loom
        // neither sees nor schedules.
        waiting: AtomicI64,
    }

    impl Default for Condvar {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Condvar {
        /// See `std::sync::Condvar::new`.
        pub fn new() -> Self {
            let number = CONDVARS.with(|n| n.replace(n.get() + 1));
            Condvar {
                inner: loom::sync::Condvar::new(),
                number,
                waiting: AtomicI64::new(0),
            }
        }

        /// See `std::sync::Condvar::wait`: releases the guard's lock, waits for a notify, takes
        /// the lock back. With spurious wakeups on, a thread's first wait here only releases the
        /// lock and takes it back.
        pub fn wait<'a, T: Copy + Into<i64>>(
            &self,
            mut guard: MutexGuard<'a, T>,
        ) -> LockResult<MutexGuard<'a, T>> {
            let mutex = guard.mutex;
            log(mutex.number, Access::Waits, guard.value());
            let inner = guard.inner.take().expect("a guard holds its lock");
            drop(guard);
            let me = (loom::thread::current().id(), self.number);
            let spurious = SPURIOUS.with(Cell::get)
                && WOKEN.with(|woken| {
                    let mut woken = woken.borrow_mut();
                    let first = !woken.contains(&me);
                    if first {
                        woken.push(me);
                    }
                    first
                });
            let (inner, poisoned, access) = if spurious {
                drop(inner);
                let (inner, poisoned) = split(mutex.inner.lock());
                (inner, poisoned, Access::WakesSpuriously)
            } else {
                self.waiting.fetch_add(1, Relaxed);
                let (inner, poisoned) = split(self.inner.wait(inner));
                self.waiting.fetch_sub(1, Relaxed);
                (inner, poisoned, Access::Wakes)
            };
            let guard = MutexGuard {
                inner: Some(inner),
                mutex,
            };
            log(mutex.number, access, guard.value());
            rewrap(guard, poisoned)
        }

        /// See `std::sync::Condvar::wait_while`: as long as `condition` holds (checked under the
        /// lock, first before any wait, then after each wake), waits. Loom's `Condvar` has no
        /// `wait_while`; this is std's, written on [`Condvar::wait`].
        pub fn wait_while<'a, T: Copy + Into<i64>, F>(
            &self,
            mut guard: MutexGuard<'a, T>,
            mut condition: F,
        ) -> LockResult<MutexGuard<'a, T>>
        where
            F: FnMut(&mut T) -> bool,
        {
            while condition(&mut *guard) {
                guard = self.wait(guard)?;
            }
            Ok(guard)
        }

        /// See `std::sync::Condvar::notify_one`. (Loom wakes the thread that has waited
        /// longest; std promises only that it wakes one, if any waits.)
        pub fn notify_one(&self) {
            log(self.number, Access::NotifiesOne, self.waiting.load(Relaxed));
            self.inner.notify_one();
        }

        /// See `std::sync::Condvar::notify_all`.
        pub fn notify_all(&self) {
            log(self.number, Access::NotifiesAll, self.waiting.load(Relaxed));
            self.inner.notify_all();
        }
    }
}
