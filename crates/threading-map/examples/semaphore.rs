//! `threading.Semaphore` and `BoundedSemaphore`: std has none; one built from `Mutex` + `Condvar`.
//!
//! Run it with `cargo run -p threading-map --example semaphore`.

use std::sync::{Barrier, Condvar, Mutex};
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

    // Four threads, two permits. Inside, each waits at a barrier for a
    // second one: so two are in at once (with one permit, this would
    // never end), and the semaphore lets no third in.
    let inside = Mutex::new((0, 0)); // (inside now, most ever inside)
    let pair = Barrier::new(2);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                // with sem:
                let _permit = sem.acquire();
                let mut now = inside.lock().unwrap();
                now.0 += 1;
                now.1 = now.1.max(now.0);
                drop(now);
                pair.wait();
                inside.lock().unwrap().0 -= 1;
            });
        }
    });
    println!("most threads inside at once: {}", inside.lock().unwrap().1);
}
