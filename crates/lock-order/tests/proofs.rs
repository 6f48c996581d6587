//! The proofs: loom runs the lesson's own `experiment` (the two named threads, `run_thread`,
//! `transfer`, `lock`) in every interleaving it explores, with 1 to 5 transfers per thread
//! instead of 100 000.
//!
//! Run: `cargo xtask prove lock-order`, or by hand
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p lock-order
//! --test proofs -- --nocapture --test-threads=1`
//!
//! The models are: proof 1 (with the lower-numbered account first, no execution deadlocks),
//! proof 2 (the total is what the accounts opened with whenever no lock is held), proof 3 (every
//! execution ends at the balances the transfers make), and the contrast (with opposite orders,
//! loom finds the deadlock, and the model draws it).
//!
//! A deadlock is loom's panic `deadlock; threads = ...`: every thread blocked, the search
//! stopped there. The models catch it (`catch_unwind` around the search) and say it in the
//! lesson's words, from the steps the facade (`src/sync.rs`) recorded: which thread holds which
//! account's lock, which one each waits for, the cycle, and the schedule as a timeline. A panic
//! hook keeps loom's own line off stderr (the model's message says it in plain words).
//!
//! Each model sets loom's settings itself, and refuses to run when one of loom's environment
//! variables that limit or change a search is set ([`builder`]): a proof's figures then mean
//! what the chapter says. Each model asserts what its search must have covered.
//!
//! Each model names the mistakes that make it fail: they are patches in `crates/lock-order/
//! mistakes/`, and `cargo xtask break lock-order/<mistake>` applies one in a scratch copy and
//! shows the failure (`cargo xtask test` checks that each one is still caught).
#![cfg(loom)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};

use figures::Exploration;
use lock_order::sync::steps::{self, Access, Step};
use lock_order::{
    ACCOUNTS, Balances, OPENING_BALANCE, Order, Snapshot, THREADS, ThreadState, Wait, cycle_lines,
    experiment,
};

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
type Search = (String, loom::model::Builder);

/// Loom's default search: no preemption bound.
fn default_search() -> Search {
    ("default search".to_string(), builder(None))
}

/// The largest bound loom accepts (it stores it in a `u8`). Loom's bounded mode adds
/// backtracking points the default mode does not, so the proofs run both searches.
const LARGEST_BOUND: usize = u8::MAX as usize;

fn bounded_search() -> Search {
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
struct Deadlocked {
    execution: u64,
    search: String,
    loom: String,
    steps: Vec<Step>,
}

/// What each execution that ended left: its balances and its steps.
type Run = (Balances, Vec<Step>);

/// Runs the lesson's experiment in `order` with `transfers` per thread under each search in
/// turn. `check` gets each finished execution's balances and steps, and returns what went wrong,
/// in words, if anything: the model then panics with that and the execution's timeline. Returns
/// every finished execution, or the first deadlock (loom stops the search there).
fn explore(
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
                let result = experiment(order, transfers);
                let steps = steps::take();
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
            });
        }
    }
    let runs = runs.lock().unwrap().clone();
    Ok(runs)
}

/// The steps of the two lesson threads (the main thread's final reads left out).
fn thread_steps(steps: &[Step]) -> impl Iterator<Item = &Step> {
    steps
        .iter()
        .filter(|step| THREADS.iter().any(|mover| mover.name == step.thread))
}

fn thread_index(name: &str) -> Option<usize> {
    THREADS.iter().position(|mover| mover.name == name)
}

