//! The lesson as the binary runs it, on a buffer, checked against `output.txt`; and the behaviour
//! around it: the unbound read (Python's `AttributeError`), bad input, panics, write errors.
#![cfg(not(loom))]

use std::io::{self, Write};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use pretty_assertions::assert_eq;
use thread_local::{
    AttributeError, LessonError, LocalSchool, MAX_STUDENTS, School, UNNAMED, process_student, run,
    thread_name,
};

fn students(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

/// Runs the lesson with the school `S` on a buffer: its result, and what it wrote.
fn run_on_buffer<S: School>(names: &[&str]) -> (Result<(), LessonError>, String) {
    let out = Arc::new(Mutex::new(Vec::new()));
    let result = run::<S, _>(&students(names), &out);
    let written = String::from_utf8(out.lock().unwrap().clone()).expect("greetings are UTF-8");
    (result, written)
}

/// Runs the lesson with the thread-local school and returns what it wrote.
fn greetings(names: &[&str]) -> String {
    let (result, written) = run_on_buffer::<LocalSchool>(names);
    result.expect("the lesson runs");
    written
}

/// The lines of `text`, each with its newline, sorted: the threads greet in any order.
fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.sort_unstable();
    lines
}

#[test]
fn default_run_matches_the_transcript_up_to_the_order_of_lines() {
    let transcript = include_str!("../output.txt");
    let expected = transcript
        .strip_prefix("$ cargo run -p thread-local\n")
        .expect("output.txt starts with the command line");
    let actual = greetings(&["Alice", "Bob"]);
    assert_eq!(sorted_lines(&actual), sorted_lines(expected));
}

