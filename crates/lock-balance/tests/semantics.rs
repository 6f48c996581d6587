//! What Python's `Lock` promises, checked on its Rust twin apart from any transcript: every
//! `lock.acquire()` in `run_thread` is paired with its `release()`, so the lock is free after
//! each call, however many iterations. (The `try/finally` release on a panic is checked in
//! `transcript.rs`, `a_panic_inside_the_critical_section_releases_the_lock_and_poisons_it`.)
#![cfg(not(loom))]

use std::sync::Mutex;

use lock_balance::locked;
use pretty_assertions::assert_eq;

/// `lock.acquire()` ... `finally: lock.release()`, once per iteration: after `run_thread`, for
/// 0, 1 and 1000 iterations, the lock is free (not held, not poisoned) and the balance where it
/// was.
#[test]
fn run_thread_releases_every_lock_it_takes() {
    for iterations in [0, 1, 1000] {
        let balance = Mutex::new(3);
        assert_eq!(locked::run_thread(&balance, 5, iterations), Ok(()));
        let guard = balance.try_lock().unwrap_or_else(|error| {
            panic!("after {iterations} iterations the lock is not free: {error}")
        });
        assert_eq!(*guard, 3);
    }
}
