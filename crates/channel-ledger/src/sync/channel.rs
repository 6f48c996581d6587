//! A channel with `std::sync::mpsc`'s semantics, on a `Mutex` and a `Condvar`: loom's in the loom
//! build (what the proofs run), std's in the normal build (what `tests/channel_conformance.rs`
//! checks against `std::sync::mpsc`). It offers what the lesson, its mistakes and the conformance
//! checks use, no more, for `Copy` messages that the log can show as an `i64`.
//!
//! The whole state is one `VecDeque` behind one lock, with a count of the live `Sender`s and
//! whether the `Receiver` is still there; one `Condvar` wakes the waiters after a change they wait for.
//! Each blocking call waits on the condvar in a loop until its condition holds, so a wake-up for
//! the other side's condition only makes it look again. Under loom, each change is also written
//! to [`log`], with the thread that made it, so that a model can tell a learner what happened.
//!
//! Not modelled: `sync_channel(0)`, std's rendezvous channel, where a send waits until the
//! receiver takes the message (it panics, saying so: the lesson never asks for it, since
//! `--maxsize` starts at 1); timeouts; and std's internal design (it is not a copy of std's lock-free
//! channel, only of what std promises: messages in the order each sender sent them, none lost or
//! duplicated, `Err` on `recv` once every `Sender` is gone and the queue is empty, `Err` on
//! `send` once the `Receiver` is gone).

use std::collections::VecDeque;
pub use std::sync::mpsc::{RecvError, SendError, TryRecvError, TrySendError};

// std's `Arc` in both builds: it only holds the shared state, and its count is no part of what
// the channel promises. (Loom's would be one more step to interleave, and, when loom has found a
// deadlock and unwinds the blocked threads, a step it cannot take: see `Drop for Sender`.)
use std::sync::Arc;

#[cfg(not(loom))]
use std::sync::{Condvar, Mutex, MutexGuard};

#[cfg(loom)]
use loom::sync::{Condvar, Mutex, MutexGuard};

/// What a message must be: copied into the log, as an amount.
pub trait Message: Copy + Into<i64> {}
impl<T: Copy + Into<i64>> Message for T {}

struct Shared<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

struct State<T> {
    queue: VecDeque<T>,
    /// `None` for `channel()`; `Some(k)` for `sync_channel(k)`.
    bound: Option<usize>,
    /// The `Sender`s (or `SyncSender`s) not yet dropped.
    senders: usize,
    /// The `Receiver` is not dropped.
    receiver: bool,
    /// The number the next `Sender` made gets in the log.
    next_sender: usize,
    /// The receiver waits on the condvar: a change must wake it.
    receiver_waits: bool,
    /// How many senders wait on the condvar for room.
    senders_waiting: usize,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Nothing panics while the lock is held, so it is never poisoned; take it anyway if so.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Releases the lock, then wakes the receiver if it waits. (Waking only a waiter keeps the
    /// steps loom must interleave few; the condvar is shared, so a waiting sender wakes too, and
    /// looks again.)
    fn wake_receiver(&self, state: MutexGuard<'_, State<T>>) {
        let waits = state.receiver_waits;
        drop(state);
        if waits {
            self.changed.notify_all();
        }
    }

    /// Releases the lock, then wakes the senders waiting for room, if any.
    fn wake_senders(&self, state: MutexGuard<'_, State<T>>) {
        let waiting = state.senders_waiting > 0;
        drop(state);
        if waiting {
            self.changed.notify_all();
        }
    }

    fn wait<'a>(
        &self,
        state: MutexGuard<'a, State<T>>,
    ) -> MutexGuard<'a, State<T>> {
        self.changed
            .wait(state)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn new<T: Message>(bound: Option<usize>) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            bound,
            senders: 1,
            receiver: true,
            next_sender: 2,
            receiver_waits: false,
            senders_waiting: 0,
        }),
        changed: Condvar::new(),
    });
    log::write(log::Event::Opened { bound });
    (
        Sender {
            shared: Arc::clone(&shared),
            number: 1,
        },
        Receiver { shared },
    )
}

