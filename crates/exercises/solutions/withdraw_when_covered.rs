//! # withdraw-when-covered (chapter 7, wait-for-funds)
//!
//! The Python to port (the chapter's bank, where a withdrawal waits until deposits cover it):
//!
//! ```python
//! class Account:
//!     def __init__(self, opening):
//!         self.balance = opening
//!         self.cond = threading.Condition()   # a lock, and a place to wait
//!
//!     def deposit(self, n):
//!         with self.cond:
//!             self.balance = self.balance + n
//!             self.cond.notify_all()          # wake everyone who waits
//!
//!     def withdraw(self, n):
//!         with self.cond:
//!             while self.balance < n:         # not enough: wait, and look again on waking
//!                 self.cond.wait()
//!             self.balance = self.balance - n
//! ```
//!
//! Your task: `deposit` adds `n` and wakes every withdrawal that waits; `withdraw` waits until
//! the balance covers `n`, then takes it, so the balance never goes below zero. Rust splits
//! Python's `Condition` in two: the balance behind its `Mutex`, and beside it a `Condvar`, only
//! the place to wait. `funds.wait(guard)` takes the guard, releases the lock while it waits, and
//! hands the guard back once woken. A wakeup only says that something changed: another
//! withdrawal may have taken the money first, this deposit may not cover you, or the wait may
//! have returned with no notify at all (std allows such a *spurious* wakeup). The checks run two
//! withdrawals, of 5 and 8, while deposits of 5 then 8 come in. Use `wait_for_funds::sync` for
//! `Mutex` and `Condvar`.
//!
//! Check it: `cargo xtask learn withdraw-when-covered`.

use wait_for_funds::sync::{Condvar, Mutex};

/// `balance` and `cond`: the balance behind its lock, and the condvar its withdrawals wait on.
pub struct Account {
    balance: Mutex<i64>,
    funds: Condvar,
}

impl Account {
    /// `Account(opening)`.
    pub fn new(opening: i64) -> Self {
        Account {
            balance: Mutex::new(opening),
            funds: Condvar::new(),
        }
    }

    /// The balance now, read under the lock.
    pub fn balance(&self) -> i64 {
        *self.balance.lock().unwrap()
    }

    /// Adds `n`, and wakes every withdrawal that waits.
    pub fn deposit(&self, n: i64) {
        let mut balance = self.balance.lock().unwrap();
        *balance += n;
        // Every waiter, not one: each looks again at its own amount.
        self.funds.notify_all();
    }

    /// Waits until the balance covers `n`, then takes it.
    pub fn withdraw(&self, n: i64) {
        let mut balance = self.balance.lock().unwrap();
        // `while`, not `if`: a woken withdrawal looks again, under the lock.
        while *balance < n {
            balance = self.funds.wait(balance).unwrap();
        }
        *balance -= n;
    }
}
