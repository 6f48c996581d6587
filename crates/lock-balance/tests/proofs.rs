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
//! execution's steps on the balance as a two-column timeline (which thread took the lock, read,
//! wrote, released it; the balance after each step; the overwritten update called out), recorded
//! by the facade (`src/sync.rs`). Loom's own trace is not available here: these models call
//! `Builder::check`, which, unlike `loom::model`, installs no `tracing` subscriber.
//!
//! Each model names the mistakes that make it fail: they are patches in `crates/lock-balance/
//! mistakes/`, and `cargo xtask break lock-balance/<mistake>` applies one in a scratch copy and
//! shows the failure (`cargo xtask test` checks that each one is still caught).
#![cfg(loom)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};

use figures::Exploration;
use lock_balance::sync::steps::{self, Access, Step};
use lock_balance::{THREADS, Variant, experiment};

// Choosing and drawing a failing execution's counterexample: beside the models, so that each
// model below reads as its property.
mod counterexample;

use counterexample::{
    Broken, LOOK_FURTHER, drawn, out_of_order, reads_latest, schedule, thread_steps, timeline,
};

/// Loom's default search: no preemption bound (set explicitly; the models also refuse to run with
/// `LOOM_MAX_PREEMPTIONS`, or any other of loom's search settings, in the environment).
fn default_search() -> Search {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = None;
    ("default search".to_string(), builder)
}

/// A bounded search. Loom's bounded mode adds backtracking points the default mode does not (it
/// "conservatively" covers what the bound would otherwise miss, `rt/path.rs`); with a bound large
/// enough that raising it explores nothing more, the bound cuts nothing off.
fn bounded_search(bound: usize) -> Search {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(bound);
    (format!("preemption bound {bound}"), builder)
}

/// A search: its name, for messages, and loom's settings.
type Search = (String, loom::model::Builder);

/// The largest bound loom accepts (it stores it in a `u8`). That it cuts nothing off is a
/// measurement, not a theorem: with the lock and 5 iterations per thread, bounds 20, 40 and 255
/// explore the same 8 316 executions.
const LARGEST_BOUND: usize = u8::MAX as usize;

/// The bound proof 3 pins for the unlocked models: the smallest that reaches every outcome of the
/// oracle with 2 iterations per thread (bound 2 misses 8 of the 23; proof 3 reports which).
const PINNED_BOUND: usize = 3;