/// See `std::sync::mpsc::channel`.
pub fn channel<T: Message>() -> (Sender<T>, Receiver<T>) {
    new(None)
}

/// See `std::sync::mpsc::sync_channel`.
///
/// # Panics
///
/// If `bound` is 0: std's rendezvous channel is not modelled here.
pub fn sync_channel<T: Message>(bound: usize) -> (SyncSender<T>, Receiver<T>) {
    assert!(
        bound > 0,
        "sync_channel(0), std's rendezvous channel, is not modelled by this facade"
    );
    let (sender, receiver) = new(Some(bound));
    (SyncSender(sender), receiver)
}

/// See `std::sync::mpsc::Sender`.
pub struct Sender<T: Message> {
    shared: Arc<Shared<T>>,
    /// Its number in the log: 1 for the one `channel()` made, then in the order they were cloned.
    number: usize,
}

impl<T: Message> Sender<T> {
    /// See `std::sync::mpsc::Sender::send`. (On a `sync_channel`, waits while the queue is full.)
    ///
    /// # Errors
    ///
    /// The message back, if the `Receiver` is gone.
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        let mut state = self.shared.lock();
        loop {
            if !state.receiver {
                log::write(log::Event::Refused {
                    sender: self.number,
                    amount: message.into(),
                });
                return Err(SendError(message));
            }
            if state.bound.is_none_or(|bound| state.queue.len() < bound) {
                break;
            }
            log::write(log::Event::WaitsForRoom {
                sender: self.number,
            });
            state.senders_waiting += 1;
            state = self.shared.wait(state);
            state.senders_waiting -= 1;
        }
        state.queue.push_back(message);
        log::write(log::Event::Sent {
            sender: self.number,
            amount: message.into(),
            queued: state.queue.len(),
        });
        self.shared.wake_receiver(state);
        Ok(())
    }

    fn try_send(&self, message: T) -> Result<(), TrySendError<T>> {
        let mut state = self.shared.lock();
        if !state.receiver {
            return Err(TrySendError::Disconnected(message));
        }
        if state.bound.is_some_and(|bound| state.queue.len() >= bound) {
            return Err(TrySendError::Full(message));
        }
        state.queue.push_back(message);
        log::write(log::Event::Sent {
            sender: self.number,
            amount: message.into(),
            queued: state.queue.len(),
        });
        self.shared.wake_receiver(state);
        Ok(())
    }
}

impl<T: Message> Clone for Sender<T> {
    fn clone(&self) -> Self {
        let mut state = self.shared.lock();
        state.senders += 1;
        let number = state.next_sender;
        state.next_sender += 1;
        log::write(log::Event::Made { sender: number });
        drop(state);
        Sender {
            shared: Arc::clone(&self.shared),
            number,
        }
    }
}

impl<T: Message> Drop for Sender<T> {
    fn drop(&mut self) {
        // When loom finds every thread blocked it panics, and unwinds the threads' stacks with no
        // thread active: a loom step then would panic again, and abort the test. Nothing is left
        // to wake then. (In the normal build a thread that panics still drops its Sender here.)
        #[cfg(loom)]
        if std::thread::panicking() {
            return;
        }
        let mut state = self.shared.lock();
        state.senders -= 1;
        log::write(log::Event::Dropped {
            sender: self.number,
        });
        if state.senders == 0 {
            // The receiver may be waiting for a message that can now never come.
            self.shared.wake_receiver(state);
        }
    }
}

/// See `std::sync::mpsc::SyncSender`.
pub struct SyncSender<T: Message>(Sender<T>);

