//! The search plumbing the lock-balance models share: loom's search settings, running the
//! lesson's `experiment` under a search with its steps recorded, and what a model asserts after
//! its search, that the search saw what the program's shape requires (`as_built`, every order
//! reached), so that a search cut short cannot pass.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

use figures::Exploration;
use lock_balance::sync::steps::{self, Access, Step};
use lock_balance::{THREADS, ThreadFailure, Variant, experiment};

use crate::counterexample::{Broken, Chooser, schedule, thread_steps};

/// A search: its name, for messages, and loom's settings.
pub(crate) type Search = (String, loom::model::Builder);

/// Loom's default search: no preemption bound (set explicitly; the models also refuse to run with
/// `LOOM_MAX_PREEMPTIONS`, or any other of loom's search settings, in the environment).
pub(crate) fn default_search() -> Search {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = None;
    ("default search".to_string(), builder)
}

/// A bounded search. Loom's bounded mode adds backtracking points the default mode does not (it
/// "conservatively" covers what the bound would otherwise miss, `rt/path.rs`); with a bound large
/// enough that raising it explores nothing more, the bound cuts nothing off.
pub(crate) fn bounded_search(bound: usize) -> Search {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(bound);
    (format!("preemption bound {bound}"), builder)
}

/// The largest bound loom accepts (it stores it in a `u8`). That it cuts nothing off is a
/// measurement, not a theorem: with the lock and 5 iterations per thread, bounds 20, 40 and 255
/// explore the same 8 316 executions.
pub(crate) const LARGEST_BOUND: usize = u8::MAX as usize;

/// Runs the lesson's experiment in `variant` with `iterations` per thread under each search in
/// turn, each execution counted by `exploration`. `property` gets each execution's final balance
/// and recorded steps, and says what went wrong, if anything; it runs inside the model, so a
/// failure stops the search at the counterexample the [`Chooser`] picks, which names the
/// execution and the search, says what went wrong, and shows its steps as a timeline.
pub(crate) fn explore(
    searches: &[Search],
    variant: Variant,
    iterations: u64,
    exploration: &Exploration,
    property: impl Fn(i64, &[Step]) -> Result<(), Broken> + Clone + Send + Sync + 'static,
) -> Explored {
    // std Mutexes: invisible to loom, they collect across executions, and are only locked after
    // the loom threads are joined, never across a loom operation.
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let orders = Arc::new(Mutex::new(BTreeSet::new()));
    let misbuilt: Arc<Mutex<Option<String>>> = Arc::default();
    let chooser = Chooser::default();
    let mut searches_run = Vec::new();
    for (name, search) in searches {
        let (seen, orders, misbuilt) = (seen.clone(), orders.clone(), misbuilt.clone());
        let (exploration, property, choose) =
            (exploration.clone(), property.clone(), chooser.clone());
        let (name, this_search) = (name.clone(), Arc::new(AtomicU64::new(0)));
        searches_run.push((name.clone(), Arc::clone(&this_search)));
        search.check(move || {
            this_search.fetch_add(1, SeqCst);
            exploration.execution();
            let execution = exploration.executions();
            steps::record();
            let result = experiment(variant, 0, iterations);
            let steps = steps::take();
            let balance = result
                .unwrap_or_else(|failures| thread_failed(&failures, execution, &name, &steps));
            if let Err(broken) = property(balance, &steps) {
                choose.failed(execution, &name, &steps, balance, broken);
            }
            // What the model's structure requires of every execution, noted for after the search
            // (a failure of the property itself, above, is the one to show first).
            if let Err(what) = as_built(variant, iterations, &steps) {
                misbuilt.lock().unwrap().get_or_insert_with(|| {
                    format!(
                        "{what}\n\n{}",
                        counterexample(execution, &name, &steps, balance)
                    )
                });
            }
            orders.lock().unwrap().insert(order(variant, &steps));
            seen.lock().unwrap().insert(balance);
        });
        chooser.after_search();
    }
    Explored {
        balances: seen.lock().unwrap().clone(),
        orders: orders.lock().unwrap().clone(),
        misbuilt: misbuilt.lock().unwrap().take(),
        searches: searches_run
            .into_iter()
            .map(|(name, executions)| (name, executions.load(SeqCst)))
            .collect(),
        variant,
        iterations,
    }
}

/// One execution: its final balance and its steps.
pub(crate) type Run = (i64, Vec<Step>);

/// Runs `search`, each execution counted by `exploration` and running `execution` (which returns
/// the final balance) with its steps recorded; returns every execution's final balance and steps,
/// in the order loom ran them, for a model that chooses among them after the search.
pub(crate) fn every_run(
    (name, search): Search,
    exploration: &Exploration,
    execution: impl Fn() -> Result<i64, Vec<ThreadFailure>> + Send + Sync + 'static,
) -> Vec<Run> {
    let runs: Arc<Mutex<Vec<Run>>> = Arc::default();
    let (collected, exploration) = (Arc::clone(&runs), exploration.clone());
    search.check(move || {
        exploration.execution();
        let number = exploration.executions();
        steps::record();
        let result = execution();
        let steps = steps::take();
        let balance =
            result.unwrap_or_else(|failures| thread_failed(&failures, number, &name, &steps));
        collected.lock().unwrap().push((balance, steps));
    });
    runs.lock().unwrap().clone()
}

