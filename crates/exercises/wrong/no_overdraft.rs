//! # no-overdraft: a wrong answer kept for `--verify-all`
//!
//! The funds are checked under the source's lock alone, which is then released before both
//! locks are taken for the move: another transfer can spend the money in between, and this one
//! still moves it. In a plain run the other transfer rarely comes between.

use lock_order::sync::Mutex;

/// Moves `n` from `accounts[from]` to `accounts[to]` if it held at least `n` when checked.
pub fn transfer_if_funds(accounts: &[Mutex<i64>], from: usize, to: usize, n: i64) -> bool {
    if from == to {
        return false;
    }
    let enough = *accounts[from].lock().unwrap() >= n;
    if !enough {
        return false;
    }
    let (first, second) = (from.min(to), from.max(to));
    let mut first = accounts[first].lock().unwrap();
    let mut second = accounts[second].lock().unwrap();
    let (source, target) = match from < to {
        true => (&mut first, &mut second),
        false => (&mut second, &mut first),
    };
    **source -= n;
    **target += n;
    true
}
