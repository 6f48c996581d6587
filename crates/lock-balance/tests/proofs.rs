//! The proofs: loom runs the lesson's own `experiment` (the two named threads, `run_thread`,
//! `change_it`) in every interleaving it can find, with a few iterations per thread instead of
//! 100 000.
//!
//! Run: `cargo xtask prove lock-balance`, or by hand
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p lock-balance
//! --test proofs -- --nocapture --test-threads=1`
//!
//! Loom's default search (no preemption bound) is not exhaustive: for one iteration per thread
//! without the lock it never reaches the final balance 8, which a search with preemption bound 1
//! finds in 42 executions (proof 3 reports what the default search misses). So each model says
//! which searches it runs, and the proofs with the lock run two: the default one, and one with
//! the largest bound loom accepts, a bound that in the measurements made cut nothing off. A model's
//! `executions` figure counts every execution of all its searches.
//!
//! The models are: proof 1 (with the lock, at every lock and release the balance is 0 whenever the
//! lock is free, no two critical sections overlap, and every interleaving ends at 0), proof 2
//! (with the lock, no thread ever finds the balance mid-change), the reachability check (with the
//! lock, a thread can take it between two iterations of the other), the contrast (without the
//! lock, loom finds a lost update), proof 3 (without the lock, loom reaches exactly the balances
//! an independent enumeration gives), one comparison that measures loom, not the lesson, and
//! is not a proof, and one check of the facade's `fetch_add` and `fetch_sub`.
//!
//! No model passes on less than it claims: each refuses to run when one of loom's search settings
//! is in the environment (`figures::Exploration::start`), fails on a search that ran no execution
//! (`Exploration::finish`), and asserts after its search what the program's shape requires it to
//! have seen: in every execution the steps the program takes (`as_built`), and every order of the
//! two threads' critical sections or changes (`Explored::every_order_reached`).
//!
//! When a model fails, its panic message is the counterexample in the lesson's terms: the failing
//! execution's steps on the balance as a two-column timeline (which thread took the lock and what
//! it found, what it left when it released it; the loads and stores without the lock; the balance
//! after each step; the overwritten update called out), recorded by the facade (`src/sync.rs`).
//! Loom's own trace is not available here: these models call `Builder::check`, which, unlike
//! `loom::model`, installs no `tracing` subscriber.
//!
//! This file holds the models and their properties; choosing and drawing a counterexample is in
//! `counterexample/`, the search plumbing every model shares in `support/`, proof 3's oracle in
//! `oracle/`.
//!
//! Each model names the mistakes that make it fail: they are patches in `crates/lock-balance/
//! mistakes/`, and `cargo xtask break lock-balance/<mistake>` applies one in a scratch copy and
//! shows the failure (`cargo xtask test` checks that each one is still caught).
#![cfg(loom)]

// Beside the models, so that each model below reads as its property: choosing and drawing a
// failing execution's counterexample, the searches and what every model asserts after its
// search, and proof 3's oracle.
mod counterexample;
mod oracle;
mod support;

use std::collections::BTreeSet;

use figures::Exploration;
use lock_balance::sync::steps::{self, Access, Step};
use lock_balance::{THREADS, Variant, experiment};

use counterexample::{
    Broken, Mark, drawn, is_lesson_thread, reads_latest, schedule, thread_steps, timeline,
};
use oracle::oracle;
use support::{
    Explored, LARGEST_BOUND, Run, bounded_search, default_search, every_run, explore, per_thread,
    show,
};

// ---------------------------------------------------------------------------------------------
// Proof 1: with the lock, every interleaving loom explores ends at 0.