#[test]
fn each_of_26_threads_greets_its_own_student() {
    let names: Vec<String> = (0..MAX_STUDENTS).map(|i| format!("Student{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let actual = greetings(&refs);
    let mut expected: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("Hello, {name} (in {})\n", thread_name(i).unwrap()))
        .collect();
    expected.sort_unstable();
    assert_eq!(sorted_lines(&actual), expected);
}

#[test]
fn zero_students_greet_nobody() {
    assert_eq!(greetings(&[]), "");
}

#[test]
fn a_thread_that_never_bound_its_student_gets_the_attribute_error() {
    let read = thread::spawn(process_student::<LocalSchool>)
        .join()
        .expect("the thread does not panic");
    assert_eq!(read, Err(AttributeError));
    assert_eq!(
        AttributeError.to_string(),
        "'local_school' object has no attribute 'student'"
    );
}

#[test]
fn the_main_thread_sees_nothing_of_what_the_lesson_threads_bound() {
    greetings(&["Alice", "Bob"]);
    assert_eq!(process_student::<LocalSchool>(), Err(AttributeError));
}

/// Deterministic without any sleep: each step waits for the other thread's message, so the order
/// of the binds and reads is fixed by the channels, not by the scheduler.
#[test]
fn a_binding_in_one_thread_is_invisible_in_another_even_after_it_happened() {
    let (to_b, from_a) = mpsc::channel::<()>();
    let (to_a, from_b) = mpsc::channel::<()>();
    let a = thread::Builder::new()
        .name("Thread-A".into())
        .spawn(move || {
            LocalSchool::bind("Alice".into());
            to_b.send(()).unwrap(); // B reads only after this bind
            from_b.recv().unwrap(); // ... and binds Bob before A reads again
            process_student::<LocalSchool>()
        })
        .unwrap();
    let b = thread::Builder::new()
        .name("Thread-B".into())
        .spawn(move || {
            from_a.recv().unwrap();
            let before = process_student::<LocalSchool>();
            LocalSchool::bind("Bob".into());
            let after = process_student::<LocalSchool>();
            to_a.send(()).unwrap();
            (before, after)
        })
        .unwrap();
    assert_eq!(
        a.join().unwrap(),
        Ok("Hello, Alice (in Thread-A)".to_string())
    );
    assert_eq!(
        b.join().unwrap(),
        (
            Err(AttributeError),
            Ok("Hello, Bob (in Thread-B)".to_string())
        )
    );
}

#[test]
fn a_binding_does_not_outlive_its_thread() {
    thread::spawn(|| LocalSchool::bind("Alice".into()))
        .join()
        .unwrap();
    let next = thread::spawn(process_student::<LocalSchool>)
        .join()
        .unwrap();
    assert_eq!(next, Err(AttributeError));
}

#[test]
fn an_unnamed_thread_is_greeted_as_unnamed() {
    let greeting = thread::spawn(|| {
        LocalSchool::bind("Alice".into());
        process_student::<LocalSchool>()
    })
    .join()
    .unwrap();
    assert_eq!(greeting, Ok(format!("Hello, Alice (in {UNNAMED})")));
    assert_eq!(UNNAMED, "<unnamed>", "the word std's panic messages use");
}

#[test]
fn rebinding_replaces_the_student_in_this_thread_only() {
    let lines = thread::Builder::new()
        .name("Thread-A".into())
        .spawn(|| {
            LocalSchool::bind("Alice".into());
            let first = process_student::<LocalSchool>();
            LocalSchool::bind("Ann".into());
            (first, process_student::<LocalSchool>())
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(
        lines,
        (
            Ok("Hello, Alice (in Thread-A)".to_string()),
            Ok("Hello, Ann (in Thread-A)".to_string())
        )
    );
}

#[test]
fn too_many_students_is_an_error_before_any_thread_starts() {
    let names: Vec<String> = (0..=MAX_STUDENTS).map(|i| i.to_string()).collect();
    let error = run::<LocalSchool, _>(&names, &Arc::new(Mutex::new(Vec::new()))).unwrap_err();
    assert!(
        matches!(error, LessonError::TooManyStudents(27)),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "27 students, but threads are named Thread-A..=Thread-Z: at most 26"
    );
}

#[test]
fn threads_are_named_by_position_from_a_to_z() {
    assert_eq!(thread_name(0).as_deref(), Some("Thread-A"));
    assert_eq!(thread_name(1).as_deref(), Some("Thread-B"));
    assert_eq!(thread_name(MAX_STUDENTS - 1).as_deref(), Some("Thread-Z"));
    assert_eq!(thread_name(MAX_STUDENTS), None);
}

/// A school that keeps the student in the thread-local, but panics when asked to bind Bob.
struct PanickyAboutBob;

impl School for PanickyAboutBob {
    fn bind(student: String) {
        if student == "Bob" {
            panic!("this school refuses {student}");
        }
        LocalSchool::bind(student);
    }
    fn student() -> Result<String, AttributeError> {
        LocalSchool::student()
    }
}

#[test]
fn a_panic_in_a_lesson_thread_is_reported_with_its_name_and_the_others_still_greet() {
    let (result, written) = run_on_buffer::<PanickyAboutBob>(&["Alice", "Bob"]);
    let error = result.unwrap_err();
    assert!(
        matches!(&error, LessonError::Panicked { thread, message }
            if thread == "Thread-B" && message == "this school refuses Bob"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "thread 'Thread-B' panicked: this school refuses Bob"
    );
    assert_eq!(written, "Hello, Alice (in Thread-A)\n");
}

/// A school that panics on every bind, with a literal message or with one that is not a string.
struct PanicsWith<const LITERAL: bool>;

impl<const LITERAL: bool> School for PanicsWith<LITERAL> {
    fn bind(_student: String) {
        if LITERAL {
            panic!("a literal");
        }
        std::panic::panic_any(42);
    }
    fn student() -> Result<String, AttributeError> {
        LocalSchool::student()
    }
}

#[test]
fn a_panic_is_reported_whatever_its_payload() {
    let literal = run_on_buffer::<PanicsWith<true>>(&["Alice"]).0.unwrap_err();
    assert_eq!(literal.to_string(), "thread 'Thread-A' panicked: a literal");
    let opaque = run_on_buffer::<PanicsWith<false>>(&["Alice"])
        .0
        .unwrap_err();
    assert_eq!(
        opaque.to_string(),
        "thread 'Thread-A' panicked: (a panic payload that is not a string)"
    );
}

/// A school that forgets: binding stores nothing, so every read is the `AttributeError`.
struct Forgetful;

impl School for Forgetful {
    fn bind(_student: String) {}
    fn student() -> Result<String, AttributeError> {
        Err(AttributeError)
    }
}

#[test]
fn a_thread_that_finds_no_student_is_reported_with_its_name() {
    let error = run_on_buffer::<Forgetful>(&["Alice"]).0.unwrap_err();
    assert_eq!(
        error.to_string(),
        "in Thread-A: AttributeError: 'local_school' object has no attribute 'student'"
    );
}

/// A writer that always fails, like a closed pipe.
#[derive(Debug)]
struct Closed;

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failed_write_is_reported_not_swallowed() {
    let error =
        run::<LocalSchool, _>(&students(&["Alice"]), &Arc::new(Mutex::new(Closed))).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Thread-A could not write its greeting: closed"
    );
}

/// A failure that wraps another error hands it on as its `source`, so a caller (or an error
/// reporter walking the chain) sees the `AttributeError` or the I/O error, not only the message;
/// the others wrap nothing.
#[test]
fn a_wrapped_error_is_its_source_and_the_others_have_none() {
    use std::error::Error as _;

    let no_student = LessonError::NoStudent {
        thread: "Thread-A".to_string(),
        source: AttributeError,
    };
    let source = no_student
        .source()
        .expect("the AttributeError is the source");
    assert_eq!(source.to_string(), AttributeError.to_string());
    assert!(source.downcast_ref::<AttributeError>().is_some());

    let write = LessonError::Write {
        thread: "Thread-B".to_string(),
        source: io::Error::new(io::ErrorKind::BrokenPipe, "closed"),
    };
    let source = write.source().expect("the io::Error is the source");
    assert_eq!(
        source.downcast_ref::<io::Error>().map(io::Error::kind),
        Some(io::ErrorKind::BrokenPipe)
    );

    assert!(LessonError::TooManyStudents(27).source().is_none());
    let panicked = LessonError::Panicked {
        thread: "Thread-A".to_string(),
        message: "boom".to_string(),
    };
    assert!(panicked.source().is_none());
}
