//! take-then-run: two of your workers on one channel run every job once and hand back what they
//! ran; in the models, two jobs run at once in some execution (a worker holds the lock only to
//! take a job).

use std::sync::Arc;

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;
use worker_pool::Job;
use worker_pool::sync::mpsc::{self, Receiver};
use worker_pool::sync::{Mutex, thread};

/// What a worker is given: the jobs' receiver, behind the lock the workers share.
pub type Jobs = Mutex<Receiver<Job>>;

/// What runs a job: `run(job)`, its result.
pub type Run = dyn Fn(Job) -> u64;

/// What a worker hands back: each `(job, result)` it ran, in the order it ran them.
pub type Ran = Vec<(Job, u64)>;

/// The functions the exercise asks for.
pub struct Api {
    /// `worker(jobs, run)`.
    pub worker: fn(&Jobs, &Run) -> Ran,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::take_then_run::Api {
            worker: $($module)::+::worker,
        }
    };
}
pub(crate) use api;

/// What the workers handed back, by worker.
type HandedBack = Vec<Ran>;

/// A pool around your `worker`: the jobs `0..jobs` sent, the `Sender` dropped, `workers`
/// threads named `worker-1`, ... each running `worker` with `run`, joined in order.
fn pool(
    api: &Api,
    workers: usize,
    jobs: Job,
    run: Arc<dyn Fn(Job) -> u64 + Send + Sync>,
) -> HandedBack {
    let (sender, receiver) = mpsc::channel();
    for job in 0..jobs {
        sender.send(job).expect("the workers' receiver lives");
    }
    drop(sender);
    let receiver = Arc::new(Mutex::new(receiver));
    let worker = api.worker;
    let handles: Vec<_> = (1..=workers)
        .map(|k| {
            let (receiver, run) = (Arc::clone(&receiver), Arc::clone(&run));
            thread::Builder::new()
                .name(format!("worker-{k}"))
                .spawn(move || worker(&receiver, &*run))
                .expect("failed to spawn thread")
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a worker panicked"))
        .collect()
}

/// What is wrong with what the workers handed back, if anything.
fn judge(jobs: Job, handed_back: &HandedBack) -> Outcome {
    let mut ran: Vec<Job> = Vec::new();
    for (k, done) in handed_back.iter().enumerate() {
        for &(job, result) in done {
            if result != 10 * u64::from(job) {
                return Err(format!(
                    "worker-{} handed back ({job}, {result}), but run({job}) returned {}: \
                     hand back each job with what run returned for it.",
                    k + 1,
                    10 * u64::from(job)
                ));
            }
            ran.push(job);
        }
    }
    ran.sort_unstable();
    let all: Vec<Job> = (0..jobs).collect();
    if ran != all {
        return Err(format!(
            "The workers handed back the jobs {ran:?} (sorted) for the jobs {all:?} sent: \
             every job is taken by exactly one worker, and each worker takes jobs until \
             recv() returns Err. (Handed back: {handed_back:?}.)"
        ));
    }
    Ok(())
}

/// One worker on three jobs, then two workers on four jobs, 10 times, on real threads.
pub fn plain(api: Api) -> Outcome {
    let run: Arc<dyn Fn(Job) -> u64 + Send + Sync> = Arc::new(|job| 10 * u64::from(job));
    let alone = pool(&api, 1, 3, Arc::clone(&run));
    judge(3, &alone)?;
    if alone[0].iter().map(|&(job, _)| job).ne(0..3) {
        return Err(format!(
            "One worker alone handed back {:?}: it should hand back the jobs in the order it \
             ran them, [(0, 0), (1, 10), (2, 20)].",
            alone[0]
        ));
    }
    for _ in 0..10 {
        judge(4, &pool(&api, 2, 4, Arc::clone(&run)))?;
    }
    Ok(())
}

/// Two workers, two jobs, in every interleaving loom explores: every job run once; and in some
/// execution, the two jobs run at once.
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use loom::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex as StdMutex;
    use std::sync::atomic::AtomicBool;
    // Std's, kept across executions: did two jobs ever run at once? And one execution's
    // timeline in which each worker ran a job, to draw if they never did.
    let overlapped = Arc::new(AtomicBool::new(false));
    let drawn: Arc<StdMutex<Option<String>>> = Arc::default();
    let (seen, kept) = (Arc::clone(&overlapped), Arc::clone(&drawn));
    let explored = check::model::explore(None, move |execution| {
        super::pool_trace::record();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let run: Arc<dyn Fn(Job) -> u64 + Send + Sync> = {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            Arc::new(move |job| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                super::pool_trace::note(format!("starts job {job}"));
                running.fetch_sub(1, Ordering::SeqCst);
                super::pool_trace::note(format!("ends job {job}"));
                10 * u64::from(job)
            })
        };
        let handed_back = pool(&api, 2, 2, run);
        let events = super::pool_trace::take();
        let draw = |end: &str| {
            check::timeline(&check::schedule(
                &format!("execution {execution}"),
                &["main", "worker-1", "worker-2"],
                "",
                &events,
                &[],
                end,
            ))
        };
        if let Err(what) = judge(2, &handed_back) {
            return Err(format!(
                "{what}\n\n{}",
                draw(&format!("handed back: {handed_back:?}"))
            ));
        }
        if most.load(Ordering::SeqCst) >= 2 {
            seen.store(true, std::sync::atomic::Ordering::Relaxed);
        } else if handed_back.iter().all(|done| !done.is_empty()) {
            let mut kept = kept.lock().unwrap();
            if kept.is_none() {
                *kept = Some(draw(
                    "worker-2 started its job only after worker-1 ended its own",
                ));
            }
        }
        Ok(())
    });
    match explored {
        Ok(executions) => {
            if overlapped.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            let timeline = drawn.lock().unwrap().take().unwrap_or_else(|| {
                "(no execution had each worker run a job, step by step: one worker ran both)"
                    .to_string()
            });
            Err(format!(
                "In the {executions} executions loom explored, the two jobs never ran at once: \
                 a worker holds the lock of the jobs' receiver while it runs its job, so the \
                 other waits for the lock, and the pool runs one job at a time. In `while let \
                 Ok(job) = jobs.lock().unwrap().recv() {{ ... }}` the guard lives to the end of \
                 the loop's body; take the job in a statement of its own (`let next = \
                 jobs.lock().unwrap().recv();`), so the guard is dropped before the job runs.\n\n\
                 Here each worker ran a job, one after the other:\n\n{timeline}"
            ))
        }
        Err(stop) => Err(super::stopped(stop)),
    }
}
