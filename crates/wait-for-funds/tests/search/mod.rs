//! How the wait-for-funds models run loom: every search setting fixed here (and refused from the
//! environment), the lesson's experiment run in each execution, each finished execution's steps
//! kept, a check's failure or loom's deadlock panic caught, to be said in the lesson's words.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};

use figures::Exploration;
use wait_for_funds::sync::steps::{self, Step};
use wait_for_funds::{Plan, experiment};

/// Loom's default cap on scheduling choices in one execution, set here explicitly: an execution
/// that needs more fails the model, it is never cut short.
const MAX_BRANCHES: usize = 1_000;

/// A loom `Builder` with every limit set here. (`Exploration::start` has already refused to run
/// with one of loom's search settings in the environment; `Builder::new` reads them, and each is
/// overwritten below all the same.)
fn builder(preemption_bound: Option<usize>) -> loom::model::Builder {
    if let Some(refusal) = figures::search_settings_in_env() {
        panic!("{refusal}");
    }
    let mut builder = loom::model::Builder::new();
    builder.max_branches = MAX_BRANCHES;
    builder.max_permutations = None;
    builder.max_duration = None;
    builder.checkpoint_file = None;
    builder.preemption_bound = preemption_bound;
    builder
}

/// A search: its name, for messages, and loom's settings.
pub(crate) type Search = (String, loom::model::Builder);

/// Loom's default search: no preemption bound.
pub(crate) fn default_search() -> Search {
    ("default search".to_string(), builder(None))
}

/// The largest bound loom accepts (it stores it in a `u8`). Loom's bounded mode adds
/// backtracking points the default mode does not, so the proofs run both searches.
pub(crate) const LARGEST_BOUND: usize = u8::MAX as usize;

pub(crate) fn bounded_search() -> Search {
    (
        format!("preemption bound {LARGEST_BOUND}"),
        builder(Some(LARGEST_BOUND)),
    )
}

/// The first words of loom's panic when every thread is blocked.
const LOOM_DEADLOCK: &str = "deadlock; threads = ";

/// The panic's message, if it is a `&str` or a `String`.
pub(crate) fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}

/// Keeps loom's deadlock panic off stderr: the models catch it and say it in their own words.
/// Every other panic is shown as before.
fn quiet_loom_deadlocks() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let shown = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !message(info.payload()).is_some_and(|m| m.starts_with(LOOM_DEADLOCK)) {
                shown(info);
            }
        }));
    });
}

/// A deadlock loom found: the execution, the search, loom's words, and the steps up to it.
pub(crate) struct Deadlocked {
    pub(crate) execution: u64,
    pub(crate) search: String,
    pub(crate) loom: String,
    pub(crate) steps: Vec<Step>,
}

/// One finished execution: its number (counted across the model's searches), its search, the
/// balance it ended at, and its steps.
#[derive(Clone)]
pub(crate) struct Run {
    pub(crate) execution: u64,
    pub(crate) search: String,
    pub(crate) balance: i64,
    pub(crate) steps: Vec<Step>,
}

/// Whether a model injects spurious wakeups (see `src/sync.rs`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wakeups {
    /// Only notified wakeups, as loom's `Condvar` gives.
    Notified,
    /// Each thread's first wait on each condvar wakes spuriously.
    Spurious,
}

/// Runs `work` (the lesson's experiment, or a model's own use of the lesson's types) under each
/// search in turn, recording its steps. `check` gets each finished execution and returns what
/// went wrong, in words, if anything: the model then panics with that and the execution's
/// timeline. Returns every finished execution, or the first deadlock (loom stops the search
/// there).
pub(crate) fn explore_with<W>(
    searches: Vec<Search>,
    wakeups: Wakeups,
    exploration: &Exploration,
    work: W,
    check: impl Fn(&Run) -> Result<(), String> + Clone + Send + Sync + 'static,
) -> Result<Vec<Run>, Deadlocked>
where
    W: Fn() -> Result<i64, String> + Clone + Send + Sync + 'static,
{
    quiet_loom_deadlocks();
    // A std Mutex: invisible to loom, it collects across executions; it is locked only after the
    // loom threads are joined, never across a loom operation.
    let runs: Arc<Mutex<Vec<Run>>> = Arc::default();
    for (name, search) in searches {
        let (collected, counter, check, work, search_name) = (
            Arc::clone(&runs),
            exploration.clone(),
            check.clone(),
            work.clone(),
            name.clone(),
        );
        let searched = panic::catch_unwind(AssertUnwindSafe(|| {
            search.check(move || {
                counter.execution();
                let execution = counter.executions();
                steps::record();
                if wakeups == Wakeups::Spurious {
                    steps::spurious_wakeups();
                }
                let result = work();
                let steps = steps::take();
                let balance = result.unwrap_or_else(|failures| {
                    panic!(
                        "a thread failed: {failures}\n\n{}",
                        crate::counterexample::schedule(execution, &search_name, &steps, None)
                    )
                });
                let run = Run {
                    execution,
                    search: search_name.clone(),
                    balance,
                    steps,
                };
                if let Err(what) = check(&run) {
                    panic!(
                        "{what}\n\n{}",
                        crate::counterexample::schedule(
                            execution,
                            &search_name,
                            &run.steps,
                            Some(balance)
                        )
                    );
                }
                collected.lock().unwrap().push(run);
            });
        }));
        if let Err(payload) = searched {
            let loom = message(payload.as_ref()).unwrap_or_default().to_string();
            if !loom.starts_with(LOOM_DEADLOCK) {
                panic::resume_unwind(payload);
            }
            return Err(Deadlocked {
                execution: exploration.executions(),
                search: name,
                loom,
                steps: steps::take(),
            });
        }
    }
    let runs = runs.lock().unwrap().clone();
    Ok(runs)
}

/// [`explore_with`] on the lesson's own `experiment(plan)`.
pub(crate) fn explore(
    searches: Vec<Search>,
    plan: &Plan,
    wakeups: Wakeups,
    exploration: &Exploration,
    check: impl Fn(&Run) -> Result<(), String> + Clone + Send + Sync + 'static,
) -> Result<Vec<Run>, Deadlocked> {
    let plan = plan.clone();
    explore_with(
        searches,
        wakeups,
        exploration,
        move || {
            experiment(&plan).map_err(|failures| {
                let failures: Vec<String> = failures.iter().map(ToString::to_string).collect();
                failures.join("; ")
            })
        },
        check,
    )
}
