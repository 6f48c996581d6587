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
//! In every execution, each model also checks the watchdog's board (`src/board.rs`) after each
//! of its writes against the locks the facade saw taken (`search::explore`): the board never
//! shows a thread holding a lock it does not hold, nor waiting for one it holds itself.
//!
//! Each model sets loom's settings itself, and refuses to run when one of loom's environment
//! variables that limit or change a search is set ([`search::builder`]): a proof's figures then
//! mean what the chapter says. Each model asserts what its search must have covered.
//!
//! Each model names the mistakes that make it fail: they are patches in `crates/lock-order/
//! mistakes/`, and `cargo xtask break lock-order/<mistake>` applies one in a scratch copy and
//! shows the failure (`cargo xtask test` checks that each one is still caught).
#![cfg(loom)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use figures::Exploration;
use lock_order::sync::steps::{Access, Step};
use lock_order::{ACCOUNTS, Balances, OPENING_BALANCE, Order, THREADS};

// How the models run loom (its settings, the experiment in each execution, a deadlock caught),
// and how a failing one shows what it found (the timeline, the deadlock in words, the picture):
// beside the models, so that each model below reads as its property.
mod counterexample;
mod search;

use counterexample::{busiest, deadlock_report, drawn, held, locks_after, thread_steps};
use search::{LARGEST_BOUND, bounded_search, default_search, explore};

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
                    let when = match counterexample::timeline_step(steps, at) {
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
    // How the executions ended, for the book's scheduler panel: its walk of every path at 1
    // transfer per thread must end exactly so.
    figures::report(
        "endings",
        endings(runs.iter().map(|(balances, _)| balances), false),
    );
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
        // The counterexample to "the search tried what could deadlock": the busiest execution,
        // in which, still, no thread waited for the other.
        panic!(
            "with the lower-numbered account first, no execution deadlocked, but in none of the \
             {} executions did a thread wait for a lock the other held: the search never tried \
             what could deadlock, so its \"no deadlock\" would prove nothing\n\n{}",
            runs.len(),
            busiest(&runs, "of both searches")
        );
    }
    assert!(
        THREADS.iter().all(|mover| runs
            .iter()
            .any(|(_, s)| first_to_lock(s).as_deref() == Some(mover.name))),
        "each thread must have been first to lock in some execution"
    );
}

/// The distinct endings of a search, as the book's scheduler panel names them: each set of
/// final balances (`A: ..., B: ..., total: ...`), in order, `; ` between, then `deadlock`
/// if the search found one.
fn endings<'a>(balances: impl Iterator<Item = &'a Balances>, deadlock: bool) -> String {
    let mut endings: Vec<String> = balances
        .map(|balances| balances.to_string().replace('\n', ", "))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if deadlock {
        endings.push("deadlock".to_string());
    }
    endings.join("; ")
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
    // Exactly one such moment per transfer, and one at the end: with the lower-numbered account
    // first, a thread holds A from its first lock to its last release, and no thread holds a lock
    // without holding A, so each transfer's last release leaves no lock held; the main thread's
    // reads, after the joins, are the last. A changed program changes the count.
    let per_execution = 3 * THREADS.len() as u64 + 1;
    assert_eq!(
        moments,
        per_execution * runs.len() as u64,
        "the moments with no lock held: {per_execution} per execution expected (one per \
         transfer, one at the end), over {} executions",
        runs.len()
    );
}

/// Proof 3's failure in the lesson's words: both sets of balances, a line each, then how far
/// each account moved from its opening balance against how far the transfers move it.
fn wrong_balances(found: &Balances, expected: &Balances) -> String {
    let moved: Vec<String> = ACCOUNTS
        .iter()
        .enumerate()
        .map(|(k, name)| {
            format!(
                "  {name} moved by {:+}, not by {:+}",
                found.0[k] - OPENING_BALANCE,
                expected.0[k] - OPENING_BALANCE
            )
        })
        .collect();
    format!(
        "with the lower-numbered account first, this execution ended at\n  {}\n\
         not at the balances the transfers make:\n  {}\n\
         {}\nso money went the wrong way, or a transfer was lost",
        found.to_string().replace('\n', ", "),
        expected.to_string().replace('\n', ", "),
        moved.join("\n")
    )
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
            false => Err(wrong_balances(balances, &expected)),
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
    // How the executions before the deadlock ended (a std Mutex, invisible to loom, as in
    // `explore`), for the book's scheduler panel: with the deadlock, the endings its walk of
    // every path must reach.
    // An execution that did not deadlock made both transfers, as the lower-first order does.
    let ended: Arc<Mutex<Vec<Balances>>> = Arc::default();
    let seen = Arc::clone(&ended);
    let expected = Balances::expected(1);
    let found = explore(
        vec![default_search()],
        Order::Opposite,
        1,
        &exploration,
        move |balances, _| {
            seen.lock().unwrap().push(*balances);
            match *balances == expected {
                true => Ok(()),
                false => Err(wrong_balances(balances, &expected).replace(
                    "with the lower-numbered account first",
                    "with opposite orders",
                )),
            }
        },
    );
    exploration.finish();
    let deadlocked = match found {
        Err(deadlocked) => deadlocked,
        Ok(runs) => panic!(
            "with opposite orders, no deadlock found: all {} executions ended\n\n{}",
            runs.len(),
            busiest(&runs, "default search")
        ),
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
    // The watchdog's own reading: at the deadlock the board shows the same cycle, each thread
    // holding its source and waiting for its target.
    let board = deadlocked.board.as_deref().copied().unwrap_or_default();
    for (thread, mover) in THREADS.iter().enumerate() {
        let shown = board.threads[thread];
        assert!(
            shown.holds == locks.threads[thread].holds && shown.waits == Some(mover.target),
            "at the deadlock, the board did not show {} holding account {}'s lock and waiting \
             for account {}'s: the watchdog could not see the cycle\n{}",
            mover.name,
            ACCOUNTS[mover.source],
            ACCOUNTS[mover.target],
            deadlock_report(&deadlocked, "the deadlock")
        );
    }
    assert_eq!(
        board.deadlock().map(|cycle| cycle.len()),
        Some(THREADS.len()),
        "at the deadlock, the board shows no cycle through both threads\n{}",
        deadlock_report(&deadlocked, "the deadlock")
    );
    let before = match deadlocked.execution {
        1 => "the first it explored".to_string(),
        2 => "execution 1 ended normally, both transfers made".to_string(),
        n => format!(
            "executions 1 to {} each ended normally, both transfers made",
            n - 1
        ),
    };
    figures::report("endings", endings(ended.lock().unwrap().iter(), true));
    figures::report(
        "found-at",
        format!("found in execution {}; {before}", deadlocked.execution),
    );
    figures::report(
        "report",
        deadlock_report(&deadlocked, "with opposite orders, loom found a deadlock"),
    );
    figures::report(figures::SCHEDULE, drawn(&deadlocked.steps));
}
