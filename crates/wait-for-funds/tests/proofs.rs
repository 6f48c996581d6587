//! The proofs: loom runs the lesson's own `experiment` (the named withdrawers and the depositor,
//! `withdraw`, `deposit`) in every interleaving it explores, with
//! 1 round instead of 100 000: Thread-1 withdraws 5, Thread-2 withdraws 8, the Depositor
//! pays in 5 then 8, and the main thread joins them (4 threads). The Event has a model of its
//! own (proof 4).
//!
//! Run: `cargo xtask prove wait-for-funds`, or by hand
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p wait-for-funds
//! --test proofs -- --nocapture --test-threads=1`
//!
//! The models are: proof 1 (the balance never goes below 0), proof 2 (every withdrawal
//! completes: no execution deadlocks, and each ends at 0), proof 3 (both, with a spurious wakeup
//! injected into each thread's first wait, which loom's own `Condvar` never gives), proof 4
//! (setting the Event releases every waiter); and four contrasts, each passing when loom finds
//! the mistake: `if` for `while` (the balance goes below 0), `notify_one` for `notify_all` (a lost
//! wakeup: a withdrawer waits for good), the balance checked before the lock, and `if` with one
//! withdrawer and a spurious wakeup.
//!
//! A deadlock is loom's panic `deadlock; threads = ...`: every thread blocked, the search stopped
//! there. The models catch it and say it in the lesson's words, from the steps the facade
//! (`src/sync.rs`) recorded. Each model sets loom's settings itself, refuses to run when one of
//! loom's environment variables that limit or change a search is set, and asserts what its search
//! must have covered. Each model names the mistakes that make it fail: patches in
//! `crates/wait-for-funds/mistakes/`, applied by `cargo xtask break wait-for-funds/<mistake>`.
#![cfg(loom)]

use std::collections::BTreeSet;

use figures::Exploration;
use wait_for_funds::sync::steps::{Access, Step};
use wait_for_funds::sync::{Arc, thread};
use wait_for_funds::{AMOUNTS, Event, Notify, Plan, Withdrawal, withdrawer_name};

// How the models run loom, and how a failing one shows what it found: beside the models, so
// that each model below reads as its property.
mod counterexample;
mod search;

use counterexample::{
    busiest, deadlock_report, drawn, rows, schedule, still_waiting, timeline, timeline_row,
};
use search::{
    Deadlocked, LARGEST_BOUND, Run, Search, Wakeups, bounded_search, default_search, explore,
    explore_with,
};

/// The lesson's two correct forms of the wait.
const FORMS: [Withdrawal; 2] = [Withdrawal::While, Withdrawal::WaitWhile];

fn plan(rounds: u64, withdrawal: Withdrawal, notify: Notify) -> Plan {
    Plan {
        amounts: AMOUNTS.to_vec(),
        rounds,
        withdrawal,
        notify,
    }
}

fn both_searches() -> Vec<Search> {
    vec![default_search(), bounded_search()]
}

fn per_thread(rounds: u64) -> String {
    match rounds {
        1 => "1 round".to_string(),
        _ => format!("{rounds} rounds"),
    }
}

/// The first moment the balance was below 0, if any: checked at every turn with the lock, each
/// value a thread found or left. In words, with its row of the timeline.
fn below_zero(run: &Run) -> Result<(), String> {
    let Some(at) = run
        .steps
        .iter()
        .position(|step| step.lock == 0 && step.value < 0)
    else {
        return Ok(());
    };
    let step = &run.steps[at];
    let row = timeline_row(&run.steps, at).map_or(String::new(), |row| format!(" (row {row})"));
    Err(format!(
        "the balance went below zero: {} left it at {}{row}.\n\
         A withdrawal took more than the balance held: the thread did not look at the balance\n\
         again, under the lock, before it took its amount",
        step.thread, step.value
    ))
}

/// Every withdrawal completed: the execution ended (loom would have stopped on a deadlock), and
/// the balance is what the deposits leave once every withdrawal is taken, 0.
fn ends_at_zero(run: &Run) -> Result<(), String> {
    match run.balance {
        0 => Ok(()),
        other => Err(format!(
            "the execution ended at a balance of {other}, not 0: the deposits pay in exactly what \
             the withdrawals take"
        )),
    }
}

