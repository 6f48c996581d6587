//! What each Python construct the lesson ports does, checked on its Rust twin: a `Condition`'s
//! `wait` and `notify_all` (the withdrawal that waits, the deposit that wakes), and an `Event`'s
//! `set`, `wait` and `is_set`. No sleeps: where a test needs a thread to be waiting, it relies on
//! what the thread cannot do until a deposit lets it, and every wait runs under the deadline.
#![cfg(not(loom))]

use std::sync::Arc;
use std::thread;

use cli_checks::{DEADLINE, within};
use pretty_assertions::assert_eq;
use wait_for_funds::{Account, Event, mistaken};

/// `withdraw(n)` with the balance covering `n` takes it at once, in both forms, and a deposit
/// adds: the lock's part of `with cond:`.
#[test]
fn a_covered_withdrawal_takes_at_once() {
    let account = Account::new();
    account.deposit(13).unwrap();
    account.withdraw(5).unwrap();
    account.withdraw_wait_while(8).unwrap();
    assert_eq!(account.balance(), Ok(0));
}

/// `while balance < n: cond.wait()`: a withdrawal of 5 from 0 waits. A deposit of 3 wakes it,
/// and it waits again (3 does not cover 5), so the balance stays 3; a deposit of 2 more lets it
/// take the 5. Checked for both forms.
#[test]
fn a_withdrawal_waits_until_deposits_cover_it() {
    for wait_while in [false, true] {
        let account = Arc::new(Account::new());
        let waiter = Arc::clone(&account);
        let withdrawer = thread::spawn(move || match wait_while {
            false => waiter.withdraw(5),
            true => waiter.withdraw_wait_while(5),
        });
        account.deposit(3).unwrap();
        // Whether or not the withdrawer has started: 3 cannot cover 5, so nothing is taken.
        assert_eq!(account.balance(), Ok(3));
        account.deposit(2).unwrap();
        let taken = within(
            DEADLINE,
            "the withdrawal of 5 after deposits of 3 and 2",
            move || withdrawer.join().expect("the withdrawer does not panic"),
        );
        assert_eq!(taken, Ok(()));
        assert_eq!(account.balance(), Ok(0));
    }
}

/// `cond.notify_all()`: one deposit that covers several waiting withdrawals lets every one of
/// them go, each taking its own amount.
#[test]
fn one_deposit_covering_several_withdrawals_lets_them_all_go() {
    let account = Arc::new(Account::new());
    let withdrawers: Vec<_> = [2, 3, 4]
        .into_iter()
        .map(|n| {
            let account = Arc::clone(&account);
            thread::spawn(move || account.withdraw(n))
        })
        .collect();
    account.deposit(9).unwrap();
    let taken = within(
        DEADLINE,
        "three withdrawals of 2, 3 and 4 after one deposit of 9",
        move || {
            withdrawers
                .into_iter()
                .map(|withdrawer| withdrawer.join().expect("a withdrawer does not panic"))
                .collect::<Vec<_>>()
        },
    );
    assert_eq!(taken, vec![Ok(()); 3]);
    assert_eq!(account.balance(), Ok(0));
}

/// The mistaken versions do what the lesson says when nothing has to wait: the mistakes are in
/// the waiting, which the proofs show.
#[test]
fn the_mistaken_versions_agree_when_nothing_waits() {
    let account = Account::new();
    mistaken::deposit_notify_one(&account, 13).unwrap();
    mistaken::withdraw_if(&account, 5).unwrap();
    mistaken::withdraw_checked_before_lock(&account, 8).unwrap();
    assert_eq!(account.balance(), Ok(0));
}

/// `threading.Event()`: not set at first; `set()` sets it, and setting it again changes nothing;
/// `wait()` on a set Event returns at once.
#[test]
fn an_event_is_a_flag_set_once() {
    let event = Event::new();
    assert_eq!(event.is_set(), Ok(false));
    event.set().unwrap();
    assert_eq!(event.is_set(), Ok(true));
    event.set().unwrap();
    assert_eq!(event.is_set(), Ok(true));
    let event = Arc::new(event);
    let waiter = Arc::clone(&event);
    within(DEADLINE, "wait() on an Event already set", move || {
        waiter.wait()
    })
    .unwrap();
}

/// `opened.wait()` in several threads, then `opened.set()`: every one of them returns.
#[test]
fn setting_an_event_releases_every_waiter() {
    let event = Arc::new(Event::new());
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let event = Arc::clone(&event);
            thread::spawn(move || event.wait())
        })
        .collect();
    event.set().unwrap();
    let returned = within(
        DEADLINE,
        "three waiters on an Event, once it was set",
        move || {
            waiters
                .into_iter()
                .map(|waiter| waiter.join().expect("a waiter does not panic"))
                .collect::<Vec<_>>()
        },
    );
    assert_eq!(returned, vec![Ok(()); 3]);
}
