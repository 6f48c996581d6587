//! The watchdog's board: each thread writes on it which account's lock it is waiting for and
//! which it holds, and counts its transfers, so that a watchdog can say who is stuck on whom.
//!
//! A real `Mutex` cannot say who holds it, and `lock()` has no timeout: a deadlocked program
//! just stops, silently. Python's `Lock` is the same (its `acquire(timeout=...)` gives up, but
//! still does not say who holds the lock). So the lesson's `lock` writes on this board around
//! every `Mutex::lock`, and the command line's watchdog reads it.
//!
//! Plain std atomics in both builds, not the `sync` facade: the board is the program's own
//! bookkeeping, not part of what the proofs check, and loom need not explore its steps (the
//! proofs record the locks' steps themselves, in the facade).

use std::fmt;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering::SeqCst};

use crate::{ACCOUNTS, THREADS};

/// What each of [`THREADS`] is doing with the accounts' locks, and how many transfers are done.
#[derive(Debug, Default)]
pub struct Board {
    transfers: AtomicU64,
    lanes: [Lane; THREADS.len()],
    /// With [`Board::with_rendezvous`]: the meeting after each thread's first lock.
    rendezvous: Option<Barrier>,
    /// With [`Board::observed`]: called after each write on a lane.
    observer: Option<fn(&Board)>,
}

/// One thread's line on the board. Only its own thread writes on it.
#[derive(Debug, Default)]
struct Lane {
    /// How many writes on this lane have begun and how many have ended, added up: odd while a
    /// write is under way. A reader that finds the same even number before and after reading the
    /// lane knows the lane did not change in between (a sequence lock).
    sequence: AtomicU64,
    holds: [AtomicBool; ACCOUNTS.len()],
    /// 0: waits for nothing; `k + 1`: waits for account `k`'s lock.
    waits: AtomicU8,
    /// It has been to the rendezvous.
    met: AtomicBool,
    /// Its `run_thread` has returned, or unwound.
    done: AtomicBool,
}

impl Board {
    /// An empty board: no lock held, none waited for, no transfer made.
    pub fn new() -> Self {
        Board::default()
    }

    /// A board that makes each thread, once it holds its first lock, wait until the other thread
    /// holds its first one too (a `std::sync::Barrier`). With opposite orders the deadlock is
    /// then certain, on the first transfer: what `--rendezvous` and the tests use to show the
    /// watchdog without waiting for luck. With the lower-numbered account first it would hang on
    /// the barrier (the second thread cannot take its first lock, A, while the first holds it),
    /// so the command line accepts `--rendezvous` only with `--opposite-order`.
    pub fn with_rendezvous() -> Self {
        Board {
            rendezvous: Some(Barrier::new(THREADS.len())),
            ..Board::default()
        }
    }

    /// A board that calls `observer` after each write on a lane, with the board as that write
    /// left it: for tests, which check what the board shows at every moment a reader can see.
    pub fn observed(observer: fn(&Board)) -> Self {
        Board {
            observer: Some(observer),
            ..Board::default()
        }
    }

    /// One write on `thread`'s lane, between the two steps of its sequence number.
    fn write(&self, thread: usize, write: impl FnOnce(&Lane)) {
        let lane = &self.lanes[thread];
        lane.sequence.fetch_add(1, SeqCst);
        write(lane);
        lane.sequence.fetch_add(1, SeqCst);
        if let Some(observer) = self.observer {
            observer(self);
        }
    }

    /// `thread` (an index into [`THREADS`]) asks for `account`'s lock.
    pub fn waits(&self, thread: usize, account: usize) {
        let waits = u8::try_from(account + 1).expect("a handful of accounts");
        self.write(thread, |lane| lane.waits.store(waits, SeqCst));
    }

    /// `thread` has `account`'s lock.
    pub fn holds(&self, thread: usize, account: usize) {
        // Two writes, the wait wiped before the hold is written: in between, the board shows
        // neither, never a thread waiting for a lock it holds itself (which `Snapshot::deadlock`
        // would take for a deadlock of one thread). Swapped, they fail the models (which check
        // the board after each write) and `tests/watchdog.rs`.
        self.write(thread, |lane| lane.waits.store(0, SeqCst));
        self.write(thread, |lane| lane.holds[account].store(true, SeqCst));
        if let Some(rendezvous) = &self.rendezvous {
            if !self.lanes[thread].met.swap(true, SeqCst) {
                rendezvous.wait();
            }
        }
    }

    /// `thread` releases `account`'s lock (written before the lock is released: the board never
    /// shows a lock held by a thread that has let it go).
    pub fn releases(&self, thread: usize, account: usize) {
        self.write(thread, |lane| lane.holds[account].store(false, SeqCst));
    }

