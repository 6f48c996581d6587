//! bounded-ledger: the sum is right, and (in the models) the queue never holds more than
//! `room` changes.

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for.
pub struct Api {
    /// `run(changes, room)`: the balance.
    pub run: fn(Vec<i64>, usize) -> i64,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::bounded_ledger::Api {
            run: $($module)::+::run,
        }
    };
}
pub(crate) use api;

fn judge(changes: &[i64], balance: i64) -> Outcome {
    let sum: i64 = changes.iter().sum();
    if balance == sum {
        return Ok(());
    }
    Err(format!(
        "The changes {changes:?} add up to {sum}, but run returned {balance}: the ledger \
         must add every change the teller sent, until the channel closes."
    ))
}

/// Ten changes through two places, and none through one, on real threads.
pub fn plain(api: Api) -> Outcome {
    let changes: Vec<i64> = (1..=10).collect();
    judge(&changes, (api.run)(changes.clone(), 2))?;
    judge(&[], (api.run)(Vec::new(), 1))
}

/// Three changes through one place, in every interleaving loom explores: the sum is right and
/// the queue never holds more than one change; in some execution it holds one (the teller ran
/// ahead as far as the bound lets it).
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    const ROOM: usize = 1;
    let changes = vec![1, 2, 3];
    let deepest = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&deepest);
    let explored = check::model::explore(None, move |execution| {
        channel_ledger::sync::channel::log::record();
        let balance = (api.run)(changes.clone(), ROOM);
        let (events, depths) = super::channel_events(&channel_ledger::sync::channel::log::take());
        let over = depths.iter().position(|&depth| depth > ROOM);
        let verdict = match over {
            Some(at) => Err(format!(
                "The queue held {} changes at once; it may hold {ROOM}. The teller ran ahead \
                 of the ledger with nothing to stop it: a channel with room for {ROOM} \
                 (mpsc::sync_channel({ROOM})) makes its send wait while the queue is full.",
                depths[at]
            )),
            None => judge(&changes, balance),
        };
        if let Err(what) = verdict {
            let marks: Vec<check::Mark> = over
                .map(|step| check::Mark {
                    step,
                    note: format!("more than {ROOM} in the queue"),
                })
                .into_iter()
                .collect();
            return Err(format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Teller", "main"],
                    "queued",
                    &events,
                    &marks,
                    &format!("balance: {balance}"),
                ))
            ));
        }
        seen.fetch_max(depths.into_iter().max().unwrap_or(0), Ordering::Relaxed);
        Ok(())
    });
    match explored {
        Ok(executions) if deepest.load(Ordering::Relaxed) < ROOM => Err(format!(
            "In the {executions} executions loom explored, no change ever waited in the \
             queue: did the teller send through the channel? {}",
            super::FACADE
        )),
        Ok(_) => Ok(()),
        Err(stop) => Err(super::stopped(stop)),
    }
}
