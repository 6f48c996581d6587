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
            let took = withdraw(account, 60);
            deposit(account, 10);
            took
        }),
    );
    let t2 = spawn("Thread-2", Box::new(move |account| withdraw(account, 60)));
    let first = t1.join().expect("Thread-1 panicked");
    let second = t2.join().expect("Thread-2 panicked");
    let balance = *account.lock().unwrap();
    (first, second, balance)
}

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
    Err(what)
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
    use lock_balance::sync::steps;
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
        steps::record();
        let outcome = scenario(&api);
        let steps = steps::take();
        let events = super::balance_events(&steps, OPENING);
        let negative = events
            .iter()
            .position(|event| event.beside.parse::<i64>().is_ok_and(|balance| balance < 0));
        let verdict = match negative {
            Some(_) if judge(outcome).is_ok() => {
                Err("The balance went below zero on the way, though it ended right.".to_string())
            }
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
