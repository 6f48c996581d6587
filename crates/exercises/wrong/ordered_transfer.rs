//! # ordered-transfer: a wrong answer kept for `--verify-all`
//!
//! The source's lock first, then the target's: two transfers in opposite directions take them
//! in opposite orders, and each can get its first lock and wait forever for its second. In a
//! plain run the two rarely take their first locks at the same moment.

use lock_order::sync::Mutex;

/// Moves `n` from `accounts[from]` to `accounts[to]`, the source's lock first.
pub fn transfer(accounts: &[Mutex<i64>], from: usize, to: usize, n: i64) {
    if from == to {
        return;
    }
    let mut source = accounts[from].lock().unwrap();
    let mut target = accounts[to].lock().unwrap();
    *source -= n;
    *target += n;
}
