//! What every exercise's check shares: the trace a check writes as its threads run, the timeline
//! a failure draws from it, the plain run under a deadline, and (in the loom build) the model
//! search with every setting fixed here.
//!
//! The timeline is a [`figures::Schedule`], the shape the lessons' proofs report their
//! counterexamples in, drawn as text: a column per thread, a row per step, the step that breaks
//! the exercise's claim marked.

use std::cell::RefCell;
use std::fmt::Write as _;

/// What a check returns: `Err` says, in the exercise's words, what went wrong.
pub type Outcome = Result<(), String>;

/// One step a thread took, as the check saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The thread's name (`main` for a thread with none).
    pub thread: String,
    /// What it did, in a few words.
    pub text: String,
    /// The value beside the step (a balance, a line); may be empty.
    pub beside: String,
}

// Loom runs a model's threads as coroutines on one OS thread, so a std thread-local is one trace
// per model, shared by its loom threads and invisible to loom (no loom operation: loom never
// switches threads while it is borrowed), as the lessons' facades keep their logs. In the plain
// build it is one trace per OS thread: the plain checks do not draw timelines.
std::thread_local! {
    static TRACE: RefCell<Option<Vec<Event>>> = const { RefCell::new(None) };
}

/// Starts a fresh trace (at the start of each execution).
pub fn record() {
    TRACE.with(|trace| *trace.borrow_mut() = Some(Vec::new()));
}

/// Stops tracing and returns what was noted since [`record`].
pub fn take() -> Vec<Event> {
    TRACE.with(|trace| trace.borrow_mut().take().unwrap_or_default())
}

/// Notes a step of the calling thread (nothing unless [`record`] was called on this OS thread).
pub fn note(text: impl Into<String>, beside: impl Into<String>) {
    // While a panic unwinds (after loom found a deadlock), asking loom for the current thread
    // would panic again: note nothing then.
    if std::thread::panicking() {
        return;
    }
    TRACE.with(|trace| {
        if let Some(trace) = trace.borrow_mut().as_mut() {
            trace.push(Event {
                thread: current_thread(),
                text: text.into(),
                beside: beside.into(),
            });
        }
    });
}

/// The calling thread's name; `main` for one with none (loom's main thread has none).
pub fn current_thread() -> String {
    #[cfg(loom)]
    let thread = loom::thread::current();
    #[cfg(not(loom))]
    let thread = std::thread::current();
    thread.name().unwrap_or("main").to_string()
}

/// A step of a drawn timeline that the failure message points at.
pub struct Mark {
    /// Its index in the events.
    pub step: usize,
    /// Why it matters.
    pub note: String,
}

