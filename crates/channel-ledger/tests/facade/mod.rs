//! The facade's channel on its own: what std's channel promises, in the cases the lesson's models
//! do not reach. The lesson's two tellers each send `+n, -n` and its ledger reads to the end, so
//! its models never have two senders wait for room with more than one pair, never a `Receiver`
//! dropped while a sender waits. These models do, and check in every execution loom explores
//! (with the bound each names) what `explain::broken_promise` checks in every model (the bound at
//! every push, each `Sender`'s order, nothing queued after the `Receiver` is gone, `recv`'s `Err`
//! only once every `Sender` is gone), and that no thread is left waiting (a waiter nothing wakes
//! is a deadlock, which loom finds and `explain::deadlock` names).
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own). Each model names the catalogue entries (`crates/channel-ledger/mistakes/`)
//! that make it fail.

use std::collections::BTreeSet;

use channel_ledger::sync::channel::log::{Entry, Event, MAIN};
use channel_ledger::sync::channel::{TryRecvError, TrySendError};
use channel_ledger::sync::{mpsc, thread};
use figures::Exploration;

use crate::search::{explore_each, search};

/// Two senders, each with its own amounts: distinct, so that each amount names its sender.
const SENDERS: [(&str, [i64; 2]); 2] = [("Thread-1", [1, 2]), ("Thread-2", [11, 12])];

/// What the facade models' executions covered, across all of them.
#[derive(Default)]
pub(crate) struct Covered {
    /// The thread whose amount was received first.
    first_received_from: BTreeSet<String>,
    /// Executions in which a sender waited for room.
    a_sender_waited: u64,
    /// Executions in which both senders waited for room at once.
    both_waited_at_once: u64,
    /// Executions in which the queue held as many amounts as its bound.
    queue_full: u64,
    /// Executions in which the receiver waited, and the last `Sender`'s drop ended its wait.
    woken_by_the_last_drop: u64,
    /// Executions in which the `Receiver` was dropped while one sender, or both, waited for room.
    dropped_while_one_waited: u64,
    dropped_while_both_waited: u64,
    /// Executions in which a spawned sender began its send after the `Receiver` was dropped.
    sent_after_the_drop: u64,
}

impl Covered {
    fn add(&mut self, entries: &[Entry]) {
        let mut bound = None;
        let mut waiting: BTreeSet<usize> = BTreeSet::new();
        let (mut waited, mut both, mut full) = (false, false, false);
        let (mut dropped, mut after) = (false, false);
        for entry in entries {
            match entry.event {
                Event::Opened { bound: b } => bound = b,
                Event::WaitsForRoom { sender } => {
                    waiting.insert(sender);
                    waited = true;
                    both |= waiting.len() >= 2;
                }
                Event::Sent { sender, queued, .. } => {
                    waiting.remove(&sender);
                    full |= Some(queued) == bound;
                }
                Event::Refused { sender, .. } => {
                    // main's own later send always comes after the drop: a thread's, only in
                    // some executions.
                    after |= !waiting.remove(&sender) && dropped && entry.thread != MAIN;
                }
                Event::ReceiverDropped => {
                    dropped = true;
                    self.dropped_while_one_waited += u64::from(!waiting.is_empty());
                    self.dropped_while_both_waited += u64::from(waiting.len() >= 2);
                }
                _ => {}
            }
        }
        self.sent_after_the_drop += u64::from(after);
        self.a_sender_waited += u64::from(waited);
        self.both_waited_at_once += u64::from(both);
        self.queue_full += u64::from(full);
        if let Some(first) = entries.iter().find_map(|entry| match entry.event {
            Event::Received { amount } => SENDERS
                .iter()
                .find(|(_, amounts)| amounts.contains(&amount))
                .map(|(name, _)| name.to_string()),
            _ => None,
        }) {
            self.first_received_from.insert(first);
        }
        let last = |wanted: fn(&Event) -> bool| entries.iter().rposition(|e| wanted(&e.event));
        let last_wait = last(|e| *e == Event::WaitsForMessage);
        let last_received = last(|e| matches!(e, Event::Received { .. }));
        let last_drop = last(|e| matches!(e, Event::Dropped { .. }));
        if let (Some(wait), Some(drop)) = (last_wait, last_drop) {
            if last_received.is_none_or(|received| received < wait) && wait < drop {
                self.woken_by_the_last_drop += 1;
            }
        }
    }
}