fn both(run: &Run) -> Result<(), String> {
    below_zero(run).and_then(|()| ends_at_zero(run))
}

/// Did two withdrawers wait on the condvar at the same moment? What a lost wakeup needs.
fn waited_together(steps: &[Step]) -> bool {
    (1..=steps.len()).any(|end| still_waiting(&steps[..end]).len() >= 2)
}

/// Did a withdrawer wake, find the balance short of its amount, and wait again? What an `if`
/// would have got wrong.
fn woke_short(steps: &[Step]) -> bool {
    rows(steps)
        .iter()
        .any(|row| row.thread.starts_with("Thread-") && row.text.contains("waits again"))
}

/// The withdrawer that took money first.
fn first_to_withdraw(steps: &[Step]) -> Option<String> {
    rows(steps)
        .into_iter()
        .find(|row| row.thread.starts_with("Thread-") && row.text.contains("takes"))
        .map(|row| row.thread)
}

/// A form of the wait, as the Python writes it.
fn form(withdrawal: Withdrawal) -> &'static str {
    match withdrawal {
        Withdrawal::While => "`while`",
        Withdrawal::WaitWhile => "`wait_while`",
        Withdrawal::If => "`if` for `while`",
        Withdrawal::CheckedBeforeLock => "the balance checked before the lock",
    }
}

/// The notifies an execution called, from the facade's log: a model runs `notify_all`, but a
/// mistake may have changed the lesson's deposit, and the log says what really ran.
fn notifies(steps: &[Step]) -> &'static str {
    let called = |access| steps.iter().any(|step| step.access == access);
    match (called(Access::NotifiesOne), called(Access::NotifiesAll)) {
        (true, false) => "notify_one",
        (false, true) => "notify_all",
        (true, true) => "notify_one and notify_all",
        (false, false) => "no notify",
    }
}

/// A deadlock in a model of the lesson's right forms, headed by what ran and what was seen.
fn deadlock_seen(deadlocked: &Deadlocked, withdrawal: Withdrawal) -> String {
    let seen = match still_waiting(&deadlocked.steps).len() {
        0 => "every thread blocked",
        1 => "a withdrawal waits forever",
        _ => "withdrawals wait forever",
    };
    let what = format!(
        "with {} and {}, {seen}: a deadlock",
        form(withdrawal),
        notifies(&deadlocked.steps)
    );
    deadlock_report(deadlocked, &what, &AMOUNTS)
}

/// Runs the lesson's experiment for each correct form under both searches, with `check` on each
/// finished execution; a deadlock fails the model, in the lesson's words.
fn explore_forms(
    rounds: u64,
    searches: fn() -> Vec<Search>,
    wakeups: Wakeups,
    exploration: &Exploration,
    check: impl Fn(&Run) -> Result<(), String> + Clone + Send + Sync + 'static,
) -> Vec<Run> {
    let mut runs = Vec::new();
    for withdrawal in FORMS {
        let found = explore(
            searches(),
            &plan(rounds, withdrawal, Notify::All),
            wakeups,
            exploration,
            check.clone(),
        )
        .unwrap_or_else(|deadlocked| panic!("{}", deadlock_seen(&deadlocked, withdrawal)));
        runs.extend(found);
    }
    runs
}

/// Proof 1 for `rounds`: the balance never goes below 0, at any turn with the lock, in any
/// execution loom explores, for both forms of the wait (the `while` loop and `wait_while`), under
/// the default search and the largest preemption bound. It must have covered executions in which
/// both withdrawers waited at once, and in which a woken withdrawer found the balance short and
/// waited again (where an `if` goes wrong).
///
/// Fails on `if-instead-of-while` and on `checked-before-lock`, with the execution that went
/// below zero; on `notify-one` too, with the deadlock that stops its search.
fn never_below_zero(rounds: u64) {
    let exploration = Exploration::start(&format!(
        "the balance never goes below 0 ({}; while and wait_while; default search + preemption \
         bound {LARGEST_BOUND})",
        per_thread(rounds)
    ));
    let runs = explore_forms(
        rounds,
        both_searches,
        Wakeups::Notified,
        &exploration,
        below_zero,
    );
    exploration.finish();
    assert_eq!(runs.len() as u64, exploration.executions());
    let together = runs
        .iter()
        .filter(|run| waited_together(&run.steps))
        .count();
    let short = runs.iter().filter(|run| woke_short(&run.steps)).count();
    figures::report(
        "covered",
        format!(
            "{together} of {} executions had both withdrawers waiting at once;\n\
             in {short}, a woken withdrawer found the balance short and waited again",
            runs.len()
        ),
    );
    if together == 0 || short == 0 {
        panic!(
            "the balance never went below zero, but the search never had {}: it never tried \
             what an `if` gets wrong, so its \"never below zero\" would prove little\n\n{}",
            match together {
                0 => "both withdrawers waiting at once",
                _ => "a woken withdrawer find the balance short",
            },
            busiest(&runs, "both searches")
        );
    }
}

