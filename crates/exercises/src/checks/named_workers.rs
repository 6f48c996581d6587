//! named-workers: the results in the order of the names, each from a thread with that name; and,
//! in the models, workers that can run at the same time.

use crate::check::{self, Outcome};

/// `run_workers(names, work)`'s type.
pub type RunWorkers = fn(&[&str], fn() -> String) -> Vec<String>;

/// The functions the exercise asks for.
pub struct Api {
    /// `run_workers(names, work)`.
    pub run_workers: RunWorkers,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::named_workers::Api {
            run_workers: $($module)::+::run_workers,
        }
    };
}
pub(crate) use api;

/// The check's `work`: notes its start and end (with a point between where loom may switch to
/// another thread), and returns the name of the thread that ran it.
fn work() -> String {
    check::note("starts work", "");
    super::switch_point();
    check::note("ends work", "");
    check::current_thread()
}

/// What the results say, if they are not the names in order.
fn judge(names: &[&str], results: &[String]) -> Outcome {
    if results.len() != names.len() {
        return Err(format!(
            "run_workers returned {} results for {} names: one result per name, please.",
            results.len(),
            names.len()
        ));
    }
    if results.iter().any(|result| result == "main") {
        return Err(
            "work() ran on a thread with no name: name each thread with \
             thread::Builder::new().name(name.to_string()) before you spawn it."
                .to_string(),
        );
    }
    if results != names {
        return Err(format!(
            "The results are not in the order of the names: for {names:?} run_workers \
             returned {results:?}, the names of the threads that ran each work() in the order \
             it collected them. Keep each thread's JoinHandle, in order, and collect what \
             join() returns."
        ));
    }
    Ok(())
}

/// Three workers on real threads.
pub fn plain(api: Api) -> Outcome {
    let names = ["Worker-1", "Worker-2", "Worker-3"];
    judge(&names, &(api.run_workers)(&names, work))
}

/// Two workers, in every interleaving loom explores: the results are right in each, and in at
/// least one execution the workers overlapped (one started work before the other ended it).
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use std::sync::{Arc, Mutex};
    let names = ["Worker-1", "Worker-2"];
    // Std's: kept across executions. Did any execution overlap the workers? And the last
    // execution's steps, to show when none did.
    let overlapped = Arc::new(Mutex::new(false));
    let last = Arc::new(Mutex::new(Vec::new()));
    let (seen, kept) = (Arc::clone(&overlapped), Arc::clone(&last));
    let explored = check::model::explore(None, move |execution| {
        check::record();
        let results = (api.run_workers)(&names, work);
        let events = check::take();
        let drawn = || {
            check::timeline(&check::schedule(
                &format!("counterexample: execution {execution}"),
                &names,
                "",
                &events,
                &[],
                &format!("results: {results:?}"),
            ))
        };
        judge(&names, &results).map_err(|what| format!("{what}\n\n{}", drawn()))?;
        if overlaps(&events) {
            *seen.lock().unwrap() = true;
        }
        *kept.lock().unwrap() = events;
        Ok(())
    });
    match explored {
        Ok(executions) if !*overlapped.lock().unwrap() => {
            let events = last.lock().unwrap().clone();
            let searched = match executions {
                1 => "the one execution loom explored".to_string(),
                n => format!("none of the {n} executions loom explored"),
            };
            Err(format!(
                "The results are right, but in {searched} did one worker start before the \
                 other had ended: run_workers \
                 joins each thread before it starts the next, so the workers never run at the \
                 same time. Start every thread first, keep the JoinHandles, then join them.\n\n{}",
                check::timeline(&check::schedule(
                    &format!("every execution, e.g. execution {executions}"),
                    &names,
                    "",
                    &events,
                    &[],
                    "(the workers took turns)",
                ))
            ))
        }
        Ok(_) => Ok(()),
        Err(stop) => Err(crate::checks::stopped(stop)),
    }
}

/// Did a worker start its work while another's was under way?
#[cfg(loom)]
fn overlaps(events: &[check::Event]) -> bool {
    let mut working = 0;
    for event in events {
        match event.text.as_str() {
            "starts work" if working > 0 => return true,
            "starts work" => working += 1,
            "ends work" => working -= 1,
            _ => {}
        }
    }
    false
}
