//! A stdout that is a pipe whose reader has already exited, as with `| head -c0`: in a test binary
//! of its own, for the reason given at `closed_pipe` in `xtask/cli-checks`.
#![cfg(all(not(loom), target_os = "linux"))]

use cli_checks::{closed_pipe, fails_the_same_way};

/// Every greeting fails; the first in student order, Thread-A's, is the `error:` line, whichever
/// thread failed first in time. Status 1, never a panic (status 101).
#[test]
fn a_closed_pipe_as_stdout_exits_1_naming_the_first_thread() {
    fails_the_same_way(
        env!("CARGO_BIN_EXE_thread-local"),
        &[],
        closed_pipe,
        "error: Thread-A could not write its greeting: Broken pipe (os error 32)\n",
    );
}
