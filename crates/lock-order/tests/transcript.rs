//! The transcript, the transfers on their own, the board, and the watchdog's report, read from a
//! board set by hand or from a deadlock made certain.
#![cfg(not(loom))]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cli_checks::{DEADLINE, within};
use lock_order::{
    Balances, Board, Deadlock, OPENING_BALANCE, Options, Order, Outcome, Snapshot, THREADS,
    TRANSFERS, ThreadState, Wait, Watched, advice, experiment, lock, lower_first, opposite_order,
    run, start, watch,
};
use pretty_assertions::assert_eq;

/// `output.txt` is `$ cargo run -p lock-order` and then the program's stdout.
#[test]
fn default_run_prints_the_transcript() {
    let transcript = include_str!("../output.txt");
    let (command, expected) = transcript.split_once('\n').expect("a command line");
    assert_eq!(command, "$ cargo run -p lock-order");
    let outcome = within(DEADLINE, "the default run to end", || {
        run(&Options::default())
    });
    let Ok(Outcome::Finished(balances)) = outcome else {
        panic!("the default run finishes");
    };
    assert_eq!(format!("{balances}\n"), expected);
    assert_eq!(balances, Balances::expected(TRANSFERS));
}

#[test]
fn the_expected_balances_move_each_threads_money_and_keep_the_total() {
    assert_eq!(
        Balances::expected(2),
        Balances([OPENING_BALANCE + 6, OPENING_BALANCE - 6])
    );
    assert_eq!(Balances::expected(TRANSFERS).total(), 2 * OPENING_BALANCE);
}

fn accounts() -> [Mutex<i64>; 2] {
    [Mutex::new(100), Mutex::new(100)]
}

/// Alone, either transfer moves `n` from the source to the target, in both directions, and
/// leaves the board with no lock held and one more transfer counted.
#[test]
fn a_transfer_moves_n_from_the_source_to_the_target() {
    within(
        DEADLINE,
        "the board read at one moment (snapshot) with no thread writing on it",
        || {
            for transfer in [lower_first::transfer, opposite_order::transfer] {
                let (accounts, board) = (accounts(), Board::new());
                transfer(&accounts, 0, 1, 5, 0, &board).unwrap();
                transfer(&accounts, 1, 0, 8, 1, &board).unwrap();
                let balances = accounts.map(|account| *account.lock().unwrap());
                assert_eq!(balances, [103, 97]);
                assert_eq!(
                    board.snapshot(),
                    Snapshot {
                        transfers: 2,
                        threads: [ThreadState::default(); 2],
                    }
                );
            }
        },
    );
}

/// `lock` writes on the board that the thread waits, then that it holds; dropping the lock
/// writes the release.
#[test]
fn lock_tells_the_board() {
    within(
        DEADLINE,
        "the board read at one moment (snapshot) with no thread writing on it",
        || {
            let (accounts, board) = (accounts(), Board::new());
            let held = lock(&accounts, 1, 0, &board).unwrap();
            assert_eq!(*held, 100);
            let holds_b = ThreadState {
                holds: [false, true],
                waits: None,
                done: false,
            };
            assert_eq!(board.snapshot().threads, [holds_b, ThreadState::default()]);
            drop(held);
            assert_eq!(board.snapshot().threads, [ThreadState::default(); 2]);
        },
    );
}

/// A stall bound the tests below never reach: what they wait for is a deadlock, or the end.
const NEVER: Duration = Duration::MAX;

/// The board of the deadlock: Thread-1 holds A and waits for B, Thread-2 holds B and waits for
/// A. Written by hand, as the threads would write it.
fn deadlocked_board() -> Board {
    let board = Board::new();
    board.waits(0, 0);
    board.holds(0, 0);
    board.waits(1, 1);
    board.holds(1, 1);
    board.waits(0, 1);
    board.waits(1, 0);
    board
}

/// What the watchdog prints (after `error: `) for the deadlock of [`deadlocked_board`].
fn report(stalled_ms: u64, transfers: u64, planned: u64) -> String {
    format!(
        "deadlock: no transfer for {stalled_ms} ms, after {transfers} of {planned} transfers\n\
         \x20 Thread-1 holds account A and waits for account B, which Thread-2 holds\n\
         \x20 Thread-2 holds account B and waits for account A, which Thread-1 holds\n\
         Each waits for a lock the other holds, and a Mutex waits forever: the\n\
         watchdog ends the program."
    )
}

