//! The proofs: loom runs the lesson's own `map` (its `worker`, its dispatch, its shutdown, its
//! collection in input order) in every execution it explores, with 2 or 3 workers and 2 or 3
//! jobs instead of 4 and 8.
//!
//! Run: `cargo xtask prove worker-pool`, or by hand
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p worker-pool
//! --test proofs -- --nocapture --test-threads=1`
//!
//! The channel the models run is channel-ledger's facade channel (std's semantics on loom's
//! `Mutex` and `Condvar`; see `src/sync.rs`), which writes down what each thread does to it: a
//! failing model prints that log as the counterexample. The job each model gives the pool is a
//! stand-in for `count_primes`: it returns `10 * item`, and counts, on a loom atomic, how many
//! jobs run at once, so that loom can switch threads in the middle of a job.
//!
//! Every loom limit is set here, and a model refuses to run if one of the `LOOM_*` variables that
//! would cut a search short is set. Each model names the mistakes that make it fail; they are
//! patches in `crates/worker-pool/mistakes/`, and `cargo xtask break worker-pool/<mistake>` shows
//! each failure.
#![cfg(loom)]

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};

use figures::{Exploration, Schedule, ScheduleStep};
use loom::sync::atomic::{AtomicUsize, Ordering};
use worker_pool::sync::mpsc::log::{self, Entry, Event};
use worker_pool::{PoolError, Results, map};

/// Loom's cap on the thread switches of one execution: more than these models need, set here so
/// that no variable can lower it.
const MAX_BRANCHES: usize = 10_000;

/// One job's run, as the job itself wrote it down.
#[derive(Clone, Debug)]
struct Run {
    /// The job's item (here, its place in the input).
    item: u64,
    /// The worker that ran it.
    worker: String,
    /// How many jobs were running when it started, itself included.
    running: usize,
    /// Where it started, and where it finished, among the channel's log entries: after that many.
    started_at: usize,
    finished_at: usize,
}

// Loom runs a model's threads as coroutines on the test's own OS thread: a std thread-local is
// one log per model, shared by its loom threads, and invisible to loom.
std::thread_local! {
    static RUNS: RefCell<Vec<Run>> = const { RefCell::new(Vec::new()) };
    static FINISHED: RefCell<Vec<(u64, usize)>> = const { RefCell::new(Vec::new()) };
}

/// What one execution left: what `map` returned, each job's run, the order the jobs finished in,
/// and the channel's log.
struct Execution {
    outcome: Result<Results<u64>, PoolError>,
    runs: Vec<Run>,
    finished: Vec<u64>,
    entries: Vec<Entry>,
}

/// Runs the lesson's `map` with `workers` workers on the items `0..jobs`, in one loom execution.
fn run_pool(workers: usize, jobs: u64) -> Execution {
    RUNS.with(|runs| runs.borrow_mut().clear());
    FINISHED.with(|finished| finished.borrow_mut().clear());
    log::record();
    let running = Arc::new(AtomicUsize::new(0));
    let job = move |&item: &u64| {
        // Two loom steps: between them, another worker may start its own job.
        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
        let worker = loom::thread::current().name().unwrap_or("main").to_string();
        RUNS.with(|runs| {
            runs.borrow_mut().push(Run {
                item,
                worker,
                running: now,
                started_at: log::len(),
                finished_at: 0,
            });
        });
        running.fetch_sub(1, Ordering::SeqCst);
        FINISHED.with(|finished| finished.borrow_mut().push((item, log::len())));
        10 * item
    };
    let outcome = map(workers, job, (0..jobs).collect());
    let finished = FINISHED.with(|finished| finished.borrow().clone());
    let mut runs = RUNS.with(|runs| runs.borrow().clone());
    for run in &mut runs {
        if let Some(&(_, at)) = finished.iter().find(|(item, _)| *item == run.item) {
            run.finished_at = at;
        }
    }
    Execution {
        outcome,
        runs,
        finished: finished.iter().map(|(item, _)| *item).collect(),
        entries: log::take(),
    }
}

/// What a property says of one execution: `Err` says, in words, what went wrong.
type Property = fn(&Execution, u64) -> Result<(), String>;

