//! A withdrawal that waits for funds: a lesson beyond the seed, in the seed's
//! style.
//!
//! The bank again, but a withdrawal never takes more than the balance holds:
//! it waits until deposits cover it. Python does this with a
//! `threading.Condition`, a lock and a place to wait; Rust with a
//! `Mutex<i64>` and a `Condvar` beside it. Thread-1 withdraws 5 and Thread-2
//! withdraws 8, 100 000 times each; the Depositor pays in 5 then 8, 100 000
//! times. Every withdrawal is covered in the end, so the balance ends at 0,
//! and while they run it never goes below 0.
//!
//! The lesson comes first: [`Account`] (the balance and its condvar, with
//! [`Account::withdraw`] and [`Account::deposit`], each with the Python beside
//! it), [`Event`] (`threading.Event`, the simplest wait: one flag, set once),
//! then [`experiment`], the threads started and joined. The [`mistaken`]
//! versions are the ones the chapter shows going wrong: `if` for `while`,
//! `notify_one` for `notify_all`, the balance checked before the lock. Threads,
//! locks and condvars come from [`sync`], which the proofs switch to loom.

pub mod sync;

use std::fmt;

use sync::{Arc, Condvar, Mutex, thread};

/// `withdraw(5)`, `withdraw(8)`: what each withdrawer takes each time, and
/// what the depositor pays in, in turn.
pub const AMOUNTS: [i64; 2] = [5, 8];

/// `for i in range(100000)`: how many times each thread does its work.
pub const ROUNDS: u64 = 100_000;

/// `name='Depositor'`; the withdrawers get Python's pre-3.10 default names,
/// `Thread-1`, `Thread-2`, ...
pub const DEPOSITOR: &str = "Depositor";

/// A thread found a lock poisoned: another thread panicked while it held it.
///
/// No thread of this lesson panics while it holds a lock, so this is the
/// policy, not a case the lesson shows: refuse to go on, as the other lessons
/// do, rather than build on a change that may be half made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Poisoned;

impl fmt::Display for Poisoned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "found the lock poisoned: another thread panicked while holding \
             it; refused to go on",
        )
    }
}

impl std::error::Error for Poisoned {}

/// `balance = 0` and `cond = threading.Condition()`: the balance behind its
/// lock, and the condvar its waiters wait on.
///
/// Python's `Condition` is a lock and a waiting place in one object; Rust's
/// `Condvar` is only the waiting place, and is used with a `Mutex` that holds
/// the data. One condvar belongs with one mutex: every wait on `funds` hands it
/// the guard of `balance`.
#[derive(Debug)]
pub struct Account {
    balance: Mutex<i64>,
    funds: Condvar,
}

impl Default for Account {
    fn default() -> Self {
        Self::new()
    }
}

impl Account {
    /// `balance = 0; cond = threading.Condition()`.
    pub fn new() -> Self {
        Account {
            balance: Mutex::new(0),
            funds: Condvar::new(),
        }
    }

    /// `def deposit(n)`: adds `n`, then wakes every withdrawer that waits, so
    /// that each looks at the balance again.
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn deposit(&self, n: i64) -> Result<(), Poisoned> {
        // with cond:
        let mut balance = self.balance.lock().map_err(|_| Poisoned)?;
        // balance = balance + n
        *balance += n;
        // cond.notify_all(): every waiter wakes, and each checks its own
        // amount. A waiter that needs more waits again.
        self.funds.notify_all();
        Ok(())
    } // the end of `with cond:`: the guard is dropped, the lock released

    /// `def withdraw(n)`: waits until the balance covers `n`, then takes it.
    ///
    /// The `while` is the point: a waiter that wakes must look again. Another
    /// withdrawer may have taken the money first, the deposit may not cover
    /// this amount, or the wakeup may be spurious (std allows a wait to return
    /// with no notify at all).
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn withdraw(&self, n: i64) -> Result<(), Poisoned> {
        // with cond:
        let mut balance = self.balance.lock().map_err(|_| Poisoned)?;
        // while balance < n:
        while *balance < n {
            // cond.wait(): releases the lock, waits for a notify, takes the
            // lock back. The guard goes in and comes back out: while the
            // thread waits, it holds no guard, so it cannot touch the balance.
            balance = self.funds.wait(balance).map_err(|_| Poisoned)?;
        }
        // balance = balance - n
        *balance -= n;
        Ok(())
    }

    /// The same withdrawal, the way Rust code usually writes it:
    /// `Condvar::wait_while` is the `while` loop of [`Account::withdraw`] in
    /// one call. It waits as long as the closure returns `true`, checking it
    /// under the lock before the first wait and after every wake.
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn withdraw_wait_while(&self, n: i64) -> Result<(), Poisoned> {
        // with cond:
        let balance = self.balance.lock().map_err(|_| Poisoned)?;
        // while balance < n: cond.wait()
        let mut balance = self
            .funds
            .wait_while(
                balance,
                // true: keep waiting
                |balance| *balance < n,
            )
            .map_err(|_| Poisoned)?;
        // balance = balance - n
        *balance -= n;
        Ok(())
    }