#[test]
fn the_board_of_a_deadlock_shows_the_cycle_and_the_report_names_each_lock() {
    within(
        DEADLINE,
        "the board read at one moment (snapshot) with no thread writing on it",
        || {
            let snapshot = deadlocked_board().snapshot();
            let cycle = snapshot.deadlock().expect("a cycle");
            assert_eq!(
                cycle,
                [
                    Wait {
                        thread: 0,
                        waits: 1,
                        held_by: 1
                    },
                    Wait {
                        thread: 1,
                        waits: 0,
                        held_by: 0
                    },
                ]
            );
            let deadlock = Deadlock {
                stalled_ms: 1000,
                transfers: 37,
                planned: 200_000,
                threads: snapshot.threads,
                cycle,
            };
            assert_eq!(deadlock.to_string(), report(1000, 37, 200_000));
        },
    );
}

/// A thread waiting for a free lock, or for one held by a thread that waits for nothing: no
/// cycle, so no deadlock, however long nothing happens.
#[test]
fn a_board_without_a_cycle_is_no_deadlock() {
    within(
        DEADLINE,
        "the board read at one moment (snapshot) with no thread writing on it",
        || {
            let board = Board::new();
            board.waits(0, 1);
            assert_eq!(board.snapshot().deadlock(), None, "B is free");
            board.holds(1, 1);
            assert_eq!(
                board.snapshot().deadlock(),
                None,
                "Thread-2 waits for nothing"
            );
            board.holds(0, 0);
            board.waits(0, 1);
            board.waits(1, 1);
            // Thread-2 waits for a lock it holds itself: a `Mutex` is not reentrant (nor is Python's
            // `Lock`), so that is a deadlock of one thread, found though Thread-1 waits on it too.
            assert_eq!(
                board.snapshot().deadlock(),
                Some(vec![Wait {
                    thread: 1,
                    waits: 1,
                    held_by: 1
                }])
            );
        },
    );
}

/// The watchdog on a board that no thread changes any more: it reports the deadlock once the
/// watchdog's time has passed with no transfer. (The board is set before the watchdog starts,
/// so the outcome does not depend on how long it waits.)
#[test]
fn the_watchdog_reports_a_deadlocked_board() {
    let watched = within(DEADLINE, "the watchdog's verdict", || {
        watch(&deadlocked_board(), Duration::from_millis(1), NEVER, 20)
    });
    let Watched::Deadlocked(deadlock) = watched else {
        panic!("a deadlock");
    };
    assert_eq!(deadlock.to_string(), report(1, 0, 20));
}

/// The report's last lines say what to do, and a flag the learner did not give is not one of
/// them: a deadlock of the lower-first transfer comes from a change to its code.
#[test]
fn the_advice_names_the_flag_only_for_the_opposite_order() {
    assert!(advice(Order::Opposite).ends_with("without --opposite-order."));
    assert!(!advice(Order::LowerFirst).contains("--opposite-order"));
    assert!(advice(Order::LowerFirst).contains("lower_first::transfer"));
}

#[test]
fn the_watchdog_stops_when_every_thread_is_done() {
    let board = Board::new();
    for thread in 0..THREADS.len() {
        board.done(thread);
    }
    let watched = within(DEADLINE, "the watchdog's verdict", move || {
        watch(&board, Duration::from_millis(1), NEVER, 2)
    });
    assert_eq!(watched, Watched::Finished);
}

/// The rendezvous makes the deadlock certain: each thread takes its first lock and waits at a
/// barrier until the other has its own, and only then asks for its second. Real threads, real
/// locks, the lesson's `opposite_order::transfer`; the watchdog finds them as the chapter says.
/// The two threads stay blocked until the test process ends.
#[test]
fn with_opposite_orders_and_the_rendezvous_the_watchdog_finds_the_deadlock() {
    let watched = within(DEADLINE, "the watchdog's verdict", || {
        let bank = start(Order::Opposite, 3, Arc::new(Board::with_rendezvous()));
        watch(bank.board(), Duration::from_millis(1), NEVER, 6)
    });
    let Watched::Deadlocked(deadlock) = watched else {
        panic!("a deadlock");
    };
    assert_eq!(deadlock.to_string(), report(1, 0, 6));
}

#[test]
fn with_the_lower_first_the_threads_finish_at_the_expected_balances() {
    let balances = within(DEADLINE, "the lower-first threads to end", || {
        experiment(Order::LowerFirst, 1000)
    });
    assert_eq!(balances, Ok(Balances::expected(1000)));
}

/// The chapter shows the Python original whole, as it is shipped.
#[test]
fn the_chapter_shows_the_python_original_whole() {
    let chapter = include_str!("../../../docs/lock-order.md");
    let python = include_str!("../lock_order.py");
    assert!(
        chapter.contains(&format!("```python\n{python}```\n")),
        "docs/lock-order.md does not show crates/lock-order/lock_order.py whole, as it is"
    );
}
