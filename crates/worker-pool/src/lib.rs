//! A pool of workers: Python's `ThreadPoolExecutor(max_workers=4).map(count_primes, items)` in
//! Rust, with std's threads, a `Mutex` and an `mpsc` channel.
//!
//! A fixed number of named threads, the workers, share one channel of jobs: the receiver sits
//! behind a `Mutex`, so that each job is taken by exactly one worker. The main thread sends one
//! job per item, in input order, then drops its `Sender`: once the channel is empty, every
//! worker's `recv` returns `Err`, and its loop ends. Each worker hands back what it ran when it
//! is joined, and the pool puts the results back in input order, as Python's `map` does.
//!
//! The lesson comes first: [`count_primes`], the CPU-bound job, and [`worker`], a worker's loop,
//! Python beside Rust; then [`map`], the pool the binary runs and the proofs model, and
//! [`map_borrowed`], the same pool inside `thread::scope`, which lends the workers its input
//! instead of giving it to them. The threads, the lock and the channel come from [`sync`].

pub mod sync;

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, PoisonError};

use sync::mpsc::{self, Receiver};
use sync::{Mutex, MutexGuard, thread};

/// `ThreadPoolExecutor(max_workers=4)`: how many workers the lesson starts by default.
pub const WORKERS: usize = 4;

/// `items = [80000, 10000, ...]`: the numbers the lesson counts the primes below. Big and small
/// alternate, so the small jobs finish first: the pool must still return them in this order.
pub const ITEMS: [u64; 8] = [
    80_000, 10_000, 70_000, 20_000, 60_000, 30_000, 50_000, 40_000,
];

/// A job as the channel carries it: the place of its item in the input, 0 for the first. The
/// items themselves stay where they are, shared by the workers, so a job is a small number.
pub type Job = u32;

/// The CPU-bound job: how many primes lie below `n`, by trial division. It never waits and
/// shares nothing, so only the number of cores limits how many run at once.
#[must_use]
#[expect(clippy::assign_op_pattern, reason = "the Python's line, literally")]
pub fn count_primes(n: u64) -> u64 {
    // count = 0
    let mut count = 0;
    // for k in range(2, n):
    for k in 2..n {
        // d = 2
        let mut d = 2;
        // while d * d <= k:
        while d * d <= k {
            // if k % d == 0: break
            if k % d == 0 {
                break;
            }
            // d = d + 1
            d = d + 1;
        }
        // else: count = count + 1 (the loop found no divisor)
        if d * d > k {
            count = count + 1;
        }
    }
    count
}

/// What a worker hands back for one job: the job, and its result or the message of the panic
/// it raised (Python keeps a job's exception in its future).
pub type Done<R> = (Job, Result<R, String>);

/// A worker's loop, Python's `concurrent.futures.thread._worker`: take a job, run it, again,
/// until the channel is empty and its `Sender` gone. `run` turns a job's number into its
/// result. Returns every job this worker ran, in the order it ran them.
///
/// A job that panics does not end the worker: its panic is caught and handed back as that job's
/// result, to be raised again at its place in the results (see [`JobPanicked`]).
pub fn worker<R>(
    jobs: &Mutex<Receiver<Job>>,
    run: impl Fn(usize) -> R,
) -> Vec<Done<R>> {
    let mut ran = Vec::new();
    // while True:
    loop {
        // work_item = work_queue.get(block=True)
        // The guard is a temporary of this statement: the lock is released
        // here, before the job runs, so the others can take the next jobs.
        let next = lock(jobs).recv();
        // if work_item is None: return (no job is left, and none can come)
        let Ok(job) = next else { break };
        // work_item.run(): an exception is kept, for map to raise at its result
        let result =
            panic::catch_unwind(AssertUnwindSafe(|| run(job as usize)));
        ran.push((job, result.map_err(|panic| panic_message(panic.as_ref()))));
    }
    ran
}