/// Property: every job ran exactly once, and `map` returned a result for each.
fn every_job_once(execution: &Execution, jobs: u64) -> Result<(), String> {
    for item in 0..jobs {
        let runs: Vec<&str> = (execution.runs.iter())
            .filter(|run| run.item == item)
            .map(|run| run.worker.as_str())
            .collect();
        match runs[..] {
            [_] => {}
            [] => {
                return Err(format!(
                    "job {item} never ran: it was sent, and no worker took it before the \
                     workers ended"
                ));
            }
            _ => {
                return Err(format!(
                    "job {item} ran {} times, in {}",
                    runs.len(),
                    runs.join(", ")
                ));
            }
        }
    }
    match &execution.outcome {
        Ok(results) if results.len() as u64 == jobs => Ok(()),
        Ok(results) => Err(format!(
            "map returned {} results for {jobs} jobs",
            results.len()
        )),
        Err(failure) => Err(format!("map failed: {failure}")),
    }
}

/// Property: the results are in input order: job `k`'s result, `10 * k`, at place `k`.
fn results_in_input_order(execution: &Execution, jobs: u64) -> Result<(), String> {
    let expected: Vec<u64> = (0..jobs).map(|item| 10 * item).collect();
    match &execution.outcome {
        Ok(results) => {
            let got: Vec<String> = (results.iter())
                .map(|result| match result {
                    Ok(value) => value.to_string(),
                    Err(panicked) => format!("({panicked})"),
                })
                .collect();
            let want: Vec<String> = expected.iter().map(u64::to_string).collect();
            if got == want {
                Ok(())
            } else {
                Err(format!(
                    "map returned [{}], not [{}]: {}; the jobs finished in the order {}",
                    got.join(", "),
                    want.join(", "),
                    who_ran_what(&execution.runs),
                    list(&execution.finished)
                ))
            }
        }
        Err(failure) => Err(format!("map failed: {failure}")),
    }
}

/// `worker-1 ran jobs 0, 2, worker-2 ran job 1`, by worker.
fn who_ran_what(runs: &[Run]) -> String {
    let workers: BTreeSet<&str> = runs.iter().map(|run| run.worker.as_str()).collect();
    let each: Vec<String> = (workers.into_iter())
        .map(|worker| {
            let jobs: Vec<u64> = (runs.iter())
                .filter(|run| run.worker == worker)
                .map(|run| run.item)
                .collect();
            let noun = if jobs.len() == 1 { "job" } else { "jobs" };
            format!("{worker} ran {noun} {}", list(&jobs))
        })
        .collect();
    each.join(", ")
}

/// `0, 2, 1`.
fn list(jobs: &[u64]) -> String {
    let jobs: Vec<String> = jobs.iter().map(u64::to_string).collect();
    jobs.join(", ")
}

/// Property: `map` returned, so every worker was joined: each one's loop ended once the jobs
/// did. (A worker that never ends is a deadlock: every thread blocked, which loom reports, and
/// [`explore`] says in words.)
fn returned(execution: &Execution, _: u64) -> Result<(), String> {
    match &execution.outcome {
        Ok(_) => Ok(()),
        Err(failure) => Err(format!("map failed: {failure}")),
    }
}

/// What the executions of a model covered, across all of them.
#[derive(Default)]
struct Covered {
    /// Which worker ran job 0.
    job_0_ran_in: BTreeSet<String>,
    /// How many jobs each worker ran, as a sorted list per execution: e.g. `[0, 3]`, `[1, 2]`.
    shares: BTreeSet<Vec<usize>>,
    /// Executions where the jobs finished in an order other than the input's.
    out_of_order: u64,
    /// The most jobs running at once, in any execution.
    most_at_once: usize,
    /// Executions where a worker was waiting for a job when main dropped the Sender, and that
    /// drop ended its wait.
    woken_by_the_drop: u64,
    /// The search, for messages: `preemption bound 2`.
    search: String,
    /// How many executions it explored, and the channel log of the last one in which two workers
    /// or more ran jobs (else of the first): what a model shows when its search did not cover
    /// what it must (no one execution is then to blame).
    executions: u64,
    last: Vec<Entry>,
    /// The first execution in which every worker ran one job and the jobs finished out of input
    /// order, drawn as a schedule: the picture of the chapter.
    pictured: Option<Schedule>,
}

