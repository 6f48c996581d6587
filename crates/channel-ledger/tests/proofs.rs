//! The proofs: loom runs the lesson's own `experiment` (the ledger, the two tellers, `teller`,
//! `ledger`) in every interleaving it explores, with 1 or 2 `+n`, `-n` pairs per teller instead of
//! 100 000.
//!
//! Run: `cargo xtask prove channel-ledger`, or by hand
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p channel-ledger
//! --test proofs -- --nocapture --test-threads=1`
//!
//! The channel the models run is the facade's (`src/sync/channel.rs`): std's semantics on loom's
//! `Mutex` and `Condvar`, because loom's own `mpsc` never reports that every `Sender` is gone
//! (see `src/sync.rs`). Under loom the facade writes down what each thread does to the channel
//! (makes a `Sender`, sends, waits, receives, drops), and a failing model prints that log as a
//! timeline: the counterexample, in the lesson's terms. In every execution of every model, before
//! the model's own property, that log is replayed against what std's channel promises
//! (`explain::broken_promise`: the bound at every push, each `Sender`'s order, nothing queued
//! after the `Receiver`'s drop, `recv`'s `Err` only when it may come); the facade's own models,
//! for what the lesson never does, are in `facade/mod.rs`.
//!
//! When every thread is blocked, loom panics with `deadlock; threads = [...]`, which names no
//! thread and no channel. Every model catches that panic and says instead, from the log, who waits
//! in `recv`, who in `send` for room, and who still holds a `Sender`: the forgotten-`Sender`
//! mistake, or a waiter the facade's channel failed to wake, in words.
//!
//! Every loom limit is set here, and a model refuses to run if one of the `LOOM_*` variables that
//! would cut a search short is set ([`search`]). Each model names the mistakes that make it fail;
//! they are patches in `crates/channel-ledger/mistakes/`, and `cargo xtask break
//! channel-ledger/<mistake>` shows each failure.
#![cfg(loom)]

use std::collections::BTreeSet;
use std::fmt::Write as _;

use channel_ledger::explain::live_senders;
use channel_ledger::sync::channel::log::{Entry, Event};
use channel_ledger::{LEDGER, Queue, TELLERS, ThreadFailure};
use figures::Exploration;

// How the models run loom (its settings and why a bound, each execution checked, what the
// executions covered, a failure or a deadlock shown as the channel's log): beside the models, so
// that each model below reads as its property.
mod search;

// The facade's own models: what std's channel promises, in the cases the lesson never reaches
// (two senders on a full queue, the Receiver dropped while senders wait).
mod facade;

use search::{Covered, explore, search, show};

/// What one execution ended with: the balance, or the threads that failed.
type Outcome = Result<i64, Vec<ThreadFailure>>;

/// What a property says of one execution: `Err` says, in words, what went wrong.
type Property = fn(&Outcome, &[Entry]) -> Result<(), String>;

/// Property: the ledger's balance is 0 at the end.
fn ends_at_zero(outcome: &Outcome, _: &[Entry]) -> Result<(), String> {
    match outcome {
        Ok(0) => Ok(()),
        Ok(balance) => Err(format!(
            "this execution ended at {balance}, not 0: the amounts the ledger received do not \
             add up to 0"
        )),
        Err(failures) => Err(failed(failures)),
    }
}

fn failed(failures: &[ThreadFailure]) -> String {
    let failures: Vec<String> = failures.iter().map(ToString::to_string).collect();
    format!("in this execution a thread failed: {}", failures.join("; "))
}

/// Property: every amount a teller sent, the ledger received, once; and no other.
fn every_amount_received_once(outcome: &Outcome, entries: &[Entry]) -> Result<(), String> {
    let mut sent: Vec<i64> = Vec::new();
    let mut received: Vec<i64> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    for entry in entries {
        match entry.event {
            Event::Sent { amount, .. } => sent.push(amount),
            Event::Received { amount } => received.push(amount),
            Event::Refused { amount, .. } => {
                refused.push(format!("{}'s {amount}", entry.thread));
            }
            _ => {}
        }
    }
    let (mut sorted_sent, mut sorted_received) = (sent.clone(), received.clone());
    sorted_sent.sort_unstable();
    sorted_received.sort_unstable();
    if sorted_sent == sorted_received && refused.is_empty() {
        return match outcome {
            Ok(_) => Ok(()),
            Err(failures) => Err(failed(failures)),
        };
    }
    let list = |amounts: &[i64]| {
        let amounts: Vec<String> = amounts.iter().map(i64::to_string).collect();
        format!("[{}]", amounts.join(", "))
    };
    let mut what = format!(
        "not every amount was received once: the queue took {}, the ledger received {}",
        list(&sent),
        list(&received)
    );
    if !refused.is_empty() {
        let _ = write!(
            what,
            "; and {} could not be sent: the ledger was gone",
            refused.join(", ")
        );
    }
    let ended_early = entries
        .iter()
        .position(|entry| entry.thread == LEDGER && entry.event == Event::ReceiverDropped);
    if let Some(at) = ended_early {
        let alive = live_senders(&entries[..at]);
        if !alive.is_empty() {
            let numbers: Vec<String> = alive.iter().map(|(n, ..)| format!("Sender {n}")).collect();
            let _ = write!(
                what,
                ". The ledger stopped (step {}) while {} still lived: it did not wait for every \
                 Sender to be gone",
                at + 1,
                numbers.join(" and ")
            );
        }
    }
    Err(what)
}

