//! The liveness guard of every test that can block: the work runs on a thread of its own, and
//! the test waits for it at most [`DEADLINE`], then fails naming what it waited for. A wait on a
//! condvar has no timeout of its own in this lesson, so without the guard a lost wakeup would
//! hang the test run instead of failing it.
//!
//! A module of the test files that use it (a `mod.rs` in a folder, so that cargo does not take
//! it for a test of its own).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// Generous: the slowest of these tests takes well under a second on the machine the lesson was
/// written on. Only a thread that will never be woken reaches it.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `work` and returns what it returns, or fails after [`DEADLINE`] saying that `what` never
/// happened. A panic in `work` is shown by the panic hook as it happens, and fails the test.
pub fn within_deadline<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        // The receiver is gone only if the deadline passed: nothing left to tell.
        let _ = done.send(work());
    });
    match finished.recv_timeout(DEADLINE) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => panic!(
            "waited {} s for {what}, and it never happened: a thread waits for a wakeup that \
             will not come (a lost wakeup), or for a lock that will not be released",
            DEADLINE.as_secs()
        ),
        Err(RecvTimeoutError::Disconnected) => {
            panic!("{what}: the thread doing it panicked (its message is above)")
        }
    }
}
