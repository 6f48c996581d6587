//! How a wait-for-funds model shows what it found: the facade's log made into rows a learner
//! reads (`finds 5: takes 8`, `woken, finds 0: waits again`), the execution as a timeline with
//! the balance after each row, a deadlock in the lesson's words (who waits for how much, and
//! why no one will wake them), and the same rows as a picture for `cargo xtask prove`.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::collections::VecDeque;
use std::fmt::Write as _;

use wait_for_funds::sync::steps::{Access, Step, UNNAMED};
use wait_for_funds::{DEPOSITOR, withdrawer_name};

use crate::search::{Deadlocked, Run};

/// The lock the rows follow: the first created in an execution. In the lesson's experiment it is
/// the account's balance (the Event's flag is the second); in the Event's own model, the flag.
const WATCHED: usize = 0;

/// A thread's name as the timeline shows it: loom's main thread has none.
fn who(step: &Step) -> &str {
    match step.thread.as_str() {
        UNNAMED => "main",
        name => name,
    }
}

/// One row: a thread's turn with the lock, from taking it (or waking with it) to releasing it (or
/// waiting), in one line.
pub(crate) struct Row {
    /// The index, in the execution's steps, of the last step the row shows.
    pub(crate) last: usize,
    pub(crate) thread: String,
    pub(crate) text: String,
    /// The value behind the lock when the row began.
    pub(crate) found: i64,
    /// The value behind the lock after the row.
    pub(crate) value: i64,
    pub(crate) note: String,
}

/// The rows of every thread's turns with the watched lock. No other thread can touch the lock
/// inside a turn, so a turn is one row; the waits queue on the condvar as loom queues them (the
/// longest waiter first), so that a `notify_one` row can say whom it woke.
pub(crate) fn rows(steps: &[Step]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut waiting: VecDeque<String> = VecDeque::new();
    let mut turn: Option<(usize, &Step)> = None;
    let mut notified = String::new();
    let mut note = String::new();
    for (at, step) in steps.iter().enumerate() {
        if step.lock != WATCHED {
            continue;
        }
        let thread = who(step).to_string();
        match step.access {
            Access::Locks | Access::Wakes | Access::WakesSpuriously => {
                if step.access != Access::Locks {
                    waiting.retain(|waiter| *waiter != thread);
                }
                turn = Some((at, step));
                notified.clear();
                note.clear();
            }
            Access::NotifiesOne | Access::NotifiesAll => {
                let (call, woken) = match step.access {
                    Access::NotifiesOne => {
                        ("notify_one", waiting.pop_front().into_iter().collect())
                    }
                    _ => ("notify_all", waiting.drain(..).collect::<Vec<_>>()),
                };
                notified = format!(", {call}");
                note = match (step.access, woken.as_slice()) {
                    (_, []) => String::new(),
                    (Access::NotifiesOne, [one]) if !waiting.is_empty() => format!(
                        "notify_one wakes {one}, the longest waiter; {} still waits",
                        Vec::from(waiting.clone()).join(" and ")
                    ),
                    (_, woken) => format!("wakes {}", woken.join(" and ")),
                };
            }
            Access::Waits | Access::Unlocks => {
                let Some((_, start)) = turn.take() else {
                    continue;
                };
                let (found, left) = (start.value, step.value);
                let prefix = match start.access {
                    Access::Wakes => "woken, ",
                    Access::WakesSpuriously => "wakes unnotified, ",
                    _ => "",
                };
                let action = match step.access {
                    Access::Waits if prefix.is_empty() => "waits".to_string(),
                    Access::Waits => "waits again".to_string(),
                    _ if left > found => format!("adds {}", left - found),
                    _ if left < found => format!("takes {}", found - left),
                    _ => "reads it".to_string(),
                };
                if step.access == Access::Waits {
                    waiting.push_back(thread.clone());
                }
                if left < 0 && found >= 0 && note.is_empty() {
                    note = format!("the balance is below zero: {left}");
                }
                rows.push(Row {
                    last: at,
                    thread,
                    text: format!("{prefix}finds {found}: {action}{notified}"),
                    found,
                    value: left,
                    note: std::mem::take(&mut note),
                });
            }
        }
    }
    rows
}

/// The number, in the timeline, of the row that shows `steps[at]` or the first after it.
pub(crate) fn timeline_row(steps: &[Step], at: usize) -> Option<usize> {
    rows(steps)
        .iter()
        .position(|row| row.last >= at)
        .map(|row| row + 1)
}

/// The counterexample block every failing model prints (xtask looks for its first line).
pub(crate) fn schedule(
    execution: u64,
    search: &str,
    steps: &[Step],
    balance: Option<i64>,
) -> String {
    format!(
        "counterexample: execution {execution} ({search}), step by step:\n{}",
        timeline(steps, balance)
    )
}

/// One line a row, the balance after it on the right, a note on a line of its own under its row,
/// so that the table fits 80 columns; the balance at the end last, or, for an execution loom
/// stopped, where it stopped.
pub(crate) fn timeline(steps: &[Step], balance: Option<i64>) -> String {
    let mut out = format!(
        "{:>4}  {:<10} {:<48}{:>7}\n",
        "row", "thread", "what it did", "value"
    );
    for (number, row) in rows(steps).iter().enumerate() {
        writeln!(
            out,
            "{:>4}  {:<10} {:<48}{:>7}",
            number + 1,
            row.thread,
            row.text,
            row.value
        )
        .unwrap();
        if !row.note.is_empty() {
            writeln!(out, "      ^ {}", row.note).unwrap();
        }
    }
    match balance {
        Some(balance) => write!(out, "the balance at the end: {balance}"),
        None => write!(
            out,
            "(loom stopped the execution here: no thread can go on)"
        ),
    }
    .unwrap();
    out
}

