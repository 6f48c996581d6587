//! `threading.Condition`: a `Mutex` and a `Condvar`, and `wait_while` for Python's `while`.
//!
//! Run it with `cargo run -p threading-map --example condition`.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::thread;

fn main() {
    // cond = threading.Condition(); items = collections.deque()
    // The Condition's lock is the Mutex, which owns the items; the
    // Condvar is only the waiting room.
    let items = Mutex::new(VecDeque::new());
    let cond = Condvar::new();

    let taken = thread::scope(|s| {
        let consumer = s.spawn(|| {
            let mut taken = Vec::new();
            for _ in 0..3 {
                // with cond:
                //     while not items: cond.wait()
                let guard = items.lock().unwrap();
                let mut guard =
                    cond.wait_while(guard, |items| items.is_empty()).unwrap();
                //     taken.append(items.popleft())
                taken.push(guard.pop_front().unwrap());
            }
            taken
        });
        for item in ["a", "b", "c"] {
            // with cond: items.append(item); cond.notify()
            items.lock().unwrap().push_back(item);
            cond.notify_one();
        }
        consumer.join().unwrap()
    });
    println!("the consumer took {taken:?}");
}