/// What a two-senders execution ended with: what the receiver received, and each sender's
/// sends (`Err` with the amount a send gave back).
type TwoSenders = (Vec<i64>, Vec<Result<(), i64>>);

/// `sync_channel(bound)`; Thread-1 and Thread-2 each send their two amounts through a clone of
/// its `SyncSender`; main drops its own, receives until `recv` returns `Err`, and joins them.
fn two_senders(bound: usize) -> TwoSenders {
    let (sender, receiver) = mpsc::sync_channel::<i64>(bound);
    let threads: Vec<_> = SENDERS
        .iter()
        .map(|(name, amounts)| {
            let sender = sender.clone();
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    amounts
                        .iter()
                        .map(|amount| sender.send(*amount).map_err(|gone| gone.0))
                        .collect::<Vec<_>>()
                })
                .expect("loom starts the thread")
        })
        .collect();
    drop(sender);
    let received: Vec<i64> = receiver.iter().collect();
    let sends = threads
        .into_iter()
        .flat_map(|t| t.join().expect("a sender does not panic"))
        .collect();
    (received, sends)
}

/// Property: every send returned `Ok`, and the receiver received every amount, once.
fn every_amount_arrives(outcome: &TwoSenders, _: &[Entry]) -> Result<(), String> {
    let (received, sends) = outcome;
    if let Some(Err(amount)) = sends.iter().find(|send| send.is_err()) {
        return Err(format!(
            "the send of {amount} returned Err though the Receiver was there"
        ));
    }
    let mut sent: Vec<i64> = SENDERS.iter().flat_map(|(_, a)| *a).collect();
    let mut got = received.clone();
    sent.sort_unstable();
    got.sort_unstable();
    if got == sent {
        Ok(())
    } else {
        Err(format!(
            "main received {received:?}, not each of {sent:?} once"
        ))
    }
}

/// Two senders on `sync_channel(bound)` under preemption bound `preemptions`: the channel keeps
/// std's promises in every execution, and the search reached what they are about.
fn two_senders_keep_the_promises(bound: usize, preemptions: usize) -> Covered {
    let exploration = Exploration::start(&format!(
        "two senders on sync_channel({bound}), two amounts each: the queue never holds more \
         than {bound}, each sender's amounts arrive in its order, every amount once, recv \
         returns Err after the last drop, no thread left waiting; in every interleaving loom \
         explored (preemption bound {preemptions})"
    ));
    let covered = explore_each(
        &exploration,
        &[search(preemptions)],
        move || two_senders(bound),
        every_amount_arrives,
        |covered: &mut Covered, _, entries| covered.add(entries),
    );
    exploration.finish();
    figures::report(
        "covered",
        format!(
            "first amount received from: {}\n\
             executions where a sender waited for room: {}\n\
             where both senders waited at once: {}\n\
             where the queue held {bound}, its bound: {}\n\
             where the last Sender's drop woke the receiver: {}",
            covered
                .first_received_from
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(" or "),
            covered.a_sender_waited,
            covered.both_waited_at_once,
            covered.queue_full,
            covered.woken_by_the_last_drop,
        ),
    );
    let senders: BTreeSet<String> = SENDERS.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        covered.first_received_from, senders,
        "the search never had main receive first from each sender in turn"
    );
    assert!(
        covered.a_sender_waited > 0,
        "no sender ever waited for room"
    );
    assert!(covered.queue_full > 0, "the queue never held {bound}");
    assert!(
        covered.woken_by_the_last_drop > 0,
        "main was never waiting when the last Sender was dropped"
    );
    covered
}