/// Takes the lock of the jobs' receiver. Nothing panics while it is held (a job runs after it
/// is released), so it is never poisoned; take it anyway if it is.
fn lock(jobs: &Mutex<Receiver<Job>>) -> MutexGuard<'_, Receiver<Job>> {
    jobs.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The results of [`map`], in input order: each job's value, or the panic it raised.
pub type Results<R> = Vec<Result<R, JobPanicked>>;

/// A job panicked: Python's exception in a job, which `map` raises again when the loop over its
/// results reaches that job's place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobPanicked {
    /// The job: its item's place in the input, 0 for the first.
    pub job: usize,
    /// The worker that ran it: `worker-1`, `worker-2`, ...
    pub worker: String,
    /// The panic's message.
    pub message: String,
}

impl fmt::Display for JobPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let JobPanicked {
            job,
            worker,
            message,
        } = self;
        write!(f, "job {job} panicked in {worker}: {message}")
    }
}

impl std::error::Error for JobPanicked {}

/// What went wrong with the pool itself, as opposed to a job: [`PoolError::NoWorkers`] is a
/// caller's mistake; the others are what the proofs show never happens, and what the lesson's
/// catalogue of mistakes makes happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolError {
    /// A pool of 0 workers (Python: `ValueError: max_workers must be greater than 0`).
    NoWorkers,
    /// A worker's thread panicked outside any job.
    WorkerPanicked {
        /// Its name.
        worker: String,
        /// The panic's message.
        message: String,
    },
    /// No worker handed back this job's result: it never ran.
    JobNeverRan {
        /// The job.
        job: usize,
    },
    /// Two results came back for this job: it ran twice.
    JobRanTwice {
        /// The job.
        job: usize,
    },
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::NoWorkers => {
                f.write_str("a pool needs at least 1 worker")
            }
            PoolError::WorkerPanicked { worker, message } => {
                write!(f, "{worker} panicked outside any job: {message}")
            }
            PoolError::JobNeverRan { job } => {
                write!(
                    f,
                    "job {job} never ran: no worker handed back its result"
                )
            }
            PoolError::JobRanTwice { job } => {
                write!(
                    f,
                    "job {job} ran twice: two workers handed back its result"
                )
            }
        }
    }
}

impl std::error::Error for PoolError {}

/// `with ThreadPoolExecutor(max_workers=workers) as executor: executor.map(f, items)`: runs
/// `f` on every item in a pool of `workers` named threads, `worker-1`, `worker-2`, ..., and
/// returns the results in input order once every worker has ended.
///
/// The pool owns `f` and `items` (the workers share them, behind an `Arc`): a worker thread may
/// outlive the caller's borrows as far as `thread::spawn` knows. [`map_borrowed`] borrows them.
///
/// # Errors
///
/// [`PoolError`]: no workers, or a worker that panicked outside a job. A job that panics is not
/// an error of the pool: its `Err` stands at its place in the results.
///
/// # Panics
///
/// If the operating system cannot start a thread ("failed to spawn thread"), as in the other
/// lessons; or if there are more than `u32::MAX` items.
pub fn map<T, R, F>(
    workers: usize,
    f: F,
    items: Vec<T>,
) -> Result<Results<R>, PoolError>
where
    T: Send + Sync + 'static,
    R: Send + 'static,
    F: Fn(&T) -> R + Send + Sync + 'static,
{
    let jobs = items.len();
    let shared = Arc::new((f, items));
    let start = |name: String, receiver: Arc<Mutex<Receiver<Job>>>| {
        let shared = Arc::clone(&shared);
        thread::Builder::new()
            .name(name)
            .spawn(move || {
                let (f, items) = &*shared;
                worker(&receiver, |job| f(&items[job]))
            })
            .expect("failed to spawn thread")
    };
    pool(workers, jobs, start, |handle| handle.join())
}

