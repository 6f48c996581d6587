//! `cargo run -p channel-ledger`: two tellers send amounts to a ledger thread, which owns the
//! balance; the main thread prints the balance the ledger returns.

use std::io::{self, Write};
use std::process::ExitCode;

use channel_ledger::{ITERATIONS, Queue, experiment};
use clap::Parser;

// Every lesson's numeric flags share one parser, and so one message for a bad number: see
// xtask/whole-number.
/// The most `+n`, `-n` pairs per teller: a bigger value is more likely a slip than a wish to wait.
const MAX_ITERATIONS: u64 = 100_000_000;
/// The largest `--maxsize`: std's `sync_channel(k)` sets aside room for `k` amounts up front.
const MAX_MAXSIZE: usize = 1_000_000;

/// Two tellers send +5, -5 and +8, -8 to a ledger thread 100 000 times each, through a channel;
/// the ledger alone owns the balance and returns it: 0. Python's queue.Queue, in Rust.
#[derive(Debug, Parser)]
#[command(version, max_term_width = 80, after_help = AFTER_HELP)]
struct Args {
    /// How many +n, -n pairs each teller sends (1..=100000000).
    #[arg(long, value_name = "N", default_value_t = ITERATIONS, allow_hyphen_values = true,
          value_parser = whole_number::in_range(1..=MAX_ITERATIONS))]
    iterations: u64,

    /// A bounded queue, as Python's Queue(maxsize=K): mpsc::sync_channel(K), at most K amounts
    /// waiting (1..=1000000); a teller's send waits while it is full. Without it,
    /// mpsc::channel(), which never makes a sender wait. (Python's maxsize=0 means no limit;
    /// Rust's sync_channel(0) means a send waits until the ledger takes it, so 0 is not accepted.)
    #[arg(long, value_name = "K", allow_hyphen_values = true,
          value_parser = whole_number::in_range(1..=MAX_MAXSIZE))]
    maxsize: Option<usize>,

    /// Start the ledger from this balance instead of 0 (any i64). Near i64::MAX
    /// (9223372036854775807) the ledger's `balance + n` overflows and the ledger panics; the
    /// tellers then find it gone.
    #[arg(long, value_name = "BALANCE", default_value_t = 0, allow_hyphen_values = true,
          value_parser = whole_number::in_range(i64::MIN..=i64::MAX))]
    start_balance: i64,
}

const AFTER_HELP: &str = "\
Exit status: 0 when every thread finished; 1 when a thread panicked or stopped (each is named on \
stderr) or stdout could not be written; 2 for a usage error.

The proof is the model checker: cargo xtask prove channel-ledger";

fn main() -> ExitCode {
    let args = Args::parse();
    let queue = match args.maxsize {
        None => Queue::Unbounded,
        Some(k) => Queue::MaxSize(k),
    };
    match experiment(queue, args.start_balance, args.iterations) {
        Ok(balance) => {
            // print(balance). Not `println!`, which panics (exit status 101) when stdout is closed.
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
