//! How a failing lock-balance model shows what it found: the execution's steps as a two-column
//! timeline (the balance after each step, the overwritten update called out, the step that breaks
//! the model's claim marked), the same rows as a picture for `cargo xtask prove`, and which
//! failing execution to show ([`Chooser`]).
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use lock_balance::THREADS;
use lock_balance::sync::steps::{Access, Step};

/// What went wrong in a failing execution, in words. `telling` when it shows the failure at its
/// plainest (for proof 2: a thread that builds on *another* thread's half-done change, not only on
/// its own), so the search can stop there.
pub(crate) struct Broken {
    pub(crate) what: String,
    pub(crate) telling: bool,
    /// The step that breaks the claim, marked in the timeline.
    pub(crate) mark: Option<Mark>,
}

/// A note on one step of a timeline: `step` is its index in the execution's steps.
pub(crate) struct Mark {
    pub(crate) step: usize,
    pub(crate) note: String,
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

/// Chooses, as a search runs, which failing execution the model shows: the first that both reads
/// as one timeline ([`reads_latest`]) and is telling ([`Broken`]) at once; otherwise the best one
/// found up to [`LOOK_FURTHER`] executions after the first failure, reading as a timeline first.
/// Shared by the executions of a model's searches (a std `Mutex`, invisible to loom, never held
/// across a loom operation).
#[derive(Clone, Default)]
pub(crate) struct Chooser {
    held: Arc<Mutex<Option<Held>>>,
}

/// The best failing execution so far: how good it is, the number of the first failing execution,
/// and its message.
struct Held {
    quality: Quality,
    first: u64,
    message: String,
}

/// How well a failing execution shows the failure; the fields in order of importance.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Quality {
    reads_as_timeline: bool,
    telling: bool,
}

impl Chooser {
    /// A failing execution: ends the search (panics with its counterexample) if it is as good as
    /// one can be, or if the search has looked [`LOOK_FURTHER`] executions past the first failure
    /// (with the best one held then); otherwise holds it if it is the best so far.
    pub(crate) fn failed(
        &self,
        execution: u64,
        search: &str,
        steps: &[Step],
        balance: i64,
        broken: Broken,
    ) {
        let quality = Quality {
            reads_as_timeline: reads_latest(steps),
            telling: broken.telling,
        };
        let mut message = format!(
            "{}\n\n{}",
            broken.what,
            schedule(
                &format!("counterexample: execution {execution} ({search})"),
                steps,
                Some(balance),
                broken.mark.as_ref()
            )
        );
        if !quality.reads_as_timeline {
            message.push_str(&out_of_order());
        }
        if quality.reads_as_timeline && quality.telling {
            panic!("{message}");
        }
        let mut held = self.held.lock().unwrap();
        let first = held.as_ref().map_or(execution, |held| held.first);
        if held.as_ref().is_none_or(|held| quality > held.quality) {
            *held = Some(Held {
                quality,
                first,
                message,
            });
        }
        if execution - first >= LOOK_FURTHER {
            panic!("{}", held.take().expect("just held").message);
        }
    }

    /// After a search: shows the failing execution held, if any.
    pub(crate) fn after_search(&self) {
        if let Some(held) = self.held.lock().unwrap().take() {
            panic!("{}", held.message);
        }
    }
}

/// The block every failing model prints under its message: `heading` (xtask looks for
/// `counterexample:` in it), then the steps as a timeline.
pub(crate) fn schedule(
    heading: &str,
    steps: &[Step],
    final_balance: Option<i64>,
    mark: Option<&Mark>,
) -> String {
    format!(
        "{heading}, step by step:\n{}",
        timeline(steps, final_balance, mark)
    )
}

