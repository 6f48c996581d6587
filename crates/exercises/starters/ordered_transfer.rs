//! # ordered-transfer (chapter 6, lock-order)
//!
//! The Python to port:
//!
//! ```python
//! def transfer(accounts, source, target, n):
//!     if source == target:
//!         return
//!     first, second = sorted([source, target])     # one order for every transfer
//!     with accounts[first].lock:
//!         with accounts[second].lock:
//!             accounts[source].balance -= n
//!             accounts[target].balance += n
//! ```
//!
//! Your task: move `n` from account `from` to account `to` (indices into `accounts`, each
//! balance behind its own lock), holding both locks while you change the balances, and never
//! deadlock, however many transfers run at once in whatever directions: take the two locks
//! lower index first. Use `Mutex` from `lock_order::sync`.
//!
//! Check it: `cargo xtask learn ordered-transfer`.

use lock_order::sync::Mutex;

/// Moves `n` from `accounts[from]` to `accounts[to]`, both locks held, lower index first.
pub fn transfer(accounts: &[Mutex<i64>], from: usize, to: usize, n: i64) {
    todo!("lock the lower index first, then the other; move n while holding both")
}
