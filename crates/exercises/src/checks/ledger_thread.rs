//! ledger-thread: the ledger's balance is the sum of every teller's changes, and the ledger
//! waits for them (in the models, it never spins).

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for.
pub struct Api {
    /// `run(tellers)`: the ledger's balance.
    pub run: fn(Vec<Vec<i64>>) -> i64,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::ledger_thread::Api {
            run: $($module)::+::run,
        }
    };
}
pub(crate) use api;

fn judge(tellers: &[Vec<i64>], balance: i64) -> Outcome {
    let sum: i64 = tellers.iter().flatten().sum();
    if balance == sum {
        return Ok(());
    }
    Err(format!(
        "The tellers {tellers:?} sent changes that add up to {sum}, but the ledger's balance \
         is {balance}: the ledger must add every change, until the last sender is dropped."
    ))
}

/// Two tellers, and none, on real threads.
pub fn plain(api: Api) -> Outcome {
    let tellers = vec![vec![5, -5, 5], vec![8, -8]];
    judge(&tellers, (api.run)(tellers.clone()))?;
    judge(&[], (api.run)(Vec::new()))
}

/// At most this many preemptions per execution (loom's bounded search).
#[cfg(loom)]
const PREEMPTIONS: usize = 2;

/// Two tellers of one change each, in every interleaving loom explores with at most
/// [`PREEMPTIONS`] preemptions; each teller's change reaches the ledger first in some execution.
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use std::sync::{Arc, Mutex};
    let tellers = vec![vec![5], vec![8]];
    // Four threads (the ledger, two tellers, main) and a channel: loom's unbounded search ran
    // for more than 300 s on the 2-core VM this was written on; with at most two preemptions
    // per execution it took about 2 s (a bound of 3, about 16 s).
    let firsts: Arc<Mutex<Vec<i64>>> = Arc::default();
    let seen = Arc::clone(&firsts);
    let explored = check::model::explore(Some(PREEMPTIONS), move |execution| {
        channel_ledger::sync::channel::log::record();
        let balance = (api.run)(tellers.clone());
        let entries = channel_ledger::sync::channel::log::take();
        let (events, _) = super::channel_events(&entries);
        // Which change reached the ledger first, for the coverage check below.
        let first = entries.iter().find_map(|entry| match entry.event {
            channel_ledger::sync::channel::log::Event::Received { amount } => Some(amount),
            _ => None,
        });
        if let Some(first) = first {
            let mut firsts = seen.lock().unwrap();
            if !firsts.contains(&first) {
                firsts.push(first);
            }
        }
        judge(&tellers, balance).map_err(|what| {
            format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Ledger", "Teller-1", "Teller-2", "main"],
                    "queued",
                    &events,
                    &[],
                    &format!("balance: {balance}"),
                ))
            )
        })
    });
    if let Ok(executions) = explored {
        let firsts = firsts.lock().unwrap();
        if firsts.len() < 2 {
            return Err(format!(
                "In the {executions} executions loom explored, only the change {} reached the \
                 ledger first, never the other teller's: did every teller run at once? {}",
                firsts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                super::FACADE
            ));
        }
    }
    explored.map(|_| ()).map_err(|stop| match stop {
        check::model::Stop::Spins(execution) => {
            let (events, _) = super::channel_events(&channel_ledger::sync::channel::log::take());
            let shown: Vec<check::Event> = events.iter().take(12).cloned().collect();
            format!(
                "In execution {execution} loom explored, a thread took more than {} steps \
                 without the others getting anywhere: your ledger polls. When the queue is \
                 empty, try_recv returns at once and the loop asks again, over and over, \
                 spinning on a core while the tellers have nothing to send. recv() (or a \
                 for loop over the receiver) waits instead, and ends when the last sender is \
                 dropped.\n\n{}",
                check::model::MAX_BRANCHES,
                check::timeline(&check::schedule(
                    &format!("execution {execution}, its first {} steps", shown.len()),
                    &["Ledger", "Teller-1", "Teller-2", "main"],
                    "queued",
                    &shown,
                    &[],
                    &format!("... and {} more", events.len().saturating_sub(shown.len())),
                ))
            )
        }
        other => super::stopped(other),
    })
}
