//! What only the command line runs: the threads started, and a watchdog watching the board until
//! they finish or deadlock. Not part of the lesson, and not proved: the proofs call the lesson's
//! [`experiment`](crate::experiment), whose `join` would wait forever on a deadlock, where loom
//! sees it at once.

use std::thread;
use std::time::{Duration, Instant};

use crate::sync::Arc;
use crate::{
    Balances, Board, Deadlock, Order, Read, THREADS, TRANSFERS, ThreadFailure, start,
};

/// What to run: the command line's choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Which `transfer` (`--opposite-order`).
    pub order: Order,
    /// Transfers per thread (`--transfers`).
    pub transfers: u64,
    /// How long no transfer may be made before the watchdog looks at the board (`--watchdog-ms`).
    pub watchdog: Duration,
    /// Both threads meet after their first lock (`--rendezvous`, with `--opposite-order` only).
    pub rendezvous: bool,
}

/// `--watchdog-ms`'s default: a second without a transfer. One transfer takes well under a
/// microsecond when its locks are free, so a second is a very long stall; it is no proof of a
/// deadlock, which is why the watchdog then reads the board.
pub const WATCHDOG_MS: u64 = 1000;

impl Default for Options {
    /// The Python program: the lower-numbered account first, 100 000 transfers per thread.
    fn default() -> Self {
        Options {
            order: Order::LowerFirst,
            transfers: TRANSFERS,
            watchdog: Duration::from_millis(WATCHDOG_MS),
            rendezvous: false,
        }
    }
}

/// How the program ended, when no thread failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Both threads made every transfer: the balances, for stdout.
    Finished(Balances),
    /// The watchdog found them deadlocked: its report, for stderr.
    Deadlocked(Deadlock),
}

/// What [`watch`] saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Watched {
    /// Every thread on the board is done.
    Finished,
    /// No transfer for `watchdog`, and the board shows a cycle of waits.
    Deadlocked(Deadlock),
}

/// Watches `board` until every thread on it is done, or until no transfer has been made for
/// `watchdog` and the board shows threads waiting for each other in a cycle. A stall without a
/// cycle (a thread held up by a busy machine) is not a deadlock: it goes on watching. `planned`
/// is the transfers the threads are to make, for the report.
///
/// It looks at the board every tenth of `watchdog` (at least every millisecond, at most every
/// ten): a sleep, but in the program, not in a test; the outcome does not depend on it.
pub fn watch(board: &Board, watchdog: Duration, planned: u64) -> Watched {
    watch_reading(board, watchdog, planned, |_| {})
}

/// [`watch`], with `between` run before each of the board's reads (see
/// [`Board::snapshot_reading`]): for tests.
pub fn watch_reading(
    board: &Board,
    watchdog: Duration,
    planned: u64,
    mut between: impl FnMut(Read),
) -> Watched {
    let poll = (watchdog / 10)
        .clamp(Duration::from_millis(1), Duration::from_millis(10));
    let mut seen = board.transfers();
    let mut since = Instant::now();
    loop {
        if board.finished() {
            return Watched::Finished;
        }
        thread::sleep(poll);
        let snapshot = board.snapshot_reading(&mut between);
        if snapshot.transfers != seen {
            seen = snapshot.transfers;
            since = Instant::now();
            continue;
        }
        if since.elapsed() < watchdog {
            continue;
        }
        // The same count after the board was read: every lock seen held was held throughout.
        let Some(cycle) = snapshot.deadlock() else {
            continue;
        };
        if board.transfers() == snapshot.transfers {
            return Watched::Deadlocked(Deadlock {
                stalled_ms: u64::try_from(watchdog.as_millis())
                    .unwrap_or(u64::MAX),
                transfers: snapshot.transfers,
                planned,
                threads: snapshot.threads,
                cycle,
            });
        }
    }
}

/// What the watchdog's report ends with: what to do about a deadlock of `order`'s transfer.
/// With opposite orders it is the lesson's point; with the lower-numbered account first it can
/// only come from a change to `lower_first`, so the advice names that, not a flag.
pub fn advice(order: Order) -> &'static str {
    match order {
        Order::Opposite => {
            "Every thread locking the lower-numbered account first cannot deadlock: run\n\
             without --opposite-order."
        }
        Order::LowerFirst => {
            "This was lower_first::transfer, which cannot deadlock while every thread\n\
             locks the lower-numbered account first: as changed, it does not."
        }
    }
}

/// Runs the program: starts the threads, watches them, and returns the balances or the
/// watchdog's report. On a deadlock the two threads are left where they are, blocked for good:
/// the process ends when `main` returns.
///
/// # Errors
///
/// Every thread that panicked or refused to go on, by name.
pub fn run(options: &Options) -> Result<Outcome, Vec<ThreadFailure>> {
    let board = Arc::new(match options.rendezvous {
        true => Board::with_rendezvous(),
        false => Board::new(),
    });
    let bank = start(options.order, options.transfers, Arc::clone(&board));
    let planned = options.transfers * THREADS.len() as u64;
    match watch(bank.board(), options.watchdog, planned) {
        Watched::Finished => bank.join().map(Outcome::Finished),
        Watched::Deadlocked(deadlock) => Ok(Outcome::Deadlocked(deadlock)),
    }
}
