//! deposit-withdraw: two withdrawals of 60 from 100, and a deposit of 10, at the same time:
//! exactly one withdrawal succeeds, the balance ends at 50 and is never below zero.

use lock_balance::sync::{Arc, Mutex, thread};

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for.
pub struct Api {
    /// `deposit(account, n)`.
    pub deposit: fn(&Mutex<i64>, i64),
    /// `withdraw(account, n)`.
    pub withdraw: fn(&Mutex<i64>, i64) -> bool,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::deposit_withdraw::Api {
            deposit: $($module)::+::deposit,
            withdraw: $($module)::+::withdraw,
        }
    };
}
pub(crate) use api;

const OPENING: i64 = 100;

/// What one thread of the scenario does to the account.
type Work = dyn FnOnce(&Mutex<i64>) -> bool + Send;

/// Thread-1 withdraws 60 then deposits 10; Thread-2 withdraws 60. Returns whether each
/// withdrawal succeeded, and the final balance.
fn scenario(api: &Api) -> (bool, bool, i64) {
    let account = Arc::new(Mutex::new(OPENING));
    let spawn = |name: &str, work: Box<Work>| {
        let account = Arc::clone(&account);
        thread::Builder::new()
            .name(name.to_string())
            .spawn(move || work(&account))
            .expect("failed to spawn thread")
    };
    let (withdraw, deposit) = (api.withdraw, api.deposit);
    let t1 = spawn(
        "Thread-1",
        Box::new(move |account| {
            calls::begin("calls withdraw(60)");
            let took = withdraw(account, 60);
            calls::begin(format!("gets {took}"));
            calls::begin("calls deposit(10)");
            deposit(account, 10);
            took
        }),
    );
    let t2 = spawn(
        "Thread-2",
        Box::new(move |account| {
            calls::begin("calls withdraw(60)");
            let took = withdraw(account, 60);
            calls::begin(format!("gets {took}"));
            took
        }),
    );
    let first = t1.join().expect("Thread-1 panicked");
    let second = t2.join().expect("Thread-2 panicked");
    let balance = *account.lock().unwrap();
    (first, second, balance)
}

/// Under loom, which call each step of the balance belongs to: the lock's log
/// (`lock_balance::sync::steps`) is cut at each call and its return, and the cut is noted, so the
/// timeline can show "calls withdraw(60)" in the thread's column before that call's steps. A std
/// thread-local, invisible to loom: loom runs a model's threads on one OS thread, so it is one
/// record per execution. Nothing in the plain build.
mod calls {
    #[cfg(loom)]
    use lock_balance::sync::steps::{self, Step};
    #[cfg(loom)]
    use std::cell::RefCell;

    /// The steps logged so far, and each call's note: its thread, its words, and how many steps
    /// came before it.
    #[cfg(loom)]
    #[derive(Default)]
    pub struct Record {
        pub steps: Vec<Step>,
        pub notes: Vec<(String, String, usize)>,
    }

    #[cfg(loom)]
    std::thread_local! {
        static RECORD: RefCell<Record> = RefCell::default();
    }

    /// Starts a fresh record and log (at the start of each execution).
    #[cfg(loom)]
    pub fn record() {
        RECORD.with(|record| *record.borrow_mut() = Record::default());
        steps::record();
    }

    /// Notes that the calling thread is about to make a call (or has got its result).
    pub fn begin(what: impl Into<String>) {
        #[cfg(loom)]
        {
            let so_far = steps::take();
            steps::record();
            RECORD.with(|record| {
                let mut record = record.borrow_mut();
                record.steps.extend(so_far);
                let at = record.steps.len();
                record
                    .notes
                    .push((crate::check::current_thread(), what.into(), at));
            });
        }
        #[cfg(not(loom))]
        let _ = what;
    }

    /// Every step logged since [`record`], and the calls' notes.
    #[cfg(loom)]
    pub fn take() -> Record {
        let rest = steps::take();
        RECORD.with(|record| {
            let mut record = std::mem::take(&mut *record.borrow_mut());
            record.steps.extend(rest);
            record
        })
    }
}

/// What each thread runs, as the failure messages say it.
const THREADS_RUN: &str = "(Thread-1 runs withdraw(account, 60) then deposit(account, 10); \
    Thread-2 runs withdraw(account, 60); the balance starts at 100.)";

