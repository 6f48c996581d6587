//! The loom models: the seed's claim ("global, yet each thread reads and writes only its own
//! copy") in every interleaving loom explores, and the contrast (one shared global slot) in which
//! loom finds a thread greeting another thread's student.
//!
//! Run: `cargo xtask prove thread-local`, or by hand `RUSTFLAGS="--cfg loom"
//! CARGO_TARGET_DIR=target/loom cargo test --release -p thread-local --test proofs -- --nocapture
//! --test-threads=1`
#![cfg(loom)]

#[path = "../../../xtask/src/figures.rs"]
mod figures;

use std::collections::BTreeSet;
use std::sync::Arc as StdArc;
use std::sync::Mutex as StdMutex;

use figures::Exploration;
use loom::sync::atomic::{AtomicUsize, Ordering};
use thread_local::sync::{Arc, Mutex};
use thread_local::{AttributeError, LocalSchool, School, process_student, run, thread_name};

/// Runs the lesson, as the binary does, for `students` with the school `S`, on a buffer; returns
/// its output.
fn lesson_output<S: School>(students: &[&str]) -> String {
    let students: Vec<String> = students.iter().map(|s| s.to_string()).collect();
    let out = Arc::new(Mutex::new(Vec::new()));
    run::<S, _>(&students, &out).expect("the lesson runs");
    let written = out.lock().unwrap().clone();
    String::from_utf8(written).expect("greetings are UTF-8")
}

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
/// conflict, so loom tries both orders of every two threads' steps; as each thread binds right
/// before its step and reads right after it, that covers "another thread binds between this
/// thread's bind and its read" as well as "nothing comes between". It costs executions: 81 and
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
        LocalSchool::bind(student);
        BINDS.fetch_add(1, Ordering::SeqCst);
    }

    fn student() -> Result<String, AttributeError> {
        LocalSchool::student()
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
    loom::model(move || {
        counter.execution();
        let students = &model_students;
        let output = lesson_output::<Preemptible>(students);
        let execution = counter.executions();
        assert_eq!(
            wrong_greetings(students, &output),
            Vec::<String>::new(),
            "greetings of another thread's student (execution {execution})"
        );
        assert_eq!(output.lines().count(), students.len(), "{output}");
        assert_eq!(
            process_student::<LocalSchool>(),
            Err(AttributeError),
            "the main thread's read (execution {execution})"
        );
        seen.lock().unwrap().insert(output);
    });
    exploration.finish();
    let outputs = outputs.lock().unwrap();
    figures::report("orders", outputs.len());
    figures::report("reachable", render(&outputs));
    // Every order of the greetings was explored, and nothing else: n threads, n! orders.
    let factorial: usize = (1..=students.len()).product();
    assert_eq!(outputs.len(), factorial, "{outputs:#?}");
}

/// The distinct outputs, one block each, separated by `--`.
fn render(outputs: &BTreeSet<String>) -> String {
    outputs
        .iter()
        .map(|output| output.trim_end())
        .collect::<Vec<_>>()
        .join("\n--\n")
}

