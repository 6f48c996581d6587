//! `cargo run -p wait-for-funds`: withdrawers wait, under a condvar, until deposits cover what
//! they take; the program prints the balance at the end.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use wait_for_funds::{AMOUNTS, Notify, Plan, ROUNDS, Withdrawal, experiment};

// Every lesson's numeric flags share one parser, and so one message for a bad number.
/// The most rounds: a bigger value is more likely a slip than a wish to wait.
const MAX_ROUNDS: u64 = 10_000_000;
/// The largest amount one withdrawer takes.
const MAX_AMOUNT: i64 = 1_000;
/// The most withdrawers: with the depositor and the main thread, a handful of threads is what
/// the lesson is about.
const MAX_WITHDRAWERS: usize = 8;

/// Withdrawers wait for funds: Thread-1 withdraws 5 and Thread-2 withdraws 8, 100 000 times each,
/// and a Depositor pays in 5 then 8, 100 000 times. A withdrawal that the balance does not cover
/// waits on a condvar until a deposit wakes it. Every withdrawal is covered in the end: the
/// program prints the balance, 0.
#[derive(Debug, Parser)]
#[command(version, max_term_width = 80, after_help = AFTER_HELP)]
struct Args {
    /// How many times each withdrawer withdraws, and how many rounds the depositor pays in
    /// (1..=10000000).
    #[arg(long, value_name = "N", default_value_t = ROUNDS, allow_hyphen_values = true,
          value_parser = whole_number::in_range(1..=MAX_ROUNDS))]
    rounds: u64,

    /// What each withdrawer takes, one withdrawer per amount (1..=8 of them, each 1..=1000),
    /// separated by commas: Thread-1 the first. The depositor pays each in, in this order, once
    /// a round.
    #[arg(long, value_name = "N,N,...", default_values_t = AMOUNTS, value_delimiter = ',',
          allow_hyphen_values = true, value_parser = whole_number::in_range(1..=MAX_AMOUNT))]
    amounts: Vec<i64>,

    /// The withdrawers wait with Condvar::wait_while, the Rust form of the while loop (the same
    /// result).
    #[arg(long)]
    wait_while: bool,
}

const AFTER_HELP: &str = "\
Exit status: 0 when every thread did all its work; 1 when a thread panicked or refused to go on \
(each is named on stderr), or stdout could not be written; 2 for a usage error.

A run that ends proves nothing about lost wakeups: the proof is the model checker, \
cargo xtask prove wait-for-funds";

fn main() -> ExitCode {
    let args = Args::parse();
    if args.amounts.len() > MAX_WITHDRAWERS {
        clap::Error::raw(
            clap::error::ErrorKind::ValueValidation,
            format!(
                "--amounts gives {} withdrawers: at most {MAX_WITHDRAWERS}\n",
                args.amounts.len()
            ),
        )
        .exit();
    }
    let plan = Plan {
        amounts: args.amounts,
        rounds: args.rounds,
        withdrawal: match args.wait_while {
            true => Withdrawal::WaitWhile,
            false => Withdrawal::While,
        },
        notify: Notify::All,
    };
    match experiment(&plan) {
        Ok(balance) => {
            // Not `print!`, which panics (exit status 101) when stdout is closed.
            let mut stdout = io::stdout().lock();
            if let Err(error) =
                writeln!(stdout, "{balance}").and_then(|()| stdout.flush())
            {
                eprintln!("error: could not write to stdout: {error}");
                return ExitCode::FAILURE;
            }
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