/// Property: the ledger's loop ended because every `Sender` was gone (its last `recv` returned
/// `Err`), after the last `Sender` was dropped, and the experiment returned.
fn ledger_ends_when_every_sender_is_gone(
    outcome: &Outcome,
    entries: &[Entry],
) -> Result<(), String> {
    let ledger: Vec<(usize, &Entry)> = entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.thread == LEDGER)
        .collect();
    let ended = ledger
        .iter()
        .find(|(_, entry)| entry.event == Event::Disconnected)
        .map(|(at, _)| *at);
    match ended {
        Some(at) if live_senders(&entries[..at]).is_empty() => match outcome {
            Ok(_) => Ok(()),
            Err(failures) => Err(failed(failures)),
        },
        Some(at) => Err(format!(
            "the ledger's recv returned Err at step {} while a Sender still lived",
            at + 1
        )),
        None => {
            let dropped = ledger
                .iter()
                .find(|(_, entry)| entry.event == Event::ReceiverDropped)
                .map_or(entries.len(), |(at, _)| *at);
            let alive: Vec<String> = live_senders(&entries[..dropped])
                .iter()
                .map(|(number, ..)| format!("Sender {number}"))
                .collect();
            Err(format!(
                "the ledger ended (it dropped the Receiver at step {}) while {} still lived: its \
                 recv never returned Err, so it stopped before every Sender was gone, and what \
                 they send after that is lost",
                dropped + 1,
                if alive.is_empty() {
                    "no Sender".to_string()
                } else {
                    alive.join(" and ")
                }
            ))
        }
    }
}

fn per_teller(iterations: u64) -> String {
    match iterations {
        1 => "1 pair per teller".to_string(),
        _ => format!("{iterations} pairs per teller"),
    }
}

/// Fails the model if its search covered less than it must have: fewer executions than `floor`
/// (a search cut short), or an interleaving the property is about never reached.
fn assert_covered(covered: &Covered, executions: u64, floor: u64, bounded: bool) {
    figures::report("covered", covered.describe());
    assert!(
        executions >= floor,
        "the search explored {executions} executions, fewer than its floor of {floor} (a fifth \
         of the count when the floor was set): either it was cut short, or the program now takes \
         fewer steps than it did then. The property held in every execution it explored; see \
         what changed before lowering the floor"
    );
    let tellers: BTreeSet<String> = TELLERS.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(
        covered.first_received_from, tellers,
        "the search never had the ledger receive first from each teller in turn"
    );
    let both: i64 = TELLERS.iter().map(|(_, n)| n).sum();
    assert!(
        covered.balances_held.contains(&both),
        "the search never had both tellers' deposits in the ledger at once (balance {both}): \
         their amounts were never interleaved"
    );
    assert!(
        covered.ledger_waited > 0,
        "the ledger never waited on an empty queue"
    );
    assert!(
        covered.woken_by_the_last_drop > 0,
        "the ledger was never waiting when the last Sender was dropped"
    );
    if bounded {
        assert!(covered.teller_waited > 0, "no teller ever waited for room");
    }
}

/// Balance 0 in every execution of a search with preemption bound `bound`, `queue` and
/// `iterations` pairs per teller; then its coverage (at least `floor` executions).
fn balance_is_zero(queue: Queue, iterations: u64, bound: usize, floor: u64) {
    let exploration = Exploration::start(&format!(
        "the balance is 0 in every interleaving loom explored ({}, {}; preemption bound {bound})",
        queue_name(queue),
        per_teller(iterations)
    ));
    let covered = explore(
        &exploration,
        &[search(bound)],
        queue,
        iterations,
        ends_at_zero,
    );
    let executions = exploration.finish();
    assert_covered(
        &covered,
        executions,
        floor,
        matches!(queue, Queue::MaxSize(_)),
    );
    // Each teller's amounts arrive in its order: after any amount, the ledger holds the deposits
    // of the tellers that are between a deposit and its withdrawal, and nothing else.
    let possible = BTreeSet::from([0, 5, 8, 13]);
    assert!(
        covered.balances_held.is_subset(&possible),
        "the ledger held {}, beyond {}: a withdrawal came before its deposit",
        show(&covered.balances_held),
        show(&possible)
    );
}

