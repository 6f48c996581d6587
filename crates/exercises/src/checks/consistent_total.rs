//! consistent-total: an audit running while a transfer does always sees the total the accounts
//! opened with.

use lock_order::sync::{Arc, Mutex, thread};

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for.
pub struct Api {
    /// `total(accounts)`.
    pub total: fn(&[Mutex<i64>]) -> i64,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::consistent_total::Api {
            total: $($module)::+::total,
        }
    };
}
pub(crate) use api;

const OPENING: [i64; 2] = [100, 100];

/// The check's own transfer, done right: both locks, lower index first.
fn transfer(accounts: &[Mutex<i64>], from: usize, to: usize, n: i64) {
    let (low, high) = (from.min(to), from.max(to));
    let mut low = accounts[low].lock().unwrap();
    let mut high = accounts[high].lock().unwrap();
    let (source, target) = if from < to {
        (&mut low, &mut high)
    } else {
        (&mut high, &mut low)
    };
    **source -= n;
    **target += n;
}

/// `Thread-1` moves 10 from A to B `times` times while the `Auditor` adds up the accounts
/// `times` times; returns each total the auditor saw.
fn scenario(api: &Api, times: u32) -> Vec<i64> {
    let accounts: Arc<Vec<Mutex<i64>>> = Arc::new(OPENING.iter().map(|&b| Mutex::new(b)).collect());
    let mover = {
        let accounts = Arc::clone(&accounts);
        thread::Builder::new()
            .name("Thread-1".to_string())
            .spawn(move || {
                for _ in 0..times {
                    transfer(&accounts, 0, 1, 10);
                }
            })
            .expect("failed to spawn thread")
    };
    let total = api.total;
    let auditor = {
        let accounts = Arc::clone(&accounts);
        thread::Builder::new()
            .name("Auditor".to_string())
            .spawn(move || (0..times).map(|_| total(&accounts)).collect())
            .expect("failed to spawn thread")
    };
    mover.join().expect("Thread-1 panicked");
    auditor.join().expect("the auditor panicked")
}

fn judge(totals: &[i64]) -> Outcome {
    let opening: i64 = OPENING.iter().sum();
    match totals.iter().find(|&&total| total != opening) {
        None => Ok(()),
        Some(total) => Err(format!(
            "The audit saw a total of {total}; the accounts hold {opening} between transfers, \
             always. It read one account before a transfer and the other after it: hold every \
             lock while you read, taken in index order."
        )),
    }
}

/// Three transfers and three audits at once, on real threads, 20 times; and a total alone.
pub fn plain(api: Api) -> Outcome {
    let accounts = [Mutex::new(1), Mutex::new(2), Mutex::new(3)];
    let total = (api.total)(&accounts);
    if total != 6 {
        return Err(format!("total of [1, 2, 3] returned {total}, not 6."));
    }
    for _ in 0..20 {
        judge(&scenario(&api, 3))?;
    }
    Ok(())
}

/// One transfer and one audit, in every interleaving loom explores.
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use lock_order::sync::steps;
    let firsts = super::Firsts::default();
    let seen = firsts.clone();
    let explored = check::model::explore(None, move |execution| {
        steps::record();
        let totals = scenario(&api, 1);
        let steps = steps::take();
        if let Some(first) = super::first_locker(&steps) {
            seen.saw(first);
        }
        let events = super::lock_events(&steps, &OPENING);
        judge(&totals).map_err(|what| {
            format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Thread-1", "Auditor"],
                    "balances",
                    &events,
                    &[],
                    &format!("the audit's total: {totals:?}"),
                ))
            )
        })
    });
    if let Ok(executions) = explored {
        return firsts.cover(executions, &["Thread-1", "Auditor"], "took a lock");
    }
    explored.map(|_| ()).map_err(|stop| match stop {
        check::model::Stop::Deadlock(execution) => super::deadlock_report(
            execution,
            &steps::take(),
            &OPENING,
            &["Thread-1", "Auditor"],
        ),
        other => super::stopped(other),
    })
}
