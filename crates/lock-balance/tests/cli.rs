//! The real binary: usage errors exit 2 and name the flag and its range; failed threads exit 1
//! and are named on stderr.
#![cfg(not(loom))]

use std::process::Output;

use pretty_assertions::assert_eq;

use lock_balance::{NO_LOCK_RUNS, no_lock_note};

use cli_checks::{
    elide_id_and_location, refuses_bad_numbers, stderr, stdout, usage_error_as_shown,
    usage_error_naming,
};

const BIN: &str = env!("CARGO_BIN_EXE_lock-balance");

/// The chapter, which quotes some of these outputs: the tests below check that it quotes them
/// verbatim.
const CHAPTER: &str = include_str!("../../../docs/lock-balance.md");
/// Its appendix, which shows the usage errors.
const APPENDIX: &str = include_str!("../../../docs/deeper/lock-balance.md");

fn lock_balance(args: &[&str]) -> Output {
    cli_checks::run(BIN, args)
}

/// Checks that the binary with `args` exits 2 with exactly `expected` on stderr, and that the
/// chapter's appendix shows that run (as `cargo run -q -p lock-balance -- <args>`) verbatim.
fn assert_usage_error_as_in_the_appendix(args: &[&str], expected: &str) {
    usage_error_as_shown(BIN, args, expected, "docs/deeper/lock-balance.md", APPENDIX);
}

#[test]
fn iterations_0_is_refused_in_the_appendixs_words() {
    assert_usage_error_as_in_the_appendix(
        &["--iterations", "0"],
        "error: invalid value '0' for '--iterations <N>': needs a whole number in 1..=100000000\n\
         \n\
         For more information, try '--help'.\n",
    );
}

/// Every numeric flag refuses anything but a whole number in its range with the same message,
/// which gives the range, written `--flag value` or `--flag=value`: a negative number, an
/// exponent, underscores, a word, an empty value, a number too big for the flag's type or out of
/// its range.
#[test]
fn a_bad_number_is_refused_with_the_flags_range() {
    let flags: [(&str, &str, &[&str]); 3] = [
        ("--iterations <N>", "1..=100000000", &["0", "100000001"]),
        ("--trials <T>", "1..=10000", &["0", "10001"]),
        (
            "--start-balance <BALANCE>",
            "-9223372036854775808..=9223372036854775807",
            &["-1e5", "9223372036854775808", "-9223372036854775809"],
        ),
    ];
    for (flag, range, own) in flags {
        refuses_bad_numbers(BIN, flag, range, own);
    }
}

/// Negative numbers included; near the top, far enough below `i64::MAX` (8, the most one thread
/// adds under the lock) not to overflow.
#[test]
fn any_i64_is_a_start_balance() {
    for start in ["-5", "-9223372036854775808", "9223372036854775799"] {
        let output = lock_balance(&["--start-balance", start, "--iterations", "1"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{start}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), format!("{start}\n"));
    }
}

/// Each flag is capped, and so is their product: 10 000 trials of 100 million iterations would
/// take hours.
#[test]
fn iterations_times_trials_over_the_cap_is_a_usage_error_naming_both_flags_and_the_limit() {
    assert_usage_error_as_in_the_appendix(
        &["--iterations", "100000000", "--trials", "11"],
        "error: --iterations 100000000 times --trials 11 is 1100000000 calls\n\
         of change_it per thread, over the 1000000000 accepted: lower either flag\n\
         \n\
         Usage: lock-balance [OPTIONS]\n\
         \n\
         For more information, try '--help'.\n",
    );
}

#[test]
fn trials_and_start_balance_conflict() {
    usage_error_naming(
        BIN,
        &["--trials", "2", "--start-balance", "1"],
        &["--trials <T>", "--start-balance <BALANCE>"],
    );
}

#[test]
fn the_default_run_prints_0() {
    let output = lock_balance(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "0\n");
    assert_eq!(stderr(&output), "", "with the lock, one run adds no note");
}