/// Runs the lesson's experiment in `variant` with `iterations` per thread under each search in
/// turn, and returns every final balance seen. `count` is called once per execution and returns
/// its number. `check` gets the final balance and the steps the facade recorded, and returns what
/// went wrong, in words, if anything; it runs inside the model, so a failure stops the search at
/// the first counterexample that reads as a timeline (or, if the search finds none, at the first
/// one): the panic names the execution and the search, says what went wrong, and shows that
/// execution's steps as a timeline.
fn final_balances(
    searches: &[Search],
    variant: Variant,
    iterations: u64,
    count: impl Fn() -> u64 + Clone + Send + Sync + 'static,
    check: impl Fn(i64, &[Step]) -> Result<(), Broken> + Clone + Send + Sync + 'static,
    half_done: bool,
) -> Explored {
    // A std Mutex: invisible to loom, it collects across executions; it is only locked after the
    // loom threads are joined, never across a loom operation.
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let orders = Arc::new(Mutex::new(BTreeSet::new()));
    let misbuilt: Arc<Mutex<Option<String>>> = Arc::default();
    let mut per_search = Vec::new();
    // The best failing execution so far, held back while the search looks for a better one (see
    // `LOOK_FURTHER`): (its rank, the number of the first failing execution, its message).
    let held: Arc<Mutex<Option<(u8, u64, String)>>> = Arc::default();
    for (name, search) in searches {
        let (seen, count, check, name, hold) = (
            Arc::clone(&seen),
            count.clone(),
            check.clone(),
            name.clone(),
            Arc::clone(&held),
        );
        let (orders, misbuilt) = (Arc::clone(&orders), Arc::clone(&misbuilt));
        let this_search = Arc::new(std::sync::atomic::AtomicU64::new(0));
        per_search.push((name.clone(), Arc::clone(&this_search)));
        search.check(move || {
            this_search.fetch_add(1, SeqCst);
            let execution = count();
            steps::record();
            let result = experiment(variant, 0, iterations);
            let steps = steps::take();
            let balance = match result {
                Ok(balance) => balance,
                Err(failures) => panic!(
                    "a thread failed: {failures:?}\n\n{}",
                    schedule(execution, &name, &steps, None, half_done)
                ),
            };
            if let Err(Broken { what, telling }) = check(balance, &steps) {
                let in_order = reads_latest(&steps);
                let mut message = format!(
                    "{what}\n\n{}",
                    schedule(execution, &name, &steps, Some(balance), half_done)
                );
                if !in_order {
                    message.push_str(&out_of_order());
                }
                // A schedule that reads as one timeline first, then a telling one; the best of
                // both is shown at once.
                let rank = 2 * u8::from(in_order) + u8::from(telling);
                if rank == 3 {
                    panic!("{message}");
                }
                let mut held = hold.lock().unwrap();
                let first = held.as_ref().map_or(execution, |(_, first, _)| *first);
                if held.as_ref().is_none_or(|(best, _, _)| rank > *best) {
                    *held = Some((rank, first, message));
                }
                if execution - first >= LOOK_FURTHER {
                    panic!("{}", held.take().expect("just held").2);
                }
            }
            // What the model's structure requires of every execution, noted for after the search
            // (a failure of the property itself, above, is the one to show first).
            if let Err(what) = as_built(variant, iterations, &steps) {
                misbuilt.lock().unwrap().get_or_insert_with(|| {
                    format!(
                        "{what}\n\n{}",
                        schedule(execution, &name, &steps, Some(balance), half_done)
                    )
                });
            }
            orders.lock().unwrap().insert(order(variant, &steps));
            seen.lock().unwrap().insert(balance);
        });
        if let Some((_, _, message)) = held.lock().unwrap().take() {
            panic!("{message}");
        }
    }
    Explored {
        balances: seen.lock().unwrap().clone(),
        orders: orders.lock().unwrap().clone(),
        misbuilt: misbuilt.lock().unwrap().take(),
        searches: per_search
            .into_iter()
            .map(|(name, executions)| (name, executions.load(SeqCst)))
            .collect(),
        variant,
        iterations,
    }
}

/// What a search reached: the final balances, and the orders in which the two lesson threads
/// acted (see [`order`]).
struct Explored {
    balances: BTreeSet<i64>,
    orders: BTreeSet<Vec<&'static str>>,
    /// The first execution whose steps were not as the program is built (see [`as_built`]): what
    /// was wrong, and its timeline.
    misbuilt: Option<String>,
    /// Each search's name and the executions it ran.
    searches: Vec<(String, u64)>,
    variant: Variant,
    iterations: u64,
}

impl Explored {
    /// Reports each search's own executions (the figure `searches`), for a model that runs more
    /// than one: which search explored how much.
    fn report_searches(&self) {
        let each: Vec<String> = self
            .searches
            .iter()
            .map(|(name, executions)| format!("{name}: {executions}"))
            .collect();
        figures::report("searches", each.join(", "));
    }

    /// Every execution's steps were as the program is built (see [`as_built`]); a model checks
    /// it after its own property, so that the property's failure is the one shown first.
    fn every_execution_as_built(&self) {
        if let Some(message) = &self.misbuilt {
            panic!("{message}");
        }
    }

