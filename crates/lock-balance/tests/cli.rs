//! The real binary: usage errors exit 2 and name the flag and its range; failed threads exit 1
//! and are named on stderr.
#![cfg(not(loom))]

use std::process::{Command, Output};

fn lock_balance(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lock-balance"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_usage_error(args: &[&str], expected: &[&str]) {
    let output = lock_balance(args);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}");
    for part in expected {
        assert!(stderr.contains(part), "{args:?}: {part:?} not in {stderr}");
    }
}

#[test]
fn iterations_out_of_range_is_a_usage_error_naming_the_flag_and_range() {
    for bad in ["0", "100000001", "-1", "many"] {
        let arg = format!("--iterations={bad}");
        assert_usage_error(&[&arg], &["--iterations <N>", &format!("'{bad}'")]);
    }
    for bad in ["0", "100000001"] {
        assert_usage_error(
            &["--iterations", bad],
            &["--iterations <N>", "1..=100000000"],
        );
    }
}

#[test]
fn trials_out_of_range_is_a_usage_error_naming_the_flag_and_range() {
    for bad in ["0", "10001"] {
        assert_usage_error(&["--trials", bad], &["--trials <T>", "1..=10000"]);
    }
}

#[test]
fn a_start_balance_out_of_i64_is_a_usage_error() {
    assert_usage_error(
        &["--start-balance", "9223372036854775808"],
        &["--start-balance <BALANCE>"],
    );
}

#[test]
fn trials_always_start_from_zero() {
    assert_usage_error(
        &["--trials", "2", "--start-balance", "1"],
        &["--trials <T>", "--start-balance <BALANCE>"],
    );
}

#[test]
fn the_default_run_prints_0() {
    let output = lock_balance(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "0\n");
}

#[test]
fn trials_without_the_lock_print_a_summary() {
    let output = lock_balance(&["--no-lock", "--trials", "3", "--iterations", "100"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("trials run: 3 (without the lock, 100 iterations per thread)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("A run that prints 0 proves nothing"),
        "{stdout}"
    );
}

/// From `i64::MAX - 4` the first thread to take the lock overflows and panics; the other finds
/// the lock poisoned. Both are named, nothing is printed on stdout, the exit status is 1.
#[test]
fn a_panicking_thread_is_named_and_the_run_fails() {
    let output = lock_balance(&["--start-balance", "9223372036854775803"]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    let panicked = ["Thread-1", "Thread-2"]
        .iter()
        .filter(|name| {
            stderr.contains(&format!(
                "error: {name} panicked: attempt to add with overflow"
            ))
        })
        .count();
    let refused = ["Thread-1", "Thread-2"]
        .iter()
        .filter(|name| stderr.contains(&format!("error: {name} found the lock poisoned")))
        .count();
    assert_eq!((panicked, refused), (1, 1), "{stderr}");
}

#[test]
fn without_the_lock_both_panicking_threads_are_named() {
    let output = lock_balance(&["--no-lock", "--start-balance", "9223372036854775803"]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for name in ["Thread-1", "Thread-2"] {
        // The panic hook's own line, and the program's report.
        assert!(stderr.contains(&format!("thread '{name}'")), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "error: {name} panicked: attempt to add with overflow"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn help_states_the_ranges() {
    let output = lock_balance(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for part in [
        "--no-lock",
        "(1 to 100000000)",
        "(1 to 10000)",
        "Exit status",
    ] {
        assert!(help.contains(part), "{part:?} not in {help}");
    }
}