/// Proof 1, 1 round (see `never_below_zero`).
#[test]
fn the_balance_never_goes_below_zero_1_round() {
    never_below_zero(1);
}

/// Proof 2 for `rounds`: every withdrawal completes. No execution loom explores deadlocks (no
/// thread waits for a wakeup that never comes), and every one ends at 0, for both forms, under
/// both searches. It must have covered executions in which each withdrawer was first to take
/// money, and in which both waited at once (what a lost wakeup needs).
///
/// Fails on `notify-one` (a deposit wakes only the longest waiter: the deposit of 5 can wake
/// Thread-2, which needs 8, and the deposit of 8 then Thread-1, leaving Thread-2 waiting), on `event-set-without-notify` (the
/// threads waiting for the bank to open are never woken) and on `checked-before-lock`. Passes on
/// `if-instead-of-while`: the balance goes below zero, but every withdrawal still completes and
/// the total comes out right, which is why a final balance proves so little.
fn every_withdrawal_completes(rounds: u64) {
    let exploration = Exploration::start(&format!(
        "every withdrawal completes: no deadlock, and every execution ends at 0 ({}; while and \
         wait_while; default search + preemption bound {LARGEST_BOUND})",
        per_thread(rounds)
    ));
    let runs = explore_forms(
        rounds,
        both_searches,
        Wakeups::Notified,
        &exploration,
        ends_at_zero,
    );
    exploration.finish();
    assert_eq!(runs.len() as u64, exploration.executions());
    let endings: BTreeSet<i64> = runs.iter().map(|run| run.balance).collect();
    assert_eq!(endings, BTreeSet::from([0]), "every execution ends at 0");
    let together = runs
        .iter()
        .filter(|run| waited_together(&run.steps))
        .count();
    let firsts: Vec<String> = (0..AMOUNTS.len())
        .map(|k| {
            let name = withdrawer_name(k);
            let first = runs
                .iter()
                .filter(|run| first_to_withdraw(&run.steps).as_deref() == Some(name.as_str()))
                .count();
            format!("{name} in {first}")
        })
        .collect();
    figures::report(
        "covered",
        format!(
            "{together} of {} executions had both withdrawers waiting at once;\n\
             first to take money: {}",
            runs.len(),
            firsts.join(", ")
        ),
    );
    if together == 0 {
        panic!(
            "no execution deadlocked, but in none of the {} executions did both withdrawers \
             wait at once: the search never tried what a lost wakeup needs\n\n{}",
            runs.len(),
            busiest(&runs, "both searches")
        );
    }
    assert!(
        firsts.iter().all(|first| !first.ends_with(" in 0")),
        "each withdrawer must have been first to take money in some execution; the firsts seen: \
         {}",
        firsts.join("; ")
    );
}

/// Proof 2, 1 round (see `every_withdrawal_completes`).
#[test]
fn every_withdrawal_completes_1_round() {
    every_withdrawal_completes(1);
}