    /// Every order the structure allows was reached: with the lock, each of the C(2N, N) orders
    /// of the 2N critical sections (N per thread); without it, each of the C(4N, 2N) orders of
    /// the 4N changes. Two critical sections (or two stores) of one balance conflict, so loom
    /// must try both orders of every two of them; an order never reached means the search was
    /// cut short, or the facade recorded less than the threads did.
    fn every_order_reached(&self) {
        let (missed, all) = self.orders_reached();
        if let Some(order) = missed.first() {
            panic!(
                "loom never ran the two threads' {} in the order {}: {} of the {} orders the \
                 program allows were reached, so the search explored less than it must\n\n\
                 counterexample: the orders reached:\n{}",
                match self.variant {
                    Variant::Locked => "critical sections",
                    Variant::Unlocked => "changes",
                },
                order.join(" "),
                all - missed.len(),
                all,
                self.orders
                    .iter()
                    .map(|order| format!("  {}", order.join(" ")))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }

    /// Reports how many of the orders the structure allows were reached (the figure `orders`),
    /// and returns those missed, and how many there are.
    fn orders_reached(&self) -> (Vec<Vec<&'static str>>, usize) {
        let per_thread = match self.variant {
            Variant::Locked => self.iterations,
            Variant::Unlocked => 2 * self.iterations,
        };
        let all = orders_of(per_thread);
        let missed: Vec<Vec<&'static str>> = all.difference(&self.orders).cloned().collect();
        figures::report(
            "orders",
            format!(
                "{} of the {} orders of the two threads' {}",
                all.len() - missed.len(),
                all.len(),
                match self.variant {
                    Variant::Locked => "critical sections",
                    Variant::Unlocked => "changes (stores or fetch_adds)",
                }
            ),
        );
        (missed, all.len())
    }
}

/// Which lesson thread acted, in order: with the lock, the thread of each critical section (each
/// time it took the lock); without it, the thread of each change (a store or a `fetch_add`).
fn order(variant: Variant, steps: &[Step]) -> Vec<&'static str> {
    thread_steps(steps)
        .filter(|step| match variant {
            Variant::Locked => step.access == Access::Lock,
            Variant::Unlocked => matches!(step.access, Access::Store | Access::FetchAdd(_)),
        })
        .map(|step| {
            THREADS
                .iter()
                .find(|(name, _)| *name == step.thread)
                .expect("a lesson thread")
                .0
        })
        .collect()
}

/// Every order of `per_thread` actions of each of the two threads: C(2 per_thread, per_thread).
fn orders_of(per_thread: u64) -> BTreeSet<Vec<&'static str>> {
    fn go(left: [u64; 2], path: &mut Vec<&'static str>, all: &mut BTreeSet<Vec<&'static str>>) {
        if left == [0, 0] {
            all.insert(path.clone());
        }
        for thread in 0..2 {
            if left[thread] > 0 {
                let mut left = left;
                left[thread] -= 1;
                path.push(THREADS[thread].0);
                go(left, path, all);
                path.pop();
            }
        }
    }
    let mut all = BTreeSet::new();
    go([per_thread; 2], &mut Vec::new(), &mut all);
    all
}

/// What the program's structure requires of one execution's recorded steps, whatever the
/// schedule: with the lock, each lesson thread takes it and releases it once per iteration, and
/// the main thread once, to read the balance; without it, each lesson thread changes the balance
/// twice per iteration (a store, or one `fetch_add`), and the main thread loads it once. A search
/// that recorded fewer steps (a facade that records nothing, a thread not run) fails here.
fn as_built(variant: Variant, iterations: u64, steps: &[Step]) -> Result<(), String> {
    let count = |thread: &str, accesses: &dyn Fn(Access) -> bool| {
        steps
            .iter()
            .filter(|step| step.thread == thread && accesses(step.access))
            .count() as u64
    };
    for (name, _) in THREADS.iter().copied().chain([(steps::UNNAMED, 0)]) {
        let main = name == steps::UNNAMED;
        let (who, per) = match main {
            true => ("the main thread".to_string(), 1),
            false => (name.to_string(), iterations),
        };
        match variant {
            Variant::Locked => {
                let taken = count(name, &|access| access == Access::Lock);
                let released = count(name, &|access| access == Access::Unlock);
                if (taken, released) != (per, per) {
                    return Err(format!(
                        "with the lock, {who} took it {} and released it {} in this execution; \
                         the program takes it once {}: {}",
                        times(taken),
                        times(released),
                        if main {
                            "to read the balance"
                        } else {
                            "per iteration"
                        },
                        times(per)
                    ));
                }
            }
            Variant::Unlocked if main => {
                let loads = count(name, &|access| access == Access::Load);
                if loads != 1 {
                    return Err(format!(
                        "without the lock, the main thread loaded the balance {} in this \
                         execution; the program loads it once, to print it",
                        times(loads)
                    ));
                }
            }
            Variant::Unlocked => {
                let changes = count(name, &|access| {
                    matches!(access, Access::Store | Access::FetchAdd(_))
                });
                if changes != 2 * per {
                    return Err(format!(
                        "without the lock, {who} changed the balance {} in this execution; the \
                         program changes it twice per iteration: {}",
                        times(changes),
                        times(2 * per)
                    ));
                }
            }
        }
    }
    Ok(())
}

fn ends_at_zero(balance: i64, _: &[Step]) -> Result<(), Broken> {
    match balance {
        0 => Ok(()),
        _ => Err(Broken {
            what: format!("with the lock, this execution ended at {balance}, not 0"),
            telling: true,
        }),
    }
}

