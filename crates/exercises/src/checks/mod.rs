//! The checks of each exercise: `plain(api)` runs your functions on real threads; `model(api)`,
//! in the loom build, runs them in every interleaving loom explores, at small sizes. Each says
//! what went wrong in the exercise's words, with the failing schedule drawn as a timeline.
//!
//! Each module's `Api` holds the functions an exercise asks for, and its `api!` macro fills one
//! from a version of the file (yours, or the kept starter, solution or wrong answer).

pub mod bounded_ledger;
pub mod consistent_total;
pub mod deposit_withdraw;
pub mod event;
pub mod greet_students;
pub mod ledger_thread;
pub mod named_workers;
pub mod no_overdraft;
pub mod ordered_transfer;
pub mod pool_in_order;
pub mod shared_balance;
pub mod student_slot;
pub mod take_then_run;
pub mod visit_counter;
pub mod whole_lines;
pub mod withdraw_when_covered;

/// Said when a model's search reached too little: loom sees only the facade's threads, locks,
/// atomics and channels.
pub const FACADE: &str = "And are its threads, locks, atomics and channels the lesson's \
    facade's (`<lesson>::sync`, as the exercise's file says)? Loom cannot see std's, so it \
    cannot switch threads at them.";

/// Under loom, a point where loom may switch threads; nothing in the plain build. The checks'
/// own work calls it between two of your steps, where a real thread could be preempted.
///
/// It is a write to one atomic every thread's switch point writes: loom only tries both orders
/// of two steps that touch the same thing, so a step on an atomic of its own would give it no
/// reason to switch there.
pub fn switch_point() {
    #[cfg(loom)]
    SWITCH.fetch_add(1, loom::sync::atomic::Ordering::SeqCst);
}

// Loom's lazy_static is made afresh in each execution.
#[cfg(loom)]
loom::lazy_static! {
    static ref SWITCH: loom::sync::atomic::AtomicUsize = loom::sync::atomic::AtomicUsize::new(0);
}

/// What a model says when loom stopped for a reason the exercise's own check did not name.
#[cfg(loom)]
pub fn stopped(stop: crate::check::model::Stop) -> String {
    use crate::check::model::Stop;
    match stop {
        Stop::Failed(what) => what,
        Stop::Deadlock(execution) => format!(
            "In execution {execution} loom explored, every thread was waiting for another: a \
             deadlock. Or a thread waited for itself: Rust's Mutex is not reentrant (unlike \
             Python's RLock), so locking it again, or calling a function that locks it, while \
             a guard of it lives waits forever."
        ),
        Stop::Spins(execution) => format!(
            "In execution {execution} loom explored, a thread took more than {} steps \
             without waiting: a loop that polls instead of waiting (a busy loop).",
            crate::check::model::MAX_BRANCHES
        ),
    }
}

/// Under loom: lock-balance's facade's log of the balance's steps, as a timeline's events, the
/// balance after each step beside it. `opening` is the balance before the first step.
#[cfg(loom)]
pub fn balance_events(
    steps: &[lock_balance::sync::steps::Step],
    opening: i64,
) -> Vec<crate::check::Event> {
    use lock_balance::sync::steps::{Access, UNNAMED};
    let mut balance = opening;
    steps
        .iter()
        .map(|step| {
            let text = match step.access {
                Access::Lock => format!("locks, finds {}", step.value),
                Access::Unlock => {
                    balance = step.value;
                    format!("unlocks, leaves {}", step.value)
                }
                Access::Load => format!("reads {}", step.value),
                Access::Store => {
                    balance = step.value;
                    format!("writes {}", step.value)
                }
                Access::FetchAdd(n) => {
                    balance = step.value + n;
                    format!("adds {n} in one step: {} -> {balance}", step.value)
                }
            };
            crate::check::Event {
                thread: match step.thread.as_str() {
                    UNNAMED => "main".to_string(),
                    name => name.to_string(),
                },
                text,
                beside: balance.to_string(),
            }
        })
        .collect()
}

