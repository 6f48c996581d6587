//! How the thread-local models see what each thread did, and how a failing one shows it: the
//! lesson run on a writer that logs each greeting, the log of each thread's binds, reads and
//! greetings, that log as a counterexample step by step (the wrong greeting marked), the outputs
//! reached, and the contrast's execution as a picture for `cargo xtask prove`.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use thread_local::sync::{Arc, Mutex};
use thread_local::{School, run, thread_name};

use crate::wrong_greetings;

/// Runs the lesson, as the binary does, for `students` with the school `S`, on a writer that logs
/// each greeting; returns its output. If the lesson fails, panics with what it says and the
/// execution's steps (`execution` names it).
pub(crate) fn lesson_output<S: School>(students: &[&str], execution: u64) -> String {
    let names: Vec<String> = students.iter().map(|s| s.to_string()).collect();
    EVENTS.with(|events| events.borrow_mut().clear());
    let out = Arc::new(Mutex::new(Greetings::default()));
    if let Err(error) = run::<S, _>(&names, &out) {
        panic!(
            "the lesson failed: {error}\n\n{}",
            counterexample(execution, &events(), students)
        );
    }
    output(&events())
}

/// What an execution printed: its greetings, in order, a line each.
pub(crate) fn output(events: &[(String, Event)]) -> String {
    events
        .iter()
        .filter_map(|(_, event)| match event {
            Event::Greets(line) => Some(format!("{line}\n")),
            _ => None,
        })
        .collect()
}

/// What a thread did with the school, in the order loom ran it.
#[derive(Clone, Debug)]
pub(crate) enum Event {
    /// `local_school.student = name`
    Binds(String),
    /// `local_school.student`: the student read, or nothing bound (`AttributeError`).
    Reads(Option<String>),
    /// Its greeting, as printed.
    Greets(String),
}