/// Proof 1's invariant, checked at every lock and every release of the execution, the main
/// thread's included: whenever the lock is free the balance is the start balance, 0 (so each
/// thread that takes the lock finds 0, and each leaves 0 when it releases it); and no two
/// critical sections overlap (a thread takes the lock only while no thread holds it, and only the
/// thread that holds it reads through the guard or releases it). Then the final balance.
fn lock_invariant_and_ends_at_zero(balance: i64, steps: &[Step]) -> Result<(), Broken> {
    let broken = |what: String| {
        Err(Broken {
            what: format!("with the lock, {what}"),
            telling: true,
        })
    };
    let mut holder: Option<&str> = None;
    for step in steps {
        let thread = step.thread.as_str();
        match (step.access, holder) {
            (Access::Lock, Some(other)) => {
                return broken(format!(
                    "{thread} took the lock while {other} held it: two critical sections overlap"
                ));
            }
            (Access::Lock, None) if step.value != 0 => {
                return broken(format!(
                    "{thread} took the lock and found the balance at {}, not 0: the lock was \
                     free with the balance away from where it started",
                    step.value
                ));
            }
            (Access::Lock, None) => holder = Some(thread),
            (Access::Read | Access::Unlock, held) if held != Some(thread) => {
                return broken(format!(
                    "{thread} {} the balance through a guard it did not hold ({}): two \
                     critical sections overlap",
                    if step.access == Access::Read {
                        "read"
                    } else {
                        "released the lock on"
                    },
                    held.map_or("the lock was free".to_string(), |other| format!(
                        "{other} held it"
                    ))
                ));
            }
            (Access::Unlock, _) if step.value != 0 => {
                return broken(format!(
                    "{thread} released the lock leaving the balance at {}, not 0: the next \
                     thread to take it would build on a change half done",
                    step.value
                ));
            }
            (Access::Unlock, _) => holder = None,
            _ => {}
        }
    }
    ends_at_zero(balance, steps)
}

/// Every time a lesson thread takes the lock, the balance is 0: no thread sees another's deposit
/// before its withdrawal.
fn finds_zero_at_every_lock(_: i64, steps: &[Step]) -> Result<(), Broken> {
    let lesson: Vec<&Step> = thread_steps(steps).collect();
    // Each time a thread took the lock and found the balance away from 0: that step, and whose
    // change_it was half done then.
    let found: Vec<(&Step, Vec<&str>)> = lesson
        .iter()
        .enumerate()
        .filter(|(_, step)| step.access == Access::Lock && step.value != 0)
        .map(|(at, step)| (*step, mid_change(&lesson[..at])))
        .collect();
    let by_another = found
        .iter()
        .find_map(|(step, pending)| Some((step, pending.iter().find(|t| **t != step.thread)?)));
    match (by_another, found.first()) {
        (Some((step, other)), _) => Err(Broken {
            what: format!(
                "with the lock, {} took it and found the balance at {}, not 0: {other}'s \
                 change_it was half done while the lock was free, and {} went on from there",
                step.thread, step.value, step.thread
            ),
            telling: true,
        }),
        (None, Some((step, pending))) => Err(Broken {
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
        }),
        (None, None) => Ok(()),
    }
}

/// The lesson threads whose `change_it` is half done after `steps`: each has changed the balance
/// in an odd number of its lock sections (its `+ n` without its `- n`). With the lock around the
/// whole `change_it`, a section makes both changes and leaves the balance as it found it: none.
fn mid_change(steps: &[&Step]) -> Vec<&'static str> {
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

/// `1 time`, `2 times`.
fn times(n: u64) -> String {
    match n {
        1 => "1 time".to_string(),
        _ => format!("{n} times"),
    }
}

fn per_thread(iterations: u64) -> String {
    match iterations {
        1 => "1 iteration per thread".to_string(),
        _ => format!("{iterations} iterations per thread"),
    }
}