/// What is wrong with the outcome, if anything.
fn judge((first, second, balance): (bool, bool, i64)) -> Outcome {
    let what = match (first, second) {
        (true, true) => format!(
            "Both withdrawals of 60 from {OPENING} succeeded, and the balance ended at \
             {balance}: the account was overdrawn. Check the balance and take the money under \
             one lock, so no other withdrawal can come between."
        ),
        (false, false) => format!(
            "Both withdrawals of 60 from {OPENING} were refused (the balance ended at \
             {balance}): one of them should have gone through."
        ),
        _ if balance != OPENING - 60 + 10 => format!(
            "One withdrawal of 60 went through and 10 was deposited, so the balance should be \
             {}; it ended at {balance}: an update was lost.",
            OPENING - 60 + 10
        ),
        _ => return Ok(()),
    };
    Err(format!("{what} {THREADS_RUN}"))
}

/// One thread first, then the scenario on real threads, 20 times.
pub fn plain(api: Api) -> Outcome {
    let account = Mutex::new(10);
    (api.deposit)(&account, 5);
    if *account.lock().unwrap() != 15 {
        return Err("deposit(account, 5) on a balance of 10 did not leave 15.".to_string());
    }
    if (api.withdraw)(&account, 20) || *account.lock().unwrap() != 15 {
        return Err(
            "withdraw(account, 20) on a balance of 15 must refuse (return false) and leave \
             the balance as it was."
                .to_string(),
        );
    }
    if !(api.withdraw)(&account, 15) || *account.lock().unwrap() != 0 {
        return Err(
            "withdraw(account, 15) on a balance of 15 must succeed and leave 0.".to_string(),
        );
    }
    for _ in 0..20 {
        judge(scenario(&api))?;
    }
    Ok(())
}

/// The scenario in every interleaving loom explores; the balance is checked at every release
/// of the lock, and both withdrawals succeed in some execution (the search covered both).
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use std::sync::atomic::{AtomicBool, Ordering};
    // Std's, kept across executions: did each thread's withdrawal win in some execution?
    let first_won = std::sync::Arc::new(AtomicBool::new(false));
    let second_won = std::sync::Arc::new(AtomicBool::new(false));
    let (one, two) = (
        std::sync::Arc::clone(&first_won),
        std::sync::Arc::clone(&second_won),
    );
    let fallback = super::Fallback::default();
    let kept = fallback.clone();
    let explored = check::model::explore(None, move |execution| {
        calls::record();
        let outcome = scenario(&api);
        let calls::Record { steps, notes } = calls::take();
        let events = with_calls(super::balance_events(&steps, OPENING), &notes);
        let negative = events
            .iter()
            .position(|event| event.beside.parse::<i64>().is_ok_and(|balance| balance < 0));
        let verdict = match negative {
            Some(_) if judge(outcome).is_ok() => Err(format!(
                "The balance went below zero on the way, though it ended right. {THREADS_RUN}"
            )),
            _ => judge(outcome),
        };
        if let Err(what) = verdict {
            let marks: Vec<check::Mark> = negative
                .map(|step| check::Mark {
                    step,
                    note: "below zero".to_string(),
                })
                .into_iter()
                .collect();
            let message = format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Thread-1", "Thread-2"],
                    "balance",
                    &events,
                    &marks,
                    &format!("final balance: {} (should be 50)", outcome.2),
                ))
            );
            if super::reads_latest(&steps, OPENING) {
                return Err(message);
            }
            kept.keep(message);
            return Ok(());
        }
        one.fetch_or(outcome.0, Ordering::Relaxed);
        two.fetch_or(outcome.1, Ordering::Relaxed);
        Ok(())
    });
    if explored.is_ok() {
        if let Some(what) = fallback.take() {
            return Err(what);
        }
    }
    match explored {
        Ok(executions) => {
            if !(first_won.load(Ordering::Relaxed) && second_won.load(Ordering::Relaxed)) {
                return Err(format!(
                    "In the {executions} executions loom explored, the same thread's \
                     withdrawal always won: the search did not cover both orders. {}",
                    super::FACADE
                ));
            }
            Ok(())
        }
        Err(stop) => Err(super::stopped(stop)),
    }
}

/// Under loom: the balance's events with each call's note put before the steps it made, in its
/// thread's column, the balance so far beside it.
#[cfg(loom)]
fn with_calls(events: Vec<check::Event>, notes: &[(String, String, usize)]) -> Vec<check::Event> {
    let mut merged = Vec::with_capacity(events.len() + notes.len());
    let mut notes = notes.iter().peekable();
    let mut balance = OPENING.to_string();
    for (at, event) in events.into_iter().enumerate() {
        while let Some((thread, text, _)) = notes.next_if(|(_, _, before)| *before <= at) {
            merged.push(check::Event {
                thread: thread.clone(),
                text: text.clone(),
                beside: balance.clone(),
            });
        }
        balance = event.beside.clone();
        merged.push(event);
    }
    for (thread, text, _) in notes {
        merged.push(check::Event {
            thread: thread.clone(),
            text: text.clone(),
            beside: balance.clone(),
        });
    }
    merged
}
