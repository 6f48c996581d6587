//! event: a new Event is not set, `set` sets it for good, and two threads waiting for it while
//! the main thread sets it both return; in the models, in every interleaving loom explores, with
//! notified wakeups and with a spurious one injected, no waiter waits forever and none returns
//! before the Event is set.

use wait_for_funds::sync::{Arc, thread};

#[cfg(loom)]
use crate::check;
use crate::check::Outcome;

/// The functions the exercise asks for, on its `Event` (`E`).
pub struct Api<E> {
    /// `Event::new()`.
    pub new: fn() -> E,
    /// `event.set()`.
    pub set: fn(&E),
    /// `event.is_set()`.
    pub is_set: fn(&E) -> bool,
    /// `event.wait()`.
    pub wait: fn(&E),
}

// Only function pointers: copied whatever `E` is (a derive would ask `E: Copy`).
impl<E> Clone for Api<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for Api<E> {}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::event::Api {
            new: $($module)::+::Event::new,
            set: $($module)::+::Event::set,
            is_set: $($module)::+::Event::is_set,
            wait: $($module)::+::Event::wait,
        }
    };
}
pub(crate) use api;

/// `waiters` threads (`Waiter-1`, ...) each wait for a new Event and then ask whether it is set,
/// while the main thread sets it; the main thread joins them. What each waiter's `is_set()`
/// said once its `wait()` returned.
fn scenario<E: Send + Sync + 'static>(api: &Api<E>, waiters: usize) -> Vec<bool> {
    let event = Arc::new((api.new)());
    let (wait, is_set) = (api.wait, api.is_set);
    let handles: Vec<_> = (1..=waiters)
        .map(|k| {
            let event = Arc::clone(&event);
            thread::Builder::new()
                .name(format!("Waiter-{k}"))
                .spawn(move || {
                    wait(&event);
                    is_set(&event)
                })
                .expect("failed to spawn thread")
        })
        .collect();
    (api.set)(&event);
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a waiter panicked"))
        .collect()
}

/// What is wrong with what the waiters saw, if anything.
fn judge(saw: &[bool]) -> Outcome {
    match saw.iter().position(|set| !set) {
        Some(k) => Err(format!(
            "Waiter-{}'s wait() returned, but the Event was not set: is_set() said false \
             right after. wait must not return until the flag is set: look at the flag under \
             the lock, and again every time you wake (`while`, not `if`): a wait can return \
             with no notify at all (a spurious wakeup, which std allows).",
            k + 1
        )),
        None => Ok(()),
    }
}

/// The Event on one thread, then two waiters and a set on real threads, 20 times.
pub fn plain<E: Send + Sync + 'static>(api: Api<E>) -> Outcome {
    let event = (api.new)();
    if (api.is_set)(&event) {
        return Err("A new Event says is_set() is true: it starts not set.".to_string());
    }
    (api.set)(&event);
    if !(api.is_set)(&event) {
        return Err("After set(), is_set() says false: set must set the flag.".to_string());
    }
    (api.set)(&event);
    if !(api.is_set)(&event) {
        return Err(
            "After a second set(), is_set() says false: setting it again changes nothing."
                .to_string(),
        );
    }
    // On a set Event, wait returns at once (if it waits, the checks' deadline ends it).
    (api.wait)(&event);
    for _ in 0..20 {
        judge(&scenario(&api, 2))?;
    }
    Ok(())
}

/// Under loom: what the threads of a model run, as the failure messages say it.
#[cfg(loom)]
fn runs(waiters: usize, spurious: bool) -> String {
    let who = match waiters {
        1 => "Waiter-1 runs wait() then is_set()".to_string(),
        _ => "Waiter-1 and Waiter-2 each run wait() then is_set()".to_string(),
    };
    format!(
        "({who}; the main thread runs set(), then joins {}{}.)",
        match waiters {
            1 => "it",
            _ => "them",
        },
        match spurious {
            true => "; each thread's first wait wakes spuriously",
            false => "",
        }
    )
}

/// Under loom: the flag as the timeline shows it.
#[cfg(loom)]
fn flag(value: i64) -> String {
    (value != 0).to_string()
}