fn show(balances: &BTreeSet<i64>) -> String {
    let balances: Vec<String> = balances.iter().map(i64::to_string).collect();
    format!("{{{}}}", balances.join(", "))
}

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
    let counter = exploration.clone();
    let explored = final_balances(
        &searches,
        Variant::Locked,
        iterations,
        move || {
            counter.execution();
            counter.executions()
        },
        lock_invariant_and_ends_at_zero,
        false,
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
fn with_the_lock_every_interleaving_ends_at_zero_1_iteration() {
    with_the_lock(1);
}

/// Proof 1, 2 iterations per thread (see `with_the_lock`).
#[test]
fn with_the_lock_every_interleaving_ends_at_zero_2_iterations() {
    with_the_lock(2);
}

/// Proof 1, 3 iterations per thread (see `with_the_lock`).
#[test]
fn with_the_lock_every_interleaving_ends_at_zero_3_iterations() {
    with_the_lock(3);
}

/// Proof 1, 4 iterations per thread (see `with_the_lock`).
#[test]
fn with_the_lock_every_interleaving_ends_at_zero_4_iterations() {
    with_the_lock(4);
}

/// Proof 1, 5 iterations per thread (see `with_the_lock`).
#[test]
fn with_the_lock_every_interleaving_ends_at_zero_5_iterations() {
    with_the_lock(5);
}

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
    let counter = exploration.clone();
    let explored = final_balances(
        &[default_search(), bounded_search(LARGEST_BOUND)],
        Variant::Locked,
        2,
        move || {
            counter.execution();
            counter.executions()
        },
        finds_zero_at_every_lock,
        true,
    );
    exploration.finish();
    explored.report_searches();
    figures::report("reachable", show(&explored.balances));
    explored.every_execution_as_built();
    explored.every_order_reached();
}

/// Reachability, with the lock: one thread can take it between two iterations of the other
/// (2 iterations per thread, both searches). The seed takes its lock for each `change_it`, not
/// for the whole loop: the threads still take turns, and the lock serializes only the two lines
/// that must not be split. This model asks loom for an execution in which Thread-2 takes the
/// lock after Thread-1's first critical section and before its second, and one the other way
/// round.
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
    let counter = exploration.clone();
    let explored = final_balances(
        &[default_search(), bounded_search(LARGEST_BOUND)],
        Variant::Locked,
        2,
        move || {
            counter.execution();
            counter.executions()
        },
        lock_invariant_and_ends_at_zero,
        false,
    );
    exploration.finish();
    explored.report_searches();
    figures::report("reachable", show(&explored.balances));
    // Thread A's critical sections, with one of Thread B's between two of A's.
    let between = |a: &str, b: &str| {
        explored.orders.iter().find(|order| {
            let first = order.iter().position(|t| *t == a);
            let last = order.iter().rposition(|t| *t == a);
            matches!((first, last), (Some(first), Some(last))
                if order[first..last].contains(&b))
        })
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
                explored
                    .orders
                    .iter()
                    .map(|order| format!("  {}", order.join(" ")))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        }
    }
    explored.every_execution_as_built();
    explored.every_order_reached();
}

/// Contrast, and the timeline: without the lock, loom's default search finds an interleaving
/// that ends away from 0 (1 iteration per thread). The steps of each execution are recorded as it
/// runs; the lost update with the fewest thread switches is reported as `timeline`.
///
/// Fails on `fetch-add`: `unlocked::change_it` doing each line in one atomic step
/// (`fetch_add(n)` then `fetch_sub(n)`), so that no update can be lost. Its failure shows the
/// schedule of one of those executions, each line one indivisible step.
#[test]
fn without_the_lock_an_update_can_be_lost() {
    let exploration = Exploration::start(
        "contrast: without the lock, some interleaving ends away from 0 (1 iteration per thread; default search)",
    );
    // (final balance, steps) of every execution: std Mutex, invisible to loom, locked only after
    // the loom threads are joined.
    let runs: Arc<Mutex<Vec<Run>>> = Arc::default();
    let collected = Arc::clone(&runs);
    let counter = exploration.clone();
    let (name, search) = default_search();
    let search_name = name.clone();
    search.check(move || {
        let execution = {
            counter.execution();
            counter.executions()
        };
        steps::record();
        let result = experiment(Variant::Unlocked, 0, 1);
        let steps = steps::take();
        let balance = result.unwrap_or_else(|failures| {
            panic!(
                "a thread failed: {failures:?}\n\n{}",
                schedule(execution, &search_name, &steps, None, false)
            )
        });
        collected.lock().unwrap().push((balance, steps));
    });
    exploration.finish();
    let runs = runs.lock().unwrap();
    let balances: BTreeSet<i64> = runs.iter().map(|(balance, _)| *balance).collect();
    figures::report("reachable", show(&balances));
    if balances == BTreeSet::from([0]) {
        // The counterexample to "an update can be lost": the execution with the most switches,
        // in which, still, nothing was lost.
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
                number as u64 + 1,
                "default search",
                steps,
                Some(*balance),
                false
            )
        );
    }
    // What the program's structure requires of every execution (see `as_built`), and every order
    // of the two threads' changes reached.
    for (number, (balance, steps)) in runs.iter().enumerate() {
        if let Err(what) = as_built(Variant::Unlocked, 1, steps) {
            panic!(
                "{what}\n\n{}",
                schedule(number as u64 + 1, &name, steps, Some(*balance), false)
            );
        }
    }
    Explored {
        balances: balances.clone(),
        orders: runs
            .iter()
            .map(|(_, steps)| order(Variant::Unlocked, steps))
            .collect(),
        misbuilt: None,
        searches: Vec::new(),
        variant: Variant::Unlocked,
        iterations: 1,
    }
    .every_order_reached();

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
    figures::report("timeline", timeline(&fewest.1, Some(fewest.0), false));
    // The same execution, the same rows, for the picture `cargo xtask prove` draws of it.
    figures::report(figures::SCHEDULE, drawn(&fewest.1, fewest.0));
}

