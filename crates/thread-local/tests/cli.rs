//! The real binary: default run, and bad input as usage errors (exit 2) that say what is wrong.
#![cfg(not(loom))]

use std::process::Output;

use cli_checks::{stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_thread-local");

fn thread_local(args: &[&str]) -> Output {
    cli_checks::run(BIN, args)
}

fn sorted_stdout(output: &Output) -> Vec<String> {
    let mut lines: Vec<String> = stdout(output).lines().map(str::to_string).collect();
    lines.sort();
    lines
}

#[test]
fn no_arguments_greets_alice_and_bob() {
    let output = thread_local(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        sorted_stdout(&output),
        ["Hello, Alice (in Thread-A)", "Hello, Bob (in Thread-B)"]
    );
}

#[test]
fn students_are_positional_and_threads_named_by_position() {
    let output = thread_local(&["Ann", "Ben", "Cid"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        sorted_stdout(&output),
        [
            "Hello, Ann (in Thread-A)",
            "Hello, Ben (in Thread-B)",
            "Hello, Cid (in Thread-C)"
        ]
    );
}

fn assert_usage_error(args: &[&str], expected: &[&str]) {
    cli_checks::usage_error_naming(BIN, args, expected);
}

#[test]
fn a_blank_name_is_a_usage_error() {
    assert_usage_error(
        &["Ann", ""],
        &["[STUDENTS]", "for '[STUDENTS]...': a student needs a name"],
    );
    assert_usage_error(
        &["   "],
        &[
            "[STUDENTS]",
            "invalid value '   ' for '[STUDENTS]...': a student needs a name",
        ],
    );
}

#[test]
fn a_name_of_several_lines_or_with_control_characters_is_a_usage_error() {
    assert_usage_error(&["Al\nice"], &["[STUDENTS]", "one line", "\"Al\\nice\""]);
    assert_usage_error(&["Bob\r"], &["[STUDENTS]", "one line", "\"Bob\\r\""]);
    assert_usage_error(
        &["tab\there"],
        &["[STUDENTS]", "one line", "\"tab\\there\""],
    );
}

#[test]
fn any_other_name_is_accepted_as_written() {
    let output = thread_local(&["Mary Ann", "Zoë", " Cid "]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        sorted_stdout(&output),
        [
            "Hello,  Cid  (in Thread-C)",
            "Hello, Mary Ann (in Thread-A)",
            "Hello, Zoë (in Thread-B)"
        ]
    );
}

#[test]
fn more_students_than_thread_letters_is_a_usage_error() {
    let names: Vec<String> = (1..=27).map(|i| format!("s{i}")).collect();
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_usage_error(&args, &["[STUDENTS]", "got 27", "at most 26", "Thread-Z"]);
    let output = thread_local(&args[..26]);
    assert!(
        output.status.success(),
        "26 students are fine: {}",
        stderr(&output)
    );
    assert_eq!(sorted_stdout(&output).len(), 26);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    assert_usage_error(&["--students", "Ann"], &["--students"]);
}

#[test]
fn help_explains_the_students_and_thread_names() {
    cli_checks::help_holds(
        BIN,
        &[
            "[STUDENTS]...",
            "Thread-A",
            "at most 26",
            "Alice",
            "Bob",
            "Exit status: 0 when every student was greeted; 1 when a thread",
            "could not write its greeting",
            "2 for a usage error",
        ],
    );
}

/// `/dev/full` as stdout, each run repeated; a closed pipe is in `closed_pipe.rs`. Linux only:
/// `/dev/full`, and the messages of its errno.
#[cfg(target_os = "linux")]
mod dev_full {
    use cli_checks::{dev_full, fails_the_same_way};

    /// `/dev/full` as stdout: every thread's greeting fails with "no space left". The first failure
    /// in student order, Thread-A's, is the `error:` line, whichever thread failed first in time;
    /// status 1, never a panic (status 101).
    #[test]
    fn a_stdout_that_is_full_exits_1_naming_the_first_thread() {
        fails_the_same_way(
            super::BIN,
            &[],
            dev_full,
            "error: Thread-A could not write its greeting: No space left on device (os error 28)\n",
        );
    }
}