/// Proof 1 for `iterations` per thread, under the default search and under a bounded search with
/// the largest bound loom accepts. In every execution loom explores: at every lock and every
/// release, the balance is 0 whenever the lock is free, and no two critical sections overlap
/// (`lock_invariant_and_ends_at_zero`); and the execution ends at 0. After the search: every
/// execution took the lock as the program is built to (`as_built`), and every order of the
/// threads' critical sections was reached (`Explored::every_order_reached`). With
/// `tests/change_it.rs` (one critical section leaves any balance as it found it), these are the
/// premises of the induction in docs/deeper/lock-balance.md that covers every iteration count.
///
/// Fails if the lock does not cover both lines of `change_it` together. The mistakes that make it
/// fail (`cargo xtask break lock-balance/<mistake>` shows each one):
/// - `no-lock`: the locked path built like the unlocked one (safe Rust offers no smaller way to
///   leave the lock out: without locking there is no `&mut i64` to give `change_it`);
/// - `lock-too-small`: the lock taken once to read the balance and again to write it;
/// - `lock-released-between-lines`: each line of `change_it` under its own lock. Every
///   interleaving still ends at 0 (`+ n` and `- n` commute), but a thread releases the lock with
///   the balance at `n`, which the invariant does not allow;
/// - `lock-across-the-loop`, from 2 iterations: each thread takes the lock once, not once per
///   iteration (the balance still ends at 0; see
///   `with_the_lock_a_thread_can_take_it_between_two_iterations_of_the_other`).
fn with_the_lock(iterations: u64) {
    let exploration = Exploration::start(&format!(
        "with the lock, whenever it is free the balance is 0, no two critical sections overlap, \
         and every interleaving loom explored ends at 0 ({}; default search + preemption \
         bound {LARGEST_BOUND})",
        per_thread(iterations)
    ));
    let searches = [default_search(), bounded_search(LARGEST_BOUND)];
    let explored = explore(
        &searches,
        Variant::Locked,
        iterations,
        &exploration,
        lock_invariant_and_ends_at_zero,
    );
    exploration.finish();
    explored.report_searches();
    figures::report("reachable", show(&explored.balances));
    assert_eq!(explored.balances, BTreeSet::from([0]));
    explored.every_execution_as_built();
    explored.every_order_reached();
}

/// Proof 1: with the lock, every interleaving ends at 0, 1 iteration per thread. What makes it
/// fail: see `with_the_lock`.
#[test]
fn with_the_lock_every_explored_interleaving_ends_at_zero_1_iteration() {
    with_the_lock(1);
}

/// Proof 1, 2 iterations per thread (see `with_the_lock`).
#[test]
fn with_the_lock_every_explored_interleaving_ends_at_zero_2_iterations() {
    with_the_lock(2);
}

/// Proof 1, 3 iterations per thread (see `with_the_lock`).
#[test]
fn with_the_lock_every_explored_interleaving_ends_at_zero_3_iterations() {
    with_the_lock(3);
}

/// Proof 1, 4 iterations per thread (see `with_the_lock`).
#[test]
fn with_the_lock_every_explored_interleaving_ends_at_zero_4_iterations() {
    with_the_lock(4);
}

/// Proof 1, 5 iterations per thread (see `with_the_lock`).
#[test]
fn with_the_lock_every_explored_interleaving_ends_at_zero_5_iterations() {
    with_the_lock(5);
}

