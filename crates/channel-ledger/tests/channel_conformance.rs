//! The facade's channel (`src/sync/channel.rs`, here on std's `Mutex` and `Condvar`) against
//! `std::sync::mpsc`: the same behavioural checks, run on both. The proofs run the facade's
//! channel on loom's `Mutex` and `Condvar` in place of std's channel (loom's own `mpsc` does not
//! model disconnection), so what they show about the lesson holds for std's channel as far as
//! these checks pin down that the two behave alike: every check below passes on std's.
//!
//! No sleeps and no timing: what waits is made to wait by the order of the steps (a full queue,
//! a `Sender` still alive), and what must not wait is checked with `try_recv` and `try_send`.
//! Every check runs under `cli_checks::within`'s deadline: a channel that leaves a thread waiting
//! fails the check, saying what it waited for, instead of hanging the test run.
//!
//! What the OS's schedule decides (whether a thread already waits when another drops its end,
//! whether two senders wait at once) these checks cannot force without sleeps; they repeat it,
//! and say so. The proofs (`tests/proofs.rs`) check those cases in every execution loom explores.
#![cfg(not(loom))]

/// The checks, for one module that offers `channel`, `sync_channel`, `Sender`, `SyncSender`,
/// `Receiver` as std's `mpsc` does.
macro_rules! conformance {
    ($name:ident, $mpsc:path) => {
        mod $name {
            use std::thread;

            use cli_checks::{DEADLINE, within};
            use pretty_assertions::assert_eq;
            use std::sync::mpsc::{RecvError, SendError, TryRecvError, TrySendError};
            use $mpsc as mpsc;

            use super::REPEATS;

            /// Messages come out in the order they went in.
            #[test]
            fn one_sender_in_order() {
                within(DEADLINE, "the messages of one sender", || {
                    let (sender, receiver) = mpsc::channel::<i64>();
                    for amount in [5, -5, 8, -8] {
                        sender.send(amount).unwrap();
                    }
                    drop(sender);
                    assert_eq!(receiver.iter().collect::<Vec<_>>(), [5, -5, 8, -8]);
                });
            }

            /// `recv` returns `Err` once the queue is empty and every Sender, clones included,
            /// is dropped; not before.
            #[test]
            fn recv_ends_when_every_sender_is_dropped() {
                within(DEADLINE, "recv to end once every Sender is dropped", || {
                    let (sender, receiver) = mpsc::channel::<i64>();
                    let clone = sender.clone();
                    sender.send(1).unwrap();
                    drop(sender);
                    assert_eq!(receiver.recv(), Ok(1));
                    assert_eq!(
                        receiver.try_recv(),
                        Err(TryRecvError::Empty),
                        "a clone lives"
                    );
                    clone.send(2).unwrap();
                    drop(clone);
                    // Queued messages are still delivered after the last Sender is gone.
                    assert_eq!(receiver.recv(), Ok(2));
                    assert_eq!(receiver.recv(), Err(RecvError));
                    assert_eq!(receiver.try_recv(), Err(TryRecvError::Disconnected));
                });
            }

            /// A Sender held elsewhere keeps the receiver waiting: `try_recv` says `Empty`, not
            /// `Disconnected` (what makes the forgotten-Sender mistake hang).
            #[test]
            fn a_live_sender_keeps_the_channel_open() {
                within(DEADLINE, "a thread that sends once, and its join", || {
                    let (sender, receiver) = mpsc::channel::<i64>();
                    let moved = sender.clone();
                    let t = thread::spawn(move || moved.send(3).unwrap());
                    t.join().unwrap();
                    assert_eq!(receiver.recv(), Ok(3));
                    assert_eq!(receiver.try_recv(), Err(TryRecvError::Empty));
                    drop(sender);
                    assert_eq!(receiver.try_recv(), Err(TryRecvError::Disconnected));
                });
            }

            /// With the Receiver gone, `send` fails and gives the message back.
            #[test]
            fn send_fails_when_the_receiver_is_dropped() {
                within(DEADLINE, "send to fail with the Receiver gone", || {
                    let (sender, receiver) = mpsc::channel::<i64>();
                    drop(receiver);
                    assert_eq!(sender.send(7), Err(SendError(7)));
                    let (sender, receiver) = mpsc::sync_channel::<i64>(1);
                    drop(receiver);
                    assert_eq!(sender.send(7), Err(SendError(7)));
                    assert_eq!(sender.try_send(7), Err(TrySendError::Disconnected(7)));
                    // A full queue too: Disconnected, not Full, once the Receiver is gone.
                    let (sender, receiver) = mpsc::sync_channel::<i64>(1);
                    sender.try_send(6).unwrap();
                    assert_eq!(sender.try_send(7), Err(TrySendError::Full(7)));
                    drop(receiver);
                    assert_eq!(sender.try_send(7), Err(TrySendError::Disconnected(7)));
                });
            }

            /// `sync_channel(k)` holds `k` messages; the next waits for room.
            #[test]
            fn sync_channel_holds_its_bound() {
                within(DEADLINE, "try_send and recv on a sync_channel(2)", || {
                    let (sender, receiver) = mpsc::sync_channel::<i64>(2);
                    sender.try_send(1).unwrap();
                    sender.try_send(2).unwrap();
                    assert_eq!(sender.try_send(3), Err(TrySendError::Full(3)));
                    assert_eq!(receiver.recv(), Ok(1));
                    sender.try_send(3).unwrap();
                    drop(sender);
                    assert_eq!(receiver.iter().collect::<Vec<_>>(), [2, 3]);
                });
            }

            /// A `send` on a full queue blocks until the receiver makes room, then goes on: a
            /// thread sends more than the bound, and every message arrives, in order.
            #[test]
            fn a_full_sync_channel_makes_the_sender_wait_not_fail() {
                within(
                    DEADLINE,
                    "a sender of 100 messages on a sync_channel(1), and its join",
                    || {
                        let (sender, receiver) = mpsc::sync_channel::<i64>(1);
                        let t = thread::spawn(move || {
                            for amount in 0..100 {
                                sender.send(amount).unwrap();
                            }
                        });
                        let received: Vec<i64> = receiver.iter().collect();
                        t.join().unwrap();
                        assert_eq!(received, (0..100).collect::<Vec<_>>());
                    },
                );
            }

            /// Two senders on two threads: every message arrives exactly once, each sender's in
            /// the order it sent them, and the loop ends when both are gone.
            #[test]
            fn two_senders_every_message_once_each_in_its_order() {
                within(
                    DEADLINE,
                    "two senders of 200 messages each, and their joins",
                    || {
                        for bound in [None, Some(1), Some(3)] {
                            // Sender and SyncSender share no trait: `send` is handed in.
                            let received = match bound {
                                None => {
                                    let (sender, receiver) = mpsc::channel::<i64>();
                                    two_senders(sender, receiver, |s, m| s.send(m).unwrap())
                                }
                                Some(k) => {
                                    let (sender, receiver) = mpsc::sync_channel::<i64>(k);
                                    two_senders(sender, receiver, |s, m| s.send(m).unwrap())
                                }
                            };
                            for base in [1, 1000] {
                                let from: Vec<i64> = received
                                    .iter()
                                    .copied()
                                    .filter(|m| (base..base + 200).contains(m))
                                    .collect();
                                assert_eq!(
                                    from,
                                    (base..base + 200).collect::<Vec<_>>(),
                                    "{bound:?}"
                                );
                            }
                            assert_eq!(received.len(), 400, "{bound:?}");
                        }
                    },
                );
            }

            /// The last Sender's drop wakes a receiver waiting on an empty queue: its `recv`
            /// returns `Err`. (Whether the receiver was already waiting when the drop came
            /// depends on the OS; it is repeated so that it was in most runs; the proofs check
            /// the waiting case in every execution loom explores.)
            #[test]
            fn the_last_senders_drop_wakes_a_waiting_receiver() {
                for _ in 0..REPEATS {
                    within(
                        DEADLINE,
                        "recv on an empty queue to return Err after the last \
                                      Sender's drop",
                        || {
                            let (sender, receiver) = mpsc::channel::<i64>();
                            let clone = sender.clone();
                            let waits = thread::spawn(move || receiver.recv());
                            drop(sender);
                            drop(clone);
                            assert_eq!(waits.join().unwrap(), Err(RecvError));
                        },
                    );
                }
            }

            /// The Receiver's drop fails a `send` waiting for room on a full queue, with the
            /// message back, and every later one: std's `SyncSender::send` returns
            /// `Err(SendError)` then. (The senders wait before the drop in most runs, as above.)
            #[test]
            fn the_receivers_drop_fails_waiting_and_later_senders() {
                for _ in 0..REPEATS {
                    within(
                        DEADLINE,
                        "the senders waiting on a full queue to return Err after \
                                      the Receiver's drop",
                        || {
                            let (sender, receiver) = mpsc::sync_channel::<i64>(1);
                            sender.send(0).unwrap();
                            let waiting: Vec<_> = [1, 2]
                                .map(|amount| {
                                    let sender = sender.clone();
                                    thread::spawn(move || sender.send(amount))
                                })
                                .into();
                            drop(receiver);
                            let results: Vec<_> =
                                waiting.into_iter().map(|t| t.join().unwrap()).collect();
                            assert_eq!(results, [Err(SendError(1)), Err(SendError(2))]);
                            assert_eq!(sender.send(3), Err(SendError(3)));
                        },
                    );
                }
            }

            /// A `sync_channel(k)` never holds more than `k`: each sender counts its sends once
            /// they return, and the receiver, before each `recv`, finds at most `k` more
            /// returned than it has received (a returned send is queued or received, and only
            /// the receiver takes from the queue). Three senders, so that two wait for room at
            /// once where a send that does not look again would overfill the queue; that the
            /// OS makes them wait at once is likely, not certain: the proofs check it in every
            /// execution loom explores.
            #[test]
            fn a_sync_channel_never_holds_more_than_its_bound() {
                use std::sync::Arc;
                use std::sync::atomic::{AtomicUsize, Ordering};
                for bound in [1, 2] {
                    within(
                        DEADLINE,
                        "three senders on a sync_channel, and their joins",
                        move || {
                            let (sender, receiver) = mpsc::sync_channel::<i64>(bound);
                            let returned = Arc::new(AtomicUsize::new(0));
                            let senders: Vec<_> = (0..3)
                                .map(|_| {
                                    let (sender, returned) =
                                        (sender.clone(), Arc::clone(&returned));
                                    thread::spawn(move || {
                                        for amount in 0..2000 {
                                            sender.send(amount).unwrap();
                                            returned.fetch_add(1, Ordering::SeqCst);
                                        }
                                    })
                                })
                                .collect();
                            drop(sender);
                            let mut received = 0;
                            loop {
                                let queued =
                                    returned.load(Ordering::SeqCst).saturating_sub(received);
                                assert!(
                                    queued <= bound,
                                    "{queued} sends had returned and were not yet received: the \
                                 queue held more than its bound, {bound}"
                                );
                                if receiver.recv().is_err() {
                                    break;
                                }
                                received += 1;
                            }
                            senders.into_iter().for_each(|t| t.join().unwrap());
                            assert_eq!(received, 6000);
                        },
                    );
                }
            }

            /// Two threads each send 200 messages through a clone of `sender`, the original is
            /// dropped, and everything `receiver` yields until it ends is returned.
            fn two_senders<S: Clone + Send + 'static>(
                sender: S,
                receiver: mpsc::Receiver<i64>,
                send: fn(&S, i64),
            ) -> Vec<i64> {
                let threads: Vec<_> = [1, 1000]
                    .map(|base| {
                        let sender = sender.clone();
                        thread::spawn(move || (0..200).for_each(|i| send(&sender, base + i)))
                    })
                    .into();
                drop(sender);
                let received: Vec<i64> = receiver.into_iter().collect();
                threads.into_iter().for_each(|t| t.join().unwrap());
                received
            }
        }
    };
}

/// How many times a check whose interesting case depends on the OS's schedule is run.
const REPEATS: usize = 200;

conformance!(std_mpsc, std::sync::mpsc);
conformance!(facade_channel, channel_ledger::sync::channel);

/// The one thing the facade refuses: std's rendezvous channel.
#[test]
#[should_panic(expected = "sync_channel(0), std's rendezvous channel, is not modelled")]
fn the_facade_refuses_a_rendezvous_channel() {
    let _ = channel_ledger::sync::channel::sync_channel::<i64>(0);
}
