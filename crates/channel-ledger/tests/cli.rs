//! The real binary: usage errors exit 2 and name the flag and its range; failed threads exit 1
//! and are named on stderr.
#![cfg(not(loom))]

use std::process::Output;

use pretty_assertions::assert_eq;

use cli_checks::{elide_id_and_location, refuses_bad_numbers, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_channel-ledger");

/// The chapter, which quotes some of these outputs: the tests below check that it quotes them
/// verbatim.
const CHAPTER: &str = include_str!("../../../docs/channel-ledger.md");

fn channel_ledger(args: &[&str]) -> Output {
    cli_checks::run(BIN, args)
}

#[test]
fn the_default_run_prints_0() {
    let output = channel_ledger(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "0\n");
    assert_eq!(stderr(&output), "");
}

/// `--maxsize K` is `sync_channel(K)`: the same balance, whatever the bound, from any start. Near
/// the top, 13 below `i64::MAX`: the ledger may hold both tellers' deposits at once, 5 + 8.
#[test]
fn a_bounded_queue_prints_the_same_balance() {
    for (args, expected) in [
        (&["--maxsize", "1", "--iterations", "1000"][..], "0\n"),
        (&["--maxsize", "1000000", "--iterations", "10"], "0\n"),
        (
            &[
                "--maxsize",
                "3",
                "--iterations",
                "100",
                "--start-balance",
                "-42",
            ],
            "-42\n",
        ),
        (
            &[
                "--start-balance",
                "9223372036854775794",
                "--iterations",
                "3",
            ],
            "9223372036854775794\n",
        ),
    ] {
        let output = channel_ledger(args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), expected, "{args:?}");
    }
}

/// Python's `Queue(maxsize=0)` has no limit; Rust's `sync_channel(0)` is a rendezvous. Neither is
/// what `--maxsize 0` would suggest to both readers, so it is refused.
#[test]
fn maxsize_0_is_refused_in_the_chapters_words() {
    cli_checks::usage_error_as_shown(
        BIN,
        &["--maxsize", "0"],
        "error: invalid value '0' for '--maxsize <K>': needs a whole number in 1..=1000000\n\
         \n\
         For more information, try '--help'.\n",
        "docs/channel-ledger.md",
        CHAPTER,
    );
}

/// Every numeric flag refuses anything but a whole number in its range with the same message,
/// written `--flag value` or `--flag=value`.
#[test]
fn a_bad_number_is_refused_with_the_flags_range() {
    let flags: [(&str, &str, &[&str]); 3] = [
        ("--iterations <N>", "1..=100000000", &["0", "100000001"]),
        ("--maxsize <K>", "1..=1000000", &["0", "1000001"]),
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

/// What stderr holds when the ledger overflowed and both tellers then found it gone, with the
/// panic hook's thread id and source location elided.
const LEDGER_PANICKED: &str = "\n\
    thread 'Ledger' (<id>) panicked at <file>:<line>:<column>:\n\
    attempt to add with overflow\n\
    note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
    error: Thread-1 found the ledger gone: nothing more could be sent\n\
    error: Thread-2 found the ledger gone: nothing more could be sent\n\
    error: Ledger panicked: attempt to add with overflow\n";

/// From `i64::MAX - 4` the ledger's first `balance + n` overflows. With `--maxsize 1` neither
/// teller can have sent all it has before the ledger is gone, so both find it gone, every time.
#[test]
fn a_panicking_ledger_is_named_and_so_are_the_tellers_it_left() {
    let args = ["--maxsize", "1", "--start-balance", "9223372036854775803"];
    let output = channel_ledger(&args);
    let stderr = elide_id_and_location(&stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(stderr, LEDGER_PANICKED);
    assert!(
        CHAPTER.contains(&format!(
            "$ RUST_BACKTRACE=0 cargo run -q -p channel-ledger -- \\\n    {}\n\
             {LEDGER_PANICKED}$ echo $?\n1\n",
            args.join(" ")
        )),
        "the chapter quotes the run"
    );
}

#[test]
fn help_states_the_ranges() {
    cli_checks::help_holds(
        BIN,
        &[
            "(1..=100000000)",
            "(1..=1000000)",
            "Queue(maxsize=K)",
            "Exit status",
            "cargo xtask prove channel-ledger",
        ],
    );
}

/// `/dev/full` as stdout, each run repeated; a closed pipe is in `closed_pipe.rs`.
#[cfg(target_os = "linux")]
mod dev_full {
    use cli_checks::{STDOUT_FULL, dev_full, fails_the_same_way};

    /// Stdout that cannot be written is reported, with exit status 1, never a panic's 101.
    #[test]
    fn a_stdout_that_cannot_be_written_is_reported() {
        fails_the_same_way(super::BIN, &["--iterations", "10"], dev_full, STDOUT_FULL);
    }
}
