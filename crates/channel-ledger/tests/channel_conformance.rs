//! The facade's channel (`src/sync/channel.rs`, here on std's `Mutex` and `Condvar`) against
//! `std::sync::mpsc`: the same behavioural checks, run on both. The proofs run the facade's
//! channel on loom's `Mutex` and `Condvar` in place of std's channel (loom's own `mpsc` does not
//! model disconnection), so what they show about the lesson holds for std's channel as far as
//! these checks pin down that the two behave alike: every check below passes on std's.
//!
//! No sleeps and no timing: what waits is made to wait by the order of the steps (a full queue,
//! a `Sender` still alive), and what must not wait is checked with `try_recv` and `try_send`.
#![cfg(not(loom))]

/// The checks, for one module that offers `channel`, `sync_channel`, `Sender`, `SyncSender`,
/// `Receiver` as std's `mpsc` does.
macro_rules! conformance {
    ($name:ident, $mpsc:path) => {
        mod $name {
            use std::thread;

            use pretty_assertions::assert_eq;
            use std::sync::mpsc::{RecvError, SendError, TryRecvError, TrySendError};
            use $mpsc as mpsc;

            /// Messages come out in the order they went in.
            #[test]
            fn one_sender_in_order() {
                let (sender, receiver) = mpsc::channel::<i64>();
                for amount in [5, -5, 8, -8] {
                    sender.send(amount).unwrap();
                }
                drop(sender);
                assert_eq!(receiver.iter().collect::<Vec<_>>(), [5, -5, 8, -8]);
            }

            /// `recv` returns `Err` once the queue is empty and every Sender, clones included,
            /// is dropped; not before.
            #[test]
            fn recv_ends_when_every_sender_is_dropped() {
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
            }

            /// A Sender held elsewhere keeps the receiver waiting: `try_recv` says `Empty`, not
            /// `Disconnected` (what makes the forgotten-Sender mistake hang).
            #[test]
            fn a_live_sender_keeps_the_channel_open() {
                let (sender, receiver) = mpsc::channel::<i64>();
                let moved = sender.clone();
                let t = thread::spawn(move || moved.send(3).unwrap());
                t.join().unwrap();
                assert_eq!(receiver.recv(), Ok(3));
                assert_eq!(receiver.try_recv(), Err(TryRecvError::Empty));
                drop(sender);
                assert_eq!(receiver.try_recv(), Err(TryRecvError::Disconnected));
            }

            /// With the Receiver gone, `send` fails and gives the message back.
            #[test]
            fn send_fails_when_the_receiver_is_dropped() {
                let (sender, receiver) = mpsc::channel::<i64>();
                drop(receiver);
                assert_eq!(sender.send(7), Err(SendError(7)));
                let (sender, receiver) = mpsc::sync_channel::<i64>(1);
                drop(receiver);
                assert_eq!(sender.send(7), Err(SendError(7)));
                assert_eq!(sender.try_send(7), Err(TrySendError::Disconnected(7)));
            }

            /// `sync_channel(k)` holds `k` messages; the next waits for room.
            #[test]
            fn sync_channel_holds_its_bound() {
                let (sender, receiver) = mpsc::sync_channel::<i64>(2);
                sender.try_send(1).unwrap();
                sender.try_send(2).unwrap();
                assert_eq!(sender.try_send(3), Err(TrySendError::Full(3)));
                assert_eq!(receiver.recv(), Ok(1));
                sender.try_send(3).unwrap();
                drop(sender);
                assert_eq!(receiver.iter().collect::<Vec<_>>(), [2, 3]);
            }

            /// A `send` on a full queue blocks until the receiver makes room, then goes on: a
            /// thread sends more than the bound, and every message arrives, in order.
            #[test]
            fn a_full_sync_channel_makes_the_sender_wait_not_fail() {
                let (sender, receiver) = mpsc::sync_channel::<i64>(1);
                let t = thread::spawn(move || {
                    for amount in 0..100 {
                        sender.send(amount).unwrap();
                    }
                });
                let received: Vec<i64> = receiver.iter().collect();
                t.join().unwrap();
                assert_eq!(received, (0..100).collect::<Vec<_>>());
            }

            /// Two senders on two threads: every message arrives exactly once, each sender's in
            /// the order it sent them, and the loop ends when both are gone.
            #[test]
            fn two_senders_every_message_once_each_in_its_order() {
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
                        assert_eq!(from, (base..base + 200).collect::<Vec<_>>(), "{bound:?}");
                    }
                    assert_eq!(received.len(), 400, "{bound:?}");
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

conformance!(std_mpsc, std::sync::mpsc);
conformance!(facade_channel, channel_ledger::sync::channel);

/// The one thing the facade refuses: std's rendezvous channel.
#[test]
#[should_panic(expected = "sync_channel(0), std's rendezvous channel, is not modelled")]
fn the_facade_refuses_a_rendezvous_channel() {
    let _ = channel_ledger::sync::channel::sync_channel::<i64>(0);
}