/// Proof 1's invariant, checked at every lock and every release of the execution, the main
/// thread's included: whenever the lock is free the balance is the start balance, 0 (so each
/// thread that takes the lock finds 0, and each leaves 0 when it releases it); and no two
/// critical sections overlap (a thread takes the lock only while no thread holds it, and only the
/// thread that holds it releases it). Then the final balance.
fn lock_invariant_and_ends_at_zero(balance: i64, steps: &[Step]) -> Result<(), Broken> {
    // What broke, and the step that broke it, marked with `note` in the timeline.
    let broken = |what: String, step: usize, note: String| {
        Err(Broken {
            what: format!("with the lock, {what}"),
            telling: true,
            mark: Some(Mark { step, note }),
        })
    };
    let mut holder: Option<&str> = None;
    for (at, step) in steps.iter().enumerate() {
        let (thread, value) = (step.thread.as_str(), step.value);
        match (step.access, holder) {
            (Access::Lock, Some(other)) => {
                return broken(
                    format!(
                        "{thread} took the lock while {other} held it: two critical sections \
                         overlap"
                    ),
                    at,
                    format!("takes the lock while {other} holds it"),
                );
            }
            (Access::Lock, None) if value != 0 => {
                return broken(
                    format!(
                        "{thread} took the lock and found the balance at {value}, not 0: the \
                         lock was free with the balance away from where it started"
                    ),
                    at,
                    format!("finds {value} with the lock free"),
                );
            }
            (Access::Lock, None) => holder = Some(thread),
            (Access::Unlock, held) if held != Some(thread) => {
                return broken(
                    format!(
                        "{thread} released the lock on the balance, a lock it did not hold ({}): \
                         two critical sections overlap",
                        held.map_or("the lock was free".to_string(), |other| format!(
                            "{other} held it"
                        ))
                    ),
                    at,
                    "releases a lock it does not hold".to_string(),
                );
            }
            (Access::Unlock, _) if value != 0 => {
                return broken(
                    format!(
                        "{thread} released the lock leaving the balance at {value}, not 0: the \
                         next thread to take it would build on a change half done"
                    ),
                    at,
                    format!("leaves {value} with the lock free"),
                );
            }
            (Access::Unlock, _) => holder = None,
            _ => {}
        }
    }
    match balance {
        0 => Ok(()),
        _ => Err(Broken {
            what: format!(
                "the locked variant (Variant::Locked) ended this execution at {balance}, not 0"
            ),
            telling: true,
            mark: None,
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Proof 2: every thread that takes the lock finds 0.

/// Proof 2: with the lock, every time a thread takes it, it finds the balance at 0 (2 iterations
/// per thread, both searches). The Python's comment says "deposit then withdraw, the result
/// should be 0": this checks that no thread ever sees a deposit without its withdrawal, which a
/// final balance cannot show. (Proof 1's invariant includes it; this model says it in the
/// lesson's words, naming whose change was half done.)
///
/// Fails on `lock-released-between-lines` (each line of `change_it` under its own lock), whose
/// every interleaving still ends at 0, and on `lock-too-small`; and on `lock-across-the-loop`,
/// whose threads each take the lock once, not once per iteration (`as_built`).
#[test]
fn with_the_lock_every_thread_finds_the_balance_at_zero() {
    let exploration = Exploration::start(&format!(
        "with the lock, every thread that takes it finds the balance at 0 ({}; default search + \
         preemption bound {LARGEST_BOUND})",
        per_thread(2)
    ));
    let explored = explore(
        &[default_search(), bounded_search(LARGEST_BOUND)],
        Variant::Locked,
        2,
        &exploration,
        finds_zero_at_every_lock,
    );
    exploration.finish();
    explored.report_searches();
    figures::report("reachable", show(&explored.balances));
    explored.every_execution_as_built();
    explored.every_order_reached();
}

/// Every time a lesson thread takes the lock, the balance is 0: no thread sees another's deposit
/// before its withdrawal. The timeline marks the first lock taken on *another* thread's half-done
/// change, the step that breaks the claim.
fn finds_zero_at_every_lock(_: i64, steps: &[Step]) -> Result<(), Broken> {
    // Each time a lesson thread took the lock and found the balance away from 0: where, that
    // step, and whose change_it was half done then.
    let found: Vec<(usize, &Step, Vec<&str>)> = steps
        .iter()
        .enumerate()
        .filter(|(_, step)| is_lesson_thread(step))
        .filter(|(_, step)| step.access == Access::Lock && step.value != 0)
        .map(|(at, step)| (at, step, mid_change(&steps[..at])))
        .collect();
    let by_another = found.iter().find_map(|(at, step, pending)| {
        let others: Vec<&str> = pending
            .iter()
            .copied()
            .filter(|thread| *thread != step.thread)
            .collect();
        (!others.is_empty()).then_some((*at, *step, others))
    });
    match (by_another, found.first()) {
        (Some((at, step, others)), _) => {
            let whose: Vec<String> = others.iter().map(|other| format!("{other}'s")).collect();
            Err(Broken {
                what: format!(
                    "with the lock, {} took it and found the balance at {}, not 0: {}'s \
                     change_it was half done while the lock was free, and {} went on from there",
                    step.thread, step.value, others[0], step.thread
                ),
                telling: true,
                mark: Some(Mark {
                    step: at,
                    note: format!(
                        "finds {}: {} change_it half done",
                        step.value,
                        whose.join(" and ")
                    ),
                }),
            })
        }
        (None, Some((_, step, pending))) => Err(Broken {
            what: format!(
                "with the lock, {} took it and found the balance at {}, not 0: {}",
                step.thread,
                step.value,
                if pending.is_empty() {
                    "an earlier update was lost"
                } else {
                    "its own change_it was half done while the lock was free, and another \
                     thread could have taken it"
                }
            ),
            telling: false,
            mark: None,
        }),
        (None, None) => Ok(()),
    }
}

/// The lesson threads whose `change_it` is half done after `steps`: each has changed the balance
/// in an odd number of its lock sections (its `+ n` without its `- n`). With the lock around the
/// whole `change_it`, a section makes both changes and leaves the balance as it found it: none.
fn mid_change(steps: &[Step]) -> Vec<&'static str> {
    THREADS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| {
            let mut changes = 0;
            let mut found = None;
            for step in steps.iter().filter(|step| step.thread == *name) {
                match step.access {
                    Access::Lock => found = Some(step.value),
                    Access::Unlock if found.is_some_and(|found| found != step.value) => {
                        changes += 1;
                    }
                    _ => {}
                }
            }
            changes % 2 == 1
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reachability: the threads take turns.

/// Reachability, with the lock: one thread can take it between two iterations of the other
/// (2 iterations per thread, both searches). The seed takes its lock for each `change_it`, not
/// for the whole loop: the threads still take turns, and the lock serializes only the two lines
/// that must not be split. This model asks loom for an execution in which Thread-2 takes the
/// lock after Thread-1's first critical section and before its second, and one the other way
/// round, and reports an order of each (one that starts with the thread taken between, if any).
///
/// Fails on `lock-across-the-loop`: the guard taken once, before the `for` loop (Python: `with
/// lock:` around the whole loop). Every execution still ends at 0, and proof 1 with 1 iteration
/// still passes, but each thread now runs its whole loop alone: nothing is concurrent any more,
/// and the failure lists the orders loom reached, each thread's work in one piece.
#[test]
fn with_the_lock_a_thread_can_take_it_between_two_iterations_of_the_other() {
    let exploration = Exploration::start(&format!(
        "with the lock, one thread can take it between two iterations of the other ({}; default \
         search + preemption bound {LARGEST_BOUND})",
        per_thread(2)
    ));
    let explored = explore(
        &[default_search(), bounded_search(LARGEST_BOUND)],
        Variant::Locked,
        2,
        &exploration,
        lock_invariant_and_ends_at_zero,
    );
    exploration.finish();
    explored.report_searches();
    figures::report("reachable", show(&explored.balances));
    // An order of the critical sections with one of b's between two of a's; for the example,
    // one that starts with a and has b's right between two of a's (a b a) comes first.
    let between = |a: &str, b: &str| {
        explored
            .orders
            .iter()
            .filter(|order| {
                let first = order.iter().position(|t| *t == a);
                let last = order.iter().rposition(|t| *t == a);
                matches!((first, last), (Some(first), Some(last))
                    if order[first..last].contains(&b))
            })
            .min_by_key(|order| (order[0] != a, !order.windows(3).any(|w| w == [a, b, a])))
    };
    let [(one, _), (two, _)] = THREADS;
    for (a, b) in [(one, two), (two, one)] {
        match between(a, b) {
            Some(order) => figures::report(
                &format!("{b}-between-{a}"),
                format!(
                    "reached, e.g. the critical sections in the order {}",
                    order.join(" ")
                ),
            ),
            None => panic!(
                "with the lock, loom never let {b} take it between two iterations of {a}: in \
                 every execution {a} ran its critical sections with none of {b}'s in between \
                 (the balance still ends at 0, but the lock is held across more than one \
                 change_it, and the threads no longer take turns)\n\n\
                 counterexample: the orders of the critical sections loom reached:\n{}",
                explored.orders_list()
            ),
        }
    }
    explored.every_execution_as_built();
    explored.every_order_reached();
}

// ---------------------------------------------------------------------------------------------
// Contrast: without the lock, an update can be lost.

/// Contrast, and the timeline: without the lock, loom's default search finds an interleaving
/// that ends away from 0 (1 iteration per thread). The steps of each execution are recorded as it
/// runs; the lost update with the fewest thread switches is reported as `timeline`.
///
/// Fails on `fetch-add`: `unlocked::change_it` doing each line in one atomic step
/// (`fetch_add(n)` then `fetch_sub(n)`), so that no update can be lost. Its failure shows one of
/// those executions, each line one indivisible step.
#[test]
fn without_the_lock_an_update_can_be_lost() {
    let exploration = Exploration::start(
        "contrast: without the lock, some interleaving ends away from 0 (1 iteration per thread; default search)",
    );
    let search = default_search();
    let name = search.0.clone();
    let runs = every_run(search, &exploration, || experiment(Variant::Unlocked, 0, 1));
    exploration.finish();
    let explored = Explored::of_runs(&name, &runs, Variant::Unlocked, 1);
    figures::report("reachable", show(&explored.balances));
    if explored.balances == BTreeSet::from([0]) {
        // No execution to show the claim: every one is a counterexample to it. Shown, as an
        // example, the one with the most switches, in which, still, nothing was lost.
        let (number, (balance, steps)) = runs
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, steps))| {
                figures::switches(thread_steps(steps).map(|step| &step.thread))
            })
            .expect("at least one execution");
        panic!(
            "no lost update found: all {} executions ended at 0\n\n{}",
            runs.len(),
            schedule(
                &format!(
                    "counterexample: no execution lost an update; an execution, the one with the \
                     most thread switches, execution {} ({name})",
                    number + 1
                ),
                steps,
                Some(*balance),
                None
            )
        );
    }
    explored.every_execution_as_built();
    explored.every_order_reached();

    // Loom orders stores by vector clocks, not in one total order (it does not model SeqCst fully,
    // loom issue #180): two stores by threads that have not seen each other are unordered, and a
    // later load may read either. So in some executions a load (often the main thread's final one)
    // returns a store that is not the latest in the order loom ran them. Each such execution has
    // the outcome of some sequentially consistent interleaving (proof 3 checks the outcomes), but
    // its steps do not read as a timeline. Keep the ones that do.
    let in_order: Vec<&Run> = runs
        .iter()
        .filter(|(_, steps)| reads_latest(steps))
        .collect();
    figures::report(
        "in-timeline-order",
        format!(
            "{} of {} executions (every load returns the latest store, in the order loom ran them)",
            in_order.len(),
            runs.len()
        ),
    );
    let fewest = in_order
        .iter()
        .filter(|(balance, _)| *balance != 0)
        .min_by_key(|(_, steps)| figures::switches(thread_steps(steps).map(|step| &step.thread)))
        .expect("a lost update in timeline order");
    figures::report("timeline", timeline(&fewest.1, Some(fewest.0), None));
    // The same execution, the same rows, for the picture `cargo xtask prove` draws of it.
    figures::report(figures::SCHEDULE, drawn(&fewest.1, fewest.0));
}

// ---------------------------------------------------------------------------------------------
// Proof 3: exactly which balances the race can produce.

/// The bound proof 3 pins for the unlocked models: the smallest that reaches every outcome of the
/// oracle with 2 iterations per thread (bound 2 misses 8 of the 23; proof 3 reports which).
const PINNED_BOUND: usize = 3;

/// Proof 3 for `iterations` per thread: the pinned search reaches exactly the oracle's balances;
/// `compare` is another search, run only to report what it misses (reported under the figure
/// `<key>-search`). Both searches count in the model's `executions`; each one's own count is
/// reported with what it reached.
fn without_the_lock_exactly(iterations: u64, compare: (&str, &str, support::Search)) {
    let (key, described, search) = compare;
    let (expected, interleavings, witnesses) = oracle(iterations);
    let exploration = Exploration::start(&format!(
        "without the lock, the reachable balances are exactly the oracle's ({}; preemption bound \
         {PINNED_BOUND}, then {described} to report what it misses)",
        per_thread(iterations)
    ));
    // Whatever a search misses, it must never invent a balance no interleaving gives: checked in
    // each execution, so the one that does is shown.
    let possible = expected.clone();
    let interleaving_gives = move |balance: i64, _: &[Step]| match possible.contains(&balance) {
        true => Ok(()),
        false => Err(Broken {
            what: format!(
                "without the lock, this execution ended at {balance}, which no interleaving gives"
            ),
            telling: true,
            mark: None,
        }),
    };
    let pinned = [bounded_search(PINNED_BOUND)];
    let explored = explore(
        &pinned,
        Variant::Unlocked,
        iterations,
        &exploration,
        interleaving_gives.clone(),
    );
    let pinned_executions = exploration.executions();
    let compared = explore(
        &[search],
        Variant::Unlocked,
        iterations,
        &exploration,
        interleaving_gives,
    );
    compared.every_execution_as_built();
    let compared_executions = exploration.executions() - pinned_executions;
    exploration.finish();
    let (reachable, seen) = (&explored.balances, &compared.balances);

    figures::report("reachable", show(reachable));
    figures::report(
        "oracle",
        format!(
            "{} balances over {interleavings} interleavings: {}",
            expected.len(),
            show(&expected)
        ),
    );
    figures::report(
        &format!("bound-{PINNED_BOUND}-search"),
        format!(
            "{pinned_executions} executions, {} of {} balances",
            reachable.len(),
            expected.len()
        ),
    );
    let missed: BTreeSet<i64> = expected.difference(seen).copied().collect();
    figures::report(
        &format!("{key}-search"),
        format!(
            "{compared_executions} executions, {} of {} balances, missed {}",
            seen.len(),
            expected.len(),
            show(&missed)
        ),
    );
    // A balance some interleaving gives and loom never reached: the oracle's interleaving for it.
    if let Some(balance) = expected.difference(reachable).next() {
        panic!(
            "without the lock, loom (preemption bound {PINNED_BOUND}) reached {}, not all of the \
             oracle's {}: no execution ended at {balance}\n\n\
             counterexample: the oracle's interleaving that ends at {balance}, step by step:\n{}",
            show(reachable),
            show(&expected),
            timeline(&witnesses[balance], Some(*balance), None)
        );
    }
    assert_eq!(*reachable, expected);
    explored.every_execution_as_built();
    // Reported, not required: a preemption bound leaves out the orders of the changes that need
    // more switches than it allows (with 2 iterations, bound 3 reaches 44 of the 70), and still
    // reaches every balance; the oracle's balances are what this model's structure requires.
    explored.orders_reached();
}

/// Proof 3, 1 iteration per thread: without the lock, the final balances loom reaches are exactly
/// those of every sequentially consistent interleaving (the oracle): 7 balances over 70
/// interleavings. Also reports what loom's default search reaches: it misses 8.
///
/// Fails if `unlocked::change_it` changes how it reads and writes: on the catalogue's `fetch-add`
/// (both lines one atomic step) loom reaches only `{0}`; on `fetch-add-first-line-only`, it
/// reaches `{-8, -5, 0, 5, 8}` (-3 and 3 are missing), while the contrast still finds a lost
/// update. Each failure shows the oracle's interleaving for a balance loom did not reach;
/// `cargo xtask test` checks both entries.
#[test]
fn without_the_lock_the_reachable_balances_are_exactly_the_oracles_1_iteration() {
    without_the_lock_exactly(1, ("default", "the default search", default_search()));
}

/// Proof 3, 2 iterations per thread: as above, 23 balances over 12 870 interleavings. Also
/// reports what a search with preemption bound 2 reaches: it misses 8 of them.
///
/// Fails as above (on `fetch-add`, loom reaches only `{0}`).
#[test]
fn without_the_lock_the_reachable_balances_are_exactly_the_oracles_2_iterations() {
    without_the_lock_exactly(2, ("bound-2", "preemption bound 2", bounded_search(2)));
}

// ---------------------------------------------------------------------------------------------
// Not proofs of the lesson: a comparison of loom's searches, and a check of the facade.

/// Not a proof: a comparison, kept so that the chapter's figure for it is regenerated with the
/// proofs. The lesson's `unlocked::run_thread`, 1 iteration per thread, but each named thread
/// first waits at a start gate (a loom `Mutex` and `Condvar`) until both have arrived, then runs.
/// The lesson never had this gate; it is here to show that which outcome loom's default search
/// misses depends on the shape of the program: it reports what that search reaches here, against
/// the oracle. Only a search that invents a balance no interleaving gives makes it fail.
#[test]
fn comparison_default_search_behind_a_start_gate() {
    use lock_balance::sync::{AtomicI64, Ordering::SeqCst};
    use lock_balance::unlocked;
    use loom::sync::{Arc, Condvar, Mutex};

    let exploration = Exploration::start(
        "comparison, not a proof: without the lock, both threads behind a start gate (loom Mutex \
         and Condvar; 1 iteration per thread; default search)",
    );
    let search = default_search();
    let name = search.0.clone();
    let runs = every_run(search, &exploration, || {
        let balance = Arc::new(AtomicI64::new(0));
        let gate = Arc::new((Mutex::new(0), Condvar::new()));
        let mut threads = Vec::new();
        for (name, n) in THREADS {
            let (balance, gate) = (Arc::clone(&balance), Arc::clone(&gate));
            let thread = loom::thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    let (arrived, all_here) = &*gate;
                    let mut arrived = arrived.lock().unwrap();
                    *arrived += 1;
                    all_here.notify_all();
                    while *arrived < THREADS.len() {
                        arrived = all_here.wait(arrived).unwrap();
                    }
                    drop(arrived);
                    unlocked::run_thread(&balance, n, 1);
                })
                .unwrap();
            threads.push(thread);
        }
        for thread in threads {
            thread.join().unwrap();
        }
        Ok(balance.load(SeqCst))
    });
    exploration.finish();
    let explored = Explored::of_runs(&name, &runs, Variant::Unlocked, 1);
    let (expected, _, _) = oracle(1);
    let seen = &explored.balances;
    let missed: BTreeSet<i64> = expected.difference(seen).copied().collect();
    figures::report(
        "reachable",
        format!(
            "{} of {} balances, missed {}",
            seen.len(),
            expected.len(),
            show(&missed)
        ),
    );
    assert!(
        seen.is_subset(&expected),
        "behind a start gate, loom reached {}, which is not within the oracle's {}",
        show(seen),
        show(&expected)
    );
    // Not a proof, but it must still have run what it is built to: every thread's changes, in
    // every execution, and every order of them.
    explored.every_execution_as_built();
    explored.every_order_reached();
}