/// Each lesson thread's locks after `steps`: the ones it took and has not released, and the one
/// it asked for and has not got. The board the watchdog reads, rebuilt from the facade's log.
fn locks_after(steps: &[Step]) -> Snapshot {
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
fn deadlock_report(deadlocked: &Deadlocked, what: &str) -> String {
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

fn held(holds: &[bool; ACCOUNTS.len()]) -> Vec<&'static str> {
    ACCOUNTS
        .iter()
        .zip(holds)
        .filter(|(_, held)| **held)
        .map(|(name, _)| *name)
        .collect()
}

/// The counterexample block every failing model prints (xtask looks for its first line).
fn schedule(execution: u64, search: &str, steps: &[Step], balances: Option<&Balances>) -> String {
    format!(
        "counterexample: execution {execution} ({search}), step by step:\n{}",
        timeline(steps, balances)
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
fn timeline_step(steps: &[Step], at: usize) -> Option<usize> {
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

/// Whenever no lock is held, the two balances add up to what the accounts opened with: checked
/// after every release, over every step of the execution, the main thread's included. Returns
/// how many such moments the execution had.
fn total_whenever_no_lock_is_held(steps: &[Step]) -> Result<u64, String> {
    let opening = OPENING_BALANCE * ACCOUNTS.len() as i64;
    let mut balance = [OPENING_BALANCE; ACCOUNTS.len()];
    let mut held = [false; ACCOUNTS.len()];
    let mut moments = 0;
    for (at, step) in steps.iter().enumerate() {
        match step.access {
            Access::Waits => {}
            Access::Locks => held[step.lock] = true,
            Access::Unlocks => {
                held[step.lock] = false;
                balance[step.lock] = step.value;
                if held.iter().any(|held| *held) {
                    continue;
                }
                moments += 1;
                let total: i64 = balance.iter().sum();
                if total != opening {
                    let when = match timeline_step(steps, at) {
                        Some(row) => format!(
                            "after step {row} of the timeline below\n({} unlocks {})",
                            step.thread, ACCOUNTS[step.lock]
                        ),
                        None => format!(
                            "once\nthe threads had ended ({} unlocked {})",
                            step.thread, ACCOUNTS[step.lock]
                        ),
                    };
                    let off = match total < opening {
                        true => "short",
                        false => "over",
                    };
                    return Err(format!(
                        "lower_first::transfer: no lock was held {when}, and the balances added \
                         up to {total}, not {opening}:\na transfer was seen half done, {} {off}",
                        (total - opening).abs()
                    ));
                }
            }
        }
    }
    Ok(moments)
}

/// Did a lesson thread, in this execution, wait for a lock the other lesson thread held? It did
/// if it asked for the lock while the other held it, or if it asked while the lock was free and
/// the other took the lock before it got it.
fn contended(steps: &[Step]) -> bool {
    let mut holder: [Option<&str>; ACCOUNTS.len()] = [None; ACCOUNTS.len()];
    let mut asking: Vec<(&str, usize)> = Vec::new();
    thread_steps(steps).any(|step| match step.access {
        Access::Waits => {
            asking.push((&step.thread, step.lock));
            holder[step.lock].is_some_and(|other| other != step.thread)
        }
        Access::Locks => {
            holder[step.lock] = Some(&step.thread);
            asking.retain(|(thread, _)| *thread != step.thread);
            asking.iter().any(|(_, lock)| *lock == step.lock)
        }
        Access::Unlocks => {
            holder[step.lock] = None;
            false
        }
    })
}

/// The lesson thread that took a lock first.
fn first_to_lock(steps: &[Step]) -> Option<String> {
    thread_steps(steps)
        .find(|step| step.access == Access::Locks)
        .map(|step| step.thread.clone())
}

fn per_thread(transfers: u64) -> String {
    match transfers {
        1 => "1 transfer per thread".to_string(),
        _ => format!("{transfers} transfers per thread"),
    }
}

/// Proof 1 for `transfers` per thread: with the lower-numbered account first, no execution loom
/// explores deadlocks, under the default search and under a bounded search with the largest
/// bound loom accepts. It must have covered executions in which each thread took a lock first,
/// and executions in which a thread waited for a lock the other held.
///
/// Fails on `opposite-orders` (the fix undone: each thread locks its source first), with the
/// deadlock. Passes on `release-before-second-lock` (threads still wait for each other's locks,
/// but no thread holds one lock while it waits for another, so no wait can close a cycle) and on
/// `sorted-pair-moves-the-wrong-way`: deadlock freedom says nothing about the money. The
/// coverage check fails a search in which no thread ever waited for the other's lock.
fn no_deadlock(transfers: u64) {
    let exploration = Exploration::start(&format!(
        "with the lower-numbered account first, no execution deadlocks ({}; default search + \
         preemption bound {LARGEST_BOUND})",
        per_thread(transfers)
    ));
    let runs = explore(
        vec![default_search(), bounded_search()],
        Order::LowerFirst,
        transfers,
        &exploration,
        |_, _| Ok(()),
    )
    .unwrap_or_else(|deadlocked| {
        panic!(
            "{}",
            deadlock_report(
                &deadlocked,
                "lower_first::transfer, which should lock the lower-numbered account first,\n\
                 deadlocked"
            )
        )
    });
    exploration.finish();
    assert_eq!(runs.len() as u64, exploration.executions());
    let firsts: Vec<String> = THREADS
        .iter()
        .map(|mover| {
            let first = runs
                .iter()
                .filter(|(_, s)| first_to_lock(s).as_deref() == Some(mover.name))
                .count();
            format!("{} in {first} executions", mover.name)
        })
        .collect();
    let waited = runs.iter().filter(|(_, steps)| contended(steps)).count();
    figures::report(
        "covered",
        format!(
            "{waited} of {} executions had a thread wait for a lock the other held;\n\
             first to take a lock: {}",
            runs.len(),
            firsts.join(", ")
        ),
    );
    if waited == 0 {
        // The counterexample to "the search tried what could deadlock": the execution with the
        // most switches between the threads, in which, still, no thread waited for the other.
        let (number, (balances, steps)) = runs
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, steps))| {
                figures::switches(thread_steps(steps).map(|step| &step.thread))
            })
            .expect("at least one execution");
        panic!(
            "with the lower-numbered account first, no execution deadlocked, but in none of the \
             {} executions did a thread wait for a lock the other held: the search never tried \
             what could deadlock, so its \"no deadlock\" would prove nothing\n\n{}",
            runs.len(),
            schedule(number as u64 + 1, "of both searches", steps, Some(balances))
        );
    }
    assert!(
        THREADS.iter().all(|mover| runs
            .iter()
            .any(|(_, s)| first_to_lock(s).as_deref() == Some(mover.name))),
        "each thread must have been first to lock in some execution"
    );
}

/// Proof 1, 1 transfer per thread (see `no_deadlock`).
#[test]
fn with_the_lower_first_no_execution_deadlocks_1_transfer() {
    no_deadlock(1);
}

/// Proof 1, 2 transfers per thread (see `no_deadlock`).
#[test]
fn with_the_lower_first_no_execution_deadlocks_2_transfers() {
    no_deadlock(2);
}

/// Proof 1, 3 transfers per thread (see `no_deadlock`).
#[test]
fn with_the_lower_first_no_execution_deadlocks_3_transfers() {
    no_deadlock(3);
}

/// Proof 1, 4 transfers per thread (see `no_deadlock`).
#[test]
fn with_the_lower_first_no_execution_deadlocks_4_transfers() {
    no_deadlock(4);
}

/// Proof 1, 5 transfers per thread (see `no_deadlock`).
#[test]
fn with_the_lower_first_no_execution_deadlocks_5_transfers() {
    no_deadlock(5);
}

/// Proof 2: with the lower-numbered account first, whenever no lock is held the two balances
/// add up to 2 000 000, what the accounts opened with (3 transfers per thread, both searches).
/// Checked at every release in every execution, from the balances the facade recorded; a final
/// total cannot show a transfer seen half done in the middle of a run. It must have checked
/// moments between two transfers, not only the end.
///
/// Fails on `release-before-second-lock` (the source's lock released before the target's is
/// taken): a moment with no lock held, the total `n` short. Proofs 1 and 3 pass on it.
#[test]
fn with_the_lower_first_the_total_is_conserved_whenever_no_lock_is_held() {
    let exploration = Exploration::start(&format!(
        "with the lower-numbered account first, whenever no lock is held the total is \
         2000000 ({}; default search + preemption bound {LARGEST_BOUND})",
        per_thread(3)
    ));
    let runs = explore(
        vec![default_search(), bounded_search()],
        Order::LowerFirst,
        3,
        &exploration,
        |_, steps| total_whenever_no_lock_is_held(steps).map(|_| ()),
    )
    .unwrap_or_else(|deadlocked| panic!("{}", deadlock_report(&deadlocked, "a deadlock")));
    exploration.finish();
    let moments: u64 = runs
        .iter()
        .map(|(_, steps)| total_whenever_no_lock_is_held(steps).expect("checked in the model"))
        .sum();
    figures::report(
        "covered",
        format!(
            "{moments} moments with no lock held, over {} executions",
            runs.len()
        ),
    );
    assert_eq!(runs.len() as u64, exploration.executions());
    // Each execution has at least one such moment between two transfers, besides the end.
    assert!(
        moments > 2 * runs.len() as u64,
        "too few moments checked: {moments}"
    );
}

/// Proof 3: with the lower-numbered account first, every execution ends with the balances the
/// transfers make (3 transfers per thread, both searches): A 1000009 and B 999991, as
/// `Balances::expected` computes them.
///
/// Fails on `sorted-pair-moves-the-wrong-way`: once the locks are taken by number, the money
/// moved from the first to the second, so Thread-2's transfers go from A to B. The total is
/// conserved, and nothing deadlocks: proofs 1 and 2 pass on it.
#[test]
fn with_the_lower_first_every_execution_ends_at_the_expected_balances() {
    let expected = Balances::expected(3);
    let exploration = Exploration::start(&format!(
        "with the lower-numbered account first, every execution ends at {} ({}; default \
         search + preemption bound {LARGEST_BOUND})",
        expected.to_string().replace('\n', ", "),
        per_thread(3)
    ));
    let runs = explore(
        vec![default_search(), bounded_search()],
        Order::LowerFirst,
        3,
        &exploration,
        move |balances, _| match *balances == expected {
            true => Ok(()),
            false => Err(format!(
                "with the lower-numbered account first, this execution ended at {}, not {}",
                balances.to_string().replace('\n', ", "),
                expected.to_string().replace('\n', ", ")
            )),
        },
    )
    .unwrap_or_else(|deadlocked| panic!("{}", deadlock_report(&deadlocked, "a deadlock")));
    exploration.finish();
    let reached: BTreeSet<String> = runs
        .iter()
        .map(|(balances, _)| balances.to_string().replace('\n', ", "))
        .collect();
    figures::report(
        "reachable",
        reached.into_iter().collect::<Vec<_>>().join("; "),
    );
    // Every execution explored ended and was checked, and in some a thread waited for the
    // other's lock: the transfers did interleave.
    assert_eq!(runs.len() as u64, exploration.executions());
    assert!(runs.iter().any(|(_, steps)| contended(steps)));
}

/// Contrast, and the picture: with opposite orders (the lesson's `--opposite-order`), loom finds
/// the deadlock, 1 transfer per thread, default search. Passes when it finds it, with each
/// thread holding its source's lock and waiting for its target's; reports the report and the
/// timeline in the lesson's words, and the schedule for the chapter's picture.
///
/// Fails on `one-order-for-both`: `opposite_order::transfer` given the fix too, so that no
/// execution deadlocks; its failure shows the execution with the most contention.
#[test]
fn with_opposite_orders_loom_finds_the_deadlock() {
    let exploration = Exploration::start(
        "contrast: with opposite orders, loom finds a deadlock (1 transfer per thread; default \
         search)",
    );
    let found = explore(
        vec![default_search()],
        Order::Opposite,
        1,
        &exploration,
        |_, _| Ok(()),
    );
    exploration.finish();
    let deadlocked = match found {
        Err(deadlocked) => deadlocked,
        Ok(runs) => {
            let (number, (balances, steps)) = runs
                .iter()
                .enumerate()
                .max_by_key(|(_, (_, steps))| {
                    figures::switches(thread_steps(steps).map(|step| &step.thread))
                })
                .expect("at least one execution");
            panic!(
                "with opposite orders, no deadlock found: all {} executions ended\n\n{}",
                runs.len(),
                schedule(number as u64 + 1, "default search", steps, Some(balances))
            );
        }
    };
    let locks = locks_after(&deadlocked.steps);
    let cycle = locks.deadlock().unwrap_or_else(|| {
        panic!(
            "loom stopped on a deadlock, but the lesson threads' locks show no cycle:\n{}",
            deadlock_report(&deadlocked, "a deadlock")
        )
    });
    // Each thread holds its source and waits for its target: the cycle through both.
    for (thread, mover) in THREADS.iter().enumerate() {
        let state = locks.threads[thread];
        assert_eq!(
            (held(&state.holds), state.waits),
            (vec![ACCOUNTS[mover.source]], Some(mover.target)),
            "{}",
            deadlock_report(&deadlocked, "the deadlock")
        );
    }
    assert_eq!(cycle.len(), THREADS.len());
    let before = match deadlocked.execution {
        1 => "the first it explored".to_string(),
        2 => "execution 1 before it ended, both transfers made".to_string(),
        n => format!(
            "executions 1 to {} before it ended, both transfers made",
            n - 1
        ),
    };
    figures::report(
        "found-at",
        format!("execution {}: {before}", deadlocked.execution),
    );
    figures::report(
        "report",
        deadlock_report(&deadlocked, "with opposite orders, loom found a deadlock"),
    );
    figures::report(figures::SCHEDULE, drawn(&deadlocked.steps));
}

/// The timeline's rows as a [`figures::Schedule`]: a lane per thread, the locks held beside
/// each step, the waits noted.
fn drawn(steps: &[Step]) -> figures::Schedule {
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
