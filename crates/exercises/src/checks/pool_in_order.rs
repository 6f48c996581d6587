//! pool-in-order: every item's result, at its place in the input, each job run once by a worker
//! named `worker-k`; in the models, whichever worker runs which job.

use std::sync::Mutex;

use crate::check::{self, Outcome};

/// The job a pool runs on each item.
pub type Job = fn(u64) -> u64;

/// The functions the exercise asks for.
pub struct Api {
    /// `map_in_order(workers, f, items)`.
    pub map_in_order: fn(usize, Job, Vec<u64>) -> Vec<u64>,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::pool_in_order::Api {
            map_in_order: $($module)::+::map_in_order,
        }
    };
}
pub(crate) use api;

/// Each job's run: the thread that ran it and its item. A std lock, invisible to loom: nothing
/// in it is a loom step, so loom never switches threads while it is held.
static RAN: Mutex<Vec<(String, u64)>> = Mutex::new(Vec::new());

fn ran() -> std::sync::MutexGuard<'static, Vec<(String, u64)>> {
    RAN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The job the checks give the pool: `10 * item`, noting who ran it.
fn times_ten(item: u64) -> u64 {
    ran().push((check::current_thread(), item));
    #[cfg(loom)]
    super::pool_trace::note(format!("runs job {item}: {}", 10 * item));
    // Under loom, a point where another worker may run between this job's start and its end.
    super::switch_point();
    10 * item
}

/// What is wrong with one call, if anything.
fn judge(workers: usize, items: &[u64], results: &[u64], ran: &[(String, u64)]) -> Outcome {
    let expected: Vec<u64> = items.iter().map(|item| 10 * item).collect();
    let call = format!("map_in_order({workers}, times_ten, {items:?})");
    if results != expected {
        let mut sorted = results.to_vec();
        sorted.sort_unstable();
        let mut wanted = expected.clone();
        wanted.sort_unstable();
        let why = match sorted == wanted {
            true => {
                "every result is there, but not at its place: put each result at its \
                     job's place (results[job]), whichever worker ran it, not in the order the \
                     workers hand them back"
            }
            false => "a result is missing, extra or wrong",
        };
        return Err(format!(
            "{call} returned {results:?}, not {expected:?}: {why}. (times_ten(x) is 10 * x; \
             job k is items[k].)"
        ));
    }
    let names: Vec<String> = (1..=workers).map(|k| format!("worker-{k}")).collect();
    if let Some((thread, item)) = ran.iter().find(|(thread, _)| !names.contains(thread)) {
        return Err(format!(
            "In {call}, the job of item {item} ran on the thread {thread:?}: every job runs on \
             one of the workers, named {names:?}."
        ));
    }
    if ran.len() != items.len() {
        return Err(format!(
            "In {call}, {} jobs ran for {} items: each job runs exactly once.",
            ran.len(),
            items.len()
        ));
    }
    Ok(())
}

fn call(api: &Api, workers: usize, items: &[u64]) -> Outcome {
    ran().clear();
    let results = (api.map_in_order)(workers, times_ten, items.to_vec());
    let ran = std::mem::take(&mut *ran());
    judge(workers, items, &results, &ran)
}

/// One worker, then two workers on four items, 10 times, on real threads.
pub fn plain(api: Api) -> Outcome {
    call(&api, 1, &[3, 1, 2])?;
    for _ in 0..10 {
        call(&api, 2, &[4, 3, 2, 1])?;
    }
    Ok(())
}

/// Two workers, two jobs, in every interleaving loom explores: the results in input order;
/// `worker-2` runs job 0 while `worker-1` runs job 1 in some execution (the order a plain run
/// rarely gets).
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    const ITEMS: [u64; 2] = [0, 1];
    let crossed = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&crossed);
    let explored = check::model::explore(None, move |execution| {
        super::pool_trace::record();
        ran().clear();
        let results = (api.map_in_order)(2, times_ten, ITEMS.to_vec());
        let events = super::pool_trace::take();
        let ran = std::mem::take(&mut *ran());
        let by = |item: u64| {
            ran.iter()
                .find(|(_, ran)| *ran == item)
                .map(|(thread, _)| thread.as_str())
        };
        if by(0) == Some("worker-2") && by(1) == Some("worker-1") {
            seen.store(true, Ordering::Relaxed);
        }
        judge(2, &ITEMS, &results, &ran).map_err(|what| {
            format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["main", "worker-1", "worker-2"],
                    "",
                    &events,
                    &[],
                    &format!("results: {results:?} (should be [0, 10])"),
                ))
            )
        })
    });
    match explored {
        Ok(executions) => match crossed.load(Ordering::Relaxed) {
            true => Ok(()),
            false => Err(super::not_interleaved(
                executions,
                "did worker-2 run job 0 while worker-1 ran job 1",
            )),
        },
        Err(stop) => Err(super::stopped(stop)),
    }
}
