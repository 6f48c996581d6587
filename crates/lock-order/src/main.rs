//! `cargo run -p lock-order`: two threads move money between two accounts, each account behind
//! its own lock, and print both balances and their total.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use lock_order::{Options, Order, Outcome, TRANSFERS, WATCHDOG_MS, advice};

// Every lesson's numeric flags share one parser, and so one message for a bad number.
/// The most transfers per thread: a bigger value is more likely a slip than a wish to wait.
/// (10 million per thread took about 5 seconds, release build, on the 2-core AMD EPYC VM the
/// lesson was written on, with other work sharing its cores; other machines differ.)
const MAX_TRANSFERS: u64 = 10_000_000;
/// The longest watchdog: a minute without a transfer.
const MAX_WATCHDOG_MS: u64 = 60_000;

/// Two threads move money between accounts A and B, each with its own lock: Thread-1 moves 5
/// from A to B, Thread-2 moves 8 from B to A, 100 000 times each. Every transfer locks the
/// lower-numbered account (A) first, so the program finishes and prints both balances and
/// their total.
#[derive(Debug, Parser)]
#[command(version, max_term_width = 80, after_help = AFTER_HELP)]
struct Args {
    /// How many transfers each thread makes (1..=10000000).
    #[arg(long, value_name = "N", default_value_t = TRANSFERS, allow_hyphen_values = true,
          value_parser = whole_number::in_range(1..=MAX_TRANSFERS))]
    transfers: u64,

    /// Each transfer locks the account it takes money from first: Thread-1 locks A then B,
    /// Thread-2 B then A. They can deadlock, each holding one lock and waiting for the other's.
    #[arg(long)]
    opposite_order: bool,

    /// With no transfer made for this long (1..=60000 milliseconds), the watchdog reads who
    /// holds and waits for which lock; if the two threads wait for each other, it reports the
    /// deadlock and the program exits with status 1. With no transfer for ten times this long
    /// and no such cycle, it reports the stall, and exits with status 1 too.
    #[arg(long, value_name = "MS", default_value_t = WATCHDOG_MS,
          allow_hyphen_values = true, value_parser = whole_number::in_range(1..=MAX_WATCHDOG_MS))]
    watchdog_ms: u64,

    /// Each thread, once it holds its first lock, waits until the other holds its first too:
    /// with --opposite-order the deadlock is then certain, on the first transfer.
    #[arg(long, requires = "opposite_order")]
    rendezvous: bool,
}

const AFTER_HELP: &str = "\
Exit status: 0 when both threads made every transfer; 1 when the watchdog found them deadlocked \
or stalled, a thread panicked or refused to go on (each is named on stderr), or stdout could not be written; \
2 for a usage error.

A run that finishes proves nothing about deadlocks: try --opposite-order a few times.
The proof is the model checker: cargo xtask prove lock-order";

fn main() -> ExitCode {
    let args = Args::parse();
    let options = Options {
        order: match args.opposite_order {
            true => Order::Opposite,
            false => Order::LowerFirst,
        },
        transfers: args.transfers,
        watchdog: Duration::from_millis(args.watchdog_ms),
        rendezvous: args.rendezvous,
    };
    match lock_order::run(&options) {
        Ok(Outcome::Finished(balances)) => {
            // Not `print!`, which panics (exit status 101) when stdout is closed.
            let mut stdout = io::stdout().lock();
            if let Err(error) =
                writeln!(stdout, "{balances}").and_then(|()| stdout.flush())
            {
                eprintln!("error: could not write to stdout: {error}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Ok(Outcome::Deadlocked(deadlock)) => {
            eprintln!("error: {deadlock}\n{}", advice(options.order));
            ExitCode::FAILURE
        }
        Ok(Outcome::Stalled(stall)) => {
            eprintln!("error: {stall}");
            ExitCode::FAILURE
        }
        Err(failures) => {
            for failure in failures {
                eprintln!("error: {failure}");
            }
            ExitCode::FAILURE
        }
    }
}
