//! How a failing lock-order model shows what it found: each thread's locks rebuilt from the
//! facade's log, a deadlock in the lesson's words (who holds what, who waits for what, the
//! cycle), the execution as a timeline with the locks held after each step, the same rows as a
//! picture for `cargo xtask prove`, and the choice of which execution to show.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::fmt::Write as _;

use lock_order::sync::steps::{Access, Step};
use lock_order::{
    ACCOUNTS, Balances, OPENING_BALANCE, Snapshot, THREADS, ThreadState, Wait, cycle_lines,
};

use crate::search::{Deadlocked, Run};

/// The steps of the two lesson threads (the main thread's final reads left out).
pub(crate) fn thread_steps(steps: &[Step]) -> impl Iterator<Item = &Step> {
    steps
        .iter()
        .filter(|step| THREADS.iter().any(|mover| mover.name == step.thread))
}

fn thread_index(name: &str) -> Option<usize> {
    THREADS.iter().position(|mover| mover.name == name)
}

/// Each lesson thread's locks after `steps`: the ones it took and has not released, and the one
/// it asked for and has not got. The board the watchdog reads, rebuilt from the facade's log.
pub(crate) fn locks_after(steps: &[Step]) -> Snapshot {
    let mut threads = [ThreadState::default(); THREADS.len()];
    for step in steps {
        let Some(thread) = thread_index(&step.thread) else {
            continue;
        };
        let state = &mut threads[thread];
        match step.access {
            Access::Waits => state.waits = Some(step.lock),
            Access::Locks => {
                state.holds[step.lock] = true;
                state.waits = None;
            }
            Access::Unlocks => state.holds[step.lock] = false,
        }
    }
    Snapshot {
        transfers: 0,
        threads,
    }
}

/// A deadlock in the lesson's words: loom's line, each thread's locks, the cycle, the timeline.
pub(crate) fn deadlock_report(deadlocked: &Deadlocked, what: &str) -> String {
    let locks = locks_after(&deadlocked.steps);
    let mut out = format!(
        "{what} in execution {} ({}):\n",
        deadlocked.execution, deadlocked.search
    );
    match locks.deadlock() {
        Some(cycle) => {
            writeln!(out, "{}", cycle_lines(&locks.threads, &cycle)).unwrap();
            writeln!(out, "  and the main thread waits in join for them to end").unwrap();
            writeln!(out, "the cycle: {}", cycle_words(&cycle)).unwrap();
        }
        None => {
            for (thread, mover) in THREADS.iter().enumerate() {
                let state = &locks.threads[thread];
                writeln!(
                    out,
                    "  {} holds {:?} and waits for {:?}",
                    mover.name,
                    held(&state.holds),
                    state.waits.map(|account| ACCOUNTS[account])
                )
                .unwrap();
            }
        }
    }
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
/// in plain words: `loom: 3 threads, all blocked`.
fn loom_verdict(loom: &str) -> String {
    let threads = loom.matches("(Id(").count();
    let blocked = loom.matches("Blocked(").count();
    match (threads, blocked) {
        (0, _) => format!("loom: \"{loom}\""),
        (t, b) if t == b => format!("loom: {t} threads, all blocked"),
        (t, b) => format!("loom: {t} threads, {b} blocked"),
    }
}

/// `Thread-1 waits for Thread-2 (for B), which waits for Thread-1 (for A)`.
fn cycle_words(cycle: &[Wait]) -> String {
    let mut words = THREADS[cycle[0].thread].name.to_string();
    for (i, wait) in cycle.iter().enumerate() {
        let joiner = if i == 0 {
            " waits for"
        } else {
            ", which waits for"
        };
        write!(
            words,
            "{joiner} {} (for {})",
            THREADS[wait.held_by].name, ACCOUNTS[wait.waits]
        )
        .unwrap();
    }
    words
}

pub(crate) fn held(holds: &[bool; ACCOUNTS.len()]) -> Vec<&'static str> {
    ACCOUNTS
        .iter()
        .zip(holds)
        .filter(|(_, held)| **held)
        .map(|(name, _)| *name)
        .collect()
}