/// A lesson thread panicked or refused to go on: no model expects that.
fn thread_failed(failures: &[ThreadFailure], execution: u64, search: &str, steps: &[Step]) -> ! {
    let failures: Vec<String> = failures.iter().map(ToString::to_string).collect();
    panic!(
        "a thread failed: {}\n\n{}",
        failures.join("; "),
        schedule(
            &format!("counterexample: execution {execution} ({search})"),
            steps,
            None,
            None
        )
    )
}

/// The counterexample block for execution `execution` of `search`.
pub(crate) fn counterexample(execution: u64, search: &str, steps: &[Step], balance: i64) -> String {
    schedule(
        &format!("counterexample: execution {execution} ({search})"),
        steps,
        Some(balance),
        None,
    )
}

/// What a search reached: the final balances, and the orders in which the two lesson threads
/// acted (see [`order`]).
pub(crate) struct Explored {
    pub(crate) balances: BTreeSet<i64>,
    pub(crate) orders: BTreeSet<Vec<&'static str>>,
    /// The first execution whose steps were not as the program is built (see [`as_built`]): what
    /// was wrong, and its timeline.
    misbuilt: Option<String>,
    /// Each search's name and the executions it ran.
    searches: Vec<(String, u64)>,
    variant: Variant,
    iterations: u64,
}

impl Explored {
    /// What the executions of one search (`runs`, from [`every_run`]) reached.
    pub(crate) fn of_runs(search: &str, runs: &[Run], variant: Variant, iterations: u64) -> Self {
        Explored {
            balances: runs.iter().map(|(balance, _)| *balance).collect(),
            orders: runs
                .iter()
                .map(|(_, steps)| order(variant, steps))
                .collect(),
            misbuilt: runs
                .iter()
                .enumerate()
                .find_map(|(number, (balance, steps))| {
                    let what = as_built(variant, iterations, steps).err()?;
                    let execution = counterexample(number as u64 + 1, search, steps, *balance);
                    Some(format!("{what}\n\n{execution}"))
                }),
            searches: vec![(search.to_string(), runs.len() as u64)],
            variant,
            iterations,
        }
    }

    /// Reports each search's own executions (the figure `searches`), for a model that runs more
    /// than one: which search explored how much.
    pub(crate) fn report_searches(&self) {
        let each: Vec<String> = self
            .searches
            .iter()
            .map(|(name, executions)| format!("{name}: {executions}"))
            .collect();
        figures::report("searches", each.join(", "));
    }

    /// Every execution's steps were as the program is built (see [`as_built`]); a model checks
    /// it after its own property, so that the property's failure is the one shown first.
    pub(crate) fn every_execution_as_built(&self) {
        if let Some(message) = &self.misbuilt {
            panic!("{message}");
        }
    }

    /// Every order the structure allows was reached: with the lock, each of the C(2N, N) orders
    /// of the 2N critical sections (N per thread); without it, each of the C(4N, 2N) orders of
    /// the 4N changes. Two critical sections (or two stores) of one balance conflict, so loom
    /// must try both orders of every two of them; an order never reached means the search was
    /// cut short, or the facade recorded less than the threads did.
    pub(crate) fn every_order_reached(&self) {
        let (missed, all) = self.orders_reached();
        if let Some(order) = missed.first() {
            panic!(
                "loom never ran the two threads' {} in the order {}: {} of the {} orders the \
                 program allows were reached, so the search explored less than it must\n\n\
                 counterexample: the orders reached:\n{}",
                self.acts(),
                order.join(" "),
                all - missed.len(),
                all,
                self.orders_list()
            );
        }
    }

    /// The orders reached, one a line, indented.
    pub(crate) fn orders_list(&self) -> String {
        let lines: Vec<String> = self
            .orders
            .iter()
            .map(|order| format!("  {}", order.join(" ")))
            .collect();
        lines.join("\n")
    }

    fn acts(&self) -> &'static str {
        match self.variant {
            Variant::Locked => "critical sections",
            Variant::Unlocked => "changes",
        }
    }

    /// Reports how many of the orders the structure allows were reached (the figure `orders`),
    /// and returns those missed, and how many there are.
    pub(crate) fn orders_reached(&self) -> (Vec<Vec<&'static str>>, usize) {
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

/// `1 time`, `2 times`.
fn times(n: u64) -> String {
    match n {
        1 => "1 time".to_string(),
        _ => format!("{n} times"),
    }
}

/// `1 iteration per thread`, `2 iterations per thread`.
pub(crate) fn per_thread(iterations: u64) -> String {
    match iterations {
        1 => "1 iteration per thread".to_string(),
        _ => format!("{iterations} iterations per thread"),
    }
}

/// A set of balances, `{-5, 0, 5}`.
pub(crate) fn show(balances: &BTreeSet<i64>) -> String {
    let balances: Vec<String> = balances.iter().map(i64::to_string).collect();
    format!("{{{}}}", balances.join(", "))
}
