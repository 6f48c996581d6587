//! The bank balance, the lock, and the proof: the seed's `Lock` program in Rust.
//!
//! Two threads share a `balance` that starts at 0. `change_it(n)` adds `n`, then subtracts it, so
//! the balance should always come back to 0. Thread-1 does that 100 000 times with `n = 5`,
//! Thread-2 with `n = 8`. With the lock ([`locked`]) the program prints `0`, like the Python one.
//! Without it ([`unlocked`]) each `balance = balance + n` is a read and then a write, another
//! thread can write in between, an update is lost, and the balance ends somewhere else.
//!
//! The lesson comes first: [`locked`] and [`unlocked`], each with its `change_it` and
//! `run_thread`, Python beside Rust; then [`experiment`], the two threads started and joined.
//! What only the command line uses (`--trials`, the runs and note of `--no-lock`) is in `src/cli_run.rs`;
//! where Rust differs and why the literal translation does not compile, in
//! [`where_rust_differs`]. Threads, locks and
//! atomics come from [`sync`], which the proofs switch to loom.

pub mod sync;

mod cli_run;

use std::fmt;

use sync::{Arc, AtomicI64, Mutex, Ordering, thread};

pub use cli_run::{
    Mode, NO_LOCK_RUNS, Options, Printed, Trials, no_lock_note, run, trials,
};

/// `for i in range(100000)`: how many times each thread calls `change_it` by default.
pub const ITERATIONS: u64 = 100_000;

/// The two threads, named like Python's pre-3.10 default names (since 3.10 Python adds the
/// target's name: `Thread-1 (run_thread)`), and the `n` each one adds and subtracts:
/// `t1 = threading.Thread(target=run_thread, args=(5,))`, `t2 = ... args=(8,)`.
pub const THREADS: [(&str, i64); 2] = [("Thread-1", 5), ("Thread-2", 8)];

/// The balance behind a lock: Python's program as written.
pub mod locked {
    use crate::LockPoisoned;
    use crate::sync::Mutex;

    /// Adds `n` to the balance, then subtracts it: the balance should come back where it was.
    ///
    /// ```
    /// let mut balance = 0;
    /// lock_balance::locked::change_it(&mut balance, 5);
    /// assert_eq!(balance, 0);
    /// ```
    // Python's two lines, not `+=`: the lesson is that each line is a read and then a write. Here
    // the `&mut` can only come from the lock's guard, so no other thread can step in between.
    #[expect(
        clippy::assign_op_pattern,
        reason = "the Python's lines, literally"
    )]
    pub fn change_it(balance: &mut i64, n: i64) {
        // balance = balance + n
        *balance = *balance + n;
        // balance = balance - n
        *balance = *balance - n;
    }

    /// Calls [`change_it`] `iterations` times, each time holding the lock.
    ///
    /// # Errors
    ///
    /// [`LockPoisoned`] if another thread panicked while holding the lock: the balance may then be
    /// half-changed, and this thread stops rather than build on it.
    pub fn run_thread(
        balance: &Mutex<i64>,
        n: i64,
        iterations: u64,
    ) -> Result<(), LockPoisoned> {
        // for i in range(100000):
        for _ in 0..iterations {
            // lock.acquire()
            let mut guard = balance.lock().map_err(|_| LockPoisoned)?;
            // try:
            //     change_it(n)
            change_it(&mut guard, n);
            // finally:
            //     lock.release()
        } // <- the guard is dropped here (while unwinding, if change_it panics)
        Ok(())
    }
}

/// The balance without a lock, in safe Rust: an atomic, read and written in separate steps.
pub mod unlocked {
    use crate::sync::{AtomicI64, Ordering::SeqCst};

    /// Adds `n` to the balance, then subtracts it, each as a load followed by a store.
    ///
    /// Each load and each store is atomic, but the pair is not: another thread can store between
    /// them, and this thread's store then overwrites that update with a value computed from the
    /// old balance. This is exactly Python's `balance = balance + n`. (`fetch_add` would make each
    /// line one atomic step and the result would be correct; it is not what this variant shows.)
    /// `SeqCst` everywhere: every thread sees one order of all the loads and stores, so the lesson
    /// is about atomicity, not about memory ordering.
    pub fn change_it(balance: &AtomicI64, n: i64) {
        // balance = balance + n
        balance.store(balance.load(SeqCst) + n, SeqCst);
        // balance = balance - n
        balance.store(balance.load(SeqCst) - n, SeqCst);
    }