/// One execution: its final balance and its steps.
type Run = (i64, Vec<Step>);

/// Every final balance of the two threads' read and write steps in every sequentially consistent
/// interleaving, by brute force, independently of the lesson code: each thread runs
/// `read; write read + n; read; write read - n` per iteration, straight from the Python's two
/// lines. Returns the balances, the number of interleavings enumerated, and for each balance the
/// first interleaving found that ends there (its steps, as the facade would record them).
fn oracle(iterations: u64) -> (BTreeSet<i64>, u64, BTreeMap<i64, Vec<Step>>) {
    struct Search {
        steps: u64,
        path: Vec<Step>,
        witnesses: BTreeMap<i64, Vec<Step>>,
        interleavings: u64,
    }
    fn go(search: &mut Search, done: [u64; 2], read: [i64; 2], balance: i64) {
        if done == [search.steps; 2] {
            search
                .witnesses
                .entry(balance)
                .or_insert_with(|| search.path.clone());
            search.interleavings += 1;
            return;
        }
        for thread in 0..2 {
            if done[thread] == search.steps {
                continue;
            }
            let (mut done, mut read, mut balance) = (done, read, balance);
            let (name, n) = THREADS[thread];
            let access = match done[thread] % 4 {
                // balance = balance + n: read, then write
                0 => {
                    read[thread] = balance;
                    Access::Load
                }
                1 => {
                    balance = read[thread] + n;
                    Access::Store
                }
                // balance = balance - n: read, then write
                2 => {
                    read[thread] = balance;
                    Access::Load
                }
                _ => {
                    balance = read[thread] - n;
                    Access::Store
                }
            };
            done[thread] += 1;
            search.path.push(Step {
                thread: name.to_string(),
                access,
                value: balance,
            });
            go(search, done, read, balance);
            search.path.pop();
        }
    }
    let mut search = Search {
        steps: 4 * iterations,
        path: Vec::new(),
        witnesses: BTreeMap::new(),
        interleavings: 0,
    };
    go(&mut search, [0, 0], [0, 0], 0);
    let balances = search.witnesses.keys().copied().collect();
    (balances, search.interleavings, search.witnesses)
}

