//! visit-counter: every visit counted.

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for.
pub struct Api {
    /// `count(visits_each)`: the final count.
    pub count: fn(u32) -> i64,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::visit_counter::Api {
            count: $($module)::+::count,
        }
    };
}
pub(crate) use api;

fn judge(count: i64, visits_each: u32) -> Outcome {
    let expected = 2 * i64::from(visits_each);
    if count == expected {
        return Ok(());
    }
    Err(format!(
        "Two threads visited {visits_each} time(s) each, but the count is {count}, not \
         {expected}: a visit was lost. One thread read the counter, the other added its visit, \
         and the first wrote back its own read plus one over it. Add in one step: fetch_add."
    ))
}

/// Twenty visits per thread, on real threads.
pub fn plain(api: Api) -> Outcome {
    judge((api.count)(20), 20)
}

/// One visit per thread, in every interleaving loom explores; each thread changes the counter
/// first in some execution (the search covered both orders).
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use lock_balance::sync::steps::{self, Access};
    let firsts = super::Firsts::default();
    let seen = firsts.clone();
    let fallback = super::Fallback::default();
    let kept = fallback.clone();
    let explored = check::model::explore(None, move |execution| {
        steps::record();
        let count = (api.count)(1);
        let steps = steps::take();
        if let Err(what) = judge(count, 1) {
            let events = super::balance_events(&steps, 0);
            let message = format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Thread-1", "Thread-2"],
                    "count",
                    &events,
                    &[],
                    &format!("final count: {count} (should be 2)"),
                ))
            );
            if super::reads_latest(&steps, 0) {
                return Err(message);
            }
            kept.keep(message);
            return Ok(());
        }
        let changed =
            |step: &&steps::Step| matches!(step.access, Access::Store | Access::FetchAdd(_));
        if let Some(first) = steps.iter().find(changed) {
            seen.saw(&first.thread);
        }
        Ok(())
    });
    if explored.is_ok() {
        if let Some(what) = fallback.take() {
            return Err(what);
        }
    }
    match explored {
        Ok(executions) => {
            firsts.cover(executions, &["Thread-1", "Thread-2"], "changed the counter")
        }
        Err(stop) => Err(super::stopped(stop)),
    }
}