    /// Calls [`change_it`] `iterations` times, with no lock. Nothing can be poisoned: if the other
    /// thread panics, this one goes on with whatever the balance holds, as the Python would.
    pub fn run_thread(balance: &AtomicI64, n: i64, iterations: u64) {
        // for i in range(100000):
        for _ in 0..iterations {
            // change_it(n)
            change_it(balance, n);
        }
    }
}

/// A thread found the lock poisoned: another thread panicked while it held the lock.
///
/// The policy, deliberately: refuse to continue. A poisoned lock says that a thread panicked while
/// holding it, not where: it may have stopped between `balance = balance + n` and
/// `balance = balance - n`, leaving the balance off by `n`, and going on would build on that value
/// and print it as if it were right. (In this program the one panic possible is an overflow in the
/// first line, before anything is written, so the balance is in fact intact; the lock cannot know
/// that, and the policy does not depend on it.) The other choice is to take the value anyway with
/// `PoisonError::into_inner`; that is what the Python does: the exception ends its thread, with a
/// traceback, `finally` releases the lock, and the other thread carries on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockPoisoned;

impl fmt::Display for LockPoisoned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "stopped: the lock is poisoned, the balance may be half-changed",
        )
    }
}

impl std::error::Error for LockPoisoned {}

/// With or without the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The balance is a `Mutex<i64>`, each `change_it` under the lock ([`locked`]).
    Locked,
    /// The balance is an `AtomicI64` read and written in separate steps ([`unlocked`]).
    Unlocked,
}

/// How a thread ended without finishing its work.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// It panicked, with this message.
    Panicked(String),
    /// It stopped on a poisoned lock.
    Refused(LockPoisoned),
}

/// A thread that failed, by name.
#[derive(Debug, PartialEq, Eq)]
pub struct ThreadFailure {
    /// `Thread-1` or `Thread-2`.
    pub thread: String,
    /// What happened to it.
    pub failure: Failure,
}

impl fmt::Display for ThreadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let thread = &self.thread;
        match &self.failure {
            Failure::Panicked(message) => {
                write!(f, "{thread} panicked: {message}")
            }
            Failure::Refused(poisoned) => write!(f, "{thread} {poisoned}"),
        }
    }
}

/// The Python program's main part: start both threads, join them, read the balance.
///
/// `start` is the balance before the threads start (0 in the lesson).
///
/// # Errors
///
/// Every thread that panicked or refused to go on, by name.
///
/// # Panics
///
/// If the operating system cannot start a thread ("failed to spawn thread"), as in the other
/// lessons: that is no part of what this one shows.
pub fn experiment(
    variant: Variant,
    start: i64,
    iterations: u64,
) -> Result<i64, Vec<ThreadFailure>> {
    match variant {
        Variant::Locked => {
            // balance = 0
            // lock = threading.Lock()
            let balance = Arc::new(Mutex::new(start));
            let shared = Arc::clone(&balance);
            two_threads(move |n| locked::run_thread(&shared, n, iterations))?;
            // print(balance)
            let balance = balance.lock().expect(
                "both threads finished, so none panicked holding the lock",
            );
            Ok(*balance)
        }
        Variant::Unlocked => {
            // balance = 0
            let balance = Arc::new(AtomicI64::new(start));
            let shared = Arc::clone(&balance);
            two_threads(move |n| {
                unlocked::run_thread(&shared, n, iterations);
                Ok(())
            })?;
            // print(balance)
            Ok(balance.load(Ordering::SeqCst))
        }
    }
}