fn queue_name(queue: Queue) -> String {
    match queue {
        Queue::Unbounded => "channel()".to_string(),
        Queue::MaxSize(k) => format!("sync_channel({k})"),
    }
}

/// Proof 1: with `channel()`, 1 pair per teller, the ledger ends at 0 in every execution loom
/// explores with up to 3 preemptions.
///
/// Fails on `teller-sends-only-deposits` (a teller that never sends its `-n`): the balance
/// ends at 5, 8 or 13. (The ledger that stops when the queue looks empty fails it too, in the
/// executions where it stops between a deposit and its withdrawal.)
#[test]
fn the_balance_is_zero_in_every_explored_interleaving_1_pair() {
    balance_is_zero(Queue::Unbounded, 1, 3, FLOOR_1_PAIR_BOUND_3);
}

/// Proof 1 with 2 pairs per teller, up to 2 preemptions (see above).
#[test]
fn the_balance_is_zero_in_every_explored_interleaving_2_pairs() {
    balance_is_zero(Queue::Unbounded, 2, 2, FLOOR_2_PAIRS_BOUND_2);
}

/// Proof 2: every amount a teller sends is received by the ledger exactly once, in every
/// execution loom explores with up to 2 preemptions, 2 pairs per teller.
///
/// Fails on `ledger-stops-when-the-queue-looks-empty` (the ledger loops on `try_recv` and stops
/// at its first `Empty`, Python's `while not q.empty()`). Passes on `teller-sends-only-deposits`:
/// every amount sent is received; the channel did its part, the teller's sums are wrong.
#[test]
fn every_amount_sent_is_received_exactly_once() {
    let exploration = Exploration::start(
        "every amount sent is received exactly once, in every interleaving loom explored \
         (channel(), 2 pairs per teller; preemption bound 2)",
    );
    let covered = explore(
        &exploration,
        &[search(2)],
        Queue::Unbounded,
        2,
        every_amount_received_once,
    );
    let executions = exploration.finish();
    assert_covered(&covered, executions, FLOOR_2_PAIRS_BOUND_2, false);
}

/// Proof 3: the ledger ends, and ends because every `Sender` is gone, in every execution loom
/// explores with up to 2 preemptions, 1 pair per teller.
///
/// Fails on `forgotten-sender` (the main thread keeps its own `Sender`): the ledger waits for
/// an amount that can never come, every thread blocks, and the model says who holds the Sender.
/// Fails too on `ledger-stops-when-the-queue-looks-empty`: that ledger ends, but not because
/// every Sender is gone.
#[test]
fn the_ledger_ends_once_every_sender_is_gone() {
    let exploration = Exploration::start(
        "the ledger ends once every Sender is gone, in every interleaving loom explored \
         (channel(), 1 pair per teller; preemption bound 2)",
    );
    let covered = explore(
        &exploration,
        &[search(2)],
        Queue::Unbounded,
        1,
        ledger_ends_when_every_sender_is_gone,
    );
    let executions = exploration.finish();
    // How the executions ended, for the book's scheduler panel (its walk of every path of the
    // program as written must end the same).
    figures::report("endings", show(&covered.returned));
    assert_covered(&covered, executions, FLOOR_1_PAIR_BOUND_2, false);
}

/// Proof 4: with `sync_channel(1)`, Python's `Queue(maxsize=1)`, the balance is 0, every amount
/// arrives once, and the ledger ends, in every execution loom explores with up to
/// `SYNC_BOUND` preemptions, 1 pair per teller; and some teller had to wait for room.
#[test]
fn with_maxsize_1_the_balance_is_zero_and_every_amount_arrives() {
    let exploration = Exploration::start(&format!(
        "with sync_channel(1): balance 0, every amount received once, the ledger ends, in every \
         interleaving loom explored (1 pair per teller; preemption bound {SYNC_BOUND})"
    ));
    let all = |outcome: &Outcome, entries: &[Entry]| {
        ends_at_zero(outcome, entries)?;
        every_amount_received_once(outcome, entries)?;
        ledger_ends_when_every_sender_is_gone(outcome, entries)
    };
    let covered = explore(
        &exploration,
        &[search(SYNC_BOUND)],
        Queue::MaxSize(1),
        1,
        all,
    );
    let executions = exploration.finish();
    assert_covered(&covered, executions, FLOOR_SYNC, true);
}

