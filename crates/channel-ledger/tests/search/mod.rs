//! How the channel-ledger models run loom: every search setting fixed here (and refused from the
//! environment), the lesson's experiment run and its property checked in each execution, what
//! the executions covered gathered for the models' assertions, and a failing execution (or
//! loom's deadlock panic, said in the lesson's words) shown as the channel's log, step by step.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};

use channel_ledger::explain::{broken_promise, deadlock, timeline};
use channel_ledger::sync::channel::log::{self, Entry, Event};
use channel_ledger::{LEDGER, Queue, TELLERS, experiment};
use figures::Exploration;

use crate::Property;

/// Loom's cap on the thread switches of one execution. Its default, 1000, is more than these
/// models need (the longest execution, 2 pairs per teller with room for one amount, has a few
/// hundred); set here so that no variable can lower it.
const MAX_BRANCHES: usize = 10_000;

/// A search with every limit set here: no cap on executions or time, no checkpoint, and at most
/// `bound` preemptions per execution; with its name, for messages.
///
/// Why a bound: loom's default search, with no bound, had not finished the smallest model here
/// (1 pair per teller, `channel()`) after 7 minutes and more than 2 million executions, on the
/// 2-core VM this lesson was written on; every
/// step of the facade's channel is a lock, a wait or a wake-up that loom interleaves with every
/// other. A preemption bound of 2 (a thread is switched out against its will at most twice)
/// explores a few thousand executions; the models then assert that these covered what the
/// property is about (both tellers first, their deposits interleaved, the ledger woken by the
/// last drop). What a bounded search does not show: a failure that needs more preemptions.
///
/// # Panics
///
/// If one of loom's search settings is set in the environment (the `figures` crate's one list
/// of them): the proof would not search what it says.
pub(crate) fn search(bound: usize) -> (String, loom::model::Builder) {
    if let Some(refusal) = figures::search_settings_in_env() {
        panic!("{refusal}");
    }
    let mut builder = loom::model::Builder::new();
    // The main thread, the ledger and the two tellers.
    builder.max_threads = 4;
    builder.max_branches = MAX_BRANCHES;
    builder.max_permutations = None;
    builder.max_duration = None;
    builder.preemption_bound = Some(bound);
    builder.checkpoint_file = None;
    (format!("preemption bound {bound}"), builder)
}

/// What the executions of a model covered, across all of them: each model asserts, after its
/// search, that it saw what it must have for its verdict to mean something.
#[derive(Default)]
pub(crate) struct Covered {
    /// The teller whose amount the ledger received first, over all executions.
    pub(crate) first_received_from: BTreeSet<String>,
    /// Every balance the ledger held after receiving an amount.
    pub(crate) balances_held: BTreeSet<i64>,
    /// Executions in which the ledger waited on an empty queue.
    pub(crate) ledger_waited: u64,
    /// Executions in which the ledger's last wait ended because the last `Sender` was dropped.
    pub(crate) woken_by_the_last_drop: u64,
    /// Executions in which a teller waited for room in a full queue.
    pub(crate) teller_waited: u64,
    /// The balances the experiment returned (for the book's scheduler panel, whose walk of every
    /// path must end the same).
    pub(crate) returned: BTreeSet<i64>,
}

impl Covered {
    fn add(&mut self, entries: &[Entry]) {
        let mut balance = 0;
        for entry in entries {
            if let Event::Received { amount } = entry.event {
                balance += amount;
                self.balances_held.insert(balance);
            }
        }
        if let Some(first) = entries.iter().find_map(|entry| match entry.event {
            Event::Received { amount } => Some(teller_of(amount)),
            _ => None,
        }) {
            self.first_received_from.insert(first.to_string());
        }
        let ledger = |event: Event| {
            entries
                .iter()
                .any(|entry| entry.thread == LEDGER && entry.event == event)
        };
        self.ledger_waited += u64::from(ledger(Event::WaitsForMessage));
        let last = |wanted: fn(&Event) -> bool| entries.iter().rposition(|e| wanted(&e.event));
        let last_wait = last(|e| *e == Event::WaitsForMessage);
        let last_received = last(|e| matches!(e, Event::Received { .. }));
        let last_drop = last(|e| matches!(e, Event::Dropped { .. }));
        if let (Some(wait), Some(drop)) = (last_wait, last_drop) {
            if last_received.is_none_or(|received| received < wait) && wait < drop {
                self.woken_by_the_last_drop += 1;
            }
        }
        self.teller_waited += u64::from(
            entries
                .iter()
                .any(|entry| matches!(entry.event, Event::WaitsForRoom { .. })),
        );
    }

    /// The coverage figure: what the search reached, in words.
    pub(crate) fn describe(&self) -> String {
        let orders: Vec<&str> = self
            .first_received_from
            .iter()
            .map(String::as_str)
            .collect();
        format!(
            "first amount received from: {}\n\
             balances the ledger held: {}\n\
             executions where the ledger waited on an empty queue: {}\n\
             where the last Sender's drop woke it: {}\n\
             where a teller waited for room: {}",
            orders.join(" or "),
            show(&self.balances_held),
            self.ledger_waited,
            self.woken_by_the_last_drop,
            self.teller_waited
        )
    }
}