impl Covered {
    fn add(&mut self, execution: &Execution, workers: usize) {
        if let Some(run) = execution.runs.iter().find(|run| run.item == 0) {
            self.job_0_ran_in.insert(run.worker.clone());
        }
        let mut shares: Vec<usize> = (1..=workers)
            .map(|k| {
                let name = format!("worker-{k}");
                (execution.runs.iter())
                    .filter(|run| run.worker == name)
                    .count()
            })
            .collect();
        shares.sort_unstable();
        let one_each = shares.iter().all(|&share| share == 1);
        self.shares.insert(shares);
        let sorted = execution.finished.windows(2).all(|pair| pair[0] < pair[1]);
        self.out_of_order += u64::from(!sorted);
        let most = execution.runs.iter().map(|run| run.running).max();
        self.most_at_once = self.most_at_once.max(most.unwrap_or(0));
        self.woken_by_the_drop += u64::from(woken_by_the_drop(&execution.entries));
        self.executions += 1;
        if self.pictured.is_none() && !sorted && one_each {
            self.pictured = Some(schedule(execution, workers));
        }
        let workers_with_jobs = (execution.runs.iter())
            .map(|run| run.worker.as_str())
            .collect::<BTreeSet<&str>>()
            .len();
        if workers_with_jobs >= 2 || self.last.is_empty() {
            self.last.clone_from(&execution.entries);
        }
    }

    /// Fails the model, unless `covered`: the search did not reach what the model is about, so
    /// its verdict would mean nothing. No single execution is to blame: the counterexample is the
    /// whole search, shown by its last execution.
    fn require(&self, covered: bool, what: &str) {
        assert!(
            covered,
            "{}\n\ncounterexample: the whole search, {} executions ({}).\nIts last \
             execution where two workers or more ran jobs, step by step:\n{}",
            wrap(what),
            self.executions,
            self.search,
            timeline(&self.last)
        );
    }

    fn describe(&self) -> String {
        // Each split as `0+1+2`: how many jobs each worker ran, whichever worker it was.
        let shares: Vec<String> = (self.shares.iter())
            .map(|share| {
                let counts: Vec<String> = share.iter().map(ToString::to_string).collect();
                counts.join("+")
            })
            .collect();
        let ran_in: Vec<&str> = self.job_0_ran_in.iter().map(String::as_str).collect();
        format!(
            "job 0 ran in: {}\n\
             the jobs split among the workers (jobs each worker ran): {}\n\
             executions where the jobs finished out of input order: {}\n\
             the most jobs running at once: {}\n\
             executions where main's drop of the Sender ended a worker's wait: {}",
            ran_in.join(", "),
            shares.join(", "),
            self.out_of_order,
            self.most_at_once,
            self.woken_by_the_drop
        )
    }
}

/// An execution as a schedule, a lane per thread: the channel's steps (main sends the jobs and
/// drops the `Sender`, each worker takes a job or ends) and each job's start and finish, in the
/// order loom ran them; beside each finish, the jobs finished so far; the first finish out of
/// input order highlighted.
fn schedule(execution: &Execution, workers: usize) -> Schedule {
    let mut lanes = vec![log::MAIN.to_string()];
    lanes.extend((1..=workers).map(|k| format!("worker-{k}")));
    let lane = |thread: &str| lanes.iter().position(|name| name == thread).unwrap_or(0);
    // The jobs' own steps, each at its place among the channel's: (place, start first, step).
    let mut jobs: Vec<(usize, usize, u64, bool, &str)> = Vec::new();
    for run in &execution.runs {
        jobs.push((run.started_at, 0, run.item, false, &run.worker));
        jobs.push((run.finished_at, 1, run.item, true, &run.worker));
    }
    jobs.sort_by_key(|&(at, order, ..)| (at, order));
    let mut steps = Vec::new();
    let mut finished: Vec<u64> = Vec::new();
    let mut noted = false;
    let mut job_steps = jobs.iter().peekable();
    for at in 0..=execution.entries.len() {
        while let Some(&(_, _, item, done, worker)) = job_steps.next_if(|job| job.0 == at) {
            let (does, beside, mut note) = if done {
                finished.push(item);
                let shown: Vec<String> = finished.iter().map(u64::to_string).collect();
                (
                    format!("finishes job {item}"),
                    shown.join(", "),
                    String::new(),
                )
            } else {
                (format!("runs job {item}"), String::new(), String::new())
            };
            let earlier = (0..item).find(|earlier| !finished.contains(earlier));
            if let (true, false, Some(earlier)) = (done, noted, earlier) {
                note = format!("job {item} is done before job {earlier}");
                noted = true;
            }
            steps.push(ScheduleStep {
                lane: lane(worker),
                does,
                beside,
                note,
            });
        }
        let Some(entry) = execution.entries.get(at) else {
            break;
        };
        let does = match entry.event {
            Event::Sent { amount, .. } => format!("sends job {amount}"),
            Event::Received { amount } => format!("takes job {amount}"),
            Event::WaitsForMessage => "waits for a job".to_string(),
            Event::Dropped { .. } => "drops the Sender".to_string(),
            Event::Disconnected => "no job left: ends".to_string(),
            _ => continue,
        };
        steps.push(ScheduleStep {
            lane: lane(&entry.thread),
            does,
            beside: String::new(),
            note: String::new(),
        });
    }
    let results = match &execution.outcome {
        Ok(results) => {
            let shown: Vec<String> = (results.iter())
                .map(|result| result.as_ref().map_or("panic".to_string(), u64::to_string))
                .collect();
            format!(
                "map returns [{}]: each result at its job's place",
                shown.join(", ")
            )
        }
        Err(failure) => format!("map fails: {failure}"),
    };
    Schedule {
        title: format!(
            "{workers} workers, {} jobs: the jobs finish out of order, the results come back in \
             order",
            execution.runs.len()
        ),
        lanes,
        beside: "jobs finished".to_string(),
        steps,
        end: results,
    }
}

