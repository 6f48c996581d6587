//! # no-overdraft (chapter 6, lock-order)
//!
//! The Python to port:
//!
//! ```python
//! def transfer_if_funds(accounts, source, target, n):
//!     if source == target:
//!         return False
//!     first, second = sorted([source, target])
//!     with accounts[first].lock:
//!         with accounts[second].lock:
//!             if accounts[source].balance < n:
//!                 return False        # refused: never overdraw
//!             accounts[source].balance -= n
//!             accounts[target].balance += n
//!             return True
//! ```
//!
//! Your task: move `n` from `from` to `to` only if `from` holds at least `n`, and say whether
//! you did. No account may go below zero, however many transfers run at once: check the funds
//! and move them while holding both locks (lower index first, so it cannot deadlock). Use
//! `Mutex` from `lock_order::sync`.
//!
//! Check it: `cargo xtask learn no-overdraft`.

use lock_order::sync::Mutex;

/// Moves `n` from `accounts[from]` to `accounts[to]` if it holds at least `n`; says whether it
/// did.
pub fn transfer_if_funds(accounts: &[Mutex<i64>], from: usize, to: usize, n: i64) -> bool {
    if from == to {
        return false;
    }
    let (first, second) = (from.min(to), from.max(to));
    let mut first = accounts[first].lock().unwrap();
    let mut second = accounts[second].lock().unwrap();
    let (source, target) = match from < to {
        true => (&mut first, &mut second),
        false => (&mut second, &mut first),
    };
    // The check and the move under the same two guards: no other transfer can come between.
    if **source < n {
        return false;
    }
    **source -= n;
    **target += n;
    true
}