/// The teller that sends `amount` (each sends `n` and `-n`, and the two `n` differ).
fn teller_of(amount: i64) -> &'static str {
    TELLERS
        .iter()
        .find(|(_, n)| amount.abs() == *n)
        .map_or("no teller", |(name, _)| name)
}

pub(crate) fn show(values: &BTreeSet<i64>) -> String {
    let values: Vec<String> = values.iter().map(i64::to_string).collect();
    format!("{{{}}}", values.join(", "))
}

/// Makes loom's deadlock panic silent: every model catches it and says what it means instead
/// ([`deadlock`]); its own message names neither thread nor channel.
pub(crate) fn quiet_loom_deadlocks() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            let deadlock = message.is_some_and(|message| message.starts_with("deadlock; threads"));
            if !deadlock {
                default(info);
            }
        }));
    });
}

/// Runs `experiment(queue, 0, iterations)` under each of `searches`, checks std's channel
/// promises and `property` in every execution, and returns what the executions covered
/// ([`explore_each`]).
pub(crate) fn explore(
    exploration: &Exploration,
    searches: &[(String, loom::model::Builder)],
    queue: Queue,
    iterations: u64,
    property: Property,
) -> Covered {
    explore_each(
        exploration,
        searches,
        move || experiment(queue, 0, iterations),
        property,
        |covered: &mut Covered, outcome, entries| {
            covered.add(entries);
            if let Ok(balance) = outcome {
                covered.returned.insert(*balance);
            }
        },
    )
}

/// Runs `scenario` under each of `searches`; in every execution checks first that the channel
/// kept std's promises (`explain::broken_promise`, over the channel's log), then `property`;
/// and folds each execution's log into what the search covered with `add`. A failing execution
/// stops the search: the panic says what went wrong and shows that execution's log as a
/// timeline. A deadlock is translated ([`deadlock`]).
pub(crate) fn explore_each<O: 'static, C: Default + Send + 'static>(
    exploration: &Exploration,
    searches: &[(String, loom::model::Builder)],
    scenario: impl Fn() -> O + Send + Sync + 'static,
    property: impl Fn(&O, &[Entry]) -> Result<(), String> + Send + Sync + 'static,
    add: fn(&mut C, &O, &[Entry]),
) -> C {
    quiet_loom_deadlocks();
    let (scenario, property) = (Arc::new(scenario), Arc::new(property));
    // A std Mutex: invisible to loom, it collects across executions, and is only locked after the
    // loom threads are joined.
    let covered = Arc::new(Mutex::new(C::default()));
    for (name, search) in searches {
        let (counter, seen) = (exploration.clone(), Arc::clone(&covered));
        let (scenario, property) = (Arc::clone(&scenario), Arc::clone(&property));
        let name = name.to_string();
        let described = name.clone();
        let ran = panic::catch_unwind(AssertUnwindSafe(|| {
            search.check(move || {
                counter.execution();
                let execution = counter.executions();
                log::record();
                let outcome = scenario();
                let entries = log::take();
                let verdict = match broken_promise(&entries) {
                    Some(broken) => Err(broken),
                    None => property(&outcome, &entries),
                };
                if let Err(what) = verdict {
                    let what = wrap(&what);
                    panic!("{what}\n\n{}", counterexample(execution, &name, &entries));
                }
                add(&mut seen.lock().unwrap(), &outcome, &entries);
            });
        }));
        if let Err(payload) = ran {
            match payload.downcast_ref::<String>() {
                Some(message) if message.starts_with("deadlock; threads") => {
                    let entries = log::take();
                    panic!(
                        "{}\n\n{}",
                        deadlock(&entries),
                        counterexample(exploration.executions(), &described, &entries)
                    );
                }
                // The model's own failure, already in the lesson's words: as it is.
                Some(message) if message.contains("\n\ncounterexample: ") => {
                    panic::resume_unwind(payload)
                }
                // A lesson thread panicked (loom ends the execution there, so the experiment
                // cannot report it as std's join would): say so, with the steps up to it.
                _ => {
                    let message = payload
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| payload.downcast_ref::<&str>().copied())
                        .unwrap_or("(a panic without a message)");
                    let entries = log::take();
                    panic!(
                        "{}\n(its steps up to the panic are below; with std, the experiment's\n\
                         join would report it)\n\n{}",
                        wrap(&format!("a thread panicked: {message}")),
                        counterexample(exploration.executions(), &described, &entries)
                    );
                }
            }
        }
    }
    Arc::try_unwrap(covered)
        .ok()
        .expect("every execution has ended")
        .into_inner()
        .unwrap()
}

/// The counterexample block every failing model prints (xtask looks for its first line).
fn counterexample(execution: u64, search: &str, entries: &[Entry]) -> String {
    format!(
        "counterexample: execution {execution} ({search}), step by step:\n{}",
        timeline(entries)
    )
}

/// A property's message wrapped at 80 columns, as the rest of what a learner reads; a message
/// already in lines keeps them.
fn wrap(what: &str) -> String {
    let lines: Vec<String> = what
        .lines()
        .map(|line| figures::wrap(line, 80).join("\n"))
        .collect();
    lines.join("\n")
}