/// The events as a [`figures::Schedule`]: one lane per thread, in `lanes` order (a thread not
/// named there gets a lane after them).
pub fn schedule(
    title: &str,
    lanes: &[&str],
    beside: &str,
    events: &[Event],
    marks: &[Mark],
    end: &str,
) -> figures::Schedule {
    let mut names: Vec<String> = lanes.iter().map(|lane| lane.to_string()).collect();
    for event in events {
        if !names.contains(&event.thread) {
            names.push(event.thread.clone());
        }
    }
    let steps = events
        .iter()
        .enumerate()
        .map(|(at, event)| figures::ScheduleStep {
            lane: names
                .iter()
                .position(|name| *name == event.thread)
                .unwrap_or(0),
            does: event.text.clone(),
            beside: event.beside.clone(),
            note: marks
                .iter()
                .filter(|mark| mark.step == at)
                .map(|mark| mark.note.clone())
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    figures::Schedule {
        title: title.to_string(),
        lanes: names,
        beside: beside.to_string(),
        steps,
        end: end.to_string(),
    }
}

/// A schedule as text: a column per thread, the value beside each step, the marked steps
/// called out with `<-`.
pub fn timeline(schedule: &figures::Schedule) -> String {
    // Each lane as wide as its longest step (or its name), and two spaces.
    let widths: Vec<usize> = (0..schedule.lanes.len())
        .map(|lane| {
            schedule
                .steps
                .iter()
                .filter(|step| step.lane == lane)
                .map(|step| step.does.chars().count())
                .chain([schedule.lanes[lane].chars().count()])
                .max()
                .unwrap_or(0)
                + 2
        })
        .collect();
    let mut out = format!("{}, step by step:\n", schedule.title);
    let mut header = format!("{:>4}  ", "step");
    for (lane, width) in schedule.lanes.iter().zip(&widths) {
        header += &format!("{lane:<width$}");
    }
    header += &schedule.beside;
    writeln!(out, "{}", header.trim_end()).unwrap();
    for (number, step) in schedule.steps.iter().enumerate() {
        let mut line = format!("{:>4}  ", number + 1);
        for (lane, width) in widths.iter().enumerate() {
            let text = if lane == step.lane {
                step.does.as_str()
            } else {
                ""
            };
            line += &format!("{text:<width$}");
        }
        line += &step.beside;
        if !step.note.is_empty() {
            line += &format!("  <- {}", step.note);
        }
        writeln!(out, "{}", line.trim_end()).unwrap();
    }
    if schedule.steps.is_empty() {
        writeln!(out, "      (no steps recorded)").unwrap();
    }
    out.push_str(&schedule.end);
    out
}

/// Wraps a message to 80 columns, paragraph by paragraph (lines that start with a space, as a
/// timeline's, are kept as they are).
pub fn wrap(text: &str) -> String {
    let mut out = Vec::new();
    for paragraph in text.split("\n\n") {
        if paragraph
            .lines()
            .any(|line| line.starts_with(' ') || line.contains("  "))
        {
            out.push(paragraph.to_string());
        } else {
            out.push(figures::wrap(paragraph, 78).join("\n"));
        }
    }
    out.join("\n\n")
}

/// The loom side: the search every model runs, with its settings fixed here.
#[cfg(loom)]
pub mod model {
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use super::Outcome;

    /// Loom's default cap on scheduling choices in one execution, set here explicitly: an
    /// execution that needs more fails the model, it is never cut short.
    pub const MAX_BRANCHES: usize = 1_000;

    /// The first words of loom's panic when every thread is blocked.
    pub const LOOM_DEADLOCK: &str = "deadlock; threads = ";

    /// The panic message a failing execution raises to stop the search; the check's own words
    /// are kept aside and returned.
    pub const FAILED: &str = "the exercise's model found a failing execution";

    /// How a search ended when it did not pass.
    pub enum Stop {
        /// An execution broke the exercise's claim: the message, with its timeline.
        Failed(String),
        /// Every thread was blocked in execution number `.0`.
        Deadlock(u64),
        /// Execution number `.0` took more than [`MAX_BRANCHES`] scheduling choices: a thread
        /// that never waits (a busy loop) keeps loom choosing.
        Spins(u64),
    }

    /// Runs `execution` in every interleaving loom explores (unbounded search, or with
    /// `preemption_bound`), and returns how many executions it explored. `execution` gets the
    /// execution's number and returns what went wrong, if anything: the search stops there.
    /// Refuses (panics) when one of loom's search settings is set in the environment, as the
    /// lessons' models do, so that a check never passes having explored less than it says.
    pub fn explore(
        preemption_bound: Option<usize>,
        execution: impl Fn(u64) -> Outcome + Send + Sync + 'static,
    ) -> Result<u64, Stop> {
        if let Some(refusal) = figures::search_settings_in_env() {
            panic!("{refusal}");
        }
        let mut builder = loom::model::Builder::new();
        builder.max_branches = MAX_BRANCHES;
        builder.max_permutations = None;
        builder.max_duration = None;
        builder.checkpoint_file = None;
        builder.preemption_bound = preemption_bound;
        // Std's, invisible to loom: they count and keep across executions.
        let executions = Arc::new(AtomicU64::new(0));
        let failure: Arc<Mutex<Option<String>>> = Arc::default();
        let (counter, kept) = (Arc::clone(&executions), Arc::clone(&failure));
        let searched = panic::catch_unwind(AssertUnwindSafe(|| {
            builder.check(move || {
                let number = counter.fetch_add(1, Ordering::Relaxed) + 1;
                if let Err(what) = execution(number) {
                    *kept.lock().unwrap() = Some(what);
                    panic!("{FAILED}");
                }
            });
        }));
        let explored = executions.load(Ordering::Relaxed);
        match searched {
            Ok(()) => {
                assert!(explored > 0, "loom ran no execution: nothing was checked");
                Ok(explored)
            }
            Err(payload) => {
                if let Some(what) = failure.lock().unwrap().take() {
                    return Err(Stop::Failed(what));
                }
                let message = crate::panic_message(payload.as_ref());
                if message.starts_with(LOOM_DEADLOCK) {
                    return Err(Stop::Deadlock(explored));
                }
                if message.contains("exceeded maximum number of branches") {
                    return Err(Stop::Spins(explored));
                }
                panic::resume_unwind(payload)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_has_a_column_per_thread_and_marks_the_step() {
        let events = [
            Event {
                thread: "Thread-1".into(),
                text: "reads 0".into(),
                beside: "0".into(),
            },
            Event {
                thread: "Thread-2".into(),
                text: "writes 5".into(),
                beside: "5".into(),
            },
        ];
        let marks = [Mark {
            step: 1,
            note: "lost".into(),
        }];
        let drawn = timeline(&schedule(
            "counterexample",
            &["Thread-1", "Thread-2"],
            "balance",
            &events,
            &marks,
            "final balance: 5",
        ));
        assert_eq!(
            drawn,
            "counterexample, step by step:\n\
             step  Thread-1  Thread-2  balance\n   \
             1  reads 0             0\n   \
             2            writes 5  5  <- lost\n\
             final balance: 5"
        );
    }
}