/// Runs `run(n)` on each of [`THREADS`], in a thread of that name, and joins them all.
///
/// # Errors
///
/// Every thread that panicked or refused to go on, by name.
fn two_threads(
    run: impl Fn(i64) -> Result<(), LockPoisoned> + Clone + Send + 'static,
) -> Result<(), Vec<ThreadFailure>> {
    // Started one after the other, as in the Python, with no start-together gate: the threads
    // already overlap, and in the series measured a `std::sync::Barrier` made lost updates
    // rarer, not more common, except with a core kept busy, when they were rare either way
    // (docs/deeper/lock-balance.md, "Why the threads start one after the other").
    let mut threads = Vec::new();
    for (name, n) in THREADS {
        // A copy of `run` for each thread: cloning a closure clones
        // what it captured, here the `Arc` of the balance, so each
        // thread owns one more handle on the same balance.
        let run = run.clone();
        // t1 = threading.Thread(target=run_thread, args=(5,)); t1.start()
        let handle = thread::Builder::new()
            .name(name.to_string())
            .spawn(move || run(n))
            .expect("failed to spawn thread");
        threads.push((name, handle));
    }
    let mut failures = Vec::new();
    // t1.join(); t2.join()
    for (name, handle) in threads {
        let failure = match handle.join() {
            Ok(Ok(())) => continue,
            Ok(Err(poisoned)) => Failure::Refused(poisoned),
            Err(panic) => Failure::Panicked(panic_message(panic.as_ref())),
        };
        failures.push(ThreadFailure {
            thread: name.to_string(),
            failure,
        });
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// The message a panic was raised with (`panic!` gives a `&str` or a `String`).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// Where Rust differs from Python, and why the literal translation does not compile.
///
/// - The literal translation does not compile. Python lets two threads change a global freely;
///   Rust refuses to share a plain `i64` between threads for writing, both as a local changed by
///   two closures and as a `static mut` (see the examples below). The compiler rejects a *data
///   race* (undefined behaviour); to share the balance you must say how: a `Mutex` ([`locked`])
///   or an atomic ([`unlocked`]).
/// - What the compiler cannot reject is a *race condition*: [`unlocked`] is safe Rust, every
///   load and store is atomic, and it still loses updates, because "read, then write" is not one
///   step. Only the logic can fix that, here with a lock around both lines of `change_it`.
/// - Python's `lock.acquire()` / `try:` / `finally: lock.release()` is a guard: locking returns a
///   value that unlocks when it is dropped, at the end of its scope or while a panic unwinds.
/// - A panic inside the critical section leaves the mutex *poisoned*, and the other thread must
///   decide what to do about a balance that may be half-changed. This lesson refuses to go on
///   (see [`LockPoisoned`]). Python has no such signal: its `finally` releases the lock and the
///   other thread carries on with whatever the balance holds.
/// - Python's integers never overflow; an `i64` does, and in this workspace overflow panics in
///   every profile, so a wrong balance can never come from wrapping arithmetic.
///
/// A local balance changed by two spawned closures:
///
/// ```compile_fail,E0499
#[doc = include_str!("../tests/compile_fail/shared_local.rs")]
/// ```
///
/// rustc 1.95 gives four errors: E0373 twice ("closure may outlive the current function, but it
/// borrows `balance`": a spawned thread may outlive the stack frame that owns the balance), E0499
/// ("cannot borrow `balance` as mutable more than once at a time": the two closures each hold
/// `&mut balance`, and there is only ever one `&mut`) and E0502 for the final read. E0499 is
/// Rust's answer to the race: two writers of one value at the same time is the thing that cannot
/// be written. (E0373's suggestion, `move ||`, does compile, and prints 0, for the wrong reason:
/// each closure then changes its own copy of the `i64`, and nothing is shared at all; see
/// `examples/move_copies.rs`.)
///
/// A global, as in the Python:
///
/// ```compile_fail,E0133
#[doc = include_str!("../tests/compile_fail/static_mut.rs")]
/// ```
///
/// E0133, "use of mutable static is unsafe and requires unsafe block", once for each of the five
/// uses (four in `change_it`, one in the `println!`), with the note "mutable statics can be
/// mutated by multiple threads: aliasing violations or data races will cause undefined
/// behavior". Safe Rust cannot touch a `static mut` at all, and this workspace forbids `unsafe`.
///
/// And sharing the balance the way chapter 15 of the Rust Book shares a value, with `Rc`, or with
/// `RefCell` for the changes: `Rc` is not `Send` (its count is not changed atomically), and
/// `RefCell` is not `Sync` (its borrow flag is not either), so `thread::spawn` refuses both.
///
/// ```compile_fail,E0277
#[doc = include_str!("../tests/compile_fail/rc_shared.rs")]
/// ```
///
/// ```compile_fail,E0277
#[doc = include_str!("../tests/compile_fail/arc_refcell.rs")]
/// ```
///
/// (Stable rustdoc checks that these examples fail to compile, not which error codes they give;
/// `tests/compile_errors.rs` runs rustc on them and checks the codes quoted here.)
pub mod where_rust_differs {}
