//! Two accounts, two locks, and the deadlock: a lesson beyond the seed, in the
//! seed's style.
//!
//! Two accounts, A and B, each with its own lock. `transfer(source, target, n)`
//! locks both, takes `n` from the source and adds it to the target. Thread-1
//! moves 5 from A to B, Thread-2 moves 8 from B to A, 100 000 times each. If
//! each thread locks its source first ([`opposite_order`]), Thread-1 can hold A
//! and wait for B while Thread-2 holds B and waits for A: a deadlock, and both
//! wait forever. The fix ([`lower_first`]): every thread locks the
//! lower-numbered account first, so both take A before B, and neither can hold
//! B while waiting for A.
//!
//! The lesson comes first: [`lower_first`] and [`opposite_order`], each a
//! `transfer` with the Python beside it, and [`lock`], which takes one
//! account's lock; then [`run_thread`] and [`experiment`], the two threads
//! started and joined. The board the watchdog reads is in `src/board.rs`; the
//! watchdog and what only the command line prints, in `src/cli_run.rs`. Threads
//! and locks come from [`sync`], which the proofs switch to loom.

pub mod sync;

mod board;
mod cli_run;

use std::fmt;
use std::ops::{Deref, DerefMut};

use sync::{Arc, Mutex, MutexGuard, thread};

pub use board::{
    Board, Deadlock, Read, Snapshot, Stall, ThreadState, Wait, cycle_lines,
};
pub use cli_run::{
    Options, Outcome, STALL_FACTOR, WATCHDOG_MS, Watched, advice, run, watch,
    watch_reading,
};

/// The accounts' names, in account-number order: A is account 1, B account 2.
/// An account is named in the code by its index here, so "lower-numbered" is
/// "lower index".
pub const ACCOUNTS: [&str; 2] = ["A", "B"];

/// The two balances, each behind its own lock: account `k` is `accounts[k]`.
pub type Accounts = [Mutex<i64>; ACCOUNTS.len()];

/// `a = Account(1, 1000000)`, `b = Account(2, 1000000)`: each account's balance
/// at the start.
pub const OPENING_BALANCE: i64 = 1_000_000;

/// `for i in range(100000)`: how many transfers each thread makes by default.
pub const TRANSFERS: u64 = 100_000;

/// One of the two threads: its name and the transfer it repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mover {
    /// `Thread-1` or `Thread-2`, Python's pre-3.10 default names.
    pub name: &'static str,
    /// The account it takes money from (an index into [`ACCOUNTS`]).
    pub source: usize,
    /// The account it adds the money to.
    pub target: usize,
    /// How much each transfer moves.
    pub n: i64,
}

/// `t1 = threading.Thread(target=run_thread, args=(a, b, 5))`, `t2 = ...
/// args=(b, a, 8)`.
pub const THREADS: [Mover; 2] = [
    Mover {
        name: "Thread-1",
        source: 0,
        target: 1,
        n: 5,
    },
    Mover {
        name: "Thread-2",
        source: 1,
        target: 0,
        n: 8,
    },
];

/// One account's lock, held by thread `who`: the `Mutex`'s guard, wrapped so
/// that the board knows. It derefs to the balance, as the guard does. Dropping
/// it tells the board, then drops the guard, which releases the lock
/// (`lock.release()`).
#[derive(Debug)]
pub struct Held<'a> {
    guard: MutexGuard<'a, i64>,
    board: &'a Board,
    who: usize,
    account: usize,
}

impl Deref for Held<'_> {
    type Target = i64;

    fn deref(&self) -> &i64 {
        &self.guard
    }
}

impl DerefMut for Held<'_> {
    fn deref_mut(&mut self) -> &mut i64 {
        &mut self.guard
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.board.releases(self.who, self.account);
    }
}

/// `account.lock.acquire()` for thread `who` (0 for Thread-1, 1 for Thread-2:
/// its index in [`THREADS`]): writes on the board that it waits for the lock,
/// takes it (waiting as long as another thread holds it: a `Mutex` has no
/// timeout), then writes that it holds it.
///
/// # Errors
///
/// [`LockPoisoned`] if another thread panicked while holding this lock.
pub fn lock<'a>(
    accounts: &'a Accounts,
    account: usize,
    who: usize,
    board: &'a Board,
) -> Result<Held<'a>, LockPoisoned> {
    board.waits(who, account);
    let guard = accounts[account]
        .lock()
        .map_err(|_| LockPoisoned { account })?;
    board.holds(who, account);
    Ok(Held {
        guard,
        board,
        who,
        account,
    })
}

