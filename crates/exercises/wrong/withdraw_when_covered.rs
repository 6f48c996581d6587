//! # withdraw-when-covered: a wrong answer kept for `--verify-all`
//!
//! `if` for `while`: a withdrawal waits at most once, and once woken takes its amount without
//! looking at the balance again. The deposits pay in exactly what the withdrawals take, so every
//! run still ends at 0 and no thread hangs: the plain checks pass in every run. But a deposit of
//! 5 wakes both waiting withdrawals; one takes the 5, and the other takes 8 from what is left.

use wait_for_funds::sync::{Condvar, Mutex};

/// The balance behind its lock, and the condvar its withdrawals wait on.
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
        self.funds.notify_all();
    }

    /// Waits (once) if the balance is short of `n`, then takes it.
    pub fn withdraw(&self, n: i64) {
        let mut balance = self.balance.lock().unwrap();
        if *balance < n {
            balance = self.funds.wait(balance).unwrap();
        }
        *balance -= n;
    }
}
