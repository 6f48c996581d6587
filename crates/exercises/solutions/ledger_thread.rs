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
    let (sender, receiver) = mpsc::channel();
    let ledger = thread::Builder::new()
        .name("Ledger".to_string())
        .spawn(move || {
            // recv() waits while the queue is empty, and the loop ends once it is empty and
            // every sender is gone
            let mut balance = 0;
            for change in receiver.iter() {
                balance += change;
            }
            balance
        })
        .expect("failed to spawn thread");
    let tellers: Vec<thread::JoinHandle<()>> = tellers
        .into_iter()
        .enumerate()
        .map(|(i, changes)| {
            let sender = sender.clone();
            thread::Builder::new()
                .name(format!("Teller-{}", i + 1))
                .spawn(move || {
                    for change in changes {
                        sender.send(change).expect("the ledger stopped listening");
                    }
                })
                .expect("failed to spawn thread")
        })
        .collect();
    // Ours too: the ledger's loop ends only when no sender is left.
    drop(sender);
    for teller in tellers {
        teller.join().expect("a teller panicked");
    }
    ledger.join().expect("the ledger panicked")
}