/// Under loom: channel-ledger's facade's log of the channel, as a timeline's events, with how
/// many changes the queue holds after each step (also returned, one per event).
#[cfg(loom)]
pub fn channel_events(
    entries: &[channel_ledger::sync::channel::log::Entry],
) -> (Vec<crate::check::Event>, Vec<usize>) {
    use channel_ledger::sync::channel::log::Event;
    let mut queued = 0usize;
    let mut events = Vec::new();
    let mut depths = Vec::new();
    for entry in entries {
        let text = match entry.event {
            // The channel's opening and Sender 1 come with it: nothing the learner did.
            Event::Opened { .. } | Event::Made { sender: 1 } => continue,
            Event::Made { sender } => format!("makes sender {sender}"),
            Event::Sent { amount, .. } => {
                queued += 1;
                format!("sends {amount}")
            }
            Event::Refused { amount, .. } => format!("cannot send {amount}: no receiver"),
            Event::WaitsForRoom { .. } => "waits for room".to_string(),
            Event::Dropped { sender } => format!("drops sender {sender}"),
            Event::Received { amount } => {
                queued = queued.saturating_sub(1);
                format!("receives {amount}")
            }
            Event::WaitsForMessage => "waits for a change".to_string(),
            Event::FoundEmpty => "finds the queue empty".to_string(),
            Event::Disconnected => "finds it closed".to_string(),
            Event::ReceiverDropped => "drops the receiver".to_string(),
        };
        events.push(crate::check::Event {
            thread: entry.thread.clone(),
            text,
            beside: queued.to_string(),
        });
        depths.push(queued);
    }
    (events, depths)
}

/// The accounts' names, by index, as lock-order names them.
pub const ACCOUNT_NAMES: [&str; 3] = ["A", "B", "C"];

