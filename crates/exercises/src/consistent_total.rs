//! # consistent-total (chapter 6, lock-order)
//!
//! The Python to port:
//!
//! ```python
//! def total(accounts):
//!     with contextlib.ExitStack() as stack:
//!         for account in accounts:          # in index order, as every transfer locks
//!             stack.enter_context(account.lock)
//!         return sum(account.balance for account in accounts)
//! ```
//!
//! Your task: add up every account's balance while transfers run on other threads, and never
//! see a transfer half done (its money taken from one account and not yet added to the other):
//! hold every account's lock at once while you read, taken in index order (the order the
//! transfers take theirs, so the audit cannot deadlock with them). Use `Mutex` from
//! `lock_order::sync`.
//!
//! Check it: `cargo xtask learn consistent-total`.

use lock_order::sync::{Mutex, MutexGuard};

/// The sum of every balance, read while every lock is held.
pub fn total(accounts: &[Mutex<i64>]) -> i64 {
    todo!("take every lock in index order, keep the guards, then add up")
}
