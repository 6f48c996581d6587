//! # deposit-withdraw (chapter 2, lock-balance)
//!
//! The Python to port:
//!
//! ```python
//! lock = threading.Lock()
//!
//! def deposit(account, n):
//!     with lock:
//!         account.balance += n
//!
//! def withdraw(account, n):
//!     with lock:
//!         if account.balance < n:
//!             return False        # refused: never overdraw
//!         account.balance -= n
//!         return True
//! ```
//!
//! Your task: write `deposit` and `withdraw` on a balance behind a `Mutex`. No update may be
//! lost, and the balance must never go below zero, whatever other threads do at the same time:
//! the check and the change it allows must be one step to every other thread. Use `Mutex` from
//! `lock_balance::sync`.
//!
//! Check it: `cargo xtask learn deposit-withdraw`.

use lock_balance::sync::Mutex;

/// Adds `n` to the balance.
pub fn deposit(account: &Mutex<i64>, n: i64) {
    todo!("add n to the balance, under the lock")
}

/// Takes `n` from the balance if it holds at least `n`, and says whether it did.
pub fn withdraw(account: &Mutex<i64>, n: i64) -> bool {
    todo!("check and take under one lock")
}
