//! # `thread-local`: one global name, one value per thread
//!
//! The seed's `ThreadLocal` program. In Python, `local_school = threading.local()` is one global
//! object, yet when each thread writes `local_school.student` and reads it back, it gets its own
//! student and never another thread's: "a ThreadLocal variable is global, but each thread reads and
//! writes only its own copy, without interfering".
//!
//! Rust's twin is [`thread_local!`](std::thread_local): `LOCAL_SCHOOL`, the thread-local behind
//! [`LocalSchool`], is a `static`, one name for the whole program, whose value is created lazily
//! in each thread that touches it and, as a rule, dropped when that thread ends (std's `LocalKey`
//! docs call it a best effort and name exceptions, such as the main thread's values on some
//! Unix systems). Where it differs from Python:
//!
//! - `threading.local()` is an object made at run time (there can be several, attributes come and
//!   go); `thread_local!` declares a `static` *key* with one fixed type, here `Option<String>`.
//! - Python raises `AttributeError` when a thread reads `local_school.student` before binding it;
//!   here the slot starts as `None` in every thread and [`process_student`] returns the typed
//!   [`AttributeError`] instead, a case the caller must handle.
//! - The value is only reachable inside `LOCAL_SCHOOL.with(|slot| ...)`: a reference to it cannot
//!   escape to another thread, so the compiler, not a convention, keeps each copy private.
//!
//! Where the student is kept is the one thing the proofs change: [`process_thread`] and
//! [`process_student`] are generic over a [`School`], the binary uses [`LocalSchool`] (the
//! thread-local), and the contrast model in `tests/proofs.rs` swaps in a shared mutex-guarded
//! global (the learner's mistake) to show what the thread-local prevents. Threads and locks come
//! from [`sync`], which the proofs switch to loom.

pub mod sync;

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::io::{self, Write};

use sync::{Arc, Mutex, thread};

/// How the lesson prints a thread that has no name: as std's panic messages do.
pub const UNNAMED: &str = "<unnamed>";

/// Where `local_school.student` is kept: the one thing the contrast model swaps.
///
/// The methods take no `self`, as `process_student()` takes no argument: like Python's
/// `local_school`, the storage is a global reached by name, here a type.
pub trait School: 'static {
    /// `local_school.student = name`
    fn bind(student: String);
    /// `local_school.student`: the student this thread sees, or Python's
    /// `AttributeError`.
    fn student() -> Result<String, AttributeError>;
}

// local_school = threading.local()
sync::thread_local! {
    // One `Option<String>` per thread, created as `None` on the thread's first
    // access, and dropped when the thread ends (std promises a best effort only:
    // see `LocalKey`'s docs). `RefCell`, not a lock: no other thread can ever
    // reach this value.
    #[allow(
        clippy::missing_const_for_thread_local,
        reason = "one declaration for both builds; loom's has no `const { }`"
    )]
    static LOCAL_SCHOOL: RefCell<Option<String>> = RefCell::new(None);
}

/// The lesson's school: each thread keeps its own student in the thread-local `LOCAL_SCHOOL`.
pub struct LocalSchool;

impl School for LocalSchool {
    fn bind(student: String) {
        LOCAL_SCHOOL.with(|slot| *slot.borrow_mut() = Some(student));
    }

    fn student() -> Result<String, AttributeError> {
        LOCAL_SCHOOL.with(|slot| slot.borrow().clone().ok_or(AttributeError))
    }
}

/// Python's `AttributeError` when a thread reads `local_school.student` before binding it.
///
/// Python says `'_thread._local' object has no attribute 'student'`; this says the same, naming
/// the lesson's global, `local_school`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeError;

impl fmt::Display for AttributeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("'local_school' object has no attribute 'student'")
    }
}

impl std::error::Error for AttributeError {}

// def process_student():
/// Greets the student bound in the calling thread. Like the Python, it takes no argument: it reads
/// the student from the school `S`.
///
/// It returns the line instead of printing it, so the caller picks where it goes (stdout in the
/// binary, a buffer in the tests and proofs); the line is still made in, and about, this thread.
pub fn process_student<S: School>() -> Result<String, AttributeError> {
    // std = local_school.student  (Python's name for the student, not Rust's)
    let std = S::student()?;
    // print('Hello, %s (in %s)' % (std, threading.current_thread().name))
    Ok(format!("Hello, {std} (in {})", current_thread_name()))
}

