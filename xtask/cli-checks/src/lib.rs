//! For the lessons' command-line tests: a bad number refused as every lesson refuses it; a stdout
//! that fails, and the check that a lesson answers it the same way every time (an `error:` line,
//! exit status 1, never a panic's 101).
//!
//! A dev-dependency of each lesson, used by its `tests/cli.rs` and `tests/closed_pipe.rs`.

use std::fs::OpenOptions;
use std::process::{Command, Output, Stdio};

use pretty_assertions::assert_eq;

/// Checks that `value`, given to `flag` (`--ticks <N>`), was refused as the `whole-number` crate
/// refuses it: clap's usage error with the flag's range, exit status 2, and nothing run.
pub fn refused_as_not_in_range(output: &Output, flag: &str, value: &str, range: &str) {
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: invalid value '{value}' for '{flag}': needs a whole number in {range}\n\n\
             For more information, try '--help'.\n"
        ),
        "{flag} {value:?}"
    );
    assert_eq!(output.status.code(), Some(2), "{flag} {value:?}");
    assert!(output.stdout.is_empty(), "{flag} {value:?}: nothing runs");
}

/// How many times each run is repeated: its exit status and message must be the same each time.
pub const TRIES: usize = 20;

/// `/dev/full` (Linux): every write fails with "No space left on device".
pub fn dev_full() -> Stdio {
    Stdio::from(OpenOptions::new().write(true).open("/dev/full").unwrap())
}

/// The write end of a pipe whose reader has already exited, as with `| head -c0` when `head` wins
/// the race: every write fails with `EPIPE` from the first byte on. No sleep: `true` has exited,
/// and this process dropped its own copy of the read end when it spawned `true`.
///
/// Use it in a test binary of its own (`tests/closed_pipe.rs`), with one test: a process that a
/// concurrent test spawns inherits every file descriptor open in this process at that moment, the
/// pipe's read end included, and holds it until its `exec`; a write in that window goes to a pipe
/// that still has a reader, and succeeds. (Seen: 3 failures in 30 runs while this test shared
/// `cli.rs` with the others.)
pub fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let write_end = reader.stdin.take().unwrap();
    assert!(reader.wait().unwrap().success());
    Stdio::from(write_end)
}

/// Runs `bin` with `args` [`TRIES`] times, its stdout from `stdout`, and checks each time that its
/// stderr is exactly `expected` and its exit status 1.
pub fn fails_the_same_way(bin: &str, args: &[&str], stdout: fn() -> Stdio, expected: &str) {
    for _ in 0..TRIES {
        let output = Command::new(bin)
            .args(args)
            .stdout(stdout())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(output.stderr).unwrap(), expected);
        assert_eq!(output.status.code(), Some(1));
    }
}

/// The panic hook's line, `thread 'Thread-1' (18473) panicked at crates/.../lib.rs:89:20:`, with
/// the thread id and the source location, which change from run to run or with the code, elided.
pub fn elide_id_and_location(stderr: &str) -> String {
    stderr
        .lines()
        .map(|line| match line.strip_prefix("thread '") {
            Some(rest) if line.ends_with(':') && rest.contains("' (") => {
                let (name, _) = rest.split_once("' (").unwrap();
                format!("thread '{name}' (<id>) panicked at <file>:<line>:<column>:\n")
            }
            _ => format!("{line}\n"),
        })
        .collect()
}
