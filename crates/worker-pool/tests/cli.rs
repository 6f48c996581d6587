//! The real binary: usage errors exit 2 and name the flag and its range; a job that panics is
//! reported at its result, after the counts before it, with exit status 1.
#![cfg(not(loom))]

use std::process::Output;

use pretty_assertions::assert_eq;

use cli_checks::{elide_id_and_location, refuses_bad_numbers, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_worker-pool");

/// The chapter, which quotes some of these outputs: the tests below check that it quotes them
/// verbatim.
const CHAPTER: &str = include_str!("../../../docs/worker-pool.md");

/// The binary, run to its end (`cli_checks::run` kills it, naming the command, if it has not
/// ended within the liveness guard's deadline).
fn worker_pool(args: &[&str]) -> Output {
    cli_checks::run(BIN, args)
}

/// Whatever the number of workers, the counts come out in the order of the numbers.
#[test]
fn any_number_of_workers_prints_the_counts_in_input_order() {
    for workers in ["1", "2", "3", "8", "256"] {
        let output = worker_pool(&["--workers", workers, "100", "10", "1000", "0", "2", "3"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            stdout(&output),
            "primes below 100: 25\n\
             primes below 10: 4\n\
             primes below 1000: 168\n\
             primes below 0: 0\n\
             primes below 2: 0\n\
             primes below 3: 1\n",
            "--workers {workers}"
        );
        assert_eq!(stderr(&output), "");
    }
}

/// Every numeric flag and number refuses anything but a whole number in its range with the same
/// message, written `--flag value` or `--flag=value`.
#[test]
fn a_bad_number_is_refused_with_the_flags_range() {
    refuses_bad_numbers(BIN, "--workers <N>", "1..=256", &["0", "257"]);
    refuses_bad_numbers(BIN, "--panic-in-job <K>", "0..=18446744073709551615", &[]);
    for number in ["10000001", "-1", "many", "1e5"] {
        let output = worker_pool(&["10", number]);
        assert_eq!(
            stderr(&output),
            format!(
                "error: invalid value '{number}' for '[NUMBER]...': needs a whole number in \
                 0..=10000000\n\nFor more information, try '--help'.\n"
            )
        );
        assert_eq!(output.status.code(), Some(2), "{number}");
        assert!(output.stdout.is_empty());
    }
}

/// A pool of 0 workers is refused as the chapter shows it (Python raises `ValueError`).
#[test]
fn zero_workers_is_refused_in_the_chapters_words() {
    cli_checks::usage_error_as_shown(
        BIN,
        &["--workers", "0"],
        "error: invalid value '0' for '--workers <N>': needs a whole number in 1..=256\n\
         \n\
         For more information, try '--help'.\n",
        "docs/worker-pool.md",
        CHAPTER,
    );
}

/// `--panic-in-job` past the last job would make nothing panic: refused, saying how many jobs
/// there are.
#[test]
fn a_panic_in_a_job_that_does_not_exist_is_refused() {
    cli_checks::usage_error_naming(
        BIN,
        &["--panic-in-job", "8"],
        &["invalid value '8' for '--panic-in-job <K>': there are 8 jobs, 0 to 7"],
    );
    cli_checks::usage_error_naming(
        BIN,
        &["--panic-in-job", "2", "10", "20"],
        &["there are 2 jobs, 0 to 1"],
    );
}

/// What stderr holds when job 2 panicked, with one worker (so that the worker's name is known),
/// the panic hook's thread id and source location elided. (The hook starts its report with an
/// empty line.)
const JOB_PANICKED: &str = "\n\
    thread 'worker-1' (<id>) panicked at <file>:<line>:<column>:\n\
    job 2 was asked to panic (--panic-in-job 2)\n\
    note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
    error: job 2 panicked in worker-1: job 2 was asked to panic (--panic-in-job 2)\n";

/// The panic of job 2 is raised at its result: the counts of jobs 0 and 1 are printed, then the
/// error, and the exit status is 1, as Python's traceback at the loop over `map`'s results.
#[test]
fn a_job_that_panics_is_reported_at_its_result() {
    let args = ["--workers", "1", "--panic-in-job", "2"];
    let output = worker_pool(&args);
    let stderr = elide_id_and_location(&stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stdout(&output),
        "primes below 80000: 7837\nprimes below 10000: 1229\n"
    );
    assert_eq!(stderr, JOB_PANICKED);
    let shown = format!(
        "$ RUST_BACKTRACE=0 cargo run -q -p worker-pool -- {}\n\
         primes below 80000: 7837\nprimes below 10000: 1229\n{JOB_PANICKED}$ echo $?\n1\n",
        args.join(" ")
    );
    assert!(
        CHAPTER.contains(&shown),
        "the chapter should quote:\n{shown}"
    );
}

/// With 4 workers, whichever worker ran job 0 is named, and the other counts are not printed.
#[test]
fn with_several_workers_the_panic_names_its_worker() {
    let output = worker_pool(&["--panic-in-job", "0"]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stdout(&output), "");
    let last = stderr.lines().last().unwrap_or_default();
    let named = (1..=4).any(|k| {
        last == format!(
            "error: job 0 panicked in worker-{k}: job 0 was asked to panic (--panic-in-job 0)"
        )
    });
    assert!(named, "{stderr}");
}

#[test]
fn help_states_the_ranges() {
    cli_checks::help_holds(
        BIN,
        &[
            "(1..=256)",
            "(each 0..=10000000)",
            "ThreadPoolExecutor(max_workers=4).map(count_primes, items)",
            "Exit status",
            "cargo xtask prove worker-pool",
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
        // Under cli_checks' deadline: a child still running then is killed, and named.
        fails_the_same_way(super::BIN, &["100", "200"], dev_full, STDOUT_FULL);
    }
}