/// Proof 3: with a spurious wakeup injected (each thread's first wait on each condvar returns
/// with no notify, the lock released and taken back: std allows it, loom's `Condvar` never does
/// it), the balance still never goes below 0, no execution deadlocks, and every one ends at 0
/// (1 round, both forms, default search). It must have covered an execution in which a withdrawer
/// woke spuriously to a balance short of its amount.
///
/// Fails on `if-instead-of-while`: a withdrawer woken with no deposit takes its amount from 0.
fn with_spurious_wakeups(rounds: u64) {
    let exploration = Exploration::start(&format!(
        "with a spurious wakeup in each thread's first wait, the balance never goes below 0 and \
         every execution ends at 0 ({}; while and wait_while; default search)",
        per_thread(rounds)
    ));
    let runs = explore_forms(
        rounds,
        || vec![default_search()],
        Wakeups::Spurious,
        &exploration,
        both,
    );
    exploration.finish();
    assert_eq!(runs.len() as u64, exploration.executions());
    let spurious_short = runs
        .iter()
        .filter(|run| {
            rows(&run.steps).iter().any(|row| {
                row.thread.starts_with("Thread-")
                    && row.text.starts_with("wakes unnotified")
                    && row.text.contains("waits again")
            })
        })
        .count();
    figures::report(
        "covered",
        format!(
            "in {spurious_short} of {} executions, a withdrawer woke unnotified to a balance\n\
             short of its amount, and waited again",
            runs.len()
        ),
    );
    assert!(
        spurious_short > 0,
        "no withdrawer ever woke spuriously to a short balance: the injection did nothing"
    );
}

/// Proof 3, 1 round (see `with_spurious_wakeups`).
#[test]
fn with_spurious_wakeups_the_while_loop_still_holds_1_round() {
    with_spurious_wakeups(1);
}

/// How many threads wait for the Event in proof 4 (with the main thread, which sets it, 3).
const EVENT_WAITERS: usize = 2;

/// Proof 4: `threading.Event`. Two threads wait for it and the main thread sets it: in every
/// execution loom explores, each waiter returns and the Event is set at the end, with and without
/// spurious wakeups, under both searches. It must have covered executions in which a waiter had
/// to wait, and ones in which a waiter found the flag already set.
///
/// Fails on `event-set-without-notify` (`set` changes the flag but wakes no one: a waiter that
/// was already waiting waits forever).
#[test]
fn setting_the_event_releases_every_waiter() {
    let exploration = Exploration::start(&format!(
        "setting the Event releases every waiter ({EVENT_WAITERS} waiters; notified and spurious \
         wakeups; default search + preemption bound {LARGEST_BOUND})"
    ));
    let work = || {
        let event = Arc::new(Event::new());
        let waiters: Vec<_> = (1..=EVENT_WAITERS)
            .map(|k| {
                let event = Arc::clone(&event);
                thread::Builder::new()
                    .name(format!("Waiter-{k}"))
                    .spawn(move || event.wait())
                    .expect("a loom thread")
            })
            .collect();
        event.set().map_err(|poisoned| poisoned.to_string())?;
        for waiter in waiters {
            waiter
                .join()
                .map_err(|_| "a waiter panicked".to_string())?
                .map_err(|poisoned| poisoned.to_string())?;
        }
        let set = event.is_set().map_err(|poisoned| poisoned.to_string())?;
        Ok(i64::from(set))
    };
    let mut runs = Vec::new();
    for wakeups in [Wakeups::Notified, Wakeups::Spurious] {
        let found = explore_with(
            vec![default_search(), bounded_search()],
            wakeups,
            &exploration,
            work,
            |run| match run.balance {
                1 => Ok(()),
                _ => Err("every waiter returned, but the Event is not set".to_string()),
            },
        )
        .unwrap_or_else(|deadlocked| {
            let waiting = still_waiting(&deadlocked.steps).join(" and ");
            panic!(
                "the Event was set, but {waiting} still waits for it, and nothing will wake \
                 {}:\na deadlock\n\n{}",
                match waiting.contains(" and ") {
                    true => "them",
                    false => "it",
                },
                schedule(
                    deadlocked.execution,
                    &deadlocked.search,
                    &deadlocked.steps,
                    None
                )
            )
        });
        runs.extend(found);
    }
    exploration.finish();
    assert_eq!(runs.len() as u64, exploration.executions());
    let waited = runs
        .iter()
        .filter(|run| {
            rows(&run.steps)
                .iter()
                .any(|row| row.text.ends_with(": waits"))
        })
        .count();
    let found_set = runs
        .iter()
        .filter(|run| {
            rows(&run.steps)
                .iter()
                .any(|row| row.thread.starts_with("Waiter-") && row.text == "finds 1: reads it")
        })
        .count();
    figures::report(
        "covered",
        format!(
            "in {waited} of {} executions a waiter had to wait; in {found_set}, a waiter found\n\
             the Event already set",
            runs.len()
        ),
    );
    assert!(
        waited > 0 && found_set > 0,
        "both cases must have been covered"
    );
}

