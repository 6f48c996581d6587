//! # event: a wrong answer kept for `--verify-all`
//!
//! `wait` looks at the flag through `is_set()`, which takes the lock and releases it, and only
//! then locks again to wait: `while not self.is_set(): with self.cond: self.cond.wait()`. If
//! `set()` comes between the look and the wait, its notify finds no one waiting and is lost,
//! and the waiter waits for a notify that was already sent. In a plain run `set` almost never
//! lands in that gap.

use wait_for_funds::sync::{Condvar, Mutex};

/// The flag behind its lock, and the condvar its waiters wait on.
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
    /// Not set.
    pub fn new() -> Self {
        Event {
            flag: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// Sets the flag, and wakes every thread that waits for it.
    pub fn set(&self) {
        let mut flag = self.flag.lock().unwrap();
        *flag = true;
        self.changed.notify_all();
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    /// Returns once the flag is set (it looks, then locks again to wait).
    pub fn wait(&self) {
        while !self.is_set() {
            let flag = self.flag.lock().unwrap();
            drop(self.changed.wait(flag).unwrap());
        }
    }
}
