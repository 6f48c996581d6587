//! The words the proofs print, on logs written by hand: each cause of a deadlock that
//! `explain::deadlock` names, and each promise of std's channel that `explain::broken_promise`
//! checks in every execution of every model. (Loom itself runs only in the proofs; these are the
//! logs its counterexamples end with, step by step.)
#![cfg(not(loom))]

use channel_ledger::LEDGER;
use channel_ledger::explain::{broken_promise, deadlock};
use channel_ledger::sync::channel::log::{Entry, Event, MAIN};

const ONE: &str = "Thread-1";
const TWO: &str = "Thread-2";

fn step(thread: &str, event: Event) -> Entry {
    Entry {
        thread: thread.to_string(),
        event,
    }
}

fn sent(thread: &str, sender: usize, amount: i64, queued: usize) -> Entry {
    step(
        thread,
        Event::Sent {
            sender,
            amount,
            queued,
        },
    )
}

/// The start of the lesson on `sync_channel(bound)`: main makes the channel and a clone per
/// teller (Senders 2 and 3), and drops its own.
fn start(bound: Option<usize>) -> Vec<Entry> {
    vec![
        step(MAIN, Event::Opened { bound }),
        step(MAIN, Event::Made { sender: 2 }),
        step(MAIN, Event::Made { sender: 3 }),
        step(MAIN, Event::Dropped { sender: 1 }),
    ]
}