/// Without the lock: stdout is one balance alone, as Python's `print(balance)`; stderr says how
/// many runs it took to lose an update, or why none was lost. The chapter quotes such a run: its
/// note must be the one the program prints for that run's count and balance.
#[test]
fn without_the_lock_it_prints_a_balance_and_how_many_runs_it_took() {
    let output = lock_balance(&["--no-lock", "--iterations", "100"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let balance: i64 = stdout.trim_end().parse().expect("a balance");
    let stderr = stderr(&output);
    let found = (1..=NO_LOCK_RUNS)
        .any(|runs| stderr == format!("note: {}\n", no_lock_note(0, runs, balance)));
    assert!(
        found,
        "not a note of 1 to {NO_LOCK_RUNS} runs ending at {balance}:\n{stderr}"
    );

    let command = "$ cargo run -q -p lock-balance -- --no-lock\n";
    let shown = CHAPTER
        .split_once(command)
        .expect("the chapter shows a run without the lock")
        .1;
    let (balance, note) = shown.split_once('\n').expect("its balance, then its note");
    let balance: i64 = balance.parse().expect("the chapter's balance");
    let note = note.split("\n```").next().expect("the block's end");
    let as_printed =
        (1..=NO_LOCK_RUNS).any(|runs| note == format!("note: {}", no_lock_note(0, runs, balance)));
    assert!(
        as_printed,
        "the chapter's note is not the program's:\n{note}"
    );
}

#[test]
fn trials_without_the_lock_print_a_summary() {
    let output = lock_balance(&["--no-lock", "--trials", "3", "--iterations", "100"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    assert!(
        stdout.starts_with("trials run: 3 (without the lock, 100 iterations per thread)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("A run that prints 0 proves nothing"),
        "{stdout}"
    );
}

/// What stderr holds when `panicked` overflowed and `refused` found the lock poisoned, with the
/// panic hook's thread id and source location written `<id>` and `<file>:<line>:<column>`
/// (see [`elide_id_and_location`]). The failures come in the order the threads are joined.
fn poisoned_run_stderr(panicked: &str, refused: &str) -> String {
    let mut errors = [
        format!("error: {panicked} panicked: attempt to add with overflow"),
        format!("error: {refused} stopped: the lock is poisoned, the balance may be half-changed"),
    ];
    errors.sort();
    format!(
        "\nthread '{panicked}' (<id>) panicked at <file>:<line>:<column>:\n\
         attempt to add with overflow\n\
         note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
         {}\n{}\n",
        errors[0], errors[1]
    )
}

/// From `i64::MAX - 4` the first thread to take the lock overflows and panics; the other finds
/// the lock poisoned. Both are named, nothing is printed on stdout, the exit status is 1. The
/// chapter shows the run in which Thread-1 took the lock first.
#[test]
fn a_panicking_thread_is_named_and_the_run_fails() {
    let output = lock_balance(&["--start-balance", "9223372036854775803"]);
    let stderr = elide_id_and_location(&stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    let expected = if stderr.contains("'Thread-1'") {
        poisoned_run_stderr("Thread-1", "Thread-2")
    } else {
        poisoned_run_stderr("Thread-2", "Thread-1")
    };
    assert_eq!(stderr, expected);
    assert!(
        CHAPTER.contains(&format!(
            "$ RUST_BACKTRACE=0 cargo run -q -p lock-balance -- --start-balance \
             9223372036854775803\n{}$ echo $?\n1\n",
            poisoned_run_stderr("Thread-1", "Thread-2")
        )),
        "the chapter quotes the run in which Thread-1 panicked"
    );
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
    cli_checks::help_holds(
        BIN,
        &[
            "--no-lock",
            "(1..=100000000;",
            "iterations times trials at most 1000000000)",
            "(1..=10000)",
            "Exit status",
            "cargo xtask prove lock-balance",
        ],
    );
}

/// `/dev/full` as stdout, each run repeated; a closed pipe is in `closed_pipe.rs`. Linux only:
/// `/dev/full`, and the messages of its errno.
#[cfg(target_os = "linux")]
mod dev_full {
    use cli_checks::{STDOUT_FULL, dev_full, fails_the_same_way};

    /// Stdout that cannot be written (here `/dev/full`, whose writes fail with "no space left") is
    /// reported, with exit status 1; `print!` would panic instead (exit status 101).
    #[test]
    fn a_stdout_that_cannot_be_written_is_reported() {
        fails_the_same_way(super::BIN, &["--iterations", "10"], dev_full, STDOUT_FULL);
    }
}
