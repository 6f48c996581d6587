//! How the lock-order models run loom: every search setting fixed here (and refused from the
//! environment), the lesson's experiment run in each execution (its `start` and `join`, the
//! watchdog's board checked at each write), each finished execution's steps kept, and loom's
//! deadlock panic caught, to be said in the lesson's words.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};

use std::cell::RefCell;

use figures::Exploration;
use lock_order::sync::steps::{self, Step};
use lock_order::{ACCOUNTS, Balances, Board, Order, Snapshot, THREADS, start};

use crate::counterexample::{locks_after, schedule};

/// Loom's default cap on scheduling choices in one execution, set here explicitly: an execution
/// that needs more fails the model, it is never cut short.
const MAX_BRANCHES: usize = 1_000;

/// A loom `Builder` with every limit set here; refuses (panics) if one of loom's search settings
/// is set in the environment (the `figures` crate's one list of them), rather than let it change
/// the search.
fn builder(preemption_bound: Option<usize>) -> loom::model::Builder {
    if let Some(refusal) = figures::search_settings_in_env() {
        panic!("{refusal}");
    }
    let mut builder = loom::model::Builder::new();
    builder.max_branches = MAX_BRANCHES;
    builder.max_permutations = None;
    builder.max_duration = None;
    builder.checkpoint_file = None;
    builder.preemption_bound = preemption_bound;
    builder
}

/// A search: its name, for messages, and loom's settings.
pub(crate) type Search = (String, loom::model::Builder);

/// Loom's default search: no preemption bound.
pub(crate) fn default_search() -> Search {
    ("default search".to_string(), builder(None))
}

/// The largest bound loom accepts (it stores it in a `u8`). Loom's bounded mode adds
/// backtracking points the default mode does not, so the proofs run both searches.
pub(crate) const LARGEST_BOUND: usize = u8::MAX as usize;

pub(crate) fn bounded_search() -> Search {
    (
        format!("preemption bound {LARGEST_BOUND}"),
        builder(Some(LARGEST_BOUND)),
    )
}

/// The first words of loom's panic when every thread is blocked.
const LOOM_DEADLOCK: &str = "deadlock; threads = ";

/// The panic's message, if it is a `&str` or a `String`.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}

/// Keeps loom's deadlock panic off stderr: the models catch it and say it in their own words
/// (see [`loom_verdict`]). Every other panic is shown as before.
fn quiet_loom_deadlocks() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let shown = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !message(info.payload()).is_some_and(|m| m.starts_with(LOOM_DEADLOCK)) {
                shown(info);
            }
        }));
    });
}

/// A deadlock loom found: the execution, the search, loom's words, and the steps up to it.
pub(crate) struct Deadlocked {
    pub(crate) execution: u64,
    pub(crate) search: String,
    pub(crate) loom: String,
    pub(crate) steps: Vec<Step>,
    /// What the board showed after its last write before every thread blocked: what the
    /// watchdog would read then.
    /// (Boxed: it would make every `Result` of `explore` large.)
    pub(crate) board: Option<Box<Snapshot>>,
}

// The first thing the board got wrong in this execution, in words. A std thread-local: loom's
// threads all run on this OS thread, and the check that fills it makes no loom operation.
std::thread_local! {
    static BOARD_WRONG: RefCell<Option<String>> = const { RefCell::new(None) };
    // Each thread the board has shown holding a lock it holds, in this execution: a board that
    // shows nothing is never wrong, so the model also asks that it showed each thread's locks.
    static BOARD_SHOWED: RefCell<[bool; THREADS.len()]> =
        const { RefCell::new([false; THREADS.len()]) };
    // The board after its latest write in this execution: at a deadlock, what it shows.
    static BOARD_LAST: RefCell<Option<Snapshot>> = const { RefCell::new(None) };
}

/// The watchdog's board, checked after each of its writes against what the locks did (the
/// facade's log so far): it never shows a thread holding a lock it does not hold, nor waiting for
/// a lock it holds itself (which the watchdog would take for a deadlock of one thread). Loom
/// switches threads only at its own operations, never inside a write on the board nor between
/// the write and this check, so every state checked is one another thread could read. The first
/// thing wrong is kept for the model to report with its timeline.
fn board_agrees_with_the_locks(board: &Board) {
    // While loom unwinds the threads of a deadlock, the log has stopped.
    if std::thread::panicking() {
        return;
    }
    let shown = board.snapshot();
    let Some(locks) = steps::so_far(locks_after) else {
        return;
    };
    BOARD_LAST.with(|last| *last.borrow_mut() = Some(shown));
    let mut wrong = None;
    // A thread that holds a lock has not ended: the board must not say every thread is done
    // (what the watchdog reads to stop watching).
    if let Some(holder) = (0..THREADS.len()).find(|&t| locks.threads[t].holds.contains(&true)) {
        if board.finished() {
            wrong = Some(format!(
                "the board says every thread is done while {} still holds a lock",
                THREADS[holder].name
            ));
        }
    }
    for (thread, mover) in THREADS.iter().enumerate() {
        let (shown, held) = (&shown.threads[thread], &locks.threads[thread]);
        for (account, name) in ACCOUNTS.iter().enumerate() {
            if shown.holds[account] && held.holds[account] {
                BOARD_SHOWED.with(|showed| showed.borrow_mut()[thread] = true);
            }
            if shown.holds[account] && !held.holds[account] {
                wrong = Some(format!(
                    "the board shows {} holding account {name}'s lock, which it does not hold",
                    mover.name
                ));
            }
        }
        if let Some(account) = shown.waits.filter(|account| shown.holds[*account]) {
            wrong = Some(format!(
                "the board shows {} waiting for account {}'s lock, which it holds itself: the \
                 watchdog would take that for a deadlock of one thread",
                mover.name, ACCOUNTS[account]
            ));
        }
    }
    if let Some(wrong) = wrong {
        BOARD_WRONG.with(|first| {
            first.borrow_mut().get_or_insert(wrong);
        });
    }
}