/// What a contrast found, to report: how many executions showed the mistake, and the one drawn.
fn report_found(what: &str, runs: &[Run], shown: &Run) {
    figures::report(
        "found-at",
        format!(
            "{} of {} executions; the first, execution {}",
            runs.iter().filter(|run| below_zero(run).is_err()).count(),
            runs.len(),
            runs.iter()
                .find(|run| below_zero(run).is_err())
                .map_or(0, |run| run.execution)
        ),
    );
    figures::report(
        "report",
        format!(
            "{what}:\nexecution {} ({}), step by step:\n{}",
            shown.execution,
            shown.search,
            timeline(&shown.steps, Some(shown.balance))
        ),
    );
}

/// Of the executions that went below zero, the one with the fewest switches between threads (the
/// first of them on a tie): the easiest to follow.
fn simplest_below_zero(runs: &[Run]) -> Option<&Run> {
    runs.iter()
        .filter(|run| below_zero(run).is_err())
        .min_by_key(|run| figures::switches(rows(&run.steps).into_iter().map(|row| row.thread)))
}

/// Contrast, and the picture: with `if` for `while` (`mistaken::withdraw_if`), two withdrawers,
/// 1 round, default search: loom finds executions in which the balance goes below zero. One
/// deposit of 5 wakes both waiting withdrawers; one takes the 5, the other takes its amount from
/// what is left. Passes when it finds one; reports how many, the simplest as a timeline, and its
/// schedule for the chapter's picture.
///
/// Fails on `contrast-if-given-the-while` (the contrast's `if` made a `while`: nothing to find).
#[test]
fn with_if_not_while_the_balance_goes_below_zero() {
    let exploration = Exploration::start(
        "contrast: with if for while, loom finds the balance below 0 (2 withdrawers; 1 round; \
         default search)",
    );
    let runs = explore(
        vec![default_search()],
        &plan(1, Withdrawal::If, Notify::All),
        Wakeups::Notified,
        &exploration,
        |_| Ok(()),
    )
    .unwrap_or_else(|deadlocked| {
        panic!(
            "{}",
            deadlock_report(&deadlocked, "with if for while, a deadlock", &AMOUNTS)
        )
    });
    exploration.finish();
    let Some(shown) = simplest_below_zero(&runs) else {
        panic!(
            "with if for while, the balance never went below zero in {} executions\n\n{}",
            runs.len(),
            busiest(&runs, "default search")
        );
    };
    report_found(
        "with if for while, the balance went below zero",
        &runs,
        shown,
    );
    let below = rows(&shown.steps)
        .into_iter()
        .find(|row| row.value < 0)
        .expect("the execution went below zero");
    figures::report(
        figures::SCHEDULE,
        drawn(
            &shown.steps,
            &AMOUNTS,
            "`if`, not `while`: a woken withdrawer takes its amount without looking again",
            |row| row.value < 0,
            &format!(
                "{} took {} from {}, leaving {}: once woken, it did not look again",
                below.thread,
                below.found - below.value,
                below.found,
                below.value
            ),
        ),
    );
}

/// Contrast: with `notify_one` for `notify_all` (`mistaken::deposit_notify_one`), 1 round,
/// default search: loom finds a lost wakeup. Both withdrawers wait; the deposit of 5 wakes only
/// the longest waiter; if that is Thread-2, which needs 8, it waits again, and the deposit of 8
/// wakes Thread-1, which takes 5. Thread-2 and the main thread, in `join`, then wait for good:
/// loom reports a deadlock. Passes when it finds one with a withdrawer still waiting.
///
/// Fails on `contrast-notify-one-given-notify-all`.
#[test]
fn with_notify_one_a_withdrawal_waits_forever() {
    let exploration = Exploration::start(
        "contrast: with notify_one for notify_all, loom finds a lost wakeup, every thread \
         waiting (1 round; default search)",
    );
    let found = explore(
        vec![default_search()],
        &plan(1, Withdrawal::While, Notify::One),
        Wakeups::Notified,
        &exploration,
        |_| Ok(()),
    );
    exploration.finish();
    let deadlocked = match found {
        Err(deadlocked) => deadlocked,
        Ok(runs) => panic!(
            "with notify_one, no execution deadlocked: all {} ended\n\n{}",
            runs.len(),
            busiest(&runs, "default search")
        ),
    };
    assert!(
        !still_waiting(&deadlocked.steps).is_empty(),
        "loom stopped on a deadlock, but no withdrawer waits on the condvar:\n{}",
        deadlock_report(&deadlocked, "a deadlock", &AMOUNTS)
    );
    figures::report(
        "found-at",
        format!("found in execution {}", deadlocked.execution),
    );
    // Headed as `break wait-for-funds/notify-one` heads the same deadlock in the right forms'
    // models, so that the chapter's copy reads as what a learner sees.
    figures::report("report", deadlock_seen(&deadlocked, Withdrawal::While));
}