    /// One more transfer made. The watchdog reads the count only to see whether the threads are
    /// making progress; what it reports, it reads from the lanes.
    pub fn transferred(&self) {
        self.transfers.fetch_add(1, SeqCst);
    }

    /// `thread` will make no more transfers.
    pub fn done(&self, thread: usize) {
        self.write(thread, |lane| lane.done.store(true, SeqCst));
    }

    /// The transfers made so far, by both threads.
    pub fn transfers(&self) -> u64 {
        self.transfers.load(SeqCst)
    }

    /// Every thread is done.
    pub fn finished(&self) -> bool {
        self.lanes.iter().all(|lane| lane.done.load(SeqCst))
    }

    /// The board at one moment: read again until no lane changed while it was read (see
    /// [`Board::read`]). A lane's write is a few stores, never a wait, so this ends as soon as
    /// the threads leave the board alone long enough for one read; on a board no thread is
    /// writing (a test's, or a deadlock's) the first read is it.
    pub fn snapshot(&self) -> Snapshot {
        loop {
            if let Some(snapshot) = self.read(|_| {}) {
                return snapshot;
            }
            std::thread::yield_now();
        }
    }

    /// One try at reading the board at one moment: every lane's sequence number, then every
    /// field, then every sequence number again. `None` if a lane was being written when it began,
    /// or changed while it was read. `Some` only if no lane changed from the first read of a
    /// sequence number to the last, so the snapshot is what the whole board showed throughout
    /// that time, not fields of different moments put together.
    ///
    /// `between` runs before each read: for tests, which script what a thread writes on the
    /// board while it is read (`|_| {}` otherwise).
    pub fn read(&self, mut between: impl FnMut(Read)) -> Option<Snapshot> {
        let before = self.sequences(&mut between);
        if before.iter().any(|sequence| sequence % 2 == 1) {
            return None;
        }
        let transfers = self.transfers();
        let threads = std::array::from_fn(|thread| {
            let lane = &self.lanes[thread];
            ThreadState {
                holds: std::array::from_fn(|account| {
                    between(Read::Holds(thread, account));
                    lane.holds[account].load(SeqCst)
                }),
                waits: {
                    between(Read::Waits(thread));
                    match lane.waits.load(SeqCst) {
                        0 => None,
                        k => Some(usize::from(k) - 1),
                    }
                },
                done: {
                    between(Read::Done(thread));
                    lane.done.load(SeqCst)
                },
            }
        });
        let after = self.sequences(&mut between);
        (before == after).then_some(Snapshot { transfers, threads })
    }
}

impl Board {
    /// Every lane's sequence number, for [`Board::read`].
    fn sequences(
        &self,
        between: &mut impl FnMut(Read),
    ) -> [u64; THREADS.len()] {
        std::array::from_fn(|thread| {
            between(Read::Sequence(thread));
            self.lanes[thread].sequence.load(SeqCst)
        })
    }
}

/// Which of a lane's fields [`Board::read`] is about to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// Thread `.0`'s sequence number (read before the fields and again after).
    Sequence(usize),
    /// Whether thread `.0` holds account `.1`'s lock.
    Holds(usize, usize),
    /// Which lock thread `.0` waits for.
    Waits(usize),
    /// Whether thread `.0` is done.
    Done(usize),
}

/// What the board said at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Transfers made, by both threads.
    pub transfers: u64,
    /// Each of [`THREADS`], in order.
    pub threads: [ThreadState; THREADS.len()],
}

/// One thread's locks, as the board has them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThreadState {
    /// For each of [`ACCOUNTS`]: this thread holds its lock.
    pub holds: [bool; ACCOUNTS.len()],
    /// The account whose lock it has asked for and not yet got.
    pub waits: Option<usize>,
    /// Its `run_thread` has ended.
    pub done: bool,
}

/// One thread in a cycle of waits: it waits for `waits`, whose lock `held_by` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    /// The waiting thread, an index into [`THREADS`].
    pub thread: usize,
    /// The account it waits for, an index into [`ACCOUNTS`].
    pub waits: usize,
    /// The thread that holds that account's lock.
    pub held_by: usize,
}

