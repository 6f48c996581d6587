//! A stdout that is a pipe whose reader has already exited, as with `| head -c0`: in a test binary
//! of its own, for the reason given at `closed_pipe` in `xtask/cli-checks`.
#![cfg(all(not(loom), target_os = "linux"))]

use cli_checks::{closed_pipe, fails_the_same_way};

/// The main thread's first line fails, before `LoopThread` is started: an `error:` line naming
/// the main thread and status 1, never a panic (status 101).
#[test]
fn a_closed_pipe_as_stdout_exits_1_naming_the_main_thread() {
    fails_the_same_way(
        env!("CARGO_BIN_EXE_thread-basics"),
        &["--interval-ms", "0"],
        closed_pipe,
        "error: thread 'main' failed printing a line: Broken pipe (os error 32)\n",
    );
}
