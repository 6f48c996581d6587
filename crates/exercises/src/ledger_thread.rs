//! # ledger-thread (chapter 5, channel-ledger)
//!
//! The Python to port:
//!
//! ```python
//! def run(tellers):
//!     q = queue.Queue()
//!     def ledger():
//!         balance = 0
//!         while (change := q.get()) is not None:   # waits while the queue is empty
//!             balance += change
//!         return balance
//!     def teller(changes):
//!         for change in changes:
//!             q.put(change)
//!     # a thread 'Ledger', and 'Teller-1', 'Teller-2', ... one per list of changes;
//!     # join the tellers, then q.put(None), then join the ledger and return its balance
//! ```
//!
//! Your task: a `Ledger` thread owns the balance: it adds up the changes it receives, waiting
//! for each, until every sender is gone, and returns the balance through `join`. Start one
//! teller thread per list, `Teller-1`, `Teller-2`, ..., each sending its changes through its
//! own clone of the sender; drop yours, so the channel closes when the last teller ends. Return
//! the ledger's balance. Use `channel_ledger::sync` (`mpsc`, `thread`).
//!
//! Check it: `cargo xtask learn ledger-thread`.

use channel_ledger::sync::{mpsc, thread};

/// The ledger's balance, once every teller's changes reached it.
pub fn run(tellers: Vec<Vec<i64>>) -> i64 {
    todo!("a Ledger thread summing until the channel closes; a Teller-k thread per list")
}