    /// `print(balance)`: the balance now, read under the lock.
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn balance(&self) -> Result<i64, Poisoned> {
        Ok(*self.balance.lock().map_err(|_| Poisoned)?)
    }
}

/// The versions that go wrong, kept to be run and shown: the chapter's
/// mistakes, which the proofs' contrasts find.
pub mod mistaken {
    use crate::{Account, Poisoned};

    /// `if balance < n: cond.wait()`: waits at most once, then takes `n`
    /// whatever the balance. With two withdrawers, one deposit wakes both; the
    /// first takes the money, and the second takes it too, from a balance that
    /// no longer holds it. A spurious wakeup does the same with one.
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn withdraw_if(account: &Account, n: i64) -> Result<(), Poisoned> {
        // with cond:
        let mut balance = account.balance.lock().map_err(|_| Poisoned)?;
        // if balance < n:
        if *balance < n {
            // cond.wait()
            balance = account.funds.wait(balance).map_err(|_| Poisoned)?;
        }
        // balance = balance - n
        *balance -= n;
        Ok(())
    }

    /// `cond.notify()` for `cond.notify_all()`: wakes one waiter, not all.
    /// Loom's `notify_one` wakes the one that has waited longest. A deposit
    /// that wakes a withdrawer it cannot cover is spent on nothing, and a
    /// withdrawer it could cover may be left waiting for good: a lost wakeup.
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn deposit_notify_one(
        account: &Account,
        n: i64,
    ) -> Result<(), Poisoned> {
        // with cond:
        let mut balance = account.balance.lock().map_err(|_| Poisoned)?;
        // balance = balance + n
        *balance += n;
        // cond.notify()
        account.funds.notify_one();
        Ok(())
    }

    /// The balance checked before the lock is taken:
    /// `while balance < n: with cond: cond.wait()`, then `with cond:` to take
    /// `n`. Between the check and the wait, the deposit the thread waits for
    /// can come and go, and it waits for a notify that was already sent; and
    /// between the last check and the withdrawal, another withdrawer can take
    /// the money.
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn withdraw_checked_before_lock(
        account: &Account,
        n: i64,
    ) -> Result<(), Poisoned> {
        // while balance < n: (read with the lock taken and released at once:
        // Rust has no way to read it without the lock)
        while *account.balance.lock().map_err(|_| Poisoned)? < n {
            // with cond: cond.wait()
            let balance = account.balance.lock().map_err(|_| Poisoned)?;
            drop(account.funds.wait(balance).map_err(|_| Poisoned)?);
        }
        // with cond: balance = balance - n
        *account.balance.lock().map_err(|_| Poisoned)? -= n;
        Ok(())
    }
}

/// `opened = threading.Event()`: one flag, set once, that threads can wait
/// for. The simplest condition there is, built the same way: a `Mutex<bool>`
/// and a `Condvar`. (Rust's standard library has no `Event`; this is the
/// usual way to write one.)
#[derive(Debug)]
pub struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Default for Event {
    fn default() -> Self {
        Self::new()
    }
}

impl Event {
    /// `threading.Event()`: not set.
    pub fn new() -> Self {
        Event {
            flag: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// `opened.set()`: sets the flag and wakes every thread waiting for it.
    /// Setting it again changes nothing.
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn set(&self) -> Result<(), Poisoned> {
        let mut flag = self.flag.lock().map_err(|_| Poisoned)?;
        *flag = true;
        self.changed.notify_all();
        Ok(())
    }

    /// `opened.is_set()`.
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn is_set(&self) -> Result<bool, Poisoned> {
        Ok(*self.flag.lock().map_err(|_| Poisoned)?)
    }

    /// `opened.wait()`: returns at once if the flag is set, or waits until it
    /// is. (Python's `wait()` without a timeout returns `True`; this returns
    /// nothing.)
    ///
    /// # Errors
    ///
    /// [`Poisoned`] if another thread panicked while holding the lock.
    pub fn wait(&self) -> Result<(), Poisoned> {
        let flag = self.flag.lock().map_err(|_| Poisoned)?;
        // while not flag: wait
        let _flag = self
            .changed
            .wait_while(flag, |set| !*set)
            .map_err(|_| Poisoned)?;
        Ok(())
    }
}

/// How the withdrawers wait: the lesson's two forms, and the two mistakes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withdrawal {
    /// [`Account::withdraw`]: the Python's `while` loop (the default).
    While,
    /// [`Account::withdraw_wait_while`]: the same with `wait_while`.
    WaitWhile,
    /// [`mistaken::withdraw_if`]: `if` for `while`.
    If,
    /// [`mistaken::withdraw_checked_before_lock`].
    CheckedBeforeLock,
}

/// How the depositor wakes the withdrawers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notify {
    /// [`Account::deposit`]: `notify_all` (the default).
    All,
    /// [`mistaken::deposit_notify_one`].
    One,
}

