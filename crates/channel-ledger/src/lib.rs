//! The ledger owns the balance, the tellers send it changes: Python's `queue.Queue` program in
//! Rust, with `std::sync::mpsc`.
//!
//! Lesson 2 shared one balance between two threads, behind a lock. This lesson shares nothing: one
//! thread, the ledger, owns the balance, and the two tellers (Thread-1 with `n = 5`, Thread-2 with
//! `n = 8`) send it amounts through a channel, `+n` then `-n`, 100 000 times each. The ledger
//! adds each amount it receives; when every `Sender` is gone, its loop ends and it returns the
//! balance, which `join` hands to the main thread: `0`, like the Python program. No `Mutex`, no
//! atomic: the balance is a plain `i64` that only the ledger can touch.
//!
//! The lesson comes first: [`teller`] and [`ledger`], Python beside Rust; then [`experiment`],
//! the three named threads started and joined. The threads and the channel come from [`sync`],
//! which the proofs switch to loom's threads and the facade's own channel; [`explain`] is what
//! the proofs print when they find a failure.

pub mod explain;
pub mod sync;

use std::fmt;

use sync::mpsc::{self, Receiver, Sender, SyncSender};
use sync::thread;

/// `for i in range(100000)`: how many `+n`, `-n` pairs each teller sends by default.
pub const ITERATIONS: u64 = 100_000;

/// The tellers, named like Python's default thread names before 3.10, and the `n` each one
/// sends: `t1 = threading.Thread(target=run_thread, args=(5,))`, `t2 = ... args=(8,)`.
pub const TELLERS: [(&str, i64); 2] = [("Thread-1", 5), ("Thread-2", 8)];

/// `t0 = threading.Thread(target=ledger, name='Ledger')`.
pub const LEDGER: &str = "Ledger";

/// A teller's end of the queue: `q.put(amount)`. Both of std's senders are one, so that one
/// [`teller`] serves `queue.Queue()` ([`Sender`]) and `queue.Queue(maxsize=k)` ([`SyncSender`]).
pub trait Put: Clone + Send + 'static {
    /// Puts `amount` in the queue (a [`SyncSender`] waits while the queue is full).
    ///
    /// # Errors
    ///
    /// [`LedgerGone`] if the ledger's end, the `Receiver`, has been dropped.
    fn put(&self, amount: i64) -> Result<(), LedgerGone>;
}

impl Put for Sender<i64> {
    fn put(&self, amount: i64) -> Result<(), LedgerGone> {
        self.send(amount).map_err(|_| LedgerGone)
    }
}

impl Put for SyncSender<i64> {
    fn put(&self, amount: i64) -> Result<(), LedgerGone> {
        self.send(amount).map_err(|_| LedgerGone)
    }
}

/// A teller: sends `n`, then `-n`, `iterations` times, and ends.
///
/// It takes its `Sender` by value, so the `Sender` is dropped when the teller returns: that drop
/// is this thread's Python `q.put(None)`, and it cannot be forgotten.
///
/// # Errors
///
/// [`LedgerGone`] if the ledger stopped listening (it panicked): the rest is not sent.
pub fn teller(
    queue: impl Put,
    n: i64,
    iterations: u64,
) -> Result<(), LedgerGone> {
    // for i in range(100000):
    for _ in 0..iterations {
        // q.put(n)
        queue.put(n)?;
        // q.put(-n)
        queue.put(-n)?;
    }
    Ok(())
} // <- q.put(None): `queue`, this teller's Sender, is dropped here

/// The ledger: owns the balance, adds every amount it receives, and returns the balance once
/// every `Sender` is gone.
///
/// `for amount in receiver` calls `recv` until it returns `Err`, which it does only when the
/// queue is empty and no `Sender` is left: no sentinel, no count of tellers. `start` is the
/// balance before the first amount (0 in the lesson).
#[expect(clippy::assign_op_pattern, reason = "the Python's line, literally")]
pub fn ledger(receiver: Receiver<i64>, start: i64) -> i64 {
    // balance = 0
    let mut balance = start;
    // while done < 2:
    //     n = q.get()
    //     if n is None: done = done + 1
    for amount in receiver {
        // balance = balance + n
        balance = balance + amount;
    }
    balance
}