// Loom runs all its threads on this one OS thread: a std thread-local is one log for all of
// them, and no loom operation, so logging changes no schedule (same executions as without).
std::thread_local! {
    static EVENTS: std::cell::RefCell<Vec<(String, Event)>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub(crate) fn log(event: Event) {
    let thread = loom::thread::current();
    let thread = thread.name().unwrap_or(thread_local::UNNAMED).to_string();
    EVENTS.with(|events| events.borrow_mut().push((thread, event)));
}

pub(crate) fn events() -> Vec<(String, Event)> {
    EVENTS.with(|events| events.borrow().clone())
}

/// The lesson's output, each greeting logged with the thread that printed it once its line is
/// whole (`writeln!` may write the text and the newline separately).
#[derive(Default)]
struct Greetings(String);

impl std::io::Write for Greetings {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.push_str(&String::from_utf8_lossy(buf));
        while let Some(end) = self.0.find('\n') {
            let line: String = self.0.drain(..=end).collect();
            log(Event::Greets(line.trim_end_matches('\n').to_string()));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Event {
    /// What the thread did, as a counterexample and a picture say it.
    fn does(&self) -> String {
        match self {
            Event::Binds(student) => format!("binds {student}"),
            Event::Reads(Some(student)) => format!("reads {student}"),
            Event::Reads(None) => "reads nothing: AttributeError".to_string(),
            Event::Greets(line) => format!("prints {line}"),
        }
    }
}

/// Who bound which student, who read what, and each greeting, in that execution's order; a
/// greeting of another thread's student marked, or of its own student when it is the wrong thread.
pub(crate) fn counterexample(
    execution: u64,
    events: &[(String, Event)],
    students: &[&str],
) -> String {
    let mut out = format!(
        "counterexample: execution {execution}, step by step:\n{:>4}  {:<12}does\n",
        "step", "thread"
    );
    for (number, (thread, event)) in events.iter().enumerate() {
        let note = wrong_greeting(events, number, students)
            .map(|why| format!("  <- {why}"))
            .unwrap_or_default();
        writeln!(out, "{:>4}  {thread:<12}{}{note}", number + 1, event.does()).unwrap();
    }
    out.trim_end().to_string()
}

/// Why the greeting at `events[number]` is wrong, or `None` if it is right: another thread's
/// student, or its own student greeted by the wrong thread (the names are wrong, not the storage).
fn wrong_greeting(events: &[(String, Event)], number: usize, students: &[&str]) -> Option<String> {
    let (thread, Event::Greets(line)) = &events[number] else {
        return None;
    };
    if wrong_greetings(students, line).is_empty() {
        return None;
    }
    let bound = events[..number]
        .iter()
        .rev()
        .find_map(|(who, event)| match event {
            Event::Binds(student) if who == thread => Some(student.as_str()),
            _ => None,
        })
        .unwrap_or("no one");
    let greeted = line
        .strip_prefix("Hello, ")
        .and_then(|rest| rest.split_once(" (in "))
        .map_or("", |(student, _)| student);
    let owner = students
        .iter()
        .position(|student| *student == greeted)
        .and_then(thread_name);
    Some(match owner {
        Some(owner) if bound == greeted => {
            format!("{greeted} is {owner}'s student, not {thread}'s")
        }
        _ => format!("another thread's student: {thread} bound {bound}"),
    })
}

/// Every order of `items`.
pub(crate) fn permutations(items: &[String]) -> Vec<Vec<String>> {
    if items.is_empty() {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for (at, first) in items.iter().enumerate() {
        let mut rest = items.to_vec();
        rest.remove(at);
        for mut order in permutations(&rest) {
            order.insert(0, first.clone());
            all.push(order);
        }
    }
    all
}

/// The distinct outputs, one block each, separated by `--`.
pub(crate) fn render(outputs: &BTreeSet<String>) -> String {
    outputs
        .iter()
        .map(|output| output.trim_end())
        .collect::<Vec<_>>()
        .join("\n--\n")
}

/// The contrast's picture: of `runs` (every execution's events, in loom's order), the executions
/// with a wrong greeting, the one with the fewest switches between threads (the first such, in
/// loom's order, on a tie), drawn; `None` if there is none.
pub(crate) fn picture(
    runs: &[Vec<(String, Event)>],
    students: &[&str],
) -> Option<figures::Schedule> {
    let chosen = runs
        .iter()
        .filter(|events| !wrong_greetings(students, &output(events)).is_empty())
        .min_by_key(|events| figures::switches(events.iter().map(|(thread, _)| thread)))?;
    Some(drawn(chosen, students))
}

/// An execution's events as a [`figures::Schedule`]: a lane per thread (the students' threads,
/// then any other in the order it first acts), the shared slot's student beside each step, and
/// the step that went wrong noted: for a greeting of another thread's student, the read before
/// it, which is where the thread got that student.
fn drawn(events: &[(String, Event)], students: &[&str]) -> figures::Schedule {
    let mut notes: Vec<String> = (0..events.len())
        .map(|number| wrong_greeting(events, number, students).unwrap_or_default())
        .collect();
    for greeting in 0..events.len() {
        let thread = &events[greeting].0;
        let Some(read) = (0..greeting)
            .rev()
            .find(|&n| events[n].0 == *thread && matches!(events[n].1, Event::Reads(_)))
        else {
            continue;
        };
        let bound = events[..read]
            .iter()
            .rev()
            .find_map(|(who, event)| match event {
                Event::Binds(student) if who == thread => Some(student),
                _ => None,
            });
        let Event::Reads(Some(got)) = &events[read].1 else {
            continue;
        };
        if notes[greeting].is_empty() || bound.is_none_or(|bound| bound == got) {
            continue;
        }
        notes[greeting].clear();
        notes[read] = format!(
            "another thread's student: {thread} bound {}",
            bound.unwrap()
        );
    }
    let mut lanes: Vec<String> = (0..students.len())
        .map(|position| thread_name(position).unwrap())
        .collect();
    for (thread, _) in events {
        if !lanes.contains(thread) {
            lanes.push(thread.clone());
        }
    }
    let mut slot: Option<&str> = None;
    let steps = events
        .iter()
        .enumerate()
        .map(|(number, (thread, event))| {
            if let Event::Binds(student) = event {
                slot = Some(student);
            }
            figures::ScheduleStep {
                lane: lanes.iter().position(|lane| lane == thread).unwrap(),
                does: event.does(),
                beside: slot.unwrap_or("(empty)").to_string(),
                note: notes[number].clone(),
            }
        })
        .collect();
    let printed = output(events);
    let greetings: Vec<&str> = printed.lines().collect();
    figures::Schedule {
        title: "One shared global slot: a thread greets another thread's student".to_string(),
        lanes,
        beside: "the shared slot".to_string(),
        steps,
        end: format!("the output: {}", greetings.join(", then ")),
    }
}