/// What each execution that ended left: its balances and its steps.
pub(crate) type Run = (Balances, Vec<Step>);

/// Runs the lesson's experiment in `order` with `transfers` per thread under each search in
/// turn. `check` gets each finished execution's balances and steps, and returns what went wrong,
/// in words, if anything: the model then panics with that and the execution's timeline. Returns
/// every finished execution, or the first deadlock (loom stops the search there).
pub(crate) fn explore(
    searches: Vec<Search>,
    order: Order,
    transfers: u64,
    exploration: &Exploration,
    check: impl Fn(&Balances, &[Step]) -> Result<(), String> + Clone + Send + Sync + 'static,
) -> Result<Vec<Run>, Deadlocked> {
    quiet_loom_deadlocks();
    // A std Mutex: invisible to loom, it collects across executions; it is locked only after the
    // loom threads are joined, never across a loom operation.
    let runs: Arc<Mutex<Vec<Run>>> = Arc::default();
    for (name, search) in searches {
        let (collected, counter, check, search_name) = (
            Arc::clone(&runs),
            exploration.clone(),
            check.clone(),
            name.clone(),
        );
        let searched = panic::catch_unwind(AssertUnwindSafe(|| {
            search.check(move || {
                counter.execution();
                let execution = counter.executions();
                steps::record();
                BOARD_WRONG.with(|wrong| wrong.take());
                BOARD_SHOWED.with(|showed| showed.take());
                BOARD_LAST.with(|last| last.take());
                // `experiment`, with the board checked at each write: `start`, then `join`.
                let board = Arc::new(Board::observed(board_agrees_with_the_locks));
                let result = start(order, transfers, Arc::clone(&board)).join();
                let steps = steps::take();
                // Every thread made a transfer, so the board showed each one holding a lock; and
                // once both are joined it shows them done, holding and waiting for nothing.
                let showed = BOARD_SHOWED.with(|showed| showed.take());
                let end = board.snapshot();
                let left = end
                    .threads
                    .iter()
                    .any(|thread| thread.holds.contains(&true) || thread.waits.is_some());
                let mut missed: Vec<String> = THREADS
                    .iter()
                    .zip(showed)
                    .filter(|(_, showed)| !showed)
                    .map(|(mover, _)| format!("it never showed {} holding a lock", mover.name))
                    .collect();
                if !board.finished() {
                    missed.push("at the end, it did not show every thread done".to_string());
                }
                if left {
                    missed.push("at the end, it still showed a lock held or awaited".to_string());
                }
                if !missed.is_empty() {
                    BOARD_WRONG.with(|wrong| {
                        wrong.borrow_mut().get_or_insert_with(|| {
                            format!("the board missed a step: {}", missed.join("; "))
                        });
                    });
                }
                if let Some(wrong) = BOARD_WRONG.with(|wrong| wrong.take()) {
                    panic!(
                        "{}\n\n{}",
                        figures::wrap(&wrong, 80).join("\n"),
                        schedule(execution, &search_name, &steps, result.as_ref().ok())
                    );
                }
                let balances = result.unwrap_or_else(|failures| {
                    panic!(
                        "a thread failed: {failures:?}\n\n{}",
                        schedule(execution, &search_name, &steps, None)
                    )
                });
                if let Err(what) = check(&balances, &steps) {
                    panic!(
                        "{what}\n\n{}",
                        schedule(execution, &search_name, &steps, Some(&balances))
                    );
                }
                collected.lock().unwrap().push((balances, steps));
            });
        }));
        if let Err(payload) = searched {
            let loom = message(payload.as_ref()).unwrap_or_default().to_string();
            if !loom.starts_with(LOOM_DEADLOCK) {
                panic::resume_unwind(payload);
            }
            return Err(Deadlocked {
                execution: exploration.executions(),
                search: name,
                loom,
                steps: steps::take(),
                board: BOARD_LAST.with(|last| last.take()).map(Box::new),
            });
        }
    }
    let runs = runs.lock().unwrap().clone();
    Ok(runs)
}