impl<T: Message> SyncSender<T> {
    /// See `std::sync::mpsc::SyncSender::send`: waits while the queue holds `bound` messages.
    ///
    /// # Errors
    ///
    /// The message back, if the `Receiver` is gone.
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        self.0.send(message)
    }

    /// See `std::sync::mpsc::SyncSender::try_send`.
    ///
    /// # Errors
    ///
    /// `Full` if the queue holds `bound` messages, `Disconnected` if the `Receiver` is gone; each
    /// with the message back.
    pub fn try_send(&self, message: T) -> Result<(), TrySendError<T>> {
        self.0.try_send(message)
    }
}

impl<T: Message> Clone for SyncSender<T> {
    fn clone(&self) -> Self {
        SyncSender(self.0.clone())
    }
}

/// See `std::sync::mpsc::Receiver`.
pub struct Receiver<T: Message> {
    shared: Arc<Shared<T>>,
}

impl<T: Message> Receiver<T> {
    /// See `std::sync::mpsc::Receiver::recv`: waits while the queue is empty and a `Sender` lives.
    ///
    /// # Errors
    ///
    /// `RecvError` once the queue is empty and every `Sender` is gone.
    pub fn recv(&self) -> Result<T, RecvError> {
        let mut state = self.shared.lock();
        loop {
            if let Some(message) = state.queue.pop_front() {
                log::write(log::Event::Received {
                    amount: message.into(),
                });
                self.shared.wake_senders(state);
                return Ok(message);
            }
            if state.senders == 0 {
                log::write(log::Event::Disconnected);
                return Err(RecvError);
            }
            log::write(log::Event::WaitsForMessage);
            state.receiver_waits = true;
            state = self.shared.wait(state);
            state.receiver_waits = false;
        }
    }

    /// See `std::sync::mpsc::Receiver::try_recv`.
    ///
    /// # Errors
    ///
    /// `Empty` if no message is queued and a `Sender` lives; `Disconnected` if none is queued and
    /// every `Sender` is gone.
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let mut state = self.shared.lock();
        match state.queue.pop_front() {
            Some(message) => {
                log::write(log::Event::Received {
                    amount: message.into(),
                });
                self.shared.wake_senders(state);
                Ok(message)
            }
            None if state.senders == 0 => {
                log::write(log::Event::Disconnected);
                Err(TryRecvError::Disconnected)
            }
            None => {
                log::write(log::Event::FoundEmpty);
                Err(TryRecvError::Empty)
            }
        }
    }

    /// See `std::sync::mpsc::Receiver::iter`.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { receiver: self }
    }
}

impl<T: Message> Drop for Receiver<T> {
    fn drop(&mut self) {
        // As in `Drop for Sender`.
        #[cfg(loom)]
        if std::thread::panicking() {
            return;
        }
        let mut state = self.shared.lock();
        state.receiver = false;
        // As std: the messages still queued are dropped with the receiver.
        state.queue.clear();
        log::write(log::Event::ReceiverDropped);
        // A sender may be waiting for room that will never come.
        self.shared.wake_senders(state);
    }
}

/// See `std::sync::mpsc::Iter`: `recv` until it returns `Err`.
pub struct Iter<'a, T: Message> {
    receiver: &'a Receiver<T>,
}

impl<T: Message> Iterator for Iter<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.receiver.recv().ok()
    }
}

/// See `std::sync::mpsc::IntoIter`: `recv` until it returns `Err`.
pub struct IntoIter<T: Message> {
    receiver: Receiver<T>,
}

impl<T: Message> Iterator for IntoIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.receiver.recv().ok()
    }
}

impl<T: Message> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    fn into_iter(self) -> IntoIter<T> {
        IntoIter { receiver: self }
    }
}

