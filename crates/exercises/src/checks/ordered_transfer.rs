//! ordered-transfer: transfers in opposite directions at the same time end with the right
//! balances; in the models, in every interleaving loom explores, none deadlocks.

use lock_order::sync::{Arc, Mutex, thread};

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for.
pub struct Api {
    /// `transfer(accounts, from, to, n)`.
    pub transfer: fn(&[Mutex<i64>], usize, usize, i64),
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::ordered_transfer::Api {
            transfer: $($module)::+::transfer,
        }
    };
}
pub(crate) use api;

const OPENING: [i64; 2] = [100, 100];
/// Each thread's transfer: its name, from, to, how much.
const MOVERS: [(&str, usize, usize, i64); 2] = [("Thread-1", 0, 1, 10), ("Thread-2", 1, 0, 20)];

/// Each mover makes its transfer `times` times, both at once; returns the balances.
fn scenario(api: &Api, times: u32) -> Vec<i64> {
    let accounts: Arc<Vec<Mutex<i64>>> = Arc::new(OPENING.iter().map(|&b| Mutex::new(b)).collect());
    let transfer = api.transfer;
    let threads: Vec<_> = MOVERS
        .iter()
        .map(|&(name, from, to, n)| {
            let accounts = Arc::clone(&accounts);
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    for _ in 0..times {
                        transfer(&accounts, from, to, n);
                    }
                })
                .expect("failed to spawn thread")
        })
        .collect();
    for t in threads {
        t.join().expect("a thread panicked");
    }
    accounts
        .iter()
        .map(|account| *account.lock().unwrap())
        .collect()
}

fn judge(balances: &[i64], times: u32) -> Outcome {
    let times = i64::from(times);
    let expected = [
        OPENING[0] - 10 * times + 20 * times,
        OPENING[1] + 10 * times - 20 * times,
    ];
    if balances == expected {
        return Ok(());
    }
    Err(format!(
        "Thread-1 moved 10 from A to B and Thread-2 moved 20 from B to A, {times} time(s) \
         each, from A 100, B 100: the balances should be A {}, B {}, and are {balances:?}. \
         Change both balances while holding both locks.",
        expected[0], expected[1]
    ))
}

/// A transfer on one thread, then opposite transfers on real threads, 3 each, 10 times.
pub fn plain(api: Api) -> Outcome {
    let accounts = [Mutex::new(50), Mutex::new(0), Mutex::new(0)];
    (api.transfer)(&accounts, 0, 2, 20);
    let after: Vec<i64> = accounts.iter().map(|a| *a.lock().unwrap()).collect();
    if after != [30, 0, 20] {
        return Err(format!(
            "transfer(accounts, 0, 2, 20) on [50, 0, 0] left {after:?}, not [30, 0, 20]."
        ));
    }
    for _ in 0..10 {
        judge(&scenario(&api, 3), 3)?;
    }
    Ok(())
}

/// One transfer each way, at once, in every interleaving loom explores.
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use lock_order::sync::steps;
    let firsts = super::Firsts::default();
    let seen = firsts.clone();
    let explored = check::model::explore(None, move |execution| {
        steps::record();
        let balances = scenario(&api, 1);
        let steps = steps::take();
        if let Some(first) = super::first_locker(&steps) {
            seen.saw(first);
        }
        let events = super::lock_events(&steps, &OPENING);
        judge(&balances, 1).map_err(|what| {
            format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Thread-1", "Thread-2"],
                    "balances",
                    &events,
                    &[],
                    &format!("balances: {balances:?}"),
                ))
            )
        })
    });
    if let Ok(executions) = explored {
        return firsts.cover(executions, &["Thread-1", "Thread-2"], "took a lock");
    }
    explored.map(|_| ()).map_err(|stop| match stop {
        check::model::Stop::Deadlock(execution) => super::deadlock_report(
            execution,
            &steps::take(),
            &OPENING,
            &["Thread-1", "Thread-2"],
        ),
        other => super::stopped(other),
    })
}
