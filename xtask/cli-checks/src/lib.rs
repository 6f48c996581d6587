//! For the lessons' command-line tests: a run of the binary and its output as text; a bad number
//! refused as every lesson refuses it; a usage error as the chapter shows it; the `--help` text; a
//! stdout that fails, and the check that a lesson answers it the same way every time (an `error:`
//! line, exit status 1, never a panic's 101).
//!
//! A dev-dependency of each lesson, used by its `tests/cli.rs` and `tests/closed_pipe.rs`; and
//! [`within`], the deadline every lesson's tests put on what can block.
//!
//! Every child process here runs under [`DEADLINE`]: a lesson that hangs fails its test, naming
//! the command, instead of holding the test run forever.

use std::fs::OpenOptions;
use std::panic;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use pretty_assertions::assert_eq;

/// How long a test waits for what can block (a join, a channel, a child process) before it fails
/// saying what it waited for: a liveness guard, far beyond what anything here takes, never a
/// timing check. A test that passes never waits for it.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `work` on a thread of its own and returns what it returns; if it has not returned after
/// `limit`, fails the test saying that it still waits for `what` ("the ledger's join", "the
/// sender blocked on a full queue to return Err"). A panic in `work` is the test's panic, as if
/// `work` had run here. Use it, with [`DEADLINE`], around every step of a test that can block.
///
/// On the deadline the thread is left behind, blocked: the test has failed, and the test process
/// ends it when it exits.
///
/// # Panics
///
/// When `work` panics, or is still running after `limit`.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = mpsc::channel();
    let worker = thread::Builder::new()
        .name(format!("within: {what}"))
        .spawn(move || {
            // The receiving end is gone only when the deadline has passed: nobody to tell.
            let _ = done.send(work());
        })
        .expect("failed to spawn thread");
    match result.recv_timeout(limit) {
        Ok(value) => value,
        // `work` panicked: its panic, as if it had run on this thread.
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it returns"),
        },
        Err(RecvTimeoutError::Timeout) => panic!(
            "{} s on, still waiting for {what}: it blocks forever (a liveness guard, not a timing \
             check: it takes far less when it works)",
            limit.as_secs()
        ),
    }
}

/// Runs `command` to its end with stdin empty, as `Command::output` does but under `limit`: a
/// child still running then is killed, and the test fails naming it. Its stdout and stderr are
/// captured where `command` sets them to `Stdio::piped()`.
///
/// # Panics
///
/// If the command cannot start, or is still running after `limit`.
pub fn output_within(command: &mut Command, limit: Duration) -> Output {
    let shown = format!("{command:?}");
    let child = command
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {shown}: {e}"));
    let pid = child.id();
    wait_for_output(child, limit).unwrap_or_else(|| {
        // The child is not reaped yet, so its pid is still its own.
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
        panic!(
            "{shown} still ran after {} s, and was killed: it hangs (a liveness guard, not a \
             timing check)",
            limit.as_secs()
        )
    })
}

/// `wait_with_output` on a thread of its own, for at most `limit`: `None` if the child still runs.
fn wait_for_output(child: Child, limit: Duration) -> Option<Output> {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output = result.recv_timeout(limit).ok()?;
    Some(output.expect("the child's output can be read"))
}

/// Runs the lesson's binary `bin` (`env!("CARGO_BIN_EXE_<name>")`) with `args` to its end, with
/// `RUST_BACKTRACE=0`: a panic's report is then the same lines on every machine, as the chapters
/// show it. Under [`DEADLINE`] ([`output_within`]).
pub fn run(bin: &str, args: &[&str]) -> Output {
    output_within(
        Command::new(bin)
            .args(args)
            .env("RUST_BACKTRACE", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        DEADLINE,
    )
}

/// What a run printed on stdout, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What a run printed on stderr, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// What every lesson's number flags refuse: not a whole number (an exponent, underscores, a word,
/// nothing).
pub const NOT_WHOLE: [&str; 4] = ["1e5", "100_000", "many", ""];

/// What a flag with no negative number in its range refuses too: negative numbers, and a number
/// too big for a `u64`.
pub const NOT_UNSIGNED: [&str; 4] = ["-1", "-5", "-100_000", "18446744073709551616"];

/// Checks that `bin` refuses, given to `flag` (`--iterations <N>`) whose range is `range`, each of
/// [`NOT_WHOLE`], of [`NOT_UNSIGNED`] when `range` starts at 0 or above, and of `own` (this flag's
/// values out of its range), as [`refused_as_not_in_range`] says, written `--flag value` and
/// `--flag=value`.
pub fn refuses_bad_numbers(bin: &str, flag: &str, range: &str, own: &[&str]) {
    let (name, _) = flag
        .split_once(' ')
        .expect("a flag and its value, `--flag <N>`");
    let unsigned = if range.starts_with('-') {
        &[][..]
    } else {
        &NOT_UNSIGNED[..]
    };
    for value in NOT_WHOLE.iter().chain(unsigned).chain(own) {
        for args in [vec![name, value], vec![&format!("{name}={value}")]] {
            refused_as_not_in_range(&run(bin, &args), flag, value, range);
        }
    }
}

/// Checks that `bin` with `args` is a usage error, exactly `expected` on stderr (exit status 2,
/// nothing on stdout), and that `page`, the text of the chapter or appendix at `path`, shows that
/// run verbatim, as `$ cargo run -q -p <package> -- <args>` and then `expected` (a lesson's
/// binary is named for its package).
pub fn usage_error_as_shown(bin: &str, args: &[&str], expected: &str, path: &str, page: &str) {
    let output = run(bin, args);
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert!(output.stdout.is_empty(), "{args:?}");
    assert_eq!(stderr(&output), expected);
    let package = std::path::Path::new(bin)
        .file_stem()
        .and_then(|name| name.to_str())
        .expect("a binary named for its lesson");
    let shown = format!(
        "$ cargo run -q -p {package} -- {}\n{expected}",
        args.join(" ")
    );
    assert!(page.contains(&shown), "{path} should show:\n{shown}");
}

/// Checks that `bin` with `args` is a usage error (exit status 2, nothing on stdout) whose stderr
/// holds each of `parts`.
pub fn usage_error_naming(bin: &str, args: &[&str], parts: &[&str]) {
    let output = run(bin, args);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}: nothing runs");
    for part in parts {
        assert!(stderr.contains(part), "{args:?}: {part:?} not in {stderr}");
    }
}

/// Checks that `bin --help` exits 0 and that its text holds each of `parts`, wherever clap's
/// wrapping (at 80 columns) breaks their lines: spaces and line breaks are compared as one space.
pub fn help_holds(bin: &str, parts: &[&str]) {
    let output = run(bin, &["--help"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let help = stdout(&output);
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    for part in parts {
        assert!(
            words(&help).contains(&words(part)),
            "{part:?} not in --help:\n{help}"
        );
    }
}

/// What a lesson prints when its stdout cannot be written ([`dev_full`]), as its only line.
pub const STDOUT_FULL: &str =
    "error: could not write to stdout: No space left on device (os error 28)\n";

/// Checks that `value`, given to `flag` (`--ticks <N>`), was refused as the `whole-number` crate
/// refuses it: clap's usage error with the flag's range, exit status 2, and nothing run.
pub fn refused_as_not_in_range(output: &Output, flag: &str, value: &str, range: &str) {
    assert_eq!(
        stderr(output),
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
        let output = output_within(
            Command::new(bin)
                .args(args)
                .stdout(stdout())
                .stderr(Stdio::piped()),
            DEADLINE,
        );
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