impl Snapshot {
    /// The cycle of waits, if the board shows one: each thread in it waits for a lock the next
    /// one holds, and the last waits for the first (or a thread waits for a lock it holds
    /// itself). On a snapshot of one moment ([`Board::read`]) such a cycle is a deadlock: a lane
    /// shows a lock held only from after `lock()` returned it to before it is released, and a
    /// wait only from just before `lock()` is called to after it returned; no thread releases a
    /// lock while it waits for another; so each thread in the cycle waits for a lock that will
    /// never be released, and the cycle never comes undone.
    pub fn deadlock(&self) -> Option<Vec<Wait>> {
        let holder = |account: usize| {
            (0..THREADS.len())
                .find(|&thread| self.threads[thread].holds[account])
        };
        'start: for start in 0..THREADS.len() {
            let mut cycle = Vec::new();
            let mut thread = start;
            loop {
                let state = &self.threads[thread];
                let (Some(waits), false) = (state.waits, state.done) else {
                    continue 'start;
                };
                let Some(held_by) = holder(waits) else {
                    continue 'start;
                };
                cycle.push(Wait {
                    thread,
                    waits,
                    held_by,
                });
                if held_by == start {
                    return Some(cycle);
                }
                if cycle.iter().any(|wait| wait.thread == held_by) {
                    // A cycle that does not pass through `start`: found from one of its own.
                    continue 'start;
                }
                thread = held_by;
            }
        }
        None
    }
}

/// What the watchdog saw: no transfer for `stalled_ms`, and threads waiting in a cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadlock {
    /// How long no transfer had been made, in milliseconds (`--watchdog-ms`).
    pub stalled_ms: u64,
    /// The transfers made before it, by both threads.
    pub transfers: u64,
    /// The transfers the program was to make, by both threads.
    pub planned: u64,
    /// The board's locks at that moment.
    pub threads: [ThreadState; THREADS.len()],
    /// The cycle of waits (see [`Snapshot::deadlock`]).
    pub cycle: Vec<Wait>,
}

/// What the watchdog saw when no transfer was made for the stall bound and the board showed no
/// cycle of waits: a stall it cannot explain, reported rather than waited out in silence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stall {
    /// How long no transfer had been made, in milliseconds.
    pub stalled_ms: u64,
    /// The transfers made before it, by both threads.
    pub transfers: u64,
    /// The transfers the program was to make, by both threads.
    pub planned: u64,
    /// The board's locks, as last read at one moment; `None` if a lane changed each time.
    pub threads: Option<[ThreadState; THREADS.len()]>,
}

impl fmt::Display for Stall {
    /// The report: the first line for an `error:` prefix, a line per thread, what it means.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "stalled: no transfer for {} ms, after {} of {} transfers,\n\
             and no cycle of waits on the board",
            self.stalled_ms, self.transfers, self.planned
        )?;
        match &self.threads {
            Some(threads) => {
                for (mover, state) in THREADS.iter().zip(threads) {
                    let waits = match (state.done, state.waits) {
                        (true, _) => "has made its transfers".to_string(),
                        (false, None) => format!(
                            "holds {} and waits for no lock",
                            accounts(&state.holds)
                        ),
                        (false, Some(k)) => format!(
                            "holds {} and waits for account {}",
                            accounts(&state.holds),
                            ACCOUNTS[k]
                        ),
                    };
                    writeln!(f, "  {} {waits}", mover.name)?;
                }
            }
            None => writeln!(
                f,
                "  (the board changed each time the watchdog read it)"
            )?,
        }
        write!(
            f,
            "No thread waits for another in a cycle, so the board proves no deadlock;\n\
             the watchdog ends the program rather than wait in silence."
        )
    }
}

/// The threads of a cycle of waits, a line each: `  Thread-1 holds account A and waits for
/// account B, which Thread-2 holds`. The watchdog's report and the proofs' both say it so.
pub fn cycle_lines(
    threads: &[ThreadState; THREADS.len()],
    cycle: &[Wait],
) -> String {
    let lines: Vec<String> = cycle
        .iter()
        .map(|wait| {
            format!(
                "  {} holds {} and waits for account {}, which {} holds",
                THREADS[wait.thread].name,
                accounts(&threads[wait.thread].holds),
                ACCOUNTS[wait.waits],
                THREADS[wait.held_by].name,
            )
        })
        .collect();
    lines.join("\n")
}

/// `account A`, `accounts A and B`.
fn accounts(holds: &[bool; ACCOUNTS.len()]) -> String {
    let held: Vec<&str> = ACCOUNTS
        .iter()
        .zip(holds)
        .filter(|(_, held)| **held)
        .map(|(name, _)| *name)
        .collect();
    match held.as_slice() {
        [] => "no account".to_string(),
        [one] => format!("account {one}"),
        more => format!("accounts {}", more.join(" and ")),
    }
}

impl fmt::Display for Deadlock {
    /// The watchdog's report: the first line for an `error:` prefix, then one line per thread in
    /// the cycle, then what it means. What to do about it depends on the transfer that ran:
    /// see `cli_run::advice`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "deadlock: no transfer for {} ms, after {} of {} transfers",
            self.stalled_ms, self.transfers, self.planned
        )?;
        writeln!(f, "{}", cycle_lines(&self.threads, &self.cycle))?;
        write!(
            f,
            "Each waits for a lock the other holds, and a Mutex waits forever: the\n\
             watchdog ends the program."
        )
    }
}
