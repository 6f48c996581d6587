//! One critical section, alone: `locked::change_it` leaves every balance as it found it, for every
//! `n` with which `balance + n` does not overflow, and panics (before writing anything) where it
//! does. This is the premise of the induction over critical sections (docs/deeper/lock-balance.md,
//! "Every iteration count: the induction") that the loom models cannot supply: they run the
//! balance from 0 with `n` 5 and 8 only.
//!
//! A property test (proptest) tries many pairs, not every one of the 2^128: a fixed seed, so every
//! run tries the same pairs, half of them near the ends of `i64`, where overflow starts; and the
//! edges themselves, every pair of them, in `the_edges_exhaustively`. That `(b + n) - n` is `b`
//! whenever `b + n` does not overflow is the algebra this stands for.
#![cfg(not(loom))]

use std::cell::Cell;
use std::panic;
use std::sync::Once;

use lock_balance::locked::change_it;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// What one `change_it` must do: leave the balance unchanged, or, where `balance + n` overflows,
/// panic (overflow checks are on in every profile of this workspace) and leave it unchanged too.
fn check(balance: i64, n: i64) -> Result<(), String> {
    quiet_inside_check();
    let mut changed = balance;
    IN_CHECK.set(true);
    let result = panic::catch_unwind(panic::AssertUnwindSafe(|| change_it(&mut changed, n)));
    IN_CHECK.set(false);
    match (balance.checked_add(n), result) {
        (Some(_), Ok(())) if changed == balance => Ok(()),
        (Some(_), Ok(())) => Err(format!(
            "change_it(balance {balance}, n {n}) left {changed}, not {balance}"
        )),
        (Some(_), Err(_)) => Err(format!(
            "change_it(balance {balance}, n {n}) panicked, though {balance} + {n} does not \
             overflow"
        )),
        (None, Err(_)) if changed == balance => Ok(()),
        (None, Err(_)) => Err(format!(
            "change_it(balance {balance}, n {n}) panicked on the overflow after writing {changed}"
        )),
        (None, Ok(())) => Err(format!(
            "change_it(balance {balance}, n {n}) returned, leaving {changed}, though {balance} + \
             {n} overflows: it must panic"
        )),
    }
}

/// A balance or an `n`: anywhere in `i64`, or within 1000 of either end.
fn near_an_end_or_anywhere() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        (i64::MIN..=i64::MIN + 1000),
        (i64::MAX - 1000..=i64::MAX),
        (-1000..=1000_i64),
    ]
}

thread_local! {
    /// Set while [`check`] runs `change_it`, whose overflow panics are expected.
    static IN_CHECK: Cell<bool> = const { Cell::new(false) };
}

/// The overflow cases panic on purpose: keep their messages out of the test's output, and every
/// other panic's (a failing test's) in it.
fn quiet_inside_check() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !IN_CHECK.get() {
                default(info);
            }
        }));
    });
}

proptest! {
    // A fixed seed: the same pairs in every run (tests here are deterministic); no regression file
    // written into the source tree.
    #![proptest_config(Config {
        cases: 10_000,
        rng_seed: RngSeed::Fixed(17),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn change_it_leaves_every_balance_unchanged_or_panics_on_overflow(
        balance in near_an_end_or_anywhere(),
        n in near_an_end_or_anywhere(),
    ) {
        check(balance, n).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn the_edges_exhaustively() {
    let edges = [
        i64::MIN,
        i64::MIN + 1,
        i64::MIN + 8,
        -8,
        -5,
        -1,
        0,
        1,
        5,
        8,
        i64::MAX - 8,
        i64::MAX - 5,
        i64::MAX - 4,
        i64::MAX - 1,
        i64::MAX,
    ];
    let mut overflowed = 0;
    for balance in edges {
        for n in edges {
            if let Err(message) = check(balance, n) {
                panic!("{message}");
            }
            overflowed += usize::from(balance.checked_add(n).is_none());
        }
    }
    // Both kinds were tried: the check is not passing on one branch alone.
    assert!(overflowed > 0 && overflowed < edges.len() * edges.len());
}