/// Two waiters and a set, in every interleaving loom explores; then one waiter and a set, with
/// a spurious wakeup injected into each thread's first wait. No waiter may wait forever, nor
/// return before the Event is set. The search must have had a waiter wait, a waiter find the
/// Event already set, and a waiter woken unnotified wait again.
#[cfg(loom)]
pub fn model<E: Send + Sync + 'static>(api: Api<E>) -> Outcome {
    use std::sync::Mutex as StdMutex;
    use wait_for_funds::sync::steps::{self, Access};
    // Std's, kept across executions: had a waiter to wait; found one it set; woke one
    // unnotified and waited again.
    let covered: Arc<StdMutex<[bool; 3]>> = Arc::default();
    let mut executions = 0;
    for (waiters, spurious) in [(2, false), (1, true)] {
        let seen = Arc::clone(&covered);
        let lanes = &["main", "Waiter-1", "Waiter-2"][..=waiters];
        let explored = check::model::explore(None, move |execution| {
            steps::record();
            if spurious {
                steps::spurious_wakeups();
            }
            let saw = scenario(&api, waiters);
            let log = steps::take();
            if let Err(what) = judge(&saw) {
                return Err(format!(
                    "{what} {}\n\n{}",
                    runs(waiters, spurious),
                    check::timeline(&check::schedule(
                        &format!(
                            "counterexample: execution {execution}{}",
                            match spurious {
                                true => " (a spurious wakeup injected)",
                                false => "",
                            }
                        ),
                        lanes,
                        "flag",
                        &super::condvar_events(&log, flag),
                        &[],
                        &format!("what each waiter's is_set() said: {saw:?}"),
                    ))
                ));
            }
            let waited = |thread: &str| {
                log.iter()
                    .any(|step| step.thread == thread && step.access == Access::Waits)
            };
            let mut seen = seen.lock().unwrap();
            seen[0] |= lanes[1..].iter().any(|thread| waited(thread));
            seen[1] |= lanes[1..].iter().any(|thread| !waited(thread));
            seen[2] |= super::waited_again(&log, Access::WakesSpuriously);
            Ok(())
        });
        match explored {
            Ok(explored) => executions += explored,
            Err(check::model::Stop::Deadlock(execution)) => {
                return Err(deadlock(
                    execution,
                    &steps::take(),
                    lanes,
                    waiters,
                    spurious,
                ));
            }
            Err(other) => return Err(super::stopped(other)),
        }
    }
    let covered = covered.lock().unwrap();
    let missed = [
        (covered[0], "did a waiter have to wait"),
        (covered[1], "did a waiter find the Event already set"),
        (
            covered[2],
            "did a waiter wake unnotified to an Event not set, and wait again",
        ),
    ];
    match missed.iter().find(|(reached, _)| !reached) {
        Some((_, what)) => Err(super::not_interleaved(executions, what)),
        None => Ok(()),
    }
}

/// Under loom, after a deadlock: who still waits, and why no one will wake them, from the
/// facade's log; then the timeline.
#[cfg(loom)]
fn deadlock(
    execution: u64,
    log: &[wait_for_funds::sync::steps::Step],
    lanes: &[&str],
    waiters: usize,
    spurious: bool,
) -> String {
    use wait_for_funds::sync::steps::Access;
    let waiting = super::still_waiting(log);
    if waiting.is_empty() {
        return super::stopped(check::model::Stop::Deadlock(execution));
    }
    let notifies = |step: &wait_for_funds::sync::steps::Step| {
        matches!(step.access, Access::NotifiesOne | Access::NotifiesAll)
    };
    let last_notify = log.iter().rposition(notifies);
    let set = log
        .iter()
        .rev()
        .find(|step| !notifies(step))
        .is_some_and(|step| step.value != 0);
    // A waiter that began its last wait after the last notify: it waits for a notify already
    // sent.
    let late = last_notify.and_then(|notify| {
        log[notify..]
            .iter()
            .find(|step| step.access == Access::Waits && waiting.contains(&step.thread))
            .map(|step| step.thread.clone())
    });
    let why = match (last_notify, late) {
        _ if !set => "The main thread's set() returned, but the flag is not set: set must \
            set the flag, under the lock."
            .to_string(),
        (None, _) => "set() woke no one: a thread that was already waiting is never told \
            that the flag changed. set must call changed.notify_all() once it has set the flag."
            .to_string(),
        (Some(_), Some(late)) => format!(
            "A lost wakeup: {late} looked at the flag, found it not set, and released the lock \
             before it began to wait; set() came in between, and its notify found no one \
             waiting. A notify is not stored. Look at the flag and begin to wait under one \
             lock: the guard you looked through is the one you hand to wait, so set() cannot \
             come in between."
        ),
        (Some(_), None) if log.iter().any(|step| step.access == Access::NotifiesOne) => {
            "set() woke one waiter (notify_one); the other is never told. Every thread that \
             waits for the Event must be woken: notify_all."
                .to_string()
        }
        (Some(_), None) => return super::stopped(check::model::Stop::Deadlock(execution)),
    };
    format!(
        "Deadlock: in execution {execution} loom explored, {} still {} for the Event, which \
         is {}, and nothing will wake {}: the main thread waits in join. {why} {}\n\n{}",
        waiting.join(" and "),
        match waiting.len() {
            1 => "waits",
            _ => "wait",
        },
        match set {
            true => "set",
            false => "not set",
        },
        match waiting.len() {
            1 => "it",
            _ => "them",
        },
        runs(waiters, spurious),
        check::timeline(&check::schedule(
            &format!("counterexample: execution {execution}"),
            lanes,
            "flag",
            &super::condvar_events(log, flag),
            &[],
            "(every thread still alive waits: the execution stops here)",
        ))
    )
}