/// [`map`] inside `thread::scope`: the workers borrow `f` and `items`, because the scope joins
/// them before it returns, so nothing is moved, cloned or put behind an `Arc`. The same
/// [`worker`], the same channel, the same dispatch and collection as [`map`]; only the spawn
/// differs. Normal build only: loom has no `thread::scope` (the proofs run [`map`]).
///
/// # Errors
///
/// As [`map`].
///
/// # Panics
///
/// As [`map`].
#[cfg(not(loom))]
pub fn map_borrowed<T, R, F>(
    workers: usize,
    f: &F,
    items: &[T],
) -> Result<Results<R>, PoolError>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    thread::scope(|scope| {
        let start = |name: String, receiver: Arc<Mutex<Receiver<Job>>>| {
            thread::Builder::new()
                .name(name)
                .spawn_scoped(scope, move || {
                    worker(&receiver, |job| f(&items[job]))
                })
                .expect("failed to spawn thread")
        };
        pool(workers, items.len(), start, |handle| handle.join())
    })
}

/// The pool: starts `workers` workers with `start` (each gets its name and a share of the jobs'
/// receiver), sends the jobs `0..jobs` in order, drops the `Sender`, joins every worker with
/// `join`, and puts what they hand back in input order.
fn pool<R, H>(
    workers: usize,
    jobs: usize,
    mut start: impl FnMut(String, Arc<Mutex<Receiver<Job>>>) -> H,
    join: impl Fn(H) -> std::thread::Result<Vec<Done<R>>>,
) -> Result<Results<R>, PoolError> {
    if workers == 0 {
        return Err(PoolError::NoWorkers);
    }
    let job_count = Job::try_from(jobs).expect("at most u32::MAX jobs");
    // work_queue = queue.SimpleQueue()
    let (sender, receiver) = mpsc::channel();
    // Only the workers hold it: were they all gone, a send would say so.
    let receiver = Arc::new(Mutex::new(receiver));
    // ThreadPoolExecutor(max_workers=workers): named threads, each with a
    // share of the receiver
    let mut started = Vec::with_capacity(workers);
    for k in 1..=workers {
        let name = format!("worker-{k}");
        started.push((name.clone(), start(name, Arc::clone(&receiver))));
    }
    drop(receiver);
    // executor.map(f, items): one job per item, in input order
    for job in 0..job_count {
        if sender.send(job).is_err() {
            break; // every worker is gone: joining them says why
        }
    }
    // The end of the `with` block, executor.shutdown(wait=True): no job
    // will come, so each worker's recv returns Err once the channel is
    // empty. Were this Sender kept, every worker would wait for a job
    // forever, and so would the joins below.
    drop(sender);
    let mut handed_back = Vec::with_capacity(workers);
    let mut failure = None;
    for (name, handle) in started {
        match join(handle) {
            Ok(done) => handed_back.push((name, done)),
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                failure.get_or_insert(PoolError::WorkerPanicked {
                    worker: name,
                    message,
                });
            }
        }
    }
    match failure {
        Some(failure) => Err(failure),
        None => in_input_order(jobs, handed_back),
    }
}

/// Puts each worker's results at their job's place: the result of job 0 first, whichever worker
/// ran it and whenever it finished. A job with no result, or with two, is the pool's failure.
fn in_input_order<R>(
    jobs: usize,
    handed_back: Vec<(String, Vec<Done<R>>)>,
) -> Result<Results<R>, PoolError> {
    let mut places: Vec<Option<Result<R, JobPanicked>>> =
        (0..jobs).map(|_| None).collect();
    for (worker, done) in handed_back {
        for (job, result) in done {
            let job = job as usize;
            if places[job].is_some() {
                return Err(PoolError::JobRanTwice { job });
            }
            places[job] = Some(result.map_err(|message| JobPanicked {
                job,
                worker: worker.clone(),
                message,
            }));
        }
    }
    (places.into_iter().enumerate())
        .map(|(job, place)| place.ok_or(PoolError::JobNeverRan { job }))
        .collect()
}

/// The message a panic was raised with (`panic!` gives a `&str` or a `String`).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}
