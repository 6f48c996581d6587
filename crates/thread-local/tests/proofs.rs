//! The loom models: the seed's claim ("global, yet each thread reads and writes only its own
//! copy") in every interleaving loom explores, and the contrast (one shared global slot) in which
//! loom finds a thread greeting another thread's student.
//!
//! Run: `cargo xtask prove thread-local`, or by hand `RUSTFLAGS="--cfg loom"
//! CARGO_TARGET_DIR=target/loom cargo test --release -p thread-local --test proofs -- --nocapture
//! --test-threads=1`
#![cfg(loom)]

use std::collections::BTreeSet;
use std::sync::Arc as StdArc;
use std::sync::Mutex as StdMutex;

use figures::Exploration;
use loom::sync::atomic::{AtomicUsize, Ordering};
use thread_local::sync::Mutex;
use thread_local::{AttributeError, LocalSchool, School, process_student, thread_name};

// What each thread did with the school, logged, and how a failing model shows it (the log step by
// step, the outputs reached, the contrast's picture): beside the models, so that each model below
// reads as its property.
mod counterexample;

use counterexample::{
    Event, counterexample, events, lesson_output, log, output, permutations, picture, render,
};

/// The lines of `output` that greet a student other than the one given to the greeting thread.
fn wrong_greetings(students: &[&str], output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|line| {
            !students.iter().enumerate().any(|(position, student)| {
                *line == format!("Hello, {student} (in {})", thread_name(position).unwrap())
            })
        })
        .map(str::to_string)
        .collect()
}

