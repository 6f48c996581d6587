//! What only the command line runs: one experiment and what to print after it, or `--trials`,
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

/// The lesson's point after one run without the lock, for stderr (see [`Printed::note`]): two
/// lines, the second under the first's text, so that each fits an 80-column terminal after
/// `note: `.
pub const ONE_RUN_NOTE: &str = "one run proves nothing: the race may just not have struck this \
    time;\n      try --trials 20, and see the proof: cargo xtask prove lock-balance";

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
    /// Run the experiment once and print the final balance: the Python program.
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
    /// For stderr, as a `note:` line: after one run without the lock, why its balance, 0 or not,
    /// proves nothing. Stdout stays what Python's `print` gives.
    pub note: Option<&'static str>,
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
            let balance =
                experiment(options.variant, start_balance, options.iterations)?;
            let note = match options.variant {
                Variant::Locked => None,
                Variant::Unlocked => Some(ONE_RUN_NOTE),
            };
            Ok(Printed {
                // print(balance)
                stdout: format!("{balance}\n"),
                note,
            })
        }
    }
}