/// Under loom: lock-order's facade's log of the locks, as a timeline's events, each account's
/// balance as last released beside each step. `opening` is each account's balance at the start.
#[cfg(loom)]
pub fn lock_events(
    steps: &[lock_order::sync::steps::Step],
    opening: &[i64],
) -> Vec<crate::check::Event> {
    use lock_order::sync::steps::{Access, UNNAMED};
    let mut balances = opening.to_vec();
    steps
        .iter()
        .map(|step| {
            let account = ACCOUNT_NAMES.get(step.lock).copied().unwrap_or("?");
            let text = match step.access {
                Access::Waits => format!("asks for {account}"),
                Access::Locks => format!("locks {account}, finds {}", step.value),
                Access::Unlocks => {
                    if let Some(balance) = balances.get_mut(step.lock) {
                        *balance = step.value;
                    }
                    format!("unlocks {account}, leaves {}", step.value)
                }
            };
            crate::check::Event {
                thread: match step.thread.as_str() {
                    UNNAMED => "main".to_string(),
                    name => name.to_string(),
                },
                text,
                beside: balances
                    .iter()
                    .zip(ACCOUNT_NAMES)
                    .map(|(balance, name)| format!("{name} {balance}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })
        .collect()
}

/// Under loom, after a deadlock: who holds which account's lock and which one each waits for,
/// from lock-order's facade's log, then the timeline.
#[cfg(loom)]
pub fn deadlock_report(
    execution: u64,
    steps: &[lock_order::sync::steps::Step],
    opening: &[i64],
    lanes: &[&str],
) -> String {
    use lock_order::sync::steps::Access;
    use std::collections::BTreeMap;
    // Per thread: the locks it holds, and the one it asked for and did not get.
    let mut held: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut waits: BTreeMap<&str, Option<usize>> = BTreeMap::new();
    for step in steps {
        let thread = step.thread.as_str();
        match step.access {
            Access::Waits => {
                waits.insert(thread, Some(step.lock));
            }
            Access::Locks => {
                waits.insert(thread, None);
                held.entry(thread).or_default().push(step.lock);
            }
            Access::Unlocks => held.entry(thread).or_default().retain(|&l| l != step.lock),
        }
    }
    let name = |lock: usize| ACCOUNT_NAMES.get(lock).copied().unwrap_or("?");
    let cycle: Vec<String> = waits
        .iter()
        .filter_map(|(thread, wanted)| {
            let wanted = (*wanted)?;
            let holds: Vec<&str> = held.get(thread)?.iter().map(|&l| name(l)).collect();
            Some(format!(
                "{thread} holds {} and waits for {}",
                if holds.is_empty() {
                    "nothing".to_string()
                } else {
                    holds.join(" and ")
                },
                name(wanted)
            ))
        })
        .collect();
    format!(
        "Deadlock: in execution {execution} loom explored, every thread was waiting for a lock \
         another holds: {}. Two transfers that take their two locks in opposite orders can \
         each get its first and wait forever for its second. Take the locks in one order for \
         every transfer: the lower-numbered account first.\n\n{}",
        cycle.join("; "),
        crate::check::timeline(&crate::check::schedule(
            &format!("counterexample: execution {execution}"),
            lanes,
            "balances",
            &lock_events(steps, opening),
            &[],
            "(every thread waits: the execution stops here)",
        ))
    )
}

/// Under loom: does every step that reads the balance see the value left by the step before it
/// (or `opening`)? Loom does not put the stores of threads that have not synchronized in one
/// order (loom issue #180): a load may return an older store than the latest one it ran, and
/// such an execution, drawn step by step, shows a thread reading a value the balance column
/// says is gone. Its outcome is still one a true interleaving gives; the models show a failing
/// execution that reads as a timeline when the search has one (see [`Fallback`]).
#[cfg(loom)]
pub fn reads_latest(steps: &[lock_balance::sync::steps::Step], opening: i64) -> bool {
    use lock_balance::sync::steps::Access;
    let mut balance = opening;
    steps.iter().all(|step| match step.access {
        Access::Load | Access::Lock => step.value == balance,
        Access::FetchAdd(n) => {
            let found = step.value == balance;
            balance = step.value + n;
            found
        }
        Access::Store | Access::Unlock => {
            balance = step.value;
            true
        }
    })
}

/// A failing execution that does not read as a timeline, kept while the search looks on for one
/// that does; shown (with a note) only if the search finds none.
#[cfg(loom)]
#[derive(Clone, Default)]
pub struct Fallback(std::sync::Arc<std::sync::Mutex<Option<String>>>);

#[cfg(loom)]
impl Fallback {
    /// Keeps the first such failure.
    pub fn keep(&self, what: String) {
        let mut kept = self.0.lock().unwrap();
        if kept.is_none() {
            *kept = Some(what);
        }
    }

    /// The failure kept, if any, with the note that says why its steps look out of order.
    pub fn take(&self) -> Option<String> {
        self.0.lock().unwrap().take().map(|what| {
            format!(
                "{what}\n\n(In this execution a load returned a store older than the latest \
                 one: loom does not put the stores of threads that have not synchronized in one \
                 order, loom issue #180. No failing execution of the search read as one \
                 timeline; the outcome is still one a true interleaving gives.)"
            )
        })
    }
}

/// Which thread went first in the executions of a search (std's, invisible to loom, kept across
/// executions): a model asserts that each did in some execution, so that it cannot pass having
/// explored one order only.
#[derive(Clone, Default)]
pub struct Firsts(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Firsts {
    /// `thread` went first in this execution.
    pub fn saw(&self, thread: &str) {
        let mut seen = self.0.lock().unwrap();
        if !seen.iter().any(|name| name == thread) {
            seen.push(thread.to_string());
        }
    }

    /// After a search of `executions`: `Err` unless each of `threads` went first in one of them.
    pub fn cover(&self, executions: u64, threads: &[&str], what: &str) -> crate::check::Outcome {
        let seen = self.0.lock().unwrap();
        let never: Vec<&str> = threads
            .iter()
            .copied()
            .filter(|thread| !seen.iter().any(|name| name == thread))
            .collect();
        if never.is_empty() {
            return Ok(());
        }
        Err(format!(
            "In the {executions} executions loom explored, {} never {what} first: did every \
             thread start before any was joined? {FACADE}",
            never.join(" and ")
        ))
    }
}

/// Did every thread take its first step of `first` before any took a step of `then`? (The
/// interleaving a shared slot gets wrong; a model asserts its search reached it.)
pub fn interleaved(events: &[crate::check::Event], first: &str, then: &str) -> bool {
    let before = events
        .iter()
        .take_while(|event| !event.text.starts_with(then))
        .filter(|event| event.text.starts_with(first))
        .count();
    before >= 2
}

/// The model's complaint when its search never reached the interleaving it must have.
pub fn not_interleaved(executions: u64, what: &str) -> String {
    format!(
        "In the {executions} executions loom explored, never {what}: did every thread start \
         before any was joined? {FACADE}"
    )
}

/// Under loom: the thread that took the first lock, in lock-order's facade's log.
#[cfg(loom)]
pub fn first_locker(steps: &[lock_order::sync::steps::Step]) -> Option<&str> {
    steps
        .iter()
        .find(|step| step.access == lock_order::sync::steps::Access::Locks)
        .map(|step| step.thread.as_str())
}

/// Under loom: one timeline of a worker pool's steps, from worker-pool's facade channel's log
/// (the jobs sent, taken, waited for) and the checks' own notes (a job starting, ending), in
/// the order loom ran them. The channel's log is cut at each note and kept here: a std
/// thread-local, invisible to loom, one per execution (loom runs a model's threads on one OS
/// thread).
#[cfg(loom)]
pub mod pool_trace {
    use std::cell::RefCell;

    use worker_pool::sync::mpsc::log::{self, Event};

    use crate::check;

    std::thread_local! {
        static EVENTS: RefCell<Vec<check::Event>> = const { RefCell::new(Vec::new()) };
    }

    /// Starts a fresh timeline, and the channel's log (at the start of each execution).
    pub fn record() {
        EVENTS.with(|events| events.borrow_mut().clear());
        log::record();
    }

    /// Moves what the channel logged since the last cut into the timeline, in a job's words.
    fn cut() {
        let entries = log::take();
        log::record();
        EVENTS.with(|events| {
            let mut events = events.borrow_mut();
            for entry in entries {
                let text = match entry.event {
                    // The channel's opening and Sender 1 come with it: no step of a job.
                    Event::Opened { .. } | Event::Made { sender: 1 } => continue,
                    Event::Made { sender } => format!("makes Sender {sender}"),
                    Event::Sent { amount, .. } => format!("sends job {amount}"),
                    Event::Refused { amount, .. } => format!("cannot send job {amount}"),
                    Event::WaitsForRoom { .. } => "waits for room".to_string(),
                    Event::Dropped { sender: 1 } => "drops the Sender".to_string(),
                    Event::Dropped { sender } => format!("drops Sender {sender}"),
                    Event::Received { amount } => format!("takes job {amount}"),
                    Event::WaitsForMessage => "waits for a job".to_string(),
                    Event::FoundEmpty => "finds no job yet".to_string(),
                    Event::Disconnected => "no job left: ends".to_string(),
                    Event::ReceiverDropped => "drops the Receiver".to_string(),
                };
                events.push(check::Event {
                    thread: entry.thread,
                    text,
                    beside: String::new(),
                });
            }
        });
    }

    /// Notes a step of the calling thread, after the channel's steps so far.
    pub fn note(text: impl Into<String>) {
        if std::thread::panicking() {
            return;
        }
        cut();
        let thread = check::current_thread();
        EVENTS.with(|events| {
            events.borrow_mut().push(check::Event {
                thread,
                text: text.into(),
                beside: String::new(),
            })
        });
    }

    /// Stops recording and returns the timeline since [`record`].
    pub fn take() -> Vec<check::Event> {
        cut();
        let _ = log::take();
        EVENTS.with(|events| std::mem::take(&mut *events.borrow_mut()))
    }
}

/// Under loom: wait-for-funds' facade's log of a lock and its condvar, as a timeline's events,
/// the value behind the lock after each step beside it, written by `show` (a balance, or whether
/// a flag is set).
#[cfg(loom)]
pub fn condvar_events(
    steps: &[wait_for_funds::sync::steps::Step],
    show: fn(i64) -> String,
) -> Vec<crate::check::Event> {
    use wait_for_funds::sync::steps::{Access, UNNAMED};
    steps
        .iter()
        .map(|step| {
            let text = match step.access {
                Access::Locks => format!("locks, finds {}", show(step.value)),
                Access::Unlocks => format!("unlocks, leaves {}", show(step.value)),
                Access::Waits => "waits".to_string(),
                Access::Wakes => format!("woken, finds {}", show(step.value)),
                Access::WakesSpuriously => {
                    format!("wakes unnotified, finds {}", show(step.value))
                }
                Access::NotifiesOne => format!("notify_one ({} waiting)", step.value),
                Access::NotifiesAll => format!("notify_all ({} waiting)", step.value),
            };
            // A notify's value is how many wait, and the value behind the lock may have
            // changed since the lock was taken (the facade logs locks and releases, not the
            // writes between them): nothing beside it.
            let beside = match step.access {
                Access::NotifiesOne | Access::NotifiesAll => String::new(),
                _ => show(step.value),
            };
            crate::check::Event {
                thread: match step.thread.as_str() {
                    UNNAMED => "main".to_string(),
                    name => name.to_string(),
                },
                text,
                beside,
            }
        })
        .collect()
}

/// Under loom: the threads whose last step in wait-for-funds' facade's log is a wait (inside
/// `wait`, not woken), in the order they began to wait.
#[cfg(loom)]
pub fn still_waiting(steps: &[wait_for_funds::sync::steps::Step]) -> Vec<String> {
    use wait_for_funds::sync::steps::Access;
    let mut waiting: Vec<String> = Vec::new();
    for step in steps {
        match step.access {
            Access::Waits => waiting.push(step.thread.clone()),
            Access::Wakes | Access::WakesSpuriously => {
                waiting.retain(|thread| *thread != step.thread)
            }
            _ => {}
        }
    }
    waiting
}

/// Under loom: did two threads wait on the condvar at the same moment, in this log?
#[cfg(loom)]
pub fn waited_together(steps: &[wait_for_funds::sync::steps::Step]) -> bool {
    (1..=steps.len()).any(|end| still_waiting(&steps[..end]).len() >= 2)
}

/// Under loom: did a thread wake (`how`: notified, or spuriously), find what it waits for not
/// there yet, and wait again (its next step in wait-for-funds' facade's log a wait)?
#[cfg(loom)]
pub fn waited_again(
    steps: &[wait_for_funds::sync::steps::Step],
    how: wait_for_funds::sync::steps::Access,
) -> bool {
    use wait_for_funds::sync::steps::Access;
    steps.iter().enumerate().any(|(at, step)| {
        step.access == how
            && steps[at + 1..]
                .iter()
                .find(|next| next.thread == step.thread)
                .is_some_and(|next| next.access == Access::Waits)
    })
}
