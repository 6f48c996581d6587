//! The real binary: the default run, usage errors that exit 2 and name the flag and its range, a
//! stdout that cannot be written exits 1. Every run goes through `cli_checks::run`,
//! whose deadline kills a run that hangs and names it.
#![cfg(not(loom))]

use pretty_assertions::assert_eq;

use cli_checks::{refuses_bad_numbers, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_wait-for-funds");

#[test]
fn the_default_run_prints_the_balance_zero() {
    let output = cli_checks::run(BIN, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "0\n");
    assert_eq!(stderr(&output), "");
}

#[test]
fn other_amounts_and_the_wait_while_form_end_at_zero_too() {
    let args = ["--amounts", "3,1,1000", "--rounds", "500", "--wait-while"];
    let output = cli_checks::run(BIN, &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "0\n");
}

/// Every numeric flag refuses anything but a whole number in its range with the same message,
/// written `--flag value` or `--flag=value`; each amount of `--amounts` alike.
#[test]
fn a_bad_number_is_refused_with_the_flags_range() {
    refuses_bad_numbers(BIN, "--rounds <N>", "1..=10000000", &["0", "10000001"]);
    refuses_bad_numbers(BIN, "--amounts <N,N,...>", "1..=1000", &["0", "1001"]);
    cli_checks::refused_as_not_in_range(
        &cli_checks::run(BIN, &["--amounts", "5,x"]),
        "--amounts <N,N,...>",
        "x",
        "1..=1000",
    );
}

#[test]
fn more_than_eight_withdrawers_is_a_usage_error() {
    let output = cli_checks::run(BIN, &["--amounts", "1,2,3,4,5,6,7,8,9"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output),
        "error: --amounts gives 9 withdrawers: at most 8\n"
    );
}

#[test]
fn help_states_the_ranges() {
    cli_checks::help_holds(
        BIN,
        &[
            "--amounts",
            "--wait-while",
            "(1..=10000000)",
            "(1..=8 of them, each 1..=1000)",
            "Exit status",
            "cargo xtask prove wait-for-funds",
        ],
    );
}

/// `/dev/full` as stdout, each run repeated; a closed pipe is in `closed_pipe.rs`. Linux only.
#[cfg(target_os = "linux")]
mod dev_full {
    use cli_checks::{STDOUT_FULL, dev_full, fails_the_same_way};

    /// Stdout that cannot be written is reported, with exit status 1; `print!` would panic
    /// instead (exit status 101).
    #[test]
    fn a_stdout_that_cannot_be_written_is_reported() {
        fails_the_same_way(super::BIN, &["--rounds", "10"], dev_full, STDOUT_FULL);
    }
}
