//! no-overdraft: two transfers of 60 from an account holding 100, at once: exactly one goes
//! through, and no account goes below zero.

use lock_order::sync::{Arc, Mutex, thread};

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for.
pub struct Api {
    /// `transfer_if_funds(accounts, from, to, n)`.
    pub transfer_if_funds: fn(&[Mutex<i64>], usize, usize, i64) -> bool,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::no_overdraft::Api {
            transfer_if_funds: $($module)::+::transfer_if_funds,
        }
    };
}
pub(crate) use api;

const OPENING: [i64; 2] = [100, 0];
const THREADS: [&str; 2] = ["Thread-1", "Thread-2"];

/// Both threads try to move 60 from A to B at once; returns whether each did, and the balances.
fn scenario(api: &Api) -> (Vec<bool>, Vec<i64>) {
    let accounts: Arc<Vec<Mutex<i64>>> = Arc::new(OPENING.iter().map(|&b| Mutex::new(b)).collect());
    let transfer = api.transfer_if_funds;
    let threads: Vec<_> = THREADS
        .iter()
        .map(|name| {
            let accounts = Arc::clone(&accounts);
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || transfer(&accounts, 0, 1, 60))
                .expect("failed to spawn thread")
        })
        .collect();
    let moved = threads
        .into_iter()
        .map(|t| t.join().expect("a thread panicked"))
        .collect();
    let balances = accounts.iter().map(|a| *a.lock().unwrap()).collect();
    (moved, balances)
}

fn judge((moved, balances): &(Vec<bool>, Vec<i64>)) -> Outcome {
    let went = moved.iter().filter(|&&m| m).count();
    if went == 1 && balances == &[40, 60] {
        return Ok(());
    }
    Err(match went {
        2 => format!(
            "Both transfers of 60 from A (holding 100) went through, leaving {balances:?}: A \
             was overdrawn. Both checked the funds before either moved them. Check and move \
             while holding both locks."
        ),
        0 => format!("Both transfers of 60 from A (holding 100) were refused: {balances:?}."),
        _ => format!(
            "One transfer of 60 went through, so the balances should be [40, 60]; they are \
             {balances:?}."
        ),
    })
}

/// Refusals on one thread, then the race on real threads, 20 times.
pub fn plain(api: Api) -> Outcome {
    let accounts = [Mutex::new(30), Mutex::new(0)];
    if (api.transfer_if_funds)(&accounts, 0, 1, 40) {
        return Err("transfer_if_funds moved 40 from an account holding 30.".to_string());
    }
    if !(api.transfer_if_funds)(&accounts, 0, 1, 30) || *accounts[1].lock().unwrap() != 30 {
        return Err(
            "transfer_if_funds(accounts, 0, 1, 30) from [30, 0] must move it all: [0, 30]."
                .to_string(),
        );
    }
    if !(api.transfer_if_funds)(&accounts, 1, 0, 10) || *accounts[0].lock().unwrap() != 10 {
        return Err(
            "transfer_if_funds(accounts, 1, 0, 10) from [0, 30] must move it: [10, 20]."
                .to_string(),
        );
    }
    for _ in 0..20 {
        judge(&scenario(&api))?;
    }
    Ok(())
}

/// The race in every interleaving loom explores; the balances are checked at every release.
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use lock_order::sync::steps;
    let firsts = super::Firsts::default();
    let seen = firsts.clone();
    let explored = check::model::explore(None, move |execution| {
        steps::record();
        let outcome = scenario(&api);
        let steps = steps::take();
        if let Some(first) = super::first_locker(&steps) {
            seen.saw(first);
        }
        let events = super::lock_events(&steps, &OPENING);
        judge(&outcome).map_err(|what| {
            let marks: Vec<check::Mark> = events
                .iter()
                .position(|event| event.text.contains("leaves -"))
                .map(|step| check::Mark {
                    step,
                    note: "below zero".to_string(),
                })
                .into_iter()
                .collect();
            format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &THREADS,
                    "balances",
                    &events,
                    &marks,
                    &format!("balances: {:?}", outcome.1),
                ))
            )
        })
    });
    if let Ok(executions) = explored {
        return firsts.cover(executions, &THREADS, "took a lock");
    }
    explored.map(|_| ()).map_err(|stop| match stop {
        check::model::Stop::Deadlock(execution) => {
            super::deadlock_report(execution, &steps::take(), &OPENING, &THREADS)
        }
        other => super::stopped(other),
    })
}
