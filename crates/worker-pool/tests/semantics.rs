//! What the Python promises, checked of the Rust: `map` returns the results in input order
//! whatever order the jobs finish in; the pool has joined every worker when `map` returns (the
//! end of Python's `with` block); a job's exception is raised at its result, and the other jobs
//! still run. Every test that can block runs under a deadline, and says what it waited for.
#![cfg(not(loom))]

use std::collections::BTreeSet;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

use pretty_assertions::assert_eq;
use worker_pool::{JobPanicked, PoolError, map, map_borrowed};

use cli_checks::{DEADLINE, within};

/// Jobs that finish in an order fixed in advance: job `k` waits until every job after it has
/// finished, so they finish last to first; and what order they finished in.
#[derive(Default)]
struct LastFirst {
    finished: Mutex<Vec<u64>>,
    changed: Condvar,
}

impl LastFirst {
    fn job(&self, k: u64, jobs: u64) -> u64 {
        let mut finished = self.finished.lock().unwrap();
        while (finished.len() as u64) < jobs - 1 - k {
            finished = self.changed.wait(finished).unwrap();
        }
        finished.push(k);
        self.changed.notify_all();
        10 * k
    }
}

/// `executor.map` yields job 0's result first, even when job 0 finishes last. With as many
/// workers as jobs, every job is taken at once; each waits for the ones after it.
#[test]
fn map_returns_the_results_in_input_order_when_the_jobs_finish_in_reverse() {
    let (results, finished) = within(
        DEADLINE,
        "map to return, its jobs finishing last to first",
        || {
            let order = Arc::new(LastFirst::default());
            let shared = Arc::clone(&order);
            let results = map(4, move |&k| shared.job(k, 4), vec![0, 1, 2, 3]);
            let finished = order.finished.lock().unwrap().clone();
            (results, finished)
        },
    );
    assert_eq!(finished, [3, 2, 1, 0], "the jobs finished last to first");
    assert_eq!(results, Ok(vec![Ok(0), Ok(10), Ok(20), Ok(30)]));
}

/// The same with `map_borrowed`, whose workers borrow the jobs and the input.
#[test]
fn map_borrowed_returns_the_results_in_input_order_too() {
    let (results, finished) = within(
        DEADLINE,
        "map_borrowed to return, its jobs finishing last to first",
        || {
            let order = LastFirst::default();
            let items = vec![0, 1, 2];
            let results = map_borrowed(3, &|&k| order.job(k, 3), &items);
            (results, order.finished.into_inner().unwrap())
        },
    );
    assert_eq!(finished, [2, 1, 0]);
    assert_eq!(results, Ok(vec![Ok(0), Ok(10), Ok(20)]));
}

/// Leaving the `with` block joins every worker: when `map` returns, each worker's thread has
/// ended, so its copy of the job, which holds `token`, has been dropped. The jobs ran in the
/// pool's named threads, and only there.
#[test]
fn the_pool_joins_every_worker_before_map_returns() {
    let (token_count, names) = within(DEADLINE, "map with 3 workers and 6 jobs to return", || {
        let token = Arc::new(());
        let held = Arc::clone(&token);
        let results = map(
            3,
            move |_: &u32| {
                let _still_held = &held;
                thread::current().name().map(str::to_string)
            },
            (0..6).collect(),
        )
        .expect("the pool ran");
        let names: BTreeSet<Option<String>> = results
            .into_iter()
            .map(|r| r.expect("no job panics"))
            .collect();
        (Arc::strong_count(&token), names)
    });
    assert_eq!(
        token_count, 1,
        "a worker still held the job after map returned"
    );
    let workers: BTreeSet<Option<String>> = (1..=3).map(|k| Some(format!("worker-{k}"))).collect();
    assert!(names.is_subset(&workers), "jobs ran in {names:?}");
}

/// A job's exception is kept and raised at its result: the other jobs ran, the pool ended, and
/// the failing job's place holds its panic, with the worker that ran it.
#[test]
fn a_job_that_panics_is_raised_at_its_result_and_the_others_still_run() {
    let results = within(DEADLINE, "map with a job that panics to return", || {
        map(
            2,
            |&k: &u64| {
                assert_ne!(k, 1, "job 1 fails on purpose");
                k * k
            },
            vec![3, 1, 4, 5],
        )
    })
    .expect("a job's panic is not the pool's failure");
    assert_eq!(results.len(), 4);
    assert_eq!(results[0], Ok(9));
    assert_eq!(results[2..], [Ok(16), Ok(25)]);
    let Err(JobPanicked {
        job,
        worker,
        message,
    }) = &results[1]
    else {
        panic!("job 1's result should be its panic: {:?}", results[1]);
    };
    assert_eq!(*job, 1);
    assert!(
        ["worker-1", "worker-2"].contains(&worker.as_str()),
        "{worker}"
    );
    assert!(message.starts_with("assertion `left != right` failed: job 1 fails on purpose"));
    assert_eq!(
        results[1].as_ref().unwrap_err().to_string(),
        format!("job 1 panicked in {worker}: {message}")
    );
}

/// Python: `ValueError: max_workers must be greater than 0`.
#[test]
fn a_pool_of_no_workers_is_an_error() {
    assert_eq!(map(0, |&k: &u8| k, vec![1]), Err(PoolError::NoWorkers));
    assert_eq!(
        map_borrowed(0, &|&k: &u8| k, &[1]),
        Err(PoolError::NoWorkers)
    );
    assert_eq!(
        PoolError::NoWorkers.to_string(),
        "a pool needs at least 1 worker"
    );
}

/// No jobs, or fewer jobs than workers: the idle workers end all the same, and `map` returns.
#[test]
fn idle_workers_end_when_the_jobs_do() {
    let (none, few) = within(DEADLINE, "map with idle workers to return", || {
        (
            map(3, |&k: &u8| k, Vec::new()),
            map_borrowed(8, &|&k: &u8| k + 1, &[1, 2]),
        )
    });
    assert_eq!(none, Ok(Vec::new()));
    assert_eq!(few, Ok(vec![Ok(2), Ok(3)]));
}
