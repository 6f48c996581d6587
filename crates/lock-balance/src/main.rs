//! `cargo run -p lock-balance`: two threads change one balance under a lock, and print it.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use lock_balance::{ITERATIONS, Mode, Options, Variant};

// Every lesson's numeric flags share one parser, and so one message for a bad number: see the file.
/// The most `change_it` calls per thread: a bigger value is more likely a slip than a wish to
/// wait. (100 million took 3 to 6 seconds with the lock, release build, on the 2-core AMD EPYC
/// VM the lesson was written on; other machines differ, some several times over.)
const MAX_ITERATIONS: u64 = 100_000_000;
/// The most trials: 10 000 runs of the whole experiment at the default iterations, a billion
/// `change_it` calls per thread. (1000 trials took 3 to 6 seconds
/// on the machine above.)
const MAX_TRIALS: u64 = 10_000;
/// The most `change_it` calls per thread over all trials (`--iterations` times `--trials`): each
/// flag's own cap allows 10 000 trials of 100 million, a million million calls; this caps a run
/// at what 10 000 trials at the default 100 000 iterations make.
const MAX_CALLS: u64 = 1_000_000_000;

/// Two threads add and subtract 5 and 8 on one bank balance, 100 000 times each, under a lock,
/// then print the balance: 0. Python's `threading.Lock` lesson, in Rust.
#[derive(Debug, Parser)]
#[command(version, max_term_width = 80, after_help = AFTER_HELP)]
struct Args {
    /// How many times each thread calls change_it (1..=100000000; with --trials, iterations
    /// times trials at most 1000000000).
    #[arg(long, value_name = "N", default_value_t = ITERATIONS, allow_hyphen_values = true,
          value_parser = whole_number::in_range(1..=MAX_ITERATIONS))]
    iterations: u64,

    /// Run without the lock: the balance is an atomic, read then written in two separate steps,
    /// so an update can be lost and the balance can end anywhere. A run often ends at 0 all the
    /// same, so without --trials the program runs again until one ends elsewhere (at most 20
    /// runs), prints that run's balance, and says on stderr how many runs it took.
    #[arg(long)]
    no_lock: bool,

    /// Repeat the experiment T times (1..=10000), each from 0, and print how often each final
    /// balance came out, instead of one balance.
    #[arg(long, value_name = "T", allow_hyphen_values = true,
          value_parser = whole_number::in_range(1..=MAX_TRIALS))]
    trials: Option<u64>,

    /// Start from this balance instead of 0 (any i64). Near i64::MAX (9223372036854775807) a
    /// `balance + n` overflows and its thread panics: with the lock, while it holds the lock (see
    /// which thread, and what the other one does); with --no-lock there is no lock to poison, and
    /// each thread that overflows panics. With --no-lock, near i64::MIN (-9223372036854775808) a
    /// lost update can take the balance below its start, and a `balance - n` can overflow too.
    #[arg(
        long,
        value_name = "BALANCE",
        default_value_t = 0,
        allow_hyphen_values = true,
        value_parser = whole_number::in_range(i64::MIN..=i64::MAX),
        conflicts_with = "trials"
    )]
    start_balance: i64,
}

const AFTER_HELP: &str = "\
Exit status: 0 when every thread finished; 1 when a thread panicked or refused to go on (each is \
named on stderr) or stdout could not be written; 2 for a usage error.

A run that prints 0 proves nothing, with or without the lock: try --no-lock --trials 20.
The proof is the model checker: cargo xtask prove lock-balance";

/// Whether `--iterations` times `--trials` is more than [`MAX_CALLS`]: exactly `MAX_CALLS` is
/// accepted. Both flags are capped by their parsers, so the product fits easily in a `u64`.
fn too_many_calls(iterations: u64, trials: u64) -> bool {
    iterations * trials > MAX_CALLS
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mode = match args.trials {
        None => Mode::Once {
            start_balance: args.start_balance,
        },
        Some(trials) if too_many_calls(args.iterations, trials) => {
            Args::command()
                .error(
                    ErrorKind::ValueValidation,
                    format!(
                        "--iterations {} times --trials {trials} is {} calls\n\
                         of change_it per thread, over the {MAX_CALLS} accepted: \
                         lower either flag",
                        args.iterations,
                        args.iterations * trials,
                    ),
                )
                .exit();
        }
        Some(trials) => Mode::Trials(trials),
    };
    let options = Options {
        variant: if args.no_lock {
            Variant::Unlocked
        } else {
            Variant::Locked
        },
        iterations: args.iterations,
        mode,
    };
    match lock_balance::run(&options) {
        Ok(printed) => {
            // Not `print!`, which panics (exit status 101) when stdout is closed.
            let mut stdout = io::stdout().lock();
            if let Err(error) = write!(stdout, "{}", printed.stdout)
                .and_then(|()| stdout.flush())
            {
                eprintln!("error: could not write to stdout: {error}");
                return ExitCode::FAILURE;
            }
            if let Some(note) = printed.note {
                eprintln!("note: {note}");
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

#[cfg(test)]
mod tests {
    use super::{MAX_CALLS, MAX_ITERATIONS, MAX_TRIALS, too_many_calls};

    /// The cap is on the product, and its value itself is allowed (the command-line test checks
    /// a refused product; running an accepted one at the cap would take minutes, so the boundary
    /// is checked here).
    #[test]
    fn the_calls_cap_accepts_its_own_value_and_refuses_one_more_trial() {
        assert!(!too_many_calls(MAX_ITERATIONS, MAX_CALLS / MAX_ITERATIONS));
        assert!(too_many_calls(
            MAX_ITERATIONS,
            MAX_CALLS / MAX_ITERATIONS + 1
        ));
        assert!(!too_many_calls(MAX_CALLS / MAX_TRIALS, MAX_TRIALS));
        assert!(too_many_calls(MAX_CALLS / MAX_TRIALS + 1, MAX_TRIALS));
        assert!(!too_many_calls(1, 1));
    }
}