/// With `sync_channel(1)`, two senders of two amounts each, 2 preemptions: the queue never holds
/// more than 1, each sender's amounts arrive in its order, every amount once, `recv` returns
/// `Err` after the last drop, and no thread is left waiting; and both senders waited for room at
/// once in some execution (where a send that does not look again after its wait would push a
/// second amount).
///
/// Fails on `send-waits-for-room-once` and `room-check-len-le-bound` (the queue holds 2), and on
/// `notify-one-for-notify-all` (a wake-up goes to the other sender, and a waiter is left waiting).
#[test]
fn sync_channel_1_two_senders_never_exceed_the_bound() {
    let covered = two_senders_keep_the_promises(1, TWO_SENDERS_PREEMPTIONS);
    assert!(
        covered.both_waited_at_once > 0,
        "the two senders never waited for room at once"
    );
}

/// With `sync_channel(2)`, as above: the queue never holds more than 2, and it held 2.
///
/// Fails on `room-check-len-le-bound` (the queue holds 3) and `send-waits-for-room-once`.
#[test]
fn sync_channel_2_two_senders_never_exceed_the_bound() {
    two_senders_keep_the_promises(2, TWO_SENDERS_PREEMPTIONS);
}

/// `sync_channel(1)` filled with one amount; Thread-1 and Thread-2 each send one more (and wait
/// for room, if they start before the drop); main drops the `Receiver`, then sends through its
/// own `SyncSender`, and joins them. Each send's result, in that order: Thread-1's, Thread-2's,
/// main's.
fn receiver_dropped_while_senders_wait() -> Vec<Result<(), i64>> {
    let (sender, receiver) = mpsc::sync_channel::<i64>(1);
    sender.send(0).expect("the Receiver is there");
    let threads: Vec<_> = [("Thread-1", 1), ("Thread-2", 2)]
        .into_iter()
        .map(|(name, amount)| {
            let sender = sender.clone();
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || sender.send(amount).map_err(|gone| gone.0))
                .expect("loom starts the thread")
        })
        .collect();
    drop(receiver);
    let later = sender.send(3).map_err(|gone| gone.0);
    let mut sends: Vec<Result<(), i64>> = threads
        .into_iter()
        .map(|t| t.join().expect("a sender does not panic"))
        .collect();
    sends.push(later);
    sends
}

/// Property: every send after the first returned `Err` with its amount back.
fn every_send_fails(sends: &Vec<Result<(), i64>>, _: &[Entry]) -> Result<(), String> {
    let expected = vec![Err(1), Err(2), Err(3)];
    if *sends == expected {
        Ok(())
    } else {
        Err(format!(
            "the sends made with the Receiver gone returned {sends:?}, not {expected:?}: std's \
             send returns Err(SendError) with the message back once the Receiver is gone, \
             whether it was waiting for room or came later"
        ))
    }
}

/// The `Receiver` dropped while senders wait for room on a full `sync_channel(1)`: every
/// waiting send, and every later one, returns `Err` with its amount back, and no thread is left
/// waiting, in every execution loom explored (preemption bound 3); and both senders were waiting
/// at the drop in some execution, and a send began after it in another.
///
/// Fails on `receiver-drop-wakes-no-sender` and `notify-one-for-notify-all`: a sender is left
/// waiting for room that can never come, every thread blocks, and the model says who.
#[test]
fn the_receivers_drop_fails_waiting_and_later_senders() {
    let exploration = Exploration::start(&format!(
        "the Receiver dropped while senders wait on a full sync_channel(1): every waiting and \
         every later send returns Err with its message, no thread left waiting; in every \
         interleaving loom explored (preemption bound {DROP_PREEMPTIONS})"
    ));
    let covered = explore_each(
        &exploration,
        &[search(DROP_PREEMPTIONS)],
        receiver_dropped_while_senders_wait,
        every_send_fails,
        |covered: &mut Covered, _, entries| covered.add(entries),
    );
    exploration.finish();
    figures::report(
        "covered",
        format!(
            "executions where a sender waited for room when the Receiver was dropped: {}\n\
             where both did: {}\n\
             where a thread began its send after the drop: {}",
            covered.dropped_while_one_waited,
            covered.dropped_while_both_waited,
            covered.sent_after_the_drop
        ),
    );
    assert!(
        covered.dropped_while_both_waited > 0,
        "both senders were never waiting for room when the Receiver was dropped"
    );
    assert!(
        covered.sent_after_the_drop > 0,
        "no thread began its send after the Receiver was dropped"
    );
}

