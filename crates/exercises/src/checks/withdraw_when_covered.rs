//! withdraw-when-covered: withdrawals that wait until deposits cover them end at 0; in the
//! models, in every interleaving loom explores, the balance never goes below zero and no
//! withdrawal waits forever, with notified wakeups and with a spurious one injected.

use wait_for_funds::sync::{Arc, thread};

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for, on its `Account` (`A`).
pub struct Api<A> {
    /// `Account::new(opening)`.
    pub new: fn(i64) -> A,
    /// `account.balance()`.
    pub balance: fn(&A) -> i64,
    /// `account.deposit(n)`.
    pub deposit: fn(&A, i64),
    /// `account.withdraw(n)`.
    pub withdraw: fn(&A, i64),
}

// Only function pointers: copied whatever `A` is (a derive would ask `A: Copy`).
impl<A> Clone for Api<A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A> Copy for Api<A> {}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::withdraw_when_covered::Api {
            new: $($module)::+::Account::new,
            balance: $($module)::+::Account::balance,
            deposit: $($module)::+::Account::deposit,
            withdraw: $($module)::+::Account::withdraw,
        }
    };
}
pub(crate) use api;

/// Thread-1 withdraws 5 and Thread-2 withdraws 8, as in the chapter.
const AMOUNTS: [i64; 2] = [5, 8];

/// The model with a spurious wakeup: Thread-1 alone.
#[cfg(loom)]
const ALONE: [i64; 1] = [AMOUNTS[0]];

/// One withdrawer per amount (`Thread-1`, ...), each withdrawing its amount `rounds` times from
/// an account that opens at 0, while the main thread deposits each amount in turn, `rounds`
/// times; then the main thread joins them. The final balance.
fn scenario<A: Send + Sync + 'static>(api: &Api<A>, amounts: &[i64], rounds: u32) -> i64 {
    let account = Arc::new((api.new)(0));
    let withdraw = api.withdraw;
    let withdrawers: Vec<_> = amounts
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let account = Arc::clone(&account);
            thread::Builder::new()
                .name(format!("Thread-{}", k + 1))
                .spawn(move || {
                    for _ in 0..rounds {
                        withdraw(&account, n);
                    }
                })
                .expect("failed to spawn thread")
        })
        .collect();
    for _ in 0..rounds {
        for &n in amounts {
            (api.deposit)(&account, n);
        }
    }
    for withdrawer in withdrawers {
        withdrawer.join().expect("a withdrawer panicked");
    }
    (api.balance)(&account)
}

/// Deposits and a covered withdrawal on one thread, then the chapter's program on real threads
/// (100 rounds), 10 times.
pub fn plain<A: Send + Sync + 'static>(api: Api<A>) -> Outcome {
    let account = (api.new)(10);
    (api.deposit)(&account, 5);
    let after = (api.balance)(&account);
    if after != 15 {
        return Err(format!(
            "deposit(5) on a balance of 10 left {after}, not 15."
        ));
    }
    (api.withdraw)(&account, 15);
    let after = (api.balance)(&account);
    if after != 0 {
        return Err(format!(
            "withdraw(15) on a balance of 15 is covered: it should take 15 at once and leave \
             0; it left {after}."
        ));
    }
    for _ in 0..10 {
        let balance = scenario(&api, &AMOUNTS, 100);
        if balance != 0 {
            return Err(format!(
                "Thread-1 withdrew 5 and Thread-2 withdrew 8, 100 times each, while the main \
                 thread deposited 5 then 8, 100 times, into an account that opened at 0: the \
                 deposits cover every withdrawal, so the balance should end at 0. It ended at \
                 {balance}."
            ));
        }
    }
    Ok(())
}

/// What each thread of a model runs, as the failure messages say it.
#[cfg(loom)]
const THREADS_RUN: &str = "(Thread-1 runs withdraw(5) and Thread-2 runs withdraw(8); the main \
    thread runs deposit(5) then deposit(8), then joins them; the account opens at 0.)";

/// Under loom: how much withdrawer `thread` takes.
#[cfg(loom)]
fn amount_of(thread: &str) -> i64 {
    match thread {
        "Thread-2" => AMOUNTS[1],
        _ => AMOUNTS[0],
    }
}

