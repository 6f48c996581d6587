//! # deposit-withdraw: a wrong answer kept for `--verify-all`
//!
//! `withdraw` checks the balance under one lock and takes the money under another: two
//! withdrawals can both pass the check before either takes its money. In a plain run the second
//! thread rarely comes between the two locks.

use lock_balance::sync::Mutex;

/// Adds `n` to the balance.
pub fn deposit(account: &Mutex<i64>, n: i64) {
    *account.lock().unwrap() += n;
}

/// Takes `n` from the balance if it holds at least `n` (it checks, then takes).
pub fn withdraw(account: &Mutex<i64>, n: i64) -> bool {
    let enough = *account.lock().unwrap() >= n;
    if !enough {
        return false;
    }
    *account.lock().unwrap() -= n;
    true
}