/// Of `runs`, the one with the most switches between threads on the watched lock (the last of
/// them on a tie), for a model that looked for an execution and found none: the whole search is
/// the counterexample, and this one is shown as a sample.
pub(crate) fn busiest(runs: &[Run], search: &str) -> String {
    let run = runs
        .iter()
        .max_by_key(|run| figures::switches(rows(&run.steps).into_iter().map(|row| row.thread)))
        .expect("at least one execution");
    format!(
        "counterexample: the whole search, {} executions, none the one looked for.\n\
         Execution {} ({search}), the one with the most switches between the\n\
         threads, ended normally; step by step:\n{}",
        runs.len(),
        run.execution,
        timeline(&run.steps, Some(run.balance))
    )
}

/// The threads waiting on the condvar when the execution stopped, longest waiter first.
pub(crate) fn still_waiting(steps: &[Step]) -> Vec<String> {
    let mut waiting: Vec<String> = Vec::new();
    for step in steps.iter().filter(|step| step.lock == WATCHED) {
        match step.access {
            Access::Waits => waiting.push(who(step).to_string()),
            Access::Wakes | Access::WakesSpuriously => waiting.retain(|w| w != who(step)),
            _ => {}
        }
    }
    waiting
}

/// A deadlock in the lesson's words: who waits for how much, the balance, whether any deposit is
/// left to come, loom's line, the timeline. `amounts` are the withdrawers' (Thread-1's first).
pub(crate) fn deadlock_report(deadlocked: &Deadlocked, what: &str, amounts: &[i64]) -> String {
    let rows = rows(&deadlocked.steps);
    let balance = rows.last().map_or(0, |row| row.value);
    let mut out = format!(
        "{what},\nin execution {} ({}):\n",
        deadlocked.execution, deadlocked.search
    );
    let waiting = still_waiting(&deadlocked.steps);
    for waiter in &waiting {
        let needs = (0..amounts.len())
            .find(|&k| withdrawer_name(k) == *waiter)
            .map(|k| format!("for {}, ", amounts[k]))
            .unwrap_or_default();
        writeln!(out, "  {waiter} waits {needs}and the balance is {balance}").unwrap();
    }
    let deposits = rows
        .iter()
        .filter(|row| row.thread == DEPOSITOR && row.text.contains("adds"))
        .count();
    writeln!(
        out,
        "  the {DEPOSITOR} made {deposits} deposits and has no more: nothing will wake {}",
        match waiting.len() {
            1 => "it",
            _ => "them",
        }
    )
    .unwrap();
    writeln!(out, "  and the main thread waits in join for them to end").unwrap();
    writeln!(out, "{}", loom_verdict(&deadlocked.loom)).unwrap();
    write!(
        out,
        "\n{}",
        schedule(
            deadlocked.execution,
            &deadlocked.search,
            &deadlocked.steps,
            None
        )
    )
    .unwrap();
    out
}

/// Loom's panic, `deadlock; threads = [(Id(0), Blocked(..)), ...]` (each thread's id and state),
/// in plain words: `loom: 4 threads, all blocked`.
fn loom_verdict(loom: &str) -> String {
    let threads = loom.matches("(Id(").count();
    let blocked = loom.matches("Blocked(").count();
    match (threads, blocked) {
        (0, _) => format!("loom: \"{loom}\""),
        (t, b) if t == b => format!("loom: {t} threads, all blocked"),
        (t, b) => format!("loom: {b} of {t} threads blocked, the others ended"),
    }
}

/// A lane's label: `Thread-2 (takes 8)`, `Depositor (5, 8)`.
fn lanes(amounts: &[i64]) -> Vec<String> {
    let paid: Vec<String> = amounts.iter().map(ToString::to_string).collect();
    (0..amounts.len())
        .map(|k| format!("{} (takes {})", withdrawer_name(k), amounts[k]))
        .chain([format!("{DEPOSITOR} ({})", paid.join(", "))])
        .collect()
}

/// The rows up to the first with a note that ends it (`until`), as a [`figures::Schedule`]: a
/// lane per withdrawer and one for the depositor, the balance beside each row. The main thread's
/// rows (its final read) are left out.
pub(crate) fn drawn(
    steps: &[Step],
    amounts: &[i64],
    title: &str,
    until: impl Fn(&Row) -> bool,
    end: &str,
) -> figures::Schedule {
    let names: Vec<String> = (0..amounts.len())
        .map(withdrawer_name)
        .chain([DEPOSITOR.to_string()])
        .collect();
    let mut shown = Vec::new();
    for row in rows(steps) {
        let Some(lane) = names.iter().position(|name| *name == row.thread) else {
            continue;
        };
        let last = until(&row);
        shown.push(figures::ScheduleStep {
            lane,
            does: row.text,
            beside: row.value.to_string(),
            note: row.note,
        });
        if last {
            break;
        }
    }
    figures::Schedule {
        title: title.to_string(),
        lanes: lanes(amounts),
        beside: "balance".to_string(),
        steps: shown,
        end: end.to_string(),
    }
}
