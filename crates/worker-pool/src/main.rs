//! `cargo run -p worker-pool`: a pool of 4 workers counts the primes below each of 8 numbers;
//! the main thread prints the counts in the order of the numbers.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, error::ErrorKind};
use worker_pool::{ITEMS, WORKERS, count_primes, map};

// Every lesson's numeric flags share one parser, and so one message for a
// bad number: see xtask/whole-number.
/// The most workers: more threads than that on a few cores is more likely a slip than a wish.
const MAX_WORKERS: usize = 256;
/// The largest number: counting the primes below 10 000 000 by trial division takes seconds.
const MAX_NUMBER: u64 = 10_000_000;

/// A pool of worker threads counts the primes below each number, and prints the counts in the
/// order of the numbers, as Python's ThreadPoolExecutor(max_workers=4).map(count_primes, items).
#[derive(Debug, Parser)]
#[command(version, max_term_width = 80, after_help = AFTER_HELP)]
struct Args {
    /// How many worker threads the pool starts (1..=256).
    #[arg(long, value_name = "N", default_value_t = WORKERS, allow_hyphen_values = true,
          value_parser = whole_number::in_range(1..=MAX_WORKERS))]
    workers: usize,

    /// Make job K (0 for the first number) panic, as a Python job that raises: its panic is
    /// reported at its place in the results, after the counts before it.
    #[arg(long, value_name = "K", allow_hyphen_values = true,
          value_parser = whole_number::in_range(0..=usize::MAX))]
    panic_in_job: Option<usize>,

    /// The numbers to count the primes below (each 0..=10000000); without them, 80000 10000
    /// 70000 20000 60000 30000 50000 40000.
    #[arg(value_name = "NUMBER", allow_hyphen_values = true,
          value_parser = whole_number::in_range(0..=MAX_NUMBER))]
    numbers: Vec<u64>,
}

const AFTER_HELP: &str = "\
Exit status: 0 when every job finished; 1 when a job or a worker panicked (said on stderr) or \
stdout could not be written; 2 for a usage error.

The proof is the model checker: cargo xtask prove worker-pool";

fn main() -> ExitCode {
    let args = Args::parse();
    let items = if args.numbers.is_empty() {
        ITEMS.to_vec()
    } else {
        args.numbers
    };
    if let Some(k) = args.panic_in_job
        && k >= items.len()
    {
        let message = format!(
            "invalid value '{k}' for '--panic-in-job <K>': there are {} jobs, 0 to {}",
            items.len(),
            items.len() - 1
        );
        Args::command()
            .error(ErrorKind::ValueValidation, message)
            .exit();
    }
    let panic_in_job = args.panic_in_job;
    // Each job knows its place, so that `--panic-in-job` can pick one.
    let jobs: Vec<(usize, u64)> = items.iter().copied().enumerate().collect();
    // executor.map(count_primes, items)
    let results = map(
        args.workers,
        move |&(place, n): &(usize, u64)| {
            if panic_in_job == Some(place) {
                panic!(
                    "job {place} was asked to panic (--panic-in-job {place})"
                );
            }
            count_primes(n)
        },
        jobs,
    );
    let results = match results {
        Ok(results) => results,
        Err(failure) => {
            eprintln!("error: {failure}");
            return ExitCode::FAILURE;
        }
    };
    // Not `println!`, which panics (exit status 101) when stdout is closed.
    let mut stdout = io::stdout().lock();
    // for n, count in zip(items, executor.map(count_primes, items)):
    for (n, result) in items.iter().zip(results) {
        let written = match result {
            // print('primes below %d: %d' % (n, count))
            Ok(count) => writeln!(stdout, "primes below {n}: {count}"),
            // The job's exception, raised here, at its result: the counts
            // before it are printed.
            Err(panicked) => {
                let _ = stdout.flush();
                eprintln!("error: {panicked}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(error) = written.and_then(|()| stdout.flush()) {
            eprintln!("error: could not write to stdout: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
