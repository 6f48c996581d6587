//! `RwLock`, which Python's `threading` lacks: many readers at once, or one writer.
//!
//! Run it with `cargo run -p threading-map --example rwlock`.

use std::sync::{Barrier, RwLock};
use std::thread;

fn main() {
    // Python has no reader-writer lock: `lock = threading.Lock()`, and
    // `with lock:` around every read lets one reader in at a time.
    let rates = RwLock::new(vec![("EUR", 100), ("GBP", 85)]);

    // Three readers, each holding its read guard while it waits at a
    // barrier for the other two: only possible if all three hold the
    // lock at once. With a Mutex, this would never end.
    let all_in = Barrier::new(3);
    let seen: Vec<usize> = thread::scope(|s| {
        let readers: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    let rates = rates.read().unwrap();
                    all_in.wait();
                    rates.len()
                })
            })
            .collect();
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    println!("three readers in at once, each saw {seen:?} rates");

    {
        // A writer waits for every reader to leave, and keeps them out.
        let mut writing = rates.write().unwrap();
        writing.push(("JPY", 15_000));
        let reader_in = thread::scope(|s| {
            s.spawn(|| rates.try_read().is_ok()).join().unwrap()
        });
        println!("while it writes, a reader gets in: {reader_in}");
    }
    println!("after the write: {:?}", *rates.read().unwrap());
}
