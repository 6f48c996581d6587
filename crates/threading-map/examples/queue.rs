//! `queue.Queue`: `std::sync::mpsc`, a channel whose receiving end is one owner.
//!
//! Run it with `cargo run -p threading-map --example queue`.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

fn main() {
    // q = queue.Queue(maxsize=2): put() blocks while two wait.
    let (tx, rx) = mpsc::sync_channel(2);

    let producer = thread::spawn(move || {
        for n in 1..=4 {
            // q.put(n)
            tx.send(n).unwrap();
        }
        // The producer ends and drops tx: the queue is closed. (Python
        // needs a sentinel, q.put(None), or 3.13's q.shutdown().)
    });
    // while (n := q.get()) is not None:
    for n in &rx {
        println!("got {n}");
    }
    producer.join().unwrap();

    // q.get(timeout=0.01) on a queue whose every sender is gone: Python
    // would wait out the timeout and raise queue.Empty.
    match rx.recv_timeout(Duration::from_millis(10)) {
        Err(RecvTimeoutError::Disconnected) => println!("closed: no sender"),
        Err(RecvTimeoutError::Timeout) => println!("empty, still open"),
        Ok(n) => println!("got {n}"),
    }
}