/// The fix, and the Python program as shipped: every thread locks the
/// lower-numbered account first.
pub mod lower_first {
    use crate::{Accounts, Board, LockPoisoned, lock};

    /// Moves `n` from `source` to `target`, holding both accounts' locks, the
    /// lower-numbered one taken first. Both threads then take A's lock before
    /// B's: a thread that holds B has already got A, so no thread can hold B
    /// while it waits for A, and no two threads can wait for each other.
    ///
    /// # Errors
    ///
    /// [`LockPoisoned`] if another thread panicked while holding one of the
    /// locks.
    pub fn transfer(
        accounts: &Accounts,
        source: usize,
        target: usize,
        n: i64,
        who: usize,
        board: &Board,
    ) -> Result<(), LockPoisoned> {
        // if source.number < target.number: first, second = source, target
        // else: first, second = target, source
        let (first, second) = if source < target {
            (source, target)
        } else {
            (target, source)
        };
        // first.lock.acquire()
        let mut first = lock(accounts, first, who, board)?;
        // second.lock.acquire()
        let mut second = lock(accounts, second, who, board)?;
        // Which balance is the source's and which the target's: the locks
        // were taken by number.
        let (from, to) = if source < target {
            (&mut *first, &mut *second)
        } else {
            (&mut *second, &mut *first)
        };
        // source.balance = source.balance - n
        *from -= n;
        // target.balance = target.balance + n
        *to += n;
        board.transferred();
        Ok(())
    } // second.lock.release(), then first.lock.release():
    // the guards are dropped in reverse order
}

/// The version that deadlocks: each thread locks the account it takes money
/// from first.
pub mod opposite_order {
    use crate::{Accounts, Board, LockPoisoned, lock};

    /// Moves `n` from `source` to `target`, holding both locks, the source's
    /// taken first. Thread-1 (A to B) takes A then B; Thread-2 (B to A) takes B
    /// then A. If each takes its first lock before the other takes its second,
    /// each waits for the lock the other holds, forever.
    ///
    /// # Errors
    ///
    /// [`LockPoisoned`] if another thread panicked while holding one of the
    /// locks.
    pub fn transfer(
        accounts: &Accounts,
        source: usize,
        target: usize,
        n: i64,
        who: usize,
        board: &Board,
    ) -> Result<(), LockPoisoned> {
        // source.lock.acquire()
        let mut from = lock(accounts, source, who, board)?;
        // target.lock.acquire()
        let mut to = lock(accounts, target, who, board)?;
        // source.balance = source.balance - n
        *from -= n;
        // target.balance = target.balance + n
        *to += n;
        board.transferred();
        Ok(())
    } // target.lock.release(), then source.lock.release()
}

/// Which `transfer` the threads run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// [`lower_first`]: the fix, and the default.
    LowerFirst,
    /// [`opposite_order`]: each thread its source first (`--opposite-order`).
    Opposite,
}

/// `def run_thread(source, target, n)`: thread `who` of [`THREADS`] makes its
/// transfer `transfers` times.
///
/// # Errors
///
/// [`LockPoisoned`] if another thread panicked while holding a lock.
pub fn run_thread(
    accounts: &Accounts,
    who: usize,
    order: Order,
    transfers: u64,
    board: &Board,
) -> Result<(), LockPoisoned> {
    let Mover {
        source, target, n, ..
    } = THREADS[who];
    // for i in range(100000):
    for _ in 0..transfers {
        // transfer(source, target, n)
        match order {
            Order::LowerFirst => {
                lower_first::transfer(accounts, source, target, n, who, board)?
            }
            Order::Opposite => opposite_order::transfer(
                accounts, source, target, n, who, board,
            )?,
        }
    }
    Ok(())
}

/// A thread found an account's lock poisoned: another thread panicked while it
/// held it.
///
/// In this program no thread can panic holding a lock (the balances stay far
/// from `i64`'s limits at every size the command line accepts), so this is the
/// policy, not a case the lesson shows: refuse to go on, as lock-balance does,
/// rather than build on a transfer that may be half done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockPoisoned {
    /// The account whose lock was poisoned.
    pub account: usize,
}

