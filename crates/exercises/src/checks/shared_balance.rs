//! shared-balance: the balance ends at 0, as the Python's comment says.

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for.
pub struct Api {
    /// `run(iterations)`: the final balance.
    pub run: fn(u32) -> i64,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::shared_balance::Api {
            run: $($module)::+::run,
        }
    };
}
pub(crate) use api;

fn judge(balance: i64, iterations: u32) -> Outcome {
    if balance == 0 {
        return Ok(());
    }
    Err(format!(
        "After {iterations} iteration(s) of each thread the balance is {balance}, not 0: an \
         update was lost. A thread read the balance, the other changed it, and the first wrote \
         back a sum from the value it had read. Hold one guard across both lines of change_it."
    ))
}

/// Twenty iterations per thread, on real threads.
pub fn plain(api: Api) -> Outcome {
    judge((api.run)(20), 20)
}

/// One iteration per thread, in every interleaving loom explores; each thread takes the lock
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
        let balance = (api.run)(1);
        let steps = steps::take();
        if let Err(what) = judge(balance, 1) {
            let events = super::balance_events(&steps, 0);
            let message = format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Thread-1", "Thread-2"],
                    "balance",
                    &events,
                    &[],
                    &format!("final balance: {balance} (the Python's comment says 0)"),
                ))
            );
            if super::reads_latest(&steps, 0) {
                return Err(message);
            }
            kept.keep(message);
            return Ok(());
        }
        if let Some(first) = steps.iter().find(|step| step.access == Access::Lock) {
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
        Ok(executions) => firsts.cover(executions, &["Thread-1", "Thread-2"], "took the lock"),
        Err(stop) => Err(super::stopped(stop)),
    }
}