/// A worker waited for a job, and the next thing that happened to it was its `recv` returning
/// `Err`, after main dropped the `Sender`: the drop is what ended its wait.
fn woken_by_the_drop(entries: &[Entry]) -> bool {
    let Some(drop) = (entries.iter()).position(|e| matches!(e.event, Event::Dropped { .. })) else {
        return false;
    };
    entries[..drop].iter().enumerate().any(|(at, entry)| {
        entry.event == Event::WaitsForMessage
            && entries[at + 1..]
                .iter()
                .find(|later| later.thread == entry.thread)
                .is_some_and(|later| later.event == Event::Disconnected)
    })
}

/// A search with every limit set here: no cap on executions or time, no checkpoint, at most
/// `bound` preemptions per execution, and room for main and the workers.
///
/// Why a bound: each step of the pool (a lock of the shared receiver, the channel's own lock, a
/// wait, a wake-up) is one loom interleaves with every other, and loom's unbounded search of
/// even 2 workers and 2 jobs is far longer than a test should be (see the appendix). The models
/// then assert that the bounded search covered what their property is about.
fn search(bound: Option<usize>, workers: usize) -> loom::model::Builder {
    if let Some(refusal) = figures::search_settings_in_env() {
        panic!("{refusal}");
    }
    let mut builder = loom::model::Builder::new();
    builder.max_threads = workers + 1;
    builder.max_branches = MAX_BRANCHES;
    builder.max_permutations = None;
    builder.max_duration = None;
    builder.preemption_bound = bound;
    builder.checkpoint_file = None;
    builder
}

/// Makes loom's deadlock panic silent: [`explore`] catches it and says what it means instead.
fn quiet_loom_deadlocks() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = (payload.downcast_ref::<String>().map(String::as_str))
                .or_else(|| payload.downcast_ref::<&str>().copied());
            if !message.is_some_and(|m| m.starts_with("deadlock; threads")) {
                default(info);
            }
        }));
    });
}

