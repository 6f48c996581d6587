//! `threading.Lock`: `Mutex<T>`, which owns what it guards; `try_lock`; poisoning.
//!
//! Run it with `cargo run -p threading-map --example lock`.

use std::sync::{Mutex, TryLockError};
use std::thread;

fn main() {
    // lock = threading.Lock(); balance = 0
    let balance = Mutex::new(0_i64);

    thread::scope(|s| {
        // with lock:
        let mut guard = balance.lock().unwrap();
        // balance += 100
        *guard += 100;
        s.spawn(|| {
            // lock.acquire(blocking=False) returns False: it is held.
            match balance.try_lock() {
                Err(TryLockError::WouldBlock) => println!("try_lock: held"),
                _ => println!("try_lock: acquired?"),
            }
        })
        .join()
        .unwrap();
        // The end of `with` releases the lock; in Rust, dropping the guard.
        drop(guard);
    });

    // A thread that panics while it holds the lock poisons it: the data
    // may be half-changed. Python's `with` just releases the lock.
    thread::scope(|s| {
        let ended = s.spawn(|| {
            let mut guard = balance.lock().unwrap();
            *guard -= 30;
            panic!("interrupted mid-transfer");
        });
        assert!(ended.join().is_err());
    });
    match balance.lock() {
        Ok(guard) => println!("not poisoned: {}", *guard),
        Err(poisoned) => {
            println!("poisoned: lock() returned Err");
            // The data is still there, for whoever decides it is usable.
            let guard = poisoned.into_inner();
            println!("the balance it guards: {}", *guard);
        }
    }
    // Declared usable again: lock() returns Ok from now on.
    balance.clear_poison();
    println!("after clear_poison: {}", *balance.lock().unwrap());
}