/// What to run: each withdrawer's amount (Thread-1 the first), how many
/// rounds, and which versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// One withdrawer per amount; the depositor pays each in, in this order,
    /// once a round.
    pub amounts: Vec<i64>,
    /// `range(100000)`: withdrawals per withdrawer, and the depositor's
    /// rounds.
    pub rounds: u64,
    /// How the withdrawers wait.
    pub withdrawal: Withdrawal,
    /// How the depositor wakes them.
    pub notify: Notify,
}

impl Default for Plan {
    /// The Python program.
    fn default() -> Self {
        Plan {
            amounts: AMOUNTS.to_vec(),
            rounds: ROUNDS,
            withdrawal: Withdrawal::While,
            notify: Notify::All,
        }
    }
}

/// `Thread-1`, `Thread-2`, ...: withdrawer `k`'s name, from 0.
pub fn withdrawer_name(k: usize) -> String {
    format!("Thread-{}", k + 1)
}

/// `def run_withdrawer(n)`: withdraws `n`, `rounds` times.
///
/// # Errors
///
/// [`Poisoned`] if another thread panicked while holding a lock.
///
/// # Panics
///
/// If `n` is not positive: a withdrawal of nothing waits for nothing.
pub fn run_withdrawer(
    account: &Account,
    n: i64,
    rounds: u64,
    withdrawal: Withdrawal,
) -> Result<(), Poisoned> {
    assert!(
        n > 0,
        "was asked to withdraw {n}: an amount must be at least 1"
    );
    // for i in range(100000):
    for _ in 0..rounds {
        // withdraw(n)
        match withdrawal {
            Withdrawal::While => account.withdraw(n)?,
            Withdrawal::WaitWhile => account.withdraw_wait_while(n)?,
            Withdrawal::If => mistaken::withdraw_if(account, n)?,
            Withdrawal::CheckedBeforeLock => {
                mistaken::withdraw_checked_before_lock(account, n)?
            }
        }
    }
    Ok(())
}

/// `def run_depositor()`: pays in each amount in turn, `rounds` times.
///
/// # Errors
///
/// [`Poisoned`] if another thread panicked while holding a lock.
pub fn run_depositor(
    account: &Account,
    amounts: &[i64],
    rounds: u64,
    notify: Notify,
) -> Result<(), Poisoned> {
    // for i in range(100000):
    for _ in 0..rounds {
        // deposit(5); deposit(8)
        for &n in amounts {
            match notify {
                Notify::All => account.deposit(n)?,
                Notify::One => mistaken::deposit_notify_one(account, n)?,
            }
        }
    }
    Ok(())
}

/// How a thread ended without finishing its work.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// It panicked, with this message.
    Panicked(String),
    /// It stopped on a poisoned lock.
    Refused(Poisoned),
}

/// A thread that failed, by name.
#[derive(Debug, PartialEq, Eq)]
pub struct ThreadFailure {
    /// `Thread-1`, ..., or `Depositor`.
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

/// The whole program: open the account, start the withdrawers and the
/// depositor, join them all, and read the balance.
///
/// # Errors
///
/// Every thread that panicked or refused to go on, by name.
///
/// # Panics
///
/// If the operating system cannot start a thread ("failed to spawn thread"),
/// as in the other lessons: that is no part of what this one shows.
pub fn experiment(plan: &Plan) -> Result<i64, Vec<ThreadFailure>> {
    // balance = 0; cond = threading.Condition()
    let account = Arc::new(Account::new());
    let mut threads = Vec::new();
    for (k, &n) in plan.amounts.iter().enumerate() {
        let account = Arc::clone(&account);
        let (rounds, withdrawal) = (plan.rounds, plan.withdrawal);
        // t1 = threading.Thread(target=run_withdrawer, args=(5,)); t1.start()
        let handle = thread::Builder::new()
            .name(withdrawer_name(k))
            .spawn(move || run_withdrawer(&account, n, rounds, withdrawal))
            .expect("failed to spawn thread");
        threads.push((withdrawer_name(k), handle));
    }
    let (depositor_account, amounts) =
        (Arc::clone(&account), plan.amounts.clone());
    let (rounds, notify) = (plan.rounds, plan.notify);
    // t3 = threading.Thread(target=run_depositor, name='Depositor')
    let handle = thread::Builder::new()
        .name(DEPOSITOR.to_string())
        .spawn(move || {
            run_depositor(&depositor_account, &amounts, rounds, notify)
        })
        .expect("failed to spawn thread");
    threads.push((DEPOSITOR.to_string(), handle));
    // t1.join(); t2.join(); t3.join()
    let mut failures = Vec::new();
    for (thread, handle) in threads {
        let failure = match handle.join() {
            Ok(Ok(())) => continue,
            Ok(Err(poisoned)) => Failure::Refused(poisoned),
            Err(panic) => Failure::Panicked(panic_message(panic.as_ref())),
        };
        failures.push(ThreadFailure { thread, failure });
    }
    if !failures.is_empty() {
        return Err(failures);
    }
    // print(balance)
    account.balance().map_err(|poisoned| {
        vec![ThreadFailure {
            thread: "the main thread".to_string(),
            failure: Failure::Refused(poisoned),
        }]
    })
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
