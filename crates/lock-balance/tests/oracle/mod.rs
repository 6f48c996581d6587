//! Proof 3's oracle: every final balance of the race, by brute force over the Python's two lines,
//! written independently of the lesson code and of loom, so that it can be read against the
//! Python alone.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::collections::{BTreeMap, BTreeSet};

use lock_balance::THREADS;
use lock_balance::sync::steps::{Access, Step};

/// Every final balance of the two threads' read and write steps in every sequentially consistent
/// interleaving, by brute force, independently of the lesson code: each thread runs
/// `read; write read + n; read; write read - n` per iteration, straight from the Python's two
/// lines. Returns the balances, the number of interleavings enumerated, and for each balance the
/// first interleaving found that ends there (its steps, as the facade would record them).
pub(crate) fn oracle(iterations: u64) -> (BTreeSet<i64>, u64, BTreeMap<i64, Vec<Step>>) {
    struct Search {
        steps: u64,
        path: Vec<Step>,
        witnesses: BTreeMap<i64, Vec<Step>>,
        interleavings: u64,
    }
    fn go(search: &mut Search, done: [u64; 2], read: [i64; 2], balance: i64) {
        if done == [search.steps; 2] {
            search
                .witnesses
                .entry(balance)
                .or_insert_with(|| search.path.clone());
            search.interleavings += 1;
            return;
        }
        for thread in 0..2 {
            if done[thread] == search.steps {
                continue;
            }
            let (mut done, mut read, mut balance) = (done, read, balance);
            let (name, n) = THREADS[thread];
            let access = match done[thread] % 4 {
                // balance = balance + n: read, then write
                0 => {
                    read[thread] = balance;
                    Access::Load
                }
                1 => {
                    balance = read[thread] + n;
                    Access::Store
                }
                // balance = balance - n: read, then write
                2 => {
                    read[thread] = balance;
                    Access::Load
                }
                _ => {
                    balance = read[thread] - n;
                    Access::Store
                }
            };
            done[thread] += 1;
            search.path.push(Step {
                thread: name.to_string(),
                access,
                value: balance,
            });
            go(search, done, read, balance);
            search.path.pop();
        }
    }
    let mut search = Search {
        steps: 4 * iterations,
        path: Vec::new(),
        witnesses: BTreeMap::new(),
        interleavings: 0,
    };
    go(&mut search, [0, 0], [0, 0], 0);
    let balances = search.witnesses.keys().copied().collect();
    (balances, search.interleavings, search.witnesses)
}