/// Runs the pool (`workers` workers, `jobs` jobs) in every execution of a search with preemption
/// bound `bound` (`None`: loom's default search, unbounded), checks `property` in each, and returns what they covered. A failing execution
/// stops the search with what went wrong and that execution's channel log.
fn explore(
    exploration: &Exploration,
    bound: Option<usize>,
    workers: usize,
    jobs: u64,
    property: Property,
) -> Covered {
    quiet_loom_deadlocks();
    // A std Mutex: invisible to loom, it collects across executions.
    let search_name = match bound {
        Some(bound) => format!("preemption bound {bound}"),
        None => "no preemption bound".to_string(),
    };
    let covered = Arc::new(Mutex::new(Covered {
        search: search_name.clone(),
        ..Covered::default()
    }));
    let (counter, seen) = (exploration.clone(), Arc::clone(&covered));
    let name = search_name.clone();
    let ran = panic::catch_unwind(AssertUnwindSafe(|| {
        search(bound, workers).check(move || {
            counter.execution();
            let execution = run_pool(workers, jobs);
            if let Err(what) = property(&execution, jobs) {
                panic!(
                    "{}\n\ncounterexample: execution {} ({}), step by step:\n{}",
                    wrap(&what),
                    counter.executions(),
                    name,
                    timeline(&execution.entries)
                );
            }
            seen.lock().unwrap().add(&execution, workers);
        });
    }));
    if let Err(payload) = ran {
        let deadlock = (payload.downcast_ref::<String>())
            .is_some_and(|message| message.starts_with("deadlock; threads"));
        if deadlock {
            let entries = log::take();
            // The cause is told from the log, not assumed: main's Sender alive at the end is the
            // cycle the lesson warns about; anything else is a hang the pool must not have.
            let mains_sender_alive = channel_ledger::explain::live_senders(&entries)
                .iter()
                .any(|(_, holder, _)| holder == log::MAIN);
            let why = if mains_sender_alive {
                "the pool hangs: every thread is blocked. The workers wait in recv for a job, \
                 and recv returns Err only once every Sender is gone; main waits in join for \
                 the workers, with its Sender still alive: each waits for the other."
            } else {
                "the pool hangs: every thread is blocked, though main's Sender is gone: a \
                 worker waits for something that nothing will do (read the steps below)."
            };
            panic!(
                "{}\n\ncounterexample: execution {} ({}), step by step:\n{}",
                wrap(why),
                exploration.executions(),
                search_name,
                timeline(&entries)
            );
        }
        panic::resume_unwind(payload);
    }
    Arc::try_unwrap(covered)
        .unwrap_or_else(|_| panic!("the model's closure outlived the search"))
        .into_inner()
        .unwrap()
}

/// The channel's log, a line per step, in the pool's words.
fn timeline(entries: &[Entry]) -> String {
    let mut lines = String::new();
    for (step, entry) in entries.iter().enumerate() {
        // Every step the channel logs, in words: a learner reads this, not a Debug dump.
        let what = match entry.event {
            Event::Opened { bound: None } => "makes the jobs' channel and Sender 1".to_string(),
            Event::Opened { bound: Some(room) } => {
                format!("makes the jobs' channel (room for {room}) and Sender 1")
            }
            Event::Made { sender } => format!("makes Sender {sender}"),
            Event::Sent { amount, .. } => format!("sends job {amount}"),
            Event::Refused { amount, .. } => {
                format!("cannot send job {amount}: every worker is gone")
            }
            Event::WaitsForRoom { .. } => "waits for room in the channel".to_string(),
            Event::Received { amount } => format!("takes job {amount}"),
            Event::WaitsForMessage => "waits for a job".to_string(),
            Event::FoundEmpty => "finds no job yet".to_string(),
            Event::Dropped { sender } => format!("drops Sender {sender}"),
            Event::Disconnected => "finds no job left and no Sender: ends".to_string(),
            Event::ReceiverDropped => "drops the Receiver".to_string(),
        };
        let _ = writeln!(lines, "{:>3}. {:<9} {what}", step + 1, entry.thread);
    }
    lines
}

fn wrap(text: &str) -> String {
    figures::wrap(text, 80).join("\n")
}

/// The two workers of a model, or three, or four, as `map` names them.
fn workers(count: usize) -> BTreeSet<String> {
    (1..=count).map(|k| format!("worker-{k}")).collect()
}

/// Proof 1: every job runs exactly once, and `map` returns a result for each, in every execution
/// loom explores with up to 3 preemptions, 2 workers and 3 jobs (more jobs than workers, so that
/// some worker must take a second job).
///
/// Fails on `worker-stops-after-the-first-job` (a worker that takes one job and ends: the third
/// job never runs). Passes on `results-in-the-order-they-come-back`: every job runs once; the
/// order is another property.
#[test]
fn every_job_runs_exactly_once() {
    let exploration = Exploration::start(
        "every job runs exactly once, in every interleaving loom explored (2 workers, 3 jobs; \
         preemption bound 3)",
    );
    let covered = explore(&exploration, Some(3), 2, 3, every_job_once);
    exploration.finish();
    figures::report("covered", covered.describe());
    covered.require(
        covered.job_0_ran_in == workers(2),
        "the search never had each worker take job 0",
    );
    covered.require(
        covered.shares.contains(&vec![0, 3]) && covered.shares.contains(&vec![1, 2]),
        "the search never had one worker run every job, or never shared them out",
    );
}

