//! # ledger-thread: a wrong answer kept for `--verify-all`
//!
//! The ledger polls: when the queue is empty it asks again at once (`try_recv` in a loop),
//! instead of waiting. The balance is right in every run, but the ledger spins on a core while
//! there is nothing to do. A model sees an execution in which it never stops asking.

use channel_ledger::sync::{mpsc, thread};

/// The ledger's balance, once every teller's changes reached it.
pub fn run(tellers: Vec<Vec<i64>>) -> i64 {
    let (sender, receiver) = mpsc::channel();
    let ledger = thread::Builder::new()
        .name("Ledger".to_string())
        .spawn(move || {
            // The mistake: polling. When the queue is empty, ask again at once, until the
            // channel is closed.
            let mut balance = 0;
            loop {
                match receiver.try_recv() {
                    Ok(change) => balance += change,
                    Err(mpsc::TryRecvError::Empty) => continue,
                    Err(mpsc::TryRecvError::Disconnected) => break,
                }
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