/// A column per thread, the balance after each step, and the lost updates called out; the final
/// balance last, when the execution got that far.
pub(crate) fn timeline(steps: &[Step], final_balance: Option<i64>, mark: Option<&Mark>) -> String {
    let rows = rows(steps, mark);
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
    if rows.is_empty() {
        // Said, not left blank: the facade recorded nothing (the failure above says why).
        writeln!(out, "      (no steps recorded)").unwrap();
    }
    // A critical section is one row, which a learner meets here first: say how to read it.
    if rows.iter().any(|row| row.text.starts_with("lock, ")) {
        writeln!(
            out,
            "(lock, a -> b, unlock: the thread took the lock, found the balance at a, left\n \
             it at b, and released the lock)"
        )
        .unwrap();
    }
    // The row the mark is on, counted from 1 as the timeline counts them.
    let marked = mark.and_then(|mark| {
        rows.iter()
            .position(|row| row.note.starts_with(&mark.note))
            .map(|row| row + 1)
    });
    match (final_balance, marked) {
        // A final 0 in a failing model reads like a pass: say that the claim broke earlier.
        (Some(0), Some(step)) => write!(
            out,
            "final balance: 0, as the Python's comment says it should be; but the claim\n\
             broke before that, at step {step} (marked above)"
        ),
        (Some(balance), _) => write!(
            out,
            "final balance: {balance} (the Python's comment says it should be 0)"
        ),
        (None, _) => write!(out, "(the execution stopped here)"),
    }
    .unwrap();
    out
}

/// The rows of the two lesson threads' steps: a load or a store is one row; a critical section
/// (the thread takes the lock, then releases it) is one row, `lock, found -> left, unlock`.
pub(crate) fn rows(steps: &[Step], mark: Option<&Mark>) -> Vec<Row> {
    // Each lesson thread's step, with its index in `steps` (what a `Mark` names).
    let steps: Vec<(usize, &Step)> = steps
        .iter()
        .enumerate()
        .filter(|(_, step)| is_lesson_thread(step))
        .collect();
    let mut rows: Vec<Row> = Vec::new();
    let mut balance = 0;
    // What each thread last read, and on which row: the value its next write is computed from.
    let mut last_read: [Option<(i64, usize)>; THREADS.len()] = [None; THREADS.len()];
    let mut i = 0;
    while i < steps.len() {
        let (first, step) = steps[i];
        let column = THREADS
            .iter()
            .position(|(name, _)| *name == step.thread)
            .expect("a lesson thread");
        let n = THREADS[column].1;
        let row = rows.len() + 1;
        let (text, mut notes) = match step.access {
            // (A release outside a lock section cannot happen: read as a load.)
            Access::Load | Access::Unlock => {
                last_read[column] = Some((step.value, row));
                (format!("reads {}", step.value), Vec::new())
            }
            Access::Store => {
                let (read, _) = last_read[column].unwrap_or((0, 0));
                let mut notes = Vec::new();
                if balance != read {
                    notes.push(format!("overwrites {balance}: an update is lost"));
                }
                balance = step.value;
                (format!("writes {}", sum(read, step.value)), notes)
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
                    Vec::new(),
                )
            }
            Access::Lock => {
                // The whole critical section: this thread's steps up to its release.
                let found = step.value;
                let mut left = found;
                while i + 1 < steps.len() && steps[i + 1].1.thread == step.thread {
                    i += 1;
                    if steps[i].1.access == Access::Unlock {
                        left = steps[i].1.value;
                        break;
                    }
                }
                let mut notes = Vec::new();
                if ![found, found + n, found - n].contains(&left) {
                    let stale = last_read[column]
                        .filter(|(value, _)| [value + n, value - n].contains(&left));
                    notes.push(match stale {
                        Some((value, at)) => format!(
                            "overwrites {found} with {}, from the {value} found at step {at}: an \
                             update is lost",
                            sum(value, left)
                        ),
                        None => format!("overwrites {found}: an update is lost"),
                    });
                }
                balance = left;
                // Taking the lock, the thread saw `found`: what a later section may build on.
                last_read[column] = Some((found, row));
                (format!("lock, {found} -> {left}, unlock"), notes)
            }
        };
        // The marked step, if it is one of this row's.
        let last = steps[i].0;
        if let Some(mark) = mark.filter(|mark| (first..=last).contains(&mark.step)) {
            notes.insert(0, mark.note.clone());
        }
        rows.push(Row {
            column,
            text,
            balance,
            note: notes.join("; "),
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
        steps: rows(steps, None)
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
    steps.iter().filter(|step| is_lesson_thread(step))
}

/// Is it a step of Thread-1 or Thread-2 (not of the main thread)?
pub(crate) fn is_lesson_thread(step: &Step) -> bool {
    THREADS.iter().any(|(name, _)| *name == step.thread)
}

/// Does every step that reads, the main thread's final one included, see the value left by the
/// step before it in the log (or the initial 0)?
pub(crate) fn reads_latest(steps: &[Step]) -> bool {
    let mut balance = 0;
    steps.iter().all(|step| match step.access {
        Access::Load | Access::Lock => step.value == balance,
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