/// Under loom: the first step that left the balance below zero, and what happened, in the
/// exercise's words.
#[cfg(loom)]
fn below_zero(log: &[wait_for_funds::sync::steps::Step]) -> Option<(usize, String)> {
    use wait_for_funds::sync::steps::Access;
    let at = log.iter().position(|step| {
        !matches!(step.access, Access::NotifiesOne | Access::NotifiesAll) && step.value < 0
    })?;
    let step = &log[at];
    let (thread, left) = (step.thread.as_str(), step.value);
    let n = amount_of(thread);
    // How the thread got the lock it took the money under: its last lock, wake, or spurious
    // wake before this step.
    let got = log[..at]
        .iter()
        .rev()
        .find(|before| {
            before.thread == step.thread
                && matches!(
                    before.access,
                    Access::Locks | Access::Wakes | Access::WakesSpuriously
                )
        })
        .map(|before| (before.access, before.value));
    let what = match got {
        Some((Access::Wakes, found)) => format!(
            "{thread} was woken, found {found}, and took its {n} anyway, leaving {left}: the \
             balance went below zero. Waking only says that something changed: another \
             withdrawal may have taken the money first, or the deposit did not cover this one. \
             Look at the balance again, under the lock, every time you wake: `while`, not `if` \
             (or `funds.wait_while`)."
        ),
        Some((Access::WakesSpuriously, found)) => format!(
            "{thread} woke with no deposit (a spurious wakeup: std allows a wait to return with \
             no notify at all, and this model injects one), found {found}, and took its {n} \
             anyway, leaving {left}: the balance went below zero. Look at the balance again, \
             under the lock, every time you wake: `while`, not `if` (or `funds.wait_while`)."
        ),
        _ => format!(
            "{thread} took its {n} from a balance that did not cover it, leaving {left}: the \
             balance went below zero. withdraw must wait, on the condvar, while the balance is \
             short of n."
        ),
    };
    Some((at, what))
}

/// Under loom: the search's coverage, kept across executions (std's, invisible to loom).
#[cfg(loom)]
#[derive(Default)]
struct Covered {
    /// Both withdrawals waited at once in some execution.
    together: bool,
    /// A withdrawal was woken, found the balance short, and waited again.
    woke_short: bool,
    /// A withdrawal woke unnotified to a short balance, and waited again.
    spurious_short: bool,
}

/// Two withdrawals (5 and 8) while the main thread deposits 5 then 8, in every interleaving
/// loom explores; then one withdrawal of 5 and a deposit of 5, with a spurious wakeup injected
/// into each thread's first wait. The balance is checked at every step; it must end at 0, and
/// no withdrawal may wait forever. The search must have had both withdrawals waiting at once, a
/// woken withdrawal finding the balance short, and a spurious wakeup to a short balance.
#[cfg(loom)]
pub fn model<A: Send + Sync + 'static>(api: Api<A>) -> Outcome {
    use std::sync::Mutex as StdMutex;
    use wait_for_funds::sync::steps::{self, Access};
    let covered: Arc<StdMutex<Covered>> = Arc::default();
    let mut executions = 0;
    for (amounts, spurious) in [(&AMOUNTS as &[i64], false), (&ALONE, true)] {
        let seen = Arc::clone(&covered);
        let explored = check::model::explore(None, move |execution| {
            steps::record();
            if spurious {
                steps::spurious_wakeups();
            }
            let balance = scenario(&api, amounts, 1);
            let log = steps::take();
            let events = super::condvar_events(&log, |value| value.to_string());
            let draw = |marks: &[check::Mark], end: &str| {
                check::timeline(&check::schedule(
                    &format!(
                        "counterexample: execution {execution}{}",
                        match spurious {
                            true => " (a spurious wakeup injected)",
                            false => "",
                        }
                    ),
                    &["main", "Thread-1", "Thread-2"][..=amounts.len()],
                    "balance",
                    &events,
                    marks,
                    end,
                ))
            };
            if let Some((at, what)) = below_zero(&log) {
                let mark = check::Mark {
                    step: at,
                    note: "below zero".to_string(),
                };
                return Err(format!(
                    "{what} {}\n\n{}",
                    runs(spurious),
                    draw(&[mark], &format!("final balance: {balance}"))
                ));
            }
            if balance != 0 {
                return Err(format!(
                    "Every withdrawal returned, but the balance ended at {balance}, not 0: the \
                     deposits pay in exactly what the withdrawals take. {}\n\n{}",
                    runs(spurious),
                    draw(&[], &format!("final balance: {balance}"))
                ));
            }
            let mut seen = seen.lock().unwrap();
            seen.together |= super::waited_together(&log);
            seen.woke_short |= super::waited_again(&log, Access::Wakes);
            seen.spurious_short |= super::waited_again(&log, Access::WakesSpuriously);
            Ok(())
        });
        match explored {
            Ok(explored) => executions += explored,
            Err(check::model::Stop::Deadlock(execution)) => {
                return Err(deadlock(execution, &steps::take(), spurious));
            }
            Err(other) => return Err(super::stopped(other)),
        }
    }
    let covered = covered.lock().unwrap();
    let missed = [
        (covered.together, "did both withdrawals wait at once"),
        (
            covered.woke_short,
            "was a woken withdrawal's amount short of the balance, so that it waited again",
        ),
        (
            covered.spurious_short,
            "did a withdrawal wake unnotified to a short balance and wait again",
        ),
    ];
    match missed.iter().find(|(reached, _)| !reached) {
        Some((_, what)) => Err(super::not_interleaved(executions, what)),
        None => Ok(()),
    }
}

