//! # bounded-ledger (chapter 5, channel-ledger)
//!
//! The Python to port:
//!
//! ```python
//! def run(changes, room):
//!     q = queue.Queue(maxsize=room)    # put() waits while the queue is full
//!     def teller():
//!         for change in changes:
//!             q.put(change)
//!         q.put(None)                  # done
//!     t = threading.Thread(target=teller, name='Teller')
//!     t.start()
//!     balance = 0
//!     while (change := q.get()) is not None:
//!         balance += change
//!     t.join()
//!     return balance
//! ```
//!
//! Your task: a teller thread named `Teller` sends the changes through a channel that holds at
//! most `room` of them (the teller waits while it is full); the ledger, on the calling thread,
//! adds them up until the channel closes (Rust needs no `None`: the channel closes when the
//! teller's sender is dropped), joins the teller and returns the balance. Use
//! `channel_ledger::sync` (`mpsc`, `thread`).
//!
//! Check it: `cargo xtask learn bounded-ledger`.

use channel_ledger::sync::{mpsc, thread};

/// Sends `changes` from a `Teller` thread through a channel of `room` places; returns their sum.
pub fn run(changes: Vec<i64>, room: usize) -> i64 {
    todo!("a sync_channel of room places, a Teller thread sending, the ledger summing here")
}
