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
    // q = queue.Queue(maxsize=room)
    let (sender, receiver) = mpsc::sync_channel(room);
    let teller = thread::Builder::new()
        .name("Teller".to_string())
        .spawn(move || {
            for change in changes {
                sender.send(change).expect("the ledger stopped listening");
            }
            // The sender is dropped here: once the queue is empty, the ledger's loop ends.
        })
        .expect("failed to spawn thread");
    let mut balance = 0;
    for change in receiver.iter() {
        balance += change;
    }
    teller.join().expect("the teller panicked");
    balance
}