/// In every interleaving of Thread-A and Thread-B, each greets its own student (both orders of the
/// two lines are reached), and the main thread, which never bound one, reads the `AttributeError`.
/// The school is [`Preemptible`]: the lesson's own, with a step where loom may switch threads
/// between each thread's bind and its read.
///
/// Fails if: a thread's student is not kept in that thread. Tried (each temporarily, then reverted),
/// with what the model said:
/// - `run` binds each student in the *spawning* thread (`S::bind(student.clone())` before the
///   spawn, no bind in `process_thread`): panics `the lesson runs: NoStudent { thread: "Thread-A",
///   source: AttributeError }`: the spawned thread does not see the parent's binding.
/// - `LocalSchool` keeps the student in a shared `loom::lazy_static!` `Mutex<Option<String>>`
///   instead of `LOCAL_SCHOOL`: fails on the main thread's read (`Ok("Hello, Bob (in
///   <unnamed>)")`, expected `Err(AttributeError)`); with that check removed, it fails at
///   execution 28 on the greetings (`["Hello, Bob (in Thread-A)"]`; with 3 threads
///   `["Hello, Carol (in Thread-B)"]`, also execution 28).
/// - `src/sync.rs` re-exports std's `thread_local!` under loom: loom runs its threads on one OS
///   thread, so they share one slot. Fails at execution 1 on the main thread's read,
///   `Ok("Hello, Bob (in <unnamed>)")`; with that check removed, at execution 28 on the
///   greetings (`["Hello, Bob (in Thread-A)"]`), thanks to [`Preemptible`]'s step (without it,
///   this model passed).
/// - threads named one letter off (`.map(|position| thread_name(position + 1))` in `run`): fails
///   at execution 1 with `["Hello, Alice (in Thread-B)", "Hello, Bob (in Thread-C)"]`.
#[test]
fn each_thread_greets_its_own_student_2_threads() {
    each_thread_greets_its_own(
        "each thread greets its own student (2 threads)",
        &["Alice", "Bob"],
    );
}

/// The same with three threads: 3! = 6 orders of the lines, each line from its own thread.
///
/// Fails if: the same changes as the two-thread model. Tried, each on this model too: binding in
/// the spawning thread panics with the same `NoStudent { thread: "Thread-A", .. }`; the shared
/// global and std's `thread_local!` both fail at execution 1 on the main thread's read
/// (`Ok("Hello, Carol (in <unnamed>)")`), and without that check both fail at execution 28 on the
/// greetings (`["Hello, Carol (in Thread-B)"]`); names one letter off fail at execution 1 with
/// three wrong greetings.
#[test]
fn each_thread_greets_its_own_student_3_threads() {
    each_thread_greets_its_own(
        "each thread greets its own student (3 threads)",
        &["Alice", "Bob", "Carol"],
    );
}

loom::lazy_static! {
    /// The learner's mistake: `local_school = {'student': None}`, one global slot for every
    /// thread, guarded by a lock so each access is safe, yet shared. (With std this would be a
    /// plain `static SHARED_SCHOOL: Mutex<Option<String>> = Mutex::new(None)`; loom's `Mutex` is
    /// not `const`, so loom's `lazy_static!` makes a fresh one for every execution.)
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

/// With one shared global slot in place of the thread-local, loom finds an interleaving in which a
/// thread greets another thread's student: Thread-A binds Alice, Thread-B binds Bob, Thread-A reads
/// Bob. Each access is locked, so there is no data race: the bug is that the slot is shared.
///
/// Fails if (the test asserts the bad greeting IS found): the shared slot becomes per-thread again.
/// Tried: `SHARED_SCHOOL` as a `Mutex<HashMap<ThreadId, String>>` keyed by
/// `loom::thread::current().id()` (roughly what Python's `threading.local()` does inside): loom
/// explores 270 executions, reaches only the 2 right outputs, and the final assertion fails with
/// `a shared slot lets a thread greet another's student: no such interleaving found in {..}`.
#[test]
fn a_shared_global_lets_a_thread_greet_another_threads_student() {
    const STUDENTS: [&str; 2] = ["Alice", "Bob"];
    let exploration =
        Exploration::start("contrast: a shared global slot lets a thread greet another's student");
    let counter = exploration.clone();
    let outputs = StdArc::new(StdMutex::new(BTreeSet::new()));
    let seen = StdArc::clone(&outputs);
    loom::model(move || {
        counter.execution();
        let output = lesson_output::<SharedSchool>(&STUDENTS);
        seen.lock().unwrap().insert(output);
    });
    exploration.finish();
    let outputs = outputs.lock().unwrap();
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
    assert!(
        wrong.contains("Hello, Bob (in Thread-A)") && wrong.contains("Hello, Alice (in Thread-B)"),
        "a shared slot lets a thread greet another's student: no such interleaving found in {outputs:#?}"
    );
}