/// Python's `queue.Queue()` or `queue.Queue(maxsize=k)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queue {
    /// `mpsc::channel()`: `send` never waits.
    Unbounded,
    /// `mpsc::sync_channel(k)`: at most `k` amounts wait in the queue; a teller's `send` waits
    /// while it is full. `k` is at least 1 (std's `sync_channel(0)` is a rendezvous, not
    /// Python's `maxsize=0`, which means no limit).
    MaxSize(usize),
}

/// A teller found the ledger gone: the `Receiver` was dropped, because the ledger's thread
/// ended early (it panicked), so what it sends can never be counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedgerGone;

impl fmt::Display for LedgerGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("found the ledger gone: nothing more could be sent")
    }
}

impl std::error::Error for LedgerGone {}

/// How a thread ended without finishing its work.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// It panicked, with this message.
    Panicked(String),
    /// A teller stopped: the ledger was gone.
    Stopped(LedgerGone),
}

/// A thread that failed, by name.
#[derive(Debug, PartialEq, Eq)]
pub struct ThreadFailure {
    /// `Thread-1`, `Thread-2` or `Ledger`.
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
            Failure::Stopped(gone) => write!(f, "{thread} {gone}"),
        }
    }
}

/// The Python program's main part: make the queue, start the ledger and the two tellers, join
/// them, and return the balance the ledger returned.
///
/// # Errors
///
/// Every thread that panicked or stopped, by name.
///
/// # Panics
///
/// If the operating system cannot start a thread ("failed to spawn thread"), as in the other
/// lessons: that is no part of what this one shows.
pub fn experiment(
    queue: Queue,
    start: i64,
    iterations: u64,
) -> Result<i64, Vec<ThreadFailure>> {
    match queue {
        Queue::Unbounded => {
            // q = queue.Queue()
            let (sender, receiver) = mpsc::channel();
            three_threads(sender, receiver, start, iterations)
        }
        Queue::MaxSize(k) => {
            // q = queue.Queue(maxsize=k)
            let (sender, receiver) = mpsc::sync_channel(k);
            three_threads(sender, receiver, start, iterations)
        }
    }
}

/// Starts the ledger with `receiver` and each teller with a clone of `sender`, drops `sender`,
/// and joins them all: the tellers, then the ledger.
fn three_threads(
    sender: impl Put,
    receiver: Receiver<i64>,
    start: i64,
    iterations: u64,
) -> Result<i64, Vec<ThreadFailure>> {
    // t0 = threading.Thread(target=ledger, name='Ledger'); t0.start()
    let ledger = thread::Builder::new()
        .name(LEDGER.to_string())
        .spawn(move || ledger(receiver, start))
        .expect("failed to spawn thread");
    let mut tellers = Vec::new();
    for (name, n) in TELLERS {
        // One Sender per teller, moved into its thread.
        let queue = sender.clone();
        // t1 = threading.Thread(target=run_thread, args=(5,)); t1.start()
        let handle = thread::Builder::new()
            .name(name.to_string())
            .spawn(move || teller(queue, n, iterations))
            .expect("failed to spawn thread");
        tellers.push((name, handle));
    }
    // The main thread's own Sender: while it lives, the ledger waits for more.
    drop(sender);
    let mut failures = Vec::new();
    // t1.join(); t2.join()
    for (name, handle) in tellers {
        let failure = match handle.join() {
            Ok(Ok(())) => continue,
            Ok(Err(gone)) => Failure::Stopped(gone),
            Err(panic) => Failure::Panicked(panic_message(panic.as_ref())),
        };
        failures.push(ThreadFailure {
            thread: name.to_string(),
            failure,
        });
    }
    // t0.join(); print(balance): the balance comes back through join
    match ledger.join() {
        Ok(balance) if failures.is_empty() => Ok(balance),
        Ok(_) => Err(failures),
        Err(panic) => {
            failures.push(ThreadFailure {
                thread: LEDGER.to_string(),
                failure: Failure::Panicked(panic_message(panic.as_ref())),
            });
            Err(failures)
        }
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
