//! A stdout that is a pipe whose reader has already exited, as with `| head -c0` when `head` wins
//! the race: every write fails with `EPIPE` from the first byte on. Run 20 times: the exit status
//! and the message must be the same each time.
//!
//! A test binary of its own, with one test: a process that a concurrent test spawns inherits every
//! file descriptor open in this process at that moment, the pipe's read end included, and holds it
//! until its `exec`; a write in that window goes to a pipe that still has a reader, and succeeds.
//! (Seen: 3 failures in 30 runs while this test shared `cli.rs` with the others.)
#![cfg(all(not(loom), target_os = "linux"))]

use std::process::{Command, Output, Stdio};

use pretty_assertions::assert_eq;

/// The write end of a pipe whose reader has already exited. No sleep: `true` has exited, and this
/// process dropped its own copy of the read end when it spawned `true`.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let write_end = reader.stdin.take().unwrap();
    assert!(reader.wait().unwrap().success());
    Stdio::from(write_end)
}

/// Runs the binary `bin` with `args`, its stdout a closed pipe.
fn run_into_a_closed_pipe(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .stdout(closed_pipe())
        .output()
        .unwrap()
}

/// Every greeting fails; the first in student order, Thread-A's, is the `error:` line, whichever
/// thread failed first in time. Status 1, never a panic (status 101).
#[test]
fn a_closed_pipe_as_stdout_exits_1_naming_the_first_thread() {
    for _ in 0..20 {
        let output = run_into_a_closed_pipe(env!("CARGO_BIN_EXE_thread-local"), &[]);
        assert_eq!(
            String::from_utf8(output.stderr).unwrap(),
            "error: Thread-A could not write its greeting: Broken pipe (os error 32)\n"
        );
        assert_eq!(output.status.code(), Some(1));
    }
}
