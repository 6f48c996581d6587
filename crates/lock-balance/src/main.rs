//! `cargo run -p lock-balance`: two threads change one balance under a lock, and print it.

use std::process::ExitCode;

use clap::Parser;
use lock_balance::{ITERATIONS, Options, Variant};

/// The most `change_it` calls per thread. 100 million take 3 to 6 seconds with the lock (release
/// build, 2 cores, measured); a bigger value is more likely a slip than a wish to wait.
const MAX_ITERATIONS: u64 = 100_000_000;
/// The most trials. 1000 trials of 100 000 iterations take 3 to 6 seconds (measured as above), so
/// this many stays around a minute.
const MAX_TRIALS: u64 = 10_000;

/// Two threads add and subtract 5 and 8 on one bank balance, 100 000 times each, under a lock,
/// then print the balance: 0. Python's `threading.Lock` lesson, in Rust.
#[derive(Debug, Parser)]
#[command(version, after_help = AFTER_HELP)]
struct Args {
    /// How many times each thread calls change_it (1 to 100000000).
    #[arg(long, value_name = "N", default_value_t = ITERATIONS,
          value_parser = clap::value_parser!(u64).range(1..=MAX_ITERATIONS))]
    iterations: u64,

    /// Run without the lock: the balance is an atomic, read then written in two separate steps,
    /// so an update can be lost and the balance can end anywhere.
    #[arg(long)]
    no_lock: bool,

    /// Repeat the experiment T times (1 to 10000), each from 0, and print how often each final
    /// balance came out, instead of one balance.
    #[arg(long, value_name = "T",
          value_parser = clap::value_parser!(u64).range(1..=MAX_TRIALS))]
    trials: Option<u64>,

    /// Start from this balance instead of 0. Near i64::MAX (9223372036854775807) a change
    /// overflows and its thread panics while it holds the lock: see which thread, and what the
    /// other one does.
    #[arg(
        long,
        value_name = "BALANCE",
        default_value_t = 0,
        allow_negative_numbers = true,
        conflicts_with = "trials"
    )]
    start_balance: i64,
}

const AFTER_HELP: &str = "\
Exit status: 0 when every thread finished; 1 when a thread panicked or refused to go on (each is \
named on stderr); 2 for a usage error.

A run that prints 0 proves nothing, with or without the lock: try --no-lock --trials 20.
The proof is the model checker: RUSTFLAGS=\"--cfg loom\" cargo test --release -p lock-balance --test proofs";

fn main() -> ExitCode {
    let args = Args::parse();
    let options = Options {
        variant: if args.no_lock {
            Variant::Unlocked
        } else {
            Variant::Locked
        },
        iterations: args.iterations,
        trials: args.trials,
        start_balance: args.start_balance,
    };
    match lock_balance::run(&options) {
        Ok(stdout) => {
            print!("{stdout}");
            ExitCode::SUCCESS
        }
        Err(failures) => {
            for failure in failures {
                eprintln!("error: {failure}");
            }
            ExitCode::FAILURE
        }
    }
}