/// The two-senders models' preemption bound: bound 2 reaches both senders waiting at once (and,
/// at `sync_channel(2)`, the queue full) in thousands of executions; bound 3 took 290 745 for
/// `sync_channel(1)` (45 s on the 2-core VM the lesson was written on). Counts in the appendix.
const TWO_SENDERS_PREEMPTIONS: usize = 2;

/// The `Receiver`-drop model's preemption bound: its threads take few steps, and bound 3 is a few
/// hundred executions.
const DROP_PREEMPTIONS: usize = 3;

/// What main's and Thread-1's `try_` calls returned in one execution of [`try_calls`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TryCalls {
    /// main's `try_recv` before anything is sent: `Empty`, its `SyncSender` alive.
    before: Result<i64, TryRecvError>,
    /// main's `try_send(1)`, then `try_send(2)` on the now full `sync_channel(1)`.
    first: Result<(), TrySendError<i64>>,
    full: Result<(), TrySendError<i64>>,
    /// main's `try_recv`s: while Thread-1 may still run, after its join, and once more.
    took: Result<i64, TryRecvError>,
    racing: Result<i64, TryRecvError>,
    after: Result<i64, TryRecvError>,
    last: Result<i64, TryRecvError>,
    /// Thread-1's `try_send(3)`, through the last `SyncSender`, which it then drops.
    thread_1: Result<(), TrySendError<i64>>,
}

/// `sync_channel(1)`: main calls `try_recv` on the empty queue, `try_send(1)`, `try_send(2)`
/// (full), moves its `SyncSender` to Thread-1 (which calls `try_send(3)` and drops it), and
/// calls `try_recv` four times, joining Thread-1 after the second.
fn try_calls() -> TryCalls {
    let (sender, receiver) = mpsc::sync_channel::<i64>(1);
    let before = receiver.try_recv();
    let first = sender.try_send(1);
    let full = sender.try_send(2);
    let thread_1 = thread::Builder::new()
        .name("Thread-1".to_string())
        .spawn(move || sender.try_send(3))
        .expect("loom starts the thread");
    let took = receiver.try_recv();
    let racing = receiver.try_recv();
    let thread_1 = thread_1.join().expect("Thread-1 does not panic");
    let (after, last) = (receiver.try_recv(), receiver.try_recv());
    TryCalls {
        before,
        first,
        full,
        took,
        racing,
        after,
        last,
        thread_1,
    }
}

/// A `try_recv` result in words.
fn received(result: Result<i64, TryRecvError>) -> String {
    match result {
        Ok(amount) => format!("the amount {amount}"),
        Err(TryRecvError::Empty) => "Empty".to_string(),
        Err(TryRecvError::Disconnected) => "Disconnected".to_string(),
    }
}

/// A `try_send` result in words.
fn sent(result: Result<(), TrySendError<i64>>) -> String {
    match result {
        Ok(()) => "Ok".to_string(),
        Err(TrySendError::Full(amount)) => format!("Full, with {amount} back"),
        Err(TrySendError::Disconnected(amount)) => format!("Disconnected, with {amount} back"),
    }
}

