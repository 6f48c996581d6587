//! The watchdog's soundness: it reports a deadlock only when the board, read at one moment,
//! proves a cycle of waits, whatever the threads write on the board while it reads it; a stall
//! it cannot explain is reported, not waited out; and the board itself never shows a thread
//! waiting for a lock it holds. Each interleaving is scripted, with the test hook that runs
//! between the watchdog's reads: no timing decides an outcome.
#![cfg(not(loom))]

use std::sync::Arc;
use std::time::Duration;

use cli_checks::{DEADLINE, within};
use lock_order::{
    ACCOUNTS, Board, Failure, LockPoisoned, Order, Read, Stall, THREADS, ThreadFailure,
    ThreadState, Watched, cycle_lines, lock, lower_first, opposite_order, start, watch,
    watch_reading,
};
use pretty_assertions::assert_eq;

const MS: Duration = Duration::from_millis(1);

/// Issue 26's interleaving, in the default (lower-first) program: Thread-2 has just counted a
/// transfer, holding A and B; Thread-1 waits for A. The watchdog reads the board a field at a
/// time; after it has read that Thread-2 holds A and B, and before it reads what Thread-2 waits
/// for, Thread-2 releases both and, starting its next transfer, waits for A. No transfer is
/// counted in between, and no thread ever waits for another in a cycle: this is no deadlock.
/// Before the sequence numbers, the watchdog said "Thread-2 holds accounts A and B and waits for
/// account A, which Thread-2 holds". Now it sees the lane change, reads again, finds no cycle,
/// and (the script makes no more transfers) reports the stall once the bound has passed.
#[test]
fn a_release_and_a_new_wait_while_the_watchdog_reads_is_no_deadlock() {
    let (watched, scripted) = within(DEADLINE, "the watchdog's verdict", || {
        let board = Board::new();
        board.waits(1, 0);
        board.holds(1, 0);
        board.waits(1, 1);
        board.holds(1, 1);
        board.transferred();
        board.waits(0, 0);
        let mut scripted = false;
        let watched = watch_reading(&board, MS, 10 * MS, 4, |read| {
            if read == Read::Waits(1) && !scripted {
                scripted = true;
                board.releases(1, 1);
                board.releases(1, 0);
                board.waits(1, 0);
            }
        });
        (watched, scripted)
    });
    assert!(scripted, "the watchdog never read what Thread-2 waits for");
    let waits_for_a = ThreadState {
        holds: [false, false],
        waits: Some(0),
        done: false,
    };
    match watched {
        Watched::Deadlocked(deadlock) => {
            panic!("the watchdog reported a deadlock that is not one:\n{deadlock}")
        }
        watched => assert_eq!(
            watched,
            Watched::Stalled(Stall {
                stalled_ms: 10,
                transfers: 1,
                planned: 4,
                threads: Some([waits_for_a; 2]),
            })
        ),
    }
}

/// A board that missed a wait (Thread-2's, for A): each thread holds one lock, only Thread-1 is
/// seen waiting, so the board shows no cycle, and no transfer is ever made. The watchdog cannot
/// prove a deadlock; it reports the stall after the bound, with what the board shows, and
/// `main` exits 1 on it.
#[test]
fn a_stall_without_a_cycle_is_reported_after_the_bound() {
    let watched = within(DEADLINE, "the watchdog's verdict", || {
        let board = Board::new();
        board.waits(0, 0);
        board.holds(0, 0);
        board.waits(1, 1);
        board.holds(1, 1);
        board.waits(0, 1);
        watch(&board, MS, 5 * MS, 200)
    });
    let Watched::Stalled(stall) = watched else {
        panic!("not a stall: {watched:?}");
    };
    assert_eq!(
        stall.to_string(),
        "stalled: no transfer for 5 ms, after 0 of 200 transfers,\n\
         and no cycle of waits on the board\n\
         \x20 Thread-1 holds account A and waits for account B\n\
         \x20 Thread-2 holds account B and waits for no lock\n\
         No thread waits for another in a cycle, so the board proves no deadlock;\n\
         the watchdog ends the program rather than wait in silence."
    );
}

