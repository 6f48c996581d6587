//! `threading.Event`: std has none; a flag in a `Mutex` and a `Condvar`.
//!
//! Run it with `cargo run -p threading-map --example event`.

use std::sync::{Condvar, Mutex};
use std::thread;

// ready = threading.Event()
struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    fn new() -> Self {
        Event {
            flag: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    // ready.set()
    fn set(&self) {
        *self.flag.lock().unwrap() = true;
        self.changed.notify_all();
    }

    // ready.is_set()
    fn is_set(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    // ready.wait()
    fn wait(&self) {
        let flag = self.flag.lock().unwrap();
        drop(self.changed.wait_while(flag, |set| !*set).unwrap());
    }
}

fn main() {
    let ready = Event::new();
    let seen: Vec<String> = thread::scope(|s| {
        let waiters: Vec<_> = (1..=2)
            .map(|i| {
                let ready = &ready;
                s.spawn(move || {
                    ready.wait();
                    format!("waiter {i} saw the event")
                })
            })
            .collect();
        println!("before set: is_set() = {}", ready.is_set());
        ready.set();
        waiters.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for line in seen {
        println!("{line}");
    }
}