/// Not a proof of the lesson: a check of the facade the proofs read, for the part of it the
/// lesson does not run. `fetch_add` and `fetch_sub` are there for the chapter's "Try it" edit and
/// the catalogue's `fetch-add` entries; no model above calls them on the lesson as it is, so this
/// one does, on one thread: each returns the value it found, changes the balance by its `n`, and
/// is recorded as one step, `FetchAdd(n)` (a negative `n` for `fetch_sub`) with the value found.
#[test]
fn facade_fetch_add_and_fetch_sub_do_and_record_one_step_each() {
    use lock_balance::sync::{AtomicI64, Ordering::SeqCst as FacadeSeqCst};

    let exploration = Exploration::start(
        "not a proof: the facade's fetch_add and fetch_sub return what they found, change the \
         balance, and are recorded as one step each (1 thread)",
    );
    let counter = exploration.clone();
    default_search().1.check(move || {
        counter.execution();
        steps::record();
        let balance = AtomicI64::new(3);
        let found_by_add = balance.fetch_add(5, FacadeSeqCst);
        let after_add = balance.load(FacadeSeqCst);
        let found_by_sub = balance.fetch_sub(2, FacadeSeqCst);
        let after_sub = balance.load(FacadeSeqCst);
        let steps = steps::take();
        assert_eq!(
            (found_by_add, after_add, found_by_sub, after_sub),
            (3, 8, 8, 6),
            "fetch_add(5) from 3, then fetch_sub(2): (found, after) twice"
        );
        let recorded: Vec<(Access, i64)> = steps.iter().map(|s| (s.access, s.value)).collect();
        assert_eq!(
            recorded,
            [
                (Access::FetchAdd(5), 3),
                (Access::Load, 8),
                (Access::FetchAdd(-2), 8),
                (Access::Load, 6)
            ],
            "the facade's record of fetch_add(5) from 3, a load, fetch_sub(2), a load"
        );
    });
    exploration.finish();
}