/// Under loom: what each thread of the model ran.
#[cfg(loom)]
fn runs(spurious: bool) -> &'static str {
    match spurious {
        true => {
            "(Thread-1 runs withdraw(5); the main thread runs deposit(5), then joins it; \
                 the account opens at 0; each thread's first wait wakes spuriously.)"
        }
        false => THREADS_RUN,
    }
}

/// Under loom, after a deadlock: who waits, for how much, and why no one will wake them, from
/// the facade's log; then the timeline.
#[cfg(loom)]
fn deadlock(execution: u64, log: &[wait_for_funds::sync::steps::Step], spurious: bool) -> String {
    use wait_for_funds::sync::steps::Access;
    let waiting = super::still_waiting(log);
    if waiting.is_empty() {
        return super::stopped(check::model::Stop::Deadlock(execution));
    }
    let balance = log
        .iter()
        .rev()
        .find(|step| !matches!(step.access, Access::NotifiesOne | Access::NotifiesAll))
        .map_or(0, |step| step.value);
    let who: Vec<String> = waiting
        .iter()
        .map(|thread| format!("{thread} waits for {}", amount_of(thread)))
        .collect();
    let why = if log.iter().any(|step| step.access == Access::NotifiesOne) {
        "A deposit woke one waiter (notify_one), and which one is not yours to choose (loom \
         wakes the one that has waited longest): it woke a withdrawal that needed more than \
         the balance held, which waited again, while the withdrawal the deposit covered was \
         never told. A deposit must wake every withdrawal that waits, with notify_all: each \
         looks again at its own amount."
    } else if !log.iter().any(|step| step.access == Access::NotifiesAll) {
        "The deposits woke no one: a withdrawal that was already waiting is never told that \
         the balance changed. deposit must call funds.notify_all() once it has added n."
    } else {
        "A withdrawal must check the balance and begin to wait under one lock, the guard it \
         hands to wait: if it looks, releases the lock and then waits, the deposit it waits \
         for can come in between, and its notify is lost."
    };
    format!(
        "Deadlock: every withdrawal still waiting waits forever. In execution {execution} loom \
         explored, {} with the balance at {balance}, and nothing is left to wake {}: the main \
         thread made its deposits and waits in join. {why} {}\n\n{}",
        who.join(" and "),
        match waiting.len() {
            1 => "it",
            _ => "them",
        },
        runs(spurious),
        check::timeline(&check::schedule(
            &format!("counterexample: execution {execution}"),
            &["main", "Thread-1", "Thread-2"][..match spurious {
                true => 2,
                false => 3,
            }],
            "balance",
            &super::condvar_events(log, |value| value.to_string()),
            &[],
            "(every thread still alive waits: the execution stops here)",
        ))
    )
}