/// The counterexample block every failing model prints (xtask looks for its first line).
pub(crate) fn schedule(
    execution: u64,
    search: &str,
    steps: &[Step],
    balances: Option<&Balances>,
) -> String {
    format!(
        "counterexample: execution {execution} ({search}), step by step:\n{}",
        timeline(steps, balances)
    )
}

/// The counterexample a model shows when it looked for an execution and found none: the whole
/// search is the counterexample, and one of its executions is shown as a sample, said to be one
/// in which nothing went wrong. Of `runs` (every finished execution, in loom's order, under
/// `search`), the one with the most switches between the lesson threads (the last of them on a
/// tie), step by step.
pub(crate) fn busiest(runs: &[Run], search: &str) -> String {
    let (number, (balances, steps)) = runs
        .iter()
        .enumerate()
        .max_by_key(|(_, (_, steps))| {
            figures::switches(thread_steps(steps).map(|step| &step.thread))
        })
        .expect("at least one execution");
    format!(
        "counterexample: the whole search, {} executions, none the one looked for.\n\
         Execution {} ({search}), the one with the most switches between the\n\
         threads, ended normally; step by step:\n{}",
        runs.len(),
        number + 1,
        timeline(steps, Some(balances))
    )
}

/// One row of a timeline: a thread's step on a lock, the locks held after it, and a note.
struct Row {
    /// The index, in the execution's steps, of the last step the row shows.
    last: usize,
    column: usize,
    text: String,
    held: String,
    note: String,
}

/// `A Thread-1, B free`: who holds each account's lock.
fn holders(holder: &[Option<usize>; ACCOUNTS.len()]) -> String {
    let parts: Vec<String> = ACCOUNTS
        .iter()
        .zip(holder)
        .map(|(name, holder)| match holder {
            Some(thread) => format!("{name} {}", THREADS[*thread].name),
            None => format!("{name} free"),
        })
        .collect();
    parts.join(", ")
}

/// The rows of the two lesson threads' steps. A thread that asks for a lock and gets it with no
/// other thread's step in between takes one row (`locks A`); one that has to wait takes two
/// (`waits for B`, later `gets B`). A release shows the balance it leaves. Whenever no lock is
/// held, the total is checked; a total other than the opening one is called out.
fn rows(steps: &[Step]) -> Vec<Row> {
    let index: Vec<usize> = (0..steps.len())
        .filter(|&at| thread_index(&steps[at].thread).is_some())
        .collect();
    let steps: Vec<&Step> = thread_steps(steps).collect();
    let mut rows = Vec::new();
    let mut holder: [Option<usize>; ACCOUNTS.len()] = [None; ACCOUNTS.len()];
    let mut balance = [OPENING_BALANCE; ACCOUNTS.len()];
    let mut i = 0;
    while i < steps.len() {
        let step = steps[i];
        let thread = thread_index(&step.thread).expect("a lesson thread");
        let account = ACCOUNTS[step.lock];
        let mut note = String::new();
        let text = match step.access {
            Access::Waits => {
                let next = steps.get(i + 1);
                if next.is_some_and(|next| {
                    next.thread == step.thread
                        && next.lock == step.lock
                        && next.access == Access::Locks
                }) {
                    i += 1;
                    holder[step.lock] = Some(thread);
                    note = asked_first(&steps[..i], step);
                    format!("locks {account}")
                } else if let Some(other) = holder[step.lock] {
                    note = format!("{account} is held by {}", THREADS[other].name);
                    if locks_after_rows(&steps[..=i]) {
                        note.push_str(": the cycle closes");
                    }
                    format!("waits for {account}")
                } else {
                    // Free, but loom runs another thread before this one gets it.
                    format!("asks for {account}")
                }
            }
            Access::Locks => {
                holder[step.lock] = Some(thread);
                note = asked_first(&steps[..i], step);
                match steps[..i]
                    .iter()
                    .rev()
                    .find(|earlier| earlier.thread == step.thread)
                {
                    Some(earlier) if earlier.access == Access::Waits => format!("gets {account}"),
                    _ => format!("locks {account}"),
                }
            }
            Access::Unlocks => {
                holder[step.lock] = None;
                balance[step.lock] = step.value;
                let total: i64 = balance.iter().sum();
                let opening = OPENING_BALANCE * ACCOUNTS.len() as i64;
                if holder.iter().all(Option::is_none) && total != opening {
                    let sum: Vec<String> = ACCOUNTS
                        .iter()
                        .zip(balance)
                        .map(|(name, value)| format!("{name} {value}"))
                        .collect();
                    note = format!("no lock held: {} = {total}, not {opening}", sum.join(" + "));
                }
                format!("unlocks {account}, leaves {}", step.value)
            }
        };
        rows.push(Row {
            last: index[i],
            column: thread,
            text,
            held: holders(&holder),
            note,
        });
        i += 1;
    }
    rows
}

