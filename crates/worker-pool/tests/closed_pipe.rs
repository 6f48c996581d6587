//! A stdout that is a pipe whose reader has already exited, as with `| head -c0`: in a test binary
//! of its own, for the reason given at `closed_pipe` in `xtask/cli-checks`.
#![cfg(all(not(loom), target_os = "linux"))]

use cli_checks::{closed_pipe, fails_the_same_way};

/// The counts cannot be printed: an `error:` line and status 1, never a panic (status 101).
#[test]
fn a_closed_pipe_as_stdout_is_reported() {
    // Under cli_checks' deadline: a child still running then is killed, and named.
    fails_the_same_way(
        env!("CARGO_BIN_EXE_worker-pool"),
        &["--workers", "2", "100", "200"],
        closed_pipe,
        "error: could not write to stdout: Broken pipe (os error 32)\n",
    );
}