/// Contrast: with the balance checked before the lock is taken
/// (`mistaken::withdraw_checked_before_lock`), 1 round, default search: loom finds the balance
/// below zero (two withdrawers each saw enough, and both took) or a lost wakeup (the deposit came
/// between the check and the wait). Passes when it finds either, and reports which.
#[test]
fn with_the_balance_checked_before_the_lock_loom_finds_a_failure() {
    let exploration = Exploration::start(
        "contrast: with the balance checked before the lock, loom finds it below 0 or a lost \
         wakeup (1 round; default search)",
    );
    let found = explore(
        vec![default_search()],
        &plan(1, Withdrawal::CheckedBeforeLock, Notify::All),
        Wakeups::Notified,
        &exploration,
        |_| Ok(()),
    );
    exploration.finish();
    match found {
        Err(deadlocked) => {
            figures::report(
                "found-at",
                format!("a lost wakeup, in execution {}", deadlocked.execution),
            );
            figures::report(
                "report",
                deadlock_report(
                    &deadlocked,
                    "with the balance checked before the lock, a withdrawal waits forever",
                    &AMOUNTS,
                ),
            );
        }
        Ok(runs) => {
            let Some(shown) = simplest_below_zero(&runs) else {
                panic!(
                    "with the balance checked before the lock, no execution deadlocked or went \
                     below zero in {}\n\n{}",
                    runs.len(),
                    busiest(&runs, "default search")
                );
            };
            report_found(
                "with the balance checked before the lock, the balance went below zero",
                &runs,
                shown,
            );
        }
    }
}

/// Contrast: loom's `Condvar` never wakes spuriously, so with one withdrawer the `if` looks
/// right to it; with a spurious wakeup injected (see proof 3), loom finds the balance below zero
/// even with one withdrawer (Thread-1, 5; 1 round; default search). Passes when it finds it.
#[test]
fn with_a_spurious_wakeup_if_goes_below_zero_with_one_withdrawer() {
    let exploration = Exploration::start(
        "contrast: with a spurious wakeup, if for while goes below 0 with one withdrawer (1 \
         round; default search)",
    );
    let alone = Plan {
        amounts: vec![AMOUNTS[0]],
        ..plan(1, Withdrawal::If, Notify::All)
    };
    let notified = explore(
        vec![default_search()],
        &alone,
        Wakeups::Notified,
        &exploration,
        |_| Ok(()),
    );
    let runs = explore(
        vec![default_search()],
        &alone,
        Wakeups::Spurious,
        &exploration,
        |_| Ok(()),
    );
    exploration.finish();
    let (Ok(notified), Ok(runs)) = (notified, runs) else {
        panic!("one withdrawer and a depositor deadlocked");
    };
    assert!(
        notified.iter().all(|run| below_zero(run).is_ok()),
        "without spurious wakeups, one withdrawer with `if` never goes below zero under loom"
    );
    let Some(shown) = simplest_below_zero(&runs) else {
        panic!(
            "with a spurious wakeup, the `if` never went below zero in {} executions\n\n{}",
            runs.len(),
            busiest(&runs, "default search")
        );
    };
    figures::report(
        "notified-only",
        format!(
            "without the injected wakeup: {} executions, none below 0",
            notified.len()
        ),
    );
    report_found(
        "with a spurious wakeup and if for while, the balance went below zero",
        &runs,
        shown,
    );
}
