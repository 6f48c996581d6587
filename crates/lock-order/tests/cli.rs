//! The real binary: usage errors exit 2 and name the flag and its range; the watchdog's report
//! on a deadlock exits 1; a stdout that cannot be written exits 1.
#![cfg(not(loom))]

use std::process::Output;

use pretty_assertions::assert_eq;

use cli_checks::{refuses_bad_numbers, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_lock-order");

/// The chapter, which quotes some of these outputs: the tests below check that it quotes them
/// verbatim.
const CHAPTER: &str = include_str!("../../../docs/lock-order.md");

fn lock_order(args: &[&str]) -> Output {
    cli_checks::run(BIN, args)
}

/// What the watchdog prints after `transfers` of `planned` transfers, no transfer for
/// `stalled_ms`.
fn report(stalled_ms: u64, transfers: u64, planned: u64) -> String {
    format!(
        "error: deadlock: no transfer for {stalled_ms} ms, after {transfers} of {planned} \
         transfers\n\
         \x20 Thread-1 holds account A and waits for account B, which Thread-2 holds\n\
         \x20 Thread-2 holds account B and waits for account A, which Thread-1 holds\n\
         Each waits for a lock the other holds, and a Mutex waits forever: the\n\
         watchdog ends the program.\n\
         Every thread locking the lower-numbered account first cannot deadlock: run\n\
         without --opposite-order.\n"
    )
}

#[test]
fn the_default_run_prints_both_balances_and_their_total() {
    let output = lock_order(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "A: 1300000\nB: 700000\ntotal: 2000000\n");
    assert_eq!(stderr(&output), "");
}

/// With the rendezvous the deadlock is certain on the first transfer: the watchdog reports it
/// after the time given, names each thread's locks, exits 1, and prints nothing on stdout. The
/// chapter shows this run.
#[test]
fn the_watchdog_reports_the_deadlock_and_the_run_fails() {
    let args = ["--opposite-order", "--rendezvous", "--watchdog-ms", "100"];
    let output = lock_order(&args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let expected = report(100, 0, 200_000);
    assert_eq!(stderr(&output), expected);
    let shown = format!(
        "$ cargo run -q -p lock-order -- {}\n{expected}$ echo $?\n1\n",
        args.join(" ")
    );
    assert!(
        CHAPTER.contains(&shown),
        "the chapter should show:\n{shown}"
    );
}

/// Without the rendezvous, whether the threads deadlock is up to the scheduler: either way the
/// run ends, with the balances and status 0 or with the watchdog's report and status 1 (a
/// deadlock; or, on a machine so busy that neither thread ran for 500 ms, a stall).
#[test]
fn with_opposite_orders_a_run_ends_with_the_balances_or_the_report() {
    let output = lock_order(&[
        "--opposite-order",
        "--transfers",
        "20000",
        "--watchdog-ms",
        "50",
    ]);
    match output.status.code() {
        Some(0) => {
            assert_eq!(stdout(&output), "A: 1060000\nB: 940000\ntotal: 2000000\n");
            assert_eq!(stderr(&output), "");
        }
        Some(1) => {
            assert_eq!(stdout(&output), "");
            let stderr = stderr(&output);
            if stderr.starts_with("error: stalled: no transfer for 500 ms") {
                return;
            }
            let made: u64 = stderr
                .strip_prefix("error: deadlock: no transfer for 50 ms, after ")
                .and_then(|rest| rest.split_once(' '))
                .and_then(|(made, _)| made.parse().ok())
                .unwrap_or_else(|| panic!("not the report: {stderr}"));
            assert_eq!(stderr, report(50, made, 40_000));
        }
        other => panic!("exit status {other:?}: {}", stderr(&output)),
    }
}

#[test]
fn the_rendezvous_needs_opposite_orders() {
    let output = lock_order(&["--rendezvous"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output),
        "error: the following required arguments were not provided:\n\
         \x20 --opposite-order\n\
         \n\
         Usage: lock-order --opposite-order --rendezvous\n\
         \n\
         For more information, try '--help'.\n"
    );
}

/// Every numeric flag refuses anything but a whole number in its range with the same message,
/// written `--flag value` or `--flag=value`.
#[test]
fn a_bad_number_is_refused_with_the_flags_range() {
    let flags: [(&str, &str, &[&str]); 2] = [
        ("--transfers <N>", "1..=10000000", &["0", "10000001"]),
        ("--watchdog-ms <MS>", "1..=60000", &["0", "60001"]),
    ];
    for (flag, range, own) in flags {
        refuses_bad_numbers(BIN, flag, range, own);
    }
}

#[test]
fn help_states_the_ranges() {
    cli_checks::help_holds(
        BIN,
        &[
            "--opposite-order",
            "--rendezvous",
            "(1..=10000000)",
            "(1..=60000 milliseconds)",
            "Exit status",
            "cargo xtask prove lock-order",
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
        fails_the_same_way(super::BIN, &["--transfers", "10"], dev_full, STDOUT_FULL);
    }
}