/// Proof 3 for `iterations` per thread: the pinned search reaches exactly the oracle's balances;
/// `compare` is another search, run only to report what it misses (reported under the figure
/// `<key>-search`). Both searches count in the model's `executions`; each one's own count is
/// reported with what it reached.
fn without_the_lock_exactly(iterations: u64, compare: (&str, &str, Search)) {
    let (key, described, search) = compare;
    let (expected, interleavings, witnesses) = oracle(iterations);
    let exploration = Exploration::start(&format!(
        "without the lock, the reachable balances are exactly the oracle's ({}; preemption bound \
         {PINNED_BOUND}, then {described} to report what it misses)",
        per_thread(iterations)
    ));
    let counter = exploration.clone();
    let count = move || {
        counter.execution();
        counter.executions()
    };
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
        }),
    };
    let reachable = final_balances(
        &[bounded_search(PINNED_BOUND)],
        Variant::Unlocked,
        iterations,
        count.clone(),
        interleaving_gives.clone(),
        false,
    );
    let pinned = exploration.executions();
    let compared = final_balances(
        &[search],
        Variant::Unlocked,
        iterations,
        count,
        interleaving_gives,
        false,
    );
    compared.every_execution_as_built();
    let seen = compared.balances;
    let compared = exploration.executions() - pinned;
    exploration.finish();
    let explored = reachable;
    let reachable = explored.balances.clone();

    figures::report("reachable", show(&reachable));
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
            "{pinned} executions, {} of {} balances",
            reachable.len(),
            expected.len()
        ),
    );
    let missed: BTreeSet<i64> = expected.difference(&seen).copied().collect();
    figures::report(
        &format!("{key}-search"),
        format!(
            "{compared} executions, {} of {} balances, missed {}",
            seen.len(),
            expected.len(),
            show(&missed)
        ),
    );
    // A balance some interleaving gives and loom never reached: the oracle's interleaving for it.
    if let Some(balance) = expected.difference(&reachable).next() {
        panic!(
            "without the lock, loom (preemption bound {PINNED_BOUND}) reached {}, not all of the \
             oracle's {}: no execution ended at {balance}\n\n\
             counterexample: the oracle's interleaving that ends at {balance}, step by step:\n{}",
            show(&reachable),
            show(&expected),
            timeline(&witnesses[balance], Some(*balance), false)
        );
    }
    assert_eq!(reachable, expected);
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

/// Not a proof: a comparison, kept so that the chapter's figure for it is regenerated with the
/// proofs. The lesson's `unlocked::run_thread`, 1 iteration per thread, but each named thread
/// first waits at a start gate (a loom `Mutex` and `Condvar`) until both have arrived, then runs.
/// The lesson never had this gate; it is here to show that which outcome loom's default search
/// misses depends on the shape of the program: it reports what that search reaches here, against
/// the oracle. Only a search that invents a balance no interleaving gives makes it fail.
#[test]
fn comparison_default_search_behind_a_start_gate() {
    use lock_balance::sync::AtomicI64;
    use lock_balance::unlocked;
    use loom::sync::{Arc as LoomArc, Condvar as LoomCondvar, Mutex as LoomMutex};

    let exploration = Exploration::start(
        "comparison, not a proof: without the lock, both threads behind a start gate (loom Mutex \
         and Condvar; 1 iteration per thread; default search)",
    );
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let collected = Arc::clone(&seen);
    let counter = exploration.clone();
    let runs: Arc<Mutex<Vec<Run>>> = Arc::default();
    let record_run = Arc::clone(&runs);
    default_search().1.check(move || {
        counter.execution();
        steps::record();
        let balance = LoomArc::new(AtomicI64::new(0));
        let gate = LoomArc::new((LoomMutex::new(0), LoomCondvar::new()));
        let mut threads = Vec::new();
        for (name, n) in THREADS {
            let (balance, gate) = (LoomArc::clone(&balance), LoomArc::clone(&gate));
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
        // Read before taking the std lock: no loom operation while it is held.
        let balance = balance.load(SeqCst);
        let steps = steps::take();
        collected.lock().unwrap().insert(balance);
        record_run.lock().unwrap().push((balance, steps));
    });
    exploration.finish();
    // Not a proof, but it must still have run what it is built to: every thread's changes, in
    // every execution, and every order of them.
    let runs = runs.lock().unwrap();
    for (number, (balance, steps)) in runs.iter().enumerate() {
        if let Err(what) = as_built(Variant::Unlocked, 1, steps) {
            panic!(
                "{what}\n\n{}",
                schedule(
                    number as u64 + 1,
                    "default search",
                    steps,
                    Some(*balance),
                    false
                )
            );
        }
    }
    let (expected, _, _) = oracle(1);
    let seen = seen.lock().unwrap();
    let missed: BTreeSet<i64> = expected.difference(&seen).copied().collect();
    figures::report(
        "reachable",
        format!(
            "{} of {} balances, missed {}",
            seen.len(),
            expected.len(),
            show(&missed)
        ),
    );
    assert!(seen.is_subset(&expected), "saw {}", show(&seen));
    Explored {
        balances: seen.clone(),
        orders: runs
            .iter()
            .map(|(_, steps)| order(Variant::Unlocked, steps))
            .collect(),
        misbuilt: None,
        searches: Vec::new(),
        variant: Variant::Unlocked,
        iterations: 1,
    }
    .every_order_reached();
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
