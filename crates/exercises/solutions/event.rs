//! # event (chapter 7, wait-for-funds)
//!
//! The Python to port (`threading.Event`, the simplest wait there is: one flag, set once, as
//! the chapter builds it from a lock and a condition):
//!
//! ```python
//! class Event:
//!     def __init__(self):
//!         self.flag = False
//!         self.cond = threading.Condition()   # a lock, and a place to wait
//!
//!     def set(self):
//!         with self.cond:
//!             self.flag = True
//!             self.cond.notify_all()          # wake every thread that waits
//!
//!     def is_set(self):
//!         with self.cond:
//!             return self.flag
//!
//!     def wait(self):
//!         with self.cond:
//!             while not self.flag:            # look under the lock, and again on waking
//!                 self.cond.wait()
//! ```
//!
//! Your task: `set` sets the flag and wakes every thread waiting for it (setting it again
//! changes nothing); `is_set` says whether it is set; `wait` returns at once if it is set, or
//! waits until it is. The flag lives in a `Mutex<bool>`; beside it, the `Condvar` is the place
//! to wait: `changed.wait(guard)` releases the lock while it waits and hands the guard back once
//! woken. A notify is not stored: if no thread waits at that moment, it wakes no one. The checks
//! start two threads that wait for your Event while the main thread sets it. Use
//! `wait_for_funds::sync` for `Mutex` and `Condvar`.
//!
//! Check it: `cargo xtask learn event`.

use wait_for_funds::sync::{Condvar, Mutex};

/// `threading.Event()`: the flag behind its lock, and the condvar its waiters wait on.
pub struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Default for Event {
    fn default() -> Self {
        Self::new()
    }
}

impl Event {
    /// `threading.Event()`: not set.
    pub fn new() -> Self {
        Event {
            flag: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// `event.set()`: sets the flag, and wakes every thread that waits for it.
    pub fn set(&self) {
        let mut flag = self.flag.lock().unwrap();
        *flag = true;
        // Under the lock: a waiter is either inside wait already, and woken, or not yet
        // looking, and will find the flag set.
        self.changed.notify_all();
    }

    /// `event.is_set()`.
    pub fn is_set(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    /// `event.wait()`: returns once the flag is set.
    pub fn wait(&self) {
        let mut flag = self.flag.lock().unwrap();
        // The look and the wait under one lock, and a look again on every wake.
        while !*flag {
            flag = self.changed.wait(flag).unwrap();
        }
    }
}
