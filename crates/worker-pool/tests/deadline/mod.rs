//! The liveness guard of every test that can block: it runs the test's work on a thread of its
//! own and fails, naming what it waited for, if the work has not returned within [`DEADLINE`].
//! Not a timing check: generous, so that only a pool that hangs trips it.
//!
//! A module of the tests that use it (a `mod.rs` in a folder, so that cargo does not take it for
//! a test of its own).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// How long a test waits for work that should take well under a second.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `run` on a thread of its own and returns what it returns; re-raises its panic; or fails,
/// naming `what` it waited for (`map ... to return`), if it has not returned within
/// [`DEADLINE`]. A process the work started is left running then: `what` says so.
pub fn within_deadline<T: Send + 'static>(
    what: &str,
    run: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = mpsc::channel();
    let runner = thread::spawn(move || {
        let _ = done.send(run());
    });
    match result.recv_timeout(DEADLINE) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => {
            panic!("waited {} s for {what}: the pool hangs", DEADLINE.as_secs())
        }
        Err(RecvTimeoutError::Disconnected) => match runner.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the runner sends before it ends"),
        },
    }
}