// def process_thread(name):
/// Binds `name` as this thread's student, then greets it on `out`.
pub fn process_thread<S: School, W: Write>(
    name: String,
    out: &Mutex<W>,
) -> Result<(), LessonError> {
    // local_school.student = name
    S::bind(name);
    // process_student()
    let greeting =
        process_student::<S>().map_err(|source| LessonError::NoStudent {
            thread: current_thread_name(),
            source,
        })?;
    // One lock, one `writeln!`, for the whole line and its newline: threads may greet in any
    // order, but no line can be cut by another's. (`Stdout` locks itself per `writeln!` too; this
    // lock makes it so for any writer, and is a step loom can interleave.) A poisoned lock only
    // means another thread panicked while writing (its own panic is reported); the lines written
    // so far are still whole.
    let mut out = out.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    writeln!(out, "{greeting}").map_err(|source| LessonError::Write {
        thread: current_thread_name(),
        source,
    })
}

/// Threads are named by position, `Thread-A` to `Thread-Z`, so at most this many students.
pub const MAX_STUDENTS: usize = 26;

/// The name of the thread for the student at `position` (from 0): `Thread-A`, `Thread-B`, ...
/// `None` past `Thread-Z`.
pub fn thread_name(position: usize) -> Option<String> {
    ('A'..='Z')
        .nth(position)
        .map(|letter| format!("Thread-{letter}"))
}

/// The whole program: one thread per student, named by position, each greeting its own student on
/// `out`; then joins them all. Zero students is allowed and prints nothing.
///
/// # Errors
/// [`LessonError::TooManyStudents`] before any thread starts; otherwise, once every thread has
/// been joined, the first thread's failure (in student order), if any.
///
/// # Panics
/// If the OS refuses a new thread, as `thread::spawn` does (and Python's `start()` raises).
pub fn run<S: School, W: Write + Send + 'static>(
    students: &[String],
    out: &Arc<Mutex<W>>,
) -> Result<(), LessonError> {
    let names: Vec<String> = (0..students.len())
        .map(thread_name)
        .collect::<Option<_>>()
        .ok_or(LessonError::TooManyStudents(students.len()))?;
    let threads: Vec<_> = students
        .iter()
        .zip(names)
        .map(|(student, name)| {
            let (student, out) = (student.clone(), Arc::clone(out));
            // t1 = threading.Thread(target=process_thread, args=('Alice',),
            //                       name='Thread-A')
            // t1.start()
            thread::Builder::new()
                .name(name)
                .spawn(move || process_thread::<S, W>(student, &out))
                .expect("failed to spawn thread")
        })
        .collect();
    let mut outcome = Ok(());
    for t in threads {
        // t1.join()
        // Every thread is joined, even after one has failed.
        outcome = outcome.and(join(t));
    }
    outcome
}

/// `t.join()`, which in Rust also says how the thread ended: its own `Result`, or its panic.
fn join(
    t: thread::JoinHandle<Result<(), LessonError>>,
) -> Result<(), LessonError> {
    let thread = t.thread().name().unwrap_or(UNNAMED).to_owned();
    t.join().unwrap_or_else(|payload| {
        Err(LessonError::Panicked {
            thread,
            message: panic_message(payload.as_ref()),
        })
    })
}

/// The calling thread's name, as Python's `threading.current_thread().name`, or [`UNNAMED`].
fn current_thread_name() -> String {
    thread::current().name().unwrap_or(UNNAMED).to_owned()
}

/// Why the lesson could not greet every student.
#[derive(Debug)]
pub enum LessonError {
    /// More students than thread names `Thread-A..=Thread-Z`.
    TooManyStudents(usize),
    /// A thread found no student bound in its own thread.
    NoStudent {
        /// The thread that read.
        thread: String,
        /// Python's error, twin.
        source: AttributeError,
    },
    /// A thread could not write its greeting.
    Write {
        /// The thread that wrote.
        thread: String,
        /// Why.
        source: io::Error,
    },
    /// A thread panicked.
    Panicked {
        /// The thread that panicked.
        thread: String,
        /// Its panic message, when it was a string (it almost always is).
        message: String,
    },
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooManyStudents(count) => write!(
                f,
                "{count} students, but threads are named Thread-A..=Thread-Z: at most {MAX_STUDENTS}"
            ),
            Self::NoStudent { thread, source } => {
                write!(f, "in {thread}: AttributeError: {source}")
            }
            Self::Write { thread, source } => {
                write!(f, "{thread} could not write its greeting: {source}")
            }
            Self::Panicked { thread, message } => {
                write!(f, "thread '{thread}' panicked: {message}")
            }
        }
    }
}

impl std::error::Error for LessonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Write { source, .. } => Some(source),
            Self::NoStudent { source, .. } => Some(source),
            Self::TooManyStudents(_) | Self::Panicked { .. } => None,
        }
    }
}

/// `panic!` with a literal carries a `&str`, with formatting a `String`; anything else is opaque.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "(a panic payload that is not a string)".to_owned()
    }
}
