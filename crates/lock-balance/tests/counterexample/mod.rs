//! How a failing lock-balance model shows what it found: the execution's steps as a two-column
//! timeline (the balance after each step, the overwritten update called out, the first lock
//! taken on another thread's half-done change marked), the same rows as a picture for
//! `cargo xtask prove`, and what a model needs to choose which failing execution to show.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::fmt::Write as _;

use lock_balance::THREADS;
use lock_balance::sync::steps::{Access, Step};

use super::mid_change;

/// What went wrong in a failing execution, in words. `telling` when it shows the failure at its
/// plainest (for proof 2: a thread that builds on *another* thread's half-done change, not only on
/// its own), so the search can stop there.
pub(crate) struct Broken {
    pub(crate) what: String,
    pub(crate) telling: bool,
}

/// How many more executions a failing model runs, after its first failing execution, for a
/// better counterexample: one whose steps read as one timeline, and telling (see [`Broken`]).
/// Loom orders the stores of two threads that have not synchronized by vector clocks, not in one
/// total order (loom issue #180): a load may return a store that is not the latest in the order
/// loom ran them, and such a schedule, drawn step by step, shows a thread reading a value the
/// balance column says is gone. The outcome is still one some true interleaving gives (proof 3
/// checks the outcomes), but the drawing misleads.
pub(crate) const LOOK_FURTHER: u64 = 1000;

/// Said under a counterexample whose steps are not in timeline order.
pub(crate) fn out_of_order() -> String {
    format!(
        "\n(In this execution a load returned a store older than the latest one: loom does not \
         put the stores of threads that have not synchronized in one order, loom issue #180. No \
         other failing execution in the rest of this search, up to {LOOK_FURTHER} executions on, \
         read as one timeline; the outcome is still one a true interleaving gives.)"
    )
}

/// The counterexample block every failing model prints (xtask looks for its first line).
/// With `half_done`, a thread that takes the lock and finds a change half done (its own or
/// another's) is called out too (proof 2's property).
pub(crate) fn schedule(
    execution: u64,
    search: &str,
    steps: &[Step],
    final_balance: Option<i64>,
    half_done: bool,
) -> String {
    format!(
        "counterexample: execution {execution} ({search}), step by step:\n{}",
        timeline(steps, final_balance, half_done)
    )
}

/// A column per thread, the balance after each step, and the lost updates called out; the final
/// balance last, when the execution got that far.
pub(crate) fn timeline(steps: &[Step], final_balance: Option<i64>, half_done: bool) -> String {
    let rows = rows(steps, half_done);
    // 20 columns fit every step of the passing models; a longer step widens both columns.
    let width = rows
        .iter()
        .map(|row| row.text.chars().count() + 2)
        .chain([20])
        .max()
        .unwrap_or(20);
    let mut out = String::new();
    let mut header = format!("{:>4}  ", "step");
    for (name, n) in THREADS {
        header += &format!("{:<width$}", format!("{name} (n={n})"));
    }
    writeln!(out, "{header}balance").unwrap();
    for (number, row) in rows.iter().enumerate() {
        let mut line = format!("{:>4}  ", number + 1);
        line += &" ".repeat(width * row.column);
        line += &format!(
            "{:<room$}",
            row.text,
            room = width * (THREADS.len() - row.column)
        );
        let note = match row.note.as_str() {
            "" => String::new(),
            note => format!("  <- {note}"),
        };
        writeln!(out, "{line}{}{note}", row.balance).unwrap();
    }
    match final_balance {
        Some(balance) => write!(
            out,
            "final balance: {balance} (the Python's comment says it should be 0)"
        ),
        None => write!(out, "(the execution stopped here)"),
    }
    .unwrap();
    out
}