/// A thread whose transfers are made is said so in a stall's report.
#[test]
fn a_stall_report_says_which_thread_is_done() {
    let watched = within(DEADLINE, "the watchdog's verdict", || {
        let board = Board::new();
        board.done(0);
        board.waits(1, 0);
        watch(&board, MS, MS, 2)
    });
    let Watched::Stalled(stall) = watched else {
        panic!("not a stall: {watched:?}");
    };
    let report = stall.to_string();
    assert!(
        report.contains("  Thread-1 has made its transfers\n  Thread-2 holds no account and waits for account A\n"),
        "{report}"
    );
}

/// Checks, after each write on a lane, that the board shows no thread waiting for a lock it
/// holds, and no cycle of waits: the program this board is used with below cannot deadlock.
fn never_a_cycle(board: &Board) {
    let snapshot = board.snapshot();
    for (thread, state) in snapshot.threads.iter().enumerate() {
        if let Some(account) = state.waits {
            assert!(
                !state.holds[account],
                "the board showed {} waiting for account {}, which it holds itself: the \
                 watchdog would take that for a deadlock of one thread",
                THREADS[thread].name, ACCOUNTS[account]
            );
        }
    }
    if let Some(cycle) = snapshot.deadlock() {
        panic!(
            "the board showed a cycle of waits in a program that cannot deadlock:\n{}",
            cycle_lines(&snapshot.threads, &cycle)
        );
    }
}

/// The board at every moment a reader can see (after each write on a lane): `lock` wipes the
/// wait before it writes the hold, so a thread is never seen waiting for a lock it holds itself.
/// Fails if `Board::holds` writes the hold first (the order its comment gives, swapped). Each
/// transfer alone, both directions, both versions; then the lower-first program with its two
/// threads, whose board must show no cycle at any moment.
#[test]
fn the_board_never_shows_a_thread_waiting_for_a_lock_it_holds() {
    let accounts = || [std::sync::Mutex::new(100), std::sync::Mutex::new(100)];
    within(
        DEADLINE,
        "each transfer alone, the board read after each write",
        move || {
            for transfer in [lower_first::transfer, opposite_order::transfer] {
                let (accounts, board) = (accounts(), Board::observed(never_a_cycle));
                transfer(&accounts, 0, 1, 5, 0, &board).unwrap();
                transfer(&accounts, 1, 0, 8, 1, &board).unwrap();
            }
        },
    );
    let bank = start(
        Order::LowerFirst,
        1000,
        Arc::new(Board::observed(never_a_cycle)),
    );
    within(DEADLINE, "the lower-first threads to end", move || {
        bank.join()
    })
    .expect("no thread failed");
}

/// Waits (under the deadline, by the caller) until the board shows `thread` waiting for
/// `account`: no sleep, the board is read again until it does.
fn until_waiting(board: &Board, thread: usize, account: usize) -> ThreadState {
    loop {
        let state = board.snapshot().threads[thread];
        if state.waits == Some(account) {
            return state;
        }
        std::thread::yield_now();
    }
}

/// The Python's `first.lock.acquire()` waits while another thread holds the lock, and the
/// transfer is made once it is released. The test holds A's lock; Thread-2's transfer (B to A)
/// then waits for A, holding nothing with the lower-numbered account first (B stays free), and
/// holding B with its source first (`opposite_order`: the half of the deadlock). Released, the
/// transfer is made.
#[test]
fn a_transfer_waits_for_a_lock_another_thread_holds_and_the_order_decides_what_it_holds() {
    for (order, holds_b) in [(Order::LowerFirst, false), (Order::Opposite, true)] {
        let (state, b_free, balances) = within(DEADLINE, "Thread-2's transfer", move || {
            let accounts = Arc::new([std::sync::Mutex::new(100), std::sync::Mutex::new(100)]);
            let board = Arc::new(Board::new());
            let held = accounts[0].lock().unwrap();
            let (theirs, their_board) = (Arc::clone(&accounts), Arc::clone(&board));
            let transfer = std::thread::spawn(move || match order {
                Order::LowerFirst => lower_first::transfer(&theirs, 1, 0, 8, 1, &their_board),
                Order::Opposite => opposite_order::transfer(&theirs, 1, 0, 8, 1, &their_board),
            });
            let state = until_waiting(&board, 1, 0);
            let b_free = accounts[1].try_lock().is_ok();
            let untouched = *held;
            drop(held);
            transfer.join().unwrap().unwrap();
            let balances = [
                untouched,
                *accounts[0].lock().unwrap(),
                *accounts[1].lock().unwrap(),
            ];
            (state, b_free, balances)
        });
        assert_eq!(
            (state.holds, b_free),
            ([false, holds_b], !holds_b),
            "{order:?}: what Thread-2 holds while it waits for A"
        );
        assert_eq!(
            balances,
            [100, 108, 92],
            "{order:?}: A while held, then A and B"
        );
    }
}

