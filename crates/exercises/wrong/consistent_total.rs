//! # consistent-total: a wrong answer kept for `--verify-all`
//!
//! Each balance read under its own lock, one after the other: a transfer can run between two
//! reads, and the audit sees money taken from one account but not yet added to the other (or
//! the reverse). In a plain run a transfer rarely lands between the two reads.

use lock_order::sync::Mutex;

/// The sum of every balance, each read under its own lock.
pub fn total(accounts: &[Mutex<i64>]) -> i64 {
    accounts
        .iter()
        .map(|account| *account.lock().unwrap())
        .sum()
}