/// When `taken` takes a lock that another thread asked for before (in `before`) and has not got:
/// that thread now waits, and the note says so; otherwise no note.
fn asked_first(before: &[&Step], taken: &Step) -> String {
    let last = before
        .iter()
        .rev()
        .find(|earlier| earlier.thread != taken.thread && earlier.lock == taken.lock);
    match last {
        Some(earlier) if earlier.access == Access::Waits => {
            format!("{} now waits for {}", earlier.thread, ACCOUNTS[taken.lock])
        }
        _ => String::new(),
    }
}

/// The number, in the timeline, of the row that shows `steps[at]`: the timeline shows a wait
/// and the lock that follows it at once as one row, and leaves out the main thread's steps.
pub(crate) fn timeline_step(steps: &[Step], at: usize) -> Option<usize> {
    rows(steps)
        .iter()
        .position(|row| row.last == at)
        .map(|row| row + 1)
}

/// Do the steps so far leave the lesson threads waiting in a cycle?
fn locks_after_rows(steps: &[&Step]) -> bool {
    let owned: Vec<Step> = steps.iter().map(|step| (*step).clone()).collect();
    locks_after(&owned).deadlock().is_some()
}

fn lane(thread: usize) -> String {
    let mover = THREADS[thread];
    format!(
        "{} ({} to {}, n={})",
        mover.name, ACCOUNTS[mover.source], ACCOUNTS[mover.target], mover.n
    )
}

/// A column per thread, the locks held after each step, the notes; the balances last, or, for
/// an execution loom stopped, where it stopped.
fn timeline(steps: &[Step], balances: Option<&Balances>) -> String {
    let rows = rows(steps);
    let width = rows
        .iter()
        .map(|row| row.text.chars().count() + 2)
        .chain((0..THREADS.len()).map(|thread| lane(thread).chars().count() + 2))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let mut header = format!("{:>4}  ", "step");
    for thread in 0..THREADS.len() {
        header += &format!("{:<width$}", lane(thread));
    }
    writeln!(out, "{header}locks held").unwrap();
    for (number, row) in rows.iter().enumerate() {
        let mut line = format!("{:>4}  ", number + 1);
        line += &" ".repeat(width * row.column);
        line += &format!(
            "{:<room$}",
            row.text,
            room = width * (THREADS.len() - row.column)
        );
        // A note gets a line of its own under its row, so the table fits 80 columns.
        let note = match row.note.as_str() {
            "" => String::new(),
            note => format!("\n      ^ {note}"),
        };
        writeln!(out, "{line}{}{note}", row.held).unwrap();
    }
    match balances {
        Some(balances) => write!(
            out,
            "final balances: {}",
            balances.to_string().replace('\n', ", ")
        ),
        None => write!(
            out,
            "(loom stopped the execution here: no thread can go on)"
        ),
    }
    .unwrap();
    out
}

/// The timeline's rows as a [`figures::Schedule`]: a lane per thread, the locks held beside
/// each step, the waits noted.
pub(crate) fn drawn(steps: &[Step]) -> figures::Schedule {
    figures::Schedule {
        title: "Opposite orders: each thread holds one lock and waits for the other's".to_string(),
        lanes: (0..THREADS.len()).map(lane).collect(),
        beside: "locks held".to_string(),
        steps: rows(steps)
            .into_iter()
            .map(|row| figures::ScheduleStep {
                lane: row.column,
                does: row.text,
                beside: row.held,
                note: row.note,
            })
            .collect(),
        end: "deadlock: loom stops here, no thread can go on (a real run hangs forever)"
            .to_string(),
    }
}
