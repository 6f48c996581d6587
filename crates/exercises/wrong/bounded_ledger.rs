//! # bounded-ledger: a wrong answer kept for `--verify-all`
//!
//! An unbounded `channel()`: the sum is right in every run, but the teller can run as far ahead
//! of the ledger as it likes, and the queue holds more than `room` changes. No plain check sees
//! the queue; the model counts it at every step.

use channel_ledger::sync::{mpsc, thread};

/// Sends `changes` from a `Teller` thread through a channel of `room` places; returns their sum.
pub fn run(changes: Vec<i64>, room: usize) -> i64 {
    // The mistake: a channel with no bound; `room` is not used.
    let _ = room;
    let (sender, receiver) = mpsc::channel();
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