/// The deadlock's message, without its last lines, joined into one line: the words, wherever
/// they wrap.
fn said(entries: &[Entry]) -> String {
    deadlock(entries)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_says(entries: &[Entry], parts: &[&str]) {
    let said = said(entries);
    for part in parts {
        assert!(
            said.contains(part),
            "{part:?} not in:\n{}",
            deadlock(entries)
        );
    }
    for line in deadlock(entries).lines() {
        assert!(line.len() <= 80, "over 80 columns: {line}");
    }
}

#[test]
fn a_forgotten_sender_is_named_with_its_holder() {
    let mut entries = start(None);
    entries.remove(3); // main keeps Sender 1
    entries.extend([
        sent(ONE, 2, 5, 1),
        step(ONE, Event::Dropped { sender: 2 }),
        step(TWO, Event::Dropped { sender: 3 }),
        step(LEDGER, Event::Received { amount: 5 }),
        step(LEDGER, Event::WaitsForMessage),
    ]);
    assert_says(
        &entries,
        &[
            "the program hangs: the ledger waits for an amount that can never come.",
            "Sender 1 is still alive: main made it, and never sent on it nor dropped it",
            "The ledger has received 1 of the 1 amounts sent",
            "main waits in join for the ledger",
            "With std's channel the program hangs silently, forever.",
            "The fix: drop the main thread's own Sender",
        ],
    );
}

#[test]
fn a_receiver_left_waiting_on_a_queue_that_holds_an_amount_is_a_missed_wake_up() {
    let mut entries = start(Some(1));
    entries.extend([
        step(LEDGER, Event::WaitsForMessage),
        step(ONE, Event::WaitsForRoom { sender: 2 }),
        sent(TWO, 3, 8, 1),
        step(TWO, Event::WaitsForRoom { sender: 3 }),
    ]);
    assert_says(
        &entries,
        &[
            "The ledger waits in recv (step 5) though the queue holds [8]: nothing woke it when \
             8 was sent (step 7)",
            "Thread-1 waits in send for room (Sender 2, step 6): the queue is full (1), and the \
             ledger, which would take one, waits itself",
            "std's channel does not block here: the facade's channel, src/sync/channel.rs, broke \
             its promise.",
        ],
    );
    assert!(
        !said(&entries).contains("can never come"),
        "no Sender is blamed"
    );
}

#[test]
fn a_receiver_left_waiting_after_the_last_drop_is_named() {
    let mut entries = start(None);
    entries.extend([
        step(LEDGER, Event::WaitsForMessage),
        step(ONE, Event::Dropped { sender: 2 }),
        step(TWO, Event::Dropped { sender: 3 }),
    ]);
    assert_says(
        &entries,
        &[
            "The ledger waits in recv (step 5) though every Sender is gone and the queue is \
             empty: the last Sender's drop (step 7) did not wake it. std's recv returns Err then.",
            "broke its promise",
        ],
    );
}

#[test]
fn a_sender_left_waiting_after_the_receivers_drop_is_named() {
    let entries = [
        step(MAIN, Event::Opened { bound: Some(1) }),
        sent(MAIN, 1, 0, 1),
        step(MAIN, Event::Made { sender: 2 }),
        step(ONE, Event::WaitsForRoom { sender: 2 }),
        step(MAIN, Event::ReceiverDropped),
    ];
    assert_says(
        &entries,
        &[
            "the program hangs: every thread is blocked.",
            "Thread-1 waits in send for room (Sender 2, step 4) though the Receiver was dropped \
             (step 5): the Receiver's drop did not wake it. std's send returns Err(SendError) \
             once the Receiver is gone.",
            "broke its promise",
        ],
    );
}

#[test]
fn a_sender_left_waiting_with_room_in_the_queue_is_named() {
    let mut entries = start(Some(1));
    entries.extend([
        sent(ONE, 2, 5, 1),
        step(TWO, Event::WaitsForRoom { sender: 3 }),
        step(LEDGER, Event::Received { amount: 5 }),
        step(LEDGER, Event::WaitsForMessage),
        step(ONE, Event::WaitsForRoom { sender: 2 }),
    ]);
    // Thread-1's last wait is after the ledger took 5: it waits though there is room, as
    // Thread-2 does; the ledger waits on an empty queue while both Senders live.
    assert_says(
        &entries,
        &[
            "Thread-2 waits in send for room (Sender 3, step 6) though the queue holds 0 of the 1 \
             it has room for: nothing woke it when an amount was taken (step 7).",
            "broke its promise",
        ],
    );
}

#[test]
fn the_bound_is_checked_at_every_push() {
    let mut entries = start(Some(1));
    entries.extend([sent(ONE, 2, 5, 1), sent(TWO, 3, 8, 2)]);
    assert_eq!(
        broken_promise(&entries).as_deref(),
        Some(
            "the channel broke a promise of std's: at step 6 (Thread-2), Sender 3 sent 8 and the \
             queue then held 2 amounts, over its bound: sync_channel(1) holds at most 1, and a \
             send on a full queue must wait for room"
        )
    );
    entries.pop();
    assert_eq!(broken_promise(&entries), None);
}

#[test]
fn each_senders_order_is_checked_at_every_receive() {
    let mut entries = start(None);
    entries.extend([
        sent(ONE, 2, 5, 1),
        sent(ONE, 2, -5, 2),
        sent(TWO, 3, 8, 3),
        step(LEDGER, Event::Received { amount: 8 }),
        step(LEDGER, Event::Received { amount: -5 }),
    ]);
    let broken = broken_promise(&entries).expect("-5 before 5");
    assert!(
        broken.contains("recv returned -5 before 5, though Sender 2 sent 5 first"),
        "{broken}"
    );
    // Another sender's amount may come first: std promises each Sender's order, no more.
    entries.pop();
    assert_eq!(broken_promise(&entries), None);
}

#[test]
fn nothing_is_queued_after_the_receivers_drop_and_recv_ends_only_when_it_may() {
    let mut entries = start(Some(2));
    entries.extend([step(LEDGER, Event::ReceiverDropped), sent(ONE, 2, 5, 1)]);
    let broken = broken_promise(&entries).expect("sent after the drop");
    assert!(
        broken.contains("Sender 2 put 5 in the queue after the Receiver was dropped (step 5)"),
        "{broken}"
    );
    let mut entries = start(None);
    entries.insert(3, step(LEDGER, Event::Disconnected));
    let broken = broken_promise(&entries).expect("Err while Sender 1 lives");
    assert!(
        broken.contains("recv returned Err while Sender 1 was still alive"),
        "{broken}"
    );
}

/// Every check above tells the `Sender`s apart by their numbers in the log: two with one number
/// is a log that cannot be read, and said so.
#[test]
fn two_senders_with_one_number_are_refused() {
    let mut entries = start(None);
    entries.insert(2, step(MAIN, Event::Made { sender: 2 }));
    let broken = broken_promise(&entries).expect("Sender 2 made twice");
    assert!(
        broken.contains("at step 3, a second Sender 2 was made"),
        "{broken}"
    );
}