impl fmt::Display for LockPoisoned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "found account {}'s lock poisoned: another thread panicked while holding it, and a \
             transfer may be half done; refused to go on",
            ACCOUNTS[self.account]
        )
    }
}

impl std::error::Error for LockPoisoned {}

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

/// The two balances at the end, in [`ACCOUNTS`] order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Balances(pub [i64; ACCOUNTS.len()]);

impl Balances {
    /// `a.balance + b.balance`: a transfer moves money, so it is what the
    /// accounts opened with.
    pub fn total(&self) -> i64 {
        self.0.iter().sum()
    }

    /// What every transfer made in full leaves: each thread's `n` times
    /// `transfers`, moved from its source to its target.
    pub fn expected(transfers: u64) -> Balances {
        let mut balances = [OPENING_BALANCE; ACCOUNTS.len()];
        let transfers = i64::try_from(transfers)
            .expect("the command line caps the transfers");
        for Mover {
            source, target, n, ..
        } in THREADS
        {
            balances[source] -= n * transfers;
            balances[target] += n * transfers;
        }
        Balances(balances)
    }
}

impl fmt::Display for Balances {
    /// `print('A:', a.balance)`, `print('B:', b.balance)`, `print('total:',
    /// ...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, balance) in ACCOUNTS.iter().zip(self.0) {
            writeln!(f, "{name}: {balance}")?;
        }
        write!(f, "total: {}", self.total())
    }
}

/// The two threads at work on two accounts: what [`start`] returns.
#[derive(Debug)]
pub struct Bank {
    accounts: Arc<Accounts>,
    board: Arc<Board>,
    threads: Vec<(&'static str, thread::JoinHandle<Result<(), LockPoisoned>>)>,
}

/// Tells the board that its thread is done when dropped: at the end of
/// `run_thread`, or while a panic unwinds it, so that a watchdog never waits
/// for a thread that has ended.
struct Done<'a>(&'a Board, usize);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.done(self.1);
    }
}

/// The Python program's main part, up to the joins: open the accounts, start
/// both threads.
///
/// # Panics
///
/// If the operating system cannot start a thread ("failed to spawn thread"), as
/// in the other lessons: that is no part of what this one shows.
pub fn start(order: Order, transfers: u64, board: Arc<Board>) -> Bank {
    // a = Account(1, 1000000); b = Account(2, 1000000)
    let accounts: Arc<Accounts> =
        Arc::new([Mutex::new(OPENING_BALANCE), Mutex::new(OPENING_BALANCE)]);
    let mut threads = Vec::new();
    for (who, mover) in THREADS.iter().enumerate() {
        let (accounts, board) = (Arc::clone(&accounts), Arc::clone(&board));
        // t1 = threading.Thread(target=run_thread, args=(a, b, 5)); t1.start()
        let handle = thread::Builder::new()
            .name(mover.name.to_string())
            .spawn(move || {
                let _done = Done(&board, who);
                run_thread(&accounts, who, order, transfers, &board)
            })
            .expect("failed to spawn thread");
        threads.push((mover.name, handle));
    }
    Bank {
        accounts,
        board,
        threads,
    }
}

impl Bank {
    /// The board its threads write on.
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// `t1.join(); t2.join()`, then the balances: waits for both threads
    /// (forever, if they are deadlocked: a `JoinHandle` has no timeout either).
    ///
    /// # Errors
    ///
    /// Every thread that panicked or refused to go on, by name.
    pub fn join(self) -> Result<Balances, Vec<ThreadFailure>> {
        let mut failures = Vec::new();
        for (name, handle) in self.threads {
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
        if !failures.is_empty() {
            return Err(failures);
        }
        // print(...): both threads are done, so no lock is held; A's first, as
        // every thread.
        let a = self.accounts[0].lock().expect("no thread panicked");
        let b = self.accounts[1].lock().expect("no thread panicked");
        Ok(Balances([*a, *b]))
    }
}

/// The whole program: start both threads, join them, read the balances.
///
/// # Errors
///
/// Every thread that panicked or refused to go on, by name.
pub fn experiment(
    order: Order,
    transfers: u64,
) -> Result<Balances, Vec<ThreadFailure>> {
    start(order, transfers, Arc::new(Board::new())).join()
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
