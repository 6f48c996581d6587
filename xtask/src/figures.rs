//! The figures a loom model reports, and how `cargo xtask prove` reads them back.
//!
//! A model prints lines `proof-figure<TAB>key<TAB>value` on stdout. `cargo xtask prove` runs one
//! model at a time with `--nocapture` and collects those lines; everything else is libtest's own
//! chatter and is ignored. This one file holds both sides of that protocol: xtask compiles it as a
//! module, and each lesson's `tests/proofs.rs` includes it with
//! `#[path = "../../../xtask/src/figures.rs"] mod figures;`, so writer and reader cannot drift.
//!
//! It uses std only (no loom): the counters below must be invisible to loom, because they count
//! across executions, which loom's own primitives are reset between.

// Each side of the protocol uses only its half of this file.
#![allow(dead_code)]

use std::fmt::Display;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Marks a line as a figure for `cargo xtask prove`.
pub const PREFIX: &str = "proof-figure";

/// Keys with a meaning of their own in `cargo xtask prove`'s table; any other key is shown as a note.
pub const PROPERTY: &str = "property";
/// See [`PROPERTY`].
pub const EXECUTIONS: &str = "executions";
/// See [`PROPERTY`].
pub const SECONDS: &str = "seconds";

/// Prints one figure. A value of several lines becomes several lines with the same key, in order.
pub fn report(key: &str, value: impl Display) {
    assert!(
        !key.is_empty() && !key.contains(['\t', '\n']),
        "a figure key is one word: {key:?}"
    );
    for line in value.to_string().lines() {
        println!("{PREFIX}\t{key}\t{line}");
    }
}

/// Reads one line of a model's stdout: `Some((key, value))` for a figure, `None` for anything else.
pub fn parse(line: &str) -> Option<(&str, &str)> {
    line.strip_prefix(PREFIX)?
        .strip_prefix('\t')?
        .split_once('\t')
}

/// Counts the executions loom explores for one model, and times them.
///
/// ```ignore
/// let exploration = Exploration::start("with the lock, every interleaving ends at 0");
/// let counter = exploration.clone();
/// loom::model(move || {
///     counter.execution();
///     // ... the model ...
/// });
/// exploration.finish();
/// ```
#[derive(Clone)]
pub struct Exploration {
    executions: Arc<AtomicU64>,
    started: Instant,
}

impl Exploration {
    /// Reports the property the model checks and starts the clock.
    pub fn start(property: &str) -> Self {
        report(PROPERTY, property);
        Exploration {
            executions: Arc::new(AtomicU64::new(0)),
            started: Instant::now(),
        }
    }

    /// Counts one execution: call it first thing in the model's closure.
    pub fn execution(&self) {
        self.executions.fetch_add(1, Ordering::Relaxed);
    }

    /// The executions counted so far.
    pub fn executions(&self) -> u64 {
        self.executions.load(Ordering::Relaxed)
    }

    /// Reports the executions explored and the seconds taken, and returns the executions.
    pub fn finish(&self) -> u64 {
        let executions = self.executions();
        report(EXECUTIONS, executions);
        report(
            SECONDS,
            format!("{:.2}", self.started.elapsed().as_secs_f64()),
        );
        executions
    }
}