/// Contrast, for the book's scheduler panel: the lesson's own `ledger` and `teller`, started as
/// `experiment` starts them, but by a main thread that keeps its own `Sender` (the
/// `forgotten-sender` mistake, made here in the model's main, not in the lesson), 1 pair per
/// teller, preemption bound 2. Passes when loom finds every thread blocked with the ledger
/// waiting in `recv` and main's `Sender` alive; reports the ending (`deadlock`) and the deadlock
/// in the lesson's words. Fails if the ledger's loop ended while a `Sender` lived (a ledger that
/// stops when the queue looks empty), for then no execution deadlocks.
#[test]
fn contrast_with_mains_sender_kept_the_ledger_waits_forever() {
    use channel_ledger::explain::deadlock;
    use channel_ledger::sync::channel::log;
    use channel_ledger::sync::{mpsc, thread};
    use channel_ledger::{ledger, teller};
    use std::panic::{self, AssertUnwindSafe};

    let exploration = Exploration::start(
        "contrast: with main's own Sender kept, loom finds the ledger waiting forever \
         (channel(), 1 pair per teller; preemption bound 2)",
    );
    search::quiet_loom_deadlocks();
    let (_, builder) = search(2);
    let counter = exploration.clone();
    let searched = panic::catch_unwind(AssertUnwindSafe(|| {
        builder.check(move || {
            counter.execution();
            log::record();
            // q = queue.Queue(); t0.start(); t1.start(); t2.start(), as `experiment` does them
            let (sender, receiver) = mpsc::channel();
            let ledger = thread::Builder::new()
                .name(LEDGER.to_string())
                .spawn(move || ledger(receiver, 0))
                .expect("failed to spawn thread");
            let tellers: Vec<_> = TELLERS
                .iter()
                .map(|&(name, n)| {
                    let queue = sender.clone();
                    thread::Builder::new()
                        .name(name.to_string())
                        .spawn(move || teller(queue, n, 1))
                        .expect("failed to spawn thread")
                })
                .collect();
            // The mistake: no drop(sender) here; main's Sender lives until after the joins.
            for handle in tellers {
                handle
                    .join()
                    .expect("a teller panicked")
                    .expect("the ledger was gone");
            }
            // Never reached while main keeps its Sender: the ledger waits for it.
            let _balance = ledger.join().expect("the ledger panicked");
            drop(sender);
            log::take();
        });
    }));
    exploration.finish();
    let payload = match searched {
        Ok(()) => panic!(
            "with main's own Sender kept, no execution deadlocked: the ledger's loop ended while \
             a Sender lived"
        ),
        Err(payload) => payload,
    };
    let message = payload.downcast_ref::<String>().map_or("", String::as_str);
    if !message.starts_with("deadlock; threads") {
        panic::resume_unwind(payload);
    }
    let entries = log::take();
    let ledger_waits = entries
        .iter()
        .rev()
        .find(|entry| entry.thread == LEDGER)
        .is_some_and(|entry| entry.event == Event::WaitsForMessage);
    let alive = live_senders(&entries);
    assert!(
        ledger_waits && alive.iter().any(|(_, holder, _)| holder == log::MAIN),
        "loom found a deadlock, but not the ledger waiting for main's Sender:\n{}",
        deadlock(&entries)
    );
    figures::report("endings", "deadlock");
    figures::report("report", deadlock(&entries));
}

/// The preemption bound of proof 4: its queue of one makes every send wait on every receive,
/// and bound 2 took 47 272 executions (10 s in the release build) where bound 1 covers what the
/// model asserts.
const SYNC_BOUND: usize = 1;

// The floors: a fifth of the executions measured when the models were written, so that a search
// cut short fails, while a change to the code that takes fewer steps (a teller that sends only
// its deposits explores a third as many) does not. The
// exact counts are in the chapter, checked by `cargo xtask prove`.
/// 1 pair per teller, `channel()`, bound 3.
const FLOOR_1_PAIR_BOUND_3: u64 = 6_800;
/// 2 pairs per teller, `channel()`, bound 2.
const FLOOR_2_PAIRS_BOUND_2: u64 = 1_150;
/// 1 pair per teller, `channel()`, bound 2.
const FLOOR_1_PAIR_BOUND_2: u64 = 470;
/// 1 pair per teller, `sync_channel(1)`, bound [`SYNC_BOUND`].
const FLOOR_SYNC: u64 = 200;