/// Thread-1's `try_send(3)`, and main's last three `try_recv`s.
type TryEnding = (
    Result<(), TrySendError<i64>>,
    [Result<i64, TryRecvError>; 3],
);

/// What Thread-1's `try_send(3)` and main's last three `try_recv`s may return: whether Thread-1's
/// send came before main took the 1 (`Full`) or after (the 3 is queued), and whether its drop,
/// the last `SyncSender`'s, came before main's racing `try_recv` (`Disconnected`) or after
/// (`Empty`, or the 3).
const TRY_ENDINGS: [TryEnding; 4] = {
    use TryRecvError::{Disconnected, Empty};
    [
        (
            Err(TrySendError::Full(3)),
            [Err(Empty), Err(Disconnected), Err(Disconnected)],
        ),
        (
            Err(TrySendError::Full(3)),
            [Err(Disconnected), Err(Disconnected), Err(Disconnected)],
        ),
        (Ok(()), [Ok(3), Err(Disconnected), Err(Disconnected)]),
        (Ok(()), [Err(Empty), Ok(3), Err(Disconnected)]),
    ]
};

/// One ending of [`try_calls`], in words.
fn try_ending(
    thread_1: Result<(), TrySendError<i64>>,
    recvs: [Result<i64, TryRecvError>; 3],
) -> String {
    format!(
        "Thread-1's try_send(3): {}; main's try_recvs: {}, {}, {}",
        sent(thread_1),
        received(recvs[0]),
        received(recvs[1]),
        received(recvs[2])
    )
}

/// Property: each `try_` call returned what std's returns at that point (see [`try_calls`]).
fn try_calls_keep_the_promises(calls: &TryCalls, _: &[Entry]) -> Result<(), String> {
    let expect = |what: &str, got: String, wanted: String, why: &str| {
        (got != wanted).then(|| format!("{what} returned {got}, not {wanted}: {why}"))
    };
    let mut wrong = Vec::new();
    wrong.extend(expect(
        "main's try_recv on the empty queue",
        received(calls.before),
        received(Err(TryRecvError::Empty)),
        "std's try_recv says Empty while a Sender lives",
    ));
    wrong.extend(expect(
        "main's try_send(1) on the empty sync_channel(1)",
        sent(calls.first),
        sent(Ok(())),
        "there was room",
    ));
    wrong.extend(expect(
        "main's try_send(2) on the full sync_channel(1)",
        sent(calls.full),
        sent(Err(TrySendError::Full(2))),
        "std's try_send says Full, with the message back, when the queue holds its bound",
    ));
    wrong.extend(expect(
        "main's first try_recv after Thread-1 started",
        received(calls.took),
        received(Ok(1)),
        "the queue held the 1",
    ));
    let recvs = [calls.racing, calls.after, calls.last];
    if !TRY_ENDINGS.contains(&(calls.thread_1, recvs)) {
        wrong.push(format!(
            "{}: std's try_recv returns Empty while a Sender lives, Disconnected once the queue \
             is empty and every Sender is gone, and the 3 once if Thread-1 sent it",
            try_ending(calls.thread_1, recvs)
        ));
    }
    match wrong.is_empty() {
        true => Ok(()),
        false => Err(wrong.join("\n")),
    }
}