/// Records, from inside the threads `start` runs, the name each one has.
fn note_the_thread_name(_: &Board) {
    let name = std::thread::current().name().map(str::to_owned);
    NAMES.lock().unwrap().insert(name);
}

static NAMES: std::sync::Mutex<std::collections::BTreeSet<Option<String>>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// `threading.Thread(target=run_thread, ...)` without a name: Python names them `Thread-1` and
/// `Thread-2` (before 3.10); `start` names its threads so, and `current_thread().name` inside
/// each (read at each of its writes on the board) is that name.
#[test]
fn the_threads_are_named_thread_1_and_thread_2_inside() {
    let bank = start(
        Order::LowerFirst,
        3,
        Arc::new(Board::observed(note_the_thread_name)),
    );
    within(DEADLINE, "both threads to end", move || bank.join()).expect("no thread failed");
    let names = NAMES.lock().unwrap().clone();
    assert_eq!(
        names,
        [Some("Thread-1".to_string()), Some("Thread-2".to_string())].into()
    );
}

/// Panics in Thread-1 at its first write on the board, before it holds any lock (and not again
/// while that panic unwinds, when the thread writes on the board that it is done).
fn thread_1_panics(_: &Board) {
    if std::thread::current().name() == Some("Thread-1") && !std::thread::panicking() {
        panic!("a panic in Thread-1");
    }
}

/// A panic in a lesson thread is reported by `join`, by name and with its message, never
/// swallowed; the other thread, which no poisoned lock stops, makes its transfers.
#[test]
fn a_panic_in_a_lesson_thread_is_reported_with_its_name_and_message() {
    let bank = start(
        Order::LowerFirst,
        3,
        Arc::new(Board::observed(thread_1_panics)),
    );
    let failures = within(DEADLINE, "both threads to end", move || bank.join())
        .expect_err("Thread-1 panicked");
    let reports: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert_eq!(reports, ["Thread-1 panicked: a panic in Thread-1"]);
    assert_eq!(
        failures[0].failure,
        Failure::Panicked("a panic in Thread-1".to_string())
    );
}

/// A lock another thread panicked while holding: `lock` refuses it, and the report says which
/// account's, in the lesson's words.
#[test]
fn a_poisoned_lock_is_refused_and_named() {
    let accounts = [std::sync::Mutex::new(100), std::sync::Mutex::new(100)];
    let board = Board::new();
    std::thread::scope(|scope| {
        let poisoner = scope.spawn(|| {
            let _held = accounts[1].lock().unwrap();
            panic!("a panic while holding B");
        });
        assert!(poisoner.join().is_err());
    });
    let refused = lock(&accounts, 1, 0, &board).expect_err("B's lock is poisoned");
    assert_eq!(refused, LockPoisoned { account: 1 });
    let failure = ThreadFailure {
        thread: "Thread-1".to_string(),
        failure: Failure::Refused(refused),
    };
    assert_eq!(
        failure.to_string(),
        "Thread-1 found account B's lock poisoned: another thread panicked while holding it, \
         and a transfer may be half done; refused to go on"
    );
}

/// A `Held` guard reads and writes the balance behind its lock (`source.balance`, in the
/// Python): every transfer's arithmetic goes through it. (The models read the balances from the
/// `Mutex`es after the joins, not through a guard.)
#[test]
fn a_held_lock_reads_and_writes_its_account_balance() {
    let accounts = [std::sync::Mutex::new(100), std::sync::Mutex::new(250)];
    let board = Board::new();
    {
        let mut held = lock(&accounts, 1, 0, &board).expect("B's lock is not poisoned");
        assert_eq!(
            *held, 250,
            "the balance read through the held lock of account B"
        );
        *held -= 7;
        assert_eq!(*held, 243, "the balance read back after taking 7 from it");
    }
    assert_eq!(*accounts[1].lock().unwrap(), 243);
    assert_eq!(*accounts[0].lock().unwrap(), 100);
}
