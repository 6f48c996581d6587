//! The watchdog's soundness: it reports a deadlock only when the board proves a cycle of waits,
//! whatever the threads write on the board while it reads it; and the board itself never shows a
//! thread waiting for a lock it holds. Each interleaving is scripted, with the test hook that
//! runs between the watchdog's reads: no timing decides an outcome.
#![cfg(not(loom))]

use std::time::Duration;

use lock_order::{Board, Read, Watched, watch_reading};

/// Issue 26's interleaving, in the default (lower-first) program: Thread-2 has just counted a
/// transfer, holding A and B; Thread-1 waits for A. The watchdog reads the transfer count, then
/// the board a field at a time; after it has read that Thread-2 holds A and B, and before it reads
/// what Thread-2 waits for, Thread-2 releases both and, starting its next transfer, waits for A.
/// No transfer is counted in between, and no thread ever waits for another in a cycle: this is
/// no deadlock, and the watchdog must not say it is one.
#[test]
fn a_release_and_a_new_wait_while_the_watchdog_reads_is_no_deadlock() {
    let board = Board::new();
    board.waits(1, 0);
    board.holds(1, 0);
    board.waits(1, 1);
    board.holds(1, 1);
    board.transferred();
    board.waits(0, 0);
    let mut scripted = false;
    let watched = watch_reading(&board, Duration::from_millis(1), 4, |read| {
        if read == Read::Waits(1) && !scripted {
            scripted = true;
            board.releases(1, 1);
            board.releases(1, 0);
            board.waits(1, 0);
        }
    });
    assert!(scripted, "the watchdog never read what Thread-2 waits for");
    if let Watched::Deadlocked(deadlock) = watched {
        panic!("the watchdog reported a deadlock that is not one:\n{deadlock}");
    }
}