/// The non-blocking calls, which the lesson's models never make: `try_recv` says `Empty` while a
/// `Sender` lives and `Disconnected` once the last is dropped and the queue is empty; `try_send`
/// says `Full` on a full `sync_channel`; in every execution loom explored (preemption bound 3);
/// and each ending of the race between Thread-1 and main ([`TRY_ENDINGS`]) was reached.
#[test]
fn try_recv_and_try_send_say_empty_full_and_disconnected() {
    let exploration = Exploration::start(&format!(
        "try_recv and try_send on sync_channel(1): Empty while a Sender lives, Disconnected \
         after the last drop, Full on a full queue; in every interleaving loom explored \
         (preemption bound {TRY_PREEMPTIONS})"
    ));
    let endings = explore_each(
        &exploration,
        &[search(TRY_PREEMPTIONS)],
        try_calls,
        try_calls_keep_the_promises,
        |endings: &mut BTreeSet<String>, calls: &TryCalls, _| {
            endings.insert(try_ending(
                calls.thread_1,
                [calls.racing, calls.after, calls.last],
            ));
        },
    );
    exploration.finish();
    figures::report(
        "endings",
        endings.iter().cloned().collect::<Vec<_>>().join("\n"),
    );
    for (thread_1, recvs) in TRY_ENDINGS {
        let ending = try_ending(thread_1, recvs);
        assert!(
            endings.contains(&ending),
            "the search never reached this ending: {ending}"
        );
    }
}

/// A full `sync_channel(1)`; Thread-2 calls `try_send(4)` while main drops the `Receiver`; main
/// joins it, then calls `try_send(5)`. Thread-2's result, then main's.
fn try_send_and_the_receivers_drop() -> [Result<(), TrySendError<i64>>; 2] {
    let (sender, receiver) = mpsc::sync_channel::<i64>(1);
    sender.try_send(0).expect("the queue has room for one");
    let clone = sender.clone();
    let thread_2 = thread::Builder::new()
        .name("Thread-2".to_string())
        .spawn(move || clone.try_send(4))
        .expect("loom starts the thread");
    drop(receiver);
    let thread_2 = thread_2.join().expect("Thread-2 does not panic");
    [thread_2, sender.try_send(5)]
}

/// Property: Thread-2's `try_send(4)` is `Full` (before the drop) or `Disconnected` (after);
/// main's `try_send(5)`, after the drop, is `Disconnected`.
fn try_send_says_disconnected(
    sends: &[Result<(), TrySendError<i64>>; 2],
    _: &[Entry],
) -> Result<(), String> {
    let [thread_2, later] = *sends;
    if !matches!(
        thread_2,
        Err(TrySendError::Full(4) | TrySendError::Disconnected(4))
    ) {
        return Err(format!(
            "Thread-2's try_send(4) on the full sync_channel(1) returned {}: std's says Full \
             while the Receiver is there, Disconnected once it is gone",
            sent(thread_2)
        ));
    }
    if later != Err(TrySendError::Disconnected(5)) {
        return Err(format!(
            "main's try_send(5) after the Receiver's drop returned {}, not Disconnected: std's \
             try_send says Disconnected, with the message back, once the Receiver is gone",
            sent(later)
        ));
    }
    Ok(())
}

/// `try_send` on a full `sync_channel(1)` says `Full` while the `Receiver` is there and
/// `Disconnected` once it is dropped, in every execution loom explored (preemption bound 3); and
/// Thread-2's send came both before and after the drop.
#[test]
fn try_send_says_disconnected_once_the_receiver_is_gone() {
    let exploration = Exploration::start(&format!(
        "try_send on a full sync_channel(1) while the Receiver is dropped: Full before the drop, \
         Disconnected after; in every interleaving loom explored (preemption bound \
         {TRY_PREEMPTIONS})"
    ));
    let seen = explore_each(
        &exploration,
        &[search(TRY_PREEMPTIONS)],
        try_send_and_the_receivers_drop,
        try_send_says_disconnected,
        |seen: &mut BTreeSet<String>, sends: &[Result<(), TrySendError<i64>>; 2], _| {
            seen.insert(sent(sends[0]));
        },
    );
    exploration.finish();
    for wanted in [TrySendError::Full(4), TrySendError::Disconnected(4)] {
        let wanted = sent(Err(wanted));
        assert!(
            seen.contains(&wanted),
            "the search never had Thread-2's try_send(4) return {wanted}"
        );
    }
}

/// The `try_` models' preemption bound: their threads take few steps.
const TRY_PREEMPTIONS: usize = 3;
