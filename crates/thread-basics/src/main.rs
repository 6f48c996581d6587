//! `cargo run -p thread-basics`: the Python tutorial's first program, a named thread started and
//! joined. See the crate's library for the lesson itself.

use std::io;
use std::ops::RangeInclusive;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use thread_basics::{Sink, run, sync::Arc};

// Every lesson's numeric flags share one parser, and so one message for a bad number: see the file.
/// Accepted `--ticks`: 0 is Python's `while n < 0` (the thread starts and ends at once); the cap
/// only catches typos, since at the default interval 1000 ticks already take 17 minutes.
const TICKS: RangeInclusive<u64> = 0..=1000;
/// Accepted `--interval-ms`: 0 prints everything at once; the cap, 10 seconds, catches typos.
const INTERVAL_MS: RangeInclusive<u64> = 0..=10_000;

/// A named thread, started and joined: Python's `threading.Thread(target=loop,
/// name='LoopThread')`, `start()` and `join()`, in Rust.
///
/// The main thread says it is running, starts `LoopThread`, which counts `>>> 1`, `>>> 2`, ...
/// with a pause after each tick, waits for it to finish, and says it ended. If `LoopThread`
/// panics, `join` reports it, and the program exits with status 1 instead of claiming it ended.
#[derive(Parser)]
#[command(version, max_term_width = 80, about, long_about, after_help = AFTER_HELP)]
struct Cli {
    /// How many ticks LoopThread prints (the Python's 5) [accepted: 0..=1000]
    #[arg(long, value_name = "N", default_value_t = 5, allow_hyphen_values = true,
          value_parser = whole_number::in_range(TICKS))]
    ticks: u64,

    /// The pause after each tick, in milliseconds (the Python's `time.sleep(1)`) [accepted: 0..=10000]
    #[arg(long, value_name = "MS", default_value_t = 1000, allow_hyphen_values = true,
          value_parser = whole_number::in_range(INTERVAL_MS))]
    interval_ms: u64,
}

const AFTER_HELP: &str = "\
Exit status: 0 when both threads printed all their lines; 1 when LoopThread panicked or a line \
could not be written (say, stdout is a closed pipe), with an `error:` line on stderr naming the \
thread; 2 for a usage error.";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Arc::new(Sink::new(io::stdout()));
    match run(&out, cli.ticks, Duration::from_millis(cli.interval_ms)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => {
            eprintln!("error: {failed}");
            ExitCode::FAILURE
        }
    }
}