/// Proof 2: the results come back in input order, whatever order the jobs finish in, in every
/// execution loom explores with up to 2 preemptions, 3 workers and 3 jobs.
///
/// Fails on `results-in-the-order-they-come-back` (each worker's results appended as it is
/// joined, Python's `as_completed` where `map` was meant).
#[test]
fn results_come_back_in_input_order() {
    let exploration = Exploration::start(
        "results come back in input order, in every interleaving loom explored (3 workers, 3 \
         jobs; preemption bound 2)",
    );
    let covered = explore(&exploration, Some(2), 3, 3, results_in_input_order);
    exploration.finish();
    figures::report("covered", covered.describe());
    covered.require(
        covered.pictured.is_some(),
        "no execution had each worker run one job and the jobs finish out of input order",
    );
    if let Some(pictured) = &covered.pictured {
        figures::report(figures::SCHEDULE, pictured);
    }
    covered.require(
        covered.out_of_order > 0,
        "the jobs always finished in input order: the search never challenged the order",
    );
    covered.require(
        covered.job_0_ran_in == workers(3),
        "the search never had each worker take job 0",
    );
}

/// Proof 3: every worker ends once the jobs do (`map` joins them all and returns), in every
/// execution loom explores with up to 2 preemptions, 4 workers and 2 jobs (5 threads with main,
/// loom's most): at least two workers never get a job, and must end all the same.
///
/// Fails on `job-sender-kept-alive` (main keeps its `Sender` until after the joins: the workers
/// wait for a job for ever, main waits for them, and loom finds every thread blocked).
#[test]
fn every_worker_ends_once_the_jobs_do() {
    let exploration = Exploration::start(
        "every worker ends once the jobs do, in every interleaving loom explored (4 workers, 2 \
         jobs; preemption bound 2)",
    );
    let covered = explore(&exploration, Some(2), 4, 2, returned);
    exploration.finish();
    figures::report("covered", covered.describe());
    covered.require(
        covered.job_0_ran_in == workers(4),
        "the search never had each worker take job 0",
    );
    covered.require(
        covered.woken_by_the_drop > 0,
        "no worker was ever waiting for a job when main dropped the Sender",
    );
}

/// Proof 4: the workers run jobs at the same time: in some execution loom explores with up to 2
/// preemptions (3 workers, 3 jobs), all three jobs are running at once; and in every one, every
/// job runs once.
///
/// Fails on `lock-held-across-the-job` (the worker keeps the receiver's lock while its job runs,
/// `while let Ok(job) = lock(jobs).recv()`: no other worker can take a job until it is done, so
/// two jobs never run at once). That mistake passes proof 1: every job still runs once.
#[test]
fn the_workers_run_jobs_at_the_same_time() {
    let exploration = Exploration::start(
        "three jobs run at once in some interleaving loom explored, and every job runs once in \
         every one (3 workers, 3 jobs; preemption bound 2)",
    );
    let covered = explore(&exploration, Some(2), 3, 3, every_job_once);
    exploration.finish();
    figures::report("covered", covered.describe());
    covered.require(
        covered.most_at_once == 3,
        &format!(
            "in no execution were the three jobs running at once (at most {}): the workers took \
             turns",
            covered.most_at_once
        ),
    );
}

/// Proof 5: every property of proofs 1 to 4 at once, with loom's default search, no preemption
/// bound, 2 workers and 2 jobs: the one size at which that search ends in well under a minute
/// here. (Loom's unbounded search can itself miss executions, loom issues #166 and #392: see the
/// appendix.)
///
/// Fails on each of the four mistakes.
#[test]
fn with_no_preemption_bound_every_property_holds() {
    let exploration = Exploration::start(
        "every job once, results in input order, every worker ends, two jobs at once, in every \
         interleaving loom explored (2 workers, 2 jobs; no preemption bound)",
    );
    let all = |execution: &Execution, jobs: u64| {
        every_job_once(execution, jobs)?;
        results_in_input_order(execution, jobs)
    };
    let covered = explore(&exploration, None, 2, 2, all);
    exploration.finish();
    figures::report("covered", covered.describe());
    covered.require(
        covered.job_0_ran_in == workers(2),
        "the search never had each worker take job 0",
    );
    covered.require(
        covered.out_of_order > 0,
        "the jobs always finished in input order",
    );
    covered.require(covered.most_at_once == 2, "the two jobs never ran at once");
    covered.require(
        covered.woken_by_the_drop > 0,
        "no worker was ever waiting for a job when main dropped the Sender",
    );
}
