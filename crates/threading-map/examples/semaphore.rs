//! `threading.Semaphore` and `BoundedSemaphore`: std has none; one built from `Mutex` + `Condvar`.
//!
//! Run it with `cargo run -p threading-map --example semaphore`.

use std::sync::{Condvar, Mutex};
use std::thread;

// threading.BoundedSemaphore(value)
struct Semaphore {
    permits: Mutex<usize>,
    released: Condvar,
}

// Python's `with sem:` releases at the end of the block; this guard
// releases when it is dropped. Only a Permit releases, once: so no
// release() without an acquire(), which BoundedSemaphore checks for.
struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    fn new(value: usize) -> Self {
        let (permits, released) = (Mutex::new(value), Condvar::new());
        Semaphore { permits, released }
    }

    // sem.acquire()
    fn acquire(&self) -> Permit<'_> {
        let permits = self.permits.lock().unwrap();
        let mut permits =
            self.released.wait_while(permits, |n| *n == 0).unwrap();
        *permits -= 1;
        Permit(self)
    }

    // sem.acquire(blocking=False)
    fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut permits = self.permits.lock().unwrap();
        if *permits == 0 {
            return None;
        }
        *permits -= 1;
        Some(Permit(self))
    }
}

// sem.release()
impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.permits.lock().unwrap() += 1;
        self.0.released.notify_one();
    }
}

fn main() {
    // sem = threading.BoundedSemaphore(2)
    let sem = Semaphore::new(2);
    let first = sem.acquire();
    let second = sem.acquire();
    // sem.acquire(blocking=False) returns False: both permits are out.
    println!("a third permit now: {}", sem.try_acquire().is_some());
    drop(first);
    println!("after one is released: {}", sem.try_acquire().is_some());
    drop(second);

    // Four threads, two permits: at most two inside at once.
    let inside = Mutex::new((0, 0)); // (inside now, most ever inside)
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                // with sem:
                let _permit = sem.acquire();
                let mut inside_now = inside.lock().unwrap();
                inside_now.0 += 1;
                inside_now.1 = inside_now.1.max(inside_now.0);
                drop(inside_now);
                thread::yield_now(); // let another thread try to come in
                inside.lock().unwrap().0 -= 1;
            });
        }
    });
    let most = inside.lock().unwrap().1;
    println!("never more than 2 inside at once: {}", most <= 2);
}