/// The rows of the two lesson threads' steps: a load or a store is one row; everything a thread
/// did while holding the lock (take it, read, release it) is one row, `lock: found -> left`.
pub(crate) fn rows(steps: &[Step], half_done: bool) -> Vec<Row> {
    let steps: Vec<&Step> = thread_steps(steps).collect();
    let mut rows: Vec<Row> = Vec::new();
    let mut balance = 0;
    // What each thread last read, and on which row: the value its next write is computed from.
    let mut last_read: [Option<(i64, usize)>; THREADS.len()] = [None; THREADS.len()];
    // Proof 2's claim breaks where a thread takes the lock and builds on *another* thread's
    // half-done change: that first row is marked, not every row that finds the balance off 0.
    let mut marked = false;
    let mut i = 0;
    while i < steps.len() {
        let step = steps[i];
        let column = THREADS
            .iter()
            .position(|(name, _)| *name == step.thread)
            .expect("a lesson thread");
        let n = THREADS[column].1;
        let row = rows.len() + 1;
        let (text, note) = match step.access {
            // (A read or a release outside a lock section cannot happen: read as a load.)
            Access::Load | Access::Read | Access::Unlock => {
                last_read[column] = Some((step.value, row));
                (format!("reads {}", step.value), String::new())
            }
            Access::Store => {
                let (read, _) = last_read[column].unwrap_or((0, 0));
                let note = if balance == read {
                    String::new()
                } else {
                    format!("overwrites {balance}: an update is lost")
                };
                balance = step.value;
                (format!("writes {}", sum(read, step.value)), note)
            }
            Access::FetchAdd(change) => {
                balance = step.value + change;
                let verb = if change < 0 { "subtracts" } else { "adds" };
                (
                    format!(
                        "{verb} {} in one step: {}",
                        change.abs(),
                        sum(step.value, balance)
                    ),
                    String::new(),
                )
            }
            Access::Lock => {
                // The whole critical section: this thread's steps up to its release.
                let found = step.value;
                let mut read = false;
                let mut left = found;
                while i + 1 < steps.len() && steps[i + 1].thread == step.thread {
                    i += 1;
                    match steps[i].access {
                        Access::Read => read = true,
                        Access::Unlock => {
                            left = steps[i].value;
                            break;
                        }
                        _ => {}
                    }
                }
                let mut notes = Vec::new();
                let pending: Vec<&str> = mid_change(&steps[..i])
                    .into_iter()
                    .filter(|thread| *thread != step.thread)
                    .collect();
                if half_done && !marked && !pending.is_empty() {
                    marked = true;
                    let whose: Vec<String> =
                        pending.iter().map(|thread| format!("{thread}'s")).collect();
                    let whose = whose.join(" and ");
                    notes.push(format!("finds {found}: {whose} change_it half done"));
                }
                if ![found, found + n, found - n].contains(&left) {
                    let stale = last_read[column]
                        .filter(|(value, _)| [value + n, value - n].contains(&left));
                    notes.push(match stale {
                        Some((value, at)) => format!(
                            "overwrites {found} with {}, from the {value} read at step {at}: an \
                             update is lost",
                            sum(value, left)
                        ),
                        None => format!("overwrites {found}: an update is lost"),
                    });
                }
                balance = left;
                let text = if read && left == found {
                    last_read[column] = Some((found, row));
                    format!("lock, reads {found}, unlock")
                } else {
                    format!("lock, {found} -> {left}, unlock")
                };
                (text, notes.join("; "))
            }
        };
        rows.push(Row {
            column,
            text,
            balance,
            note,
        });
        i += 1;
    }
    rows
}

/// One row of a timeline: what a thread did, and why it matters (empty when nothing does).
pub(crate) struct Row {
    pub(crate) column: usize,
    pub(crate) text: String,
    pub(crate) balance: i64,
    pub(crate) note: String,
}

/// `a + b = c` or `a - b = c`, for `c - a`'s sign.
pub(crate) fn sum(from: i64, to: i64) -> String {
    let change = to - from;
    let sign = if change < 0 { '-' } else { '+' };
    format!("{from} {sign} {} = {to}", change.abs())
}

/// The timeline's rows as a [`figures::Schedule`]: a lane per thread, the balance beside each
/// step, the lost updates noted.
pub(crate) fn drawn(steps: &[Step], final_balance: i64) -> figures::Schedule {
    figures::Schedule {
        title: "Without the lock: two threads, one balance, an update lost".to_string(),
        lanes: THREADS
            .iter()
            .map(|(name, n)| format!("{name} (n={n})"))
            .collect(),
        beside: "balance".to_string(),
        steps: rows(steps, false)
            .into_iter()
            .map(|row| figures::ScheduleStep {
                lane: row.column,
                does: row.text,
                beside: row.balance.to_string(),
                note: row.note,
            })
            .collect(),
        end: format!("final balance: {final_balance} (the Python's comment says it should be 0)"),
    }
}

/// The steps of the two lesson threads (the main thread's final read left out).
pub(crate) fn thread_steps(steps: &[Step]) -> impl Iterator<Item = &Step> {
    steps
        .iter()
        .filter(|step| THREADS.iter().any(|(name, _)| *name == step.thread))
}

/// Does every step that reads, the main thread's final one included, see the value left by the
/// step before it in the log (or the initial 0)?
pub(crate) fn reads_latest(steps: &[Step]) -> bool {
    let mut balance = 0;
    steps.iter().all(|step| match step.access {
        Access::Load | Access::Lock | Access::Read => step.value == balance,
        Access::FetchAdd(n) => {
            let found = step.value == balance;
            balance += n;
            found
        }
        Access::Store | Access::Unlock => {
            balance = step.value;
            true
        }
    })
}