impl<'a, T: Message> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// Loom only: what each thread did to the channel, written down as the model runs; a no-op in
/// the normal build.
pub mod log {
    /// One change to the channel (or a wait), as the thread that made it saw it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Event {
        /// The channel was made, with Sender 1: `channel()` (`bound` is `None`) or
        /// `sync_channel(k)` (`Some(k)`).
        Opened {
            /// How many amounts the queue may hold.
            bound: Option<usize>,
        },
        /// A `Sender` was cloned.
        Made {
            /// Its number (from 2).
            sender: usize,
        },
        /// An amount was put in the queue through that `Sender`.
        Sent {
            /// Which `Sender`.
            sender: usize,
            /// The amount.
            amount: i64,
            /// How many amounts the queue held just after: the real length, read under the lock,
            /// so that a model can check the bound at every push.
            queued: usize,
        },
        /// A `send` found the `Receiver` gone and gave the amount back.
        Refused {
            /// Which `Sender`.
            sender: usize,
            /// The amount.
            amount: i64,
        },
        /// A `send` on a full `sync_channel` waits for room.
        WaitsForRoom {
            /// Which `Sender`.
            sender: usize,
        },
        /// A `Sender` was dropped.
        Dropped {
            /// Which `Sender`.
            sender: usize,
        },
        /// `recv` (or `try_recv`) took an amount from the queue.
        Received {
            /// The amount.
            amount: i64,
        },
        /// `recv` found the queue empty while a `Sender` lives, and waits.
        WaitsForMessage,
        /// `try_recv` found the queue empty while a `Sender` lives, and returned `Empty`.
        FoundEmpty,
        /// `recv` found the queue empty and every `Sender` gone: it returned `Err`.
        Disconnected,
        /// The `Receiver` was dropped.
        ReceiverDropped,
    }

    /// One event and the thread that caused it, in the order loom ran them.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Entry {
        /// The loom thread's name; [`MAIN`] for loom's main thread, which has no name.
        pub thread: String,
        /// What it did.
        pub event: Event,
    }

    /// How the log names loom's main thread, which has no name: as std names a program's main
    /// thread.
    pub const MAIN: &str = "main";

    #[cfg(loom)]
    mod imp {
        use std::cell::RefCell;

        use super::{Entry, Event, MAIN};

        // Loom runs a model's threads as coroutines on the test's own OS thread, so a std
        // thread-local is one log per model, shared by its loom threads and invisible to loom.
        std::thread_local! {
            static LOG: RefCell<Option<Vec<Entry>>> = const { RefCell::new(None) };
        }

        pub fn record() {
            LOG.with(|log| *log.borrow_mut() = Some(Vec::new()));
        }

        pub fn take() -> Vec<Entry> {
            LOG.with(|log| log.borrow_mut().take().unwrap_or_default())
        }

        pub fn len() -> usize {
            LOG.with(|log| log.borrow().as_ref().map_or(0, Vec::len))
        }

        pub fn write(event: Event) {
            LOG.with(|log| {
                if let Some(log) = log.borrow_mut().as_mut() {
                    let thread = loom::thread::current();
                    let thread = thread.name().unwrap_or(MAIN).to_string();
                    log.push(Entry { thread, event });
                }
            });
        }
    }

    #[cfg(not(loom))]
    mod imp {
        use super::{Entry, Event};

        pub fn record() {}

        pub fn take() -> Vec<Entry> {
            Vec::new()
        }

        pub fn len() -> usize {
            0
        }

        pub fn write(_: Event) {}
    }

    /// Starts a fresh log on this OS thread (call it at the start of each execution). Under loom
    /// only; in the normal build nothing is recorded.
    pub fn record() {
        imp::record();
    }

    /// Stops recording and returns what was logged since [`record`].
    pub fn take() -> Vec<Entry> {
        imp::take()
    }

    /// How many entries the log holds so far: where an event of the caller's own (worker-pool's
    /// jobs) falls among the channel's. Under loom only; 0 in the normal build.
    #[must_use]
    pub fn len() -> usize {
        imp::len()
    }

    pub(super) fn write(event: Event) {
        imp::write(event);
    }
}
