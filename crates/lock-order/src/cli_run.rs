//! What only the command line runs: the threads started, and a watchdog watching the board until
//! they finish or deadlock. Not part of the lesson, and not proved: the proofs call the lesson's
//! [`experiment`](crate::experiment), whose `join` would wait forever on a deadlock, where loom
//! sees it at once.

use std::thread;
use std::time::{Duration, Instant};

use crate::sync::Arc;
use crate::{
    Balances, Board, Deadlock, Order, Read, Stall, THREADS, TRANSFERS,
    ThreadFailure, start,
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
    /// No transfer for the stall bound, and no cycle on the board: the watchdog's report.
    Stalled(Stall),
}

/// What [`watch`] saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Watched {
    /// Every thread on the board is done.
    Finished,
    /// No transfer for `watchdog`, and the board, read at one moment, shows a cycle of waits.
    Deadlocked(Deadlock),
    /// No transfer for the stall bound, and no cycle on the board in that time.
    Stalled(Stall),
}

/// How many times the watchdog's time the watchdog waits, with no transfer made and no cycle on
/// the board, before it reports a stall: ten seconds by default.
pub const STALL_FACTOR: u32 = 10;

/// Watches `board` until every thread on it is done, or until no transfer has been made for
/// `watchdog` and the board, read at one moment ([`Board::read`]), shows threads waiting for
/// each other in a cycle: a deadlock it can prove. A stall without a cycle (a thread held up by a
/// busy machine, or a board that missed a step) is not reported as a deadlock; if it lasts
/// `stall` (at least `watchdog`; the command line gives [`STALL_FACTOR`] times `watchdog`), it
/// is reported as a stall, never waited out in silence. `planned` is the transfers the threads
/// are to make, for the report.
///
/// It looks at the board every tenth of `watchdog` (at least every millisecond, at most every
/// ten): a sleep, but in the program, not in a test; what it reports does not depend on it.
pub fn watch(
    board: &Board,
    watchdog: Duration,
    stall: Duration,
    planned: u64,
) -> Watched {
    watch_reading(board, watchdog, stall, planned, |_| {})
}

/// [`watch`], with `between` run before each of the board's reads (see [`Board::read`]): for
/// tests, which script what a thread writes on the board while the watchdog reads it.
pub fn watch_reading(
    board: &Board,
    watchdog: Duration,
    stall: Duration,
    planned: u64,
    mut between: impl FnMut(Read),
) -> Watched {
    let poll = (watchdog / 10)
        .clamp(Duration::from_millis(1), Duration::from_millis(10));
    let millis =
        |time: Duration| u64::try_from(time.as_millis()).unwrap_or(u64::MAX);
    let mut seen = board.transfers();
    let mut since = Instant::now();
    let mut last = None;
    loop {
        if board.finished() {
            return Watched::Finished;
        }
        thread::sleep(poll);
        let transfers = board.transfers();
        if transfers != seen {
            (seen, since, last) = (transfers, Instant::now(), None);
            continue;
        }
        let stalled = since.elapsed();
        if stalled < watchdog {
            continue;
        }
        // `None`: a lane changed while it was read. Read again at once (a lane that changed
        // once is still now, as a stalled thread's is), then at the next look.
        let reading = board
            .read(&mut between)
            .or_else(|| board.read(&mut between));
        if let Some(snapshot) = reading {
            if let Some(cycle) = snapshot.deadlock() {
                return Watched::Deadlocked(Deadlock {
                    stalled_ms: millis(watchdog),
                    transfers: snapshot.transfers,
                    planned,
                    threads: snapshot.threads,
                    cycle,
                });
            }
            last = Some(snapshot.threads);
        }
        if stalled >= stall.max(watchdog) {
            return Watched::Stalled(Stall {
                stalled_ms: millis(stall.max(watchdog)),
                transfers: seen,
                planned,
                threads: last,
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
    let stall = options.watchdog * STALL_FACTOR;
    match watch(bank.board(), options.watchdog, stall, planned) {
        Watched::Finished => bank.join().map(Outcome::Finished),
        Watched::Deadlocked(deadlock) => Ok(Outcome::Deadlocked(deadlock)),
        Watched::Stalled(stall) => Ok(Outcome::Stalled(stall)),
    }
}
