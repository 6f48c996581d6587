//! What only the command line runs: one experiment (without the lock, until one loses an update)
//! and what to print after it, or `--trials`,
//! the experiment repeated and its balances counted. Not part of the lesson: `main.rs` calls
//! [`run`], which calls the lesson's [`experiment`].

use std::collections::BTreeMap;
use std::fmt;

use crate::{ITERATIONS, ThreadFailure, Variant, experiment};

/// What `--trials` saw: how often each final balance came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trials {
    /// With or without the lock.
    pub variant: Variant,
    /// `change_it` calls per thread in each trial.
    pub iterations: u64,
    /// Each final balance seen, with how many trials ended on it.
    pub balances: BTreeMap<i64, u64>,
}

impl Trials {
    /// The trials run.
    pub fn run(&self) -> u64 {
        self.balances.values().sum()
    }

    /// The trials that did not end at 0.
    pub fn non_zero(&self) -> u64 {
        self.run() - self.balances.get(&0).copied().unwrap_or(0)
    }
}

/// Repeats [`experiment`] `trials` times, each from a balance of 0, counting the final balances.
///
/// # Errors
///
/// The failed threads of the first trial in which a thread failed; no further trial is run.
pub fn trials(
    variant: Variant,
    iterations: u64,
    trials: u64,
) -> Result<Trials, Vec<ThreadFailure>> {
    let mut seen = Trials {
        variant,
        iterations,
        balances: BTreeMap::new(),
    };
    for _ in 0..trials {
        let balance = experiment(variant, 0, iterations)?;
        *seen.balances.entry(balance).or_default() += 1;
    }
    Ok(seen)
}

/// The lesson's point, in the `--trials` summary.
const PROVES_NOTHING: &str =
    "A run that prints 0 proves nothing: the race may just not have struck.";

/// Without `--trials`, how many runs `--no-lock` makes at most, stopping at the first that ends
/// away from its start. One run ends at 0 often (a lost update needs a thread stopped at just the
/// wrong moment), and a learner's first run should show the race, or say why it did not.
pub const NO_LOCK_RUNS: u64 = 20;

/// What the program says on stderr after `--no-lock` without `--trials`: `runs` runs were made,
/// the last ending at `balance`, from `start`. Lines of at most 80 columns after `note: `, each
/// later line indented under the first's text.
pub fn no_lock_note(start: i64, runs: u64, balance: i64) -> String {
    let lines = if balance == start {
        [
            format!("without the lock, all {runs} runs ended at {start}, yet the race is there:"),
            "an update is lost only when one thread is stopped between reading the".to_string(),
            "balance and writing it back, while the other thread writes it: that".to_string(),
            "needs the right moment. More runs may show it: --trials 1000. The proof".to_string(),
            "finds it for certain:".to_string(),
            "cargo xtask prove lock-balance".to_string(),
        ]
    } else {
        let first = match runs {
            1 => format!(
                "without the lock, this run ended at {balance}, not {start}:"
            ),
            2 => format!(
                "without the lock, run 1 ended at {start}, and run 2 at {balance}:"
            ),
            _ => format!(
                "without the lock, runs 1 to {} ended at {start}, and run {runs} at {balance}:",
                runs - 1
            ),
        };
        [
            first,
            "an update was lost: one thread was stopped between reading the balance".to_string(),
            "and writing it back, while the other thread wrote it. That needs the".to_string(),
            format!("right moment, so a run can end at {start}, and it can take a few runs"),
            "to see the race: count them with --trials 20; see it step by step in".to_string(),
            "the proof: cargo xtask prove lock-balance".to_string(),
        ]
    };
    lines.join("\n      ")
}

impl fmt::Display for Trials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lock = match self.variant {
            Variant::Locked => "with the lock",
            Variant::Unlocked => "without the lock",
        };
        writeln!(
            f,
            "trials run: {} ({lock}, {} iterations per thread)",
            self.run(),
            self.iterations
        )?;
        writeln!(f, "ended non-zero: {}", self.non_zero())?;
        writeln!(f, "final balances (balance: trials):")?;
        for (balance, count) in &self.balances {
            writeln!(f, "  {balance}: {count}")?;
        }
        writeln!(f, "{PROVES_NOTHING}")?;
        write!(
            f,
            "The model checker shows it (cargo xtask prove lock-balance): with the lock,\n\
             every interleaving it explored, at 1 to 5 iterations per thread, ends at 0;\n\
             without it, 1 iteration per thread can already end elsewhere."
        )
    }
}

/// Once, or many times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Run the experiment once and print the final balance: the Python program. Without the
    /// lock, again until a run ends away from its start, at most [`NO_LOCK_RUNS`] runs.
    Once {
        /// The balance before the threads start (`--start-balance`; 0 in the Python).
        start_balance: i64,
    },
    /// Run it this many times, each from 0, and print the summary (`--trials`).
    Trials(u64),
}

/// What to run: the command line's choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// With or without the lock (`--no-lock`).
    pub variant: Variant,
    /// `change_it` calls per thread (`--iterations`).
    pub iterations: u64,
    /// Once (from which balance), or how many trials.
    pub mode: Mode,
}

impl Default for Options {
    /// The Python program: with the lock, 100 000 iterations, once, from 0.
    fn default() -> Self {
        Options {
            variant: Variant::Locked,
            iterations: ITERATIONS,
            mode: Mode::Once { start_balance: 0 },
        }
    }
}

/// What the program prints when every thread finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    /// For stdout: the final balance (`print(balance)`), or with trials the summary.
    pub stdout: String,
    /// For stderr, as a `note:` line: without the lock, how many runs it took to lose an update,
    /// or why none was lost ([`no_lock_note`]). Stdout stays what Python's `print` gives.
    pub note: Option<String>,
}

/// Runs the program and returns what it prints.
///
/// # Errors
///
/// Every thread that panicked or refused to go on, by name.
pub fn run(options: &Options) -> Result<Printed, Vec<ThreadFailure>> {
    match options.mode {
        Mode::Trials(count) => Ok(Printed {
            stdout: trials(options.variant, options.iterations, count)?
                .to_string()
                + "\n",
            note: None,
        }),
        Mode::Once { start_balance } => {
            // With the lock, the Python program: one run. Without it, runs until one ends away
            // from its start, at most NO_LOCK_RUNS, and the note says how many it took.
            let most = match options.variant {
                Variant::Locked => 1,
                Variant::Unlocked => NO_LOCK_RUNS,
            };
            let mut runs = 0;
            let balance = loop {
                runs += 1;
                let balance = experiment(
                    options.variant,
                    start_balance,
                    options.iterations,
                )?;
                if balance != start_balance || runs == most {
                    break balance;
                }
            };
            let note = match options.variant {
                Variant::Locked => None,
                Variant::Unlocked => {
                    Some(no_lock_note(start_balance, runs, balance))
                }
            };
            Ok(Printed {
                // print(balance)
                stdout: format!("{balance}\n"),
                note,
            })
        }
    }
}