std::thread_local! {
    /// Each `Preemptible` step of this execution: how many had been taken before it (what
    /// `fetch_add` returned), and the thread that took it; so the steps' order, as loom ran them.
    static STEPS_TAKEN: std::cell::RefCell<Vec<(usize, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The threads in the order they took their `Preemptible` step in this execution (from what each
/// `fetch_add` returned, not from when the thread logged its bind, which comes first).
fn step_order() -> Vec<String> {
    let mut taken = STEPS_TAKEN.with(|taken| std::mem::take(&mut *taken.borrow_mut()));
    taken.sort();
    taken.into_iter().map(|(_, thread)| thread).collect()
}

loom::lazy_static! {
    /// How many students have been bound: only there to give every thread's bind a loom step that
    /// all threads share (see [`Preemptible`]). A fresh one for every execution.
    static ref BINDS: AtomicUsize = AtomicUsize::new(0);
}

/// The lesson's school, [`LocalSchool`], with one loom step between a thread's bind and its read.
///
/// Loom switches threads only at its own operations. In the lesson, a thread's `bind` and its
/// `student()` have none between them, so loom never lets another thread run there, and storage
/// loom cannot see, shared by mistake, would pass the greetings check: std's `thread_local!`
/// under loom (one slot for all loom threads) did, in all 27 and 6225 executions.
///
/// The step is `BINDS.fetch_add`, on one atomic that every thread writes. Two writes to one place
/// conflict, so loom tries both orders of every two threads' steps (the model checks that it
/// reached every order of them, from what each `fetch_add` returned); as each thread binds right
/// before its step and reads right after it, some executions have another thread bind between a
/// thread's bind and its read, and some have nothing between. Not for every pair of threads:
/// measured with a scratch check (1 December 2026), another thread's bind came between Thread-B's
/// bind and its read in no execution of the two-thread model, only between Thread-A's (1 of the 2
/// pairs; 4 of the 6 with three threads). It costs executions: 81 and
/// 93102 instead of 27 and 6225, about 5 s for three threads. Two other steps were tried, with
/// std's `thread_local!` under loom, two threads, the main thread's check set aside:
/// - `loom::thread::yield_now()`: loom reads it as "I cannot go on until another thread does",
///   so while another thread can run, none reads right after its own bind. The greetings check
///   fails at execution 1, but the model reaches only the 2 outputs where both threads greet Bob,
///   none of the 2 right ones that `fetch_add` also reaches (4 in all): a yield forces a switch,
///   it does not explore one.
/// - `BINDS.load(..)`: loads do not conflict with loads, so loom tries no other order there: 27
///   executions, as with no step, and the model passes.
struct Preemptible;

impl School for Preemptible {
    fn bind(student: String) {
        log(Event::Binds(student.clone()));
        LocalSchool::bind(student);
        let before = BINDS.fetch_add(1, Ordering::SeqCst);
        let thread = loom::thread::current();
        let thread = thread.name().unwrap_or(thread_local::UNNAMED).to_string();
        STEPS_TAKEN.with(|taken| taken.borrow_mut().push((before, thread)));
    }

    fn student() -> Result<String, AttributeError> {
        let student = LocalSchool::student();
        log(Event::Reads(student.clone().ok()));
        student
    }
}

/// Proof 1 for `students`: every interleaving greets each student exactly once, from its own
/// thread; and the main thread, which never bound a student, still reads nothing.
fn each_thread_greets_its_own(property: &str, students: &[&'static str]) {
    let exploration = Exploration::start(property);
    let counter = exploration.clone();
    let outputs = StdArc::new(StdMutex::new(BTreeSet::new()));
    let seen = StdArc::clone(&outputs);
    let model_students = students.to_vec();
    // The first execution in which the main thread read a student: reported after the whole
    // search, so that a thread greeting another thread's student, the instructive failure, is
    // the one reported when both happen.
    let main_read = StdArc::new(StdMutex::new(None));
    let main_read_seen = StdArc::clone(&main_read);
    // The order of the threads' binds in each execution.
    let bind_orders = StdArc::new(StdMutex::new(BTreeSet::new()));
    let bind_orders_seen = StdArc::clone(&bind_orders);
    loom::model(move || {
        counter.execution();
        let execution = counter.executions();
        let students = &model_students;
        STEPS_TAKEN.with(|taken| taken.borrow_mut().clear());
        let output = lesson_output::<Preemptible>(students, execution);
        bind_orders_seen.lock().unwrap().insert(step_order());
        if !wrong_greetings(students, &output).is_empty() {
            panic!(
                "a thread greeted another thread's student (execution {execution})\n\n{}",
                counterexample(execution, &events(), students)
            );
        }
        assert!(
            output.lines().count() == students.len(),
            "{} students, one thread each, but {} greetings (execution {execution}):\n{output}",
            students.len(),
            output.lines().count()
        );
        let read = process_student::<LocalSchool>();
        if read != Err(AttributeError) {
            let mut first = main_read_seen.lock().unwrap();
            if first.is_none() {
                log(Event::Reads(read.ok()));
                *first = Some(format!(
                    "the main thread, which bound no student, read one (execution {execution})\n\n{}",
                    counterexample(execution, &events(), students)
                ));
            }
        }
        seen.lock().unwrap().insert(output);
    });
    exploration.finish();
    if let Some(failure) = main_read.lock().unwrap().take() {
        panic!("{failure}");
    }
    let outputs = outputs.lock().unwrap();
    figures::report("orders", outputs.len());
    figures::report("reachable", render(&outputs));
    // Every order of the greetings was explored, and nothing else: n threads, n! orders.
    let factorial: usize = (1..=students.len()).product();
    assert!(
        outputs.len() == factorial,
        "{} threads can greet in {factorial} orders, and loom reached {} of them (fewer when \
         the threads never run at the same time: for example when each one is joined before \
         the next is spawned)\n\ncounterexample: every output loom reached:\n{}",
        students.len(),
        outputs.len(),
        render(&outputs)
    );
    // Each bind is followed by `Preemptible`'s step, a write to one atomic that every thread
    // writes: two writes to one place conflict, so loom must try every order of them (n! of
    // them). A search cut short, or a school that skips the step, misses some.
    let bind_orders = bind_orders.lock().unwrap();
    figures::report(
        "step-orders",
        format!(
            "{} of the {factorial} orders of the threads' steps after their binds",
            bind_orders.len()
        ),
    );
    let threads: Vec<String> = (0..students.len())
        .map(|position| thread_name(position).unwrap())
        .collect();
    for order in permutations(&threads) {
        assert!(
            bind_orders.contains(&order),
            "loom never ran the threads' steps after their binds in the order {}: {} of the \
             {factorial} orders were reached, so the search explored less than the model is \
             built for",
            order.join(", "),
            bind_orders.len()
        );
    }
}

/// In every interleaving of Thread-A and Thread-B, each greets its own student (both orders of the
/// two lines are reached), and the main thread, which never bound one, reads the `AttributeError`.
/// The school is [`Preemptible`]: the lesson's own, with a step where loom may switch threads
/// between each thread's bind and its read.
///
/// A failure prints the execution's steps: who bound which student, who read what, and each
/// greeting, the wrong one marked. The main thread's read is checked in every execution but
/// reported only after the whole search, so that a thread greeting another thread's student is
/// the failure shown when both happen.
///
/// Fails on the catalogue's `shared-global`, `bind-in-spawner` and `names-off-by-one`, and on
/// `std-thread-local-in-proofs`, a mistake in the proofs' facade that only [`Preemptible`]'s step
/// lets this model see (crates/thread-local/mistakes/; `cargo xtask break thread-local/<mistake>`
/// shows each failure and its counterexample, and `cargo xtask test` checks that it still fails).
#[test]
fn each_thread_greets_its_own_student_2_threads() {
    each_thread_greets_its_own(
        "each thread greets its own student (2 threads)",
        &["Alice", "Bob"],
    );
}

/// The same with three threads: 3! = 6 orders of the lines, each line from its own thread.
///
/// Fails on the same changes as the two-thread model (see it).
#[test]
fn each_thread_greets_its_own_student_3_threads() {
    each_thread_greets_its_own(
        "each thread greets its own student (3 threads)",
        &["Alice", "Bob", "Carol"],
    );
}

loom::lazy_static! {
    /// The learner's mistake: `local_school = {'student': None}`, one global
    /// slot for every thread, guarded by a lock so each access is safe, yet
    /// shared. (With std this would be a plain `static SHARED_SCHOOL:
    /// Mutex<Option<String>> = Mutex::new(None)`; loom's `Mutex` is not `const`,
    /// so loom's `lazy_static!` makes a fresh one for every execution.)
    static ref SHARED_SCHOOL: Mutex<Option<String>> = Mutex::new(None);
}

/// The contrast: the lesson's code, unchanged, with the student kept in [`SHARED_SCHOOL`].
struct SharedSchool;

impl School for SharedSchool {
    fn bind(student: String) {
        *SHARED_SCHOOL.lock().unwrap() = Some(student);
    }

    fn student() -> Result<String, AttributeError> {
        SHARED_SCHOOL.lock().unwrap().clone().ok_or(AttributeError)
    }
}

/// [`SharedSchool`], each bind and read also written to the log (a std thread-local, no loom
/// operation: the same executions as without), for the picture of the contrast.
struct LoggedSharedSchool;

impl School for LoggedSharedSchool {
    fn bind(student: String) {
        log(Event::Binds(student.clone()));
        SharedSchool::bind(student);
    }

    fn student() -> Result<String, AttributeError> {
        let student = SharedSchool::student();
        log(Event::Reads(student.clone().ok()));
        student
    }
}

/// With one shared global slot in place of the thread-local, loom finds an interleaving in which a
/// thread greets another thread's student: Thread-A binds Alice, Thread-B binds Bob, Thread-A reads
/// Bob. Each access is locked, so there is no data race: the bug is that the slot is shared.
///
/// Fails if (the test asserts the bad greeting IS found) the shared slot becomes per-thread again:
/// the catalogue's `per-thread-slot-in-contrast`, `SHARED_SCHOOL` as a map keyed by
/// `loom::thread::current().id()` (roughly what Python's `threading.local()` does inside). Loom
/// then reaches only the 2 right outputs, and the failure lists them; `cargo xtask test` checks it.
#[test]
fn a_shared_global_lets_a_thread_greet_another_threads_student() {
    const STUDENTS: [&str; 2] = ["Alice", "Bob"];
    let exploration =
        Exploration::start("contrast: a shared global slot lets a thread greet another's student");
    let counter = exploration.clone();
    // Every execution's events, in the order of the executions: what it printed, and the picture.
    let runs = StdArc::new(StdMutex::new(Vec::new()));
    let record_run = StdArc::clone(&runs);
    loom::model(move || {
        counter.execution();
        lesson_output::<LoggedSharedSchool>(&STUDENTS, counter.executions());
        record_run.lock().unwrap().push(events());
    });
    exploration.finish();
    let runs = runs.lock().unwrap();
    // The picture: an execution with a wrong greeting (see `picture`).
    if let Some(picture) = picture(&runs, &STUDENTS) {
        figures::report(figures::SCHEDULE, picture);
    }
    let outputs: BTreeSet<String> = runs.iter().map(|events| output(events)).collect();
    let wrong: BTreeSet<String> = outputs
        .iter()
        .flat_map(|output| wrong_greetings(&STUDENTS, output))
        .collect();
    figures::report("orders", outputs.len());
    figures::report("reachable", render(&outputs));
    figures::report(
        "wrong",
        wrong.iter().cloned().collect::<Vec<_>>().join("\n"),
    );
    let missed: Vec<&str> = ["Hello, Bob (in Thread-A)", "Hello, Alice (in Thread-B)"]
        .into_iter()
        .filter(|greeting| !wrong.contains(*greeting))
        .collect();
    if !missed.is_empty() {
        panic!(
            "a shared slot lets a thread greet another's student, yet in {} loom \
             never printed {}\n\ncounterexample: every output loom reached:\n{}",
            match exploration.executions() {
                1 => "its one execution".to_string(),
                n => format!("{n} executions"),
            },
            missed.join(" or "),
            render(&outputs).trim_end()
        );
    }
}
